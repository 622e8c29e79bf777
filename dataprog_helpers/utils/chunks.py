"""The package's one chunk size: how many rows are processed at a time.

Label matrices, features and simulated data are handled this many rows at a time,
so that temporary float copies stay small for millions of points.  Sums of 0/1
counts over at most this many rows are exact in float32 (below 2**24), and
simulated data sets of at most this many points are drawn in one block, so their
random numbers do not depend on the block size.  The slices themselves are
scikit-learn's :func:`~sklearn.utils.gen_batches`.
"""

from __future__ import annotations

from collections.abc import Iterator

from sklearn.utils import gen_batches

__all__ = ["CHUNK_ROWS", "row_chunks"]

#: Rows processed at once (see the module docstring).
CHUNK_ROWS = 65_536


def row_chunks(n_rows: int, chunk_rows: int = CHUNK_ROWS) -> Iterator[slice]:
    """Slices ``start:stop`` that cover ``range(n_rows)`` in order, ``chunk_rows`` at a time.

    None for ``n_rows = 0`` (an empty chunk of a Dask array), which
    :func:`~sklearn.utils.gen_batches` refuses.
    """
    return gen_batches(n_rows, chunk_rows) if n_rows else iter(())

"""The package's one chunk size: how many rows are processed at a time.

Label matrices, features and simulated data are handled this many rows at a time,
so that temporary float copies stay small for millions of points.  Sums of 0/1
counts over at most this many rows are exact in float32 (below 2**24), and
simulated data sets of at most this many points are drawn in one block, so their
random numbers do not depend on the block size.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["CHUNK_ROWS", "row_chunks"]

#: Rows processed at once (see the module docstring).
CHUNK_ROWS = 65_536


def row_chunks(n_rows: int, chunk_rows: int = CHUNK_ROWS) -> Iterator[slice]:
    """Slices ``start:stop`` that cover ``range(n_rows)`` in order, ``chunk_rows`` at a time."""
    for start in range(0, n_rows, chunk_rows):
        yield slice(start, min(start + chunk_rows, n_rows))

"""One object per row chunk of a Dask array, kept on the workers, and sums over them.

The label models' map-reduce fits (:mod:`~dataprog_helpers.label_model.dask_em` for k
classes, :mod:`~dataprog_helpers.label_model.binary_dask` for two) read each chunk's
votes once into a small object where the chunk lies, keep it there
(``dask.persist``), and then ask for sums over the chunks many times, once per EM
step: :meth:`PersistedChunks.sum` applies a function to every chunk's object on its
worker and adds the results by a tree reduction, ``split_every`` at a time, so only
one result of each call reaches the client.  Dask's own reductions work on arrays
of a fixed shape; these results are tuples of arrays, numbers and lists of arrays,
so the tree is built here from ``dask.delayed``.
"""

from __future__ import annotations

from collections.abc import Callable

from .optional_dask import import_dask
from .validation import check_positive_int

__all__ = ["PersistedChunks", "added"]


def added(*parts):
    """The sum of several results, part by part: arrays and numbers, or tuples of them
    (named tuples keep their type), nested to any depth."""
    first = parts[0]
    if isinstance(first, tuple):
        sums = [added(*values) for values in zip(*parts, strict=True)]
        return type(first)(*sums) if hasattr(first, "_fields") else tuple(sums)
    return sum(parts[1:], first)


class PersistedChunks:
    """``reader(block, *arguments, index)`` of every row chunk of a Dask array, persisted.

    Parameters
    ----------
    label_matrix : dask.array.Array of shape (n_points, n_lfs)
        Chunks along the LFs are joined first, so each object sees whole rows.
    reader : callable
        ``reader(block, *arguments, index)`` turns one chunk (an ndarray, possibly
        without rows) into the object kept; ``index`` numbers the chunks, for
        error messages.  It runs when the object is first computed, here.
    arguments : tuple
        Passed to ``reader`` before the index.
    split_every : int, default 8
        How many results each summing task adds (at least 2).
    """

    def __init__(self, label_matrix, reader: Callable, arguments: tuple = (),
                 split_every: int = 8) -> None:
        dask = import_dask("dask")
        self.split_every = check_positive_int(split_every, "split_every", minimum=2)
        blocks = label_matrix.rechunk({1: -1}).to_delayed().ravel()
        chunks = [dask.delayed(reader, pure=True)(block, *arguments, index)
                  for index, block in enumerate(blocks)]
        self.chunks = dask.persist(*chunks)

    def mapped(self, function: Callable, *arguments) -> PersistedChunks:
        """``function(chunk, *arguments)`` of every chunk's object, persisted in its place."""
        dask = import_dask("dask")
        mapped = object.__new__(PersistedChunks)
        mapped.split_every = self.split_every
        mapped.chunks = dask.persist(*[dask.delayed(function, pure=True)(chunk, *arguments)
                                       for chunk in self.chunks])
        return mapped

    def sum(self, function: Callable, *arguments, combine: Callable = added):
        """``function(chunk, *arguments)`` on every chunk's worker, summed (:func:`added`).

        ``combine(*results)`` may replace the sum by another associative merge.
        """
        dask = import_dask("dask")
        level = [dask.delayed(function, pure=True)(chunk, *arguments) for chunk in self.chunks]
        while len(level) > 1:
            level = [dask.delayed(combine, pure=True)(*level[start:start + self.split_every])
                     for start in range(0, len(level), self.split_every)]
        return dask.compute(level[0])[0]

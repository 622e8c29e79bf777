"""k-class EM on a Dask array: each E-step one map-reduce, the client's memory free of n.

The pattern histogram the in-memory fit reads grows with the number of distinct rows,
which for many LFs is about n.  :class:`DaskVotes` keeps the votes where they are:
each chunk of rows becomes the :class:`~dataprog_helpers.label_model.multiclass.VoteIndicators`
of its own distinct rows, persisted on the workers, and every E-step sends the small
parameters (n_lfs x k x (k + 1) numbers) to them and sums the chunks' expected counts
and log-likelihoods by a tree reduction (``split_every`` at a time).  What reaches the
client is O(n_lfs k^2), whatever n.  The M-step runs on the client, on those sums,
exactly as in memory, so the fit equals the in-memory one up to the order of float
summation, well within its tolerance.
"""

from __future__ import annotations

import numpy as np

from ..utils.persisted_chunks import PersistedChunks
from ..utils.validation import check_label_matrix
from .multiclass import VoteIndicators, outcomes_seen

__all__ = ["DaskVotes"]


def _chunk_indicators(block, cardinality: int, index: int) -> VoteIndicators | None:
    """One chunk's distinct rows as vote indicators (None for a chunk without rows)."""
    if np.shape(block)[0] == 0:
        return None
    block = check_label_matrix(block, f"label_matrix chunk {index}", cardinality)
    return VoteIndicators.from_label_matrix(block, cardinality)


def _chunk_totals(indicators: VoteIndicators | None, n_lfs: int, cardinality: int):
    if indicators is None:
        return np.zeros((n_lfs, cardinality)), 0.0, 0.0
    return indicators.vote_totals(), indicators.n_points, indicators.n_uncovered


def _chunk_counts(indicators: VoteIndicators | None, tables: np.ndarray, prior: np.ndarray):
    """A chunk's expected counts and total log-likelihood under ``(tables, prior)``."""
    if indicators is None:
        return np.zeros_like(tables), 0.0
    counts, mean_log_likelihood = indicators.expected_counts(tables, prior)
    return counts, mean_log_likelihood * indicators.n_points


def _chunk_majority_counts(indicators: VoteIndicators | None, shape: tuple):
    if indicators is None:
        return np.zeros(shape)
    return indicators.majority_vote_counts()


class DaskVotes:
    """A k-class Dask label matrix, as the EM of :mod:`.multiclass` reads it.

    Parameters
    ----------
    label_matrix : dask.array.Array of shape (n_points, n_lfs)
        Votes in {-1 = abstain, 0, ..., cardinality - 1}; chunks along the LFs are
        joined, chunks may be empty.  Each chunk is checked when it is first computed,
        here, with an error that names it.
    cardinality : int
    split_every : int, default 8
        How many chunks' results each summing task adds.
    """

    def __init__(self, label_matrix, cardinality: int, split_every: int = 8) -> None:
        if label_matrix.ndim != 2:
            raise ValueError(f"label_matrix must be 2-D, got shape {label_matrix.shape}")
        self.n_lfs = int(label_matrix.shape[1])
        self.cardinality = cardinality
        self._chunks = PersistedChunks(label_matrix, _chunk_indicators, (cardinality,),
                                       split_every)
        self._vote_totals, self.n_points, self.n_uncovered = self._chunks.sum(
            _chunk_totals, self.n_lfs, cardinality)

    def vote_totals(self) -> np.ndarray:
        """How many votes each LF casts for each class, shape (n_lfs, cardinality)."""
        return self._vote_totals

    def outcomes_seen(self) -> np.ndarray:
        return outcomes_seen(self._vote_totals, self.n_points)

    def expected_counts(self, tables: np.ndarray, prior: np.ndarray
                        ) -> tuple[np.ndarray, float]:
        """The E-step on the workers: summed expected counts and the mean log-likelihood."""
        counts, log_likelihood = self._chunks.sum(_chunk_counts, tables, prior)
        return counts, float(log_likelihood) / self.n_points

    def majority_vote_counts(self) -> np.ndarray:
        k = self.cardinality
        return self._chunks.sum(_chunk_majority_counts, (self.n_lfs, k, k + 1))

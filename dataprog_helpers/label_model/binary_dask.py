"""Two-class votes on a Dask array: the pattern histogram gathered, or EM by map-reduce.

The two-class class-conditional model's likelihood depends on the votes only
through their pattern histogram (:mod:`.binary_patterns`), which has up to one row
per point when there are many LFs: 56.7 MiB at 10^6 points and 50 LFs.
:class:`DaskSignedVotes` first reduces each chunk to its own histogram, where the
chunk lies, and keeps it there.  Their sizes bound the whole histogram's; below
:data:`HISTOGRAM_LIMIT_BYTES` the chunks' histograms are merged by a tree reduction
and the fit runs on the client exactly as in memory.  Above it, the histograms stay
on the workers, coded for the fit's blocks of LFs (:class:`DaskPatternCodes`), and
each EM step sends the tables (2 x 3 numbers per LF) to them and sums the chunks'
expected counts (``split_every`` at a time): what reaches the client is
O(n_lfs 3^8) numbers, whatever n.  The M-step runs on the client on those sums, so
that fit equals the in-memory one up to the order of the float sums, well within
its tolerance.
"""

from __future__ import annotations

import numpy as np

from ..utils.persisted_chunks import PersistedChunks
from ..utils.validation import check_label_matrix
from .binary_patterns import BinaryCounts, PatternCodes
from .dependency_blocks import Block
from .row_sums import distinct_patterns

__all__ = ["HISTOGRAM_LIMIT_BYTES", "DaskPatternCodes", "DaskSignedVotes"]

#: The largest pattern histogram (patterns as int8 plus an int64 count each) that a
#: Dask fit gathers on the client; the bound used is the sum of the chunks'
#: histograms, which is at least the whole one's.  16 MiB holds 290,000 patterns
#: of 50 LFs.
HISTOGRAM_LIMIT_BYTES = 16 * 2**20


def _chunk_histogram(block, index: int) -> tuple[np.ndarray, np.ndarray]:
    """One chunk's distinct rows and their counts (none for a chunk without rows)."""
    if np.shape(block)[0] == 0:
        return np.zeros((0, np.shape(block)[1]), dtype=np.int8), np.zeros(0, dtype=np.int64)
    return distinct_patterns(check_label_matrix(block, f"label_matrix chunk {index}"))


def _histogram_sizes(histogram) -> tuple[np.ndarray, int, int]:
    """Each LF's number of votes, the chunk's distinct patterns and its points."""
    patterns, counts = histogram
    return counts @ (patterns != 0), patterns.shape[0], int(counts.sum())


def _merged(*histograms) -> tuple[np.ndarray, np.ndarray]:
    """The histogram of several chunks' rows together."""
    return distinct_patterns(np.concatenate([patterns for patterns, _ in histograms]),
                             np.concatenate([counts for _, counts in histograms]))


def _as_is(histogram):
    return histogram


def _coded(histogram, blocks: list[Block]) -> PatternCodes:
    patterns, counts = histogram
    return PatternCodes(patterns, counts, blocks)


def _block_totals(codes: PatternCodes) -> tuple:
    return codes.block_totals, codes.n_points


def _expected_counts(codes: PatternCodes, log_tables, spans, prior) -> BinaryCounts:
    return codes.expected_counts(log_tables, spans, prior)


def _majority_vote_counts(codes: PatternCodes) -> BinaryCounts:
    return codes.majority_vote_counts()


def _co_votes(codes: PatternCodes, lfs: list[int]) -> np.ndarray:
    return codes.co_votes(lfs)


def _covote_counts(codes: PatternCodes) -> np.ndarray:
    return codes.covote_counts()


def _third_moment_sum(codes: PatternCodes, block_sums) -> float:
    return codes.third_moment_sum(block_sums)


class DaskSignedVotes:
    """A two-class Dask label matrix (votes in {-1, 0, +1}), read chunk by chunk.

    Parameters
    ----------
    label_matrix : dask.array.Array of shape (n_points, n_lfs)
        Chunks along the LFs are joined, chunks may be empty or of unknown length.
        Each chunk is checked when it is first read, here, with an error that
        names it.
    split_every : int, default 8
        How many chunks' results each summing task adds.

    Attributes
    ----------
    n_lfs, n_points : int
    lf_vote_counts : ndarray of int64, shape (n_lfs,)
        How many points each LF votes on.
    histogram_bytes : int
        The sum of the chunks' histograms' sizes, a bound on the whole histogram's.
    """

    def __init__(self, label_matrix, split_every: int = 8) -> None:
        if label_matrix.ndim != 2:
            raise ValueError(f"label_matrix must be 2-D, got shape {label_matrix.shape}")
        self.n_lfs = int(label_matrix.shape[1])
        self._histograms = PersistedChunks(label_matrix, _chunk_histogram, (), split_every)
        self.lf_vote_counts, n_patterns, self.n_points = self._histograms.sum(_histogram_sizes)
        self.histogram_bytes = int(n_patterns) * (self.n_lfs + 8)

    def gathered(self) -> tuple[np.ndarray, np.ndarray]:
        """The whole pattern histogram on the client: ``(patterns, pattern_counts)``,
        as :func:`~.row_sums.distinct_patterns` gives it for the whole matrix."""
        return self._histograms.sum(_as_is, combine=_merged)

    def coded(self, blocks: list[Block]) -> DaskPatternCodes:
        """The chunks' histograms coded for ``blocks``, kept on the workers."""
        return DaskPatternCodes(self._histograms.mapped(_coded, blocks), blocks)


class DaskPatternCodes:
    """:class:`~.binary_patterns.PatternCodes` of each chunk, on the workers; each
    method returns the sum over the chunks of theirs (the same signature)."""

    def __init__(self, chunks: PersistedChunks, blocks: list[Block]) -> None:
        self._chunks = chunks
        self.blocks = blocks
        self.block_totals, self.n_points = chunks.sum(_block_totals)

    def expected_counts(self, log_tables: np.ndarray, spans: list[slice], prior: float
                        ) -> BinaryCounts:
        return self._chunks.sum(_expected_counts, log_tables, spans, prior)

    def majority_vote_counts(self) -> BinaryCounts:
        return self._chunks.sum(_majority_vote_counts)

    def co_votes(self, lfs: list[int]) -> np.ndarray:
        return self._chunks.sum(_co_votes, lfs)

    def covote_counts(self) -> np.ndarray:
        return self._chunks.sum(_covote_counts)

    def third_moment_sum(self, block_sums: list[np.ndarray]) -> float:
        return self._chunks.sum(_third_moment_sum, block_sums)

"""The votes as the two-class EM reads them: distinct patterns, coded block by block.

:class:`PatternCodes` holds a set of distinct vote patterns (rows of L) with how
many points have each, and each pattern's code in every block of LFs
(:mod:`~dataprog_helpers.label_model.dependency_blocks`).  It answers everything
:class:`~dataprog_helpers.label_model.binary_fit.BinaryFit` asks of the data, and
each answer is a sum over the patterns: the E-step's expected counts under given
tables (:meth:`PatternCodes.expected_counts`), the majority vote's counts, how often
LFs vote together, the third-moment sum.  So the answers for several sets of
patterns (one per chunk of a Dask array, :mod:`.binary_dask`) add up to the answer
for all of them, and the same EM runs in memory or on a cluster.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .dependencies import vote_codes
from .dependency_blocks import Block
from .row_sums import weighted_covotes

__all__ = ["BinaryCounts", "PatternCodes", "pattern_weights"]


def pattern_weights(pattern_counts: np.ndarray) -> np.ndarray:
    """How many points have each pattern, as the float64 weights of the sums."""
    return pattern_counts.astype(np.float64)


class BinaryCounts(NamedTuple):
    """What one E-step (or a labelling) gives the M-step, summed over the points.

    Attributes
    ----------
    positive : tuple of ndarray, one of shape (n_codes,) per block
        Expected number of points of class +1 with each code of the block.
    positive_total : float
        Expected number of points of class +1.
    log_likelihood : float
        Total (not mean) log-likelihood of the tables the E-step was given
        (NaN for counts of a labelling).
    """

    positive: tuple
    positive_total: float
    log_likelihood: float


class PatternCodes:
    """Distinct vote patterns, their weights, and their codes in each block of LFs.

    Parameters
    ----------
    patterns : ndarray of int8, shape (n_patterns, n_lfs)
        Distinct rows of a signed label matrix (may have no rows).
    pattern_counts : ndarray of int64, shape (n_patterns,)
        How many points have each pattern (kept as the float64 ``weights``).
    blocks : list of Block
        The blocks of LFs whose joint votes are one code.
    """

    def __init__(self, patterns: np.ndarray, pattern_counts: np.ndarray,
                 blocks: list[Block]) -> None:
        self.patterns = patterns
        self.weights = weights = pattern_weights(pattern_counts)
        self.blocks = blocks
        self.n_points = float(weights.sum())
        self.codes = [vote_codes(patterns, block.lfs) for block in blocks]
        self.block_totals = tuple(
            np.bincount(codes, weights=weights, minlength=block.n_codes)
            for codes, block in zip(self.codes, blocks, strict=True)
        )

    def _counts(self, posterior: np.ndarray, log_likelihood: float) -> BinaryCounts:
        weighted = self.weights * posterior
        positive = tuple(np.bincount(codes, weights=weighted, minlength=block.n_codes)
                         for codes, block in zip(self.codes, self.blocks, strict=True))
        return BinaryCounts(positive, float(weighted.sum()), log_likelihood)

    def posterior(self, log_tables: np.ndarray, spans: list[slice], prior: float
                  ) -> tuple[np.ndarray, float]:
        """Each pattern's P(y = +1 | pattern), and the total log-likelihood.

        ``log_tables`` (shape (2, n_outcomes)) holds every factor's log-probabilities
        side by side, block b's at ``spans[b]``.  With ``d`` the posterior log-odds
        and ``e = exp(-|d|)``, the posterior is ``1 / (1 + e)`` where ``d >= 0`` and
        ``e / (1 + e)`` elsewhere, and ``log(P(y = -1, pattern) + P(y = +1, pattern))
        = log P(y = -1, pattern) + max(d, 0) + log1p(e)``: one exponential serves
        both, and neither overflows.  (Written out rather than as
        ``scipy.special.expit(d)`` and ``np.logaddexp(0, d)``, which compute the same
        with two exponentials: this is EM's inner loop, one pass over the patterns
        per step.)  ``sum_u w_u log P(u | y = -1)`` needs no pass over the patterns:
        it is the sum over blocks of each code's total weight times its
        log-probability.
        """
        negative = 0.0
        log_odds = np.zeros(self.weights.shape[0])
        for block, span, codes, totals in zip(
            self.blocks, spans, self.codes, self.block_totals, strict=True
        ):
            # log P(block's votes | y = c) for every code, as sums over its factors.
            block_tables = log_tables[:, span] @ block.outcomes_t
            negative += float(totals @ block_tables[0])
            log_odds += np.take(block_tables[1] - block_tables[0], codes)
        log_odds += np.log(prior) - np.log1p(-prior)
        small = np.exp(-np.abs(log_odds))
        posterior = np.where(log_odds >= 0.0, 1.0, small) / (1.0 + small)
        softplus = np.maximum(log_odds, 0.0)
        softplus += np.log1p(small)
        log_likelihood = (negative + self.n_points * np.log1p(-prior)
                          + float(self.weights @ softplus))
        return posterior, log_likelihood

    def expected_counts(self, log_tables: np.ndarray, spans: list[slice], prior: float
                        ) -> BinaryCounts:
        """The E-step: posterior-weighted counts of every code, and the log-likelihood."""
        posterior, log_likelihood = self.posterior(log_tables, spans, prior)
        return self._counts(posterior, log_likelihood)

    def majority_vote_counts(self) -> BinaryCounts:
        """Counts of the majority vote's labels (ties and no votes count 1/2)."""
        vote_sums = np.zeros(self.weights.shape[0], dtype=np.int32)
        for block, codes in zip(self.blocks, self.codes, strict=True):
            vote_sums += np.take((block.digits.sum(axis=1) - len(block.lfs)).astype(np.int32),
                                 codes)
        posterior = np.where(vote_sums > 0, 1.0, np.where(vote_sums < 0, 0.0, 0.5))
        return self._counts(posterior, float("nan"))

    def co_votes(self, lfs: list[int]) -> np.ndarray:
        """How many points each pair of ``lfs`` both vote on, shape (len(lfs), len(lfs))."""
        votes = (self.patterns[:, lfs] != 0).astype(np.float64)
        return votes.T @ (self.weights[:, None] * votes)

    def covote_counts(self) -> np.ndarray:
        """Points on which LF i votes a and LF j votes b, for a, b in {-1, +1}.

        Shape (n_lfs, n_lfs, 2, 2), indexed ``[i, j, (a + 1) // 2, (b + 1) // 2]``, as
        :meth:`~.statistics.VoteStatistics.covote_counts`: with X the 2m indicators
        of the votes -1 and +1, ``X^T W X`` over the patterns (sums of whole
        counts, exact in float64, and checked: :func:`~.row_sums.weighted_covotes`).
        """
        n_lfs = self.patterns.shape[1]
        indicators = np.concatenate([self.patterns == -1, self.patterns == 1], axis=1)
        covotes = weighted_covotes(indicators, self.weights)
        return covotes.reshape(2, n_lfs, 2, n_lfs).transpose(1, 3, 0, 2)

    def third_moment_sum(self, block_sums: list[np.ndarray]) -> float:
        """``sum_u w_u (P1^3 - 3 P1 P2 + 2 P3)``, where ``P_r`` of a pattern is the sum
        over blocks of ``block_sums[b][r - 1]`` at its code (see
        :func:`~dataprog_helpers.label_model.binary_moments.third_moment_prior`)."""
        power_sums = np.zeros((3, self.weights.shape[0]))
        for sums, codes in zip(block_sums, self.codes, strict=True):
            power_sums += np.take(sums, codes, axis=1)
        p1, p2, p3 = power_sums
        return float(self.weights @ (p1**3 - 3.0 * p1 * p2 + 2.0 * p3))

"""How :class:`~dataprog_helpers.ClassConditionalLabelModel` fits two classes.

Two ways to fit it, and their combination:

- **Expectation-maximisation** (``method="em"``).  The E-step computes each
  pattern's posterior r_u = P(y = +1 | u); the M-step sets
  ``theta_i[c, v] = sum_u n_u r_u^c [v_ui = v] / sum_u n_u r_u^c`` (with
  ``r^(+1) = r`` and ``r^(-1) = 1 - r``) and ``pi = sum_u n_u r_u / n``.  Each
  step raises the likelihood; it stops at a local maximum, so the start
  matters: ``init="majority_vote"`` starts from the majority vote's labels,
  ``init="moments"`` from the moment estimate below.  Where the likelihood is
  flat (weak LFs) plain EM crawls for hundreds of steps, so the steps are
  accelerated by SQUAREM (Varadhan and Roland, 2008), which keeps EM's
  guarantee that the likelihood never decreases.
- **Moments** (``method="moments"``).  Let x be the 2m indicators of the votes
  -1 and +1 of every LF, and ``delta_a = P(x_a = 1 | y = +1) - P(x_a = 1 | y = -1)``.
  For indicators a, b of two different LFs, conditional independence gives

      Cov(x_a, x_b) = pi (1 - pi) delta_a delta_b,

  so the covariance of the votes, with each LF's own 2 x 2 block left out, is the
  rank-one matrix ``g g^T`` with ``g = sqrt(pi (1 - pi)) delta``: the same masked
  rank-one completion as the symmetric model's ``Z = q q^T``, solved by the same
  diagonal-Newton steps, here in NumPy
  (:func:`~dataprog_helpers.label_model.binary_moments.complete_rank_one`).  Second
  moments cannot tell a strong signal with a balanced prior from a stronger one
  with an imbalanced prior; the third central moment of three different LFs can.
  With ``t_i = g_i . (x_i - mu_i)``,

      E[t_i t_j t_k] = (1 - 2 pi) / sqrt(pi (1 - pi)) |g_i|^2 |g_j|^2 |g_k|^2,

  which fixes pi (Anandkumar et al., *Tensor decompositions for learning latent
  variable models*, JMLR 2014, use the same moments for mixtures).  Then
  ``theta[+1] = mu + (1 - pi) delta`` and ``theta[-1] = mu - pi delta`` on the
  indicators, and abstention takes the rest.

:class:`BinaryFit` holds one fit's layout of the tables (factors packed into blocks,
:mod:`~dataprog_helpers.label_model.dependency_blocks`) and the steps of each route.
What it reads of the votes, it asks of its data: a
:class:`~dataprog_helpers.label_model.binary_patterns.PatternCodes` in memory, or a
:class:`~dataprog_helpers.label_model.binary_dask.DaskPatternCodes` whose chunks stay
on a cluster; every answer is a sum over the points, so the steps are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..exceptions import IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from .binary_patterns import BinaryCounts
from .dependencies import vote_codes
from .dependency_blocks import Factor, blocks_of, vote_digits
from .squarem import extrapolate

if TYPE_CHECKING:
    from .class_conditional import ClassConditionalLabelModel

__all__ = ["PLAIN_EM_STEPS", "BinaryFit", "binary_lf_accuracies", "polarities",
           "warn_of_shared_abstentions"]

#: Plain EM steps before the accelerated cycles begin: a well-started fit often
#: converges within them, and then acceleration would only add work.
PLAIN_EM_STEPS = 5


def warn_of_shared_abstentions(fit: BinaryFit) -> None:
    """Warn of LFs that abstain on exactly the same points and are not declared dependent.

    The model reads *whether* an LF votes as evidence about the class, so such a
    group's shared abstentions are a strong signal it can mistake for the class
    itself: on notebook 0's explorer at copy rate 1, where three copies repeat
    LF 0 exactly, EM's maximum puts the class there, and declaring them
    dependent scores clearly better (the explorer's sweep shows it).
    Only LFs that abstain somewhere are compared (LFs that always vote share
    nothing informative).  Candidates must have the same number of votes, read
    off the block totals for free; two of them vote on the same points where
    they vote together as often as each votes (``co_votes``, one sum over the points).
    """
    n_votes = np.empty(fit.n_lfs)
    for block, totals in zip(fit.blocks, fit.block_totals, strict=True):
        n_votes[block.lfs] = totals @ (block.digits != 1)
    # The totals are float sums of the points' weights (counts): rounded to whole
    # points, so that an LF that always votes is not taken for one that abstains
    # where the sums carry rounding (or weights that are not exact integers).
    n_votes, n_points = np.rint(n_votes), round(fit.n_points)
    candidates: dict[float, list[int]] = {}
    for lf in np.flatnonzero(n_votes < n_points).tolist():
        candidates.setdefault(float(n_votes[lf]), []).append(lf)
    factor_of = {lf: index for index, factor in enumerate(fit.factors) for lf in factor.lfs}
    groups: list[list[int]] = []  # LFs that vote on the same points, in order
    for votes, lfs in candidates.items():
        if len(lfs) > 1:
            co_votes = np.rint(fit.data.co_votes(lfs))
            heads: dict[int, list[int]] = {}  # a group's first member's position -> group
            for position, lf in enumerate(lfs):
                head = next((head for head in heads if co_votes[head, position] == votes), None)
                if head is None:
                    heads[position] = [lf]
                    groups.append(heads[position])
                else:
                    heads[head].append(lf)
    for members in groups:
        if len({factor_of[lf] for lf in members}) > 1:
            pairs = [(members[0], other) for other in members[1:]
                     if factor_of[other] != factor_of[members[0]]]
            warn_at_caller(
                f"LFs {members} vote on exactly the same points. The class-conditional "
                "model reads whether an LF votes as evidence about the class, so it may "
                "take their shared abstentions for the class itself; if they come from one "
                f"heuristic, declare them dependent, e.g. dependencies={pairs}",
                IdentifiabilityWarning,
            )
            return


def polarities(marginals: np.ndarray) -> np.ndarray:
    """``(P(+1|+) - P(+1|-)) - (P(-1|+) - P(-1|-))`` per LF: > 0 points to its vote's class."""
    differences = marginals[:, 1, :] - marginals[:, 0, :]
    return differences[:, 2] - differences[:, 0]


def binary_lf_accuracies(marginals: np.ndarray, prior: float) -> np.ndarray:
    """P(vote = y | LF votes) under the fitted model."""
    right = prior * marginals[:, 1, 2] + (1.0 - prior) * marginals[:, 0, 0]
    votes = prior * (1.0 - marginals[:, 1, 1]) + (1.0 - prior) * (1.0 - marginals[:, 0, 1])
    return right / votes


class BinaryFit:
    """One fit's layout of the tables, its data, and the steps of each route.

    A parameter set is ``(tables, prior)``: one array of shape (2, 3**k) per
    factor (row 0 for y = -1, row 1 for y = +1) and P(y = +1).

    Parameters
    ----------
    model : ClassConditionalLabelModel
        Its options (``probability_margin``, ``class_prior``, ``tol``, ``max_iter``).
    votes : BinaryVotes or DaskSignedVotes
        The votes (:mod:`.binary_steps`, :mod:`.binary_dask`); ``votes.coded(blocks)``
        is the data the steps read.
    factors : list of Factor
    """

    def __init__(self, model: ClassConditionalLabelModel, votes, factors: list[Factor]) -> None:
        self.model = model
        self.n_lfs = votes.n_lfs
        self.pooled = False  # M-steps of the symmetric structure (see _pooled)
        self.factors = factors
        self.blocks = blocks_of(factors)
        self.data = votes.coded(self.blocks)
        self.n_points = self.data.n_points
        self.block_totals = self.data.block_totals
        # All tables side by side in one array of shape (2, n_outcomes): factor k's
        # outcomes at columns starts[k]:starts[k] + sizes[k], each block's contiguous.
        self.sizes = np.array([factor.n_outcomes for factor in factors])
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        self.spans = [slice(int(self.starts[block.factors[0]]),
                            int(self.starts[block.factors[-1]] + self.sizes[block.factors[-1]]))
                      for block in self.blocks]

    # --- parameters: tables <-> one array ---------------------------------------------------

    def joined(self, tables: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(tables, axis=1)

    def split(self, joined: np.ndarray) -> list[np.ndarray]:
        return [joined[:, start : start + size]
                for start, size in zip(self.starts, self.sizes, strict=True)]

    def normalised(self, counts: np.ndarray) -> np.ndarray:
        """Each factor's counts (all side by side) as probabilities >= ``probability_margin``."""
        totals = np.repeat(np.add.reduceat(counts, self.starts, axis=1), self.sizes, axis=1)
        uniform = np.repeat(1.0 / self.sizes, self.sizes)[None, :]
        probabilities = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), uniform)
        probabilities = np.maximum(probabilities, self.model.probability_margin)
        totals = np.repeat(np.add.reduceat(probabilities, self.starts, axis=1), self.sizes, axis=1)
        return probabilities / totals

    # --- the two steps of EM ----------------------------------------------------------------

    def _expectation(self, joined: np.ndarray, prior: float) -> tuple[BinaryCounts, float]:
        """The E-step's counts (:meth:`~.binary_patterns.PatternCodes.expected_counts`)
        and the mean log-likelihood of ``(joined, prior)``."""
        counts = self.data.expected_counts(np.log(joined), self.spans, prior)
        return counts, counts.log_likelihood / self.n_points

    def log_likelihood(self, tables, prior) -> float:
        """Mean log-likelihood per point of ``(tables, prior)``."""
        return self._expectation(self.joined(tables), prior)[1]

    def _counts_from_block_counts(self, positive_counts, totals) -> np.ndarray:
        """Expected counts of every factor's outcomes per class, shape (2, n_outcomes)."""
        counts = np.empty((2, int(self.sizes.sum())))
        for block, span, positive, total in zip(
            self.blocks, self.spans, positive_counts, totals, strict=True
        ):
            counts[:, span] = np.stack([total - positive, positive]) @ block.outcomes
        return counts

    def _joined_from_block_counts(self, positive_counts, totals) -> np.ndarray:
        """The M-step's tables from per-block counts: pooled for the symmetric structure."""
        counts = self._counts_from_block_counts(positive_counts, totals)
        return self._pooled(counts) if self.pooled else self.normalised(counts)

    def _maximisation(self, counts: BinaryCounts) -> tuple[np.ndarray, float]:
        """The M-step: tables and prior that maximise the expected log-likelihood."""
        joined = self._joined_from_block_counts(counts.positive, self.block_totals)
        return joined, self._prior(counts.positive_total / self.n_points)

    def symmetric_gap(self, tables, prior) -> float:
        """How far the symmetric tables nearest ``(tables, prior)`` fall short, in BIC allowances.

        One E-step at the full fit, one pooled M-step, one E-step: ``(log L_full -
        log L_pooled) / (m log(n) / 2)``, totals over the points.
        """
        counts, log_likelihood = self._expectation(self.joined(tables), prior)
        self.pooled = True
        pooled, pooled_prior = self._maximisation(counts)
        self.pooled = False
        pooled_log_likelihood = self._expectation(pooled, pooled_prior)[1]
        allowance = self.n_lfs * np.log(self.n_points) / 2.0
        return float((log_likelihood - pooled_log_likelihood) * self.n_points / allowance)

    def _pooled(self, counts: np.ndarray) -> np.ndarray:
        """The symmetric tables of expected counts ``N[c, v]`` (single-LF factors only).

        Each LF's counts are pooled over the classes: its coverage is its share of
        votes and its accuracy the share of them that are right, the same for
        both classes, so ``P(v | y)`` is ``coverage * accuracy`` for ``v = y``,
        ``coverage * (1 - accuracy)`` for ``v = -y`` and ``1 - coverage`` for 0.
        """
        n_lfs = self.n_lfs
        counts = counts.reshape(2, n_lfs, 3)
        right = counts[0, :, 0] + counts[1, :, 2]
        wrong = counts[0, :, 2] + counts[1, :, 0]
        coverage = (right + wrong) / counts.sum(axis=(0, 2))
        accuracy = right / np.maximum(right + wrong, 1e-300)
        pooled = np.empty((2, n_lfs, 3))
        pooled[0, :, 0] = pooled[1, :, 2] = coverage * accuracy
        pooled[0, :, 2] = pooled[1, :, 0] = coverage * (1.0 - accuracy)
        pooled[:, :, 1] = 1.0 - coverage
        return self.normalised(pooled.reshape(2, 3 * n_lfs))

    def _prior(self, estimate: float) -> float:
        if self.model.class_prior != "estimate":
            return float(self.model.class_prior)
        margin = self.model.probability_margin
        return float(np.clip(estimate, margin, 1.0 - margin))

    def maximisation(self, label_matrix: np.ndarray, positive: np.ndarray) -> list[np.ndarray]:
        """Tables counted from labeled rows (``positive`` is 1 for y = +1, 0 for y = -1)."""
        positive_counts, totals = [], []
        for block in self.blocks:
            codes = vote_codes(label_matrix, block.lfs)
            positive_counts.append(np.bincount(codes, weights=positive, minlength=block.n_codes))
            totals.append(np.bincount(codes, minlength=block.n_codes).astype(np.float64))
        return self.split(self._joined_from_block_counts(positive_counts, totals))

    def expectation_maximisation(self, tables, prior):
        """EM from ``(tables, prior)``, accelerated, until an EM step moves nothing by > ``tol``.

        Plain EM crawls where the likelihood is flat (weak LFs: hundreds of steps).
        After ``PLAIN_EM_STEPS`` plain steps, each cycle uses SQUAREM (Varadhan
        and Roland, *Scand. J. Statist.* 35, 2008, scheme S3): from x0 it takes
        two EM steps, ``x1 = F(x0)`` and ``x2 = F(x1)``, extrapolates along them,
        ``x' = x0 - 2 a r + a^2 v`` with ``r = x1 - x0``, ``v = x2 - 2 x1 + x0``
        and ``a = -|r| / |v|`` (at most -1; -1 gives x2), brings x' back to
        valid probabilities and takes one EM step from it, to x3.  If x3's
        likelihood is below x1's, the cycle keeps x2 instead, so the likelihood
        never decreases.  Fitting stops when one plain EM step moves no
        probability by more than ``tol``.

        Returns
        -------
        (tables, prior, log-likelihood history per accepted point, EM steps, converged)
        """
        model = self.model
        joined = self.joined(tables)
        counts, log_likelihood = self._expectation(joined, prior)
        history, steps, converged = [log_likelihood], 0, False
        while steps < model.max_iter:
            joined_1, prior_1 = self._maximisation(counts)
            steps += 1
            step = np.append((joined_1 - joined).ravel(), prior_1 - prior)
            counts_1, log_likelihood_1 = self._expectation(joined_1, prior_1)
            converged = bool(np.max(np.abs(step)) <= model.tol)
            accepted = (joined_1, prior_1, counts_1, log_likelihood_1)
            if not (converged or steps <= PLAIN_EM_STEPS or steps + 2 > model.max_iter):
                joined_2, prior_2 = self._maximisation(counts_1)
                curvature = np.append((joined_2 - joined_1).ravel(), prior_2 - prior_1) - step
                extrapolated = extrapolate(np.append(joined.ravel(), prior), step, curvature)
                joined_x = self.normalised(
                    np.maximum(extrapolated[:-1].reshape(joined.shape), 0.0))
                counts_x, _ = self._expectation(joined_x, self._prior(extrapolated[-1]))
                joined_3, prior_3 = self._maximisation(counts_x)
                steps += 2
                counts_3, log_likelihood_3 = self._expectation(joined_3, prior_3)
                if log_likelihood_3 >= log_likelihood_1:
                    accepted = (joined_3, prior_3, counts_3, log_likelihood_3)
                else:  # the extrapolation overshot: keep the plain EM step
                    counts_2, log_likelihood_2 = self._expectation(joined_2, prior_2)
                    accepted = (joined_2, prior_2, counts_2, log_likelihood_2)
            joined, prior, counts, log_likelihood = accepted
            history.append(log_likelihood)
            if converged:
                break
        return self.split(joined), prior, np.array(history), steps, converged

    # --- starts -----------------------------------------------------------------------------

    def majority_vote_start(self) -> tuple[list[np.ndarray], float]:
        """One M-step from the majority vote's labels (ties and no votes count 1/2)."""
        joined, prior = self._maximisation(self.data.majority_vote_counts())
        return self.split(joined), prior

    # --- results ----------------------------------------------------------------------------

    def marginals(self, tables: list[np.ndarray]) -> np.ndarray:
        """P(lambda_i = v | y = c) of every LF, shape (n_lfs, 2, 3)."""
        marginals = np.empty((self.n_lfs, 2, 3))
        for factor, table in zip(self.factors, tables, strict=True):
            if len(factor.lfs) == 1:
                marginals[factor.lfs[0]] = table
                continue
            digits = vote_digits(len(factor.lfs))
            for position, lf in enumerate(factor.lfs):
                for v in range(3):
                    marginals[lf, :, v] = table[:, digits[:, position] == v].sum(axis=1)
        return marginals

    def log_odds(self, tables, prior, label_matrix: np.ndarray) -> np.ndarray:
        """Posterior log-odds of labeled rows under ``(tables, prior)``."""
        scores = np.full(label_matrix.shape[0], np.log(prior) - np.log1p(-prior))
        for factor, table in zip(self.factors, tables, strict=True):
            ratios = np.log(table[1]) - np.log(table[0])
            scores += ratios[vote_codes(label_matrix, list(factor.lfs))]
        return scores

"""The class-conditional label model for k classes: a vote distribution per LF and class.

Model (Dawid and Skene, 1979).  Given the class y in {0, ..., k-1}, the LFs vote
independently, LF i with its own distribution over its k + 1 outcomes, abstaining
(vote -1) or voting one of the k classes:

    theta[i, c, v + 1] = P(lambda_i = v | y = c),   v in {-1, 0, ..., k-1},

and the class prior ``pi[c] = P(y = c)``.  Index 0 of the last axis is abstention,
so the indexing is "vote + 1", as in the binary model's (m, 2, 3).  The posterior is

    log P(y = c | lambda) = log pi[c] + sum_i log theta[i, c, lambda_i + 1] - log Z(lambda).

**Points no LF applies to.**  One more parameter, the inapplicable share rho: a point
is, with probability rho and whatever its class, one that no LF applies to (it gets
no vote), and otherwise its votes follow the tables.  The points with votes keep the
posterior above; a point without votes has ``P(y = c | none) ∝ pi[c] (rho + (1 -
rho) prod_i theta[i, c, 0])``.  With rho = 0 this is Dawid and Skene's model, which
:func:`expectation_maximisation` fits unless asked for rho (``inapplicable=True``);
it says why rho is there, and
:mod:`~dataprog_helpers.label_model.class_fit` when it is kept.

Everything here is NumPy and SciPy: no TensorFlow.

**The data as EM sees it.**  The likelihood depends on the label matrix only through
its distinct rows and their counts.  Written as ``sum_i log theta[i, c, 0] +
sum_{i votes} (log theta[i, c, v + 1] - log theta[i, c, 0])``, each row's
log-likelihood under every class is a constant plus a sparse product over the
votes the row holds (:class:`VoteIndicators`): LFs abstain on most rows, so a pass
costs time in proportion to the votes, not to n x m.

**Fitting.**  Expectation-maximisation from the majority vote's labels (each
point's votes shared among its most-voted classes; a point without votes counts
as uniform).  The M-step turns the expected counts into tables by a structure:
the full tables, or one coverage and one accuracy per LF
(:mod:`~dataprog_helpers.label_model.class_structures`).  Every probability is kept at least
``probability_margin`` (and each distribution renormalised), so every log-ratio is
finite.  EM, accelerated by SQUAREM, stops once a step changes no probability by
more than ``tol`` (:func:`expectation_maximisation`).

**Which class is which** is settled after the fit
(:func:`~dataprog_helpers.label_model.orientation.orient_classes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

from .class_structures import SymmetricTables
from .inapplicable_share import Expected, with_inapplicable_share
from .squarem import extrapolate
from .statistics import distinct_patterns

__all__ = [
    "EMResult",
    "VoteIndicators",
    "counts_of_posterior",
    "expectation_maximisation",
    "maximisation",
    "outcomes_seen",
    "posterior_log_joint",
    "symmetric_gap",
]

#: Plain EM steps before the accelerated cycles begin (a well-started fit often
#: converges within them), as in the two-class model.
PLAIN_EM_STEPS = 5


@dataclass(frozen=True)
class VoteIndicators:
    """A label matrix's distinct rows, as EM reads them.

    Attributes
    ----------
    votes : scipy.sparse.csr_array of float64, shape (n_patterns, n_lfs * cardinality)
        1 in column ``i * cardinality + v`` where the pattern has LF i voting class v.
    weights : ndarray of float64, shape (n_patterns,)
        How many points have each pattern.
    n_lfs, cardinality : int
    """

    votes: scipy.sparse.csr_array
    weights: np.ndarray
    n_lfs: int
    cardinality: int

    @classmethod
    def from_label_matrix(cls, label_matrix: np.ndarray, cardinality: int) -> VoteIndicators:
        """From a validated label matrix with entries in {-1, 0, ..., cardinality - 1}."""
        patterns, counts = distinct_patterns(label_matrix)
        return cls.from_patterns(patterns, counts, cardinality)

    @classmethod
    def from_patterns(cls, patterns: np.ndarray, counts: np.ndarray,
                      cardinality: int) -> VoteIndicators:
        rows, lfs = np.nonzero(patterns >= 0)
        columns = lfs * cardinality + patterns[rows, lfs]
        votes = scipy.sparse.csr_array(
            (np.ones(rows.size), (rows, columns)),
            shape=(patterns.shape[0], patterns.shape[1] * cardinality))
        return cls(votes, counts.astype(np.float64), patterns.shape[1], cardinality)

    @property
    def n_points(self) -> float:
        return float(self.weights.sum())

    @property
    def n_uncovered(self) -> float:
        """How many points have no vote at all."""
        no_votes = self.votes.indptr[1:] == self.votes.indptr[:-1]
        return float(self.weights[no_votes].sum())

    def expected_counts(self, tables: np.ndarray, prior: np.ndarray
                        ) -> tuple[np.ndarray, float]:
        """The E-step: expected counts ``N[i, c, v + 1]`` under ``(tables, prior)`` and
        the mean log-likelihood per point (see :func:`counts_of_posterior`)."""
        posterior, log_likelihood = _expectation(self, tables, prior)
        return counts_of_posterior(self, posterior), log_likelihood

    def majority_vote_counts(self) -> np.ndarray:
        """The counts of EM's start: each point's majority vote as its posterior."""
        return counts_of_posterior(self, majority_vote_posterior(self))

    def vote_totals(self) -> np.ndarray:
        """How many votes each LF casts for each class, shape (n_lfs, cardinality)."""
        return (self.votes.T @ self.weights).reshape(self.n_lfs, self.cardinality)

    def outcomes_seen(self) -> np.ndarray:
        """How many of its k + 1 outcomes each LF produces somewhere, shape (n_lfs,)."""
        return outcomes_seen(self.vote_totals(), self.n_points)

    def vote_counts(self) -> np.ndarray:
        """Each pattern's number of votes for each class, shape (n_patterns, cardinality)."""
        k = self.cardinality
        return (self.votes @ np.tile(np.eye(k), (self.n_lfs, 1)))


@dataclass(frozen=True)
class EMResult:
    """What one EM fit found.

    Attributes
    ----------
    conditional_probabilities : ndarray of shape (n_lfs, k, k + 1)
    class_prior : ndarray of shape (k,)
    log_likelihood_history : ndarray
        The mean log-likelihood per point at the start and after each step.
    n_iter : int
    converged : bool
    structure : str
        ``"class-conditional"`` (full tables) or ``"symmetric"``.
    inapplicable_share : float
        rho: the share of points no LF applies to, whatever their class.
    """

    conditional_probabilities: np.ndarray
    class_prior: np.ndarray
    log_likelihood_history: np.ndarray
    n_iter: int
    converged: bool
    structure: str
    inapplicable_share: float = 0.0

    def bic(self, n_points: float, n_parameters: int) -> float:
        """``-2 log L + k log n`` (Schwarz, 1978) of this fit on ``n_points`` points."""
        return float(-2.0 * n_points * self.log_likelihood_history[-1]
                     + n_parameters * np.log(n_points))


def outcomes_seen(vote_totals: np.ndarray, n_points: float) -> np.ndarray:
    """How many of its k + 1 outcomes each LF produces, from its votes per class
    (n_lfs, k) and the number of points."""
    abstentions = n_points - vote_totals.sum(axis=1)
    return (vote_totals > 0).sum(axis=1) + (abstentions > 0.5)


def posterior_log_joint(indicators: VoteIndicators, tables: np.ndarray,
                        prior: np.ndarray) -> np.ndarray:
    """``log P(pattern, y = c)`` of every pattern and class, shape (n_patterns, k)."""
    logs = np.log(tables)
    k = indicators.cardinality
    # Column i * k + v: what LF i voting v adds for each class, beyond its abstention.
    differences = (logs[:, :, 1:] - logs[:, :, :1]).transpose(0, 2, 1).reshape(-1, k)
    constant = np.log(prior) + logs[:, :, 0].sum(axis=0)
    return indicators.votes @ differences + constant


def _expectation(indicators: VoteIndicators, tables: np.ndarray,
                 prior: np.ndarray) -> tuple[np.ndarray, float]:
    """Each pattern's posterior over the classes, and the mean log-likelihood."""
    # log-sum-exp by hand, in place: scipy.special.logsumexp's generality costs more
    # than the rest of the E-step together in this, EM's inner loop.
    # One row per class, so that each reduction over the classes is k - 1 vector
    # operations along the patterns rather than n_patterns tiny reductions.
    joint = np.ascontiguousarray(posterior_log_joint(indicators, tables, prior).T)
    top = joint.max(axis=0)
    joint -= top
    np.exp(joint, out=joint)
    total = joint.sum(axis=0)
    joint /= total
    marginal = np.log(total) + top
    return joint.T, float(indicators.weights @ marginal) / indicators.n_points


def counts_of_posterior(indicators: VoteIndicators, posterior: np.ndarray) -> np.ndarray:
    """``N[i, c, v + 1]``: the expected number of points of class c on which LF i votes v.

    ``N[i, c, :]`` sums to the expected number of points of class c, for every LF.
    """
    k, n_lfs = indicators.cardinality, indicators.n_lfs
    weighted = posterior * indicators.weights[:, None]
    class_totals = weighted.sum(axis=0)
    votes = (indicators.votes.T @ weighted).reshape(n_lfs, k, k).transpose(0, 2, 1)
    abstentions = class_totals[None, :, None] - votes.sum(axis=2, keepdims=True)
    # Rounding can leave an abstention count of -1e-12 where an LF always votes.
    return np.concatenate([np.maximum(abstentions, 0.0), votes], axis=2)


def kept_above(probabilities: np.ndarray, margin: float) -> np.ndarray:
    """Probabilities over the last axis, each raised to at least ``margin`` and renormalised."""
    probabilities = np.maximum(probabilities, margin)
    return probabilities / probabilities.sum(axis=-1, keepdims=True)


def maximisation(expected: Expected, n_points: float, structure, margin: float,
                 fixed_prior: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, float]:
    """The M-step: tables from the voting points' counts, the prior from every point's,
    the inapplicable share from the inapplicable points'; every probability of the
    tables and prior at least ``margin``."""
    tables = kept_above(structure.tables(expected.counts), margin)
    share = float(expected.inapplicable.sum() / n_points)
    if fixed_prior is not None:
        return tables, fixed_prior, share
    totals = expected.counts[0].sum(axis=1) + expected.inapplicable
    return tables, kept_above(totals / n_points, margin), share


def majority_vote_posterior(indicators: VoteIndicators) -> np.ndarray:
    """Each pattern's majority vote as a distribution: ties shared, no votes uniform."""
    counts = indicators.vote_counts()
    most = counts.max(axis=1, keepdims=True)
    winners = (counts == most).astype(np.float64)
    return winners / winners.sum(axis=1, keepdims=True)


def expectation_maximisation(data, structure, margin: float, tol: float, max_iter: int,
                             fixed_prior: np.ndarray | None = None,
                             inapplicable: bool = False) -> EMResult:
    """EM for ``structure`` (:mod:`~.class_structures`) from the majority vote, until one
    EM step moves no parameter by more than ``tol``.

    ``data`` is what the E-step reads: :class:`VoteIndicators` in memory, or
    :class:`~dataprog_helpers.label_model.dask_em.DaskVotes` on a cluster; either
    gives the expected counts under given parameters (``expected_counts``) and those of
    the majority vote (``majority_vote_counts``), and the numbers of points with and
    without votes, which are all the M-step needs.

    **Why an inapplicable share** (``inapplicable=True``).  The points without any
    vote are all one pattern.  In Dawid and Skene's model only the classes can explain
    how many there are, so EM can give that pattern whole to one class by lowering
    the voting rates of the class's LFs, and on real LFs, which fire together rather
    than independently (so more points get no vote than independent LFs would leave),
    the likelihood gains by it.  That class's prior grows to take the uncovered
    share: to 0.47 on a 6-class question task whose largest class is under 0.25, to
    0.73 on the YouTube topics, whose classes are 0.18-0.23, from 0.02 to 0.55-0.60 on
    the simulated keyword LFs of :mod:`dataprog_helpers.course.keyword_simulation`; and
    its tables shift so that the points with votes are misread as well (accuracy
    0.37 there, against 0.54 for majority vote).  The share rho ("points no LF applies
    to, whatever their class") explains those points without bending a class: on
    the simulation it reaches the higher likelihood (-2.710 against -2.729 per point)
    with the prior near the truth and accuracy 0.56.  But where the votes do not
    need it, rho can trade places with a class the LFs seldom vote for, whose only
    evidence is the points without votes; so the k-class model keeps it only on
    strong evidence (:data:`~dataprog_helpers.label_model.class_fit.STRONG_EVIDENCE`).
    Where every point has a vote, rho is 0.  rho starts at half the share of points
    without votes (at 0 it could not move: EM keeps a mixture weight of 0 at 0).

    Plain EM crawls where the likelihood is flat (rare LFs, a large uncovered share):
    thousands of steps.  After ``PLAIN_EM_STEPS`` plain steps each cycle is
    accelerated by SQUAREM (Varadhan and Roland, *Scand. J. Statist.* 35, 2008,
    scheme S3), as in the two-class model: from x0, two EM steps x1 = F(x0) and
    x2 = F(x1), the extrapolation ``x' = x0 - 2 a r + a^2 v`` (``r = x1 - x0``,
    ``v = x2 - 2 x1 + x0``, ``a = -|r| / |v|``, at most -1) brought back to valid
    parameters, and one EM step from it, x3; x3 is kept if its likelihood is at
    least x1's, else x2, so the likelihood never decreases.
    """
    n_points = data.n_points
    most_inapplicable = data.n_uncovered / n_points if inapplicable else 0.0

    def m_step(expected: Expected) -> tuple[np.ndarray, np.ndarray, float]:
        return maximisation(expected, n_points, structure, margin, fixed_prior)

    def e_step(tables: np.ndarray, prior: np.ndarray, share: float):
        counts, log_likelihood = data.expected_counts(tables, prior)
        if not inapplicable:
            return Expected(counts, np.zeros(prior.shape[0])), log_likelihood
        return with_inapplicable_share(data, counts, log_likelihood, tables, prior, share)

    def joined(tables: np.ndarray, prior: np.ndarray, share: float) -> np.ndarray:
        return np.concatenate([tables.ravel(), prior, [share]])

    tables, prior, _ = m_step(Expected(data.majority_vote_counts(),
                                       np.zeros(data.cardinality)))
    share = most_inapplicable / 2.0
    expected, log_likelihood = e_step(tables, prior, share)
    history, converged, steps = [log_likelihood], False, 0
    while steps < max_iter and not converged:
        tables_1, prior_1, share_1 = m_step(expected)
        steps += 1
        step = joined(tables_1, prior_1, share_1) - joined(tables, prior, share)
        converged = bool(np.max(np.abs(step)) <= tol)
        accepted = (tables_1, prior_1, share_1, *e_step(tables_1, prior_1, share_1))
        if not (converged or steps <= PLAIN_EM_STEPS or steps + 2 > max_iter):
            tables_2, prior_2, share_2 = m_step(accepted[3])
            curvature = joined(tables_2, prior_2, share_2) - joined(tables_1, prior_1,
                                                                    share_1) - step
            extrapolated = extrapolate(joined(tables, prior, share), step, curvature)
            tables_x = kept_above(np.maximum(extrapolated[:tables.size], 0.0)
                                  .reshape(tables.shape), margin)
            prior_x = (fixed_prior if fixed_prior is not None else kept_above(
                np.maximum(extrapolated[tables.size:-1], 0.0), margin))
            share_x = float(np.clip(extrapolated[-1], 0.0, most_inapplicable))
            tables_3, prior_3, share_3 = m_step(e_step(tables_x, prior_x, share_x)[0])
            steps += 2
            third = (tables_3, prior_3, share_3, *e_step(tables_3, prior_3, share_3))
            accepted = (third if third[4] >= accepted[4]
                        else (tables_2, prior_2, share_2,
                              *e_step(tables_2, prior_2, share_2)))
        tables, prior, share, expected, log_likelihood = accepted
        history.append(log_likelihood)
    return EMResult(tables, prior, np.array(history), steps, converged, structure.name,
                    share)


def symmetric_gap(data, fit: EMResult, margin: float,
                  fixed_prior: np.ndarray | None) -> float:
    """How far the symmetric tables nearest a full fit fall short, in BIC allowances.

    One E-step at the full fit, one symmetric M-step, one E-step: ``(log L_full -
    log L_symmetric) / (m log(n) / 2)``, totals over the points.  The symmetric
    optimum is at most that far better than these tables, so a large gap means the
    symmetric structure cannot win the BIC comparison.
    """
    fitted = (fit.conditional_probabilities, fit.class_prior)
    expected, _ = with_inapplicable_share(data, *data.expected_counts(*fitted), *fitted,
                                          fit.inapplicable_share)
    tables, prior, share = maximisation(expected, data.n_points, SymmetricTables, margin,
                                        fixed_prior)
    pooled = with_inapplicable_share(data, *data.expected_counts(tables, prior), tables,
                                     prior, share)[1]
    allowance = data.n_lfs * np.log(data.n_points) / 2.0
    return float((fit.log_likelihood_history[-1] - pooled) * data.n_points / allowance)

"""The class-conditional label model for k classes: a vote distribution per LF and class.

Model (Dawid and Skene, 1979).  Given the class y in {0, ..., k-1}, the LFs vote
independently, LF i with its own distribution over its k + 1 outcomes, abstaining
(vote -1) or voting one of the k classes:

    theta[i, c, v + 1] = P(lambda_i = v | y = c),   v in {-1, 0, ..., k-1},

and the class prior ``pi[c] = P(y = c)``.  Index 0 of the last axis is abstention,
so the indexing is "vote + 1", as in the binary model's (m, 2, 3).  The posterior is

    log P(y = c | lambda) = log pi[c] + sum_i log theta[i, c, lambda_i + 1] - log Z(lambda).

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
the full tables (:class:`FullTables`), or one coverage and one accuracy per LF
(:class:`SymmetricTables`).  Every probability is kept at least
``probability_margin`` (and each distribution renormalised), so every log-ratio is
finite.  EM stops once no probability changes by more than ``tol`` in a step.

**Which class is which.**  A permutation of the classes (with the tables' rows and
the prior) fits the votes equally well.  EM started from the majority vote keeps
the classes where the votes put them; the fit is then oriented by the stated
assumption that the LFs vote for the true class more than for any one other
(:func:`orient_classes`), or by dev labels when given, each as an assignment
problem (:func:`scipy.optimize.linear_sum_assignment`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse
from scipy.optimize import linear_sum_assignment

from ..exceptions import IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from .statistics import distinct_patterns

__all__ = [
    "EMResult",
    "FullTables",
    "SymmetricTables",
    "VoteIndicators",
    "expectation_maximisation",
    "orient_classes",
    "pooled_tables",
    "symmetric_gap",
    "posterior_log_joint",
]

#: The best matching of the classes is called ambiguous, and the model warns, when
#: the second best leaves less than this share of the best one's margin over chance.
ORIENTATION_MARGIN = 0.25


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
    """

    conditional_probabilities: np.ndarray
    class_prior: np.ndarray
    log_likelihood_history: np.ndarray
    n_iter: int
    converged: bool
    structure: str

    def bic(self, n_points: float, n_parameters: int) -> float:
        """``-2 log L + k log n`` (Schwarz, 1978) of this fit on ``n_points`` points."""
        return float(-2.0 * n_points * self.log_likelihood_history[-1]
                     + n_parameters * np.log(n_points))


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


def expected_counts(indicators: VoteIndicators, posterior: np.ndarray) -> np.ndarray:
    """``N[i, c, v + 1]``: the expected number of points of class c on which LF i votes v."""
    k, n_lfs = indicators.cardinality, indicators.n_lfs
    weighted = posterior * indicators.weights[:, None]
    class_totals = weighted.sum(axis=0)
    votes = (indicators.votes.T @ weighted).reshape(n_lfs, k, k).transpose(0, 2, 1)
    abstentions = class_totals[None, :, None] - votes.sum(axis=2, keepdims=True)
    # Rounding can leave an abstention count of -1e-12 where an LF always votes.
    return np.concatenate([np.maximum(abstentions, 0.0), votes], axis=2)


class FullTables:
    """The M-step of the full tables: each LF's counts per class, normalised (k^2 free
    parameters per LF)."""

    name = "class-conditional"

    @staticmethod
    def tables(counts: np.ndarray) -> np.ndarray:
        totals = counts.sum(axis=2, keepdims=True)
        uniform = np.full_like(counts, 1.0 / counts.shape[2])
        return np.divide(counts, totals, out=uniform, where=totals > 0)

    @staticmethod
    def n_parameters(n_lfs: int, cardinality: int) -> int:
        return n_lfs * cardinality * cardinality


class SymmetricTables:
    """The M-step of the symmetric tables: one coverage and one accuracy per LF
    (:func:`pooled_tables`; 2 free parameters per LF)."""

    name = "symmetric"

    @staticmethod
    def tables(counts: np.ndarray) -> np.ndarray:
        return pooled_tables(counts)

    @staticmethod
    def n_parameters(n_lfs: int, cardinality: int) -> int:
        return 2 * n_lfs


def kept_above(probabilities: np.ndarray, margin: float) -> np.ndarray:
    """Probabilities over the last axis, each raised to at least ``margin`` and renormalised."""
    probabilities = np.maximum(probabilities, margin)
    return probabilities / probabilities.sum(axis=-1, keepdims=True)


def _maximisation(indicators: VoteIndicators, posterior: np.ndarray, structure,
                  margin: float, fixed_prior: np.ndarray | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Tables and prior from each pattern's posterior, every probability at least ``margin``."""
    tables = kept_above(structure.tables(expected_counts(indicators, posterior)), margin)
    if fixed_prior is not None:
        return tables, fixed_prior
    prior = posterior.T @ indicators.weights / indicators.n_points
    return tables, kept_above(prior, margin)


def majority_vote_posterior(indicators: VoteIndicators) -> np.ndarray:
    """Each pattern's majority vote as a distribution: ties shared, no votes uniform."""
    counts = indicators.vote_counts()
    most = counts.max(axis=1, keepdims=True)
    winners = (counts == most).astype(np.float64)
    return winners / winners.sum(axis=1, keepdims=True)


def expectation_maximisation(indicators: VoteIndicators, structure, margin: float,
                             tol: float, max_iter: int,
                             fixed_prior: np.ndarray | None = None) -> EMResult:
    """EM for ``structure`` (:class:`FullTables` or :class:`SymmetricTables`) from the
    majority vote, until no probability changes by more than ``tol``; see the module
    docstring."""
    posterior = majority_vote_posterior(indicators)
    tables, prior = _maximisation(indicators, posterior, structure, margin, fixed_prior)
    posterior, log_likelihood = _expectation(indicators, tables, prior)
    history, converged, step = [log_likelihood], False, 0
    while step < max_iter and not converged:
        new_tables, new_prior = _maximisation(indicators, posterior, structure, margin,
                                              fixed_prior)
        change = max(np.max(np.abs(new_tables - tables)), np.max(np.abs(new_prior - prior)))
        tables, prior = new_tables, new_prior
        posterior, log_likelihood = _expectation(indicators, tables, prior)
        history.append(log_likelihood)
        step += 1
        converged = bool(change <= tol)
    return EMResult(tables, prior, np.array(history), step, converged, structure.name)


def symmetric_gap(indicators: VoteIndicators, fit: EMResult, margin: float,
                  fixed_prior: np.ndarray | None) -> float:
    """How far the symmetric tables nearest a full fit fall short, in BIC allowances.

    One E-step at the full fit, one symmetric M-step, one E-step: ``(log L_full -
    log L_symmetric) / (m log(n) / 2)``, totals over the points.  The symmetric
    optimum is at most that far better than these tables, so a large gap means the
    symmetric structure cannot win the BIC comparison.
    """
    posterior, _ = _expectation(indicators, fit.conditional_probabilities, fit.class_prior)
    tables, prior = _maximisation(indicators, posterior, SymmetricTables, margin, fixed_prior)
    pooled = _expectation(indicators, tables, prior)[1]
    allowance = indicators.n_lfs * np.log(indicators.n_points) / 2.0
    return float((fit.log_likelihood_history[-1] - pooled) * indicators.n_points / allowance)


def _assignment_score(gains: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The permutation of the best assignment, its gain and the second best gain.

    The second best permutation differs from the best in at least one position:
    it is the best of the k assignments that forbid one of the best's pairs.
    """
    rows, columns = linear_sum_assignment(gains, maximize=True)
    best = float(gains[rows, columns].sum())
    second = -np.inf
    for row, column in zip(rows, columns, strict=True):
        forbidden = gains.copy()
        forbidden[row, column] = -1e12
        other_rows, other_columns = linear_sum_assignment(forbidden, maximize=True)
        second = max(second, float(forbidden[other_rows, other_columns].sum()))
    return columns, best, second


def orient_classes(tables: np.ndarray, prior: np.ndarray,
                   dev_posterior: np.ndarray | None = None,
                   dev_labels: np.ndarray | None = None) -> np.ndarray:
    """Which label each fitted class is: a permutation ``order`` with class c -> label order[c].

    Without dev labels, the assumption that the LFs vote for the true class more
    than for others: ``order`` maximises ``sum_c pi[c] sum_i theta[i, c, order[c] + 1]``,
    the expected number of votes an LF casts for the class it calls the truth.  With
    dev labels, the matching that maximises the posterior mass on them.  Warns
    (:class:`IdentifiabilityWarning`) when the second best matching comes close:
    its margin over a matching at random is within ``ORIENTATION_MARGIN`` of the best's.
    """
    k = prior.shape[0]
    if dev_labels is not None:
        gains = np.stack([dev_posterior[dev_labels == label].sum(axis=0)
                          for label in range(k)], axis=1)
        evidence = "the dev labels"
    else:
        gains = prior[:, None] * tables[:, :, 1:].sum(axis=0)
        evidence = "the assumption that the LFs vote for the true class more than for others"
    order, best, second = _assignment_score(gains)
    chance = gains.sum() / k
    if k > 1 and best - second < ORIENTATION_MARGIN * (best - chance):
        warn_at_caller(
            f"which class is which is uncertain: under {evidence}, the second best matching "
            f"of the fitted classes to the labels scores {second:.3g} against the best's "
            f"{best:.3g}. Pass a few labeled points (dev_label_matrix, dev_labels) to fit() "
            "to decide it",
            IdentifiabilityWarning,
        )
    return order


def pooled_tables(counts: np.ndarray) -> np.ndarray:
    """The symmetric tables nearest expected counts ``N[i, c, v + 1]``: each LF's coverage
    and accuracy pooled over the classes.

    LF i votes with probability ``coverage_i`` whatever the class and, when it votes,
    is right with probability ``accuracy_i`` and otherwise votes each wrong class
    alike: ``P(v = c | c) = coverage accuracy``, ``P(v = c' | c) = coverage (1 -
    accuracy) / (k - 1)``, ``P(abstain | c) = 1 - coverage``.
    """
    n_lfs, k, _ = counts.shape
    abstained = counts[:, :, 0].sum(axis=1)
    right = np.trace(counts[:, :, 1:], axis1=1, axis2=2)
    cast = counts[:, :, 1:].sum(axis=(1, 2))
    coverage = cast / (cast + abstained)
    accuracy = right / cast
    tables = np.empty_like(counts)
    tables[:, :, 0] = (1.0 - coverage)[:, None]
    tables[:, :, 1:] = (coverage * (1.0 - accuracy) / (k - 1))[:, None, None]
    diagonal = np.arange(k)
    tables[:, diagonal, diagonal + 1] = (coverage * accuracy)[:, None]
    return tables

"""The label model: labeling-function accuracies from agreements alone.

Model (the data programming tutorial's): the LFs are conditionally independent
given the true label y, and each votes with a propensity that does not depend on
y.  Write p_i = P(lambda_i = y | LF i votes) and q_i = 2 p_i - 1.  Then for i != j

    Z_ij = E[lambda_i lambda_j | both vote] = E[lambda_i y] E[lambda_j y] = q_i q_j,

so the off-diagonal agreement matrix is rank one.  The fit solves the masked
rank-one matrix completion problem

    min_q  sum_{i != j, (i, j) observed} (Z_ij - q_i q_j)^2

with TensorFlow gradients, and the posterior of a point with votes lambda is

    P(y = +1 | lambda) = sigmoid(log(pi / (1 - pi)) + sum_i w_i lambda_i),
    w_i = log(p_i / (1 - p_i)),

with pi = P(y = +1) (1/2 unless a class prior is given or estimated).

Beyond that model: ``method="triplet"`` solves for q in closed form instead of by
gradient descent; ``dependencies=[(i, j), ...]`` leaves declared dependent
pairs out of the fit and models them jointly in the posterior (see
:mod:`dataprog_helpers.dependencies`), and :func:`find_dependencies` suggests
such pairs from the residuals of a fit; :meth:`LabelModel.fit_statistics` fits
from vote statistics accumulated chunk by chunk, for label matrices of any size.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np
import tensorflow as tf
from scipy.special import expit

from ..exceptions import ConvergenceWarning, IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.validation import (
    Interval,
    StrOptions,
    check_label_matrix,
)
from .base import (
    SHARED_CONSTRAINTS,
    check_class_prior,
    check_dev_set,
    check_fit_statistics,
    choose_orientation,
    log_odds_weights,
    table_log_odds,
)
from .dependencies import check_dependencies, dependency_forest, dependency_log_odds
from .estimator import BaseLabelModel
from .graphs import covote_groups
from .rank_one import fit_rank_one, signs_from_agreements
from .statistics import VoteStatistics, agreement_variance

__all__ = [
    "LabelModel",
    "SymmetricFit",
    "SymmetricSteps",
    "check_correlations",
    "check_identifiable",
    "completion_mask",
    "estimate_class_prior",
    "posterior_proba",
    "triplet_correlations",
]

#: The ways :class:`LabelModel` can solve for q.
METHODS = ("gradient", "triplet")

def posterior_proba(label_matrix, accuracies, class_prior: float = 0.5) -> np.ndarray:
    """P(y = +1 | votes) for conditionally independent LFs.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
    accuracies : array-like of shape (n_lfs,)
        P(LF right | LF votes), strictly in (0, 1): the estimates of a
        :class:`LabelModel` or, as an oracle, the true accuracies.
    class_prior : float in (0, 1), default 0.5
        P(y = +1) before any vote is seen; 0.5 is the balanced prior.

    Returns
    -------
    ndarray of float64, shape (n_points,)
        ``sigmoid(log(pi / (1 - pi)) + L @ w)`` with ``w = log_odds_weights(accuracies)``
        and ``pi = class_prior``; an abstention contributes nothing, and a point
        with no votes gets the prior.
    """
    label_matrix = check_label_matrix(label_matrix)
    class_prior = check_class_prior(class_prior)
    weights = log_odds_weights(accuracies)
    if weights.shape[0] != label_matrix.shape[1]:
        raise ValueError(
            f"label_matrix has {label_matrix.shape[1]} LFs but accuracies has "
            f"{weights.shape[0]} entries"
        )
    return expit(table_log_odds(label_matrix, symmetric_table(weights), class_prior))


def symmetric_table(weights: np.ndarray) -> np.ndarray:
    """The per-LF log-ratio tables ``(-w_i, 0, w_i)`` of the symmetric model, shape (n_lfs, 3)."""
    return np.stack([-weights, np.zeros_like(weights), weights], axis=1)


def _prior_from_mean_votes(mean_votes: np.ndarray, correlations: np.ndarray,
                           margin: float) -> float:
    """Least-squares fit of ``mean_votes = (2 pi - 1) q``; see :func:`estimate_class_prior`."""
    strength = float(np.sum(correlations**2))
    if strength == 0.0:
        return 0.5
    imbalance = float(np.dot(correlations, mean_votes)) / strength
    return float(np.clip((1.0 + imbalance) / 2.0, margin, 1.0 - margin))


def check_correlations(correlations, n_lfs: int) -> np.ndarray:
    correlations = np.asarray(correlations, dtype=np.float64)
    if correlations.shape != (n_lfs,):
        raise ValueError(f"correlations must have shape ({n_lfs},), got {correlations.shape}")
    return correlations


def estimate_class_prior(label_matrix, correlations, margin: float = 1e-3) -> float:
    """Estimate P(y = +1) from the LFs' mean votes and their correlations q.

    Under the label model, the mean vote of LF i over the points it votes on is
    ``E[lambda_i | LF i votes] = E[y] E[lambda_i y | votes] = (2 pi - 1) q_i``.
    The least-squares fit over the LFs gives ``2 pi - 1 = sum_i q_i m_i / sum_i q_i^2``
    with ``m_i`` the observed mean votes; the result is kept in ``[margin, 1 - margin]``.
    Returns 0.5 when every ``q_i`` is 0 (the votes then carry no information about y).
    """
    label_matrix = check_label_matrix(label_matrix)
    correlations = check_correlations(correlations, label_matrix.shape[1])
    mean_votes = VoteStatistics.from_label_matrix(label_matrix, patterns=False).mean_votes()
    if np.isnan(mean_votes).any():
        raise ValueError("every LF must vote at least once to estimate the class prior")
    return _prior_from_mean_votes(mean_votes, correlations, margin)


def triplet_correlations(
    agreements: np.ndarray, mask: np.ndarray, counts: np.ndarray, bound: float
) -> np.ndarray:
    """Closed-form q from triplets of LFs, up to a global sign.

    For conditionally independent LFs, ``Z_ij Z_ik / Z_jk = q_i^2`` for every
    triplet of distinct LFs (the triplet method of the weak-supervision
    literature, e.g. Fu et al., *Fast and Three-rious*, ICML 2020).  A single
    triplet is fragile when ``Z_jk`` is near 0, so each ``q_i^2`` is the
    least-squares slope of ``Z_ij Z_ik`` on ``Z_jk`` over all usable triplets,

        q_i^2 = sum_{j,k} Z_ij Z_ik Z_jk / sum_{j,k} (Z_jk^2 - v_jk),

    a weighted average of the per-triplet ratios with weights ``Z_jk^2``: tiny,
    noisy denominators get tiny weight.  ``v_jk = (1 - Z_jk^2) / n_jk`` is the
    sampling variance of ``Z_jk`` (a mean of ``n_jk`` products of votes;
    :func:`~dataprog_helpers.label_model.statistics.agreement_variance`); without
    it the denominator would overstate ``(q_j q_k)^2`` by that much on average,
    which is more than the signal when pairs co-vote a few hundred times.  Both
    sums are diagonals of matrix products, so the cost is a few m x m matrix
    multiplications.  Signs come from :func:`signs_from_agreements`.  An LF
    whose pooled denominator is not positive gets q = 0, with an
    :class:`IdentifiabilityWarning`.

    Parameters
    ----------
    agreements : ndarray of shape (m, m)
        Z, any value where ``mask`` is 0.
    mask : ndarray of shape (m, m)
        1 for observed off-diagonal pairs used in the fit, 0 elsewhere.
    counts : ndarray of shape (m, m)
        Co-vote counts ``n_jk``.
    bound : float
        |q| is capped at ``bound``.

    Returns
    -------
    ndarray of shape (m,)

    Raises
    ------
    ValueError
        If an LF belongs to no triplet whose three pairs are all used.
    """
    masked = agreements * mask
    variances = mask * agreement_variance(masked, counts)
    numerators = np.sum((masked @ masked) * masked, axis=1)  # diag(A^3): A is symmetric
    denominators = np.sum((mask @ (masked**2 - variances)) * mask, axis=1)
    in_triangle = np.sum((mask @ mask) * mask, axis=1) > 0
    if not in_triangle.all():
        raise ValueError(
            f'method="triplet" needs every LF in a triangle of co-voting pairs; LF(s) '
            f"{np.flatnonzero(~in_triangle).tolist()} are in none (outside the declared "
            'dependencies); use method="gradient"'
        )
    undetermined = np.flatnonzero(denominators <= 0)
    if undetermined.size:
        warn_at_caller(
            f"the triplet estimate of LF(s) {undetermined.tolist()} is undetermined: their "
            "triplets' agreements are indistinguishable from sampling noise, so their "
            "accuracy is set to 0.5 (weight 0)",
            IdentifiabilityWarning,
        )
    squares = np.divide(numerators, denominators, out=np.zeros_like(numerators),
                        where=denominators > 0)
    magnitudes = np.sqrt(np.clip(squares, 0.0, bound**2))
    return magnitudes * signs_from_agreements(masked, magnitudes)


def completion_mask(
    agreements: np.ma.MaskedArray, dependencies: list[tuple[int, int]]
) -> np.ndarray:
    """1 on the observed off-diagonal pairs that inform q, 0 elsewhere, shape (n_lfs, n_lfs).

    A pair is left out (0) where it never co-votes (masked in ``agreements``), on
    the diagonal and where it is declared dependent.
    """
    mask = (~np.ma.getmaskarray(agreements)).astype(np.float64)
    np.fill_diagonal(mask, 0.0)
    for i, j in dependencies:
        mask[i, j] = mask[j, i] = 0.0
    return mask


def check_identifiable(
    statistics: VoteStatistics, mask: np.ndarray, dependencies: list
) -> None:
    """Raise a ``ValueError`` unless the pairs of ``mask`` determine q up to its sign.

    Every LF must vote, and co-vote with another LF outside ``dependencies``;
    the co-voting pairs must connect all LFs and contain an odd cycle
    (:func:`~dataprog_helpers.label_model.graphs.covote_groups`).
    """
    check_fit_statistics(statistics, "accuracies", "agreements", "accuracy")
    observed = mask > 0
    declared = " outside the declared dependencies" if dependencies else ""
    isolated = np.flatnonzero(~observed.any(axis=1))
    if isolated.size:
        raise ValueError(
            f"LF(s) {isolated.tolist()} never vote on a point together with another "
            f"LF{declared}, so their accuracy cannot be estimated from agreements"
        )
    groups = covote_groups(observed)
    if len(groups) > 1:
        described = "; ".join(str(members) for members, _ in groups)
        raise ValueError(
            f"the LFs form {len(groups)} groups that never vote on a common point"
            f"{declared} ({described}), so their accuracies cannot be related; "
            "fit each group separately"
        )
    if not groups[0][1]:
        raise ValueError(
            f"the pairs of LFs that vote together{declared} contain no odd cycle (such "
            "as three LFs that all co-vote pairwise), so the accuracies are not "
            "identifiable: scaling one side's q up and the other side's down fits the "
            "agreements equally well"
        )


class LabelModel(BaseLabelModel):
    """Learn labeling-function accuracies from how the LFs agree, without labels.

    Parameters
    ----------
    max_iter : int, default 500
        Most optimisation steps of the gradient fit.
    step_size : float in (0, 1], default 0.5
        Damping of the curvature-scaled gradient step (see
        :func:`~dataprog_helpers.label_model.rank_one.preconditioned_step`); 1
        would jump to each coordinate's own minimum, 0.5 converges steadily.
    tol : float, default 1e-9
        The gradient fit stops once no correlation q_i changes by more than
        ``tol`` in a step; a :class:`ConvergenceWarning` is issued if
        ``max_iter`` is hit first.
    probability_margin : float in (0, 0.5), default 1e-3
        Estimated accuracies are kept in ``[probability_margin, 1 - probability_margin]``
        so every log-odds weight is finite.
    seed : int, default 0
        Seed of the random initial correlations (uniform in [0.1, 0.5]).
    class_prior : float in (0, 1) or "estimate", default 0.5
        P(y = +1) used by the posterior.  ``"estimate"`` learns it from the mean
        votes (see :func:`estimate_class_prior`); 0.5 is the balanced prior.
    method : {"gradient", "triplet"}, default "gradient"
        How q is found: rank-one matrix completion by gradient steps in
        TensorFlow, or the closed-form triplet estimate
        (:func:`triplet_correlations`).
    dependencies : list of (i, j) pairs, optional
        Pairs of LFs known to be dependent given y (near-copies of one
        heuristic, say).  Their agreements are left out of the fit, and the
        posterior models each pair's votes jointly (see
        :mod:`dataprog_helpers.dependencies`).

    Attributes
    ----------
    accuracies_ : ndarray of shape (n_lfs,)
        Estimated P(LF right | LF votes), strictly inside (0, 1).
    correlations_ : ndarray of shape (n_lfs,)
        ``q = 2 * accuracies_ - 1``, the estimate of E[lambda_i y | LF i votes].
    weights_ : ndarray of shape (n_lfs,)
        Log-odds voting weights ``log(p / (1 - p))``.
    agreement_matrix_ : numpy.ma.MaskedArray of shape (n_lfs, n_lfs)
        The agreement matrix Z the model was fitted to.
    residuals_ : numpy.ma.MaskedArray of shape (n_lfs, n_lfs)
        ``Z_ij - q_i q_j``: what the fitted model leaves unexplained, masked on
        the diagonal and for pairs that never vote together.  Large entries
        point at dependent LFs (see :func:`find_dependencies`).
    dependencies_ : list of (i, j)
        The validated declared dependencies, sorted with i < j.
    dependency_edges_ : list of (i, j)
        The dependent pairs the posterior models jointly: a spanning forest of
        ``dependencies_`` (see :func:`~dataprog_helpers.dependencies.dependency_forest`).
    loss_history_ : ndarray of shape (n_iter_ + 1,)
        Completion loss before each step and after the last one (for the
        triplet method, one entry: the loss of its solution).
    n_iter_ : int
        Gradient steps taken (0 for the triplet method).
    converged_ : bool
        Whether the gradient fit reached ``tol`` within ``max_iter`` (always
        True for the triplet method).
    class_prior_ : float
        The P(y = +1) that :meth:`predict_proba` uses.
    sign_flipped_ : bool
        Whether the solver's solution was negated to orient it (see Notes).

    Notes
    -----
    ``q`` and ``-q`` fit Z equally well: agreements cannot tell "mostly right"
    from "mostly wrong".  The model assumes the LFs are better than random on
    average, i.e. ``mean(q) > 0``, and negates the solution otherwise; it warns
    (:class:`IdentifiabilityWarning`) when that holds by a narrow margin: when
    the LFs estimated worse than random carry more than half the total |q| of
    those estimated better than random.  Labeled dev
    points passed to :meth:`fit` decide the sign instead.  At least three LFs
    are needed, and the pairs that vote together (and are not declared
    dependent) must connect all LFs and contain an odd cycle, or the
    accuracies are not identifiable.

    Examples
    --------
    Four LFs of accuracies 0.9, 0.8, 0.7 and 0.65, each voting on half the points:

    >>> import numpy as np
    >>> from dataprog_helpers import LabelModel
    >>> rng = np.random.default_rng(0)
    >>> y = rng.choice([-1, 1], size=5000)
    >>> right = rng.random((5000, 4)) < [0.9, 0.8, 0.7, 0.65]
    >>> votes = np.where(right, y[:, None], -y[:, None])
    >>> label_matrix = np.where(rng.random((5000, 4)) < 0.5, votes, 0)
    >>> model = LabelModel().fit(label_matrix)  # no gold labels
    >>> model.accuracies_.round(2).tolist()
    [0.91, 0.78, 0.7, 0.64]
    >>> model.predict_proba([[1, 1, 0, -1], [0, 0, 0, 0]]).round(3).tolist()
    [0.954, 0.5]
    """

    def __init__(
        self,
        max_iter: int = 500,
        step_size: float = 0.5,
        tol: float = 1e-9,
        probability_margin: float = 1e-3,
        seed: int = 0,
        class_prior: float | str = 0.5,
        method: str = "gradient",
        dependencies: list[tuple[int, int]] | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.step_size = step_size
        self.tol = tol
        self.probability_margin = probability_margin
        self.seed = seed
        self.class_prior = class_prior
        self.method = method
        self.dependencies = dependencies

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        "step_size": [Interval(Real, 0.0, 1.0, closed="right")],
        "probability_margin": [Interval(Real, 0.0, 0.5, closed="neither")],
        "method": [StrOptions(set(METHODS))],
    }

    def _gradient_inputs(self, agreements: np.ma.MaskedArray, mask: np.ndarray) -> dict:
        """The tensors the compiled gradient fit :func:`~.rank_one.fit_rank_one` takes."""
        initial = np.random.default_rng(self.seed).uniform(0.1, 0.5, size=mask.shape[0])
        return {
            "agreements": tf.constant(agreements.filled(0.0)),
            "mask": tf.constant(mask),
            "initial": tf.constant(initial),
            "step_size": tf.constant(float(self.step_size), tf.float64),
            "tol": tf.constant(float(self.tol), tf.float64),
            "max_iter": tf.constant(int(self.max_iter), tf.int32),
            "bound": tf.constant(self._bound, tf.float64),
        }

    @property
    def _bound(self) -> float:
        return 1.0 - 2.0 * self.probability_margin

    def _solve(
        self, agreements: np.ma.MaskedArray, mask: np.ndarray, counts: np.ndarray
    ) -> tuple[np.ndarray, int, bool, np.ndarray]:
        """q up to sign, the steps taken, whether they converged, and the loss history."""
        if self.method == "triplet":
            values = agreements.filled(0.0)
            correlations = triplet_correlations(values, mask, counts, self._bound)
            residuals = mask * (values - np.outer(correlations, correlations))
            return correlations, 0, True, np.array([np.sum(residuals**2)])
        correlations, n_iter, change, losses = fit_rank_one(
            **self._gradient_inputs(agreements, mask)
        )
        converged = bool(change.numpy() <= self.tol)
        if not converged:
            warn_at_caller(
                f"LabelModel stopped after max_iter={self.max_iter} steps with the largest "
                f"step {float(change):.2e} above tol={self.tol:.0e}; increase max_iter",
                ConvergenceWarning,
            )
        return correlations.numpy(), int(n_iter), converged, losses.numpy()

    def _fit_steps(self) -> SymmetricSteps:
        return SymmetricSteps(self)

    def fit_statistics(
        self, statistics: VoteStatistics, dev_label_matrix=None, dev_labels=None
    ) -> LabelModel:
        """Fit from :class:`~dataprog_helpers.analysis.VoteStatistics`, e.g. of streamed chunks.

        The label model needs only the agreement matrix and the mean votes, so a
        label matrix too large for memory can be fitted by accumulating its
        statistics chunk by chunk (:meth:`VoteStatistics.from_chunks`, with
        ``patterns=False`` to keep memory bounded).  Same
        parameters and result as :meth:`fit` otherwise.
        """
        self._validate_params()
        check_fit_statistics(statistics, "accuracies", "agreements", "accuracy")
        return self._fit_votes(SymmetricSteps(self), statistics, dev_label_matrix, dev_labels)

    @property
    def _joint_floor(self) -> float:
        # The smallest cell of a pair's joint table the independent model allows:
        # both LFs wrong at the accuracy cap, margin * margin.
        return self.probability_margin**2

    def _joint_term(self) -> Callable | None:
        """The joint terms of the dependent pairs in ``dependency_edges_``.

        See :func:`~dataprog_helpers.label_model.dependencies.dependency_log_odds`.
        Without dependencies, :meth:`predict_proba` is :func:`posterior_proba`
        with the estimated accuracies.
        """
        if not self.dependency_edges_:
            return None
        return functools.partial(
            dependency_log_odds, correlations=self.correlations_,
            agreements=self.agreement_matrix_, edges=self.dependency_edges_,
            floor=self._joint_floor,
        )


@dataclass(frozen=True)
class SymmetricFit:
    """What :class:`SymmetricSteps` estimates: the solution, and what it was found from.

    ``correlations`` are q as found, then (after :meth:`SymmetricSteps.orient`) as
    oriented, with ``sign_flipped`` saying whether they were negated.
    """

    statistics: VoteStatistics
    dependencies: list
    agreements: np.ma.MaskedArray
    correlations: np.ndarray
    n_iter: int
    converged: bool
    loss_history: np.ndarray
    sign_flipped: bool = False


class SymmetricSteps:
    """:class:`LabelModel`'s steps in the template fit (:class:`~.estimator.FitSteps`):
    vote statistics, the masked rank-one completion, the sign of q, the attributes."""

    def __init__(self, model: LabelModel) -> None:
        self.model = model

    def read_votes(self, label_matrix) -> VoteStatistics:
        statistics = VoteStatistics.from_label_matrix(label_matrix, patterns=False)
        check_fit_statistics(statistics, "accuracies", "agreements", "accuracy")
        return statistics

    def check_dev_set(self, statistics: VoteStatistics, dev_label_matrix, dev_labels):
        return check_dev_set(dev_label_matrix, dev_labels, statistics.n_lfs)

    def estimate(self, statistics: VoteStatistics) -> SymmetricFit:
        dependencies = check_dependencies(self.model.dependencies, statistics.n_lfs)
        agreements = statistics.agreements()
        mask = completion_mask(agreements, dependencies)
        check_identifiable(statistics, mask, dependencies)
        solution, n_iter, converged, loss_history = self.model._solve(
            agreements, mask, statistics.counts
        )
        return SymmetricFit(statistics, dependencies, agreements, solution, n_iter, converged,
                            loss_history)

    def orient(self, fit: SymmetricFit, statistics: VoteStatistics, dev_set) -> SymmetricFit:
        # The dev points' evidence for q as found: sum_k y_k sum_i q_i L_ki, i.e. how
        # often each LF is right minus wrong on them, weighted by q.
        dev_evidence = None if dev_set is None else float(
            fit.correlations @ (dev_set[1].astype(np.float64) @ dev_set[0])
        )
        sign_flipped = choose_orientation(
            fit.correlations, (1.0 + fit.correlations) / 2.0, dev_evidence, strength="|q|",
            if_wrong="every accuracy p is really 1 - p",
        )
        correlations = -fit.correlations if sign_flipped else fit.correlations
        return dataclasses.replace(fit, correlations=correlations, sign_flipped=sign_flipped)

    def set_fitted(self, fit: SymmetricFit) -> None:
        model, statistics, agreements = self.model, fit.statistics, fit.agreements
        correlations = fit.correlations
        accuracies = (1.0 + correlations) / 2.0
        weights = log_odds_weights(accuracies)
        if model.class_prior == "estimate":
            class_prior = _prior_from_mean_votes(
                statistics.mean_votes(), correlations, model.probability_margin
            )
        else:
            class_prior = float(model.class_prior)
        residuals = np.ma.MaskedArray(
            agreements.filled(0.0) - np.outer(correlations, correlations),
            mask=np.ma.getmaskarray(agreements) | np.eye(statistics.n_lfs, dtype=bool),
        )
        dependency_edges = dependency_forest(
            fit.dependencies, correlations, agreements, model._joint_floor
        )
        model.correlations_ = correlations
        model.accuracies_ = accuracies
        model.weights_ = weights
        model.vote_log_ratios_ = symmetric_table(weights)
        model.class_prior_ = class_prior
        model.agreement_matrix_ = agreements
        model.residuals_ = residuals
        model.dependencies_ = fit.dependencies
        model.dependency_edges_ = dependency_edges
        model.n_iter_ = fit.n_iter
        model.converged_ = fit.converged
        model.loss_history_ = fit.loss_history
        model.sign_flipped_ = fit.sign_flipped

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
from scipy.special import expit

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
from .statistics import VoteStatistics
from .symmetric_completion import (
    check_identifiable,
    completion_mask,
    prior_from_mean_votes,
    solve_correlations,
)

__all__ = [
    "LabelModel",
    "SymmetricFit",
    "SymmetricSteps",
    "joint_floor",
    "posterior_proba",
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


def joint_floor(probability_margin: float) -> float:
    """The smallest cell of a dependent pair's joint table the independent model allows:
    both LFs wrong at the accuracy cap, ``probability_margin ** 2``."""
    return probability_margin**2


def symmetric_table(weights: np.ndarray) -> np.ndarray:
    """The per-LF log-ratio tables ``(-w_i, 0, w_i)`` of the symmetric model, shape (n_lfs, 3)."""
    return np.stack([-weights, np.zeros_like(weights), weights], axis=1)


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
            floor=joint_floor(self.probability_margin),
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
        solution, n_iter, converged, loss_history = solve_correlations(
            self.model, agreements, mask, statistics.counts
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
            class_prior = prior_from_mean_votes(
                statistics.mean_votes(), correlations, model.probability_margin
            )
        else:
            class_prior = float(model.class_prior)
        residuals = np.ma.MaskedArray(
            agreements.filled(0.0) - np.outer(correlations, correlations),
            mask=np.ma.getmaskarray(agreements) | np.eye(statistics.n_lfs, dtype=bool),
        )
        dependency_edges = dependency_forest(
            fit.dependencies, correlations, agreements, joint_floor(model.probability_margin)
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

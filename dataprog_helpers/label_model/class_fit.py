"""How :class:`~dataprog_helpers.ClassConditionalLabelModel` fits k classes (``cardinality=k``).

:class:`ClassSteps` are the model's steps in the template fit of
:class:`~dataprog_helpers.label_model.estimator.BaseLabelModel`: check what k classes
allow, validate the votes (Snorkel's convention,
-1 = abstain; in memory, or a Dask array read chunk by chunk on the cluster,
:mod:`~dataprog_helpers.label_model.dask_em`) and the dev set, fit each structure by EM
(:mod:`~dataprog_helpers.label_model.multiclass`), keep the one with the lower
Bayesian information criterion, refit it with an inapplicable share where many
points have no vote and keep that only on strong evidence (:data:`STRONG_EVIDENCE`),
and orient the classes by the stated assumption or by the dev labels.  The result
is a :class:`ClassFit` record, which the model turns into its fitted attributes.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from ..exceptions import ConvergenceWarning, IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.optional_dask import is_dask_array
from ..utils.validation import check_class_labels, check_label_matrix, check_same_length
from .base import check_lf_votes
from .class_posterior import ClassPosterior
from .class_structures import FullTables, SymmetricTables
from .dask_em import DaskVotes
from .multiclass import (
    EMResult,
    VoteIndicators,
    counts_of_posterior,
    expectation_maximisation,
    kept_above,
    symmetric_gap,
)
from .orientation import orient_classes
from .statistics import VoteStatistics

__all__ = [
    "AUTO_SKIP_GAP",
    "ClassEstimate",
    "ClassSteps",
    "INAPPLICABLE_MIN_SHARE",
    "STRONG_EVIDENCE",
    "ClassFit",
    "fit_classes_supervised",
    "lf_accuracies",
    "set_class_attributes",
]

#: ``structure="auto"`` (two classes or k) skips the symmetric fit when the symmetric
#: tables nearest the full fit (its posterior, counts pooled) fall short of its
#: log-likelihood by more than this many times the BIC's allowance, ``m log(n) / 2``
#: in total.  That gap bounds the symmetric optimum's from above, so below 1 the
#: symmetric tables surely win; above it they may not.
#: ``benchmarks/class_conditional_weak_lfs.py`` measures the gap on symmetric and
#: one-sided LFs (the README has the numbers): 20 lies far between them.  Skipping can
#: only keep the full tables, the ``"class-conditional"`` result.
AUTO_SKIP_GAP = 20.0

#: The inapplicable share (:mod:`.multiclass`) is tried only where at least this share
#: of the points has no vote: a class can take no more than that share by absorbing
#: them, so below it the collapse the share prevents is at most this small.
INAPPLICABLE_MIN_SHARE = 0.01

#: ...and kept only where it lowers the BIC by more than this: "very strong" evidence
#: on the scale of Kass and Raftery (*J. Amer. Statist. Assoc.* 90, 1995).  A share the
#: votes do not need is barely identified and can trade places with a class the LFs
#: seldom vote for.  On simulated conditionally independent LFs (3 classes, one with a
#: single weak LF or none; 40 fits) it lowered the BIC by at most 2.3 where the fit
#: without it is right, and where it was kept anyway (BIC alone) it cost up to 0.32
#: in accuracy; on the simulated correlated keyword LFs it lowers the BIC by 101-247
#: (``benchmarks/multiclass.py``).  On the YouTube topics it lowers it by at most 7.5,
#: so it is not kept there, although plain EM bends a class (the README says what that
#: costs).
STRONG_EVIDENCE = 10.0

#: The structures ``structure=`` names, as M-steps.
STRUCTURES = {"class-conditional": FullTables, "symmetric": SymmetricTables}

#: Why ``cardinality=2`` is refused.
TWO_CLASSES = (
    "cardinality=2 is refused: a binary label matrix in Snorkel's convention (-1 abstain, "
    "0 and 1 the classes) and one in this package's signed convention (0 abstain, -1 and +1 "
    "the classes) hold the same three values, so either would be misread as the other. For "
    "two classes leave cardinality out (the default, signed votes); "
    "dataprog_helpers.signed_label_matrix(L) converts a Snorkel-style binary matrix"
)


@dataclass(frozen=True)
class ClassFit:
    """A k-class fit, oriented: the EM result with its classes named, and what follows.

    Attributes
    ----------
    em : EMResult
        The tables and prior with the classes in the labels' order, the
        log-likelihood history, the steps, convergence and the structure.
    accuracies : ndarray of shape (n_lfs,)
        ``P(vote = y | LF votes)`` of each LF.
    bic : dict of str -> float
        The BIC of each structure fitted.
    permuted : bool
        Whether the classes as found were permuted to orient them.
    """

    em: EMResult
    accuracies: np.ndarray
    bic: dict
    permuted: bool


def lf_accuracies(tables: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """``P(vote = y | LF votes)`` of each LF under ``(tables, prior)``, shape (n_lfs,)."""
    k = prior.shape[0]
    right = np.einsum("c,ic->i", prior, tables[:, np.arange(k), np.arange(k) + 1])
    cast = np.einsum("c,ic->i", prior, 1.0 - tables[:, :, 0])
    return right / cast


def _check_options(model) -> None:
    """What k classes do not allow (yet another structure, dependencies, moments)."""
    if model.cardinality == 2:
        raise ValueError(TWO_CLASSES)
    unsupported = [name for name, used in (
        ("dependencies", bool(model.dependencies)),
        ('method="moments"', model.method == "moments"),
        ('init="moments"', model.init == "moments"),
    ) if used]
    if unsupported:
        raise ValueError(
            f"{' and '.join(unsupported)} cannot be combined with cardinality: the k-class "
            'model is fitted by EM from the majority vote with conditionally independent LFs; '
            "for declared dependencies or the moment estimate use two classes (no cardinality)"
        )


def _fixed_prior(class_prior, cardinality: int) -> np.ndarray | None:
    """``class_prior`` for k classes: None for "estimate", else a probability vector."""
    if isinstance(class_prior, str):
        return None
    if isinstance(class_prior, numbers.Real):
        raise ValueError(
            f"class_prior={class_prior!r} is one number, P(y = +1) of two classes; with "
            f"cardinality={cardinality} pass 'estimate' or {cardinality} probabilities")
    prior = np.asarray(class_prior, dtype=np.float64)
    if (prior.shape != (cardinality,) or not np.all(np.isfinite(prior)) or np.any(prior <= 0)
            or abs(prior.sum() - 1.0) > 1e-9):
        raise ValueError(
            f"class_prior must be 'estimate' or {cardinality} positive probabilities summing "
            f"to 1 (cardinality={cardinality}); got {class_prior!r}")
    return prior


def _votes(label_matrix, cardinality: int):
    """What EM reads: :class:`VoteIndicators` of a validated label matrix, or
    :class:`~.dask_em.DaskVotes` of a Dask array (its chunks checked as they are read)."""
    if is_dask_array(label_matrix):
        return DaskVotes(label_matrix, cardinality)
    label_matrix = check_label_matrix(label_matrix, cardinality=cardinality)
    return VoteIndicators.from_label_matrix(label_matrix, cardinality)


def _check_votes(data, cardinality: int) -> None:
    """Every LF votes, at least three of them; a class no LF votes for is worth a warning."""
    totals = data.vote_totals()
    check_lf_votes(totals.sum(axis=1), "parameters", "votes", "vote distributions")
    voted = totals.sum(axis=0) > 0
    if not voted.all():
        hint = ("; a binary matrix in the signed convention (0 abstain, -1 and +1) looks like "
                "this: leave cardinality out for it" if not voted[2:].any() else "")
        warn_at_caller(
            f"no LF votes for class(es) {np.flatnonzero(~voted).tolist()} of "
            f"cardinality={cardinality}: the model can place them only by the LFs' "
            f"abstentions{hint}",
            IdentifiabilityWarning,
        )


def _check_dev_set(dev_label_matrix, dev_labels, n_lfs: int, cardinality: int):
    if dev_label_matrix is None and dev_labels is None:
        return None
    if dev_label_matrix is None or dev_labels is None:
        raise ValueError("pass both dev_label_matrix and dev_labels, or neither")
    dev_label_matrix = check_label_matrix(dev_label_matrix, "dev_label_matrix", cardinality)
    dev_labels = check_class_labels(dev_labels, cardinality, "dev_labels")
    check_same_length(dev_label_matrix=dev_label_matrix, dev_labels=dev_labels)
    if dev_label_matrix.shape[1] != n_lfs:
        raise ValueError(f"dev_label_matrix has {dev_label_matrix.shape[1]} LFs but "
                         f"label_matrix has {n_lfs}")
    return dev_label_matrix, dev_labels


def _dev_points_with_votes(dev_label_matrix: np.ndarray, dev_labels: np.ndarray):
    """The dev points that orient the classes: those with at least one vote (all, if none).

    A dev point without votes has the same posterior whatever its label, so it says
    nothing of which fitted class is which; it says how the labels are shared among
    such points, and counted in, that pulls the class its posterior favours towards the
    commonest of their labels.  On the YouTube topics, where 85% of the comments get no
    vote, it made 100 dev labels orient the classes worse than the assumption alone
    (0.770 against 0.928 on the test comments with votes).
    """
    voted = (dev_label_matrix >= 0).any(axis=1)
    if not voted.any():
        return dev_label_matrix, dev_labels
    return dev_label_matrix[voted], dev_labels[voted]


def _oriented(tables: np.ndarray, prior: np.ndarray, order: np.ndarray):
    """The tables and prior with fitted class c renamed ``order[c]``."""
    oriented_tables = np.empty_like(tables)
    oriented_prior = np.empty_like(prior)
    oriented_tables[:, order] = tables
    oriented_prior[order] = prior
    return oriented_tables, oriented_prior


@dataclass(frozen=True)
class ClassEstimate:
    """What :meth:`ClassSteps.estimate` finds: the EM result kept, and the BIC of each fit."""

    em: EMResult
    bic: dict


class ClassSteps:
    """The k-class model's steps in the template fit (:class:`~.estimator.FitSteps`):
    votes as indicators (in memory or on Dask), EM per structure, the inapplicable
    share, orientation, the fitted attributes."""

    def __init__(self, model) -> None:
        _check_options(model)
        self.model = model
        self.cardinality = model.cardinality
        self.fixed_prior = _fixed_prior(model.class_prior, model.cardinality)

    def read_votes(self, label_matrix):
        votes = _votes(label_matrix, self.cardinality)
        _check_votes(votes, self.cardinality)
        return votes

    def votes_of_statistics(self, statistics) -> VoteIndicators:
        """The votes of k-class :class:`~.statistics.VoteStatistics` kept with patterns."""
        k = self.cardinality
        if not isinstance(statistics, VoteStatistics):
            raise TypeError(f"statistics must be a VoteStatistics, got "
                            f"{type(statistics).__name__}; use fit() for a label matrix")
        if statistics.cardinality != k:
            raise ValueError(
                f"statistics are of cardinality={statistics.cardinality} but the model has "
                f"cardinality={k}; build them with VoteStatistics.from_...(..., cardinality={k})")
        if not statistics.has_patterns:
            raise ValueError("ClassConditionalLabelModel fits from the histogram of vote "
                             "patterns, which these statistics do not keep (patterns=False)")
        votes = VoteIndicators.from_patterns(statistics.patterns, statistics.pattern_counts, k)
        _check_votes(votes, k)
        return votes

    def check_dev_set(self, votes, dev_label_matrix, dev_labels):
        return _check_dev_set(dev_label_matrix, dev_labels, votes.n_lfs, self.cardinality)

    def _em(self, votes, name: str, inapplicable: bool = False) -> EMResult:
        model = self.model
        return expectation_maximisation(votes, STRUCTURES[name], model.probability_margin,
                                        model.tol, model.max_iter, self.fixed_prior,
                                        inapplicable=inapplicable)

    def _n_parameters(self, votes, name: str) -> int:
        return (STRUCTURES[name].n_parameters(votes)
                + (self.cardinality - 1 if self.fixed_prior is None else 0))

    def estimate(self, votes) -> ClassEstimate:
        """Each structure by EM, the lower BIC kept; then that structure with an
        inapplicable share, kept on strong evidence."""
        model = self.model
        names = list(STRUCTURES) if model.structure == "auto" else [model.structure]
        fits, bic = {}, {}
        for name in names:
            if name == "symmetric" and "class-conditional" in fits and symmetric_gap(
                    votes, fits["class-conditional"], model.probability_margin,
                    self.fixed_prior) > AUTO_SKIP_GAP:
                break  # the symmetric tables cannot come close: not worth their fit
            fits[name] = self._em(votes, name)
            bic[name] = fits[name].bic(votes.n_points, self._n_parameters(votes, name))
        chosen = min(bic, key=lambda name: (bic[name], name != "class-conditional"))
        fit = fits[chosen]
        if votes.n_uncovered >= INAPPLICABLE_MIN_SHARE * votes.n_points:
            with_share = self._em(votes, chosen, inapplicable=True)
            name = f"{chosen} + inapplicable share"
            bic[name] = with_share.bic(votes.n_points, self._n_parameters(votes, chosen) + 1)
            if bic[name] < bic[chosen] - STRONG_EVIDENCE:
                fit = with_share
        if not fit.converged:
            warn_at_caller(
                f"ClassConditionalLabelModel stopped after max_iter={model.max_iter} "
                f"iterations before every change fell below tol={model.tol:.0e}; increase "
                "max_iter",
                ConvergenceWarning,
            )
        return ClassEstimate(fit, bic)

    def orient(self, estimate: ClassEstimate, votes, dev_set) -> ClassFit:
        """Which class is which (:func:`~.orientation.orient_classes`), by the dev points
        with votes when given."""
        fit = estimate.em
        dev_posterior = dev_classes = None
        if dev_set is not None:
            dev_votes, dev_classes = _dev_points_with_votes(*dev_set)
            dev_posterior = ClassPosterior(np.log(fit.conditional_probabilities),
                                           np.log(fit.class_prior),
                                           fit.inapplicable_share).predict_proba(dev_votes)
        order = orient_classes(fit.conditional_probabilities, fit.class_prior, dev_posterior,
                               dev_classes)
        tables, prior = _oriented(fit.conditional_probabilities, fit.class_prior, order)
        oriented = dataclasses.replace(fit, conditional_probabilities=tables, class_prior=prior)
        return ClassFit(oriented, lf_accuracies(tables, prior), estimate.bic,
                        bool(np.any(order != np.arange(self.cardinality))))

    def set_fitted(self, fit: ClassFit) -> None:
        set_class_attributes(self.model, fit)


def set_class_attributes(model, fit: ClassFit) -> None:
    """A k-class fit's attributes on ``model`` (a ClassConditionalLabelModel)."""
    model.__dict__.pop("vote_log_ratios_", None)  # a binary fit's, now stale
    model.conditional_probabilities_ = fit.em.conditional_probabilities
    model.class_prior_ = fit.em.class_prior
    model.inapplicable_share_ = fit.em.inapplicable_share
    model.classes_ = np.arange(fit.em.class_prior.shape[0])
    model.accuracies_ = fit.accuracies
    model.joint_probabilities_ = {}
    model.dependencies_ = []
    model.log_likelihood_ = float(fit.em.log_likelihood_history[-1])
    model.log_likelihood_history_ = fit.em.log_likelihood_history
    model.n_iter_ = fit.em.n_iter
    model.converged_ = fit.em.converged
    model.sign_flipped_ = fit.permuted
    model.structure_ = fit.em.structure
    model.bic_ = fit.bic


def fit_classes_supervised(model, label_matrix, y) -> ClassFit:
    """The same model counted on gold class labels: the gold-fitted reference (its
    attributes set by :func:`set_class_attributes`).

    Its inapplicable share is 0: with the labels known, each class's share of points
    without votes is counted directly, so nothing needs explaining by it."""
    _check_options(model)
    k = model.cardinality
    label_matrix = check_label_matrix(label_matrix, cardinality=k)
    check_lf_votes(np.count_nonzero(label_matrix >= 0, axis=0), "parameters", "votes",
                   "vote distributions")
    y = check_class_labels(y, k, "y")
    check_same_length(label_matrix=label_matrix, y=y)
    indicators = VoteIndicators.from_patterns(label_matrix, np.ones(label_matrix.shape[0]), k)
    posterior = np.eye(k)[y]
    name = "symmetric" if model.structure == "symmetric" else "class-conditional"
    tables = kept_above(STRUCTURES[name].tables(counts_of_posterior(indicators, posterior)),
                        model.probability_margin)
    fixed_prior = _fixed_prior(model.class_prior, k)
    prior = (kept_above(np.bincount(y, minlength=k) / y.size, model.probability_margin)
             if fixed_prior is None else fixed_prior)
    log_likelihood = ClassPosterior(np.log(tables), np.log(prior)).mean_log_likelihood(
        label_matrix)
    em = EMResult(tables, prior, np.array([log_likelihood]), 0, True, name)
    return ClassFit(em, lf_accuracies(tables, prior), {}, False)

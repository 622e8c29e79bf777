"""The two-class class-conditional model's steps in the template fit.

:class:`BinarySteps` is :class:`~dataprog_helpers.ClassConditionalLabelModel`'s
:class:`~.estimator.FitSteps` without ``cardinality``: the votes as a pattern
histogram (with the pairwise sums where the moment estimate needs them), each
structure fitted (:mod:`~dataprog_helpers.label_model.binary_fit`) and the one
with the lower BIC kept, the label swap decided by the LFs' polarity or by the dev
labels, and the fitted attributes.  A Dask array is read chunk by chunk
(:mod:`.binary_dask`): its histogram is gathered on the client where it is small
(:data:`~.binary_dask.HISTOGRAM_LIMIT_BYTES`), else EM's sums run on the workers.
:func:`fit_binary_supervised` counts the same model on gold labels.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from ..exceptions import ConvergenceWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.optional_dask import is_dask_array
from ..utils.validation import check_label_matrix, check_labels, check_same_length
from . import binary_dask
from .base import check_dev_set, check_fit_statistics, check_lf_votes, choose_orientation
from .binary_fit import BinaryFit, binary_lf_accuracies, polarities, warn_of_shared_abstentions
from .binary_moments import moment_estimate
from .binary_patterns import PatternCodes
from .class_fit import AUTO_SKIP_GAP
from .dependencies import check_dependencies
from .dependency_blocks import factors_of
from .statistics import VoteStatistics, distinct_patterns

__all__ = ["BinaryEstimate", "BinarySteps", "BinaryVotes", "fit_binary_supervised"]


@dataclass(frozen=True)
class BinaryVotes:
    """The distinct vote patterns and their counts (everything the fit reads, the
    moment estimate's co-vote counts included)."""

    patterns: np.ndarray
    pattern_counts: np.ndarray

    @property
    def n_lfs(self) -> int:
        return self.patterns.shape[1]

    def coded(self, blocks) -> PatternCodes:
        """The patterns coded for the fit's blocks of LFs."""
        return PatternCodes(self.patterns, self.pattern_counts, blocks)


@dataclass(frozen=True)
class BinaryEstimate:
    """One structure's fit, kept by BIC: the tables (one per factor) and prior as found,
    then (after :meth:`BinarySteps.orient`) as oriented, with each LF's marginal vote
    distributions and accuracies."""

    fit: BinaryFit
    dependencies: list
    tables: list
    prior: float
    log_likelihood_history: np.ndarray
    n_iter: int
    converged: bool
    structure: str
    bic: dict
    sign_flipped: bool = False
    marginals: np.ndarray | None = None
    accuracies: np.ndarray | None = None


def _check_binary_prior(model) -> None:
    """A class prior for two classes: "estimate" or one number (checked by the constraints)."""
    if not isinstance(model.class_prior, (str, numbers.Real)):
        raise ValueError(
            f"class_prior={model.class_prior!r} holds several probabilities, which need "
            "cardinality=k; for two classes pass P(y = +1) or 'estimate'")


def _histogram(label_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a checked label matrix and their counts, with the LFs checked."""
    check_lf_votes(np.count_nonzero(label_matrix, axis=0), "parameters", "votes",
                   "vote distributions")
    return distinct_patterns(label_matrix)


def _check_structure_with(model, dependencies: list[tuple[int, int]]) -> None:
    if dependencies and model.structure == "symmetric":
        raise ValueError(
            'structure="symmetric" gives each LF its own coverage and accuracy and cannot '
            'model the declared dependencies jointly; use structure="class-conditional" '
            'or "auto"'
        )


class BinarySteps:
    """The two-class steps of :class:`~dataprog_helpers.ClassConditionalLabelModel`."""

    def __init__(self, model) -> None:
        _check_binary_prior(model)
        self.model = model

    @property
    def _needs_moments(self) -> bool:
        return self.model.method == "moments" or self.model.init == "moments"

    def read_votes(self, label_matrix) -> BinaryVotes | binary_dask.DaskSignedVotes:
        if is_dask_array(label_matrix):
            return self._read_dask_votes(label_matrix)
        # The pattern histogram alone: not the pairwise sums, which would take a large
        # share of the time (benchmarks/label_model_speed.py).
        return BinaryVotes(*_histogram(check_label_matrix(label_matrix)))

    @staticmethod
    def _read_dask_votes(label_matrix):
        """The histogram gathered where it is small enough, else the votes left on the
        workers for map-reduce EM."""
        votes = binary_dask.DaskSignedVotes(label_matrix)
        check_lf_votes(votes.lf_vote_counts, "parameters", "votes", "vote distributions")
        if votes.histogram_bytes <= binary_dask.HISTOGRAM_LIMIT_BYTES:
            return BinaryVotes(*votes.gathered())
        return votes

    @staticmethod
    def votes_of_statistics(statistics: VoteStatistics) -> BinaryVotes:
        """The votes of :class:`VoteStatistics` kept with ``patterns=True``."""
        check_fit_statistics(statistics, "parameters", "votes", "vote distributions")
        if not statistics.has_patterns:
            raise ValueError(
                "ClassConditionalLabelModel fits from the histogram of vote patterns, which "
                "these statistics do not keep (they were built with patterns=False): build "
                "them with the default patterns=True, e.g. VoteStatistics.from_chunks(chunks)"
            )
        return BinaryVotes(statistics.patterns, statistics.pattern_counts)

    def check_dev_set(self, votes: BinaryVotes, dev_label_matrix, dev_labels):
        return check_dev_set(dev_label_matrix, dev_labels, votes.n_lfs)

    def estimate(self, votes: BinaryVotes) -> BinaryEstimate:
        """Each structure's fit (the full tables with declared dependencies), the lower
        BIC kept."""
        model, n_lfs = self.model, votes.n_lfs
        dependencies = check_dependencies(model.dependencies, n_lfs)
        if dependencies and model.method == "moments":
            raise ValueError(
                'method="moments" estimates each LF on its own and cannot model the '
                'declared dependencies jointly; use method="em" (the default)'
            )
        _check_structure_with(model, dependencies)
        factors = factors_of(dependencies, n_lfs)
        fit = BinaryFit(model, votes, factors)
        warn_of_shared_abstentions(fit)
        if dependencies or model.structure == "class-conditional":
            structures = ["class-conditional"]
        elif model.structure == "symmetric":
            structures = ["symmetric"]
        else:
            structures = ["class-conditional", "symmetric"]
        fits, bic = {}, {}
        for structure in structures:
            if structure == "symmetric" and "class-conditional" in fits and (
                    fit.symmetric_gap(*fits["class-conditional"][:2]) > AUTO_SKIP_GAP):
                break  # the symmetric tables cannot come close: not worth their fit
            fits[structure] = self._fit_structure(fit, structure)
            n_parameters = (sum(2 * (factor.n_outcomes - 1) for factor in factors)
                            if structure == "class-conditional" else 2 * n_lfs)
            n_parameters += model.class_prior == "estimate"
            bic[structure] = float(-2.0 * fit.n_points * fits[structure][2][-1]
                                   + n_parameters * np.log(fit.n_points))
        structure = min(fits, key=lambda name: (bic[name], name != "class-conditional"))
        tables, prior, history, steps, converged = fits[structure]
        if not converged:
            warn_at_caller(
                f"ClassConditionalLabelModel stopped after max_iter={model.max_iter} "
                f"iterations before every change fell below tol={model.tol:.0e}; increase "
                "max_iter",
                ConvergenceWarning,
            )
        return BinaryEstimate(fit, dependencies, tables, prior, history, steps, converged,
                              structure, bic)

    def _fit_structure(self, fit: BinaryFit, structure: str):
        """``(tables, prior, history, steps, converged)`` of one structure's fit."""
        model = self.model
        fit.pooled = structure == "symmetric"
        if structure == "class-conditional" and self._needs_moments:
            tables, prior, steps, converged = moment_estimate(fit)
        else:  # the symmetric tables are always fitted by EM from the majority vote
            tables, prior = fit.majority_vote_start()
            steps, converged = 0, True
        if model.method == "em" or structure == "symmetric":
            tables, prior, history, steps, em_converged = fit.expectation_maximisation(
                tables, prior
            )
            converged = converged and em_converged
        else:
            history = np.array([fit.log_likelihood(tables, prior)])
        fit.pooled = False
        return tables, prior, history, steps, converged

    def orient(self, estimate: BinaryEstimate, votes: BinaryVotes, dev_set) -> BinaryEstimate:
        """The label swap: by the LFs' mean polarity, or by the dev labels' evidence."""
        fit, tables, prior = estimate.fit, estimate.tables, estimate.prior
        marginals = fit.marginals(tables)
        dev_evidence = None
        if dev_set is not None:
            scores = fit.log_odds(tables, prior, dev_set[0])
            dev_evidence = float(dev_set[1].astype(np.float64) @ scores)
        accuracies = binary_lf_accuracies(marginals, prior)
        sign_flipped = choose_orientation(
            polarities(marginals), accuracies, dev_evidence, strength="polarity",
            if_wrong="the two classes are swapped",
        )
        if sign_flipped:
            tables = [table[::-1].copy() for table in tables]
            prior = 1.0 - prior
            marginals = marginals[:, ::-1].copy()
            accuracies = 1.0 - accuracies
        return dataclasses.replace(estimate, tables=tables, prior=prior,
                                   sign_flipped=sign_flipped, marginals=marginals,
                                   accuracies=accuracies)

    def set_fitted(self, estimate: BinaryEstimate) -> None:
        set_binary_attributes(self.model, estimate)


def set_binary_attributes(model, estimate: BinaryEstimate) -> None:
    """A two-class fit's attributes on ``model`` (a ClassConditionalLabelModel)."""
    fit, tables, marginals = estimate.fit, estimate.tables, estimate.marginals
    log_marginals = np.log(marginals)
    model.__dict__.pop("inapplicable_share_", None)  # a k-class fit's, now stale
    model.classes_ = np.array([-1, 1])
    model.conditional_probabilities_ = marginals
    model.class_prior_ = float(estimate.prior)
    model.accuracies_ = estimate.accuracies
    model.vote_log_ratios_ = log_marginals[:, 1, :] - log_marginals[:, 0, :]
    model.joint_probabilities_ = {
        factor.lfs: table
        for factor, table in zip(fit.factors, tables, strict=True)
        if len(factor.lfs) > 1
    }
    model.log_likelihood_ = float(estimate.log_likelihood_history[-1])
    model.log_likelihood_history_ = estimate.log_likelihood_history
    model.dependencies_ = estimate.dependencies
    model.n_iter_ = estimate.n_iter
    model.converged_ = estimate.converged
    model.sign_flipped_ = estimate.sign_flipped
    model.structure_ = estimate.structure
    model.bic_ = estimate.bic


def fit_binary_supervised(model, label_matrix, y) -> None:
    """Count the two-class model on gold labels ``y`` in {-1, +1}; set its attributes."""
    _check_binary_prior(model)
    label_matrix = check_label_matrix(label_matrix)
    y = check_labels(y, "y")
    check_same_length(label_matrix=label_matrix, y=y)
    if np.all(y == y[0]):
        raise ValueError("y must contain both classes to fit the vote distributions")
    votes = BinaryVotes(*_histogram(label_matrix))
    dependencies = check_dependencies(model.dependencies, label_matrix.shape[1])
    _check_structure_with(model, dependencies)
    fit = BinaryFit(model, votes, factors_of(dependencies, label_matrix.shape[1]))
    structure = "symmetric" if model.structure == "symmetric" else "class-conditional"
    fit.pooled = structure == "symmetric"
    positive = (y == 1).astype(np.float64)
    tables = fit.maximisation(label_matrix, positive)
    prior = float(positive.mean()) if model.class_prior == "estimate" else float(
        model.class_prior)
    history = np.array([fit.log_likelihood(tables, prior)])
    marginals = fit.marginals(tables)
    set_binary_attributes(model, BinaryEstimate(
        fit, dependencies, tables, prior, history, 0, True, structure, {},
        marginals=marginals, accuracies=binary_lf_accuracies(marginals, prior)))

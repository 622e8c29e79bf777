"""The class-conditional label model: a vote distribution for each LF and each class.

Model (Dawid and Skene, 1979, with two classes): given the label y, the LFs vote
independently, LF i with its own distribution over all three outcomes for each
class,

    theta_i[c, v] = P(lambda_i = v | y = c),   v in {-1, 0, +1},  c in {-1, +1},

and the class prior pi = P(y = +1).  Nothing ties the two classes together: an
LF may vote often on one class and rarely on the other, and make one kind of
mistake more than the other.  Abstaining is an outcome with a probability of
its own, so it carries evidence: "a link means spam, otherwise I don't know"
abstains mostly on the comments that are not spam.  The posterior of a point is

    log P(y = +1 | lambda) / P(y = -1 | lambda)
        = log(pi / (1 - pi)) + sum_i log(theta_i[+1, lambda_i] / theta_i[-1, lambda_i]).

The likelihood depends on the data only through the histogram of distinct vote
patterns (a pattern u with count n_u):

    log-likelihood = sum_u n_u log(pi prod_i theta_i[+1, v_ui]
                                   + (1 - pi) prod_i theta_i[-1, v_ui]).

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
  TensorFlow gradient steps.  Second moments cannot tell a strong signal with a
  balanced prior from a stronger one with an imbalanced prior; the third
  central moment of three different LFs can.  With ``t_i = g_i . (x_i - mu_i)``,

      E[t_i t_j t_k] = (1 - 2 pi) / sqrt(pi (1 - pi)) |g_i|^2 |g_j|^2 |g_k|^2,

  which fixes pi (Anandkumar et al., *Tensor decompositions for learning latent
  variable models*, JMLR 2014, use the same moments for mixtures).  Then
  ``theta[+1] = mu + (1 - pi) delta`` and ``theta[-1] = mu - pi delta`` on the
  indicators, and abstention takes the rest.

The label swap: exchanging the classes (theta[+1] <-> theta[-1], pi <-> 1 - pi)
gives the same likelihood, so the votes alone cannot say which class is which.
The model assumes that the LFs point to the class they vote for, on average
over the LFs: that their polarity
``(P(+1 | y = +1) - P(+1 | y = -1)) - (P(-1 | y = +1) - P(-1 | y = -1))`` has a
positive mean.  It warns when that holds by a narrow margin, and labeled dev
points decide instead when given.

The structure: the full tables have four free parameters per LF.  Their special
case with one coverage and one accuracy per LF, the same for both classes (the
assumptions of the symmetric ``LabelModel``), has two, and is fitted by the same
EM with each LF's counts pooled over the classes in the M-step.  By default
(``structure="auto"``) the model keeps whichever of the two has the lower
Bayesian information criterion, ``-2 log L + k log n`` (Schwarz, *Ann. Statist.*
6, 1978): on one-sided LFs the full tables win by far, and on weak, sparse,
symmetric LFs, where the full tables' extra parameters are barely identified,
the symmetric case is the better estimate.

Declared dependencies join LFs into groups whose votes are modelled jointly,
with a distribution over the 3^k vote combinations of each group and class
(EM only, full tables only); the groups are conditionally independent of each
other.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
import tensorflow as tf
from scipy.special import expit
from sklearn.utils.validation import check_is_fitted

from ..exceptions import ConvergenceWarning, IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.validation import (
    Interval,
    StrOptions,
    check_class_tables,
    check_conditional_probabilities,
    check_label_matrix,
    check_labels,
    check_real_in_range,
    check_same_length,
)
from .base import (
    SHARED_CONSTRAINTS,
    BaseLabelModel,
    Posterior,
    check_class_prior,
    check_dev_set,
    check_fit_statistics,
    check_lf_votes,
    choose_orientation,
    table_log_odds,
)
from .class_fit import AUTO_SKIP_GAP, ClassFit, fit_classes, fit_classes_supervised
from .class_posterior import ClassPosterior
from .dependencies import check_dependencies, group_log_odds, vote_codes
from .graphs import connected_groups
from .multiclass import kept_above
from .rank_one import fit_rank_one
from .squarem import extrapolate
from .statistics import VoteStatistics, distinct_patterns

__all__ = ["ClassConditionalLabelModel", "conditional_posterior_proba", "vote_distribution_table"]

#: The ways :class:`ClassConditionalLabelModel` can be fitted, and EM's starts.
METHODS = ("em", "moments")
INITS = ("majority_vote", "moments")
STRUCTURES = ("auto", "class-conditional", "symmetric")


#: Plain EM steps before the accelerated cycles begin: a well-started fit often
#: converges within them, and then acceleration would only add work.
PLAIN_EM_STEPS = 5

#: LFs whose joint outcome is one code of a lookup table (3**8 = 6,561 entries):
#: EM's steps gather from and count into such tables, a pass over the patterns
#: per block of LFs rather than per LF.  Also the largest dependency group.
BLOCK_LFS = 8


@dataclass(frozen=True)
class _Factor:
    """LFs modelled jointly (one LF, or a group of declared dependent LFs)."""

    lfs: tuple[int, ...]

    @property
    def n_outcomes(self) -> int:
        return 3 ** len(self.lfs)


@dataclass
class _Block:
    """Factors whose LFs share one code: ``sum_d (v_d + 1) 3^d`` over ``lfs``."""

    factors: list[int]
    lfs: list[int]
    # digits[code, d]: the vote + 1 of the block's d-th LF in that code.
    digits: np.ndarray
    # outcome_index[k][code]: the outcome of the block's k-th factor in that code.
    outcome_index: list[np.ndarray]
    # outcomes[code, column] = 1 where column is the outcome of a factor in that code;
    # the columns of factor k are columns[k] (its outcomes, in order).
    outcomes: np.ndarray
    columns: list[slice]
    outcomes_t: np.ndarray  # outcomes.T, contiguous

    @property
    def n_codes(self) -> int:
        return self.digits.shape[0]


def _factors_of(dependencies: list[tuple[int, int]], n_lfs: int) -> list[_Factor]:
    """Singletons, and the connected groups of the declared dependent pairs."""
    factors = [_Factor(tuple(members)) for members in connected_groups(dependencies, n_lfs)]
    too_large = [factor.lfs for factor in factors if len(factor.lfs) > BLOCK_LFS]
    if too_large:
        raise ValueError(
            f"the declared dependencies join {len(too_large[0])} LFs into one group "
            f"({list(too_large[0])}); ClassConditionalLabelModel models each group's votes "
            f"jointly, which it supports for groups of at most {BLOCK_LFS} LFs"
        )
    return factors


def _blocks_of(factors: list[_Factor]) -> list[_Block]:
    """Pack the factors, in order, into blocks of at most ``BLOCK_LFS`` LFs."""
    packed: list[list[int]] = []
    size = BLOCK_LFS
    for index, factor in enumerate(factors):
        if size + len(factor.lfs) > BLOCK_LFS:
            packed.append([])
            size = 0
        packed[-1].append(index)
        size += len(factor.lfs)
    layouts: dict[tuple[int, ...], tuple] = {}  # most blocks share one: 8 single LFs
    blocks = []
    for members in packed:
        lfs = [lf for index in members for lf in factors[index].lfs]
        widths = tuple(len(factors[index].lfs) for index in members)
        if widths not in layouts:
            layouts[widths] = _block_layout(widths)
        blocks.append(_Block(members, lfs, *layouts[widths]))
    return blocks


def _block_layout(widths: tuple[int, ...]):
    """Digits, outcome indices and outcome indicators of a block of factors of these widths."""
    digits = _digits(sum(widths))
    outcome_index, columns, position, column = [], [], 0, 0
    for width in widths:
        outcome = np.zeros(digits.shape[0], dtype=np.intp)
        for digit in reversed(range(position, position + width)):
            outcome = 3 * outcome + digits[:, digit]
        outcome_index.append(outcome)
        columns.append(slice(column, column + 3**width))
        position += width
        column += 3**width
    outcomes = np.concatenate(
        [np.eye(3**width)[outcome] for width, outcome in zip(widths, outcome_index, strict=True)],
        axis=1)
    return digits, outcome_index, outcomes, columns, np.ascontiguousarray(outcomes.T)


def _positions(block: _Block, factors: list[_Factor]):
    """``(first digit, factor index)`` of each factor of a block."""
    position = 0
    for index in block.factors:
        yield position, index
        position += len(factors[index].lfs)


def _digits(n_lfs: int) -> np.ndarray:
    """Every code of ``n_lfs`` LFs as its digits (votes + 1), shape (3**n_lfs, n_lfs)."""
    codes = np.arange(3**n_lfs)
    return (codes[:, None] // 3 ** np.arange(n_lfs)[None, :]) % 3


def _pattern_weights(pattern_counts: np.ndarray) -> np.ndarray:
    """How many points have each pattern, as the float64 weights of the sums."""
    return pattern_counts.astype(np.float64)


class ClassConditionalLabelModel(BaseLabelModel):
    """A vote distribution per LF and class, learned from the votes alone.

    See the module docstring for the model and the two ways to fit it.

    Parameters
    ----------
    class_prior : float in (0, 1), array-like of shape (k,) or "estimate", default "estimate"
        P(y = +1), or with ``cardinality=k`` the k probabilities P(y = c).
        ``"estimate"`` learns it with the other parameters; a value fixes it.
    dependencies : list of (i, j) pairs, optional
        Pairs of LFs dependent given y.  Each connected group of them (at most
        ``BLOCK_LFS`` = 8 LFs) gets one joint distribution over its votes per
        class.  Needs ``method="em"``.
    seed : int, default 0
        Seed of the random start of the moment estimate's gradient steps
        (``method="moments"`` or ``init="moments"``).
    method : {"em", "moments"}, default "em"
        Expectation-maximisation, or the moment estimate alone (of the full
        tables; the symmetric structure is always fitted by EM).
    init : {"majority_vote", "moments"}, default "majority_vote"
        Where EM starts: one M-step from the majority vote's labels, or the
        moment estimate.  ``benchmarks/class_conditional_routes.py`` and the
        leaderboard compare them (README: the same maximum on every data set,
        the majority-vote start faster overall, as the moment estimate costs
        more than the EM steps it saves).
    max_iter : int, default 1000
        Most EM iterations, and most gradient steps of the moment estimate.
    tol : float, default 1e-6
        EM stops once no probability changes by more than ``tol`` in an
        iteration; the moment estimate's steps stop once no entry of g does.
        A :class:`ConvergenceWarning` is issued if ``max_iter`` comes first.
    probability_margin : float in (0, 1/3), default 1e-4
        Every estimated probability is kept at least this large (and the table
        renormalised), so every log-ratio is finite: an LF that never voted -1
        on a class still has ``P(-1 | y) = probability_margin`` there.
    cardinality : int or None, default None
        The number of classes k.  None (the default) is two classes in the
        course's signed convention: votes in {-1, 0 = abstain, +1}.  An integer
        k >= 3 takes votes in {-1 = abstain, 0, ..., k-1}, Snorkel's convention,
        so a Snorkel label matrix can be passed as it is; dev labels are then
        class indices 0 to k-1, :meth:`predict_proba` has shape (n_points, k)
        and :meth:`predict` gives class indices.  ``cardinality=2`` is refused:
        Snorkel's binary matrices and signed ones hold the same three values, so
        either would be misread as the other;
        :func:`~dataprog_helpers.signed_label_matrix` converts the first into
        the second.  With k classes the model is fitted by EM
        (:mod:`~dataprog_helpers.label_model.multiclass`), without declared
        dependencies or the moment estimate.
    structure : {"auto", "class-conditional", "symmetric"}, default "auto"
        ``"class-conditional"`` fits the full tables (4 free parameters per LF).
        ``"symmetric"`` fits their special case where an LF votes as often on
        either class and is as accurate on either (2 per LF: a coverage and an
        accuracy, the assumptions of :class:`LabelModel`), by EM whose M-step
        pools each LF's counts over the classes.  ``"auto"`` fits both and
        keeps the one with the lower Bayesian information criterion
        ``BIC = -2 log L + k log n`` (k free parameters, n points): the full
        tables win wherever the LFs are one-sided or class-dependent, while
        on sparse, weak, symmetric LFs their extra parameters (and the prior
        with them) are barely identified, and the symmetric case is the better
        estimate (``benchmarks/class_conditional_weak_lfs.py``).  ``"auto"``
        skips the symmetric fit where the symmetric tables nearest the full fit
        are too far behind to win (:data:`AUTO_SKIP_GAP`), so on one-sided LFs it
        costs one extra E- and M-step.  With declared dependencies only the full
        tables are fitted.  The default, because the full tables alone can fail
        badly on weak, sparse LFs, while ``"auto"`` keeps them where the LFs are
        one-sided or class-dependent (the benchmark's numbers are in the README).

    Attributes
    ----------
    conditional_probabilities_ : ndarray of shape (n_lfs, 2, 3), or (n_lfs, k, k + 1)
        ``[i, c, v] = P(lambda_i = vote | y)``: index c is 0 for y = -1 and 1 for
        y = +1; index v is 0, 1, 2 for the votes -1, 0 (abstain), +1.  For an LF
        in a dependency group, the marginal of the group's joint distribution.
        With ``cardinality=k``, ``[i, c, v + 1] = P(lambda_i = v | y = c)``: index
        0 is abstention (the vote -1), so the indexing is "vote + 1" here too.
    class_prior_ : float, or ndarray of shape (k,)
        P(y = +1), or with ``cardinality=k`` P(y = c) for each class.
    inapplicable_share_ : float
        ``cardinality=k`` only: the share of points no LF applies to, whatever their
        class (they get no vote); the rest vote as the tables say.  It keeps the
        points without votes from being taken for a class of their own (see
        :func:`~dataprog_helpers.label_model.multiclass.expectation_maximisation`).
        Fitted where at least 1% of the points have no vote, and kept (else 0) where
        it lowers the BIC by more than 10 (``bic_`` holds both fits' values).
    classes_ : ndarray
        The labels :meth:`predict` gives: ``[-1, 1]``, or ``0, ..., k-1``.
    accuracies_ : ndarray of shape (n_lfs,)
        P(vote = y | LF votes), for comparison with :class:`LabelModel`.
    vote_log_ratios_ : ndarray of shape (n_lfs, 3)
        Two classes only: ``log P(lambda_i = v | y = +1) / P(lambda_i = v | y = -1)``; the posterior
        log-odds is the prior log-odds plus one entry per LF (for dependency
        groups, the joint tables replace their members' entries).
    joint_probabilities_ : dict of tuple -> ndarray of shape (2, 3**k)
        The joint distribution of each dependency group's votes per class,
        keyed by its LFs; outcome index ``sum_d (v_d + 1) 3^d``.  Empty without
        dependencies.
    dependencies_ : list of (i, j)
        The validated declared dependencies.
    log_likelihood_ : float
        Mean log-likelihood per point of the fitted parameters.
    log_likelihood_history_ : ndarray
        For EM, the mean log-likelihood of the start and of each point the
        accelerated iterations accept (plain EM steps, or cycles of up to three),
        never decreasing; for the moment estimate, one entry.
    n_iter_ : int
        EM steps taken (for ``method="moments"``, gradient steps).
    converged_ : bool
        Whether the fit reached ``tol`` within ``max_iter``.
    sign_flipped_ : bool
        Whether the classes of the solution as found were exchanged (for k
        classes: permuted) to orient it.
    structure_ : str
        ``"class-conditional"`` or ``"symmetric"``: the tables fitted (the one
        chosen, for ``structure="auto"``).
    bic_ : dict of str -> float
        The BIC of each structure fitted (with ``structure="auto"`` both, unless
        the symmetric fit was skipped; with k classes also the chosen one's with an
        inapplicable share, ``"<structure> + inapplicable share"``, where it was
        tried; empty after :meth:`fit_supervised`).

    Examples
    --------
    Three one-sided LFs that fire mostly on the rare class y = +1, and one that
    votes -1 mostly on the other:

    >>> import numpy as np
    >>> from dataprog_helpers import ClassConditionalLabelModel
    >>> rng = np.random.default_rng(0)
    >>> y = np.where(rng.random(5000) < 0.3, 1, -1)
    >>> positive = y[:, None] == 1
    >>> fires = rng.random((5000, 3)) < np.where(positive, [0.6, 0.5, 0.4], [0.05, 0.1, 0.1])
    >>> negative = rng.random(5000) < np.where(y == -1, 0.7, 0.1)
    >>> label_matrix = np.column_stack([np.where(fires, 1, 0), np.where(negative, -1, 0)])
    >>> model = ClassConditionalLabelModel().fit(label_matrix)
    >>> round(model.class_prior_, 2)
    0.29
    >>> model.conditional_probabilities_[0].round(2).tolist()  # P(vote -1, 0, +1 | y)
    [[0.0, 0.95, 0.05], [0.0, 0.4, 0.6]]
    >>> round(model.score(label_matrix, y), 2)
    0.9
    """

    def __init__(
        self,
        class_prior: float | str = "estimate",
        dependencies: list[tuple[int, int]] | None = None,
        seed: int = 0,
        method: str = "em",
        init: str = "majority_vote",
        max_iter: int = 1000,
        tol: float = 1e-6,
        probability_margin: float = 1e-4,
        structure: str = "auto",
        cardinality: int | None = None,
    ) -> None:
        self.class_prior = class_prior
        self.dependencies = dependencies
        self.seed = seed
        self.method = method
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.probability_margin = probability_margin
        self.structure = structure
        self.cardinality = cardinality

    # --- validation -------------------------------------------------------------------------

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        "method": [StrOptions(set(METHODS))],
        "init": [StrOptions(set(INITS))],
        "probability_margin": [Interval(Real, 0.0, 1.0 / 3.0, closed="neither")],
        "structure": [StrOptions(set(STRUCTURES))],
        "class_prior": [*SHARED_CONSTRAINTS["class_prior"], "array-like"],
        # Class indices are int8 votes: at most 127 classes (0 to 126).
        "cardinality": [None, Interval(Integral, 2, 127, closed="both")],
    }

    @staticmethod
    def _check_statistics(statistics) -> None:
        check_fit_statistics(statistics, "parameters", "votes", "vote distributions")
        if not statistics.has_patterns:
            raise ValueError(
                "ClassConditionalLabelModel fits from the histogram of vote patterns, which "
                "these statistics do not keep (they were built with patterns=False): build "
                "them with the default patterns=True, e.g. VoteStatistics.from_chunks(chunks)"
            )

    # --- fitting ----------------------------------------------------------------------------

    def fit(
        self, label_matrix, dev_label_matrix=None, dev_labels=None
    ) -> ClassConditionalLabelModel:
        """Estimate the vote distributions and the class prior from a label matrix.

        Parameters
        ----------
        label_matrix : array-like of shape (n_points, n_lfs)
            Votes in {-1, 0, +1}, or with ``cardinality=k`` in {-1 = abstain, 0,
            ..., k-1}; no gold labels are used.  With ``cardinality``, also a
            ``dask.array.Array``: EM then runs on the cluster, each E-step one
            map-reduce over the chunks, and the client holds O(n_lfs k^2) numbers
            whatever n (:mod:`~dataprog_helpers.label_model.dask_em`); the result
            equals the in-memory fit within ``tol``.  (For two classes on Dask,
            fit :meth:`fit_statistics` to ``VoteStatistics.from_dask``.)
        dev_label_matrix, dev_labels : array-like of shapes (n_dev, n_lfs) and (n_dev,), optional
            A few labeled points (labels in {-1, +1}, or class indices 0 to k-1).
            When given, they (not the assumption that the LFs point to the class
            they vote for) decide which class is which.  Nothing else is learned
            from them.

        Returns
        -------
        self
        """
        self._validate_params()
        if self.cardinality is not None:
            self._set_class_fit(fit_classes(self, label_matrix, dev_label_matrix, dev_labels))
            return self
        self._check_binary_prior()
        label_matrix = check_label_matrix(label_matrix)
        if self.method == "moments" or self.init == "moments":
            statistics = VoteStatistics.from_label_matrix(label_matrix, patterns=True)
            self._check_statistics(statistics)
            return self._fit(statistics.patterns, statistics.pattern_counts, statistics,
                             dev_label_matrix, dev_labels)
        # EM from majority vote needs the pattern histogram alone, not the pairwise
        # sums, which would take a large share of the time (benchmarks/label_model_speed.py).
        patterns, pattern_counts = self._histogram(label_matrix)
        return self._fit(patterns, pattern_counts, None, dev_label_matrix, dev_labels)

    def fit_statistics(
        self, statistics: VoteStatistics, dev_label_matrix=None, dev_labels=None
    ) -> ClassConditionalLabelModel:
        """Fit from :class:`VoteStatistics` kept with ``patterns=True`` (e.g. of streamed chunks).

        Same parameters and result as :meth:`fit` otherwise.  Two classes only:
        with ``cardinality`` set, use :meth:`fit`.
        """
        self._validate_params()
        if self.cardinality is not None:
            raise ValueError("fit_statistics fits two classes from VoteStatistics; with "
                             f"cardinality={self.cardinality} use fit(label_matrix)")
        self._check_binary_prior()
        self._check_statistics(statistics)
        return self._fit(statistics.patterns, statistics.pattern_counts, statistics,
                         dev_label_matrix, dev_labels)

    def _histogram(self, label_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The distinct rows of a checked label matrix and their counts, with the LFs checked."""
        check_lf_votes(np.count_nonzero(label_matrix, axis=0), "parameters", "votes",
                       "vote distributions")
        return distinct_patterns(label_matrix)

    def _fit(self, patterns, pattern_counts, statistics, dev_label_matrix, dev_labels
             ) -> ClassConditionalLabelModel:
        """Fit from the pattern histogram (``statistics`` too for the moment estimate)."""
        n_lfs = patterns.shape[1]
        dependencies = check_dependencies(self.dependencies, n_lfs)
        if dependencies and self.method == "moments":
            raise ValueError(
                'method="moments" estimates each LF on its own and cannot model the '
                'declared dependencies jointly; use method="em" (the default)'
            )
        self._check_structure_with(dependencies)
        dev_set = check_dev_set(dev_label_matrix, dev_labels, n_lfs)
        factors = _factors_of(dependencies, n_lfs)
        fit = _Fit(self, patterns, pattern_counts, factors, statistics)
        _warn_of_shared_abstentions(fit)
        if dependencies or self.structure == "class-conditional":
            structures = ["class-conditional"]
        elif self.structure == "symmetric":
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
            n_parameters += self.class_prior == "estimate"
            bic[structure] = float(-2.0 * fit.n_points * fits[structure][2][-1]
                                   + n_parameters * np.log(fit.n_points))
        structures = list(fits)
        structure = min(structures, key=lambda name: (bic[name], name != "class-conditional"))
        tables, prior, history, steps, converged = fits[structure]
        if not converged:
            warn_at_caller(
                f"ClassConditionalLabelModel stopped after max_iter={self.max_iter} "
                f"iterations before every change fell below tol={self.tol:.0e}; increase "
                "max_iter",
                ConvergenceWarning,
            )
        marginals = fit.marginals(tables)
        accuracies = _accuracies(marginals, prior)
        dev_evidence = None
        if dev_set is not None:
            scores = fit.log_odds(tables, prior, dev_set[0])
            dev_evidence = float(dev_set[1].astype(np.float64) @ scores)
        sign_flipped = choose_orientation(
            _polarities(marginals), accuracies, dev_evidence, strength="polarity",
            if_wrong="the two classes are swapped",
        )
        if sign_flipped:
            tables = [table[::-1].copy() for table in tables]
            prior = 1.0 - prior
            marginals = marginals[:, ::-1].copy()
            accuracies = 1.0 - accuracies
        self._set_fitted(fit, tables, prior, marginals, accuracies, history)
        self.dependencies_ = dependencies
        self.n_iter_ = steps
        self.converged_ = converged
        self.sign_flipped_ = sign_flipped
        self.structure_ = structure
        self.bic_ = bic
        return self

    def _check_structure_with(self, dependencies: list[tuple[int, int]]) -> None:
        if dependencies and self.structure == "symmetric":
            raise ValueError(
                'structure="symmetric" gives each LF its own coverage and accuracy and cannot '
                'model the declared dependencies jointly; use structure="class-conditional" '
                'or "auto"'
            )

    def _fit_structure(self, fit: _Fit, structure: str):
        """``(tables, prior, history, steps, converged)`` of one structure's fit."""
        fit.pooled = structure == "symmetric"
        if structure == "class-conditional" and (self.method == "moments"
                                                 or self.init == "moments"):
            tables, prior, steps, converged = fit.moment_estimate()
        else:  # the symmetric tables are always fitted by EM from the majority vote
            tables, prior = fit.majority_vote_start()
            steps, converged = 0, True
        if self.method == "em" or structure == "symmetric":
            tables, prior, history, steps, em_converged = fit.expectation_maximisation(
                tables, prior
            )
            converged = converged and em_converged
        else:
            history = np.array([fit.log_likelihood(tables, prior)])
        fit.pooled = False
        return tables, prior, history, steps, converged

    def fit_supervised(self, label_matrix, y) -> ClassConditionalLabelModel:
        """Fit the same model on gold labels: the best this model can do with these LFs.

        Each ``theta_i[c, v]`` is the share of the points of class c on which LF i
        votes v (within ``probability_margin``), and the prior (unless fixed) is
        the share of positives.  A ceiling for the unsupervised fit, not a
        substitute for it.  ``structure="symmetric"`` counts each LF's coverage
        and accuracy over both classes; ``"auto"`` and ``"class-conditional"``
        count the full tables (the larger model is the higher ceiling).

        Parameters
        ----------
        label_matrix : array-like of shape (n_points, n_lfs)
        y : array-like of shape (n_points,)
            Gold labels in {-1, +1}; both classes must occur.  With
            ``cardinality=k``, class indices 0 to k-1.

        Returns
        -------
        self
        """
        self._validate_params()
        if self.cardinality is not None:
            self._set_class_fit(fit_classes_supervised(self, label_matrix, y))
            return self
        self._check_binary_prior()
        label_matrix = check_label_matrix(label_matrix)
        y = check_labels(y, "y")
        check_same_length(label_matrix=label_matrix, y=y)
        if np.all(y == y[0]):
            raise ValueError("y must contain both classes to fit the vote distributions")
        patterns, pattern_counts = self._histogram(label_matrix)
        dependencies = check_dependencies(self.dependencies, label_matrix.shape[1])
        self._check_structure_with(dependencies)
        fit = _Fit(self, patterns, pattern_counts,
                   _factors_of(dependencies, label_matrix.shape[1]))
        structure = "symmetric" if self.structure == "symmetric" else "class-conditional"
        fit.pooled = structure == "symmetric"
        positive = (y == 1).astype(np.float64)
        tables = fit.maximisation(label_matrix, positive)
        prior = float(positive.mean()) if self.class_prior == "estimate" else float(
            self.class_prior)
        marginals = fit.marginals(tables)
        history = np.array([fit.log_likelihood(tables, prior)])
        self._set_fitted(fit, tables, prior, marginals, _accuracies(marginals, prior), history)
        self.dependencies_ = dependencies
        self.n_iter_ = 0
        self.converged_ = True
        self.sign_flipped_ = False
        self.structure_ = structure
        self.bic_ = {}
        return self

    def _check_binary_prior(self) -> None:
        """A class prior for two classes: "estimate" or one number (checked by the constraints)."""
        if not isinstance(self.class_prior, (str, numbers.Real)):
            raise ValueError(
                f"class_prior={self.class_prior!r} holds several probabilities, which need "
                "cardinality=k; for two classes pass P(y = +1) or 'estimate'")

    def _set_class_fit(self, fit: ClassFit) -> None:
        """The fitted attributes of a k-class fit."""
        self.__dict__.pop("vote_log_ratios_", None)  # a binary fit's, now stale
        self.conditional_probabilities_ = fit.em.conditional_probabilities
        self.class_prior_ = fit.em.class_prior
        self.inapplicable_share_ = fit.em.inapplicable_share
        self.classes_ = np.arange(fit.em.class_prior.shape[0])
        self.accuracies_ = fit.accuracies
        self.joint_probabilities_ = {}
        self.dependencies_ = []
        self.log_likelihood_ = float(fit.em.log_likelihood_history[-1])
        self.log_likelihood_history_ = fit.em.log_likelihood_history
        self.n_iter_ = fit.em.n_iter
        self.converged_ = fit.em.converged
        self.sign_flipped_ = fit.permuted
        self.structure_ = fit.em.structure
        self.bic_ = fit.bic

    def posterior(self) -> Posterior | ClassPosterior:
        """The fitted posterior, NumPy only and picklable: a :class:`Posterior` for two
        classes, a :class:`~.class_posterior.ClassPosterior` for k."""
        check_is_fitted(self, "conditional_probabilities_", msg=(
            f"this {type(self).__name__} is not fitted yet; call fit(label_matrix) first"))
        if self.classes_[0] == 0:
            return ClassPosterior(np.log(self.conditional_probabilities_),
                                  np.log(self.class_prior_), self.inapplicable_share_)
        return super().posterior()

    def score(self, label_matrix, y, ties: str = "half") -> float:
        """Accuracy of :meth:`predict` against gold labels.

        Two classes: labels in {-1, +1}, ties scored as ``ties`` says (see
        :func:`~dataprog_helpers.accuracy`).  k classes: class indices, and the
        share of points whose most probable class is theirs.
        """
        posterior = self.posterior()
        if isinstance(posterior, ClassPosterior):
            return posterior.score(label_matrix, y)
        return super().score(label_matrix, y, ties)

    def _set_fitted(self, fit, tables, prior, marginals, accuracies, history) -> None:
        log_marginals = np.log(marginals)
        self.__dict__.pop("inapplicable_share_", None)  # a k-class fit's, now stale
        self.classes_ = np.array([-1, 1])
        self.conditional_probabilities_ = marginals
        self.class_prior_ = float(prior)
        self.accuracies_ = accuracies
        self.vote_log_ratios_ = log_marginals[:, 1, :] - log_marginals[:, 0, :]
        self.joint_probabilities_ = {
            factor.lfs: table
            for factor, table in zip(fit.factors, tables, strict=True)
            if len(factor.lfs) > 1
        }
        self.log_likelihood_ = float(history[-1])
        self.log_likelihood_history_ = history

    def _joint_term(self) -> Callable | None:
        """Each dependency group's joint log-ratio in place of its members' marginal ones.

        See :func:`~dataprog_helpers.label_model.dependencies.group_log_odds`.
        """
        if not self.joint_probabilities_:
            return None
        return functools.partial(group_log_odds, vote_log_ratios=self.vote_log_ratios_,
                                 joint_probabilities=self.joint_probabilities_)


def _warn_of_shared_abstentions(fit: _Fit) -> None:
    """Warn of LFs that abstain on exactly the same points and are not declared dependent.

    The model reads *whether* an LF votes as evidence about the class, so such a
    group's shared abstentions are a strong signal it can mistake for the class
    itself: on notebook 0's explorer at copy rate 1, where three copies repeat
    LF 0 exactly, EM's maximum puts the class there, and declaring them
    dependent scores clearly better (the explorer's sweep shows it).
    Only LFs that abstain somewhere are compared (LFs that always vote share
    nothing informative).  Candidates must have the same number of votes, read
    off the block totals for free; only their vote columns are compared.
    """
    n_votes = np.empty(fit.n_lfs)
    for block, totals in zip(fit.blocks, fit.block_totals, strict=True):
        n_votes[block.lfs] = totals @ (block.digits != 1)
    candidates: dict[float, list[int]] = {}
    for lf in np.flatnonzero(n_votes < fit.n_points).tolist():
        candidates.setdefault(float(n_votes[lf]), []).append(lf)
    factor_of = {lf: index for index, factor in enumerate(fit.factors) for lf in factor.lfs}
    groups: dict[bytes, list[int]] = {}  # LFs by the patterns they vote on
    for lfs in candidates.values():
        if len(lfs) > 1:
            for lf in lfs:
                groups.setdefault(np.packbits(fit.patterns[:, lf] != 0).tobytes(), []).append(lf)
    for members in groups.values():
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


def conditional_posterior_proba(
    label_matrix, conditional_probabilities, class_prior: float = 0.5,
    probability_margin: float = 1e-4,
) -> np.ndarray:
    """P(y = +1 | votes) for conditionally independent LFs with given vote distributions.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
    conditional_probabilities : array-like of shape (n_lfs, 2, 3)
        ``[i, c, v] = P(lambda_i = vote | y)`` as in
        :attr:`ClassConditionalLabelModel.conditional_probabilities_`: the
        estimates of a model or, as an oracle, the true ones of a simulation.
    class_prior : float in (0, 1), default 0.5
    probability_margin : float in (0, 1/3), default 1e-4
        Each probability is raised to at least this (and the rows renormalised),
        as the model does, so that a vote of probability 0 under both classes
        counts nothing and conflicting certain votes cannot give NaN.

    Returns
    -------
    ndarray of float64, shape (n_points,)
        ``sigmoid(log(pi / (1 - pi)) + sum_i log(theta_i[+1, L_ki] / theta_i[-1, L_ki]))``.
    """
    label_matrix = check_label_matrix(label_matrix)
    class_prior = check_class_prior(class_prior)
    margin = check_real_in_range(probability_margin, "probability_margin", 0.0, 1.0 / 3.0,
                                 include_low=False, include_high=False)
    probabilities = check_conditional_probabilities(conditional_probabilities)
    if probabilities.shape[0] != label_matrix.shape[1]:
        raise ValueError(
            f"label_matrix has {label_matrix.shape[1]} LFs but conditional_probabilities "
            f"has {probabilities.shape[0]}"
        )
    logs = np.log(kept_above(probabilities, margin))
    return expit(table_log_odds(label_matrix, logs[:, 1] - logs[:, 0], class_prior))


def vote_distribution_table(
    conditional_probabilities, lf_names: Sequence[str] | None = None,
    class_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each LF's vote distribution per class as a table, e.g. of ``conditional_probabilities_``.

    Parameters
    ----------
    conditional_probabilities : array-like of shape (n_lfs, 2, 3) or (n_lfs, k, k + 1)
        Two classes: ``[i, c, v] = P(lambda_i = vote | y)``, classes -1, +1 and votes
        -1, 0, +1 in that order.  k classes (k >= 3): ``[i, c, v + 1] = P(lambda_i = v
        | y = c)``, index 0 for abstaining (see :class:`ClassConditionalLabelModel`).
    lf_names : sequence of n_lfs str, optional
        Row names (default ``LF 0``, ``LF 1``, ...).
    class_names : sequence of str, optional
        Names of the classes, in order: for two classes the names of -1 and +1
        (default ``("y = -1", "y = +1")``, e.g. ``("benign", "malignant")``); for k
        classes the names of 0 to k - 1 (default ``"0"``, ``"1"``, ...), also used
        for the votes.

    Returns
    -------
    pandas.DataFrame of shape (n_lfs, 6), or (n_lfs, k (k + 1))
        One row per LF; columns ``(class name, vote)``, the votes ``-1``,
        ``0 (abstain)`` and ``+1`` for two classes, ``abstain`` and the class names
        for k; each class's entries sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> tables = np.array([[[0.9, 0.1, 0.0, 0.0], [0.4, 0.0, 0.6, 0.0],
    ...                     [0.9, 0.0, 0.0, 0.1]]])
    >>> table = vote_distribution_table(tables, ["lf_keyword"], ["ham", "spam", "other"])
    >>> table["spam"].to_dict("records")
    [{'abstain': 0.4, 'ham': 0.0, 'spam': 0.6, 'other': 0.0}]
    """
    shape = np.shape(conditional_probabilities)
    binary = len(shape) == 3 and shape[1:] == (2, 3)
    probabilities = (check_conditional_probabilities(conditional_probabilities) if binary
                     else check_class_tables(conditional_probabilities))
    n_lfs, k = probabilities.shape[:2]
    if lf_names is None:
        lf_names = [f"LF {i}" for i in range(n_lfs)]
    lf_names = [str(name) for name in lf_names]
    if len(lf_names) != n_lfs:
        raise ValueError(f"lf_names has {len(lf_names)} names for {n_lfs} LFs")
    if class_names is None:
        class_names = ("y = -1", "y = +1") if binary else [str(c) for c in range(k)]
    if (isinstance(class_names, str) or not isinstance(class_names, Sequence)
            or len(class_names) != k or not all(isinstance(name, str) for name in class_names)):
        raise TypeError(f"class_names must be {k} str, one per class, got {class_names!r}")
    votes = ["-1", "0 (abstain)", "+1"] if binary else ["abstain", *class_names]
    columns = pd.MultiIndex.from_product([list(class_names), votes], names=["class", "vote"])
    return pd.DataFrame(probabilities.reshape(n_lfs, -1), columns=columns,
                        index=pd.Index(lf_names, name="LF"))


def _polarities(marginals: np.ndarray) -> np.ndarray:
    """``(P(+1|+) - P(+1|-)) - (P(-1|+) - P(-1|-))`` per LF: > 0 points to its vote's class."""
    differences = marginals[:, 1, :] - marginals[:, 0, :]
    return differences[:, 2] - differences[:, 0]


def _accuracies(marginals: np.ndarray, prior: float) -> np.ndarray:
    """P(vote = y | LF votes) under the fitted model."""
    right = prior * marginals[:, 1, 2] + (1.0 - prior) * marginals[:, 0, 0]
    votes = prior * (1.0 - marginals[:, 1, 1]) + (1.0 - prior) * (1.0 - marginals[:, 0, 1])
    return right / votes


class _Fit:
    """One fit's working data: the patterns coded block by block, and the steps of each route.

    A parameter set is ``(tables, prior)``: one array of shape (2, 3**k) per
    factor (row 0 for y = -1, row 1 for y = +1) and P(y = +1).
    """

    def __init__(self, model: ClassConditionalLabelModel, patterns: np.ndarray,
                 pattern_counts: np.ndarray, factors: list[_Factor],
                 statistics: VoteStatistics | None = None) -> None:
        self.model = model
        self.patterns = patterns
        self.n_lfs = patterns.shape[1]
        self.statistics = statistics  # the pairwise sums: only the moment estimate needs them
        self.pooled = False  # M-steps of the symmetric structure (see _pooled)
        self.factors = factors
        self.blocks = _blocks_of(factors)
        self.weights = _pattern_weights(pattern_counts)
        self.n_points = float(self.weights.sum())
        self.codes = [vote_codes(patterns, block.lfs) for block in self.blocks]
        self.block_totals = [
            np.bincount(codes, weights=self.weights, minlength=block.n_codes)
            for codes, block in zip(self.codes, self.blocks, strict=True)
        ]
        # All tables side by side in one array of shape (2, n_outcomes): factor k's
        # outcomes at columns starts[k]:starts[k] + sizes[k], each block's contiguous.
        self.sizes = np.array([factor.n_outcomes for factor in factors])
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        self.spans = [slice(int(self.starts[block.factors[0]]),
                            int(self.starts[block.factors[-1]] + self.sizes[block.factors[-1]]))
                      for block in self.blocks]

    # --- parameters: tables <-> one array ---------------------------------------------------

    def _joined(self, tables: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(tables, axis=1)

    def _split(self, joined: np.ndarray) -> list[np.ndarray]:
        return [joined[:, start : start + size]
                for start, size in zip(self.starts, self.sizes, strict=True)]

    def _normalised(self, counts: np.ndarray) -> np.ndarray:
        """Each factor's counts (all side by side) as probabilities >= ``probability_margin``."""
        totals = np.repeat(np.add.reduceat(counts, self.starts, axis=1), self.sizes, axis=1)
        uniform = np.repeat(1.0 / self.sizes, self.sizes)[None, :]
        probabilities = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), uniform)
        probabilities = np.maximum(probabilities, self.model.probability_margin)
        totals = np.repeat(np.add.reduceat(probabilities, self.starts, axis=1), self.sizes, axis=1)
        return probabilities / totals

    # --- the two steps of EM ----------------------------------------------------------------

    def _class_log_likelihoods(self, joined: np.ndarray) -> tuple[float, np.ndarray]:
        """``sum_k w_k log P(pattern k | y = -1)`` and each pattern's log-ratio.

        The log-ratio is ``log P(pattern | y = +1) - log P(pattern | y = -1)``, shape
        (n_patterns,).  The weighted sum needs no pass over the patterns: it is
        the sum over blocks of each code's total weight times its log-probability.
        """
        logs = np.log(joined)
        negative = 0.0
        ratio = np.zeros(self.weights.shape[0])
        for block, span, codes, totals in zip(
            self.blocks, self.spans, self.codes, self.block_totals, strict=True
        ):
            # log P(block's votes | y = c) for every code, as sums over its factors.
            block_tables = logs[:, span] @ block.outcomes_t
            negative += float(totals @ block_tables[0])
            ratio += np.take(block_tables[1] - block_tables[0], codes)
        return negative, ratio

    def _expectation(self, joined: np.ndarray, prior: float) -> tuple[np.ndarray, float]:
        """Each pattern's P(y = +1 | pattern) and the mean log-likelihood.

        With ``d`` the posterior log-odds and ``e = exp(-|d|)``, the posterior is
        ``1 / (1 + e)`` where ``d >= 0`` and ``e / (1 + e)`` elsewhere, and
        ``log(P(y = -1, pattern) + P(y = +1, pattern)) = log P(y = -1, pattern) +
        max(d, 0) + log1p(e)``: one exponential serves both, and neither overflows.
        (Written out rather than as ``scipy.special.expit(d)`` and
        ``np.logaddexp(0, d)``, which compute the same with two exponentials: this
        is EM's inner loop, one pass over the patterns per step.)
        """
        weighted_negative, log_odds = self._class_log_likelihoods(joined)
        log_odds += np.log(prior) - np.log1p(-prior)
        small = np.exp(-np.abs(log_odds))
        posterior = np.where(log_odds >= 0.0, 1.0, small) / (1.0 + small)
        softplus = np.maximum(log_odds, 0.0)
        softplus += np.log1p(small)
        log_likelihood = (weighted_negative + self.n_points * np.log1p(-prior)
                          + float(self.weights @ softplus))
        return posterior, log_likelihood / self.n_points

    def log_likelihood(self, tables, prior) -> float:
        """Mean log-likelihood per point of ``(tables, prior)``."""
        return self._expectation(self._joined(tables), prior)[1]

    def _counts_from_block_counts(self, positive_counts: list[np.ndarray],
                                  totals: list[np.ndarray]) -> np.ndarray:
        """Expected counts of every factor's outcomes per class, shape (2, n_outcomes)."""
        counts = np.empty((2, int(self.sizes.sum())))
        for block, span, positive, total in zip(
            self.blocks, self.spans, positive_counts, totals, strict=True
        ):
            counts[:, span] = np.stack([total - positive, positive]) @ block.outcomes
        return counts

    def _joined_from_block_counts(self, positive_counts: list[np.ndarray],
                                  totals: list[np.ndarray]) -> np.ndarray:
        """The M-step's tables from per-block counts: pooled for the symmetric structure."""
        counts = self._counts_from_block_counts(positive_counts, totals)
        return self._pooled(counts) if self.pooled else self._normalised(counts)

    def _maximisation(self, posterior: np.ndarray) -> tuple[np.ndarray, float]:
        """The M-step: tables and prior that maximise the expected log-likelihood."""
        weighted = self.weights * posterior
        positive_counts = [
            np.bincount(codes, weights=weighted, minlength=block.n_codes)
            for codes, block in zip(self.codes, self.blocks, strict=True)
        ]
        joined = self._joined_from_block_counts(positive_counts, self.block_totals)
        return joined, self._prior(weighted.sum() / self.n_points)

    def symmetric_gap(self, tables, prior) -> float:
        """How far the symmetric tables nearest ``(tables, prior)`` fall short, in BIC allowances.

        One E-step at the full fit, one pooled M-step, one E-step: ``(log L_full -
        log L_pooled) / (m log(n) / 2)``, totals over the points.
        """
        posterior, log_likelihood = self._expectation(self._joined(tables), prior)
        self.pooled = True
        pooled, pooled_prior = self._maximisation(posterior)
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
        return self._normalised(pooled.reshape(2, 3 * n_lfs))

    def _prior(self, estimate: float) -> float:
        if self.model.class_prior != "estimate":
            return float(self.model.class_prior)
        margin = self.model.probability_margin
        return float(np.clip(estimate, margin, 1.0 - margin))

    def maximisation_from_posterior(self, posterior: np.ndarray) -> tuple[list[np.ndarray], float]:
        joined, prior = self._maximisation(posterior)
        return self._split(joined), prior

    def maximisation(self, label_matrix: np.ndarray, positive: np.ndarray) -> list[np.ndarray]:
        """Tables counted from labeled rows (``positive`` is 1 for y = +1, 0 for y = -1)."""
        positive_counts, totals = [], []
        for block in self.blocks:
            codes = vote_codes(label_matrix, block.lfs)
            positive_counts.append(np.bincount(codes, weights=positive, minlength=block.n_codes))
            totals.append(np.bincount(codes, minlength=block.n_codes).astype(np.float64))
        return self._split(self._joined_from_block_counts(positive_counts, totals))

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
        joined = self._joined(tables)
        posterior, log_likelihood = self._expectation(joined, prior)
        history, steps, converged = [log_likelihood], 0, False
        while steps < model.max_iter:
            joined_1, prior_1 = self._maximisation(posterior)
            steps += 1
            step = np.append((joined_1 - joined).ravel(), prior_1 - prior)
            posterior_1, log_likelihood_1 = self._expectation(joined_1, prior_1)
            converged = bool(np.max(np.abs(step)) <= model.tol)
            accepted = (joined_1, prior_1, posterior_1, log_likelihood_1)
            if not (converged or steps <= PLAIN_EM_STEPS or steps + 2 > model.max_iter):
                joined_2, prior_2 = self._maximisation(posterior_1)
                curvature = np.append((joined_2 - joined_1).ravel(), prior_2 - prior_1) - step
                extrapolated = extrapolate(np.append(joined.ravel(), prior), step, curvature)
                joined_x = self._normalised(
                    np.maximum(extrapolated[:-1].reshape(joined.shape), 0.0))
                posterior_x, _ = self._expectation(joined_x, self._prior(extrapolated[-1]))
                joined_3, prior_3 = self._maximisation(posterior_x)
                steps += 2
                posterior_3, log_likelihood_3 = self._expectation(joined_3, prior_3)
                if log_likelihood_3 >= log_likelihood_1:
                    accepted = (joined_3, prior_3, posterior_3, log_likelihood_3)
                else:  # the extrapolation overshot: keep the plain EM step
                    posterior_2, log_likelihood_2 = self._expectation(joined_2, prior_2)
                    accepted = (joined_2, prior_2, posterior_2, log_likelihood_2)
            joined, prior, posterior, log_likelihood = accepted
            history.append(log_likelihood)
            if converged:
                break
        return self._split(joined), prior, np.array(history), steps, converged

    # --- starts -----------------------------------------------------------------------------

    def majority_vote_start(self) -> tuple[list[np.ndarray], float]:
        """One M-step from the majority vote's labels (ties and no votes count 1/2)."""
        vote_sums = np.zeros(self.weights.shape[0], dtype=np.int32)
        for block, codes in zip(self.blocks, self.codes, strict=True):
            vote_sums += np.take((block.digits.sum(axis=1) - len(block.lfs)).astype(np.int32),
                                 codes)
        posterior = np.where(vote_sums > 0, 1.0, np.where(vote_sums < 0, 0.0, 0.5))
        return self.maximisation_from_posterior(posterior)

    def moment_estimate(self) -> tuple[list[np.ndarray], float, int, bool]:
        """The moment estimate (module docstring); factor tables are products of marginals."""
        model, n_lfs = self.model, self.n_lfs
        means, covariance = self.statistics.indicator_moments()
        owner = np.tile(np.arange(n_lfs), 2)
        factor_of = np.empty(n_lfs, dtype=np.intp)
        for index, factor in enumerate(self.factors):
            factor_of[list(factor.lfs)] = index
        mask = (factor_of[owner][:, None] != factor_of[owner][None, :]).astype(np.float64)
        initial = np.random.default_rng(model.seed).normal(0.0, 0.1, size=2 * n_lfs)
        signal, steps, change, _ = fit_rank_one(
            agreements=tf.constant(covariance * mask),
            mask=tf.constant(mask),
            initial=tf.constant(initial),
            step_size=tf.constant(0.5, tf.float64),
            tol=tf.constant(float(model.tol), tf.float64),
            max_iter=tf.constant(int(model.max_iter), tf.int32),
            bound=tf.constant(1.0, tf.float64),
        )
        signal = signal.numpy()
        converged = bool(change.numpy() <= model.tol)
        # Orient g so that the LFs point to the class they vote for (the final
        # orientation, with its warnings and dev labels, comes after the fit).
        if np.sum(signal[n_lfs:] - signal[:n_lfs]) < 0:
            signal = -signal
        if model.class_prior == "estimate":
            prior = self._third_moment_prior(means, signal)
        else:
            prior = float(model.class_prior)
        difference = signal / np.sqrt(prior * (1.0 - prior))
        marginals = np.empty((n_lfs, 2, 3))
        for c, shift in ((1, 1.0 - prior), (0, -prior)):
            votes = np.clip(means + shift * difference, 0.0, 1.0)
            marginals[:, c, 0], marginals[:, c, 2] = votes[:n_lfs], votes[n_lfs:]
        marginals[:, :, 1] = np.clip(1.0 - marginals[:, :, 0] - marginals[:, :, 2], 0.0, 1.0)
        tables = []
        for factor in self.factors:
            if len(factor.lfs) == 1:
                table = marginals[factor.lfs[0]]
            else:  # the group's LFs start independent given y
                table = np.ones((2, factor.n_outcomes))
                digits = _digits(len(factor.lfs))
                for position, lf in enumerate(factor.lfs):
                    table = table * marginals[lf][:, digits[:, position]]
            tables.append(table)
        return self._split(self._normalised(self._joined(tables))), prior, int(steps), converged

    def _third_moment_prior(self, means: np.ndarray, signal: np.ndarray) -> float:
        """pi from ``E[t_i t_j t_k] = (1 - 2 pi) / sqrt(pi (1 - pi)) |g_i|^2 |g_j|^2 |g_k|^2``.

        Averaged over all ordered triples of distinct factors, through the power
        sums ``P_r = sum_f T_f^r`` of the factors' terms ``T_f`` (the sum of ``t_i``
        over the factor's LFs): the sum over distinct triples is
        ``P_1^3 - 3 P_1 P_2 + 2 P_3``, and likewise for the |g|^2.
        """
        n_lfs = self.n_lfs
        margin = self.model.probability_margin
        # t_i for each of LF i's votes -1, 0, +1: g_i . (x_i - mu_i).
        terms = np.empty((n_lfs, 3))
        centred_sum = -(signal[:n_lfs] * means[:n_lfs] + signal[n_lfs:] * means[n_lfs:])
        terms[:, 0] = centred_sum + signal[:n_lfs]
        terms[:, 1] = centred_sum
        terms[:, 2] = centred_sum + signal[n_lfs:]
        strengths = signal[:n_lfs] ** 2 + signal[n_lfs:] ** 2
        power_sums = np.zeros((3, self.weights.shape[0]))
        strength_sums = np.zeros(3)
        for block, codes in zip(self.blocks, self.codes, strict=True):
            digits = block.digits
            block_sums = np.zeros((3, digits.shape[0]))  # sum_f T_f^r for each code
            for position_start, factor in _positions(block, self.factors):
                members = self.factors[factor].lfs
                factor_terms = sum(terms[lf][digits[:, position_start + offset]]
                                   for offset, lf in enumerate(members))
                factor_strength = float(strengths[list(members)].sum())
                for r in range(3):
                    block_sums[r] += factor_terms ** (r + 1)
                    strength_sums[r] += factor_strength ** (r + 1)
            power_sums += np.take(block_sums, codes, axis=1)
        p1, p2, p3 = power_sums
        observed = float(self.weights @ (p1**3 - 3.0 * p1 * p2 + 2.0 * p3)) / self.n_points
        s1, s2, s3 = strength_sums
        expected_per_kappa = s1**3 - 3.0 * s1 * s2 + 2.0 * s3
        if not expected_per_kappa > 1e-12:
            warn_at_caller(
                "the votes' third moments are too weak to estimate the class prior (fewer "
                "than three informative LFs); the moment estimate uses 0.5",
                IdentifiabilityWarning,
            )
            return 0.5
        kappa = observed / expected_per_kappa
        prior = 0.5 * (1.0 - kappa / np.sqrt(kappa**2 + 4.0))
        return float(np.clip(prior, margin, 1.0 - margin))

    # --- results ----------------------------------------------------------------------------

    def marginals(self, tables: list[np.ndarray]) -> np.ndarray:
        """P(lambda_i = v | y = c) of every LF, shape (n_lfs, 2, 3)."""
        marginals = np.empty((self.n_lfs, 2, 3))
        for factor, table in zip(self.factors, tables, strict=True):
            if len(factor.lfs) == 1:
                marginals[factor.lfs[0]] = table
                continue
            digits = _digits(len(factor.lfs))
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


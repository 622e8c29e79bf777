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

Two ways to fit it, expectation-maximisation and moments, and their combination: see
:mod:`~dataprog_helpers.label_model.binary_fit`.

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
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..utils.validation import (
    Interval,
    StrOptions,
)
from .base import (
    SHARED_CONSTRAINTS,
    Posterior,
)
from .binary_steps import BinarySteps, fit_binary_supervised
from .class_fit import ClassSteps, fit_classes_supervised, set_class_attributes
from .class_posterior import ClassPosterior
from .dependencies import group_log_odds
from .estimator import BaseLabelModel
from .statistics import VoteStatistics

__all__ = ["ClassConditionalLabelModel"]

#: The ways :class:`ClassConditionalLabelModel` can be fitted, and EM's starts.
METHODS = ("em", "moments")
INITS = ("majority_vote", "moments")
STRUCTURES = ("auto", "class-conditional", "symmetric")


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
        :data:`~.dependency_blocks.BLOCK_LFS` = 8 LFs) gets one joint distribution
        over its votes per class.  Needs ``method="em"``.
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
        dependencies or the moment estimate, and :meth:`fit` also takes a
        ``dask.array.Array``: EM then runs on the cluster, each E-step one
        map-reduce over the chunks, and the client holds O(n_lfs k^2) numbers
        whatever n (:mod:`~dataprog_helpers.label_model.dask_em`); the result
        equals the in-memory fit within ``tol``.  Two classes take a Dask array
        too (:mod:`~dataprog_helpers.label_model.binary_dask`): each chunk's
        pattern histogram is computed where the chunk lies; while they add up to
        at most 16 MiB they are merged on the client and the fit is the in-memory
        one exactly, and above that EM runs by map-reduce as for k classes.
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

    # --- fitting ----------------------------------------------------------------------------

    def _fit_steps(self) -> ClassSteps | BinarySteps:
        """k-class steps with ``cardinality``, else the two-class ones."""
        if self.cardinality is not None:
            return ClassSteps(self)
        return BinarySteps(self)

    def fit_statistics(
        self, statistics: VoteStatistics, dev_label_matrix=None, dev_labels=None
    ) -> ClassConditionalLabelModel:
        """Fit from :class:`VoteStatistics` kept with ``patterns=True`` (e.g. of streamed chunks).

        Same parameters and result as :meth:`fit` otherwise.  With ``cardinality=k``
        the statistics must be of k-class votes (``VoteStatistics.from_dask(L,
        cardinality=k)`` and the like), and the fit is that of :meth:`fit` on the
        same votes.
        """
        self._validate_params()
        if self.cardinality is not None:
            steps = ClassSteps(self)
            return self._fit_votes(steps, steps.votes_of_statistics(statistics),
                                   dev_label_matrix, dev_labels)
        steps = BinarySteps(self)
        return self._fit_votes(steps, steps.votes_of_statistics(statistics), dev_label_matrix,
                               dev_labels)

    def fit_supervised(self, label_matrix, y) -> ClassConditionalLabelModel:
        """Fit the same model on gold labels: what it makes of these LFs with known parameters.

        Each ``theta_i[c, v]`` is the share of the points of class c on which LF i
        votes v (within ``probability_margin``), and the prior (unless fixed) is
        the share of positives.  A reference for the unsupervised fit, not a
        substitute for it, and not an upper bound: where the model's assumptions
        fail (correlated LFs), majority vote can beat it.  ``structure="symmetric"``
        counts each LF's coverage and accuracy over both classes; ``"auto"`` and
        ``"class-conditional"`` count the full tables
        (the larger model fits the gold labels closer).

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
            set_class_attributes(self, fit_classes_supervised(self, label_matrix, y))
            return self
        fit_binary_supervised(self, label_matrix, y)
        return self

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

    def _joint_term(self) -> Callable | None:
        """Each dependency group's joint log-ratio in place of its members' marginal ones.

        See :func:`~dataprog_helpers.label_model.dependencies.group_log_odds`.
        """
        if not self.joint_probabilities_:
            return None
        return functools.partial(group_log_odds, vote_log_ratios=self.vote_log_ratios_,
                                 joint_probabilities=self.joint_probabilities_)



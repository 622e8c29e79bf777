"""What the label models share: validation, orientation, the class prior and the posterior.

Both models treat the LFs as conditionally independent given y (apart from
declared dependencies), so the posterior log-odds of a point with votes
``lambda`` is a sum of one table entry per LF:

    log P(y = +1 | lambda) / P(y = -1 | lambda)
        = log(pi / (1 - pi)) + sum_i T_i[lambda_i],
    T_i[v] = log P(lambda_i = v | y = +1) / P(lambda_i = v | y = -1).

The symmetric model's table is ``T_i = (-w_i, 0, w_i)`` with the log-odds weight
``w_i = log(p_i / (1 - p_i))``: an abstention says nothing.  The class-conditional
model fills all three entries, so an abstention can carry evidence too.

:class:`Posterior` is that sum and nothing else: NumPy arrays and functions of
this subpackage's TensorFlow-free modules.  The models compute every posterior
through it, and on a Dask array they send it to the workers, which then never
import TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, logit

from ..exceptions import IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.chunks import row_chunks
from ..utils.validation import (
    Interval,
    StrOptions,
    check_label_matrix,
    check_labels,
    check_real_in_range,
    check_same_length,
)
from .statistics import VoteStatistics

__all__ = ["Posterior", "log_odds_weights", "table_log_odds"]

#: The fewest LFs whose parameters can be identified from their votes alone: with
#: two LFs a single agreement Z_12 = q_1 q_2 cannot determine both q_1 and q_2.
MIN_LFS = 3

#: Posterior log-odds this close to 0 are ties (see :meth:`BaseLabelModel.predict`).
TIE_TOLERANCE = 1e-9

#: The orientation of a solution is called uncertain, and the model warns, when the
#: LFs that point the wrong way carry more than this fraction of the total polarity
#: of those that point the right way.
SIGN_MARGIN = 0.5


def log_odds_weights(accuracies) -> np.ndarray:
    """Voting weights ``w_i = log(p_i / (1 - p_i))`` from accuracies in (0, 1), shape (n_lfs,).

    Examples
    --------
    >>> log_odds_weights([0.5, 0.75]).round(3).tolist()
    [0.0, 1.099]
    """
    accuracies = np.asarray(accuracies, dtype=np.float64)
    if accuracies.ndim != 1 or not np.all((accuracies > 0) & (accuracies < 1)):
        raise ValueError("accuracies must be a 1-D array with every entry strictly in (0, 1)")
    return logit(accuracies)


#: The largest count TensorFlow's int32 loop counters can hold.
MAX_INT32 = 2**31 - 1

#: Constraints both label models put on their shared parameters (scikit-learn's form).
SHARED_CONSTRAINTS = {
    "class_prior": [Interval(Real, 0.0, 1.0, closed="neither"), StrOptions({"estimate"})],
    "dependencies": [None, Iterable],
    "seed": [Interval(Integral, 0, 2**63 - 1, closed="both")],
    "max_iter": [Interval(Integral, 1, MAX_INT32, closed="both")],
    "tol": [Interval(Real, 0.0, None, closed="neither")],
}


def check_class_prior(class_prior, name: str = "class_prior") -> float:
    """A class prior strictly inside (0, 1)."""
    return check_real_in_range(
        class_prior, name, 0.0, 1.0, include_low=False, include_high=False
    )


def check_dev_set(dev_label_matrix, dev_labels, n_lfs: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The validated dev votes and labels, or None when neither is given."""
    if dev_label_matrix is None and dev_labels is None:
        return None
    if dev_label_matrix is None or dev_labels is None:
        raise ValueError("pass both dev_label_matrix and dev_labels, or neither")
    dev_label_matrix = check_label_matrix(dev_label_matrix, "dev_label_matrix")
    dev_labels = check_labels(dev_labels, "dev_labels")
    check_same_length(dev_label_matrix=dev_label_matrix, dev_labels=dev_labels)
    if dev_label_matrix.shape[1] != n_lfs:
        raise ValueError(
            f"dev_label_matrix has {dev_label_matrix.shape[1]} LFs but label_matrix "
            f"has {n_lfs}"
        )
    return dev_label_matrix, dev_labels


def check_fit_statistics(statistics, unknowns: str, evidence: str, estimated: str) -> None:
    """What both models refuse in the statistics they fit from, with the same messages.

    ``statistics`` must be a VoteStatistics of at least ``MIN_LFS`` LFs, every
    one of which votes.  The words name what the model estimates: ``unknowns``
    ("accuracies") cannot be identified from ``evidence`` ("agreements") for
    fewer LFs, and ``estimated`` ("accuracy") cannot be estimated for a silent LF.
    """
    if not isinstance(statistics, VoteStatistics):
        raise TypeError(
            f"statistics must be a VoteStatistics, got {type(statistics).__name__}; "
            "use fit() for a label matrix"
        )
    if statistics.cardinality is not None:
        raise ValueError(
            f"these statistics are of k-class votes (cardinality={statistics.cardinality}), "
            "and this model fits two classes in the signed convention; for k classes use "
            f"ClassConditionalLabelModel(cardinality={statistics.cardinality}).fit_statistics")
    check_lf_votes(np.diag(statistics.counts), unknowns, evidence, estimated)


def check_lf_votes(n_votes: np.ndarray, unknowns: str, evidence: str, estimated: str) -> None:
    """The checks of :func:`check_fit_statistics` on each LF's number of votes, shape (n_lfs,)."""
    if n_votes.shape[0] < MIN_LFS:
        raise ValueError(
            f"label_matrix has {n_votes.shape[0]} LFs; the label model needs at least "
            f"{MIN_LFS} because the {unknowns} of fewer LFs cannot be identified from their "
            f"{evidence}"
        )
    silent = np.flatnonzero(n_votes == 0)
    if silent.size:
        raise ValueError(
            f"LF(s) {silent.tolist()} never vote in label_matrix, so their {estimated} "
            "cannot be estimated; remove them"
        )


def choose_orientation(
    polarities: np.ndarray,
    accuracies: np.ndarray,
    dev_evidence: float | None,
    strength: str,
    if_wrong: str,
) -> bool:
    """Whether to flip a solution that fits the votes equally well either way round.

    Parameters
    ----------
    polarities : ndarray of shape (n_lfs,)
        How strongly each LF points to the class it votes for, under the solution
        as found (negated by a flip); the assumption is that their mean is positive.
    accuracies : ndarray of shape (n_lfs,)
        P(right | votes) under the solution as found (a flip turns p into 1 - p).
    dev_evidence : float or None
        ``sum_k y_k s_k`` over labeled dev points, with ``s`` the solution's
        posterior log-odds (or a quantity of the same sign); positive keeps the
        solution, negative flips it, 0 (undecided) falls back to the assumption.
    strength, if_wrong : str
        Words for the warnings: what the polarity is called, and what a wrong
        orientation would mean.

    Returns
    -------
    bool
        True to flip.  Warns (:class:`IdentifiabilityWarning`) when the dev labels
        do not decide, when they say the LFs are worse than random, or, without
        dev labels, when the assumption holds by a narrow margin.
    """
    decided = dev_evidence is not None and dev_evidence != 0.0
    if decided:
        flip = dev_evidence < 0
    else:
        if dev_evidence is not None:
            warn_at_caller(
                "the dev labels do not decide the sign of the solution (the LFs' votes on "
                "them are balanced or absent); falling back to the assumption that the LFs "
                "are better than random on average",
                IdentifiabilityWarning,
            )
        flip = bool(polarities.mean() < 0)
    oriented = -polarities if flip else polarities
    oriented_accuracies = 1.0 - accuracies if flip else accuracies
    worse = int(np.sum(oriented < 0))
    if decided:
        if oriented.mean() < 0:
            warn_at_caller(
                f"the dev labels say the LFs are worse than random on average (mean "
                f"estimated accuracy {oriented_accuracies.mean():.3f}; "
                f"{int(np.sum(oriented_accuracies < 0.5))} of {oriented.size} below 0.5): "
                "check their polarity; the model follows the dev labels",
                IdentifiabilityWarning,
            )
        return flip
    better, worse_total = oriented[oriented > 0].sum(), -oriented[oriented < 0].sum()
    if worse_total > SIGN_MARGIN * better:
        warn_at_caller(
            f"the sign of the solution is uncertain: the {worse} of {oriented.size} LFs "
            f"estimated worse than random carry a total {strength} of {worse_total:.2f}, more "
            f"than {SIGN_MARGIN:g} x the {better:.2f} of those estimated better than random, so "
            "the assumption that the LFs are better than random on average holds only by a "
            f"narrow margin; if it is wrong, {if_wrong}. Pass a few labeled points "
            "(dev_label_matrix, dev_labels) to fit() to decide the sign",
            IdentifiabilityWarning,
        )
    return flip


def table_log_odds(
    label_matrix: np.ndarray, vote_log_ratios: np.ndarray, class_prior: float
) -> np.ndarray:
    """``log(pi / (1 - pi)) + sum_i T_i[L_ki]`` for every row, shape (n_points,).

    Each table is written as ``T_i[v] = c_i + a_i v + b_i |v|`` (``a_i`` half the
    difference of the vote entries, ``b_i`` their mean minus the abstention
    entry, ``c_i`` the abstention entry); for the symmetric model ``b = c = 0``
    and the scores are ``L @ w``.  The terms are added LF by LF, in the order
    of the columns, for all rows of a chunk at once, rather than by a BLAS
    matrix-vector product, whose summation order depends on how many rows it
    is given and on the processor.  So a row's score is the same bits whether
    it is computed alone, in any chunk of a Dask array or in the whole matrix,
    on any machine.  No float copy of L is made: each LF's votes are
    multiplied in as int8, a chunk of rows at a time.

    Parameters
    ----------
    label_matrix : ndarray of shape (n_points, n_lfs), validated
    vote_log_ratios : ndarray of shape (n_lfs, 3)
        ``T_i[v]`` for the votes v = -1, 0, +1 (columns 0, 1, 2).
    class_prior : float in (0, 1)
    """
    slopes = (vote_log_ratios[:, 2] - vote_log_ratios[:, 0]) / 2.0
    offsets = (vote_log_ratios[:, 2] + vote_log_ratios[:, 0]) / 2.0 - vote_log_ratios[:, 1]
    uses_offsets = bool(np.any(offsets != 0.0))
    scores = np.zeros(label_matrix.shape[0])
    for chunk in row_chunks(label_matrix.shape[0]):
        # One LF per row of ``votes``: an int8 copy of the chunk, contiguous per LF.
        votes = np.ascontiguousarray(label_matrix[chunk].T)
        chunk_scores = scores[chunk]
        for lf, lf_votes in enumerate(votes):
            chunk_scores += slopes[lf] * lf_votes  # float64: the vote times the slope, exact
            if uses_offsets:
                chunk_scores += offsets[lf] * np.abs(lf_votes)
        del votes
    abstention_total = float(np.sum(vote_log_ratios[:, 1]))
    if abstention_total != 0.0:
        scores += abstention_total
    if class_prior != 0.5:  # the balanced prior adds exactly nothing
        scores += np.log(class_prior) - np.log1p(-class_prior)
    return scores


@dataclass(frozen=True)
class Posterior:
    """A fitted label model's posterior, in NumPy alone.

    ``log P(y = +1 | lambda) / P(y = -1 | lambda) = log(pi / (1 - pi)) +
    sum_i T_i[lambda_i]`` (:func:`table_log_odds`), plus the joint terms of
    declared dependencies.  It holds no TensorFlow object and pickles small, so
    a Dask worker computes posteriors with it without importing TensorFlow.

    Attributes
    ----------
    vote_log_ratios : ndarray of shape (n_lfs, 3)
        The tables ``T_i`` for the votes -1, 0, +1.
    class_prior : float in (0, 1)
    joint_term : callable or None
        ``joint_term(label_matrix)``, shape (n_points,): what dependent LFs add to
        the log-odds (a function of :mod:`~dataprog_helpers.label_model.dependencies`
        with the fitted tables bound), or None.
    """

    vote_log_ratios: np.ndarray
    class_prior: float
    joint_term: Callable | None = None

    @property
    def n_lfs(self) -> int:
        return self.vote_log_ratios.shape[0]

    def check_input(self, label_matrix) -> np.ndarray:
        """``label_matrix`` validated, with the model's number of LFs."""
        label_matrix = check_label_matrix(label_matrix)
        if label_matrix.shape[1] != self.n_lfs:
            raise ValueError(
                f"label_matrix has {label_matrix.shape[1]} LFs but the model was fitted "
                f"on {self.n_lfs}"
            )
        return label_matrix

    def decision_function(self, label_matrix, checked: bool = False) -> np.ndarray:
        """Posterior log-odds of each row, shape (n_points,)."""
        if not checked:
            label_matrix = self.check_input(label_matrix)
        scores = table_log_odds(label_matrix, self.vote_log_ratios, self.class_prior)
        if self.joint_term is not None:
            scores += self.joint_term(label_matrix)
        return scores

    def predict_proba(self, label_matrix, checked: bool = False) -> np.ndarray:
        """P(y = +1 | votes) of each row, shape (n_points,)."""
        return expit(self.decision_function(label_matrix, checked))

    def predict(self, label_matrix, checked: bool = False) -> np.ndarray:
        """The most probable label in {-1, +1}, 0 for a tie (``TIE_TOLERANCE``), int8."""
        scores = self.decision_function(label_matrix, checked)
        scores[np.abs(scores) <= TIE_TOLERANCE] = 0.0
        return np.sign(scores).astype(np.int8)

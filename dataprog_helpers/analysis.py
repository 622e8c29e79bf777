"""What a label matrix says before any model: majority vote, agreements, LF summaries.

A label matrix L of shape (n_points, n_lfs) holds each labeling function's vote on
each point: +1, -1, or 0 for "abstain".  The functions here read it directly
(majority vote, the summary of each LF's coverage, overlaps and conflicts) or
through its sums over rows, :class:`~dataprog_helpers.VoteStatistics` (the
agreement matrix Z and the overlaps), which is NumPy only: nothing here imports
TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .label_model.statistics import VoteStatistics
from .utils.validation import (
    check_class_labels,
    check_label_matrix,
    check_labels,
    check_same_length,
    check_seed,
)

__all__ = [
    "agreement_matrix",
    "class_vote_counts",
    "lf_summary",
    "majority_vote",
    "majority_vote_proba",
    "overlap_counts",
]


def class_vote_counts(label_matrix, cardinality: int) -> np.ndarray:
    """How many LFs vote for each class on each point, shape (n_points, cardinality).

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes in {-1 = abstain, 0, ..., cardinality - 1}.
    cardinality : int
        The number of classes k.
    """
    label_matrix = check_label_matrix(label_matrix, cardinality=cardinality)
    return np.stack([np.count_nonzero(label_matrix == c, axis=1) for c in range(cardinality)],
                    axis=1)


#: How :func:`majority_vote` settles a point where no class has the most votes alone.
VOTE_TIE_POLICIES = ("abstain", "random")


def majority_vote(label_matrix, cardinality: int | None = None, ties: str = "abstain",
                  seed: int = 0) -> np.ndarray:
    """Unweighted majority vote of the labeling functions.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes in {-1, 0, +1}, or with ``cardinality=k`` in {-1 = abstain, 0, ..., k-1}.
    cardinality : int, optional
        The number of classes k, for k-class votes in Snorkel's convention.
    ties : {"abstain", "random"}, default "abstain"
        What a point gets where two or more classes share the most votes, or every
        LF abstains.  ``"abstain"``: no decision (0 for two classes, -1 for k).
        ``"random"``: one of the tied classes (any class where no LF votes), drawn
        uniformly with ``seed``; its expected accuracy is that of sharing the point
        among the tied classes, as :func:`~dataprog_helpers.accuracy` scores a
        binary 0 with ``ties="half"``, and every point gets a class (what a paired
        test such as :func:`~dataprog_helpers.compare_predictions` needs for k
        classes).
    seed : int, default 0
        Seed of the draws with ``ties="random"`` (``np.random.default_rng``).

    Returns
    -------
    ndarray of int8, shape (n_points,)
        Two classes: ``sign(sum_j L[i, j])``, +1 or -1 where one side has more
        votes, and a tie (above) where the votes tie or every LF abstains; how a 0
        is scored is decided by :func:`~dataprog_helpers.accuracy`'s ``ties``
        argument.  k classes: the class with the most votes, and a tie where two or
        more classes share the most votes or every LF abstains;
        :func:`majority_vote_proba` keeps those ties.

    Examples
    --------
    >>> from dataprog_helpers import majority_vote
    >>> majority_vote([[1, -1, 0], [1, 1, 1], [0, -1, -1], [0, 0, 0]]).tolist()
    [0, 1, -1, 0]
    >>> majority_vote([[2, 2, 0], [0, 1, -1], [-1, -1, -1]], cardinality=3).tolist()
    [2, -1, -1]
    >>> majority_vote([[2, 2, 0], [0, 1, -1]], cardinality=3, ties="random").tolist()[0]
    2
    """
    if ties not in VOTE_TIE_POLICIES:
        raise ValueError(f"ties must be one of {VOTE_TIE_POLICIES}, got {ties!r}")
    seed = check_seed(seed)
    if cardinality is None:
        label_matrix = check_label_matrix(label_matrix)
        counts = np.stack([np.count_nonzero(label_matrix == -1, axis=1),
                           np.count_nonzero(label_matrix == 1, axis=1)], axis=1)
        classes = np.array([-1, 1], dtype=np.int8)
        no_decision = 0
    else:
        counts = class_vote_counts(label_matrix, cardinality)
        classes = np.arange(cardinality, dtype=np.int8)
        no_decision = -1
    most = counts.max(axis=1, keepdims=True)
    tied = counts == most
    decided = np.count_nonzero(tied, axis=1) == 1
    votes = np.where(decided, classes[counts.argmax(axis=1)], no_decision).astype(np.int8)
    if ties == "random" and not decided.all():
        # A uniform draw among each undecided point's tied classes: the rank of a
        # uniform number among them (every class ties where no LF votes).
        draws = np.random.default_rng(seed).random(tied[~decided].shape)
        draws[~tied[~decided]] = -1.0
        votes[~decided] = classes[draws.argmax(axis=1)]
    return votes


def majority_vote_proba(label_matrix, cardinality: int | None = None) -> np.ndarray:
    """Majority vote as probabilities: each point's share of votes for each class.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes in {-1, 0, +1}, or with ``cardinality=k`` in {-1 = abstain, 0, ..., k-1}.
    cardinality : int, optional
        The number of classes k.

    Returns
    -------
    ndarray of float64, shape (n_points,), or (n_points, k) with ``cardinality``
        Two classes: the share of +1 among a point's votes (1/2 without any).
        k classes: the share of the votes for each class (1/k each without any).
        E.g. for the calibration error of majority vote, which has no posterior.
    """
    if cardinality is None:
        label_matrix = check_label_matrix(label_matrix)
        n_votes = np.count_nonzero(label_matrix, axis=1)
        n_positive = np.count_nonzero(label_matrix == 1, axis=1)
        return np.divide(n_positive, n_votes, out=np.full(label_matrix.shape[0], 0.5),
                         where=n_votes > 0)
    counts = class_vote_counts(label_matrix, cardinality)
    n_votes = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, n_votes, out=np.full(counts.shape, 1.0 / cardinality),
                     where=n_votes > 0)


def overlap_counts(label_matrix) -> np.ndarray:
    """Number of points on which each pair of LFs both vote.

    Returns
    -------
    ndarray of int64, shape (n_lfs, n_lfs)
        Entry (i, j) counts the points where LFs i and j both vote; the diagonal
        holds each LF's number of votes.
    """
    return VoteStatistics.from_label_matrix(label_matrix, patterns=False).counts.astype(np.int64)


def agreement_matrix(label_matrix) -> np.ma.MaskedArray:
    """Agreement matrix Z of the labeling functions.

    .. math:: Z_{ij} = \\frac{\\sum_k L_{ki} L_{kj}}{\\#\\{k : L_{ki} \\ne 0, L_{kj} \\ne 0\\}}

    the mean product of the votes of LFs i and j over the points both label,
    an estimate of their agreement E[lambda_i lambda_j | both vote].  For
    conditionally independent LFs with accuracies p, ``Z_ij = q_i q_j`` (i != j)
    with the correlations ``q = 2 p - 1``.  How many points each pair co-votes
    on (its overlap) is :func:`overlap_counts`.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)

    Returns
    -------
    numpy.ma.MaskedArray of float64, shape (n_lfs, n_lfs)
        Entries of pairs that never vote on the same point are *masked* (missing)
        rather than NaN; use ``Z.mask`` to find them and ``Z.filled(0.0)`` to get
        a plain array.  The diagonal is 1 for every LF that votes at all.
    """
    return VoteStatistics.from_label_matrix(label_matrix, patterns=False).agreements()


def lf_summary(
    label_matrix, y=None, lf_names: Sequence[str] | None = None,
    cardinality: int | None = None,
) -> pd.DataFrame:
    """One row per labeling function describing how it votes.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes in {-1, 0, +1}, or with ``cardinality=k`` in {-1 = abstain, 0, ..., k-1}.
    y : array-like of shape (n_points,), optional
        Gold labels in {-1, +1} (class indices 0 to k-1 with ``cardinality``); when
        given, ``votes`` and ``accuracy`` columns are added.
    lf_names : sequence of str, optional
        Row labels; defaults to ``"LF 0"``, ``"LF 1"``, ...
    cardinality : int, optional
        The number of classes k, for k-class votes in Snorkel's convention.

    Returns
    -------
    pandas.DataFrame with columns
        ``polarity`` (the labels the LF emits), ``coverage`` (fraction of points it
        votes on), ``overlaps`` (fraction of points where it and at least one
        other LF vote), ``conflicts`` (fraction of points where another LF votes
        another label), and with ``y`` also ``votes`` and ``accuracy``
        (fraction of its votes that match ``y``; NaN for an LF that never votes).

    Examples
    --------
    >>> from dataprog_helpers import lf_summary
    >>> summary = lf_summary([[0, 1, -1], [2, 2, 0], [-1, 1, 1]], cardinality=3)
    >>> summary["polarity"].tolist()
    [[0, 2], [1, 2], [0, 1]]
    >>> summary["conflicts"].round(2).tolist()
    [0.67, 0.67, 0.33]
    """
    label_matrix = check_label_matrix(label_matrix, cardinality=cardinality)
    n_points, n_lfs = label_matrix.shape
    if lf_names is None:
        lf_names = [f"LF {j}" for j in range(n_lfs)]
    if len(lf_names) != n_lfs:
        raise ValueError(
            f"lf_names has {len(lf_names)} names but label_matrix has {n_lfs} LFs"
        )
    abstain = 0 if cardinality is None else -1
    voted = label_matrix != abstain
    n_voting = voted.sum(axis=1, keepdims=True)
    # A conflict: another LF votes another label on the point, i.e. the point's votes
    # are not all for the label this LF votes.
    labels = (-1, 1) if cardinality is None else range(cardinality)
    same = np.zeros(label_matrix.shape, dtype=np.int64)
    for label in labels:
        is_label = label_matrix == label
        same += is_label * is_label.sum(axis=1, keepdims=True)
    conflicting = voted & (same < n_voting)
    summary = pd.DataFrame(
        {
            "polarity": [
                sorted(int(v) for v in np.unique(label_matrix[:, j]) if v != abstain)
                for j in range(n_lfs)
            ],
            "coverage": voted.mean(axis=0),
            "overlaps": (voted & (n_voting > 1)).mean(axis=0),
            "conflicts": conflicting.mean(axis=0),
        },
        index=pd.Index(list(lf_names), name="LF"),
    )
    if y is not None:
        y = (check_labels(y, "y") if cardinality is None
             else check_class_labels(y, cardinality, "y"))
        check_same_length(label_matrix=label_matrix, y=y)
        votes = voted.sum(axis=0)
        right = (voted & (label_matrix == y[:, None])).sum(axis=0)
        summary["votes"] = votes
        summary["accuracy"] = np.where(votes > 0, right / np.maximum(votes, 1), np.nan)
    return summary

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
from .utils.validation import check_label_matrix, check_labels, check_same_length

__all__ = [
    "agreement_matrix",
    "lf_summary",
    "majority_vote",
    "majority_vote_proba",
    "overlap_counts",
]


def majority_vote(label_matrix) -> np.ndarray:
    """Unweighted majority vote of the labeling functions.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes in {-1, 0, +1}.

    Returns
    -------
    ndarray of int8, shape (n_points,)
        ``sign(sum_j L[i, j])``: +1 or -1 where one side has more votes, and 0
        where the votes tie or every LF abstains.  How a 0 is scored is decided
        by :func:`~dataprog_helpers.accuracy`'s ``ties`` argument.

    Examples
    --------
    >>> from dataprog_helpers import majority_vote
    >>> majority_vote([[1, -1, 0], [1, 1, 1], [0, -1, -1], [0, 0, 0]]).tolist()
    [0, 1, -1, 0]
    """
    label_matrix = check_label_matrix(label_matrix)
    return np.sign(label_matrix.sum(axis=1, dtype=np.int64)).astype(np.int8)

def majority_vote_proba(label_matrix) -> np.ndarray:
    """Majority vote as a probability: the share of +1 among a point's votes (1/2 without any).

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes in {-1, 0, +1}.

    Returns
    -------
    ndarray of float64, shape (n_points,)
        E.g. for the calibration error of majority vote, which has no posterior.
    """
    label_matrix = check_label_matrix(label_matrix)
    n_votes = np.count_nonzero(label_matrix, axis=1)
    n_positive = np.count_nonzero(label_matrix == 1, axis=1)
    return np.divide(n_positive, n_votes, out=np.full(label_matrix.shape[0], 0.5),
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
    label_matrix, y=None, lf_names: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per labeling function describing how it votes.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
    y : array-like of shape (n_points,), optional
        Gold labels in {-1, +1}; when given, an ``accuracy`` column is added.
    lf_names : sequence of str, optional
        Row labels; defaults to ``"LF 0"``, ``"LF 1"``, ...

    Returns
    -------
    pandas.DataFrame with columns
        ``polarity`` (the labels the LF emits), ``coverage`` (fraction of points it
        votes on), ``overlaps`` (fraction of points where it and at least one
        other LF vote), ``conflicts`` (fraction of points where another LF votes
        the opposite way), and with ``y`` also ``votes`` and ``accuracy``
        (fraction of its votes that match ``y``; NaN for an LF that never votes).
    """
    label_matrix = check_label_matrix(label_matrix)
    n_points, n_lfs = label_matrix.shape
    if lf_names is None:
        lf_names = [f"LF {j}" for j in range(n_lfs)]
    if len(lf_names) != n_lfs:
        raise ValueError(
            f"lf_names has {len(lf_names)} names but label_matrix has {n_lfs} LFs"
        )
    voted = label_matrix != 0
    n_voting = voted.sum(axis=1, keepdims=True)
    n_positive = (label_matrix == 1).sum(axis=1, keepdims=True)
    n_negative = (label_matrix == -1).sum(axis=1, keepdims=True)
    opposite = np.where(label_matrix == 1, n_negative, np.where(label_matrix == -1, n_positive, 0))
    summary = pd.DataFrame(
        {
            "polarity": [
                sorted(int(v) for v in np.unique(label_matrix[:, j]) if v != 0)
                for j in range(n_lfs)
            ],
            "coverage": voted.mean(axis=0),
            "overlaps": (voted & (n_voting > 1)).mean(axis=0),
            "conflicts": (opposite > 0).mean(axis=0),
        },
        index=pd.Index(list(lf_names), name="LF"),
    )
    if y is not None:
        y = check_labels(y, "y")
        check_same_length(label_matrix=label_matrix, y=y)
        votes = voted.sum(axis=0)
        right = (label_matrix == y[:, None]).sum(axis=0)
        summary["votes"] = votes
        summary["accuracy"] = np.where(votes > 0, right / np.maximum(votes, 1), np.nan)
    return summary

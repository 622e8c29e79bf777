"""Pure-NumPy analysis of a label matrix: majority vote, overlaps, LF summaries, scoring."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import (
    check_label_matrix,
    check_labels,
    check_predictions,
    check_same_length,
)

__all__ = [
    "accuracy",
    "lf_summary",
    "majority_vote",
    "overlap_counts",
    "overlap_matrix",
    "sigmoid",
]

#: Rows of the label matrix processed at once when accumulating overlap statistics.
#: Sums over at most this many rows are exact in float32, and the temporary
#: float32 copies stay small even for millions of points.
_CHUNK_ROWS = 65_536

TIE_POLICIES = ("half", "wrong", "exclude")


def sigmoid(scores: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-s)), written with tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(scores, dtype=np.float64)))


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
        by :func:`accuracy`'s ``ties`` argument.
    """
    label_matrix = check_label_matrix(label_matrix)
    return np.sign(label_matrix.sum(axis=1, dtype=np.int64)).astype(np.int8)


def accuracy(y_true, y_pred, ties: str = "half") -> float:
    """Accuracy of predictions in {-1, 0, +1}, where 0 means "no decision".

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Gold labels in {-1, +1}.
    y_pred : array-like of shape (n,)
        Predictions in {-1, 0, +1}, for example from :func:`majority_vote`.
    ties : {"half", "wrong", "exclude"}
        How a 0 (a tie or no votes) is scored.  ``"half"`` (the default) counts
        it as 1/2 correct: the expected accuracy of breaking the tie with a fair
        coin, without the randomness.  ``"wrong"`` counts it as an error, and
        ``"exclude"`` scores only the points with a decision.

    Returns
    -------
    float
        The fraction of correct predictions under the chosen tie policy.

    Raises
    ------
    ValueError
        With ``ties="exclude"`` when no prediction is decided, so that there is
        nothing to score.
    """
    y_true = check_labels(y_true, "y_true")
    y_pred = check_predictions(y_pred, "y_pred")
    check_same_length(y_true=y_true, y_pred=y_pred)
    if ties not in TIE_POLICIES:
        raise ValueError(f"ties must be one of {TIE_POLICIES}, got {ties!r}")
    correct = (y_pred == y_true).astype(np.float64)
    undecided = y_pred == 0
    if ties == "half":
        correct[undecided] = 0.5
    elif ties == "exclude":
        if undecided.all():
            raise ValueError(
                'y_pred has no decided (non-zero) prediction to score with ties="exclude"'
            )
        correct = correct[~undecided]
    return float(correct.mean())


def _overlap_sums(label_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (sum_i L_i L_i^T, co-vote counts), both float64 (m, m), chunk by chunk."""
    n_lfs = label_matrix.shape[1]
    products = np.zeros((n_lfs, n_lfs))
    counts = np.zeros((n_lfs, n_lfs))
    for start in range(0, label_matrix.shape[0], _CHUNK_ROWS):
        chunk = label_matrix[start : start + _CHUNK_ROWS].astype(np.float32)
        voted = np.abs(chunk)
        products += chunk.T @ chunk
        counts += voted.T @ voted
    return products, counts


def overlap_counts(label_matrix) -> np.ndarray:
    """Number of points on which each pair of LFs both vote.

    Returns
    -------
    ndarray of int64, shape (n_lfs, n_lfs)
        Entry (i, j) counts the points where LFs i and j both vote; the diagonal
        holds each LF's number of votes.
    """
    label_matrix = check_label_matrix(label_matrix)
    return _overlap_sums(label_matrix)[1].astype(np.int64)


def overlap_matrix(label_matrix) -> np.ma.MaskedArray:
    """Agreement matrix Z of the labeling functions.

    .. math:: Z_{ij} = \\frac{\\sum_k L_{ki} L_{kj}}{\\#\\{k : L_{ki} \\ne 0, L_{kj} \\ne 0\\}}

    the mean product of the votes of LFs i and j over the points both label,
    an estimate of E[lambda_i lambda_j | both vote].  For conditionally
    independent LFs with accuracies p, ``Z_ij = q_i q_j`` (i != j) with
    ``q = 2 p - 1``.

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
    label_matrix = check_label_matrix(label_matrix)
    products, counts = _overlap_sums(label_matrix)
    observed = counts > 0
    values = np.divide(products, counts, out=np.zeros_like(products), where=observed)
    return np.ma.MaskedArray(values, mask=~observed)


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

"""Analysis of a label matrix and of predictions: majority vote, agreements and overlaps,
LF summaries, scores and calibration (NumPy, and scikit-learn's metrics where they
compute the same thing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._validation import (
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_predictions,
    check_probabilities,
    check_same_length,
)

__all__ = [
    "accuracy",
    "agreement_matrix",
    "calibration_table",
    "expected_calibration_error",
    "f1_score",
    "labels_from_probabilities",
    "lf_summary",
    "log_odds_weights",
    "loglog_slope",
    "majority_vote",
    "overlap_counts",
    "overlap_matrix",
    "score_table",
    "sigmoid",
]

TIE_POLICIES = ("half", "wrong", "exclude")


def sigmoid(scores: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-s)), written with tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(scores, dtype=np.float64)))


def labels_from_probabilities(probabilities, ties: str = "zero") -> np.ndarray:
    """Most probable labels from probabilities P(y = +1), shape (n_points,), int8.

    ``+1`` where the probability is above 1/2 and ``-1`` where it is below.  At
    exactly 1/2, ``ties="zero"`` gives 0 ("no decision", scored by
    :func:`accuracy`'s ``ties``) and ``ties="positive"`` gives +1 (for a
    classifier that must always answer).
    """
    if ties not in ("zero", "positive"):
        raise ValueError(f'ties must be "zero" or "positive", got {ties!r}')
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.sign(probabilities - 0.5).astype(np.int8)
    if ties == "positive":
        labels[labels == 0] = 1
    return labels


def log_odds_weights(accuracies) -> np.ndarray:
    """Voting weights ``w_i = log(p_i / (1 - p_i))`` from accuracies in (0, 1)."""
    accuracies = np.asarray(accuracies, dtype=np.float64)
    if accuracies.ndim != 1 or not np.all((accuracies > 0) & (accuracies < 1)):
        raise ValueError("accuracies must be a 1-D array with every entry strictly in (0, 1)")
    return np.log(accuracies) - np.log1p(-accuracies)


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


def _positive_or_not(predictions: np.ndarray) -> np.ndarray:
    """Checked predictions with every 0 (no decision) made -1, as int8 of shape (n,).

    For the scores of the positive class, where a 0 counts as not predicting +1,
    so that scikit-learn sees the two classes -1 and +1 only.
    """
    return np.where(predictions == 1, 1, -1).astype(np.int8)


def f1_score(y_true, y_pred) -> float:
    """F1 score of the positive class: ``2 TP / (2 TP + FP + FN)``.

    Under class imbalance accuracy flatters a predictor that always says -1; F1
    counts only how well the rare +1 class is found.  A 0 in ``y_pred`` (no
    decision) counts as not predicting +1.  Returns 0.0 when there is no
    positive in either ``y_true`` or ``y_pred``.  Computed by
    ``sklearn.metrics.f1_score(pos_label=1, zero_division=0.0)`` once the 0s are
    made -1.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Gold labels in {-1, +1}.
    y_pred : array-like of shape (n,)
        Predictions in {-1, 0, +1}.

    Returns
    -------
    float
    """
    from sklearn import metrics  # imported here: importing the package stays quick

    y_true = check_labels(y_true, "y_true")
    y_pred = check_predictions(y_pred, "y_pred")
    check_same_length(y_true=y_true, y_pred=y_pred)
    return float(
        metrics.f1_score(y_true, _positive_or_not(y_pred), pos_label=1, zero_division=0.0)
    )


def overlap_counts(label_matrix) -> np.ndarray:
    """Number of points on which each pair of LFs both vote.

    Returns
    -------
    ndarray of int64, shape (n_lfs, n_lfs)
        Entry (i, j) counts the points where LFs i and j both vote; the diagonal
        holds each LF's number of votes.
    """
    from .label_model.statistics import VoteStatistics  # the label models import this module

    return VoteStatistics.from_label_matrix(label_matrix, patterns=False).counts.astype(np.int64)


def agreement_matrix(label_matrix) -> np.ma.MaskedArray:
    """Agreement matrix Z of the labeling functions.

    .. math:: Z_{ij} = \\frac{\\sum_k L_{ki} L_{kj}}{\\#\\{k : L_{ki} \\ne 0, L_{kj} \\ne 0\\}}

    the mean product of the votes of LFs i and j over the points both label,
    an estimate of their agreement E[lambda_i lambda_j | both vote].  For
    conditionally independent LFs with accuracies p, ``Z_ij = q_i q_j`` (i != j)
    with the correlations ``q = 2 p - 1``.  How many points each pair co-votes
    on (its overlap) is :func:`overlap_counts`.  ``overlap_matrix`` is an alias
    of this function, its old name.

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
    from .label_model.statistics import VoteStatistics  # the label models import this module

    return VoteStatistics.from_label_matrix(label_matrix, patterns=False).agreements()


#: The old name of :func:`agreement_matrix`, kept as an alias.
overlap_matrix = agreement_matrix


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


def calibration_table(y, probabilities, n_bins: int = 10) -> pd.DataFrame:
    """Predicted P(y = +1) against the observed frequency of y = +1, bin by bin.

    The points are grouped into ``n_bins`` equal-width bins of their predicted
    probability.  A calibrated predictor has ``observed`` close to ``predicted``
    in every bin: of the points given 0.8, about 80% are positive.
    Not ``sklearn.calibration.calibration_curve``: its bins are closed on the
    right, (low, high], so a probability on an edge, such as the 0.5 of a point
    no LF votes on, falls one bin lower than in these [low, high) bins, and it
    returns no counts, which :func:`expected_calibration_error` weights by.

    Parameters
    ----------
    y : array-like of shape (n,)
        Gold labels in {-1, +1}.
    probabilities : array-like of shape (n,)
        Predicted P(y = +1).
    n_bins : int, default 10

    Returns
    -------
    pandas.DataFrame, one row per non-empty bin
        ``predicted`` (mean predicted probability), ``observed`` (fraction with
        y = +1) and ``count``, indexed by the bin, e.g. ``"[0.1, 0.2)"``.
    """
    y = check_labels(y, "y")
    probabilities = check_probabilities(probabilities, "probabilities").astype(np.float64)
    check_same_length(y=y, probabilities=probabilities)
    n_bins = check_positive_int(n_bins, "n_bins")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.digitize(probabilities, edges[1:-1]), 0, n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    filled = counts > 0
    predicted = np.bincount(bins, weights=probabilities, minlength=n_bins)
    positives = np.bincount(bins, weights=(y == 1).astype(np.float64), minlength=n_bins)
    # Bins are [low, high) except the last, [low, 1], which also holds P = 1.
    labels = [f"[{low:g}, {high:g}{']' if k == n_bins - 1 else ')'}"
              for k, (low, high) in enumerate(zip(edges[:-1], edges[1:], strict=True))]
    return pd.DataFrame(
        {
            "predicted": predicted[filled] / counts[filled],
            "observed": positives[filled] / counts[filled],
            "count": counts[filled],
        },
        index=pd.Index(np.array(labels)[filled], name="predicted P(y = +1)"),
    )


def expected_calibration_error(y, probabilities, n_bins: int = 10) -> float:
    """Mean |observed - predicted| over the bins of :func:`calibration_table`, weighted by count.

    0 for a perfectly calibrated predictor; the expected calibration error
    (ECE) of Naeini et al. (AAAI 2015).  scikit-learn has no such function, and
    its ``calibration_curve`` bins differently (see :func:`calibration_table`).
    """
    table = calibration_table(y, probabilities, n_bins)
    gaps = np.abs(table["observed"] - table["predicted"])
    return float(np.average(gaps, weights=table["count"]))


def loglog_slope(sizes, values) -> float:
    """Least-squares slope of ``log(values)`` against ``log(sizes)``.

    A quantity that shrinks like ``n^(-1/2)`` has slope -1/2.

    Parameters
    ----------
    sizes, values : array-like of shape (k,), positive, k >= 2
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if sizes.ndim != 1 or sizes.shape != values.shape or sizes.size < 2:
        raise ValueError(
            "sizes and values must be 1-D of the same length, at least 2; got shapes "
            f"{sizes.shape} and {values.shape}"
        )
    if not (np.all(np.isfinite(sizes)) and np.all(np.isfinite(values))):
        raise ValueError("sizes and values must be finite for a log-log slope")
    if not (np.all(sizes > 0) and np.all(values > 0)):
        raise ValueError("sizes and values must be positive for a log-log slope")
    if np.ptp(sizes) == 0:
        raise ValueError("sizes must not all be equal")
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def score_table(
    y, predictions: Mapping[str, np.ndarray],
    probabilities: Mapping[str, np.ndarray] | None = None, n_bins: int = 10,
) -> pd.DataFrame:
    """Accuracy, precision, recall, F1 and calibration error of predictors on the same points.

    Parameters
    ----------
    y : array-like of shape (n,)
        Gold labels in {-1, +1}.
    predictions : mapping of name to array of shape (n,)
        Predicted labels in {-1, 0, +1} (0: no decision, scored half right).
    probabilities : mapping of name to array of shape (n,), optional
        P(y = +1) of the predictors that have one; the others get NaN for ECE.

    Returns
    -------
    pandas.DataFrame indexed by name
        ``accuracy`` (:func:`accuracy`); for the positive class ``precision``
        (the fraction of predicted +1 that are +1; NaN if none is predicted),
        ``recall`` (the fraction of true +1 predicted +1; NaN if there is none)
        and ``F1`` (:func:`f1_score`, their harmonic mean), with a 0 (no
        decision) counted as not predicting +1; and ``ECE``
        (:func:`expected_calibration_error` with ``n_bins`` bins).  Precision
        and recall are scikit-learn's ``precision_score`` and ``recall_score``
        with ``zero_division=nan``.
    """
    from sklearn import metrics  # imported here: importing the package stays quick

    probabilities = dict(probabilities or {})
    unknown = set(probabilities) - set(predictions)
    if unknown:
        raise ValueError(f"probabilities has names not in predictions: {sorted(unknown)}")
    y = check_labels(y, "y")

    def precision_recall(predicted) -> tuple[float, float]:
        predicted = check_predictions(predicted, "predictions")
        check_same_length(y=y, predictions=predicted)
        positive = _positive_or_not(predicted)
        return tuple(
            float(score(y, positive, pos_label=1, zero_division=np.nan))
            for score in (metrics.precision_score, metrics.recall_score)
        )

    rows = {
        name: {
            "accuracy": accuracy(y, predicted),
            **dict(zip(("precision", "recall"), precision_recall(predicted), strict=True)),
            "F1": f1_score(y, predicted),
            "ECE": (expected_calibration_error(y, probabilities[name], n_bins)
                    if name in probabilities else np.nan),
        }
        for name, predicted in predictions.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("predictor")

"""Scores of predictions against gold labels: accuracy with a tie policy, F1, calibration.

Predictions are labels in {-1, 0, +1}, where 0 is "no decision" (a tie of the
votes, or no vote at all), scored by :func:`accuracy`'s ``ties``; probabilities
are P(y = +1).  scikit-learn's metrics compute what they can (F1, precision and
recall, once a 0 is made -1); what they lack (the tie policy, the calibration
table with its bin counts) is written here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .utils.validation import (
    check_labels,
    check_positive_int,
    check_predictions,
    check_probabilities,
    check_same_length,
)

__all__ = [
    "TIE_POLICIES",
    "accuracy",
    "binomial_standard_error",
    "calibration_table",
    "expected_calibration_error",
    "f1_score",
    "labels_from_probabilities",
    "score_table",
    "wilson_interval",
]

#: How :func:`accuracy` can score a 0 ("no decision").
TIE_POLICIES = ("half", "wrong", "exclude")


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


def binomial_standard_error(proportion, n):
    """The standard error ``sqrt(p (1 - p) / n)`` of a proportion p measured on n points.

    Elementwise on arrays and pandas Series; NaN where ``n`` is 0 (nothing was
    measured).  At p = 0 or 1 it is 0, which says nothing about the uncertainty of
    a few points that all went one way: read it with its n.

    Examples
    --------
    >>> print(binomial_standard_error(0.9, 100).round(3))
    0.03
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(proportion * (1 - proportion) / np.where(np.asarray(n) > 0, n, np.nan))


def wilson_interval(proportion, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a proportion p measured on n points.

    ``(p + z^2 / 2n -/+ z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)``, with
    z the normal quantile of ``level`` (E. B. Wilson, *JASA* 22, 1927).  Unlike
    ``p -/+ z se`` it stays inside [0, 1] and is not empty at p = 0 or 1: 5 right
    of 5 gives (0.57, 1), where the standard error says 0.  Elementwise; NaN where
    ``n`` is 0.  ``p`` may be a share with half-counted ties (a majority vote's),
    which is why it is written here: SciPy's ``binomtest(k, n).proportion_ci(
    method="wilson")``, which it equals for whole counts, takes whole counts only.

    Examples
    --------
    >>> low, high = wilson_interval(1.0, 5)
    >>> round(float(low), 3), float(high)
    (0.566, 1.0)
    """
    from scipy.stats import norm

    z = norm.ppf(0.5 + level / 2)
    proportion = np.asarray(proportion, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(np.asarray(n) > 0, n, np.nan).astype(np.float64)
        centre = (proportion + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(proportion * (1 - proportion) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


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

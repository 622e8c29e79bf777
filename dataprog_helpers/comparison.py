"""Two predictors scored on the same points, compared paired.

Two models scored on one test set are not independent samples: on most points
both are right or both wrong, and only the points where they differ say which is
better.  :func:`compare_predictions` therefore compares them *paired*: McNemar's
exact test on the points where exactly one of them is right, and a bootstrap
interval that resamples the points, both predictions of a point together.  Two
separate standard errors would ignore that pairing and call most real differences
noise (or, on overlapping splits, the reverse).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .utils.validation import check_positive_int, check_seed

__all__ = ["PredictionComparison", "SplitComparison", "compare_over_splits", "compare_predictions",
           "comparison_table", "sign_flip_p_value"]

#: The metrics :func:`compare_predictions` compares.
METRICS = ("accuracy", "f1")

#: How ``labels=`` names the two label conventions ("auto" tells them apart).
LABEL_CONVENTIONS = ("auto", "signed", "classes")


@dataclass(frozen=True)
class PredictionComparison:
    """The paired comparison of predictions a and b on the same points.

    Attributes
    ----------
    metric : str
        ``"accuracy"`` or ``"f1"``.
    score_a, score_b : float
        The metric of a and of b.
    difference : float
        ``score_a - score_b``.
    interval : tuple of (float, float)
        The 95% paired-bootstrap interval of the difference (percentiles 2.5 and
        97.5 of ``n_bootstrap`` resamples of the points).
    p_value : float
        Two-sided.  For accuracy, McNemar's exact test: under "a and b are equally
        accurate", each point where exactly one is right is a's with probability
        1/2, so ``a_only.size`` is Binomial(``a_only.size + b_only.size``, 1/2).
        Binary ties enter the test as they enter the accuracy, as half a point: a
        point where one predictor ties and the other is right (or wrong) is half a
        disagreement, and the test is the exact sign-flip test of
        :func:`sign_flip_p_value`, which is McNemar's where there are no ties.
        (Counting a tie as "not right" in the test but half right in the accuracy
        would favour the predictor with fewer ties.)
        For F1, the bootstrap's: twice the share of resampled differences on the
        far side of 0, counted as ``(count + 1) / (n_bootstrap + 1)`` so that it is
        never 0 (at most 1).
    a_only, b_only : ndarray of int64
        The points (row indices) where a is right and b is not, and the reverse.
        A tie (a binary prediction of 0) is not right here (it is half right in the
        accuracies and the test).
    n_points : int
    """

    metric: str
    score_a: float
    score_b: float
    difference: float
    interval: tuple[float, float]
    p_value: float
    a_only: np.ndarray
    b_only: np.ndarray
    n_points: int

    def __str__(self) -> str:
        low, high = self.interval
        return (f"{self.metric}: a {self.score_a:.3f}, b {self.score_b:.3f}, a - b "
                f"{self.difference:+.3f} (95% interval {low:+.3f} to {high:+.3f}); only a "
                f"right on {self.a_only.size} points, only b on {self.b_only.size}; "
                f"p = {self.p_value:.3g}")


def _integers(values, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if array.dtype.kind == "b" or not (
            array.dtype.kind in "iu"
            or (array.dtype.kind == "f" and np.all(np.isfinite(array))
                and np.all(array == np.round(array)))):
        raise TypeError(f"{name} must hold integer labels (-1/+1, or class indices), "
                        f"got dtype {array.dtype}")
    return array.astype(np.int64)


def _checked(y_true, pred_a, pred_b, labels: str
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The three arrays, and whether the labels are the signed binary ones."""
    if labels not in LABEL_CONVENTIONS:
        raise ValueError(f"labels must be one of {LABEL_CONVENTIONS}, got {labels!r}")
    y_true, pred_a, pred_b = (_integers(values, name) for values, name in (
        (y_true, "y_true"), (pred_a, "pred_a"), (pred_b, "pred_b")))
    for name, array in (("pred_a", pred_a), ("pred_b", pred_b)):
        if array.size != y_true.size:
            raise ValueError(f"{name} has {array.size} predictions but y_true has "
                             f"{y_true.size} labels")
    negative = bool(np.any(y_true < 0) or np.any(pred_a < 0) or np.any(pred_b < 0))
    if labels == "auto":
        if not np.any(y_true < 0) and not np.all(np.isin(y_true, (-1, 1))):
            for name, array in (("pred_a", pred_a), ("pred_b", pred_b)):
                if np.any(array < 0):
                    raise ValueError(
                        f"{name} holds -1 but y_true holds class indices: with k classes "
                        "-1 is majority vote's 'no decision', which the paired test cannot "
                        "score; give every point a class, e.g. "
                        "majority_vote(..., cardinality=k, ties='random')")
        if (not negative and np.all(y_true == 1)
                and (np.any(pred_a == 0) or np.any(pred_b == 0))):
            raise ValueError(
                "y_true holds only the label 1 and no label or prediction is -1, so a "
                "prediction of 0 could be a tie (signed labels) or class 0 (class "
                "indices); pass labels='signed' or labels='classes'")
        labels = "signed" if negative else "classes"
    if labels == "signed":
        if not np.all(np.isin(y_true, (-1, 1))):
            raise ValueError("y_true mixes conventions: with signed labels (a -1 among the "
                             "labels or predictions, or labels='signed') they must be -1 "
                             "or +1")
        for name, array in (("pred_a", pred_a), ("pred_b", pred_b)):
            if not np.all(np.isin(array, (-1, 0, 1))):
                raise ValueError(f"{name} must be -1, 0 (a tie) or +1 with signed binary "
                                 "labels")
        return y_true, pred_a, pred_b, True
    for name, array in (("y_true", y_true), ("pred_a", pred_a), ("pred_b", pred_b)):
        if np.any(array < 0):
            raise ValueError(f"{name} must hold class indices 0, 1, ... with "
                             "labels='classes'")
    return y_true, pred_a, pred_b, False


def _f1_counts(y_true: np.ndarray, predictions: np.ndarray, signed: bool) -> np.ndarray:
    """Per point and class, whether it is a true positive, false positive or false
    negative: shape (n, 3, classes); one class (+1) for signed labels, else every class."""
    classes = np.array([1]) if signed else np.union1d(y_true, predictions)
    truth = y_true[:, None] == classes[None, :]
    said = predictions[:, None] == classes[None, :]
    return np.stack([truth & said, ~truth & said, truth & ~said], axis=1).astype(np.float64)


def _f1(sums: np.ndarray) -> np.ndarray:
    """F1 (macro over the classes) from summed (tp, fp, fn), shape (..., 3, classes)."""
    tp, fp, fn = sums[..., 0, :], sums[..., 1, :], sums[..., 2, :]
    denominator = 2 * tp + fp + fn
    scores = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return scores.mean(axis=-1)


def comparison_table(comparisons: Mapping[str, PredictionComparison], baseline: str
                     ) -> pd.DataFrame:
    """Several predictors, each compared with the same baseline, as one table.

    Parameters
    ----------
    comparisons : mapping of str to PredictionComparison
        Each from ``compare_predictions(y, predictor, baseline_predictions)``: a is
        the row's predictor, b the baseline.
    baseline : str
        The baseline's name, for the column headers.

    Returns
    -------
    pandas.DataFrame
        One row per predictor: its metric, the baseline's, the ``difference``, the
        95% interval (``95% low``, ``95% high``), the ``p-value``, and the points
        ``only it right`` and ``only {baseline} right``.
    """
    if not isinstance(comparisons, Mapping) or not comparisons or not all(
            isinstance(value, PredictionComparison) for value in comparisons.values()):
        raise TypeError("comparisons must be a non-empty mapping of names to the results of "
                        "compare_predictions")
    metric = next(iter(comparisons.values())).metric
    return pd.DataFrame({name: {
        metric: result.score_a, baseline: result.score_b, "difference": result.difference,
        "95% low": result.interval[0], "95% high": result.interval[1],
        "p-value": result.p_value, "only it right": result.a_only.size,
        f"only {baseline} right": result.b_only.size} for name, result in comparisons.items()
    }).T.astype({"only it right": np.int64, f"only {baseline} right": np.int64})


def sign_flip_p_value(differences: np.ndarray) -> float:
    """Exact two-sided p-value of "a and b are equally accurate" from per-point differences.

    ``differences`` holds each point's score of a minus that of b: 0, +-1, or +-1/2
    where one of them is a binary tie (counted half right).  If a and b are equally
    good, swapping their predictions on a point changes nothing in distribution, so
    each nonzero difference is as likely positive as negative, independently.  With
    n1 differences of size 1 (A1 of them a's) and n2 of size 1/2 (A2 of them a's),
    twice the summed difference is ``2 U - N`` with ``U = 2 A1 + A2`` and
    ``N = 2 n1 + n2``, and A1 ~ Binomial(n1, 1/2), A2 ~ Binomial(n2, 1/2); the
    p-value is ``P(|2 U - N| >= |observed|)``, from the exact distribution of U (a
    sum over A2 of binomial tails of A1).  Without ties (n2 = 0) this is McNemar's exact
    test, ``binomtest(A1, n1, 1/2)``.
    """
    from scipy.stats import binom, binomtest

    n1, a1 = np.count_nonzero(np.abs(differences) == 1.0), np.count_nonzero(differences == 1.0)
    n2, a2 = (np.count_nonzero(np.abs(differences) == 0.5),
              np.count_nonzero(differences == 0.5))
    if n2 == 0:
        return 1.0 if n1 == 0 else float(binomtest(a1, n1, 0.5).pvalue)
    total = 2 * n1 + n2
    observed = abs(2 * (2 * a1 + a2) - total)
    if observed == 0:
        return 1.0
    # U is symmetric about N / 2, so p = 2 P(U >= (N + observed) / 2).  Summed over
    # the values of A2, each term a product of a probability and a binomial tail: every
    # term is accurate to its last digits, however small the p-value (a convolution by
    # FFT would carry absolute errors near 1e-16, and p-values below them would differ
    # between processors).
    at_least = (total + observed) // 2
    values = np.arange(n2 + 1)
    needed = -((values - at_least) // 2)  # ceil((at_least - A2) / 2) whole draws of A1
    tail = binom.pmf(values, n2, 0.5) * binom.sf(needed - 1, n1, 0.5)
    return float(min(1.0, 2.0 * tail.sum()))


def compare_predictions(y_true, pred_a, pred_b, metric: str = "accuracy",
                        n_bootstrap: int = 2000, seed: int = 0,
                        labels: str = "auto") -> PredictionComparison:
    """Compare two predictors on the same points, paired: difference, interval, test.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Gold labels: -1/+1 (the course's signed binary labels) or class indices
        0, ..., k-1 (see ``labels``).
    pred_a, pred_b : array-like of shape (n,)
        Predictions in the labels' convention; with signed labels a 0 is a tie
        ("no decision"), counted half right in the accuracy, as
        :func:`~dataprog_helpers.accuracy` does by default, and in its test (a
        tie against a right or wrong prediction is half a disagreement; see
        :attr:`PredictionComparison.p_value`), and as not +1 in F1.
    metric : {"accuracy", "f1"}, default "accuracy"
        F1 is that of the +1 class for signed labels, the mean over the classes
        (macro) for class indices.
    n_bootstrap : int, default 2000
        Resamples of the points for the interval.
    seed : int, default 0
        Seed of the resampling (``np.random.default_rng``): the same inputs give the
        same interval.
    labels : {"auto", "signed", "classes"}, default "auto"
        The labels' convention.  ``"auto"`` reads them as signed wherever a -1
        appears among the labels or predictions, else as class indices, and refuses
        the one case it cannot tell: every label 1, no -1 anywhere and a prediction
        of 0 (a tie, or class 0?).

    Returns
    -------
    PredictionComparison
        ``difference`` (metric of a minus that of b), ``interval`` (95%, paired
        bootstrap), ``p_value`` (McNemar's exact test for accuracy), ``a_only`` and
        ``b_only`` (the points only a, or only b, gets right); ``str()`` of it is a
        one-line summary.

    Examples
    --------
    >>> import numpy as np
    >>> from dataprog_helpers import compare_predictions
    >>> y = np.array([1, 1, -1, -1, 1, -1, 1, 1])
    >>> a = np.array([1, 1, -1, -1, 1, -1, 1, -1])
    >>> b = np.array([1, -1, -1, 1, 0, -1, 1, -1])
    >>> result = compare_predictions(y, a, b)
    >>> round(result.difference, 4), result.a_only.tolist(), result.b_only.tolist()
    (0.3125, [1, 3, 4], [])
    >>> round(result.p_value, 3)
    0.25
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    n_bootstrap = check_positive_int(n_bootstrap, "n_bootstrap")
    seed = check_seed(seed)
    y_true, pred_a, pred_b, signed = _checked(y_true, pred_a, pred_b, labels)
    n = y_true.size
    right_a, right_b = pred_a == y_true, pred_b == y_true
    a_only = np.flatnonzero(right_a & ~right_b)
    b_only = np.flatnonzero(right_b & ~right_a)
    if metric == "accuracy":
        per_point = np.stack([right_a + 0.5 * (pred_a == 0) * signed,
                              right_b + 0.5 * (pred_b == 0) * signed], axis=1)[:, :, None, None]
    else:
        per_point = np.stack([_f1_counts(y_true, pred_a, signed),
                              _f1_counts(y_true, pred_b, signed)], axis=1)

    def scores(sums: np.ndarray) -> np.ndarray:
        """a's and b's metric from the points' summed columns, shape (..., 2)."""
        return sums[..., 0, 0] / n if metric == "accuracy" else _f1(sums)

    score_a, score_b = scores(per_point.sum(axis=0))
    # What is resampled is the row indices, so both predictions of a point move
    # together (a paired bootstrap) and F1 is computed on each resample from the
    # points' summed counts.  Accuracy needs only each point's difference of scores;
    # F1's counts are 0/1 and sum exactly in float32 (below 2**24 points), which halves
    # the memory of a resample.  ``batch`` keeps one vectorised call near 32 MB.
    if metric == "accuracy":
        columns = (per_point[:, 0, 0, 0] - per_point[:, 1, 0, 0])[:, None]
    else:
        columns = per_point.reshape(n, -1).astype(np.float32)

    def difference_on(points: np.ndarray, axis: int = -1) -> np.ndarray:
        """The metric's difference on resampled points (row indices, shape (..., n))."""
        sums = np.take(columns, points.astype(np.intp), axis=0).sum(axis=axis % points.ndim)
        if metric == "accuracy":
            return sums[..., 0] / n
        resampled = scores(sums.astype(np.float64).reshape(*sums.shape[:-1],
                                                           *per_point.shape[1:]))
        return resampled[..., 0] - resampled[..., 1]

    from scipy.stats import bootstrap  # imported here: importing the package stays quick

    batch = max(1, 8_000_000 // (n * columns.shape[1]))
    result = bootstrap((np.arange(n),), difference_on, n_resamples=n_bootstrap, batch=batch,
                       vectorized=True, method="percentile", confidence_level=0.95,
                       rng=np.random.default_rng(seed))
    differences = result.bootstrap_distribution
    low, high = result.confidence_interval
    difference = float(score_a - score_b)
    if metric == "accuracy":
        p_value = sign_flip_p_value(per_point[:, 0, 0, 0] - per_point[:, 1, 0, 0])
    else:
        far_side = min(np.count_nonzero(differences <= 0.0),
                       np.count_nonzero(differences >= 0.0))
        p_value = float(min(1.0, 2.0 * (far_side + 1) / (n_bootstrap + 1)))
    return PredictionComparison(metric, float(score_a), float(score_b), difference,
                                (float(low), float(high)), p_value, a_only, b_only, n)



@dataclass(frozen=True)
class SplitComparison:
    """A difference measured on repeated random splits of one data set.

    Attributes
    ----------
    mean : float
        The mean of the per-split differences.
    standard_error : float
        Nadeau and Bengio's corrected standard error (see
        :func:`compare_over_splits`).
    interval : tuple of (float, float)
        ``mean -/+ t * standard_error``, t the Student quantile with ``n_splits - 1``
        degrees of freedom for ``level``.
    p_value : float
        Two-sided, of "the mean difference is 0", from the same t statistic.
    n_splits : int
    level : float
    """

    mean: float
    standard_error: float
    interval: tuple[float, float]
    p_value: float
    n_splits: int
    level: float

    def __str__(self) -> str:
        low, high = self.interval
        return (f"mean difference {self.mean:+.3f} over {self.n_splits} splits, corrected "
                f"standard error {self.standard_error:.3f}, {self.level:.0%} interval "
                f"{low:+.3f} to {high:+.3f}, p = {self.p_value:.2g}")


def compare_over_splits(differences, test_fraction: float, level: float = 0.95
                        ) -> SplitComparison:
    """The mean of per-split differences, with a standard error that counts the overlap.

    Repeated random splits of one data set reuse the same points, so their
    differences are correlated and ``sd / sqrt(J)`` understates the standard error:
    by a factor of about 2.4 for ten splits with 30% test points.  Nadeau and Bengio
    (*Inference for the Generalization Error*, Machine Learning 52, 2003) correct the
    variance of the mean to

        (1 / J + n_test / n_train) * s^2,

    with J splits, s the standard deviation of the differences, and n_test / n_train
    the ratio of test to training points in each split (here every point not in the
    test set counts as training).

    Parameters
    ----------
    differences : array-like of shape (J,)
        One difference per split (e.g. model a's test accuracy minus model b's on
        that split's test points), J >= 2.
    test_fraction : float
        The share of the points in each split's test set, in (0, 1).
    level : float, default 0.95

    Examples
    --------
    >>> from dataprog_helpers.comparison import compare_over_splits
    >>> result = compare_over_splits([0.01, -0.02, 0.0, 0.03, -0.01], test_fraction=0.3)
    >>> round(result.mean, 3), round(result.standard_error, 4)
    (0.002, 0.0153)
    """
    from scipy.stats import t

    differences = np.asarray(differences, dtype=np.float64)
    if differences.ndim != 1 or differences.size < 2 or not np.all(np.isfinite(differences)):
        raise ValueError("differences must be a one-dimensional array of at least two finite "
                         f"numbers, got shape {differences.shape}")
    for name, value in (("test_fraction", test_fraction), ("level", level)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    n_splits = differences.size
    mean = float(differences.mean())
    variance = (1 / n_splits + test_fraction / (1 - test_fraction)) * differences.var(ddof=1)
    standard_error = float(np.sqrt(variance))
    quantile = t.ppf(0.5 + level / 2, n_splits - 1)
    if standard_error == 0.0:
        p_value = 1.0 if mean == 0.0 else 0.0
    else:
        p_value = float(2 * t.sf(abs(mean) / standard_error, n_splits - 1))
    return SplitComparison(mean, standard_error, (mean - quantile * standard_error,
                                                  mean + quantile * standard_error),
                           p_value, n_splits, float(level))

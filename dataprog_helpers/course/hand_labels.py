"""What data programming is worth in hand labels, with an interval the data allows.

The question: how many hand-labeled training points would give the end model the
accuracy that data programming gives it?  The answer is read off a *hand-label
curve*: the same model trained on k gold-labeled points, for several k and several
random draws of the k points, scored on the test points.  Where the mean curve
reaches the pipeline's test accuracy is the point estimate.

Its uncertainty has two sources, and they are not independent: the test points
(both the curve and the pipeline are scored on the same ones) and the draws of the
hand-labeled points (a curve from a few draws is itself noisy).
:func:`labels_worth_interval` resamples both together: each bootstrap replicate
draws the test points with replacement (the same for the curve and the pipeline:
paired) and, for each k, the draws with replacement, and reads the worth off that
replicate's mean curve.  The percentiles of those readings are the interval.  A
replicate whose pipeline accuracy lies below the curve's first point reads "fewer
than the smallest k", one above its last point "more than the largest k"; the
interval's ends are then open, and say so.

Each function takes ``cardinality=k`` for k classes: gold labels are then class
indices 0 to k-1, the classifier trains on one-hot label vectors (a softmax), and a
point scores 1 when its predicted class is its class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..end_model import NoiseAwareClassifier
from ..utils.validation import (
    check_class_labels,
    check_features,
    check_labels,
    check_positive_int,
    check_real_in_range,
    check_same_length,
    check_seed,
)

__all__ = ["HandLabelScores", "LabelsWorth", "hand_label_curve", "hand_label_scores",
           "labels_worth", "labels_worth_interval", "point_scores"]


def point_scores(y, predictions, cardinality: int | None = None) -> np.ndarray:
    """Each point's score: 1 if right, 1/2 for a binary tie (a prediction of 0), else 0.

    With ``cardinality=k`` (class indices, where 0 is a class), 1 if right, else 0.
    """
    y, predictions = np.asarray(y), np.asarray(predictions)
    if cardinality is not None:
        return (predictions == y).astype(np.float64)
    return ((predictions == y) + 0.5 * (predictions == 0)).astype(np.float64)


def _gold(labels, name: str, cardinality: int | None) -> np.ndarray:
    """Labels in {-1, +1}, or class indices with ``cardinality``."""
    if cardinality is None:
        return check_labels(labels, name)
    return check_class_labels(labels, check_positive_int(cardinality, "cardinality", 3, 127),
                              name)


@dataclass(frozen=True)
class HandLabelScores:
    """Every hand-label run's score on every test point.

    Attributes
    ----------
    n_labels : ndarray of int64, shape (n_runs,)
        The k of each run.
    draws : ndarray of int64, shape (n_runs,)
        The draw number of each run within its k.
    scores : ndarray of float32, shape (n_runs, n_test)
        1 where the run's model is right on the test point, else 0.
    """

    n_labels: np.ndarray
    draws: np.ndarray
    scores: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        """The k tried, increasing."""
        return np.unique(self.n_labels)

    def curve(self) -> pd.DataFrame:
        """One row per run: ``n_labels``, ``draw`` and test ``accuracy``."""
        return pd.DataFrame({"n_labels": self.n_labels, "draw": self.draws,
                             "accuracy": self.scores.mean(axis=1, dtype=np.float64)})


def hand_label_scores(
    X_train, y_train, X_test, y_test, sizes: Sequence[int], n_draws: int = 20, seed: int = 0,
    cardinality: int | None = None, **classifier_params,
) -> HandLabelScores:
    """Train a classifier on k hand-labeled points, for each k and draw; score every test point.

    For every k in ``sizes`` and each of ``n_draws`` draws, k training points are
    chosen at random without replacement, a :class:`NoiseAwareClassifier` with
    ``classifier_params`` (and ``seed=draw``) is trained on their gold labels, and
    its prediction on every test point is kept as right or wrong.  A k equal to
    the number of training points is drawn once (every draw would be the same set).

    Parameters
    ----------
    X_train, X_test : array-like or SciPy sparse matrix, shapes (n_train, d), (n_test, d)
    y_train, y_test : array-like of shape (n_train,) and (n_test,)
        Gold labels in {-1, +1}, or class indices with ``cardinality``.
    sizes : sequence of int
        The k to try, each from 1 to ``n_train``.
    n_draws : int, default 20
        Draws per k: enough for the mean curve's own noise to be small next to the
        test set's, which :func:`labels_worth_interval` measures.
    seed : int, default 0
        Seed of the draws.
    cardinality : int, optional
        k, for k classes (see the module docstring).
    """
    X_train = check_features(X_train, "X_train", accept_sparse=True)
    X_test = check_features(X_test, "X_test", accept_sparse=True)
    y_train = _gold(y_train, "y_train", cardinality)
    y_test = _gold(y_test, "y_test", cardinality)
    check_same_length(X_train=X_train, y_train=y_train)
    check_same_length(X_test=X_test, y_test=y_test)
    sizes = [check_positive_int(size, "sizes") for size in sizes]
    if not sizes or sorted(set(sizes)) != sizes:
        raise ValueError(f"sizes must be a non-empty increasing sequence, got {sizes}")
    n_draws = check_positive_int(n_draws, "n_draws")
    rng = np.random.default_rng(check_seed(seed))
    if max(sizes) > len(y_train):
        raise ValueError(
            f"sizes go up to {max(sizes)} but there are only {len(y_train)} training points"
        )
    n_labels, draws, scores = [], [], []
    for size in sizes:
        for draw in range(1 if size == len(y_train) else n_draws):
            chosen = rng.choice(len(y_train), size=size, replace=False)
            model = NoiseAwareClassifier(seed=draw, **classifier_params)
            targets = ((y_train[chosen] == 1).astype(np.float64) if cardinality is None
                       else np.eye(cardinality)[y_train[chosen]])
            model.fit(X_train[chosen], targets)
            n_labels.append(size)
            draws.append(draw)
            scores.append(point_scores(y_test, model.predict(X_test), cardinality
                                       ).astype(np.float32))
    return HandLabelScores(np.array(n_labels, dtype=np.int64), np.array(draws, dtype=np.int64),
                           np.stack(scores))


def hand_label_curve(
    X_train, y_train, X_test, y_test, sizes: Sequence[int], n_draws: int = 20, seed: int = 0,
    cardinality: int | None = None, **classifier_params,
) -> pd.DataFrame:
    """Test accuracy of a classifier trained on k hand-labeled points, for each k.

    :func:`hand_label_scores` summed over the test points: a DataFrame with
    columns ``n_labels``, ``draw`` and ``accuracy``, one row per run.
    """
    return hand_label_scores(X_train, y_train, X_test, y_test, sizes, n_draws, seed,
                             cardinality, **classifier_params).curve()


def _crossing(sizes: np.ndarray, accuracies: np.ndarray, target: float) -> float:
    """Where the curve first reaches ``target``, linear in log k; 0 if below its first
    point, inf if above every point; NaN if the curve never rises through it."""
    if target < accuracies[0]:
        return 0.0
    for k in range(len(sizes) - 1):
        low, high = accuracies[k], accuracies[k + 1]
        if low <= target <= high and high > low:
            return float(np.exp(np.interp(target, [low, high], np.log(sizes[k : k + 2]))))
    if target == accuracies[0]:
        return float(sizes[0])
    return float("inf") if target > accuracies.max() else float("nan")


def _mean_curve(curve: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(curve, pd.DataFrame) or not {"n_labels", "accuracy"} <= set(curve.columns):
        raise ValueError("curve must be a DataFrame with columns n_labels and accuracy, "
                         "as hand_label_curve returns")
    means = curve.groupby("n_labels")["accuracy"].mean()
    return means.index.to_numpy(dtype=float), means.to_numpy()


def labels_worth(curve: pd.DataFrame, accuracy_reached: float) -> float:
    """How many hand labels give, on average, the accuracy ``accuracy_reached``.

    Interpolates the mean accuracy of :func:`hand_label_curve` linearly in
    log(k) between the two sizes it falls between.  Returns ``nan`` when the
    mean curve never comes down to or up to that accuracy within the sizes
    tried (less than the smallest or more than the largest k), or when it is
    not increasing there, so that the answer would not be one number.
    """
    accuracy_reached = check_real_in_range(accuracy_reached, "accuracy_reached", 0.0, 1.0)
    sizes, accuracies = _mean_curve(curve)
    worth = _crossing(sizes, accuracies, accuracy_reached)
    return worth if 0.0 < worth < float("inf") else float("nan")


@dataclass(frozen=True)
class LabelsWorth:
    """The worth of a pipeline in hand labels, with its bootstrap interval.

    Attributes
    ----------
    accuracy : float
        The pipeline's test accuracy.
    accuracy_interval : (float, float)
        Its 95% bootstrap interval over the test points.
    labels : float
        Where the mean hand-label curve reaches ``accuracy``: 0 means below the
        curve's first point (fewer than its smallest k), inf above its last.
    interval : (float, float)
        The 95% interval of ``labels`` over replicates that resample the test
        points and the draws together; 0 and inf mean open ends as above.
    smallest, largest : int
        The smallest and largest k the curve tried.
    n_bootstrap : int
    """

    accuracy: float
    accuracy_interval: tuple[float, float]
    labels: float
    interval: tuple[float, float]
    smallest: int
    largest: int
    n_bootstrap: int

    def describe(self, value: float) -> str:
        """A number of hand labels in words: "fewer than 5", "about 90", "more than 358"."""
        if value == 0.0:
            return f"fewer than {self.smallest}"
        if value == float("inf"):
            return f"more than {self.largest}"
        if np.isnan(value):
            return "not one number (the curve falls there)"
        return f"about {value:.2g}" if value < 100 else f"about {value:.0f}"

    def __str__(self) -> str:
        low, high = self.interval
        return (f"accuracy {self.accuracy:.3f}: worth {self.describe(self.labels)} hand labels "
                f"(95% interval: {self.describe(low)} to {self.describe(high)})")

    def to_series(self) -> pd.Series:
        """The numbers and their words, one entry each, for a table."""
        low, high = self.interval
        return pd.Series({
            "accuracy": round(self.accuracy, 3),
            "accuracy 95% interval": (f"{self.accuracy_interval[0]:.3f} to "
                                      f"{self.accuracy_interval[1]:.3f}"),
            "hand labels": self.describe(self.labels),
            "hand labels 95% interval": f"{self.describe(low)} to {self.describe(high)}",
        })


def labels_worth_interval(hand_labels: HandLabelScores, y_test, predictions,
                          n_bootstrap: int = 2000, seed: int = 0,
                          cardinality: int | None = None) -> LabelsWorth:
    """What a pipeline's test accuracy is worth in hand labels, with a 95% interval.

    Parameters
    ----------
    hand_labels : HandLabelScores
        From :func:`hand_label_scores`, scored on the same test points.
    y_test : array-like of shape (n_test,)
        Their gold labels in {-1, +1} (class indices with ``cardinality``).
    predictions : array-like of shape (n_test,)
        The pipeline's predictions there (a 0 counts half right; with
        ``cardinality``, class indices).
    n_bootstrap : int, default 2000
        Replicates.  Each draws the test points with replacement (the same ones
        for the curve and the pipeline) and, for every k, that many runs with
        replacement from its draws, then reads the worth off the replicate's mean
        curve (linear in log k between the sizes, the first crossing).
    seed : int, default 0
    cardinality : int, optional
        k, for k classes, as given to :func:`hand_label_scores`.

    Returns
    -------
    LabelsWorth
        The point estimate and the percentile interval (2.5% and 97.5%, taken as
        order statistics so that open ends stay open).
    """
    if not isinstance(hand_labels, HandLabelScores):
        raise TypeError("hand_labels must be the HandLabelScores of hand_label_scores, got "
                        f"{type(hand_labels).__name__}")
    y_test = _gold(y_test, "y_test", cardinality)
    predictions = np.asarray(predictions)
    if predictions.shape != y_test.shape:
        raise ValueError(f"predictions has shape {predictions.shape} but y_test has "
                         f"{y_test.shape}")
    if y_test.size != hand_labels.scores.shape[1]:
        raise ValueError(f"y_test has {y_test.size} points but hand_labels was scored on "
                         f"{hand_labels.scores.shape[1]}")
    n_bootstrap = check_positive_int(n_bootstrap, "n_bootstrap")
    rng = np.random.default_rng(check_seed(seed))
    pipeline = point_scores(y_test, predictions, cardinality)
    sizes = hand_labels.sizes
    n = y_test.size
    # The test-point resamples as counts, so every run's score on every replicate is
    # one matrix product: (runs, n) @ (n, replicates).
    counts = np.stack([np.bincount(rng.integers(n, size=n), minlength=n)
                       for _ in range(n_bootstrap)], axis=1).astype(np.float64)
    run_accuracy = hand_labels.scores.astype(np.float64) @ counts / n
    pipeline_accuracy = pipeline @ counts / n
    curves = np.empty((sizes.size, n_bootstrap))
    for row, size in enumerate(sizes):
        runs = np.flatnonzero(hand_labels.n_labels == size)
        chosen = runs[rng.integers(runs.size, size=(n_bootstrap, runs.size))]
        curves[row] = run_accuracy[chosen, np.arange(n_bootstrap)[:, None]].mean(axis=1)
    readings = np.array([_crossing(sizes, curves[:, b], pipeline_accuracy[b])
                         for b in range(n_bootstrap)])
    # A falling stretch of a replicate's curve that never rises through the target
    # gives no reading; counted as "more than the largest k" (it was not reached).
    readings[np.isnan(readings)] = np.inf
    means = hand_labels.curve().groupby("n_labels")["accuracy"].mean().to_numpy()
    accuracy = float(pipeline.mean())
    return LabelsWorth(
        accuracy=accuracy,
        accuracy_interval=(float(np.quantile(pipeline_accuracy, 0.025)),
                           float(np.quantile(pipeline_accuracy, 0.975))),
        labels=_crossing(sizes.astype(float), means, accuracy),
        interval=(float(np.quantile(readings, 0.025, method="lower")),
                  float(np.quantile(readings, 0.975, method="higher"))),
        smallest=int(sizes[0]), largest=int(sizes[-1]), n_bootstrap=n_bootstrap)

"""Tests of course.hand_labels: the hand-label curve, its reading, and the bootstrap interval."""

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers.course.hand_labels import (
    HandLabelScores,
    hand_label_curve,
    hand_label_scores,
    labels_worth,
    labels_worth_interval,
    point_scores,
)


def test_hand_label_curve_trains_on_k_labeled_points_per_draw(tutorial_data):
    data = tutorial_data
    X_train, y_train = data.X_train[:300], data.y_train[:300]
    curve = hand_label_curve(X_train, y_train, data.X_test, data.y_test, sizes=[20, 300],
                             n_draws=2, epochs=5)
    # k = 300 is every training point: one draw; k = 20 gets two.
    assert list(curve["n_labels"]) == [20, 20, 300]
    assert curve["accuracy"].between(0, 1).all()
    # 300 labels must beat 20 on average: with 100 weak features, 20 points give a
    # barely trained model (tutorial_quality shows ~0.88 with 8,000).
    assert curve.loc[curve.n_labels == 300, "accuracy"].mean() > curve.loc[
        curve.n_labels == 20, "accuracy"].mean()
    with pytest.raises(ValueError, match=r"sizes go up to 301 but there are only 300"):
        hand_label_curve(X_train, y_train, data.X_test, data.y_test, sizes=[301])


def test_labels_worth_interpolates_the_mean_curve_in_log_k():
    curve = pd.DataFrame({"n_labels": [10, 10, 100, 1000], "draw": [0, 1, 0, 0],
                          "accuracy": [0.6, 0.8, 0.8, 0.9]})
    # Means: 0.7 at 10, 0.8 at 100, 0.9 at 1000.  0.75 is halfway between 10 and 100 in log k.
    assert labels_worth(curve, 0.75) == pytest.approx(10**1.5)
    assert labels_worth(curve, 0.8) == pytest.approx(100)
    assert np.isnan(labels_worth(curve, 0.95))  # beyond the largest k tried
    assert np.isnan(labels_worth(curve, 0.5))   # below the smallest k tried


def test_hand_label_curve_and_labels_worth_reject_bad_input(tutorial_data):
    data = tutorial_data
    X, y = data.X_train[:50], data.y_train[:50]
    zero_one = (y == 1).astype(int)  # 0/1 labels would silently train on all-zero targets
    with pytest.raises(ValueError, match=r"y_train must contain only -1 and \+1"):
        hand_label_curve(X, zero_one, data.X_test, data.y_test, sizes=[10])
    with pytest.raises(ValueError, match=r"X_train has 50, y_train has 49"):
        hand_label_curve(X, y[:49], data.X_test, data.y_test, sizes=[10])
    with pytest.raises(ValueError, match=r"y_test must contain only -1 and \+1"):
        hand_label_curve(X, y, data.X_test, data.y_test * 0, sizes=[10])
    with pytest.raises(ValueError, match=r"curve must be a DataFrame with columns n_labels"):
        labels_worth(pd.DataFrame({"k": [1]}), 0.9)
    curve = pd.DataFrame({"n_labels": [10, 100], "accuracy": [0.7, 0.9]})
    with pytest.raises(ValueError, match=r"accuracy_reached must lie in \[0.0, 1.0\]"):
        labels_worth(curve, 1.5)


def test_the_scores_are_the_curve_point_by_point(tutorial_data):
    data = tutorial_data
    scores = hand_label_scores(data.X_train[:300], data.y_train[:300], data.X_test,
                               data.y_test, sizes=[20, 300], n_draws=2, epochs=5)
    assert scores.scores.shape == (3, data.y_test.size)
    curve = hand_label_curve(data.X_train[:300], data.y_train[:300], data.X_test, data.y_test,
                             sizes=[20, 300], n_draws=2, epochs=5)
    pd.testing.assert_frame_equal(scores.curve(), curve)
    np.testing.assert_array_equal(scores.sizes, [20, 300])
    with pytest.raises(ValueError, match="sizes must be a non-empty increasing"):
        hand_label_scores(data.X_train[:300], data.y_train[:300], data.X_test, data.y_test,
                          sizes=[300, 20])


def _simulated_scores(rng, n_test, sizes, n_draws, curve_of):
    """Runs whose points are right independently with the curve's probability at their k."""
    n_labels = np.repeat(sizes, n_draws)
    scores = (rng.random((n_labels.size, n_test)) < curve_of(n_labels)[:, None])
    return HandLabelScores(n_labels, np.tile(np.arange(n_draws), len(sizes)),
                           scores.astype(np.float32))


def _log_curve(k):
    return 0.7 + 0.05 * np.log10(k)  # 0.75 at 10, 0.8 at 100, 0.85 at 1,000


SIZES = np.array([10, 30, 100, 300, 1000])


def test_the_interval_holds_the_estimate_and_narrows_with_more_test_points():
    rng = np.random.default_rng(0)
    widths = []
    for n_test in (200, 5000):
        hand = _simulated_scores(rng, n_test, SIZES, 10, _log_curve)
        y = np.ones(n_test, dtype=int)
        predictions = np.where(rng.random(n_test) < 0.8, 1, -1)  # worth 100 labels
        worth = labels_worth_interval(hand, y, predictions, n_bootstrap=1000, seed=0)
        low, high = worth.interval
        assert low <= worth.labels <= high
        assert worth.accuracy_interval[0] <= worth.accuracy <= worth.accuracy_interval[1]
        widths.append(np.log(high) - np.log(max(low, 1.0)))
    assert widths[1] < widths[0] / 2


def test_the_draws_of_the_hand_labels_widen_the_interval():
    # The same test points, pipeline and mean curve; in one case every draw at a k is
    # the same run (no draw-to-draw noise), in the other the draws differ.
    rng = np.random.default_rng(1)
    n_test = 2000
    y, predictions = np.ones(n_test, dtype=int), np.where(rng.random(n_test) < 0.8, 1, -1)
    noisy = _simulated_scores(rng, n_test, SIZES, 3, _log_curve)
    means = np.stack([noisy.scores[noisy.n_labels == k].mean(axis=0) for k in SIZES])
    smooth = HandLabelScores(noisy.n_labels, noisy.draws,
                             np.repeat(means, 3, axis=0).astype(np.float32))
    width = {name: np.diff(np.log(labels_worth_interval(hand, y, predictions,
                                                         n_bootstrap=1000).interval))[0]
             for name, hand in (("noisy", noisy), ("smooth", smooth))}
    assert width["noisy"] > width["smooth"]


@pytest.mark.statistical
def test_the_interval_covers_the_true_worth_at_about_its_level():
    # The true curve is 0.7 + 0.05 log10 k and the pipeline is right with probability
    # 0.8: it is worth 100 hand labels.  Over 200 simulated test sets the 95% intervals
    # should miss 100 about 10 times; more than 22 misses has probability below 1e-3.
    misses = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        hand = _simulated_scores(rng, 300, SIZES, 10, _log_curve)
        predictions = np.where(rng.random(300) < 0.8, 1, -1)
        low, high = labels_worth_interval(hand, np.ones(300, dtype=int), predictions,
                                          n_bootstrap=1000, seed=seed).interval
        misses += not low <= 100 <= high
    assert misses <= 22


def test_open_ends_are_said_in_words():
    rng = np.random.default_rng(2)
    hand = _simulated_scores(rng, 400, SIZES, 5, _log_curve)
    y = np.ones(400, dtype=int)
    above = labels_worth_interval(hand, y, np.ones(400, dtype=int), n_bootstrap=200)
    assert above.labels == np.inf and above.interval[1] == np.inf
    assert "more than 1000" in str(above)
    below = labels_worth_interval(hand, y, -np.ones(400, dtype=int), n_bootstrap=200)
    assert below.labels == 0.0 and "fewer than 10" in str(below)
    assert below.to_series()["hand labels"] == "fewer than 10"


def test_point_scores_count_a_tie_half():
    np.testing.assert_array_equal(point_scores([1, 1, -1], [1, 0, 1]), [1.0, 0.5, 0.0])


def test_the_interval_refuses_mismatched_input():
    rng = np.random.default_rng(3)
    hand = _simulated_scores(rng, 50, SIZES, 2, _log_curve)
    y = np.ones(50, dtype=int)
    with pytest.raises(TypeError, match="hand_labels must be the HandLabelScores"):
        labels_worth_interval(hand.curve(), y, y)
    with pytest.raises(ValueError, match="y_test has 49 points but hand_labels was scored on 50"):
        labels_worth_interval(hand, y[:49], y[:49])
    with pytest.raises(ValueError, match="predictions has shape"):
        labels_worth_interval(hand, y, y[:49])
    with pytest.raises(ValueError, match="n_bootstrap"):
        labels_worth_interval(hand, y, y, n_bootstrap=0)


# --- k classes ----------------------------------------------------------------------------------

def _three_blobs(n: int, seed: int):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    return centres[y] + rng.normal(size=(n, 2)), y


def test_a_k_class_hand_label_curve_trains_softmax_models_on_class_indices():
    X_train, y_train = _three_blobs(400, 0)
    X_test, y_test = _three_blobs(300, 1)
    scores = hand_label_scores(X_train, y_train, X_test, y_test, [6, 60, 400],
                                           n_draws=3, cardinality=3, epochs=20)
    curve = scores.curve().groupby("n_labels")["accuracy"].mean()
    assert curve[400] > 0.85 and curve[400] >= curve[6]
    # Class 0 is a class here, not a tie: a wrong prediction of class 0 scores 0.
    assert point_scores([1, 0], [0, 0], cardinality=3).tolist() == [0.0, 1.0]
    worth = labels_worth_interval(scores, y_test, np.where(y_test == 0, 0, y_test),
                                              n_bootstrap=50, cardinality=3)
    assert worth.accuracy == 1.0 and worth.interval[1] == np.inf  # more than all 400
    with pytest.raises(ValueError, match=r"y_train must hold class indices 0 to 2"):
        hand_label_scores(X_train, y_train + 1, X_test, y_test, [6],
                                      cardinality=3)

"""compare_predictions: paired differences, McNemar's exact test, a seeded bootstrap
interval, ties counted half, k classes and F1, and refusals by argument name."""

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import f1_score

from dataprog_helpers import accuracy, compare_predictions


def _two_predictors(n, seed, k=None):
    rng = np.random.default_rng(seed)
    if k is None:
        y = rng.choice(np.array([-1, 1]), size=n)
        noise = rng.choice(np.array([-1, 0, 1]), size=(2, n))
    else:
        y = rng.integers(0, k, size=n)
        noise = rng.integers(0, k, size=(2, n))
    a = np.where(rng.random(n) < 0.85, y, noise[0])
    b = np.where(rng.random(n) < 0.75, y, noise[1])
    return y, a, b


def test_the_difference_the_points_and_the_exact_test_on_a_hand_example():
    y = np.array([1, 1, -1, -1, 1, -1, 1, 1])
    a = np.array([1, 1, -1, -1, 1, -1, 1, -1])
    b = np.array([1, -1, -1, 1, 0, -1, 1, -1])
    result = compare_predictions(y, a, b)
    # b's tie (point 4) counts half in its accuracy, as dh.accuracy does ...
    assert result.score_b == accuracy(y, b) == 4.5 / 8
    assert result.difference == pytest.approx(accuracy(y, a) - accuracy(y, b))
    # ... and as not right in the test: a alone is right on points 1, 3 and 4.
    assert result.a_only.tolist() == [1, 3, 4] and result.b_only.tolist() == []
    assert result.p_value == pytest.approx(binomtest(3, 3, 0.5).pvalue)
    assert "only a right on 3 points" in str(result)
    from dataprog_helpers.comparison import comparison_table

    table = comparison_table({"a": result, "a again": result}, baseline="b")
    assert list(table.index) == ["a", "a again"]
    assert table.loc["a", "difference"] == result.difference
    assert table.loc["a", "only it right"] == 3 and table["only b right"].dtype == np.int64
    assert (table.loc["a", "95% low"], table.loc["a", "95% high"]) == result.interval
    with pytest.raises(TypeError, match="comparisons must be a non-empty mapping"):
        comparison_table({"a": 0.5}, baseline="b")


@pytest.mark.parametrize("k", [None, 4])
def test_the_exact_test_counts_the_discordant_points(k):
    y, a, b = _two_predictors(3000, seed=1, k=k)
    if k is None:  # no ties here: the test is McNemar's
        a, b = np.where(a == 0, y, a), np.where(b == 0, -y, b)
    result = compare_predictions(y, a, b)
    right_a, right_b = a == y, b == y
    assert result.a_only.size == np.count_nonzero(right_a & ~right_b)
    assert result.b_only.size == np.count_nonzero(right_b & ~right_a)
    discordant = result.a_only.size + result.b_only.size
    assert result.p_value == pytest.approx(binomtest(result.a_only.size, discordant).pvalue)
    assert result.p_value < 1e-6  # a is right 10 points more often in 100


def _brute_force_sign_flip_p(differences):
    """P(|sum of randomly signed differences| >= |observed sum|), by enumerating the signs."""
    nonzero = np.asarray([d for d in differences if d != 0])
    observed = abs(nonzero.sum())
    signs = np.array(np.meshgrid(*[[-1, 1]] * nonzero.size)).reshape(nonzero.size, -1)
    sums = np.abs(np.abs(nonzero) @ signs)
    return np.mean(sums >= observed - 1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_with_ties_the_exact_test_is_the_sign_flip_test_of_the_half_counted_scores(seed):
    rng = np.random.default_rng(seed)
    y = rng.choice(np.array([-1, 1]), size=40)
    a = np.where(rng.random(40) < 0.7, y, rng.choice(np.array([-1, 0, 1]), size=40))
    b = np.where(rng.random(40) < 0.5, y, rng.choice(np.array([-1, 0, 1]), size=40))
    result = compare_predictions(y, a, b)
    score = {name: (p == y) + 0.5 * (p == 0) for name, p in (("a", a), ("b", b))}
    differences = score["a"] - score["b"]
    assert np.count_nonzero(np.abs(differences) == 0.5) > 0  # the case this test is for
    if np.count_nonzero(differences) <= 18:
        assert result.p_value == pytest.approx(_brute_force_sign_flip_p(differences), abs=1e-12)
    else:  # too many signs to enumerate: a Monte Carlo check within 5 standard errors
        signs = rng.choice([-1, 1], size=(200_000, differences.size))
        share = np.mean(np.abs(signs @ differences) >= abs(differences.sum()) - 1e-12)
        assert abs(result.p_value - share) < 5 * np.sqrt(share * (1 - share) / 200_000) + 1e-4


def test_ties_enter_the_test_as_half_points_so_it_agrees_with_the_interval():
    # b ties on 40 of 100 points where a is right on 24 of them and wrong on 16: the
    # accuracies differ by 0.04, which is noise; counting b's ties as "not right" in
    # the test would call a better (24 against 0 points).
    y = np.ones(100, dtype=int)
    a = np.concatenate([np.ones(24), -np.ones(16), np.ones(60)]).astype(int)
    b = np.concatenate([np.zeros(40), np.ones(60)]).astype(int)
    result = compare_predictions(y, a, b, labels="signed")
    assert result.difference == pytest.approx(0.04)
    assert result.interval[0] < 0 < result.interval[1]
    assert result.p_value > 0.2
    assert result.p_value == pytest.approx(binomtest(24, 40).pvalue)  # 40 half-points


@pytest.mark.statistical
def test_the_interval_covers_the_true_difference_at_about_its_level():
    # Predictors whose true accuracy difference is 0.05: over 200 test sets, the 95%
    # intervals should miss it about 10 times; binomially, more than 22 misses has
    # probability below 1e-3.
    misses = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        y = rng.choice(np.array([-1, 1]), size=400)
        right_a = rng.random(400) < 0.85
        right_b = right_a & (rng.random(400) < 0.8 / 0.85)  # b right only where a is
        a, b = np.where(right_a, y, -y), np.where(right_b, y, -y)
        low, high = compare_predictions(y, a, b, n_bootstrap=400, seed=seed).interval
        misses += not (low <= 0.05 <= high)
    assert misses <= 22


def test_the_interval_is_seeded_and_holds_the_difference():
    y, a, b = _two_predictors(500, seed=2)
    first = compare_predictions(y, a, b, n_bootstrap=300, seed=7)
    again = compare_predictions(y, a, b, n_bootstrap=300, seed=7)
    other = compare_predictions(y, a, b, n_bootstrap=300, seed=8)
    assert first.interval == again.interval != other.interval
    assert first.interval[0] < first.difference < first.interval[1]


@pytest.mark.parametrize("k", [None, 3])
def test_f1_is_the_positive_class_or_the_macro_mean(k):
    y, a, b = _two_predictors(800, seed=3, k=k)
    result = compare_predictions(y, a, b, metric="f1", n_bootstrap=200)
    if k is None:  # a tie is not a +1
        expected = [f1_score(y, np.where(p == 1, 1, -1), pos_label=1) for p in (a, b)]
    else:
        expected = [f1_score(y, p, average="macro") for p in (a, b)]
    assert result.score_a == pytest.approx(expected[0])
    assert result.difference == pytest.approx(expected[0] - expected[1])
    assert 1 / 201 <= result.p_value <= 1.0
    assert result.interval[0] < result.difference < result.interval[1]


def test_equal_predictions_differ_by_nothing():
    y, a, _ = _two_predictors(100, seed=4)
    result = compare_predictions(y, a, a.copy())
    assert result.difference == 0.0 and result.interval == (0.0, 0.0)
    assert result.p_value == 1.0 and result.a_only.size == result.b_only.size == 0


@pytest.mark.parametrize("arguments, error, message", [
    (([1, -1], [1], [1, -1]), ValueError, "pred_a has 1 predictions but y_true has 2"),
    (([1, -1], [1, -1], [1, -1, 1]), ValueError, "pred_b has 3"),
    (([-1, 2], [1, -1], [1, 1]), ValueError, "y_true mixes conventions"),
    (([1, -1], [1, 2], [1, -1]), ValueError, "pred_a must be -1, 0"),
    (([0.5, 1.0], [1, 1], [1, 1]), TypeError, "y_true must hold integer labels"),
    (([True, False], [1, 1], [1, 1]), TypeError, "y_true must hold integer labels"),
    (([[1, -1]], [1, -1], [1, -1]), ValueError, "y_true must be one-dimensional"),
    (([], [], []), ValueError, "y_true is empty"),
    # Every label 1, no -1: is pred_a's 0 a tie or class 0?  Not guessed.
    (([1, 1, 1], [1, 0, 1], [1, 1, 1]), ValueError, "pass labels='signed' or labels='classes'"),
])
def test_bad_input_is_refused_by_name(arguments, error, message):
    with pytest.raises(error, match=message):
        compare_predictions(*arguments)


def test_the_convention_can_be_named_where_it_cannot_be_told():
    y, a, b = [1, 1, 1, 1], [1, 0, 1, 1], [1, 1, 1, 0]
    signed = compare_predictions(y, a, [1, 1, 1, 1], labels="signed", n_bootstrap=50)
    assert signed.score_a == 3.5 / 4  # the 0 is a tie, half right
    classes = compare_predictions(y, a, b, labels="classes", n_bootstrap=50)
    assert classes.score_a == 3 / 4  # the 0 is class 0, wrong
    with pytest.raises(ValueError, match="class indices 0, 1, ... with labels='classes'"):
        compare_predictions([1, -1], [1, -1], [1, 1], labels="classes")
    with pytest.raises(ValueError, match="y_true mixes conventions"):
        compare_predictions([0, 1], [0, 1], [1, 1], labels="signed")


@pytest.mark.parametrize("keywords, error, message", [
    ({"metric": "auc"}, ValueError, "metric must be one of"),
    ({"labels": "binary"}, ValueError, "labels must be one of"),
    ({"n_bootstrap": 0}, ValueError, "n_bootstrap"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_bad_options_are_refused_by_name(keywords, error, message):
    with pytest.raises(error, match=message):
        compare_predictions([1, -1], [1, -1], [1, 1], **keywords)


def test_a_k_class_no_decision_is_refused_with_the_way_to_give_every_point_a_class():
    with pytest.raises(ValueError, match=r"pred_b holds -1 .*ties='random'"):
        compare_predictions([0, 2, 1, 1], [0, 2, 1, 0], [0, -1, 1, 1])


# --- repeated splits ---------------------------------------------------------------------


def test_over_splits_the_standard_error_counts_the_overlap():
    from scipy.stats import t

    from dataprog_helpers.comparison import compare_over_splits

    differences = np.array([-0.006, 0.012, -0.018, 0.0, -0.012, 0.006, -0.024, 0.006, -0.006,
                            -0.018])
    result = compare_over_splits(differences, test_fraction=0.3)
    naive = differences.std(ddof=1) / np.sqrt(10)
    # (1/10 + 0.3/0.7) / (1/10) = 5.29: the corrected standard error is 2.3 times the naive.
    assert result.standard_error == pytest.approx(naive * np.sqrt(1 + 10 * 0.3 / 0.7))
    assert result.mean == pytest.approx(differences.mean())
    half = t.ppf(0.975, 9) * result.standard_error
    assert result.interval == pytest.approx((result.mean - half, result.mean + half))
    assert result.p_value == pytest.approx(2 * t.sf(abs(result.mean) / result.standard_error, 9))
    assert "over 10 splits" in str(result)


@pytest.mark.parametrize("arguments, message", [
    (([0.1], 0.3), "at least two finite"),
    (([0.1, np.nan], 0.3), "at least two finite"),
    (([0.1, 0.2], 1.0), r"test_fraction must lie in \(0, 1\)"),
    (([0.1, 0.2], 0.3, 0.0), r"level must lie in \(0, 1\)"),
])
def test_over_splits_bad_input_is_refused_by_name(arguments, message):
    from dataprog_helpers.comparison import compare_over_splits

    with pytest.raises(ValueError, match=message):
        compare_over_splits(*arguments)


def test_a_tiny_p_value_with_ties_is_exact_to_its_last_digits():
    # 70 points a alone gets right, 3 where b alone does, 40 where one of them ties:
    # p near 1e-20, below the absolute error a convolution by FFT carries.  The
    # reference is exact rational arithmetic over the counts of A1 and A2.
    from fractions import Fraction
    from math import comb

    from dataprog_helpers.comparison import sign_flip_p_value

    differences = np.array([1.0] * 70 + [-1.0] * 3 + [0.5] * 36 + [-0.5] * 4)
    n1, n2 = 73, 40
    total, observed = 2 * n1 + n2, abs(2 * (2 * 70 + 36) - (2 * n1 + n2))
    exact = Fraction(0)
    for a1 in range(n1 + 1):
        for a2 in range(n2 + 1):
            if abs(2 * (2 * a1 + a2) - total) >= observed:
                exact += Fraction(comb(n1, a1) * comb(n2, a2), 2 ** (n1 + n2))
    assert float(exact) < 1e-15
    assert sign_flip_p_value(differences) == pytest.approx(float(exact), rel=1e-9, abs=0)

"""Tests of dataprog_helpers.synthetic: features, labeling functions, the tutorial split."""

import numpy as np
import pytest

from dataprog_helpers import make_features, make_label_matrix, make_tutorial_data

# --- make_features ----------------------------------------------------------------------


def test_make_features_returns_documented_shapes_dtypes_and_values():
    X, y, feature_accs = make_features(50, 7, seed=0)
    assert X.shape == (50, 7) and X.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int8
    assert feature_accs.shape == (7,) and feature_accs.dtype == np.float64
    assert set(np.unique(X)) <= {-1.0, 1.0}
    assert set(np.unique(y)) <= {-1, 1}
    assert np.all((feature_accs >= 0.4) & (feature_accs <= 0.6))


def test_make_features_is_reproducible_for_a_seed_and_differs_across_seeds():
    first, again, other = (make_features(200, 10, seed=s) for s in (3, 3, 4))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[2], other[2])


def test_make_features_agreement_rates_match_feature_accs_within_binomial_error(z_bound):
    n, d = 20_000, 20
    X, y, feature_accs = make_features(n, d, seed=1)
    agreement = (X == y[:, None]).mean(axis=0)
    # Each agreement rate is a mean of n Bernoulli(feature_accs[j]) draws.
    standard_errors = np.sqrt(feature_accs * (1 - feature_accs) / n)
    assert np.all(np.abs(agreement - feature_accs) <= z_bound(d) * standard_errors)


def test_make_features_labels_are_balanced_within_binomial_error(z_bound):
    n = 20_000
    _, y, _ = make_features(n, 1, seed=2)
    # P(y = +1) = 1/2, so the fraction of positives has standard error sqrt(1/4 / n).
    assert abs((y == 1).mean() - 0.5) <= z_bound(1) * np.sqrt(0.25 / n)


@pytest.mark.parametrize(
    ("n", "d", "error", "pattern"),
    [
        (0, 5, ValueError, r"n must lie in \[1, "),
        (-3, 5, ValueError, r"n must lie in \[1, "),
        (2.5, 5, TypeError, r"n must be an integer"),
        (10, 0, ValueError, r"d must lie in \[1, "),
        (10, 2.5, TypeError, r"d must be an integer"),
        (10, "5", TypeError, r"d must be an integer"),
    ],
)
def test_make_features_rejects_bad_sizes(n, d, error, pattern):
    with pytest.raises(error, match=pattern):
        make_features(n, d, seed=0)


# --- make_label_matrix -----------------------------------------------------------------


@pytest.fixture(scope="module")
def many_labels():
    return make_features(40_000, 1, seed=5)[1]


def test_make_label_matrix_returns_int8_votes_in_minus_one_zero_one(many_labels):
    L, lf_accs = make_label_matrix(many_labels[:100], 6, 0.5, seed=0)
    assert L.shape == (100, 6) and L.dtype == np.int8
    assert lf_accs.shape == (6,)
    assert set(np.unique(L)) <= {-1, 0, 1}
    assert np.all((lf_accs >= 0.45) & (lf_accs <= 0.75))  # the default acc_range


def test_make_label_matrix_coverage_and_accuracy_match_requested_values(many_labels, z_bound):
    y, m, coverage = many_labels, 10, 0.3
    L, lf_accs = make_label_matrix(y, m, coverage, acc_range=(0.55, 0.9), seed=1)
    votes = L != 0
    n_votes = votes.sum(axis=0)
    empirical_coverage = n_votes / len(y)
    empirical_accuracy = ((L == y[:, None]) & votes).sum(axis=0) / n_votes
    # Coverage: mean of n Bernoulli(coverage); accuracy: mean of n_votes Bernoulli(lf_accs).
    # 2 m z-scores in all, so the Bonferroni bound is taken over 2 m comparisons.
    z = z_bound(2 * m)
    coverage_se = np.sqrt(coverage * (1 - coverage) / len(y))
    accuracy_se = np.sqrt(lf_accs * (1 - lf_accs) / n_votes)
    assert np.all(np.abs(empirical_coverage - coverage) <= z * coverage_se)
    assert np.all(np.abs(empirical_accuracy - lf_accs) <= z * accuracy_se)
    assert np.all((lf_accs >= 0.55) & (lf_accs <= 0.9))


def test_make_label_matrix_full_coverage_and_perfect_accuracy_copies_the_labels(many_labels):
    y = many_labels[:500]
    L, lf_accs = make_label_matrix(y, 4, 1.0, acc_range=(1.0, 1.0), seed=0)
    np.testing.assert_array_equal(lf_accs, 1.0)
    np.testing.assert_array_equal(L, np.repeat(y[:, None], 4, axis=1))


def test_make_label_matrix_is_reproducible_for_a_seed_and_differs_across_seeds(many_labels):
    y = many_labels[:300]
    first, again, other = (make_label_matrix(y, 5, 0.5, seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"y": [0, 1, 1]}, ValueError, r"y must contain only -1 and \+1"),
        ({"y": [[1, -1]]}, ValueError, r"y must be 1-D"),
        ({"y": []}, ValueError, r"y is empty"),
        ({"y": [1.0, np.nan]}, ValueError, r"y contains NaN"),
        ({"m": 0}, ValueError, r"m must lie in \[1, "),
        ({"m": 2.0}, TypeError, r"m must be an integer"),
        ({"coverage": 0.0}, ValueError, r"coverage must lie in \(0.0, 1.0\]"),
        ({"coverage": 1.5}, ValueError, r"coverage must lie in"),
        ({"coverage": float("nan")}, ValueError, r"coverage must lie in"),
        ({"acc_range": (-0.1, 0.5)}, ValueError, r"acc_range\[0\] must lie in \[0.0, 1.0\]"),
        ({"acc_range": (0.5, 1.1)}, ValueError, r"acc_range\[1\] must lie in \[0.0, 1.0\]"),
        ({"acc_range": (0.8, 0.2)}, ValueError, r"acc_range must satisfy low <= high"),
        ({"acc_range": 0.5}, ValueError, r"acc_range must be a pair"),
        ({"acc_range": (0.1, 0.2, 0.3)}, ValueError, r"acc_range must be a pair"),
        ({"acc_range": (0.1,)}, ValueError, r"acc_range must be a pair"),
        ({"acc_range": ("low", "high")}, ValueError, r"acc_range must be a pair"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_make_label_matrix_rejects_bad_arguments(kwargs, error, pattern):
    arguments = {"y": [1, -1, 1], "m": 3, "coverage": 0.5, "seed": 0} | kwargs
    with pytest.raises(error, match=pattern):
        make_label_matrix(**arguments)


# --- make_tutorial_data ------------------------------------------------------------------


def test_make_tutorial_data_splits_8000_train_and_2000_test_with_documented_shapes(
    tutorial_data,
):
    data = tutorial_data
    assert data.X_train.shape == (8000, 100) and data.X_test.shape == (2000, 100)
    assert data.L_train.shape == (8000, 20) and data.L_test.shape == (2000, 20)
    assert data.y_train.shape == (8000,) and data.y_test.shape == (2000,)
    assert data.X_train.dtype == np.float32 and data.L_train.dtype == np.int8
    assert data.y_train.dtype == np.int8
    assert data.feature_accs.shape == (100,) and data.lf_accs.shape == (20,)
    assert set(np.unique(data.L_train)) <= {-1, 0, 1}
    # Disjoint: no test point's feature row occurs in the training set.  Two distinct
    # points agree on a feature with probability p^2 + (1-p)^2 <= 0.52 (p in [0.4, 0.6]),
    # so on all 100 with probability <= 0.52^100 ~ 4e-29: rows identify points.
    train_rows = {row.tobytes() for row in data.X_train}
    assert not any(row.tobytes() in train_rows for row in data.X_test)


def test_make_tutorial_data_train_and_test_partition_the_generated_points():
    # The docstring fixes the generative seeds: features use `seed`, the LFs `seed + 1`.
    # Rebuild the unsplit data and check the split is a partition of its rows.  Two
    # points agree on a feature with probability <= 0.52, on all 40 with <= 0.52^40 ~
    # 4e-12, i.e. < 1e-6 over the ~180,000 pairs: the rows identify the points.
    seed, n, d, m, coverage = 4, 600, 40, 5, 0.5
    data = make_tutorial_data(n=n, d=d, m=m, coverage=coverage, test_fraction=0.25, seed=seed)
    X, y, _ = make_features(n, d, seed)
    L, _ = make_label_matrix(y, m, coverage, (0.45, 0.75), seed + 1)
    full = np.hstack([X, L, y[:, None]])
    train = np.hstack([data.X_train, data.L_train, data.y_train[:, None]])
    test = np.hstack([data.X_test, data.L_test, data.y_test[:, None]])
    assert len(np.unique(full, axis=0)) == n
    assert len(test) == 150 and len(train) == 450
    np.testing.assert_array_equal(
        np.unique(np.vstack([train, test]), axis=0), np.unique(full, axis=0)
    )
    train_rows = {row.tobytes() for row in train}
    assert not any(row.tobytes() in train_rows for row in test)


def test_make_tutorial_data_is_reproducible_for_a_seed_and_differs_across_seeds():
    first, again, other = (make_tutorial_data(n=300, d=5, m=4, seed=s) for s in (1, 1, 2))
    for field in ("X_train", "y_test", "L_train", "lf_accs", "feature_accs"):
        np.testing.assert_array_equal(getattr(first, field), getattr(again, field))
        assert not np.array_equal(getattr(first, field), getattr(other, field))


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"test_fraction": 0.0}, ValueError, r"test_fraction must lie in \(0.0, 1.0\)"),
        ({"test_fraction": 1.0}, ValueError, r"test_fraction must lie in \(0.0, 1.0\)"),
        ({"test_fraction": "0.2"}, TypeError, r"test_fraction must be a real number"),
        ({"n": 3, "test_fraction": 0.1}, ValueError, r"test_fraction=0.1 leaves an empty"),
        ({"n": 0}, ValueError, r"n must lie in \[1, "),
        ({"d": 1.5}, TypeError, r"d must be an integer"),
        ({"coverage": 0.0}, ValueError, r"coverage must lie in"),
        ({"acc_range": (0.9, 0.1)}, ValueError, r"acc_range must satisfy low <= high"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_make_tutorial_data_rejects_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        make_tutorial_data(**({"n": 100, "d": 3, "m": 3} | kwargs))


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_features(10, 2, seed=-1),
        lambda: make_label_matrix([1, -1], 3, 0.5, seed=-1),
        lambda: make_tutorial_data(n=100, d=3, m=3, seed=-1),
    ],
    ids=["make_features", "make_label_matrix", "make_tutorial_data"],
)
def test_synthetic_generators_reject_negative_seed_naming_the_argument(call):
    with pytest.raises(ValueError, match=r"seed"):
        call()

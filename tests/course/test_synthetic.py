"""Tests of dataprog_helpers.synthetic: features, labeling functions, the tutorial split."""


import numpy as np
import pytest

from dataprog_helpers import agreement_matrix
from dataprog_helpers.course import (
    add_near_copies,
    make_features,
    make_label_matrix,
    make_one_sided_label_matrix,
    make_tutorial_data,
    sample_label_matrix,
)
from dataprog_helpers.course.synthetic import draw_labels

# --- make_features ----------------------------------------------------------------------


def test_make_features_returns_documented_shapes_dtypes_and_values():
    X, y, feature_accuracies = make_features(50, 7, seed=0)
    assert X.shape == (50, 7) and X.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int8
    assert feature_accuracies.shape == (7,) and feature_accuracies.dtype == np.float64
    assert set(np.unique(X)) <= {-1.0, 1.0}
    assert set(np.unique(y)) <= {-1, 1}
    assert np.all((feature_accuracies >= 0.4) & (feature_accuracies <= 0.6))


def test_make_features_is_reproducible_for_a_seed_and_differs_across_seeds():
    first, again, other = (make_features(200, 10, seed=s) for s in (3, 3, 4))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[2], other[2])


def test_make_features_agreement_rates_match_feature_accuracies_within_binomial_error(z_bound):
    n, d = 20_000, 20
    X, y, feature_accuracies = make_features(n, d, seed=1)
    agreement = (X == y[:, None]).mean(axis=0)
    # Each agreement rate is a mean of n Bernoulli(feature_accuracies[j]) draws.
    standard_errors = np.sqrt(feature_accuracies * (1 - feature_accuracies) / n)
    assert np.all(np.abs(agreement - feature_accuracies) <= z_bound(d) * standard_errors)


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


def _tutorial_stream_features(n, d, seed):
    """The tutorial's balanced draws, written out in one block (the generative story)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    feature_accuracies = rng.uniform(0.4, 0.6, size=d)
    agrees = rng.random((n, d)) < feature_accuracies
    return np.where(agrees, y[:, None], -y[:, None]).astype(np.float32), y, feature_accuracies


def _tutorial_stream_label_matrix(y, m, coverage, accuracy_range, seed):
    rng = np.random.default_rng(seed)
    lf_accuracies = rng.uniform(*accuracy_range, size=m)
    votes = rng.random((len(y), m)) < coverage
    correct = rng.random((len(y), m)) < lf_accuracies
    signed_y = y[:, None]
    return np.where(votes, np.where(correct, signed_y, -signed_y), 0).astype(np.int8), lf_accuracies


@pytest.mark.parametrize("kwargs", [{}, {"class_prior": 0.5}], ids=["default", "explicit"])
def test_class_prior_one_half_keeps_the_tutorial_random_stream(kwargs):
    # The notebooks' committed outputs depend on every seed's data: with class_prior
    # 0.5 (given or by default) and at most one block of rows, the draws must be exactly
    # the one-block draws the tutorial was written with (so the two calls agree too).
    for a, b in zip(make_features(100, 3, seed=0, **kwargs), _tutorial_stream_features(100, 3, 0),
                    strict=True):
        np.testing.assert_array_equal(a, b)
    _, y, _ = make_features(5000, 1, seed=3, **kwargs)
    L, lf_accuracies = make_label_matrix(y, 6, 0.4, (0.45, 0.75), seed=4)
    L_ref, lf_accuracies_ref = _tutorial_stream_label_matrix(y, 6, 0.4, (0.45, 0.75), 4)
    np.testing.assert_array_equal(L, L_ref)
    np.testing.assert_array_equal(lf_accuracies, lf_accuracies_ref)


@pytest.mark.parametrize("class_prior", [0.1, 0.3, 0.8])
def test_make_features_fraction_of_positives_matches_class_prior(class_prior, z_bound):
    n = 20_000
    _, y, _ = make_features(n, 1, seed=8, class_prior=class_prior)
    # Each label is +1 with probability class_prior: the fraction of positives is a
    # binomial proportion with standard error sqrt(b (1 - b) / n) (<= 0.0035 here);
    # three settings are checked, so the Bonferroni bound is over 3 comparisons.
    se = np.sqrt(class_prior * (1 - class_prior) / n)
    assert abs((y == 1).mean() - class_prior) <= z_bound(3) * se
    assert set(np.unique(y)) == {-1, 1}


def test_make_tutorial_data_fraction_of_positives_matches_class_prior(z_bound):
    n, class_prior = 10_000, 0.2
    data = make_tutorial_data(n=n, d=2, class_prior=class_prior, seed=5)
    y = np.concatenate([data.y_train, data.y_test])
    # The split only reorders the n labels, so together they are n Bernoulli(0.2) draws.
    se = np.sqrt(class_prior * (1 - class_prior) / n)
    assert abs((y == 1).mean() - class_prior) <= z_bound(1) * se


@pytest.mark.parametrize(
    "call",
    [
        lambda prior: make_features(10, 2, seed=0, class_prior=prior),
        lambda prior: make_tutorial_data(n=100, d=3, m=3, class_prior=prior),
    ],
    ids=["make_features", "make_tutorial_data"],
)
@pytest.mark.parametrize(
    ("class_prior", "error", "pattern"),
    [
        (0, ValueError, r"class_prior must lie in \(0.0, 1.0\), got 0.0"),
        (1, ValueError, r"class_prior must lie in \(0.0, 1.0\), got 1.0"),
        (1.5, ValueError, r"class_prior must lie in \(0.0, 1.0\)"),
        (float("nan"), ValueError, r"class_prior must lie in"),
        ("a", TypeError, r"class_prior must be a real number"),
        (None, TypeError, r"class_prior must be a real number"),
    ],
    ids=["zero", "one", "above-one", "nan", "str", "none"],
)
def test_generators_reject_bad_class_prior(call, class_prior, error, pattern):
    with pytest.raises(error, match=pattern):
        call(class_prior)


def test_make_features_beyond_one_block_keeps_the_feature_accuracies(two_block_data, z_bound):
    data = two_block_data
    tail = slice(data.block_rows, None)  # the second block: 4,464 rows
    d = data.X.shape[1]
    # Agreement rate of each feature with y, over all rows and over the second block:
    # binomial proportions with standard error sqrt(a (1 - a) / rows); 2 d comparisons.
    z = z_bound(2 * d)
    for rows in (slice(None), tail):
        agreement = (data.X[rows] == data.y[rows, None]).mean(axis=0)
        n = len(data.y[rows])
        se = np.sqrt(data.feature_accuracies * (1 - data.feature_accuracies) / n)
        assert np.all(np.abs(agreement - data.feature_accuracies) <= z * se)
    # Each block draws fresh numbers: the second block does not repeat the first.
    assert not np.array_equal(data.X[tail], data.X[: len(data.X) - data.block_rows])


# --- make_label_matrix -----------------------------------------------------------------


@pytest.fixture(scope="module")
def many_labels():
    return make_features(40_000, 1, seed=5)[1]


def test_make_label_matrix_returns_int8_votes_in_minus_one_zero_one(many_labels):
    L, lf_accuracies = make_label_matrix(many_labels[:100], 6, 0.5, seed=0)
    assert L.shape == (100, 6) and L.dtype == np.int8
    assert lf_accuracies.shape == (6,)
    assert set(np.unique(L)) <= {-1, 0, 1}
    assert np.all((lf_accuracies >= 0.45) & (lf_accuracies <= 0.75))  # the default accuracy_range


def test_make_label_matrix_coverage_and_accuracy_match_requested_values(many_labels, z_bound):
    y, m, coverage = many_labels, 10, 0.3
    L, lf_accuracies = make_label_matrix(y, m, coverage, accuracy_range=(0.55, 0.9), seed=1)
    votes = L != 0
    n_votes = votes.sum(axis=0)
    empirical_coverage = n_votes / len(y)
    empirical_accuracy = ((L == y[:, None]) & votes).sum(axis=0) / n_votes
    # Coverage: mean of n Bernoulli(coverage); accuracy: mean of n_votes Bernoulli(lf_accuracies).
    # 2 m z-scores in all, so the Bonferroni bound is taken over 2 m comparisons.
    z = z_bound(2 * m)
    coverage_se = np.sqrt(coverage * (1 - coverage) / len(y))
    accuracy_se = np.sqrt(lf_accuracies * (1 - lf_accuracies) / n_votes)
    assert np.all(np.abs(empirical_coverage - coverage) <= z * coverage_se)
    assert np.all(np.abs(empirical_accuracy - lf_accuracies) <= z * accuracy_se)
    assert np.all((lf_accuracies >= 0.55) & (lf_accuracies <= 0.9))


def test_make_label_matrix_full_coverage_and_perfect_accuracy_copies_the_labels(many_labels):
    y = many_labels[:500]
    L, lf_accuracies = make_label_matrix(y, 4, 1.0, accuracy_range=(1.0, 1.0), seed=0)
    np.testing.assert_array_equal(lf_accuracies, 1.0)
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
        ({"accuracy_range": (-0.1, 0.5)}, ValueError,
         r"accuracy_range\[0\] must lie in \[0.0, 1.0\]"),
        ({"accuracy_range": (0.5, 1.1)}, ValueError,
         r"accuracy_range\[1\] must lie in \[0.0, 1.0\]"),
        ({"accuracy_range": (0.8, 0.2)}, ValueError, r"accuracy_range must satisfy low <= high"),
        ({"accuracy_range": 0.5}, ValueError, r"accuracy_range must be a pair"),
        ({"accuracy_range": (0.1, 0.2, 0.3)}, ValueError, r"accuracy_range must be a pair"),
        ({"accuracy_range": (0.1,)}, ValueError, r"accuracy_range must be a pair"),
        ({"accuracy_range": ("low", "high")}, ValueError, r"accuracy_range must be a pair"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_make_label_matrix_rejects_bad_arguments(kwargs, error, pattern):
    arguments = {"y": [1, -1, 1], "m": 3, "coverage": 0.5, "seed": 0} | kwargs
    with pytest.raises(error, match=pattern):
        make_label_matrix(**arguments)


def test_make_label_matrix_beyond_one_block_keeps_coverage_and_accuracy(two_block_data,
                                                                         z_bound):
    # 70,000 rows are drawn as a block of 65,536 and one of 4,464.  Per LF, coverage
    # is a mean of Bernoulli(coverage) over the rows and accuracy a mean of
    # Bernoulli(lf_accuracies) over the votes; both are checked on all rows and on the
    # second block alone, so a broken second block cannot hide in the average:
    # 2 statistics x 2 row sets x m LFs comparisons in the Bonferroni bound.
    data = two_block_data
    m, coverage = data.L.shape[1], data.coverage
    z = z_bound(4 * m)
    for rows in (slice(None), slice(data.block_rows, None)):
        L, y = data.L[rows], data.y[rows]
        votes = L != 0
        n_votes = votes.sum(axis=0)
        coverage_se = np.sqrt(coverage * (1 - coverage) / len(y))
        accuracy_se = np.sqrt(data.lf_accuracies * (1 - data.lf_accuracies) / n_votes)
        assert np.all(np.abs(n_votes / len(y) - coverage) <= z * coverage_se)
        empirical_accuracy = ((L == y[:, None]) & votes).sum(axis=0) / n_votes
        assert np.all(np.abs(empirical_accuracy - data.lf_accuracies) <= z * accuracy_se)
    assert data.L.dtype == np.int8 and set(np.unique(data.L)) == {-1, 0, 1}
    assert not np.array_equal(data.L[data.block_rows:], data.L[: len(data.L) - data.block_rows])


# --- sample_label_matrix ---------------------------------------------------------------

# Vote and class indices of a conditional_probabilities table.
VOTES = np.array([-1, 0, 1])
CLASSES = np.array([-1, 1])


@pytest.fixture(scope="module")
def balanced_labels():
    """200,000 labels, +1 with probability 1/2 (four blocks of random draws)."""
    return np.where(np.random.default_rng(21).random(200_000) < 0.5, 1, -1).astype(np.int8)


@pytest.fixture(scope="module")
def random_table():
    """A valid table for 6 LFs, drawn from a Dirichlet, with some votes of probability 0."""
    rng = np.random.default_rng(22)
    table = rng.dirichlet(np.ones(3), size=(6, 2))
    table[0, 0, 0] = table[2, 1, 2] = table[4, :, 1] = 0.0  # never -1 / +1 / abstain
    return table / table.sum(axis=2, keepdims=True)


def empirical_table(L, y):
    """Frequencies of each vote among the points of each class, shape (m, 2, 3)."""
    counts = np.array([(y == c).sum() for c in CLASSES])
    table = np.array([[[(L[y == c, i] == v).sum() for v in VOTES] for c in CLASSES]
                      for i in range(L.shape[1])])
    return table / counts[None, :, None], counts


def assert_votes_follow_table(L, y, table, z):
    # Each frequency is a binomial proportion over the n_c points of class c: it lies
    # within z standard errors sqrt(p (1 - p) / n_c) of p (exactly p when p is 0 or 1).
    observed, counts = empirical_table(L, y)
    standard_errors = np.sqrt(table * (1 - table) / counts[None, :, None])
    assert np.all(np.abs(observed - table) <= z * standard_errors)


def test_sample_label_matrix_returns_int8_votes_of_shape_n_by_m(random_table):
    L = sample_label_matrix([1, -1, -1, 1, 1], random_table, seed=0)
    assert L.shape == (5, 6) and L.dtype == np.int8
    assert set(np.unique(L)) <= {-1, 0, 1}


def test_sample_label_matrix_vote_frequencies_match_the_table_within_binomial_error(
    balanced_labels, random_table, z_bound
):
    # 6 LFs x 2 classes x 3 votes = 36 proportions; the Bonferroni bound for 36
    # comparisons at family error 1e-3 is z ~ 4.2 standard errors (each se <= 0.0016).
    L = sample_label_matrix(balanced_labels, random_table, seed=3)
    assert_votes_follow_table(L, balanced_labels, random_table, z_bound(36))
    assert not (L[balanced_labels == -1, 0] == -1).any()  # probability 0: never drawn
    assert not (L[balanced_labels == 1, 2] == 1).any()
    assert not (L[:, 4] == 0).any()


def test_sample_label_matrix_votes_are_independent_given_the_label(
    balanced_labels, random_table, z_bound
):
    # Given y = c, P(L_1 = a, L_3 = b) = P(L_1 = a | c) P(L_3 = b | c): 2 x 9 joint
    # proportions, each within z(18) binomial standard errors of the product.
    L = sample_label_matrix(balanced_labels, random_table, seed=4)
    z = z_bound(18)
    for c, label in enumerate(CLASSES):
        rows = L[balanced_labels == label]
        for a, vote_a in enumerate(VOTES):
            for b, vote_b in enumerate(VOTES):
                p = random_table[1, c, a] * random_table[3, c, b]
                observed = ((rows[:, 1] == vote_a) & (rows[:, 3] == vote_b)).mean()
                assert abs(observed - p) <= z * np.sqrt(p * (1 - p) / len(rows))


def test_sample_label_matrix_certain_rows_give_exact_votes_with_class_index_0_for_minus_one():
    y = np.array([1, -1, -1, 1, -1], dtype=np.int8)
    table = np.array([
        [[1, 0, 0], [0, 0, 1]],  # always votes y
        [[0, 1, 0], [0, 1, 0]],  # always abstains
        [[0, 0, 1], [1, 0, 0]],  # always votes -y
        [[0, 0, 1], [0, 1, 0]],  # +1 on y = -1, abstains on y = +1
    ])
    L = sample_label_matrix(y, table, seed=0)
    expected = np.stack([y, np.zeros_like(y), -y, np.where(y == -1, 1, 0)], axis=1)
    np.testing.assert_array_equal(L, expected)


def test_sample_label_matrix_does_not_depend_on_the_block_size(random_table):
    # The documented rule, drawn in one block: one uniform per entry, row by row,
    # -1 below p[0], +1 from 1 - p[2] on.  70,000 rows are two blocks of the package.
    y = np.where(np.random.default_rng(5).random(70_000) < 0.3, 1, -1).astype(np.int8)
    u = np.random.default_rng(6).random((len(y), random_table.shape[0]))
    p = random_table[:, (y == 1).astype(int)].transpose(1, 0, 2)  # (n, m, 3)
    expected = np.where(u < p[..., 0], -1, np.where(u >= 1 - p[..., 2], 1, 0))
    np.testing.assert_array_equal(sample_label_matrix(y, random_table, seed=6), expected)


def test_sample_label_matrix_is_reproducible_for_a_seed_and_differs_across_seeds(
    random_table,
):
    y = np.tile(np.array([1, -1], dtype=np.int8), 500)
    first, again, other = (sample_label_matrix(y, random_table, seed=s) for s in (9, 9, 10))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("label", [-1, 1])
def test_sample_label_matrix_handles_a_single_class(label, random_table, z_bound):
    # Only the rows of the present class are used; 6 LFs x 3 votes proportions.
    n = 50_000
    y = np.full(n, label, dtype=np.int8)
    L = sample_label_matrix(y, random_table, seed=7)
    c = int(label == 1)
    observed = np.array([[(L[:, i] == v).mean() for v in VOTES] for i in range(6)])
    expected = random_table[:, c]
    assert np.all(np.abs(observed - expected)
                  <= z_bound(36) * np.sqrt(expected * (1 - expected) / n))


def test_sample_label_matrix_accepts_rows_within_the_tolerance_and_lists():
    table = [[[0.2, 0.3, 0.5 + 5e-10], [0.0, 1.0, 0.0]]]
    L = sample_label_matrix([1, -1, 1], table, seed=0)
    assert L.shape == (3, 1) and L[1, 0] == 0


def _valid_table():
    return np.tile(np.array([[0.2, 0.5, 0.3], [0.1, 0.6, 0.3]]), (3, 1, 1))


def _table_with(index, row):
    table = _valid_table()
    table[index] = row
    return table


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"conditional_probabilities": _valid_table()[:, 0]}, ValueError,
         r"conditional_probabilities must be 3-D with shape \(n_lfs, 2, 3\), got shape \(3, 3\)"),
        ({"conditional_probabilities": _valid_table().transpose(0, 2, 1)}, ValueError,
         r"conditional_probabilities must have shape \(n_lfs, 2, 3\).*got shape \(3, 3, 2\)"),
        ({"conditional_probabilities": np.tile(_valid_table(), (1, 2, 1))}, ValueError,
         r"must have shape \(n_lfs, 2, 3\)"),
        ({"conditional_probabilities": np.empty((0, 2, 3))}, ValueError,
         r"conditional_probabilities is empty \(shape \(0, 2, 3\)\)"),
        ({"conditional_probabilities": _table_with((1, 0), [0.2, 0.5, 0.2])}, ValueError,
         r"conditional_probabilities\[1, 0, :\] \(LF 1, y = -1\) sums to 0\.9; "
         r"each row .* must sum to 1"),
        ({"conditional_probabilities": _table_with((2, 1), [0.5, 0.5, 1e-8])}, ValueError,
         r"conditional_probabilities\[2, 1, :\] \(LF 2, y = \+1\) sums to 1\.00000001"),
        ({"conditional_probabilities": _table_with((0, 1), [-0.1, 0.6, 0.5])}, ValueError,
         r"entries must be probabilities in \[0, 1\]; conditional_probabilities\[0, 1, 0\] "
         r"= -0\.1 \(LF 0, y = \+1, vote -1\)"),
        ({"conditional_probabilities": _table_with((2, 0), [0.0, 1.5, -0.5])}, ValueError,
         r"conditional_probabilities\[2, 0, 1\] = 1\.5 \(LF 2, y = -1, vote 0 \(abstain\)\)"),
        ({"conditional_probabilities": _table_with((1, 1), [np.nan, 0.5, 0.5])}, ValueError,
         r"conditional_probabilities contains NaN or infinite values"),
        ({"conditional_probabilities": _table_with((1, 1), [np.inf, 0.5, 0.5])}, ValueError,
         r"conditional_probabilities contains NaN or infinite values"),
        ({"conditional_probabilities": _valid_table().astype(str)}, TypeError,
         r"conditional_probabilities must hold numbers"),
        ({"conditional_probabilities": _valid_table() + 0j}, TypeError,
         r"conditional_probabilities must hold real numbers"),
        ({"conditional_probabilities": [[[0.5, 0.5]], [[1.0]]]}, ValueError,
         r"conditional_probabilities could not be converted to an array"),
        ({"y": [1, 0, -1]}, ValueError, r"y must contain only -1 and \+1"),
        ({"y": []}, ValueError, r"y is empty"),
        ({"y": [[1, -1]]}, ValueError, r"y must be 1-D"),
        ({"seed": -1}, ValueError, r"seed must lie in \[0, "),
        ({"seed": 1.5}, TypeError, r"seed must be an integer"),
        ({"seed": "0"}, TypeError, r"seed must be an integer"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_sample_label_matrix_rejects_bad_arguments(kwargs, error, pattern):
    arguments = {"y": [1, -1, 1], "conditional_probabilities": _valid_table(), "seed": 0}
    with pytest.raises(error, match=pattern):
        sample_label_matrix(**(arguments | kwargs))


# --- make_one_sided_label_matrix -------------------------------------------------------


def one_sided_targets(table):
    """Target class of each LF that never votes one class: +1, -1, or 0 if two-sided."""
    never_minus, never_plus = (np.all(table[:, :, v] == 0, axis=1) for v in (0, 2))
    return np.where(never_minus & ~never_plus, 1, np.where(never_plus & ~never_minus, -1, 0))


@pytest.fixture(scope="module")
def one_sided(balanced_labels):
    """Nine LFs of the default kinds on 200,000 balanced labels, seed 0."""
    L, table = make_one_sided_label_matrix(balanced_labels, 9, seed=0)
    return balanced_labels, L, table


def test_make_one_sided_label_matrix_returns_votes_and_a_valid_table(one_sided):
    y, L, table = one_sided
    assert L.shape == (len(y), 9) and L.dtype == np.int8
    assert table.shape == (9, 2, 3) and table.dtype == np.float64
    assert set(np.unique(L)) == {-1, 0, 1}
    assert np.all((table >= 0) & (table <= 1))
    np.testing.assert_allclose(table.sum(axis=2), 1.0, rtol=0, atol=1e-12)


def test_make_one_sided_label_matrix_kinds_follow_the_documented_rule(one_sided):
    # share 1/3 of 9 LFs: LFs 1, 4, 7 are two-sided; the others alternate +1, -1, ...
    _, _, table = one_sided
    np.testing.assert_array_equal(one_sided_targets(table), [1, 0, -1, 1, 0, -1, 1, 0, -1])


def test_one_sided_lfs_never_vote_the_opposite_class(one_sided):
    y, L, table = one_sided
    targets = one_sided_targets(table)
    for i in np.flatnonzero(targets):
        assert set(np.unique(L[:, i])) == {0, targets[i]}
        assert np.all(table[i, :, 1 - targets[i]] == 0)  # vote index of -t_i: 0 or 2


def test_one_sided_lfs_fire_with_hit_and_false_rates_in_their_ranges(one_sided):
    _, _, table = one_sided
    targets = one_sided_targets(table)
    for i in np.flatnonzero(targets):
        target_class, vote = int(targets[i] == 1), 1 + targets[i]
        assert 0.1 <= table[i, target_class, vote] <= 0.5  # hit_range
        assert 0.01 <= table[i, 1 - target_class, vote] <= 0.1  # false_vote_range


def test_two_sided_lfs_have_class_dependent_coverage_and_accuracy_in_their_ranges(one_sided):
    _, _, table = one_sided
    two_sided = [1, 4, 7]
    coverage = 1 - table[two_sided, :, 1]  # [LF, class]
    right = np.stack([table[two_sided, 0, 0], table[two_sided, 1, 2]], axis=1)
    accuracy = right / coverage
    assert np.all((coverage >= 0.2) & (coverage <= 0.6))
    assert np.all((accuracy >= 0.6 - 1e-12) & (accuracy <= 0.9 + 1e-12))
    assert np.all(coverage[:, 0] != coverage[:, 1])
    assert np.all(accuracy[:, 0] != accuracy[:, 1])


def test_make_one_sided_label_matrix_votes_follow_its_table(one_sided, z_bound):
    # As for sample_label_matrix: 9 LFs x 2 classes x 3 votes = 54 binomial proportions.
    y, L, table = one_sided
    assert_votes_follow_table(L, y, table, z_bound(54))


@pytest.mark.parametrize(
    ("m", "share", "expected_two_sided"),
    [
        (50, 1 / 3, 17),  # round(16.67)
        (6, 0.25, 2),  # round(1.5) = 2: halves round up
        (7, 0.0, 0),
        (7, 1.0, 7),
        (1, 1 / 3, 0),
    ],
)
def test_make_one_sided_label_matrix_has_round_share_times_m_two_sided_lfs(
    m, share, expected_two_sided
):
    _, table = make_one_sided_label_matrix([1, -1, 1, -1], m, seed=1, two_sided_share=share)
    targets = one_sided_targets(table)
    assert (targets == 0).sum() == expected_two_sided
    one_sided_targets_in_order = targets[targets != 0]
    np.testing.assert_array_equal(one_sided_targets_in_order,
                                  np.resize([1, -1], len(one_sided_targets_in_order)))


@pytest.mark.parametrize("label", [-1, 1])
def test_make_one_sided_label_matrix_handles_a_single_class(label):
    y = np.full(2_000, label, dtype=np.int8)
    L, table = make_one_sided_label_matrix(y, 6, seed=2)
    assert L.shape == (2_000, 6)
    targets = one_sided_targets(table)
    for i in np.flatnonzero(targets):
        assert set(np.unique(L[:, i])) <= {0, targets[i]}


def test_make_one_sided_label_matrix_is_reproducible_for_a_seed_and_differs_across_seeds():
    y = np.tile(np.array([1, -1], dtype=np.int8), 500)
    first, again, other = (make_one_sided_label_matrix(y, 6, seed=s) for s in (3, 3, 4))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[1], other[1])


def test_make_one_sided_label_matrix_draws_do_not_depend_on_the_share():
    # Every LF draws all four parameters, so an LF of the same kind (and target) under
    # two shares keeps its rates.  LF 0 is one-sided with target +1 for shares 0 and
    # 1/3; LF 1 is two-sided for shares 1/3 and 1.
    y = [1, -1]
    none, third, every = (make_one_sided_label_matrix(y, 6, seed=5, two_sided_share=share)[1]
                          for share in (0.0, 1 / 3, 1.0))
    np.testing.assert_array_equal(none[0], third[0])
    np.testing.assert_array_equal(third[1], every[1])
    assert not np.array_equal(none[1], third[1])  # one-sided, then two-sided


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"y": [1, 2]}, ValueError, r"y must contain only -1 and \+1"),
        ({"y": []}, ValueError, r"y is empty"),
        ({"m": 0}, ValueError, r"m must lie in \[1, "),
        ({"m": -2}, ValueError, r"m must lie in \[1, "),
        ({"m": 2.0}, TypeError, r"m must be an integer"),
        ({"m": True}, TypeError, r"m must be an integer"),
        ({"seed": -1}, ValueError, r"seed must lie in \[0, "),
        ({"seed": 0.5}, TypeError, r"seed must be an integer"),
        ({"hit_range": (-0.1, 0.5)}, ValueError, r"hit_range\[0\] must lie in \[0.0, 1.0\]"),
        ({"hit_range": (0.5, 0.2)}, ValueError, r"hit_range must satisfy low <= high"),
        ({"hit_range": 0.3}, ValueError, r"hit_range must be a pair"),
        ({"false_vote_range": (0.1, 1.5)}, ValueError,
         r"false_vote_range\[1\] must lie in \[0.0, 1.0\]"),
        ({"false_vote_range": (0.1, float("nan"))}, ValueError,
         r"false_vote_range\[1\] must lie in"),
        ({"false_vote_range": (0.1, 0.2, 0.3)}, ValueError, r"false_vote_range must be a pair"),
        ({"two_sided_coverage_range": (0.6, 0.2)}, ValueError,
         r"two_sided_coverage_range must satisfy low <= high"),
        ({"two_sided_coverage_range": (0.2, 2)}, ValueError,
         r"two_sided_coverage_range\[1\] must lie in \[0.0, 1.0\]"),
        ({"two_sided_accuracy_range": ("a", "b")}, ValueError,
         r"two_sided_accuracy_range must be a pair"),
        ({"two_sided_accuracy_range": (-1, 0.9)}, ValueError,
         r"two_sided_accuracy_range\[0\] must lie in \[0.0, 1.0\]"),
        ({"two_sided_share": 1.5}, ValueError, r"two_sided_share must lie in \[0.0, 1.0\]"),
        ({"two_sided_share": -0.1}, ValueError, r"two_sided_share must lie in \[0.0, 1.0\]"),
        ({"two_sided_share": float("nan")}, ValueError, r"two_sided_share must lie in"),
        ({"two_sided_share": "third"}, TypeError, r"two_sided_share must be a real number"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_make_one_sided_label_matrix_rejects_bad_arguments(kwargs, error, pattern):
    arguments = {"y": [1, -1, 1], "m": 3, "seed": 0} | kwargs
    with pytest.raises(error, match=pattern):
        make_one_sided_label_matrix(**arguments)


# --- add_near_copies ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def near_copies(tutorial_data):
    """Five copies of tutorial LF 3 with copy_rate 0.9, and three with copy_rate 0.5."""
    data = tutorial_data
    copies = {
        copy_rate: add_near_copies(data.L_train, data.y_train, data.lf_accuracies, 3,
                                   n_copies, copy_rate=copy_rate, seed=11)
        for copy_rate, n_copies in ((0.9, 5), (0.5, 3))
    }
    return data, copies


def test_add_near_copies_appends_copies_with_the_source_accuracy(near_copies):
    data, copies = near_copies
    L, lf_accuracies = copies[0.9]
    assert L.shape == (8000, 25) and L.dtype == np.int8
    np.testing.assert_array_equal(L[:, :20], data.L_train)
    np.testing.assert_array_equal(lf_accuracies[:20], data.lf_accuracies)
    np.testing.assert_array_equal(lf_accuracies[20:], np.full(5, data.lf_accuracies[3]))
    assert set(np.unique(L)) <= {-1, 0, 1}


@pytest.mark.parametrize("copy_rate", [0.9, 0.5])
def test_near_copies_vote_exactly_where_the_source_votes(near_copies, copy_rate):
    data, copies = near_copies
    L, _ = copies[copy_rate]
    source_votes = data.L_train[:, [3]] != 0
    np.testing.assert_array_equal(L[:, 20:] != 0, np.broadcast_to(source_votes, L[:, 20:].shape))


def test_near_copies_are_right_as_often_as_the_source_truly_is(near_copies, z_bound):
    data, copies = near_copies
    p, y = data.lf_accuracies[3], data.y_train
    # A copy's vote on a point is right with probability r p + (1 - r) p = p (r: copy rate),
    # independently across points: its accuracy over the source's n_votes votes is a
    # binomial proportion with standard error sqrt(p (1 - p) / n_votes).  8 copies.
    z = z_bound(8)
    for L, _ in copies.values():
        votes = L[:, 20:] != 0
        n_votes = votes.sum(axis=0)
        empirical = ((L[:, 20:] == y[:, None]) & votes).sum(axis=0) / n_votes
        assert np.all(np.abs(empirical - p) <= z * np.sqrt(p * (1 - p) / n_votes))


def test_near_copies_agree_with_the_source_and_each_other_as_the_mixture_says(
    near_copies, z_bound
):
    # A copy repeats the source's vote (product 1) with probability r (the copy rate), and
    # otherwise votes independently given y with the same q = 2 p - 1 (mean product q^2):
    #     Z(source, copy) = r + (1 - r) q^2.
    # Two copies both repeat with probability r^2 (product 1), otherwise at least one
    # votes on its own, independently of the other given y (mean product q^2):
    #     Z(copy, copy) = r^2 + (1 - r^2) q^2.
    # Each Z is a mean of n_votes products in {-1, +1} with mean mu: standard error
    # sqrt((1 - mu^2) / n_votes).  Bonferroni over every source-copy and copy-copy pair.
    data, copies = near_copies
    q = 2 * data.lf_accuracies[3] - 1
    n_votes = (data.L_train[:, 3] != 0).sum()
    checks = []
    for copy_rate, (L, _) in copies.items():
        Z = agreement_matrix(L)
        n_copies = L.shape[1] - 20
        for k in range(20, 20 + n_copies):
            checks.append((Z[3, k], copy_rate + (1 - copy_rate) * q**2))
            for j in range(k + 1, 20 + n_copies):
                checks.append((Z[k, j], copy_rate**2 + (1 - copy_rate**2) * q**2))
    z = z_bound(len(checks))
    for observed, expected in checks:
        assert abs(observed - expected) <= z * np.sqrt((1 - expected**2) / n_votes)


def test_near_copies_with_copy_rate_one_are_exact_copies(tutorial_data):
    data = tutorial_data
    L, _ = add_near_copies(data.L_train, data.y_train, data.lf_accuracies, 7, 2,
                           copy_rate=1.0, seed=0)
    np.testing.assert_array_equal(L[:, 20], data.L_train[:, 7])
    np.testing.assert_array_equal(L[:, 21], data.L_train[:, 7])


def test_add_near_copies_is_reproducible_for_a_seed(tutorial_data):
    data = tutorial_data
    arguments = (data.L_train, data.y_train, data.lf_accuracies, 2, 2)
    first, again, other = (add_near_copies(*arguments, seed=s)[0] for s in (4, 4, 5))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"source": 3}, ValueError, r"source must lie in \[0, 2\], got 3"),
        ({"source": -1}, ValueError, r"source must lie in \[0, 2\], got -1"),
        ({"source": 1.0}, TypeError, r"source must be an integer"),
        ({"n_copies": 0}, ValueError, r"n_copies must lie in \[1, "),
        ({"n_copies": 2.5}, TypeError, r"n_copies must be an integer"),
        ({"copy_rate": 1.5}, ValueError, r"copy_rate must lie in \[0.0, 1.0\], got 1.5"),
        ({"copy_rate": -0.1}, ValueError, r"copy_rate must lie in \[0.0, 1.0\]"),
        ({"copy_rate": "often"}, TypeError, r"copy_rate must be a real number"),
        ({"lf_accuracies": [0.6, 0.7]}, ValueError,
         r"lf_accuracies must have shape \(3,\), got \(2,\)"),
        ({"lf_accuracies": [[0.6, 0.7, 0.8]]}, ValueError, r"lf_accuracies must have shape \(3,\)"),
        ({"y": [1, -1, 1]}, ValueError,
         r"inconsistent numbers of points: label_matrix has 4, y has 3"),
        ({"y": [1, 0, 1, -1]}, ValueError, r"y must contain only -1 and \+1"),
        ({"label_matrix": [[1, 2, 0]] * 4}, ValueError, r"label_matrix entries must be -1, 0"),
        ({"seed": -1}, ValueError, r"seed must lie in"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_add_near_copies_rejects_bad_arguments(kwargs, error, pattern):
    arguments = {
        "label_matrix": [[1, 0, -1], [0, 1, 1], [-1, -1, 0], [1, 1, 1]],
        "y": [1, 1, -1, 1],
        "lf_accuracies": [0.6, 0.7, 0.8],
        "source": 0,
        "n_copies": 2,
        "seed": 0,
    } | kwargs
    with pytest.raises(error, match=pattern):
        add_near_copies(**arguments)


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
    assert data.feature_accuracies.shape == (100,) and data.lf_accuracies.shape == (20,)
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
    for field in ("X_train", "y_test", "L_train", "lf_accuracies", "feature_accuracies"):
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
        ({"accuracy_range": (0.9, 0.1)}, ValueError, r"accuracy_range must satisfy low <= high"),
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
        lambda: sample_label_matrix([1, -1], [[[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]]], seed=-1),
        lambda: make_one_sided_label_matrix([1, -1], 3, seed=-1),
    ],
    ids=["make_features", "make_label_matrix", "make_tutorial_data", "sample_label_matrix",
         "make_one_sided_label_matrix"],
)
def test_synthetic_generators_reject_negative_seed_naming_the_argument(call):
    with pytest.raises(ValueError, match=r"seed"):
        call()


# --- draw_labels ---------------------------------------------------------------------------


def test_draw_labels_at_one_half_is_the_tutorial_stream_and_make_features_draws_it_first():
    labels = draw_labels(1_000, 0.5, np.random.default_rng(3))
    expected = np.random.default_rng(3).choice(np.array([-1, 1], dtype=np.int8), size=1_000)
    np.testing.assert_array_equal(labels, expected)
    assert labels.dtype == np.int8
    for prior in (0.5, 0.2):
        _, y, _ = make_features(1_000, 2, seed=3, class_prior=prior)
        np.testing.assert_array_equal(y, draw_labels(1_000, prior, np.random.default_rng(3)))


def test_draw_labels_below_one_half_compares_uniforms_with_the_prior():
    labels = draw_labels(500, 0.3, np.random.default_rng(1))
    np.testing.assert_array_equal(labels,
                                  np.where(np.random.default_rng(1).random(500) < 0.3, 1, -1))


@pytest.mark.parametrize(
    ("arguments", "error", "pattern"),
    [
        ((0, 0.5, np.random.default_rng(0)), ValueError, r"n must lie in"),
        ((10, 1.0, np.random.default_rng(0)), ValueError, r"class_prior must lie in \(0.0, 1.0\)"),
        ((10, "half", np.random.default_rng(0)), TypeError, r"class_prior must be a real"),
        ((10, 0.5, 0), TypeError, r"rng must be a numpy.random.Generator, got int"),
    ],
    ids=["n", "prior", "prior-type", "rng"],
)
def test_draw_labels_rejects_bad_arguments(arguments, error, pattern):
    with pytest.raises(error, match=pattern):
        draw_labels(*arguments)

"""Tests of the shared input checks in dataprog_helpers._validation."""


import numpy as np
import pytest
import scipy.sparse

from dataprog_helpers.exceptions import ConvergenceWarning, NotFittedError
from dataprog_helpers.utils.validation import (
    check_features,
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_probabilities,
    check_probability_range,
    check_real_in_range,
    check_same_length,
)

# --- check_label_matrix ---------------------------------------------------------------


@pytest.mark.parametrize(
    "votes",
    [
        [[1, 0, -1], [0, 0, 1]],
        np.array([[1.0, 0.0, -1.0], [0.0, -0.0, 1.0]]),
        np.array([[True, False, True], [False, False, True]]),
    ],
    ids=["int-list", "float", "bool"],
)
def test_check_label_matrix_returns_int8_copy_with_the_same_votes(votes):
    result = check_label_matrix(votes, "votes")
    assert result.dtype == np.int8
    assert result.shape == (2, 3)
    np.testing.assert_array_equal(result, np.asarray(votes, dtype=float))


@pytest.mark.parametrize(
    ("votes", "error", "pattern"),
    [
        ([1, 0, -1], ValueError, r"votes must be 2-D"),
        (np.zeros((2, 2, 2)), ValueError, r"votes must be 2-D"),
        (np.zeros((0, 3)), ValueError, r"votes is empty"),
        (np.zeros((3, 0)), ValueError, r"votes is empty"),
        ([[1, np.nan]], ValueError, r"votes contains NaN or infinite"),
        ([[1, np.inf]], ValueError, r"votes contains NaN or infinite"),
        ([[1, 2]], ValueError, r"votes entries must be -1, 0 \(abstain\) or \+1; found \[2\]"),
        ([[0.5, 1]], ValueError, r"votes entries must be -1, 0"),
        ([["a", "b"]], TypeError, r"votes must hold numbers"),
        ([[1j, 0]], TypeError, r"votes must hold real numbers"),
        ([[1, 0], [1]], ValueError, r"votes could not be converted"),
    ],
    ids=["1-D", "3-D", "no-rows", "no-columns", "nan", "inf", "two", "half", "str", "complex",
         "ragged"],
)
def test_check_label_matrix_rejects_bad_input_naming_the_argument(votes, error, pattern):
    with pytest.raises(error, match=pattern):
        check_label_matrix(votes, "votes")


def test_check_label_matrix_returns_a_valid_int8_input_itself_without_copying():
    votes = np.array([[1, 0, -1], [0, -1, 1]], dtype=np.int8)
    result = check_label_matrix(votes, "votes")
    assert np.shares_memory(result, votes)
    np.testing.assert_array_equal(result, [[1, 0, -1], [0, -1, 1]])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int64])
@pytest.mark.parametrize(
    ("votes", "found"),
    [([[1, 0, 2]], r"\[2\]"), ([[-2, 0, 1]], r"\[-2\]"), ([[-2, 1, 2]], r"\[-2, 2\]")],
    ids=["two", "minus-two", "both"],
)
def test_check_label_matrix_rejects_out_of_range_integers_by_min_and_max(dtype, votes, found):
    # Integer input is validated by its min and max; the message is the one the
    # element-wise check gives (listing the offending values).
    with pytest.raises(
        ValueError, match=r"votes entries must be -1, 0 \(abstain\) or \+1; found " + found
    ):
        check_label_matrix(np.array(votes, dtype=dtype), "votes")


def test_check_label_matrix_rejects_unsigned_wraparound_of_minus_one():
    # -1 stored as uint8 is 255: outside the allowed range, so it must not pass.
    with pytest.raises(ValueError, match=r"votes entries must be -1, 0 .*found \[255\]"):
        check_label_matrix(np.array([[1, 255]], dtype=np.uint8), "votes")


# --- check_labels -------------------------------------------------------------------------


def test_check_labels_accepts_plus_minus_one_and_returns_int8():
    result = check_labels([1.0, -1.0, 1.0], "gold")
    assert result.dtype == np.int8
    np.testing.assert_array_equal(result, [1, -1, 1])


@pytest.mark.parametrize(
    ("labels", "error", "pattern"),
    [
        ([0, 1, 1], ValueError, r"gold must contain only -1 and \+1.*found \[0\]"),
        ([[1, -1]], ValueError, r"gold must be 1-D"),
        ([], ValueError, r"gold is empty"),
        ([1.0, np.nan], ValueError, r"gold contains NaN"),
        (["yes", "no"], TypeError, r"gold must hold numbers"),
    ],
    ids=["zero-one", "2-D", "empty", "nan", "str"],
)
def test_check_labels_rejects_bad_input_naming_the_argument(labels, error, pattern):
    with pytest.raises(error, match=pattern):
        check_labels(labels, "gold")


# --- check_probabilities ------------------------------------------------------------------


def test_check_probabilities_accepts_the_closed_unit_interval_as_float64():
    result = check_probabilities([0, 0.25, 1], "soft")
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [0.0, 0.25, 1.0])


def test_check_probabilities_converts_to_the_requested_precision():
    assert check_probabilities([0.5], "soft", dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize(
    ("probabilities", "pattern"),
    [
        ([0.5, 1.5], r"soft must be probabilities P\(y=\+1\) in \[0, 1\]"),
        ([-0.1, 0.5], r"soft must be probabilities"),
        ([0.5, np.nan], r"soft contains NaN"),
        ([[0.5]], r"soft must be 1-D"),
        ([], r"soft is empty"),
    ],
    ids=["above-one", "negative", "nan", "2-D", "empty"],
)
def test_check_probabilities_rejects_bad_input_naming_the_argument(probabilities, pattern):
    with pytest.raises(ValueError, match=pattern):
        check_probabilities(probabilities, "soft")


# --- check_features -------------------------------------------------------------------


def test_check_features_returns_float64_of_the_same_shape():
    result = check_features(np.arange(6).reshape(3, 2), "feats")
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [[0, 1], [2, 3], [4, 5]])


def test_check_features_takes_a_sparse_matrix_only_where_asked():
    sparse = scipy.sparse.coo_array(np.array([[0, 2], [1, 0], [0, 0]]))
    with pytest.raises(TypeError, match=r"feats is a SciPy sparse matrix.*pass feats.toarray\(\)"):
        check_features(sparse, "feats")
    result = check_features(sparse, "feats", accept_sparse=True)
    assert isinstance(result, scipy.sparse.csr_array) and result.dtype == np.float64
    np.testing.assert_array_equal(result.toarray(), sparse.toarray())
    assert result is not sparse


def test_check_features_converts_to_the_requested_precision():
    result = check_features([[0.1, 2.0]], "feats", dtype=np.float32)
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, np.float32([[0.1, 2.0]]))


def test_check_features_refuses_values_too_large_for_float32_instead_of_infinity():
    with pytest.raises(ValueError, match="feats has values too large for float32"):
        check_features([[1.0, 1e39]], "feats", dtype=np.float32)
    assert check_features([[1.0, 1e39]], "feats")[0, 1] == 1e39


@pytest.mark.parametrize(
    ("features", "pattern"),
    [
        ([1.0, 2.0], r"feats must be 2-D"),
        (np.zeros((2, 2, 2)), r"feats must be 2-D"),
        (np.zeros((0, 2)), r"feats is empty"),
        ([[1.0, np.inf]], r"feats contains NaN or infinite"),
    ],
    ids=["1-D", "3-D", "empty", "inf"],
)
def test_check_features_rejects_bad_input_naming_the_argument(features, pattern):
    with pytest.raises(ValueError, match=pattern):
        check_features(features, "feats")


# --- check_same_length ----------------------------------------------------------------


def test_check_same_length_passes_equal_lengths_and_names_both_otherwise():
    check_same_length(a=np.zeros(3), b=np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"inconsistent numbers of points: a has 3, b has 2"):
        check_same_length(a=np.zeros(3), b=np.zeros(2))


# --- scalar hyper-parameters --------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_check_positive_int_returns_a_python_int(value):
    result = check_positive_int(value, "k")
    assert type(result) is int
    assert result == value


@pytest.mark.parametrize(
    ("value", "minimum", "error", "pattern"),
    [
        (0, 1, ValueError, r"k must lie in \[1, [0-9]+\], got 0"),
        (-1, 0, ValueError, r"k must lie in \[0, [0-9]+\], got -1"),
        (1.5, 1, TypeError, r"k must be an integer"),
        (2.0, 1, TypeError, r"k must be an integer"),
        (True, 1, TypeError, r"k must be an integer"),
        ("3", 1, TypeError, r"k must be an integer"),
    ],
)
def test_check_positive_int_rejects_non_integers_and_small_values(value, minimum, error, pattern):
    with pytest.raises(error, match=pattern):
        check_positive_int(value, "k", minimum=minimum)


def test_check_real_in_range_honours_open_and_closed_ends():
    assert check_real_in_range(0, "r", 0.0, 1.0) == 0.0
    assert check_real_in_range(1, "r", 0.0, 1.0) == 1.0
    with pytest.raises(ValueError, match=r"r must lie in \(0.0, 1.0\], got 0.0"):
        check_real_in_range(0.0, "r", 0.0, 1.0, include_low=False)
    with pytest.raises(ValueError, match=r"r must lie in \[0.0, 1.0\), got 1.0"):
        check_real_in_range(1.0, "r", 0.0, 1.0, include_high=False)


@pytest.mark.parametrize(
    ("value", "error", "pattern"),
    [
        (float("nan"), ValueError, r"r must lie in"),
        (float("inf"), ValueError, r"r must lie in"),
        (-0.5, ValueError, r"r must lie in"),
        (True, TypeError, r"r must be a real number"),
        ("0.5", TypeError, r"r must be a real number"),
        (None, TypeError, r"r must be a real number"),
    ],
)
def test_check_real_in_range_rejects_non_finite_non_real_and_outside(value, error, pattern):
    with pytest.raises(error, match=pattern):
        check_real_in_range(value, "r", 0.0, np.inf)


def test_check_probability_range_returns_a_pair_of_floats():
    assert check_probability_range([0, 1], "accuracy_range") == (0.0, 1.0)
    low, high = check_probability_range(np.array([0.25, 0.25]), "hit_range")
    assert (low, high) == (0.25, 0.25) and type(low) is float


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ((-0.1, 0.5), r"accuracy_range\[0\] must lie in \[0.0, 1.0\], got -0.1"),
        ((0.5, 1.1), r"accuracy_range\[1\] must lie in \[0.0, 1.0\], got 1.1"),
        ((0.5, float("nan")), r"accuracy_range\[1\] must lie in"),
        ((0.8, 0.2), r"accuracy_range must satisfy low <= high, got \(0.8, 0.2\)"),
        (0.5, r"accuracy_range must be a pair \(low, high\), got 0.5"),
        ((0.1, 0.2, 0.3), r"accuracy_range must be a pair"),
        (("low", "high"), r"accuracy_range must be a pair"),
        (None, r"accuracy_range must be a pair"),
    ],
    ids=["low", "high", "nan", "order", "scalar", "triple", "text", "none"],
)
def test_check_probability_range_rejects_bad_pairs_naming_the_argument(value, pattern):
    with pytest.raises(ValueError, match=pattern):
        check_probability_range(value, "accuracy_range")


def test_error_classes_fit_the_standard_hierarchies():
    # NotFittedError must be catchable as ValueError (the project's contract) and,
    # like scikit-learn's, as AttributeError; ConvergenceWarning is a UserWarning.
    assert issubclass(NotFittedError, ValueError)
    assert issubclass(NotFittedError, AttributeError)
    assert issubclass(ConvergenceWarning, UserWarning)

"""Tests of dataprog_helpers.analysis on hand-made and brute-force-checked label matrices."""

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers import accuracy, lf_summary, majority_vote, overlap_counts, overlap_matrix


def _brute_force_overlaps(L):
    """Loop-by-loop co-vote counts and mean vote products (NaN where never co-voting)."""
    n, m = L.shape
    counts = np.zeros((m, m), dtype=np.int64)
    products = np.zeros((m, m))
    for i in range(m):
        for j in range(m):
            for k in range(n):
                if L[k, i] != 0 and L[k, j] != 0:
                    counts[i, j] += 1
                    products[i, j] += int(L[k, i]) * int(L[k, j])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, products / counts, np.nan)
    return counts, means


@pytest.fixture(scope="module")
def random_sparse_matrix():
    """A 60 x 6 random label matrix; LF 4 votes only on rows 0-29 and LF 5 only on 30-59,
    so the pair (4, 5) never co-votes."""
    rng = np.random.default_rng(11)
    L = rng.choice(np.array([-1, 0, 1], dtype=np.int8), size=(60, 6), p=[0.3, 0.4, 0.3])
    L[30:, 4] = 0
    L[:30, 5] = 0
    return L


# --- majority_vote -------------------------------------------------------------------------


def test_majority_vote_on_hand_made_matrix_gives_zero_for_ties_and_all_abstain_rows():
    L = [
        [1, 1, -1],  # +1 wins 2-1
        [-1, -1, 0],  # -1 wins 2-0
        [1, -1, 0],  # tie
        [0, 0, 0],  # nobody votes
        [0, 0, -1],  # a single vote decides
        [1, -1, 1],  # +1 wins 2-1
    ]
    result = majority_vote(L)
    assert result.dtype == np.int8
    np.testing.assert_array_equal(result, [1, -1, 0, 0, -1, 1])


# --- accuracy -------------------------------------------------------------------------------

# Hand-computed example: predictions are right, tied, right, wrong, right.
_Y_TRUE = [1, 1, -1, -1, 1]
_Y_PRED = [1, 0, -1, 1, 1]


@pytest.mark.parametrize(
    ("ties", "expected"),
    [
        ("half", (3 + 0.5) / 5),  # the tie counts 1/2
        ("wrong", 3 / 5),  # the tie counts as an error
        ("exclude", 3 / 4),  # the tie is not scored
    ],
)
def test_accuracy_scores_undecided_predictions_by_tie_policy(ties, expected):
    assert accuracy(_Y_TRUE, _Y_PRED, ties=ties) == pytest.approx(expected, abs=1e-12)


def test_accuracy_defaults_to_half_credit_for_ties():
    assert accuracy(_Y_TRUE, _Y_PRED) == accuracy(_Y_TRUE, _Y_PRED, ties="half")


def test_accuracy_of_all_undecided_predictions_is_one_half_under_half_policy():
    assert accuracy([1, -1, 1], [0, 0, 0]) == 0.5
    assert accuracy([1, -1, 1], [0, 0, 0], ties="wrong") == 0.0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "error", "pattern"),
    [
        ([1, -1], [1, 0], {"ties": "coin"}, ValueError, r"ties must be one of"),
        ([1, -1], [1, 0], {"ties": None}, ValueError, r"ties must be one of"),
        ([1, -1], [0, 0], {"ties": "exclude"}, ValueError, r"no decided .* ties=\"exclude\""),
        ([1, -1], [1], {}, ValueError, r"y_true has 2, y_pred has 1"),
        ([1, -1], [1, 2], {}, ValueError, r"y_pred must contain only -1, 0"),
        ([1, -1], [1, np.nan], {}, ValueError, r"y_pred contains NaN"),
        ([1, -1], [[1, 1]], {}, ValueError, r"y_pred"),
        ([1, -1], [], {}, ValueError, r"y_pred is empty"),
        ([0, 1], [1, 1], {}, ValueError, r"y_true must contain only -1 and \+1"),
        ([], [1], {}, ValueError, r"y_true is empty"),
        ([[1, -1]], [1, 1], {}, ValueError, r"y_true must be 1-D"),
        ([1, np.inf], [1, 1], {}, ValueError, r"y_true contains NaN or infinite"),
    ],
)
def test_accuracy_rejects_bad_input(y_true, y_pred, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        accuracy(y_true, y_pred, **kwargs)


def test_accuracy_rejects_scalar_prediction_with_value_error():
    with pytest.raises(ValueError, match=r"y_pred"):
        accuracy([1], 1)


# --- overlap_counts / overlap_matrix ------------------------------------------------------


def test_overlap_counts_equals_brute_force_count(random_sparse_matrix):
    counts, _ = _brute_force_overlaps(random_sparse_matrix)
    result = overlap_counts(random_sparse_matrix)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, counts)
    np.testing.assert_array_equal(np.diag(result), (random_sparse_matrix != 0).sum(axis=0))


def test_overlap_matrix_equals_brute_force_mean_product_of_votes(random_sparse_matrix):
    _, means = _brute_force_overlaps(random_sparse_matrix)
    Z = overlap_matrix(random_sparse_matrix)
    assert isinstance(Z, np.ma.MaskedArray)
    np.testing.assert_array_equal(Z.mask, np.isnan(means))
    observed = ~np.isnan(means)
    # Means of at most 60 integer products: exact up to float64 rounding of one division.
    np.testing.assert_allclose(Z.data[observed], means[observed], rtol=1e-12, atol=0)


def test_overlap_matrix_masks_pairs_that_never_co_vote_without_nan(random_sparse_matrix):
    Z = overlap_matrix(random_sparse_matrix)
    assert Z.mask[4, 5] and Z.mask[5, 4]
    assert Z.mask.sum() == 2  # every other pair of this matrix co-votes somewhere
    assert np.all(np.isfinite(Z.data))
    assert np.all(np.isfinite(Z.filled(0.0)))


def test_overlap_matrix_has_unit_diagonal_for_voting_lfs_and_masked_for_silent_ones():
    L = np.array([[1, 0, -1], [-1, 0, -1], [0, 0, 1]])
    Z = overlap_matrix(L)
    assert Z[0, 0] == 1.0 and Z[2, 2] == 1.0
    assert Z.mask[1, 1]
    assert np.all(Z.mask[1, :]) and np.all(Z.mask[:, 1])
    # LFs 0 and 2 co-vote on rows 0 and 1: products -1 and +1, mean 0.
    assert Z[0, 2] == 0.0 and Z[2, 0] == 0.0


@pytest.mark.parametrize("function", [overlap_matrix, overlap_counts, majority_vote])
@pytest.mark.parametrize(
    ("votes", "pattern"),
    [
        ([1, 0, -1], r"label_matrix must be 2-D"),
        (np.zeros((2, 2, 2)), r"label_matrix must be 2-D"),
        (np.zeros((0, 3)), r"label_matrix is empty"),
        ([[1, np.nan]], r"label_matrix contains NaN"),
        ([[1, -np.inf]], r"label_matrix contains NaN or infinite"),
        ([[1, 2]], r"label_matrix entries must be -1, 0 \(abstain\) or \+1"),
    ],
    ids=["1-D", "3-D", "empty", "nan", "inf", "two"],
)
def test_label_matrix_functions_reject_bad_label_matrices(function, votes, pattern):
    with pytest.raises(ValueError, match=pattern):
        function(votes)


# --- lf_summary -----------------------------------------------------------------------------


def test_lf_summary_columns_match_hand_computed_values(small_label_matrix):
    L, y = small_label_matrix
    summary = lf_summary(L, y)
    assert list(summary.columns) == [
        "polarity", "coverage", "overlaps", "conflicts", "votes", "accuracy"
    ]
    assert list(summary.index) == ["LF 0", "LF 1", "LF 2", "LF 3"]
    assert summary.index.name == "LF"
    # Worked out row by row from the matrix in conftest.small_label_matrix (5 points).
    assert summary["polarity"].tolist() == [[-1, 1], [-1, 1], [], [1]]
    np.testing.assert_allclose(summary["coverage"], [3 / 5, 3 / 5, 0, 4 / 5])
    np.testing.assert_allclose(summary["overlaps"], [3 / 5, 3 / 5, 0, 3 / 5])
    np.testing.assert_allclose(summary["conflicts"], [2 / 5, 2 / 5, 0, 2 / 5])
    np.testing.assert_array_equal(summary["votes"], [3, 3, 0, 4])
    np.testing.assert_allclose(summary["accuracy"], [1.0, 2 / 3, np.nan, 1 / 2])


def test_lf_summary_accuracy_is_nan_only_for_the_lf_that_never_votes(small_label_matrix):
    L, y = small_label_matrix
    accuracies = lf_summary(L, y)["accuracy"]
    assert accuracies.isna().tolist() == [False, False, True, False]


def test_lf_summary_without_labels_has_no_votes_or_accuracy_columns(small_label_matrix):
    L, _ = small_label_matrix
    summary = lf_summary(L, lf_names=["a", "b", "c", "d"])
    assert list(summary.columns) == ["polarity", "coverage", "overlaps", "conflicts"]
    assert list(summary.index) == ["a", "b", "c", "d"]
    assert isinstance(summary, pd.DataFrame)


@pytest.mark.parametrize(
    ("y", "kwargs", "pattern"),
    [
        ([1, -1, 1], {}, r"inconsistent numbers of points: label_matrix has 5, y has 3"),
        ([1, 0, 1, 0, 1], {}, r"y must contain only -1 and \+1"),
        ([1, -1, 1, -1, np.nan], {}, r"y contains NaN"),
        ([[1, -1, 1, -1, 1]], {}, r"y must be 1-D"),
        (None, {"lf_names": ["a", "b"]}, r"lf_names has 2 names but label_matrix has 4 LFs"),
    ],
    ids=["short-y", "zero-one-y", "nan-y", "2-D-y", "lf_names"],
)
def test_lf_summary_rejects_bad_labels_and_names(small_label_matrix, y, kwargs, pattern):
    L, _ = small_label_matrix
    with pytest.raises(ValueError, match=pattern):
        lf_summary(L, y, **kwargs)


@pytest.mark.parametrize(
    ("votes", "pattern"),
    [
        ([1, 0, -1], r"label_matrix must be 2-D"),
        (np.zeros((1, 2, 2)), r"label_matrix must be 2-D"),
        (np.zeros((3, 0)), r"label_matrix is empty"),
        ([[1, np.nan]], r"label_matrix contains NaN"),
        ([[3, 1]], r"label_matrix entries must be -1, 0"),
    ],
    ids=["1-D", "3-D", "empty", "nan", "three"],
)
def test_lf_summary_rejects_bad_label_matrices(votes, pattern):
    with pytest.raises(ValueError, match=pattern):
        lf_summary(votes)

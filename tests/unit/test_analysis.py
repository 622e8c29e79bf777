"""Tests of dataprog_helpers.analysis on hand-made and brute-force-checked label matrices."""

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers import (
    ClassConditionalLabelModel,
    LabelModel,
    VoteStatistics,
    accuracy,
    agreement_matrix,
    calibration_table,
    expected_calibration_error,
    f1_score,
    lf_summary,
    majority_vote,
    overlap_counts,
    score_table,
)
from dataprog_helpers.course.experiment import loglog_slope
from dataprog_helpers.scores import labels_from_probabilities


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


def test_majority_vote_random_ties_draw_only_among_the_tied_classes_uniformly_and_reproducibly():
    L = np.array([[2, 2, 0, 0, -1],    # 0 and 2 tie
                  [1, 1, 1, -1, -1],   # 1 wins
                  [-1, -1, -1, -1, -1]])  # no vote: every class ties
    L = np.repeat(L, 3000, axis=0)
    votes = majority_vote(L, cardinality=3, ties="random", seed=3)
    np.testing.assert_array_equal(votes, majority_vote(L, cardinality=3, ties="random", seed=3))
    assert not np.array_equal(votes, majority_vote(L, cardinality=3, ties="random", seed=4))
    first, second, third = votes[:3000], votes[3000:6000], votes[6000:]
    assert set(first.tolist()) == {0, 2} and np.all(second == 1)
    assert set(third.tolist()) == {0, 1, 2}
    # Uniform: each tied class's share within 4 binomial standard errors of its 1/t.
    for draws, classes in ((first, (0, 2)), (third, (0, 1, 2))):
        for c in classes:
            share, expected = np.mean(draws == c), 1 / len(classes)
            assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / draws.size)


def test_majority_vote_random_ties_in_the_signed_convention_score_like_half_counted_ties():
    rng = np.random.default_rng(0)
    y = rng.choice([-1, 1], size=20_000)
    L = np.where(rng.random((20_000, 4)) < 0.4, np.where(rng.random((20_000, 4)) < 0.7,
                                                        y[:, None], -y[:, None]), 0)
    abstaining = majority_vote(L)
    drawn = majority_vote(L, ties="random", seed=1)
    assert set(np.unique(drawn).tolist()) == {-1, 1}
    decided = abstaining != 0
    np.testing.assert_array_equal(drawn[decided], abstaining[decided])
    half = accuracy(y, abstaining, ties="half")
    assert abs(accuracy(y, drawn) - half) < 4 * np.sqrt(0.25 * np.mean(~decided) / y.size)


def test_majority_vote_refuses_an_unknown_tie_policy_by_name():
    with pytest.raises(ValueError, match="ties must be one of"):
        majority_vote([[1, -1]], ties="first")


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


# --- overlap_counts / agreement_matrix ----------------------------------------------------


def test_overlap_counts_equals_brute_force_count(random_sparse_matrix):
    counts, _ = _brute_force_overlaps(random_sparse_matrix)
    result = overlap_counts(random_sparse_matrix)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, counts)
    np.testing.assert_array_equal(np.diag(result), (random_sparse_matrix != 0).sum(axis=0))


def test_agreement_matrix_equals_brute_force_mean_product_of_votes(random_sparse_matrix):
    _, means = _brute_force_overlaps(random_sparse_matrix)
    Z = agreement_matrix(random_sparse_matrix)
    assert isinstance(Z, np.ma.MaskedArray)
    np.testing.assert_array_equal(Z.mask, np.isnan(means))
    observed = ~np.isnan(means)
    # Means of at most 60 integer products: exact up to float64 rounding of one division.
    np.testing.assert_allclose(Z.data[observed], means[observed], rtol=1e-12, atol=0)



def test_agreement_matrix_masks_pairs_that_never_co_vote_without_nan(random_sparse_matrix):
    Z = agreement_matrix(random_sparse_matrix)
    assert Z.mask[4, 5] and Z.mask[5, 4]
    assert Z.mask.sum() == 2  # every other pair of this matrix co-votes somewhere
    assert np.all(np.isfinite(Z.data))
    assert np.all(np.isfinite(Z.filled(0.0)))


def test_agreement_matrix_has_unit_diagonal_for_voting_lfs_and_masked_for_silent_ones():
    L = np.array([[1, 0, -1], [-1, 0, -1], [0, 0, 1]])
    Z = agreement_matrix(L)
    assert Z[0, 0] == 1.0 and Z[2, 2] == 1.0
    assert Z.mask[1, 1]
    assert np.all(Z.mask[1, :]) and np.all(Z.mask[:, 1])
    # LFs 0 and 2 co-vote on rows 0 and 1: products -1 and +1, mean 0.
    assert Z[0, 2] == 0.0 and Z[2, 0] == 0.0


@pytest.mark.parametrize("function", [agreement_matrix, overlap_counts, majority_vote])
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


# --- VoteStatistics -------------------------------------------------------------------------


def _split(L, boundaries):
    """Row chunks of L cut at ``boundaries``, yielded one at a time (a stream)."""
    edges = [0, *boundaries, len(L)]
    for start, stop in zip(edges[:-1], edges[1:], strict=True):
        yield L[start:stop]


def test_vote_statistics_of_a_label_matrix_are_the_integer_sums_it_documents(two_block_data):
    # 70,000 rows: more than one internal chunk of 65,536 rows.  Every statistic is a
    # sum of integers, so the float32 chunk products and float64 totals must be exact.
    L = two_block_data.L
    statistics = VoteStatistics.from_label_matrix(L)
    wide = L.astype(np.int64)
    np.testing.assert_array_equal(statistics.products, wide.T @ wide)
    np.testing.assert_array_equal(statistics.counts, np.abs(wide).T @ np.abs(wide))
    np.testing.assert_array_equal(statistics.vote_sums, wide.sum(axis=0))
    assert statistics.n_points == len(L) and statistics.n_lfs == L.shape[1]


@pytest.mark.parametrize(
    "boundaries",
    [[], [1], [4000], [1000, 2000, 3000, 4000, 5000, 6000, 7000], [7999], [3, 17, 5000, 7990]],
    ids=["whole", "one-row", "halves", "eight", "last-row", "uneven"],
)
def test_vote_statistics_from_chunks_equal_those_of_the_whole_matrix_exactly(
    tutorial_data, boundaries, same_statistics
):
    L = tutorial_data.L_train
    whole = VoteStatistics.from_label_matrix(L)
    same_statistics(whole, VoteStatistics.from_chunks(_split(L, boundaries)))
    updated = VoteStatistics.empty(L.shape[1])
    for chunk in _split(L, boundaries):
        assert updated.update(chunk) is updated
    same_statistics(whole, updated)


def test_vote_statistics_accept_chunks_given_as_nested_lists(small_label_matrix,
                                                            same_statistics):
    L, _ = small_label_matrix
    chunks = [L[:2].tolist(), L[2:].tolist()]
    same_statistics(VoteStatistics.from_label_matrix(L), VoteStatistics.from_chunks(chunks))


def test_vote_statistics_agree_with_agreement_matrix_and_overlap_counts(random_sparse_matrix):
    L = random_sparse_matrix
    statistics = VoteStatistics.from_chunks([L[:25], L[25:]])
    Z, expected = statistics.agreements(), agreement_matrix(L)
    assert isinstance(Z, np.ma.MaskedArray)
    np.testing.assert_array_equal(Z.mask, expected.mask)
    np.testing.assert_array_equal(Z.filled(0.0), expected.filled(0.0))
    np.testing.assert_array_equal(statistics.counts, overlap_counts(L))


def test_vote_statistics_mean_votes_match_hand_computed_values(small_label_matrix):
    # Votes per LF in conftest.small_label_matrix: LF 0 (+1, +1, -1), LF 1 (+1, -1, -1),
    # LF 2 none (NaN), LF 3 (+1, +1, +1, +1).
    L, _ = small_label_matrix
    statistics = VoteStatistics.from_label_matrix(L)
    np.testing.assert_allclose(statistics.mean_votes(), [1 / 3, -1 / 3, np.nan, 1.0])
    np.testing.assert_array_equal(statistics.vote_sums, [1, -1, 0, 4])
    # LF 2 never votes: its row and column of Z are masked, not NaN.
    assert statistics.agreements().mask[2].all()


def test_empty_vote_statistics_are_zero_and_ready_for_update():
    statistics = VoteStatistics.empty(3)
    assert statistics.n_points == 0 and statistics.n_lfs == 3
    np.testing.assert_array_equal(statistics.products, np.zeros((3, 3)))
    np.testing.assert_array_equal(statistics.counts, np.zeros((3, 3)))
    np.testing.assert_array_equal(statistics.vote_sums, np.zeros(3))
    assert statistics.agreements().mask.all()
    assert np.isnan(statistics.mean_votes()).all()


@pytest.mark.parametrize(
    ("chunks", "error", "pattern"),
    [
        ([], ValueError, r"chunks is empty"),
        (iter([]), ValueError, r"chunks is empty"),
        ([[[1, 0, -1]], [[1, 0]]], ValueError,
         r"chunk 1 has 2 LFs but the earlier chunks have 3"),
        ([[[1, 0, -1]], [[1, 2, 0]]], ValueError,
         r"chunk 1 entries must be -1, 0 \(abstain\) or \+1; found \[2\]"),
        ([[[1, 0, -1]], [1, 0, -1]], ValueError, r"chunk 1 must be 2-D"),
        ([[[1, 0, -1]], [[1, np.nan, 0]]], ValueError, r"chunk 1 contains NaN"),
        ([np.zeros((0, 3))], ValueError, r"chunk 0 is empty"),
        ([[["a", "b", "c"]]], TypeError, r"chunk 0 must hold numbers"),
    ],
    ids=["empty-list", "empty-iterator", "lf-count", "two", "1-D", "nan", "no-rows", "str"],
)
def test_vote_statistics_from_chunks_reject_bad_chunks(chunks, error, pattern):
    with pytest.raises(error, match=pattern):
        VoteStatistics.from_chunks(chunks)


@pytest.mark.parametrize(
    ("chunk", "pattern"),
    [
        ([[1, 0]], r"chunk has 2 LFs but the statistics are of 3 LFs"),
        ([[1, 0, 2]], r"chunk entries must be -1, 0"),
        ([1, 0, -1], r"chunk must be 2-D"),
    ],
    ids=["lf-count", "two", "1-D"],
)
def test_vote_statistics_update_rejects_bad_chunks(chunk, pattern):
    with pytest.raises(ValueError, match=pattern):
        VoteStatistics.empty(3).update(chunk)


@pytest.mark.parametrize(
    ("n_lfs", "error", "pattern"),
    [(0, ValueError, r"n_lfs must lie in \[1, "), (2.5, TypeError, r"n_lfs must be an integer")],
)
def test_empty_vote_statistics_reject_bad_numbers_of_lfs(n_lfs, error, pattern):
    with pytest.raises(error, match=pattern):
        VoteStatistics.empty(n_lfs)


def _nan_in_one_entry(rows):
    products = rows.T @ rows
    products[0, 1] = np.nan
    return products


def _off_by_one_on_the_diagonal(rows):
    products = rows.T @ rows
    products[2, 2] += 1
    return products


def _fraction_in_one_entry(rows):
    products = rows.T @ rows
    products[1, 0] += 0.25
    return products


FAULTY_PRODUCTS = [_nan_in_one_entry, _off_by_one_on_the_diagonal, _fraction_in_one_entry]


@pytest.mark.parametrize("faulty_product", FAULTY_PRODUCTS)
def test_vote_statistics_recompute_in_float64_what_a_faulty_float32_blas_got_wrong(
        monkeypatch, small_label_matrix, faulty_product):
    # OpenBLAS's float32 SME kernels (Apple M4) have returned zeros or NaN for such
    # products; under QEMU's emulation of an SME processor they returned NaN here.
    import dataprog_helpers.label_model.row_sums as row_sums_module

    def faulty_in_float32(rows):
        return faulty_product(rows) if rows.dtype == np.float32 else rows.T @ rows

    L, _ = small_label_matrix
    expected = VoteStatistics.from_label_matrix(L)
    monkeypatch.setattr(row_sums_module, "gram", faulty_in_float32)
    with pytest.warns(RuntimeWarning, match=r"computed float32 products of votes wrongly"):
        statistics = VoteStatistics.from_label_matrix(L)
    for name in ("products", "counts", "vote_sums"):
        np.testing.assert_array_equal(getattr(statistics, name), getattr(expected, name))


@pytest.mark.parametrize("faulty_product", FAULTY_PRODUCTS)
def test_vote_statistics_refuse_products_wrong_in_every_precision(
        monkeypatch, small_label_matrix, faulty_product):
    import dataprog_helpers.label_model.row_sums as row_sums_module

    monkeypatch.setattr(row_sums_module, "gram", faulty_product)
    L, _ = small_label_matrix
    with pytest.raises(FloatingPointError, match=r"wrong matrix products .* in float32 and in"):
        VoteStatistics.from_label_matrix(L)


@pytest.mark.parametrize("faulty_product", FAULTY_PRODUCTS)
def test_vote_statistics_check_the_signed_counts_kept_with_patterns(
        monkeypatch, small_label_matrix, faulty_product):
    import dataprog_helpers.label_model.row_sums as row_sums_module

    def faulty_in_float32(rows, magnitudes):
        wrong = faulty_product(rows) if rows.dtype == np.float32 else None
        return rows.T @ magnitudes if wrong is None else wrong - rows.T @ rows + rows.T @ magnitudes

    L, _ = small_label_matrix
    expected = VoteStatistics.from_label_matrix(L, patterns=True)
    monkeypatch.setattr(row_sums_module, "cross", faulty_in_float32)
    with pytest.warns(RuntimeWarning, match=r"computed float32 products of votes wrongly"):
        statistics = VoteStatistics.from_label_matrix(L, patterns=True)
    np.testing.assert_array_equal(statistics.positive_counts, expected.positive_counts)


@pytest.mark.parametrize("faulty_product", FAULTY_PRODUCTS)
def test_the_moment_estimate_checks_its_covote_counts_as_the_statistics_do(
        monkeypatch, tutorial_data, faulty_product):
    # The moment estimate counts co-votes from the weighted pattern histogram
    # (row_sums.weighted_covotes): wrong float32 products are recomputed in float64
    # with a warning, and wrong float64 products too raise.
    import dataprog_helpers.label_model.row_sums as row_sums_module

    def faulty(rows, weighted):
        return faulty_product(rows) - rows.T @ rows + rows.T @ weighted

    def faulty_in_float32(rows, weighted):
        return faulty(rows, weighted) if rows.dtype == np.float32 else rows.T @ weighted

    L = tutorial_data.L_train[:500]
    expected = ClassConditionalLabelModel(method="moments").fit(L)
    monkeypatch.setattr(row_sums_module, "cross", faulty_in_float32)
    with pytest.warns(RuntimeWarning, match=r"computed float32 products of votes wrongly"):
        recomputed = ClassConditionalLabelModel(method="moments").fit(L)
    np.testing.assert_array_equal(recomputed.conditional_probabilities_,
                                  expected.conditional_probabilities_)
    monkeypatch.setattr(row_sums_module, "cross", faulty)
    with pytest.raises(FloatingPointError, match=r"wrong products of vote indicators in float32 "
                                                 r"and in float64"):
        ClassConditionalLabelModel(method="moments").fit(L)


def test_covote_counts_of_the_pattern_histogram_equal_those_of_the_statistics(
        random_sparse_matrix):
    from dataprog_helpers.label_model.binary_patterns import PatternCodes
    from dataprog_helpers.label_model.dependency_blocks import blocks_of, factors_of

    L = random_sparse_matrix
    statistics = VoteStatistics.from_label_matrix(L, patterns=True)
    codes = PatternCodes(statistics.patterns, statistics.pattern_counts,
                         blocks_of(factors_of([], L.shape[1])))
    np.testing.assert_array_equal(codes.covote_counts(), statistics.covote_counts())


# --- the histogram of vote patterns, co-vote counts by value, merging ------------------------

def test_vote_patterns_are_the_distinct_rows_with_their_counts(random_sparse_matrix):
    L = random_sparse_matrix
    statistics = VoteStatistics.from_label_matrix(L, patterns=True)
    distinct, counts = np.unique(L, axis=0, return_counts=True)
    found = {tuple(row): int(count)
             for row, count in zip(statistics.patterns, statistics.pattern_counts, strict=True)}
    assert found == {tuple(row): int(count) for row, count in zip(distinct, counts, strict=True)}
    assert statistics.patterns.dtype == np.int8 and statistics.pattern_counts.dtype == np.int64
    assert statistics.pattern_counts.sum() == statistics.n_points == L.shape[0]
    assert VoteStatistics.from_label_matrix(L, patterns=False).patterns is None


def test_covote_counts_count_each_pair_of_vote_values(random_sparse_matrix):
    L = random_sparse_matrix
    covotes = VoteStatistics.from_label_matrix(L, patterns=True).covote_counts()
    assert covotes.shape == (L.shape[1], L.shape[1], 2, 2)
    for a, b in [(-1, -1), (-1, 1), (1, -1), (1, 1)]:
        direct = (L == a).astype(np.int64).T @ (L == b).astype(np.int64)
        np.testing.assert_array_equal(covotes[:, :, (a + 1) // 2, (b + 1) // 2], direct)
    with pytest.raises(ValueError, match=r"covote_counts needs the statistics kept with patterns"):
        VoteStatistics.from_label_matrix(L, patterns=False).covote_counts()


@pytest.mark.parametrize("patterns", [False, True])
def test_streamed_and_merged_statistics_equal_those_of_the_whole_matrix(two_block_data, patterns):
    L = two_block_data.L
    whole = VoteStatistics.from_label_matrix(L, patterns=patterns)
    streamed = VoteStatistics.from_chunks([L[:1234], L[1234:50_000], L[50_000:]], patterns=patterns)
    merged = VoteStatistics.from_label_matrix(L[:40_000], patterns=patterns).merge(
        VoteStatistics.from_label_matrix(L[40_000:], patterns=patterns))
    for statistics in (streamed, merged):
        assert statistics.n_points == whole.n_points
        names = ["products", "counts", "vote_sums"]
        names += ["patterns", "pattern_counts", "positive_counts"] if patterns else []
        for name in names:
            np.testing.assert_array_equal(getattr(statistics, name), getattr(whole, name))


def test_merging_refuses_statistics_that_do_not_fit_together(small_label_matrix):
    L, _ = small_label_matrix
    statistics = VoteStatistics.from_label_matrix(L, patterns=False)
    with pytest.raises(TypeError, match=r"other must be a VoteStatistics, got ndarray"):
        statistics.merge(L)
    with pytest.raises(ValueError, match=r"cannot merge statistics of 4 LFs with statistics of 3"):
        statistics.merge(VoteStatistics.from_label_matrix(L[:, :3], patterns=False))
    with pytest.raises(ValueError, match=r"keep vote patterns with statistics that do not"):
        statistics.merge(VoteStatistics.from_label_matrix(L, patterns=True))
    with pytest.raises(TypeError, match=r"patterns must be True or False, got 'yes'"):
        VoteStatistics.from_label_matrix(L, patterns="yes")


# --- calibration_table / expected_calibration_error -----------------------------------------

# Hand-made example with 4 bins [0, 1/4), [1/4, 1/2), [1/2, 3/4), [3/4, 1]; the probabilities
# are binary fractions, exact in float32.  Bin 0 holds 0, 1/8, 1/8 (mean 1/12) with one
# positive of 3; bin 1 is empty; bin 2 holds 5/8 (positive); bin 3 holds 7/8 and 1 (mean
# 15/16) with one positive of 2.  A probability of exactly 1 falls in the last bin.
_CALIBRATION_Y = [-1, 1, -1, 1, -1, 1]
_CALIBRATION_P = [0.0, 0.125, 0.125, 0.625, 0.875, 1.0]


def test_calibration_table_matches_hand_computed_bins_and_skips_empty_ones():
    table = calibration_table(_CALIBRATION_Y, _CALIBRATION_P, n_bins=4)
    assert list(table.columns) == ["predicted", "observed", "count"]
    # Bins are half-open except the last, which holds P = 1 too.
    assert list(table.index) == ["[0, 0.25)", "[0.5, 0.75)", "[0.75, 1]"]
    np.testing.assert_allclose(table["predicted"], [1 / 12, 0.625, 0.9375], rtol=1e-12)
    np.testing.assert_allclose(table["observed"], [1 / 3, 1.0, 0.5], rtol=1e-12)
    np.testing.assert_array_equal(table["count"], [3, 1, 2])


def test_expected_calibration_error_is_the_count_weighted_mean_gap():
    # Gaps |observed - predicted| per bin: 1/4, 3/8, 7/16 with counts 3, 1, 2:
    # (3/4 + 3/8 + 7/8) / 6 = 1/3.
    ece = expected_calibration_error(_CALIBRATION_Y, _CALIBRATION_P, n_bins=4)
    assert ece == pytest.approx(1 / 3, rel=1e-12)


def test_expected_calibration_error_is_zero_for_a_perfectly_calibrated_predictor():
    # In every bin the fraction of positives equals the (common) predicted probability:
    # 1 of 4 at 1/4, 1 of 2 at 1/2, 3 of 4 at 3/4 (all exact in float32).
    probabilities = [0.25] * 4 + [0.5] * 2 + [0.75] * 4
    y = [1, -1, -1, -1] + [1, -1] + [1, 1, 1, -1]
    assert expected_calibration_error(y, probabilities) == 0.0
    table = calibration_table(y, probabilities)
    np.testing.assert_array_equal(table["predicted"], table["observed"])
    assert table["count"].sum() == 10


@pytest.mark.parametrize("function", [calibration_table, expected_calibration_error])
@pytest.mark.parametrize(
    ("y", "probabilities", "kwargs", "error", "pattern"),
    [
        ([1, 0], [0.5, 0.5], {}, ValueError, r"y must contain only -1 and \+1"),
        ([1, -1], [0.5, 1.5], {}, ValueError, r"probabilities must be probabilities"),
        ([1, -1], [0.5, np.nan], {}, ValueError, r"probabilities contains NaN"),
        ([1, -1, 1], [0.5, 0.5], {}, ValueError, r"y has 3, probabilities has 2"),
        ([1, -1], [0.5, 0.5], {"n_bins": 0}, ValueError, r"n_bins must lie in \[1, "),
        ([1, -1], [0.5, 0.5], {"n_bins": 2.5}, TypeError, r"n_bins must be an integer"),
    ],
    ids=["zero-one-y", "above-one", "nan", "lengths", "zero-bins", "float-bins"],
)
def test_calibration_functions_reject_bad_input(function, y, probabilities, kwargs, error,
                                                pattern):
    with pytest.raises(error, match=pattern):
        function(y, probabilities, **kwargs)


# --- loglog_slope -------------------------------------------------------------------------------


@pytest.mark.parametrize("exponent", [-0.5, -1.0, 2.0])
def test_loglog_slope_of_an_exact_power_law_is_its_exponent(exponent):
    sizes = np.array([100, 400, 1600, 6400, 25_600])
    # A straight line in log-log coordinates: the least-squares fit is exact up to rounding.
    assert loglog_slope(sizes, 3.0 * sizes**exponent) == pytest.approx(exponent, abs=1e-12)


@pytest.mark.parametrize(
    ("sizes", "values", "pattern"),
    [
        ([1, 2, 3], [1.0, 2.0], r"same length, at least 2; got shapes \(3,\) and \(2,\)"),
        ([1], [1.0], r"same length, at least 2"),
        ([[1, 2]], [[1.0, 2.0]], r"must be 1-D"),
        ([1, 2, 3], [1.0, 0.0, 2.0], r"must be positive"),
        ([1, 2, 3], [1.0, -1.0, 2.0], r"must be positive"),
        ([0, 2, 3], [1.0, 1.0, 2.0], r"must be positive"),
        ([1, 2, 3], [1.0, np.nan, 2.0], r"must be finite"),
        ([1, 2, 3], [1.0, 2.0, np.inf], r"must be finite"),
        ([1, 2, np.inf], [1.0, 2.0, 3.0], r"must be finite"),
        ([5, 5, 5], [1.0, 2.0, 3.0], r"sizes must not all be equal"),
    ],
    ids=["lengths", "one-point", "2-D", "zero-value", "negative-value", "zero-size", "nan",
         "inf-value", "inf-size", "equal-sizes"],
)
def test_loglog_slope_rejects_bad_input(sizes, values, pattern):
    with pytest.raises(ValueError, match=pattern):
        loglog_slope(sizes, values)


# --- f1_score / score_table ---------------------------------------------------------------------


def test_f1_score_matches_hand_counts_and_treats_no_decision_as_not_positive():
    # TP = 2 (points 0, 1), FP = 1 (point 3), FN = 2 (point 2 missed, point 5 undecided):
    # F1 = 2 * 2 / (2 * 2 + 1 + 2) = 4 / 7.
    y = [1, 1, 1, -1, -1, 1]
    predictions = [1, 1, -1, 1, -1, 0]
    assert f1_score(y, predictions) == pytest.approx(4 / 7, rel=1e-12)
    assert f1_score([1, -1], [1, -1]) == 1.0
    assert f1_score([-1, -1], [-1, -1]) == 0.0  # no positive anywhere: defined as 0


def test_f1_score_rejects_bad_input():
    with pytest.raises(ValueError, match=r"y_pred must contain only -1, 0"):
        f1_score([1, -1], [1, 2])
    with pytest.raises(ValueError, match=r"inconsistent numbers of points"):
        f1_score([1, -1, 1], [1, -1])


def test_score_table_combines_accuracy_f1_and_calibration():
    y = np.array(_CALIBRATION_Y)
    probabilities = np.array(_CALIBRATION_P)
    decided = np.where(probabilities >= 0.5, 1, -1)
    table = score_table(y, {"model": decided, "always -1": -np.ones(6, dtype=int)},
                        {"model": probabilities})
    assert list(table.index) == ["model", "always -1"]
    assert table.loc["model", "accuracy"] == accuracy(y, decided)
    assert table.loc["model", "F1"] == f1_score(y, decided)
    # decided = (-1, -1, -1, +1, +1, +1) against y = (-1, +1, -1, +1, -1, +1): of the 3
    # predicted positives 2 are right; of the 3 true positives 2 are found.
    assert table.loc["model", "precision"] == pytest.approx(2 / 3)
    assert table.loc["model", "recall"] == pytest.approx(2 / 3)
    assert np.isnan(table.loc["always -1", "precision"])  # predicts no positive at all
    assert table.loc["always -1", "recall"] == 0.0
    assert list(table.columns) == ["accuracy", "precision", "recall", "F1", "ECE"]
    assert table.loc["model", "ECE"] == pytest.approx(expected_calibration_error(y, probabilities))
    assert table.loc["always -1", "accuracy"] == 0.5
    assert np.isnan(table.loc["always -1", "ECE"])


def _random_predictions(seed: int):
    """Labels and predictions in {-1, 0, +1} of a random size, with the corner cases."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    y = rng.choice([-1, 1], size=n, p=[0.7, 0.3] if seed % 2 else [0.5, 0.5])
    predictions = rng.choice([-1, 0, 1], size=n)
    if seed % 7 == 0:
        predictions[:] = -1  # no positive predicted
    if seed % 11 == 0:
        y[:] = -1  # no positive to find
    return y, predictions


def _hand_scores(y, predictions):
    """Precision, recall and F1 of the positive class from the counts, 0 not being +1."""
    hits = np.sum((predictions == 1) & (y == 1))
    n_predicted, n_positive = np.sum(predictions == 1), np.sum(y == 1)
    wrong = n_predicted - hits + n_positive - hits
    return (hits / n_predicted if n_predicted else np.nan,
            hits / n_positive if n_positive else np.nan,
            2 * hits / (2 * hits + wrong) if 2 * hits + wrong else 0.0)


@pytest.mark.parametrize("seed", range(60))
def test_f1_precision_and_recall_equal_the_counts_exactly(seed):
    # scikit-learn computes them; the formulas from the counts must give the same floats.
    y, predictions = _random_predictions(seed)
    precision, recall, f1 = _hand_scores(y, predictions)
    table = score_table(y, {"p": predictions})
    assert f1_score(y, predictions) == f1 == table.loc["p", "F1"]
    for name, expected in (("precision", precision), ("recall", recall)):
        got = table.loc["p", name]
        assert (np.isnan(got) and np.isnan(expected)) or got == expected


def test_score_table_rejects_probabilities_of_unknown_predictors():
    with pytest.raises(ValueError, match=r"probabilities has names not in predictions: \['b'\]"):
        score_table([1, -1], {"a": [1, -1]}, {"b": [0.5, 0.5]})


# --- labels_from_probabilities -------------------------------------------------------------


def test_labels_from_probabilities_decides_by_one_half_with_zero_for_ties():
    probabilities = [0.0, 0.2, 0.5, 0.5000001, 0.9, 1.0]
    labels = labels_from_probabilities(probabilities)
    assert labels.dtype == np.int8 and labels.shape == (6,)
    np.testing.assert_array_equal(labels, [-1, -1, 0, 1, 1, 1])
    random = np.random.default_rng(0).random(1_000)
    random[::10] = 0.5
    np.testing.assert_array_equal(labels_from_probabilities(random, ties="zero"),
                                  np.sign(random - 0.5).astype(np.int8))


def test_labels_from_probabilities_can_break_ties_towards_plus_one():
    labels = labels_from_probabilities(np.array([0.5, 0.1, 0.7, 0.5]), ties="positive")
    assert labels.dtype == np.int8
    np.testing.assert_array_equal(labels, [1, -1, 1, 1])


@pytest.mark.parametrize("ties", ["half", "Zero", None, 0])
def test_labels_from_probabilities_rejects_an_unknown_tie_policy(ties):
    with pytest.raises(ValueError, match=r'ties must be "zero" or "positive", got'):
        labels_from_probabilities([0.5], ties=ties)


# --- VoteStatistics of k-class votes --------------------------------------------------------

def _class_votes(n: int = 3000, k: int = 4, m: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    votes = np.where(rng.random((n, m)) < 0.7, y[:, None], rng.integers(0, k, size=(n, m)))
    return np.where(rng.random((n, m)) < 0.4, votes, -1).astype(np.int8), y


def test_k_class_statistics_are_the_sums_they_promise():
    L, _ = _class_votes()
    statistics = VoteStatistics.from_label_matrix(L, cardinality=4)
    voted = L >= 0
    same = (L[:, :, None] == L[:, None, :]) & voted[:, :, None] & voted[:, None, :]
    both = voted[:, :, None] & voted[:, None, :]
    np.testing.assert_array_equal(statistics.counts, both.sum(axis=0))
    np.testing.assert_array_equal(statistics.products, 2 * same.sum(axis=0) - both.sum(axis=0))
    np.testing.assert_array_equal(statistics.class_counts,
                                  [[np.sum(L[:, i] == c) for c in range(4)] for i in range(6)])
    assert statistics.vote_sums is None and statistics.positive_counts is None
    assert statistics.n_points == 3000 and statistics.pattern_counts.sum() == 3000
    chunked = VoteStatistics.from_chunks([L[:1000], L[1000:2500], L[2500:]], cardinality=4)
    merged = VoteStatistics.from_label_matrix(L[:1700], cardinality=4).merge(
        VoteStatistics.from_label_matrix(L[1700:], cardinality=4))
    for other in (chunked, merged):
        for name in ("products", "counts", "class_counts", "patterns", "pattern_counts"):
            np.testing.assert_array_equal(getattr(other, name), getattr(statistics, name))
    # Signed votes are the special case: products are L^T L there.
    signed = VoteStatistics.from_label_matrix(np.where(L > 1, 1, np.where(L >= 0, -1, 0)))
    assert signed.cardinality is None


def test_the_k_class_model_fits_its_statistics_as_it_fits_the_votes():
    L, y = _class_votes()
    from_votes = ClassConditionalLabelModel(cardinality=4).fit(L, L[:100], y[:100])
    statistics = VoteStatistics.from_chunks([L[:1000], L[1000:]], cardinality=4)
    from_statistics = ClassConditionalLabelModel(cardinality=4).fit_statistics(
        statistics, L[:100], y[:100])
    np.testing.assert_array_equal(from_statistics.conditional_probabilities_,
                                  from_votes.conditional_probabilities_)
    np.testing.assert_array_equal(from_statistics.class_prior_, from_votes.class_prior_)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda L: VoteStatistics.from_label_matrix(L, cardinality=2), ValueError,
         r"cardinality=2 is refused"),
        (lambda L: VoteStatistics.from_label_matrix(L, cardinality=3), ValueError,
         r"entries must be -1 \(abstain\) or a class index 0 to 2"),
        (lambda L: VoteStatistics.from_label_matrix(L, cardinality=4).mean_votes(), ValueError,
         r"mean_votes is defined for signed two-class votes"),
        (lambda L: VoteStatistics.from_label_matrix(L, cardinality=4).merge(
            VoteStatistics.from_label_matrix(L, cardinality=5)), ValueError,
         r"cannot merge statistics of cardinality=4 with statistics of cardinality=5"),
        (lambda L: LabelModel().fit_statistics(VoteStatistics.from_label_matrix(
            L, cardinality=4)), ValueError, r"these statistics are of k-class votes"),
        (lambda L: ClassConditionalLabelModel(cardinality=5).fit_statistics(
            VoteStatistics.from_label_matrix(L, cardinality=4)), ValueError,
         r"statistics are of cardinality=4 but the model has cardinality=5"),
        (lambda L: ClassConditionalLabelModel(cardinality=4).fit_statistics(
            VoteStatistics.from_label_matrix(L, patterns=False, cardinality=4)), ValueError,
         r"do not keep \(patterns=False\)"),
    ],
    ids=["two", "vote-above-k", "mean-votes", "merge", "symmetric-model", "k-disagrees",
         "no-patterns"],
)
def test_k_class_statistics_refuse_what_they_cannot_mean(call, error, pattern):
    L, _ = _class_votes(n=300)
    with pytest.raises(error, match=pattern):
        call(L)

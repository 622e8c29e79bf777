"""The k-class fit reads only the points with at least one vote, and so survives
correlated one-sided keyword LFs whose all-abstain pattern plain EM gives to a class."""

import warnings

import numpy as np
import pytest

from dataprog_helpers import ClassConditionalLabelModel
from dataprog_helpers.analysis import class_vote_counts
from dataprog_helpers.course import make_class_conditional_tables, sample_class_label_matrix
from dataprog_helpers.course.keyword_simulation import (
    KEYWORD_CLASS_PRIOR,
    KEYWORD_LFS,
    SHARED_CUE,
    sample_keyword_label_matrix,
)
from dataprog_helpers.label_model.class_posterior import ClassPosterior
from dataprog_helpers.label_model.multiclass import (
    FullTables,
    VoteIndicators,
    expectation_maximisation,
)

K = KEYWORD_CLASS_PRIOR.size


def _majority_vote_expected(label_matrix, y, k):
    """Each point's expected score under majority vote with ties broken at random."""
    counts = class_vote_counts(label_matrix, k)
    top = counts == counts.max(axis=1, keepdims=True)
    return top[np.arange(y.size), y] / top.sum(axis=1)


def test_points_without_votes_leave_the_fit_unchanged():
    y = np.random.default_rng(0).choice(4, size=5000, p=[0.4, 0.3, 0.2, 0.1])
    label_matrix = sample_class_label_matrix(y, make_class_conditional_tables(4, 12), seed=1)
    padded = np.vstack([label_matrix, np.full((3000, 12), -1, dtype=np.int8)])
    plain = ClassConditionalLabelModel(cardinality=4).fit(label_matrix)
    more = ClassConditionalLabelModel(cardinality=4).fit(padded)
    np.testing.assert_array_equal(more.conditional_probabilities_,
                                  plain.conditional_probabilities_)
    np.testing.assert_array_equal(more.class_prior_, plain.class_prior_)
    # ... and the fitted model still scores them, like any pattern.
    no_votes = more.predict_proba(padded[-1:])
    assert no_votes.shape == (1, 4) and np.isclose(no_votes.sum(), 1.0)


def test_covered_keeps_the_patterns_with_votes_and_their_weights():
    label_matrix = np.array([[-1, -1], [0, -1], [-1, -1], [1, 2], [0, -1]], dtype=np.int8)
    covered = VoteIndicators.from_label_matrix(label_matrix, 3).covered()
    assert covered.n_points == 3
    assert covered.votes.shape[0] == 2 and covered.votes.sum() == 3
    np.testing.assert_array_equal(covered.vote_totals(), [[2, 1, 0], [0, 0, 1]])


@pytest.mark.statistical
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_on_correlated_keyword_lfs_the_model_beats_majority_vote_where_plain_em_collapses(
        seed, z_bound):
    train, _ = sample_keyword_label_matrix(5000, seed=2 * seed)
    test, y = sample_keyword_label_matrix(4000, seed=2 * seed + 1)
    majority = _majority_vote_expected(test, y, K)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # orientation without dev labels may warn
        model = ClassConditionalLabelModel(cardinality=K).fit(train)
    ahead = (model.predict(test) == y) - majority
    standard_error = ahead.std(ddof=1) / np.sqrt(ahead.size)
    assert ahead.mean() > -z_bound(3) * standard_error
    # EM on every point, the all-abstain pattern included, gives it to a class:
    # one class's prior swells and the model falls far below majority vote.
    everything = expectation_maximisation(VoteIndicators.from_label_matrix(train, K),
                                          FullTables, 1e-4, 1e-6, 3000)
    assert everything.class_prior.max() > 0.4 > KEYWORD_CLASS_PRIOR.max()
    plain = ClassPosterior(np.log(everything.conditional_probabilities),
                           np.log(everything.class_prior)).predict_proba(test).argmax(axis=1)
    behind = (plain == y) - majority
    assert behind.mean() < -z_bound(3) * behind.std(ddof=1) / np.sqrt(behind.size)
    assert model.class_prior_.max() < 0.4


def test_the_keyword_simulation_fires_its_rules_at_their_rates():
    label_matrix, y = sample_keyword_label_matrix(60_000, seed=3)
    assert label_matrix.shape == (60_000, len(KEYWORD_LFS)) and label_matrix.dtype == np.int8
    np.testing.assert_allclose(np.bincount(y, minlength=K) / y.size, KEYWORD_CLASS_PRIOR,
                               atol=0.01)
    for lf, (target, hit, mistakes) in enumerate(KEYWORD_LFS):
        assert set(np.unique(label_matrix[:, lf])) <= {-1, target}
        assert np.mean(label_matrix[y == target, lf] == target) == pytest.approx(hit, abs=0.02)
        for other, rate in mistakes.items():
            assert np.mean(label_matrix[y == other, lf] == target) == pytest.approx(
                rate, abs=0.05 if other == 0 else 0.01)
    # Rules for one class fire together: both read the shared cue with probability
    # SHARED_CUE ** 2, and then fire together as often as the rarer one fires.
    both = np.mean((label_matrix[y == 3, 6] == 3) & (label_matrix[y == 3, 7] == 3))
    first, second = KEYWORD_LFS[6][1], KEYWORD_LFS[7][1]
    shared = SHARED_CUE ** 2
    assert both == pytest.approx(shared * min(first, second) + (1 - shared) * first * second,
                                 abs=0.01)
    assert both > first * second + 0.03  # independent rules: first * second
    again, _ = sample_keyword_label_matrix(60_000, seed=3)
    np.testing.assert_array_equal(again, label_matrix)


@pytest.mark.parametrize("n, seed, error, message", [
    (0, 0, ValueError, "n"), (10.5, 0, TypeError, "n"), (10, -1, ValueError, "seed"),
])
def test_the_keyword_simulation_refuses_bad_sizes_and_seeds(n, seed, error, message):
    with pytest.raises(error, match=message):
        sample_keyword_label_matrix(n, seed=seed)

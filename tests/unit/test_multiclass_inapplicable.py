"""The k-class model's inapplicable share: the points without votes explained as points no
LF applies to, kept where correlated one-sided keyword LFs leave more of them than
independent LFs would (plain Dawid-Skene EM gives them to a class), and left out where
they are the evidence for a class the LFs do not vote for."""

import warnings

import numpy as np
import pytest

from dataprog_helpers import ClassConditionalLabelModel, IdentifiabilityWarning
from dataprog_helpers.course import make_class_conditional_tables, sample_class_label_matrix
from dataprog_helpers.course.class_leaderboard import majority_vote_expected_scores
from dataprog_helpers.course.keyword_simulation import (
    KEYWORD_CLASS_PRIOR,
    KEYWORD_LFS,
    SHARED_CUE,
    sample_keyword_label_matrix,
    sample_seldom_voted_label_matrix,
)
from dataprog_helpers.label_model.class_posterior import ClassPosterior
from dataprog_helpers.label_model.class_structures import FullTables
from dataprog_helpers.label_model.inapplicable_share import with_inapplicable_share
from dataprog_helpers.label_model.multiclass import VoteIndicators, expectation_maximisation

K = KEYWORD_CLASS_PRIOR.size


def test_n_uncovered_counts_the_points_without_votes():
    label_matrix = np.array([[-1, -1], [0, -1], [-1, -1], [1, 2], [0, -1]], dtype=np.int8)
    indicators = VoteIndicators.from_label_matrix(label_matrix, 3)
    assert indicators.n_uncovered == 2 and indicators.n_points == 5


def test_the_share_is_not_tried_where_every_point_has_a_vote():
    y = np.random.default_rng(0).choice(4, size=5000, p=[0.4, 0.3, 0.2, 0.1])
    label_matrix = sample_class_label_matrix(y, make_class_conditional_tables(4, 12), seed=1)
    label_matrix[~(label_matrix >= 0).any(axis=1), 0] = 0
    model = ClassConditionalLabelModel(cardinality=4).fit(label_matrix)
    assert model.inapplicable_share_ == 0.0
    assert not any("inapplicable" in name for name in model.bic_)


def test_a_share_of_zero_changes_no_count():
    train, _ = sample_keyword_label_matrix(2000, seed=0)
    indicators = VoteIndicators.from_label_matrix(train, K)
    fit = expectation_maximisation(indicators, FullTables, 1e-4, 1e-6, 50)
    fitted = (fit.conditional_probabilities, fit.class_prior)
    counts, log_likelihood = indicators.expected_counts(*fitted)
    expected, same = with_inapplicable_share(indicators, counts, log_likelihood, *fitted, 0.0)
    np.testing.assert_allclose(expected.counts, counts, rtol=1e-12, atol=1e-9)
    assert same == pytest.approx(log_likelihood, rel=1e-12)
    assert not expected.inapplicable.any()


def test_the_posterior_with_a_share_reads_points_without_votes_as_the_model_says():
    rng = np.random.default_rng(1)
    tables = rng.dirichlet(np.ones(4), size=(5, 3))
    prior, share = np.array([0.5, 0.3, 0.2]), 0.3
    plain = ClassPosterior(np.log(tables), np.log(prior))
    with_share = ClassPosterior(np.log(tables), np.log(prior), share)
    label_matrix = np.array([[-1] * 5, [0, -1, 2, -1, 1], [-1, -1, -1, -1, 2]], dtype=np.int8)
    # Points with votes: the same posterior, and log(1 - rho) more likelihood each.
    np.testing.assert_allclose(with_share.predict_proba(label_matrix[1:]),
                               plain.predict_proba(label_matrix[1:]), rtol=1e-12)
    assert with_share.mean_log_likelihood(label_matrix[1:]) == pytest.approx(
        plain.mean_log_likelihood(label_matrix[1:]) + np.log(1 - share), rel=1e-12)
    # A point without votes: P(y = c | none) ∝ pi[c] (rho + (1 - rho) prod_i theta[i, c, 0]).
    by_hand = prior * (share + (1 - share) * tables[:, :, 0].prod(axis=0))
    np.testing.assert_allclose(with_share.predict_proba(label_matrix[:1])[0],
                               by_hand / by_hand.sum(), rtol=1e-12)


@pytest.mark.statistical
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_on_correlated_keyword_lfs_the_model_beats_majority_vote_where_plain_em_collapses(
        seed, z_bound):
    train, _ = sample_keyword_label_matrix(5000, seed=2 * seed)
    test, y = sample_keyword_label_matrix(4000, seed=2 * seed + 1)
    majority = majority_vote_expected_scores(test, y, K)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # orientation without dev labels may warn
        model = ClassConditionalLabelModel(cardinality=K).fit(train)
    ahead = (model.predict(test) == y) - majority
    standard_error = ahead.std(ddof=1) / np.sqrt(ahead.size)
    assert ahead.mean() > -z_bound(3) * standard_error
    assert model.inapplicable_share_ > 0.2 and model.class_prior_.max() < 0.4
    # Plain Dawid-Skene EM gives the points without votes to a class: one class's
    # prior swells and the model falls far below majority vote, at a lower likelihood.
    plain_fit = expectation_maximisation(VoteIndicators.from_label_matrix(train, K),
                                         FullTables, 1e-4, 1e-6, 3000)
    assert plain_fit.class_prior.max() > 0.4 > KEYWORD_CLASS_PRIOR.max()
    assert plain_fit.log_likelihood_history[-1] < model.log_likelihood_
    plain = ClassPosterior(np.log(plain_fit.conditional_probabilities),
                           np.log(plain_fit.class_prior)).predict(test)
    behind = (plain == y) - majority
    assert behind.mean() < -z_bound(3) * behind.std(ddof=1) / np.sqrt(behind.size)


@pytest.mark.statistical
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_class_no_lf_votes_for_keeps_the_points_without_votes(seed, z_bound):
    train, _ = sample_seldom_voted_label_matrix(5000, seed=2 * seed)
    test, y = sample_seldom_voted_label_matrix(4000, seed=2 * seed + 1)
    with pytest.warns(IdentifiabilityWarning, match=r"no LF votes for class\(es\) \[2\]"):
        model = ClassConditionalLabelModel(cardinality=3).fit(train)
    assert model.inapplicable_share_ == 0.0  # tried, not kept
    assert "class-conditional + inapplicable share" in model.bic_
    assert model.predict(np.full((1, 6), -1, dtype=np.int8))[0] == 2
    ahead = (model.predict(test) == y) - majority_vote_expected_scores(test, y, 3)
    assert ahead.mean() > z_bound(3) * ahead.std(ddof=1) / np.sqrt(ahead.size)


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


def test_dev_points_without_votes_do_not_orient_the_classes():
    train, _ = sample_keyword_label_matrix(5000, seed=4)
    dev, dev_y = sample_keyword_label_matrix(300, seed=5)
    voted = (dev >= 0).any(axis=1)
    assert 0 < np.count_nonzero(~voted) < dev.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a close orientation may warn either way
        with_votes = ClassConditionalLabelModel(cardinality=K).fit(train, dev[voted],
                                                                   dev_y[voted])
        # Points without votes, all labelled with one class, change nothing.
        padded = np.vstack([dev[voted], np.full((5000, dev.shape[1]), -1, dtype=np.int8)])
        labels = np.concatenate([dev_y[voted], np.full(5000, 3)])
        with_more = ClassConditionalLabelModel(cardinality=K).fit(train, padded, labels)
    np.testing.assert_array_equal(with_more.class_prior_, with_votes.class_prior_)
    np.testing.assert_array_equal(with_more.conditional_probabilities_,
                                  with_votes.conditional_probabilities_)


def test_the_seldom_voted_simulation_gives_class_2_no_lf_or_one():
    votes, y = sample_seldom_voted_label_matrix(20_000, seed=1)
    assert votes.shape == (20_000, 6) and not np.any(votes == 2)
    assert np.mean(~(votes[y == 2] >= 0).any(axis=1)) > 0.7  # most of class 2: no vote
    votes, y = sample_seldom_voted_label_matrix(20_000, 0.3, seed=1)
    assert votes.shape == (20_000, 7)
    assert np.mean(votes[y == 2, 6] == 2) == pytest.approx(0.3, abs=0.02)
    for rate in (0.0, 1.5, 1):
        with pytest.raises(ValueError, match="rate"):
            sample_seldom_voted_label_matrix(10, rate)

"""Tests of dataprog_helpers.label_model: the TensorFlow label model and its posterior."""

import warnings

import numpy as np
import pytest

from dataprog_helpers import (
    ConvergenceWarning,
    LabelModel,
    NotFittedError,
    accuracy,
    estimate_class_prior,
    log_odds_weights,
    make_features,
    make_label_matrix,
    make_tutorial_data,
    overlap_matrix,
    posterior_proba,
)
from dataprog_helpers.label_model import _fit_correlations

# --- log_odds_weights / posterior_proba -------------------------------------------------------


def test_log_odds_weights_are_log_p_over_one_minus_p_and_antisymmetric():
    p = np.array([0.1, 0.5, 0.75, 0.999])
    np.testing.assert_allclose(log_odds_weights(p), np.log(p / (1 - p)), rtol=1e-12)
    np.testing.assert_allclose(log_odds_weights(1 - p), -log_odds_weights(p), rtol=1e-9)


@pytest.mark.parametrize(
    "accuracies",
    [[0.5, 0.0], [1.0, 0.5], [0.5, np.nan], [[0.6, 0.7]], 0.7, [-0.2], [1.2]],
    ids=["zero", "one", "nan", "2-D", "scalar", "negative", "above-one"],
)
def test_log_odds_weights_rejects_accuracies_outside_the_open_unit_interval(accuracies):
    with pytest.raises(ValueError, match=r"accuracies must be a 1-D array .* strictly in \(0, 1\)"):
        log_odds_weights(accuracies)


def test_posterior_proba_matches_hand_computed_values():
    accuracies = [0.75, 0.75, 0.9]
    L = [
        [1, 0, 0],  # one vote with odds 3:1 -> 3/4
        [1, -1, 0],  # equal and opposite votes cancel -> 1/2
        [0, 0, 0],  # no votes -> the balanced prior 1/2
        [-1, -1, 1],  # odds (1/3)(1/3)(9) = 1 -> 1/2
        [1, 1, 0],  # odds 9 -> 9/10
    ]
    np.testing.assert_allclose(
        posterior_proba(L, accuracies), [0.75, 0.5, 0.5, 0.5, 0.9], rtol=1e-12
    )


def test_posterior_proba_is_antisymmetric_in_the_votes_and_overflow_free():
    L = np.ones((2, 2000), dtype=np.int8)
    L[1] = -1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in exp would warn
        probabilities = posterior_proba(L, np.full(2000, 0.999))
    np.testing.assert_array_equal(probabilities, [1.0, 0.0])
    rng = np.random.default_rng(0)
    votes = rng.integers(-1, 2, size=(50, 6))
    accuracies = rng.uniform(0.3, 0.9, size=6)
    np.testing.assert_allclose(
        posterior_proba(-votes, accuracies), 1 - posterior_proba(votes, accuracies), atol=1e-12
    )


@pytest.mark.parametrize(
    ("votes", "accuracies", "pattern"),
    [
        ([[1, 0, -1]], [0.7, 0.7], r"label_matrix has 3 LFs but accuracies has 2 entries"),
        ([[1, 0, -1]], [0.7, 0.7, 0.7, 0.7], r"label_matrix has 3 LFs but accuracies has 4"),
        ([[1, 0, -1]], [0.7, 1.0, 0.7], r"accuracies must be .* strictly in \(0, 1\)"),
        ([1, 0, -1], [0.7, 0.7, 0.7], r"label_matrix must be 2-D"),
        ([[2, 0, -1]], [0.7, 0.7, 0.7], r"label_matrix entries must be -1, 0"),
        ([[np.nan, 0, -1]], [0.7, 0.7, 0.7], r"label_matrix contains NaN"),
        (np.zeros((0, 3)), [0.7, 0.7, 0.7], r"label_matrix is empty"),
    ],
    ids=["too-few-accuracies", "too-many-accuracies", "accuracy-one", "1-D", "two", "nan",
         "empty"],
)
def test_posterior_proba_rejects_bad_input(votes, accuracies, pattern):
    with pytest.raises(ValueError, match=pattern):
        posterior_proba(votes, accuracies)


# --- recovery of the LF accuracies ------------------------------------------------------------


def test_label_model_recovers_accuracies_within_002_over_10_seeds(tutorial_run):
    # The project's stated bound for the tutorial setting (8,000 training points,
    # 20 LFs, coverage 0.25): mean |estimated - true| accuracy <= 0.02 on average.
    errors = [
        np.abs(run.label_model.accuracies_ - run.data.lf_accs).mean()
        for run in map(tutorial_run, range(10))
    ]
    assert np.mean(errors) <= 0.02


def test_label_model_posterior_accuracy_is_within_0005_of_the_oracle_over_10_seeds(tutorial_run):
    # The oracle is the same posterior with the true accuracies.  Project's stated
    # bounds: within 0.005 on average over seeds and within 0.015 on the worst seed
    # (one test point is 1/2000 = 0.0005 of accuracy, so 0.015 is 30 points).
    runs = [tutorial_run(seed) for seed in range(10)]
    label_model = np.array([run.label_model_accuracy for run in runs])
    oracle = np.array([run.oracle_accuracy for run in runs])
    assert abs(label_model.mean() - oracle.mean()) <= 0.005
    assert np.max(np.abs(label_model - oracle)) <= 0.015


def test_label_model_recovers_exact_accuracies_from_noise_free_agreements(exact_label_matrix):
    # Z is exactly q q^T here, so the only error left is the optimiser's: it stops
    # when no q_i moves by more than tol=1e-9 in a step, and with a contraction rate
    # below 1/2 per step the distance to the fixed point is then at most ~tol.
    # 1e-7 allows a factor 100 on top of that.
    numerators = [5, 6, 7, 6, 5]
    L = exact_label_matrix(numerators, 8)
    model = LabelModel().fit(L)
    np.testing.assert_allclose(model.accuracies_, np.array(numerators) / 8, rtol=0, atol=1e-7)
    assert model.converged_


def test_label_model_recovers_exact_accuracies_with_abstentions(exact_label_matrix):
    # Coverage 1/2 (abstain weight 4 of 8) and one LF that is mostly wrong (1/4).
    numerators = [3, 3, 3, 3, 1]
    L = exact_label_matrix(numerators, 4, abstain_weight=4)
    assert (L == 0).mean() == pytest.approx(0.5)
    model = LabelModel().fit(L)
    np.testing.assert_allclose(model.accuracies_, np.array(numerators) / 4, rtol=0, atol=1e-7)


def test_label_model_error_shrinks_with_200000_points():
    # Sampling error in Z, hence in the estimates, scales as 1/sqrt(n).  At 8,000
    # points the stated bound is 0.02 (measured ~0.019), so at 200,000 points the
    # expected error is ~0.02 * sqrt(8000 / 200000) = 0.004; 0.01 leaves a factor 2.5
    # for seed-to-seed variation while still failing if the error does not shrink.
    for seed in range(3):
        _, y, _ = make_features(200_000, 1, seed=seed)
        L, lf_accs = make_label_matrix(y, 20, 0.25, seed=seed + 1)
        model = LabelModel(seed=seed).fit(L)
        assert np.abs(model.accuracies_ - lf_accs).mean() < 0.01


def test_label_model_reports_one_minus_true_accuracy_for_mostly_wrong_lfs(tutorial_run):
    # Agreements cannot tell q from -q and the model assumes mean(q) > 0, so LFs that
    # are all worse than random (accuracies in [0.2, 0.45]) come out as 1 - true.
    # Their |q| lies in [0.1, 0.6], mostly larger than in the default setting's
    # [-0.1, 0.5], so the default setting's 0.02 bound on the mean error applies.
    errors = []
    for seed in range(10):
        data = make_tutorial_data(acc_range=(0.2, 0.45), seed=seed)
        model = LabelModel(seed=seed).fit(data.L_train)
        assert np.all(model.accuracies_ > 0.5)
        errors.append(np.abs(model.accuracies_ - (1 - data.lf_accs)).mean())
    assert np.mean(errors) <= 0.02


def test_label_model_flips_to_a_positive_mean_correlation_whatever_the_seed(exact_label_matrix):
    # True accuracies (3/4, 3/4, 1/4, 1/4, 1/4): mean q = -0.1 < 0, so the model's
    # assumption makes it report 1 - true.  Depending on the random start the
    # optimiser lands on q or on -q; sign_flipped_ records which, and the reported
    # accuracies must not depend on it.
    true_accuracies = np.array([3, 3, 1, 1, 1]) / 4
    L = exact_label_matrix([3, 3, 1, 1, 1], 4)
    flipped = []
    for seed in range(20):
        model = LabelModel(seed=seed).fit(L)
        np.testing.assert_allclose(model.accuracies_, 1 - true_accuracies, atol=1e-7)
        assert model.correlations_.mean() > 0
        flipped.append(model.sign_flipped_)
    assert any(flipped), "no seed exercised the sign flip; choose another construction"


def test_label_model_cannot_tell_a_label_matrix_from_its_negation(fitted_label_model,
                                                                  tutorial_data):
    # Negating every vote leaves Z unchanged (products of two votes), so the fit is
    # identical: for -L the reported accuracies are 1 - the true ones.
    negated = LabelModel(seed=0).fit(-tutorial_data.L_train)
    np.testing.assert_array_equal(negated.accuracies_, fitted_label_model.accuracies_)
    assert negated.sign_flipped_ == fitted_label_model.sign_flipped_
    assert negated.accuracies_.mean() > 0.5


# --- fitted attributes ----------------------------------------------------------------------


def test_fitted_label_model_converges_before_max_steps_with_decreasing_loss(fitted_label_model):
    model = fitted_label_model
    assert model.converged_ is True
    assert 0 < model.n_iter_ < model.max_steps
    assert model.loss_history_.shape == (model.n_iter_ + 1,)
    assert model.loss_history_[-1] < model.loss_history_[0]
    assert np.all(np.isfinite(model.loss_history_))


def test_final_loss_equals_completion_loss_of_the_reported_correlations(fitted_label_model,
                                                                         tutorial_data):
    model = fitted_label_model
    Z = overlap_matrix(tutorial_data.L_train)
    observed = ~np.ma.getmaskarray(Z)
    np.fill_diagonal(observed, False)
    residuals = (Z.filled(0.0) - np.outer(model.correlations_, model.correlations_))[observed]
    # The same float64 sum computed by TensorFlow in another order.
    assert model.loss_history_[-1] == pytest.approx(np.sum(residuals**2), rel=1e-9)


def test_fitted_attributes_are_consistent(fitted_label_model, tutorial_data):
    model = fitted_label_model
    m = tutorial_data.L_train.shape[1]
    assert model.accuracies_.shape == (m,)
    np.testing.assert_allclose(model.correlations_, 2 * model.accuracies_ - 1, rtol=1e-12)
    np.testing.assert_allclose(
        model.weights_, np.log(model.accuracies_ / (1 - model.accuracies_)), rtol=1e-9
    )
    Z = overlap_matrix(tutorial_data.L_train)
    np.testing.assert_array_equal(model.overlap_matrix_.mask, Z.mask)
    np.testing.assert_array_equal(model.overlap_matrix_.filled(0), Z.filled(0))
    assert isinstance(model.sign_flipped_, bool)


def test_accuracies_stay_strictly_inside_unit_interval_for_an_always_right_lf(
    exact_label_matrix,
):
    # LF 0 is always right (q = 1), so the unconstrained optimum would give accuracy
    # 1 and an infinite weight; the clip keeps it at 1 - accuracy_margin.
    L = exact_label_matrix([4, 3, 3, 3], 4)
    for margin in (1e-3, 0.05):
        model = LabelModel(accuracy_margin=margin).fit(L)
        assert np.all((model.accuracies_ > 0) & (model.accuracies_ < 1))
        assert model.accuracies_[0] == pytest.approx(1 - margin, abs=1e-12)
        assert np.all(model.accuracies_ <= 1 - margin + 1e-12)
        assert np.all(np.isfinite(model.weights_))


def test_label_model_is_reproducible_for_a_seed(tutorial_data, fitted_label_model):
    again = LabelModel(seed=0).fit(tutorial_data.L_train)
    np.testing.assert_array_equal(again.accuracies_, fitted_label_model.accuracies_)
    np.testing.assert_array_equal(again.loss_history_, fitted_label_model.loss_history_)


def test_fit_reuses_one_compiled_graph_for_any_size_and_hyperparameters(tutorial_data):
    LabelModel().fit(tutorial_data.L_train)
    traces = _fit_correlations.experimental_get_tracing_count()
    assert traces >= 1
    _, y, _ = make_features(2000, 1, seed=0)
    settings = [
        (5, {}),
        (20, {"step_size": 0.3, "tol": 1e-6}),
        (37, {"max_steps": 1000, "accuracy_margin": 0.01, "seed": 3}),
    ]
    for m, kwargs in settings:
        L, _ = make_label_matrix(y, m, 0.5, seed=m)
        LabelModel(**kwargs).fit(L)
    assert _fit_correlations.experimental_get_tracing_count() == traces


def test_too_few_steps_warn_and_report_not_converged(tutorial_data):
    with pytest.warns(ConvergenceWarning, match=r"max_steps=2"):
        model = LabelModel(max_steps=2).fit(tutorial_data.L_train)
    assert model.converged_ is False
    assert model.n_iter_ == 2
    assert model.loss_history_.shape == (3,)


# --- predict / predict_proba / score ------------------------------------------------------------


def test_predict_proba_is_the_posterior_with_the_estimated_accuracies(fitted_label_model,
                                                                      tutorial_data):
    probabilities = fitted_label_model.predict_proba(tutorial_data.L_test)
    assert probabilities.shape == (len(tutorial_data.L_test),)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_array_equal(
        probabilities, posterior_proba(tutorial_data.L_test, fitted_label_model.accuracies_)
    )


def test_predict_returns_signs_and_zero_for_an_all_abstain_row(fitted_label_model):
    L = np.zeros((3, 20), dtype=np.int8)
    L[0, 0] = 1
    L[1, 1] = -1
    predictions = fitted_label_model.predict(L)
    assert predictions.dtype == np.int8
    np.testing.assert_array_equal(predictions, [1, -1, 0])


def test_score_is_accuracy_of_predict_under_each_tie_policy(fitted_label_model, tutorial_data):
    L, y = tutorial_data.L_test, tutorial_data.y_test
    predictions = fitted_label_model.predict(L)
    assert set(np.unique(predictions)) <= {-1, 0, 1}
    for ties in ("half", "wrong", "exclude"):
        assert fitted_label_model.score(L, y, ties=ties) == accuracy(y, predictions, ties=ties)
    assert fitted_label_model.score(L, y) == accuracy(y, predictions, ties="half")


# --- bad input ----------------------------------------------------------------------------------


def _votes(n=40, m=4, seed=0):
    """A small label matrix in which every LF co-votes with every other."""
    rng = np.random.default_rng(seed)
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=(n, m))


@pytest.mark.parametrize(
    ("votes", "pattern"),
    [
        (np.where(_votes() == 1, 2, -1), r"label_matrix entries must be -1, 0 \(abstain\) or \+1"),
        (np.where(_votes() == 1, np.nan, -1.0), r"label_matrix contains NaN"),
        (np.where(_votes() == 1, np.inf, -1.0), r"label_matrix contains NaN or infinite"),
        (_votes()[:, 0], r"label_matrix must be 2-D"),
        (_votes()[None], r"label_matrix must be 2-D"),
        (np.zeros((0, 4)), r"label_matrix is empty"),
        (np.zeros((4, 0)), r"label_matrix is empty"),
        (_votes(m=2), r"label_matrix has 2 LFs; the label model needs at least 3"),
        (np.hstack([_votes(m=3), np.zeros((40, 1))]), r"LF\(s\) \[3\] never vote"),
        (
            np.vstack([np.hstack([_votes(20, 3), np.zeros((20, 1))]),
                       np.hstack([np.zeros((20, 3)), np.ones((20, 1))])]),
            r"LF\(s\) \[3\] never vote on a point together with another LF",
        ),
    ],
    ids=["two", "nan", "inf", "1-D", "3-D", "no-rows", "no-lfs", "two-lfs", "silent-lf",
         "isolated-lf"],
)
def test_fit_rejects_bad_label_matrices(votes, pattern):
    with pytest.raises(ValueError, match=pattern):
        LabelModel().fit(votes)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"max_steps": 0}, ValueError, r"max_steps must lie in \[1, "),
        ({"max_steps": 10.0}, TypeError, r"max_steps must be an integer"),
        ({"step_size": 0}, ValueError, r"step_size must lie in \(0.0, 1.0\]"),
        ({"step_size": 1.5}, ValueError, r"step_size must lie in \(0.0, 1.0\]"),
        ({"step_size": "big"}, TypeError, r"step_size must be a real number"),
        ({"tol": 0}, ValueError, r"tol must lie in \(0.0, inf\)"),
        ({"tol": -1e-3}, ValueError, r"tol must lie in"),
        ({"accuracy_margin": 0}, ValueError, r"accuracy_margin must lie in \(0.0, 0.5\)"),
        ({"accuracy_margin": 0.5}, ValueError, r"accuracy_margin must lie in \(0.0, 0.5\)"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_fit_rejects_bad_hyperparameters(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        LabelModel(**kwargs).fit(_votes())


def test_fit_rejects_negative_seed_naming_the_argument():
    with pytest.raises(ValueError, match=r"seed"):
        LabelModel(seed=-1).fit(_votes())


def test_fit_rejects_a_step_budget_beyond_int32_naming_max_steps(tutorial_data):
    # The compiled loop counts steps in int32; a larger budget must not wrap around.
    with pytest.raises(ValueError, match=r"max_steps must lie in"):
        LabelModel(max_steps=2**32 + 5).fit(tutorial_data.L_train)


def test_fit_rejects_lfs_whose_accuracies_are_not_identifiable(exact_label_matrix):
    # LFs 0-1 vote only on the first block of points and LFs 2-3 only on the second:
    # each pair shares just one number Z_01 (resp. Z_23) = q_i q_j.
    pair = exact_label_matrix([3, 3], 4)
    zeros = np.zeros_like(pair)
    L = np.vstack([np.hstack([pair, zeros]), np.hstack([zeros, pair])])
    with pytest.raises(ValueError, match=r"2 groups that never vote on a common point"):
        LabelModel().fit(L)


def test_fit_rejects_lfs_whose_covotes_contain_no_odd_cycle(exact_label_matrix):
    # LF 0 votes with each of LFs 1, 2, 3, which never vote together: a star is
    # bipartite, so q_0 * c and q_{1,2,3} / c fit every observed agreement equally well.
    triple = exact_label_matrix([3, 3], 4)
    zeros = np.zeros((len(triple), 1), dtype=np.int8)
    L = np.vstack([
        np.hstack([triple[:, :1], triple[:, 1:], zeros, zeros]),
        np.hstack([triple[:, :1], zeros, triple[:, 1:], zeros]),
        np.hstack([triple[:, :1], zeros, zeros, triple[:, 1:]]),
    ])
    with pytest.raises(ValueError, match=r"no odd cycle"):
        LabelModel().fit(L)


def test_fit_accepts_groups_joined_by_a_triangle_of_covotes(exact_label_matrix):
    # Three LFs that all vote together form an odd cycle: identifiable, exactly recovered.
    L = exact_label_matrix([3, 5, 6], 8)
    model = LabelModel().fit(L)
    np.testing.assert_allclose(model.accuracies_, [3 / 8, 5 / 8, 6 / 8], atol=1e-6)


@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_prediction_before_fit_raises_not_fitted_error(method):
    with pytest.raises(NotFittedError, match=r"not fitted yet"):
        getattr(LabelModel(), method)(_votes())
    with pytest.raises(ValueError, match=r"not fitted yet"):  # NotFittedError is a ValueError
        getattr(LabelModel(), method)(_votes())


def test_score_before_fit_raises_not_fitted_error():
    with pytest.raises(NotFittedError, match=r"not fitted yet"):
        LabelModel().score(_votes(), np.ones(40))


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
@pytest.mark.parametrize(
    ("votes", "pattern"),
    [
        (np.zeros((3, 19)), r"label_matrix has 19 LFs but the model was fitted on 20"),
        (np.zeros((3, 21)), r"label_matrix has 21 LFs but the model was fitted on 20"),
        (np.zeros(20), r"label_matrix must be 2-D"),
        (np.full((3, 20), 2), r"label_matrix entries must be -1, 0"),
        (np.full((3, 20), np.nan), r"label_matrix contains NaN"),
        (np.zeros((0, 20)), r"label_matrix is empty"),
    ],
    ids=["19-lfs", "21-lfs", "1-D", "two", "nan", "empty"],
)
def test_fitted_model_rejects_bad_label_matrices(fitted_label_model, method, votes, pattern):
    arguments = (votes, np.ones(3)) if method == "score" else (votes,)
    with pytest.raises(ValueError, match=pattern):
        getattr(fitted_label_model, method)(*arguments)


@pytest.mark.parametrize(
    ("y", "kwargs", "pattern"),
    [
        (np.ones(4), {}, r"inconsistent numbers of points: label_matrix has 3, y has 4"),
        (np.array([0, 1, 1]), {}, r"y must contain only -1 and \+1"),
        (np.array([1.0, np.nan, 1.0]), {}, r"y contains NaN"),
        (np.ones(3), {"ties": "coin"}, r"ties must be one of"),
    ],
    ids=["length", "zero-one", "nan", "ties"],
)
def test_score_rejects_bad_labels_and_tie_policy(fitted_label_model, y, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fitted_label_model.score(np.zeros((3, 20)), y, **kwargs)


# --- class prior ----------------------------------------------------------------------------


def _imbalanced_votes(seed: int, positive_rate: float = 0.1, n: int = 20_000):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < positive_rate, 1, -1).astype(np.int8)
    L, lf_accs = make_label_matrix(y, 20, 0.25, (0.45, 0.75), seed=seed + 100)
    return L, y, lf_accs


def test_posterior_with_a_class_prior_adds_its_log_odds_and_gives_it_to_unvoted_points():
    votes = np.array([[1, 0, -1], [0, 0, 0]])
    accuracies = np.array([0.8, 0.6, 0.7])
    balanced = posterior_proba(votes, accuracies)
    with_prior = posterior_proba(votes, accuracies, class_prior=0.2)
    np.testing.assert_allclose(posterior_proba(votes, accuracies, class_prior=0.5), balanced)
    logit = np.log(balanced / (1 - balanced))
    np.testing.assert_allclose(with_prior, 1 / (1 + np.exp(-(logit + np.log(0.2 / 0.8)))))
    assert with_prior[1] == pytest.approx(0.2)


def test_estimated_class_prior_is_exact_on_noise_free_moments():
    # With pi = 0.25 the mean votes are exactly (2 pi - 1) q = -q / 2; twenty votes per
    # LF represent them exactly (LF i votes +1 on its first (1 + m_i) * 10 points).
    correlations = np.array([0.6, 0.2, -0.4, 0.8])
    positives = np.rint((1 - correlations / 2) * 10).astype(int)  # 7, 9, 12, 6
    L = np.where(np.arange(20)[:, None] < positives[None, :], 1, -1)
    assert estimate_class_prior(L, correlations) == pytest.approx(0.25)


def test_label_model_estimates_a_10_percent_class_prior_and_repairs_accuracy():
    # 20 LFs x ~5,000 votes each: each mean vote has a standard error of about 0.014, so
    # the pooled estimate of 2 pi - 1 is good to about 0.01 and pi to about 0.005;
    # 0.02 is four such standard errors.
    for seed in range(3):
        L, y, _ = _imbalanced_votes(seed)
        balanced = LabelModel(seed=seed).fit(L)
        estimated = LabelModel(seed=seed, class_prior="estimate").fit(L)
        assert balanced.class_prior_ == 0.5
        assert abs(estimated.class_prior_ - 0.1) < 0.02
        np.testing.assert_array_equal(estimated.accuracies_, balanced.accuracies_)
        assert estimated.score(L, y) > balanced.score(L, y)


def test_fixed_class_prior_is_used_by_predict_proba(tutorial_data):
    model = LabelModel(class_prior=0.3).fit(tutorial_data.L_train)
    assert model.class_prior_ == 0.3
    no_votes = np.zeros((1, tutorial_data.L_train.shape[1]), dtype=np.int8)
    assert model.predict_proba(no_votes)[0] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("class_prior", "error"),
    [(0.0, ValueError), (1.0, ValueError), (1.5, ValueError), (float("nan"), ValueError),
     ("guess", ValueError), (None, TypeError)],
)
def test_fit_rejects_bad_class_priors(class_prior, error, tutorial_data):
    with pytest.raises(error, match=r"class_prior"):
        LabelModel(class_prior=class_prior).fit(tutorial_data.L_train)


def test_posterior_and_estimate_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"class_prior must lie in"):
        posterior_proba([[1, 0, -1]], [0.6, 0.6, 0.6], class_prior=1.0)
    with pytest.raises(ValueError, match=r"correlations must have shape \(3,\)"):
        estimate_class_prior([[1, 0, -1]], [0.2, 0.2])
    with pytest.raises(ValueError, match=r"every LF must vote"):
        estimate_class_prior([[1, 0, -1]], [0.2, 0.2, 0.2])

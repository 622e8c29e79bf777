"""Tests of dataprog_helpers.end_model: the noise-aware loss and NoiseAwareClassifier."""

import functools
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse
import tensorflow as tf

from dataprog_helpers import LabelModel, accuracy, f1_score
from dataprog_helpers.course import make_tutorial_data
from dataprog_helpers.end_model import NoiseAwareClassifier, noise_aware_loss
from dataprog_helpers.exceptions import NotFittedError


def _test_accuracy_se(accuracy_value: float, n_test: int) -> float:
    """Binomial standard error of an accuracy measured on n_test points."""
    return float(np.sqrt(accuracy_value * (1 - accuracy_value) / n_test))


@pytest.fixture(scope="module")
def logreg_run(tutorial_run):
    """``logreg_run(seed)``: logistic regressions trained on gold and on soft labels."""

    @functools.cache
    def run(seed: int) -> SimpleNamespace:
        base = tutorial_run(seed)
        data = base.data
        gold = NoiseAwareClassifier(seed=seed).fit(
            data.X_train, (data.y_train == 1).astype(float)
        )
        soft_labels = base.label_model.predict_proba(data.L_train)
        noise_aware = NoiseAwareClassifier(seed=seed).fit(data.X_train, soft_labels)
        return SimpleNamespace(
            data=data,
            gold=gold,
            noise_aware=noise_aware,
            gold_accuracy=gold.score(data.X_test, data.y_test),
            noise_aware_accuracy=noise_aware.score(data.X_test, data.y_test),
            label_model_accuracy=base.label_model_accuracy,
        )

    return run


@pytest.fixture(scope="module")
def small_problem(tutorial_data):
    """512 training points of the tutorial data with soft labels, for quick fits."""
    X = tutorial_data.X_train[:512]
    soft = np.clip(0.5 + 0.3 * tutorial_data.y_train[:512], 0, 1).astype(float)
    return X, soft


@pytest.fixture(scope="module")
def small_model(small_problem):
    X, soft = small_problem
    return NoiseAwareClassifier(epochs=3, seed=0).fit(X, soft)


# --- noise_aware_loss -----------------------------------------------------------------------


def test_noise_aware_loss_is_the_mean_cross_entropy_against_soft_labels():
    rng = np.random.default_rng(0)
    targets = rng.uniform(0, 1, size=200)
    logits = rng.normal(0, 3, size=200)
    sigmoid = 1 / (1 + np.exp(-logits))
    expected = np.mean(-targets * np.log(sigmoid) - (1 - targets) * np.log(1 - sigmoid))
    loss = noise_aware_loss(tf.constant(targets), tf.constant(logits))
    assert float(loss) == pytest.approx(expected, rel=1e-10)


def test_noise_aware_loss_is_minimised_where_the_model_matches_the_soft_label():
    targets = tf.constant([0.1, 0.5, 0.8], tf.float64)
    logits = tf.Variable(np.log([0.1 / 0.9, 1.0, 0.8 / 0.2]))
    with tf.GradientTape() as tape:
        loss = noise_aware_loss(targets, logits)
    # d loss / d logit_i = (sigmoid(logit_i) - t_i) / n = 0 at the matching logit.
    np.testing.assert_allclose(tape.gradient(loss, logits).numpy(), 0.0, atol=1e-12)


# --- learning -------------------------------------------------------------------------------


def test_logreg_on_gold_labels_is_within_002_of_the_bayes_optimal_classifier(logreg_run):
    run = logreg_run(0)
    data = run.data
    # Features are conditionally independent given a balanced y, so the Bayes rule
    # is naive Bayes with weights log(a / (1 - a)) and no bias.
    weights = np.log(data.feature_accuracies / (1 - data.feature_accuracies))
    bayes = accuracy(data.y_test, np.where(data.X_test @ weights >= 0, 1, -1))
    # Each test accuracy has a binomial SE of ~0.008 on 2,000 points (accuracy ~0.86),
    # and 101 parameters fitted on 8,000 points add little excess risk: 0.02 is ~2.5 SE.
    assert abs(run.gold_accuracy - bayes) <= 0.02


def test_logreg_fit_reaches_a_stationary_point_of_the_full_data_loss(logreg_run):
    run = logreg_run(0)
    model, data = run.gold, run.data
    targets = tf.constant((data.y_train == 1).astype(np.float64))
    with tf.GradientTape() as tape:
        logits = model.model_(tf.constant(data.X_train, tf.float64), training=False)[:, 0]
        loss = noise_aware_loss(targets, logits)
    gradients = tape.gradient(loss, model.model_.trainable_variables)
    # The cosine schedule takes the learning rate to 0, so the last iterate should sit
    # at the optimum up to minibatch noise; the project's criterion is max |grad| < 1e-3.
    assert max(float(tf.reduce_max(tf.abs(g))) for g in gradients) < 1e-3


@pytest.mark.statistical
def test_noise_aware_logreg_beats_the_label_model_posterior_on_3_seeds(logreg_run):
    for seed in range(3):
        run = logreg_run(seed)
        n_test = len(run.data.y_test)
        # Require the gain to exceed 3 standard errors of the difference of two test
        # accuracies (independent-errors SE; both are measured on the same 2,000 points).
        se = np.hypot(
            _test_accuracy_se(run.noise_aware_accuracy, n_test),
            _test_accuracy_se(run.label_model_accuracy, n_test),
        )
        assert run.noise_aware_accuracy - run.label_model_accuracy > 3 * se


@pytest.mark.statistical
def test_noise_aware_logreg_is_within_003_of_gold_trained_logreg_on_average(logreg_run):
    gaps = [logreg_run(seed).gold_accuracy - logreg_run(seed).noise_aware_accuracy
            for seed in range(3)]
    # Measured gap ~0.015 with a per-seed sd of ~0.007-0.008, so the 3-seed mean has
    # an SE of ~0.005: 0.03 is the mean plus ~3 SE.
    assert abs(np.mean(gaps)) <= 0.03


# --- fitted model behaviour -----------------------------------------------------------------


def test_predictions_have_documented_shapes_ranges_and_consistency(small_model, tutorial_data):
    X, y = tutorial_data.X_test[:300], tutorial_data.y_test[:300]
    logits = small_model.decision_function(X)
    probabilities = small_model.predict_proba(X)
    predictions = small_model.predict(X)
    assert logits.shape == probabilities.shape == predictions.shape == (300,)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities, 1 / (1 + np.exp(-logits)), rtol=1e-12)
    assert predictions.dtype == np.int8
    assert set(np.unique(predictions)) <= {-1, 1}
    np.testing.assert_array_equal(predictions, np.where(logits >= 0, 1, -1))
    assert small_model.score(X, y) == pytest.approx(np.mean(predictions == y), abs=1e-15)


def test_loss_history_has_one_finite_entry_per_epoch(small_model):
    assert small_model.loss_history_.shape == (3,)
    assert np.all(np.isfinite(small_model.loss_history_))
    assert small_model.n_features_ == 100


def test_fit_is_reproducible_for_a_seed_and_differs_across_seeds(small_problem):
    X, soft = small_problem
    settings = {"hidden_units": (8,), "epochs": 2, "batch_size": 64}
    first = NoiseAwareClassifier(**settings, seed=1).fit(X, soft).predict_proba(X)
    again = NoiseAwareClassifier(**settings, seed=1).fit(X, soft).predict_proba(X)
    other = NoiseAwareClassifier(**settings, seed=2).fit(X, soft).predict_proba(X)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_mlp_with_8_hidden_units_trains_and_outputs_probabilities(small_problem):
    X, soft = small_problem
    model = NoiseAwareClassifier(hidden_units=(8,), epochs=2, l2=1e-3).fit(X, soft)
    widths = [layer.units for layer in model.model_.layers]
    assert widths == [8, 1]
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (512,)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    assert model.loss_history_.shape == (2,)


# --- precision ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unregularised_network_problem():
    """The case that amplifies rounding most: notebook 3's 32-unit network without weight
    decay (40 epochs on 8,000 points; shorter runs barely amplify at all)."""
    data = make_tutorial_data(seed=0)
    soft = LabelModel(seed=0).fit(data.L_train).predict_proba(data.L_train)
    noise = np.random.default_rng(5).standard_normal(data.X_train.shape)
    settings = {"hidden_units": (32,), "seed": 0}
    return data, soft, noise, settings


def test_float32_and_float64_networks_with_one_seed_start_from_the_same_weights():
    # The dtype chooses the arithmetic only: the initial weights are drawn in float32.
    classifier = NoiseAwareClassifier(hidden_units=(4, 3), seed=7)
    first = classifier._build(5, (4, 3), "float32")
    second = classifier._build(5, (4, 3), "float64")
    for layer32, layer64 in zip(first.layers, second.layers, strict=True):
        assert layer64.kernel.dtype == "float64"
        np.testing.assert_array_equal(layer32.kernel.numpy(),
                                      layer64.kernel.numpy().astype(np.float32))


def test_float64_network_is_unmoved_by_a_rounding_sized_change_of_its_inputs(
        unregularised_network_problem):
    # A processor that rounds one product differently changes a float64 result by about
    # 1e-16 relative.  A change of 1e-13 (hundreds of units in the last place) moves the
    # trained network's logits linearly (measured: about 5e-13), far below anything that
    # could flip a printed digit.
    data, soft, noise, settings = unregularised_network_problem
    base = NoiseAwareClassifier(**settings).fit(data.X_train, soft)
    nudged = NoiseAwareClassifier(**settings).fit(data.X_train * (1 + 1e-13 * noise), soft)
    assert base.model_.layers[0].kernel.dtype == "float64"
    change = np.abs(base.decision_function(data.X_test) - nudged.decision_function(data.X_test))
    assert 0 < change.max() < 1e-9


def test_float32_network_amplifies_a_one_ulp_change_of_its_inputs(unregularised_network_problem):
    # Why float64 is the default: in float32 the same network can turn a change of one unit
    # in the last place of every input into visibly different logits (ReLU units switch on
    # or off along the way), so its printed results depend on the processor.  Whether one
    # particular nudge is amplified is itself chaotic (measured on an Intel AVX-512 machine,
    # for nudge seeds 5, 6, 7: 0.033, 0.29 and 3e-6), so the test nudges four times.
    data, soft, _, settings = unregularised_network_problem
    assert data.X_train.dtype == np.float32
    base = NoiseAwareClassifier(**settings, dtype="float32").fit(data.X_train, soft)
    assert base.model_.layers[0].kernel.dtype == "float32"
    changes = []
    for nudge_seed in (5, 6, 7, 8):
        up = np.random.default_rng(nudge_seed).random(data.X_train.shape) < 0.5
        nudged_X = np.where(up, np.nextafter(data.X_train, np.float32(np.inf)),
                            np.nextafter(data.X_train, np.float32(-np.inf)))
        nudged = NoiseAwareClassifier(**settings, dtype="float32").fit(nudged_X, soft)
        changes.append(np.abs(base.decision_function(data.X_test)
                              - nudged.decision_function(data.X_test)).max())
    assert max(changes) > 0.01


# --- correct_shrinkage ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imbalanced_run():
    """10% positives (20,000 points, seed 0): soft labels from a label model that estimates
    the class prior, and logistic regressions fitted on them with and without correction."""
    data = make_tutorial_data(n=20_000, class_prior=0.1, accuracy_range=(0.55, 0.85), seed=0)
    label_model = LabelModel(seed=0, class_prior="estimate").fit(data.L_train)
    soft_labels = label_model.predict_proba(data.L_train)
    return SimpleNamespace(
        data=data,
        soft_labels=soft_labels,
        uncorrected=NoiseAwareClassifier(seed=0).fit(data.X_train, soft_labels),
        corrected=NoiseAwareClassifier(seed=0, correct_shrinkage=True).fit(data.X_train,
                                                                          soft_labels),
    )


def test_shrinkage_correction_is_a_no_op_for_hard_labels(tutorial_data):
    # For t in {0, 1}: E[t (1 - t)] = 0 and E[t^2] = E[t], so the line is exactly (0, 1).
    X, hard = tutorial_data.X_train[:512], (tutorial_data.y_train[:512] == 1).astype(float)
    default = NoiseAwareClassifier(epochs=3, seed=0).fit(X, hard)
    corrected = NoiseAwareClassifier(epochs=3, seed=0, correct_shrinkage=True).fit(X, hard)
    np.testing.assert_array_equal(corrected.target_means_, [0.0, 1.0])
    np.testing.assert_array_equal(default.target_means_, [0.0, 1.0])
    X_test = tutorial_data.X_test
    np.testing.assert_array_equal(corrected.predict_proba(X_test), default.predict_proba(X_test))
    np.testing.assert_array_equal(corrected.predict(X_test), default.predict(X_test))


def test_target_means_from_soft_labels_match_the_gold_label_conditional_means(imbalanced_run,
                                                                               z_bound):
    # target_means_ uses the soft labels t alone: E[t (1 - t)] / (1 - pi) and E[t^2] / pi.
    # If t is calibrated (P(y = +1 | t) = t), the gold-label means t[y = -1].mean() and
    # t[y = +1].mean() estimate the same quantities; their sampling error, by the delta
    # method, is sqrt(sum (t - mu)^2 t (1 - t)) / sum w with w = 1 - t (negatives) or t
    # (positives): 0.00065 and 0.0054 here (300 simulated draws of y from t: 0.0007 and
    # 0.0055).  Measured differences on seeds 0-5: at most 0.0012 and 0.0082.
    run = imbalanced_run
    t = run.soft_labels
    y = run.data.y_train
    gold = np.array([t[y == -1].mean(), t[y == 1].mean()])
    means = run.corrected.target_means_
    weights = (1 - t, t)
    se = np.array([np.sqrt(np.sum((t - mu) ** 2 * t * (1 - t))) / np.sum(w)
                   for mu, w in zip(means, weights, strict=True)])
    assert np.all(np.abs(means - gold) <= z_bound(2) * se)
    np.testing.assert_array_equal(run.uncorrected.target_means_, means)


def test_shrinkage_correction_recovers_the_minority_class(imbalanced_run, paired_se, z_bound):
    # E[t | x] = 0.06 + 0.39 P(y = +1 | x) (target_means_) stays below 1/2 for every x,
    # so the uncorrected model predicts +1 only through fitting noise: measured 3 of
    # 4,000 test points (recall 0.7% of 412 positives, accuracy 0.898, F1 0.014; seeds
    # 1-2: F1 0.025, 0.043).  Corrected: accuracy 0.924, F1 0.462 (gold-label logistic
    # regression: 0.934, 0.614).  The two disagree on 3.7% of the test points, so the
    # accuracy gain of 0.0265 is ~9 paired SEs; the F1 gain of 0.447 has a bootstrap sd
    # of 0.025 (500 resamples), and 0.3 is ~6 sd below it.
    run = imbalanced_run
    X, y = run.data.X_test, run.data.y_test
    uncorrected, corrected = run.uncorrected.predict(X), run.corrected.predict(X)
    assert np.mean(uncorrected[y == 1] == 1) < 0.05
    assert accuracy(y, corrected) - accuracy(y, uncorrected) > (
        z_bound(1) * paired_se(y, corrected, uncorrected)
    )
    assert f1_score(y, corrected) - f1_score(y, uncorrected) > 0.3
    # Same network (the correction acts after training), corrected probabilities in [0, 1].
    np.testing.assert_array_equal(run.corrected.decision_function(X),
                                  run.uncorrected.decision_function(X))
    probabilities = run.corrected.predict_proba(X)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_array_equal(corrected, np.where(probabilities >= 0.5, 1, -1))


@pytest.mark.parametrize("constant", [0.5, 0.25, 0.0, 1.0, 0.4, 0.03, 0.21, 0.42])
def test_shrinkage_correction_rejects_soft_labels_without_information(constant):
    # Constant targets give E[t | y = +1] = E[t | y = -1] (or no prior at all for 0 and 1):
    # there is no line to invert.  For 0.4, 0.03, 0.21 and 0.42 (not exact in binary)
    # the two estimates differ by one rounding error (~1e-16); that must not pass as
    # information, or every prediction would be divided by ~1e-16.
    with pytest.raises(ValueError, match=r"y_prob carry no information about y"):
        NoiseAwareClassifier(epochs=1, correct_shrinkage=True).fit(np.ones((1000, 2)),
                                                                   np.full(1000, constant))


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "y_prob", "error", "pattern"),
    [
        (np.ones((5, 2)), np.full(4, 0.5), ValueError,
         r"inconsistent numbers of points: X has 5, y_prob has 4"),
        (np.ones((5, 2)), [0.5, 0.5, 1.5, 0.5, 0.5], ValueError,
         r"y_prob must be probabilities P\(y=\+1\) in \[0, 1\]"),
        (np.ones((5, 2)), [0.5, -0.1, 0.5, 0.5, 0.5], ValueError, r"y_prob must be probabilities"),
        (np.ones((5, 2)), [0.5, np.nan, 0.5, 0.5, 0.5], ValueError, r"y_prob contains NaN"),
        (np.ones((5, 2)), np.full((5, 1), 0.5), ValueError,
         r"y_prob has shape \(5, 1\), one column: pass P\(y = \+1\) of two classes as a 1-D"),
        (np.ones((5, 2)), [], ValueError, r"y_prob is empty"),
        (np.ones(5), np.full(5, 0.5), ValueError, r"X must be 2-D"),
        (np.ones((5, 2, 1)), np.full(5, 0.5), ValueError, r"X must be 2-D"),
        (np.ones((0, 2)), np.full(5, 0.5), ValueError, r"X is empty"),
        (np.full((5, 2), np.nan), np.full(5, 0.5), ValueError, r"X contains NaN"),
        (np.full((5, 2), np.inf), np.full(5, 0.5), ValueError, r"X contains NaN or infinite"),
        ([["a", "b"]] * 5, np.full(5, 0.5), TypeError, r"X must hold numbers"),
    ],
    ids=["lengths", "above-one", "negative", "nan-y_prob", "2-D-y_prob", "empty-y_prob",
         "1-D-X", "3-D-X", "empty-X", "nan-X", "inf-X", "str-X"],
)
def test_fit_rejects_bad_data(X, y_prob, error, pattern):
    with pytest.raises(error, match=pattern):
        NoiseAwareClassifier(epochs=1).fit(X, y_prob)

def invalid_parameter(name: str) -> str:
    """The start of scikit-learn's message for a parameter outside its declared constraints."""
    return rf"The '{name}' parameter of NoiseAwareClassifier must be"



@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"epochs": 0}, ValueError, invalid_parameter("epochs")),
        ({"epochs": 2.0}, TypeError, invalid_parameter("epochs")),
        ({"batch_size": 0}, ValueError, invalid_parameter("batch_size")),
        ({"hidden_units": (0,)}, ValueError, r"each entry of hidden_units must lie in \[1, "),
        ({"hidden_units": (8, -2)}, ValueError, r"each entry of hidden_units must lie in \[1, "),
        ({"hidden_units": "abc"}, TypeError, invalid_parameter("hidden_units")),
        ({"hidden_units": (8.5,)}, TypeError, r"each entry of hidden_units must be an integer"),
        ({"hidden_units": 8}, TypeError, invalid_parameter("hidden_units")),
        ({"hidden_units": None}, TypeError, invalid_parameter("hidden_units")),
        ({"learning_rate": 0.0}, ValueError, invalid_parameter("learning_rate")),
        ({"learning_rate": -0.01}, ValueError, invalid_parameter("learning_rate")),
        ({"learning_rate": float("nan")}, ValueError, invalid_parameter("learning_rate")),
        ({"l2": -0.1}, ValueError, invalid_parameter("l2")),
        ({"seed": -1}, ValueError, invalid_parameter("seed")),
        ({"seed": 1.5}, TypeError, invalid_parameter("seed")),
        ({"correct_shrinkage": "yes"}, TypeError, invalid_parameter("correct_shrinkage")),
        ({"correct_shrinkage": 1}, TypeError, invalid_parameter("correct_shrinkage")),
        ({"correct_shrinkage": None}, TypeError, invalid_parameter("correct_shrinkage")),
        ({"dtype": "float16"}, ValueError, invalid_parameter("dtype")),
        ({"dtype": np.float64}, ValueError, invalid_parameter("dtype")),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_fit_rejects_bad_hyperparameters(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        NoiseAwareClassifier(**kwargs).fit(np.ones((4, 2)), np.full(4, 0.5))


@pytest.mark.parametrize("method", ["decision_function", "predict_proba", "predict"])
def test_prediction_before_fit_raises_not_fitted_error(method):
    with pytest.raises(NotFittedError, match=r"not fitted yet"):
        getattr(NoiseAwareClassifier(), method)(np.ones((3, 2)))


def test_score_before_fit_raises_not_fitted_error_which_is_a_value_error():
    with pytest.raises(ValueError, match=r"not fitted yet"):
        NoiseAwareClassifier().score(np.ones((3, 2)), np.ones(3))


@pytest.mark.parametrize("method", ["decision_function", "predict_proba", "predict", "score"])
@pytest.mark.parametrize(
    ("X", "pattern"),
    [
        (np.ones((3, 99)), r"X has 99 features but the model was fitted on 100"),
        (np.ones((3, 101)), r"X has 101 features but the model was fitted on 100"),
        (np.ones(100), r"X must be 2-D"),
        (np.full((3, 100), np.nan), r"X contains NaN"),
        (np.ones((0, 100)), r"X is empty"),
    ],
    ids=["99-features", "101-features", "1-D", "nan", "empty"],
)
def test_fitted_model_rejects_bad_features(small_model, method, X, pattern):
    arguments = (X, np.ones(3)) if method == "score" else (X,)
    with pytest.raises(ValueError, match=pattern):
        getattr(small_model, method)(*arguments)


@pytest.mark.parametrize(
    ("y", "pattern"),
    [
        # 0 / 1 are targets P(y = +1) now (score reads them as labels), but with a -1
        # the values are labels, and 0 is none.
        (np.array([-1, 0, 1]), r"y must contain only -1 and \+1"),
        (np.array([0.0, 0.5, 1.0]), r"y has targets of exactly 1/2"),
        (np.ones(4), r"inconsistent numbers of points: X has 3, y has 4"),
        (np.array([1.0, np.nan, 1.0]), r"y contains NaN"),
        (np.ones((3, 1)), r"y must be 1-D"),
    ],
    ids=["labels-with-zero", "half", "length", "nan", "2-D"],
)
def test_score_rejects_bad_labels(small_model, y, pattern):
    with pytest.raises(ValueError, match=pattern):
        small_model.score(np.ones((3, 100)), y)


# --- sparse features ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparse_problem():
    """300 points, 400 features of which about 2% are non-zero, with soft labels."""
    rng = np.random.default_rng(3)
    X = scipy.sparse.random_array((300, 400), density=0.02, rng=rng, format="csr")
    weights = rng.standard_normal(400)
    soft = 1 / (1 + np.exp(-3 * (X @ weights)))
    return X, soft


@pytest.mark.parametrize("hidden_units", [(), (16,)], ids=["logreg", "mlp"])
def test_a_sparse_matrix_trains_the_same_model_as_its_dense_copy(sparse_problem, hidden_units):
    # Only the order of float64 sums differs (measured: logits within 1e-13).
    X, soft = sparse_problem
    settings = {"hidden_units": hidden_units, "l2": 1e-3, "epochs": 10, "seed": 0}
    dense = NoiseAwareClassifier(**settings).fit(X.toarray(), soft)
    sparse = NoiseAwareClassifier(**settings).fit(X, soft)
    np.testing.assert_allclose(sparse.loss_history_, dense.loss_history_, rtol=1e-10)
    np.testing.assert_allclose(sparse.decision_function(X), dense.decision_function(X.toarray()),
                               atol=1e-10)
    # Predictions take either form, whatever the model was trained on.
    np.testing.assert_allclose(dense.decision_function(X), dense.decision_function(X.toarray()),
                               atol=1e-10)


@pytest.mark.parametrize("to_format", [scipy.sparse.coo_array, scipy.sparse.csc_matrix,
                                       scipy.sparse.lil_array], ids=["coo", "csc", "lil"])
def test_any_scipy_sparse_format_is_accepted(sparse_problem, to_format):
    X, soft = sparse_problem
    reference = NoiseAwareClassifier(epochs=2, seed=0).fit(X, soft).decision_function(X)
    model = NoiseAwareClassifier(epochs=2, seed=0).fit(to_format(X), soft)
    np.testing.assert_allclose(model.decision_function(to_format(X)), reference, atol=1e-12)


def test_sparse_duplicate_entries_are_summed_as_scipy_does(sparse_problem):
    X, soft = sparse_problem
    rows, columns = X.nonzero()
    halves = scipy.sparse.coo_array(
        (np.concatenate([X.data, X.data]) / 2, (np.tile(rows, 2), np.tile(columns, 2))),
        shape=X.shape)
    reference = NoiseAwareClassifier(epochs=2, seed=0).fit(X, soft)
    model = NoiseAwareClassifier(epochs=2, seed=0).fit(halves, soft)
    np.testing.assert_allclose(model.decision_function(X), reference.decision_function(X),
                               atol=1e-12)


@pytest.mark.parametrize(
    ("X", "error", "pattern"),
    [
        (scipy.sparse.csr_array((5, 2)), None, None),  # all zeros: fine
        (scipy.sparse.csr_array(np.array([[np.nan, 0.0]] * 5)), ValueError,
         r"X contains NaN or infinite values"),
        (scipy.sparse.csr_array(np.array([[np.inf, 0.0]] * 5)), ValueError,
         r"X contains NaN or infinite values"),
        (scipy.sparse.csr_array((0, 2)), ValueError, r"X is empty \(shape \(0, 2\)\)"),
        (scipy.sparse.csr_array((5, 0)), ValueError, r"X is empty"),
        (scipy.sparse.csr_array(np.ones((5, 2), dtype=complex)), TypeError,
         r"X must hold real numbers"),
        (scipy.sparse.coo_array(np.ones(5)), ValueError, r"X must be 2-D"),
        (scipy.sparse.csr_array(np.ones((4, 2))), ValueError,
         r"inconsistent numbers of points: X has 4, y_prob has 5"),
    ],
    ids=["zeros", "nan", "inf", "no-rows", "no-columns", "complex", "1-D", "lengths"],
)
def test_fit_checks_sparse_features_like_dense_ones(X, error, pattern):
    if error is None:
        NoiseAwareClassifier(epochs=1).fit(X, np.full(5, 0.5))
        return
    with pytest.raises(error, match=pattern):
        NoiseAwareClassifier(epochs=1).fit(X, np.full(5, 0.5))


def test_a_fitted_model_checks_the_width_of_sparse_features(sparse_problem):
    X, soft = sparse_problem
    model = NoiseAwareClassifier(epochs=1).fit(X, soft)
    with pytest.raises(ValueError, match=r"X has 399 features but the model was fitted on 400"):
        model.predict(X[:, :399])


def test_float32_training_on_sparse_features(sparse_problem):
    X, soft = sparse_problem
    model = NoiseAwareClassifier(epochs=2, dtype="float32").fit(X, soft)
    assert model.model_.layers[0].kernel.dtype == "float32"
    assert np.all((model.predict_proba(X) >= 0) & (model.predict_proba(X) <= 1))


# --- k classes: soft label vectors and a softmax ------------------------------------------------


def _three_classes(n: int = 1500, seed: int = 0):
    """Points whose class (0, 1, 2) is the sector of the angle, and soft labels that put
    0.7 on the right class and 0.15 on each other."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = np.digitize(np.arctan2(X[:, 1], X[:, 0]), [-np.pi / 3, np.pi / 3])
    soft_labels = np.full((n, 3), 0.15)
    soft_labels[np.arange(n), y] = 0.7
    return X, y, soft_labels


def test_soft_label_vectors_train_a_softmax_model():
    X, y, soft_labels = _three_classes()
    model = NoiseAwareClassifier(classes=["left", "right", "up"], epochs=30).fit(X, soft_labels)
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (1500, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-12)
    assert model.decision_function(X).shape == (1500, 3)
    predictions = model.predict(X)
    assert set(np.unique(predictions)) == {0, 1, 2}
    np.testing.assert_array_equal(predictions, probabilities.argmax(axis=1))
    assert model.score(X, y) > 0.95
    assert model.score(X, soft_labels) == model.score(X, y)  # targets read as their top class
    assert model.classes_.tolist() == ["left", "right", "up"] and model.n_classes_ == 3
    assert not hasattr(model, "target_means_")
    # Without names the classes are the indices.
    assert NoiseAwareClassifier(epochs=1).fit(X, soft_labels).classes_.tolist() == [0, 1, 2]


def test_one_hot_targets_fit_multinomial_logistic_regression():
    # Hard labels as one-hot rows are plain multinomial logistic regression: the same
    # probabilities as scikit-learn's (unpenalised, solved to convergence).
    from sklearn.linear_model import LogisticRegression

    X, y, _ = _three_classes(seed=1)
    flipped = np.random.default_rng(2).random(y.size) < 0.2  # overlapping classes
    y = np.where(flipped, (y + 1) % 3, y)
    model = NoiseAwareClassifier(epochs=200, learning_rate=0.05).fit(X, np.eye(3)[y])
    reference = LogisticRegression(C=np.inf, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), atol=0.01)


def test_k_class_training_on_sparse_features_equals_dense():
    X, _, soft_labels = _three_classes(n=400)
    dense = NoiseAwareClassifier(epochs=5).fit(X, soft_labels)
    sparse = NoiseAwareClassifier(epochs=5).fit(scipy.sparse.csr_array(X), soft_labels)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X), atol=1e-10)


def test_binary_targets_are_not_read_as_one_column_per_class():
    # P(y = +1) of shape (n,) keeps the signed convention; (n, 2) is two classes 0 and 1.
    X, _, _ = _three_classes(n=400)
    positive = (X[:, 0] > 0).astype(float)
    options = {"epochs": 100, "learning_rate": 0.1}  # enough steps to converge
    binary = NoiseAwareClassifier(**options).fit(X, positive)
    two_columns = NoiseAwareClassifier(**options).fit(X, np.column_stack([1 - positive, positive]))
    assert binary.predict_proba(X).shape == (400,) and set(binary.predict(X)) == {-1, 1}
    assert two_columns.predict_proba(X).shape == (400, 2)
    assert set(two_columns.predict(X)) == {0, 1}
    # Both learned the same rule, each in its own convention.
    assert binary.score(X, np.where(positive == 1, 1, -1)) > 0.95
    assert two_columns.score(X, positive.astype(int)) > 0.95


@pytest.mark.parametrize(
    ("options", "targets", "pattern"),
    [
        ({}, lambda t: t * 0.9, r"each row of y_prob must sum to 1 \(one probability per "
                                r"class\); row 0 sums to 0.9, and 399 more rows do not"),
        ({"classes": ["a", "b"]}, lambda t: t, r"y_prob has 3 columns but there are 2 classes"),
        ({"classes": ["a", "b", "a"]}, lambda t: t, r"classes has duplicates"),
        ({"classes": ["a", "b", "c"]}, lambda t: t[:, 0], r"classes names the columns of k-class"),
        ({"correct_shrinkage": True}, lambda t: t, r"correct_shrinkage .* not defined for k-class"),
        ({}, lambda t: np.column_stack([t[:, :2], t[:, 2] - 1.5]),
         r"y_prob must be probabilities in \[0, 1\]"),
    ],
    ids=["rows-not-summing-to-1", "k-disagrees-with-classes", "duplicate-classes",
         "classes-with-binary-targets", "shrinkage", "negative"],
)
def test_bad_k_class_targets_are_refused(options, targets, pattern):
    X, _, soft_labels = _three_classes(n=400)
    with pytest.raises(ValueError, match=pattern):
        NoiseAwareClassifier(epochs=1, **options).fit(X, targets(soft_labels))


def test_k_class_scores_refuse_labels_outside_the_classes():
    X, y, soft_labels = _three_classes(n=400)
    model = NoiseAwareClassifier(epochs=1).fit(X, soft_labels)
    with pytest.raises(ValueError, match=r"y must hold class indices 0 to 2"):
        model.score(X, np.where(y == 2, 3, y))
    tied = np.full((400, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"y has rows whose largest probability is shared"):
        model.score(X, tied)

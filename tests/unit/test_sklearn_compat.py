"""The estimators as scikit-learn estimators: clone, parameters, repr, Pipeline, GridSearchCV.

scikit-learn's own checks (``parametrize_with_checks``) run on the label models and
on NoiseAwareClassifier; the checks that cannot pass under the course's
conventions are listed, each with the reason, and must fail (strict xfail), so the
lists stay true.  BagOfNgrams takes texts, which the generic checks cannot make, so
it gets the checks that need no data.
"""

import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from dataprog_helpers import (
    BagOfNgrams,
    ClassConditionalLabelModel,
    LabelModel,
    NoiseAwareClassifier,
)
from dataprog_helpers.course import make_tutorial_data

# --- scikit-learn's estimator checks --------------------------------------------------------------

#: The reason shared by every check that fits the generic data.
LABEL_MATRIX = (
    "the label models fit a label matrix of votes in {-1, 0, +1} and no y (fit's second "
    "argument is dev_label_matrix); the check fits arbitrary floats"
)
OWN_MESSAGES = "the input checks refuse this with the package's own message, naming the argument"
DTYPE = "a wrong dtype is a TypeError naming the argument (the package's convention)"
DENSE_VOTES = "label matrices are dense; a sparse one is refused, but not in the words required"

LABEL_MODEL_FAILURES = {
    **dict.fromkeys([
        "check_fit_score_takes_y", "check_estimators_overwrite_params",
        "check_dont_overwrite_parameters", "check_estimators_fit_returns_self",
        "check_readonly_memmap_input", "check_n_features_in_after_fitting",
        "check_positive_only_tag_during_fit", "check_estimators_dtypes",
        "check_pipeline_consistency", "check_estimators_nan_inf", "check_estimators_pickle",
        "check_f_contiguous_array_estimator", "check_methods_sample_order_invariance",
        "check_methods_subset_invariance", "check_fit2d_1sample", "check_fit2d_1feature",
        "check_dict_unchanged", "check_fit_idempotent", "check_fit_check_is_fitted",
        "check_n_features_in", "check_fit2d_predict1d",
    ], LABEL_MATRIX),
    "check_complex_data": DTYPE,
    "check_dtype_object": DTYPE,
    "check_estimators_empty_data_messages": OWN_MESSAGES,
    "check_estimator_sparse_tag": DENSE_VOTES,
    "check_estimator_sparse_array": DENSE_VOTES,
    "check_estimator_sparse_matrix": DENSE_VOTES,
}

#: The targets of NoiseAwareClassifier are P(y = +1) in [0, 1], not class labels.
TARGETS = (
    "fit takes targets P(y = +1) in [0, 1], not class labels; the check fits labels such "
    "as {0, 1, 2}, strings or a continuous target outside [0, 1]"
)
PROBA_1D = "predict_proba is P(y = +1) of shape (n_points,), not one column per class"

CLASSIFIER_FAILURES = {
    "check_fit_score_takes_y": "fit(X, y_prob): its targets are named y_prob (the course's API)",
    "check_n_features_in_after_fitting": (
        "a wrong number of features is refused in the course's words ('X has 3 features but "
        "the model was fitted on 4'), not scikit-learn's"
    ),
    **dict.fromkeys([
        "check_estimators_dtypes", "check_classifier_data_not_an_array",
        "check_classifiers_classes", "check_classifiers_regression_target",
        "check_classifier_not_supporting_multiclass", "check_fit2d_1feature",
        "check_requires_y_none", "check_supervised_y_2d",
    ], TARGETS),
    "check_estimator_sparse_array": TARGETS + "; and " + PROBA_1D,
    "check_estimator_sparse_matrix": TARGETS + "; and " + PROBA_1D,
    "check_classifiers_train": TARGETS + "; predict gives labels in {-1, +1}; and " + PROBA_1D,
    "check_decision_proba_consistency": PROBA_1D,
    "check_complex_data": DTYPE,
    "check_dtype_object": DTYPE,
    "check_estimators_empty_data_messages": OWN_MESSAGES,
    "check_fit2d_predict1d": OWN_MESSAGES,
}


def _expected_failures(estimator) -> dict[str, str]:
    if isinstance(estimator, NoiseAwareClassifier):
        return CLASSIFIER_FAILURES
    return LABEL_MODEL_FAILURES


@parametrize_with_checks(
    [LabelModel(), ClassConditionalLabelModel(), NoiseAwareClassifier(epochs=2)],
    expected_failed_checks=_expected_failures,
    xfail_strict=True,
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


#: scikit-learn's checks that need no data: those BagOfNgrams, which takes texts, can run.
DATA_FREE_CHECKS = [
    estimator_checks.check_estimator_cloneable,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_estimator_tags_renamed,
    estimator_checks.check_valid_tag_types,
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_parameters_default_constructible,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
    estimator_checks.check_mixin_order,
]


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda check: check.__name__)
def test_bag_of_ngrams_passes_the_checks_that_need_no_data(check):
    check("BagOfNgrams", BagOfNgrams(ngrams=2, sparse=True))


# --- clone, parameters, repr ----------------------------------------------------------------------

ESTIMATORS = [
    (LabelModel, {"seed": 3, "method": "triplet", "dependencies": [(0, 1)]}),
    (ClassConditionalLabelModel, {"class_prior": 0.3, "init": "moments", "max_iter": 50}),
    (NoiseAwareClassifier, {"hidden_units": (8,), "l2": 1e-3, "dtype": "float32"}),
    (BagOfNgrams, {"ngrams": (2, 3), "split": "character", "sparse": True}),
]


@pytest.mark.parametrize(("cls", "params"), ESTIMATORS,
                         ids=lambda value: getattr(value, "__name__", ""))
def test_clone_get_params_set_params_and_repr(cls, params):
    estimator = cls(**params)
    got = estimator.get_params()
    for name, value in params.items():
        assert got[name] is value  # stored unchanged, under its own name
    copy = clone(estimator)
    assert type(copy) is cls and copy is not estimator
    assert copy.get_params() == got
    assert cls().set_params(**params).get_params() == got
    text = repr(estimator)
    assert "object at 0x" not in text
    assert text.startswith(f"{cls.__name__}(")
    for name, value in params.items():
        assert f"{name}={value!r}" in text
    assert repr(cls()) == f"{cls.__name__}()"


@pytest.mark.parametrize(
    ("cls", "name", "data"),
    [
        (LabelModel, "max_iter", "votes"),
        (ClassConditionalLabelModel, "max_iter", "votes"),
        (NoiseAwareClassifier, "epochs", "features"),
        (BagOfNgrams, "max_tokens", "texts"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_bad_parameters_are_refused_by_fit_whether_set_in_the_constructor_or_by_set_params(
        cls, name, data, tutorial_data):
    arguments = {
        "votes": (tutorial_data.L_train[:200],),
        "features": (tutorial_data.X_train[:50], np.full(50, 0.5)),
        "texts": (["a text", "another text"],),
    }[data]
    pattern = rf"The '{name}' parameter of {cls.__name__} must be an int in the range"
    constructed = cls(**{name: 0})  # the constructor checks nothing ...
    assert clone(constructed).get_params()[name] == 0  # ... so clone works
    with pytest.raises(ValueError, match=pattern):
        constructed.fit(*arguments)
    with pytest.raises(ValueError, match=pattern):
        cls().set_params(**{name: 0}).fit(*arguments)


def test_clone_of_a_fitted_model_is_unfitted_with_the_same_parameters(tutorial_data):
    fitted = LabelModel(seed=2).fit(tutorial_data.L_train)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "accuracies_")


def test_the_data_arguments_are_not_metadata_to_route():
    assert LabelModel().get_metadata_routing().fit.requests == {
        "dev_label_matrix": None, "dev_labels": None}
    assert not hasattr(NoiseAwareClassifier(), "set_fit_request")
    assert not hasattr(BagOfNgrams(), "set_fit_request")


# --- Pipeline -------------------------------------------------------------------------------------

TEXTS = [
    "check out my channel", "love this song", "subscribe for free gifts", "great video",
    "free iphone click here", "this song is amazing", "visit my channel now", "nice one",
] * 4
SOFT = np.tile([0.9, 0.2, 0.95, 0.1, 0.85, 0.15, 0.8, 0.3], 4)


def test_bag_of_ngrams_then_noise_aware_classifier_in_a_pipeline():
    pipeline = make_pipeline(BagOfNgrams(ngrams=2, sparse=True), NoiseAwareClassifier(epochs=3))
    pipeline.fit(TEXTS, SOFT)
    # The same as the two steps by hand.
    bag = BagOfNgrams(ngrams=2, sparse=True).fit(TEXTS)
    model = NoiseAwareClassifier(epochs=3).fit(bag.transform(TEXTS), SOFT)
    probabilities = pipeline.predict_proba(TEXTS)
    assert probabilities.shape == (len(TEXTS),)
    np.testing.assert_array_equal(probabilities, model.predict_proba(bag.transform(TEXTS)))
    np.testing.assert_array_equal(pipeline.predict(TEXTS), model.predict(bag.transform(TEXTS)))
    np.testing.assert_array_equal(pipeline[:-1].get_feature_names_out(),
                                  bag.get_feature_names_out())
    np.testing.assert_array_equal(pipeline.classes_, [-1, 1])
    assert pipeline.get_params()["bagofngrams__ngrams"] == 2


def test_a_label_model_as_a_pipeline_step(tutorial_data):
    L = tutorial_data.L_train
    pipeline = Pipeline([("label_model", LabelModel(seed=1))]).fit(L)
    alone = LabelModel(seed=1).fit(L)
    np.testing.assert_array_equal(pipeline.predict_proba(L), alone.predict_proba(L))
    L_test, y_test = tutorial_data.L_test, tutorial_data.y_test
    assert pipeline.score(L_test, y_test) == alone.score(L_test, y_test)


# --- GridSearchCV ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_split():
    """400 training points with soft labels and 200 gold-labeled dev points, stacked."""
    data = make_tutorial_data(n=1000, seed=4)  # 800 training, 200 test points
    soft = LabelModel(seed=4).fit(data.L_train).predict_proba(data.L_train)[:400]
    X = np.vstack([data.X_train[:400], data.X_test[:200]])
    targets = np.concatenate([soft, (data.y_test[:200] == 1).astype(float)])
    return X, targets, np.arange(400), np.arange(400, 600), data.y_test[:200]


def test_grid_search_tunes_l2_on_gold_dev_labels(dev_split):
    X, targets, train, dev, y_dev = dev_split
    grid = [0.0, 0.05, 1.0]
    search = GridSearchCV(NoiseAwareClassifier(epochs=2), {"l2": grid}, cv=[(train, dev)],
                          refit=False).fit(X, targets)
    # Each candidate is trained on the soft labels and scored on the dev points' gold labels.
    by_hand = [NoiseAwareClassifier(epochs=2, l2=l2).fit(X[train], targets[train])
               .score(X[dev], y_dev) for l2 in grid]
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], by_hand)
    assert search.best_params_ == {"l2": grid[int(np.argmax(by_hand))]}
    assert len(set(by_hand)) > 1  # the weight decay matters on these points


def test_grid_search_refits_the_best_model_on_every_row(dev_split):
    X, targets, train, dev, _ = dev_split
    search = GridSearchCV(NoiseAwareClassifier(epochs=2), {"l2": [0.0, 1.0]},
                          cv=[(train, dev)]).fit(X, targets)
    np.testing.assert_array_equal(search.classes_, [-1, 1])
    refitted = NoiseAwareClassifier(epochs=2, **search.best_params_).fit(X, targets)
    np.testing.assert_array_equal(search.predict_proba(X), refitted.predict_proba(X))


def test_grid_search_over_a_pipeline_of_texts():
    train, dev = np.arange(24), np.arange(24, 32)
    targets = np.where(np.arange(32) < 24, SOFT, np.round(SOFT))
    search = GridSearchCV(
        make_pipeline(BagOfNgrams(), NoiseAwareClassifier(epochs=2)),
        {"bagofngrams__ngrams": [1, 2]}, cv=[(train, dev)], refit=False,
    ).fit(TEXTS, targets)
    assert search.best_params_["bagofngrams__ngrams"] in (1, 2)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_grid_search_over_a_label_model_scores_with_a_callable(tutorial_data):
    L_dev, y_dev = tutorial_data.L_test[:300], tutorial_data.y_test[:300]

    def dev_accuracy(model, label_matrix, y=None):
        return model.score(L_dev, y_dev)

    search = GridSearchCV(LabelModel(), {"method": ["gradient", "triplet"]},
                          scoring=dev_accuracy, cv=2).fit(tutorial_data.L_train)
    assert search.best_params_["method"] in ("gradient", "triplet")
    best = LabelModel(**search.best_params_).fit(tutorial_data.L_train)
    np.testing.assert_array_equal(search.best_estimator_.accuracies_, best.accuracies_)


# --- NoiseAwareClassifier.score: labels or targets ------------------------------------------------


@pytest.fixture(scope="module")
def fitted_classifier(dev_split):
    X, targets, train, _, _ = dev_split
    return NoiseAwareClassifier(epochs=2).fit(X[train], targets[train])


def test_score_reads_targets_as_their_most_probable_label(fitted_classifier, dev_split):
    X, _, _, dev, y_dev = dev_split
    model = fitted_classifier
    accuracy = model.score(X[dev], y_dev)
    assert model.score(X[dev], (y_dev == 1).astype(float)) == accuracy  # 0 / 1 targets
    assert model.score(X[dev], np.where(y_dev == 1, 0.8, 0.1)) == accuracy  # soft targets
    assert model.score(X[dev], (y_dev == 1).astype(int)) == accuracy
    assert model.score(X[dev], y_dev == 1) == accuracy  # booleans are 0 / 1
    assert model.score(X[dev][:3], np.ones(3)) == np.mean(model.predict(X[dev][:3]) == 1)
    np.testing.assert_array_equal(model.classes_, [-1, 1])
    assert model.n_features_in_ == model.n_features_ == X.shape[1]


@pytest.mark.parametrize(
    ("y", "pattern"),
    [
        ([1.0, 0.5, 0.0], re.escape("y has targets of exactly 1/2 (at positions [1])")),
        ([-1, 0, 1], r"y must contain only -1 and \+1"),  # a -1 makes them labels: 0 is none
        ([-1, 0.3, 1], r"y must contain only -1 and \+1"),
        ([0, 2, 1],
         re.escape("y must hold gold labels in {-1, +1} or targets P(y = +1) in [0, 1]")),
        ([0.0, np.nan, 1.0], r"y contains NaN"),
        (["a", "b", "c"], r"y must hold numbers"),
    ],
    ids=["half", "labels-with-zero", "labels-with-a-fraction", "two", "nan", "str"],
)
def test_score_refuses_what_is_neither_labels_nor_targets(fitted_classifier, dev_split, y,
                                                          pattern):
    X = dev_split[0][:3]
    with pytest.raises((ValueError, TypeError), match=pattern):
        fitted_classifier.score(X, y)

"""The template fit of BaseLabelModel: a new label model is a subclass and its FitSteps,
in one module; the template takes the steps in order and returns the model."""

from numbers import Real

import numpy as np
import pytest
from sklearn.base import clone

from dataprog_helpers.label_model import ClassConditionalLabelModel, LabelModel, posterior_proba
from dataprog_helpers.label_model.base import check_dev_set, log_odds_weights
from dataprog_helpers.label_model.estimator import BaseLabelModel
from dataprog_helpers.utils.validation import Interval, check_label_matrix


class _FixedAccuracySteps:
    """Every LF right with one given probability; the calls are recorded."""

    def __init__(self, model, calls):
        self.model, self.calls = model, calls

    def read_votes(self, label_matrix):
        self.calls.append("read_votes")
        return check_label_matrix(label_matrix)

    def check_dev_set(self, votes, dev_label_matrix, dev_labels):
        self.calls.append("check_dev_set")
        return check_dev_set(dev_label_matrix, dev_labels, votes.shape[1])

    def estimate(self, votes):
        self.calls.append("estimate")
        return np.full(votes.shape[1], self.model.accuracy)

    def orient(self, accuracies, votes, dev_set):
        self.calls.append("orient")
        return accuracies

    def set_fitted(self, accuracies):
        self.calls.append("set_fitted")
        weights = log_odds_weights(accuracies)
        self.model.accuracies_ = accuracies
        self.model.vote_log_ratios_ = np.stack([-weights, 0 * weights, weights], axis=1)
        self.model.class_prior_ = 0.5


class FixedAccuracyModel(BaseLabelModel):
    """A label model in a few lines: a parameter, its constraint and its steps."""

    _parameter_constraints = {"accuracy": [Interval(Real, 0.5, 1.0, closed="neither")]}

    def __init__(self, accuracy: float = 0.7):
        self.accuracy = accuracy

    def _fit_steps(self):
        self.calls_ = []
        return _FixedAccuracySteps(self, self.calls_)


LABEL_MATRIX = np.array([[1, 1, -1], [0, -1, -1], [1, 0, 0], [-1, 1, 1]], dtype=np.int8)


def test_a_new_model_is_its_steps_and_the_template_takes_them_in_order():
    model = FixedAccuracyModel(0.8)
    assert model.fit(LABEL_MATRIX) is model
    assert model.calls_ == ["read_votes", "check_dev_set", "estimate", "orient", "set_fitted"]
    np.testing.assert_allclose(model.predict_proba(LABEL_MATRIX),
                               posterior_proba(LABEL_MATRIX, np.full(3, 0.8)))
    assert clone(model).get_params() == {"accuracy": 0.8}


def test_the_template_validates_parameters_votes_and_dev_set_before_estimating():
    with pytest.raises(ValueError, match="accuracy"):
        FixedAccuracyModel(1.5).fit(LABEL_MATRIX)
    model = FixedAccuracyModel()
    with pytest.raises(ValueError, match="dev"):
        model.fit(LABEL_MATRIX, LABEL_MATRIX[:2])
    assert model.calls_ == ["read_votes", "check_dev_set"]


def test_the_library_models_fit_by_the_template():
    assert LabelModel.fit is BaseLabelModel.fit
    assert ClassConditionalLabelModel.fit is BaseLabelModel.fit

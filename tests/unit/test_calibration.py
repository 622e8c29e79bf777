"""Tests of TemperatureScaling: recovery of a known temperature, invariants, refusals."""

import numpy as np
import pytest
from scipy.special import expit, softmax

from dataprog_helpers import TemperatureScaling, expected_calibration_error
from dataprog_helpers.exceptions import NotFittedError


def _binary(n: int, seed: int):
    rng = np.random.default_rng(seed)
    log_odds = rng.normal(0.0, 2.0, size=n)
    y = np.where(rng.random(n) < expit(log_odds), 1, -1)
    return log_odds, y


@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0])
def test_a_known_temperature_is_recovered_and_undone(temperature):
    log_odds, y = _binary(20_000, seed=1)
    distorted = expit(temperature * log_odds)  # calibrated after dividing by the temperature
    scaling = TemperatureScaling().fit(distorted, y)
    assert scaling.temperature_ == pytest.approx(temperature, rel=0.08)
    np.testing.assert_allclose(scaling.transform(distorted), expit(log_odds), atol=0.03)
    assert scaling.n_classes_ == 2


def test_softening_lowers_the_calibration_error_and_never_changes_a_prediction():
    log_odds, y = _binary(20_000, seed=2)
    over_sharp = expit(4 * log_odds)
    softened = TemperatureScaling().fit_transform(over_sharp, y)
    np.testing.assert_array_equal(softened > 0.5, over_sharp > 0.5)
    assert expected_calibration_error(y, softened) < expected_calibration_error(y, over_sharp) / 3


def test_k_classes_use_the_log_probabilities():
    rng = np.random.default_rng(3)
    scores = rng.normal(0.0, 1.5, size=(20_000, 4))
    truth = softmax(scores, axis=1)
    y = np.array([rng.choice(4, p=row) for row in truth])
    distorted = softmax(2.5 * scores, axis=1)
    scaling = TemperatureScaling().fit(distorted, y)
    assert scaling.temperature_ == pytest.approx(2.5, rel=0.08)
    softened = scaling.transform(distorted)
    assert softened.shape == (20_000, 4)
    np.testing.assert_allclose(softened.sum(axis=1), 1.0)
    np.testing.assert_array_equal(softened.argmax(axis=1), distorted.argmax(axis=1))
    np.testing.assert_allclose(softened, truth, atol=0.03)


def test_posteriors_rounded_to_zero_or_one_can_still_be_softened():
    y = np.array([1, 1, -1, -1, 1, -1])
    probabilities = np.array([1.0, 1.0, 0.0, 0.0, 0.0, 1.0])  # two confident mistakes
    softened = TemperatureScaling().fit_transform(probabilities, y)
    assert np.all((softened > 0) & (softened < 1))
    assert np.all(np.isfinite(softened))


@pytest.mark.parametrize("arguments, error, message", [
    ((np.array([0.2, 1.2]), [1, -1]), ValueError, r"probabilities must hold probabilities"),
    ((np.array([0.2, np.nan]), [1, -1]), ValueError, r"probabilities must hold probabilities"),
    ((np.zeros((2, 2, 2)), [1, -1]), ValueError, r"probabilities must have shape"),
    ((np.array([[0.2, 0.3], [0.5, 0.5]]), [0, 1]), ValueError, r"rows that sum to 1"),
    ((np.array([0.2, 0.7]), [0, 1]), ValueError, r"y must contain only -1 and \+1"),
    ((np.array([[0.2, 0.8], [0.5, 0.5]]), [0, 2]), ValueError, r"y"),
    ((np.array([0.2, 0.7, 0.4]), [1, -1]), ValueError, r"probabilities has 3, y has 2"),
])
def test_bad_input_is_refused_by_name(arguments, error, message):
    with pytest.raises(error, match=message):
        TemperatureScaling().fit(*arguments)


def test_bad_bounds_unfitted_use_and_a_class_count_mismatch_are_refused():
    with pytest.raises(ValueError, match="bounds must be a pair"):
        TemperatureScaling(bounds=(2.0, 1.0)).fit([0.2, 0.8], [-1, 1])
    with pytest.raises(NotFittedError, match="not fitted yet"):
        TemperatureScaling().transform([0.2, 0.8])
    scaling = TemperatureScaling().fit([0.2, 0.8, 0.6], [-1, 1, -1])
    with pytest.raises(ValueError, match="3 classes but the scaling was fitted on 2"):
        scaling.transform(np.full((2, 3), 1 / 3))

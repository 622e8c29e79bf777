"""Tests of course.dev_labels: the detection rate of a paired test on n dev labels."""

import numpy as np
import pytest

from dataprog_helpers.course.dev_labels import detection_rates


def _pool(n, accuracy_a, accuracy_b, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice([-1, 1], size=n)
    a = np.where(rng.random(n) < accuracy_a, y, -y)
    b = np.where(rng.random(n) < accuracy_b, y, -y)
    return y, a, b


def test_predictors_equally_accurate_on_the_pool_have_no_direction_to_detect():
    y, a, _ = _pool(2000, 0.8, 0.8)
    b = a.copy()
    right, wrong = np.flatnonzero(a == y)[:100], np.flatnonzero(a != y)[:100]
    b[right], b[wrong] = -b[right], -b[wrong]  # 100 points each way: the same accuracy
    assert detection_rates(y, a, b, sizes=[50, 400], n_draws=100)["detected"].eq(0).all()


def test_a_real_difference_is_detected_more_often_with_more_dev_labels():
    # 0.95 against 0.75: on 400 points some 80 more right answers for a, p far below
    # 1e-6, so every draw of 400 sees it; 25 points see it only sometimes.
    y, a, b = _pool(3000, 0.95, 0.75)
    rates = detection_rates(y, a, b, sizes=[25, 100, 400], n_draws=300)
    detected = rates["detected"].to_numpy()
    assert detected[0] < detected[1] <= detected[2] and detected[2] == 1.0
    assert list(rates.index) == [25, 100, 400]
    assert np.allclose(rates["standard error"], np.sqrt(detected * (1 - detected) / 300))


def test_the_wrong_direction_does_not_count_and_bad_input_is_refused():
    y, a, b = _pool(1000, 0.95, 0.7)
    assert detection_rates(y, b, a, sizes=[200], n_draws=50)["detected"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="pred_b has shape"):
        detection_rates(y, a, b[:10], sizes=[10])
    with pytest.raises(ValueError, match="sizes"):
        detection_rates(y, a, b, sizes=[2000])
    with pytest.raises(ValueError, match="alpha"):
        detection_rates(y, a, b, sizes=[10], alpha=1.0)

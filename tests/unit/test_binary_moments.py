"""The moment estimate's rank-one completion in NumPy takes the same steps as the
TensorFlow solver LabelModel uses."""

import numpy as np
import pytest
import tensorflow as tf

from dataprog_helpers.label_model.binary_moments import complete_rank_one
from dataprog_helpers.label_model.rank_one import fit_rank_one


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_numpy_completion_equals_the_tensorflow_one(seed):
    rng = np.random.default_rng(seed)
    n = 14
    signal = rng.normal(0.0, 0.3, n)
    covariance = np.outer(signal, signal) + rng.normal(0.0, 0.01, (n, n))
    covariance = (covariance + covariance.T) / 2.0
    mask = 1.0 - np.eye(n)
    mask[0, 1] = mask[1, 0] = 0.0  # an unobserved pair, as within a dependency group
    initial = rng.normal(0.0, 0.1, n)
    expected, steps, change, _ = fit_rank_one(
        tf.constant(covariance * mask), tf.constant(mask), tf.constant(initial),
        tf.constant(0.5, tf.float64), tf.constant(1e-9, tf.float64), tf.constant(1000),
        tf.constant(1.0, tf.float64))
    found, found_steps, found_change = complete_rank_one(covariance * mask, mask, initial,
                                                         0.5, 1e-9, 1000, 1.0)
    assert found_steps == int(steps)
    np.testing.assert_allclose(found, expected.numpy(), rtol=0, atol=1e-12)
    assert found_change == pytest.approx(float(change), abs=1e-12)
    # It recovers the signal up to its sign.
    assert min(np.abs(found - signal).max(), np.abs(found + signal).max()) < 0.05


def test_the_completion_stops_at_max_iter_and_keeps_within_the_bound():
    rng = np.random.default_rng(3)
    noise = rng.normal(0.0, 0.2, (6, 6))
    mask = 1.0 - np.eye(6)
    found, steps, change = complete_rank_one((noise + noise.T) * mask, mask,
                                             rng.normal(0.0, 0.1, 6), 0.5, 0.0, 7, 1.0)
    assert steps == 7 and change > 0.0
    # Agreements beyond what |g| <= 1 allows: the solution stops at the bound.
    found, _, _ = complete_rank_one(np.full((5, 5), 4.0) * mask[:5, :5], mask[:5, :5],
                                    np.full(5, 0.1), 0.5, 1e-9, 100, 1.0)
    np.testing.assert_array_equal(found, np.ones(5))

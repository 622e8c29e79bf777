"""Shared fixtures for the dataprog_helpers test suite.

TensorFlow's logging variables must be set before anything imports it, so they come first.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import functools  # noqa: E402
import itertools  # noqa: E402
from statistics import NormalDist  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

# Draw off-screen in this process only.  Setting MPLBACKEND instead would leak into
# the notebook kernels nbval starts, and their figures would vanish from the outputs.
matplotlib.use("Agg")

from dataprog_helpers import (  # noqa: E402
    LabelModel,
    accuracy,
    make_tutorial_data,
    posterior_proba,
)


def bonferroni_z(n_comparisons: int, family_alpha: float = 1e-3) -> float:
    """Two-sided normal quantile that keeps the family-wise error rate at ``family_alpha``.

    Used to turn "within a few standard errors" into a number: each of
    ``n_comparisons`` z-scores is allowed to exceed it with probability
    ``family_alpha / n_comparisons``, so a correct implementation fails the whole
    family of checks with probability at most ``family_alpha``.
    """
    return NormalDist().inv_cdf(1.0 - family_alpha / (2.0 * n_comparisons))


@pytest.fixture(scope="session")
def z_bound():
    """The function :func:`bonferroni_z`, for tests that compare to standard errors."""
    return bonferroni_z


@pytest.fixture(scope="session")
def tutorial_data():
    """The tutorial's default setting, seed 0 (8,000 train / 2,000 test points)."""
    return make_tutorial_data(seed=0)


@pytest.fixture(scope="session")
def fitted_label_model(tutorial_data):
    """A LabelModel fitted on the seed-0 tutorial training votes.  Do not mutate."""
    return LabelModel(seed=0).fit(tutorial_data.L_train)


@pytest.fixture(scope="session")
def tutorial_run():
    """``tutorial_run(seed)``: data, fitted label model and oracle accuracy, cached per seed.

    Shared by the label-model and end-model tests so each seed's data set and fit
    is computed once per session.
    """

    @functools.cache
    def run(seed: int) -> SimpleNamespace:
        data = make_tutorial_data(seed=seed)
        label_model = LabelModel(seed=seed).fit(data.L_train)
        oracle_predictions = np.sign(posterior_proba(data.L_test, data.lf_accs) - 0.5)
        return SimpleNamespace(
            data=data,
            label_model=label_model,
            label_model_accuracy=label_model.score(data.L_test, data.y_test),
            oracle_accuracy=accuracy(data.y_test, oracle_predictions.astype(np.int8)),
        )

    return run


@pytest.fixture
def small_label_matrix():
    """A hand-made 5 x 4 label matrix with gold labels; LF 2 never votes.

    Every statistic the tests check on it is worked out by hand in test_analysis.py.
    """
    L = np.array(
        [
            [1, 1, 0, 1],
            [1, -1, 0, 0],
            [0, -1, 0, 1],
            [-1, 0, 0, 1],
            [0, 0, 0, 1],
        ],
        dtype=np.int8,
    )
    y = np.array([1, 1, -1, -1, 1], dtype=np.int8)
    return L, y


def _exact_label_matrix(numerators, denominator: int, abstain_weight: int = 0) -> np.ndarray:
    """A label matrix whose empirical statistics equal the population ones exactly.

    LF ``j`` is right with probability ``numerators[j] / denominator`` when it votes.
    Each LF's outcome on a point is one of right / wrong / abstain with integer
    weights ``(numerators[j], denominator - numerators[j], abstain_weight)``; every
    combination of outcomes, for y = +1 and for y = -1, is repeated as many times
    as the product of its weights.  The rows therefore *are* the population of
    conditionally independent LFs with a balanced label, so the agreement matrix
    is exactly ``Z_ij = q_i q_j`` (i != j) with ``q = 2 p - 1``: no sampling noise.
    """
    numerators = [int(k) for k in numerators]
    rows, counts = [], []
    outcomes = ("right", "wrong", "abstain")
    for y in (1, -1):
        for combination in itertools.product(outcomes, repeat=len(numerators)):
            weight = 1
            row = []
            for k, outcome in zip(numerators, combination, strict=True):
                if outcome == "right":
                    weight *= k
                    row.append(y)
                elif outcome == "wrong":
                    weight *= denominator - k
                    row.append(-y)
                else:
                    weight *= abstain_weight
                    row.append(0)
            if weight:
                rows.append(row)
                counts.append(weight)
    return np.repeat(np.array(rows, dtype=np.int8), counts, axis=0)


@pytest.fixture(scope="session")
def exact_label_matrix():
    """The builder :func:`_exact_label_matrix` (noise-free label matrices)."""
    return _exact_label_matrix

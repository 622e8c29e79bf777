"""Synthetic data for the tutorial: features, gold labels and noisy labeling functions.

The generative story follows the data programming tutorial: each point has a
balanced label y in {-1, +1}; each binary feature copies the label with its own
probability (between 0.4 and 0.6, so every single feature is weak); each labeling
function (LF) votes on a point with probability ``coverage`` and, when it votes,
is right with its own accuracy.  LFs are conditionally independent given y, which
is exactly the assumption the label model of notebook 2 makes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_labels,
    check_positive_int,
    check_real_in_range,
    check_seed,
)

__all__ = ["TutorialData", "make_features", "make_label_matrix", "make_tutorial_data"]


def make_features(n: int, d: int, seed: int | None = None):
    """Draw balanced labels and weak binary features.

    Parameters
    ----------
    n : int
        Number of points.
    d : int
        Number of features.
    seed : int or None
        Seed of ``np.random.default_rng``.

    Returns
    -------
    X : ndarray of float32, shape (n, d)
        Features in {-1, +1}: ``X[i, j] = y[i]`` with probability ``feature_accs[j]``,
        otherwise ``-y[i]``.
    y : ndarray of int8, shape (n,)
        Gold labels in {-1, +1}, each with probability 1/2.
    feature_accs : ndarray of float64, shape (d,)
        P(X[:, j] = y), drawn uniformly in [0.4, 0.6].
    """
    n = check_positive_int(n, "n")
    d = check_positive_int(d, "d")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    y = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    feature_accs = rng.uniform(0.4, 0.6, size=d)
    agrees = rng.random((n, d)) < feature_accs
    X = np.where(agrees, y[:, None], -y[:, None]).astype(np.float32)
    return X, y, feature_accs


def make_label_matrix(
    y,
    m: int,
    coverage: float,
    acc_range: tuple[float, float] = (0.45, 0.75),
    seed: int | None = None,
):
    """Simulate ``m`` conditionally independent labeling functions.

    Parameters
    ----------
    y : array-like of shape (n,)
        Gold labels in {-1, +1}.
    m : int
        Number of labeling functions.
    coverage : float in (0, 1]
        Probability that an LF votes on a point (the same for every LF and class).
    acc_range : (low, high)
        Each LF's accuracy ``lf_accs[j]`` = P(vote = y | LF votes) is drawn
        uniformly in [low, high], with 0 <= low <= high <= 1.
    seed : int or None
        Seed of ``np.random.default_rng``.

    Returns
    -------
    L : ndarray of int8, shape (n, m)
        Votes in {-1, 0, +1}; 0 means the LF abstained.
    lf_accs : ndarray of float64, shape (m,)
        The true accuracy of each LF.
    """
    y = check_labels(y, "y")
    m = check_positive_int(m, "m")
    coverage = check_real_in_range(coverage, "coverage", 0.0, 1.0, include_low=False)
    try:
        low, high = (float(bound) for bound in acc_range)
    except (TypeError, ValueError) as error:
        raise ValueError(f"acc_range must be a pair (low, high), got {acc_range!r}") from error
    check_real_in_range(low, "acc_range[0]", 0.0, 1.0)
    check_real_in_range(high, "acc_range[1]", 0.0, 1.0)
    if low > high:
        raise ValueError(f"acc_range must satisfy low <= high, got {acc_range!r}")

    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    lf_accs = rng.uniform(low, high, size=m)
    votes = rng.random((len(y), m)) < coverage
    correct = rng.random((len(y), m)) < lf_accs
    signed_y = y[:, None].astype(np.int8)
    L = np.where(votes, np.where(correct, signed_y, -signed_y), 0).astype(np.int8)
    return L, lf_accs


@dataclass(frozen=True)
class TutorialData:
    """Everything one run of the tutorial needs, split into train and test.

    Attributes
    ----------
    X_train, X_test : ndarray of float32, shapes (n_train, d) and (n_test, d)
    y_train, y_test : ndarray of int8 in {-1, +1}
    L_train, L_test : ndarray of int8 in {-1, 0, +1}, shapes (n_train, m), (n_test, m)
    feature_accs : ndarray of shape (d,)
    lf_accs : ndarray of shape (m,)
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    L_train: np.ndarray
    L_test: np.ndarray
    feature_accs: np.ndarray
    lf_accs: np.ndarray


def make_tutorial_data(
    n: int = 10_000,
    d: int = 100,
    m: int = 20,
    coverage: float = 0.25,
    acc_range: tuple[float, float] = (0.45, 0.75),
    test_fraction: float = 0.2,
    seed: int = 0,
) -> TutorialData:
    """Generate the tutorial's setting and split it into train and test sets.

    The defaults are the tutorial's: 10,000 points, 100 features, 20 LFs voting
    on 25% of the points with accuracies in [0.45, 0.75], and an 80/20 split.
    Features use ``seed``, the LFs ``seed + 1`` and the split ``seed + 2``.
    """
    seed = check_seed(seed)
    test_fraction = check_real_in_range(
        test_fraction, "test_fraction", 0.0, 1.0, include_low=False, include_high=False
    )
    X, y, feature_accs = make_features(n, d, seed)
    L, lf_accs = make_label_matrix(y, m, coverage, acc_range, seed + 1)
    order = np.random.default_rng(seed + 2).permutation(n)
    n_test = int(round(test_fraction * n))
    if n_test == 0 or n_test == n:
        raise ValueError(
            f"test_fraction={test_fraction} leaves an empty train or test set for n={n}"
        )
    test, train = order[:n_test], order[n_test:]
    return TutorialData(
        X_train=X[train],
        X_test=X[test],
        y_train=y[train],
        y_test=y[test],
        L_train=L[train],
        L_test=L[test],
        feature_accs=feature_accs,
        lf_accs=lf_accs,
    )

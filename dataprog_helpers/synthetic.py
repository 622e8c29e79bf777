"""Synthetic data for the tutorial: features, gold labels and noisy labeling functions.

The generative story follows the data programming tutorial: each point has a
label y in {-1, +1} (balanced unless ``class_balance`` says otherwise); each
binary feature copies the label with its own probability (between 0.4 and 0.6,
so every single feature is weak); each labeling
function (LF) votes on a point with probability ``coverage`` and, when it votes,
is right with its own accuracy.  LFs are conditionally independent given y, which
is exactly the assumption the label model of notebook 2 makes.
:func:`add_near_copies` breaks it on purpose (notebook 4).

:func:`make_features` and :func:`make_label_matrix` draw their random numbers a
block of rows at a time, so the temporary floats stay bounded for any n and the
returned arrays are the only n-row ones (the label matrix as int8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_real_in_range,
    check_same_length,
    check_seed,
)

__all__ = [
    "TutorialData",
    "add_near_copies",
    "make_features",
    "make_label_matrix",
    "make_tutorial_data",
]

#: Rows drawn per block.  Data sets of at most this many points are drawn in one
#: block, so their random numbers do not depend on the block size.
_BLOCK_ROWS = 65_536


def _blocks(n: int):
    for start in range(0, n, _BLOCK_ROWS):
        yield slice(start, min(start + _BLOCK_ROWS, n))


def _draw_labels(n: int, class_balance: float, rng: np.random.Generator) -> np.ndarray:
    if class_balance == 0.5:  # the tutorial's stream: every seed keeps its data
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    return np.where(rng.random(n) < class_balance, 1, -1).astype(np.int8)


def make_features(n: int, d: int, seed: int | None = None, class_balance: float = 0.5):
    """Draw labels and weak binary features.

    Parameters
    ----------
    n : int
        Number of points.
    d : int
        Number of features.
    seed : int or None
        Seed of ``np.random.default_rng``.
    class_balance : float in (0, 1), default 0.5
        P(y = +1).

    Returns
    -------
    X : ndarray of float32, shape (n, d)
        Features in {-1, +1}: ``X[i, j] = y[i]`` with probability ``feature_accs[j]``,
        otherwise ``-y[i]``.
    y : ndarray of int8, shape (n,)
        Gold labels in {-1, +1}, +1 with probability ``class_balance``.
    feature_accs : ndarray of float64, shape (d,)
        P(X[:, j] = y), drawn uniformly in [0.4, 0.6].
    """
    n = check_positive_int(n, "n")
    d = check_positive_int(d, "d")
    class_balance = check_real_in_range(
        class_balance, "class_balance", 0.0, 1.0, include_low=False, include_high=False
    )
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    y = _draw_labels(n, class_balance, rng)
    feature_accs = rng.uniform(0.4, 0.6, size=d)
    X = np.empty((n, d), dtype=np.float32)
    for rows in _blocks(n):
        agrees = rng.random((rows.stop - rows.start, d)) < feature_accs
        X[rows] = np.where(agrees, y[rows, None], -y[rows, None])
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
    L = np.empty((len(y), m), dtype=np.int8)
    for rows in _blocks(len(y)):
        shape = (rows.stop - rows.start, m)
        votes = rng.random(shape) < coverage
        correct = rng.random(shape) < lf_accs
        signed_y = y[rows, None]
        L[rows] = np.where(votes, np.where(correct, signed_y, -signed_y), 0)
    return L, lf_accs


def add_near_copies(
    label_matrix,
    y,
    lf_accs,
    source: int,
    n_copies: int,
    repeat: float = 0.9,
    seed: int | None = None,
):
    """Append ``n_copies`` near-copies of LF ``source``: LFs that are *not* independent.

    Each copy votes exactly where the source votes.  With probability
    ``repeat`` it repeats the source's vote; otherwise it votes on its own,
    right with the source's accuracy.  So every copy has the source's accuracy
    and coverage, but given y the copies and the source agree far more often
    than independent LFs would: the label model's assumption is broken.

    Parameters
    ----------
    label_matrix : array-like of shape (n, m)
    y : array-like of shape (n,)
        Gold labels in {-1, +1} (used for the copies' own votes).
    lf_accs : array-like of shape (m,)
        True accuracies of the LFs in ``label_matrix``.
    source : int
        Index of the LF to copy.
    n_copies : int
    repeat : float in [0, 1], default 0.9
        Probability that a copy repeats the source's vote.
    seed : int or None

    Returns
    -------
    L : ndarray of int8, shape (n, m + n_copies)
        The input columns followed by the copies.
    lf_accs : ndarray of float64, shape (m + n_copies,)
    """
    label_matrix = check_label_matrix(label_matrix)
    y = check_labels(y, "y")
    check_same_length(label_matrix=label_matrix, y=y)
    lf_accs = np.asarray(lf_accs, dtype=np.float64)
    n_lfs = label_matrix.shape[1]
    if lf_accs.shape != (n_lfs,):
        raise ValueError(f"lf_accs must have shape ({n_lfs},), got {lf_accs.shape}")
    source = check_positive_int(source, "source", minimum=0, maximum=n_lfs - 1)
    n_copies = check_positive_int(n_copies, "n_copies")
    repeat = check_real_in_range(repeat, "repeat", 0.0, 1.0)
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    shape = (len(y), n_copies)
    repeats = rng.random(shape) < repeat
    correct = rng.random(shape) < lf_accs[source]
    own_votes = np.where(correct, y[:, None], -y[:, None])
    source_votes = label_matrix[:, [source]]
    copies = np.where(source_votes == 0, 0, np.where(repeats, source_votes, own_votes))
    return (
        np.hstack([label_matrix, copies.astype(np.int8)]),
        np.concatenate([lf_accs, np.full(n_copies, lf_accs[source])]),
    )


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
    class_balance: float = 0.5,
) -> TutorialData:
    """Generate the tutorial's setting and split it into train and test sets.

    The defaults are the tutorial's: 10,000 points, 100 features, 20 LFs voting
    on 25% of the points with accuracies in [0.45, 0.75], an 80/20 split, and
    balanced classes (``class_balance`` = P(y = +1) = 0.5).
    Features use ``seed``, the LFs ``seed + 1`` and the split ``seed + 2``.
    """
    seed = check_seed(seed)
    test_fraction = check_real_in_range(
        test_fraction, "test_fraction", 0.0, 1.0, include_low=False, include_high=False
    )
    X, y, feature_accs = make_features(n, d, seed, class_balance)
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

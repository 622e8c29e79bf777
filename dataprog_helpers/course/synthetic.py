"""Synthetic data for the tutorial: features, gold labels and noisy labeling functions.

The generative story follows the data programming tutorial: each point has a
label y in {-1, +1} (balanced unless ``class_prior`` = P(y = +1) says otherwise); each
binary feature copies the label with its own probability (between 0.4 and 0.6,
so every single feature is weak); each labeling
function (LF) votes on a point with probability ``coverage`` and, when it votes,
is right with its own accuracy.  LFs are conditionally independent given y, which
is exactly the assumption the label model of notebook 2 makes.
:func:`add_near_copies` breaks it on purpose (notebook 4).

Real LFs are rarely that symmetric.  :func:`sample_label_matrix` draws votes from
any class-conditional model, a table ``conditional_probabilities[i, c, v]`` =
P(LF i votes v | y), and :func:`make_one_sided_label_matrix` builds such a table
for the LFs practitioners write: mostly *one-sided* ones, which vote for one class
or abstain, plus a few two-sided ones whose coverage and accuracy depend on the
class.

:func:`make_features`, :func:`make_label_matrix` and :func:`sample_label_matrix`
draw their random numbers a block of rows at a time, so the temporary floats stay
bounded for any n and the returned arrays are the only n-row ones (the label
matrix as int8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..utils.chunks import row_chunks
from ..utils.validation import (
    check_class_labels,
    check_class_tables,
    check_conditional_probabilities,
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_probability_range,
    check_real_in_range,
    check_same_length,
    check_seed,
)

__all__ = [
    "TutorialData",
    "add_near_copies",
    "draw_labels",
    "make_features",
    "make_class_conditional_tables",
    "make_label_matrix",
    "make_one_sided_label_matrix",
    "make_tutorial_data",
    "sample_class_label_matrix",
    "sample_label_matrix",
]

def draw_labels(n: int, class_prior: float, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` gold labels, each +1 with probability ``class_prior`` and -1 otherwise.

    Parameters
    ----------
    n : int
        Number of points.
    class_prior : float in (0, 1)
        P(y = +1).
    rng : numpy.random.Generator
        Where the random numbers come from; it advances by the draws.

    Returns
    -------
    y : ndarray of int8, shape (n,)
        Labels in {-1, +1}, independent across points.

    Notes
    -----
    At ``class_prior`` = 0.5 the labels are ``rng.choice([-1, 1], size=n)``, the
    tutorial's stream, so that every seed keeps its data; otherwise they are
    ``rng.random(n) < class_prior``, mapped to +1 and -1.
    """
    n = check_positive_int(n, "n")
    class_prior = check_real_in_range(
        class_prior, "class_prior", 0.0, 1.0, include_low=False, include_high=False
    )
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if class_prior == 0.5:  # the tutorial's stream: every seed keeps its data
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    return np.where(rng.random(n) < class_prior, 1, -1).astype(np.int8)


def make_features(n: int, d: int, seed: int | None = None, class_prior: float = 0.5):
    """Draw labels and weak binary features.

    Parameters
    ----------
    n : int
        Number of points.
    d : int
        Number of features.
    seed : int or None
        Seed of ``np.random.default_rng``.
    class_prior : float in (0, 1), default 0.5
        P(y = +1).  The old keyword ``class_balance=`` still works, with a
        ``DeprecationWarning``.

    Returns
    -------
    X : ndarray of float32, shape (n, d)
        Features in {-1, +1}: ``X[i, j] = y[i]`` with probability
        ``feature_accuracies[j]``, otherwise ``-y[i]``.
    y : ndarray of int8, shape (n,)
        Gold labels in {-1, +1}, +1 with probability ``class_prior``
        (:func:`draw_labels`).
    feature_accuracies : ndarray of float64, shape (d,)
        P(X[:, j] = y), drawn uniformly in [0.4, 0.6].
    """
    n = check_positive_int(n, "n")
    d = check_positive_int(d, "d")
    class_prior = check_real_in_range(
        class_prior, "class_prior", 0.0, 1.0, include_low=False, include_high=False
    )
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    y = draw_labels(n, class_prior, rng)
    feature_accuracies = rng.uniform(0.4, 0.6, size=d)
    X = np.empty((n, d), dtype=np.float32)
    for rows in row_chunks(n):
        agrees = rng.random((rows.stop - rows.start, d)) < feature_accuracies
        X[rows] = np.where(agrees, y[rows, None], -y[rows, None])
    return X, y, feature_accuracies


def make_label_matrix(
    y,
    m: int,
    coverage: float,
    accuracy_range: tuple[float, float] = (0.45, 0.75),
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
    accuracy_range : (low, high), default (0.45, 0.75)
        Each LF's accuracy ``lf_accuracies[j]`` = P(vote = y | LF votes) is drawn
        uniformly in [low, high], with 0 <= low <= high <= 1.  The old keyword
        ``acc_range=`` still works, with a ``DeprecationWarning``.
    seed : int or None
        Seed of ``np.random.default_rng``.

    Returns
    -------
    L : ndarray of int8, shape (n, m)
        Votes in {-1, 0, +1}; 0 means the LF abstained.
    lf_accuracies : ndarray of float64, shape (m,)
        The true accuracy of each LF.
    """
    y = check_labels(y, "y")
    m = check_positive_int(m, "m")
    coverage = check_real_in_range(coverage, "coverage", 0.0, 1.0, include_low=False)
    low, high = check_probability_range(accuracy_range, "accuracy_range")

    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    lf_accuracies = rng.uniform(low, high, size=m)
    L = np.empty((len(y), m), dtype=np.int8)
    for rows in row_chunks(len(y)):
        shape = (rows.stop - rows.start, m)
        votes = rng.random(shape) < coverage
        correct = rng.random(shape) < lf_accuracies
        signed_y = y[rows, None]
        L[rows] = np.where(votes, np.where(correct, signed_y, -signed_y), 0)
    return L, lf_accuracies


def sample_label_matrix(y, conditional_probabilities, seed: int | None = None) -> np.ndarray:
    """Draw the votes of conditionally independent LFs from a class-conditional model.

    Parameters
    ----------
    y : array-like of shape (n,)
        Gold labels in {-1, +1}.
    conditional_probabilities : array-like of shape (m, 2, 3), m >= 1
        ``conditional_probabilities[i, c, v]`` = P(LF i votes v | y), with class
        index c = 0 for y = -1 and c = 1 for y = +1, and vote index v = 0, 1, 2
        for the votes -1, 0 (abstain) and +1.  Every entry lies in [0, 1] and every
        row ``[i, c, :]`` sums to 1 within 1e-9.
    seed : int or None
        Seed of ``np.random.default_rng``.

    Returns
    -------
    L : ndarray of int8, shape (n, m)
        Votes in {-1, 0, +1}: ``L[k, i]`` is drawn from the row
        ``conditional_probabilities[i, c(y[k]), :]``, independently over points
        and LFs given y.

    Notes
    -----
    Each entry takes one uniform u in [0, 1) and compares it with the cumulative
    row ``p = conditional_probabilities[i, c(y[k])]``::

        L[k, i] = -1  if u < p[0],
                  +1  if u >= max(1 - p[2], p[0]),
                   0  otherwise,

    so P(-1) = p[0], P(+1) = p[2] and P(0) = 1 - p[0] - p[2] = p[1] up to the
    1e-9 tolerance, and a vote of probability 0 is never drawn.  The uniforms
    are drawn row by row, a block of rows at a time (so the temporaries are a few
    arrays of ``CHUNK_ROWS`` x m, see ``dataprog_helpers._chunks``): L does not
    depend on the block size.
    """
    y = check_labels(y, "y")
    table = check_conditional_probabilities(conditional_probabilities)
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    m = table.shape[0]
    # Thresholds of shape (2, m), indexed [c, i]: vote -1 below `low`, +1 from `high` on.
    low = np.ascontiguousarray(table[:, :, 0].T)
    high = np.maximum(1.0 - table[:, :, 2].T, low)
    L = np.empty((len(y), m), dtype=np.int8)
    for rows in row_chunks(len(y)):
        classes = (y[rows] == 1).astype(np.intp)  # c = 0 for y = -1, 1 for y = +1
        u = rng.random((rows.stop - rows.start, m))
        votes = L[rows]  # a view of the block's rows, filled in place
        np.greater_equal(u, low[classes], out=votes.view(np.bool_))  # 0 for a -1 vote
        votes += u >= high[classes]  # 2 for a +1 vote
        votes -= 1
    return L


def make_class_conditional_tables(cardinality: int = 4, n_lfs: int = 12) -> np.ndarray:
    """A k-class model of the LFs practitioners write, for simulations: shape (m, k, k + 1).

    Even-numbered LFs are one-sided: LF 2j votes class ``j mod k`` only, on 60% of
    the points of that class and 5% of the others.  Odd-numbered LFs vote every
    class, right 70% of the time when they vote, with a coverage that grows with the
    class (0.3 + 0.1 c): whether they vote depends on y.  Entry ``[i, c, v + 1]`` is
    P(LF i votes v | y = c), with index 0 for abstaining (see
    :func:`sample_class_label_matrix`).
    """
    cardinality = check_positive_int(cardinality, "cardinality", minimum=2)
    n_lfs = check_positive_int(n_lfs, "n_lfs")
    classes = np.arange(cardinality)
    tables = np.zeros((n_lfs, cardinality, cardinality + 1))
    for lf in range(n_lfs):
        if lf % 2 == 0:
            target = (lf // 2) % cardinality
            fires = np.where(classes == target, 0.6, 0.05)
            tables[lf, :, 0] = 1.0 - fires
            tables[lf, :, target + 1] = fires
        else:
            coverage = 0.3 + 0.1 * classes
            tables[lf, :, 0] = 1.0 - coverage
            tables[lf, :, 1:] = (coverage * 0.3 / (cardinality - 1))[:, None]
            tables[lf, classes, classes + 1] = coverage * 0.7
    return tables


def sample_class_label_matrix(y, conditional_probabilities, seed: int | None = None
                              ) -> np.ndarray:
    """Draw the votes of conditionally independent LFs from a k-class model.

    The k-class counterpart of :func:`sample_label_matrix`, in Snorkel's convention.

    Parameters
    ----------
    y : array-like of shape (n,)
        Gold labels, class indices 0 to k - 1.
    conditional_probabilities : array-like of shape (m, k, k + 1)
        ``[i, c, v + 1]`` = P(LF i votes v | y = c), index 0 for abstaining (v = -1);
        every row ``[i, c, :]`` sums to 1 within 1e-9.
    seed : int or None
        Seed of ``np.random.default_rng``.

    Returns
    -------
    L : ndarray of int8, shape (n, m)
        Votes in {-1 = abstain, 0, ..., k-1}, independent over points and LFs given y.
        Each entry compares one uniform u in [0, 1) with the cumulative row: the vote
        is the number of cumulative probabilities at most u, minus 1.
    """
    table = check_class_tables(conditional_probabilities)
    k = table.shape[1]
    y = check_class_labels(y, k, "y")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    # Thresholds [c, i, v]: the vote is at least v (0-based outcome) once u passes them.
    thresholds = np.ascontiguousarray(np.cumsum(table, axis=2)[:, :, :-1].transpose(1, 0, 2))
    L = np.empty((len(y), table.shape[0]), dtype=np.int8)
    for rows in row_chunks(len(y)):
        u = rng.random((rows.stop - rows.start, table.shape[0]))
        outcomes = (u[:, :, None] >= thresholds[y[rows]]).sum(axis=2)
        L[rows] = outcomes - 1
    return L


def make_one_sided_label_matrix(
    y,
    m: int,
    seed: int | None = None,
    hit_range: tuple[float, float] = (0.1, 0.5),
    false_vote_range: tuple[float, float] = (0.01, 0.1),
    two_sided_share: float = 1 / 3,
    two_sided_coverage_range: tuple[float, float] = (0.2, 0.6),
    two_sided_accuracy_range: tuple[float, float] = (0.6, 0.9),
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate the LFs practitioners write: mostly one-sided, with class-dependent rates.

    A keyword rule ("mentions a refund: complaint") fires for one class or
    abstains; it never votes for the other class.  Most LFs here are such
    *one-sided* LFs.  LF i with target class t_i fires on points of its class
    with probability hit_i and, by mistake, on points of the other class with
    probability false_i:

        P(vote = t_i | y = t_i) = hit_i,    P(vote = t_i | y = -t_i) = false_i,
        P(vote = -t_i | y) = 0,             abstain otherwise.

    The others are *two-sided*, with a coverage cov_ic = P(vote != 0 | y = c) and
    an accuracy acc_ic = P(vote = y | vote != 0, y = c) of their own for each
    class c:

        P(vote = y | y = c) = cov_ic acc_ic,
        P(vote = -y | y = c) = cov_ic (1 - acc_ic),    P(vote = 0 | y = c) = 1 - cov_ic.

    Which LF is which is fixed, not random.  With s = ``two_sided_share`` and
    r(k) = floor(k s + 1/2) (k s rounded, halves up), LF i is two-sided when
    r(i + 1) > r(i): round(m s) LFs in all, spread evenly (for s = 1/3, LFs 1,
    4, 7, ...).  The one-sided LFs, in index order, target +1, -1, +1, -1, ...,
    so each class gets half of them (+1 one more when their number is odd).
    Every ``*_range`` below is a pair (low, high) with 0 <= low <= high <= 1.

    Parameters
    ----------
    y : array-like of shape (n,)
        Gold labels in {-1, +1}.
    m : int
        Number of labeling functions.
    seed : int or None
        Seed of ``np.random.default_rng``.
    hit_range : (low, high), default (0.1, 0.5)
        hit_i is drawn uniformly in [low, high].
    false_vote_range : (low, high), default (0.01, 0.1)
        false_i is drawn uniformly in [low, high].
    two_sided_share : float in [0, 1], default 1/3
        Share of two-sided LFs (rounded to a count, see above).
    two_sided_coverage_range : (low, high), default (0.2, 0.6)
        Each cov_ic is drawn uniformly in [low, high].
    two_sided_accuracy_range : (low, high), default (0.6, 0.9)
        Each acc_ic is drawn uniformly in [low, high].

    Returns
    -------
    L : ndarray of int8, shape (n, m)
        Votes in {-1, 0, +1}, drawn by :func:`sample_label_matrix`.
    conditional_probabilities : ndarray of float64, shape (m, 2, 3)
        The true model: ``[i, c, v]`` = P(LF i votes v | y), c = 0 for y = -1 and
        1 for y = +1, v = 0, 1, 2 for the votes -1, 0, +1.

    Notes
    -----
    ``np.random.default_rng(seed)`` first draws, for every LF whatever its kind,
    hit (m,), false (m,), the coverages (m, 2) and the accuracies (m, 2), so the
    numbers drawn do not depend on ``two_sided_share``; then one integer in
    [0, 2**63), the seed with which :func:`sample_label_matrix` draws L.
    """
    y = check_labels(y, "y")
    m = check_positive_int(m, "m")
    hit_range = check_probability_range(hit_range, "hit_range")
    false_vote_range = check_probability_range(false_vote_range, "false_vote_range")
    two_sided_share = check_real_in_range(two_sided_share, "two_sided_share", 0.0, 1.0)
    coverage_range = check_probability_range(
        two_sided_coverage_range, "two_sided_coverage_range"
    )
    accuracy_range = check_probability_range(
        two_sided_accuracy_range, "two_sided_accuracy_range"
    )
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    hit = rng.uniform(*hit_range, size=m)
    false = rng.uniform(*false_vote_range, size=m)
    coverage = rng.uniform(*coverage_range, size=(m, 2))  # [i, c]
    accuracy = rng.uniform(*accuracy_range, size=(m, 2))
    vote_seed = int(rng.integers(2**63))

    rounded = np.floor(np.arange(m + 1) * two_sided_share + 0.5)
    two_sided = np.diff(rounded) > 0
    table = np.empty((m, 2, 3))
    # Two-sided: the right vote is v = 0 for y = -1 (c = 0) and v = 2 for y = +1 (c = 1).
    table[:, 0] = np.stack([coverage[:, 0] * accuracy[:, 0], 1 - coverage[:, 0],
                            coverage[:, 0] * (1 - accuracy[:, 0])], axis=1)
    table[:, 1] = np.stack([coverage[:, 1] * (1 - accuracy[:, 1]), 1 - coverage[:, 1],
                            coverage[:, 1] * accuracy[:, 1]], axis=1)
    for k, i in enumerate(np.flatnonzero(~two_sided)):
        target = 1 - k % 2  # class index of t_i: +1 (c = 1), -1 (c = 0), +1, ...
        vote = 2 * target  # its vote index: 2 for +1, 0 for -1
        table[i] = 0.0
        table[i, target, [vote, 1]] = hit[i], 1 - hit[i]
        table[i, 1 - target, [vote, 1]] = false[i], 1 - false[i]
    return sample_label_matrix(y, table, seed=vote_seed), table


def add_near_copies(
    label_matrix,
    y,
    lf_accuracies,
    source: int,
    n_copies: int,
    copy_rate: float = 0.9,
    seed: int | None = None,
):
    """Append ``n_copies`` near-copies of LF ``source``: LFs that are *not* independent.

    Each copy votes exactly where the source votes (it shares all of its
    abstentions, whatever ``copy_rate``).  With probability ``copy_rate`` it
    repeats the source's vote; otherwise it votes on its own, right with the
    source's accuracy.  (The explorer's ``copy_rate`` means something else: there
    a copy repeats LF 0's whole output, abstention included, with that
    probability, and decides on its own otherwise; see
    :class:`~dataprog_helpers.course.explorer.ExplorerSettings`.)  So every copy
    has the source's accuracy and coverage, but given y the copies and the source
    agree far more often than independent LFs would: the label model's assumption
    is broken.
    The old keywords ``lf_accs=`` and ``repeat=`` still work, with a
    ``DeprecationWarning``.

    Parameters
    ----------
    label_matrix : array-like of shape (n, m)
    y : array-like of shape (n,)
        Gold labels in {-1, +1} (used for the copies' own votes).
    lf_accuracies : array-like of shape (m,)
        True accuracies of the LFs in ``label_matrix``.
    source : int
        Index of the LF to copy.
    n_copies : int
    copy_rate : float in [0, 1], default 0.9
        Probability that a copy repeats the source's vote (where the source
        votes; the copies abstain wherever it does).
    seed : int or None

    Returns
    -------
    L : ndarray of int8, shape (n, m + n_copies)
        The input columns followed by the copies.
    lf_accuracies : ndarray of float64, shape (m + n_copies,)
    """
    label_matrix = check_label_matrix(label_matrix)
    y = check_labels(y, "y")
    check_same_length(label_matrix=label_matrix, y=y)
    lf_accuracies = np.asarray(lf_accuracies, dtype=np.float64)
    n_lfs = label_matrix.shape[1]
    if lf_accuracies.shape != (n_lfs,):
        raise ValueError(
            f"lf_accuracies must have shape ({n_lfs},), got {lf_accuracies.shape}"
        )
    source = check_positive_int(source, "source", minimum=0, maximum=n_lfs - 1)
    n_copies = check_positive_int(n_copies, "n_copies")
    copy_rate = check_real_in_range(copy_rate, "copy_rate", 0.0, 1.0)
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    shape = (len(y), n_copies)
    repeats = rng.random(shape) < copy_rate
    correct = rng.random(shape) < lf_accuracies[source]
    own_votes = np.where(correct, y[:, None], -y[:, None])
    source_votes = label_matrix[:, [source]]
    copies = np.where(source_votes == 0, 0, np.where(repeats, source_votes, own_votes))
    return (
        np.hstack([label_matrix, copies.astype(np.int8)]),
        np.concatenate([lf_accuracies, np.full(n_copies, lf_accuracies[source])]),
    )


@dataclass(frozen=True)
class TutorialData:
    """Everything one run of the tutorial needs, split into train and test.

    Attributes
    ----------
    X_train, X_test : ndarray of float32, shapes (n_train, d) and (n_test, d)
    y_train, y_test : ndarray of int8 in {-1, +1}
    L_train, L_test : ndarray of int8 in {-1, 0, +1}, shapes (n_train, m), (n_test, m)
    feature_accuracies : ndarray of float64, shape (d,)
        P(X[:, j] = y) of each feature.
    lf_accuracies : ndarray of float64, shape (m,)
        P(vote = y | LF votes) of each LF.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    L_train: np.ndarray
    L_test: np.ndarray
    feature_accuracies: np.ndarray
    lf_accuracies: np.ndarray


def make_tutorial_data(
    n: int = 10_000,
    d: int = 100,
    m: int = 20,
    coverage: float = 0.25,
    accuracy_range: tuple[float, float] = (0.45, 0.75),
    test_fraction: float = 0.2,
    seed: int = 0,
    class_prior: float = 0.5,
) -> TutorialData:
    """Generate the tutorial's setting and split it into train and test sets.

    The defaults are the tutorial's: 10,000 points, 100 features, 20 LFs voting
    on 25% of the points with accuracies in ``accuracy_range`` = [0.45, 0.75],
    an 80/20 split, and balanced classes (``class_prior`` = P(y = +1) = 0.5).
    Features use ``seed`` (:func:`make_features`), the LFs ``seed + 1``
    (:func:`make_label_matrix`) and the split ``seed + 2``.  The old keywords
    ``acc_range=`` and ``class_balance=`` still work, with a ``DeprecationWarning``.
    """
    seed = check_seed(seed)
    test_fraction = check_real_in_range(
        test_fraction, "test_fraction", 0.0, 1.0, include_low=False, include_high=False
    )
    X, y, feature_accuracies = make_features(n, d, seed, class_prior)
    L, lf_accuracies = make_label_matrix(y, m, coverage, accuracy_range, seed + 1)
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
        feature_accuracies=feature_accuracies,
        lf_accuracies=lf_accuracies,
    )

"""Shared fixtures for the dataprog_helpers test suite, and its tiers.

The tests come in four tiers, each a pytest marker:

- ``unit`` (``tests/unit/``): the library, one behaviour per test;
- ``statistical``: tests whose tolerances come from the statistics (a standard
  error times :func:`bonferroni_z`), usually over many seeds; any test that asks
  for the ``z_bound`` or ``paired_se`` fixture is marked so automatically;
- ``course`` (``tests/course/``): the course's simulation, data, LFs, experiments,
  figures and exercises;
- ``system`` (``tests/system/``): real components started as users start them
  (Dask clusters, a fresh install, the course site in a browser, strict nbval over
  every notebook on a simulated other processor).

``make test-fast`` runs every tier but ``system``; ``make test`` runs them all.

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
    load_youtube_spam,
    youtube_spam_splits,
)
from dataprog_helpers.course import (  # noqa: E402
    add_near_copies,
    make_features,
    make_label_matrix,
    make_tutorial_data,
)
from dataprog_helpers.label_model import posterior_proba  # noqa: E402
from dataprog_helpers.scores import labels_from_probabilities  # noqa: E402
from dataprog_helpers.utils.chunks import CHUNK_ROWS  # noqa: E402

#: The tier of each test folder (see the module docstring).
FOLDER_TIERS = {"unit": "unit", "course": "course", "system": "system"}


def pytest_collection_modifyitems(config, items):
    """Mark each test with its folder's tier, and as statistical if it uses z_bound or paired_se."""
    for item in items:
        folder = item.path.parent.name
        if folder in FOLDER_TIERS:
            item.add_marker(FOLDER_TIERS[folder])
        if {"z_bound", "paired_se"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("statistical")


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


def paired_accuracy_se(y, predictions_a, predictions_b) -> float:
    """Standard error of ``accuracy(y, a) - accuracy(y, b)`` when both score the same points.

    Each point contributes the difference of its two scores (1 right, 1/2 undecided,
    0 wrong, as :func:`~dataprog_helpers.accuracy` counts them); the points are
    independent, so the mean difference has standard error sd / sqrt(n).  Points
    on which the two predictors agree contribute 0, so the error is driven by the
    points where they disagree.
    """
    y = np.asarray(y)

    def scores(predictions):
        predictions = np.asarray(predictions)
        return np.where(predictions == y, 1.0, np.where(predictions == 0, 0.5, 0.0))

    differences = scores(predictions_a) - scores(predictions_b)
    return float(differences.std(ddof=1) / np.sqrt(differences.size))


@pytest.fixture(scope="session")
def paired_se():
    """The function :func:`paired_accuracy_se`, for comparing two predictors on one test set."""
    return paired_accuracy_se


#: Every field of VoteStatistics.
STATISTICS_FIELDS = ("products", "counts", "vote_sums", "n_points", "patterns", "pattern_counts",
                     "positive_counts")


def assert_same_statistics(expected, found) -> None:
    """Two VoteStatistics are the same: equal values and dtypes in every field.

    Fields that are None (the patterns, when not kept) must be None in both.
    """
    for field in STATISTICS_FIELDS:
        wanted, got = getattr(expected, field), getattr(found, field)
        if wanted is None:
            assert got is None, field
        else:
            np.testing.assert_array_equal(got, wanted, err_msg=field)
            assert np.asarray(got).dtype == np.asarray(wanted).dtype, field


@pytest.fixture(scope="session")
def same_statistics():
    """The function :func:`assert_same_statistics`."""
    return assert_same_statistics


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
        oracle_predictions = labels_from_probabilities(
            posterior_proba(data.L_test, data.lf_accuracies)
        )
        return SimpleNamespace(
            data=data,
            label_model=label_model,
            label_model_accuracy=label_model.score(data.L_test, data.y_test),
            oracle_accuracy=accuracy(data.y_test, oracle_predictions),
        )

    return run


#: The near-copy scenario: ``N_COPIES`` copies that repeat the vote of the tutorial LF
#: whose accuracy is closest to ``NEAR_COPY_SOURCE_ACCURACY`` with probability ``COPY_RATE``.
NEAR_COPY_SOURCE_ACCURACY = 0.58
N_COPIES = 5
COPY_RATE = 0.9


@pytest.fixture(scope="session")
def near_copy_run(tutorial_run):
    """``near_copy_run(seed)``: the seed's tutorial data with near-copies of a mediocre LF.

    Train and test splits get their copies from different seeds (``seed + 100`` and
    ``seed + 200``).  ``group`` is the source and its copies, ``pairs`` the 15
    pairs within the group, ``original`` the tutorial_run model fitted on the 20
    original LFs, ``naive`` a model of all 25 LFs that assumes independence and
    ``declared`` one told the 15 in-group pairs.  Cached per seed; do not mutate.
    """

    @functools.cache
    def run(seed: int) -> SimpleNamespace:
        base = tutorial_run(seed)
        data = base.data
        n_lfs = data.L_train.shape[1]
        source = int(np.argmin(np.abs(data.lf_accuracies - NEAR_COPY_SOURCE_ACCURACY)))
        L_train, lf_accuracies = add_near_copies(
            data.L_train, data.y_train, data.lf_accuracies, source, N_COPIES, COPY_RATE,
            seed=seed + 100,
        )
        L_test, _ = add_near_copies(
            data.L_test, data.y_test, data.lf_accuracies, source, N_COPIES, COPY_RATE,
            seed=seed + 200,
        )
        group = [source, *range(n_lfs, n_lfs + N_COPIES)]
        pairs = sorted((min(i, j), max(i, j)) for i, j in itertools.combinations(group, 2))
        return SimpleNamespace(
            data=data,
            source=source,
            group=group,
            pairs=pairs,
            L_train=L_train,
            L_test=L_test,
            lf_accuracies=lf_accuracies,
            original=base.label_model,
            naive=LabelModel(seed=seed).fit(L_train),
            declared=LabelModel(seed=seed, dependencies=pairs).fit(L_train),
        )

    return run


@pytest.fixture(scope="session")
def two_block_data():
    """70,000 points (two blocks of random draws): labels, 2 features and 3 LFs.

    The LFs vote with coverage 0.5 and accuracies in [0.55, 0.9]; used to check
    that drawing and accumulating in blocks of ``block_rows`` rows changes nothing.
    """
    n = 70_000
    # The package draws (synthetic) and accumulates (analysis, label_model) in chunks
    # of CHUNK_ROWS rows.
    assert CHUNK_ROWS < n, "the fixture no longer spans two blocks"
    X, y, feature_accuracies = make_features(n, 2, seed=6)
    L, lf_accuracies = make_label_matrix(y, 3, 0.5, accuracy_range=(0.55, 0.9), seed=7)
    return SimpleNamespace(X=X, y=y, feature_accuracies=feature_accuracies, L=L,
                           lf_accuracies=lf_accuracies, coverage=0.5, block_rows=CHUNK_ROWS)


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


@pytest.fixture(scope="session")
def comments():
    """The YouTube Spam Collection as :func:`load_youtube_spam` returns it.  Do not mutate."""
    return load_youtube_spam()


@pytest.fixture(scope="session")
def youtube_splits():
    """The literature's split of the YouTube comments (seed 123).  Do not mutate."""
    return youtube_spam_splits()


@pytest.fixture(scope="session")
def dask_client():
    """A real ``distributed.LocalCluster`` of two worker processes and a client on it.

    Started the way a user starts one (processes, not the synchronous scheduler), on
    127.0.0.1, its dashboard on a free port; closed at the end of the session.
    """
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        with distributed.Client(cluster) as client:
            yield client

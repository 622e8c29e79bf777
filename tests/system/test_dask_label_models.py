"""The label models on Dask: statistics by tree reduction, fits on the client, posteriors per chunk.

Everything runs on a real ``distributed.LocalCluster`` of two worker processes, the
way a user starts one, and is compared with the in-memory path on the same votes:
the statistics, the fitted parameters and the posteriors must be identical.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


from dataprog_helpers import ClassConditionalLabelModel, LabelModel, VoteStatistics  # noqa: E402
from dataprog_helpers.course import sample_class_label_matrix  # noqa: E402
from dataprog_helpers.course.keyword_simulation import sample_keyword_label_matrix  # noqa: E402
from dataprog_helpers.exceptions import IdentifiabilityWarning, NotFittedError  # noqa: E402


@pytest.fixture(scope="module")
def client(dask_client):
    return dask_client


@pytest.fixture(scope="module")
def votes(tutorial_data):
    """The tutorial's 8,000 x 20 training votes, in memory and as uneven Dask chunks."""
    label_matrix = tutorial_data.L_train
    chunked = da.from_array(label_matrix, chunks=((3000, 1, 2999, 2000), (7, 13)))
    return label_matrix, chunked


@pytest.mark.parametrize("patterns", [False, True])
@pytest.mark.parametrize("split_every", [2, 8])
def test_statistics_from_dask_equal_those_of_the_whole_matrix(client, votes, patterns,
                                                              split_every, same_statistics):
    label_matrix, chunked = votes
    found = VoteStatistics.from_dask(chunked, patterns=patterns, split_every=split_every)
    same_statistics(VoteStatistics.from_label_matrix(label_matrix, patterns), found)


def test_statistics_from_chunks_of_unknown_length_and_an_empty_chunk(client, votes,
                                                                     same_statistics):
    label_matrix, _ = votes
    pieces = [label_matrix[:4000], label_matrix[:0], label_matrix[4000:]]
    # Chunks of unknown length, as apply_lfs on a Dask DataFrame gives by default.
    unknown = da.concatenate([
        da.from_delayed(dask.delayed(np.asarray)(piece), shape=(np.nan, 20), dtype=np.int8)
        for piece in pieces
    ])
    assert np.isnan(unknown.shape[0])
    same_statistics(VoteStatistics.from_label_matrix(label_matrix),
                            VoteStatistics.from_dask(unknown))


def test_statistics_can_stay_lazy_for_a_progress_bar(client, votes, same_statistics):
    label_matrix, chunked = votes
    lazy = VoteStatistics.from_dask(chunked, patterns=False, compute=False)
    future = client.compute(lazy)
    same_statistics(VoteStatistics.from_label_matrix(label_matrix, patterns=False),
                            future.result())


@pytest.mark.parametrize(
    ("model", "fitted"),
    [(LabelModel(seed=0), ("accuracies_", "class_prior_", "weights_")),
     (LabelModel(seed=0, dependencies=[(0, 1)]), ("accuracies_", "dependency_edges_")),
     (LabelModel(method="triplet"), ("accuracies_",)),
     (ClassConditionalLabelModel(), ("conditional_probabilities_", "class_prior_")),
     (ClassConditionalLabelModel(dependencies=[(0, 1)]), ("conditional_probabilities_",))],
    ids=["symmetric", "symmetric-dependent", "triplet", "class-conditional",
         "class-conditional-dependent"],
)
def test_fit_on_the_client_and_posteriors_on_the_workers_equal_the_in_memory_path(
    client, votes, model, fitted,
):
    label_matrix, chunked = votes
    in_memory = model.__sklearn_clone__().fit(label_matrix)
    needs_patterns = isinstance(model, ClassConditionalLabelModel)
    statistics = VoteStatistics.from_dask(chunked, patterns=needs_patterns)
    on_dask = model.__sklearn_clone__().fit_statistics(statistics)
    for name in fitted:
        np.testing.assert_array_equal(getattr(on_dask, name), getattr(in_memory, name),
                                      err_msg=name)
    for method in ("predict_proba", "decision_function", "predict"):
        lazy = getattr(on_dask, method)(chunked)
        assert isinstance(lazy, da.Array), method
        assert lazy.chunks == (chunked.chunks[0],), method
        expected = getattr(in_memory, method)(label_matrix)
        computed = lazy.compute()
        assert computed.dtype == expected.dtype, method
        np.testing.assert_array_equal(computed, expected, err_msg=method)


def test_workers_compute_posteriors_without_importing_tensorflow(client, votes):
    label_matrix, chunked = votes
    model = ClassConditionalLabelModel(dependencies=[(0, 1)]).fit(label_matrix)
    model.predict_proba(chunked).compute()
    LabelModel(seed=0, dependencies=[(2, 3)]).fit(label_matrix).predict_proba(chunked).compute()
    loaded = client.run(lambda: "tensorflow" in sys.modules)
    assert loaded and not any(loaded.values()), loaded


def test_a_bad_chunk_is_named_when_it_is_computed(client, votes):
    label_matrix, _ = votes
    bad = label_matrix.copy()
    bad[5000, 3] = 2
    chunked = da.from_array(bad, chunks=(2000, 20))
    with pytest.raises(ValueError, match=r"label_matrix chunk 2"):
        VoteStatistics.from_dask(chunked)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda L: VoteStatistics.from_dask(np.zeros((4, 3), np.int8)), TypeError,
         r"label_matrix must be a dask.array.Array, got ndarray; .*from_label_matrix"),
        (lambda L: VoteStatistics.from_dask(L[:, 0]), ValueError, r"must be 2-D"),
        (lambda L: VoteStatistics.from_dask(L, split_every=1), ValueError, r"split_every"),
        (lambda L: VoteStatistics.from_dask(L, patterns="yes"), TypeError, r"patterns"),
        (lambda L: LabelModel().predict_proba(L), NotFittedError, r"not fitted"),
    ],
    ids=["not-dask", "one-dimensional", "split-every-1", "patterns-not-bool", "unfitted"],
)
def test_bad_dask_input_is_refused_before_anything_runs(votes, call, error, pattern):
    _, chunked = votes
    with pytest.raises(error, match=pattern):
        call(chunked)


def test_a_dask_matrix_with_the_wrong_number_of_lfs_is_refused_eagerly(votes):
    label_matrix, chunked = votes
    model = LabelModel(seed=0).fit(label_matrix)
    with pytest.raises(ValueError, match=r"label_matrix has 19 LFs but the model was fitted on 20"):
        model.predict_proba(chunked[:, :19])


def test_posteriors_of_an_empty_chunk_are_empty(client, votes):
    # An empty partition (after a filter, say) gives no rows, for every method.
    label_matrix, _ = votes
    model = LabelModel(seed=0).fit(label_matrix)
    chunked = da.from_array(label_matrix[:1000], chunks=((400, 0, 600), (20,)))
    for method in ("predict_proba", "decision_function", "predict"):
        found = getattr(model, method)(chunked).compute()
        np.testing.assert_array_equal(found, getattr(model, method)(label_matrix[:1000]))


def test_k_class_posteriors_on_the_workers_equal_the_in_memory_ones(client):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=6000)
    tables = np.full((6, 3, 4), 0.1)
    tables[:, :, 0] = 0.5
    tables[:, np.arange(3), np.arange(3) + 1] = 0.3
    label_matrix = sample_class_label_matrix(y, tables, seed=1)
    model = ClassConditionalLabelModel(cardinality=3).fit(label_matrix)
    chunked = da.from_array(label_matrix, chunks=((2500, 0, 1, 3499), (2, 4)))
    probabilities = model.predict_proba(chunked)
    assert probabilities.shape == (6000, 3)
    np.testing.assert_array_equal(probabilities.compute(), model.predict_proba(label_matrix))
    np.testing.assert_array_equal(model.predict(chunked).compute(), model.predict(label_matrix))
    np.testing.assert_array_equal(model.decision_function(chunked).compute(),
                                  model.decision_function(label_matrix))
    loaded = client.run(lambda: "tensorflow" in sys.modules)
    assert loaded and not any(loaded.values()), loaded


@pytest.fixture(scope="module")
def class_votes():
    """k = 4 votes of 8 LFs on 12,000 points, in memory and as uneven Dask chunks."""
    rng = np.random.default_rng(5)
    y = rng.choice(4, size=12_000, p=[0.4, 0.3, 0.2, 0.1])
    tables = np.full((8, 4, 5), 0.05)
    tables[:, :, 0] = 0.8
    for lf in range(8):
        tables[lf, lf % 4, lf % 4 + 1] += 0.3
        tables[lf, lf % 4, 0] -= 0.3
    label_matrix = sample_class_label_matrix(y, tables, seed=6)
    chunked = da.from_array(label_matrix, chunks=((4000, 0, 1, 3999, 4000), (3, 5)))
    return y, label_matrix, chunked


def test_k_class_em_on_the_cluster_equals_the_in_memory_fit(client, class_votes):
    y, label_matrix, chunked = class_votes
    in_memory = ClassConditionalLabelModel(cardinality=4).fit(label_matrix)
    on_cluster = ClassConditionalLabelModel(cardinality=4).fit(chunked)
    # The same EM steps; only the order of the float sums differs, so the two agree
    # within the fit's tolerance (tol = 1e-6 on a step's largest change).
    tolerance = in_memory.tol
    np.testing.assert_allclose(on_cluster.conditional_probabilities_,
                               in_memory.conditional_probabilities_, atol=tolerance)
    np.testing.assert_allclose(on_cluster.class_prior_, in_memory.class_prior_, atol=tolerance)
    assert on_cluster.structure_ == in_memory.structure_
    assert abs(on_cluster.score(label_matrix, y) - in_memory.score(label_matrix, y)) <= 1 / y.size
    # Dev labels orient it on the client as in memory.
    dev = slice(0, 200)
    oriented = ClassConditionalLabelModel(cardinality=4).fit(chunked, label_matrix[dev], y[dev])
    np.testing.assert_allclose(oriented.class_prior_, in_memory.class_prior_, atol=tolerance)


def test_a_chunk_without_votes_leaves_the_k_class_fit_unchanged(client, class_votes):
    _, label_matrix, _ = class_votes
    padded = np.vstack([np.full((500, 8), -1, dtype=np.int8), label_matrix])
    chunked = da.from_array(padded, chunks=((500, 6000, 6000), (8,)))
    in_memory = ClassConditionalLabelModel(cardinality=4).fit(padded)
    on_cluster = ClassConditionalLabelModel(cardinality=4).fit(chunked)
    np.testing.assert_allclose(on_cluster.conditional_probabilities_,
                               in_memory.conditional_probabilities_, atol=in_memory.tol)
    np.testing.assert_allclose(on_cluster.class_prior_, in_memory.class_prior_,
                               atol=in_memory.tol)


# Without dev labels, which of these classes is which is close (the model warns).
@pytest.mark.filterwarnings("ignore::dataprog_helpers.IdentifiabilityWarning")
def test_the_inapplicable_share_on_the_cluster_equals_the_in_memory_one(client):
    label_matrix, _ = sample_keyword_label_matrix(6000, seed=0)
    chunked = da.from_array(label_matrix, chunks=((2500, 0, 3500), (16,)))
    in_memory = ClassConditionalLabelModel(cardinality=6).fit(label_matrix)
    on_cluster = ClassConditionalLabelModel(cardinality=6).fit(chunked)
    assert in_memory.inapplicable_share_ > 0.2
    assert on_cluster.inapplicable_share_ == pytest.approx(in_memory.inapplicable_share_,
                                                           abs=in_memory.tol)
    np.testing.assert_allclose(on_cluster.conditional_probabilities_,
                               in_memory.conditional_probabilities_, atol=in_memory.tol)
    np.testing.assert_allclose(on_cluster.class_prior_, in_memory.class_prior_,
                               atol=in_memory.tol)


def test_a_bad_chunk_of_k_class_votes_is_named(client, class_votes):
    _, label_matrix, _ = class_votes
    bad = label_matrix.copy()
    bad[5000, 2] = 4
    chunked = da.from_array(bad, chunks=((4000, 4000, 4000), (8,)))
    with pytest.raises(ValueError, match=r"label_matrix chunk 1 entries must be -1 \(abstain\) "
                                         r"or a class index 0 to 3"):
        ClassConditionalLabelModel(cardinality=4).fit(chunked)


# --- two classes: fit(dask_array), the histogram gathered or EM by map-reduce ------------------

BINARY_MODELS = {
    "auto": {},
    "dependent": {"dependencies": [(0, 1), (4, 5)]},
    "moments-start": {"init": "moments"},
    "symmetric": {"structure": "symmetric"},
    "fixed-prior": {"class_prior": 0.4},
}


@pytest.mark.parametrize("options", BINARY_MODELS.values(), ids=BINARY_MODELS.keys())
def test_a_small_histogram_is_gathered_and_the_fit_is_the_in_memory_one(client, votes, options):
    label_matrix, chunked = votes
    in_memory = ClassConditionalLabelModel(**options).fit(label_matrix)
    on_dask = ClassConditionalLabelModel(**options).fit(chunked)
    for name in ("conditional_probabilities_", "class_prior_", "log_likelihood_history_",
                 "bic_", "structure_", "n_iter_"):
        np.testing.assert_array_equal(getattr(on_dask, name), getattr(in_memory, name),
                                      err_msg=name)


@pytest.fixture
def map_reduce(monkeypatch):
    """Every histogram counts as too large, and gathering one fails the test."""
    from dataprog_helpers.label_model import binary_dask

    monkeypatch.setattr(binary_dask, "HISTOGRAM_LIMIT_BYTES", -1)

    def refuse(self):
        raise AssertionError("the map-reduce route gathered the histogram")

    monkeypatch.setattr(binary_dask.DaskSignedVotes, "gathered", refuse)


@pytest.mark.parametrize("options", BINARY_MODELS.values(), ids=BINARY_MODELS.keys())
def test_map_reduce_em_on_the_cluster_equals_the_in_memory_fit(client, votes, map_reduce,
                                                               options):
    label_matrix, chunked = votes
    in_memory = ClassConditionalLabelModel(**options).fit(label_matrix)
    on_cluster = ClassConditionalLabelModel(**options).fit(chunked)
    # The same steps on the same sums, added in another order: equal within tol.
    tolerance = in_memory.tol
    np.testing.assert_allclose(on_cluster.conditional_probabilities_,
                               in_memory.conditional_probabilities_, atol=tolerance)
    assert on_cluster.class_prior_ == pytest.approx(in_memory.class_prior_, abs=tolerance)
    assert on_cluster.structure_ == in_memory.structure_
    assert on_cluster.bic_.keys() == in_memory.bic_.keys()
    for name, bic in in_memory.bic_.items():
        assert on_cluster.bic_[name] == pytest.approx(bic, rel=1e-9), name
    assert on_cluster.log_likelihood_ == pytest.approx(in_memory.log_likelihood_, rel=1e-9)
    np.testing.assert_array_equal(on_cluster.predict(label_matrix), in_memory.predict(label_matrix))


def test_map_reduce_moments_and_dev_orientation_equal_the_in_memory_ones(client, votes,
                                                                        tutorial_data,
                                                                        map_reduce):
    label_matrix, chunked = votes
    moments = ClassConditionalLabelModel(method="moments")
    np.testing.assert_allclose(moments.fit(chunked).conditional_probabilities_,
                               moments.__sklearn_clone__().fit(label_matrix)
                               .conditional_probabilities_, atol=1e-9)
    # Negated votes with the true dev labels: the dev labels say the LFs are worse than
    # random, and the model follows them (and warns), on the cluster as in memory.
    dev_votes, dev_labels = tutorial_data.L_test[:30], tutorial_data.y_test[:30]
    fits = []
    for votes_of in (-label_matrix, -chunked):
        with pytest.warns(IdentifiabilityWarning, match=r"the dev labels say the LFs are worse"):
            fits.append(ClassConditionalLabelModel().fit(votes_of, -dev_votes, dev_labels))
    in_memory, on_cluster = fits
    assert in_memory.sign_flipped_ and on_cluster.sign_flipped_
    assert on_cluster.class_prior_ == pytest.approx(in_memory.class_prior_, abs=in_memory.tol)


def test_map_reduce_warns_of_lfs_that_vote_on_the_same_points(client, map_reduce):
    from dataprog_helpers.course.explorer import ExplorerSettings, simulate_label_matrix
    from dataprog_helpers.course.synthetic import add_near_copies

    y, L, accuracies = simulate_label_matrix(ExplorerSettings())
    L, _ = add_near_copies(L[:, :7], y, accuracies[:7], source=0, n_copies=3, copy_rate=0.0,
                           seed=2)
    chunked = da.from_array(L, chunks=((1500, 0, L.shape[0] - 1500), (10,)))
    with pytest.warns(IdentifiabilityWarning,
                      match=r"LFs \[0, 7, 8, 9\] vote on exactly the same points"):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="the sign of the solution is uncertain")
            ClassConditionalLabelModel().fit(chunked)


def test_map_reduce_reads_chunks_of_unknown_length_and_empty_ones(client, votes, map_reduce):
    label_matrix, _ = votes
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_array(label_matrix, chunksize=2500)
    kept = frame[frame.iloc[:, 0] > -2]  # every row, in partitions of unknown length
    chunked = kept.to_dask_array()
    assert np.isnan(chunked.shape[0])
    padded = da.concatenate([chunked, da.zeros((0, 20), dtype=np.int8, chunks=((0,), (20,)))])
    in_memory = ClassConditionalLabelModel().fit(label_matrix)
    on_cluster = ClassConditionalLabelModel().fit(padded)
    np.testing.assert_allclose(on_cluster.conditional_probabilities_,
                               in_memory.conditional_probabilities_, atol=in_memory.tol)


def test_a_bad_chunk_of_signed_votes_is_named_by_the_fit(client, votes):
    label_matrix, _ = votes
    bad = label_matrix.copy()
    bad[5000, 3] = 2
    chunked = da.from_array(bad, chunks=(2000, 20))
    with pytest.raises(ValueError, match=r"label_matrix chunk 2 entries must be -1, 0 "
                                         r"\(abstain\) or \+1"):
        ClassConditionalLabelModel().fit(chunked)
    with pytest.raises(ValueError, match=r"label_matrix must be 2-D"):
        ClassConditionalLabelModel().fit(chunked[:, 0])
    silent = da.from_array(np.where(np.arange(20) == 4, 0, label_matrix).astype(np.int8),
                           chunks=(3000, 20))
    with pytest.raises(ValueError, match=r"LF\(s\) \[4\] never vote"):
        ClassConditionalLabelModel().fit(silent)


def test_k_class_statistics_from_dask_equal_the_in_memory_ones(client, class_votes):
    y, label_matrix, chunked = class_votes
    statistics = VoteStatistics.from_dask(chunked, cardinality=4)
    expected = VoteStatistics.from_label_matrix(label_matrix, cardinality=4)
    for name in ("products", "counts", "class_counts", "patterns", "pattern_counts"):
        np.testing.assert_array_equal(getattr(statistics, name), getattr(expected, name),
                                      err_msg=name)
    assert statistics.n_points == expected.n_points == 12_000
    # ... and the model fitted from them is the in-memory one, to the last bit.
    in_memory = ClassConditionalLabelModel(cardinality=4).fit(label_matrix)
    from_statistics = ClassConditionalLabelModel(cardinality=4).fit_statistics(statistics)
    np.testing.assert_array_equal(from_statistics.conditional_probabilities_,
                                  in_memory.conditional_probabilities_)
    with pytest.raises(ValueError, match=r"label_matrix chunk \d+ entries must be -1 \(abstain\) "
                                         r"or a class index 0 to 2"):
        VoteStatistics.from_dask(chunked, cardinality=3)

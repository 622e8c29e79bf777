"""Tests of dataprog_helpers.experiment, at small sizes (notebook 5 runs the big ones)."""

import inspect
import time

import numpy as np
import pytest

from dataprog_helpers import IdentifiabilityWarning, LabelModel, accuracy, majority_vote
from dataprog_helpers.course import make_features, make_label_matrix
from dataprog_helpers.course.experiment import (
    compare_estimators,
    end_model_excess_error_curve,
    evaluate_pipeline,
    headline_table,
    label_model_error_curve,
    median_seconds,
    streaming_run,
)
from dataprog_helpers.utils.chunks import CHUNK_ROWS


@pytest.fixture(scope="module")
def label_model_results(tutorial_data):
    return evaluate_pipeline(tutorial_data, seed=0, end_models=False)


def test_evaluate_pipeline_without_end_models_reports_the_label_model_stages(
    label_model_results,
):
    assert set(label_model_results) == {
        "lf_accuracy_error", "majority_vote", "label_model", "oracle_posterior"
    }
    assert all(isinstance(value, float) for value in label_model_results.values())


def test_evaluate_pipeline_scores_agree_with_the_individual_helpers(
    label_model_results, tutorial_data, tutorial_run
):
    run = tutorial_run(0)  # the same data set, LabelModel(seed=0) and oracle
    data = tutorial_data
    assert label_model_results["lf_accuracy_error"] == pytest.approx(
        np.abs(run.label_model.accuracies_ - data.lf_accuracies).mean(), abs=1e-12
    )
    assert label_model_results["label_model"] == run.label_model_accuracy
    assert label_model_results["oracle_posterior"] == run.oracle_accuracy
    assert label_model_results["majority_vote"] == accuracy(
        data.y_test, majority_vote(data.L_test)
    )


def test_headline_table_has_three_rows_without_end_models(label_model_results):
    table = headline_table(label_model_results)
    assert table.shape == (3, 2)
    assert table.iloc[:, 1].isna().all()
    np.testing.assert_allclose(
        table.iloc[:, 0],
        np.round([label_model_results[key]
                  for key in ("majority_vote", "label_model", "oracle_posterior")], 3),
    )


def test_headline_table_adds_end_model_rows_rounded_to_three_decimals():
    results = {
        "majority_vote": 0.61234, "label_model": 0.69876, "oracle_posterior": 0.70001,
        "logreg_noise_aware": 0.84449, "logreg_gold": 0.85551,
        "mlp_noise_aware": 0.83, "mlp_gold": 0.8629,
    }
    table = headline_table(results)
    assert table.shape == (5, 2)
    np.testing.assert_allclose(table.iloc[3:].to_numpy(), [[0.844, 0.856], [0.83, 0.863]])
    np.testing.assert_allclose(table.iloc[:3, 0], [0.612, 0.699, 0.7])


# --- notebook 5's experiments -------------------------------------------------------------------


def test_compare_estimators_fits_both_methods_to_the_same_statistics():
    table = compare_estimators([6, 12], n=8_000, seeds=[0, 1], repeats=1)
    assert len(table) == 2 * 2 * 2
    assert set(table["method"]) == {"gradient", "triplet"}
    assert (table["seconds"] > 0).all()
    # One statistics build per (m, seed), shared by both rows.
    assert (table.groupby(["n_lfs", "seed"])["statistics_seconds"].nunique() == 1).all()
    # The error is that of a LabelModel fitted directly on the same simulated votes.
    _, y, _ = make_features(8_000, 1, seed=1)
    votes, true_accuracies = make_label_matrix(y, 12, 0.25, seed=2)
    model = LabelModel(method="triplet", seed=1).fit(votes)
    row = table.query("n_lfs == 12 and seed == 1 and method == 'triplet'")
    assert row["error"].item() == pytest.approx(np.abs(model.accuracies_ - true_accuracies).mean())


def test_label_model_error_curve_shrinks_with_n():
    # 16 times more points should cut the error about 4-fold (n^-1/2); over two seeds a
    # factor of 2 leaves room for noise while failing if the error does not shrink.
    errors = label_model_error_curve([1_000, 16_000], seeds=[0, 1])
    assert errors.shape == (2, 2)
    assert errors[:, 1].mean() < errors[:, 0].mean() / 2


def test_label_model_error_curve_rms_is_at_least_the_mean_absolute_error():
    # Same fits, two summaries of the same deviations: RMS >= mean absolute error
    # (Jensen), with equality only if every LF is off by the same amount.
    absolute = label_model_error_curve([1_000, 4_000], seeds=[0])
    rms = label_model_error_curve([1_000, 4_000], seeds=[0], error="rms")
    assert np.all(rms >= absolute)
    assert np.all(rms < 2 * absolute)


def test_end_model_excess_error_curve_reports_each_model_per_seed_and_size():
    excess = end_model_excess_error_curve([400, 1_600], seeds=[0], n_test=4_000, steps=50,
                                          gold=True)
    assert set(excess) == {"noise-aware", "true labels"}
    for values in excess.values():
        assert values.shape == (1, 2)
        # An error rate minus the Bayes error rate: in [-1, 1], and mostly positive.
        assert np.all(np.abs(values) <= 1)
    assert excess["true labels"][0, 1] < excess["noise-aware"][0, 0]


#: Notebook 5's measurement, in a process of its own as a notebook's kernel is:
#: tracemalloc traces every thread of a process, and a test process may still run the
#: threads of an earlier test (a Dask client's event loop), whose allocations land in
#: the peak (by 2-72 KB in three make test runs before this moved to a subprocess).
PEAKS_IN_A_FRESH_PROCESS = """
import json
import dataprog_helpers as dh
from dataprog_helpers.course.experiment import streaming_run
data = dh.course.make_tutorial_data(seed=0)
# A first fit traces the label model's graph and a prediction makes its one-time
# allocations, as notebook 5 does before it streams; the peaks compared come after.
dh.LabelModel(seed=0).fit(data.L_train).predict_proba(data.L_test[:10])
print(json.dumps([streaming_run(20_000, n_lfs=10, chunk_rows=4_096)["traced_peak_mib"]
                  for _ in range(2)]))
"""


def test_streaming_run_reports_sizes_and_a_reproducible_memory_peak():
    import json
    import os
    import subprocess
    import sys

    run = streaming_run(20_000, n_lfs=10, chunk_rows=4_096)
    assert run["label_matrix_mib"] == pytest.approx(20_000 * 10 / 2**20)
    assert run["float64_copy_mib"] == pytest.approx(8 * run["label_matrix_mib"])
    assert set(run["seconds"]) == {"simulate", "statistics", "fit", "posterior"}
    assert run["traced_peak_mib"] >= run["label_matrix_mib"]
    assert run["accuracy_error"] < 0.05
    assert 0.5 < run["posterior_accuracy"] <= 1.0
    # The peak repeats to within a few hundred bytes (NumPy's allocations are
    # deterministic; Python's own small ones vary by tens of bytes), which is what lets
    # notebook 5 print it, rounded to 0.1 MB, under nbval.
    output = subprocess.run([sys.executable, "-c", PEAKS_IN_A_FRESH_PROCESS], check=True,
                            capture_output=True, text=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}).stdout
    first, second = json.loads(output.strip().splitlines()[-1])
    assert first >= run["label_matrix_mib"]
    assert first == pytest.approx(second, abs=1e-3)


def test_streaming_run_chunks_by_the_package_chunk_size_unless_told_otherwise():
    assert inspect.signature(streaming_run).parameters["chunk_rows"].default == CHUNK_ROWS
    # The chunking changes no number: the statistics are exact integer sums.
    whole = streaming_run(5_000, n_lfs=8)
    chunked = streaming_run(5_000, n_lfs=8, chunk_rows=1_000)
    assert whole["accuracy_error"] == chunked["accuracy_error"]
    assert whole["posterior_accuracy"] == chunked["posterior_accuracy"]


def test_median_seconds_calls_once_untimed_then_takes_the_median_of_the_repeats():
    calls = []

    def slow_first_call():
        # The first (untimed) call stands for a compilation: 1 s; each timed one 10 ms.
        time.sleep(1.0 if not calls else 0.01)
        calls.append(1)

    seconds = median_seconds(slow_first_call, repeats=3)
    assert len(calls) == 4
    assert 0.01 <= seconds < 1.0  # sleep() lasts at least as long as asked


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: label_model_error_curve([], seeds=[0]), ValueError, r"sizes is empty"),
        (lambda: label_model_error_curve([100], seeds=[]), ValueError, r"seeds is empty"),
        (lambda: label_model_error_curve([0], seeds=[0]), ValueError, r"each entry of sizes"),
        (lambda: label_model_error_curve([100], seeds=[-1]), ValueError, r"seed"),
        (lambda: label_model_error_curve([100], seeds=[0], error="max"), ValueError,
         r"error must be 'absolute' or 'rms'"),
        (lambda: compare_estimators([2.5]), TypeError, r"each entry of n_lfs_values"),
        (lambda: compare_estimators([5], repeats=0), ValueError, r"repeats must lie in"),
        (lambda: end_model_excess_error_curve([100], [0], n_test=0), ValueError, r"n_test"),
        (lambda: streaming_run(0), ValueError, r"n must lie in"),
        (lambda: streaming_run(100, chunk_rows=0), ValueError, r"chunk_rows must lie in"),
        (lambda: median_seconds(lambda: None, repeats=0), ValueError, r"repeats must lie in"),
    ],
    ids=["no-sizes", "no-seeds", "zero-size", "negative-seed", "unknown-error", "float-m",
         "zero-repeats",
         "no-test", "no-points", "zero-chunk", "median-zero-repeats"],
)
def test_experiments_reject_bad_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_compare_estimators_warns_when_a_triplet_estimate_is_undetermined():
    # With 3,000 points and 6 LFs of coverage 0.25 a pair co-votes ~190 times, so its Z
    # has a standard error of ~0.07, as large as q_i q_j itself: for some LF every
    # triplet's pooled denominator is noise, and the model says so instead of guessing.
    with pytest.warns(IdentifiabilityWarning, match=r"triplet estimate of LF\(s\) .* undetermined"):
        compare_estimators([6], n=3_000, seeds=[1], repeats=1)

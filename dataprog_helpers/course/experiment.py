"""Experiments in one call each, for the notebooks, the README tables, benchmarks and tests.

- :func:`evaluate_pipeline`: the whole tutorial pipeline on one data set;
- :func:`compare_estimators`: gradient descent against the triplet method across m;
- :func:`label_model_error_curve` and :func:`end_model_excess_error_curve`: how
  the errors shrink with the number of points n (notebook 5's theory check);
- :func:`streaming_run`: the label model end to end on a large label matrix,
  with the time of each stage and the peak memory NumPy allocated;
(What data programming is worth in hand labels is :mod:`.hand_labels`.)

Run ``python -m dataprog_helpers.experiment`` to print the headline results of
the tutorial's setting (seed 0, the numbers the notebooks show).
"""

from __future__ import annotations

import gc
import math
import time
import timeit
import tracemalloc
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..analysis import majority_vote
from ..end_model import NoiseAwareClassifier
from ..label_model import LabelModel, VoteStatistics
from ..label_model.symmetric import posterior_proba
from ..scores import accuracy, labels_from_probabilities
from ..utils.chunks import CHUNK_ROWS, row_chunks
from ..utils.validation import (
    check_positive_int,
    check_seed,
)
from .synthetic import TutorialData, make_features, make_label_matrix, make_tutorial_data

__all__ = [
    "END_MODELS",
    "compare_estimators",
    "end_model_excess_error_curve",
    "evaluate_pipeline",
    "headline_table",
    "label_model_error_curve",
    "loglog_slope",
    "median_seconds",
    "streaming_run",
]

#: The tutorial's two end models.  The MLP needs weight decay: unregularised, it
#: has enough capacity to fit the noise in the soft labels (notebook 3 shows this).
END_MODELS = {
    "logreg": {"hidden_units": ()},
    "mlp": {"hidden_units": (32,), "l2": 1e-2},
}


def _positive_probability(y: np.ndarray) -> np.ndarray:
    return (y == 1).astype(np.float64)


def _simulate_votes(n: int, n_lfs: int, coverage: float, seed: int):
    """Balanced labels (seed ``seed``) and the votes of ``n_lfs`` LFs on them (``seed + 1``).

    The LFs' accuracies are drawn in [0.45, 0.75] (:func:`make_label_matrix`'s
    default).  Returns ``y`` (n,), the label matrix (n, n_lfs) and the true
    accuracies (n_lfs,).
    """
    _, y, _ = make_features(n, 1, seed=seed)
    label_matrix, true_accuracies = make_label_matrix(y, n_lfs, coverage, seed=seed + 1)
    return y, label_matrix, true_accuracies


def evaluate_pipeline(data: TutorialData, seed: int = 0, end_models: bool = True) -> dict:
    """Run all three steps on one data set and score every stage on the test split.

    Parameters
    ----------
    data : TutorialData
    seed : int
        Seed of the label model and end models.
    end_models : bool
        Also train the end models (the slow part).

    Returns
    -------
    dict
        ``lf_accuracy_error`` (mean |estimated - true| LF accuracy) and test
        accuracies: ``majority_vote``, ``label_model``, ``oracle_posterior``
        (the posterior with the true accuracies) and, with ``end_models``,
        ``{logreg,mlp}_{noise_aware,gold}``.
    """
    label_model = LabelModel(seed=seed).fit(data.L_train)
    oracle = labels_from_probabilities(posterior_proba(data.L_test, data.lf_accuracies))
    results = {
        "lf_accuracy_error": float(np.abs(label_model.accuracies_ - data.lf_accuracies).mean()),
        "majority_vote": accuracy(data.y_test, majority_vote(data.L_test)),
        "label_model": label_model.score(data.L_test, data.y_test),
        "oracle_posterior": accuracy(data.y_test, oracle),
    }
    if end_models:
        soft_labels = label_model.predict_proba(data.L_train)
        for name, settings in END_MODELS.items():
            for source, targets in (
                ("noise_aware", soft_labels),
                ("gold", _positive_probability(data.y_train)),
            ):
                model = NoiseAwareClassifier(**settings, seed=seed)
                model.fit(data.X_train, targets)
                results[f"{name}_{source}"] = model.score(data.X_test, data.y_test)
    return results


def headline_table(results: dict) -> pd.DataFrame:
    """The README's results table from :func:`evaluate_pipeline`'s output."""
    rows = [
        ("Majority vote of the LFs", results["majority_vote"], np.nan),
        ("Label model posterior", results["label_model"], np.nan),
        ("Posterior with the true LF accuracies", results["oracle_posterior"], np.nan),
    ]
    if "logreg_gold" in results:
        rows += [
            ("Logistic regression", results["logreg_noise_aware"], results["logreg_gold"]),
            ("MLP, 32 hidden units", results["mlp_noise_aware"], results["mlp_gold"]),
        ]
    table = pd.DataFrame(
        rows, columns=["method", "test accuracy (no gold labels)", "same model, gold labels"]
    ).set_index("method")
    return table.round(3)


def _check_sizes(sizes: Sequence[int], name: str) -> list[int]:
    sizes = [check_positive_int(size, f"each entry of {name}") for size in sizes]
    if not sizes:
        raise ValueError(f"{name} is empty")
    return sizes


def _check_seeds(seeds: Sequence[int]) -> list[int]:
    seeds = [check_seed(seed) for seed in seeds]
    if not seeds:
        raise ValueError("seeds is empty")
    return seeds


def median_seconds(function, repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``function()``, after one untimed call.

    The untimed call compiles what needs compiling (TensorFlow traces a graph on
    first use), so only steady-state calls are timed, by :func:`timeit.repeat`.
    """
    repeats = check_positive_int(repeats, "repeats")
    function()
    return float(np.median(timeit.repeat(function, repeat=repeats, number=1)))


def compare_estimators(
    n_lfs_values: Sequence[int], n: int = 20_000, seeds: Sequence[int] = (0, 1, 2),
    coverage: float = 0.25, repeats: int = 3,
) -> pd.DataFrame:
    """Gradient descent and the triplet method side by side, for several numbers of LFs.

    For each m and seed: n points, m LFs with accuracies in [0.45, 0.75]; the
    vote statistics are computed once and both estimators fit them.

    Returns
    -------
    pandas.DataFrame, one row per (m, seed, method)
        ``error`` (mean |estimated - true| accuracy), ``seconds`` (median of
        ``repeats`` fits from the statistics, after one untimed fit), and
        ``statistics_seconds`` (building Z, shared by both; the same in both rows).
    """
    n_lfs_values = _check_sizes(n_lfs_values, "n_lfs_values")
    seeds = _check_seeds(seeds)
    repeats = check_positive_int(repeats, "repeats")
    rows = []
    for n_lfs in n_lfs_values:
        for seed in seeds:
            _, label_matrix, true_accuracies = _simulate_votes(n, n_lfs, coverage, seed)
            start = time.perf_counter()
            statistics = VoteStatistics.from_label_matrix(label_matrix, patterns=False)
            statistics_seconds = time.perf_counter() - start
            for method in ("gradient", "triplet"):
                model = LabelModel(method=method, seed=seed, max_iter=5000)
                seconds = median_seconds(
                    lambda m=model, s=statistics: m.fit_statistics(s), repeats
                )
                rows.append({
                    "n_lfs": n_lfs, "seed": seed, "method": method,
                    "error": float(np.abs(model.accuracies_ - true_accuracies).mean()),
                    "seconds": seconds, "statistics_seconds": statistics_seconds,
                })
    return pd.DataFrame(rows)


def label_model_error_curve(
    sizes: Sequence[int], seeds: Sequence[int], n_lfs: int = 20, coverage: float = 0.25,
    error: str = "absolute",
) -> np.ndarray:
    """The label model's error in the LF accuracies for each n and seed.

    Per seed one label matrix of ``max(sizes)`` points is drawn (accuracies in
    [0.45, 0.75]) and the model is fitted on its first n rows, so the LFs are the
    same at every n and only the amount of data changes.

    Parameters
    ----------
    error : {"absolute", "rms"}
        ``"absolute"``: the mean over LFs of |p_hat_i - p_i|; ``"rms"``: the
        root mean square, sqrt(mean_i (p_hat_i - p_i)^2), the kind of error
        that bounds on the expected squared error are about.

    Returns
    -------
    ndarray of shape (len(seeds), len(sizes))
    """
    if error not in ("absolute", "rms"):
        raise ValueError(f"error must be 'absolute' or 'rms', got {error!r}")
    sizes = _check_sizes(sizes, "sizes")
    seeds = _check_seeds(seeds)
    errors = np.empty((len(seeds), len(sizes)))
    for row, seed in enumerate(seeds):
        _, label_matrix, true_accuracies = _simulate_votes(max(sizes), n_lfs, coverage, seed)
        for column, n in enumerate(sizes):
            model = LabelModel(seed=seed, max_iter=5000).fit(label_matrix[:n])
            deviations = model.accuracies_ - true_accuracies
            errors[row, column] = (np.abs(deviations).mean() if error == "absolute"
                                   else np.sqrt(np.mean(deviations**2)))
    return errors


def end_model_excess_error_curve(
    sizes: Sequence[int], seeds: Sequence[int], n_test: int = 50_000, steps: int = 1_000,
    batch_size: int = 512, gold: bool = False, oracle: bool = False,
) -> dict[str, np.ndarray]:
    """Test error of the noise-aware logistic regression above the Bayes error, per n and seed.

    The tutorial's generative model (100 features, 20 LFs with coverage 0.25 and
    accuracies in [0.45, 0.75], balanced classes) makes the Bayes-optimal
    classifier known: the features are independent given y, so it is the naive
    Bayes rule ``sign(sum_j log(a_j / (1 - a_j)) x_j)`` with the true feature
    accuracies a_j.  Per seed, ``max(sizes) + n_test`` points are drawn; the
    models are trained on the first n and all are scored on the same last
    ``n_test``, so the excess error is a paired difference.  Each fit takes
    about ``steps`` optimiser steps (``epochs = ceil(steps * batch_size / n)``,
    at least 5), so small and large n are trained to the same precision.

    Returns
    -------
    dict of name to ndarray of shape (len(seeds), len(sizes))
        ``"noise-aware"`` (trained on the label model's soft labels); with
        ``oracle=True`` also ``"true accuracies"`` (soft labels from the posterior
        with the true LF accuracies: what is left when the label model makes no
        estimation error), and with ``gold=True`` ``"true labels"``.
    """
    sizes = _check_sizes(sizes, "sizes")
    seeds = _check_seeds(seeds)
    n_test = check_positive_int(n_test, "n_test")
    steps = check_positive_int(steps, "steps")
    names = (["noise-aware"] + (["true accuracies"] if oracle else [])
             + (["true labels"] if gold else []))
    excess = {name: np.empty((len(seeds), len(sizes))) for name in names}
    for row, seed in enumerate(seeds):
        features, y, feature_accuracies = make_features(max(sizes) + n_test, 100, seed=seed)
        label_matrix, true_accuracies = make_label_matrix(y, 20, 0.25, seed=seed + 1)
        X_test, y_test = features[-n_test:], y[-n_test:]
        bayes_weights = np.log(feature_accuracies) - np.log1p(-feature_accuracies)
        bayes_error = 1.0 - accuracy(y_test, np.where(X_test @ bayes_weights >= 0, 1, -1))
        for column, n in enumerate(sizes):
            soft_labels = LabelModel(seed=seed).fit(label_matrix[:n]).predict_proba(
                label_matrix[:n]
            )
            targets = {
                "noise-aware": soft_labels,
                "true accuracies": posterior_proba(label_matrix[:n], true_accuracies),
                "true labels": _positive_probability(y[:n]),
            }
            epochs = max(5, math.ceil(steps * batch_size / n))
            for name in names:
                model = NoiseAwareClassifier(epochs=epochs, batch_size=batch_size, seed=seed)
                model.fit(features[:n], targets[name])
                excess[name][row, column] = 1.0 - model.score(X_test, y_test) - bayes_error
    return excess


def streaming_run(n: int, n_lfs: int = 100, chunk_rows: int = CHUNK_ROWS, seed: int = 0) -> dict:
    """The label model end to end on n points, with the label matrix streamed in chunks.

    Stages: simulate the label matrix (int8, ``n * n_lfs`` bytes); accumulate
    its vote statistics over chunks of ``chunk_rows`` rows (by default the
    package's chunk size, ``dataprog_helpers._chunks.CHUNK_ROWS``) with
    :meth:`VoteStatistics.from_chunks` without patterns; fit the label model on
    the statistics; compute every posterior (chunk by chunk inside ``predict_proba``).

    Returns
    -------
    dict
        ``seconds`` (per stage), ``traced_peak_mib`` (peak of the memory traced
        by ``tracemalloc`` during the run, which includes every NumPy array; it
        repeats to within a few hundred bytes once the label model's graph has
        been traced by an earlier fit),
        ``label_matrix_mib``, ``float64_copy_mib`` (what one float64 copy of the
        label matrix would take), ``accuracy_error`` and ``posterior_accuracy``.
    """
    n = check_positive_int(n, "n")
    chunk_rows = check_positive_int(chunk_rows, "chunk_rows")
    already_tracing = tracemalloc.is_tracing()
    if not already_tracing:
        tracemalloc.start()
    # Garbage left by earlier work would otherwise be collected during the run when
    # the collector happens to start, and its bytes subtracted from the peak (a
    # difference of kilobytes between two identical runs, seen under pytest-xdist).
    gc.collect()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    seconds = {}
    start = time.perf_counter()
    y, label_matrix, true_accuracies = _simulate_votes(n, n_lfs, 0.25, seed)
    seconds["simulate"] = time.perf_counter() - start

    start = time.perf_counter()
    chunks = (label_matrix[rows] for rows in row_chunks(n, chunk_rows))
    statistics = VoteStatistics.from_chunks(chunks, patterns=False)
    seconds["statistics"] = time.perf_counter() - start

    start = time.perf_counter()
    model = LabelModel(seed=seed).fit_statistics(statistics)
    seconds["fit"] = time.perf_counter() - start

    start = time.perf_counter()
    posterior = model.predict_proba(label_matrix)
    seconds["posterior"] = time.perf_counter() - start

    _, peak = tracemalloc.get_traced_memory()
    if not already_tracing:
        tracemalloc.stop()
    return {
        "n": n,
        "seconds": seconds,
        "traced_peak_mib": (peak - baseline) / 2**20,
        "label_matrix_mib": label_matrix.nbytes / 2**20,
        "float64_copy_mib": 8 * label_matrix.size / 2**20,
        "accuracy_error": float(np.abs(model.accuracies_ - true_accuracies).mean()),
        "posterior_accuracy": accuracy(y, labels_from_probabilities(posterior)),
    }


def loglog_slope(sizes, values) -> float:
    """Least-squares slope of ``log(values)`` against ``log(sizes)``.

    A quantity that shrinks like ``n^(-1/2)`` has slope -1/2.

    Parameters
    ----------
    sizes, values : array-like of shape (k,), positive, k >= 2
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if sizes.ndim != 1 or sizes.shape != values.shape or sizes.size < 2:
        raise ValueError(
            "sizes and values must be 1-D of the same length, at least 2; got shapes "
            f"{sizes.shape} and {values.shape}"
        )
    if not (np.all(np.isfinite(sizes)) and np.all(np.isfinite(values))):
        raise ValueError("sizes and values must be finite for a log-log slope")
    if not (np.all(sizes > 0) and np.all(values > 0)):
        raise ValueError("sizes and values must be positive for a log-log slope")
    if np.ptp(sizes) == 0:
        raise ValueError("sizes must not all be equal")
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def main() -> None:
    results = evaluate_pipeline(make_tutorial_data(seed=0), seed=0)
    print("Tutorial setting: n=10,000, d=100, m=20 LFs, coverage 0.25, accuracies in "
          "[0.45, 0.75], 80/20 split, seed 0")
    print(f"Mean |estimated - true| LF accuracy: {results['lf_accuracy_error']:.3f}\n")
    print(headline_table(results).to_string(na_rep="-"))


if __name__ == "__main__":
    main()

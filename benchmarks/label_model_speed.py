"""How fast is the label model fit, and what does compiling the whole loop buy?

Run with ``make benchmark`` (or ``python benchmarks/label_model_speed.py`` with
TF_CPP_MIN_LOG_LEVEL=3 set).  Both variants below take exactly the same steps
from the same start; they differ only in who drives the loop:

(a) ``LabelModel.fit``: the whole optimisation loop is one compiled tf.function;
(b) the original tutorial's pattern: a Python loop calling one compiled step per
    iteration (the tensors cross the Python/TensorFlow boundary every step).

It then times larger label matrices end to end, and compares gradient descent with
the closed-form triplet method (``LabelModel(method="triplet")``) fitted to the same
vote statistics for m = 10 ... 500 LFs (notebook 5's comparison).

Times are medians over repeats, after one warm-up fit that compiles the graphs.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.experiment import compare_estimators, median_seconds  # noqa: E402
from dataprog_helpers.label_model.rank_one import preconditioned_step  # noqa: E402
from dataprog_helpers.label_model.symmetric_completion import completion_mask  # noqa: E402

_compiled_step = tf.function(preconditioned_step, reduce_retracing=True)


def fit_stepwise(model: dh.LabelModel, label_matrix: np.ndarray) -> int:
    """Variant (b): the same steps as ``model.fit``, one compiled step per Python iteration.

    The same start (LabelModel's documented uniform draw in [0.1, 0.5] from its seed),
    mask, step size, bound and stopping rule as the compiled loop.
    """
    statistics = dh.VoteStatistics.from_label_matrix(label_matrix, patterns=False)
    agreements = statistics.agreements()
    values = tf.constant(agreements.filled(0.0))
    mask = tf.constant(completion_mask(agreements, []))
    step_size = tf.constant(float(model.step_size), tf.float64)
    bound = tf.constant(1.0 - 2.0 * model.probability_margin, tf.float64)
    correlations = tf.constant(
        np.random.default_rng(model.seed).uniform(0.1, 0.5, size=statistics.n_lfs))
    for step in range(model.max_iter):
        new_correlations, _ = _compiled_step(correlations, values, mask, step_size, bound)
        change = float(tf.reduce_max(tf.abs(new_correlations - correlations)))
        correlations = new_correlations
        if change <= model.tol:
            return step + 1
    return model.max_iter


def synthetic_label_matrix(n: int, m: int, seed: int = 0) -> np.ndarray:
    y = np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), size=n)
    label_matrix, _ = dh.course.make_label_matrix(y, m, coverage=0.25,
                                                  accuracy_range=(0.45, 0.75), seed=seed)
    return label_matrix


def main() -> None:
    data = dh.course.make_tutorial_data(seed=0)
    model = dh.LabelModel(seed=0)
    n_steps = model.fit(data.L_train).n_iter_
    compiled = median_seconds(lambda: model.fit(data.L_train), repeats=30)
    stepwise_steps = fit_stepwise(model, data.L_train)
    stepwise = median_seconds(lambda: fit_stepwise(model, data.L_train), repeats=30)
    print("Tutorial setting: n = 8,000 training points, m = 20 LFs")
    print(f"  (a) whole loop in one tf.function: {compiled * 1e3:8.2f} ms  ({n_steps} steps)")
    print(f"  (b) Python loop, one compiled step per iteration: {stepwise * 1e3:8.2f} ms  "
          f"({stepwise_steps} steps)")
    print(f"  speed-up of (a) over (b): {stepwise / compiled:.1f}x")

    print("\nLarger label matrices (fit = agreement matrix + optimisation), coverage 0.25:")
    for n, m in ((100_000, 50), (1_000_000, 100)):
        label_matrix = synthetic_label_matrix(n, m)
        seconds = median_seconds(lambda lm=label_matrix: model.fit(lm), repeats=3)
        print(f"  n = {n:>9,}, m = {m:>3}: {seconds:6.3f} s  ({model.n_iter_} steps)")

    print("\nGradient descent vs the triplet method, fitted to the same statistics "
          "(n = 20,000, 3 seeds, median of 5 fits each):")
    table = compare_estimators([10, 20, 50, 100, 200, 500], n=20_000, repeats=5)
    means = table.pivot_table(index="n_lfs", columns="method", values=["seconds", "error"])
    print(f"  {'m':>4} {'gradient ms':>12} {'triplet ms':>11} {'speed-up':>9} "
          f"{'gradient err':>13} {'triplet err':>12} {'Z from L ms':>12}")
    for n_lfs, row in means.iterrows():
        statistics_ms = 1e3 * table.loc[table["n_lfs"] == n_lfs, "statistics_seconds"].mean()
        print(f"  {n_lfs:>4} {1e3 * row['seconds', 'gradient']:12.2f} "
              f"{1e3 * row['seconds', 'triplet']:11.2f} "
              f"{row['seconds', 'gradient'] / row['seconds', 'triplet']:8.1f}x "
              f"{row['error', 'gradient']:13.4f} {row['error', 'triplet']:12.4f} "
              f"{statistics_ms:12.1f}")


if __name__ == "__main__":
    main()

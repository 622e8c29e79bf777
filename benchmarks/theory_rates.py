"""Notebook 5's theory check at full size: how fast do the errors shrink with n?

Run with ``make benchmark`` (or ``python benchmarks/theory_rates.py``).
Ratner et al. (NeurIPS 2016) bound the error of their label model's parameters,
and the end model's excess expected loss, by a constant times n^(-1/2) in the
number n of unlabeled points (under their assumptions and for their estimator).
On the tutorial's generative model this prints:

- the label model's mean |estimated - true| LF accuracy for n = 10^3 ... 10^6
  (7 sizes, 5 seeds) and its log-log slope;
- the test error above the Bayes error of logistic regression trained on the
  label model's soft labels, on soft labels from the true LF accuracies (no
  estimation error) and on the true labels, for n = 10^3 ... 10^6 (7 sizes,
  3 seeds, 200,000 test points) and their log-log slopes.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.experiment import (  # noqa: E402
    end_model_excess_error_curve,
    label_model_error_curve,
)

SIZES = np.logspace(3, 6, 7).round().astype(int).tolist()


def report(name: str, sizes: list[int], values: np.ndarray) -> None:
    mean = values.mean(axis=0)
    table = pd.DataFrame({"mean": mean, "min": values.min(axis=0), "max": values.max(axis=0)},
                         index=pd.Index(sizes, name="n"))
    print(f"\n{name}")
    print(table.to_string(float_format=lambda value: f"{value:.5f}"))
    positive = mean > 0
    slope = dh.course.experiment.loglog_slope(np.array(sizes)[positive], mean[positive])
    print(f"log-log slope of the mean (over the {positive.sum()} positive means): {slope:.2f}")


def main() -> None:
    report("Label model: mean |estimated - true| LF accuracy (5 seeds)", SIZES,
           label_model_error_curve(SIZES, seeds=range(5)))
    excess = end_model_excess_error_curve(SIZES, seeds=range(3), n_test=200_000, gold=True,
                                          oracle=True)
    sources = {"noise-aware": "the label model's soft labels",
               "true accuracies": "soft labels from the true LF accuracies",
               "true labels": "the true labels"}
    for name, values in excess.items():
        report(f"Logistic regression on {sources[name]}: test error minus Bayes error "
               "(3 seeds)", SIZES, values)


if __name__ == "__main__":
    main()

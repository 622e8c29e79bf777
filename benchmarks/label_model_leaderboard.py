"""Which label model for which LFs?  Every model on the same five tasks, side by side.

Run with ``make benchmark`` (or ``python benchmarks/label_model_leaderboard.py``).
The tasks and models are those of :mod:`dataprog_helpers.leaderboard`: the
tutorial's simulated setting, simulated one-sided LFs, notebook 6's one-sided and
two-sided tumour LFs, and ten keyword LFs on the YouTube spam comments; majority
vote, ``LabelModel`` (gradient, triplet), the three fitting routes of
``ClassConditionalLabelModel`` and its gold-fitted ceiling.  Accuracy is on each
task's test set (ties half right) with its binomial standard error; fit times are
medians of five fits after one that compiles TensorFlow's graphs, all in this run.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pandas as pd  # noqa: E402

from dataprog_helpers.leaderboard import label_model_leaderboard  # noqa: E402


def main() -> None:
    table = label_model_leaderboard(repeats=5)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 48)
    for task, rows in table.groupby("task", sort=False):
        print(f"\n## {task}")
        shown = rows.drop(columns="task").set_index("model")
        shown["fit ms"] = (shown.pop("fit seconds") * 1e3).round(1)
        print(shown.round({"accuracy": 3, "accuracy SE": 3, "F1": 3,
                           "calibration error": 3}).to_string())


if __name__ == "__main__":
    main()

"""Does choosing the label model on 100 dev labels pay, on every LF set the course has?

Run with ``make benchmark`` (or ``python benchmarks/label_model_choice.py`` with
TF_CPP_MIN_LOG_LEVEL=3 set).  For each task of the two leaderboards (binary:
the tutorial's LFs, simulated one-sided LFs, notebook 6's two tumour LF sets,
YouTube spam; k classes: YouTube topics, wine, simulated keyword LFs), and for
each of 20 draws:

1. draw ``n_dev`` of the training points as dev points with their gold labels
   (100; wine has only 94 training wines, so 40) and fit on the rest, unlabeled;
2. run :func:`~dataprog_helpers.select_label_model` (majority vote, the symmetric
   and the class-conditional model; a model must beat majority vote on dev with
   p < 0.025);
3. score on the task's test points, which the choice never saw: the chosen
   contender, and each contender as if it had always been chosen.

It prints, per task, the mean test accuracy over the draws of "always" each
contender and of the procedure, how often each contender was chosen, and the
worst draw of the procedure minus majority vote.  Accuracies are scored as the
leaderboards score them (binary ties half; k-class majority vote's ties shared
among the tied classes).  What it shows: whether 100 dev labels are enough to
leave majority vote where a model is ahead, and whether the procedure ever picks a
model that loses on the test points.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.class_leaderboard import (  # noqa: E402
    class_leaderboard_tasks,
    majority_vote_expected_scores,
)
from dataprog_helpers.course.leaderboard import LabelingTask, leaderboard_tasks  # noqa: E402
from dataprog_helpers.model_choice import MAJORITY_VOTE  # noqa: E402

N_DRAWS = 20
N_DEV = 100


def test_accuracy(name: str, choice: dh.model_choice.LabelModelChoice,
                  task: LabelingTask) -> float:
    """A contender's accuracy on the test points, scored as the leaderboards do."""
    if name == MAJORITY_VOTE:
        if task.cardinality is None:
            return dh.accuracy(task.y_test, dh.majority_vote(task.L_test))
        return float(np.mean(majority_vote_expected_scores(task.L_test, task.y_test,
                                                           task.cardinality)))
    return choice.models[name].score(task.L_test, task.y_test)


def draws(task: LabelingTask, n_dev: int) -> pd.DataFrame:
    rows = []
    for draw in range(N_DRAWS):
        rng = np.random.default_rng(draw)
        dev = np.zeros(task.y_train.size, dtype=bool)
        dev[rng.choice(task.y_train.size, size=n_dev, replace=False)] = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            choice = dh.select_label_model(task.L_train[~dev], task.L_train[dev],
                                           task.y_train[dev], cardinality=task.cardinality,
                                           seed=draw)
        row = {"draw": draw, "chosen": choice.name}
        for name in choice.table.index:
            row[name] = test_accuracy(name, choice, task)
        row["procedure"] = row[choice.name]
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    tasks = [*leaderboard_tasks(seed=0), *class_leaderboard_tasks(seed=0)]
    summary = []
    for task in tasks:
        n_dev = min(N_DEV, task.y_train.size * 3 // 7)
        runs = draws(task, n_dev)
        contenders = [MAJORITY_VOTE, "symmetric", "class-conditional"]
        counts = runs["chosen"].value_counts()
        summary.append({
            "task": task.name, "dev labels": n_dev, "test points": task.y_test.size,
            **{f"always {name}": runs[name].mean() for name in contenders},
            "procedure": runs["procedure"].mean(),
            **{f"chose {name}": int(counts.get(name, 0)) for name in contenders},
            "worst draw vs MV": (runs["procedure"] - runs[MAJORITY_VOTE]).min(),
        })
    table = pd.DataFrame(summary).set_index("task")
    pd.set_option("display.width", 200)
    print(f"Choosing the label model on dev labels: {N_DRAWS} draws of the dev points per "
          "task, test accuracy (mean over draws)\n")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()

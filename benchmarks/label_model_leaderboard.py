"""Which label model for which LFs?  Every model on the same five tasks, side by side.

Run with ``make benchmark`` (or ``python benchmarks/label_model_leaderboard.py``).
The tasks and models are those of :mod:`dataprog_helpers.leaderboard`: the
tutorial's simulated setting, simulated one-sided LFs, notebook 6's one-sided and
two-sided tumour LFs, and ten keyword LFs on the YouTube spam comments; majority
vote, ``LabelModel`` (gradient, triplet), ``ClassConditionalLabelModel`` as it comes
(structure by BIC), the three fitting routes of its full tables, and its gold-fitted
reference.  Accuracy is on each
task's test set (ties half right) with its binomial standard error; fit times are
medians of five fits after one that compiles TensorFlow's graphs, all in this run.

Then the k-class leaderboard (:mod:`dataprog_helpers.course.class_leaderboard`: the
YouTube topics, wine and the simulated keyword LFs), over ten splits or draws (seeds
0-9): each model's mean accuracy, its mean paired difference from majority vote on the
same test points with the standard error of that mean (for the YouTube topics and wine,
whose splits resample the same points, Nadeau and Bengio's corrected one,
:func:`~dataprog_helpers.comparison.compare_over_splits`; the simulated keyword LFs are
fresh draws, so sd / sqrt(10)), on how many splits it is ahead or behind by more than
two paired standard errors, its accuracy on the test points with votes, and its median
fit time.

Then notebook 6's whole pipeline on its four one-sided tumour LFs over ten random
splits (seeds 0-9; notebook 6 shows seed 0): test accuracy of majority vote, the
class-conditional model and its gold-fitted reference, and of the noise-aware end model (logistic
regression, weight decay 1e-2) trained on the class-conditional model's soft labels,
on majority-vote labels (ties left out) and on gold labels, with the paired
difference between the first two.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.comparison import compare_over_splits  # noqa: E402
from dataprog_helpers.course.class_leaderboard import (  # noqa: E402
    class_label_model_leaderboard,
    class_leaderboard_tasks,
)
from dataprog_helpers.course.datasets import load_breast_cancer_frame, split_dev_test  # noqa: E402
from dataprog_helpers.course.leaderboard import label_model_leaderboard  # noqa: E402
from dataprog_helpers.course.tumour_lfs import one_sided_tumour_lfs  # noqa: E402


def notebook_6_over_splits(seeds=range(10)) -> pd.DataFrame:
    """Notebook 6's pipeline on its one-sided LFs, one row per split."""
    tumours = load_breast_cancer_frame()
    features = [column for column in tumours.columns if column != "y"]
    rows = []
    for seed in seeds:
        splits = split_dev_test(tumours, dev_size=40, test_fraction=0.3, seed=seed)
        train, dev, test = splits.train, splits.dev, splits.test
        lfs = one_sided_tumour_lfs(dev)
        L_train, L_dev, L_test = (dh.apply_lfs(lfs, part) for part in (train, dev, test))
        mean, spread = train[features].mean(), train[features].std()
        X_train, X_test = (((part[features] - mean) / spread).to_numpy(np.float32)
                           for part in (train, test))
        model = dh.ClassConditionalLabelModel().fit(L_train, L_dev, dev.y)
        gold_fitted = dh.ClassConditionalLabelModel().fit_supervised(L_train, train.y)
        votes = dh.majority_vote(L_train)
        decided = votes != 0

        def end_model(X, targets, X_test=X_test, y_test=test.y):
            return dh.NoiseAwareClassifier(l2=1e-2, seed=0).fit(X, targets).score(X_test, y_test)

        rows.append({
            "majority vote": dh.accuracy(test.y, dh.majority_vote(L_test)),
            "class-conditional": model.score(L_test, test.y),
            "gold-fitted": gold_fitted.score(L_test, test.y),
            "end model, soft labels": end_model(X_train, model.predict_proba(L_train)),
            "end model, majority-vote labels": end_model(X_train[decided], votes[decided] == 1),
            "end model, gold labels": end_model(X_train, train.y == 1),
        })
    return pd.DataFrame(rows, index=pd.Index(list(seeds), name="split seed"))


#: The k-class tasks whose seeds draw new splits of one data set (30% test points);
#: the simulated keyword LFs are drawn afresh for each seed, independent draws.
RESAMPLED_TASKS = {"YouTube topics", "wine"}


def _standard_error(differences: pd.Series) -> float:
    """The standard error of the mean difference over the seeds (see the docstring)."""
    if differences.name[0] in RESAMPLED_TASKS:
        return compare_over_splits(differences.to_numpy(), test_fraction=0.3).standard_error
    return float(differences.std(ddof=1) / np.sqrt(differences.size))


def class_leaderboard_over_seeds(seeds=range(10)) -> pd.DataFrame:
    """The k-class leaderboard over splits: one row per task and model."""
    table = pd.concat([class_label_model_leaderboard(class_leaderboard_tasks(seed), repeats=3)
                       for seed in seeds])
    table["ahead"] = table["minus majority vote"] > 2 * table["paired SE"]
    table["behind"] = table["minus majority vote"] < -2 * table["paired SE"]
    groups = table.groupby(["task", "model"], sort=False)
    summary = groups.agg(
        accuracy=("accuracy", "mean"), minus_majority_vote=("minus majority vote", "mean"),
        ahead=("ahead", "sum"), behind=("behind", "sum"),
        voted_points=("accuracy, voted points", "mean"), fit_ms=("fit seconds", "median"))
    summary.insert(2, "standard_error", [
        _standard_error(rows["minus majority vote"].rename(key)) for key, rows in groups])
    summary.loc[summary["minus_majority_vote"] == 0.0, "standard_error"] = np.nan
    summary["fit_ms"] *= 1e3
    return summary


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
    print("\n## k classes, ten splits or draws (accuracy; majority vote's ties at random)")
    print(class_leaderboard_over_seeds().round({"accuracy": 3, "minus_majority_vote": 3,
                                                "standard_error": 3, "voted_points": 3,
                                                "fit_ms": 1}).to_string())
    runs = notebook_6_over_splits()
    print("\n## Notebook 6's pipeline, four one-sided tumour LFs, ten splits (test accuracy)")
    print(runs.agg(["mean", "std", "min", "max"]).T.round(3).to_string())
    # The ten splits resample the same 569 tumours: Nadeau and Bengio's correction.
    for a, b in (("end model, soft labels", "end model, majority-vote labels"),
                 ("class-conditional", "majority vote")):
        difference = runs[a] - runs[b]
        print(f"{a} minus {b}: {compare_over_splits(difference, test_fraction=0.3)}; "
              f"ahead on {(difference > 0).sum()}, behind on {(difference < 0).sum()}")


if __name__ == "__main__":
    main()

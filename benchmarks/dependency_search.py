"""How often does ``find_dependencies`` raise false alarms, and how often does it find copies?

Run with ``make benchmark`` (or ``python benchmarks/dependency_search.py``).

- False alarms: on 200 data sets of the tutorial setting (20 conditionally
  independent LFs, 8,000 training points), the fraction on which any pair is
  flagged.  The nominal family-wise level is ``significance = 1e-3``.
- Detection: LF 0 gets three near-copies and LF 1 two (9 dependent pairs in
  all), each copy repeating its source's vote with probability ``copy_rate``; over
  20 seeds per ``copy_rate``, the mean number of true pairs found and of other
  pairs flagged, and the test accuracy of the label model without and with the
  found dependencies against that of the model on the 20 original LFs.
- The class-conditional search (``model="class-conditional"``) on notebook 0's
  explorer, two-sided and one-sided: false alarms at copy rate 0 over 100
  seeds each; with three copies of LF 0 repeating it on a share ``copy_rate``
  of the points (6 dependent pairs), over 10 seeds, the true and other pairs
  found and the class-conditional model's posterior accuracy without them, with
  the found pairs and with the true ones declared; and the pairs it flags on
  the leaderboard's real LF sets, with the test accuracy with and without them.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.explorer import (  # noqa: E402
    ExplorerSettings,
    simulate_label_matrix,
)
from dataprog_helpers.course.leaderboard import leaderboard_tasks  # noqa: E402

FALSE_ALARM_SEEDS = range(200)
DETECTION_SEEDS = range(20)
GROUPS = ({0, 20, 21, 22}, {1, 23, 24})
EXPLORER_FALSE_ALARM_SEEDS = range(100)
EXPLORER_SEEDS = range(10)
COPY_GROUP = {0, 7, 8, 9}  # LF 0 and its three copies in the explorer's 10 LFs
COPY_PAIRS = [(0, 7), (0, 8), (0, 9), (7, 8), (7, 9), (8, 9)]


def with_copies(data: dh.course.TutorialData, copy_rate: float, seed: int):
    """Train and test label matrices with 3 copies of LF 0 and 2 of LF 1 appended."""
    matrices = []
    for offset, (L, y) in enumerate(((data.L_train, data.y_train), (data.L_test, data.y_test))):
        copied, accuracies = dh.course.add_near_copies(L, y, data.lf_accuracies, 0, 3, copy_rate,
                                                seed=seed + offset)
        copied, _ = dh.course.add_near_copies(copied, y, accuracies, 1, 2, copy_rate,
                                       seed=seed + 10 + offset)
        matrices.append(copied)
    return matrices


def main() -> None:
    alarms = [
        bool(dh.find_dependencies(dh.course.make_tutorial_data(seed=seed).L_train, seed=seed))
        for seed in FALSE_ALARM_SEEDS
    ]
    print(f"False alarms on independent LFs: {sum(alarms)} of {len(alarms)} data sets "
          f"({np.mean(alarms):.1%}); nominal level 0.1%")

    rows = []
    for copy_rate in (0.5, 0.7, 0.9):
        for seed in DETECTION_SEEDS:
            data = dh.course.make_tutorial_data(seed=seed)
            L_train, L_test = with_copies(data, copy_rate, seed=100 + seed)
            found = dh.find_dependencies(L_train, seed=seed)
            true_found = sum(any({i, j} <= group for group in GROUPS) for i, j in found)
            rows.append({
                "copy rate": copy_rate,
                "true pairs found (of 9)": true_found,
                "other pairs flagged": len(found) - true_found,
                "original 20 LFs": dh.LabelModel(seed=seed).fit(data.L_train)
                .score(data.L_test, data.y_test),
                "copies ignored": dh.LabelModel(seed=seed).fit(L_train).score(L_test, data.y_test),
                "dependencies found": dh.LabelModel(seed=seed, dependencies=found)
                .fit(L_train).score(L_test, data.y_test),
            })
    table = pd.DataFrame(rows).groupby("copy rate").mean()
    print(f"\nDetection, mean over {len(DETECTION_SEEDS)} seeds (last three columns: "
          "label model test accuracy)")
    print(table.round(3).to_string())
    class_conditional_search()


def _explorer_votes(one_sided: bool, copy_rate: float, seed: int):
    settings = ExplorerSettings(one_sided=one_sided, copy_rate=copy_rate, seed=seed)
    y, L, _ = simulate_label_matrix(settings)
    return y, L


def _class_conditional_score(L, y, dependencies, L_dev=None, y_dev=None, L_test=None,
                             y_test=None) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the shared-abstentions hint, when copies are exact
        model = dh.ClassConditionalLabelModel(dependencies=dependencies or None)
        model.fit(L, L_dev, y_dev)
    return model.score(L if L_test is None else L_test, y if y_test is None else y_test)


def class_conditional_search() -> None:
    print("\nClass-conditional search, notebook 0's explorer (10 LFs, 5,000 points)")
    for one_sided in (False, True):
        alarms = [bool(dh.find_dependencies(_explorer_votes(one_sided, 0.0, seed)[1],
                                            model="class-conditional"))
                  for seed in EXPLORER_FALSE_ALARM_SEEDS]
        print(f"  {'one' if one_sided else 'two'}-sided, copy rate 0: a pair flagged on "
              f"{sum(alarms)} of {len(alarms)} data sets; nominal level 0.1%")
    rows = []
    for one_sided in (False, True):
        for copy_rate in (0.25, 0.5, 1.0):
            for seed in EXPLORER_SEEDS:
                y, L = _explorer_votes(one_sided, copy_rate, seed)
                found = dh.find_dependencies(L, model="class-conditional")
                true_found = sum({i, j} <= COPY_GROUP for i, j in found)
                rows.append({
                    "LFs": "one-sided" if one_sided else "two-sided",
                    "copy rate": copy_rate,
                    "true pairs found (of 6)": true_found,
                    "other pairs flagged": len(found) - true_found,
                    "exactly the copies": set(found) <= set(COPY_PAIRS) and true_found >= 3,
                    "copies ignored": _class_conditional_score(L, y, []),
                    "dependencies found": _class_conditional_score(L, y, found),
                    "copies declared": _class_conditional_score(L, y, COPY_PAIRS),
                })
    table = pd.DataFrame(rows).groupby(["LFs", "copy rate"]).mean()
    print(f"Mean over {len(EXPLORER_SEEDS)} seeds ('exactly the copies': share of seeds whose "
          "pairs are all copies' pairs, at least the three with LF 0; last three columns: "
          "class-conditional posterior accuracy)")
    print(table.round(3).to_string())

    print("\nReal LF sets of the leaderboard: pairs flagged, and the class-conditional "
          "model's test accuracy without and with them")
    for task in leaderboard_tasks(seed=0)[2:]:
        found = dh.find_dependencies(task.L_train, model="class-conditional")
        scores = [_class_conditional_score(task.L_train, task.y_train, dependencies,
                                           task.L_dev, task.y_dev, task.L_test, task.y_test)
                  for dependencies in ([], found)]
        print(f"  {task.name}: {len(found)} pairs {found}; {scores[0]:.3f} -> {scores[1]:.3f}")


if __name__ == "__main__":
    main()

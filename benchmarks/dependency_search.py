"""How often does ``find_dependencies`` raise false alarms, and how often does it find copies?

Run with ``make benchmark`` (or ``python benchmarks/dependency_search.py``).

- False alarms: on 200 data sets of the tutorial setting (20 conditionally
  independent LFs, 8,000 training points), the fraction on which any pair is
  flagged.  The nominal family-wise level is ``significance = 1e-3``.
- Detection: LF 0 gets three near-copies and LF 1 two (9 dependent pairs in
  all), each copy repeating its source's vote with probability ``repeat``; over
  20 seeds per ``repeat``, the mean number of true pairs found and of other
  pairs flagged, and the test accuracy of the label model without and with the
  found dependencies against that of the model on the 20 original LFs.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402

FALSE_ALARM_SEEDS = range(200)
DETECTION_SEEDS = range(20)
GROUPS = ({0, 20, 21, 22}, {1, 23, 24})


def with_copies(data: dh.TutorialData, repeat: float, seed: int):
    """Train and test label matrices with 3 copies of LF 0 and 2 of LF 1 appended."""
    matrices = []
    for offset, (L, y) in enumerate(((data.L_train, data.y_train), (data.L_test, data.y_test))):
        copied, accs = dh.add_near_copies(L, y, data.lf_accs, 0, 3, repeat, seed=seed + offset)
        copied, _ = dh.add_near_copies(copied, y, accs, 1, 2, repeat, seed=seed + 10 + offset)
        matrices.append(copied)
    return matrices


def main() -> None:
    alarms = [
        bool(dh.find_dependencies(dh.make_tutorial_data(seed=seed).L_train, seed=seed))
        for seed in FALSE_ALARM_SEEDS
    ]
    print(f"False alarms on independent LFs: {sum(alarms)} of {len(alarms)} data sets "
          f"({np.mean(alarms):.1%}); nominal level 0.1%")

    rows = []
    for repeat in (0.5, 0.7, 0.9):
        for seed in DETECTION_SEEDS:
            data = dh.make_tutorial_data(seed=seed)
            L_train, L_test = with_copies(data, repeat, seed=100 + seed)
            found = dh.find_dependencies(L_train, seed=seed)
            true_found = sum(any({i, j} <= group for group in GROUPS) for i, j in found)
            rows.append({
                "repeat": repeat,
                "true pairs found (of 9)": true_found,
                "other pairs flagged": len(found) - true_found,
                "original 20 LFs": dh.LabelModel(seed=seed).fit(data.L_train)
                .score(data.L_test, data.y_test),
                "copies ignored": dh.LabelModel(seed=seed).fit(L_train).score(L_test, data.y_test),
                "dependencies found": dh.LabelModel(seed=seed, dependencies=found)
                .fit(L_train).score(L_test, data.y_test),
            })
    table = pd.DataFrame(rows).groupby("repeat").mean()
    print(f"\nDetection, mean over {len(DETECTION_SEEDS)} seeds (last three columns: "
          "label model test accuracy)")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()

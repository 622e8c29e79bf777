"""Where the class-conditional model loses to the symmetric one: few, weak votes per point.

Run with ``python benchmarks/class_conditional_weak_lfs.py`` (also in ``make benchmark``).

Symmetric LFs (class-independent accuracy and voting, the symmetric model's
assumptions, no dependencies), 10 LFs with accuracies uniform in [0.55, 0.8],
5,000 points, scored on the same points, five seeds per setting.  Coverage and
class balance vary: at low coverage a point gets few votes and the likelihood is
flat, so the class-conditional model's six parameters per LF (and its prior) are
barely identified, while the symmetric model's one parameter per LF and its
first-moment prior are not.  Columns: mean accuracy of majority vote,
``LabelModel(class_prior="estimate")``, ``ClassConditionalLabelModel()``, its
gold-fitted ceiling and the oracle (true accuracies and prior); the worst seed of
the class-conditional model against ``LabelModel``; and the mean |prior error| of
both models.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.synthetic import _draw_labels  # noqa: E402

SEEDS = range(5)
SETTINGS = [(coverage, balance) for balance in (0.5, 0.2) for coverage in (0.1, 0.2, 0.3, 0.6)]


def one_setting(coverage: float, balance: float, seed: int) -> dict:
    y = _draw_labels(5_000, balance, np.random.default_rng(seed))
    L, accuracies = dh.make_label_matrix(y, 10, coverage, (0.55, 0.8), seed=seed + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # narrow-orientation warnings: counted in the scores
        symmetric = dh.LabelModel(class_prior="estimate").fit(L)
        per_class = dh.ClassConditionalLabelModel().fit(L)
        ceiling = dh.ClassConditionalLabelModel().fit_supervised(L, y)
    oracle = np.sign(dh.posterior_proba(L, accuracies, balance) - 0.5).astype(np.int8)
    return {
        "majority vote": dh.accuracy(y, dh.majority_vote(L)),
        "LabelModel": symmetric.score(L, y),
        "class-conditional": per_class.score(L, y),
        "ceiling": ceiling.score(L, y),
        "oracle": dh.accuracy(y, oracle),
        "|prior error| LabelModel": abs(symmetric.class_prior_ - np.mean(y == 1)),
        "|prior error| class-conditional": abs(per_class.class_prior_ - np.mean(y == 1)),
    }


def main() -> None:
    rows = []
    for coverage, balance in SETTINGS:
        for seed in SEEDS:
            rows.append({"coverage": coverage, "P(y = +1)": balance, "seed": seed,
                         **one_setting(coverage, balance, seed)})
    table = pd.DataFrame(rows)
    table["class-conditional - LabelModel"] = table["class-conditional"] - table["LabelModel"]
    summary = table.groupby(["P(y = +1)", "coverage"], sort=False).agg(
        {"majority vote": "mean", "LabelModel": "mean", "class-conditional": "mean",
         "ceiling": "mean", "oracle": "mean", "class-conditional - LabelModel": "min",
         "|prior error| LabelModel": "mean", "|prior error| class-conditional": "mean"})
    summary = summary.rename(columns={"class-conditional - LabelModel": "worst seed vs LM"})
    pd.set_option("display.width", 200)
    print("## Symmetric LFs, m = 10, n = 5,000, accuracies in [0.55, 0.8]; means over 5 seeds")
    print(summary.round(3).to_string())


if __name__ == "__main__":
    main()

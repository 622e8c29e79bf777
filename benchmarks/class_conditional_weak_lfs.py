"""Where the class-conditional model loses to the symmetric one: few, weak votes per point.

Run with ``python benchmarks/class_conditional_weak_lfs.py`` (also in ``make benchmark``).

Symmetric LFs (class-independent accuracy and voting, the symmetric model's
assumptions, no dependencies), 10 LFs with accuracies uniform in [0.55, 0.8],
5,000 points, scored on the same points, five seeds per setting.  Coverage and
the class prior vary: at low coverage a point gets few votes and the likelihood is
flat, so the class-conditional model's full tables (four free parameters per LF)
and its prior are barely identified, while the symmetric model's one parameter per
LF and its first-moment prior are not.  Columns: mean accuracy of majority vote,
``LabelModel(class_prior="estimate")``,
``ClassConditionalLabelModel(structure="class-conditional")`` (the full tables),
the default ``structure="auto"`` (the full tables or their symmetric special case,
whichever has the lower BIC) and how often that chose the symmetric one, the full
tables' gold-fitted reference and the oracle (true accuracies and prior); the worst
seed of the full and of the auto fit against ``LabelModel``; and the mean |prior
error| of ``LabelModel``, the full and the auto fit.  Last, the same on simulated
one-sided LFs, where the full tables must win.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.synthetic import draw_labels  # noqa: E402
from dataprog_helpers.scores import labels_from_probabilities  # noqa: E402

SEEDS = range(5)
SETTINGS = [(coverage, prior) for prior in (0.5, 0.2) for coverage in (0.1, 0.2, 0.3, 0.6)]


def one_setting(coverage: float, class_prior: float, seed: int) -> dict:
    y = draw_labels(5_000, class_prior, np.random.default_rng(seed))
    L, accuracies = dh.course.make_label_matrix(y, 10, coverage, (0.55, 0.8), seed=seed + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # narrow-orientation warnings: counted in the scores
        symmetric = dh.LabelModel(class_prior="estimate").fit(L)
        per_class = dh.ClassConditionalLabelModel(structure="class-conditional").fit(L)
        auto = dh.ClassConditionalLabelModel(structure="auto").fit(L)
        gold_fitted = dh.ClassConditionalLabelModel().fit_supervised(L, y)
    oracle = labels_from_probabilities(dh.label_model.posterior_proba(L, accuracies, class_prior))
    return {
        "majority vote": dh.accuracy(y, dh.majority_vote(L)),
        "LabelModel": symmetric.score(L, y),
        "class-conditional": per_class.score(L, y),
        "auto": auto.score(L, y),
        "auto chose symmetric": auto.structure_ == "symmetric",
        "gold-fitted": gold_fitted.score(L, y),
        "oracle": dh.accuracy(y, oracle),
        "|prior error| LabelModel": abs(symmetric.class_prior_ - np.mean(y == 1)),
        "|prior error| class-conditional": abs(per_class.class_prior_ - np.mean(y == 1)),
        "|prior error| auto": abs(auto.class_prior_ - np.mean(y == 1)),
    }


def one_sided(seed: int) -> dict:
    rng = np.random.default_rng(1000 + seed)
    y = np.where(rng.random(20_000) < 0.3, 1, -1).astype(np.int8)
    L, _ = dh.course.make_one_sided_label_matrix(y, 10, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        symmetric = dh.LabelModel(class_prior="estimate").fit(L)
    auto = dh.ClassConditionalLabelModel(structure="auto").fit(L)
    return {"LabelModel": symmetric.score(L, y),
            "class-conditional": dh.ClassConditionalLabelModel(
                structure="class-conditional").fit(L).score(L, y),
            "auto": auto.score(L, y), "auto chose symmetric": auto.structure_ == "symmetric"}


def main() -> None:
    rows = []
    for coverage, class_prior in SETTINGS:
        for seed in SEEDS:
            rows.append({"coverage": coverage, "P(y = +1)": class_prior, "seed": seed,
                         **one_setting(coverage, class_prior, seed)})
    table = pd.DataFrame(rows)
    table["full - LM, worst"] = table["class-conditional"] - table["LabelModel"]
    table["auto - LM, worst"] = table["auto"] - table["LabelModel"]
    summary = table.groupby(["P(y = +1)", "coverage"], sort=False).agg(
        {"majority vote": "mean", "LabelModel": "mean", "class-conditional": "mean",
         "auto": "mean", "auto chose symmetric": "sum", "gold-fitted": "mean", "oracle": "mean",
         "full - LM, worst": "min", "auto - LM, worst": "min",
         "|prior error| LabelModel": "mean", "|prior error| class-conditional": "mean",
         "|prior error| auto": "mean"})
    pd.set_option("display.width", 200)
    print("## Symmetric LFs, m = 10, n = 5,000, accuracies in [0.55, 0.8]; means over 5 seeds")
    print(summary.round(3).to_string())
    print("\n## Simulated one-sided LFs (prior 0.3, m = 10, n = 20,000), 5 seeds")
    print(pd.DataFrame([one_sided(seed) for seed in SEEDS]).mean().round(3).to_string())


if __name__ == "__main__":
    main()

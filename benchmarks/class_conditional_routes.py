"""How to fit the class-conditional label model: EM, moments, or EM from moments?

Run with ``make benchmark`` (or ``python benchmarks/class_conditional_routes.py``).

1. Recovery on simulated one-sided, class-dependent LFs (n = 20,000, m = 10, prior
   0.3), over 20 seeds, for the default and each route of the full tables: mean
   |estimated - true| over ``conditional_probabilities_`` next to the sampling floor
   (the same model fitted on the gold labels of the same points), the prior's error,
   posterior accuracy minus the oracle's (true parameters), EM steps and fit time.
   Local optima: how often a fit ends with a log-likelihood below the best of them
   by more than 1e-6.  The label swap: how often the fit had to exchange the
   classes, and how often a warning said the orientation was a narrow call.
2. Speed at n = 100,000, m = 50 (one-sided LFs), every route against
   ``LabelModel`` on the same matrix, medians of seven fits after a warm-up, all in
   this run.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.experiment import median_seconds  # noqa: E402
from dataprog_helpers.scores import labels_from_probabilities  # noqa: E402

#: The default (EM from majority vote, structure by BIC) and the three routes of the
#: full tables alone.
ROUTES = {
    "default (structure by BIC)": {},
    "full tables: EM from majority vote": {"structure": "class-conditional"},
    "full tables: EM from moments": {"init": "moments", "structure": "class-conditional"},
    "full tables: moments": {"method": "moments", "structure": "class-conditional"},
}


def one_sided(n: int, m: int, prior: float, seed: int):
    rng = np.random.default_rng(1000 + seed)
    y = np.where(rng.random(n) < prior, 1, -1).astype(np.int8)
    L, truth = dh.course.make_one_sided_label_matrix(y, m, seed=seed)
    return y, L, truth


def recovery(seeds=range(20), n=20_000, m=10, prior=0.3) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        y, L, truth = one_sided(n, m, prior, seed)
        floor = np.abs(dh.ClassConditionalLabelModel().fit_supervised(L, y)
                       .conditional_probabilities_ - truth).mean()
        oracle_proba = dh.label_model.conditional_posterior_proba(L, truth, prior)
        oracle = dh.accuracy(y, labels_from_probabilities(oracle_proba))
        fits = {}
        for name, options in ROUTES.items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                start = time.perf_counter()
                model = dh.ClassConditionalLabelModel(**options).fit(L)
                seconds = time.perf_counter() - start
            fits[name] = (model, seconds, caught)
        best = max(model.log_likelihood_ for model, _, _ in fits.values())
        for name, (model, seconds, caught) in fits.items():
            rows.append({
                "route": name, "seed": seed,
                "error / floor": np.abs(model.conditional_probabilities_ - truth).mean() / floor,
                "mean |error|": np.abs(model.conditional_probabilities_ - truth).mean(),
                "|prior error|": abs(model.class_prior_ - prior),
                "accuracy - oracle": model.score(L, y) - oracle,
                "EM steps": model.n_iter_ if name != "moments" else 0,
                "below best log-lik": model.log_likelihood_ < best - 1e-6,
                "classes exchanged": model.sign_flipped_,
                "orientation warned": any(isinstance(w.message, dh.IdentifiabilityWarning)
                                          for w in caught),
                "fit ms": 1e3 * seconds,
            })
    return pd.DataFrame(rows)


def speed(n=100_000, m=50, repeats=7) -> pd.DataFrame:
    y, L, _ = one_sided(n, m, 0.3, 0)
    rows = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LabelModel warns on one-sided LFs; only time matters
        baseline = median_seconds(lambda: dh.LabelModel().fit(L), repeats)
        rows["LabelModel (gradient)"] = baseline
        for name, options in ROUTES.items():
            rows[name] = median_seconds(
                lambda options=options: dh.ClassConditionalLabelModel(**options).fit(L), repeats)
    table = pd.DataFrame({"fit seconds": rows})
    table["x LabelModel"] = table["fit seconds"] / baseline
    return table


def main() -> None:
    results = recovery()
    summary = results.groupby("route", sort=False).agg({
        "mean |error|": "mean", "error / floor": "max", "|prior error|": "max",
        "accuracy - oracle": "min", "EM steps": "median", "below best log-lik": "sum",
        "classes exchanged": "sum", "orientation warned": "sum", "fit ms": "median"})
    print("## Recovery on simulated one-sided LFs (20 seeds; max or min over seeds where "
          "it says so, sums are counts of seeds)")
    print(summary.round(4).to_string())
    print("\n## Speed, n = 100,000, m = 50")
    print(speed().round(3).to_string())


if __name__ == "__main__":
    main()

"""How long does one slider change of notebook 00's explorer take?

Issue 5 asks for about a second per change on a 2-core CPU.  A change runs
``LabelModelExplorer.update`` (simulate the label matrix, fit both label models,
score the four methods, redraw the three panels) and then draws and encodes the
figure as the PNG that the image widget shows.  For several settings, from the default to
the largest the sliders allow (30 LFs voting on every one of 50,000 points), this
prints the median time of each part and of the whole change, side by side in one
run, and the whole as a fraction of the one-second budget.  Matplotlib draws
when the PNG is rendered, so that column holds the drawing; the time the browser
takes to receive and show the image is not included.

Run with ``make benchmark`` (or ``python benchmarks/explorer_speed.py``).
"""

from __future__ import annotations

import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

import pandas as pd  # noqa: E402

from dataprog_helpers.course.experiment import median_seconds  # noqa: E402
from dataprog_helpers.course.explorer import (  # noqa: E402
    ExplorerSettings,
    LabelModelExplorer,
    run_explorer,
    simulate_label_matrix,
)

BUDGET_SECONDS = 1.0
SETTINGS = {
    "default (m=10, n=5,000)": {},
    "m=30": {"n_lfs": 30},
    "n=50,000": {"n_points": 50_000},
    "m=30, n=50,000, coverage 1": {"n_lfs": 30, "n_points": 50_000, "coverage": 1.0},
    "copy rate 0.9, P(y=+1) 0.1": {"copy_rate": 0.9, "class_prior": 0.1},
    "one-sided LFs": {"one_sided": True},
}


def main() -> None:
    rows = {}
    for name, changes in SETTINGS.items():
        settings = dataclasses.replace(ExplorerSettings(), **changes)
        explorer = LabelModelExplorer(settings)
        simulate = median_seconds(lambda s=settings: simulate_label_matrix(s), repeats=5)
        fit_and_score = median_seconds(lambda s=settings: run_explorer(s), repeats=5)
        update = median_seconds(lambda e=explorer, c=changes: e.update(**c), repeats=5)
        encode = median_seconds(explorer.png, repeats=5)
        rows[name] = {
            "simulate (s)": simulate,
            "simulate + fit + score (s)": fit_and_score,
            "update: + build the panels (s)": update,
            "render the PNG (s)": encode,
            "whole change (s)": update + encode,
            "fraction of 1 s budget": (update + encode) / BUDGET_SECONDS,
        }
    table = pd.DataFrame(rows).T
    print("One slider change of the explorer, median of 5 after a warm-up:")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()

"""Rules of thumb for the wine data's three cultivars, as k-class labeling functions.

For each of the 13 measurements, two one-sided LFs read off a small labeled dev set:
one votes for the cultivar whose dev median is the highest when a wine's value lies
above the midpoint between the highest and the second-highest medians, and one votes
for the cultivar whose median is the lowest when the value lies below the midpoint
between the lowest and the second-lowest.  Each LF abstains otherwise.  It is the
kind of rule a practitioner writes from a table of per-class medians; the LFs are
correlated (several measurements track one chemistry), which the label model does
not know.

Votes follow the k-class convention: class index 0, 1 or 2, or ``ABSTAIN`` = -1.
Each LF is vectorised, so :func:`~dataprog_helpers.apply_lfs` labels a frame at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .datasets import LABEL

__all__ = ["ABSTAIN", "wine_lfs"]

ABSTAIN = -1


def _threshold_lf(name: str, column: str, cultivar: int, threshold: float,
                  above: bool) -> Callable:
    def lf(frame):
        values = frame[column].to_numpy()
        fires = values > threshold if above else values < threshold
        return np.where(fires, cultivar, ABSTAIN)

    lf.__name__ = name
    lf.__doc__ = (f"Votes cultivar {cultivar} when {column} is "
                  f"{'above' if above else 'below'} {threshold:.4g}.")
    return lf


def wine_lfs(dev: pd.DataFrame) -> list[Callable]:
    """The 26 LFs of the module docstring, their thresholds from ``dev``'s per-class medians.

    Parameters
    ----------
    dev : pandas.DataFrame
        Labeled wines: the 13 measurement columns and ``"y"`` (0, 1, 2), every
        cultivar present.
    """
    medians = dev.groupby(LABEL).median()
    if len(medians) != 3:
        raise ValueError(f"dev must hold every cultivar; it holds {sorted(medians.index)}")
    lfs = []
    for column in medians.columns:
        order = medians[column].sort_values()
        lowest, second_lowest, highest = order.index
        slug = column.replace("/", "_").replace(" ", "_")
        lfs.append(_threshold_lf(f"lf_high_{slug}", column, int(highest),
                                 (order.iloc[2] + order.iloc[1]) / 2, above=True))
        lfs.append(_threshold_lf(f"lf_low_{slug}", column, int(lowest),
                                 (order.iloc[0] + order.iloc[1]) / 2, above=False))
    return lfs

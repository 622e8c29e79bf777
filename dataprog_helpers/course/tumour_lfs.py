"""Notebook 6's labeling functions for the breast cancer data, as reusable functions.

Notebook 6 writes these LFs by hand, from a pathologist's rules of thumb, with
thresholds read off the labeled dev set:

- "very large" starts at the 95th percentile of the benign dev tumours (few
  benign tumours lie above it), "very small" at the 5th percentile of the
  malignant ones (few malignant tumours lie below it);
- the **one-sided** LFs of its first attempt vote for one diagnosis when their
  rule fires and abstain otherwise: large nuclei or many concave points say
  malignant, small nuclei or a smooth outline say benign;
- the **two-sided** LFs vote malignant above the first threshold and benign below
  the second, one LF per measurement.

The same rules are here for the notebooks that compare label models on them
(the leaderboard of notebook 7).  Each LF is vectorised (``np.where`` on a
column), so :func:`~dataprog_helpers.labeling.apply_lfs` applies it to a whole
frame in one call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .datasets import LABEL

__all__ = [
    "ABSTAIN",
    "BENIGN",
    "MALIGNANT",
    "ONE_SIDED_RULES",
    "TWO_SIDED_COLUMNS",
    "one_sided_tumour_lfs",
    "two_sided_tumour_lfs",
]

MALIGNANT, BENIGN, ABSTAIN = 1, -1, 0

#: The one-sided LFs of notebook 6: (name, column, vote); a malignant vote fires above
#: the benign threshold of the column, a benign vote below the malignant one.
ONE_SIDED_RULES = (
    ("lf_large_nuclei", "worst radius", MALIGNANT),
    ("lf_many_concave_points", "worst concave points", MALIGNANT),
    ("lf_small_nuclei", "worst radius", BENIGN),
    ("lf_smooth_outline", "worst concavity", BENIGN),
)

#: The two-sided LFs of notebook 6: (name, column).
TWO_SIDED_COLUMNS = (
    ("lf_size", "worst radius"),
    ("lf_texture", "worst texture"),
    ("lf_smoothness", "worst smoothness"),
    ("lf_compactness", "worst compactness"),
    ("lf_concavity", "worst concavity"),
    ("lf_concave_points", "worst concave points"),
    ("lf_symmetry", "worst symmetry"),
    ("lf_fractal_dimension", "worst fractal dimension"),
    ("lf_size_variability", "radius error"),
)


def _thresholds(dev: pd.DataFrame, column: str) -> tuple[float, float]:
    """(95th percentile of the benign dev tumours, 5th percentile of the malignant ones)."""
    if not isinstance(dev, pd.DataFrame):
        raise TypeError(f"dev must be a pandas DataFrame, got {type(dev).__name__}")
    missing = [name for name in (column, LABEL) if name not in dev.columns]
    if missing:
        raise ValueError(f"dev has no column(s) {missing}; pass a part of "
                         "load_breast_cancer_frame() with its gold labels")
    labels = dev[LABEL].to_numpy()
    if not (np.any(labels == BENIGN) and np.any(labels == MALIGNANT)):
        raise ValueError("dev must contain benign and malignant tumours to set the thresholds")
    values = dev[column].to_numpy(dtype=np.float64)
    return (float(np.quantile(values[labels == BENIGN], 0.95)),
            float(np.quantile(values[labels == MALIGNANT], 0.05)))


def _named(function: Callable, name: str, doc: str) -> Callable:
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


def _one_sided_lf(name: str, column: str, vote: int, dev: pd.DataFrame) -> Callable:
    above_benign, below_malignant = _thresholds(dev, column)
    if vote == MALIGNANT:
        def lf(x):
            return np.where(x[column] > above_benign, MALIGNANT, ABSTAIN)

        return _named(lf, name, f"Malignant if {column} > {above_benign:.4g}, else abstain.")

    def lf(x):
        return np.where(x[column] < below_malignant, BENIGN, ABSTAIN)

    return _named(lf, name, f"Benign if {column} < {below_malignant:.4g}, else abstain.")


def _two_sided_lf(name: str, column: str, dev: pd.DataFrame) -> Callable:
    above_benign, below_malignant = _thresholds(dev, column)

    def lf(x):
        value = x[column]
        return np.where(value > above_benign, MALIGNANT,
                        np.where(value < below_malignant, BENIGN, ABSTAIN))

    return _named(lf, name, f"Malignant if {column} > {above_benign:.4g}, benign if "
                            f"< {below_malignant:.4g}, else abstain.")


def one_sided_tumour_lfs(dev: pd.DataFrame) -> list[Callable]:
    """Notebook 6's four one-sided LFs, with thresholds from the labeled ``dev`` tumours.

    Parameters
    ----------
    dev : pandas.DataFrame
        Labeled tumours (columns of :func:`~dataprog_helpers.load_breast_cancer_frame`,
        with ``y``), of both diagnoses.

    Returns
    -------
    list of callables, in the order of :data:`ONE_SIDED_RULES`
    """
    return [_one_sided_lf(name, column, vote, dev) for name, column, vote in ONE_SIDED_RULES]


def two_sided_tumour_lfs(dev: pd.DataFrame) -> list[Callable]:
    """Notebook 6's nine two-sided LFs, with thresholds from the labeled ``dev`` tumours.

    Same parameters as :func:`one_sided_tumour_lfs`; in the order of
    :data:`TWO_SIDED_COLUMNS`.
    """
    return [_two_sided_lf(name, column, dev) for name, column in TWO_SIDED_COLUMNS]

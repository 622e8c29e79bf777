"""The breast cancer data of notebook 6, and a stratified dev / unlabeled / test split.

Source: W. H. Wolberg, W. N. Street and O. L. Mangasarian, *Breast Cancer
Wisconsin (Diagnostic)*, University of Wisconsin, 1995; UCI Machine Learning
Repository, licensed CC BY 4.0.  scikit-learn (BSD-3-Clause) ships a copy inside
its package, so it loads offline: nothing is downloaded.

569 tumours, each described by 30 measurements of its cell nuclei, computed from a
digitised image of a fine-needle aspirate: for each of ten properties (radius,
texture, perimeter, area, smoothness, compactness, concavity, concave points,
symmetry, fractal dimension) the mean over the nuclei, its standard error
("... error") and the mean of the three largest ("worst ...").  The gold label is
the diagnosis: 212 malignant, 357 benign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..datasets import LABEL
from ..utils.validation import (
    check_class_labels,
    check_labels,
    check_positive_int,
    check_real_in_range,
    check_seed,
)

__all__ = ["DataSplits", "load_breast_cancer_frame", "load_wine_frame", "split_dev_test"]


def load_breast_cancer_frame() -> pd.DataFrame:
    """The 569 tumours as a DataFrame: 30 feature columns and the label column ``"y"``.

    ``y`` is +1 for a malignant tumour (the class to find) and -1 for a benign
    one, the tutorial's label convention (scikit-learn codes malignant as 0).
    """
    from sklearn.datasets import load_breast_cancer  # imported here: only notebook 6 needs it

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.data.copy()
    frame.columns = [str(column) for column in frame.columns]
    frame[LABEL] = np.where(bunch.target.to_numpy() == 0, 1, -1).astype(np.int8)
    return frame


def load_wine_frame() -> pd.DataFrame:
    """The 178 wines of scikit-learn's wine data as a DataFrame: 13 measurements and ``"y"``.

    Source: M. Forina et al., *PARVUS*, 1988; UCI Machine Learning Repository,
    "Wine" (CC BY 4.0), shipped inside scikit-learn.  Three cultivars of one Italian
    region, the classes 0, 1 and 2 (59, 71 and 48 wines): a k = 3 task with the
    k-class convention's class indices.
    """
    from sklearn.datasets import load_wine  # imported here: only the k-class course needs it

    bunch = load_wine(as_frame=True)
    frame = bunch.data.copy()
    frame.columns = [str(column) for column in frame.columns]
    frame[LABEL] = bunch.target.to_numpy().astype(np.int64)
    return frame


@dataclass(frozen=True)
class DataSplits:
    """A labeled data set split as a practitioner would split it.

    Attributes
    ----------
    train : pandas.DataFrame
        Treated as unlabeled: its ``y`` column is used only to evaluate what the
        method could not have known (and never to fit anything).
    dev : pandas.DataFrame
        A few hand-labeled points, for writing the labeling functions.
    test : pandas.DataFrame
        Held out, with gold labels, for the final evaluation only.
    """

    train: pd.DataFrame
    dev: pd.DataFrame
    test: pd.DataFrame


def split_dev_test(
    frame: pd.DataFrame, dev_size: int = 40, test_fraction: float = 0.3, seed: int = 0,
) -> DataSplits:
    """Split into unlabeled train, a small labeled dev set and a test set, per class.

    Each class is shuffled and divided in the same proportions (a stratified
    split), so that even a dev set of a few dozen points has every class in
    its overall proportion.  Not scikit-learn's ``train_test_split(stratify=...)``
    (twice): that draws from NumPy's legacy ``RandomState`` and apportions the
    classes its own way, so the same seed would give other rows, and the
    committed results of notebook 6 and the leaderboard rest on these.

    Parameters
    ----------
    frame : pandas.DataFrame
        With a label column ``"y"``: -1 and +1, or class indices 0 to k - 1.
    dev_size : int, default 40
        Number of dev points.
    test_fraction : float in (0, 1), default 0.3
        Fraction of the points held out for testing.
    seed : int, default 0
    """
    if not isinstance(frame, pd.DataFrame) or LABEL not in frame.columns:
        raise ValueError(f'frame must be a pandas DataFrame with a label column "{LABEL}"')
    labels, name = frame[LABEL].to_numpy(), f'frame["{LABEL}"]'
    numeric = np.issubdtype(labels.dtype, np.number) and labels.size > 0
    if numeric and labels.min() < 0:
        labels = check_labels(labels, name)  # two classes, signed: -1 and +1
    else:  # class indices 0 to k - 1
        labels = check_class_labels(labels, int(labels.max()) + 1 if numeric else 2, name)
    classes = np.unique(labels)
    dev_size = check_positive_int(dev_size, "dev_size")
    test_fraction = check_real_in_range(
        test_fraction, "test_fraction", 0.0, 1.0, include_low=False, include_high=False
    )
    n_points = len(frame)
    n_test = int(round(test_fraction * n_points))
    if n_test < 2 or dev_size + n_test >= n_points:
        raise ValueError(
            f"dev_size={dev_size} and test_fraction={test_fraction} leave no unlabeled "
            f"training points (or no test points) of the {n_points}"
        )
    rng = np.random.default_rng(check_seed(seed))
    parts = {"train": [], "dev": [], "test": []}
    for label in classes:
        positions = rng.permutation(np.flatnonzero(labels == label))
        share = len(positions) / n_points
        n_class_test = int(round(n_test * share))
        n_class_dev = int(round(dev_size * share))
        parts["test"].append(positions[:n_class_test])
        parts["dev"].append(positions[n_class_test : n_class_test + n_class_dev])
        parts["train"].append(positions[n_class_test + n_class_dev :])
    return DataSplits(**{
        name: frame.iloc[np.sort(np.concatenate(indices))].reset_index(drop=True)
        for name, indices in parts.items()
    })

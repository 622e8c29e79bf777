"""A leaderboard of label models: the same LF sets, every model, four measures.

Each *task* is a set of LFs applied to data: votes on unlabeled training points
to fit on, votes and gold labels on test points to score on, and (for the real
data) a small labeled dev set, which the label models use only to decide which
class is which.  :func:`label_model_leaderboard` fits every contender of
:data:`CONTENDERS` on every task and reports test accuracy (with its standard
error), F1 of the positive class, expected calibration error and fit time.

The tasks (:func:`leaderboard_tasks`):

- ``tutorial``: the tutorial's simulated setting, where the symmetric model's
  assumptions hold exactly;
- ``simulated one-sided``: simulated one-sided LFs with class-dependent coverage
  and accuracy and an imbalanced prior (:func:`~dataprog_helpers.make_one_sided_label_matrix`);
- ``tumours, one-sided`` and ``tumours, two-sided``: notebook 6's LFs on the
  breast cancer data (:mod:`~dataprog_helpers.tumour_lfs`);
- ``YouTube spam``: ten keyword and regex LFs on the YouTube Spam Collection
  (:mod:`~dataprog_helpers.spam_lfs`), on the literature's split.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis import majority_vote, majority_vote_proba
from ..datasets import youtube_spam_splits
from ..label_model import ClassConditionalLabelModel, LabelModel
from ..labeling import apply_lfs
from ..scores import accuracy, binomial_standard_error, expected_calibration_error, f1_score
from ..utils.validation import check_positive_int
from .datasets import load_breast_cancer_frame, split_dev_test
from .experiment import median_seconds
from .spam_lfs import SPAM_LFS
from .synthetic import make_one_sided_label_matrix, make_tutorial_data
from .tumour_lfs import one_sided_tumour_lfs, two_sided_tumour_lfs

__all__ = [
    "CONTENDERS",
    "DEFAULT",
    "GOLD_FITTED",
    "LabelingTask",
    "label_model_leaderboard",
    "leaderboard_tasks",
    "tumour_tasks",
]

#: The gold-fitted reference: the class-conditional model with its parameters counted
#: on the gold labels of the training points.  What this model makes of these LFs
#: when its parameters are known, not an upper bound: where its assumptions fail,
#: majority vote can beat it (the two-sided tumour LFs).
GOLD_FITTED = "gold-fitted reference"

#: The class-conditional model as it comes: EM from the majority vote, and of the full
#: tables and their symmetric special case, the one with the lower BIC.
DEFAULT = "class-conditional (default)"

#: The models ranked, in the order of the table: name -> a new, unfitted model (None
#: for majority vote, which fits nothing; the gold-fitted reference is fitted with fit_supervised).
#: The three "full tables" rows are the fitting routes of the full tables alone.
CONTENDERS = {
    "majority vote": None,
    "LabelModel (gradient)": lambda: LabelModel(class_prior="estimate"),
    "LabelModel (triplet)": lambda: LabelModel(class_prior="estimate", method="triplet"),
    DEFAULT: lambda: ClassConditionalLabelModel(),
    "full tables: EM from majority vote": lambda: ClassConditionalLabelModel(
        structure="class-conditional"),
    "full tables: moments": lambda: ClassConditionalLabelModel(
        method="moments", structure="class-conditional"),
    "full tables: EM from moments": lambda: ClassConditionalLabelModel(
        init="moments", structure="class-conditional"),
    GOLD_FITTED: lambda: ClassConditionalLabelModel(),
}


@dataclass(frozen=True)
class LabelingTask:
    """One set of LFs applied to one data set.

    Attributes
    ----------
    name, description : str
    L_train : ndarray of int8, shape (n_train, n_lfs)
        Votes on the training points, fitted on without their labels.
    y_train : ndarray of shape (n_train,)
        Their gold labels, used only by the gold-fitted reference.
    L_test, y_test : ndarrays of shapes (n_test, n_lfs) and (n_test,)
        Votes and gold labels of the test points, for the scores.
    L_dev, y_dev : ndarrays, or None
        A small labeled dev set: the label models use it to decide which class
        is which (and nothing else).
    cardinality : int or None
        None for two classes (signed votes and labels in {-1, +1}); k for a
        k-class task (votes in {-1 = abstain, 0, ..., k-1}, labels class indices;
        :mod:`~dataprog_helpers.course.class_leaderboard`).
    """

    name: str
    description: str
    L_train: np.ndarray
    y_train: np.ndarray
    L_test: np.ndarray
    y_test: np.ndarray
    L_dev: np.ndarray | None = None
    y_dev: np.ndarray | None = None
    cardinality: int | None = None


def _tutorial_task(seed: int) -> LabelingTask:
    data = make_tutorial_data(seed=seed)
    return LabelingTask(
        "tutorial", "the tutorial's simulated LFs: class-symmetric, voting independent of y",
        data.L_train, data.y_train, data.L_test, data.y_test)


def _one_sided_task(seed: int, n_train: int = 20_000, n_test: int = 10_000,
                    n_lfs: int = 10, prior: float = 0.3) -> LabelingTask:
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n_train + n_test) < prior, 1, -1).astype(np.int8)
    L, _ = make_one_sided_label_matrix(y, n_lfs, seed=seed)
    return LabelingTask(
        "simulated one-sided",
        f"{n_lfs} simulated LFs, one-sided with class-dependent coverage (a third two-sided "
        f"with class-dependent accuracy), prior {prior}",
        L[:n_train], y[:n_train], L[n_train:], y[n_train:])


def tumour_tasks(seed: int = 0) -> list[LabelingTask]:
    """Notebook 6's one-sided and two-sided tumour LFs on one random split, as two tasks.

    ``seed`` seeds the split (dev 40, test 30%, as in notebook 6, whose split is
    seed 0); the LFs' thresholds come from that split's dev tumours.
    """
    check_positive_int(seed, "seed", minimum=0)
    splits = split_dev_test(load_breast_cancer_frame(), dev_size=40, test_fraction=0.3,
                            seed=seed)
    tasks = []
    for name, lfs in (("tumours, one-sided", one_sided_tumour_lfs(splits.dev)),
                      ("tumours, two-sided", two_sided_tumour_lfs(splits.dev))):
        L_train, L_dev, L_test = (apply_lfs(lfs, part)
                                  for part in (splits.train, splits.dev, splits.test))
        tasks.append(LabelingTask(
            name, f"notebook 6's {len(lfs)} {name.split(', ')[1]} LFs on the breast cancer data",
            L_train, splits.train.y.to_numpy(), L_test, splits.test.y.to_numpy(),
            L_dev, splits.dev.y.to_numpy()))
    return tasks


def _youtube_task() -> LabelingTask:
    splits = youtube_spam_splits()
    lfs = list(SPAM_LFS)
    L_train, L_dev, L_test = (apply_lfs(lfs, part)
                              for part in (splits.train, splits.dev, splits.test))
    return LabelingTask(
        "YouTube spam",
        "ten keyword and regex LFs on the YouTube comments (the literature's split)",
        L_train, splits.train.y.to_numpy(), L_test, splits.test.y.to_numpy(),
        L_dev, splits.dev.y.to_numpy())


def leaderboard_tasks(seed: int = 0) -> list[LabelingTask]:
    """The five tasks of the module docstring.

    ``seed`` seeds the simulations and the tumour split; the YouTube split is the
    literature's (seed 123).
    """
    check_positive_int(seed, "seed", minimum=0)
    return [_tutorial_task(seed), _one_sided_task(seed), *tumour_tasks(seed),
            _youtube_task()]


def _fit(name: str, task: LabelingTask):
    model = CONTENDERS[name]()
    if name == GOLD_FITTED:
        return model.fit_supervised(task.L_train, task.y_train)
    if task.L_dev is None:
        return model.fit(task.L_train)
    return model.fit(task.L_train, task.L_dev, task.y_dev)


def _row(task: LabelingTask, name: str, repeats: int) -> dict:
    """One contender on one task: scores, fit time and what went wrong, if anything."""
    row = {"task": task.name, "model": name, "note": ""}
    if CONTENDERS[name] is None:
        predictions, probabilities = majority_vote(task.L_test), majority_vote_proba(task.L_test)
        seconds = np.nan
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model = _fit(name, task)
            except ValueError as error:  # e.g. LFs the model cannot identify
                return {**row, "accuracy": np.nan, "accuracy SE": np.nan, "F1": np.nan,
                        "calibration error": np.nan, "fit seconds": np.nan,
                        "note": f"refused: {str(error).split(';')[0]}"}
        row["note"] = "; ".join(sorted({type(warning.message).__name__ for warning in caught}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds = median_seconds(lambda: _fit(name, task), repeats)
        predictions, probabilities = model.predict(task.L_test), model.predict_proba(task.L_test)
    score = accuracy(task.y_test, predictions)
    return {
        **row,
        "accuracy": score,
        "accuracy SE": float(binomial_standard_error(score, task.y_test.shape[0])),
        "F1": f1_score(task.y_test, predictions),
        "calibration error": expected_calibration_error(task.y_test, probabilities),
        "fit seconds": seconds,
    }


def label_model_leaderboard(tasks: list[LabelingTask] | None = None,
                            repeats: int = 3) -> pd.DataFrame:
    """Every contender of :data:`CONTENDERS` on every task.

    Parameters
    ----------
    tasks : list of LabelingTask, optional
        Default: :func:`leaderboard_tasks`.
    repeats : int, default 3
        Fits timed per contender and task, after untimed ones (any compilation
        happens there); the median is reported.

    Returns
    -------
    pandas.DataFrame
        One row per task and contender, with columns ``task``, ``model``,
        ``accuracy`` (test accuracy, ties and points without votes half right),
        ``accuracy SE`` (its binomial standard error on this test set), ``F1``
        (of the positive class), ``calibration error`` (expected calibration
        error of P(y = +1), 10 bins; for majority vote, of the share of +1
        votes), ``fit seconds`` (NaN for majority vote) and ``note`` (the kinds
        of warnings the fit gave, or why the model refused the LFs).
    """
    repeats = check_positive_int(repeats, "repeats")
    if tasks is None:
        tasks = leaderboard_tasks()
    if not tasks or not all(isinstance(task, LabelingTask) for task in tasks):
        raise TypeError("tasks must be a non-empty list of LabelingTask")
    rows = [_row(task, name, repeats) for task in tasks for name in CONTENDERS]
    return pd.DataFrame(rows, columns=["task", "model", "accuracy", "accuracy SE", "F1",
                                       "calibration error", "fit seconds", "note"])

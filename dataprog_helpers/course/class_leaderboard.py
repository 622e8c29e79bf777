"""A leaderboard of label models for k classes: the same LF sets, every model, paired.

The k-class counterpart of :mod:`~dataprog_helpers.course.leaderboard`.  Each task
(:func:`class_leaderboard_tasks`) is a :class:`~dataprog_helpers.course.leaderboard.LabelingTask`
with ``cardinality`` set and labels that are class indices:

- ``YouTube topics``: which video a comment was posted under (k = 5), with the ten
  one-sided artist and song LFs of :mod:`~dataprog_helpers.course.topic_lfs`; 85% of
  the comments get no vote;
- ``wine``: the three cultivars (k = 3), with the 26 one-sided median LFs of
  :mod:`~dataprog_helpers.course.wine_lfs`, thresholds from 30 dev wines;
- ``simulated keyword LFs``: 16 correlated one-sided LFs over six classes
  (:mod:`~dataprog_helpers.course.keyword_simulation`), where plain Dawid-Skene EM
  gives the points without votes to one class.

:func:`class_label_model_leaderboard` fits every contender of :data:`CLASS_CONTENDERS`
and scores it on the task's test points beside majority vote, *paired*: the mean of
(model right) - (majority vote right) over the same points, with its standard error.
Majority vote breaks its ties at random and is scored by its expected accuracy
(1 / the number of tied classes; 1 / k without votes).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..analysis import class_vote_counts
from ..datasets import load_youtube_spam
from ..label_model import ClassConditionalLabelModel
from ..utils.validation import check_positive_int
from .datasets import load_wine_frame, split_dev_test
from .experiment import median_seconds
from .keyword_simulation import sample_keyword_label_matrix
from .leaderboard import GOLD_FITTED, LabelingTask
from .topic_lfs import TOPIC_LFS, video_classes
from .wine_lfs import wine_lfs

__all__ = [
    "CLASS_CONTENDERS",
    "class_label_model_leaderboard",
    "class_leaderboard_tasks",
    "majority_vote_expected_scores",
]

#: The models ranked, in the order of the table: name -> a new model for k classes
#: (None for majority vote, which fits nothing; the reference uses fit_supervised).
CLASS_CONTENDERS = {
    "majority vote": None,
    "symmetric (one accuracy per LF)": lambda k: ClassConditionalLabelModel(
        cardinality=k, structure="symmetric"),
    "full tables": lambda k: ClassConditionalLabelModel(
        cardinality=k, structure="class-conditional"),
    "class-conditional (default)": lambda k: ClassConditionalLabelModel(cardinality=k),
    GOLD_FITTED: lambda k: ClassConditionalLabelModel(cardinality=k),
}


def majority_vote_expected_scores(label_matrix: np.ndarray, y: np.ndarray,
                                  cardinality: int) -> np.ndarray:
    """Each point's expected score under majority vote with ties broken at random.

    1 / t where y is among the t most-voted classes, 0 elsewhere; a point without
    votes ties all k classes (1 / k).
    """
    counts = class_vote_counts(label_matrix, cardinality)
    top = counts == counts.max(axis=1, keepdims=True)
    return top[np.arange(len(y)), y] / top.sum(axis=1)


def _votes(lfs, frame: pd.DataFrame) -> np.ndarray:
    """The k-class votes of vectorised LFs on a frame, one column per LF.

    By hand because :func:`~dataprog_helpers.apply_lfs` takes two-class votes only;
    k-class LFs go through it once it takes ``classes=`` (issue 27)."""
    return np.column_stack([lf(frame) for lf in lfs]).astype(np.int8)


def _split_task(name: str, description: str, frame: pd.DataFrame, cardinality: int, lfs_of,
                dev_size: int, seed: int) -> LabelingTask:
    splits = split_dev_test(frame, dev_size=dev_size, test_fraction=0.3, seed=seed)
    lfs = lfs_of(splits.dev)
    return LabelingTask(name, description, _votes(lfs, splits.train),
                        splits.train.y.to_numpy(), _votes(lfs, splits.test),
                        splits.test.y.to_numpy(), _votes(lfs, splits.dev),
                        splits.dev.y.to_numpy(), cardinality=cardinality)


def class_leaderboard_tasks(seed: int = 0) -> list[LabelingTask]:
    """The three k-class tasks of the module docstring, for one split or draw.

    ``seed`` seeds the stratified splits (dev 100 comments or 30 wines, test 30%)
    and the simulation (training draw ``2 seed``, 5,000 points; test draw
    ``2 seed + 1``, 4,000 points).
    """
    seed = check_positive_int(seed, "seed", minimum=0)
    comments = load_youtube_spam().assign(y=lambda frame: video_classes(frame))
    L_train, y_train = sample_keyword_label_matrix(5000, seed=2 * seed)
    L_test, y_test = sample_keyword_label_matrix(4000, seed=2 * seed + 1)
    return [
        _split_task("YouTube topics", "the video of a comment (k = 5), ten artist and song "
                    "keyword LFs", comments, 5, lambda dev: list(TOPIC_LFS), 100, seed),
        _split_task("wine", "the cultivar (k = 3), 26 one-sided median LFs from the dev wines",
                    load_wine_frame(), 3, wine_lfs, 30, seed),
        LabelingTask("simulated keyword LFs", "16 correlated one-sided keyword LFs over six "
                     "classes", L_train, y_train, L_test, y_test, cardinality=6),
    ]


def _fit(name: str, task: LabelingTask):
    model = CLASS_CONTENDERS[name](task.cardinality)
    if name == GOLD_FITTED:
        return model.fit_supervised(task.L_train, task.y_train)
    if task.L_dev is None:
        return model.fit(task.L_train)
    return model.fit(task.L_train, task.L_dev, task.y_dev)


def _row(task: LabelingTask, name: str, majority: np.ndarray, repeats: int) -> dict:
    """One contender on one task: accuracy, the paired difference with majority vote,
    accuracy on the points with votes, fit time and the kinds of warnings."""
    voted = (task.L_test >= 0).any(axis=1)
    row = {"task": task.name, "model": name, "note": ""}
    if CLASS_CONTENDERS[name] is None:
        scores, seconds = majority, np.nan
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = _fit(name, task)
        row["note"] = "; ".join(sorted({type(warning.message).__name__ for warning in caught}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds = median_seconds(lambda: _fit(name, task), repeats)
        scores = (model.predict(task.L_test) == task.y_test).astype(np.float64)
    paired = scores - majority
    return {
        **row,
        "accuracy": float(scores.mean()),
        "minus majority vote": float(paired.mean()),
        "paired SE": float(paired.std(ddof=1) / np.sqrt(paired.size)),
        "accuracy, voted points": float(scores[voted].mean()),
        "fit seconds": seconds,
    }


def class_label_model_leaderboard(tasks: list[LabelingTask] | None = None,
                                  repeats: int = 3) -> pd.DataFrame:
    """Every contender of :data:`CLASS_CONTENDERS` on every k-class task.

    Parameters
    ----------
    tasks : list of LabelingTask with ``cardinality`` set, optional
        Default: :func:`class_leaderboard_tasks`.
    repeats : int, default 3
        Fits timed per contender and task, after an untimed one; the median is
        reported.

    Returns
    -------
    pandas.DataFrame
        One row per task and contender, with columns ``task``, ``model``,
        ``accuracy`` (test accuracy; majority vote's expected one with ties broken at
        random), ``minus majority vote`` and ``paired SE`` (the mean difference from
        majority vote on the same test points, and its standard error),
        ``accuracy, voted points`` (on the test points with at least one vote),
        ``fit seconds`` (NaN for majority vote) and ``note`` (the kinds of warnings
        the fit gave).

    Examples
    --------
    >>> from dataprog_helpers.course.class_leaderboard import (
    ...     class_label_model_leaderboard, class_leaderboard_tasks)
    >>> wine = [task for task in class_leaderboard_tasks(0) if task.name == "wine"]
    >>> table = class_label_model_leaderboard(wine, repeats=1)
    >>> list(table["model"])[:2]
    ['majority vote', 'symmetric (one accuracy per LF)']
    """
    repeats = check_positive_int(repeats, "repeats")
    if tasks is None:
        tasks = class_leaderboard_tasks()
    if not tasks or not all(isinstance(task, LabelingTask) and task.cardinality
                            for task in tasks):
        raise TypeError("tasks must be a non-empty list of LabelingTask with cardinality set")
    rows = []
    for task in tasks:
        majority = majority_vote_expected_scores(task.L_test, task.y_test, task.cardinality)
        rows += [_row(task, name, majority, repeats) for name in CLASS_CONTENDERS]
    return pd.DataFrame(rows, columns=["task", "model", "accuracy", "minus majority vote",
                                       "paired SE", "accuracy, voted points", "fit seconds",
                                       "note"])

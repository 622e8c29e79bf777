"""One round of the loop of writing labeling functions: apply, summarise, inspect.

Writing LFs is a loop: write a few, look at how they vote on the unlabeled set
(coverage, overlaps, conflicts) and how often they are right on a small labeled
dev set, read the dev examples they get wrong and the ones no LF covers, then
refine or add an LF and measure again.  :class:`LFDevelopmentRound` is one turn
of that loop: it applies the LFs once and answers each of those questions with
a table.

Every dev accuracy comes with its 95% Wilson interval
(:func:`~dataprog_helpers.scores.wilson_interval`): an LF that votes on 15 dev
examples is measured to about +/- 0.2, and one right on all 5 of its votes may be
right on as few as 57% of such points, which a standard error (0 there) would
hide.  Small differences between rounds are noise, and choosing LFs by many such
comparisons overfits the dev set; compare two rounds' predictions on the same dev
points paired (:func:`~dataprog_helpers.compare_predictions`).

For k classes, pass ``classes``: the LFs return class names (or
:data:`~dataprog_helpers.ABSTAIN`), the dev frame's labels are class names, and
every table shows names; :meth:`LFDevelopmentRound.confusion` shows how an LF's
dev votes fall across the gold classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .analysis import lf_summary, majority_vote, majority_vote_proba
from .label_model import ClassConditionalLabelModel
from .labeling import apply_lfs, lf_names
from .scores import accuracy, wilson_interval
from .utils.validation import check_labels

__all__ = ["LFDevelopmentRound"]

#: The class-conditional model identifies its parameters from at least three LFs.
MIN_LABEL_MODEL_LFS = 3


def _class_indices(labels: pd.Series, classes: list, name: str) -> np.ndarray:
    """Dev labels as class indices: given as class names, or as the indices 0 to k-1
    themselves (where no class name is a number, so neither can be read as the other)."""
    indices = pd.Index(classes).get_indexer(labels)
    numeric_names = any(isinstance(value, (int, float, np.number)) for value in classes)
    values = labels.to_numpy()
    if ((indices < 0).any() and not numeric_names and np.issubdtype(values.dtype, np.integer)
            and values.size and values.min() >= 0 and values.max() < len(classes)):
        return values.astype(np.int64)
    unknown = np.flatnonzero(indices < 0)
    if unknown.size:
        shown = labels.iloc[unknown[0]]
        shown = shown.item() if isinstance(shown, np.generic) else shown
        raise ValueError(f"{name} holds {shown!r} (row {unknown[0]}), which "
                         f"is neither one of classes={classes} nor a class index 0 to "
                         f"{len(classes) - 1}")
    return indices.astype(np.int64)


class LFDevelopmentRound:
    """A set of LFs applied to an unlabeled and a dev frame, with the tables to judge it.

    Parameters
    ----------
    lfs : sequence of callables
        The labeling functions (each ``lf(row) -> int`` in {-1, 0, +1}; with
        ``classes``, a class name or ABSTAIN).
    unlabeled : pandas.DataFrame
        The rows the label model will learn from; their labels, if any, are not read.
    dev : pandas.DataFrame
        A small labeled frame, with gold labels in {-1, +1} in ``label_column``
        (with ``classes``: class names, or class indices 0 to k-1 where no name is a
        number).
    label_column : str, default "y"
    text_column : str, default "text"
        The column :meth:`mistakes` and :meth:`uncovered` show.
    classes : sequence of k >= 3 names, optional, keyword-only
        For k classes, as :func:`~dataprog_helpers.apply_lfs` takes them.  The
        label model is then ``ClassConditionalLabelModel(cardinality=k)``, and
        the dev labels say which of its classes is which (nothing else is learned
        from them).

    Attributes
    ----------
    names : list of str
        The LFs' names.
    unlabeled_label_matrix : ndarray of int8, shape (n_unlabeled, n_lfs)
    dev_label_matrix : ndarray of int8, shape (n_dev, n_lfs)
    dev_labels : ndarray of shape (n_dev,)
        In {-1, +1}, or with ``classes`` the class indices 0 to k-1.
    classes : list or None
        The class names (``classes``), or None for two classes.
    label_model : ClassConditionalLabelModel or None
        Fitted on the columns of ``unlabeled_label_matrix`` of the LFs that vote
        at least once there (an LF that never votes has nothing to learn from);
        None if fewer than three LFs vote (the model's parameters need three).
    label_model_lfs : list of str
        The names of those LFs, the columns ``label_model`` expects.
    """

    def __init__(self, lfs: Sequence[Callable], unlabeled: pd.DataFrame, dev: pd.DataFrame,
                 label_column: str = "y", text_column: str = "text", *,
                 classes: Sequence | None = None) -> None:
        for name, frame in (("unlabeled", unlabeled), ("dev", dev)):
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
        for column in (label_column, text_column):
            if column not in dev.columns:
                raise ValueError(f"dev has no column {column!r}; its columns are "
                                 f"{list(dev.columns)}")
        self.lfs = list(lfs)
        self.names = lf_names(self.lfs)
        self.text_column = text_column
        self.dev = dev
        self.unlabeled_label_matrix = apply_lfs(self.lfs, unlabeled, progress=False,
                                                classes=classes)
        self.classes = None if classes is None else list(classes)
        self.dev_label_matrix = apply_lfs(self.lfs, dev, progress=False, classes=classes)
        labels = dev[label_column]
        if classes is None:
            self.dev_labels = check_labels(labels.to_numpy(), f"dev[{label_column!r}]")
        else:
            self.dev_labels = _class_indices(labels, self.classes, f"dev[{label_column!r}]")
        voting = (self.unlabeled_label_matrix != self._no_vote).any(axis=0)
        self._label_model_columns = np.flatnonzero(voting)
        self.label_model_lfs = [self.names[j] for j in self._label_model_columns]
        self.label_model = None
        if voting.sum() >= MIN_LABEL_MODEL_LFS and classes is None:
            self.label_model = ClassConditionalLabelModel().fit(
                self.unlabeled_label_matrix[:, voting])
        elif voting.sum() >= MIN_LABEL_MODEL_LFS:
            self.label_model = ClassConditionalLabelModel(cardinality=len(self.classes)).fit(
                self.unlabeled_label_matrix[:, voting], self.dev_label_matrix[:, voting],
                self.dev_labels)

    @property
    def _no_vote(self) -> int:
        """An abstention in the label matrices: 0 (signed votes), -1 (k classes)."""
        return 0 if self.classes is None else -1

    @property
    def _cardinality(self) -> int | None:
        return None if self.classes is None else len(self.classes)

    def _name(self, label: int):
        """A label or class index as shown: the class's name for k classes."""
        return int(label) if self.classes is None else self.classes[label]

    def report(self) -> pd.DataFrame:
        """One row per LF: how it votes on the unlabeled rows and how often it is right on dev.

        Columns: ``polarity``, ``coverage``, ``overlaps``, ``conflicts`` (on the
        unlabeled rows, see :func:`~dataprog_helpers.lf_summary`), ``dev votes``,
        ``dev accuracy`` and its 95% Wilson interval ``dev accuracy low`` to
        ``dev accuracy high`` (NaN for an LF that never votes on dev).
        """
        unlabeled = lf_summary(self.unlabeled_label_matrix, lf_names=self.names,
                               cardinality=self._cardinality)
        dev = lf_summary(self.dev_label_matrix, self.dev_labels, lf_names=self.names,
                         cardinality=self._cardinality)
        report = unlabeled[["polarity", "coverage", "overlaps", "conflicts"]].copy()
        if self.classes is not None:
            report["polarity"] = [[self._name(c) for c in classes]
                                  for classes in report["polarity"]]
        report["dev votes"] = dev["votes"]
        report["dev accuracy"] = dev["accuracy"]
        report["dev accuracy low"], report["dev accuracy high"] = wilson_interval(
            dev["accuracy"].to_numpy(dtype=np.float64), dev["votes"].to_numpy())
        return report

    def summary(self) -> pd.Series:
        """The round in one line: LFs, coverage of the unlabeled rows, dev accuracies.

        ``dev majority vote`` counts a tie (or no vote at all) as half right;
        ``dev label model`` is the class-conditional model fitted on the
        unlabeled rows (NaN without a label model).  Each has its 95% Wilson
        interval on the ``dev points`` (``... low`` to ``... high``).
        """
        if self.classes is None:
            vote = accuracy(self.dev_labels, majority_vote(self.dev_label_matrix))
        else:  # ties shared among the tied classes, as accuracy's ties="half" shares two
            shares = majority_vote_proba(self.dev_label_matrix, cardinality=self._cardinality)
            vote = float(shares[np.arange(self.dev_labels.size), self.dev_labels].mean())
        model = (np.nan if self.label_model is None else self.label_model.score(
            self.dev_label_matrix[:, self._label_model_columns], self.dev_labels))
        n_dev = len(self.dev_labels)
        (vote_low, model_low), (vote_high, model_high) = wilson_interval([vote, model], n_dev)
        return pd.Series({
            "LFs": len(self.lfs),
            "coverage": float((self.unlabeled_label_matrix != self._no_vote).any(axis=1).mean()),
            "dev points": n_dev,
            "dev majority vote": vote,
            "majority vote low": float(vote_low), "majority vote high": float(vote_high),
            "dev label model": model,
            "label model low": float(model_low), "label model high": float(model_high),
        })

    def dev_predictions(self) -> np.ndarray:
        """The label model's predictions on the dev rows: -1 or +1 (0 for a tie), int8.

        For a paired comparison of two rounds on the same dev rows
        (:func:`~dataprog_helpers.compare_predictions`).  Without a label model
        (fewer than three voting LFs), majority vote's.  For k classes, class
        indices (majority vote's ties drawn at random, seeded).
        """
        if self.label_model is None:
            if self.classes is not None:
                return majority_vote(self.dev_label_matrix, cardinality=self._cardinality,
                                     ties="random")
            return majority_vote(self.dev_label_matrix)
        return self.label_model.predict(self.dev_label_matrix[:, self._label_model_columns])

    def mistakes(self, lf: str | None = None) -> pd.DataFrame:
        """The dev rows an LF votes on wrongly: columns ``lf``, ``vote``, ``label`` and the text.

        Parameters
        ----------
        lf : str, optional
            One LF's name; by default every LF's mistakes, in the order of the LFs.
        """
        if lf is not None and lf not in self.names:
            raise ValueError(f"lf must be one of this round's LFs {self.names}, got {lf!r}")
        rows = []
        for j, name in enumerate(self.names):
            if lf is not None and name != lf:
                continue
            votes = self.dev_label_matrix[:, j]
            for i in np.flatnonzero((votes != self._no_vote) & (votes != self.dev_labels)):
                rows.append({"lf": name, "vote": self._name(votes[i]),
                             "label": self._name(self.dev_labels[i]),
                             self.text_column: self.dev[self.text_column].iloc[i]})
        return pd.DataFrame(rows, columns=["lf", "vote", "label", self.text_column])

    def confusion(self, lf: str) -> pd.DataFrame:
        """How one LF's dev votes fall across the gold classes.

        Rows are the gold labels (class names for k classes), columns the LF's
        votes and ``"abstain"``; each entry counts dev rows.  The diagonal holds
        its right votes, the rest of a column the classes it mistakes for that one.
        """
        if lf not in self.names:
            raise ValueError(f"lf must be one of this round's LFs {self.names}, got {lf!r}")
        votes = self.dev_label_matrix[:, self.names.index(lf)]
        labels = [-1, 1] if self.classes is None else list(range(len(self.classes)))
        shown = [self._name(label) for label in labels]
        table = pd.DataFrame(0, index=pd.Index(shown, name="gold"),
                             columns=pd.Index([*shown, "abstain"], name=f"{lf} votes"))
        for gold, label in zip(labels, shown, strict=True):
            mine = votes[self.dev_labels == gold]
            for vote, column in zip(labels, shown, strict=True):
                table.loc[label, column] = int(np.sum(mine == vote))
            table.loc[label, "abstain"] = int(np.sum(mine == self._no_vote))
        return table

    def uncovered(self) -> pd.DataFrame:
        """The dev rows on which every LF abstains: columns ``label`` and the text."""
        nobody = ~(self.dev_label_matrix != self._no_vote).any(axis=1)
        return pd.DataFrame({"label": [self._name(label) for label in self.dev_labels[nobody]],
                             self.text_column: self.dev[self.text_column].to_numpy()[nobody]})

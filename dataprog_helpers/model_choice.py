"""Choose a label model on dev labels, with a paired test, and fall back to majority vote.

No label model is right on every set of labeling functions: the class-conditional
model wins where LFs are one-sided and fairly independent, majority vote where they
are correlated or cover few points, and a model whose assumptions fail can lose to
majority vote by a lot (the course measures both).  The gold labels a practitioner
has for that decision are the few dev labels, so the decision is made there, by a
procedure stated in advance:

1. fit every candidate on the label matrix (the dev labels may orient its classes);
2. predict the dev points with each, and with majority vote;
3. compare each candidate with majority vote on those points, paired
   (:func:`~dataprog_helpers.compare_predictions`: McNemar's exact test);
4. keep majority vote unless a candidate is more accurate with p below
   ``alpha / n_candidates`` (Bonferroni: several candidates are tested against the
   same baseline); among those that are, take the most accurate on dev.

Majority vote is the default because it has no parameters to get wrong: a model
replaces it only on evidence.  With 100 dev labels that evidence needs a large gap
(the course measures how large), so the procedure often keeps majority vote, and
says so, rather than trusting a difference of a few points.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone

from .analysis import majority_vote, majority_vote_proba
from .comparison import PredictionComparison, compare_predictions
from .utils.caller_warnings import warn_at_caller
from .utils.validation import (
    check_class_labels,
    check_label_matrix,
    check_labels,
    check_real_in_range,
    check_same_length,
    check_seed,
)

__all__ = ["MAJORITY_VOTE", "LabelModelChoice", "default_candidates", "select_label_model"]

#: The name of the fallback in :class:`LabelModelChoice`'s table.
MAJORITY_VOTE = "majority vote"


def default_candidates(cardinality: int | None = None, seed: int = 0) -> dict:
    """The label models :func:`select_label_model` tries unless told otherwise, unfitted.

    Two classes: the symmetric model (:class:`~dataprog_helpers.LabelModel`, one
    accuracy per LF) and the class-conditional model
    (:class:`~dataprog_helpers.ClassConditionalLabelModel`, its structure chosen by
    BIC).  k classes: the class-conditional model with its symmetric structure (one
    accuracy per LF) and with full tables.
    """
    from .label_model import ClassConditionalLabelModel, LabelModel

    if cardinality is None:
        return {"symmetric": LabelModel(seed=seed),
                "class-conditional": ClassConditionalLabelModel(seed=seed)}
    return {name: ClassConditionalLabelModel(cardinality=cardinality, structure=name,
                                             seed=seed)
            for name in ("symmetric", "class-conditional")}


@dataclass(frozen=True)
class LabelModelChoice:
    """What :func:`select_label_model` chose, and the evidence.

    Attributes
    ----------
    name : str
        The chosen contender: ``"majority vote"`` or a candidate's name.
    model : estimator or None
        The chosen candidate, fitted; None for majority vote.
    table : pandas.DataFrame
        One row per contender (majority vote first): ``dev accuracy``, and for each
        candidate its ``difference`` from majority vote on the dev points, the 95%
        paired-bootstrap ``interval low`` and ``interval high``, McNemar's
        ``p-value``, ``only it right`` and ``only majority vote right`` (point
        counts), and ``better`` (its p-value below the Bonferroni threshold and its
        difference above 0).  The chosen row has ``chosen`` True.
    comparisons : dict of str to PredictionComparison
        Each candidate against majority vote (a = the candidate, b = majority vote).
    models : dict of str to estimator
        Every candidate, fitted.
    threshold : float
        The p-value a candidate had to beat: ``alpha / n_candidates``.
    cardinality : int or None
        None for the signed binary convention, else k.
    """

    name: str
    model: object | None
    table: pd.DataFrame
    comparisons: dict[str, PredictionComparison]
    models: dict = field(repr=False)
    threshold: float
    cardinality: int | None

    def predict_proba(self, label_matrix) -> np.ndarray:
        """The chosen contender's probabilities: (n,) P(y = +1), or (n, k)."""
        if self.model is None:
            return majority_vote_proba(label_matrix, cardinality=self.cardinality)
        return self.model.predict_proba(label_matrix)

    def predict(self, label_matrix) -> np.ndarray:
        """The chosen contender's predictions: -1/+1 (0 for a tie), or class indices (-1
        for a k-class majority-vote tie)."""
        if self.model is None:
            return majority_vote(label_matrix, cardinality=self.cardinality)
        return self.model.predict(label_matrix)

    def __str__(self) -> str:
        rows = [f"chosen on {self.comparisons[next(iter(self.comparisons))].n_points} dev "
                f"labels: {self.name} (a candidate must beat majority vote with "
                f"p < {self.threshold:.3g})"]
        rows += [f"  {name}: {comparison}" for name, comparison in self.comparisons.items()]
        return "\n".join(rows)


def select_label_model(label_matrix, dev_label_matrix, dev_labels, cardinality: int | None = None,
                       candidates: Mapping | None = None, alpha: float = 0.05,
                       n_bootstrap: int = 2000, seed: int = 0) -> LabelModelChoice:
    """Choose between majority vote and label models on dev labels, with a paired test.

    Parameters
    ----------
    label_matrix : array-like or dask.array.Array of shape (n_points, n_lfs)
        The votes the models are fitted on (no gold labels needed): signed
        {-1, 0 = abstain, +1}, or with ``cardinality=k`` {-1 = abstain, 0, ..., k-1}.
    dev_label_matrix : array-like of shape (n_dev, n_lfs)
        The same LFs' votes on the dev points.
    dev_labels : array-like of shape (n_dev,)
        Their gold labels: -1/+1, or class indices 0 to k-1.  They orient the
        candidates' classes (as in their ``fit``) and judge the contenders.
    cardinality : int, optional
        k, for k-class votes; must agree with the candidates'.
    candidates : mapping of str to estimator, optional
        Unfitted label models (anything with ``fit(label_matrix, dev_label_matrix,
        dev_labels)``, ``predict`` and ``predict_proba``), by name; each is cloned
        before fitting, so the ones passed stay unfitted.  E.g. a model with the
        dependencies you found, beside the same model without them.  Default:
        :func:`default_candidates`.
    alpha : float, default 0.05
        The test's level, shared among the candidates (Bonferroni).
    n_bootstrap : int, default 2000
        Resamples for each comparison's interval.
    seed : int, default 0
        Seed of the intervals, of majority vote's tie draws for k classes, and of
        the default candidates.  Two classes: a tie (0) counts half right, in the
        accuracy and in the test.  k classes: where classes tie, majority vote gets
        one of them at random (:func:`~dataprog_helpers.majority_vote`'s
        ``ties="random"``), which scores what sharing the point would.

    Returns
    -------
    LabelModelChoice
        ``name``, the fitted ``model`` (None for majority vote), the ``table`` of
        evidence, and ``predict_proba`` for the chosen contender's soft labels.

    Notes
    -----
    The dev labels serve twice: they orient each candidate's classes and then score
    it, which favours the candidates slightly (a wrong orientation would be seen
    and fixed before it is scored), so the bar above majority vote is a test, not
    the bare difference.  The test set plays no part: score the chosen contender
    there once, afterwards.

    Examples
    --------
    >>> import dataprog_helpers as dh
    >>> data = dh.course.make_tutorial_data(seed=0)
    >>> dev, test = slice(0, 200), slice(200, None)  # 200 of the held-out points as dev
    >>> choice = dh.select_label_model(data.L_train, data.L_test[dev], data.y_test[dev])
    >>> print(choice.table[["dev accuracy", "p-value", "chosen"]].round(3).rename_axis(None))
                       dev accuracy  p-value  chosen
    majority vote             0.652      NaN    True
    symmetric                 0.680    0.414   False
    class-conditional         0.680    0.417   False
    >>> choice.predict_proba(data.L_test[test]).shape == data.y_test[test].shape
    True

    Both models are 0.028 ahead on these 200 points, which a paired test cannot
    tell from noise (p = 0.41), so majority vote is kept.
    """
    alpha = check_real_in_range(alpha, "alpha", 0.0, 1.0, include_low=False,
                                include_high=False)
    seed = check_seed(seed)
    if candidates is None:
        candidates = default_candidates(cardinality, seed)
    if not isinstance(candidates, Mapping) or not candidates:
        raise TypeError("candidates must be a non-empty mapping of names to unfitted "
                        f"label models, got {type(candidates).__name__}")
    for name, candidate in candidates.items():
        if not isinstance(name, str) or name == MAJORITY_VOTE:
            raise ValueError(f"candidates: each name must be a string other than "
                             f"{MAJORITY_VOTE!r} (the fallback), got {name!r}")
        if not all(callable(getattr(candidate, method, None))
                   for method in ("fit", "predict", "predict_proba")):
            raise TypeError(f"candidates[{name!r}] must be a label model with fit, predict "
                            f"and predict_proba, got {type(candidate).__name__}")
        model_cardinality = getattr(candidate, "cardinality", None)
        if model_cardinality != cardinality:
            raise ValueError(f"candidates[{name!r}] has cardinality {model_cardinality} but "
                             f"cardinality is {cardinality}: they must agree")
    dev_label_matrix = check_label_matrix(dev_label_matrix, "dev_label_matrix",
                                          cardinality=cardinality)
    dev_labels = (check_labels(dev_labels, "dev_labels") if cardinality is None
                  else check_class_labels(dev_labels, cardinality, "dev_labels"))
    check_same_length(dev_label_matrix=dev_label_matrix, dev_labels=dev_labels)
    labels = "signed" if cardinality is None else "classes"

    # A k-class tie of majority vote (-1) is no class, which the paired test cannot
    # score: it gets one of the tied classes at random.  Binary ties stay 0 and count
    # half, in the accuracy and in the test.
    baseline = majority_vote(dev_label_matrix, cardinality=cardinality,
                             ties="abstain" if cardinality is None else "random", seed=seed)
    threshold = alpha / len(candidates)
    models, comparisons = {}, {}
    for name, candidate in candidates.items():
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            model = clone(candidate).fit(label_matrix, dev_label_matrix=dev_label_matrix,
                                         dev_labels=dev_labels)
        for warning in raised:  # said again with the candidate's name
            warn_at_caller(f"candidates[{name!r}]: {warning.message}", warning.category)
        models[name] = model
        comparisons[name] = compare_predictions(
            dev_labels, np.asarray(model.predict(dev_label_matrix)), baseline,
            n_bootstrap=n_bootstrap, seed=seed, labels=labels)
    better = {name: comparison.difference > 0 and comparison.p_value < threshold
              for name, comparison in comparisons.items()}
    winners = [name for name in comparisons if better[name]]
    chosen = max(winners, key=lambda name: comparisons[name].score_a, default=MAJORITY_VOTE)

    first = next(iter(comparisons.values()))
    rows = [{"contender": MAJORITY_VOTE, "dev accuracy": first.score_b}]
    for name, comparison in comparisons.items():
        low, high = comparison.interval
        rows.append({"contender": name, "dev accuracy": comparison.score_a,
                     "difference": comparison.difference, "interval low": low,
                     "interval high": high, "p-value": comparison.p_value,
                     "only it right": comparison.a_only.size,
                     "only majority vote right": comparison.b_only.size,
                     "better": better[name]})
    table = pd.DataFrame(rows).set_index("contender")
    table["chosen"] = table.index == chosen
    return LabelModelChoice(chosen, models.get(chosen), table, comparisons, models,
                            threshold, cardinality)

"""Which repair of k-class Dawid-Skene EM helps where: every candidate on every LF set.

Run with ``python benchmarks/class_conditional_robustness.py`` (``make benchmark``).
Issue 25 asked for each candidate tool to be measured on simulated misspecification
and on every real LF set, and the defaults chosen from that.  One run on this
machine, all variants on the same label matrices and test points, is printed as a
table: mean test accuracy, and under it the worst paired difference from majority
vote over the splits or seeds (ties broken at random, scored by expectation).

The candidates, all k-class EM from the majority vote on the full tables
(:mod:`dataprog_helpers.label_model.multiclass`):

- ``plain``: Dawid and Skene's EM;
- ``covered only``: EM on the points with at least one vote;
- ``uniform prior``: the class prior fixed at 1/k (Snorkel's default);
- ``Dirichlet 1`` / ``Dirichlet 10``: that many pseudo-counts in every cell of the tables;
- ``diagonal 3``: 3 pseudo-counts on "the LF votes the true class" (LFs better than
  chance), for the classes each LF votes;
- ``abstention ignored``: the plain fit, with abstentions left out of the posterior
  (what Snorkel's ``predict_proba`` does);
- ``share, forced``: the inapplicable share, always kept;
- ``default``: ``ClassConditionalLabelModel(cardinality=k)`` as it comes (the share on
  strong evidence, the structure by BIC); for two classes the package's signed
  ``ClassConditionalLabelModel()``, its P(y = +1) > 1/2 read as class 1.

The tasks: the simulated correlated keyword LFs and the seldom-voted class
(:mod:`dataprog_helpers.course.keyword_simulation`, 5 seeds each), the YouTube
topics and wine (:mod:`dataprog_helpers.course.class_leaderboard`, 10 splits), and
the binary leaderboard's real LF sets as k = 2 (YouTube spam on the literature's
split, the tumour LFs on 10 splits; for two classes the package's default is the
separate signed model, so the other rows there show the k-class engine with k = 2).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.class_leaderboard import (  # noqa: E402
    class_leaderboard_tasks,
    majority_vote_expected_scores,
)
from dataprog_helpers.course.keyword_simulation import (  # noqa: E402
    sample_keyword_label_matrix,
    sample_seldom_voted_label_matrix,
)
from dataprog_helpers.course.leaderboard import leaderboard_tasks, tumour_tasks  # noqa: E402
from dataprog_helpers.label_model.class_posterior import ClassPosterior  # noqa: E402
from dataprog_helpers.label_model.class_structures import FullTables  # noqa: E402
from dataprog_helpers.label_model.multiclass import (  # noqa: E402
    VoteIndicators,
    expectation_maximisation,
)

MARGIN, TOL, MAX_ITER = 1e-4, 1e-6, 3000


class PseudoCounts:
    """Full tables with pseudo-counts added before normalising (a Dirichlet prior)."""

    name = "class-conditional"

    def __init__(self, everywhere: float = 0.0, diagonal: float = 0.0) -> None:
        self.everywhere, self.diagonal = everywhere, diagonal

    def tables(self, counts: np.ndarray) -> np.ndarray:
        counts = counts + self.everywhere
        if self.diagonal:
            k = counts.shape[1]
            voted = counts[:, :, 1:].sum(axis=1) > self.everywhere * k  # classes it votes
            for c in range(k):
                counts[:, c, c + 1] += self.diagonal * voted[:, c]
        return FullTables.tables(counts)


def _em(label_matrix, k, structure=FullTables, prior=None, inapplicable=False):
    result = expectation_maximisation(VoteIndicators.from_label_matrix(label_matrix, k),
                                      structure, MARGIN, TOL, MAX_ITER, prior,
                                      inapplicable=inapplicable)
    return ClassPosterior(np.log(result.conditional_probabilities),
                          np.log(result.class_prior), result.inapplicable_share)


def _abstention_ignored(label_matrix, k):
    plain = _em(label_matrix, k)
    return ClassPosterior(plain.log_tables - plain.log_tables[:, :, :1], plain.log_prior)


VARIANTS = {
    "plain": lambda L, k: _em(L, k),
    "covered only": lambda L, k: _em(L[(L >= 0).any(axis=1)], k),
    "uniform prior": lambda L, k: _em(L, k, prior=np.full(k, 1.0 / k)),
    "Dirichlet 1": lambda L, k: _em(L, k, PseudoCounts(everywhere=1.0)),
    "Dirichlet 10": lambda L, k: _em(L, k, PseudoCounts(everywhere=10.0)),
    "diagonal 3": lambda L, k: _em(L, k, PseudoCounts(diagonal=3.0)),
    "abstention ignored": _abstention_ignored,
    "share, forced": lambda L, k: _em(L, k, inapplicable=True),
    "default": lambda L, k: _default(L, k),
}


class _SignedDefault:
    """The package's two-class default (signed votes), read as classes 0 and 1."""

    def __init__(self, label_matrix: np.ndarray) -> None:
        self.model = dh.ClassConditionalLabelModel().fit(dh.signed_label_matrix(label_matrix))

    def predict(self, label_matrix: np.ndarray) -> np.ndarray:
        probabilities = self.model.predict_proba(dh.signed_label_matrix(label_matrix))
        return (probabilities > 0.5).astype(int)


def _default(label_matrix: np.ndarray, k: int):
    if k == 2:  # cardinality=2 is refused: two classes take the signed model
        return _SignedDefault(label_matrix)
    return dh.ClassConditionalLabelModel(cardinality=k).fit(label_matrix).posterior()


def _classes(signed: np.ndarray) -> np.ndarray:
    """Signed votes or labels {-1, 0, +1} as classes {0, -1 (abstain), 1}."""
    return np.where(signed == 0, -1, (signed + 1) // 2).astype(np.int8)


def tasks():
    """(name, k, [(L_train, L_test, y_test), ...]) for every task."""
    yield "keyword LFs", 6, [sample_keyword_label_matrix(5000, seed=2 * s)[:1]
                             + sample_keyword_label_matrix(4000, seed=2 * s + 1)
                             for s in range(5)]
    yield "seldom-voted class", 3, [sample_seldom_voted_label_matrix(5000, seed=2 * s)[:1]
                                    + sample_seldom_voted_label_matrix(4000, seed=2 * s + 1)
                                    for s in range(5)]
    real = [class_leaderboard_tasks(seed)[:2] for seed in range(10)]
    for index, name, k in ((0, "YouTube topics", 5), (1, "wine", 3)):
        yield name, k, [(split[index].L_train, split[index].L_test, split[index].y_test)
                        for split in real]
    spam = [task for task in leaderboard_tasks(0) if task.name == "YouTube spam"][0]
    yield "spam (k = 2)", 2, [(_classes(spam.L_train), _classes(spam.L_test),
                               (spam.y_test == 1).astype(int))]
    splits = [tumour_tasks(seed) for seed in range(10)]
    for index, name in ((0, "tumours one-sided (k = 2)"), (1, "tumours two-sided (k = 2)")):
        yield name, 2, [(_classes(split[index].L_train), _classes(split[index].L_test),
                         (split[index].y_test == 1).astype(int)) for split in splits]


def main() -> None:
    accuracy, worst = {}, {}
    for name, k, draws in tasks():
        scores = {variant: [] for variant in ["majority vote", *VARIANTS]}
        for L_train, L_test, y_test in draws:
            majority = majority_vote_expected_scores(L_test, y_test, k)
            scores["majority vote"].append((majority.mean(), 0.0))
            for variant, fit in VARIANTS.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    right = fit(L_train, k).predict(L_test) == y_test
                scores[variant].append((right.mean(), (right - majority).mean()))
        accuracy[name] = {variant: np.mean([s[0] for s in v]) for variant, v in scores.items()}
        worst[name] = {variant: min(s[1] for s in v) for variant, v in scores.items()}
    pd.set_option("display.width", 220)
    print("Mean test accuracy (majority vote: ties at random, by expectation)")
    print(pd.DataFrame(accuracy).round(3).to_string())
    print("\nWorst paired difference from majority vote over the splits or seeds")
    print(pd.DataFrame(worst).round(3).to_string())


if __name__ == "__main__":
    main()

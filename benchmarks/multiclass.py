"""The class-conditional label model with k classes: recovery, real LF sets, speed.

Run with ``make benchmark`` (or ``python benchmarks/multiclass.py``; ``--quick`` for a
smoke run with fewer seeds and splits).

1. **Recovery** on simulated LFs (k = 4, 12 LFs: half one-sided with class-dependent
   firing, half multi-class with class-dependent coverage; prior (0.4, 0.3, 0.2, 0.1);
   n = 20,000), over seeds: mean |estimated - true| over the tables, the prior's
   largest error, and posterior accuracy minus the oracle's (the true parameters).
2. **Real LF sets**, each over random stratified splits (the label model fits the
   unlabeled part; everything is scored on the test part):
   - YouTube topics (k = 5): which video a comment was posted under, with the
     ten one-sided artist and song LFs of ``dataprog_helpers.course.topic_lfs``;
   - wine (k = 3): the 26 one-sided median LFs of ``dataprog_helpers.course.wine_lfs``,
     thresholds from each split's 30 dev wines.
   Majority vote is scored with its ties broken at random (its expected accuracy:
   1 / the number of tied classes; 1 / k without votes).  Both are also scored on
   the test points with at least one vote: on the others every model guesses.
   Beside it: the model, the model with the dev labels (orientation only), and the
   same model counted on the gold labels of the unlabeled part (the gold-fitted
   reference).  The paired
   difference model - majority vote is on the same test points, per split.
3. **Misspecified keyword LFs** (:mod:`dataprog_helpers.course.keyword_simulation`:
   k = 6, 16 correlated one-sided LFs, a rare class and a poorly covered one, about
   42% of the points without a vote), over seeds: majority vote, the model (which
   keeps an inapplicable share here), plain Dawid-Skene EM (the same tables without
   the share), and the gold-fitted reference, on 4,000 fresh test points, with the
   paired difference model - majority vote.
   Then a class the LFs seldom vote for (3 classes, prior (0.3, 0.3, 0.4); six LFs
   for classes 0 and 1, each firing on 40% of its class and 4% of the other; class 2
   with no LF or one that fires on 5%, 10% or 30% of it and 2% of the rest), where
   the points without votes are the evidence for class 2: how often the model keeps
   the inapplicable share, and its accuracy beside the fit forced to keep it.
4. **Speed** at n = 100,000, m = 50 one-sided LFs, medians of five fits after a
   warm-up, all in this run: the k = 6 fit, the two-class fit of the same kind
   of LFs, and ``LabelModel``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course import (  # noqa: E402
    make_class_conditional_tables,
    sample_class_label_matrix,
    split_dev_test,
)
from dataprog_helpers.course.class_leaderboard import majority_vote_expected_scores  # noqa: E402
from dataprog_helpers.course.datasets import load_wine_frame  # noqa: E402
from dataprog_helpers.course.experiment import median_seconds  # noqa: E402
from dataprog_helpers.course.keyword_simulation import (  # noqa: E402
    KEYWORD_CLASS_PRIOR,
    sample_keyword_label_matrix,
    sample_seldom_voted_label_matrix,
)
from dataprog_helpers.course.topic_lfs import TOPIC_LFS, video_classes  # noqa: E402
from dataprog_helpers.course.wine_lfs import wine_lfs  # noqa: E402
from dataprog_helpers.label_model.class_posterior import ClassPosterior  # noqa: E402
from dataprog_helpers.label_model.class_structures import FullTables  # noqa: E402
from dataprog_helpers.label_model.multiclass import (  # noqa: E402
    VoteIndicators,
    expectation_maximisation,
)

PRIOR = np.array([0.4, 0.3, 0.2, 0.1])


def recovery(seeds: range) -> None:
    tables = make_class_conditional_tables(4, 12)
    rows = []
    for seed in seeds:
        y = np.random.default_rng(seed).choice(4, size=20_000, p=PRIOR)
        label_matrix = sample_class_label_matrix(y, tables, seed=seed + 1)
        model = dh.ClassConditionalLabelModel(cardinality=4).fit(label_matrix)
        with np.errstate(divide="ignore"):
            oracle = ClassPosterior(np.log(tables), np.log(PRIOR)).score(label_matrix, y)
        rows.append((np.abs(model.conditional_probabilities_ - tables).mean(),
                     np.abs(model.class_prior_ - PRIOR).max(),
                     model.score(label_matrix, y) - oracle))
    table_error, prior_error, gap = np.array(rows).T
    print(f"1. Recovery, k = 4, n = 20,000, {len(seeds)} seeds")
    print(f"   mean |table error|: mean {table_error.mean():.4f}, worst {table_error.max():.4f}")
    print(f"   largest prior error: mean {prior_error.mean():.4f}, worst {prior_error.max():.4f}")
    print(f"   accuracy - oracle's: mean {gap.mean():+.4f}, worst {gap.min():+.4f}")


def real_task(name: str, frame, k: int, lfs_of, splits: range, dev_size: int) -> None:
    results = {key: [] for key in ("majority vote", "model", "model + dev", "gold-fitted",
                                   "MV, voted points", "model, voted points")}
    differences = []
    for seed in splits:
        parts = split_dev_test(frame, dev_size=dev_size, test_fraction=0.3, seed=seed)
        lfs = lfs_of(parts.dev)
        train, dev, test = (np.column_stack([lf(part) for lf in lfs]).astype(np.int8)
                            for part in (parts.train, parts.dev, parts.test))
        y_test = parts.test.y.to_numpy()
        majority = majority_vote_expected_scores(test, y_test, k)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = dh.ClassConditionalLabelModel(cardinality=k).fit(train)
            with_dev = dh.ClassConditionalLabelModel(cardinality=k).fit(
                train, dev, parts.dev.y.to_numpy())
            gold = dh.ClassConditionalLabelModel(cardinality=k).fit_supervised(
                train, parts.train.y.to_numpy())
        right = model.predict(test) == y_test
        results["majority vote"].append(majority.mean())
        results["model"].append(right.mean())
        results["model + dev"].append(with_dev.score(test, y_test))
        results["gold-fitted"].append(gold.score(test, y_test))
        voted = (test >= 0).any(axis=1)
        results["MV, voted points"].append(majority[voted].mean())
        results["model, voted points"].append(right[voted].mean())
        paired = right - majority
        differences.append((paired.mean(), paired.std(ddof=1) / np.sqrt(paired.size)))
        coverage = (train >= 0).any(axis=1).mean()
    print(f"\n   {name} (k = {k}, {len(lfs)} LFs, coverage {coverage:.2f}, "
          f"{len(y_test)} test points per split, {len(splits)} splits):")
    for key, values in results.items():
        print(f"     {key:<19} {np.mean(values):.3f}  "
              f"(per split {min(values):.3f}-{max(values):.3f})")
    means = np.array(differences)
    wins = int(np.sum(means[:, 0] > 2 * means[:, 1]))
    losses = int(np.sum(means[:, 0] < -2 * means[:, 1]))
    print(f"     model - majority vote, paired per split: mean {means[:, 0].mean():+.3f}; "
          f"ahead by > 2 SE on {wins}, behind by > 2 SE on {losses} of {len(splits)}")


def keyword_lfs(seeds: range) -> None:
    rows, differences = [], []
    for seed in seeds:
        train, y_train = sample_keyword_label_matrix(5000, seed=2 * seed)
        test, y = sample_keyword_label_matrix(4000, seed=2 * seed + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = dh.ClassConditionalLabelModel(cardinality=6).fit(train)
            gold = dh.ClassConditionalLabelModel(cardinality=6).fit_supervised(train, y_train)
        dawid_skene = expectation_maximisation(VoteIndicators.from_label_matrix(train, 6),
                                               FullTables, 1e-4, 1e-6, 3000)
        plain = ClassPosterior(np.log(dawid_skene.conditional_probabilities),
                               np.log(dawid_skene.class_prior)).predict(test)
        majority = majority_vote_expected_scores(test, y, 6)
        right = model.predict(test) == y
        rows.append((majority.mean(), right.mean(), np.mean(plain == y), gold.score(test, y),
                     dawid_skene.class_prior.max(), model.class_prior_.max()))
        paired = right - majority
        differences.append((paired.mean(), paired.std(ddof=1) / np.sqrt(paired.size)))
    means = np.array(rows).mean(axis=0)
    print(f"\n3. Misspecified keyword LFs, k = 6, 16 LFs, n = 5,000, {len(seeds)} seeds")
    for name, value in zip(("majority vote", "model", "plain Dawid-Skene", "gold-fitted"),
                           means[:4], strict=True):
        print(f"   {name:<18} {value:.3f}")
    print(f"   largest class prior: plain Dawid-Skene {means[4]:.2f}, model {means[5]:.2f} "
          f"(true {KEYWORD_CLASS_PRIOR.max():.2f})")
    differences = np.array(differences)
    print(f"   model - majority vote, paired per seed: mean {differences[:, 0].mean():+.3f} "
          f"(SE per seed {differences[:, 1].mean():.3f}); ahead by > 2 SE on "
          f"{int(np.sum(differences[:, 0] > 2 * differences[:, 1]))} of {len(seeds)}")


def seldom_voted(seeds: range) -> None:
    print("   A class the LFs seldom vote for (k = 3, n = 5,000; accuracy on 4,000 "
          "fresh points):")
    for rate in (None, 0.05, 0.1, 0.3):
        rows = []
        for seed in seeds:
            train, _ = sample_seldom_voted_label_matrix(5000, rate, 2 * seed)
            test, y = sample_seldom_voted_label_matrix(4000, rate, 2 * seed + 1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # no LF votes class 2: a warning says so
                model = dh.ClassConditionalLabelModel(cardinality=3).fit(train)
            forced = expectation_maximisation(VoteIndicators.from_label_matrix(train, 3),
                                              FullTables, 1e-4, 1e-6, 3000,
                                              inapplicable=True)
            forced_posterior = ClassPosterior(np.log(forced.conditional_probabilities),
                                              np.log(forced.class_prior),
                                              forced.inapplicable_share)
            rows.append((majority_vote_expected_scores(test, y, 3).mean(), model.score(test, y),
                         model.inapplicable_share_ > 0,
                         np.mean(forced_posterior.predict(test) == y)))
        majority, accuracy, kept, forced_accuracy = np.array(rows, dtype=float).T
        label = "no LF" if rate is None else f"one LF at {rate:.0%}"
        print(f"     class 2 with {label:<13}: majority vote {majority.mean():.3f}, model "
              f"{accuracy.mean():.3f} (worst {np.min(accuracy - majority):+.3f} against "
              f"it), share kept {int(kept.sum())} of {len(seeds)}; forced to keep it "
              f"{forced_accuracy.mean():.3f} (worst {forced_accuracy.min():.3f})")


def one_sided_votes(n: int, n_lfs: int, k: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    label_matrix = np.full((n, n_lfs), -1, dtype=np.int8)
    for lf in range(n_lfs):
        target = lf % k
        fires = rng.random(n) < np.where(y == target, 0.5, 0.05)
        label_matrix[fires, lf] = target
    return label_matrix


def speed(repeats: int) -> None:
    # LabelModel warns that one-sided LFs leave its sign uncertain; only its time counts here.
    warnings.simplefilter("ignore", dh.IdentifiabilityWarning)
    many = one_sided_votes(100_000, 50, 6)
    binary = dh.signed_label_matrix(one_sided_votes(100_000, 50, 2))
    times = {
        "k = 6 class-conditional": median_seconds(
            lambda: dh.ClassConditionalLabelModel(cardinality=6).fit(many), repeats),
        "two-class class-conditional": median_seconds(
            lambda: dh.ClassConditionalLabelModel().fit(binary), repeats),
        "LabelModel (two classes)": median_seconds(
            lambda: dh.LabelModel().fit(binary), repeats),
    }
    print(f"\n4. Speed, n = 100,000, m = 50 one-sided LFs, median of {repeats} fits")
    for name, seconds in times.items():
        print(f"   {name:<28} {seconds:.3f} s")


def main(quick: bool) -> None:
    recovery(range(2 if quick else 10))
    print("\n2. Real LF sets")
    comments = dh.load_youtube_spam().assign(y=lambda frame: video_classes(frame))
    real_task("YouTube topics", comments, 5, lambda dev: list(TOPIC_LFS),
              range(2 if quick else 10), dev_size=100)
    real_task("wine", load_wine_frame(), 3, wine_lfs, range(3 if quick else 20), dev_size=30)
    keyword_lfs(range(2 if quick else 10))
    seldom_voted(range(2 if quick else 10))
    speed(2 if quick else 5)


if __name__ == "__main__":
    main("--quick" in sys.argv[1:])

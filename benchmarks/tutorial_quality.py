"""The tutorial's quality numbers over ten seeds (the README's results).

For each seed of the tutorial setting (n = 10,000, d = 100, m = 20, coverage
0.25, LF accuracies in [0.45, 0.75], 80/20 split) it runs the whole pipeline and
prints, per seed and on average:

- the mean |estimated - true| LF accuracy of the label model;
- the test accuracy of majority vote, the label model posterior, and the
  posterior with the true LF accuracies (the oracle);
- the test accuracy of logistic regression and the MLP trained on the label
  model's soft labels and on the true labels, of logistic regression trained
  on the label model's hard labels (notebook 3's rounding: predict, then -1 ->
  0, +1 -> 1, a tie -> 1/2), and on the oracle's soft labels (how much of the
  gap to the true labels is the label model's fault);
- the paired difference soft minus hard, per seed.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.experiment import evaluate_pipeline  # noqa: E402

SEEDS = range(10)


def main() -> None:
    rows = {}
    for seed in SEEDS:
        data = dh.course.make_tutorial_data(seed=seed)
        results = evaluate_pipeline(data, seed=seed)
        oracle_labels = dh.label_model.posterior_proba(data.L_train, data.lf_accuracies)
        oracle_logreg = dh.NoiseAwareClassifier(seed=seed).fit(data.X_train, oracle_labels)
        results["logreg_oracle_soft"] = oracle_logreg.score(data.X_test, data.y_test)
        label_model = dh.LabelModel(seed=seed).fit(data.L_train)
        hard_targets = 0.5 + 0.5 * label_model.predict(data.L_train)
        hard_logreg = dh.NoiseAwareClassifier(seed=seed).fit(data.X_train, hard_targets)
        results["logreg_hard_labels"] = hard_logreg.score(data.X_test, data.y_test)
        rows[seed] = results
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("seed")
    table["label_model_minus_oracle"] = table["label_model"] - table["oracle_posterior"]
    table["logreg_gold_minus_noise_aware"] = table["logreg_gold"] - table["logreg_noise_aware"]
    table["mlp_gold_minus_noise_aware"] = table["mlp_gold"] - table["mlp_noise_aware"]
    table["logreg_soft_minus_hard"] = table["logreg_noise_aware"] - table["logreg_hard_labels"]
    pd.set_option("display.width", 200)
    print(table.round(4).T.to_string())
    print("\nOver the seeds:")
    print(table.agg(["mean", "min", "max"]).round(4).T.to_string())


if __name__ == "__main__":
    main()

"""The whole tutorial pipeline in one call, for the README table, benchmarks and tests.

Run ``python -m dataprog_helpers.experiment`` to print the headline results of
the tutorial's setting (seed 0, the numbers the notebooks show).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .analysis import accuracy, majority_vote
from .end_model import NoiseAwareClassifier
from .label_model import LabelModel, posterior_proba
from .synthetic import TutorialData, make_tutorial_data

__all__ = ["END_MODELS", "evaluate_pipeline", "headline_table"]

#: The tutorial's two end models.  The MLP needs weight decay: unregularised, it
#: has enough capacity to fit the noise in the soft labels (notebook 3 shows this).
END_MODELS = {
    "logreg": {"hidden_units": ()},
    "mlp": {"hidden_units": (32,), "l2": 1e-2},
}


def _positive_probability(y: np.ndarray) -> np.ndarray:
    return (y == 1).astype(np.float32)


def evaluate_pipeline(data: TutorialData, seed: int = 0, end_models: bool = True) -> dict:
    """Run all three steps on one data set and score every stage on the test split.

    Parameters
    ----------
    data : TutorialData
    seed : int
        Seed of the label model and end models.
    end_models : bool
        Also train the end models (the slow part, a few seconds).

    Returns
    -------
    dict
        ``lf_accuracy_error`` (mean |estimated - true| LF accuracy) and test
        accuracies: ``majority_vote``, ``label_model``, ``oracle_posterior``
        (the posterior with the true accuracies) and, with ``end_models``,
        ``{logreg,mlp}_{noise_aware,gold}``.
    """
    label_model = LabelModel(seed=seed).fit(data.L_train)
    oracle = np.sign(posterior_proba(data.L_test, data.lf_accs) - 0.5).astype(np.int8)
    results = {
        "lf_accuracy_error": float(np.abs(label_model.accuracies_ - data.lf_accs).mean()),
        "majority_vote": accuracy(data.y_test, majority_vote(data.L_test)),
        "label_model": label_model.score(data.L_test, data.y_test),
        "oracle_posterior": accuracy(data.y_test, oracle),
    }
    if end_models:
        soft_labels = label_model.predict_proba(data.L_train)
        for name, settings in END_MODELS.items():
            for source, targets in (
                ("noise_aware", soft_labels),
                ("gold", _positive_probability(data.y_train)),
            ):
                model = NoiseAwareClassifier(**settings, seed=seed)
                model.fit(data.X_train, targets)
                results[f"{name}_{source}"] = model.score(data.X_test, data.y_test)
    return results


def headline_table(results: dict) -> pd.DataFrame:
    """The README's results table from :func:`evaluate_pipeline`'s output."""
    rows = [
        ("Majority vote of the LFs", results["majority_vote"], np.nan),
        ("Label model posterior", results["label_model"], np.nan),
        ("Posterior with the true LF accuracies", results["oracle_posterior"], np.nan),
    ]
    if "logreg_gold" in results:
        rows += [
            ("Logistic regression", results["logreg_noise_aware"], results["logreg_gold"]),
            ("MLP, 32 hidden units", results["mlp_noise_aware"], results["mlp_gold"]),
        ]
    table = pd.DataFrame(
        rows, columns=["method", "test accuracy (no gold labels)", "same model, gold labels"]
    ).set_index("method")
    return table.round(3)


def main() -> None:
    results = evaluate_pipeline(make_tutorial_data(seed=0), seed=0)
    print("Tutorial setting: n=10,000, d=100, m=20 LFs, coverage 0.25, accuracies in "
          "[0.45, 0.75], 80/20 split, seed 0")
    print(f"Mean |estimated - true| LF accuracy: {results['lf_accuracy_error']:.3f}\n")
    print(headline_table(results).to_string(na_rep="-"))


if __name__ == "__main__":
    main()

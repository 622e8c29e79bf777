"""Tests of dataprog_helpers.experiment (label-model part only: end models are slow)."""

import numpy as np
import pytest

from dataprog_helpers import accuracy, majority_vote
from dataprog_helpers.experiment import evaluate_pipeline, headline_table


@pytest.fixture(scope="module")
def label_model_results(tutorial_data):
    return evaluate_pipeline(tutorial_data, seed=0, end_models=False)


def test_evaluate_pipeline_without_end_models_reports_the_label_model_stages(
    label_model_results,
):
    assert set(label_model_results) == {
        "lf_accuracy_error", "majority_vote", "label_model", "oracle_posterior"
    }
    assert all(isinstance(value, float) for value in label_model_results.values())


def test_evaluate_pipeline_scores_agree_with_the_individual_helpers(
    label_model_results, tutorial_data, tutorial_run
):
    run = tutorial_run(0)  # the same data set, LabelModel(seed=0) and oracle
    data = tutorial_data
    assert label_model_results["lf_accuracy_error"] == pytest.approx(
        np.abs(run.label_model.accuracies_ - data.lf_accs).mean(), abs=1e-12
    )
    assert label_model_results["label_model"] == run.label_model_accuracy
    assert label_model_results["oracle_posterior"] == run.oracle_accuracy
    assert label_model_results["majority_vote"] == accuracy(
        data.y_test, majority_vote(data.L_test)
    )


def test_headline_table_has_three_rows_without_end_models(label_model_results):
    table = headline_table(label_model_results)
    assert table.shape == (3, 2)
    assert table.iloc[:, 1].isna().all()
    np.testing.assert_allclose(
        table.iloc[:, 0],
        np.round([label_model_results[key]
                  for key in ("majority_vote", "label_model", "oracle_posterior")], 3),
    )


def test_headline_table_adds_end_model_rows_rounded_to_three_decimals():
    results = {
        "majority_vote": 0.61234, "label_model": 0.69876, "oracle_posterior": 0.70001,
        "logreg_noise_aware": 0.84449, "logreg_gold": 0.85551,
        "mlp_noise_aware": 0.83, "mlp_gold": 0.8629,
    }
    table = headline_table(results)
    assert table.shape == (5, 2)
    np.testing.assert_allclose(table.iloc[3:].to_numpy(), [[0.844, 0.856], [0.83, 0.863]])
    np.testing.assert_allclose(table.iloc[:3, 0], [0.612, 0.699, 0.7])

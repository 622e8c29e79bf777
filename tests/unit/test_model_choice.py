"""Tests of select_label_model: the procedure on dev labels, its record, and refusals."""
# The symmetric model's warning on one-sided LFs is checked once, below; elsewhere it is
# the expected noise of a candidate that does not fit these LFs.

import functools

import numpy as np
import pytest

from dataprog_helpers import (
    ClassConditionalLabelModel,
    IdentifiabilityWarning,
    compare_predictions,
    majority_vote,
    majority_vote_proba,
    select_label_model,
)
from dataprog_helpers.course import make_one_sided_label_matrix
from dataprog_helpers.course.keyword_simulation import sample_keyword_label_matrix
from dataprog_helpers.model_choice import MAJORITY_VOTE, default_candidates

pytestmark = pytest.mark.filterwarnings("ignore::dataprog_helpers.IdentifiabilityWarning")


@functools.cache
def one_sided(seed: int, n_dev: int = 600):
    """One-sided binary LFs (where the class-conditional model is far ahead of
    majority vote), split into unlabeled training points and labeled dev points."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(20_000 + n_dev) < 0.3, 1, -1).astype(np.int8)
    L, _ = make_one_sided_label_matrix(y, 10, seed=seed)
    return L[n_dev:], L[:n_dev], y[:n_dev]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_model_far_ahead_of_majority_vote_on_dev_is_chosen_by_the_stated_rule(seed):
    L, L_dev, y_dev = one_sided(seed)
    # The symmetric model misreads one-sided LFs, and says so, by the candidate's name.
    with pytest.warns(IdentifiabilityWarning, match=r"^candidates\['symmetric'\]: the dev"):
        choice = select_label_model(L, L_dev, y_dev)
    assert choice.threshold == 0.05 / 2
    # The rule: a candidate must beat majority vote with p below the threshold;
    # the most accurate of those is chosen.
    for name, comparison in choice.comparisons.items():
        assert choice.table.loc[name, "better"] == (
            comparison.difference > 0 and comparison.p_value < choice.threshold)
    assert choice.name == "class-conditional"
    assert choice.table.loc["class-conditional", "better"]
    assert choice.table["chosen"].sum() == 1 and choice.table.loc[choice.name, "chosen"]
    # The record's numbers are the paired comparison of the fitted model's predictions.
    direct = compare_predictions(y_dev, choice.model.predict(L_dev), majority_vote(L_dev))
    recorded = choice.comparisons["class-conditional"]
    assert recorded.difference == direct.difference and recorded.p_value == direct.p_value
    assert choice.table.loc[MAJORITY_VOTE, "dev accuracy"] == recorded.score_b
    np.testing.assert_array_equal(choice.predict_proba(L), choice.model.predict_proba(L))
    np.testing.assert_array_equal(choice.predict(L), choice.model.predict(L))


def test_without_evidence_majority_vote_is_kept_and_gives_the_soft_labels():
    L, L_dev, y_dev = one_sided(0)
    # 30 dev labels cannot show a gap of a few points with p < 0.025.
    choice = select_label_model(L, L_dev[:30], y_dev[:30])
    assert choice.name == MAJORITY_VOTE and choice.model is None
    assert not choice.table["better"].fillna(False).any()
    np.testing.assert_array_equal(choice.predict_proba(L), majority_vote_proba(L))
    np.testing.assert_array_equal(choice.predict(L), majority_vote(L))
    assert str(choice).startswith("chosen on 30 dev labels: majority vote")


def test_k_classes_compare_against_a_majority_vote_whose_ties_are_drawn():
    L, y = sample_keyword_label_matrix(12_000, seed=0)
    L_train, L_dev, y_dev = L[2000:], L[:2000], y[:2000]
    choice = select_label_model(L_train, L_dev, y_dev, cardinality=6)
    assert set(choice.table.index) == {MAJORITY_VOTE, "symmetric", "class-conditional"}
    baseline = majority_vote(L_dev, cardinality=6, ties="random", seed=0)
    assert choice.table.loc[MAJORITY_VOTE, "dev accuracy"] == np.mean(baseline == y_dev)
    for name, model in choice.models.items():
        assert model.cardinality == 6 and model.structure == name
        assert choice.table.loc[name, "dev accuracy"] == model.score(L_dev, y_dev)
    assert choice.predict_proba(L_dev).shape == (2000, 6)
    for name, comparison in choice.comparisons.items():
        assert choice.table.loc[name, "better"] == (
            comparison.difference > 0 and comparison.p_value < choice.threshold)
    winners = choice.table.loc[choice.table["better"].fillna(False).astype(bool)]
    expected = winners["dev accuracy"].idxmax() if len(winners) else MAJORITY_VOTE
    assert choice.name == expected


def test_the_candidates_passed_are_cloned_not_fitted():
    L, L_dev, y_dev = one_sided(0)
    candidates = {"without dependencies": ClassConditionalLabelModel(),
                  "one declared": ClassConditionalLabelModel(dependencies=[(0, 1)])}
    choice = select_label_model(L, L_dev, y_dev, candidates=candidates, alpha=0.01)
    assert not hasattr(candidates["one declared"], "class_prior_")
    assert choice.models["one declared"].dependencies == [(0, 1)]
    assert choice.threshold == 0.005
    assert list(choice.table.index) == [MAJORITY_VOTE, "without dependencies", "one declared"]


def test_the_default_candidates_are_unfitted_and_follow_the_cardinality():
    binary = default_candidates()
    assert [type(model).__name__ for model in binary.values()] == [
        "LabelModel", "ClassConditionalLabelModel"]
    classes = default_candidates(4, seed=3)
    assert all(model.cardinality == 4 and model.seed == 3 for model in classes.values())


@pytest.mark.parametrize("arguments, error, message", [
    ({"alpha": 0.0}, ValueError, "alpha must lie in"),
    ({"alpha": 1.5}, ValueError, "alpha must lie in"),
    ({"candidates": {}}, TypeError, "candidates must be a non-empty mapping"),
    ({"candidates": [ClassConditionalLabelModel()]}, TypeError, "candidates must be"),
    ({"candidates": {MAJORITY_VOTE: ClassConditionalLabelModel()}}, ValueError,
     "other than 'majority vote'"),
    ({"candidates": {"x": object()}}, TypeError, r"candidates\['x'\] must be a label model"),
    ({"candidates": {"x": ClassConditionalLabelModel(cardinality=3)}}, ValueError,
     r"candidates\['x'\] has cardinality 3 but cardinality is None"),
    ({"dev_labels": np.zeros(600, dtype=int)}, ValueError, "dev_labels"),
    ({"dev_labels": np.ones(599, dtype=int)}, ValueError, "dev_labels"),
    ({"dev_label_matrix": np.full((600, 10), 2)}, ValueError, "dev_label_matrix"),
])
def test_bad_input_is_refused_by_name(arguments, error, message):
    L, L_dev, y_dev = one_sided(0)
    inputs = {"label_matrix": L, "dev_label_matrix": L_dev, "dev_labels": y_dev, **arguments}
    with pytest.raises(error, match=message):
        select_label_model(**inputs)


def test_k_class_dev_labels_outside_the_classes_are_refused():
    L, y = sample_keyword_label_matrix(3000, seed=1)
    with pytest.raises(ValueError, match="dev_labels"):
        select_label_model(L, L[:100], np.full(100, 6), cardinality=6)

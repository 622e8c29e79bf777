"""Tests of course.crowd: annotators of stated skill as vote tables."""

import numpy as np
import pytest

from dataprog_helpers import ClassConditionalLabelModel
from dataprog_helpers.course.crowd import annotator_tables
from dataprog_helpers.course.synthetic import sample_class_label_matrix


def test_annotators_label_at_their_rate_and_skill():
    skill = np.array([0.9, 0.5, 0.25])
    tables = annotator_tables(skill, labelling_rate=0.3, cardinality=4)
    assert tables.shape == (3, 4, 5)
    np.testing.assert_allclose(tables.sum(axis=2), 1.0)
    y = np.random.default_rng(0).integers(0, 4, size=40_000)
    crowd = sample_class_label_matrix(y, tables, seed=1)
    labelled = crowd >= 0
    np.testing.assert_allclose(labelled.mean(axis=0), 0.3, atol=0.01)
    right = [(crowd[labelled[:, i], i] == y[labelled[:, i]]).mean() for i in range(3)]
    np.testing.assert_allclose(right, skill, atol=0.015)


def test_the_class_conditional_model_recovers_stated_skills():
    skill = np.linspace(0.3, 0.95, 12)
    y = np.random.default_rng(2).integers(0, 3, size=4000)
    crowd = sample_class_label_matrix(y, annotator_tables(skill, 0.4, 3), seed=3)
    model = ClassConditionalLabelModel(cardinality=3).fit(crowd)
    np.testing.assert_allclose(model.accuracies_, skill, atol=0.06)


@pytest.mark.parametrize(
    ("arguments", "error", "pattern"),
    [
        (([1.2], 0.5, 3), ValueError, r"skill must be a non-empty 1-D array of probabilities"),
        (([], 0.5, 3), ValueError, r"skill must be a non-empty"),
        (([0.8], 0.0, 3), ValueError, r"labelling_rate"),
        (([0.8], 0.5, 1), ValueError, r"cardinality"),
    ],
    ids=["skill-above-one", "no-annotators", "rate-zero", "one-class"],
)
def test_bad_crowds_are_refused(arguments, error, pattern):
    with pytest.raises(error, match=pattern):
        annotator_tables(*arguments)

"""The k-class leaderboard: its tasks, majority vote's expected scores, paired differences."""

import numpy as np
import pytest

from dataprog_helpers.course.class_leaderboard import (
    CLASS_CONTENDERS,
    class_label_model_leaderboard,
    class_leaderboard_tasks,
    majority_vote_expected_scores,
)
from dataprog_helpers.course.leaderboard import leaderboard_tasks


@pytest.fixture(scope="module")
def tasks():
    return class_leaderboard_tasks(0)


def test_the_tasks_hold_k_class_votes_and_labels(tasks):
    assert [task.name for task in tasks] == ["YouTube topics", "wine", "simulated keyword LFs"]
    for task, k in zip(tasks, (5, 3, 6), strict=True):
        assert task.cardinality == k
        for votes, labels in ((task.L_train, task.y_train), (task.L_test, task.y_test)):
            assert votes.dtype == np.int8 and votes.shape[0] == labels.shape[0]
            assert votes.min() >= -1 and votes.max() < k
            assert set(np.unique(labels)) <= set(range(k))
    assert tasks[0].L_dev.shape == (100, 10) and tasks[1].L_dev.shape == (30, 26)
    assert tasks[2].L_dev is None


def test_majority_vote_expected_scores_share_ties_and_points_without_votes():
    votes = np.array([[0, 0, 1], [0, 1, -1], [-1, -1, -1], [2, 2, 1]], dtype=np.int8)
    y = np.array([0, 1, 2, 1])
    np.testing.assert_allclose(majority_vote_expected_scores(votes, y, 3),
                               [1.0, 0.5, 1 / 3, 0.0])


def test_the_leaderboard_pairs_every_model_with_majority_vote(tasks):
    wine = tasks[1]
    table = class_label_model_leaderboard([wine], repeats=1)
    assert list(table["model"]) == list(CLASS_CONTENDERS)
    majority = table.set_index("model").loc["majority vote"]
    expected = majority_vote_expected_scores(wine.L_test, wine.y_test, 3)
    assert majority["accuracy"] == pytest.approx(expected.mean())
    assert majority["minus majority vote"] == 0.0 and np.isnan(majority["fit seconds"])
    # The paired mean difference is the difference of the two accuracies.
    np.testing.assert_allclose(table["minus majority vote"],
                               table["accuracy"] - majority["accuracy"], atol=1e-12)
    assert (table["paired SE"].iloc[1:] > 0).all()
    # Every wine gets a vote: accuracy on the voted points is the accuracy.
    np.testing.assert_allclose(table["accuracy, voted points"], table["accuracy"])


def test_the_leaderboard_refuses_two_class_tasks_and_bad_repeats(tasks):
    with pytest.raises(TypeError, match="cardinality set"):
        class_label_model_leaderboard(leaderboard_tasks(0)[:1])
    with pytest.raises(TypeError, match="tasks must be"):
        class_label_model_leaderboard([])
    with pytest.raises(ValueError, match="repeats"):
        class_label_model_leaderboard(tasks[1:2], repeats=0)
    with pytest.raises(ValueError, match="seed"):
        class_leaderboard_tasks(-1)

"""The course's k-class data: sampled votes, the YouTube topic LFs and the wine LFs."""

import numpy as np
import pytest

import dataprog_helpers as dh
from dataprog_helpers.course import sample_class_label_matrix, split_dev_test
from dataprog_helpers.course.datasets import load_wine_frame
from dataprog_helpers.course.topic_lfs import ABSTAIN, TOPIC_LFS, VIDEOS, video_classes
from dataprog_helpers.course.wine_lfs import wine_lfs


def test_sampled_votes_follow_their_table_within_binomial_error(z_bound):
    table = np.array([[[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]],
                      [[0.2, 0.2, 0.6], [0.7, 0.0, 0.3]]])
    y = np.repeat([0, 1], 20_000)
    votes = sample_class_label_matrix(y, table, seed=0)
    assert votes.dtype == np.int8 and set(np.unique(votes)) <= {-1, 0, 1}
    for lf in range(2):
        for c in range(2):
            for vote in (-1, 0, 1):
                share = np.mean(votes[y == c, lf] == vote)
                expected = table[lf, c, vote + 1]
                error = np.sqrt(expected * (1 - expected) / 20_000)
                assert abs(share - expected) <= z_bound(12) * error + 1e-12
    assert not np.any(votes[y == 1, 1] == 0)  # a vote of probability 0 is never drawn
    np.testing.assert_array_equal(sample_class_label_matrix(y, table, seed=0), votes)


@pytest.mark.parametrize(
    ("table", "labels", "pattern"),
    [
        (np.full((1, 2, 2), 0.5), [0, 1], r"shape \(n_lfs, k, k \+ 1\) with k >= 2"),
        (np.full((1, 2, 3), 0.5), [0, 1], r"conditional_probabilities\[0, 0, :\] sums to 1.5"),
        (np.full((1, 2, 3), 1 / 3), [0, 2], r"y must hold class indices 0 to 1"),
    ],
)
def test_sampling_refuses_bad_tables_and_labels(table, labels, pattern):
    with pytest.raises(ValueError, match=pattern):
        sample_class_label_matrix(labels, table, seed=0)


def test_topic_lfs_vote_their_video_or_abstain_and_are_mostly_right(comments):
    votes = np.column_stack([lf(comments) for lf in TOPIC_LFS])
    y = video_classes(comments)
    assert set(np.unique(y)) == set(range(len(VIDEOS)))
    for column in range(len(TOPIC_LFS)):
        cast = votes[:, column] != ABSTAIN
        assert len(np.unique(votes[cast, column])) == 1  # one-sided
        assert np.mean(votes[cast, column] == y[cast]) > 0.7
    assert 0.1 < (votes != ABSTAIN).any(axis=1).mean() < 0.3
    summary = dh.lf_summary(votes, y, dh.lf_names(TOPIC_LFS), cardinality=5)
    assert summary.index[0] == "lf_psy" and summary["votes"].min() > 0


def test_wine_lfs_take_their_thresholds_from_the_dev_medians():
    wines = load_wine_frame()
    assert wines.shape == (178, 14) and sorted(wines.y.unique()) == [0, 1, 2]
    splits = split_dev_test(wines, dev_size=30, test_fraction=0.3, seed=0)
    assert sorted(splits.dev.y.unique()) == [0, 1, 2]
    lfs = wine_lfs(splits.dev)
    assert len(lfs) == 26 and lfs[0].__name__ == "lf_high_alcohol"
    medians = splits.dev.groupby("y")["alcohol"].median().sort_values()
    threshold = (medians.iloc[2] + medians.iloc[1]) / 2
    votes = lfs[0](splits.train)
    np.testing.assert_array_equal(votes == medians.index[2],
                                  splits.train["alcohol"].to_numpy() > threshold)
    with pytest.raises(ValueError, match=r"dev must hold every cultivar"):
        wine_lfs(splits.dev[splits.dev.y < 2])

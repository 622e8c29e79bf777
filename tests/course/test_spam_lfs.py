"""Tests of dataprog_helpers.spam_lfs: keyword labeling functions for YouTube spam."""

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers import accuracy, apply_lfs, lf_names, majority_vote
from dataprog_helpers.course.spam_lfs import (
    ABSTAIN,
    HAM,
    SPAM,
    SPAM_LFS,
    lf_link,
    lf_short_comment,
    lf_song_love,
    lf_subscribe,
)

LF_IDS = lf_names(SPAM_LFS)


def _row(text: str) -> pd.Series:
    return pd.Series({"comment_id": "x", "author": "someone", "text": text})


def test_constants_follow_the_label_convention():
    assert (SPAM, HAM, ABSTAIN) == (1, -1, 0)
    assert 6 <= len(SPAM_LFS) <= 10
    assert len(set(LF_IDS)) == len(LF_IDS)
    assert all(name.startswith("lf_") for name in LF_IDS)


@pytest.mark.parametrize("lf", SPAM_LFS, ids=LF_IDS)
def test_lf_on_the_whole_frame_returns_one_vote_per_row(lf, comments):
    votes = lf(comments)
    assert isinstance(votes, np.ndarray)
    assert votes.shape == (len(comments),)
    assert np.issubdtype(votes.dtype, np.integer)
    assert set(np.unique(votes)) <= {HAM, ABSTAIN, SPAM}


@pytest.mark.parametrize("lf", SPAM_LFS, ids=LF_IDS)
def test_lf_on_one_row_returns_a_plain_int(lf, comments):
    for _, row in comments.head(20).iterrows():
        vote = lf(row)
        assert type(vote) is int
        assert vote in (HAM, ABSTAIN, SPAM)


def test_vectorised_votes_equal_row_by_row_votes_on_the_whole_data_set(comments):
    vectorised = apply_lfs(SPAM_LFS, comments)
    row_by_row = apply_lfs(SPAM_LFS, comments, vectorize=False)
    np.testing.assert_array_equal(vectorised, row_by_row)
    # And apply_lfs did vectorise: each LF's whole-frame call gives the same column.
    for column, lf in enumerate(SPAM_LFS):
        np.testing.assert_array_equal(lf(comments), vectorised[:, column])


@pytest.mark.parametrize("lf", SPAM_LFS, ids=LF_IDS)
def test_lf_is_one_sided(lf, comments):
    votes = lf(comments)
    assert len(set(np.unique(votes)) - {ABSTAIN}) == 1


@pytest.mark.parametrize("lf", SPAM_LFS, ids=LF_IDS)
def test_lf_votes_on_train_and_is_better_than_random_there(lf, youtube_splits):
    # What each LF was written to do, checked on the videos it was written from.
    train = youtube_splits.train
    votes = lf(train)
    voted = votes != ABSTAIN
    assert voted.mean() > 0
    assert (votes[voted] == train["y"].to_numpy()[voted]).mean() > 0.5


@pytest.mark.parametrize(
    ("lf", "text", "vote"),
    [
        (lf_link, "great site http://example.org/win", SPAM),
        (lf_link, "best part <a href=\"http://www.youtube.com/watch?v=abc&amp;t=2m19s\">2:19</a>",
         ABSTAIN),
        (lf_link, "no link here", ABSTAIN),
        (lf_short_comment, "Nice song\ufeff", HAM),
        (lf_short_comment, "http://example.com", ABSTAIN),
        (lf_short_comment, "this one has five words", ABSTAIN),
        (lf_subscribe, "SUBSCRIBE to me!", SPAM),
        (lf_subscribe, "sub me", SPAM),
        (lf_subscribe, "a submarine", ABSTAIN),
        (lf_song_love, "I love this &lt;3", HAM),
    ],
)
def test_lf_votes_as_its_docstring_says(lf, text, vote):
    assert lf(_row(text)) == vote
    assert lf(pd.DataFrame([_row(text)])).tolist() == [vote]


def test_majority_vote_of_the_lfs_beats_chance_clearly_on_test(youtube_splits, z_bound):
    test = youtube_splits.test
    votes = apply_lfs(SPAM_LFS, test)
    measured = accuracy(test["y"], majority_vote(votes))  # ties count as half right
    print(f"majority vote of {len(SPAM_LFS)} spam LFs on the 250 test comments: {measured:.3f}")
    # Chance (0.5) has standard error at most sqrt(0.25 / n); the vote must lie beyond
    # z_bound(1) (3.3) of them, which chance would reach once in a thousand.
    margin = z_bound(1) * np.sqrt(0.25 / len(test))
    assert measured > 0.5 + margin, f"majority vote accuracy {measured:.3f}"

"""Tests of dataprog_helpers.datasets: the YouTube Spam Collection shipped with the package
and its split from the literature."""

import csv
import fnmatch
import hashlib
import io
import re
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataprog_helpers import load_youtube_spam, youtube_spam_splits
from dataprog_helpers.datasets import YOUTUBE_SPAM_FILES, YouTubeSpamSplits, youtube_spam_data_dir

ROOT = Path(__file__).resolve().parents[2]


# --- The YouTube Spam Collection ---------------------------------------------------------


def _read_shipped(name: str) -> bytes:
    return (youtube_spam_data_dir() / name).read_bytes()


def _source_table() -> dict[str, tuple[int, float]]:
    """SOURCE.md's table: file name -> (comments, spam share)."""
    source = _read_shipped("SOURCE.md").decode("utf-8")
    rows = re.findall(r"^\| (Youtube0\d-\w+\.csv) \| [^|]+ \| (\d+) \| ([\d.]+) \|$", source, re.M)
    return {name: (int(count), float(share)) for name, count, share in rows}


def test_shipped_csv_files_match_their_sha256sums():
    listed = {}
    for line in _read_shipped("SHA256SUMS").decode("ascii").splitlines():
        digest, name = line.split()
        listed[name] = digest
    assert sorted(listed) == sorted(YOUTUBE_SPAM_FILES)
    for name, digest in listed.items():
        assert hashlib.sha256(_read_shipped(name)).hexdigest() == digest, name


def test_attribution_and_licence_ship_with_the_data():
    source = _read_shipped("SOURCE.md").decode("utf-8")
    for needed in ("CC BY 4.0", "Alberto", "Lochter", "Almeida", "TubeSpam", "ICMLA 2015",
                   "data set 380"):
        assert needed in source, needed


def test_pyproject_package_data_covers_every_shipped_file():
    # What the wheel holds is decided by these globs: a file they miss would be
    # missing from an installed package (and load_youtube_spam would fail there).
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package = "dataprog_helpers.data.youtube_spam"
    assert package in config["tool"]["setuptools"]["packages"]
    globs = config["tool"]["setuptools"]["package-data"][package]
    folder = ROOT / "dataprog_helpers" / "data" / "youtube_spam"
    shipped = sorted(path.name for path in folder.iterdir())
    assert shipped == sorted([*YOUTUBE_SPAM_FILES, "SHA256SUMS", "SOURCE.md"])
    for name in shipped:
        assert any(fnmatch.fnmatch(name, glob) for glob in globs), name


def test_youtube_spam_has_1956_comments_in_the_documented_columns(comments):
    assert comments.shape == (1956, 6)
    assert list(comments.columns) == ["comment_id", "author", "date", "text", "video", "y"]
    assert isinstance(comments.index, pd.RangeIndex)
    for column in ("comment_id", "author", "text"):
        assert pd.api.types.is_string_dtype(comments[column]), column
        assert not comments[column].isna().any(), column
    assert pd.api.types.is_datetime64_dtype(comments["date"])
    for column in ("video", "y"):
        assert pd.api.types.is_integer_dtype(comments[column]), column
    assert set(comments["y"].unique()) == {-1, 1}
    assert set(comments["video"].unique()) == {1, 2, 3, 4, 5}


def test_per_video_counts_and_spam_shares_are_those_of_source_md(comments):
    table = _source_table()
    assert list(table) == list(YOUTUBE_SPAM_FILES)  # SOURCE.md's order is the video number
    for video, (count, share) in enumerate(table.values(), start=1):
        labels = comments.loc[comments["video"] == video, "y"]
        assert len(labels) == count, video
        assert round(float((labels == 1).mean()), 3) == share, video
    assert sum(count for count, _ in table.values()) == 1956


def test_youtube_spam_keeps_every_field_as_in_the_files(comments):
    # Read again with the csv module: text, ids and authors are the files' strings,
    # HTML entities, tags and byte-order marks included; CLASS 1 is y = +1.
    rows = []
    for video, name in enumerate(YOUTUBE_SPAM_FILES, start=1):
        reader = csv.DictReader(io.StringIO(_read_shipped(name).decode("utf-8"), newline=""))
        rows += [(row["COMMENT_ID"], row["AUTHOR"], row["CONTENT"], video,
                  1 if row["CLASS"] == "1" else -1) for row in reader]
    loaded = list(comments[["comment_id", "author", "text", "video", "y"]]
                  .itertuples(index=False, name=None))
    assert loaded == rows
    assert comments["text"].str.contains("&amp;", regex=False).any()
    assert comments["text"].str.contains("<br />", regex=False).any()


def test_youtube_spam_dates_are_parsed_and_missing_only_for_video_4_spam(comments):
    # Video 4's file has no date for exactly its 245 spam comments (a label leak).
    missing = comments["date"].isna()
    assert missing.sum() == 245
    assert set(comments.loc[missing, "video"]) == {4}
    assert (comments.loc[missing, "y"] == 1).all()
    assert ((comments["video"] == 4) & (comments["y"] == 1)).sum() == 245
    dates = comments.loc[~missing, "date"]
    assert dates.min() >= pd.Timestamp("2013-01-01")
    assert dates.max() < pd.Timestamp("2016-01-01")
    # Fractional seconds survive (video 3 onwards has them).
    assert (dates.dt.microsecond > 0).any()


def test_loading_youtube_spam_emits_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_youtube_spam()


def test_youtube_splits_have_the_literatures_sizes(youtube_splits):
    assert isinstance(youtube_splits, YouTubeSpamSplits)
    sizes = {name: len(getattr(youtube_splits, name)) for name in ("train", "dev", "valid", "test")}
    assert sizes == {"train": 1586, "dev": 100, "valid": 120, "test": 250}


def test_youtube_splits_rows_are_the_loaded_rows_under_their_index(comments, youtube_splits):
    for name in ("train", "dev", "valid", "test"):
        part = getattr(youtube_splits, name)
        assert list(part.columns) == list(comments.columns), name
        pd.testing.assert_frame_equal(part, comments.loc[part.index], obj=name)


def test_youtube_train_is_videos_1_to_4_once_each_in_video_order(comments, youtube_splits):
    train = youtube_splits.train
    assert not train.index.duplicated().any()
    assert set(train.index) == set(comments.index[comments["video"] <= 4])
    # Joined video by video, each shuffled (not in the files' order).
    assert (np.diff(train["video"].to_numpy()) >= 0).all()
    for video, rows in train.groupby("video"):
        assert not rows.index.is_monotonic_increasing, video


def test_youtube_dev_is_drawn_from_train(youtube_splits):
    dev = youtube_splits.dev
    assert not dev.index.duplicated().any()
    assert set(dev.index) <= set(youtube_splits.train.index)
    assert set(dev["y"]) == {-1, 1}


def test_youtube_valid_and_test_split_video_5_stratified(comments, youtube_splits):
    valid, test = youtube_splits.valid, youtube_splits.test
    assert set(valid.index).isdisjoint(test.index)
    assert set(valid.index) | set(test.index) == set(comments.index[comments["video"] == 5])
    spam_share = (comments.loc[comments["video"] == 5, "y"] == 1).mean()  # 174 / 370
    for name, part in (("valid", valid), ("test", test)):
        # Stratified: the part holds video 5's share of spam up to one comment.
        assert abs((part["y"] == 1).sum() - spam_share * len(part)) <= 1, name


def test_youtube_splits_are_reproducible_and_depend_on_the_seed(youtube_splits):
    again = youtube_spam_splits(seed=123)
    other = youtube_spam_splits(seed=7)
    for name in ("train", "dev", "valid", "test"):
        pd.testing.assert_frame_equal(getattr(youtube_splits, name), getattr(again, name))
        assert not getattr(youtube_splits, name).index.equals(getattr(other, name).index), name
    # The dev and test sets themselves change, not only their order.
    assert set(youtube_splits.dev.index) != set(other.dev.index)
    assert set(youtube_splits.test.index) != set(other.test.index)


def test_youtube_splits_are_frozen(youtube_splits):
    with pytest.raises(AttributeError):
        youtube_splits.test = youtube_splits.valid


@pytest.mark.parametrize(
    ("seed", "error", "pattern"),
    [
        (-1, ValueError, r"seed must lie in \[0, 4294967295\], got -1"),
        (2**32, ValueError, r"seed must lie in \[0, 4294967295\], got 4294967296"),
        (1.5, TypeError, r"seed must be an integer, got 1.5"),
        (True, TypeError, r"seed must be an integer, got True"),
        (None, TypeError, r"seed must be an integer, got None"),
    ],
    ids=["negative", "too-large", "float", "bool", "none"],
)
def test_youtube_splits_reject_bad_seeds(seed, error, pattern):
    with pytest.raises(error, match=pattern):
        youtube_spam_splits(seed=seed)

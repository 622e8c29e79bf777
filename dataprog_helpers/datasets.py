"""A real weak-supervision data set, shipped with the package: the YouTube Spam Collection.

Source: T. C. Alberto, J. V. Lochter and T. A. Almeida,
*TubeSpam: Comment Spam Filtering on YouTube*, ICMLA 2015; UCI Machine Learning
Repository, "YouTube Spam Collection" (data set 380), licensed CC BY 4.0.  The five
CSV files ship unmodified inside this package, in ``data/youtube_spam/``, with their
attribution and licence (``SOURCE.md``) and checksums (``SHA256SUMS``).

1,956 comments on five music videos, each labelled by hand as spam or not; the
standard text-classification task of the weak-supervision literature, with its
split into train / dev / valid / test (:func:`youtube_spam_splits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from .utils.validation import check_positive_int

__all__ = ["YouTubeSpamSplits", "load_youtube_spam", "youtube_spam_splits"]

#: Name of the gold-label column: +1 spam, -1 not spam (the course's convention).
LABEL = "y"


#: The YouTube Spam Collection's files, in the order of its ``SOURCE.md``: the
#: ``video`` column of :func:`load_youtube_spam` is the position here, from 1.
YOUTUBE_SPAM_FILES = (
    "Youtube01-Psy.csv",
    "Youtube02-KatyPerry.csv",
    "Youtube03-LMFAO.csv",
    "Youtube04-Eminem.csv",
    "Youtube05-Shakira.csv",
)

#: Columns of :func:`load_youtube_spam`, in order.
YOUTUBE_SPAM_COLUMNS = ("comment_id", "author", "date", "text", "video", LABEL)

# Each split's size in the weak-supervision literature (SOURCE.md).
_N_DEV, _N_VALID, _N_TEST = 100, 120, 250
_TRAIN_VIDEOS = (1, 2, 3, 4)
_HELD_OUT_VIDEO = 5


def youtube_spam_data_dir() -> resources.abc.Traversable:
    """The package folder holding the YouTube Spam Collection's files.

    It holds the five CSV files of :data:`YOUTUBE_SPAM_FILES`, ``SOURCE.md`` (source,
    authors, paper to cite and licence) and ``SHA256SUMS``.  A
    :class:`~importlib.resources.abc.Traversable`, so that it works from an
    installed wheel as from a checkout; open a file with ``folder / name``.
    """
    return resources.files(__package__) / "data" / "youtube_spam"


def _read_youtube_file(name: str) -> pd.DataFrame:
    with (youtube_spam_data_dir() / name).open("rb") as handle:
        # Every field as text, and no field read as missing: a comment that reads
        # "NA" or "null" stays a comment.  Only the empty DATE fields are missing.
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8")
    expected = ["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"]
    if list(raw.columns) != expected:
        raise ValueError(f"{name} has columns {list(raw.columns)}, expected {expected}")
    unexpected = sorted(set(raw["CLASS"]) - {"0", "1"})
    if unexpected:
        raise ValueError(f"{name} has CLASS values {unexpected[:5]}, expected only 0 and 1")
    return raw


def load_youtube_spam() -> pd.DataFrame:
    """The 1,956 comments of the YouTube Spam Collection, one row each.

    Read from the CSV files shipped inside this package (nothing is downloaded), in
    the order of :data:`YOUTUBE_SPAM_FILES`, each file's rows in their order there.

    Returns
    -------
    pandas.DataFrame of shape (1956, 6)
        With a ``RangeIndex`` and the columns

        ``comment_id`` : str
            YouTube's id of the comment.  Not unique: three comments appear twice,
            as identical rows (two in video 4, one in video 5), as in the source.
        ``author`` : str
            The commenter's display name.
        ``date`` : datetime64
            When the comment was posted (no time zone, as in the source), parsed
            from the ISO 8601 strings of the files; ``NaT`` where the file has no
            date.  Only video 4 lacks dates, and there exactly for its 245 spam
            comments: a leak of the label, so no labeling function should use it.
        ``text`` : str
            The comment exactly as in the file: HTML entities (``&amp;``, ``&#39;``),
            tags (``<br />``, ``<a href=...>``), URLs and emoji are kept, and so is
            the byte-order mark (U+FEFF) that ends many comments.
        ``video`` : int8
            The file's number, 1 to 5: 1 Psy, 2 Katy Perry, 3 LMFAO, 4 Eminem,
            5 Shakira.
        ``y`` : int8
            +1 for spam (the class to find), -1 for not spam, the tutorial's label
            convention (the files code spam as 1 and not spam as 0).

    Notes
    -----
    The files' checksums are in ``SHA256SUMS`` beside them; the test suite checks
    them, so loading does not.
    """
    parts = []
    for video, name in enumerate(YOUTUBE_SPAM_FILES, start=1):
        raw = _read_youtube_file(name)
        dates = raw["DATE"]
        parts.append(pd.DataFrame({
            "comment_id": raw["COMMENT_ID"],
            "author": raw["AUTHOR"],
            # Seconds with and without microseconds both occur: format="ISO8601"
            # parses both, without the warning of format inference.
            "date": pd.to_datetime(dates.where(dates != ""), format="ISO8601"),
            "text": raw["CONTENT"],
            "video": np.full(len(raw), video, dtype=np.int8),
            LABEL: np.where(raw["CLASS"].to_numpy() == "1", 1, -1).astype(np.int8),
        }))
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class YouTubeSpamSplits:
    """The YouTube Spam Collection split as the weak-supervision literature splits it.

    Every part keeps the index of :func:`load_youtube_spam`'s frame, so that a row
    can be traced back to the whole data set (``dev.index`` lies in ``train.index``;
    ``valid.index`` and ``test.index`` are disjoint).  The rows are in the order in
    which the recipe draws them, not the files' order.

    Attributes
    ----------
    train : pandas.DataFrame of shape (1586, 6)
        Videos 1-4, each shuffled.  Treated as unlabeled: its ``y`` column is kept
        only to evaluate what the method could not have known.
    dev : pandas.DataFrame of shape (100, 6)
        Comments sampled from ``train`` (so they are also in it), whose labels may be
        used to write and debug labeling functions.
    valid : pandas.DataFrame of shape (120, 6)
        Part of video 5, stratified by label, for choosing hyper-parameters.
    test : pandas.DataFrame of shape (250, 6)
        The rest of video 5, for the final evaluation only.
    """

    train: pd.DataFrame
    dev: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def youtube_spam_splits(seed: int = 123) -> YouTubeSpamSplits:
    """Split the YouTube Spam Collection into train, dev, valid and test sets.

    The recipe of the weak-supervision literature (the Snorkel project's spam
    tutorial, reused by the WRENCH benchmark; see ``SOURCE.md``):

    1. each video's comments are shuffled, ``DataFrame.sample(frac=1,
       random_state=seed)``, and videos 1-4 are joined in order into **train**
       (1,586 comments);
    2. **dev** is 100 comments sampled from train, ``train.sample(100,
       random_state=seed)``;
    3. video 5 (Shakira, 370 comments) is split by scikit-learn's
       ``train_test_split(test_size=250, random_state=seed, stratify=y)`` into
       **valid** (120) and **test** (250), each with video 5's share of spam up to
       one comment.

    The membership follows the published recipe, with the same sampling functions
    and the original seed 123 as the default; whether it reproduces the published
    row membership exactly is not guaranteed (it has not been compared with a
    published list of rows, and depends on pandas' and scikit-learn's random
    streams staying as they were).

    Parameters
    ----------
    seed : int in [0, 2**32 - 1], default 123
        Seeds every draw (NumPy's legacy ``RandomState``, hence the range).

    Returns
    -------
    YouTubeSpamSplits
    """
    seed = check_positive_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    # Imported here: importing the package stays quick.
    from sklearn.model_selection import train_test_split

    frame = load_youtube_spam()
    shuffled = {
        video: rows.sample(frac=1, random_state=seed)
        for video, rows in frame.groupby("video", sort=True)
    }
    train = pd.concat([shuffled[video] for video in _TRAIN_VIDEOS])
    dev = train.sample(_N_DEV, random_state=seed)
    held_out = shuffled[_HELD_OUT_VIDEO]
    valid, test = train_test_split(
        held_out, test_size=_N_TEST, random_state=seed, stratify=held_out[LABEL]
    )
    return YouTubeSpamSplits(train=train, dev=dev, valid=valid, test=test)

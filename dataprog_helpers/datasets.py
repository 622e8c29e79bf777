"""Real data: the Wisconsin breast cancer data (notebook 6) and the YouTube Spam Collection.

**Breast cancer.** Source: W. H. Wolberg, W. N. Street and O. L. Mangasarian,
*Breast Cancer Wisconsin (Diagnostic)*, University of Wisconsin, 1995; UCI
Machine Learning Repository, licensed CC BY 4.0.  scikit-learn (BSD-3-Clause)
ships a copy inside its package, so it loads offline: nothing is downloaded.

569 tumours, each described by 30 measurements of its cell nuclei, computed from a
digitised image of a fine-needle aspirate: for each of ten properties (radius,
texture, perimeter, area, smoothness, compactness, concavity, concave points,
symmetry, fractal dimension) the mean over the nuclei, its standard error
("... error") and the mean of the three largest ("worst ...").  The gold label is
the diagnosis: 212 malignant, 357 benign.

**YouTube spam.** Source: T. C. Alberto, J. V. Lochter and T. A. Almeida,
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

from ._validation import check_labels, check_positive_int, check_real_in_range, check_seed

__all__ = [
    "DataSplits",
    "YouTubeSpamSplits",
    "load_breast_cancer_frame",
    "load_youtube_spam",
    "split_dev_test",
    "youtube_spam_splits",
]

#: Name of the gold-label column: +1 malignant, -1 benign.
LABEL = "y"


def load_breast_cancer_frame() -> pd.DataFrame:
    """The 569 tumours as a DataFrame: 30 feature columns and the label column ``"y"``.

    ``y`` is +1 for a malignant tumour (the class to find) and -1 for a benign
    one, the tutorial's label convention (scikit-learn codes malignant as 0).
    """
    from sklearn.datasets import load_breast_cancer  # imported here: only notebook 6 needs it

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.data.copy()
    frame.columns = [str(column) for column in frame.columns]
    frame[LABEL] = np.where(bunch.target.to_numpy() == 0, 1, -1).astype(np.int8)
    return frame


@dataclass(frozen=True)
class DataSplits:
    """A labeled data set split as a practitioner would split it.

    Attributes
    ----------
    train : pandas.DataFrame
        Treated as unlabeled: its ``y`` column is used only to evaluate what the
        method could not have known (and never to fit anything).
    dev : pandas.DataFrame
        A few hand-labeled points, for writing the labeling functions.
    test : pandas.DataFrame
        Held out, with gold labels, for the final evaluation only.
    """

    train: pd.DataFrame
    dev: pd.DataFrame
    test: pd.DataFrame


def split_dev_test(
    frame: pd.DataFrame, dev_size: int = 40, test_fraction: float = 0.3, seed: int = 0,
) -> DataSplits:
    """Split into unlabeled train, a small labeled dev set and a test set, per class.

    Each class is shuffled and divided in the same proportions (a stratified
    split), so that even a dev set of a few dozen points has both classes in
    their overall proportion.  Not scikit-learn's ``train_test_split(stratify=...)``
    (twice): that draws from NumPy's legacy ``RandomState`` and apportions the
    classes its own way, so the same seed would give other rows, and the
    committed results of notebook 6 and the leaderboard rest on these.

    Parameters
    ----------
    frame : pandas.DataFrame
        With a label column ``"y"`` in {-1, +1}.
    dev_size : int, default 40
        Number of dev points.
    test_fraction : float in (0, 1), default 0.3
        Fraction of the points held out for testing.
    seed : int, default 0
    """
    if not isinstance(frame, pd.DataFrame) or LABEL not in frame.columns:
        raise ValueError(f'frame must be a pandas DataFrame with a label column "{LABEL}"')
    check_labels(frame[LABEL], f'frame["{LABEL}"]')
    dev_size = check_positive_int(dev_size, "dev_size")
    test_fraction = check_real_in_range(
        test_fraction, "test_fraction", 0.0, 1.0, include_low=False, include_high=False
    )
    n_points = len(frame)
    n_test = int(round(test_fraction * n_points))
    if n_test < 2 or dev_size + n_test >= n_points:
        raise ValueError(
            f"dev_size={dev_size} and test_fraction={test_fraction} leave no unlabeled "
            f"training points (or no test points) of the {n_points}"
        )
    rng = np.random.default_rng(check_seed(seed))
    parts = {"train": [], "dev": [], "test": []}
    for label in (-1, 1):
        positions = rng.permutation(np.flatnonzero(frame[LABEL].to_numpy() == label))
        share = len(positions) / n_points
        n_class_test = int(round(n_test * share))
        n_class_dev = int(round(dev_size * share))
        parts["test"].append(positions[:n_class_test])
        parts["dev"].append(positions[n_class_test : n_class_test + n_class_dev])
        parts["train"].append(positions[n_class_test + n_class_dev :])
    return DataSplits(**{
        name: frame.iloc[np.sort(np.concatenate(indices))].reset_index(drop=True)
        for name, indices in parts.items()
    })


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
    from sklearn.model_selection import train_test_split  # as in load_breast_cancer_frame

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

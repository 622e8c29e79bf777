"""A five-class task on real text: which video a YouTube comment was posted under.

The YouTube Spam Collection (:func:`~dataprog_helpers.load_youtube_spam`) holds the
comments of five music videos: 1 Psy, "Gangnam Style"; 2 Katy Perry, "Roar"; 3 LMFAO,
"Party Rock Anthem"; 4 Eminem, "Love the Way You Lie" (with Rihanna); 5 Shakira,
"Waka Waka (This Time for Africa)".  The ``video`` column is a gold label for a
k = 5 topic task.  These LFs are what anyone who knows the songs would write first:
each is one-sided, voting its video when a comment names the artist, a featured
artist or the song, and abstaining otherwise.  They are written from the songs'
credits, not from the comments' labels.

Votes follow the k-class convention: the class index ``video - 1`` (0 to 4), or
``ABSTAIN`` = -1.  Each LF is vectorised (``str.contains`` on the text column), so
:func:`~dataprog_helpers.apply_lfs` labels a whole frame in one call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["ABSTAIN", "TOPIC_KEYWORDS", "TOPIC_LFS", "VIDEOS", "video_classes"]

ABSTAIN = -1

#: The videos, by class index (the ``video`` column minus 1).
VIDEOS = ("Psy", "Katy Perry", "LMFAO", "Eminem", "Shakira")

#: Each LF: (name, class index, the words or phrases that make it vote, case-insensitive).
TOPIC_KEYWORDS = (
    ("lf_psy", 0, ("psy", "gangnam")),
    ("lf_oppa", 0, ("oppa",)),
    ("lf_katy_perry", 1, ("katy", "perry")),
    ("lf_roar", 1, ("roar",)),
    ("lf_lmfao", 2, ("lmfao",)),
    ("lf_party_rock", 2, ("party rock", "shuffl")),
    ("lf_eminem", 3, ("eminem", "marshall mathers")),
    ("lf_rihanna", 3, ("rihanna", "love the way you lie")),
    ("lf_shakira", 4, ("shakira",)),
    ("lf_waka_waka", 4, ("waka", "this time for africa")),
)


def _keyword_lf(name: str, video: int, keywords: tuple[str, ...]) -> Callable:
    pattern = "|".join(rf"\b{keyword}" for keyword in keywords)

    def lf(frame):
        fires = frame["text"].str.contains(pattern, case=False, regex=True)
        return np.where(fires, video, ABSTAIN)

    lf.__name__ = name
    lf.__doc__ = f"Votes {VIDEOS[video]} (class {video}) when a comment names {keywords}."
    return lf


#: The LFs, in the order of :data:`TOPIC_KEYWORDS`.
TOPIC_LFS = tuple(_keyword_lf(*rule) for rule in TOPIC_KEYWORDS)


def video_classes(frame) -> np.ndarray:
    """The gold class index of each comment: its ``video`` (1 to 5) minus 1, int64."""
    return frame["video"].to_numpy().astype(np.int64) - 1

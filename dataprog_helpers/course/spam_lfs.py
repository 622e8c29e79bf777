"""Keyword and regex labeling functions for the YouTube Spam Collection.

Each LF reads the ``text`` column of :func:`~dataprog_helpers.datasets.load_youtube_spam`
and votes ``SPAM`` (+1), ``HAM`` (-1) or ``ABSTAIN`` (0).  They were written by
looking only at the training videos (1-4), never at the valid or test split.

Spam (each votes ``SPAM`` or abstains):

``lf_check_out``
    "check out", "check it out", "check my ...": an invitation to look elsewhere.
``lf_my_channel``
    "my channel", "my new video", "my page": self-promotion.
``lf_subscribe``
    "subscribe", "sub me", "suscribe": asking for subscribers.
``lf_link``
    a URL (``http``, ``www.``, ``.com``), unless the comment links to a YouTube video
    (``youtu.be/``, ``youtube.com/watch``): fans link to the video itself or to a
    moment in it, spammers to other sites.
``lf_please_share``
    "please", "pls", "plz", "share", "help": asking the reader for something.
``lf_money``
    "$", "money", "cash", "free", "earn", "win", "prize", "gift": offers.
``lf_social_media``
    Facebook, Twitter, Instagram, "fb": pointing readers to another platform.

Not spam (each votes ``HAM`` or abstains):

``lf_short_comment``
    fewer than five words and no URL: "Cool", "Nice song", "lol".
``lf_song_love``
    "song", "love", "<3", a heart: talking about the music.
``lf_view_count``
    "billion", "million", "views": fans counting the video's views.

They are one-sided on purpose, like most labeling functions written in practice: a
keyword is evidence for one class, and its absence is no evidence for the other, so
each LF abstains rather than guess.  Two-sided rules ("no link, so not spam") would
vote on every comment with little accuracy.

Every LF is a plain function of one row (``lf(row)`` returns an ``int``) that also
works on a whole DataFrame at once (``lf(frame)`` returns an ``int8`` array of shape
(n_rows,)), so that :func:`~dataprog_helpers.labeling.apply_lfs` applies it with one
vectorised call.  Both ways give the same votes: the patterns are compiled once and
pandas' ``str.contains`` runs the same ``re.search`` as a single row does.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "ABSTAIN",
    "HAM",
    "SPAM",
    "SPAM_LFS",
    "lf_check_out",
    "lf_link",
    "lf_money",
    "lf_my_channel",
    "lf_please_share",
    "lf_short_comment",
    "lf_social_media",
    "lf_song_love",
    "lf_subscribe",
    "lf_view_count",
]

#: Vote for spam (the class to find, y = +1).
SPAM = 1
#: Vote for a legitimate comment (y = -1).
HAM = -1
#: No vote.
ABSTAIN = 0

#: Column of the comment's text.
TEXT = "text"

#: Comments with fewer words than this (and no URL) count as short.
SHORT_WORDS = 5


def _pattern(regex: str) -> re.Pattern:
    return re.compile(regex, flags=re.IGNORECASE)


_CHECK_OUT = _pattern(r"\bcheck\W+(?:it\W+|this\W+)?out\b|\bcheck\W+(?:out\W+)?my\b")
_MY_CHANNEL = _pattern(r"\bmy\s+(?:\w+\s+)?(?:channel|chanel|page|videos?)\b")
_SUBSCRIBE = _pattern(r"\bsub(?:scri|\b)|\bsuscri")
_LINK = _pattern(r"https?://|www\.|\.com\b")
_YOUTUBE_VIDEO_LINK = _pattern(r"youtu\.be/|youtube\.com/watch")
_PLEASE_SHARE = _pattern(r"\b(?:please|pls|plz|share|help)\b")
_MONEY = _pattern(r"\$|money|cash|\bfree\b|\bearn|\bwin\b|prize|gift")
_SOCIAL_MEDIA = _pattern(r"facebook|twitter|instagram|\bfb\b")
_SONG_LOVE = _pattern(r"\bsongs?\b|\blove\b|<3|&lt;3|\u2764")
_VIEW_COUNT = _pattern(r"\b(?:billion|million|views)\b")


def _text(x) -> str | pd.Series:
    """The text of one row (a str) or of every row of a frame (a Series of str)."""
    return x[TEXT]


def _matches(text: str | pd.Series, pattern: re.Pattern) -> bool | np.ndarray:
    """Whether ``pattern`` occurs in the text: a bool, or a bool array of shape (n_rows,)."""
    if isinstance(text, pd.Series):
        return text.str.contains(pattern, regex=True).to_numpy(dtype=bool)
    return pattern.search(text) is not None


def _n_words(text: str | pd.Series) -> int | np.ndarray:
    """Whitespace-separated words: an int, or an int array of shape (n_rows,)."""
    if isinstance(text, pd.Series):
        return text.str.split().str.len().to_numpy(dtype=np.int64)
    return len(text.split())


def _vote(condition: bool | np.ndarray, label: int) -> int | np.ndarray:
    """``label`` where ``condition`` holds and ``ABSTAIN`` elsewhere, as an int or int8 array."""
    votes = np.where(condition, label, ABSTAIN).astype(np.int8)
    return votes if votes.ndim else int(votes)


def lf_check_out(x):
    """Spam if the comment asks to "check out" something or "check my" channel."""
    return _vote(_matches(_text(x), _CHECK_OUT), SPAM)


def lf_my_channel(x):
    """Spam if the comment mentions "my channel", "my (new) video" or "my page"."""
    return _vote(_matches(_text(x), _MY_CHANNEL), SPAM)


def lf_subscribe(x):
    """Spam if the comment asks for subscribers ("subscribe", "sub me", "suscribe")."""
    return _vote(_matches(_text(x), _SUBSCRIBE), SPAM)


def lf_link(x):
    """Spam if the comment holds a URL, unless it links to a YouTube video."""
    text = _text(x)
    external = np.logical_and(
        _matches(text, _LINK), np.logical_not(_matches(text, _YOUTUBE_VIDEO_LINK))
    )
    return _vote(external, SPAM)


def lf_please_share(x):
    """Spam if the comment asks the reader: "please", "pls", "plz", "share", "help"."""
    return _vote(_matches(_text(x), _PLEASE_SHARE), SPAM)


def lf_money(x):
    """Spam if the comment offers something: "$", money, cash, free, earn, win, prize, gift."""
    return _vote(_matches(_text(x), _MONEY), SPAM)


def lf_social_media(x):
    """Spam if the comment points to Facebook, Twitter or Instagram."""
    return _vote(_matches(_text(x), _SOCIAL_MEDIA), SPAM)


def lf_short_comment(x):
    """Ham if the comment has fewer than ``SHORT_WORDS`` words and no URL."""
    text = _text(x)
    short = np.logical_and(_n_words(text) < SHORT_WORDS, np.logical_not(_matches(text, _LINK)))
    return _vote(short, HAM)


def lf_song_love(x):
    """Ham if the comment talks about the song or love: "song", "love", "<3", a heart."""
    return _vote(_matches(_text(x), _SONG_LOVE), HAM)


def lf_view_count(x):
    """Ham if the comment counts views: "billion", "million", "views"."""
    return _vote(_matches(_text(x), _VIEW_COUNT), HAM)


#: The labeling functions, spam ones first, in the order of the module's docstring.
SPAM_LFS = (
    lf_check_out,
    lf_my_channel,
    lf_subscribe,
    lf_link,
    lf_please_share,
    lf_money,
    lf_social_media,
    lf_short_comment,
    lf_song_love,
    lf_view_count,
)

"""Texts as features for the end model: a bag of n-grams learned from a corpus.

:class:`BagOfNgrams` wraps ``keras.layers.TextVectorization`` as a small
estimator: ``fit`` learns the vocabulary of word (or character) n-grams from the
training texts, ``transform`` turns any texts into a dense float64 matrix of
shape (n_texts, n_features) that :class:`~dataprog_helpers.NoiseAwareClassifier`
takes as it is.  Column 0 counts the n-grams outside the vocabulary (Keras's
``"[UNK]"``); ``get_feature_names_out`` names every column, so that a linear
model's weights can be read as n-grams.

The three ways of counting (Keras's ``output_mode``), for n-gram g in text x:

- ``"count"``: how often g occurs in x;
- ``"multi_hot"``: 1 if g occurs in x, else 0;
- ``"tf_idf"``: the count times ``log(1 + N / (1 + df_g))``, where N is the number
  of training texts and df_g the number that contain g, so that n-grams found in
  every text weigh little.

Word n-grams split on whitespace after ``standardize`` (by default lower case
and punctuation removed); character n-grams (``split="character"``) see
punctuation, digits and the pieces of URLs, which word n-grams lose.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import keras
import numpy as np
import pandas as pd
import scipy.sparse
import tensorflow as tf
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.validation import check_is_fitted

from .utils.validation import Interval, StrOptions, check_positive_int

__all__ = ["BagOfNgrams"]

SPLITS = ("whitespace", "character")
#: At most this many dense entries at a time when TF-IDF features are made sparse.
_DENSE_BLOCK_ENTRIES = 2**22
OUTPUT_MODES = ("count", "multi_hot", "tf_idf")
STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation", None)


def check_texts(texts, name: str = "texts") -> list[str]:
    """A list of the texts; every entry must be a ``str``.

    Raises
    ------
    TypeError
        If ``texts`` is one string, not a sequence, array or Series, or holds
        an entry that is not a string (the message gives its position and type).
    ValueError
        If ``texts`` is empty or not one-dimensional.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of strings, not a single string")
    if isinstance(texts, pd.Series):
        texts = texts.tolist()
    elif isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got an array of shape {texts.shape}")
        texts = texts.tolist()
    elif isinstance(texts, Sequence):
        texts = list(texts)
    else:
        raise TypeError(
            f"{name} must be a list, tuple, 1-d array or pandas Series of strings, got "
            f"{type(texts).__name__}"
        )
    if not texts:
        raise ValueError(f"{name} is empty: pass at least one text")
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"{name}[{position}] is {type(text).__name__} {text!r}, not a string; every "
                "text must be a str (missing texts could be replaced by '')"
            )
    return texts


class BagOfNgrams(TransformerMixin, BaseEstimator):
    """Texts as counts of word or character n-grams (``keras.layers.TextVectorization``).

    Parameters
    ----------
    ngrams : int or tuple of int, default 1
        The n-gram lengths: ``2`` means unigrams and bigrams (Keras's convention:
        every length up to it), a tuple such as ``(3, 4, 5)`` exactly those lengths.
    split : {"whitespace", "character"}, default "whitespace"
        Words or characters.
    output_mode : {"count", "multi_hot", "tf_idf"}, default "count"
        How each n-gram is counted (module docstring).
    max_tokens : int or None, default None
        Keep the most frequent n-grams of the training texts, at most this many
        columns (the out-of-vocabulary column included); None keeps them all.
    standardize : str or None, default "lower_and_strip_punctuation"
        Keras's standardisation before splitting: ``"lower"``,
        ``"strip_punctuation"``, both, or None (the texts as they are).
    sparse : bool, default False
        Return ``scipy.sparse.csr_array`` instead of a dense array.  A text holds
        a few dozen of the vocabulary's thousands of n-grams, so the sparse
        matrix takes a small fraction of the dense one's memory, and
        :class:`~dataprog_helpers.NoiseAwareClassifier` trains on it in time
        proportional to its stored entries.  Counts and presence are sparse
        all the way; TF-IDF is computed densely a block of rows at a time
        (Keras's own sparse TF-IDF output fails), so its time grows with
        n_texts x n_features.

    Attributes
    ----------
    vectorizer_ : keras.layers.TextVectorization
        The fitted layer.
    vocabulary_ : list of str
        The n-gram of each column, most frequent first after ``"[UNK]"``; words of
        a word n-gram are joined by a space, characters of a character n-gram
        are written as they are (``"lov"``).
    n_features_ : int
        Number of columns, ``len(vocabulary_)``.

    Notes
    -----
    A scikit-learn transformer (``TransformerMixin``, ``BaseEstimator``):
    ``get_params``, ``set_params``, :func:`sklearn.base.clone` and ``repr``
    work, parameters are checked by :meth:`fit`, and it can be the first step of
    a ``Pipeline`` that ends in :class:`~dataprog_helpers.NoiseAwareClassifier`,
    e.g. ``make_pipeline(BagOfNgrams(), NoiseAwareClassifier()).fit(texts,
    soft_labels)``, whose parameters (``bagofngrams__ngrams``, say) a
    ``GridSearchCV`` can tune.  Its input is a sequence of texts, not a 2-D array.

    Examples
    --------
    >>> from dataprog_helpers import BagOfNgrams
    >>> bag = BagOfNgrams().fit(["check out my channel", "love this song", "my song"])
    >>> bag.get_feature_names_out().tolist()
    ['[UNK]', 'song', 'my', 'this', 'out', 'love', 'check', 'channel']
    >>> bag.transform(["my new song"]).tolist()  # "new" is outside the vocabulary
    [[1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    """

    # The texts are the data, not metadata to route (scikit-learn takes every
    # argument not named X or y for metadata).
    __metadata_request__fit = {"texts": UNUSED}
    __metadata_request__transform = {"texts": UNUSED}

    def __init__(self, ngrams: int | tuple[int, ...] = 1, split: str = "whitespace",
                 output_mode: str = "count", max_tokens: int | None = None,
                 standardize: str | None = "lower_and_strip_punctuation",
                 sparse: bool = False) -> None:
        self.ngrams = ngrams
        self.split = split
        self.output_mode = output_mode
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.sparse = sparse

    _parameter_constraints: dict = {
        "ngrams": [Interval(Integral, 1, None, closed="left"), tuple],
        "split": [StrOptions(set(SPLITS))],
        "output_mode": [StrOptions(set(OUTPUT_MODES))],
        "max_tokens": [Interval(Integral, 2, None, closed="left"), None],
        "standardize": [StrOptions(set(STANDARDIZE) - {None}), None],
        "sparse": ["boolean"],
    }

    def _ngrams(self) -> int | tuple[int, ...]:
        """``ngrams`` for Keras: an int, or a non-empty tuple of positive ints (what the
        declared constraints cannot say of a tuple's entries)."""
        if isinstance(self.ngrams, tuple):
            if not self.ngrams:
                raise ValueError("ngrams must be a positive int or a non-empty tuple of them, "
                                 "got ()")
            return tuple(check_positive_int(length, "each of ngrams") for length in self.ngrams)
        return int(self.ngrams)

    def fit(self, texts, y=None) -> BagOfNgrams:
        """Learn the vocabulary (and, for ``"tf_idf"``, the document frequencies).

        Parameters
        ----------
        texts : sequence of str, shape (n_texts,)
        y : ignored
            Accepted for scikit-learn's ``Pipeline``, which passes the targets
            to every step.

        Returns
        -------
        self
        """
        self._validate_params()
        ngrams = self._ngrams()
        texts = check_texts(texts)
        vectorizer = keras.layers.TextVectorization(
            max_tokens=self.max_tokens, standardize=self.standardize, split=self.split,
            ngrams=None if ngrams == 1 else ngrams, output_mode=self.output_mode,
            # Keras 3.15's sparse TF-IDF output fails (a GatherNd shape error), so
            # TF-IDF is computed densely, a block of rows at a time, in transform.
            sparse=self.sparse and self.output_mode != "tf_idf",
        )
        vectorizer.adapt(tf.constant(texts))
        vocabulary = [str(token) for token in vectorizer.get_vocabulary()]
        if self.split == "character":
            # Keras joins the characters of an n-gram with single spaces ("l o v"):
            # every other character is the n-gram itself ("lov"; "v e  " is "ve ").
            vocabulary = [vocabulary[0]] + [token[::2] for token in vocabulary[1:]]
        self.vectorizer_ = vectorizer
        self.vocabulary_ = vocabulary
        self.n_features_ = len(vocabulary)
        return self

    def transform(self, texts) -> np.ndarray | scipy.sparse.csr_array:
        """The features of ``texts``, float64 of shape (n_texts, n_features_).

        A dense array, or with ``sparse=True`` a ``scipy.sparse.csr_array``
        holding the same numbers.
        """
        check_is_fitted(self, "vectorizer_", msg=(
            "this BagOfNgrams is not fitted yet; call fit(texts) first"))
        texts = check_texts(texts)
        if not self.sparse:
            return np.asarray(self.vectorizer_(tf.constant(texts)), dtype=np.float64)
        if self.output_mode == "tf_idf":
            block = max(1, _DENSE_BLOCK_ENTRIES // self.n_features_)
            return scipy.sparse.vstack([
                scipy.sparse.csr_array(
                    np.asarray(self.vectorizer_(tf.constant(texts[start : start + block])),
                               dtype=np.float64))
                for start in range(0, len(texts), block)
            ], format="csr")
        features = self.vectorizer_(tf.constant(texts))
        rows, columns = features.indices.numpy().T
        matrix = scipy.sparse.csr_array(
            (features.values.numpy().astype(np.float64), (rows, columns)),
            shape=(len(texts), self.n_features_),
        )
        matrix.sum_duplicates()
        return matrix

    def fit_transform(self, texts, y=None) -> np.ndarray | scipy.sparse.csr_array:
        """``fit(texts).transform(texts)`` (``y`` is ignored, as by :meth:`fit`)."""
        return self.fit(texts).transform(texts)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The n-gram of each column, an array of str of shape (n_features_,).

        ``input_features`` is ignored: texts have no input columns to name (the
        argument is scikit-learn's, e.g. for ``Pipeline.get_feature_names_out``).
        """
        check_is_fitted(self, "vocabulary_", msg=(
            "this BagOfNgrams is not fitted yet; call fit(texts) first"))
        return np.array(self.vocabulary_, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

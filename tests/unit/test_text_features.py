"""Tests of BagOfNgrams: counts, names, weighting, and clear errors on bad input."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

from dataprog_helpers import BagOfNgrams
from dataprog_helpers.exceptions import NotFittedError

CORPUS = ["Check out my channel!", "I love this song", "love, love song", "sub 4 sub"]


def _column(model: BagOfNgrams, name: str) -> int:
    return int(np.flatnonzero(model.get_feature_names_out() == name)[0])


def test_counts_are_the_occurrences_of_each_word_and_unseen_words_go_to_column_0():
    model = BagOfNgrams().fit(CORPUS)
    X = model.transform(CORPUS + ["brand new words love"])
    assert X.dtype == np.float64 and X.shape == (5, model.n_features_)
    assert model.vocabulary_[0] == "[UNK]" and len(set(model.vocabulary_)) == model.n_features_
    love, song, sub = (_column(model, word) for word in ("love", "song", "sub"))
    np.testing.assert_array_equal(X[:, love], [0, 1, 2, 0, 1])
    np.testing.assert_array_equal(X[:, song], [0, 1, 1, 0, 0])
    np.testing.assert_array_equal(X[:, sub], [0, 0, 0, 2, 0])
    assert X[4, 0] == 3  # "brand", "new", "words"
    # Lower case and no punctuation: "Check" and "channel!" are "check" and "channel".
    assert {"check", "channel"} <= set(model.vocabulary_)


def test_bigrams_multi_hot_and_the_vocabulary_cap():
    bigrams = BagOfNgrams(ngrams=2).fit(CORPUS)
    assert {"this song", "love song", "check out"} <= set(bigrams.vocabulary_)
    hot = BagOfNgrams(output_mode="multi_hot").fit(CORPUS).transform(CORPUS)
    assert set(np.unique(hot)) == {0.0, 1.0}
    capped = BagOfNgrams(max_tokens=4).fit(CORPUS)
    assert capped.n_features_ == 4 and capped.vocabulary_[1] == "love"  # 3 times; the most


def test_tf_idf_weighs_each_count_by_the_inverse_document_frequency():
    model = BagOfNgrams(output_mode="tf_idf").fit(CORPUS)
    counts = BagOfNgrams().fit(CORPUS).transform(CORPUS)
    X = model.transform(CORPUS)
    for word, df in (("love", 2), ("song", 2), ("sub", 1)):
        column = _column(model, word)
        np.testing.assert_allclose(X[:, column],
                                   counts[:, column] * np.log(1 + len(CORPUS) / (1 + df)),
                                   rtol=1e-6)


def test_character_ngrams_see_punctuation_and_are_named_as_written():
    model = BagOfNgrams(split="character", ngrams=(3,), standardize="lower").fit(CORPUS)
    names = set(model.vocabulary_)
    assert {"lov", "ve,", "ub ", "el!"} <= names
    X = model.transform(["love"])
    assert X[0, _column(model, "lov")] == 1 and X[0, _column(model, "ove")] == 1


def test_the_same_texts_in_any_container_give_the_same_features():
    reference = BagOfNgrams(ngrams=2).fit(CORPUS)
    for container in (tuple(CORPUS), np.array(CORPUS, dtype=object), pd.Series(CORPUS)):
        model = BagOfNgrams(ngrams=2).fit(container)
        assert model.vocabulary_ == reference.vocabulary_
        np.testing.assert_array_equal(model.transform(container), reference.transform(CORPUS))


@pytest.mark.parametrize("output_mode", ["count", "multi_hot", "tf_idf"])
@pytest.mark.parametrize("split", ["whitespace", "character"])
def test_sparse_output_holds_the_same_numbers_as_the_dense_one(output_mode, split):
    settings = {"ngrams": 2, "split": split, "output_mode": output_mode}
    dense = BagOfNgrams(**settings).fit(CORPUS)
    sparse = BagOfNgrams(**settings, sparse=True).fit(CORPUS)
    assert sparse.vocabulary_ == dense.vocabulary_
    texts = CORPUS + ["brand new words love", ""]
    X = sparse.transform(texts)
    assert isinstance(X, scipy.sparse.csr_array) and X.dtype == np.float64
    assert X.shape == (6, dense.n_features_) and X.has_canonical_format
    np.testing.assert_allclose(X.toarray(), dense.transform(texts), rtol=1e-6)
    assert X.nnz == np.count_nonzero(dense.transform(texts))


@pytest.mark.parametrize(
    ("texts", "error", "pattern"),
    [
        ("one string", TypeError, r"texts must be a sequence of strings, not a single string"),
        (["fine", "also fine", None], TypeError, r"texts\[2\] is NoneType None, not a string"),
        (["fine", 3], TypeError, r"texts\[1\] is int 3, not a string"),
        (pd.Series(["a", float("nan")]), TypeError, r"texts\[1\] is float nan, not a string"),
        ([], ValueError, r"texts is empty"),
        (np.array([["a", "b"]]), ValueError, r"texts must be one-dimensional"),
        ({"a": 1}, TypeError, r"texts must be a list, tuple, 1-d array or pandas Series"),
    ],
    ids=["string", "none", "int", "nan", "empty", "2d", "dict"],
)
def test_texts_that_are_not_strings_are_rejected_by_name(texts, error, pattern):
    with pytest.raises(error, match=pattern):
        BagOfNgrams().fit(texts)
    fitted = BagOfNgrams().fit(CORPUS)
    with pytest.raises(error, match=pattern):
        fitted.transform(texts)

def invalid_parameter(name: str) -> str:
    """The start of scikit-learn's message for a parameter outside its declared constraints."""
    return rf"The '{name}' parameter of BagOfNgrams must be"



@pytest.mark.parametrize(
    ("params", "error", "pattern"),
    [
        ({"ngrams": 0}, ValueError, invalid_parameter("ngrams")),
        ({"ngrams": "2"}, TypeError, invalid_parameter("ngrams")),
        ({"ngrams": (1, 0)}, ValueError, r"each of ngrams must lie in \[1, "),
        ({"ngrams": True}, TypeError, invalid_parameter("ngrams")),
        ({"split": "chars"}, ValueError, invalid_parameter("split")),
        ({"output_mode": "tfidf"}, ValueError, invalid_parameter("output_mode")),
        ({"max_tokens": 1}, ValueError, invalid_parameter("max_tokens")),
        ({"standardize": "upper"}, ValueError, invalid_parameter("standardize")),
        ({"sparse": 1}, TypeError, invalid_parameter("sparse")),
    ],
    ids=["zero-ngrams", "str-ngrams", "zero-in-tuple", "bool-ngrams", "split", "mode",
         "one-token", "standardize", "int-sparse"],
)
def test_bad_hyperparameters_are_rejected_at_fit(params, error, pattern):
    with pytest.raises(error, match=pattern):
        BagOfNgrams(**params).fit(CORPUS)


def test_transform_before_fit_says_so():
    with pytest.raises(NotFittedError, match=r"BagOfNgrams is not fitted yet"):
        BagOfNgrams().transform(CORPUS)
    with pytest.raises(NotFittedError, match=r"BagOfNgrams is not fitted yet"):
        BagOfNgrams().get_feature_names_out()

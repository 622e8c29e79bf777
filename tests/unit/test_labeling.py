"""Tests of dataprog_helpers.labeling: applying labeling functions to a DataFrame."""

import pickle

import numpy as np
import pandas as pd
import pytest
from example_lfs import (
    ABSTAIN,
    EXPECTED,
    FRAME,
    SPAM,
    lf_has_links,
    lf_long_vectorised,
    lf_short,
)

import dataprog_helpers as dh
from dataprog_helpers import LabelingFunctionError, apply_lfs, lf_names


@pytest.mark.parametrize("vectorize", [True, False])
def test_apply_lfs_gives_one_column_per_lf_in_order(vectorize):
    L = apply_lfs([lf_has_links, lf_short, lf_long_vectorised], FRAME, vectorize=vectorize)
    assert L.dtype == np.int8
    np.testing.assert_array_equal(L, EXPECTED)


def test_apply_lfs_calls_a_column_style_lf_once_and_a_row_style_lf_per_row():
    calls = {"column": 0, "row": 0}

    def column_style(row):
        calls["column"] += 1
        return np.where(row["links"] > 0, SPAM, ABSTAIN)

    def row_style(row):
        calls["row"] += 1
        return SPAM if row["links"] > 0 else ABSTAIN

    L = apply_lfs([column_style, row_style], FRAME)
    np.testing.assert_array_equal(L[:, 0], L[:, 1])
    assert calls["column"] == 1  # the whole frame in one call
    assert calls["row"] == 1 + len(FRAME)  # one failed whole-frame try, then row by row


def test_apply_lfs_shows_a_progress_bar_only_when_asked_or_for_large_frames(capsys):
    apply_lfs([lf_has_links], FRAME)
    assert capsys.readouterr().err == ""
    apply_lfs([lf_has_links], FRAME, progress=True)
    assert "lf_has_links" in capsys.readouterr().err  # tqdm writes to stderr


def test_lf_names_are_the_function_names():
    assert lf_names([lf_has_links, lf_short]) == ["lf_has_links", "lf_short"]


@pytest.mark.parametrize(
    ("lfs", "frame", "error", "pattern"),
    [
        ([lambda row: 2], FRAME, ValueError,
         r"labeling function <lambda> returned 2 for row 0; an LF must return -1, 0"),
        ([lambda row: None], FRAME, ValueError, r"returned None for row 0"),
        ([lf_has_links, "not a function"], FRAME, TypeError,
         r"every entry of lfs must be a function, got 'not a function'"),
        ([], FRAME, ValueError, r"lfs is empty"),
        ([lf_has_links], FRAME.iloc[:0], ValueError, r"frame is empty"),
        ([lf_has_links], FRAME.to_numpy(), TypeError, r"frame must be a pandas DataFrame"),
    ],
    ids=["two", "none", "not-callable", "no-lfs", "empty-frame", "array"],
)
def test_apply_lfs_rejects_bad_input(lfs, frame, error, pattern):
    with pytest.raises(error, match=pattern):
        apply_lfs(lfs, frame)


def lf_fails_on_one_row(row) -> int:
    """Works on single rows, and fails on one of them (a missing text)."""
    return 1 if "http" in row["text"] else 0


@pytest.mark.parametrize("vectorize", [True, False])
def test_an_lf_that_raises_on_a_row_is_named_with_the_row_and_never_abstains(vectorize):
    # pandas stores the missing text as NaN, a float.
    frame = pd.DataFrame({"text": ["see http://x.io", "nice", None, "ok"]}, index=[10, 11, 12, 13])
    with pytest.raises(LabelingFunctionError,
                       match=r"labeling function lf_fails_on_one_row raised TypeError on row 2 "
                             r"\(index 12\): argument of type 'float' is not iterable") as caught:
        apply_lfs([lf_fails_on_one_row], frame, vectorize=vectorize)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value.__cause__, TypeError)


# --- k classes: LFs return class names or dh.ABSTAIN ---------------------------------------------

SONGS = pd.DataFrame({"text": ["Shakira is the best", "eminem forever", "nice video",
                               "katy and shakira", "subscribe to me"]})
ARTISTS = ["Katy Perry", "Eminem", "Shakira"]


def lf_shakira(row):
    return "Shakira" if "shakira" in row["text"].lower() else dh.ABSTAIN


def lf_eminem_vectorised(frame):
    return np.where(frame["text"].str.contains("eminem", case=False), "Eminem", dh.ABSTAIN)


def lf_katy(row):
    return "Katy Perry" if "katy" in row["text"] else dh.ABSTAIN


def test_class_names_become_indices_and_abstain_becomes_minus_one():
    # One LF runs on the whole frame (an object array of names and ABSTAIN), two row by row.
    L = apply_lfs([lf_shakira, lf_eminem_vectorised, lf_katy], SONGS, classes=ARTISTS)
    assert L.dtype == np.int8
    assert L.tolist() == [[2, -1, -1], [-1, 1, -1], [-1, -1, -1], [2, -1, 0], [-1, -1, -1]]


def test_class_names_may_be_numbers_and_abstain_works_in_the_signed_convention():
    def lf_length(row):
        return 30 if len(row["text"]) > 15 else (10 if len(row["text"]) < 12 else dh.ABSTAIN)

    assert apply_lfs([lf_length], SONGS, classes=[10, 20, 30])[:, 0].tolist() == [
        2, -1, 0, 2, -1]

    def lf_signed(row):
        return 1 if "subscribe" in row["text"] else dh.ABSTAIN

    assert apply_lfs([lf_signed], SONGS)[:, 0].tolist() == [0, 0, 0, 0, 1]
    assert repr(dh.ABSTAIN) == "ABSTAIN" and pickle.loads(pickle.dumps(dh.ABSTAIN)) is dh.ABSTAIN


@pytest.mark.parametrize(
    ("lf", "pattern"),
    [
        (lambda row: "shakira" if "hakira" in row["text"] else dh.ABSTAIN,
         r"labeling function <lambda> returned 'shakira' for row 0, which is not one of "
         r"classes=\['Katy Perry', 'Eminem', 'Shakira'\]; an LF must return a class name or "
         r"dh.ABSTAIN"),
        (lambda row: 2 if "hakira" in row["text"] else dh.ABSTAIN, r"returned 2 for row 0"),
        (lambda row: None, r"returned None for row 0"),  # an LF that forgot to return
        (lambda row: -1, r"returned -1 for row 0"),  # Snorkel's ABSTAIN is dh.ABSTAIN here
    ],
    ids=["misspelt", "an-index", "none", "minus-one"],
)
def test_an_lf_returning_something_else_is_named_never_read_as_abstention(lf, pattern):
    with pytest.raises(ValueError, match=pattern):
        apply_lfs([lf], SONGS, classes=ARTISTS)


@pytest.mark.parametrize(
    ("classes", "error", "pattern"),
    [
        (["a", "b", "a"], ValueError, r"classes has duplicates: 'a'"),
        (["ham", "spam"], ValueError, r"classes=\['ham', 'spam'\] names two classes.*signed"),
        ("abc", TypeError, r"classes must be a list of class names"),
        ({"a", "b", "c"}, TypeError, r"classes must be a list of class names \(in order\)"),
        ([["a"], ["b"], ["c"]], TypeError, r"each class name must be hashable"),
        (["a", None, "c"], ValueError, r"classes may not hold None"),
        (list(range(128)), ValueError, r"classes must name 3 to 127 classes, got 128"),
    ],
    ids=["duplicates", "two", "string", "set", "unhashable", "none", "too-many"],
)
def test_bad_classes_are_refused_before_any_lf_runs(classes, error, pattern):
    with pytest.raises(error, match=pattern):
        apply_lfs([lf_shakira], SONGS, classes=classes)


def test_a_k_class_label_matrix_fits_the_k_class_label_model():
    from dataprog_helpers import ClassConditionalLabelModel

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"value": rng.integers(0, 3, size=600),
                          "noise": rng.random((600, 4)).tolist()})

    def lf_of(position):
        def lf(row):
            if row["noise"][position] < 0.3:
                return dh.ABSTAIN
            return ["low", "middle", "high"][row["value"]]
        lf.__name__ = f"lf_{position}"
        return lf

    L = apply_lfs([lf_of(position) for position in range(4)], frame,
                  classes=["low", "middle", "high"])
    model = ClassConditionalLabelModel(cardinality=3).fit(L)
    covered = (L >= 0).any(axis=1)
    assert model.score(L[covered], frame["value"].to_numpy()[covered]) == 1.0

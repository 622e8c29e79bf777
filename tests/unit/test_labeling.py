"""Tests of dataprog_helpers.labeling: applying labeling functions to a DataFrame."""

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

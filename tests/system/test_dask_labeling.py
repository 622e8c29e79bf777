"""Tests of apply_lfs on a Dask DataFrame, on a real two-process Dask cluster.

The labeling functions are module-level functions, so that the worker processes can
unpickle them (by reference to this module).
"""

import pickle
import subprocess
import sys
import threading

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from example_lfs import (
    ABSTAIN,
    EXPECTED_SIZES,
    SIZES,
    SPAM,
    lf_has_links,
    lf_linked_medium_vectorised,
    lf_long_vectorised,
    lf_short,
    lf_size_named,
)
from example_lfs import FRAME as SIZES_FRAME

from dataprog_helpers import LabelingFunctionError, apply_lfs

FRAME = pd.DataFrame(
    {"length": [3, 12, 7, 30, 1, 16, 4, 9], "links": [0, 2, 1, 0, 5, 0, 0, 3]},
    index=range(100, 108),
)
#: Rows on which none of LFS votes.
NO_VOTES = pd.DataFrame({"length": [7, 9, 8], "links": [0, 0, 0]}, index=[200, 201, 202])


# The in-memory tests' LFs (row-style and column-style), importable by the workers too.
LFS = [lf_has_links, lf_short, lf_long_vectorised]


def lf_fails_on_one_row(row) -> int:
    """Works on single rows, and fails on one of them (a missing text)."""
    return SPAM if "http" in row["text"] else ABSTAIN


def lf_always_fails(row) -> int:
    raise RuntimeError("this LF was run")


def lf_votes_two_for_many_links(row) -> int:
    return 2 if row["links"] > 4 else ABSTAIN


class LockedError(Exception):
    """An exception that cannot be pickled: it holds a lock."""

    def __init__(self, message):
        super().__init__(message)
        self.lock = threading.Lock()


def lf_raises_an_unpicklable_error(row) -> int:
    if row["links"] > 4:
        raise LockedError("locked out")
    return ABSTAIN


def must_not_be_computed():
    raise AssertionError("the Dask DataFrame was computed")


def dask_frame_of(*parts: pd.DataFrame) -> dd.DataFrame:
    """A Dask DataFrame whose partitions are ``parts``, exactly as given.

    Dask checks each part against the first one's dtypes, but numeric dtypes pass
    for one another.  (With ``verify_meta=False``, Dask 2026.8 fails to compute the
    frame's ``to_dask_array()``, with or without apply_lfs: "Missing dependency".)
    """
    return dd.from_delayed([dask.delayed(part) for part in parts], meta=parts[0].iloc[:0])


@pytest.fixture(scope="module")
def client(dask_client):
    """The session's local cluster of two single-threaded worker processes."""
    return dask_client


def test_importing_labeling_does_not_import_dask():
    code = "import sys, dataprog_helpers.labeling; assert 'dask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("vectorize", [True, False])
def test_a_dask_frame_gives_the_in_memory_label_matrix(client, vectorize):
    L = apply_lfs(LFS, dd.from_pandas(FRAME, npartitions=3), vectorize=vectorize)
    computed = L.compute()
    assert computed.dtype == np.int8
    assert np.array_equal(computed, apply_lfs(LFS, FRAME, vectorize=vectorize))


def test_the_label_matrix_is_lazy_until_computed(client):
    frame = dd.from_pandas(FRAME, npartitions=3)
    L = apply_lfs([lf_always_fails], frame)
    assert isinstance(L, da.Array) and dask.is_dask_collection(L)
    assert L.dtype == np.int8
    assert L.numblocks == (frame.npartitions, 1)
    # Counting the rows does not run the LFs either.
    assert isinstance(apply_lfs([lf_always_fails], frame, lengths=True), da.Array)
    with pytest.raises(LabelingFunctionError, match="this LF was run"):
        L.compute()


def test_one_chunk_of_rows_per_partition_and_one_of_columns(client):
    frame = dask_frame_of(FRAME.iloc[:3], FRAME.iloc[3:])
    L = apply_lfs(LFS, frame)
    assert L.numblocks == (2, 1)
    assert all(np.isnan(size) for size in L.chunks[0]) and L.chunks[1] == (3,)
    known = apply_lfs(LFS, frame, lengths=True)
    assert known.chunks == ((3, 5), (3,))
    assert known.shape == (8, 3)
    assert np.array_equal(known.blocks[1].compute(), apply_lfs(LFS, FRAME.iloc[3:]))


def test_lengths_is_ignored_for_a_pandas_frame():
    assert np.array_equal(apply_lfs(LFS, FRAME, lengths=True), apply_lfs(LFS, FRAME))


def test_the_same_lf_twice_gives_two_equal_columns(client):
    L = apply_lfs([lf_has_links, lf_has_links], dd.from_pandas(FRAME, npartitions=2)).compute()
    assert np.array_equal(L, apply_lfs([lf_has_links, lf_has_links], FRAME))


@pytest.mark.parametrize("vectorize", [True, False])
def test_an_lf_that_raises_in_a_worker_is_named_with_partition_and_row(client, vectorize):
    frame = pd.DataFrame({"text": ["see http://x.io", "nice", None, "ok"]},
                         index=[10, 11, 12, 13])
    future = client.compute(apply_lfs([lf_fails_on_one_row], dd.from_pandas(frame, npartitions=2),
                                      vectorize=vectorize))
    with pytest.raises(LabelingFunctionError,
                       match=r"^in partition 1: labeling function lf_fails_on_one_row raised "
                             r"TypeError on row 0 \(index 12\): argument of type '\w+' "
                             r"is not iterable$") as caught:
        future.result()
    assert future.status == "error"  # raised in a worker, re-raised here
    assert isinstance(caught.value, ValueError)
    # dask.distributed sends the chain of causes along.
    assert isinstance(caught.value.__cause__, LabelingFunctionError)
    assert isinstance(caught.value.__cause__.__cause__, TypeError)


def test_an_lf_error_that_cannot_be_pickled_still_reaches_the_client(client):
    L = apply_lfs([lf_raises_an_unpicklable_error], dd.from_pandas(FRAME, npartitions=2))
    with pytest.raises(LabelingFunctionError,
                       match=r"^in partition 1: labeling function lf_raises_an_unpicklable_error "
                             r"raised LockedError on row 0 \(index 104\): locked out$") as caught:
        L.compute()
    assert caught.value.__cause__ is None


def test_a_labeling_function_error_pickles_with_its_message():
    try:
        apply_lfs([lf_always_fails], FRAME)
    except LabelingFunctionError as error:
        raised = error
    unpickled = pickle.loads(pickle.dumps(raised))
    assert type(unpickled) is LabelingFunctionError
    assert str(unpickled) == str(raised) == (
        "labeling function lf_always_fails raised RuntimeError on row 0 (index 100): "
        "this LF was run"
    )


def test_an_invalid_vote_in_a_partition_is_named_with_lf_and_partition(client):
    L = apply_lfs([lf_votes_two_for_many_links], dask_frame_of(FRAME.iloc[:2], FRAME.iloc[2:]))
    with pytest.raises(ValueError,
                       match=r"^in partition 1: labeling function lf_votes_two_for_many_links "
                             r"returned 2 for row 2; an LF must return -1, 0 \(abstain\) or \+1$"
                       ) as caught:
        L.compute()
    assert type(caught.value) is ValueError


@pytest.mark.parametrize("lengths", [False, True])
def test_a_partition_without_rows_gives_no_rows(client, lengths):
    L = apply_lfs(LFS, dask_frame_of(FRAME.iloc[:3], FRAME.iloc[:0], FRAME.iloc[3:]),
                  lengths=lengths)
    assert L.numblocks == (3, 1)
    assert L.blocks[1].compute().shape == (0, 3)
    assert np.array_equal(L.compute(), apply_lfs(LFS, FRAME))
    if lengths:
        assert L.chunks == ((3, 0, 5), (3,))


@pytest.mark.parametrize("lengths", [False, True])
def test_a_dask_frame_without_rows_gives_an_empty_label_matrix(client, lengths):
    L = apply_lfs(LFS, dd.from_pandas(FRAME.iloc[:0], npartitions=1), lengths=lengths)
    computed = L.compute()
    assert computed.shape == (0, 3) and computed.dtype == np.int8
    if lengths:
        assert L.chunks == ((0,), (3,))


def test_a_partition_where_no_lf_votes_gives_rows_of_zeros(client):
    L = apply_lfs(LFS, dask_frame_of(NO_VOTES, FRAME)).compute()
    assert not L[:len(NO_VOTES)].any()
    assert np.array_equal(L, apply_lfs(LFS, pd.concat([NO_VOTES, FRAME])))


def test_partitions_whose_columns_differ_in_dtype(client):
    floats = pd.DataFrame({"length": [11.5, 2.0, np.nan], "links": [np.nan, 1.0, 0.0]},
                          index=[300, 301, 302])
    assert FRAME.dtypes.tolist() == [np.dtype("int64")] * 2
    # from_delayed lets a float partition through where the meta says int64.
    frame = dask_frame_of(FRAME, floats)
    expected = apply_lfs(LFS, pd.concat([FRAME, floats]))
    for vectorize in (True, False):
        assert np.array_equal(apply_lfs(LFS, frame, vectorize=vectorize).compute(), expected)
    concatenated = dd.concat([dd.from_pandas(FRAME, npartitions=2),
                              dd.from_pandas(floats, npartitions=1)])
    assert np.array_equal(apply_lfs(LFS, concatenated).compute(), expected)


def test_a_partition_whose_dtypes_contradict_the_meta_fails_clearly(client):
    texts = pd.DataFrame({"length": ["long", "short"], "links": [1, 0]}, dtype=object)
    with pytest.raises(ValueError, match=r"Metadata mismatch found in `from_delayed`"):
        apply_lfs(LFS, dask_frame_of(FRAME, texts)).compute()


@pytest.mark.parametrize(
    ("lfs", "error", "pattern"),
    [
        ([lf_has_links, "not a function"], TypeError,
         r"every entry of lfs must be a function, got 'not a function'"),
        ([], ValueError, r"lfs is empty"),
    ],
    ids=["not-callable", "no-lfs"],
)
@pytest.mark.parametrize("lengths", [False, True])
def test_bad_lfs_are_refused_before_anything_is_computed(client, lfs, error, pattern, lengths):
    frame = dd.from_delayed([dask.delayed(must_not_be_computed)()], meta=FRAME.iloc[:0])
    with pytest.raises(error, match=pattern):
        apply_lfs(lfs, frame, lengths=lengths)


def test_a_dask_frame_without_columns_is_refused_at_once():
    frame = dd.from_pandas(pd.DataFrame(index=range(4)), npartitions=2)
    with pytest.raises(ValueError, match=r"frame is empty: it has no columns"):
        apply_lfs(LFS, frame)


def test_a_dask_series_is_not_a_frame():
    with pytest.raises(TypeError,
                       match=r"frame must be a pandas DataFrame or a Dask DataFrame, got Series"):
        apply_lfs(LFS, dd.from_pandas(FRAME, npartitions=2)["links"])


def test_class_names_are_labelled_on_the_workers_as_in_memory(client):
    # The LFs return class names and dh.ABSTAIN, which the workers unpickle as the same
    # object; a partition without rows gives none.
    lfs = [lf_size_named, lf_linked_medium_vectorised]
    frame = dask_frame_of(SIZES_FRAME.iloc[:2], SIZES_FRAME.iloc[:0], SIZES_FRAME.iloc[2:])
    L = apply_lfs(lfs, frame, classes=SIZES)
    computed = L.compute()
    assert computed.dtype == np.int8
    np.testing.assert_array_equal(computed, EXPECTED_SIZES)
    np.testing.assert_array_equal(apply_lfs(lfs, SIZES_FRAME, classes=SIZES), EXPECTED_SIZES)


def test_an_unknown_class_name_on_a_worker_is_named_with_its_partition(client):
    L = apply_lfs([lf_size_named], dask_frame_of(SIZES_FRAME.iloc[:2], SIZES_FRAME.iloc[2:]),
                  classes=["short", "medium", "huge"])
    with pytest.raises(ValueError, match=r"^in partition 1: labeling function lf_size_named "
                                         r"returned 'long' for row 1, which is not one of"):
        L.compute()

"""write_probabilistic_labels: probabilistic labels as a Parquet data set, complete or absent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dataprog_helpers as dh
from dataprog_helpers import write_probabilistic_labels

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")


def _frame(n: int = 100) -> pd.DataFrame:
    return pd.DataFrame({"text": [f"comment {k}" for k in range(n)]},
                        index=pd.Index(np.arange(n) * 7 + 3, name="comment_id"))


def _leftovers(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_in_memory_labels_are_written_with_their_row_ids(tmp_path):
    frame, probabilities = _frame(), np.linspace(0.0, 1.0, 100)
    path = write_probabilistic_labels(tmp_path / "labels", probabilities, frame.index)
    assert _leftovers(tmp_path) == ["labels"]
    back = pd.read_parquet(path)
    assert list(back.columns) == ["comment_id", "probability"]
    np.testing.assert_array_equal(back["comment_id"], frame.index)
    np.testing.assert_array_equal(back["probability"], probabilities)


def test_labels_on_dask_are_written_per_partition_and_equal_the_in_memory_ones(
    tmp_path, dask_client,
):
    frame, probabilities = _frame(), np.linspace(0.0, 1.0, 100)
    distributed = dd.from_pandas(frame, npartitions=4)
    lazy = da.from_array(probabilities, chunks=25)
    path = write_probabilistic_labels(tmp_path / "labels", lazy, distributed.index)
    assert _leftovers(path) == [f"part.{k}.parquet" for k in range(4)]  # one digit: no padding
    in_memory = write_probabilistic_labels(tmp_path / "in_memory", probabilities, frame.index)
    pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(in_memory))
    pd.testing.assert_frame_equal(dd.read_parquet(path).compute().reset_index(drop=True),
                                  pd.read_parquet(in_memory))


def test_many_partitions_read_back_in_the_order_of_the_rows(tmp_path, dask_client):
    # part.10 would sort before part.2 without zero padding.
    frame, probabilities = _frame(120), np.linspace(0.0, 1.0, 120)
    path = write_probabilistic_labels(tmp_path / "labels",
                                      da.from_array(probabilities, chunks=10),
                                      dd.from_pandas(frame, npartitions=12).index)
    assert _leftovers(path)[:3] == ["part.00.parquet", "part.01.parquet", "part.02.parquet"]
    back = pd.read_parquet(path)
    np.testing.assert_array_equal(back["comment_id"], frame.index)
    np.testing.assert_array_equal(back["probability"], probabilities)


def test_an_id_column_names_the_output_column(tmp_path):
    ids = pd.Series(["a", "b", "c"], name="video_id")
    back = pd.read_parquet(write_probabilistic_labels(tmp_path / "x", [0.1, 0.5, 0.9], ids,
                                                      column="p_spam"))
    assert list(back.columns) == ["video_id", "p_spam"]
    assert list(back["video_id"]) == ["a", "b", "c"]


def test_unnamed_row_ids_become_the_row_id_column(tmp_path):
    back = pd.read_parquet(write_probabilistic_labels(tmp_path / "x", [0.2, 0.8], np.arange(2)))
    assert list(back.columns) == ["row_id", "probability"]


def _explode(probabilities):
    raise RuntimeError("worker lost for good")


def test_a_failing_partition_leaves_no_output_and_no_temporary_folder(tmp_path, dask_client):
    frame = dd.from_pandas(_frame(), npartitions=4)
    good = [da.from_array(np.full(25, 0.5), chunks=25) for _ in range(3)]
    failing = da.from_delayed(dask.delayed(_explode)(None), shape=(25,), dtype=np.float64)
    probabilities = da.concatenate([*good[:2], failing, good[2]])
    with pytest.raises(RuntimeError, match="worker lost for good"):
        write_probabilistic_labels(tmp_path / "labels", probabilities, frame.index)
    assert _leftovers(tmp_path) == []


def test_a_partition_whose_lengths_differ_is_named_and_nothing_is_left(tmp_path, dask_client):
    frame = dd.from_pandas(_frame(), npartitions=4)
    probabilities = da.from_array(np.full(100, 0.5), chunks=(25, 25, 24, 26))
    # Partition 2 (24 probabilities) or 3 (26), whichever a worker computes first.
    with pytest.raises(ValueError, match=r"has shape \(2[46],\) but row_ids has 25 entries "
                                         r"in partition [23]"):
        write_probabilistic_labels(tmp_path / "labels", probabilities, frame.index)
    assert _leftovers(tmp_path) == []


def test_existing_output_is_kept_unless_overwrite_and_replaced_only_when_complete(tmp_path):
    frame = _frame(3)
    path = write_probabilistic_labels(tmp_path / "labels", [0.1, 0.2, 0.3], frame.index)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_probabilistic_labels(path, [0.4, 0.5, 0.6], frame.index)
    with pytest.raises(ValueError, match="probabilities"):
        write_probabilistic_labels(path, [0.4, 1.5, 0.6], frame.index, overwrite=True)
    assert list(pd.read_parquet(path)["probability"]) == [0.1, 0.2, 0.3]
    write_probabilistic_labels(path, [0.4, 0.5, 0.6], frame.index, overwrite=True)
    assert list(pd.read_parquet(path)["probability"]) == [0.4, 0.5, 0.6]
    assert _leftovers(tmp_path) == ["labels"]


def test_an_empty_partition_writes_an_empty_part(tmp_path, dask_client):
    frame = _frame(10)
    parts = dd.from_pandas(frame, npartitions=2)
    pieces = [parts.partitions[0], parts.partitions[0].head(0, compute=False),
              parts.partitions[1]]
    ids = dd.concat(pieces).index
    probabilities = da.from_array(np.repeat([0.25, 0.75], 5), chunks=((5, 0, 5),))
    path = write_probabilistic_labels(tmp_path / "labels", probabilities, ids)
    back = pd.read_parquet(path)
    np.testing.assert_array_equal(back["comment_id"], frame.index)
    np.testing.assert_array_equal(back["probability"], [0.25] * 5 + [0.75] * 5)


@pytest.mark.parametrize(
    ("arguments", "error", "pattern"),
    [
        (([0.5, 0.5], np.arange(3)), ValueError, r"shape \(2,\) but row_ids has 3 entries"),
        (([0.5, np.nan], np.arange(2)), ValueError, r"probabilities"),
        (([0.5, 0.5], pd.Series([1, 2], name="probability")), ValueError, r"both be named"),
        ((da.zeros(2), np.arange(2)), TypeError, r"both be Dask collections or both in memory"),
        (([0.5], np.arange(1)), TypeError, r"column must be a non-empty string"),
    ],
    ids=["lengths", "nan", "name-clash", "dask-and-memory", "bad-column"],
)
def test_bad_input_is_refused_and_leaves_nothing(tmp_path, arguments, error, pattern):
    keywords = {"column": ""} if "column" in pattern else {}
    with pytest.raises(error, match=pattern):
        write_probabilistic_labels(tmp_path / "labels", *arguments, **keywords)
    assert _leftovers(tmp_path) == []


def test_a_missing_parent_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match="parent folder .* does not exist"):
        write_probabilistic_labels(tmp_path / "no" / "labels", [0.5], np.arange(1))


def _vote_or_fail(row: pd.Series) -> int:
    """Votes +1 on every row, except that it raises on the row whose id is 563."""
    if row.name == 563:
        raise RuntimeError("cannot read comment 563")
    return 1


def test_a_labeling_function_failing_in_one_partition_leaves_no_output(tmp_path, dask_client,
                                                                       tutorial_data):
    frame = dd.from_pandas(_frame(), npartitions=4)  # row id 563 = 7 * 80 + 3: partition 3
    model = dh.LabelModel(seed=0).fit(tutorial_data.L_train[:, :3])
    votes = dh.apply_lfs([_vote_or_fail, _vote_or_fail, _vote_or_fail], frame, vectorize=False)
    with pytest.raises(dh.LabelingFunctionError, match=r"in partition 3: labeling function "
                                                       r"_vote_or_fail raised RuntimeError"):
        write_probabilistic_labels(tmp_path / "labels", model.predict_proba(votes), frame.index)
    assert _leftovers(tmp_path) == []


# --- k classes: one column per class ------------------------------------------------------------

TOPICS = ["Psy", "Katy Perry", "LMFAO"]


def _class_probabilities(n: int = 100) -> np.ndarray:
    raw = np.random.default_rng(0).random((n, 3))
    return raw / raw.sum(axis=1, keepdims=True)


def test_k_class_probabilities_are_written_one_column_per_class(tmp_path):
    frame, probabilities = _frame(), _class_probabilities()
    path = write_probabilistic_labels(tmp_path / "labels", probabilities, frame.index,
                                      classes=TOPICS)
    back = pd.read_parquet(path)
    assert list(back.columns) == ["comment_id", *TOPICS]
    np.testing.assert_array_equal(back["comment_id"], frame.index)
    np.testing.assert_array_equal(back[TOPICS].to_numpy(), probabilities)


def test_k_class_probabilities_on_dask_equal_the_in_memory_ones(tmp_path, dask_client):
    frame, probabilities = _frame(), _class_probabilities()
    lazy = da.from_array(probabilities, chunks=((25, 25, 0, 50), (2, 1)))  # columns joined
    ids = dd.from_delayed([dask.delayed(part) for part in (frame.index[:25].to_series(),
                                                           frame.index[25:50].to_series(),
                                                           frame.index[:0].to_series(),
                                                           frame.index[50:].to_series())],
                          meta=frame.index[:0].to_series())
    path = write_probabilistic_labels(tmp_path / "labels", lazy, ids, classes=TOPICS)
    in_memory = write_probabilistic_labels(tmp_path / "in_memory", probabilities, frame.index,
                                           classes=TOPICS)
    pd.testing.assert_frame_equal(pd.read_parquet(path).reset_index(drop=True),
                                  pd.read_parquet(in_memory))


@pytest.mark.parametrize(
    ("probabilities", "keywords", "error", "pattern"),
    [
        (_class_probabilities(4), {}, ValueError,
         r"one column per class: pass classes=\[...\] to name the columns"),
        (_class_probabilities(4), {"classes": ["a", "b"]}, ValueError,
         r"shape \(4, 3\) but classes names 2 classes"),
        (_class_probabilities(4), {"classes": ["a", "b", "a"]}, ValueError,
         r"classes must have distinct names"),
        (_class_probabilities(4) * 0.5, {"classes": TOPICS}, ValueError,
         r"each row of probabilities must sum to 1"),
        (_class_probabilities(4), {"classes": ["a", "comment_id", "c"]}, ValueError,
         r"both be named 'comment_id'"),
        (_class_probabilities(4), {"classes": "abc"}, TypeError, r"classes must be a list"),
        (_class_probabilities(4), {"classes": TOPICS, "column": "p"}, ValueError,
         r"column names the one probability column of two classes"),
        (np.full(4, 0.5), {"classes": TOPICS}, ValueError, r"shape \(4,\) but classes names 3"),
    ],
    ids=["no-classes", "k-disagrees", "duplicates", "rows-not-summing-to-1", "id-clash",
         "string", "column-with-classes", "binary-with-classes"],
)
def test_bad_k_class_output_is_refused_and_leaves_nothing(tmp_path, probabilities, keywords,
                                                         error, pattern):
    with pytest.raises(error, match=pattern):
        write_probabilistic_labels(tmp_path / "labels", probabilities, _frame(4).index,
                                   **keywords)
    assert _leftovers(tmp_path) == []

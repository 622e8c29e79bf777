"""Writing the probabilistic labels: one Parquet data set, complete or absent.

The end of the pipeline is a table of P(y = +1 | votes) per data point (for k
classes, one column of P(y = c | votes) per class), keyed by the point's row id,
for the end model's training job to read.
:func:`write_probabilistic_labels` writes it as a Parquet data set (a folder of
``part.N.parquet`` files, N zero-padded so that they sort in the rows' order,
read back by ``pandas.read_parquet`` or ``dask.dataframe.read_parquet``), from
NumPy/pandas in memory or from lazy Dask collections on a cluster, where each
worker writes its own partitions.

A write that fails, because a labeling function raised in one partition or a
worker died for good, must not leave something that looks like a finished
output: the data set is written into a hidden sibling folder
``.NAME.incomplete-<random>`` and renamed to ``NAME`` only once every part is
written (a rename is atomic on a POSIX file system, local or shared); on an
error the hidden folder is removed.  On object stores without an atomic rename
(S3 and the like) this guarantee does not hold; write to a shared file system,
or check for the complete folder name before reading.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .utils.optional_dask import import_dask, is_dask_array, is_dask_series
from .utils.validation import check_class_probabilities, check_probabilities

__all__ = ["write_probabilistic_labels"]

#: Name of the id column when ``row_ids`` has no name.
ROW_ID = "row_id"


def write_probabilistic_labels(
    path, probabilities, row_ids, column: str = "probability", overwrite: bool = False,
    classes: Sequence | None = None,
) -> Path:
    """Write P(y = +1 | votes), or k class probabilities, with each point's row id as Parquet.

    Parameters
    ----------
    path : str or os.PathLike
        The folder to create.  Its parent must exist.
    probabilities : ndarray of shape (n_points,) or (n_points, k), or dask.array.Array
        P(y = +1) in [0, 1], e.g. ``model.predict_proba(label_matrix)``; with
        ``classes``, one probability per class, each row summing to 1, e.g.
        ``ClassConditionalLabelModel(cardinality=k).predict_proba(label_matrix)``.
    row_ids : pandas Series or Index, ndarray, or a Dask Series or Index
        One id per point, in the order of ``probabilities``: e.g. the data's
        index or its id column.  With Dask input both must be Dask collections
        with one partition per chunk of ``probabilities``, as
        ``apply_lfs(lfs, frame)`` and ``frame.index`` (or ``frame["id"]``) have.
        The column is named after ``row_ids`` (``"row_id"`` if it has no name).
    column : str, default "probability"
        Name of the probability column (two classes).
    overwrite : bool, default False
        Replace an existing ``path``.  The old data set is removed only after the
        new one is complete.
    classes : sequence of k names, optional
        For k-class probabilities: the names of their columns, in order (e.g. the
        ``classes`` given to :func:`~dataprog_helpers.apply_lfs`).  Each column is
        named ``str(name)``; the names must differ from each other and from the
        row ids' column.

    Returns
    -------
    pathlib.Path
        ``path``, holding one ``part.N.parquet`` file per partition (one in memory),
        columns ``[row id, column]`` (with ``classes``: ``[row id, *classes]``), in the
        order of the rows.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    ValueError
        If the lengths differ (with Dask input: when the partition is computed,
        naming it), a probability lies outside [0, 1] or is NaN, the names clash,
        or k-class probabilities come without ``classes``, with as many names as
        they have columns, or with rows that do not sum to 1.
    TypeError
        If one argument is a Dask collection and the other is not.

    Any error while computing or writing leaves neither ``path`` (or, with
    ``overwrite``, the old data set untouched) nor a temporary folder behind.
    """
    path = Path(path)
    if not isinstance(column, str) or not column:
        raise TypeError(f"column must be a non-empty string, got {column!r}")
    if not isinstance(overwrite, (bool, np.bool_)):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    id_name = getattr(row_ids, "name", None) or ROW_ID
    columns = _probability_columns(probabilities, column, classes)
    if id_name in columns:
        raise ValueError(f"row_ids and the probabilities would both be named {id_name!r}; "
                         + ("pass another column=" if classes is None else "rename one"))
    if not path.parent.is_dir():
        raise ValueError(f"path's parent folder {str(path.parent)!r} does not exist")
    if path.exists() and not overwrite:
        raise FileExistsError(f"path {str(path)!r} exists; pass overwrite=True to replace it")
    on_dask = is_dask_array(probabilities), is_dask_series(row_ids)
    if on_dask[0] != on_dask[1]:
        raise TypeError(
            "probabilities and row_ids must both be Dask collections or both in memory; got "
            f"{type(probabilities).__name__} and {type(row_ids).__name__}"
        )

    staging = path.parent / f".{path.name}.incomplete-{uuid.uuid4().hex}"
    try:
        if on_dask[0]:
            frame = _labels_frame_on_dask(probabilities, row_ids, id_name, columns)
            # Zero-padded part numbers, so that the files sort in the rows' order and a
            # reader of the folder (pandas.read_parquet) gets the rows back in order.
            width = len(str(frame.npartitions - 1))
            frame.to_parquet(staging, write_index=False,
                             name_function=lambda part: f"part.{part:0{width}d}.parquet")
        else:
            staging.mkdir()
            frame = _labels_frame(probabilities, row_ids, id_name, columns, partition=None)
            frame.to_parquet(staging / "part.0.parquet", index=False)
        _publish(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


def _probability_columns(probabilities, column: str, classes) -> list[str]:
    """The probability columns' names: ``[column]``, or one per class."""
    two_dimensional = np.ndim(probabilities) == 2
    if classes is None:
        if two_dimensional:
            raise ValueError(
                f"probabilities has shape {tuple(probabilities.shape)}, one column per class: "
                "pass classes=[...] to name the columns (P(y = +1) of two classes is 1-D)")
        return [column]
    if isinstance(classes, (str, bytes)) or not isinstance(
            classes, (Sequence, np.ndarray, pd.Index)):
        raise TypeError(f"classes must be a list of class names (in order), got {classes!r}")
    if column != "probability":
        raise ValueError("column names the one probability column of two classes; with classes "
                         "the columns are named after the classes")
    names = [str(name) for name in classes]
    if len(set(names)) != len(names):
        raise ValueError(f"classes must have distinct names as columns, got {names!r}")
    if not two_dimensional or probabilities.shape[1] != len(names):
        raise ValueError(f"probabilities has shape {tuple(probabilities.shape)} but classes "
                         f"names {len(names)} classes; it needs one column per class")
    return names


def _labels_frame(probabilities, row_ids, id_name: str, columns: list[str],
                  partition: int | None) -> pd.DataFrame:
    """The table of one partition (or of everything): row ids and probabilities."""
    where = "" if partition is None else f" in partition {partition}"
    ids = pd.Series(np.asarray(row_ids), name=id_name)
    values = np.asarray(probabilities)
    if values.ndim != (1 if len(columns) == 1 else 2) or values.shape[0] != ids.shape[0]:
        raise ValueError(f"probabilities has shape {values.shape} but row_ids has "
                         f"{ids.shape[0]} entries{where}")
    if values.size:
        values = (check_probabilities(values, "probabilities") if values.ndim == 1 else
                  check_class_probabilities(values, "probabilities" + where, len(columns)))
    values = values.astype(np.float64).reshape(ids.shape[0], len(columns))
    return pd.DataFrame({id_name: ids, **{name: values[:, index]
                                          for index, name in enumerate(columns)}})


def _labels_frame_on_dask(probabilities, row_ids, id_name: str, columns: list[str]):
    """A lazy Dask DataFrame of the tables of all partitions."""
    dask, dd = import_dask("dask"), import_dask("dask.dataframe")
    if probabilities.ndim != (1 if len(columns) == 1 else 2):
        raise ValueError(f"probabilities must be {1 if len(columns) == 1 else 2}-D, got a Dask "
                         f"array of shape {probabilities.shape}")
    if probabilities.ndim == 2:
        probabilities = probabilities.rechunk({1: -1})
    probability_parts = probabilities.to_delayed().ravel()
    id_parts = row_ids.to_delayed()
    if len(probability_parts) != len(id_parts):
        raise ValueError(f"probabilities has {len(probability_parts)} chunks but row_ids has "
                         f"{len(id_parts)} partitions; they must match one to one")
    meta = pd.DataFrame({id_name: pd.Series(dtype=row_ids.dtype),
                         **{name: pd.Series(dtype=np.float64) for name in columns}})
    parts = [dask.delayed(_labels_frame, pure=True)(values, ids, id_name, columns, index)
             for index, (values, ids) in enumerate(zip(probability_parts, id_parts,
                                                       strict=True))]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


def _publish(staging: Path, path: Path) -> None:
    """Rename the finished ``staging`` folder to ``path``, replacing an old one last."""
    if not path.exists():
        os.replace(staging, path)
        return
    retired = path.parent / f".{path.name}.replaced-{uuid.uuid4().hex}"
    os.replace(path, retired)
    try:
        os.replace(staging, path)
    except BaseException:
        os.replace(retired, path)
        raise
    shutil.rmtree(retired, ignore_errors=True)

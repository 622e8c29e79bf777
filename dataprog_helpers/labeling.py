"""Applying labeling functions written in Python to a table of data points.

A labeling function (LF) is an ordinary function of one data point, here a row of
a pandas DataFrame, that returns +1, -1 or 0 (abstain)::

    def lf_large_nuclei(row) -> int:
        return MALIGNANT if row["worst radius"] > 17 else ABSTAIN

:func:`apply_lfs` turns a list of them into the label matrix L of shape
(n_points, n_lfs).  An LF written with whole-column operations, such as
``np.where(row["worst radius"] > 17, MALIGNANT, ABSTAIN)``, also works on the
whole frame at once, which is much faster on large frames; ``apply_lfs`` tries
that first and falls back to one call per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from tqdm import tqdm

__all__ = ["LabelingFunctionError", "apply_lfs", "lf_names"]

#: Frames with at least this many rows show a progress bar when LFs run row by row.
PROGRESS_ROWS = 10_000


def lf_names(lfs: Sequence[Callable]) -> list[str]:
    """The function names of the LFs, e.g. for :func:`~dataprog_helpers.analysis.lf_summary`."""
    return [getattr(lf, "__name__", repr(lf)) for lf in lfs]


def _votes_of_whole_frame(lf: Callable, frame: pd.DataFrame) -> np.ndarray | None:
    """The LF applied to all rows at once, or None if it only works on single rows."""
    try:
        votes = lf(frame)
    except Exception:  # noqa: BLE001  e.g. "the truth value of a Series is ambiguous"
        return None  # row by row instead, where a failing row is named
    votes = np.asarray(votes)
    if votes.shape != (len(frame),) or not np.issubdtype(votes.dtype, np.number):
        return None
    return votes


def _vote_of_row(lf: Callable, name: str, position: int, label, row: pd.Series):
    """``lf(row)``; an exception it raises is re-raised naming the LF and the row."""
    try:
        return lf(row)
    except Exception as error:
        raise LabelingFunctionError(
            f"labeling function {name} raised {type(error).__name__} on row {position} "
            f"(index {label!r}): {error}"
        ) from error


class LabelingFunctionError(ValueError):
    """A labeling function raised an exception on a row (the message names both)."""


def apply_lfs(
    lfs: Sequence[Callable], frame: pd.DataFrame, vectorize: bool = True,
    progress: bool | None = None,
) -> np.ndarray:
    """Apply each labeling function to each row of ``frame``.

    Parameters
    ----------
    lfs : sequence of callables
        Each takes one row (a pandas Series indexed by column name) and returns
        +1, -1 or 0 (abstain).
    frame : pandas.DataFrame
        One row per data point.
    vectorize : bool, default True
        First try each LF on the whole frame at once (one call, columns as
        Series).  An LF that cannot do that, typically because it uses ``if`` or
        ``and`` on a value, raises ``ValueError`` or ``TypeError`` or returns
        something that is not one vote per row, and is then called row by row.
        Pass False to always call row by row.
    progress : bool or None, default None
        Show a progress bar while LFs run row by row; None shows it for frames
        of at least ``PROGRESS_ROWS`` rows.

    Returns
    -------
    ndarray of int8, shape (n_points, n_lfs)
        The label matrix L.

    Raises
    ------
    ValueError
        If ``frame`` is empty or an LF returns a value other than -1, 0 or +1
        (the message names the LF and the row).
    LabelingFunctionError
        A ``ValueError``: an LF raised an exception on a row.  The message names
        the LF, the row's position and index label, and the original exception,
        which is chained as ``__cause__``.  An LF that fails is never read as an
        abstention.
    TypeError
        If ``lfs`` holds something that is not callable, or ``frame`` is not a
        DataFrame.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError("frame is empty: there are no data points to label")
    lfs = list(lfs)
    if not lfs:
        raise ValueError("lfs is empty: pass at least one labeling function")
    for lf in lfs:
        if not callable(lf):
            raise TypeError(f"every entry of lfs must be a function, got {lf!r}")
    if progress is None:
        progress = len(frame) >= PROGRESS_ROWS
    label_matrix = np.zeros((len(frame), len(lfs)), dtype=np.int8)
    for column, (lf, name) in enumerate(zip(lfs, lf_names(lfs), strict=True)):
        votes = _votes_of_whole_frame(lf, frame) if vectorize else None
        if votes is None:
            rows = frame.iterrows()
            if progress:
                rows = tqdm(rows, total=len(frame), desc=name, leave=False)
            votes = np.array([_vote_of_row(lf, name, position, label, row)
                              for position, (label, row) in enumerate(rows)])
        bad = ~np.isin(votes, (-1, 0, 1))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"labeling function {name} returned {np.asarray(votes[row]).tolist()!r} for "
                f"row {row}; "
                "an LF must return -1, 0 (abstain) or +1"
            )
        label_matrix[:, column] = votes
    return label_matrix

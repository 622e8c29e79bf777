"""Applying labeling functions written in Python to a table of data points.

A labeling function (LF) is an ordinary function of one data point, here a row of
a pandas DataFrame, that returns +1, -1 or 0 (abstain)::

    def lf_large_nuclei(row) -> int:
        return MALIGNANT if row["worst radius"] > 17 else ABSTAIN

:func:`apply_lfs` turns a list of them into the label matrix L of shape
(n_points, n_lfs).  An LF written with whole-column operations, such as
``np.where(row["worst radius"] > 17, MALIGNANT, ABSTAIN)``, also works on the
whole frame at once, which is much faster on large frames; ``apply_lfs`` tries
that first and falls back to one call per row.  Given a Dask DataFrame (the
``dask`` extra), ``apply_lfs`` returns a lazy Dask array instead, each partition
labelled by the same in-memory code on the worker that holds it.

For k classes, LFs return a class *name* or :data:`ABSTAIN`, and
``apply_lfs(lfs, frame, classes=[...])`` maps the names to the indices 0 to k-1 and
abstentions to -1, the k-class convention (Snorkel's)::

    def lf_shakira(row):
        return "Shakira" if "shakira" in row["text"].lower() else ABSTAIN
"""

from __future__ import annotations

import numbers
import pickle
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from tqdm import tqdm

from .exceptions import LabelingFunctionError
from .utils.optional_dask import import_dask, is_dask_dataframe
from .utils.validation import check_label_matrix

if TYPE_CHECKING:
    import dask.array
    import dask.dataframe

__all__ = ["ABSTAIN", "Abstention", "apply_lfs", "lf_names", "signed_label_matrix"]

#: Frames with at least this many rows show a progress bar when LFs run row by row.
PROGRESS_ROWS = 10_000

#: The most classes a label matrix of int8 votes holds (indices 0 to 126).
MAX_CLASSES = 127


class Abstention:
    """The type of :data:`ABSTAIN`, an LF's "no vote": one object, equal only to itself.

    Not a number and not ``None``, so it is never mistaken for a class (any class
    name, 0 included, may be a class) nor for an LF that forgot to return.  It
    pickles as the same object, so LFs that return it run on Dask workers.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSTAIN"

    def __reduce__(self) -> str:
        return "ABSTAIN"  # pickled by reference: the module's one ABSTAIN


#: What an LF returns when it does not vote.  With ``classes`` (k classes) it becomes
#: -1 in the label matrix; in the signed two-class convention, 0.
ABSTAIN = Abstention()

_is_abstention = np.frompyfunc(lambda value: value is ABSTAIN, 1, 1)


def _abstentions(votes: np.ndarray) -> np.ndarray:
    """Where ``votes`` hold :data:`ABSTAIN` (only object arrays can)."""
    if votes.dtype != object:
        return np.zeros(votes.shape, dtype=bool)
    return _is_abstention(votes).astype(bool)


def _check_classes(classes) -> list:
    """``classes`` as a list of at least three distinct, hashable names, or a clear error."""
    if isinstance(classes, (str, bytes)) or not isinstance(
            classes, (Sequence, np.ndarray, pd.Index, pd.Series)):
        raise TypeError(f"classes must be a list of class names (in order), got {classes!r}")
    names = list(classes)
    if len(names) == 2:
        raise ValueError(
            f"classes={names!r} names two classes: a two-class label matrix in Snorkel's "
            "convention (-1 abstain, 0 and 1) holds the same values as this package's signed "
            "one (0 abstain, -1 and +1) and would be misread as it; leave classes out and let "
            "the LFs return +1, -1 or 0 (or ABSTAIN)")
    if not 3 <= len(names) <= MAX_CLASSES:
        raise ValueError(f"classes must name 3 to {MAX_CLASSES} classes, got {len(names)}")
    for name in names:
        if name is None or name is ABSTAIN:
            raise ValueError(f"classes may not hold {name!r}: it would read as no vote")
        try:
            hash(name)
        except TypeError:
            raise TypeError(f"each class name must be hashable, got {name!r}") from None
    if len(set(names)) != len(names):
        repeated = sorted({repr(name) for name in names if names.count(name) > 1})
        raise ValueError(f"classes has duplicates: {', '.join(repeated)}")
    return names


def _class_votes(votes: np.ndarray, classes: list, lf: str) -> np.ndarray:
    """An LF's class names (or ABSTAIN) as indices into ``classes`` (or -1), int8.

    One hash lookup per vote (``pandas.Index.get_indexer``) with ABSTAIN as a k-th
    entry: no Python call per vote, so a million votes take milliseconds.
    """
    found = pd.Index([*classes, ABSTAIN], dtype=object).get_indexer(votes.astype(object))
    unknown = np.flatnonzero(found < 0)
    if unknown.size:
        row = int(unknown[0])
        raise ValueError(
            f"labeling function {lf} returned {_plain(votes[row])!r} for row {row}, which is not "
            f"one of classes={_shown(classes)}; an LF must return a class name or dh.ABSTAIN")
    return np.where(found == len(classes), -1, found).astype(np.int8)


def _as_votes(values: list) -> np.ndarray:
    """One LF's returns as an array: numbers or strings as such, anything else (ABSTAIN,
    a mixture) as objects, kept as returned."""
    try:
        votes = np.array(values)
    except ValueError:  # returns of differing shapes
        votes = None
    if votes is None or votes.shape != (len(values),):
        votes = np.empty(len(values), dtype=object)
        votes[:] = values
    return votes


def _plain(value):
    """A NumPy scalar as the Python value it holds (for messages: 2, not np.int64(2))."""
    return value.item() if isinstance(value, np.generic) else value


def _shown(names: list) -> str:
    return repr(names) if len(names) <= 8 else repr(names[:8])[:-1] + ", ...]"


def _signed_votes(votes: np.ndarray, lf: str) -> np.ndarray:
    """An LF's votes in {-1, 0, +1} (ABSTAIN read as 0), checked."""
    abstain = _abstentions(votes)
    if abstain.any():
        votes = np.where(abstain, 0, votes)
    bad = ~np.isin(votes, (-1, 0, 1)) if votes.dtype != object else np.array(
        [not (isinstance(vote, numbers.Real) and not isinstance(vote, bool) and vote in (-1, 0, 1))
         for vote in votes])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"labeling function {lf} returned {_plain(votes[row])!r} for row {row}; an LF must "
            "return -1, 0 (abstain) or +1")
    return votes.astype(np.int8)


def lf_names(lfs: Sequence[Callable]) -> list[str]:
    """The function names of the LFs, e.g. for :func:`~dataprog_helpers.analysis.lf_summary`."""
    return [getattr(lf, "__name__", repr(lf)) for lf in lfs]


def _votes_of_whole_frame(lf: Callable, frame: pd.DataFrame, names: bool) -> np.ndarray | None:
    """The LF applied to all rows at once, or None if it only works on single rows.

    Votes must be numbers, or with ``names`` (k classes) also strings or objects
    (class names, ABSTAIN); anything else, or a shape other than one vote per row,
    sends the LF row by row.
    """
    try:
        votes = lf(frame)
    except Exception:  # noqa: BLE001  e.g. "the truth value of a Series is ambiguous"
        return None  # row by row instead, where a failing row is named
    votes = np.asarray(votes)
    kinds = "iufOUS" if names else "iufO"
    if votes.shape != (len(frame),) or votes.dtype.kind not in kinds:
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


def _checked_lfs(lfs: Sequence[Callable]) -> list[Callable]:
    """``lfs`` as a list; raises if it is empty or holds something that is not callable."""
    lfs = list(lfs)
    if not lfs:
        raise ValueError("lfs is empty: pass at least one labeling function")
    for lf in lfs:
        if not callable(lf):
            raise TypeError(f"every entry of lfs must be a function, got {lf!r}")
    return lfs


def _pickles_with_its_causes(error: BaseException) -> bool:
    """Whether ``error`` and the exceptions it was raised from or during survive pickling."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        try:
            pickle.loads(pickle.dumps(current))
        except Exception:  # noqa: BLE001  e.g. an LF's exception that holds a lock
            return False
        pending += [current.__cause__, current.__context__]
    return True


def _votes_of_partition(
    lfs: list[Callable], partition: pd.DataFrame, vectorize: bool, number: int | str,
    classes: list | None = None,
) -> np.ndarray:
    """The in-memory :func:`apply_lfs` on a partition with rows; its errors name the partition.

    The partition's number goes in front of the message.  The new error is chained
    to the original one only where that pickles, so that the client can always
    unpickle what the worker sends.
    """
    try:
        return apply_lfs(lfs, partition, vectorize=vectorize, progress=False, classes=classes)
    except ValueError as error:  # LabelingFunctionError or a vote that is not -1, 0, +1
        kind = LabelingFunctionError if isinstance(error, LabelingFunctionError) else ValueError
        located = kind(f"in partition {number}: {error}")
        if _pickles_with_its_causes(error):
            raise located from error
    raise located  # outside the except clause, so chained to nothing


def _label_partition(
    partition: pd.DataFrame, lfs: list[Callable], vectorize: bool,
    classes: list | None = None, partition_info: dict | None = None,
) -> pd.DataFrame:
    """The label matrix of one partition of a Dask DataFrame, as an int8 frame.

    The columns are ``lf_names(lfs)`` and the index is the partition's.  Dask
    passes ``partition_info``, whose ``"number"`` the error messages name.
    """
    if len(partition) == 0:  # the in-memory apply_lfs refuses a frame without rows
        votes = np.zeros((0, len(lfs)), dtype=np.int8)
    else:
        number = "?" if partition_info is None else partition_info["number"]
        votes = _votes_of_partition(lfs, partition, vectorize, number, classes)
    return pd.DataFrame(votes, index=partition.index, columns=lf_names(lfs))


def _apply_lfs_to_dask_frame(
    lfs: list[Callable], frame: dask.dataframe.DataFrame, vectorize: bool, lengths: bool,
    classes: list | None,
) -> dask.array.Array:
    """The lazy label matrix of a Dask DataFrame: one row-chunk per partition."""
    import_dask("dask.array")  # to_dask_array needs it; say which extra provides it
    if len(frame.columns) == 0:
        raise ValueError("frame is empty: it has no columns for the labeling functions to read")
    label_partition = partial(_label_partition, lfs=lfs, vectorize=vectorize, classes=classes)
    labelled = frame.map_partitions(label_partition, meta=label_partition(frame._meta))
    row_counts = None
    if lengths:
        # The labelled partitions have the rows of the input ones: counting the input's
        # rows reads the data once but runs no labeling function.
        row_counts = tuple(int(count) for count in frame.map_partitions(len).compute())
    return labelled.to_dask_array(lengths=row_counts)


def apply_lfs(
    lfs: Sequence[Callable], frame: pd.DataFrame | dask.dataframe.DataFrame,
    vectorize: bool = True, progress: bool | None = None, *, classes: Sequence | None = None,
    lengths: bool = False,
) -> np.ndarray | dask.array.Array:
    """Apply each labeling function to each row of ``frame``.

    Parameters
    ----------
    lfs : sequence of callables
        Each takes one row (a pandas Series indexed by column name) and returns
        +1, -1 or 0 (abstain; :data:`ABSTAIN` is read as 0 too).  With ``classes``,
        a class name or :data:`ABSTAIN`.
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        One row per data point.  A Dask DataFrame is labelled lazily, partition
        by partition: each partition, a pandas DataFrame, is labelled where it
        lies exactly as a pandas ``frame`` would be (so a vectorised LF runs once
        per partition), and a partition without rows gives no rows.  Partitions
        may differ in their columns' dtypes (an integer column in one, float in
        another, where Dask lets them) as long as each LF copes with both.
    vectorize : bool, default True
        First try each LF on the whole frame (or partition) at once (one call,
        columns as Series).  An LF that cannot do that, typically because it
        uses ``if`` or ``and`` on a value, raises ``ValueError`` or
        ``TypeError`` or returns something that is not one vote per row, and is
        then called row by row.  Pass False to always call row by row.
    progress : bool or None, default None
        Show a progress bar while LFs run row by row; None shows it for frames
        of at least ``PROGRESS_ROWS`` rows.  Not used for a Dask DataFrame,
        whose partitions run without one (follow them on the Dask dashboard).
    classes : sequence, optional, keyword-only
        The names of k >= 3 classes (any hashable values, distinct; strings such
        as ``["pop", "rock", "rap"]``, or numbers).  The LFs then return one of
        them or :data:`ABSTAIN`, and the label matrix holds the class's index
        0 to k-1, or -1 for an abstention: the k-class convention of
        ``ClassConditionalLabelModel(cardinality=k)`` and of Snorkel.  Any other
        return is an error naming the LF, the row and the value (never read as an
        abstention).  Two classes are refused: their Snorkel-style matrix would
        hold the same values as the signed one; use the signed convention.
    lengths : bool, default False, keyword-only
        For a Dask DataFrame only: count the rows of each partition now (one
        pass over the input data, which runs no LF), so that the returned array
        has known chunk sizes.  By default they are unknown (``nan``), as with
        Dask's ``to_dask_array()``.  Ignored for a pandas DataFrame, whose label
        matrix always has a known shape.

    Returns
    -------
    ndarray of int8, shape (n_points, n_lfs), or dask.array.Array of int8
        The label matrix L, in {-1, 0, +1}, or with ``classes`` in {-1, 0, ..., k-1}.
        For a Dask DataFrame, a lazy Dask array with one chunk of rows per
        partition (in order) and a single chunk of columns; nothing is labelled
        until it is computed.  A Dask DataFrame with no rows
        at all gives an array of shape (0, n_lfs).

    Raises
    ------
    ValueError
        If ``frame`` is empty (a pandas frame without rows, or any frame without
        columns), ``classes`` is not k >= 3 distinct names, or an LF returns a
        value other than -1, 0, +1 or ABSTAIN (with ``classes``: other than a class
        name or ABSTAIN; the message
        names the LF and the row; for a Dask DataFrame, raised when the array is
        computed, it starts with the partition's number and counts rows from 0
        within the partition).
    LabelingFunctionError
        A ``ValueError``: an LF raised an exception on a row.  The message names
        the LF, the row's position and index label, and the original exception,
        which is chained as ``__cause__``.  For a Dask DataFrame it is raised
        when the array is computed, on the client as on the worker; its message
        starts with the partition's number, the row's position is counted within
        the partition, and the original exception is chained only if it can be
        pickled.  An LF that fails is never read as an abstention.
    TypeError
        If ``lfs`` holds something that is not callable, or ``frame`` is neither
        a pandas nor a Dask DataFrame.  Checked at once, also for a Dask
        DataFrame.
    ImportError
        If ``frame`` is a Dask DataFrame but ``dask.array`` cannot be imported.

    Examples
    --------
    >>> import pandas as pd
    >>> from dataprog_helpers import apply_lfs
    >>> comments = pd.DataFrame({"text": ["check out my channel", "love this song"]})
    >>> def lf_channel(row):
    ...     return 1 if "channel" in row["text"] else 0
    >>> def lf_love(row):
    ...     return -1 if "love" in row["text"] else 0
    >>> apply_lfs([lf_channel, lf_love], comments).tolist()
    [[1, 0], [0, -1]]

    Three classes, named:

    >>> from dataprog_helpers import ABSTAIN
    >>> songs = pd.DataFrame({"text": ["shakira rocks", "eminem!", "nice video"]})
    >>> def lf_artist(row):
    ...     for artist in ("shakira", "eminem", "katy"):
    ...         if artist in row["text"]:
    ...             return artist
    ...     return ABSTAIN
    >>> apply_lfs([lf_artist], songs, classes=["katy", "eminem", "shakira"]).tolist()
    [[2], [1], [-1]]
    """
    names = None if classes is None else _check_classes(classes)
    if is_dask_dataframe(frame):
        return _apply_lfs_to_dask_frame(_checked_lfs(lfs), frame, vectorize, lengths, names)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            "frame must be a pandas DataFrame or a Dask DataFrame, "
            f"got {type(frame).__name__}"
        )
    if frame.empty:
        raise ValueError("frame is empty: there are no data points to label")
    lfs = _checked_lfs(lfs)
    if progress is None:
        progress = len(frame) >= PROGRESS_ROWS
    label_matrix = np.zeros((len(frame), len(lfs)), dtype=np.int8)
    for column, (lf, name) in enumerate(zip(lfs, lf_names(lfs), strict=True)):
        votes = _votes_of_whole_frame(lf, frame, names is not None) if vectorize else None
        if votes is None:
            rows = frame.iterrows()
            if progress:
                rows = tqdm(rows, total=len(frame), desc=name, leave=False)
            votes = _as_votes([_vote_of_row(lf, name, position, label, row)
                               for position, (label, row) in enumerate(rows)])
        label_matrix[:, column] = (_signed_votes(votes, name) if names is None
                                   else _class_votes(votes, names, name))
    return label_matrix


def signed_label_matrix(label_matrix) -> np.ndarray:
    """A binary label matrix in Snorkel's convention, as this package's signed votes.

    Snorkel writes two classes as ``-1`` = abstain, ``0`` and ``1``; this package's
    binary models read ``0`` = abstain, ``-1`` and ``+1``.  The same three values
    mean different things, so a matrix must be converted, never guessed:
    class 0 becomes -1, class 1 becomes +1 and an abstention becomes 0.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Entries in {-1 (abstain), 0, 1}.

    Returns
    -------
    ndarray of int8, shape (n_points, n_lfs)

    Examples
    --------
    >>> from dataprog_helpers import signed_label_matrix
    >>> signed_label_matrix([[-1, 0, 1], [1, 1, -1]]).tolist()
    [[0, -1, 1], [1, 1, 0]]
    """
    votes = check_label_matrix(label_matrix, cardinality=2)
    return np.where(votes < 0, 0, 2 * votes - 1).astype(np.int8)


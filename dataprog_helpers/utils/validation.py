"""Input checks shared by every helper.

Each check converts its input to a NumPy array of a known dtype and shape, or
raises a ``ValueError`` / ``TypeError`` that names the argument and says what is
wrong, so that bad input never turns into a silent NaN further down.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse

# The estimators declare their parameters' constraints as scikit-learn's estimators do
# (``_parameter_constraints``, checked by ``BaseEstimator._validate_params`` at the start
# of ``fit``), with scikit-learn's constraint classes.  They live in a private module of
# scikit-learn, which every scikit-learn estimator uses; the version is pinned in
# pyproject.toml, and the estimator checks (tests/unit/test_sklearn_compat.py) exercise them.
from sklearn.utils._param_validation import Interval as _SklearnInterval
from sklearn.utils._param_validation import StrOptions

__all__ = [
    "Interval",
    "StrOptions",
    "SOFT_LABEL_SUM_TOLERANCE",
    "check_class_labels",
    "check_class_probabilities",
    "check_class_tables",
    "check_features",
    "check_sparse_features",
    "check_label_matrix",
    "check_labels",
    "check_positive_int",
    "check_predictions",
    "check_probabilities",
    "check_probability_range",
    "check_real_in_range",
    "check_same_length",
    "check_seed",
]


class Interval(_SklearnInterval):
    """scikit-learn's ``Interval`` constraint, refusing ``True`` and ``False``.

    scikit-learn counts a bool as the number 0 or 1, so ``max_iter=True`` would pass
    as one iteration; here a bool is never a number, as in the package's other checks.
    """

    def is_satisfied_by(self, val) -> bool:
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def _as_numeric_array(value, name: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except Exception as error:  # e.g. ragged nested lists
        raise ValueError(f"{name} could not be converted to an array: {error}") from error
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def _checked_array(value, name: str, ndim: int, shape_hint: str) -> np.ndarray:
    """Numeric, ``ndim``-dimensional, non-empty and free of NaN / inf, or a clear error."""
    array = _as_numeric_array(value, name)
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D with shape {shape_hint}, got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_allowed_values(array: np.ndarray, name: str, allowed: tuple, meaning: str) -> None:
    # An integer array whose allowed values form a whole range is checked by its
    # min and max, which make no temporary copy (label matrices can have millions of rows).
    if (
        np.issubdtype(array.dtype, np.integer)
        and set(allowed) == set(range(min(allowed), max(allowed) + 1))
        and min(allowed) <= array.min()
        and array.max() <= max(allowed)
    ):
        return
    outside = ~np.isin(array, allowed)
    if outside.any():
        bad = np.unique(array[outside])[:5]
        raise ValueError(f"{name} {meaning}; found {bad.tolist()}")


def check_label_matrix(label_matrix, name: str = "label_matrix",
                       cardinality: int | None = None) -> np.ndarray:
    """Validate a label matrix and return it as ``int8`` (the input itself if it already is).

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
        Votes of each labeling function.  Binary (``cardinality`` None): +1, -1, or 0
        for "abstain", the course's signed convention.  k classes: -1 for "abstain"
        and 0 to k - 1 for the classes, Snorkel's convention.
    name : str
        Argument name used in error messages.
    cardinality : int, optional
        The number of classes k, for a k-class matrix.

    Returns
    -------
    ndarray of int8, shape (n_points, n_lfs)
    """
    if cardinality is not None:
        # int8 votes hold the class indices 0 to 126.
        check_positive_int(cardinality, "cardinality", minimum=2, maximum=127)
    array = _checked_array(label_matrix, name, 2, "(n_points, n_lfs)")
    if cardinality is None:
        _check_allowed_values(array, name, (-1, 0, 1), "entries must be -1, 0 (abstain) or +1")
    else:
        _check_allowed_values(
            array, name, tuple(range(-1, cardinality)),
            f"entries must be -1 (abstain) or a class index 0 to {cardinality - 1} "
            f"(cardinality={cardinality})")
    return array.astype(np.int8, copy=False)


def check_class_labels(labels, cardinality: int, name: str = "y") -> np.ndarray:
    """Validate gold labels given as class indices 0 to ``cardinality`` - 1; int64 (n,)."""
    array = _checked_array(labels, name, 1, "(n_points,)")
    _check_allowed_values(
        array, name, tuple(range(cardinality)),
        f"must hold class indices 0 to {cardinality - 1} (cardinality={cardinality})")
    return array.astype(np.int64)


def check_labels(labels, name: str = "y") -> np.ndarray:
    """Validate gold labels in {-1, +1} and return them as ``int8`` of shape (n,)."""
    array = _checked_array(labels, name, 1, "(n_points,)")
    _check_allowed_values(
        array, name, (-1, 1), "must contain only -1 and +1 (this tutorial's label convention)"
    )
    return array.astype(np.int8)


def check_probabilities(probabilities, name: str = "y_prob", dtype=np.float64) -> np.ndarray:
    """Validate probabilities P(y = +1) in [0, 1] and return them as ``dtype`` (n,)."""
    array = _checked_array(probabilities, name, 1, "(n_points,)")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"{name} must be probabilities P(y=+1) in [0, 1]; "
            f"found values in [{array.min():.3g}, {array.max():.3g}]"
        )
    return array.astype(dtype)


#: How far a row of class probabilities may sum from 1 (float32 posteriors carry ~1e-7).
SOFT_LABEL_SUM_TOLERANCE = 1e-5


def check_class_probabilities(probabilities, name: str = "soft_labels",
                              cardinality: int | None = None, dtype=np.float64) -> np.ndarray:
    """Validate k-class probabilities, shape (n, k), each row summing to 1; as ``dtype``.

    ``cardinality`` (when known) is the k the columns must number; without it any
    k >= 2 is taken.  Rows may sum to 1 within :data:`SOFT_LABEL_SUM_TOLERANCE`.
    """
    array = _checked_array(probabilities, name, 2, "(n_points, k)")
    width = array.shape[1]
    if cardinality is not None and width != cardinality:
        raise ValueError(f"{name} has {width} columns but there are {cardinality} classes; "
                         "it needs one column per class")
    if width < 2:
        raise ValueError(f"{name} has shape {array.shape}, one column: pass P(y = +1) of two "
                         "classes as a 1-D array of shape (n_points,), or one column per class")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name} must be probabilities in [0, 1]; found values in "
                         f"[{array.min():.3g}, {array.max():.3g}]")
    sums = array.sum(axis=1, dtype=np.float64)
    off = np.flatnonzero(np.abs(sums - 1.0) > SOFT_LABEL_SUM_TOLERANCE)
    if off.size:
        raise ValueError(f"each row of {name} must sum to 1 (one probability per class); "
                         f"row {off[0]} sums to {sums[off[0]]:.6g}"
                         + (f", and {off.size - 1} more rows do not" if off.size > 1 else ""))
    return array.astype(dtype)


def check_features(
    features, name: str = "X", dtype=np.float64, accept_sparse: bool = False
) -> np.ndarray | scipy.sparse.csr_array:
    """Validate a finite feature matrix and return it as ``dtype`` (n, d).

    Values too large for ``dtype`` (beyond 3.4e38 for float32) are an error, not
    a silent infinity.  A SciPy sparse matrix is returned as a CSR array (see
    :func:`check_sparse_features`) if ``accept_sparse``, and is an error otherwise.
    """
    if scipy.sparse.issparse(features):
        if accept_sparse:
            return check_sparse_features(features, name, dtype=dtype)
        raise TypeError(
            f"{name} is a SciPy sparse matrix, which this function does not take; "
            f"pass {name}.toarray()"
        )
    with np.errstate(over="ignore"):  # reported below, by name
        converted = _checked_array(features, name, 2, "(n_points, n_features)").astype(dtype)
    if not np.all(np.isfinite(converted)):
        raise ValueError(f"{name} has values too large for {np.dtype(dtype).name}")
    return converted


def check_sparse_features(
    features, name: str = "X", dtype=np.float64
) -> scipy.sparse.csr_array:
    """Validate a finite sparse feature matrix and return it as a CSR array of ``dtype``.

    The result is a new ``scipy.sparse.csr_array`` of shape (n, d) with its
    duplicate entries summed and its column indices sorted, so that its rows
    can be read in order.  Stored values too large for ``dtype`` are an error.
    """
    if features.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with shape (n_points, n_features), got shape {features.shape}"
        )
    if not (features.dtype == bool or np.issubdtype(features.dtype, np.number)):
        raise TypeError(f"{name} must hold numbers, got dtype {features.dtype}")
    if np.issubdtype(features.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {features.dtype}")
    if 0 in features.shape:
        raise ValueError(f"{name} is empty (shape {features.shape})")
    with np.errstate(over="ignore"):  # reported below, by name
        matrix = scipy.sparse.csr_array(features, dtype=dtype, copy=True)
    matrix.sum_duplicates()
    if not np.all(np.isfinite(matrix.data)):
        raise ValueError(
            f"{name} contains NaN or infinite values, or values too large for "
            f"{np.dtype(dtype).name}"
        )
    return matrix


#: How far a row of ``conditional_probabilities`` may miss summing to 1.
_ROW_SUM_TOLERANCE = 1e-9

#: Names of the class index c and the vote index v of ``conditional_probabilities``.
_CLASS_NAMES = ("y = -1", "y = +1")
_VOTE_NAMES = ("-1", "0 (abstain)", "+1")


def check_conditional_probabilities(value, name: str = "conditional_probabilities"):
    """Validate a class-conditional LF model and return it as float64 of shape (m, 2, 3)."""
    table = _checked_array(value, name, 3, "(n_lfs, 2, 3)").astype(np.float64)
    if table.shape[1:] != (2, 3):
        raise ValueError(
            f"{name} must have shape (n_lfs, 2, 3): per LF one row P(vote = -1, 0, +1 | y) "
            f"for y = -1 and one for y = +1; got shape {table.shape}"
        )
    outside = (table < 0) | (table > 1)
    if outside.any():
        i, c, v = (int(index) for index in np.argwhere(outside)[0])
        raise ValueError(
            f"{name} entries must be probabilities in [0, 1]; {name}[{i}, {c}, {v}] = "
            f"{table[i, c, v]:.6g} (LF {i}, {_CLASS_NAMES[c]}, vote {_VOTE_NAMES[v]})"
        )
    sums = table.sum(axis=2)
    wrong = np.abs(sums - 1.0) > _ROW_SUM_TOLERANCE
    if wrong.any():
        i, c = (int(index) for index in np.argwhere(wrong)[0])
        raise ValueError(
            f"{name}[{i}, {c}, :] (LF {i}, {_CLASS_NAMES[c]}) sums to {sums[i, c]:.12g}; "
            f"each row P(vote = -1, 0, +1 | y) must sum to 1 (within {_ROW_SUM_TOLERANCE:g})"
        )
    return table


def check_class_tables(value, name: str = "conditional_probabilities") -> np.ndarray:
    """Validate k-class vote distributions and return them as float64 of shape (m, k, k + 1).

    Entry ``[i, c, v + 1]`` is P(LF i votes v | y = c), index 0 for abstaining; k >= 2,
    every entry in [0, 1] and every row ``[i, c, :]`` summing to 1 within
    ``_ROW_SUM_TOLERANCE``.
    """
    table = _checked_array(value, name, 3, "(n_lfs, k, k + 1)").astype(np.float64)
    if table.shape[1] < 2 or table.shape[2] != table.shape[1] + 1:
        raise ValueError(f"{name} must have shape (n_lfs, k, k + 1) with k >= 2: per LF and "
                         f"class, P(abstain) then P(vote = c) for each class; got {table.shape}")
    outside = (table < 0) | (table > 1)
    if outside.any():
        i, c, v = (int(index) for index in np.argwhere(outside)[0])
        raise ValueError(f"{name} entries must be probabilities in [0, 1]; {name}[{i}, {c}, "
                         f"{v}] = {table[i, c, v]:.6g}")
    sums = table.sum(axis=2)
    wrong = np.abs(sums - 1.0) > _ROW_SUM_TOLERANCE
    if wrong.any():
        i, c = (int(index) for index in np.argwhere(wrong)[0])
        raise ValueError(f"{name}[{i}, {c}, :] sums to {sums[i, c]:.12g}; each row of vote "
                         f"probabilities must sum to 1 (within {_ROW_SUM_TOLERANCE:g})")
    return table


def check_same_length(**arrays: np.ndarray) -> None:
    """Raise if the given arrays do not all have the same number of rows.

    Not :func:`sklearn.utils.check_consistent_length`: its message gives the
    lengths but not the arguments' names ("Found input variables with
    inconsistent numbers of samples: [3, 4]"), and the package's errors name them.
    """
    lengths = {name: np.shape(array)[0] if not scipy.sparse.issparse(array) else array.shape[0]
               for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {length}" for name, length in lengths.items())
        raise ValueError(f"inconsistent numbers of points: {described}")


#: The largest count TensorFlow's int32 loop counters can hold.
MAX_INT32 = 2**31 - 1


def check_positive_int(value, name: str, minimum: int = 1, maximum: int = MAX_INT32) -> int:
    """Validate an integer hyper-parameter in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must lie in [{minimum}, {maximum}], got {value}")
    return int(value)


def check_seed(seed, name: str = "seed", allow_none: bool = False) -> int | None:
    """Validate a random seed: a non-negative integer (or None where allowed)."""
    if seed is None and allow_none:
        return None
    return check_positive_int(seed, name, minimum=0, maximum=2**63 - 1)


def check_predictions(predictions, name: str = "y_pred") -> np.ndarray:
    """Validate predicted labels in {-1, 0, +1} (0: no decision) as ``int8`` (n,)."""
    array = _checked_array(predictions, name, 1, "(n_points,)")
    _check_allowed_values(array, name, (-1, 0, 1), "must contain only -1, 0 (no decision) or +1")
    return array.astype(np.int8)


def check_real_in_range(
    value,
    name: str,
    low: float,
    high: float,
    *,
    include_low: bool = True,
    include_high: bool = True,
) -> float:
    """Validate a real scalar in the interval from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    above = value >= low if include_low else value > low
    below = value <= high if include_high else value < high
    if not (np.isfinite(value) and above and below):
        left = "[" if include_low else "("
        right = "]" if include_high else ")"
        raise ValueError(f"{name} must lie in {left}{low}, {high}{right}, got {value}")
    return value


def check_probability_range(value, name: str) -> tuple[float, float]:
    """Validate a pair ``(low, high)`` with 0 <= low <= high <= 1 and return it as floats.

    Parameters
    ----------
    value : pair of real numbers
        E.g. a range of accuracies P(vote = y | the LF votes).
    name : str
        Argument name used in error messages; a bad bound is named ``name[0]`` or
        ``name[1]``.

    Returns
    -------
    (low, high) : tuple of float
    """
    try:
        low, high = (float(bound) for bound in value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}") from error
    check_real_in_range(low, f"{name}[0]", 0.0, 1.0)
    check_real_in_range(high, f"{name}[1]", 0.0, 1.0)
    if low > high:
        raise ValueError(f"{name} must satisfy low <= high, got {value!r}")
    return low, high

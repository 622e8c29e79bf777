"""The label models' estimator: a template ``fit``, and prediction and scoring.

:class:`BaseLabelModel` owns ``fit`` (validate, read the votes, check the dev set,
estimate, orient, set the fitted attributes) and the posterior-based methods; each
model supplies its :class:`FitSteps`.  Adding a label model is one module: a
subclass with its parameters and a ``FitSteps`` of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.validation import check_is_fitted

from ..scores import accuracy
from ..utils.optional_dask import is_dask_array
from ..utils.validation import check_labels, check_same_length
from .base import Posterior

__all__ = ["BaseLabelModel", "FitSteps", "on_dask_blocks"]


class FitSteps(Protocol):
    """The steps of one model's fit, which :meth:`BaseLabelModel.fit` takes in order.

    ``votes``, ``estimate`` and ``oriented`` are whatever records the model uses
    (sums over rows, a pattern histogram, vote indicators; a fit result); the
    template only passes them on.
    """

    def read_votes(self, label_matrix) -> Any:
        """Validate a label matrix and turn it into what :meth:`estimate` reads."""

    def check_dev_set(self, votes, dev_label_matrix, dev_labels) -> Any:
        """The validated dev set (None without one)."""

    def estimate(self, votes) -> Any:
        """The parameters from the votes alone: the model's start and steps."""

    def orient(self, estimate, votes, dev_set) -> Any:
        """Which class is which: by the stated assumption, or by the dev set."""

    def set_fitted(self, oriented) -> None:
        """Set the model's fitted attributes (names ending in ``_``)."""


def on_dask_blocks(method: Callable, label_matrix, dtype):
    """``method`` of a :class:`Posterior` applied to each row block of a Dask array, lazily."""
    if label_matrix.ndim != 2:
        raise ValueError(f"label_matrix must be 2-D, got a Dask array of shape "
                         f"{label_matrix.shape}")
    n_lfs = method.__self__.n_lfs
    if label_matrix.shape[1] != n_lfs:
        raise ValueError(f"label_matrix has {label_matrix.shape[1]} LFs but the model was "
                         f"fitted on {n_lfs}")
    rows = label_matrix.rechunk({1: -1})
    # A k-class posterior's probabilities and log-probabilities have one column per class.
    columns = getattr(method.__self__, "cardinality", None)
    if method.__name__ == "predict":
        columns = None
    on_block = functools.partial(_on_block, method=method, columns=columns, dtype=dtype)
    if columns is None:
        return rows.map_blocks(on_block, drop_axis=1, dtype=dtype,
                               meta=np.empty((0,), dtype=dtype))
    return rows.map_blocks(on_block, chunks=(rows.chunks[0], (columns,)), dtype=dtype,
                           meta=np.empty((0, columns), dtype=dtype))


def _on_block(block: np.ndarray, method: Callable, columns: int | None, dtype) -> np.ndarray:
    """``method(block)``; a block without rows (an empty partition) gives no rows."""
    if block.shape[0] == 0:
        return np.empty((0,) if columns is None else (0, columns), dtype=dtype)
    return method(block)


class BaseLabelModel(BaseEstimator):
    """Prediction and scoring shared by the label models.

    A fitted model has ``vote_log_ratios_`` (shape (n_lfs, 3), the tables ``T_i``
    of the module docstring) and ``class_prior_``; a model with dependent LFs
    adds their joint terms in :meth:`_joint_term`.

    The models are scikit-learn estimators (:class:`sklearn.base.BaseEstimator`):
    the constructor stores its parameters unchanged and ``fit`` validates them,
    so ``get_params``, ``set_params``, :func:`sklearn.base.clone` and ``repr``
    work, and a model can be the last step of a ``Pipeline`` or be tuned by
    ``GridSearchCV``.  They keep the course's conventions, which differ from
    scikit-learn's: ``fit(label_matrix, dev_label_matrix=None, dev_labels=None)``
    learns from votes in {-1, 0, +1} without labels (its second argument is not
    ``y``), and :meth:`predict_proba` is P(y = +1) of shape (n_points,).  A search
    over their parameters therefore fits without ``y`` and scores with a
    ``scoring=`` callable ``scoring(model, label_matrix, y=None)``, e.g. accuracy
    on a few labeled points held aside.
    """

    # --- the template fit ---------------------------------------------------------------------

    def _fit_steps(self) -> FitSteps:
        """The steps this model's fit takes (see :class:`FitSteps`)."""
        raise NotImplementedError

    def fit(self, label_matrix, dev_label_matrix=None, dev_labels=None):
        """Fit the model to a label matrix; a few labeled points may say which class is which.

        Every label model fits by this template, in the way scikit-learn's mixture
        models do (``sklearn/mixture/_base.py``): validate the parameters, read the
        votes, check the dev set, estimate the parameters (each model's own start and
        steps), orient the classes (by the stated assumption that the LFs vote for the
        true class more than for others, or by the dev labels), then set the fitted
        attributes.  The steps are the model's :class:`FitSteps`.

        Parameters
        ----------
        label_matrix : array-like of shape (n_points, n_lfs)
            The votes, in the model's convention (the class docstring); no gold
            labels are used.
        dev_label_matrix, dev_labels : array-like of shapes (n_dev, n_lfs) and (n_dev,), optional
            A few labeled points.  When given, they (not the assumption) decide which
            class is which; nothing else is learned from them.

        Returns
        -------
        self
        """
        self._validate_params()
        steps = self._fit_steps()
        return self._fit_votes(steps, steps.read_votes(label_matrix), dev_label_matrix,
                               dev_labels)

    def _fit_votes(self, steps: FitSteps, votes, dev_label_matrix, dev_labels):
        """The template from votes already read (``fit_statistics`` starts here)."""
        dev_set = steps.check_dev_set(votes, dev_label_matrix, dev_labels)
        estimate = steps.estimate(votes)
        steps.set_fitted(steps.orient(estimate, votes, dev_set))
        return self

    # The first argument of every method is the data, not metadata to route
    # (scikit-learn takes every argument not named X or y for metadata).
    __metadata_request__fit = {"label_matrix": UNUSED}
    __metadata_request__decision_function = {"label_matrix": UNUSED}
    __metadata_request__predict = {"label_matrix": UNUSED}
    __metadata_request__predict_proba = {"label_matrix": UNUSED}
    __metadata_request__score = {"label_matrix": UNUSED}

    def _joint_term(self) -> Callable | None:
        """What declared dependencies add to the posterior log-odds (None: nothing)."""
        return None

    def posterior(self) -> Posterior:
        """The fitted posterior as a :class:`Posterior` (NumPy only, picklable)."""
        check_is_fitted(self, "vote_log_ratios_", msg=(
            f"this {type(self).__name__} is not fitted yet; call fit(label_matrix) first"))
        return Posterior(self.vote_log_ratios_, self.class_prior_, self._joint_term())

    def _check_fitted_input(self, label_matrix) -> np.ndarray:
        return self.posterior().check_input(label_matrix)

    def _compute(self, method: str, label_matrix, dtype):
        posterior = self.posterior()
        if is_dask_array(label_matrix):
            return on_dask_blocks(getattr(posterior, method), label_matrix, dtype)
        return getattr(posterior, method)(label_matrix)

    def decision_function(self, label_matrix) -> np.ndarray:
        """Posterior log-odds ``log P(y = +1 | votes) / P(y = -1 | votes)``, shape (n_points,).

        ``log(pi / (1 - pi)) + sum_i T_i[lambda_i]`` with ``T = vote_log_ratios_``
        and ``pi = class_prior_``, plus the joint terms of dependent LFs.  On a
        Dask array (see :meth:`predict_proba`) the result is a lazy Dask array.
        """
        return self._compute("decision_function", label_matrix, np.float64)

    def predict_proba(self, label_matrix) -> np.ndarray:
        """P(y = +1 | votes) for each point, shape (n_points,), with prior ``class_prior_``.

        ``label_matrix`` may also be a ``dask.array.Array`` of shape (n_points,
        n_lfs), e.g. from :func:`~dataprog_helpers.apply_lfs` on a Dask DataFrame.
        The result is then a lazy Dask array with one chunk per row chunk: each
        worker computes its rows with :meth:`posterior`, in NumPy, without
        TensorFlow, and gets the same numbers as the in-memory call.
        """
        return self._compute("predict_proba", label_matrix, np.float64)

    def predict(self, label_matrix) -> np.ndarray:
        """Most probable label in {-1, +1}, or 0 (a tie) where the posterior is 1/2.

        A log-odds within ``TIE_TOLERANCE`` of 0 counts as a tie: at that size it
        is rounding noise of the sums, and its sign would differ between
        processors (LFs whose votes cancel exactly give such points).  On a Dask
        array the result is a lazy Dask array of int8.
        """
        return self._compute("predict", label_matrix, np.int8)

    def score(self, label_matrix, y, ties: str = "half") -> float:
        """Accuracy of :meth:`predict` against gold labels; see :func:`accuracy` for ``ties``."""
        label_matrix = self._check_fitted_input(label_matrix)
        y = check_labels(y, "y")
        check_same_length(label_matrix=label_matrix, y=y)
        return accuracy(y, self.predict(label_matrix), ties=ties)

"""Over-confident probabilities, softened by one temperature fitted on a few labeled points.

A label model whose assumptions fail can be right about the order of its
posteriors and wrong about their size: EM on correlated LFs explains the votes
with LFs more reliable than they are, and its posteriors crowd at 0 and 1 (the
course measures this on the tumours).  Temperature scaling (Guo, Pleiss, Sun and
Weinberger, *On Calibration of Modern Neural Networks*, ICML 2017) rescales the
log-odds, or for k classes the log-probabilities, by one number T:

    binary:  P_T(y = +1) = sigmoid(logit(p) / T)
    k:       P_T(y = c) = softmax_c(log p_c / T)

T > 1 softens, T < 1 sharpens, and T = 1 changes nothing; the most probable class
never changes, so accuracy is untouched.  T is chosen to minimise the log loss on
labeled points (the dev set), a one-dimensional problem that
:func:`scipy.optimize.minimize_scalar` solves; written here because scikit-learn's
:class:`~sklearn.calibration.CalibratedClassifierCV` calibrates a classifier it
fits, not given probabilities, and its sigmoid (Platt) method has two parameters,
one more than 40 dev points can afford.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_softmax
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .utils.validation import check_class_labels, check_labels, check_same_length

__all__ = ["TemperatureScaling"]

#: Probabilities are kept this far from 0 and 1 before their log is taken, so that
#: a posterior rounded to exactly 0 or 1 can still be softened (|logit| <= 34.5).
PROBABILITY_FLOOR = 1e-15


def _log_probabilities(probabilities, name: str) -> np.ndarray:
    """(n, k) log-probabilities from (n,) P(y = +1) or (n, k) rows, checked."""
    array = np.asarray(probabilities, dtype=np.float64)
    if array.ndim not in (1, 2) or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_points,) (P(y = +1)) or "
                         f"(n_points, k), got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1] (no NaN)")
    if array.ndim == 1:
        array = np.stack([1.0 - array, array], axis=1)
    elif array.shape[1] < 2 or not np.allclose(array.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError(f"{name} of shape (n_points, k) must have k >= 2 columns and rows "
                         "that sum to 1")
    return np.log(np.clip(array, PROBABILITY_FLOOR, 1.0))


class TemperatureScaling(BaseEstimator):
    """Rescale the log-odds of probabilities by one temperature fitted on labeled points.

    Parameters
    ----------
    bounds : (float, float), default (0.05, 20.0)
        The temperatures searched.

    Attributes
    ----------
    temperature_ : float
        The T that minimises the log loss on the points given to :meth:`fit`.
    n_classes_ : int
        2 for probabilities P(y = +1) of shape (n,), else k.

    Examples
    --------
    Over-sharp probabilities (their log-odds tripled) are softened back:

    >>> import numpy as np
    >>> from scipy.special import expit
    >>> from dataprog_helpers import TemperatureScaling
    >>> rng = np.random.default_rng(0)
    >>> log_odds = rng.normal(0.0, 2.0, size=5000)
    >>> y = np.where(rng.random(5000) < expit(log_odds), 1, -1)
    >>> scaling = TemperatureScaling().fit(expit(3 * log_odds), y)
    >>> round(scaling.temperature_, 1)
    3.0
    >>> np.allclose(scaling.transform(expit(3 * log_odds)), expit(log_odds), atol=0.02)
    True
    """

    def __init__(self, bounds: tuple[float, float] = (0.05, 20.0)) -> None:
        self.bounds = bounds

    def _checked_bounds(self) -> tuple[float, float]:
        bounds = self.bounds
        if (not isinstance(bounds, tuple | list) or len(bounds) != 2
                or not all(isinstance(b, numbers.Real) and not isinstance(b, bool)
                           for b in bounds)
                or not 0 < bounds[0] < bounds[1] < np.inf):
            raise ValueError(f"bounds must be a pair (low, high) with 0 < low < high, got "
                             f"{bounds!r}")
        return float(bounds[0]), float(bounds[1])

    def fit(self, probabilities, y) -> TemperatureScaling:
        """Find the temperature that minimises the log loss of ``probabilities`` on ``y``.

        Parameters
        ----------
        probabilities : array-like of shape (n_points,) or (n_points, k)
            P(y = +1), or each class's probability (rows summing to 1).
        y : array-like of shape (n_points,)
            Gold labels: -1/+1 for shape (n_points,), class indices 0 to k-1 else.

        Returns
        -------
        self
        """
        low, high = self._checked_bounds()
        log_p = _log_probabilities(probabilities, "probabilities")
        binary = np.ndim(probabilities) == 1
        y = check_labels(y, "y") if binary else check_class_labels(y, log_p.shape[1], "y")
        check_same_length(probabilities=log_p, y=y)
        index = (y == 1).astype(np.intp) if binary else y.astype(np.intp)
        picked = np.arange(y.size)

        def log_loss(log_temperature: float) -> float:
            scaled = log_softmax(log_p / np.exp(log_temperature), axis=1)
            return float(-scaled[picked, index].mean())

        result = minimize_scalar(log_loss, bounds=(np.log(low), np.log(high)),
                                 method="bounded", options={"xatol": 1e-6})
        self.n_classes_ = log_p.shape[1]
        self.temperature_ = float(np.exp(result.x))
        return self

    def transform(self, probabilities) -> np.ndarray:
        """The probabilities at the fitted temperature, in the shape they came in."""
        check_is_fitted(self, "temperature_", msg=(
            "this TemperatureScaling is not fitted yet; call fit(probabilities, y) first"))
        log_p = _log_probabilities(probabilities, "probabilities")
        if log_p.shape[1] != self.n_classes_:
            raise ValueError(f"probabilities has {log_p.shape[1]} classes but the scaling "
                             f"was fitted on {self.n_classes_}")
        if np.ndim(probabilities) == 1:
            return expit((log_p[:, 1] - log_p[:, 0]) / self.temperature_)
        return np.exp(log_softmax(log_p / self.temperature_, axis=1))

    def fit_transform(self, probabilities, y) -> np.ndarray:
        """:meth:`fit`, then :meth:`transform` of the same probabilities."""
        return self.fit(probabilities, y).transform(probabilities)

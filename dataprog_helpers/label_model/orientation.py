"""Which fitted class is which label: the k-class label model's orientation.

A permutation of the classes (with the tables' rows and the prior) fits the votes
equally well, so the votes alone cannot name the classes.  EM started from the
majority vote keeps the classes where the votes put them; :func:`orient_classes` then
names them by the stated assumption that the LFs vote for the true class more than
for any one other, or by dev labels when given, each as an assignment problem
(:func:`scipy.optimize.linear_sum_assignment`), and warns when the choice is close.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..exceptions import IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller

__all__ = ["ORIENTATION_MARGIN", "orient_classes"]

#: The best matching of the classes is called ambiguous, and the model warns, when
#: the second best leaves less than this share of the best one's margin over chance.
ORIENTATION_MARGIN = 0.25


def _assignment_score(gains: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The permutation of the best assignment, its gain and the second best gain.

    The second best permutation differs from the best in at least one position:
    it is the best of the k assignments that forbid one of the best's pairs.
    """
    rows, columns = linear_sum_assignment(gains, maximize=True)
    best = float(gains[rows, columns].sum())
    second = -np.inf
    for row, column in zip(rows, columns, strict=True):
        forbidden = gains.copy()
        forbidden[row, column] = -1e12
        other_rows, other_columns = linear_sum_assignment(forbidden, maximize=True)
        second = max(second, float(forbidden[other_rows, other_columns].sum()))
    return columns, best, second


def orient_classes(tables: np.ndarray, prior: np.ndarray,
                   dev_posterior: np.ndarray | None = None,
                   dev_labels: np.ndarray | None = None) -> np.ndarray:
    """Which label each fitted class is: a permutation ``order`` with class c -> label order[c].

    Without dev labels, the assumption that the LFs vote for the true class more
    than for others: ``order`` maximises ``sum_c pi[c] sum_i theta[i, c, order[c] + 1]``,
    the expected number of votes an LF casts for the class it calls the truth.  With
    dev labels, the matching that maximises the posterior mass on them.  Warns
    (:class:`IdentifiabilityWarning`) when the second best matching comes close:
    its margin over a matching at random is within ``ORIENTATION_MARGIN`` of the best's.
    """
    k = prior.shape[0]
    if dev_labels is not None:
        gains = np.stack([dev_posterior[dev_labels == label].sum(axis=0)
                          for label in range(k)], axis=1)
        evidence = "the dev labels"
    else:
        gains = prior[:, None] * tables[:, :, 1:].sum(axis=0)
        evidence = "the assumption that the LFs vote for the true class more than for others"
    order, best, second = _assignment_score(gains)
    chance = gains.sum() / k
    if k > 1 and best - second < ORIENTATION_MARGIN * (best - chance):
        warn_at_caller(
            f"which class is which is uncertain: under {evidence}, the second best matching "
            f"of the fitted classes to the labels scores {second:.3g} against the best's "
            f"{best:.3g}. Pass a few labeled points (dev_label_matrix, dev_labels) to fit() "
            "to decide it",
            IdentifiabilityWarning,
        )
    return order

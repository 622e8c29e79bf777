"""The inapplicable share of the k-class model: points no LF applies to, whatever their class.

With probability rho a point gets no vote whatever its class; otherwise its votes
follow the class-conditional tables.  :func:`with_inapplicable_share` turns Dawid and
Skene's E-step into this model's.
:func:`~dataprog_helpers.label_model.multiclass.expectation_maximisation` says why the
share is there, :mod:`~dataprog_helpers.label_model.class_fit` when it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

__all__ = ["Expected", "with_inapplicable_share"]


@dataclass(frozen=True)
class Expected:
    """What the E-step gives the M-step.

    Attributes
    ----------
    counts : ndarray of shape (n_lfs, k, k + 1)
        Expected counts ``N[i, c, v + 1]`` of the points whose votes follow the tables.
    inapplicable : ndarray of shape (k,)
        The expected number of points of each class that no LF applies to.
    """

    counts: np.ndarray
    inapplicable: np.ndarray


def with_inapplicable_share(data, counts: np.ndarray, log_likelihood: float,
                            tables: np.ndarray, prior: np.ndarray,
                            share: float) -> tuple[Expected, float]:
    """The E-step of the model with an inapplicable share, from Dawid and Skene's.

    ``counts`` and ``log_likelihood`` are Dawid and Skene's E-step at ``(tables,
    prior)`` (share 0), over every point.  Only the ``data.n_uncovered`` points without
    votes read the share: each is, for class c, inapplicable with weight ``pi[c] rho``
    or voting-and-abstaining with weight ``pi[c] (1 - rho) A[c]``, ``A[c] = prod_i
    theta[i, c, 0]``.  Their abstentions in ``counts`` are replaced by the second share
    and the first is returned apart; the points with votes gain ``log(1 - rho)`` each.
    """
    n_uncovered, k = data.n_uncovered, prior.shape[0]
    if n_uncovered == 0:
        return Expected(counts, np.zeros(k)), log_likelihood
    log_joint = np.log(prior) + np.log(tables[:, :, 0]).sum(axis=0)
    as_voting = np.exp(log_joint - logsumexp(log_joint))  # what the E-step used
    with np.errstate(divide="ignore"):
        voting = log_joint + np.log1p(-share)
        inapplicable = np.log(prior) + np.log(share)
    both = np.logaddexp(voting, inapplicable)
    total = logsumexp(both)
    counts = counts.copy()
    counts[:, :, 0] += n_uncovered * (np.exp(voting - total) - as_voting)[None, :]
    np.maximum(counts, 0.0, out=counts)
    n_covered = data.n_points - n_uncovered
    log_likelihood = (log_likelihood * data.n_points + n_covered * np.log1p(-share)
                      + n_uncovered * (total - logsumexp(log_joint))) / data.n_points
    return Expected(counts, n_uncovered * np.exp(inapplicable - total)), log_likelihood

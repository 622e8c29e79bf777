"""Two-class posteriors from given vote distributions, and vote distributions as tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import expit

from ..utils.validation import (
    check_class_tables,
    check_conditional_probabilities,
    check_label_matrix,
    check_real_in_range,
)
from .base import check_class_prior, table_log_odds
from .multiclass import kept_above

__all__ = ["conditional_posterior_proba", "vote_distribution_table"]


def conditional_posterior_proba(
    label_matrix, conditional_probabilities, class_prior: float = 0.5,
    probability_margin: float = 1e-4,
) -> np.ndarray:
    """P(y = +1 | votes) for conditionally independent LFs with given vote distributions.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
    conditional_probabilities : array-like of shape (n_lfs, 2, 3)
        ``[i, c, v] = P(lambda_i = vote | y)`` as in
        :attr:`~dataprog_helpers.ClassConditionalLabelModel.conditional_probabilities_`: the
        estimates of a model or, as an oracle, the true ones of a simulation.
    class_prior : float in (0, 1), default 0.5
    probability_margin : float in (0, 1/3), default 1e-4
        Each probability is raised to at least this (and the rows renormalised),
        as the model does, so that a vote of probability 0 under both classes
        counts nothing and conflicting certain votes cannot give NaN.

    Returns
    -------
    ndarray of float64, shape (n_points,)
        ``sigmoid(log(pi / (1 - pi)) + sum_i log(theta_i[+1, L_ki] / theta_i[-1, L_ki]))``.
    """
    label_matrix = check_label_matrix(label_matrix)
    class_prior = check_class_prior(class_prior)
    margin = check_real_in_range(probability_margin, "probability_margin", 0.0, 1.0 / 3.0,
                                 include_low=False, include_high=False)
    probabilities = check_conditional_probabilities(conditional_probabilities)
    if probabilities.shape[0] != label_matrix.shape[1]:
        raise ValueError(
            f"label_matrix has {label_matrix.shape[1]} LFs but conditional_probabilities "
            f"has {probabilities.shape[0]}"
        )
    logs = np.log(kept_above(probabilities, margin))
    return expit(table_log_odds(label_matrix, logs[:, 1] - logs[:, 0], class_prior))


def vote_distribution_table(
    conditional_probabilities, lf_names: Sequence[str] | None = None,
    class_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each LF's vote distribution per class as a table, e.g. of ``conditional_probabilities_``.

    Parameters
    ----------
    conditional_probabilities : array-like of shape (n_lfs, 2, 3) or (n_lfs, k, k + 1)
        Two classes: ``[i, c, v] = P(lambda_i = vote | y)``, classes -1, +1 and votes
        -1, 0, +1 in that order.  k classes (k >= 3): ``[i, c, v + 1] = P(lambda_i = v
        | y = c)``, index 0 for abstaining (see
        :class:`~dataprog_helpers.ClassConditionalLabelModel`).
    lf_names : sequence of n_lfs str, optional
        Row names (default ``LF 0``, ``LF 1``, ...).
    class_names : sequence of str, optional
        Names of the classes, in order: for two classes the names of -1 and +1
        (default ``("y = -1", "y = +1")``, e.g. ``("benign", "malignant")``); for k
        classes the names of 0 to k - 1 (default ``"0"``, ``"1"``, ...), also used
        for the votes.

    Returns
    -------
    pandas.DataFrame of shape (n_lfs, 6), or (n_lfs, k (k + 1))
        One row per LF; columns ``(class name, vote)``, the votes ``-1``,
        ``0 (abstain)`` and ``+1`` for two classes, ``abstain`` and the class names
        for k; each class's entries sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> tables = np.array([[[0.9, 0.1, 0.0, 0.0], [0.4, 0.0, 0.6, 0.0],
    ...                     [0.9, 0.0, 0.0, 0.1]]])
    >>> table = vote_distribution_table(tables, ["lf_keyword"], ["ham", "spam", "other"])
    >>> table["spam"].to_dict("records")
    [{'abstain': 0.4, 'ham': 0.0, 'spam': 0.6, 'other': 0.0}]
    """
    shape = np.shape(conditional_probabilities)
    binary = len(shape) == 3 and shape[1:] == (2, 3)
    probabilities = (check_conditional_probabilities(conditional_probabilities) if binary
                     else check_class_tables(conditional_probabilities))
    n_lfs, k = probabilities.shape[:2]
    if lf_names is None:
        lf_names = [f"LF {i}" for i in range(n_lfs)]
    lf_names = [str(name) for name in lf_names]
    if len(lf_names) != n_lfs:
        raise ValueError(f"lf_names has {len(lf_names)} names for {n_lfs} LFs")
    if class_names is None:
        class_names = ("y = -1", "y = +1") if binary else [str(c) for c in range(k)]
    if (isinstance(class_names, str) or not isinstance(class_names, Sequence)
            or len(class_names) != k or not all(isinstance(name, str) for name in class_names)):
        raise TypeError(f"class_names must be {k} str, one per class, got {class_names!r}")
    votes = ["-1", "0 (abstain)", "+1"] if binary else ["abstain", *class_names]
    columns = pd.MultiIndex.from_product([list(class_names), votes], names=["class", "vote"])
    return pd.DataFrame(probabilities.reshape(n_lfs, -1), columns=columns,
                        index=pd.Index(lf_names, name="LF"))

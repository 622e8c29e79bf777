"""How many dev labels does a paired test need to see a difference between two predictors?

A practitioner decides on dev labels: keep a found dependency or not, this label
model or majority vote.  Whether a dev set of n points can see the difference is a
question of power, and it can be measured without the test set: on points whose gold
labels the method did not use (a labeled pool), draw n of them many times and count
how often the paired test (:func:`~dataprog_helpers.compare_predictions`'s exact
test) finds the difference at level alpha, in the right direction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..comparison import sign_flip_p_value
from ..utils.validation import check_labels, check_positive_int, check_real_in_range, check_seed
from .hand_labels import point_scores

__all__ = ["detection_rates"]


def detection_rates(y, pred_a, pred_b, sizes: Sequence[int], n_draws: int = 1000,
                    alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """How often n labeled points, drawn from a pool, show that a and b differ.

    Parameters
    ----------
    y : array-like of shape (n_pool,)
        Gold labels in {-1, +1} of the pool the dev points are drawn from.
    pred_a, pred_b : array-like of shape (n_pool,)
        The two predictors on the pool (a 0 counts half right, as in the test).
    sizes : sequence of int
        The dev-set sizes n to try, each at most the pool's size.
    n_draws : int, default 1000
        Dev sets drawn (without replacement) for each n.
    alpha : float, default 0.05
        The test's two-sided level.
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
        One row per n: ``detected`` (the share of draws where the paired test's p is
        below alpha and the difference has the pool's sign; 0 where a and b are
        equally accurate on the pool, which has no direction to detect), with its
        binomial ``standard error`` over the draws.

    Examples
    --------
    >>> import numpy as np
    >>> from dataprog_helpers.course.dev_labels import detection_rates
    >>> y = np.ones(1000, dtype=int)
    >>> a = np.where(np.arange(1000) < 950, 1, -1)   # right on 95%
    >>> b = np.where(np.arange(1000) < 850, 1, -1)   # right on 85%
    >>> detection_rates(y, a, b, sizes=[20, 400], n_draws=200)["detected"].round(1).tolist()
    [0.0, 1.0]
    """
    y = check_labels(y, "y")
    predictions = {"pred_a": np.asarray(pred_a), "pred_b": np.asarray(pred_b)}
    for name, value in predictions.items():
        if value.shape != y.shape:
            raise ValueError(f"{name} has shape {value.shape} but y has {y.shape}")
    differences = point_scores(y, predictions["pred_a"]) - point_scores(y, predictions["pred_b"])
    sign = np.sign(differences.sum())
    n_draws = check_positive_int(n_draws, "n_draws")
    alpha = check_real_in_range(alpha, "alpha", 0.0, 1.0, include_low=False, include_high=False)
    rng = np.random.default_rng(check_seed(seed))
    rows = {}
    for size in sizes:
        size = check_positive_int(size, "sizes", maximum=y.size)
        hits = 0
        for _ in range(n_draws):
            drawn = differences[rng.choice(y.size, size=size, replace=False)]
            hits += bool(sign != 0 and np.sign(drawn.sum()) == sign
                         and sign_flip_p_value(drawn) < alpha)
        rate = hits / n_draws
        rows[size] = {"detected": rate, "standard error": np.sqrt(rate * (1 - rate) / n_draws)}
    return pd.DataFrame(rows).T.rename_axis("dev labels")

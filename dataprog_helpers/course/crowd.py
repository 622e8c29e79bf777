"""Simulated annotators as labeling functions: Dawid and Skene's own setting.

Dawid and Skene (*Applied Statistics* 28, 1979) wrote the class-conditional model for
clinicians who each diagnosed some patients.  :func:`annotator_tables` states a crowd
of annotators by their skills and how often they label an item, as the vote tables
:func:`~dataprog_helpers.course.synthetic.sample_class_label_matrix` draws from, so
that notebook 10 and its solutions simulate the same crowd at any redundancy.
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_positive_int, check_real_in_range

__all__ = ["annotator_tables"]


def annotator_tables(skill, labelling_rate: float, cardinality: int) -> np.ndarray:
    """The vote tables of annotators of stated skill, shape (n_annotators, k, k + 1).

    Annotator i labels each item with probability ``labelling_rate``, whatever its
    class, and labels it rightly with probability ``skill[i]``; a wrong label falls
    evenly on the other k - 1 classes.  So ``[i, c, 0] = 1 - labelling_rate``, ``[i, c,
    c + 1] = labelling_rate * skill[i]`` and ``[i, c, v + 1] = labelling_rate * (1 -
    skill[i]) / (k - 1)`` for v != c.  A skill of 1 / k labels at random.

    Parameters
    ----------
    skill : array-like of shape (n_annotators,)
        Each annotator's probability of a right label, in [0, 1].
    labelling_rate : float in (0, 1]
        The probability that an annotator labels a given item.
    cardinality : int
        The number of classes k, at least 2.

    Examples
    --------
    >>> from dataprog_helpers.course.crowd import annotator_tables
    >>> annotator_tables([0.9], labelling_rate=0.5, cardinality=3)[0].round(3).tolist()
    [[0.5, 0.45, 0.025, 0.025], [0.5, 0.025, 0.45, 0.025], [0.5, 0.025, 0.025, 0.45]]
    """
    skill = np.asarray(skill, dtype=np.float64)
    if skill.ndim != 1 or skill.size == 0 or not np.all((skill >= 0) & (skill <= 1)):
        raise ValueError(f"skill must be a non-empty 1-D array of probabilities in [0, 1], "
                         f"got {skill!r}")
    rate = check_real_in_range(labelling_rate, "labelling_rate", 0.0, 1.0, include_low=False)
    k = check_positive_int(cardinality, "cardinality", minimum=2)
    tables = np.empty((skill.size, k, k + 1))
    tables[:, :, 0] = 1.0 - rate
    tables[:, :, 1:] = (rate * (1.0 - skill) / (k - 1))[:, None, None]
    tables[:, np.arange(k), np.arange(k) + 1] = (rate * skill)[:, None]
    return tables

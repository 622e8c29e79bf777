"""Simulated keyword LFs that break the label models' assumptions, for k classes.

Real keyword LFs on a multi-class text task (which kind of answer a question asks
for, say) are one-sided, cover some classes far better than others, and fire
together: two rules on the same cue word are both present or both absent.  The
conditionally independent model of
:func:`~dataprog_helpers.course.synthetic.sample_class_label_matrix` has none of
that.  :func:`sample_keyword_label_matrix` draws such votes, so that a label
model's fit can be measured where its assumptions fail, against majority vote and
the true labels.
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_positive_int, check_seed

__all__ = ["KEYWORD_CLASS_PRIOR", "KEYWORD_LFS", "sample_keyword_label_matrix",
           "sample_seldom_voted_label_matrix"]

#: Six classes: a rare one (2%), then shares like those of question types.
KEYWORD_CLASS_PRIOR = np.array([0.02, 0.23, 0.22, 0.22, 0.15, 0.16])

#: The 16 LFs as ``(class it votes, P(fires | its class), {other class: P(fires | it)})``;
#: on the classes not listed it fires on 0.5% of the points.  Class 1 is poorly
#: covered (its two best rules fire on 12% and 8% of its points) and attracts the
#: other classes' rules by mistake, as a catch-all class does.
KEYWORD_LFS = (
    (0, 0.55, {}), (0, 0.30, {1: 0.01}),
    (1, 0.12, {2: 0.04}), (1, 0.08, {4: 0.03}),
    (2, 0.45, {1: 0.15}), (2, 0.20, {1: 0.05, 0: 0.30}),
    (3, 0.60, {1: 0.03}), (3, 0.25, {}), (3, 0.15, {2: 0.02}),
    (4, 0.55, {1: 0.05}), (4, 0.20, {5: 0.02}),
    (5, 0.40, {1: 0.04}), (5, 0.30, {2: 0.02}), (5, 0.10, {4: 0.05}),
    (2, 0.10, {3: 0.05}), (1, 0.05, {5: 0.02}),
)

#: The share of each vote decided by the cue shared with the other rules for the
#: same class (the rest by a draw of its own): rules for one class fire together.
SHARED_CUE = 0.7


def sample_keyword_label_matrix(n: int, seed: int | None = None
                                ) -> tuple[np.ndarray, np.ndarray]:
    """Draw gold labels and the votes of 16 correlated one-sided keyword LFs (k = 6).

    Each point draws its class from ``KEYWORD_CLASS_PRIOR`` and, for every class t,
    one uniform cue ``u_t``.  LF i votes its class ``t_i`` when its own uniform is
    below its firing rate for the point's class (``KEYWORD_LFS``), where its
    uniform is the shared cue ``u_{t_i}`` with probability ``SHARED_CUE`` (0.7) and
    a fresh draw otherwise; otherwise it abstains.  So the rules for one class fire
    together far more often than independent LFs would.  About 42% of the points
    get no vote; the poorly covered class 1 is the largest share of them (about a
    third), the rare class 0 almost none.

    Parameters
    ----------
    n : int
        Number of points.
    seed : int or None
        Seed of ``np.random.default_rng``.

    Returns
    -------
    label_matrix : ndarray of int8, shape (n, 16)
        Votes in {-1 = abstain, 0, ..., 5}.
    y : ndarray of int64, shape (n,)
        Gold class indices.

    Examples
    --------
    >>> from dataprog_helpers.course.keyword_simulation import sample_keyword_label_matrix
    >>> label_matrix, y = sample_keyword_label_matrix(1000, seed=0)
    >>> label_matrix.shape, int(label_matrix.max())
    ((1000, 16), 5)
    """
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    k = KEYWORD_CLASS_PRIOR.size
    y = rng.choice(k, size=n, p=KEYWORD_CLASS_PRIOR)
    cues = rng.random((n, k))
    label_matrix = np.full((n, len(KEYWORD_LFS)), -1, dtype=np.int8)
    for lf, (target, hit, mistakes) in enumerate(KEYWORD_LFS):
        rates = np.full(k, 0.005)
        rates[target] = hit
        for other, rate in mistakes.items():
            rates[other] = rate
        draws = np.where(rng.random(n) < SHARED_CUE, cues[:, target], rng.random(n))
        label_matrix[draws < rates[y], lf] = target
    return label_matrix, y


def sample_seldom_voted_label_matrix(n: int, rate: float | None = None,
                                     seed: int | None = None
                                     ) -> tuple[np.ndarray, np.ndarray]:
    """Draw votes where one class is seldom voted for: 3 classes, independent LFs.

    The classes have prior (0.3, 0.3, 0.4).  Six LFs vote classes 0 and 1 (LF i votes
    class ``i mod 2``, on 40% of its class and 4% of the other two); class 2 has no LF
    (``rate=None``) or one that fires on ``rate`` of it and 2% of the rest.  So most
    points of class 2 get no vote, and the points without votes are the evidence for it.

    Parameters
    ----------
    n : int
    rate : float in (0, 1), or None
    seed : int or None

    Returns
    -------
    label_matrix : ndarray of int8, shape (n, 6) or (n, 7)
    y : ndarray of int64, shape (n,)
    """
    n = check_positive_int(n, "n")
    if rate is not None and not (isinstance(rate, float) and 0.0 < rate < 1.0):
        raise ValueError(f"rate must be None or a float in (0, 1), got {rate!r}")
    rng = np.random.default_rng(check_seed(seed, allow_none=True))
    y = rng.choice(3, size=n, p=[0.3, 0.3, 0.4])
    label_matrix = np.full((n, 6 if rate is None else 7), -1, dtype=np.int8)
    for lf in range(6):
        target = lf % 2
        label_matrix[rng.random(n) < np.where(y == target, 0.4, 0.04), lf] = target
    if rate is not None:
        label_matrix[rng.random(n) < np.where(y == 2, rate, 0.02), 6] = 2
    return label_matrix, y

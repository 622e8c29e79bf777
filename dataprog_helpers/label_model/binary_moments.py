"""The moment estimate of the two-class class-conditional model (``method="moments"``
or ``init="moments"``): the masked rank-one completion of the votes' covariance, and the
class prior from their third moments (the maths is in
:mod:`~dataprog_helpers.label_model.binary_fit`).

The completion takes the same diagonal-Newton steps as
:func:`~dataprog_helpers.label_model.rank_one.fit_rank_one`, which :class:`LabelModel`
runs in TensorFlow (its gradients are what the course shows).  Here they are written
out in NumPy (:func:`complete_rank_one`), so the class-conditional model, by EM or by
moments, needs no TensorFlow; a test checks that both give the same q.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from .binary_fit import BinaryFit
from .dependency_blocks import factor_positions, vote_digits
from .statistics import indicator_moments_of

__all__ = ["complete_rank_one", "moment_estimate", "third_moment_prior"]


def complete_rank_one(agreements: np.ndarray, mask: np.ndarray, initial: np.ndarray,
                      step_size: float, tol: float, max_iter: int, bound: float
                      ) -> tuple[np.ndarray, int, float]:
    """``min_g sum_ab mask_ab (C_ab - g_a g_b)^2`` by diagonal-Newton steps, in NumPy.

    Each step moves g by ``step_size`` times the gradient ``-4 sum_b mask_ab (C_ab -
    g_a g_b) g_b`` divided by the exact second derivative ``4 sum_b mask_ab g_b^2``
    in each coordinate, clipped to ``[-bound, bound]``, until no coordinate moves by
    more than ``tol`` or ``max_iter`` steps.  ``agreements`` and ``mask`` are
    symmetric, ``mask`` 0 on the diagonal.

    Returns
    -------
    (g, steps, largest change in the last step)
    """
    signal = np.array(initial, dtype=np.float64)
    change, steps = np.inf, 0
    while steps < max_iter and change > tol:
        residuals = mask * (agreements - np.outer(signal, signal))
        gradient = -4.0 * (residuals @ signal)
        curvature = 4.0 * (mask @ np.square(signal))
        new_signal = np.clip(signal - step_size * gradient / (curvature + 1e-12), -bound, bound)
        change = float(np.max(np.abs(new_signal - signal)))
        signal = new_signal
        steps += 1
    return signal, steps, change


def moment_estimate(fit: BinaryFit) -> tuple[list[np.ndarray], float, int, bool]:
    """The moment estimate (see :mod:`~.binary_fit`); factor tables are products of marginals."""
    model, n_lfs = fit.model, fit.n_lfs
    means, covariance = indicator_moments_of(fit.data.covote_counts(), fit.n_points)
    owner = np.tile(np.arange(n_lfs), 2)
    factor_of = np.empty(n_lfs, dtype=np.intp)
    for index, factor in enumerate(fit.factors):
        factor_of[list(factor.lfs)] = index
    mask = (factor_of[owner][:, None] != factor_of[owner][None, :]).astype(np.float64)
    initial = np.random.default_rng(model.seed).normal(0.0, 0.1, size=2 * n_lfs)
    signal, steps, change = complete_rank_one(covariance * mask, mask, initial, 0.5,
                                              float(model.tol), int(model.max_iter), 1.0)
    converged = bool(change <= model.tol)
    # Orient g so that the LFs point to the class they vote for (the final
    # orientation, with its warnings and dev labels, comes after the fit).
    if np.sum(signal[n_lfs:] - signal[:n_lfs]) < 0:
        signal = -signal
    if model.class_prior == "estimate":
        prior = third_moment_prior(fit, means, signal)
    else:
        prior = float(model.class_prior)
    difference = signal / np.sqrt(prior * (1.0 - prior))
    marginals = np.empty((n_lfs, 2, 3))
    for c, shift in ((1, 1.0 - prior), (0, -prior)):
        votes = np.clip(means + shift * difference, 0.0, 1.0)
        marginals[:, c, 0], marginals[:, c, 2] = votes[:n_lfs], votes[n_lfs:]
    marginals[:, :, 1] = np.clip(1.0 - marginals[:, :, 0] - marginals[:, :, 2], 0.0, 1.0)
    tables = []
    for factor in fit.factors:
        if len(factor.lfs) == 1:
            table = marginals[factor.lfs[0]]
        else:  # the group's LFs start independent given y
            table = np.ones((2, factor.n_outcomes))
            digits = vote_digits(len(factor.lfs))
            for position, lf in enumerate(factor.lfs):
                table = table * marginals[lf][:, digits[:, position]]
        tables.append(table)
    return fit.split(fit.normalised(fit.joined(tables))), prior, int(steps), converged

def third_moment_prior(fit: BinaryFit, means: np.ndarray, signal: np.ndarray) -> float:
    """pi from ``E[t_i t_j t_k] = (1 - 2 pi) / sqrt(pi (1 - pi)) |g_i|^2 |g_j|^2 |g_k|^2``.

    Averaged over all ordered triples of distinct factors, through the power
    sums ``P_r = sum_f T_f^r`` of the factors' terms ``T_f`` (the sum of ``t_i``
    over the factor's LFs): the sum over distinct triples is
    ``P_1^3 - 3 P_1 P_2 + 2 P_3``, and likewise for the |g|^2.
    """
    n_lfs = fit.n_lfs
    margin = fit.model.probability_margin
    # t_i for each of LF i's votes -1, 0, +1: g_i . (x_i - mu_i).
    terms = np.empty((n_lfs, 3))
    centred_sum = -(signal[:n_lfs] * means[:n_lfs] + signal[n_lfs:] * means[n_lfs:])
    terms[:, 0] = centred_sum + signal[:n_lfs]
    terms[:, 1] = centred_sum
    terms[:, 2] = centred_sum + signal[n_lfs:]
    strengths = signal[:n_lfs] ** 2 + signal[n_lfs:] ** 2
    strength_sums = np.zeros(3)
    all_block_sums = []
    for block in fit.blocks:
        digits = block.digits
        block_sums = np.zeros((3, digits.shape[0]))  # sum_f T_f^r for each code
        for position_start, factor in factor_positions(block, fit.factors):
            members = fit.factors[factor].lfs
            factor_terms = sum(terms[lf][digits[:, position_start + offset]]
                               for offset, lf in enumerate(members))
            factor_strength = float(strengths[list(members)].sum())
            for r in range(3):
                block_sums[r] += factor_terms ** (r + 1)
                strength_sums[r] += factor_strength ** (r + 1)
        all_block_sums.append(block_sums)
    observed = fit.data.third_moment_sum(all_block_sums) / fit.n_points
    s1, s2, s3 = strength_sums
    expected_per_kappa = s1**3 - 3.0 * s1 * s2 + 2.0 * s3
    if not expected_per_kappa > 1e-12:
        warn_at_caller(
            "the votes' third moments are too weak to estimate the class prior (fewer "
            "than three informative LFs); the moment estimate uses 0.5",
            IdentifiabilityWarning,
        )
        return 0.5
    kappa = observed / expected_per_kappa
    prior = 0.5 * (1.0 - kappa / np.sqrt(kappa**2 + 4.0))
    return float(np.clip(prior, margin, 1.0 - margin))

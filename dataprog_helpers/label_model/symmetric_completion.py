"""How :class:`~dataprog_helpers.label_model.LabelModel` finds q: the masked rank-one
completion of the agreements, whether its pairs identify q, the closed-form triplet
solution, and the class prior from the mean votes.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ..exceptions import ConvergenceWarning, IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.validation import check_label_matrix
from .base import check_fit_statistics
from .graphs import covote_groups
from .rank_one import fit_rank_one, signs_from_agreements
from .statistics import VoteStatistics, agreement_variance

__all__ = [
    "check_correlations",
    "check_identifiable",
    "completion_mask",
    "estimate_class_prior",
    "prior_from_mean_votes",
    "solve_correlations",
    "triplet_correlations",
]


def prior_from_mean_votes(mean_votes: np.ndarray, correlations: np.ndarray,
                           margin: float) -> float:
    """Least-squares fit of ``mean_votes = (2 pi - 1) q``; see :func:`estimate_class_prior`."""
    strength = float(np.sum(correlations**2))
    if strength == 0.0:
        return 0.5
    imbalance = float(np.dot(correlations, mean_votes)) / strength
    return float(np.clip((1.0 + imbalance) / 2.0, margin, 1.0 - margin))


def check_correlations(correlations, n_lfs: int) -> np.ndarray:
    correlations = np.asarray(correlations, dtype=np.float64)
    if correlations.shape != (n_lfs,):
        raise ValueError(f"correlations must have shape ({n_lfs},), got {correlations.shape}")
    return correlations


def estimate_class_prior(label_matrix, correlations, margin: float = 1e-3) -> float:
    """Estimate P(y = +1) from the LFs' mean votes and their correlations q.

    Under the label model, the mean vote of LF i over the points it votes on is
    ``E[lambda_i | LF i votes] = E[y] E[lambda_i y | votes] = (2 pi - 1) q_i``.
    The least-squares fit over the LFs gives ``2 pi - 1 = sum_i q_i m_i / sum_i q_i^2``
    with ``m_i`` the observed mean votes; the result is kept in ``[margin, 1 - margin]``.
    Returns 0.5 when every ``q_i`` is 0 (the votes then carry no information about y).
    """
    label_matrix = check_label_matrix(label_matrix)
    correlations = check_correlations(correlations, label_matrix.shape[1])
    mean_votes = VoteStatistics.from_label_matrix(label_matrix, patterns=False).mean_votes()
    if np.isnan(mean_votes).any():
        raise ValueError("every LF must vote at least once to estimate the class prior")
    return prior_from_mean_votes(mean_votes, correlations, margin)


def triplet_correlations(
    agreements: np.ndarray, mask: np.ndarray, counts: np.ndarray, bound: float
) -> np.ndarray:
    """Closed-form q from triplets of LFs, up to a global sign.

    For conditionally independent LFs, ``Z_ij Z_ik / Z_jk = q_i^2`` for every
    triplet of distinct LFs (the triplet method of the weak-supervision
    literature, e.g. Fu et al., *Fast and Three-rious*, ICML 2020).  A single
    triplet is fragile when ``Z_jk`` is near 0, so each ``q_i^2`` is the
    least-squares slope of ``Z_ij Z_ik`` on ``Z_jk`` over all usable triplets,

        q_i^2 = sum_{j,k} Z_ij Z_ik Z_jk / sum_{j,k} (Z_jk^2 - v_jk),

    a weighted average of the per-triplet ratios with weights ``Z_jk^2``: tiny,
    noisy denominators get tiny weight.  ``v_jk = (1 - Z_jk^2) / n_jk`` is the
    sampling variance of ``Z_jk`` (a mean of ``n_jk`` products of votes;
    :func:`~dataprog_helpers.label_model.statistics.agreement_variance`); without
    it the denominator would overstate ``(q_j q_k)^2`` by that much on average,
    which is more than the signal when pairs co-vote a few hundred times.  Both
    sums are diagonals of matrix products, so the cost is a few m x m matrix
    multiplications.  Signs come from :func:`signs_from_agreements`.  An LF
    whose pooled denominator is not positive gets q = 0, with an
    :class:`IdentifiabilityWarning`.

    Parameters
    ----------
    agreements : ndarray of shape (m, m)
        Z, any value where ``mask`` is 0.
    mask : ndarray of shape (m, m)
        1 for observed off-diagonal pairs used in the fit, 0 elsewhere.
    counts : ndarray of shape (m, m)
        Co-vote counts ``n_jk``.
    bound : float
        |q| is capped at ``bound``.

    Returns
    -------
    ndarray of shape (m,)

    Raises
    ------
    ValueError
        If an LF belongs to no triplet whose three pairs are all used.
    """
    masked = agreements * mask
    variances = mask * agreement_variance(masked, counts)
    numerators = np.sum((masked @ masked) * masked, axis=1)  # diag(A^3): A is symmetric
    denominators = np.sum((mask @ (masked**2 - variances)) * mask, axis=1)
    in_triangle = np.sum((mask @ mask) * mask, axis=1) > 0
    if not in_triangle.all():
        raise ValueError(
            f'method="triplet" needs every LF in a triangle of co-voting pairs; LF(s) '
            f"{np.flatnonzero(~in_triangle).tolist()} are in none (outside the declared "
            'dependencies); use method="gradient"'
        )
    undetermined = np.flatnonzero(denominators <= 0)
    if undetermined.size:
        warn_at_caller(
            f"the triplet estimate of LF(s) {undetermined.tolist()} is undetermined: their "
            "triplets' agreements are indistinguishable from sampling noise, so their "
            "accuracy is set to 0.5 (weight 0)",
            IdentifiabilityWarning,
        )
    squares = np.divide(numerators, denominators, out=np.zeros_like(numerators),
                        where=denominators > 0)
    magnitudes = np.sqrt(np.clip(squares, 0.0, bound**2))
    return magnitudes * signs_from_agreements(masked, magnitudes)


def completion_mask(
    agreements: np.ma.MaskedArray, dependencies: list[tuple[int, int]]
) -> np.ndarray:
    """1 on the observed off-diagonal pairs that inform q, 0 elsewhere, shape (n_lfs, n_lfs).

    A pair is left out (0) where it never co-votes (masked in ``agreements``), on
    the diagonal and where it is declared dependent.
    """
    mask = (~np.ma.getmaskarray(agreements)).astype(np.float64)
    np.fill_diagonal(mask, 0.0)
    for i, j in dependencies:
        mask[i, j] = mask[j, i] = 0.0
    return mask


def check_identifiable(
    statistics: VoteStatistics, mask: np.ndarray, dependencies: list
) -> None:
    """Raise a ``ValueError`` unless the pairs of ``mask`` determine q up to its sign.

    Every LF must vote, and co-vote with another LF outside ``dependencies``;
    the co-voting pairs must connect all LFs and contain an odd cycle
    (:func:`~dataprog_helpers.label_model.graphs.covote_groups`).
    """
    check_fit_statistics(statistics, "accuracies", "agreements", "accuracy")
    observed = mask > 0
    declared = " outside the declared dependencies" if dependencies else ""
    isolated = np.flatnonzero(~observed.any(axis=1))
    if isolated.size:
        raise ValueError(
            f"LF(s) {isolated.tolist()} never vote on a point together with another "
            f"LF{declared}, so their accuracy cannot be estimated from agreements"
        )
    groups = covote_groups(observed)
    if len(groups) > 1:
        described = "; ".join(str(members) for members, _ in groups)
        raise ValueError(
            f"the LFs form {len(groups)} groups that never vote on a common point"
            f"{declared} ({described}), so their accuracies cannot be related; "
            "fit each group separately"
        )
    if not groups[0][1]:
        raise ValueError(
            f"the pairs of LFs that vote together{declared} contain no odd cycle (such "
            "as three LFs that all co-vote pairwise), so the accuracies are not "
            "identifiable: scaling one side's q up and the other side's down fits the "
            "agreements equally well"
        )


def solve_correlations(model, agreements: np.ma.MaskedArray, mask: np.ndarray,
                       counts: np.ndarray) -> tuple[np.ndarray, int, bool, np.ndarray]:
    """q up to sign for a :class:`~.symmetric.LabelModel`'s parameters: the steps taken,
    whether they converged, and the loss history.

    ``method="triplet"`` in closed form (:func:`triplet_correlations`); else the
    compiled TensorFlow gradient steps of :func:`~.rank_one.fit_rank_one`.
    """
    bound = 1.0 - 2.0 * model.probability_margin
    if model.method == "triplet":
        values = agreements.filled(0.0)
        correlations = triplet_correlations(values, mask, counts, bound)
        residuals = mask * (values - np.outer(correlations, correlations))
        return correlations, 0, True, np.array([np.sum(residuals**2)])
    initial = np.random.default_rng(model.seed).uniform(0.1, 0.5, size=mask.shape[0])
    correlations, n_iter, change, losses = fit_rank_one(
        agreements=tf.constant(agreements.filled(0.0)),
        mask=tf.constant(mask),
        initial=tf.constant(initial),
        step_size=tf.constant(float(model.step_size), tf.float64),
        tol=tf.constant(float(model.tol), tf.float64),
        max_iter=tf.constant(int(model.max_iter), tf.int32),
        bound=tf.constant(bound, tf.float64),
    )
    converged = bool(change.numpy() <= model.tol)
    if not converged:
        warn_at_caller(
            f"LabelModel stopped after max_iter={model.max_iter} steps with the largest "
            f"step {float(change):.2e} above tol={model.tol:.0e}; increase max_iter",
            ConvergenceWarning,
        )
    return correlations.numpy(), int(n_iter), converged, losses.numpy()

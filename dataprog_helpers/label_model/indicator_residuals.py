"""Dependent LFs under the class-conditional model: residuals of the vote indicators' covariance.

Write ``x_a`` for the indicator of one vote of one LF (``a = (v, i)``: LF i voted
v, for v in {-1, +1}; 2m indicators in all).  If the LFs are conditionally
independent given y, the covariance of two indicators of *different* LFs is

    Cov(x_a, x_b) = E[Cov(x_a, x_b | y)] + Cov(E[x_a | y], E[x_b | y])
                  = 0 + pi (1 - pi) delta_a delta_b,

with ``delta_a = P(x_a = 1 | y = +1) - P(x_a = 1 | y = -1)``: outside each LF's
own 2 x 2 block the 2m x 2m covariance is rank one, ``C_ab = g_a g_b`` with
``g_a = sqrt(pi (1 - pi)) delta_a``.  No symmetry between the classes is
assumed, so abstentions that depend on the class (one-sided LFs) fit it as well
as two-sided votes.  This is the second-moment fact the class-conditional
model's moment estimate starts from (Anandkumar et al., *Tensor decompositions
for learning latent variable models*, JMLR 2014, on the rank of such moments).

A pair of dependent LFs (near-copies of one heuristic) breaks the rank-one
structure on its block: its residuals ``C_ab - g_a g_b``, over their standard
errors, are large.  The search (:func:`find_class_conditional_dependencies`)
works as :func:`~dataprog_helpers.find_dependencies` does for the symmetric
model: a robust first g, the pairs whose residuals exceed a Bonferroni
threshold, a weighted least-squares refit of g with those pairs left out, and
again until the flagged set stops changing.

Everything is computed from :meth:`VoteStatistics.indicator_moments`, sums over
rows, so streamed and merged statistics are searched the same way.
"""

from __future__ import annotations

import numpy as np

from .graphs import connected_groups, covote_groups
from .rank_one import signs_from_agreements
from .statistics import VoteStatistics

__all__ = ["find_class_conditional_dependencies"]

#: Most sweeps of the alternating least-squares refit (each one matrix-vector
#: product); it usually stops after a few dozen, when g changes by less than
#: ``COMPLETION_TOL``.
COMPLETION_SWEEPS = 500
COMPLETION_TOL = 1e-12


def _nested_median_effects(
    covariance: np.ndarray, errors: np.ndarray, informative: np.ndarray, variances: np.ndarray,
) -> np.ndarray:
    """A high-breakdown first estimate of g (up to a global sign).

    For indicators a, b, c of three different LFs, ``C_ab C_ac / C_bc = g_a^2``.
    A group of near-copies corrupts every ratio that involves two of its
    members, and for a member of a large group those are most of the triplets,
    so a plain median over triplets fails (a group of 4 among 10 LFs corrupts
    21 of a member's 36).  Here ``g_a^2`` is the median over partners b of the
    median over c: b's inner median is sound when most c are clean, and the
    outer median when most partners b are not a's copies.  Only denominators at
    least two standard errors from 0 are used.  Signs come from
    :func:`~dataprog_helpers.label_model.rank_one.signs_from_agreements`.
    """
    usable = informative & (np.abs(covariance) >= 2.0 * errors)
    squares = np.zeros(covariance.shape[0])
    for a in range(covariance.shape[0]):
        partners = np.flatnonzero(informative[a])
        if partners.size < 2:
            continue
        terms = usable[np.ix_(partners, partners)]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = (covariance[a, partners][:, None] * covariance[a, partners][None, :]
                      / covariance[np.ix_(partners, partners)])
        ratios = np.where(terms, ratios, np.nan)
        inner = ratios[terms.any(axis=1)]
        if inner.size:
            squares[a] = np.median(np.nanmedian(inner, axis=1))
    # g_a^2 = Cov(x_a, [y = +1])^2 / (pi (1 - pi)) is at most Var(x_a) (Cauchy-Schwarz).
    magnitudes = np.sqrt(np.clip(squares, 0.0, variances))
    return magnitudes * signs_from_agreements(np.where(informative, covariance, 0.0), magnitudes)


def _rank_one_completion(
    covariance: np.ndarray, errors: np.ndarray, kept: np.ndarray, effects: np.ndarray
) -> np.ndarray:
    """Weighted least squares ``sum_kept (C_ab - g_a g_b)^2 / se_ab^2``, by alternating sweeps.

    Each sweep sets every ``g_a`` to its least-squares value given the others,
    ``sum_b w_ab C_ab g_b / sum_b w_ab g_b^2``, from ``effects``.
    """
    weights = np.divide(1.0, errors**2, out=np.zeros_like(errors), where=kept)
    weighted = weights * covariance
    for _ in range(COMPLETION_SWEEPS):
        denominators = weights @ effects**2
        updated = np.where(denominators > 0.0,
                           weighted @ effects / np.where(denominators > 0.0, denominators, 1.0),
                           0.0)
        change = np.max(np.abs(updated - effects), initial=0.0)
        effects = updated
        if change < COMPLETION_TOL:
            break
    return effects


def _pair_scores(z: np.ndarray, n_lfs: int) -> np.ndarray:
    """The largest |z| in each pair of LFs' 2 x 2 block of indicators, shape (m, m)."""
    return np.abs(z).reshape(2, n_lfs, 2, n_lfs).max(axis=(0, 2))


def _kept_entries(informative: np.ndarray, pairs: list[tuple[int, int]], n_lfs: int
                  ) -> np.ndarray:
    """``informative`` without the blocks of ``pairs``."""
    kept = informative.reshape(2, n_lfs, 2, n_lfs).copy()
    for i, j in pairs:
        kept[:, i, :, j] = kept[:, j, :, i] = False
    return kept.reshape(2 * n_lfs, 2 * n_lfs)


def _largest_group(pairs: list[tuple[int, int]], n_lfs: int) -> int:
    """Size of the largest connected group of LFs that ``pairs`` join."""
    return max(len(group) for group in connected_groups(pairs, n_lfs))


def _still_identifiable(pairs: list[tuple[int, int]], n_lfs: int) -> bool:
    """Whether g is still pinned down (up to sign) with ``pairs`` left out.

    The pairs of LFs left must connect all LFs and contain an odd cycle, as for
    the symmetric model's ``q`` (:func:`~dataprog_helpers.label_model.graphs.covote_groups`).
    """
    kept = ~np.eye(n_lfs, dtype=bool)
    for i, j in pairs:
        kept[i, j] = kept[j, i] = False
    groups = covote_groups(kept)
    return len(groups) == 1 and groups[0][1]


def find_class_conditional_dependencies(
    statistics: VoteStatistics, threshold: float, max_rounds: int, max_group: int,
) -> tuple[list[tuple[int, int]], bool]:
    """Pairs of LFs whose indicator residuals exceed ``threshold`` standard errors.

    Parameters
    ----------
    statistics : VoteStatistics
    threshold : float
        The |z| above which a pair is flagged (any of its up to four indicator
        pairs).
    max_rounds : int
        Most refits.
    max_group : int
        A pair is not flagged when it would join more LFs than this into one
        group (the largest group :class:`ClassConditionalLabelModel` models
        jointly), nor when leaving it out would leave g unidentifiable.

    Returns
    -------
    pairs : list of (i, j) with i < j, most significant first
    converged : bool
        False when ``max_rounds`` ended the search with the flagged set still changing.
    """
    n_lfs, n_points = statistics.n_lfs, statistics.n_points
    means, covariance = statistics.indicator_moments()
    variances = means * (1.0 - means)
    # Standard error of a sample covariance of two independent indicators.
    errors = np.sqrt(np.outer(variances, variances) / n_points)
    owner = np.tile(np.arange(n_lfs), 2)
    informative = (owner[:, None] != owner[None, :]) & np.outer(variances > 0, variances > 0)
    effects = _nested_median_effects(covariance, errors, informative, variances)
    found: list[tuple[int, int]] | None = None  # None until the first refit
    refits = 0
    while True:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(informative, (covariance - np.outer(effects, effects)) / errors, 0.0)
        scores = _pair_scores(z, n_lfs)
        rows, columns = np.nonzero(np.triu(scores, k=1) > threshold)
        flagged: list[tuple[int, int]] = []
        for k in np.argsort(-scores[rows, columns], kind="stable"):
            pair = (int(rows[k]), int(columns[k]))
            if (_largest_group(flagged + [pair], n_lfs) <= max_group
                    and _still_identifiable(flagged + [pair], n_lfs)):
                flagged.append(pair)
        # The robust start's flags are always checked by at least one refit.
        if found is not None and set(flagged) == set(found):
            return flagged, True
        if refits == max_rounds:
            return flagged, False
        found = flagged
        effects = _rank_one_completion(
            covariance, errors, _kept_entries(informative, found, n_lfs), effects
        )
        refits += 1

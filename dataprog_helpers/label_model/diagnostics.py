"""Diagnostics: residuals of the symmetric label model, and the search for dependent LFs.

Under the symmetric model, ``Z_ij = q_i q_j`` for every pair of LFs that vote
together.  What a fit leaves unexplained, standardised by its sampling error,
points at pairs that are dependent given y (near-copies of one heuristic, say);
:func:`find_dependencies` turns that into a list of pairs to declare, for
:class:`~dataprog_helpers.LabelModel` or
:class:`~dataprog_helpers.ClassConditionalLabelModel`.  With
``model="class-conditional"`` it searches the residuals of the class-conditional
model instead (:mod:`~dataprog_helpers.label_model.indicator_residuals`), which
also see the dependencies of one-sided LFs.
"""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np

from ..exceptions import ConvergenceWarning, IdentifiabilityWarning
from ..utils.caller_warnings import warn_at_caller
from ..utils.validation import check_positive_int, check_real_in_range, check_seed
from .base import MIN_LFS
from .dependency_blocks import BLOCK_LFS
from .indicator_residuals import find_class_conditional_dependencies
from .rank_one import signs_from_agreements
from .statistics import VoteStatistics, agreement_variance
from .symmetric import LabelModel
from .symmetric_completion import check_correlations, check_identifiable, completion_mask

__all__ = ["find_dependencies", "standardized_residuals"]


def standardized_residuals(
    statistics: VoteStatistics, correlations: np.ndarray
) -> np.ma.MaskedArray:
    """Residuals ``Z_ij - q_i q_j`` divided by their standard errors under the model.

    ``Z_ij`` is a mean of ``n_ij`` products of votes in {-1, +1} with mean
    ``q_i q_j``, so its standard error is ``sqrt((1 - (q_i q_j)^2) / n_ij)``
    (:func:`~dataprog_helpers.label_model.statistics.agreement_variance`, with
    ``1 - (q_i q_j)^2`` kept above 1e-12).  Under the model each entry is
    roughly standard normal.

    Returns
    -------
    numpy.ma.MaskedArray of shape (n_lfs, n_lfs)
        Masked on the diagonal and for pairs that never vote together.
    """
    if not isinstance(statistics, VoteStatistics):
        raise TypeError(f"statistics must be a VoteStatistics, got {type(statistics).__name__}")
    correlations = check_correlations(correlations, statistics.n_lfs)
    agreements = statistics.agreements()
    expected = np.outer(correlations, correlations)
    variance = agreement_variance(expected, statistics.counts, floor=1e-12)
    return np.ma.MaskedArray(
        (agreements.filled(0.0) - expected) / np.sqrt(variance),
        mask=np.ma.getmaskarray(agreements) | np.eye(statistics.n_lfs, dtype=bool),
    )


def _median_triplet_correlations(statistics: VoteStatistics) -> np.ndarray:
    """A high-breakdown estimate of q (up to a global sign) for dependency search.

    A group of near-copies is the strongest pattern in Z, so a least-squares fit
    bends towards it (the copies look very accurate and their mutual residuals
    small).  Here ``q_i^2`` is the *median* over triplets of ``Z_ij Z_ik / Z_jk``,
    using only denominators at least two standard errors from 0: a triplet is
    corrupted only if it touches the group in the wrong places, and the median
    ignores a minority of corrupted triplets.  Signs come from
    :func:`signs_from_agreements`.
    """
    agreements = statistics.agreements()
    observed = ~np.ma.getmaskarray(agreements)
    np.fill_diagonal(observed, False)
    values = agreements.filled(0.0)
    # Two standard errors of Z_jk = 0: agreement_variance(0, n) = 1 / n, written as
    # 2 / sqrt(n) (which rounds differently from 2 sqrt(1 / n)).
    usable = observed & (np.abs(values) >= 2.0 / np.sqrt(np.maximum(statistics.counts, 1.0)))
    n_lfs = statistics.n_lfs
    squares = np.zeros(n_lfs)
    upper = np.triu(np.ones((n_lfs, n_lfs), dtype=bool), k=1)
    for i in range(n_lfs):
        triplets = usable & observed[i][:, None] & observed[i][None, :] & upper
        triplets[i, :] = triplets[:, i] = False
        j, k = np.nonzero(triplets)
        if j.size:
            squares[i] = np.median(values[i, j] * values[i, k] / values[j, k])
    magnitudes = np.sqrt(np.clip(squares, 0.0, 1.0))
    return magnitudes * signs_from_agreements(values, magnitudes)


#: The models :func:`find_dependencies` can search under.
DEPENDENCY_MODELS = ("symmetric", "class-conditional")


def find_dependencies(
    label_matrix, significance: float = 1e-3, seed: int = 0, max_rounds: int = 20,
    model: str = "symmetric",
) -> list[tuple[int, int]]:
    """Suggest dependent pairs of LFs from what a label model's fit leaves unexplained.

    With ``model="symmetric"`` (the default) the residuals are ``Z_ij - q_i q_j``
    of :class:`~dataprog_helpers.LabelModel`; with ``model="class-conditional"``
    they are those of the vote indicators' covariance under
    :class:`~dataprog_helpers.ClassConditionalLabelModel` (below).

    Under the symmetric model each residual is standardised
    (:func:`standardized_residuals`), and a pair is flagged when its |z| exceeds
    the Bonferroni threshold for ``n_lfs (n_lfs - 1) / 2`` two-sided tests at family-wise level
    ``significance``.  The first q comes from a robust estimate that a group of
    near-copies cannot bend (:func:`_median_triplet_correlations`); then the
    label model is refitted with the flagged pairs left out and the residuals
    recomputed, until the flagged set stops changing.  A pair whose removal
    would make the accuracies unidentifiable is not flagged.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
    significance : float in (0, 1), default 1e-3
        Nominal chance that LFs which are truly conditionally independent yield
        any pair at all.  The real rate is higher, because the first round's
        robust q is noisier (and biased towards 0) than a least-squares fit;
        ``benchmarks/dependency_search.py`` measures the rate (see the README).
    seed : int, default 0
        Seed of the label model refits (the class-conditional search is
        deterministic and does not use it).
    max_rounds : int, default 20
        Most refits.
    model : {"symmetric", "class-conditional"}, default "symmetric"
        The label model whose residuals are searched.

    Returns
    -------
    list of (i, j) with i < j, most significant first.

    Notes
    -----
    The symmetric search lives under ``Z = q q^T``, so it sees only
    dependencies that bend the agreements.  On one-sided LFs, whose agreements
    are all +-1 whatever their dependencies, it finds none, even where copies
    of one LF make :class:`ClassConditionalLabelModel` much worse.  Exact copies
    on two-sided LFs (correlation 1) mislead it too: it flags the copies' pairs
    with other LFs.

    The class-conditional search (:mod:`~dataprog_helpers.label_model.indicator_residuals`)
    needs no symmetry: for indicators of two different LFs' votes, conditional
    independence makes the covariance rank one, ``Cov(x_a, x_b) = g_a g_b``,
    whether or not the LFs abstain depending on the class.  A pair is flagged
    when any of its (up to four) indicator residuals exceeds the Bonferroni
    threshold for ``2 n_lfs (n_lfs - 1)`` two-sided tests; g starts from a
    nested median over triplets, then is refitted by weighted least squares with
    the flagged pairs left out.  A pair is not flagged when it would join more
    than 8 LFs into one group (the largest the model fits jointly).
    ``benchmarks/dependency_search.py`` measures both searches on notebook 0's
    explorer with near-copies and on the leaderboard's real LF sets (the
    README has the numbers): where they fail, on weak two-sided LFs or exact
    copies, they add pairs of other LFs.  The flags are suggestions, and on
    real LFs declaring them can cost accuracy: compare the fits with and
    without the pairs on dev labels before keeping them.
    """
    if not isinstance(model, str) or model not in DEPENDENCY_MODELS:
        raise ValueError(f"model must be one of {DEPENDENCY_MODELS}, got {model!r}")
    statistics = VoteStatistics.from_label_matrix(
        label_matrix, patterns=model == "class-conditional"
    )
    significance = check_real_in_range(
        significance, "significance", 0.0, 1.0, include_low=False, include_high=False
    )
    check_seed(seed)
    max_rounds = check_positive_int(max_rounds, "max_rounds")
    n_lfs = statistics.n_lfs
    if n_lfs < MIN_LFS:
        raise ValueError(
            f"label_matrix has {n_lfs} LFs; dependencies can be tested only with at least "
            f"{MIN_LFS}"
        )
    if model == "class-conditional":
        threshold = NormalDist().inv_cdf(1.0 - significance / (4 * n_lfs * (n_lfs - 1)))
        found, converged = find_class_conditional_dependencies(
            statistics, threshold, max_rounds, BLOCK_LFS
        )
        if not converged:
            _warn_max_rounds(max_rounds)
        return found
    threshold = NormalDist().inv_cdf(1.0 - significance / (n_lfs * (n_lfs - 1)))
    agreements = statistics.agreements()
    correlations = _median_triplet_correlations(statistics)
    found: list[tuple[int, int]] = []
    for _ in range(max_rounds):
        z = np.abs(standardized_residuals(statistics, correlations)).filled(0.0)
        rows, columns = np.nonzero(np.triu(z, k=1) > threshold)
        flagged = []
        for k in np.argsort(-z[rows, columns], kind="stable"):
            pair = (int(rows[k]), int(columns[k]))
            try:  # leaving the pair out must keep the model identifiable
                check_identifiable(
                    statistics, completion_mask(agreements, flagged + [pair]), [pair]
                )
            except ValueError:
                continue
            flagged.append(pair)
        if set(flagged) == set(found):
            break
        found = flagged
        with warnings.catch_warnings():
            # Residuals depend on q q^T only, so the sign of q does not matter here.
            warnings.simplefilter("ignore", IdentifiabilityWarning)
            model = LabelModel(seed=seed, dependencies=found).fit_statistics(statistics)
        correlations = model.correlations_
    else:
        _warn_max_rounds(max_rounds)
    return found


def _warn_max_rounds(max_rounds: int) -> None:
    warn_at_caller(
        f"find_dependencies stopped after max_rounds={max_rounds} refits with the flagged "
        "set still changing; the pairs returned are those of the last round",
        ConvergenceWarning,
    )

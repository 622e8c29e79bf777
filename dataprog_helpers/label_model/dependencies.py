"""Dependent labeling functions: declared pairs, their joint votes, and the posterior term.

The label model assumes LFs are conditionally independent given y.  Near-copies
of one heuristic break that: they agree far more than ``Z_ij = q_i q_j`` says,
and a posterior that multiplies their likelihoods counts one piece of evidence
several times.  When a pair (i, j) is declared dependent, the fit leaves Z_ij out
and the posterior uses the pair's *joint* vote distribution instead of the
product of its marginals.

The joint distribution is identified by three numbers.  Write a_i = lambda_i y
(+1 when LF i is right) for a point where both LFs vote.  Under the model's
other assumptions (accuracy does not depend on y), ``E[a_i] = q_i``,
``E[a_j] = q_j`` and ``E[a_i a_j] = E[lambda_i lambda_j] = Z_ij``, and a
distribution on {-1, +1}^2 is fixed by its means and its product moment:

    P(a_i = s, a_j = t) = (1 + s q_i + t q_j + s t Z_ij) / 4.

A group of more than two dependent LFs is approximated by a tree of pairs (Chow
and Liu, 1968: the maximum spanning tree by mutual information is the best tree
approximation of a joint distribution in Kullback-Leibler divergence), so that each
LF is linked to its group once and the group is not counted as independent evidence.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from ..utils.validation import check_label_matrix
from .base import log_odds_weights
from .graphs import spanning_forest

__all__ = [
    "group_log_odds",
    "vote_codes",
    "check_dependencies",
    "dependency_forest",
    "dependency_log_odds",
    "pair_joint",
]


def check_dependencies(dependencies: Iterable | None, n_lfs: int) -> list[tuple[int, int]]:
    """Validate declared dependent pairs; return them sorted as ``(i, j)`` with i < j.

    Raises
    ------
    TypeError
        If ``dependencies`` is not an iterable of pairs of integers.
    ValueError
        If a pair does not have two entries, refers to an LF outside
        ``[0, n_lfs)``, or pairs an LF with itself (the diagonal).
    """
    if dependencies is None:
        return []
    if isinstance(dependencies, (str, bytes)) or not isinstance(dependencies, Iterable):
        raise TypeError(
            f"dependencies must be a list of (i, j) pairs of LF indices, got {dependencies!r}"
        )
    pairs = set()
    for pair in dependencies:
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Iterable):
            raise TypeError(f"each entry of dependencies must be a pair (i, j), got {pair!r}")
        pair = tuple(pair)
        if len(pair) != 2:
            raise ValueError(f"each entry of dependencies must be a pair (i, j), got {pair!r}")
        for index in pair:
            if isinstance(index, bool) or not isinstance(index, numbers.Integral):
                raise TypeError(
                    f"dependencies pair {pair!r} must hold integer LF indices, got {index!r}"
                )
            if not 0 <= index < n_lfs:
                raise ValueError(
                    f"dependencies pair {pair!r} refers to LF {index}, but there are "
                    f"{n_lfs} LFs (indices 0 to {n_lfs - 1})"
                )
        i, j = int(pair[0]), int(pair[1])
        if i == j:
            raise ValueError(
                f"dependencies pair {pair!r} is on the diagonal: an LF cannot be declared "
                "dependent on itself"
            )
        pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def pair_joint(q_i: float, q_j: float, z_ij: float, floor: float) -> np.ndarray:
    """Joint distribution of (a_i, a_j) on {-1, +1}^2 as a 2 x 2 array.

    Entry ``[(s + 1) // 2, (t + 1) // 2]`` is ``P(a_i = s, a_j = t) =
    (1 + s q_i + t q_j + s t z_ij) / 4``.  Estimated moments can make an entry
    zero or negative; every entry is raised to at least ``floor`` and the table
    renormalised, so that every log-probability is finite.
    """
    signs = np.array([-1.0, 1.0])
    joint = (1.0 + signs[:, None] * q_i + signs[None, :] * q_j
             + np.outer(signs, signs) * z_ij) / 4.0
    joint = np.maximum(joint, floor)
    return joint / joint.sum()


def _mutual_information(joint: np.ndarray) -> float:
    """Mutual information (nats) of a 2 x 2 joint distribution with positive entries."""
    independent = np.outer(joint.sum(axis=1), joint.sum(axis=0))
    return float(np.sum(joint * np.log(joint / independent)))


def dependency_forest(
    pairs: list[tuple[int, int]], correlations: np.ndarray, agreements: np.ma.MaskedArray,
    floor: float,
) -> list[tuple[int, int]]:
    """The declared pairs the posterior uses: a maximum spanning forest by mutual information.

    Pairs that never vote together are dropped (their joint votes never occur).
    Where the declared pairs form a cycle, the weakest links are left out, so
    that each group of dependent LFs becomes a tree (Kruskal's algorithm,
    :func:`~dataprog_helpers.label_model.graphs.spanning_forest`; equal mutual
    informations are ranked by the pair).

    Returns
    -------
    list of (i, j), sorted
    """
    observed = ~np.ma.getmaskarray(agreements)
    scored = []
    for i, j in pairs:
        if observed[i, j]:
            joint = pair_joint(correlations[i], correlations[j], agreements[i, j], floor)
            scored.append((-_mutual_information(joint), i, j))
    return spanning_forest([(i, j) for _, i, j in sorted(scored)], len(correlations))


def dependency_log_odds(
    label_matrix, correlations, agreements: np.ma.MaskedArray, edges: list[tuple[int, int]],
    floor: float,
) -> np.ndarray:
    """What the dependent pairs change in the posterior log-odds, shape (n_points,).

    For each edge (i, j) and each point where both LFs vote, the independent
    terms ``w_i lambda_i + w_j lambda_j`` are replaced by the pair's joint
    log-likelihood ratio

        log P(a = (lambda_i, lambda_j)) - log P(a = (-lambda_i, -lambda_j)),

    (given y = +1 the correctness vector a equals the votes, given y = -1 their
    negation).  Over a tree of pairs this gives the tree's exact log-likelihood
    ratio: ``sum_i w_i lambda_i + sum_edges (pair term - w_i lambda_i - w_j lambda_j)``.
    Five exact copies of one LF, joined in a tree, then count once.  Where an LF
    of the tree abstains, the edges through it get no term, so the LFs it
    linked are treated as independent (exact for the near-copies of one source,
    whose tree is a star that votes as a whole; an approximation otherwise).
    """
    label_matrix = check_label_matrix(label_matrix)
    correlations = np.asarray(correlations, dtype=np.float64)
    weights = log_odds_weights((1.0 + correlations) / 2.0)
    signs = np.array([-1.0, 1.0])
    correction = np.zeros(label_matrix.shape[0])
    for i, j in edges:
        joint = pair_joint(correlations[i], correlations[j], agreements[i, j], floor)
        # table[s, t] for votes (s, t) in {-1, +1}^2: joint log-ratio minus independent terms.
        table = (np.log(joint) - np.log(joint[::-1, ::-1])
                 - weights[i] * signs[:, None] - weights[j] * signs[None, :])
        votes_i, votes_j = label_matrix[:, i], label_matrix[:, j]
        both = np.flatnonzero((votes_i != 0) & (votes_j != 0))
        correction[both] += table[(votes_i[both] + 1) // 2, (votes_j[both] + 1) // 2]
    return correction


def vote_codes(votes: np.ndarray, lfs: list[int]) -> np.ndarray:
    """The code ``sum_d (v_d + 1) 3^d`` of each row's votes by ``lfs``, shape (n_rows,)."""
    # Horner's scheme, last digit first, in int16 (twice as fast as int64): codes of
    # at most 9 LFs are below 3**9 = 19683.
    codes = np.zeros(votes.shape[0], dtype=np.int16)
    for lf in reversed(lfs):
        codes *= 3
        codes += votes[:, lf]
        codes += 1
    return codes.astype(np.intp)


def group_log_odds(
    label_matrix: np.ndarray, vote_log_ratios: np.ndarray,
    joint_probabilities: dict[tuple[int, ...], np.ndarray],
) -> np.ndarray:
    """What dependency groups change in the posterior log-odds, shape (n_points,).

    For each group G with joint vote table ``P(lambda_G = v | y = c)`` (shape
    (2, 3**|G|), indexed by :func:`vote_codes`), the group's joint log-ratio
    ``log P(lambda_G | y = +1) - log P(lambda_G | y = -1)`` replaces the sum of
    its members' marginal terms ``T_i[lambda_i]`` (``vote_log_ratios``, shape
    (n_lfs, 3)).  The class-conditional model's posterior with declared groups.
    """
    correction = np.zeros(label_matrix.shape[0])
    for lfs, table in joint_probabilities.items():
        joint = np.log(table[1]) - np.log(table[0])
        correction += joint[vote_codes(label_matrix, list(lfs))]
        for lf in lfs:
            correction -= vote_log_ratios[lf][label_matrix[:, lf] + 1]
    return correction

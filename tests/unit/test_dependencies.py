"""Tests of dataprog_helpers.dependencies: declared dependent pairs and their joint votes."""

import itertools

import numpy as np
import pytest

from dataprog_helpers import LabelModel
from dataprog_helpers.label_model import log_odds_weights
from dataprog_helpers.label_model.dependencies import (
    check_dependencies,
    dependency_forest,
    dependency_log_odds,
    pair_joint,
)

#: The floor LabelModel gives the joint tables: probability_margin ** 2 with the default margin.
FLOOR = 1e-6


def _connects(edges, nodes) -> bool:
    """Whether ``edges`` join all of ``nodes`` into one component (a breadth-first search)."""
    nodes = set(nodes)
    reached, frontier = set(), [min(nodes)]
    while frontier:
        node = frontier.pop()
        if node in reached:
            continue
        reached.add(node)
        frontier += [j for i, j in edges if i == node] + [i for i, j in edges if j == node]
    return reached == nodes


# --- pair_joint ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q_i", "q_j", "z_ij"),
    [(0.3, -0.2, 0.1), (0.5, 0.5, 0.25), (0.6, 0.4, 0.5), (-0.4, 0.2, -0.3)],
    ids=["mixed-signs", "independent", "dependent", "both-negative-z"],
)
def test_pair_joint_is_a_distribution_with_marginals_one_plus_s_q_over_two(q_i, q_j, z_ij):
    # Every cell (1 + s q_i + t q_j + s t z) / 4 is positive for these moments, so the floor
    # is not hit and the table is the exact moment-matched distribution.
    joint = pair_joint(q_i, q_j, z_ij, FLOOR)
    signs = np.array([-1.0, 1.0])
    assert joint.shape == (2, 2)
    assert np.all(joint > FLOOR)
    assert joint.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(joint.sum(axis=1), (1 + signs * q_i) / 2, atol=1e-15)
    np.testing.assert_allclose(joint.sum(axis=0), (1 + signs * q_j) / 2, atol=1e-15)
    # The product moment E[a_i a_j] = sum_st s t P(s, t) is z_ij.
    assert np.sum(np.outer(signs, signs) * joint) == pytest.approx(z_ij, abs=1e-15)
    if z_ij == q_i * q_j:  # independent pair: the table is the product of its marginals
        np.testing.assert_allclose(joint, np.outer(joint.sum(axis=1), joint.sum(axis=0)))


def test_pair_joint_raises_impossible_cells_to_the_floor_and_renormalises():
    # Exact copies (z = 1) never disagree: the off-diagonal cells are 0 before the floor.
    p, floor = 0.75, 1e-3
    joint = pair_joint(0.5, 0.5, 1.0, floor)
    expected = np.array([[1 - p, floor], [floor, p]]) / (1 + 2 * floor)
    np.testing.assert_allclose(joint, expected, rtol=1e-15)
    # Estimated moments can make a cell negative: (1 - 0.9 - 0.9 - 0.5) / 4 < 0 for
    # (s, t) = (-1, +1) here.  It is raised to the floor too, the others kept, then all
    # renormalised.
    joint = pair_joint(0.9, -0.9, 0.5, floor)
    raw = np.array([[0.375, floor], [0.575, 0.375]])
    np.testing.assert_allclose(joint, raw / raw.sum(), rtol=1e-15)


# --- dependency_log_odds ------------------------------------------------------------------------


def test_dependency_log_odds_counts_two_exact_copies_once():
    # Two exact copies of an LF with p = 3/4 (q = 1/2, Z = 1).  Independently their two
    # +1 votes would add 2 log 3; jointly, P(votes | y = +1) / P(votes | y = -1) =
    # P(a = (+1, +1)) / P(a = (-1, -1)) = p / (1 - p): one vote's weight, log 3.
    q, p = 0.5, 0.75
    weight = np.log(p / (1 - p))
    agreements = np.ma.MaskedArray(np.ones((2, 2)), mask=np.zeros((2, 2), dtype=bool))
    votes = np.array([[1, 1], [-1, -1], [1, 0], [0, -1], [1, -1], [0, 0]], dtype=np.int8)
    correction = dependency_log_odds(votes, [q, q], agreements, [(0, 1)], FLOOR)
    independent = votes @ log_odds_weights([p, p])
    # Rows: both +1 -> w; both -1 -> -w; one vote -> unchanged; a disagreement between
    # exact copies is symmetric -> 0; no vote -> 0.
    np.testing.assert_allclose(independent + correction, [weight, -weight, weight, -weight, 0, 0],
                               rtol=0, atol=1e-12)
    np.testing.assert_array_equal(correction[2:4], 0.0)


def test_dependency_log_odds_of_an_independent_pair_is_zero():
    # With Z = q_i q_j the joint table is the product of the marginals: nothing changes.
    q = np.array([0.6, -0.2])
    agreements = np.ma.MaskedArray(np.array([[1.0, q[0] * q[1]], [q[0] * q[1], 1.0]]))
    votes = np.array(list(itertools.product([-1, 0, 1], repeat=2)), dtype=np.int8)
    correction = dependency_log_odds(votes, q, agreements, [(0, 1)], FLOOR)
    np.testing.assert_allclose(correction, 0.0, atol=1e-12)


def test_label_model_with_a_declared_exact_copy_counts_its_vote_once(exact_label_matrix):
    # LF 4 is an exact copy of LF 0 (accuracy 3/4).  Declared dependent, the pair leaves
    # the fit (the rest is exactly rank one, so q is recovered to ~1e-7, as in
    # test_label_model) and a point where only the pair votes, both +1, gets one
    # weight log 3 of log-odds, not two.  dw/dp = 1 / (p (1 - p)) = 5.3 turns the
    # 1e-7 accuracy error into < 1e-6.
    numerators = [6, 5, 7, 6]
    base = exact_label_matrix(numerators, 8)
    L = np.hstack([base, base[:, :1]])
    declared = LabelModel(dependencies=[(0, 4)]).fit(L)
    np.testing.assert_allclose(declared.accuracies_, np.array([*numerators, 6]) / 8, atol=1e-7)
    assert declared.dependency_edges_ == [(0, 4)]
    votes = np.array([[1, 0, 0, 0, 1], [-1, 0, 0, 0, -1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    log3 = np.log(3)
    np.testing.assert_allclose(declared.decision_function(votes), [log3, -log3, log3, 0],
                               rtol=0, atol=1e-6)
    # Without the declaration both votes count: the naive log-odds of the pair's +1 votes
    # is its two weights, each over-trusted (Z_04 = 1 pulls q_0 q_4 up), so above log 3 each.
    naive = LabelModel().fit(L)
    assert naive.decision_function(votes)[0] == pytest.approx(
        naive.weights_[0] + naive.weights_[4], rel=1e-12
    )
    assert naive.decision_function(votes)[0] > 1.5 * log3


# --- dependency_forest ---------------------------------------------------------------------------


def _agreements(values):
    values = np.array(values, dtype=np.float64)
    return np.ma.masked_invalid(values)


def test_dependency_forest_drops_the_weakest_link_of_a_declared_triangle():
    # q = 0.5 for all three; independence would be Z = 0.25.  The pairs' dependence (and
    # mutual information) grows with Z: (0, 1) at 0.9 and (0, 2) at 0.8 are kept, and
    # (1, 2) at 0.5, which would close a cycle, is dropped.
    q = np.array([0.5, 0.5, 0.5])
    Z = _agreements([[1, 0.9, 0.8], [0.9, 1, 0.5], [0.8, 0.5, 1]])
    triangle = [(0, 1), (0, 2), (1, 2)]
    assert dependency_forest(triangle, q, Z, FLOOR) == [(0, 1), (0, 2)]
    Z = _agreements([[1, 0.5, 0.8], [0.5, 1, 0.9], [0.8, 0.9, 1]])
    assert dependency_forest(triangle, q, Z, FLOOR) == [(0, 2), (1, 2)]


def test_dependency_forest_drops_pairs_that_never_vote_together():
    q = np.array([0.5, 0.5, 0.5, 0.5])
    Z = _agreements([[1, 0.9, np.nan, 0.3], [0.9, 1, 0.3, 0.3], [np.nan, 0.3, 1, 0.8],
                     [0.3, 0.3, 0.8, 1]])
    assert dependency_forest([(0, 1), (0, 2), (2, 3)], q, Z, FLOOR) == [(0, 1), (2, 3)]


@pytest.mark.statistical
def test_declared_group_of_near_copies_is_joined_by_a_spanning_tree(near_copy_run):
    for seed in range(5):
        run = near_copy_run(seed)
        edges = run.declared.dependency_edges_
        assert run.declared.dependencies_ == run.pairs
        # A tree on the 6 LFs of the group: 5 of the declared pairs, connecting all of them.
        assert len(edges) == len(run.group) - 1 == 5
        assert set(edges) <= set(run.pairs)
        assert _connects(edges, run.group)
        assert run.naive.dependency_edges_ == [] and run.naive.dependencies_ == []


# --- check_dependencies and validation through LabelModel ----------------------------------------


def test_check_dependencies_sorts_orients_and_deduplicates_pairs():
    pairs = [(3, 1), (1, 3), (0, 2), np.array([2, 1]), (np.int64(0), np.int32(3))]
    assert check_dependencies(pairs, 4) == [(0, 2), (0, 3), (1, 2), (1, 3)]
    assert check_dependencies(None, 4) == []
    assert check_dependencies([], 4) == []


@pytest.mark.parametrize(
    ("dependencies", "error", "pattern"),
    [
        ([(0, 4)], ValueError,
         r"pair \(0, 4\) refers to LF 4, but there are 4 LFs \(indices 0 to 3\)"),
        ([(-1, 2)], ValueError, r"pair \(-1, 2\) refers to LF -1, but there are 4 LFs"),
        ([(2, 2)], ValueError, r"pair \(2, 2\) is on the diagonal"),
        ([(0.0, 1)], TypeError, r"pair \(0.0, 1\) must hold integer LF indices, got 0.0"),
        ([(0, 1.5)], TypeError, r"must hold integer LF indices, got 1.5"),
        ([(True, 1)], TypeError, r"must hold integer LF indices, got True"),
        ([(0, 1, 2)], ValueError,
         r"each entry of dependencies must be a pair \(i, j\), got \(0, 1, 2\)"),
        ([(0,)], ValueError, r"each entry of dependencies must be a pair"),
        ("01", TypeError,
         r"dependencies must be a list of \(i, j\) pairs of LF indices, got '01'"),
        (3, TypeError, r"The 'dependencies' parameter of LabelModel must be None or an "
                       r"instance of 'collections.abc.Iterable'"),
        (["01"], TypeError, r"each entry of dependencies must be a pair \(i, j\), got '01'"),
        ([1, 2], TypeError, r"each entry of dependencies must be a pair \(i, j\), got 1"),
    ],
    ids=["beyond-last", "negative", "diagonal", "float-index", "fractional-index", "bool-index",
         "triple", "single", "string", "integer", "string-pair", "flat-list"],
)
def test_label_model_rejects_bad_dependencies(exact_label_matrix, dependencies, error, pattern):
    L = exact_label_matrix([3, 3, 3, 3], 4)
    with pytest.raises(error, match=pattern):
        LabelModel(dependencies=dependencies).fit(L)


@pytest.mark.parametrize(
    ("dependencies", "pattern"),
    [
        ([(0, 3), (1, 3), (2, 3)],
         r"LF\(s\) \[3\] never vote on a point together with another LF outside the declared "
         r"dependencies"),
        ([(0, 1), (2, 3)],
         r"the pairs of LFs that vote together outside the declared dependencies contain no "
         r"odd cycle"),
    ],
    ids=["isolated-lf", "bipartite-rest"],
)
def test_label_model_rejects_dependencies_that_leave_accuracies_unidentifiable(
    exact_label_matrix, dependencies, pattern
):
    # Four LFs that all co-vote.  Declaring every pair of LF 3 leaves it no partner; declaring
    # (0, 1) and (2, 3) leaves the 4-cycle 0-2-1-3, which is bipartite.
    L = exact_label_matrix([3, 3, 3, 3], 4)
    with pytest.raises(ValueError, match=pattern):
        LabelModel(dependencies=dependencies).fit(L)

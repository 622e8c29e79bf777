"""Graphs of LFs: who votes with whom, which LFs a dependency joins, a spanning forest.

The label models meet three graph questions, each answered with
:mod:`scipy.sparse.csgraph`:

- can the accuracies be identified from the agreements?  Only within a
  connected group of LFs that co-vote, and only if that group's graph has an odd
  cycle (:func:`covote_groups`);
- which LFs do the declared dependent pairs join into one group
  (:func:`connected_groups`)?
- which of the declared pairs does the posterior use, so that each group is a
  tree (:func:`spanning_forest`, Kruskal's algorithm)?
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse
from scipy.sparse import csgraph

__all__ = ["connected_groups", "covote_groups", "spanning_forest"]


def _graph(pairs: Iterable[tuple[int, int]], n_nodes: int) -> scipy.sparse.csr_array:
    """The undirected graph of ``pairs`` on ``n_nodes`` nodes, as a sparse matrix."""
    edges = np.array(list(pairs), dtype=np.intp).reshape(-1, 2)
    return scipy.sparse.csr_array((np.ones(edges.shape[0]), (edges[:, 0], edges[:, 1])),
                                  shape=(n_nodes, n_nodes))


def _components(graph, n_nodes: int) -> list[list[int]]:
    """The connected components, each sorted, sorted by their first node."""
    _, labels = csgraph.connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for node in range(n_nodes):
        groups.setdefault(int(labels[node]), []).append(node)
    return sorted(groups.values())


def connected_groups(pairs: Iterable[tuple[int, int]], n_lfs: int) -> list[list[int]]:
    """The groups of LFs that ``pairs`` connect (an LF in no pair is a group of one).

    Each group is sorted, and the groups are sorted by their first LF.
    """
    return _components(_graph(pairs, n_lfs), n_lfs)


def covote_groups(observed: np.ndarray) -> list[tuple[list[int], bool]]:
    """Connected groups of the co-vote graph, each with whether it has an odd cycle.

    ``observed[i, j]`` says LFs i and j vote together on some point (i != j).  Within
    a group, Z_ij = q_i q_j pins q down (up to sign) only if the group's graph has
    an odd cycle: a bipartite group with sides A and B fits equally well with
    q_A * c and q_B / c for any c > 0.  A graph has an odd cycle exactly when
    the parity of the breadth-first depth (a two-colouring) fails on some edge.
    """
    observed = np.asarray(observed, dtype=bool)
    n_lfs = observed.shape[0]
    graph = scipy.sparse.csr_array(observed.astype(np.float64))
    groups = []
    for members in _components(graph, n_lfs):
        order, predecessors = csgraph.breadth_first_order(
            graph, members[0], directed=False, return_predecessors=True)
        depth = np.zeros(n_lfs, dtype=np.intp)
        for node in order[1:]:  # breadth-first: a node's predecessor comes before it
            depth[node] = depth[predecessors[node]] + 1
        colour = depth[members] % 2
        within = observed[np.ix_(members, members)]
        groups.append((members, bool(np.any(within & (colour[:, None] == colour[None, :])))))
    return groups


def spanning_forest(ranked_edges: list[tuple[int, int]], n_nodes: int) -> list[tuple[int, int]]:
    """Kruskal's spanning forest of the edges, taking them in the order given.

    The first edge is the most wanted: the result is the maximum spanning forest
    when the edges are ranked by decreasing weight.  Their ranks are passed to
    :func:`scipy.sparse.csgraph.minimum_spanning_tree` as distinct weights, so
    ties in the original weights are broken by the given order, the same on every
    machine.

    Returns
    -------
    list of (i, j) with i < j, sorted
    """
    if not ranked_edges:
        return []
    weights = scipy.sparse.lil_array((n_nodes, n_nodes))
    for rank, (i, j) in enumerate(ranked_edges, start=1):
        weights[min(i, j), max(i, j)] = rank
    tree = csgraph.minimum_spanning_tree(weights.tocsr()).tocoo()
    return sorted((min(int(i), int(j)), max(int(i), int(j)))
                  for i, j in zip(tree.row, tree.col, strict=True))

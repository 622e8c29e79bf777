"""The structures of the k-class tables: what the M-step makes of the expected counts.

A structure turns the expected counts ``N[i, c, v + 1]`` (LF i, class c, vote v,
index 0 for abstaining) into tables, and says how many free parameters it has, for
the BIC (:mod:`~dataprog_helpers.label_model.class_fit` keeps the structure with the
lower one):

- :class:`FullTables`: each LF's counts per class, normalised (Dawid and Skene);
- :class:`SymmetricTables`: one coverage and one accuracy per LF, the same for every
  class (:func:`pooled_tables`), the assumptions of the symmetric ``LabelModel``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FullTables", "SymmetricTables", "pooled_tables"]


class FullTables:
    """The M-step of the full tables: each LF's counts per class, normalised."""

    name = "class-conditional"

    @staticmethod
    def tables(counts: np.ndarray) -> np.ndarray:
        totals = counts.sum(axis=2, keepdims=True)
        uniform = np.full_like(counts, 1.0 / counts.shape[2])
        return np.divide(counts, totals, out=uniform, where=totals > 0)

    @staticmethod
    def n_parameters(data) -> int:
        """Free parameters: per LF and class, the LF's outcomes seen in the data, less one.

        An outcome an LF never produces (a one-sided LF's votes for other classes)
        has its maximum-likelihood probability at the floor, not fitted: counting it
        would charge a one-sided LF k (k + 1) - k parameters instead of k.
        """
        return int(data.cardinality * (data.outcomes_seen() - 1).sum())


class SymmetricTables:
    """The M-step of the symmetric tables: one coverage and one accuracy per LF
    (:func:`pooled_tables`; 2 free parameters per LF)."""

    name = "symmetric"

    @staticmethod
    def tables(counts: np.ndarray) -> np.ndarray:
        return pooled_tables(counts)

    @staticmethod
    def n_parameters(data) -> int:
        return 2 * data.n_lfs


def pooled_tables(counts: np.ndarray) -> np.ndarray:
    """The symmetric tables nearest expected counts ``N[i, c, v + 1]``: each LF's coverage
    and accuracy pooled over the classes.

    LF i votes with probability ``coverage_i`` whatever the class and, when it votes,
    is right with probability ``accuracy_i`` and otherwise votes each wrong class
    alike: ``P(v = c | c) = coverage accuracy``, ``P(v = c' | c) = coverage (1 -
    accuracy) / (k - 1)``, ``P(abstain | c) = 1 - coverage``.
    """
    n_lfs, k, _ = counts.shape
    abstained = counts[:, :, 0].sum(axis=1)
    right = np.trace(counts[:, :, 1:], axis1=1, axis2=2)
    cast = counts[:, :, 1:].sum(axis=(1, 2))
    coverage = cast / (cast + abstained)
    accuracy = right / cast
    tables = np.empty_like(counts)
    tables[:, :, 0] = (1.0 - coverage)[:, None]
    tables[:, :, 1:] = (coverage * (1.0 - accuracy) / (k - 1))[:, None, None]
    diagonal = np.arange(k)
    tables[:, diagonal, diagonal + 1] = (coverage * accuracy)[:, None]
    return tables

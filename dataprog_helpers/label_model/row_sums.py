"""The sums over the rows of one chunk of votes, exact: what
:class:`~dataprog_helpers.label_model.statistics.VoteStatistics` adds up.

Vote products and co-vote counts are integers; they are computed as float32 matrix
products (fast, and exact while the counts stay below 2**24) and checked against
exact integer sums on a sample, falling back to float64 where a BLAS kernel gets
them wrong.  :func:`distinct_patterns` gives the rows' histogram.
"""

from __future__ import annotations

import numpy as np

from ..utils.caller_warnings import warn_at_caller

__all__ = ["chunk_products", "class_vote_sums", "cross", "distinct_patterns", "exact_counts",
           "gram", "weighted_covotes"]


#: The warning when float32 products of votes were wrong and float64 ones replaced them.
FLOAT32_FAULT = (
    "the BLAS library computed float32 products of votes wrongly, so the vote statistics "
    "were computed in float64 (correct, but slower); OPENBLAS_CORETYPE=NEOVERSEN1 selects "
    "an OpenBLAS kernel without the fault")


def gram(rows: np.ndarray) -> np.ndarray:
    """``rows.T @ rows`` through the BLAS library."""
    return rows.T @ rows


def cross(rows: np.ndarray, magnitudes: np.ndarray) -> np.ndarray:
    """``rows.T @ magnitudes`` through the BLAS library."""
    return rows.T @ magnitudes


def exact_counts(
    products: np.ndarray, counts: np.ndarray, votes: np.ndarray,
    signed_counts: np.ndarray | None = None, vote_sums: np.ndarray | None = None,
) -> bool:
    """Whether a chunk's products are the integer counts they must be.

    Products of votes in {-1, 0, +1} are integers with ``|products| <= counts``, and
    the diagonal of ``counts`` is each LF's number of votes, summed here without BLAS;
    ``signed_counts = L^T |L|`` (when computed) are integers with the same bound,
    with each LF's vote sum (also summed without BLAS) on the diagonal.
    """
    exact = bool(
        np.array_equal(products, np.rint(products))
        and np.array_equal(counts, np.rint(counts))
        and np.array_equal(np.diag(counts), votes)
        and np.all(np.abs(products) <= counts)
    )
    if signed_counts is not None:
        exact = exact and bool(
            np.array_equal(signed_counts, np.rint(signed_counts))
            and np.all(np.abs(signed_counts) <= counts)
            and np.array_equal(np.diag(signed_counts), vote_sums)
        )
    return exact


def weighted_covotes(indicators: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``X^T diag(w) X`` of 0/1 indicators X of distinct patterns weighted by their counts w.

    Entry ``[a, b]`` counts the points where indicators a and b are both 1.  The
    products go through the BLAS library in float32 where every count is below
    2**24 (exact there, and 2.7 times faster than float64 at 100,000 patterns of 50
    LFs), else in float64, and are checked as :func:`chunk_products` checks its own:
    whole numbers, symmetric, between 0 and the smaller of the two diagonal entries,
    and the diagonal equal to each indicator's count summed here without BLAS.
    Wrong float32 products are recomputed in float64, with a warning; wrong float64
    products raise ``FloatingPointError``.

    Parameters
    ----------
    indicators : ndarray of bool, shape (n_patterns, n_indicators)
    weights : ndarray of float64, shape (n_patterns,)
        Whole numbers.

    Returns
    -------
    ndarray of float64, shape (n_indicators, n_indicators)
    """
    dtypes = (np.float32, np.float64) if weights.sum() < 2**24 else (np.float64,)
    for dtype in dtypes:
        rows = indicators.astype(dtype)
        weighted = rows * weights.astype(dtype)[:, None]  # whole numbers, exact
        diagonal = np.add.reduce(weighted, axis=0, dtype=np.float64)  # without BLAS
        with np.errstate(all="ignore"):  # a faulty kernel's NaN is reported below
            covotes = cross(rows, weighted).astype(np.float64)
        if (np.array_equal(covotes, np.rint(covotes)) and np.array_equal(covotes, covotes.T)
                and np.array_equal(np.diag(covotes), diagonal) and np.all(covotes >= 0)
                and np.all(covotes <= np.minimum(diagonal[:, None], diagonal[None, :]))):
            if dtype is np.float64 and len(dtypes) == 2:
                warn_at_caller(FLOAT32_FAULT, RuntimeWarning)
            return covotes
    raise FloatingPointError(
        "the BLAS library returned wrong products of vote indicators in float32 and in "
        "float64 (they must be whole co-vote counts; got NaN, fractions or inconsistent "
        "counts); choose another BLAS kernel, e.g. with OPENBLAS_CORETYPE=NEOVERSEN1 on Arm")


def class_vote_sums(patterns: np.ndarray, pattern_counts: np.ndarray, cardinality: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sums over the rows of k-class votes, from their histogram, checked.

    With ``I_c`` the indicator of the vote c (rows x LFs), the co-vote counts by class
    are ``I_c^T W I_d`` (:func:`weighted_covotes` of all k indicators side by side).

    Returns
    -------
    products : ndarray of shape (n_lfs, n_lfs)
        Points where LFs i and j vote the same class minus points where they vote
        different classes (for two classes in the signed convention, ``L^T L``).
    counts : ndarray of shape (n_lfs, n_lfs)
        Points where both vote (diagonal: each LF's votes).
    class_counts : ndarray of shape (n_lfs, k)
        Each LF's votes for each class.
    """
    n_lfs = patterns.shape[1]
    indicators = np.concatenate([patterns == c for c in range(cardinality)], axis=1)
    covotes = weighted_covotes(indicators, pattern_counts.astype(np.float64)).reshape(
        cardinality, n_lfs, cardinality, n_lfs)
    same = np.einsum("cicj->ij", covotes)
    counts = covotes.sum(axis=(0, 2))
    return 2.0 * same - counts, counts, np.einsum("cici->ic", covotes)


def chunk_products(
    chunk: np.ndarray, signed: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(L.T @ L, |L|.T @ |L|, L.T @ |L| or None)`` of at most ``CHUNK_ROWS`` rows, checked.

    float32 products are exact for these sizes and fast.  Some BLAS kernels compute
    them wrongly, though: OpenBLAS's float32 kernels for Arm's SME (Apple M4) have
    returned zeros or NaN (OpenBLAS issues 5414, 5528 and 5873).  Wrong products are
    recomputed in float64, with a warning, and if those are wrong too the chunk
    raises ``FloatingPointError``: the statistics are never silently corrupted.
    ``L.T @ |L|`` (with ``signed=True``) counts, for LFs i and j, the points where
    both vote, +1 where i votes +1 and -1 where it votes -1.
    """
    votes = np.abs(chunk).sum(axis=0, dtype=np.float64)
    vote_sums = chunk.sum(axis=0, dtype=np.float64) if signed else None
    for dtype in (np.float32, np.float64):
        rows = chunk.astype(dtype)
        magnitudes = np.abs(rows)
        with np.errstate(all="ignore"):  # a faulty kernel's NaN is reported below
            products, counts = gram(rows), gram(magnitudes)
            signed_counts = cross(rows, magnitudes) if signed else None
        if exact_counts(products, counts, votes, signed_counts, vote_sums):
            if dtype is np.float64:
                warn_at_caller(FLOAT32_FAULT, RuntimeWarning)
            if signed_counts is not None:
                signed_counts = signed_counts.astype(np.float64)
            return products.astype(np.float64), counts.astype(np.float64), signed_counts
    raise FloatingPointError(
        "the BLAS library returned wrong matrix products for a chunk of votes in float32 "
        "and in float64 (they must be integer counts; got NaN, fractions or inconsistent "
        "counts); choose another BLAS kernel, e.g. with OPENBLAS_CORETYPE=NEOVERSEN1 on Arm"
    )


def distinct_patterns(
    rows: np.ndarray, counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a vote array and how often each occurs.

    Parameters
    ----------
    rows : ndarray of int8, shape (n_rows, n_lfs)
    counts : ndarray of int64, shape (n_rows,), optional
        How often each row occurs (1 each if omitted); rows that repeat add up.

    Returns
    -------
    patterns : ndarray of int8, shape (n_patterns, n_lfs)
        Each distinct row once, in the order of its bytes (the same on every
        machine).
    pattern_counts : ndarray of int64, shape (n_patterns,)
    """
    rows = np.ascontiguousarray(rows, dtype=np.int8)
    n_lfs = rows.shape[1]
    keys = rows.view(np.dtype((np.void, n_lfs))).ravel()  # one opaque key per row
    if counts is None:
        distinct, pattern_counts = np.unique(keys, return_counts=True)
    else:
        distinct, inverse = np.unique(keys, return_inverse=True)
        # Sums of integer counts below 2**53 are exact in float64.
        pattern_counts = np.rint(np.bincount(inverse.ravel(), weights=counts))
    patterns = distinct.view(np.int8).reshape(-1, n_lfs)
    return patterns, pattern_counts.astype(np.int64)

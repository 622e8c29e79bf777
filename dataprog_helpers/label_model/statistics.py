"""What the label models need from a label matrix: sums over its rows.

Every statistic here is a sum over points, so the statistics of a label matrix
too large for memory are the sums of the statistics of its chunks, and those of
two parts of it (two files, two Dask partitions) are merged by adding them:

- the pairwise sums of :class:`LabelModel <dataprog_helpers.LabelModel>`: the
  vote products ``L^T L``, the co-vote counts ``|L|^T |L|`` and the vote sums;
- unless ``patterns=False``, the histogram of distinct vote patterns (rows
  of L) with how often each occurs, which is everything the class-conditional
  model needs: its likelihood depends on the data only through it.  It has at
  most ``min(n_points, 3**n_lfs)`` rows.

With ``cardinality=k`` the votes are k-class ones (-1 = abstain, 0 to k-1), and the
sums are the same where they mean the same: the co-vote counts, the "products"
(points where two LFs vote the same class minus points where they vote different
ones, which for signed votes is ``L^T L``), each LF's votes per class and the
histogram.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..utils.chunks import row_chunks
from ..utils.optional_dask import import_dask, is_dask_array
from ..utils.validation import check_label_matrix, check_positive_int
from .row_sums import chunk_products, class_vote_sums, distinct_patterns

__all__ = ["VoteStatistics", "agreement_variance", "distinct_patterns", "indicator_moments_of"]


def agreement_variance(agreements, counts: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Sampling variance ``(1 - Z^2) / n`` of an agreement estimate.

    An agreement ``Z_ij`` is the mean of the ``n_ij`` products ``lambda_i lambda_j``
    (each -1 or +1) over the points where both LFs vote; a product with mean
    ``Z`` has variance ``1 - Z^2``, so the mean of ``n`` independent ones has
    variance ``(1 - Z^2) / n``.  Used by the triplet estimate (with the observed
    Z) and by the standardised residuals (with the model's ``q_i q_j``).

    Parameters
    ----------
    agreements : float or ndarray of shape (m, m)
        The mean ``Z`` of the products (observed or expected).
    counts : ndarray of shape (m, m)
        Co-vote counts ``n``; counts below 1 (pairs that never co-vote) are taken
        as 1, so the result is finite.
    floor : float, optional
        Lower bound on ``1 - Z^2`` (none by default), so that a standard error
        of an expected ``|Z|`` of 1 is not 0.

    Returns
    -------
    ndarray of shape (m, m)
    """
    spread = 1.0 - agreements**2
    if floor is not None:
        spread = np.maximum(spread, floor)
    return spread / np.maximum(counts, 1.0)


@dataclass
class VoteStatistics:
    """What the label models need from a label matrix, accumulated chunk by chunk.

    Every quantity is a sum over points, so the statistics of a label matrix too
    large for memory are the sums of the statistics of its chunks: feed the chunks
    to :meth:`update` (or :meth:`from_chunks`) one at a time, or add up the
    statistics of separate parts with :meth:`merge`.  Each chunk is converted to
    float32 for the matrix products; sums over at most ``utils.chunks.CHUNK_ROWS`` rows of
    products of -1, 0 and +1 are exact in float32, and the running totals are
    float64.  Every chunk's products are checked to be those integers (see
    :func:`chunk_products`), so a faulty BLAS kernel cannot corrupt the
    statistics silently.

    By default (see :meth:`empty`) the statistics also keep the histogram of
    distinct vote patterns, which
    :class:`~dataprog_helpers.ClassConditionalLabelModel` fits from.  It takes
    up to ``n_lfs`` bytes per distinct row (at most the size of the int8 label
    matrix itself, and far less when LFs abstain a lot or are few).

    With ``cardinality=k`` (see :meth:`empty`) they are the statistics of k-class
    votes, in {-1 = abstain, 0, ..., k-1}: ``products``, ``counts``, the histogram
    and ``class_counts``; ``vote_sums`` and ``positive_counts`` (signed-vote sums)
    are None.  :meth:`ClassConditionalLabelModel.fit_statistics
    <dataprog_helpers.ClassConditionalLabelModel.fit_statistics>` with the same
    ``cardinality`` fits from them.

    Attributes
    ----------
    products : ndarray of float64, shape (n_lfs, n_lfs)
        ``sum_k L_ki L_kj``: votes that agree count +1, votes that disagree -1 (for
        k classes: the same class +1, different classes -1).
    counts : ndarray of float64, shape (n_lfs, n_lfs)
        Number of points on which LFs i and j both vote; the diagonal holds each
        LF's number of votes.
    vote_sums : ndarray of float64, shape (n_lfs,), or None
        ``sum_k L_ki``: the number of +1 votes minus the number of -1 votes (None
        for k classes).
    n_points : int
        Number of points (rows) seen so far.
    patterns : ndarray of int8, shape (n_patterns, n_lfs), or None
        The distinct rows seen so far (None unless kept).
    pattern_counts : ndarray of int64, shape (n_patterns,), or None
        How many points have each pattern; they sum to ``n_points``.
    positive_counts : ndarray of float64, shape (n_lfs, n_lfs), or None
        Kept with the patterns: the number of points on which LF i votes +1 and
        LF j votes.  With ``products`` and ``counts`` it gives every co-vote
        count by vote value (see :meth:`covote_counts`) without a pass over the
        patterns.  None for k classes.
    class_counts : ndarray of float64, shape (n_lfs, k), or None
        k classes only: how many votes each LF cast for each class.
    cardinality : int or None
        The number of classes k, or None for signed two-class votes.

    Examples
    --------
    The statistics of two chunks are those of the whole label matrix:

    >>> import numpy as np
    >>> from dataprog_helpers import VoteStatistics
    >>> label_matrix = np.array([[1, -1, 0], [1, 1, 1], [0, -1, -1], [-1, 0, 1]])
    >>> statistics = VoteStatistics.from_chunks([label_matrix[:2], label_matrix[2:]])
    >>> statistics.n_points
    4
    >>> statistics.agreements().filled(0.0).tolist()  # Z; 0 where a pair never co-votes
    [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]
    """

    products: np.ndarray
    counts: np.ndarray
    vote_sums: np.ndarray
    n_points: int = 0
    patterns: np.ndarray | None = None
    pattern_counts: np.ndarray | None = None
    positive_counts: np.ndarray | None = None
    class_counts: np.ndarray | None = None
    cardinality: int | None = None

    @classmethod
    def empty(cls, n_lfs: int, patterns: bool = True,
              cardinality: int | None = None) -> VoteStatistics:
        """Statistics of zero points for ``n_lfs`` LFs, ready for :meth:`update`.

        ``patterns=True`` (the default) also keeps the histogram of distinct vote
        patterns, which the class-conditional model fits from; ``patterns=False``
        keeps only what :class:`~dataprog_helpers.LabelModel` needs, in memory
        that does not grow with the number of points.  ``cardinality=k`` (k >= 3)
        takes k-class votes in {-1 = abstain, 0, ..., k-1}; two classes are the
        signed default (``cardinality=2`` is refused, as by the label model).
        """
        n_lfs = check_positive_int(n_lfs, "n_lfs")
        patterns = cls._check_patterns_flag(patterns)
        cardinality = _check_cardinality(cardinality)
        statistics = cls(np.zeros((n_lfs, n_lfs)), np.zeros((n_lfs, n_lfs)),
                         np.zeros(n_lfs) if cardinality is None else None, 0,
                         cardinality=cardinality)
        if cardinality is not None:
            statistics.class_counts = np.zeros((n_lfs, cardinality))
        if patterns:
            statistics.patterns = np.zeros((0, n_lfs), dtype=np.int8)
            statistics.pattern_counts = np.zeros(0, dtype=np.int64)
            if cardinality is None:
                statistics.positive_counts = np.zeros((n_lfs, n_lfs))
        return statistics

    @staticmethod
    def _check_patterns_flag(patterns) -> bool:
        if not isinstance(patterns, (bool, np.bool_)):
            raise TypeError(f"patterns must be True or False, got {patterns!r}")
        return bool(patterns)

    @classmethod
    def from_label_matrix(cls, label_matrix, patterns: bool = True,
                          cardinality: int | None = None) -> VoteStatistics:
        """Statistics of a whole label matrix of shape (n_points, n_lfs); see :meth:`empty`."""
        cardinality = _check_cardinality(cardinality)
        label_matrix = check_label_matrix(label_matrix, cardinality=cardinality)
        return cls.empty(label_matrix.shape[1], patterns, cardinality).update(
            label_matrix, checked=True)

    @classmethod
    def from_chunks(cls, chunks: Iterable, patterns: bool = True,
                    cardinality: int | None = None) -> VoteStatistics:
        """Statistics of a label matrix given as an iterable of row chunks; see :meth:`empty`.

        Only one chunk is held at a time.  With ``patterns=False`` memory is then
        bounded by the largest chunk, whatever the total number of points; the
        pattern histogram (the default) grows with the number of distinct rows.
        """
        patterns = cls._check_patterns_flag(patterns)
        cardinality = _check_cardinality(cardinality)
        statistics = None
        for index, chunk in enumerate(chunks):
            chunk = check_label_matrix(chunk, f"chunk {index}", cardinality)
            if statistics is None:
                statistics = cls.empty(chunk.shape[1], patterns, cardinality)
            elif chunk.shape[1] != statistics.n_lfs:
                raise ValueError(
                    f"chunk {index} has {chunk.shape[1]} LFs but the earlier chunks have "
                    f"{statistics.n_lfs}"
                )
            statistics.update(chunk, checked=True)
        if statistics is None:
            raise ValueError("chunks is empty: no label-matrix chunk to accumulate")
        return statistics

    @classmethod
    def from_dask(
        cls, label_matrix, patterns: bool = True, split_every: int = 8, compute: bool = True,
        cardinality: int | None = None,
    ):
        """Statistics of a Dask array of votes, summed on the cluster by a tree reduction.

        Each row chunk's statistics are computed by the worker that holds the chunk,
        then merged (:meth:`merge`) ``split_every`` at a time, level by level, until
        one object is left; only that one, of size O(n_lfs^2) plus the pattern
        histogram, travels to the client.  The full label matrix is never
        gathered.  The active Dask scheduler runs it: a ``distributed.Client`` if
        one is connected.

        The result is *identical* to :meth:`from_label_matrix` on the same rows,
        whatever the chunks and the order of the merges: every statistic is a sum
        of integers (products of votes in {-1, 0, +1}, counts), each chunk's are
        exact (see the class docstring), and float64 adds integers exactly up to
        2^53, i.e. for fewer than about 9 * 10^15 points; the pattern histogram is
        kept sorted.  So the bound on float drift is zero.

        Parameters
        ----------
        label_matrix : dask.array.Array of shape (n_points, n_lfs)
            Votes in {-1, 0, +1}, e.g. from :func:`~dataprog_helpers.apply_lfs` on
            a Dask DataFrame; chunks may have unknown lengths, and may be empty.
            Chunks along the LFs are joined first.
        patterns : bool, default True
            Also keep the pattern histogram, which the class-conditional model
            needs (see :meth:`empty`).
        split_every : int, default 8
            How many statistics each merge task adds up (at least 2).
        compute : bool, default True
            False returns the lazy result (a ``dask.delayed.Delayed``), e.g. to
            pass to ``client.compute`` and ``distributed.progress``.
        cardinality : int, optional
            The number of classes k, for k-class votes (see :meth:`empty`).

        Returns
        -------
        VoteStatistics, or a Delayed of one if ``compute=False``
        """
        if not is_dask_array(label_matrix):
            raise TypeError(
                f"label_matrix must be a dask.array.Array, got {type(label_matrix).__name__}; "
                "for an in-memory matrix use VoteStatistics.from_label_matrix"
            )
        if label_matrix.ndim != 2:
            raise ValueError(f"label_matrix must be 2-D, got shape {label_matrix.shape}")
        patterns = cls._check_patterns_flag(patterns)
        cardinality = _check_cardinality(cardinality)
        split_every = check_positive_int(split_every, "split_every", minimum=2)
        delayed = import_dask("dask").delayed
        n_lfs = int(label_matrix.shape[1])
        blocks = label_matrix.rechunk({1: -1}).to_delayed().ravel()
        level = [delayed(_block_statistics, pure=True)(block, n_lfs, patterns, index,
                                                       cardinality)
                 for index, block in enumerate(blocks)]
        while len(level) > 1:
            level = [delayed(_merge_all, pure=True)(*level[start:start + split_every])
                     for start in range(0, len(level), split_every)]
        return level[0].compute() if compute else level[0]

    @property
    def n_lfs(self) -> int:
        return self.counts.shape[0]

    @property
    def has_patterns(self) -> bool:
        """Whether the histogram of distinct vote patterns is kept."""
        return self.patterns is not None

    def update(self, chunk, checked: bool = False) -> VoteStatistics:
        """Add the votes of ``chunk`` (shape (n_rows, n_lfs)); return ``self``."""
        if not checked:
            chunk = check_label_matrix(chunk, "chunk", self.cardinality)
        if chunk.shape[1] != self.n_lfs:
            raise ValueError(
                f"chunk has {chunk.shape[1]} LFs but the statistics are of {self.n_lfs} LFs"
            )
        if self.cardinality is not None:
            return self._update_classes(chunk)
        for part in row_chunks(chunk.shape[0]):
            rows = chunk[part]
            products, counts, signed_counts = chunk_products(rows, signed=self.has_patterns)
            self.products += products
            self.counts += counts
            self.vote_sums += rows.sum(axis=0, dtype=np.float64)
            if self.has_patterns:
                # [L = +1]^T |L| = (L + |L|)^T |L| / 2
                self.positive_counts += (signed_counts + counts) / 2.0
        if self.has_patterns:
            if self.pattern_counts.size:
                new_patterns, new_counts = distinct_patterns(chunk)
                self.patterns, self.pattern_counts = distinct_patterns(
                    np.concatenate([self.patterns, new_patterns]),
                    np.concatenate([self.pattern_counts, new_counts]),
                )
            else:
                self.patterns, self.pattern_counts = distinct_patterns(chunk)
        self.n_points += chunk.shape[0]
        return self

    def _update_classes(self, chunk: np.ndarray) -> VoteStatistics:
        """:meth:`update` for k-class votes: the sums from the chunk's histogram."""
        patterns, pattern_counts = distinct_patterns(chunk)
        products, counts, class_counts = class_vote_sums(patterns, pattern_counts,
                                                         self.cardinality)
        self.products += products
        self.counts += counts
        self.class_counts += class_counts
        if self.has_patterns:
            self.patterns, self.pattern_counts = distinct_patterns(
                np.concatenate([self.patterns, patterns]),
                np.concatenate([self.pattern_counts, pattern_counts]))
        self.n_points += chunk.shape[0]
        return self

    def merge(self, other: VoteStatistics) -> VoteStatistics:
        """The statistics of the points of ``self`` and of ``other`` together (a new object).

        Both must be of the same number of LFs, and keep patterns both or neither.
        """
        if not isinstance(other, VoteStatistics):
            raise TypeError(f"other must be a VoteStatistics, got {type(other).__name__}")
        if other.n_lfs != self.n_lfs:
            raise ValueError(
                f"cannot merge statistics of {self.n_lfs} LFs with statistics of "
                f"{other.n_lfs} LFs"
            )
        if other.has_patterns != self.has_patterns:
            raise ValueError(
                "cannot merge statistics that keep vote patterns with statistics that do "
                "not; build both with the same patterns= setting"
            )
        if other.cardinality != self.cardinality:
            raise ValueError(f"cannot merge statistics of cardinality={self.cardinality} with "
                             f"statistics of cardinality={other.cardinality}")
        merged = VoteStatistics(
            self.products + other.products,
            self.counts + other.counts,
            None if self.vote_sums is None else self.vote_sums + other.vote_sums,
            self.n_points + other.n_points,
            cardinality=self.cardinality,
        )
        if self.cardinality is not None:
            merged.class_counts = self.class_counts + other.class_counts
        if self.has_patterns:
            if self.cardinality is None:
                merged.positive_counts = self.positive_counts + other.positive_counts
            merged.patterns, merged.pattern_counts = distinct_patterns(
                np.concatenate([self.patterns, other.patterns]),
                np.concatenate([self.pattern_counts, other.pattern_counts]),
            )
        return merged

    def agreements(self) -> np.ma.MaskedArray:
        """The agreement matrix Z, shape (n_lfs, n_lfs).

        See :func:`~dataprog_helpers.analysis.agreement_matrix`.
        """
        observed = self.counts > 0
        values = np.divide(
            self.products, self.counts, out=np.zeros_like(self.products), where=observed
        )
        return np.ma.MaskedArray(values, mask=~observed)

    def _signed_only(self, what: str) -> None:
        if self.cardinality is not None:
            raise ValueError(f"{what} is defined for signed two-class votes; these statistics "
                             f"are of k-class votes (cardinality={self.cardinality})")

    def mean_votes(self) -> np.ndarray:
        """Mean vote of each LF over the points it votes on (NaN for an LF that never votes)."""
        self._signed_only("mean_votes")
        n_votes = np.diag(self.counts)
        return np.divide(
            self.vote_sums, n_votes, out=np.full(self.n_lfs, np.nan), where=n_votes > 0
        )

    def covote_counts(self) -> np.ndarray:
        """Points on which LF i votes a and LF j votes b, for the votes a, b in {-1, +1}.

        Needs the statistics kept with ``patterns=True``.

        Returns
        -------
        ndarray of float64, shape (n_lfs, n_lfs, 2, 2)
            Entry ``[i, j, (a + 1) // 2, (b + 1) // 2]``; ``[i, i]`` is diagonal, with
            LF i's numbers of -1 and +1 votes.
        """
        self._signed_only("covote_counts")
        if not self.has_patterns:
            raise ValueError(
                "covote_counts needs the statistics kept with patterns (the default; these "
                "were built with patterns=False)"
            )
        # With P and N the indicators of +1 and -1 votes: products = PP + NN - PN - NP,
        # counts = PP + NN + PN + NP and positive_counts = PP + PN, where NP = PN^T.
        mixed = (self.counts - self.products) / 2.0  # PN + NP
        both_positive = (self.positive_counts + self.positive_counts.T - mixed) / 2.0
        positive_negative = self.positive_counts - both_positive
        both_negative = (self.counts + self.products) / 2.0 - both_positive
        return np.stack(
            [np.stack([both_negative, positive_negative.T], axis=-1),
             np.stack([positive_negative, both_positive], axis=-1)],
            axis=-2,
        )

    def indicator_moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Means and covariance of the 2m vote indicators (-1 votes of every LF, then +1 votes).

        Indicator ``v * n_lfs + i`` (v = 0 for the vote -1, 1 for +1) is 1 where LF
        i cast that vote.  Needs the statistics kept with ``patterns=True``.

        Returns
        -------
        means : ndarray of shape (2 n_lfs,)
        covariance : ndarray of shape (2 n_lfs, 2 n_lfs)
        """
        return indicator_moments_of(self.covote_counts(), self.n_points)


def indicator_moments_of(covote_counts: np.ndarray, n_points: float
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Means and covariance of the 2m vote indicators, from the co-vote counts
    (shape (m, m, 2, 2), as :meth:`VoteStatistics.covote_counts` gives them) of
    ``n_points`` points; see :meth:`VoteStatistics.indicator_moments`."""
    n_lfs = covote_counts.shape[0]
    covotes = covote_counts / n_points
    joint = covotes.transpose(2, 0, 3, 1).reshape(2 * n_lfs, 2 * n_lfs)
    means = np.concatenate([np.diagonal(covotes[:, :, 0, 0]), np.diagonal(covotes[:, :, 1, 1])])
    return means, joint - np.outer(means, means)


def _check_cardinality(cardinality) -> int | None:
    """None (signed two-class votes) or k >= 3; two classes point to the signed default."""
    if cardinality is None:
        return None
    if cardinality == 2 and not isinstance(cardinality, bool):
        raise ValueError(
            "cardinality=2 is refused: a binary label matrix in Snorkel's convention and one "
            "in the signed convention hold the same three values; leave cardinality out for "
            "signed votes (dataprog_helpers.signed_label_matrix converts Snorkel's)")
    return check_positive_int(cardinality, "cardinality", minimum=3, maximum=127)


def _block_statistics(block, n_lfs: int, patterns: bool, index: int,
                      cardinality: int | None = None) -> VoteStatistics:
    """The statistics of one row chunk of a Dask label matrix (empty chunks too)."""
    statistics = VoteStatistics.empty(n_lfs, patterns, cardinality)
    if np.shape(block)[0] == 0:
        return statistics
    return statistics.update(
        check_label_matrix(block, f"label_matrix chunk {index}", cardinality), checked=True)


def _merge_all(*parts: VoteStatistics) -> VoteStatistics:
    """The statistics of all ``parts`` together (one merge task of the tree)."""
    return functools.reduce(VoteStatistics.merge, parts)

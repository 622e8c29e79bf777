"""The posterior of a k-class label model, in NumPy alone.

For class-conditional tables ``theta[i, c, v + 1] = P(lambda_i = v | y = c)`` (votes
v in {-1 = abstain, 0, ..., k-1}) and a class prior pi,

    log P(y = c | lambda) = log pi[c] + sum_i log theta[i, c, lambda_i + 1] - log Z(lambda),

except that with an inapplicable share rho > 0 (the share of points no LF applies to,
whatever their class; :mod:`~dataprog_helpers.label_model.multiclass`) a point
without votes has ``P(y = c | none) ∝ pi[c] (rho + (1 - rho) prod_i theta[i, c, 0])``,
and every point with votes ``log(1 - rho)`` more in its likelihood.

:class:`ClassPosterior` holds the logs of the tables and computes that for any label
matrix, adding the LFs' terms in the order of the columns, a chunk of rows at a time,
so a row's posterior is the same bits alone, in any chunk or in the whole matrix.  It
holds no TensorFlow object and pickles small, for Dask workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from ..utils.chunks import row_chunks
from ..utils.validation import check_class_labels, check_label_matrix, check_same_length

__all__ = ["ClassPosterior"]


@dataclass(frozen=True)
class ClassPosterior:
    """A fitted k-class posterior.

    Attributes
    ----------
    log_tables : ndarray of shape (n_lfs, k, k + 1)
        ``log theta[i, c, v + 1]``.
    log_prior : ndarray of shape (k,)
    inapplicable_share : float, default 0.0
        rho, the share of points no LF applies to, whatever their class.
    """

    log_tables: np.ndarray
    log_prior: np.ndarray
    inapplicable_share: float = 0.0

    @property
    def n_lfs(self) -> int:
        return self.log_tables.shape[0]

    @property
    def cardinality(self) -> int:
        return self.log_prior.shape[0]

    def check_input(self, label_matrix) -> np.ndarray:
        """``label_matrix`` validated for this posterior's classes and number of LFs."""
        label_matrix = check_label_matrix(label_matrix, cardinality=self.cardinality)
        if label_matrix.shape[1] != self.n_lfs:
            raise ValueError(
                f"label_matrix has {label_matrix.shape[1]} LFs but the model was fitted "
                f"on {self.n_lfs}"
            )
        return label_matrix

    def log_joint(self, label_matrix: np.ndarray) -> np.ndarray:
        """``log P(lambda, y = c)`` of each row, shape (n_points, k); L already validated."""
        joint = np.empty((label_matrix.shape[0], self.cardinality))
        for chunk in row_chunks(label_matrix.shape[0]):
            scores = np.broadcast_to(self.log_prior, (chunk.stop - chunk.start,
                                                      self.cardinality)).copy()
            votes = np.ascontiguousarray(label_matrix[chunk].T) + 1  # one LF per row
            for lf, lf_votes in enumerate(votes):
                scores += self.log_tables[lf][:, lf_votes].T
            if self.inapplicable_share > 0.0:
                none = ~votes.any(axis=0)
                scores[~none] += np.log1p(-self.inapplicable_share)
                scores[none] = self.log_prior + np.logaddexp(
                    np.log(self.inapplicable_share),
                    np.log1p(-self.inapplicable_share) + self.log_tables[:, :, 0].sum(axis=0))
            joint[chunk] = scores
        return joint

    def mean_log_likelihood(self, label_matrix) -> float:
        """The mean over rows of ``log P(lambda)`` = ``log sum_c P(lambda, y = c)``."""
        return float(np.mean(logsumexp(self.log_joint(self.check_input(label_matrix)), axis=1)))

    def decision_function(self, label_matrix, checked: bool = False) -> np.ndarray:
        """``log P(y = c | votes)`` of each row, shape (n_points, k)."""
        if not checked:
            label_matrix = self.check_input(label_matrix)
        joint = self.log_joint(label_matrix)
        return joint - logsumexp(joint, axis=1, keepdims=True)

    def predict_proba(self, label_matrix, checked: bool = False) -> np.ndarray:
        """``P(y = c | votes)`` of each row, shape (n_points, k); each row sums to 1."""
        return np.exp(self.decision_function(label_matrix, checked))

    def predict(self, label_matrix, checked: bool = False) -> np.ndarray:
        """The most probable class of each row, shape (n_points,); a tie goes to the
        lowest class index."""
        return np.argmax(self.decision_function(label_matrix, checked), axis=1).astype(np.int8)

    def score(self, label_matrix, y) -> float:
        """The share of rows whose most probable class is ``y`` (class indices 0 to k-1)."""
        label_matrix = self.check_input(label_matrix)
        y = check_class_labels(y, self.cardinality, "y")
        check_same_length(label_matrix=label_matrix, y=y)
        return float(np.mean(self.predict(label_matrix, checked=True) == y))

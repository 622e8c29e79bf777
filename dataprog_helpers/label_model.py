"""The label model: labeling-function accuracies from agreements alone.

Model (the data programming tutorial's): the LFs are conditionally independent
given the true label y, and each votes with a propensity that does not depend on
y.  Write p_i = P(lambda_i = y | LF i votes) and q_i = 2 p_i - 1.  Then for i != j

    Z_ij = E[lambda_i lambda_j | both vote] = E[lambda_i y] E[lambda_j y] = q_i q_j,

so the off-diagonal agreement matrix is rank one.  The fit solves the masked
rank-one matrix completion problem

    min_q  sum_{i != j, (i, j) observed} (Z_ij - q_i q_j)^2

with TensorFlow gradients, and the posterior of a point with votes lambda is

    P(y = +1 | lambda) = sigmoid(sum_i w_i lambda_i),   w_i = log(p_i / (1 - p_i)).
"""

from __future__ import annotations

import warnings

import numpy as np
import tensorflow as tf

from ._validation import (
    ConvergenceWarning,
    NotFittedError,
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_real_in_range,
    check_same_length,
    check_seed,
)
from .analysis import accuracy, overlap_matrix, sigmoid

__all__ = [
    "LabelModel",
    "completion_loss",
    "estimate_class_prior",
    "log_odds_weights",
    "posterior_proba",
    "preconditioned_step",
]

#: The fewest LFs whose accuracies can be identified from their agreements: with
#: two LFs a single number Z_12 = q_1 q_2 cannot determine both q_1 and q_2.
MIN_LFS = 3


def completion_loss(correlations: tf.Tensor, agreements: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
    """Masked rank-one completion loss ``sum_ij mask_ij (Z_ij - q_i q_j)^2``.

    ``mask`` is 1 on observed off-diagonal pairs and 0 elsewhere (shape (m, m)).
    """
    residuals = mask * (agreements - correlations[:, None] * correlations[None, :])
    return tf.reduce_sum(tf.square(residuals))


def preconditioned_step(
    correlations: tf.Tensor,
    agreements: tf.Tensor,
    mask: tf.Tensor,
    step_size: tf.Tensor,
    bound: tf.Tensor,
) -> tuple[tf.Tensor, tf.Tensor]:
    """One gradient step on :func:`completion_loss`, scaled by its curvature.

    The gradient comes from ``tf.GradientTape``.  Each coordinate is divided by
    the loss's exact second derivative in that coordinate,
    ``d^2 loss / dq_k^2 = 4 sum_j mask_kj q_j^2`` (a diagonal Newton step), so
    one ``step_size`` suits every number of LFs.  The result is clipped to
    ``[-bound, bound]`` so accuracies stay strictly inside (0, 1).

    Returns
    -------
    (new_correlations, loss_before_the_step)
    """
    with tf.GradientTape() as tape:
        tape.watch(correlations)
        loss = completion_loss(correlations, agreements, mask)
    gradient = tape.gradient(loss, correlations)
    curvature = 4.0 * tf.linalg.matvec(mask, tf.square(correlations))
    step = gradient / (curvature + tf.constant(1e-12, correlations.dtype))
    new_correlations = tf.clip_by_value(correlations - step_size * step, -bound, bound)
    return new_correlations, loss


_SCALAR = tf.TensorSpec([], tf.float64)


@tf.function(
    input_signature=(
        tf.TensorSpec([None, None], tf.float64),  # agreements Z, missing entries as 0
        tf.TensorSpec([None, None], tf.float64),  # mask of observed off-diagonal pairs
        tf.TensorSpec([None], tf.float64),  # initial correlations q
        _SCALAR,  # step_size
        _SCALAR,  # tol on the largest change of q in one step
        tf.TensorSpec([], tf.int32),  # max_steps
        _SCALAR,  # bound on |q|
    )
)
def _fit_correlations(agreements, mask, initial, step_size, tol, max_steps, bound):
    """The whole optimisation as one graph: steps until max |dq| <= tol.

    The input signature has unknown sizes and every hyper-parameter is a
    tensor, so this function is traced once and reused by every fit.
    """
    losses = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
    correlations = initial
    change = tf.constant(np.inf, tf.float64)
    step = tf.constant(0)
    while step < max_steps and change > tol:
        new_correlations, loss = preconditioned_step(
            correlations, agreements, mask, step_size, bound
        )
        losses = losses.write(step, loss)
        change = tf.reduce_max(tf.abs(new_correlations - correlations))
        correlations = new_correlations
        step += 1
    losses = losses.write(step, completion_loss(correlations, agreements, mask))
    return correlations, step, change, losses.stack()


def _covote_groups(observed: np.ndarray) -> list[tuple[list[int], bool]]:
    """Connected groups of the co-vote graph, each with whether it has an odd cycle.

    ``observed[i, j]`` says LFs i and j vote together on some point (i != j).  Within
    a group, Z_ij = q_i q_j pins q down (up to sign) only if the group's graph has
    an odd cycle: a bipartite group with sides A and B fits equally well with
    q_A * c and q_B / c for any c > 0.  Found by two-colouring each group.
    """
    colour = np.full(observed.shape[0], -1)
    groups = []
    for start in range(observed.shape[0]):
        if colour[start] >= 0:
            continue
        colour[start], stack, members, has_odd_cycle = 0, [start], [start], False
        while stack:
            lf = stack.pop()
            for partner in np.flatnonzero(observed[lf]):
                if colour[partner] < 0:
                    colour[partner] = 1 - colour[lf]
                    stack.append(partner)
                    members.append(int(partner))
                elif colour[partner] == colour[lf]:
                    has_odd_cycle = True
        groups.append((sorted(members), has_odd_cycle))
    return groups


def log_odds_weights(accuracies) -> np.ndarray:
    """Voting weights ``w_i = log(p_i / (1 - p_i))`` from accuracies in (0, 1)."""
    accuracies = np.asarray(accuracies, dtype=np.float64)
    if accuracies.ndim != 1 or not np.all((accuracies > 0) & (accuracies < 1)):
        raise ValueError("accuracies must be a 1-D array with every entry strictly in (0, 1)")
    return np.log(accuracies) - np.log1p(-accuracies)


def _check_class_prior(class_prior, name: str = "class_prior") -> float:
    return check_real_in_range(
        class_prior, name, 0.0, 1.0, include_low=False, include_high=False
    )


def posterior_proba(label_matrix, accuracies, class_prior: float = 0.5) -> np.ndarray:
    """P(y = +1 | votes) for conditionally independent LFs.

    Parameters
    ----------
    label_matrix : array-like of shape (n_points, n_lfs)
    accuracies : array-like of shape (n_lfs,)
        P(LF right | LF votes), strictly in (0, 1): the estimates of a
        :class:`LabelModel` or, as an oracle, the true accuracies.
    class_prior : float in (0, 1), default 0.5
        P(y = +1) before any vote is seen; 0.5 is the balanced prior.

    Returns
    -------
    ndarray of float64, shape (n_points,)
        ``sigmoid(log(pi / (1 - pi)) + L @ w)`` with ``w = log_odds_weights(accuracies)``
        and ``pi = class_prior``; an abstention contributes nothing, and a point
        with no votes gets the prior.
    """
    label_matrix = check_label_matrix(label_matrix)
    class_prior = _check_class_prior(class_prior)
    weights = log_odds_weights(accuracies)
    if weights.shape[0] != label_matrix.shape[1]:
        raise ValueError(
            f"label_matrix has {label_matrix.shape[1]} LFs but accuracies has "
            f"{weights.shape[0]} entries"
        )
    scores = label_matrix.astype(np.float64) @ weights
    if class_prior != 0.5:  # the balanced prior adds exactly nothing
        scores += np.log(class_prior) - np.log1p(-class_prior)
    return sigmoid(scores)


def estimate_class_prior(label_matrix, correlations, margin: float = 1e-3) -> float:
    """Estimate P(y = +1) from the LFs' mean votes and their correlations q.

    Under the label model, the mean vote of LF i over the points it votes on is
    ``E[lambda_i | LF i votes] = E[y] E[lambda_i y | votes] = (2 pi - 1) q_i``.
    The least-squares fit over the LFs gives ``2 pi - 1 = sum_i q_i m_i / sum_i q_i^2``
    with ``m_i`` the observed mean votes; the result is kept in ``[margin, 1 - margin]``.
    Returns 0.5 when every ``q_i`` is 0 (the votes then carry no information about y).
    """
    label_matrix = check_label_matrix(label_matrix)
    correlations = np.asarray(correlations, dtype=np.float64)
    if correlations.shape != (label_matrix.shape[1],):
        raise ValueError(
            f"correlations must have shape ({label_matrix.shape[1]},), got {correlations.shape}"
        )
    n_votes = np.count_nonzero(label_matrix, axis=0)
    if (n_votes == 0).any():
        raise ValueError("every LF must vote at least once to estimate the class prior")
    mean_votes = label_matrix.sum(axis=0, dtype=np.int64) / n_votes
    strength = float(np.sum(correlations**2))
    if strength == 0.0:
        return 0.5
    imbalance = float(np.dot(correlations, mean_votes)) / strength
    return float(np.clip((1.0 + imbalance) / 2.0, margin, 1.0 - margin))


class LabelModel:
    """Learn labeling-function accuracies from how the LFs agree, without labels.

    Parameters
    ----------
    max_steps : int, default 500
        Most optimisation steps of the fit.
    step_size : float in (0, 1], default 0.5
        Damping of the curvature-scaled gradient step (see
        :func:`preconditioned_step`); 1 would jump to each coordinate's own
        minimum, 0.5 converges steadily.
    tol : float, default 1e-9
        The fit stops once no correlation q_i changes by more than ``tol`` in a
        step; a :class:`ConvergenceWarning` is issued if ``max_steps`` is hit first.
    accuracy_margin : float in (0, 0.5), default 1e-3
        Estimated accuracies are kept in ``[accuracy_margin, 1 - accuracy_margin]``
        so every log-odds weight is finite.
    seed : int, default 0
        Seed of the random initial correlations (uniform in [0.1, 0.5]).
    class_prior : float in (0, 1) or "estimate", default 0.5
        P(y = +1) used by the posterior.  ``"estimate"`` learns it from the mean
        votes (see :func:`estimate_class_prior`); 0.5 is the balanced prior.

    Attributes
    ----------
    accuracies_ : ndarray of shape (n_lfs,)
        Estimated P(LF right | LF votes), strictly inside (0, 1).
    correlations_ : ndarray of shape (n_lfs,)
        ``q = 2 * accuracies_ - 1``, the estimate of E[lambda_i y | LF i votes].
    weights_ : ndarray of shape (n_lfs,)
        Log-odds voting weights ``log(p / (1 - p))``.
    overlap_matrix_ : numpy.ma.MaskedArray of shape (n_lfs, n_lfs)
        The agreement matrix Z the model was fitted to.
    loss_history_ : ndarray of shape (n_iter_ + 1,)
        Completion loss before each step and after the last one.
    n_iter_ : int
        Steps taken.
    converged_ : bool
        Whether the fit reached ``tol`` within ``max_steps``.
    class_prior_ : float
        The P(y = +1) that :meth:`predict_proba` uses.
    sign_flipped_ : bool
        Whether the solution was negated to make the LFs better than random on
        average (see Notes).

    Notes
    -----
    ``q`` and ``-q`` fit Z equally well: agreements cannot tell "mostly right"
    from "mostly wrong".  The model assumes the LFs are better than random on
    average, i.e. ``mean(q) > 0``, and negates the solution otherwise.  At least
    three LFs are needed, and every LF must vote on some point together with
    another LF, or its accuracy is not identifiable.
    """

    def __init__(
        self,
        max_steps: int = 500,
        step_size: float = 0.5,
        tol: float = 1e-9,
        accuracy_margin: float = 1e-3,
        seed: int = 0,
        class_prior: float | str = 0.5,
    ) -> None:
        self.max_steps = max_steps
        self.step_size = step_size
        self.tol = tol
        self.accuracy_margin = accuracy_margin
        self.seed = seed
        self.class_prior = class_prior

    def _check_hyperparameters(self) -> None:
        check_positive_int(self.max_steps, "max_steps")
        check_seed(self.seed)
        if isinstance(self.class_prior, str):
            if self.class_prior != "estimate":
                raise ValueError(
                    f'class_prior must be a number in (0, 1) or "estimate", '
                    f"got {self.class_prior!r}"
                )
        else:
            _check_class_prior(self.class_prior)
        check_real_in_range(self.step_size, "step_size", 0.0, 1.0, include_low=False)
        check_real_in_range(self.tol, "tol", 0.0, np.inf, include_low=False, include_high=False)
        check_real_in_range(
            self.accuracy_margin, "accuracy_margin", 0.0, 0.5, include_low=False, include_high=False
        )

    @staticmethod
    def _check_identifiable(label_matrix: np.ndarray, agreements: np.ma.MaskedArray) -> None:
        n_lfs = label_matrix.shape[1]
        if n_lfs < MIN_LFS:
            raise ValueError(
                f"label_matrix has {n_lfs} LFs; the label model needs at least {MIN_LFS} "
                "because the accuracies of fewer LFs cannot be identified from their agreements"
            )
        silent = np.flatnonzero(~(label_matrix != 0).any(axis=0))
        if silent.size:
            raise ValueError(
                f"LF(s) {silent.tolist()} never vote in label_matrix, so their accuracy "
                "cannot be estimated; remove them"
            )
        observed = ~np.ma.getmaskarray(agreements)
        np.fill_diagonal(observed, False)
        isolated = np.flatnonzero(~observed.any(axis=1))
        if isolated.size:
            raise ValueError(
                f"LF(s) {isolated.tolist()} never vote on a point together with another LF, "
                "so their accuracy cannot be estimated from agreements"
            )
        groups = _covote_groups(observed)
        if len(groups) > 1:
            described = "; ".join(str(members) for members, _ in groups)
            raise ValueError(
                f"the LFs form {len(groups)} groups that never vote on a common point "
                f"({described}), so their accuracies cannot be related; fit each group separately"
            )
        if not groups[0][1]:
            raise ValueError(
                "the pairs of LFs that vote together contain no odd cycle (such as three LFs "
                "that all co-vote pairwise), so the accuracies are not identifiable: scaling one "
                "side's q up and the other side's down fits the agreements equally well"
            )

    def _prepare_fit(
        self, label_matrix
    ) -> tuple[np.ndarray, np.ma.MaskedArray, dict[str, tf.Tensor]]:
        """Validate; return the label matrix, Z and the tensors the compiled fit takes."""
        self._check_hyperparameters()
        label_matrix = check_label_matrix(label_matrix)
        agreements = overlap_matrix(label_matrix)
        self._check_identifiable(label_matrix, agreements)
        mask = (~np.ma.getmaskarray(agreements)).astype(np.float64)
        np.fill_diagonal(mask, 0.0)
        n_lfs = label_matrix.shape[1]
        initial = np.random.default_rng(self.seed).uniform(0.1, 0.5, size=n_lfs)
        inputs = {
            "agreements": tf.constant(agreements.filled(0.0)),
            "mask": tf.constant(mask),
            "initial": tf.constant(initial),
            "step_size": tf.constant(float(self.step_size), tf.float64),
            "tol": tf.constant(float(self.tol), tf.float64),
            "max_steps": tf.constant(int(self.max_steps), tf.int32),
            "bound": tf.constant(1.0 - 2.0 * self.accuracy_margin, tf.float64),
        }
        return label_matrix, agreements, inputs

    def fit(self, label_matrix) -> LabelModel:
        """Estimate the LF accuracies from a label matrix.

        Parameters
        ----------
        label_matrix : array-like of shape (n_points, n_lfs)
            Votes in {-1, 0, +1}; no gold labels are used.

        Returns
        -------
        self
        """
        label_matrix, agreements, inputs = self._prepare_fit(label_matrix)
        correlations, n_iter, change, losses = _fit_correlations(**inputs)
        correlations = correlations.numpy()
        self.n_iter_ = int(n_iter)
        self.converged_ = bool(change.numpy() <= self.tol)
        if not self.converged_:
            warnings.warn(
                f"LabelModel stopped after max_steps={self.max_steps} steps with the largest "
                f"step {float(change):.2e} above tol={self.tol:.0e}; increase max_steps",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.sign_flipped_ = bool(correlations.mean() < 0)
        if self.sign_flipped_:
            correlations = -correlations
        self.correlations_ = correlations
        if self.class_prior == "estimate":
            self.class_prior_ = estimate_class_prior(
                label_matrix, correlations, margin=self.accuracy_margin
            )
        else:
            self.class_prior_ = float(self.class_prior)
        self.accuracies_ = (1.0 + correlations) / 2.0
        self.weights_ = log_odds_weights(self.accuracies_)
        self.overlap_matrix_ = agreements
        self.loss_history_ = losses.numpy()
        return self

    def _check_fitted_input(self, label_matrix) -> np.ndarray:
        if not hasattr(self, "accuracies_"):
            raise NotFittedError("this LabelModel is not fitted yet; call fit(label_matrix) first")
        label_matrix = check_label_matrix(label_matrix)
        if label_matrix.shape[1] != self.accuracies_.shape[0]:
            raise ValueError(
                f"label_matrix has {label_matrix.shape[1]} LFs but the model was fitted "
                f"on {self.accuracies_.shape[0]}"
            )
        return label_matrix

    def predict_proba(self, label_matrix) -> np.ndarray:
        """P(y = +1 | votes) for each point, shape (n_points,), with prior ``class_prior_``.

        See :func:`posterior_proba`.
        """
        label_matrix = self._check_fitted_input(label_matrix)
        return posterior_proba(label_matrix, self.accuracies_, self.class_prior_)

    def predict(self, label_matrix) -> np.ndarray:
        """Most probable label in {-1, +1}, or 0 where the posterior is exactly 1/2."""
        return np.sign(self.predict_proba(label_matrix) - 0.5).astype(np.int8)

    def score(self, label_matrix, y, ties: str = "half") -> float:
        """Accuracy of :meth:`predict` against gold labels; see :func:`accuracy` for ``ties``."""
        label_matrix = self._check_fitted_input(label_matrix)
        y = check_labels(y, "y")
        check_same_length(label_matrix=label_matrix, y=y)
        return accuracy(y, self.predict(label_matrix), ties=ties)

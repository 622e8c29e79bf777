"""Rank-one completion: the shared solver of ``Z = q q^T`` and of ``C = g g^T``.

Both label models meet the same problem.  The symmetric model's agreements are
``Z_ij = q_i q_j`` off the diagonal (see :mod:`.symmetric`); the class-conditional
model's moment estimate finds the covariance of the vote indicators of different
LFs to be ``g_a g_b`` (see :mod:`.binary_fit`).  Each is a masked rank-one
matrix completion,

    min_q  sum_{(i, j) observed} (Z_ij - q_i q_j)^2,

solved here with TensorFlow gradients in one compiled loop (:func:`fit_rank_one`,
for :class:`LabelModel`; the class-conditional model takes the same steps in NumPy,
:func:`~.binary_moments.complete_rank_one`, to need no TensorFlow), and each leaves a
global sign open, which
:func:`signs_from_agreements` settles up to one flip.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

__all__ = ["completion_loss", "fit_rank_one", "preconditioned_step", "signs_from_agreements"]


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
        tf.TensorSpec([], tf.int32),  # max_iter
        _SCALAR,  # bound on |q|
    )
)
def fit_rank_one(agreements, mask, initial, step_size, tol, max_iter, bound):
    """The whole optimisation as one graph: steps until max |dq| <= tol.

    The input signature has unknown sizes and every hyper-parameter is a
    tensor, so this function is traced once and reused by every fit.
    """
    losses = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
    correlations = initial
    change = tf.constant(np.inf, tf.float64)
    step = tf.constant(0)
    while step < max_iter and change > tol:
        new_correlations, loss = preconditioned_step(
            correlations, agreements, mask, step_size, bound
        )
        losses = losses.write(step, loss)
        change = tf.reduce_max(tf.abs(new_correlations - correlations))
        correlations = new_correlations
        step += 1
    losses = losses.write(step, completion_loss(correlations, agreements, mask))
    return correlations, step, change, losses.stack()


def signs_from_agreements(agreements: np.ndarray, magnitudes: np.ndarray) -> np.ndarray:
    """Signs s with ``s_i s_j`` matching ``sign(Z_ij)`` as far as possible, up to a global flip.

    From s = +1, as long as some LF's agreements with the others, weighted by
    their |q|, point to the other sign, ``sign(sum_j Z_ij |q_j| s_j)`` (j != i),
    the one of them with the largest |q| flips.  Each flip raises
    ``sum_ij Z_ij |q_i| |q_j| s_i s_j``, so the flips end; updating all LFs at once
    instead can cycle for ever (on one-sided LFs, whose agreements are all +-1, it
    flips every sign back and forth).  A sum within rounding of 0 is a tie and
    keeps the sign it has, so that rounding, which differs between processors,
    decides nothing.  Where s = +1 already fits (accurate LFs), this is one
    matrix-vector product.
    """
    n_lfs = magnitudes.shape[0]
    signs = np.ones(n_lfs)
    weights = agreements * magnitudes[None, :]
    np.fill_diagonal(weights, 0.0)
    ties = 1e-9 * np.abs(weights).sum(axis=1)
    rank = np.empty(n_lfs, dtype=np.int64)
    rank[np.argsort(-magnitudes, kind="stable")] = np.arange(n_lfs)
    fields = weights @ signs
    for _ in range(n_lfs * n_lfs + 1):  # far more flips than it takes
        wrong = np.flatnonzero((np.abs(fields) > ties) & (np.sign(fields) != signs))
        if wrong.size == 0:
            break
        lf = wrong[np.argmin(rank[wrong])]
        signs[lf] = -signs[lf]
        fields += 2.0 * signs[lf] * weights[:, lf]
    return signs

"""The label model: labeling-function accuracies from agreements alone.

Model (the data programming tutorial's): the LFs are conditionally independent
given the true label y, and each votes with a propensity that does not depend on
y.  Write p_i = P(lambda_i = y | LF i votes) and q_i = 2 p_i - 1.  Then for i != j

    Z_ij = E[lambda_i lambda_j | both vote] = E[lambda_i y] E[lambda_j y] = q_i q_j,

so the off-diagonal agreement matrix is rank one.  The fit solves the masked
rank-one matrix completion problem

    min_q  sum_{i != j, (i, j) observed} (Z_ij - q_i q_j)^2

with TensorFlow gradients, and the posterior of a point with votes lambda is

    P(y = +1 | lambda) = sigmoid(log(pi / (1 - pi)) + sum_i w_i lambda_i),
    w_i = log(p_i / (1 - p_i)),

with pi = P(y = +1) (1/2 unless a class prior is given or estimated).

Beyond that model: ``method="triplet"`` solves for q in closed form instead of by
gradient descent; ``dependencies=[(i, j), ...]`` leaves declared dependent
pairs out of the fit and models them jointly in the posterior (see
:mod:`dataprog_helpers.dependencies`), and :func:`find_dependencies` suggests
such pairs from the residuals of a fit; :meth:`LabelModel.fit_statistics` fits
from vote statistics accumulated chunk by chunk, for label matrices of any size.
"""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np
import tensorflow as tf

from ._validation import (
    ConvergenceWarning,
    IdentifiabilityWarning,
    NotFittedError,
    check_label_matrix,
    check_labels,
    check_positive_int,
    check_real_in_range,
    check_same_length,
    check_seed,
)
from .analysis import _CHUNK_ROWS, VoteStatistics, accuracy, log_odds_weights, sigmoid
from .dependencies import check_dependencies, dependency_forest, dependency_log_odds

__all__ = [
    "LabelModel",
    "completion_loss",
    "estimate_class_prior",
    "find_dependencies",
    "posterior_proba",
    "preconditioned_step",
    "standardized_residuals",
    "triplet_correlations",
]

#: The fewest LFs whose accuracies can be identified from their agreements: with
#: two LFs a single number Z_12 = q_1 q_2 cannot determine both q_1 and q_2.
MIN_LFS = 3

#: The ways :class:`LabelModel` can solve for q.
METHODS = ("gradient", "triplet")

#: The sign of the solution is called uncertain, and the model warns, when the LFs
#: estimated worse than random carry more than this fraction of the total |q| of
#: those estimated better than random (mean(q) is then below a third of mean(|q|)).
SIGN_MARGIN = 0.5


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
            partners = np.flatnonzero(observed[lf])
            has_odd_cycle |= bool(np.any(colour[partners] == colour[lf]))
            new = partners[colour[partners] < 0]
            colour[new] = 1 - colour[lf]
            stack.extend(new.tolist())
            members.extend(new.tolist())
        groups.append((sorted(members), has_odd_cycle))
    return groups


def _check_class_prior(class_prior, name: str = "class_prior") -> float:
    return check_real_in_range(
        class_prior, name, 0.0, 1.0, include_low=False, include_high=False
    )


def _independent_log_odds(
    label_matrix: np.ndarray, weights: np.ndarray, class_prior: float
) -> np.ndarray:
    """``log(pi / (1 - pi)) + L @ w``, a chunk of rows at a time (no n x m float copy)."""
    scores = np.empty(label_matrix.shape[0])
    for start in range(0, label_matrix.shape[0], _CHUNK_ROWS):
        rows = label_matrix[start : start + _CHUNK_ROWS]
        scores[start : start + _CHUNK_ROWS] = rows.astype(np.float64) @ weights
    if class_prior != 0.5:  # the balanced prior adds exactly nothing
        scores += np.log(class_prior) - np.log1p(-class_prior)
    return scores


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
    return sigmoid(_independent_log_odds(label_matrix, weights, class_prior))


def _prior_from_mean_votes(mean_votes: np.ndarray, correlations: np.ndarray,
                           margin: float) -> float:
    """Least-squares fit of ``mean_votes = (2 pi - 1) q``; see :func:`estimate_class_prior`."""
    strength = float(np.sum(correlations**2))
    if strength == 0.0:
        return 0.5
    imbalance = float(np.dot(correlations, mean_votes)) / strength
    return float(np.clip((1.0 + imbalance) / 2.0, margin, 1.0 - margin))


def _check_correlations(correlations, n_lfs: int) -> np.ndarray:
    correlations = np.asarray(correlations, dtype=np.float64)
    if correlations.shape != (n_lfs,):
        raise ValueError(f"correlations must have shape ({n_lfs},), got {correlations.shape}")
    return correlations


def estimate_class_prior(label_matrix, correlations, margin: float = 1e-3) -> float:
    """Estimate P(y = +1) from the LFs' mean votes and their correlations q.

    Under the label model, the mean vote of LF i over the points it votes on is
    ``E[lambda_i | LF i votes] = E[y] E[lambda_i y | votes] = (2 pi - 1) q_i``.
    The least-squares fit over the LFs gives ``2 pi - 1 = sum_i q_i m_i / sum_i q_i^2``
    with ``m_i`` the observed mean votes; the result is kept in ``[margin, 1 - margin]``.
    Returns 0.5 when every ``q_i`` is 0 (the votes then carry no information about y).
    """
    label_matrix = check_label_matrix(label_matrix)
    correlations = _check_correlations(correlations, label_matrix.shape[1])
    mean_votes = VoteStatistics.from_label_matrix(label_matrix).mean_votes()
    if np.isnan(mean_votes).any():
        raise ValueError("every LF must vote at least once to estimate the class prior")
    return _prior_from_mean_votes(mean_votes, correlations, margin)


def _signs_from_agreements(agreements: np.ndarray, magnitudes: np.ndarray) -> np.ndarray:
    """Signs s with ``s_i s_j`` matching ``sign(Z_ij)`` as far as possible, up to a global flip.

    Iterates ``s <- sign(Z (|q| s))`` from s = +1: each LF takes the sign that its
    agreements with the others, weighted by their |q|, point to.
    """
    signs = np.ones(magnitudes.shape[0])
    for _ in range(10):
        updated = np.sign(agreements @ (magnitudes * signs))
        updated[updated == 0] = 1.0
        if np.array_equal(updated, signs):
            break
        signs = updated
    return signs


def triplet_correlations(
    agreements: np.ndarray, mask: np.ndarray, counts: np.ndarray, bound: float
) -> np.ndarray:
    """Closed-form q from triplets of LFs, up to a global sign.

    For conditionally independent LFs, ``Z_ij Z_ik / Z_jk = q_i^2`` for every
    triplet of distinct LFs (the triplet method of the weak-supervision
    literature, e.g. Fu et al., *Fast and Three-rious*, ICML 2020).  A single
    triplet is fragile when ``Z_jk`` is near 0, so each ``q_i^2`` is the
    least-squares slope of ``Z_ij Z_ik`` on ``Z_jk`` over all usable triplets,

        q_i^2 = sum_{j,k} Z_ij Z_ik Z_jk / sum_{j,k} (Z_jk^2 - v_jk),

    a weighted average of the per-triplet ratios with weights ``Z_jk^2``: tiny,
    noisy denominators get tiny weight.  ``v_jk = (1 - Z_jk^2) / n_jk`` is the
    sampling variance of ``Z_jk`` (a mean of ``n_jk`` products of votes); without
    it the denominator would overstate ``(q_j q_k)^2`` by that much on average,
    which is more than the signal when pairs co-vote a few hundred times.  Both
    sums are diagonals of matrix products, so the cost is a few m x m matrix
    multiplications.  Signs come from :func:`_signs_from_agreements`.  An LF
    whose pooled denominator is not positive gets q = 0, with an
    :class:`IdentifiabilityWarning`.

    Parameters
    ----------
    agreements : ndarray of shape (m, m)
        Z, any value where ``mask`` is 0.
    mask : ndarray of shape (m, m)
        1 for observed off-diagonal pairs used in the fit, 0 elsewhere.
    counts : ndarray of shape (m, m)
        Co-vote counts ``n_jk``.
    bound : float
        |q| is capped at ``bound``.

    Returns
    -------
    ndarray of shape (m,)

    Raises
    ------
    ValueError
        If an LF belongs to no triplet whose three pairs are all used.
    """
    masked = agreements * mask
    variances = mask * (1.0 - masked**2) / np.maximum(counts, 1.0)
    numerators = np.sum((masked @ masked) * masked, axis=1)  # diag(A^3): A is symmetric
    denominators = np.sum((mask @ (masked**2 - variances)) * mask, axis=1)
    in_triangle = np.sum((mask @ mask) * mask, axis=1) > 0
    if not in_triangle.all():
        raise ValueError(
            f'method="triplet" needs every LF in a triangle of co-voting pairs; LF(s) '
            f"{np.flatnonzero(~in_triangle).tolist()} are in none (outside the declared "
            'dependencies); use method="gradient"'
        )
    undetermined = np.flatnonzero(denominators <= 0)
    if undetermined.size:
        warnings.warn(
            f"the triplet estimate of LF(s) {undetermined.tolist()} is undetermined: their "
            "triplets' agreements are indistinguishable from sampling noise, so their "
            "accuracy is set to 0.5 (weight 0)",
            IdentifiabilityWarning,
            stacklevel=5,
        )
    squares = np.divide(numerators, denominators, out=np.zeros_like(numerators),
                        where=denominators > 0)
    magnitudes = np.sqrt(np.clip(squares, 0.0, bound**2))
    return magnitudes * _signs_from_agreements(masked, magnitudes)


class LabelModel:
    """Learn labeling-function accuracies from how the LFs agree, without labels.

    Parameters
    ----------
    max_steps : int, default 500
        Most optimisation steps of the gradient fit.
    step_size : float in (0, 1], default 0.5
        Damping of the curvature-scaled gradient step (see
        :func:`preconditioned_step`); 1 would jump to each coordinate's own
        minimum, 0.5 converges steadily.
    tol : float, default 1e-9
        The gradient fit stops once no correlation q_i changes by more than
        ``tol`` in a step; a :class:`ConvergenceWarning` is issued if
        ``max_steps`` is hit first.
    accuracy_margin : float in (0, 0.5), default 1e-3
        Estimated accuracies are kept in ``[accuracy_margin, 1 - accuracy_margin]``
        so every log-odds weight is finite.
    seed : int, default 0
        Seed of the random initial correlations (uniform in [0.1, 0.5]).
    class_prior : float in (0, 1) or "estimate", default 0.5
        P(y = +1) used by the posterior.  ``"estimate"`` learns it from the mean
        votes (see :func:`estimate_class_prior`); 0.5 is the balanced prior.
    method : {"gradient", "triplet"}, default "gradient"
        How q is found: rank-one matrix completion by gradient steps in
        TensorFlow, or the closed-form triplet estimate
        (:func:`triplet_correlations`).
    dependencies : list of (i, j) pairs, optional
        Pairs of LFs known to be dependent given y (near-copies of one
        heuristic, say).  Their agreements are left out of the fit, and the
        posterior models each pair's votes jointly (see
        :mod:`dataprog_helpers.dependencies`).

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
    residuals_ : numpy.ma.MaskedArray of shape (n_lfs, n_lfs)
        ``Z_ij - q_i q_j``: what the fitted model leaves unexplained, masked on
        the diagonal and for pairs that never vote together.  Large entries
        point at dependent LFs (see :func:`find_dependencies`).
    dependencies_ : list of (i, j)
        The validated declared dependencies, sorted with i < j.
    dependency_edges_ : list of (i, j)
        The dependent pairs the posterior models jointly: a spanning forest of
        ``dependencies_`` (see :func:`~dataprog_helpers.dependencies.dependency_forest`).
    loss_history_ : ndarray of shape (n_iter_ + 1,)
        Completion loss before each step and after the last one (for the
        triplet method, one entry: the loss of its solution).
    n_iter_ : int
        Gradient steps taken (0 for the triplet method).
    converged_ : bool
        Whether the gradient fit reached ``tol`` within ``max_steps`` (always
        True for the triplet method).
    class_prior_ : float
        The P(y = +1) that :meth:`predict_proba` uses.
    sign_flipped_ : bool
        Whether the solver's solution was negated to orient it (see Notes).

    Notes
    -----
    ``q`` and ``-q`` fit Z equally well: agreements cannot tell "mostly right"
    from "mostly wrong".  The model assumes the LFs are better than random on
    average, i.e. ``mean(q) > 0``, and negates the solution otherwise; it warns
    (:class:`IdentifiabilityWarning`) when that holds by a narrow margin: when
    the LFs estimated worse than random carry more than half the total |q| of
    those estimated better than random.  Labeled dev
    points passed to :meth:`fit` decide the sign instead.  At least three LFs
    are needed, and the pairs that vote together (and are not declared
    dependent) must connect all LFs and contain an odd cycle, or the
    accuracies are not identifiable.
    """

    def __init__(
        self,
        max_steps: int = 500,
        step_size: float = 0.5,
        tol: float = 1e-9,
        accuracy_margin: float = 1e-3,
        seed: int = 0,
        class_prior: float | str = 0.5,
        method: str = "gradient",
        dependencies: list[tuple[int, int]] | None = None,
    ) -> None:
        self.max_steps = max_steps
        self.step_size = step_size
        self.tol = tol
        self.accuracy_margin = accuracy_margin
        self.seed = seed
        self.class_prior = class_prior
        self.method = method
        self.dependencies = dependencies

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
        if not isinstance(self.method, str) or self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        check_real_in_range(self.step_size, "step_size", 0.0, 1.0, include_low=False)
        check_real_in_range(self.tol, "tol", 0.0, np.inf, include_low=False, include_high=False)
        check_real_in_range(
            self.accuracy_margin, "accuracy_margin", 0.0, 0.5, include_low=False, include_high=False
        )

    @staticmethod
    def _check_identifiable(
        statistics: VoteStatistics, mask: np.ndarray, dependencies: list
    ) -> None:
        n_lfs = statistics.n_lfs
        if n_lfs < MIN_LFS:
            raise ValueError(
                f"label_matrix has {n_lfs} LFs; the label model needs at least {MIN_LFS} "
                "because the accuracies of fewer LFs cannot be identified from their agreements"
            )
        silent = np.flatnonzero(np.diag(statistics.counts) == 0)
        if silent.size:
            raise ValueError(
                f"LF(s) {silent.tolist()} never vote in label_matrix, so their accuracy "
                "cannot be estimated; remove them"
            )
        observed = mask > 0
        declared = " outside the declared dependencies" if dependencies else ""
        isolated = np.flatnonzero(~observed.any(axis=1))
        if isolated.size:
            raise ValueError(
                f"LF(s) {isolated.tolist()} never vote on a point together with another "
                f"LF{declared}, so their accuracy cannot be estimated from agreements"
            )
        groups = _covote_groups(observed)
        if len(groups) > 1:
            described = "; ".join(str(members) for members, _ in groups)
            raise ValueError(
                f"the LFs form {len(groups)} groups that never vote on a common point"
                f"{declared} ({described}), so their accuracies cannot be related; "
                "fit each group separately"
            )
        if not groups[0][1]:
            raise ValueError(
                f"the pairs of LFs that vote together{declared} contain no odd cycle (such "
                "as three LFs that all co-vote pairwise), so the accuracies are not "
                "identifiable: scaling one side's q up and the other side's down fits the "
                "agreements equally well"
            )

    def _fit_mask(
        self, agreements: np.ma.MaskedArray, dependencies: list[tuple[int, int]]
    ) -> np.ndarray:
        """1 on the observed off-diagonal pairs that inform q, 0 elsewhere."""
        mask = (~np.ma.getmaskarray(agreements)).astype(np.float64)
        np.fill_diagonal(mask, 0.0)
        for i, j in dependencies:
            mask[i, j] = mask[j, i] = 0.0
        return mask

    def _gradient_inputs(self, agreements: np.ma.MaskedArray, mask: np.ndarray) -> dict:
        """The tensors the compiled gradient fit :func:`_fit_correlations` takes."""
        initial = np.random.default_rng(self.seed).uniform(0.1, 0.5, size=mask.shape[0])
        return {
            "agreements": tf.constant(agreements.filled(0.0)),
            "mask": tf.constant(mask),
            "initial": tf.constant(initial),
            "step_size": tf.constant(float(self.step_size), tf.float64),
            "tol": tf.constant(float(self.tol), tf.float64),
            "max_steps": tf.constant(int(self.max_steps), tf.int32),
            "bound": tf.constant(self._bound, tf.float64),
        }

    @property
    def _bound(self) -> float:
        return 1.0 - 2.0 * self.accuracy_margin

    def _solve(
        self, agreements: np.ma.MaskedArray, mask: np.ndarray, counts: np.ndarray
    ) -> np.ndarray:
        """q up to sign; sets ``n_iter_``, ``converged_`` and ``loss_history_``."""
        if self.method == "triplet":
            values = agreements.filled(0.0)
            correlations = triplet_correlations(values, mask, counts, self._bound)
            residuals = mask * (values - np.outer(correlations, correlations))
            self.n_iter_, self.converged_ = 0, True
            self.loss_history_ = np.array([np.sum(residuals**2)])
            return correlations
        correlations, n_iter, change, losses = _fit_correlations(
            **self._gradient_inputs(agreements, mask)
        )
        self.n_iter_ = int(n_iter)
        self.converged_ = bool(change.numpy() <= self.tol)
        self.loss_history_ = losses.numpy()
        if not self.converged_:
            warnings.warn(
                f"LabelModel stopped after max_steps={self.max_steps} steps with the largest "
                f"step {float(change):.2e} above tol={self.tol:.0e}; increase max_steps",
                ConvergenceWarning,
                stacklevel=4,
            )
        return correlations.numpy()

    @staticmethod
    def _dev_agreement(dev_label_matrix, dev_labels, n_lfs: int) -> np.ndarray | None:
        """``sum_k L_dev[k, i] y_k`` per LF: how often each LF is right minus wrong on dev."""
        if dev_label_matrix is None and dev_labels is None:
            return None
        if dev_label_matrix is None or dev_labels is None:
            raise ValueError("pass both dev_label_matrix and dev_labels, or neither")
        dev_label_matrix = check_label_matrix(dev_label_matrix, "dev_label_matrix")
        dev_labels = check_labels(dev_labels, "dev_labels")
        check_same_length(dev_label_matrix=dev_label_matrix, dev_labels=dev_labels)
        if dev_label_matrix.shape[1] != n_lfs:
            raise ValueError(
                f"dev_label_matrix has {dev_label_matrix.shape[1]} LFs but label_matrix "
                f"has {n_lfs}"
            )
        return dev_labels.astype(np.float64) @ dev_label_matrix

    def _orient(self, correlations: np.ndarray, dev_agreement: np.ndarray | None) -> np.ndarray:
        """Pick the sign of q (see Notes); sets ``sign_flipped_`` and may warn."""
        evidence = None if dev_agreement is None else float(correlations @ dev_agreement)
        if evidence is not None and evidence != 0.0:
            self.sign_flipped_ = evidence < 0
        else:
            if evidence == 0.0:
                warnings.warn(
                    "the dev labels do not decide the sign of the solution (the LFs' votes on "
                    "them are balanced or absent); falling back to the assumption that the LFs "
                    "are better than random on average",
                    IdentifiabilityWarning,
                    stacklevel=4,
                )
            self.sign_flipped_ = bool(correlations.mean() < 0)
        oriented = -correlations if self.sign_flipped_ else correlations
        accuracies = (1.0 + oriented) / 2.0
        worse = int(np.sum(oriented < 0))
        if dev_agreement is not None and evidence != 0.0:
            if oriented.mean() < 0:
                warnings.warn(
                    f"the dev labels say the LFs are worse than random on average (mean "
                    f"estimated accuracy {accuracies.mean():.3f}; {worse} of {oriented.size} "
                    "below 0.5): check their polarity; the model follows the dev labels",
                    IdentifiabilityWarning,
                    stacklevel=4,
                )
            return oriented
        better, worse_total = oriented[oriented > 0].sum(), -oriented[oriented < 0].sum()
        if worse_total > SIGN_MARGIN * better:
            warnings.warn(
                f"the sign of the solution is uncertain: the {worse} of {oriented.size} LFs "
                f"estimated worse than random carry a total |q| of {worse_total:.2f}, more than "
                f"{SIGN_MARGIN:g} x the {better:.2f} of those estimated better than random, so "
                "the assumption that the LFs are better than random on average holds only by a "
                "narrow margin; if it is wrong, every accuracy p is really 1 - p. Pass a few "
                "labeled points (dev_label_matrix, dev_labels) to fit() to decide the sign",
                IdentifiabilityWarning,
                stacklevel=4,
            )
        return oriented

    def fit(self, label_matrix, dev_label_matrix=None, dev_labels=None) -> LabelModel:
        """Estimate the LF accuracies from a label matrix.

        Parameters
        ----------
        label_matrix : array-like of shape (n_points, n_lfs)
            Votes in {-1, 0, +1}; no gold labels are used.
        dev_label_matrix, dev_labels : array-like of shapes (n_dev, n_lfs) and (n_dev,), optional
            A few labeled points.  When given, they (not the better-than-random
            assumption) decide the sign of q: the one under which the LFs agree
            with the dev labels as q says.  Nothing else is learned from them.

        Returns
        -------
        self
        """
        self._check_hyperparameters()
        return self.fit_statistics(
            VoteStatistics.from_label_matrix(label_matrix), dev_label_matrix, dev_labels
        )

    def fit_statistics(
        self, statistics: VoteStatistics, dev_label_matrix=None, dev_labels=None
    ) -> LabelModel:
        """Fit from :class:`~dataprog_helpers.analysis.VoteStatistics`, e.g. of streamed chunks.

        The label model needs only the agreement matrix and the mean votes, so a
        label matrix too large for memory can be fitted by accumulating its
        statistics chunk by chunk (:meth:`VoteStatistics.from_chunks`).  Same
        parameters and result as :meth:`fit` otherwise.
        """
        self._check_hyperparameters()
        if not isinstance(statistics, VoteStatistics):
            raise TypeError(
                f"statistics must be a VoteStatistics, got {type(statistics).__name__}; "
                "use fit() for a label matrix"
            )
        dependencies = check_dependencies(self.dependencies, statistics.n_lfs)
        agreements = statistics.agreements()
        mask = self._fit_mask(agreements, dependencies)
        self._check_identifiable(statistics, mask, dependencies)
        dev_agreement = self._dev_agreement(dev_label_matrix, dev_labels, statistics.n_lfs)
        correlations = self._orient(
            self._solve(agreements, mask, statistics.counts), dev_agreement
        )
        self.correlations_ = correlations
        self.accuracies_ = (1.0 + correlations) / 2.0
        self.weights_ = log_odds_weights(self.accuracies_)
        if self.class_prior == "estimate":
            self.class_prior_ = _prior_from_mean_votes(
                statistics.mean_votes(), correlations, self.accuracy_margin
            )
        else:
            self.class_prior_ = float(self.class_prior)
        self.overlap_matrix_ = agreements
        residuals = np.ma.MaskedArray(
            agreements.filled(0.0) - np.outer(correlations, correlations),
            mask=np.ma.getmaskarray(agreements) | np.eye(statistics.n_lfs, dtype=bool),
        )
        self.residuals_ = residuals
        self.dependencies_ = dependencies
        self.dependency_edges_ = dependency_forest(
            dependencies, correlations, agreements, self._joint_floor
        )
        return self

    @property
    def _joint_floor(self) -> float:
        # The smallest cell of a pair's joint table the independent model allows:
        # both LFs wrong at the accuracy cap, margin * margin.
        return self.accuracy_margin**2

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

    def decision_function(self, label_matrix) -> np.ndarray:
        """Posterior log-odds ``log P(y = +1 | votes) / P(y = -1 | votes)``, shape (n_points,).

        ``log(pi / (1 - pi)) + sum_i w_i lambda_i``, plus the joint terms of the
        dependent pairs in ``dependency_edges_`` (see
        :func:`~dataprog_helpers.dependencies.dependency_log_odds`).
        """
        label_matrix = self._check_fitted_input(label_matrix)
        scores = _independent_log_odds(label_matrix, self.weights_, self.class_prior_)
        if self.dependency_edges_:
            scores += dependency_log_odds(
                label_matrix, self.correlations_, self.overlap_matrix_,
                self.dependency_edges_, self._joint_floor,
            )
        return scores

    def predict_proba(self, label_matrix) -> np.ndarray:
        """P(y = +1 | votes) for each point, shape (n_points,), with prior ``class_prior_``.

        Without dependencies this is :func:`posterior_proba` with the estimated
        accuracies; see :meth:`decision_function`.
        """
        return sigmoid(self.decision_function(label_matrix))

    def predict(self, label_matrix) -> np.ndarray:
        """Most probable label in {-1, +1}, or 0 where the posterior is exactly 1/2."""
        return np.sign(self.decision_function(label_matrix)).astype(np.int8)

    def score(self, label_matrix, y, ties: str = "half") -> float:
        """Accuracy of :meth:`predict` against gold labels; see :func:`accuracy` for ``ties``."""
        label_matrix = self._check_fitted_input(label_matrix)
        y = check_labels(y, "y")
        check_same_length(label_matrix=label_matrix, y=y)
        return accuracy(y, self.predict(label_matrix), ties=ties)


def standardized_residuals(
    statistics: VoteStatistics, correlations: np.ndarray
) -> np.ma.MaskedArray:
    """Residuals ``Z_ij - q_i q_j`` divided by their standard errors under the model.

    ``Z_ij`` is a mean of ``n_ij`` products of votes in {-1, +1} with mean
    ``q_i q_j``, so its standard error is ``sqrt((1 - (q_i q_j)^2) / n_ij)``.
    Under the model each entry is roughly standard normal.

    Returns
    -------
    numpy.ma.MaskedArray of shape (n_lfs, n_lfs)
        Masked on the diagonal and for pairs that never vote together.
    """
    if not isinstance(statistics, VoteStatistics):
        raise TypeError(f"statistics must be a VoteStatistics, got {type(statistics).__name__}")
    correlations = _check_correlations(correlations, statistics.n_lfs)
    agreements = statistics.agreements()
    expected = np.outer(correlations, correlations)
    variance = np.maximum(1.0 - expected**2, 1e-12) / np.maximum(statistics.counts, 1.0)
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
    :func:`_signs_from_agreements`.
    """
    agreements = statistics.agreements()
    observed = ~np.ma.getmaskarray(agreements)
    np.fill_diagonal(observed, False)
    values = agreements.filled(0.0)
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
    return magnitudes * _signs_from_agreements(values, magnitudes)


def find_dependencies(
    label_matrix, significance: float = 1e-3, seed: int = 0, max_rounds: int = 20,
) -> list[tuple[int, int]]:
    """Suggest dependent pairs of LFs from the residuals ``Z_ij - q_i q_j``.

    Each residual is standardised (:func:`standardized_residuals`), and a pair is
    flagged when its |z| exceeds the Bonferroni threshold for
    ``n_lfs (n_lfs - 1) / 2`` two-sided tests at family-wise level
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
        robust q is noisier (and biased towards 0) than a least-squares fit:
        ``benchmarks/dependency_search.py`` measures 2 of 200 data sets of the
        tutorial setting.
    seed : int, default 0
        Seed of the label model refits.
    max_rounds : int, default 20
        Most refits.

    Returns
    -------
    list of (i, j) with i < j, most significant first.
    """
    statistics = VoteStatistics.from_label_matrix(label_matrix)
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
                LabelModel._check_identifiable(
                    statistics, LabelModel()._fit_mask(agreements, flagged + [pair]), [pair]
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
        warnings.warn(
            f"find_dependencies stopped after max_rounds={max_rounds} refits with the flagged "
            "set still changing; the pairs returned are those of the last round",
            ConvergenceWarning,
            stacklevel=2,
        )
    return found

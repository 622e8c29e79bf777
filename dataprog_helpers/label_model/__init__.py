"""The label models: LF parameters from the votes alone, and the posterior they give.

One module per idea:

- ``statistics``: :class:`VoteStatistics`, the sums over rows that both models
  fit from (so streamed and distributed data are fitted the same way);
  ``row_sums``: one chunk's sums, exact, and its pattern histogram;
- ``base``: what the models share (validation, orientation, the class prior,
  the posterior as a sum of per-LF log-ratio tables);
- ``estimator``: :class:`BaseLabelModel`, whose template ``fit`` every model
  follows (read the votes, check the dev set, estimate, orient, set the fitted
  attributes) through its own ``FitSteps``, and prediction and scoring;
- ``rank_one``: the masked rank-one completion both models solve, in TensorFlow for
  :class:`LabelModel` (the class-conditional moment estimate takes the same steps in
  NumPy);
- ``graphs``: co-vote groups, dependency groups and spanning forests
  (:mod:`scipy.sparse.csgraph`);
- ``symmetric``: :class:`LabelModel`, the tutorial's model (class-symmetric
  accuracies, voting independent of y), and its steps in the template fit;
  ``symmetric_completion``: how it finds q (the masked completion, whether the
  pairs identify q, the triplet solution) and the class prior;
- ``class_conditional``: :class:`ClassConditionalLabelModel`, a vote
  distribution per LF and class (the Dawid-Skene family), for one-sided LFs;
  with ``cardinality=k`` it fits k classes through ``class_fit`` (validation,
  structures by BIC, orientation), ``multiclass`` (the NumPy EM on vote
  indicators), ``class_structures`` (full and symmetric tables),
  ``inapplicable_share`` (points no LF applies to), ``orientation`` (which class
  is which), ``dask_em`` (the same EM on a cluster) and ``class_posterior`` (the
  k-class posterior in NumPy); with two
  classes through ``binary_steps`` (its steps in the template fit), ``binary_fit``
  (EM's steps, in NumPy), ``binary_patterns`` (the vote patterns it reads, coded
  block by block, and the sums over them), ``binary_dask`` (the same on a
  cluster: the histogram gathered, or EM by map-reduce), ``binary_moments`` (the
  moment estimate, in NumPy) and ``dependency_blocks`` (how declared dependency
  groups are coded);
- ``vote_tables``: two-class posteriors from given vote distributions, and vote
  distributions as tables;
- ``dependencies``: the joint votes of declared dependent LFs in the posterior;
- ``diagnostics``: residuals and :func:`find_dependencies`;
  ``indicator_residuals``: its search under the class-conditional model
  (``model="class-conditional"``).

The names below are imported on first use, so ``VoteStatistics`` (NumPy only)
does not import TensorFlow.
"""

from ..utils.lazy_exports import lazy_exports

_HOMES = {
    "ClassConditionalLabelModel": "class_conditional",
    "conditional_posterior_proba": "vote_tables",
    "vote_distribution_table": "vote_tables",
    "find_dependencies": "diagnostics",
    "standardized_residuals": "diagnostics",
    "log_odds_weights": "base",
    "completion_loss": "rank_one",
    "preconditioned_step": "rank_one",
    "VoteStatistics": "statistics",
    "LabelModel": "symmetric",
    "estimate_class_prior": "symmetric_completion",
    "posterior_proba": "symmetric",
    "triplet_correlations": "symmetric_completion",
}
__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_exports(__name__, globals(), _HOMES)

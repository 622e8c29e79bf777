"""The label models: LF parameters from the votes alone, and the posterior they give.

One module per idea:

- ``statistics``: :class:`VoteStatistics`, the sums over rows that both models
  fit from (so streamed and distributed data are fitted the same way);
- ``base``: what the models share (validation, orientation, the class prior,
  the posterior as a sum of per-LF log-ratio tables);
- ``symmetric``: :class:`LabelModel`, the tutorial's model (class-symmetric
  accuracies, voting independent of y) and its solvers;
- ``class_conditional``: :class:`ClassConditionalLabelModel`, a vote
  distribution per LF and class (the Dawid-Skene family), for one-sided LFs;
- ``dependencies`` and ``diagnostics``: dependent LFs, residuals and
  :func:`find_dependencies`; ``indicator_residuals``: its search under the
  class-conditional model (``model="class-conditional"``).
"""

from .class_conditional import (
    ClassConditionalLabelModel,
    conditional_posterior_proba,
    vote_distribution_table,
)
from .diagnostics import find_dependencies, standardized_residuals
from .statistics import VoteStatistics
from .symmetric import (
    LabelModel,
    completion_loss,
    estimate_class_prior,
    posterior_proba,
    preconditioned_step,
    triplet_correlations,
)

__all__ = [
    "ClassConditionalLabelModel",
    "LabelModel",
    "VoteStatistics",
    "completion_loss",
    "conditional_posterior_proba",
    "estimate_class_prior",
    "find_dependencies",
    "posterior_proba",
    "preconditioned_step",
    "standardized_residuals",
    "triplet_correlations",
    "vote_distribution_table",
]

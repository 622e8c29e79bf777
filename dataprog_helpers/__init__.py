"""Helpers for the data programming tutorial.

One module per idea: ``synthetic`` (data), ``analysis`` (majority vote, agreements,
LF summaries), ``label_model``, ``end_model``, ``plots`` and ``experiment`` (the
whole pipeline in one call).  The public names are re-exported here.
"""

from ._validation import ConvergenceWarning, NotFittedError
from .analysis import accuracy, lf_summary, majority_vote, overlap_counts, overlap_matrix
from .end_model import NoiseAwareClassifier, noise_aware_loss
from .label_model import LabelModel, estimate_class_prior, log_odds_weights, posterior_proba
from .plots import (
    plot_accuracy_bars,
    plot_accuracy_estimates,
    plot_label_matrix,
    plot_loss_curve,
    plot_overlap_matrix,
    plot_posterior_histogram,
)
from .synthetic import TutorialData, make_features, make_label_matrix, make_tutorial_data

__all__ = [
    "ConvergenceWarning",
    "LabelModel",
    "NoiseAwareClassifier",
    "NotFittedError",
    "TutorialData",
    "accuracy",
    "estimate_class_prior",
    "lf_summary",
    "log_odds_weights",
    "majority_vote",
    "make_features",
    "make_label_matrix",
    "make_tutorial_data",
    "noise_aware_loss",
    "overlap_counts",
    "overlap_matrix",
    "plot_accuracy_bars",
    "plot_accuracy_estimates",
    "plot_label_matrix",
    "plot_loss_curve",
    "plot_overlap_matrix",
    "plot_posterior_histogram",
    "posterior_proba",
]

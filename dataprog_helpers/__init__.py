"""Helpers for the data programming tutorial: synthetic data, label model, end model, plots."""

from ._validation import ConvergenceWarning, NotFittedError
from .analysis import accuracy, lf_summary, majority_vote, overlap_counts, overlap_matrix
from .label_model import LabelModel, log_odds_weights, posterior_proba
from .synthetic import TutorialData, make_features, make_label_matrix, make_tutorial_data

__all__ = [
    "ConvergenceWarning",
    "LabelModel",
    "NotFittedError",
    "TutorialData",
    "accuracy",
    "lf_summary",
    "log_odds_weights",
    "majority_vote",
    "make_features",
    "make_label_matrix",
    "make_tutorial_data",
    "overlap_counts",
    "overlap_matrix",
    "posterior_proba",
]

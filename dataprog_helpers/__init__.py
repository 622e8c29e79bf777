"""Helpers for the data programming tutorial.

One module per idea: ``synthetic`` (simulated data), ``datasets`` (real data),
``labeling`` (applying labeling functions), ``spam_lfs`` (labeling functions
for the YouTube spam data), ``analysis`` (majority vote, agreements, LF
summaries, scores), ``label_model`` (a subpackage: vote statistics, the
symmetric and the class-conditional label models, dependencies and
diagnostics), ``end_model``, ``text_features`` (texts as bags of n-grams),
``plots``, ``experiment`` (whole experiments in one call), ``leaderboard``
(every label model on the same LF sets) and ``explorer`` (the interactive
explorer of notebook 00).
The public names are re-exported here.
"""

from ._validation import ConvergenceWarning, IdentifiabilityWarning, NotFittedError
from .analysis import (
    accuracy,
    calibration_table,
    expected_calibration_error,
    f1_score,
    lf_summary,
    log_odds_weights,
    loglog_slope,
    majority_vote,
    overlap_counts,
    overlap_matrix,
    score_table,
)
from .datasets import (
    DataSplits,
    YouTubeSpamSplits,
    load_breast_cancer_frame,
    load_youtube_spam,
    split_dev_test,
    youtube_spam_splits,
)
from .end_model import NoiseAwareClassifier, noise_aware_loss
from .explorer import (
    ExplorerResult,
    ExplorerSettings,
    LabelModelExplorer,
    explorer_sweep,
    run_explorer,
    simulate_label_matrix,
)
from .label_model import (
    ClassConditionalLabelModel,
    LabelModel,
    VoteStatistics,
    conditional_posterior_proba,
    estimate_class_prior,
    find_dependencies,
    posterior_proba,
    standardized_residuals,
    vote_distribution_table,
)
from .labeling import LabelingFunctionError, apply_lfs, lf_names
from .lf_development import LFDevelopmentRound
from .plots import (
    plot_accuracy_bars,
    plot_accuracy_estimates,
    plot_estimator_comparison,
    plot_explorer,
    plot_explorer_sweep,
    plot_hand_label_curve,
    plot_label_matrix,
    plot_leaderboard,
    plot_loglog,
    plot_loss_curve,
    plot_overlap_matrix,
    plot_posterior_histogram,
    plot_reliability,
    plot_two_lf_ambiguity,
)
from .synthetic import (
    TutorialData,
    add_near_copies,
    make_features,
    make_label_matrix,
    make_one_sided_label_matrix,
    make_tutorial_data,
    sample_label_matrix,
)
from .text_features import BagOfNgrams

__all__ = [
    "BagOfNgrams",
    "ClassConditionalLabelModel",
    "ConvergenceWarning",
    "DataSplits",
    "ExplorerResult",
    "ExplorerSettings",
    "IdentifiabilityWarning",
    "LabelModel",
    "LabelModelExplorer",
    "NoiseAwareClassifier",
    "NotFittedError",
    "TutorialData",
    "VoteStatistics",
    "YouTubeSpamSplits",
    "accuracy",
    "add_near_copies",
    "LabelingFunctionError",
    "apply_lfs",
    "LFDevelopmentRound",
    "calibration_table",
    "conditional_posterior_proba",
    "estimate_class_prior",
    "expected_calibration_error",
    "explorer_sweep",
    "f1_score",
    "find_dependencies",
    "lf_names",
    "lf_summary",
    "load_breast_cancer_frame",
    "load_youtube_spam",
    "log_odds_weights",
    "loglog_slope",
    "majority_vote",
    "make_features",
    "make_label_matrix",
    "make_one_sided_label_matrix",
    "make_tutorial_data",
    "noise_aware_loss",
    "overlap_counts",
    "overlap_matrix",
    "plot_accuracy_bars",
    "plot_accuracy_estimates",
    "plot_estimator_comparison",
    "plot_explorer",
    "plot_explorer_sweep",
    "plot_hand_label_curve",
    "plot_label_matrix",
    "plot_leaderboard",
    "plot_loglog",
    "plot_loss_curve",
    "plot_overlap_matrix",
    "plot_posterior_histogram",
    "plot_reliability",
    "plot_two_lf_ambiguity",
    "posterior_proba",
    "run_explorer",
    "sample_label_matrix",
    "score_table",
    "simulate_label_matrix",
    "split_dev_test",
    "standardized_residuals",
    "vote_distribution_table",
    "youtube_spam_splits",
]

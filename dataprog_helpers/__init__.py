"""Helpers for the data programming tutorial.

One module per idea: ``synthetic`` (simulated data), ``datasets`` (real data),
``labeling`` (applying labeling functions), ``lf_development`` (rounds of LF
writing), ``spam_lfs`` and ``tumour_lfs`` (labeling functions for the course's
real data sets), ``analysis`` (majority vote, agreements, LF summaries,
scores), ``label_model`` (a subpackage: vote statistics, the symmetric and the
class-conditional label models, dependencies and diagnostics), ``end_model``,
``text_features`` (texts as bags of n-grams), ``plots``, ``experiment`` (whole
experiments in one call), ``leaderboard`` (every label model on the same LF
sets), ``explorer`` (the interactive explorer of notebook 00) and ``output``
(the probabilistic labels as a Parquet data set).

The pipeline's names (data, labeling functions, label models, end model,
scores) are re-exported here; the rest is reached through its submodule:
``dh.plots.plot_agreement_matrix``, ``dh.explorer.run_explorer``,
``dh.experiment.streaming_run``.  Everything is imported on first use, so
``import dataprog_helpers`` does not import TensorFlow until a model needs it.
"""

from ._lazy import lazy_exports

#: The pipeline: public name -> the submodule that defines it.
_PIPELINE = {
    **dict.fromkeys(["ConvergenceWarning", "IdentifiabilityWarning", "NotFittedError"],
                    "_validation"),
    **dict.fromkeys(["TutorialData", "make_tutorial_data", "make_features",
                     "make_label_matrix", "make_one_sided_label_matrix",
                     "sample_label_matrix", "add_near_copies"], "synthetic"),
    **dict.fromkeys(["DataSplits", "YouTubeSpamSplits", "load_breast_cancer_frame",
                     "load_youtube_spam", "split_dev_test", "youtube_spam_splits"],
                    "datasets"),
    **dict.fromkeys(["LabelingFunctionError", "apply_lfs", "lf_names"], "labeling"),
    "LFDevelopmentRound": "lf_development",
    **dict.fromkeys(["accuracy", "agreement_matrix", "calibration_table",
                     "expected_calibration_error", "f1_score", "labels_from_probabilities",
                     "lf_summary", "log_odds_weights", "majority_vote", "overlap_counts",
                     "score_table"], "analysis"),
    **dict.fromkeys(["ClassConditionalLabelModel", "LabelModel", "VoteStatistics",
                     "conditional_posterior_proba", "estimate_class_prior",
                     "find_dependencies", "posterior_proba", "standardized_residuals",
                     "vote_distribution_table"], "label_model"),
    **dict.fromkeys(["NoiseAwareClassifier", "noise_aware_loss"], "end_model"),
    "BagOfNgrams": "text_features",
    "write_probabilistic_labels": "output",
}

#: Names that older code imports from the top level: they still work, but are
#: not part of ``__all__``; their submodule is their home.
_ELSEWHERE = {
    **dict.fromkeys(["ExplorerResult", "ExplorerSettings", "LabelModelExplorer",
                     "explorer_sweep", "plot_explorer", "plot_explorer_sweep",
                     "run_explorer", "simulate_label_matrix"], "explorer"),
    **dict.fromkeys(["plot_accuracy_bars", "plot_accuracy_estimates", "plot_agreement_matrix",
                     "plot_estimator_comparison", "plot_hand_label_curve",
                     "plot_label_matrix", "plot_leaderboard", "plot_loglog",
                     "plot_loss_curve", "plot_overlap_matrix", "plot_posterior_histogram",
                     "plot_reliability", "plot_two_lf_ambiguity"], "plots"),
    **dict.fromkeys(["loglog_slope", "overlap_matrix"], "analysis"),
}

_SUBMODULES = [
    "analysis", "datasets", "end_model", "experiment", "explorer", "label_model",
    "labeling", "leaderboard", "lf_development", "output", "plots", "spam_lfs", "synthetic",
    "text_features", "tumour_lfs",
]

__all__ = sorted(_PIPELINE)
__getattr__, __dir__ = lazy_exports(__name__, globals(), {**_PIPELINE, **_ELSEWHERE},
                                    _SUBMODULES)

"""Data programming: label data with labeling functions, a label model and a noise-aware classifier.

The package has two layers, and the dependency runs one way:

=====================  ==============================================================
the library            what a practitioner imports to label their own data
=====================  ==============================================================
``labeling``           :func:`apply_lfs`: LFs written in Python -> the label matrix L
``lf_development``     :class:`LFDevelopmentRound`: one round of writing LFs, judged on dev
``analysis``           L before any model: :func:`majority_vote`, :func:`agreement_matrix`,
                       :func:`lf_summary`
``label_model``        :class:`LabelModel`, :class:`ClassConditionalLabelModel`,
                       :class:`VoteStatistics`, :func:`find_dependencies` (a subpackage)
``end_model``          :class:`NoiseAwareClassifier`, trained on probabilistic labels
``text_features``      :class:`BagOfNgrams`: texts as features for the end model
``scores``             :func:`accuracy` with a tie policy, F1, calibration
``calibration``        :class:`TemperatureScaling`: over-sharp posteriors softened on dev
``comparison``         :func:`compare_predictions`: two predictors on the same points, paired;
                       ``comparison.compare_over_splits``: a difference over repeated splits
``model_choice``       :func:`select_label_model`: a label model or majority vote, chosen on dev
``output``             :func:`write_probabilistic_labels`: Parquet, complete or absent
``datasets``           :func:`load_youtube_spam`: a real data set, shipped
``exceptions``         the warnings and errors the package raises
``utils``              input checks, chunking, optional Dask, lazy imports (internal)
---------------------  --------------------------------------------------------------
``course``             what exists for the lessons: the tutorial's simulation, the
                       course's data and LFs, experiments, the leaderboard, the
                       explorer, figures, and :func:`course.setup` for a notebook
=====================  ==============================================================

The course imports the library, never the other way round.  The names in
``__all__`` are the library's; the course's are reached through
``dataprog_helpers.course`` (``dh.course.make_tutorial_data``,
``dh.course.plots.plot_agreement_matrix``).  Everything is imported on first
use, so ``import dataprog_helpers`` does not import TensorFlow until a model
needs it.
"""

from .utils.lazy_exports import lazy_exports

#: The library's public names: name -> the submodule that defines it.
_LIBRARY = {
    **dict.fromkeys(["ABSTAIN", "apply_lfs", "lf_names", "signed_label_matrix"], "labeling"),
    "LFDevelopmentRound": "lf_development",
    **dict.fromkeys(["agreement_matrix", "lf_summary", "majority_vote",
                     "majority_vote_proba", "overlap_counts"], "analysis"),
    **dict.fromkeys(["accuracy", "calibration_table", "expected_calibration_error",
                     "f1_score", "labels_from_probabilities", "score_table"], "scores"),
    **dict.fromkeys(["ClassConditionalLabelModel", "LabelModel", "VoteStatistics",
                     "find_dependencies", "vote_distribution_table"], "label_model"),
    "compare_predictions": "comparison",
    "TemperatureScaling": "calibration",
    "select_label_model": "model_choice",
    "NoiseAwareClassifier": "end_model",
    "BagOfNgrams": "text_features",
    "write_probabilistic_labels": "output",
    **dict.fromkeys(["load_youtube_spam", "youtube_spam_splits"], "datasets"),
    **dict.fromkeys(["IdentifiabilityWarning", "LabelingFunctionError"], "exceptions"),
}

_SUBMODULES = [
    "analysis", "calibration", "comparison", "course", "datasets", "end_model", "exceptions",
    "label_model", "labeling", "lf_development", "model_choice", "output", "scores",
    "text_features", "utils",
]

__all__ = sorted(_LIBRARY)
__getattr__, __dir__ = lazy_exports(__name__, globals(), _LIBRARY, _SUBMODULES)

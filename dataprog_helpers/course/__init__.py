"""What exists for the lessons: the course's simulation, data, LFs, experiments and figures.

It imports the library (:mod:`dataprog_helpers`) and the library never imports it.
One module per idea:

- ``synthetic``: the tutorial's simulated data (features, gold labels, LFs),
  one-sided LFs and near-copies;
- ``datasets``: notebook 6's breast cancer data and its stratified split;
- ``keyword_simulation``: correlated one-sided keyword LFs over six classes, which
  break the label models' assumptions;
- ``crowd``: simulated annotators of stated skill, as LFs (notebook 10);
- ``spam_lfs``, ``tumour_lfs``, ``topic_lfs`` and ``wine_lfs``: labeling functions for
  the course's real data (``topic_lfs`` and ``wine_lfs`` for k classes);
- ``experiment``: whole experiments in one call (notebook 5's rates, streaming);
- ``hand_labels``: what data programming is worth in hand labels, with a bootstrap
  interval over the test points and the draws together;
- ``dev_labels``: how many dev labels a paired test needs to see a difference;
- ``leaderboard``: every label model on the same LF sets; ``class_leaderboard``: the
  same for k classes, paired with majority vote;
- ``explorer``: notebook 0's interactive explorer;
- ``plots``: the course's figures.

:func:`setup` is the first call of every notebook.  The simulation's names are
re-exported here (``dh.course.make_tutorial_data``); the rest is reached through
its module (``dh.course.plots.plot_agreement_matrix``).
"""

from __future__ import annotations

import os

from ..utils.lazy_exports import lazy_exports

__all__ = [
    "DataSplits",
    "TutorialData",
    "add_near_copies",
    "load_breast_cancer_frame",
    "make_class_conditional_tables",
    "make_features",
    "make_label_matrix",
    "make_one_sided_label_matrix",
    "make_tutorial_data",
    "sample_class_label_matrix",
    "sample_label_matrix",
    "setup",
    "split_dev_test",
]

#: Environment variables that must be set before TensorFlow is imported: no C++
#: start-up lines on stderr (which nbval would compare) and no oneDNN kernels
#: (whose results depend on the processor).
TENSORFLOW_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def setup(seed: int = 0, *, tensorflow: bool = True, precision: int = 3) -> None:
    """Prepare a notebook: TensorFlow quiet and deterministic, seeds fixed, tables rounded.

    Call it first, before anything imports TensorFlow: it sets the environment
    variables TensorFlow reads once, at import (:data:`TENSORFLOW_ENVIRONMENT`).
    Then, with ``tensorflow=True``, it seeds Python's, NumPy's and TensorFlow's
    global random generators (``keras.utils.set_random_seed``) and switches on
    TensorFlow's op determinism, which needs those seeds; and it sets pandas to
    show ``precision`` decimals.  A notebook that calls it prints the same
    numbers on every run, and nothing on stderr.

    Parameters
    ----------
    seed : int, default 0
    tensorflow : bool, default True
        Import TensorFlow and make it deterministic.  False leaves it unimported
        (a notebook that never trains a model, such as one that only drives a Dask
        cluster); the environment variables are set either way.
    precision : int, default 3
        ``pandas.options.display.precision``.

    Examples
    --------
    >>> import dataprog_helpers as dh
    >>> dh.course.setup(seed=0, tensorflow=False)
    >>> import pandas as pd
    >>> pd.options.display.precision
    3
    """
    for name, value in TENSORFLOW_ENVIRONMENT.items():
        os.environ[name] = value
    import pandas as pd

    pd.options.display.precision = precision
    if tensorflow:
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()


_HOMES = {
    **dict.fromkeys(["TutorialData", "add_near_copies", "make_class_conditional_tables",
                     "make_features", "make_label_matrix",
                     "make_one_sided_label_matrix", "make_tutorial_data",
                     "sample_class_label_matrix", "sample_label_matrix"], "synthetic"),
    **dict.fromkeys(["DataSplits", "load_breast_cancer_frame", "split_dev_test"], "datasets"),
}
_SUBMODULES = ["class_leaderboard", "crowd", "datasets", "dev_labels", "experiment",
               "explorer", "hand_labels",
               "keyword_simulation", "leaderboard", "plots", "spam_lfs", "synthetic",
               "topic_lfs", "tumour_lfs", "wine_lfs"]
__getattr__, __dir__ = lazy_exports(__name__, globals(), _HOMES, _SUBMODULES)

# IPython start-up file of the portability check (``tools/portability.py``).
#
# Not part of the package and never imported: the check copies it into the
# ``profile_default/startup`` folder of a temporary ``IPYTHONDIR``, so every notebook
# kernel that nbval starts runs it before the notebook's first cell.  Output it writes
# has no cell to belong to, so nbval never sees it.  It reads two variables:
#
# ``DATAPROG_PROXY_ONEDNN=1``
#     Import TensorFlow with oneDNN's CPU kernels switched on.  TensorFlow reads the
#     switch once, when it is imported, so the notebook's set-up cell, which switches
#     them off, no longer can: matrix products and several other operations then run on
#     oneDNN's kernels instead of Eigen's.
#
# ``DATAPROG_PROXY_PERTURBATION=<size>``
#     Multiply every floating-point input of the two learned models by ``1 + size * z``,
#     with z standard normal, seeded by the input's own values (so equal inputs stay
#     equal), and at least one unit in the last place of the array's precision (so
#     float32 inputs change too): the label model's vote statistics (the
#     agreements Z and the mean votes, from ``VoteStatistics``) and the end model's
#     features and soft labels (as ``NoiseAwareClassifier`` validates them).  A printed
#     number that moves under a perturbation many times larger than a rounding
#     difference would move on some other processor too.
#
# Everything happens inside one function that deletes itself, so the notebook's
# namespace is left exactly as a normal kernel's.
#
# (Comments, not a docstring: a docstring would set the kernel's __doc__.)


def _install_portability_proxy() -> None:
    import os

    if os.environ.get("DATAPROG_PROXY_ONEDNN") == "1":
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
        import tensorflow as tf

        tf.linalg.matmul(tf.ones((4, 4)), tf.ones((4, 4)))  # load the kernels now

    size = os.environ.get("DATAPROG_PROXY_PERTURBATION")
    if not size:
        return
    size = float(size)

    import functools
    import hashlib

    import numpy as np
    import scipy.sparse

    import dataprog_helpers.end_model as end_model
    import dataprog_helpers.label_model.binary_patterns as binary_patterns
    import dataprog_helpers.label_model.statistics as statistics

    def perturbed(array):
        if scipy.sparse.issparse(array):  # the stored entries; the zeros stay exact zeros
            matrix = array.copy()
            matrix.data = perturbed(matrix.data)
            return matrix
        # Seeded by the values themselves, as a processor's rounding is: equal inputs get
        # equal perturbations (streamed and whole statistics stay identical), others not.
        values = np.ascontiguousarray(np.ma.getdata(array))
        digest = hashlib.sha256(values.tobytes() + str(values.shape).encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        # At least one unit in the last place: a smaller change would round away.
        factor = 1.0 + max(size, np.finfo(array.dtype).eps) * rng.standard_normal(array.shape)
        if isinstance(array, np.ma.MaskedArray):
            return np.ma.MaskedArray(array.data * factor, mask=array.mask)
        return (array * factor).astype(array.dtype)

    def perturbing(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            return perturbed(function(*args, **kwargs))

        return wrapper

    # A renamed target must fail the check loudly, not leave a variant that changes nothing.
    for owner, name in (
        (statistics.VoteStatistics, "agreements"),
        (statistics.VoteStatistics, "mean_votes"),
        (statistics.VoteStatistics, "covote_counts"),
        (binary_patterns, "pattern_weights"),
        (end_model, "check_features"),
        (end_model, "check_probabilities"),
        (end_model, "check_class_probabilities"),
    ):
        setattr(owner, name, perturbing(getattr(owner, name)))


_install_portability_proxy()
del _install_portability_proxy

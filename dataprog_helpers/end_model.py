"""The noise-aware discriminative (end) model, trained on probabilistic labels.

Given soft labels ``t_i = P(y_i = +1)`` from the label model, the expected
logistic loss of a classifier with logit ``f(x)`` is

    E_y[loss] = -t_i log sigmoid(f(x_i)) - (1 - t_i) log(1 - sigmoid(f(x_i))),

the binary cross-entropy against the soft target.  Its gradient with respect
to the logit is ``sigmoid(f(x_i)) - t_i``: every label pulls the prediction
towards its own t, a label of 1/2 towards "not sure" as firmly as a label of 1
towards "+1" from the same distance.  With hard targets (t in {0, 1}) it is the usual
loss, so the same class also trains the "gold labels" baseline.

What the model learns is ``E[t | x]``, not ``P(y = +1 | x)``.  When the LF votes
and the features are independent given y, and t is calibrated,

    E[t | x] = E[t | y = -1] + (E[t | y = +1] - E[t | y = -1]) P(y = +1 | x),

with ``E[t | y = +1] = E[t^2] / pi``, ``E[t | y = -1] = E[t (1 - t)] / (1 - pi)``
and ``pi = E[t]``: a line that shrinks P(y = +1 | x) towards the prior.  With
balanced classes it crosses 1/2 where P(y = +1 | x) does; with imbalanced ones
it may never reach 1/2.  ``correct_shrinkage=True`` inverts the line.

With k classes the soft labels are rows ``t_i = (P(y_i = 0), ..., P(y_i = k-1))``
and the network has k logits ``f(x)``; the expected loss is the cross-entropy
``-sum_c t_ic log softmax(f(x_i))_c``, whose gradient with respect to the logits is
``softmax(f(x_i)) - t_i``: the same pull towards each point's own label vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import keras
import numpy as np
import scipy.sparse
import tensorflow as tf
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.validation import check_is_fitted

from .scores import accuracy, labels_from_probabilities
from .utils.chunks import row_chunks
from .utils.validation import (
    Interval,
    StrOptions,
    check_class_labels,
    check_class_probabilities,
    check_features,
    check_labels,
    check_positive_int,
    check_probabilities,
    check_same_length,
)

__all__ = ["NoiseAwareClassifier", "noise_aware_loss"]

#: The precisions :class:`NoiseAwareClassifier` computes in.
DTYPES = ("float64", "float32")

#: The largest seed TensorFlow's stateless random operations take (an int32).
MAX_INT32 = 2**31 - 1


def noise_aware_loss(soft_labels: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
    """Mean expected loss: the cross-entropy of ``logits`` against the soft labels.

    Soft labels of shape (n,) are P(y = +1) against one logit per point (sigmoid
    cross-entropy); of shape (n, k), one probability per class against k logits
    (softmax cross-entropy).
    """
    if soft_labels.shape.rank == 2:
        return tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=soft_labels, logits=logits))
    return tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=soft_labels, logits=logits)
    )


def _target_means(targets: np.ndarray) -> np.ndarray:
    """Estimated ``(E[t | y = -1], E[t | y = +1])`` of calibrated soft labels t (see module)."""
    targets = targets.astype(np.float64)
    prior = targets.mean()
    if not 0.0 < prior < 1.0:
        return np.full(2, np.nan)
    return np.array([np.mean(targets * (1.0 - targets)) / (1.0 - prior),
                     np.mean(targets**2) / prior])


class _SparseRows:
    """A CSR matrix held as ragged tensors, so that a graph can pick its rows.

    ``rows(batch)`` is the ``tf.SparseTensor`` of the rows ``batch`` (in that
    order), ``rows()`` the whole matrix; both have sorted column indices.
    """

    def __init__(self, matrix: scipy.sparse.csr_array, dtype: str) -> None:
        row_splits = tf.constant(matrix.indptr, tf.int64)
        self.columns = tf.RaggedTensor.from_row_splits(
            tf.constant(matrix.indices, tf.int64), row_splits
        )
        self.values = tf.RaggedTensor.from_row_splits(tf.constant(matrix.data, dtype), row_splits)
        self.n_features = matrix.shape[1]
        self.whole = self._sparse_tensor(self.columns, self.values)

    def _sparse_tensor(self, columns: tf.RaggedTensor, values: tf.RaggedTensor) -> tf.SparseTensor:
        indices = tf.stack([columns.value_rowids(), columns.flat_values], axis=1)
        shape = tf.stack([columns.nrows(), tf.constant(self.n_features, tf.int64)])
        return tf.SparseTensor(indices, values.flat_values, shape)

    def rows(self, batch: tf.Tensor | None = None) -> tf.SparseTensor:
        if batch is None:
            return self.whole
        return self._sparse_tensor(tf.gather(self.columns, batch), tf.gather(self.values, batch))


def _one_per_row(outputs: tf.Tensor) -> tf.Tensor:
    """A one-logit network's outputs as shape (n_rows,); k logits stay (n_rows, k)."""
    return outputs[:, 0] if outputs.shape[-1] == 1 else outputs


def _logits(model: keras.Model, features: tf.Tensor | tf.SparseTensor, training: bool) -> tf.Tensor:
    """The network's logit for each row, shape (n_rows,), or (n_rows, k) for k classes.

    A sparse input's first layer is a sparse-dense product (the work grows with
    the stored entries, not with n_rows x n_features), then the other layers as usual.
    """
    if not isinstance(features, tf.SparseTensor):
        return _one_per_row(model(features, training=training))
    first, *others = model.layers
    hidden = first.activation(
        tf.sparse.sparse_dense_matmul(features, first.kernel.value) + first.bias.value
    )
    for layer in others:
        hidden = layer(hidden, training=training)
    return _one_per_row(hidden)


class _Float32Draw(keras.initializers.Initializer):
    """Glorot-uniform weights drawn in float32, then converted to the layer's dtype.

    Keras draws different random numbers for different dtypes.  Drawing in float32
    whatever the layer's dtype makes ``dtype`` a choice of arithmetic only: a
    float64 and a float32 network with the same seed start from the same weights.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __call__(self, shape, dtype=None):
        weights = keras.initializers.GlorotUniform(seed=self.seed)(shape, dtype="float32")
        return keras.ops.cast(weights, dtype or "float32")

    def get_config(self) -> dict:
        return {"seed": self.seed}


class NoiseAwareClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression or a small MLP trained with the noise-aware loss.

    Two classes (the course's convention): :meth:`fit` takes P(y = +1) of shape
    (n_points,), and :meth:`predict` gives -1 or +1.  k classes: :meth:`fit` takes
    soft label vectors of shape (n_points, k) whose rows sum to 1 (e.g.
    ``ClassConditionalLabelModel(cardinality=k).predict_proba``), the network ends in
    k logits and a softmax, :meth:`predict_proba` has shape (n_points, k) and
    :meth:`predict` gives class indices 0 to k-1.  The shape of the targets decides,
    so neither is read as the other.

    The features may be a NumPy array or a SciPy sparse matrix (such as
    :meth:`BagOfNgrams.transform` gives with ``sparse=True``).  A sparse one
    stays sparse: its first layer's product costs time in proportion to the
    stored entries, so bags of thousands of n-grams train in a fraction of the
    dense time.  Both give the same model, up to the order of float64 sums.

    Parameters
    ----------
    hidden_units : tuple of int, default ()
        Widths of the ReLU hidden layers.  ``()`` is logistic regression, the
        tutorial's end model; e.g. ``(32,)`` is a one-hidden-layer MLP.
    epochs : int, default 40
        Passes over the training data.
    batch_size : int, default 128
    learning_rate : float, default 0.01
        Initial Adam learning rate; it decays along a cosine to 0 over training,
        so the final iterates settle at the optimum instead of jittering around it.
    l2 : float, default 0.0
        L2 penalty on the weights (not the biases), added to the mean loss.
    seed : int, default 0
        Seeds the initial weights and the shuffling of every epoch.  Training
        uses only seeded, stateless random operations, so it is reproducible
        without touching global random state.
    correct_shrinkage : bool, default False
        Map the learned ``E[t | x]`` back to ``P(y = +1 | x)`` with the line in
        the module docstring, estimated from the soft labels alone
        (``target_means_``).  A no-op for hard labels; needed for soft labels
        from imbalanced classes, whose ``E[t | x]`` may never reach 1/2.
    dtype : {"float64", "float32"}, default "float64"
        The precision the network computes in.  Processors round float32
        matrix products differently in the last bit (TensorFlow's kernels pick
        their instructions by CPU), and training a network without
        regularisation can amplify one such bit into a different model.  In
        float64 the same differences are about 1e-16 instead of 1e-7 relative
        and do not change the fitted model's predictions.  ``"float32"``
        halves the memory of the inputs and takes somewhat less time on large
        ones, at the price of results that may differ between machines.  The initial weights are
        drawn in float32 either way, so the two start from the same network.
    classes : sequence, optional
        k-class targets only: the names of the k classes, in the order of the soft
        labels' columns (e.g. the ``classes`` given to
        :func:`~dataprog_helpers.apply_lfs`), kept as ``classes_``; :meth:`fit`
        refuses soft labels with another number of columns.  :meth:`predict` still
        gives class indices (``classes_[model.predict(X)]`` gives names).

    Attributes
    ----------
    model_ : keras.Model
        The fitted network, mapping features to one logit.
    loss_history_ : ndarray of shape (epochs,)
        Training loss (on all training points) after each epoch.
    n_features_ : int
        Number of features the model was fitted on.
    n_features_in_ : int
        The same number, under scikit-learn's name.
    classes_ : ndarray of shape (2,) or (k,)
        ``array([-1, 1])``: the labels :meth:`predict` gives (scikit-learn's
        attribute; the fitted targets are P(y = +1), not labels).  With k classes,
        the names given as ``classes``, else ``0, ..., k-1``.
    n_classes_ : int
        2 for the binary convention, k for soft label vectors.
    target_means_ : ndarray of shape (2,)
        Two classes only: estimated ``(E[t | y = -1], E[t | y = +1])`` of the
        training targets t, from ``E[t (1 - t)] / (1 - pi)`` and ``E[t^2] / pi`` with
        ``pi = mean(t)`` (NaN where ``pi`` is 0 or 1).

    Notes
    -----
    A scikit-learn classifier (``ClassifierMixin``, ``BaseEstimator``):
    ``get_params``, ``set_params``, :func:`sklearn.base.clone` and ``repr``
    work, parameters are checked by :meth:`fit`, and the model can be the last
    step of a ``Pipeline`` (e.g. after :class:`~dataprog_helpers.BagOfNgrams`)
    or be tuned by ``GridSearchCV``.  Two of the course's conventions differ
    from scikit-learn's: :meth:`fit` takes targets P(y = +1) in [0, 1], not
    class labels, and :meth:`predict_proba` returns P(y = +1) of shape
    (n_points,), not one column per class.

    To choose the weight decay ``l2`` with a few gold-labeled dev points, put
    them after the training points, with their labels written as the targets
    0 and 1, and give ``GridSearchCV`` that one split: it trains on the soft
    labels and scores (:meth:`score`) on the dev labels::

        X = np.vstack([X_train, X_dev])
        targets = np.concatenate([soft_labels, (y_dev == 1).astype(float)])
        train, dev = np.arange(len(X_train)), np.arange(len(X_train), len(X))
        search = GridSearchCV(NoiseAwareClassifier(), {"l2": [0.0, 1e-4, 1e-3]},
                              cv=[(train, dev)], refit=False).fit(X, targets)
        search.best_params_

    (With ``refit=True``, the default, the best setting is refitted on every
    row of X, the dev points included.)

    Examples
    --------
    Soft labels that say "+1 with probability 0.8" on the positive half and 0.2
    on the other train a classifier that is right on nearly every point:

    >>> import numpy as np
    >>> from dataprog_helpers import NoiseAwareClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(1000, 2))
    >>> y = np.where(X[:, 0] > 0, 1, -1)
    >>> soft_labels = np.where(y == 1, 0.8, 0.2)
    >>> model = NoiseAwareClassifier().fit(X, soft_labels)
    >>> round(model.score(X, y), 2)
    0.99
    >>> model.predict_proba([[2.0, 0.0], [-2.0, 0.0]]).round(2).tolist()
    [0.88, 0.11]

    Three classes, as soft label vectors that put 0.7 on the right class:

    >>> classes = np.digitize(X[:, 0], [-0.5, 0.5])  # 0, 1, 2 along the first feature
    >>> soft_labels = np.full((1000, 3), 0.15)
    >>> soft_labels[np.arange(1000), classes] = 0.7
    >>> model = NoiseAwareClassifier(classes=["low", "middle", "high"]).fit(X, soft_labels)
    >>> model.predict_proba(X).shape, model.predict([[2.0, 0.0]]).tolist()
    ((1000, 3), [2])
    >>> model.classes_[model.predict([[-2.0, 0.0]])].tolist()
    ['low']
    """

    # fit's second argument is the target, not metadata to route (scikit-learn
    # takes every argument not named X or y for metadata).
    __metadata_request__fit = {"y_prob": UNUSED}

    def __init__(
        self,
        hidden_units: Sequence[int] = (),
        epochs: int = 40,
        batch_size: int = 128,
        learning_rate: float = 0.01,
        l2: float = 0.0,
        seed: int = 0,
        correct_shrinkage: bool = False,
        dtype: str = "float64",
        classes: Sequence | None = None,
    ) -> None:
        self.hidden_units = hidden_units
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.l2 = l2
        self.seed = seed
        self.correct_shrinkage = correct_shrinkage
        self.dtype = dtype
        self.classes = classes

    _parameter_constraints: dict = {
        "hidden_units": ["array-like"],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "l2": [Interval(Real, 0.0, None, closed="left")],
        # TensorFlow's stateless shuffles take the seed as an int32.
        "seed": [Interval(Integral, 0, MAX_INT32, closed="both")],
        "correct_shrinkage": ["boolean"],
        "dtype": [StrOptions(set(DTYPES))],
        "classes": [None, "array-like"],
    }

    def _hidden_units(self) -> tuple[int, ...]:
        """``hidden_units`` as a tuple of widths, each a positive integer (what the
        declared constraints cannot say of a sequence's entries)."""
        return tuple(check_positive_int(width, "each entry of hidden_units")
                     for width in self.hidden_units)

    def _targets(self, y_prob, dtype: str) -> np.ndarray:
        """P(y = +1) of shape (n,), or soft label vectors (n, k) checked against
        ``classes``; the shape decides which."""
        if np.ndim(y_prob) != 2:
            if self.classes is not None:
                raise ValueError(
                    "classes names the columns of k-class soft labels of shape (n_points, k), "
                    "but y_prob is one-dimensional: P(y = +1) of two classes, whose labels are "
                    "-1 and +1; leave classes out, or pass one column per class")
            return check_probabilities(y_prob, "y_prob", dtype=dtype)
        cardinality = None
        if self.classes is not None:
            names = list(self.classes)
            if len(set(names)) != len(names):
                raise ValueError(f"classes has duplicates: {names!r}")
            cardinality = len(names)
        targets = check_class_probabilities(y_prob, "y_prob", cardinality, dtype=dtype)
        if self.correct_shrinkage:
            raise ValueError("correct_shrinkage maps P(y = +1) of two classes back from E[t | x]; "
                             "it is not defined for k-class soft labels (y_prob of shape "
                             f"{targets.shape})")
        return targets

    def _build(self, n_features: int, units: tuple[int, ...], dtype: str,
               n_outputs: int = 1) -> keras.Model:
        layers = [keras.Input(shape=(n_features,), dtype=dtype)]
        for depth, width in enumerate(units):
            layers.append(
                keras.layers.Dense(
                    width,
                    activation="relu",
                    dtype=dtype,
                    kernel_initializer=_Float32Draw(self.seed + depth),
                )
            )
        # Logistic regression starts from zero (the loss is convex); an MLP's
        # output layer starts small and random like its hidden layers.
        output_init = (
            _Float32Draw(self.seed + len(units))
            if units
            else keras.initializers.Zeros()
        )
        layers.append(keras.layers.Dense(n_outputs, kernel_initializer=output_init, dtype=dtype))
        return keras.Sequential(layers)

    def fit(self, X, y_prob) -> NoiseAwareClassifier:
        """Train on features and soft labels.

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_points, n_features)
        y_prob : array-like of shape (n_points,) or (n_points, k)
            P(y = +1) for each point, in [0, 1] (e.g. ``LabelModel.predict_proba``);
            hard labels are the special case 0 / 1.  Or, for k classes, one
            probability per class, each row summing to 1 (one-hot rows are hard
            labels).

        Returns
        -------
        self
        """
        self._validate_params()
        units, dtype = self._hidden_units(), self.dtype
        X = check_features(X, "X", dtype=dtype, accept_sparse=True)
        y_prob = self._targets(y_prob, dtype)
        check_same_length(X=X, y_prob=y_prob)
        n_classes = y_prob.shape[1] if y_prob.ndim == 2 else 2
        target_means = _target_means(y_prob) if n_classes == 2 and y_prob.ndim == 1 else None
        # A spread below 1e-6 is rounding error, not information: inverting it would
        # divide by almost nothing and turn every prediction into 0 or 1.
        if (self.correct_shrinkage and target_means is not None
                and not target_means[1] - target_means[0] > 1e-6):
            raise ValueError(
                "y_prob carry no information about y (estimated E[t | y = +1] = "
                f"{target_means[1]:.3g} is not clearly above E[t | y = -1] = "
                f"{target_means[0]:.3g}), "
                "so correct_shrinkage cannot map E[t | x] back to P(y = +1 | x)"
            )

        model = self._build(X.shape[1], units, dtype, 1 if y_prob.ndim == 1 else n_classes)
        steps_per_epoch = -(-X.shape[0] // self.batch_size)
        schedule = keras.optimizers.schedules.CosineDecay(
            self.learning_rate, decay_steps=self.epochs * steps_per_epoch
        )
        optimizer = keras.optimizers.Adam(learning_rate=schedule)
        optimizer.build(model.trainable_variables)
        kernels = [layer.kernel for layer in model.layers]
        sparse = scipy.sparse.issparse(X)
        features = _SparseRows(X, dtype) if sparse else tf.constant(X)
        targets = tf.constant(y_prob)
        n_points = X.shape[0]
        batch_size, epochs, l2 = self.batch_size, self.epochs, float(self.l2)
        seed = self.seed

        def rows(batch=None):
            if sparse:
                return features.rows(batch)
            return features if batch is None else tf.gather(features, batch)

        def objective(x, t):
            logits = _logits(model, x, training=True)
            penalty = tf.add_n([tf.reduce_sum(tf.square(kernel)) for kernel in kernels])
            return noise_aware_loss(t, logits) + l2 * penalty

        def train():
            history = tf.TensorArray(dtype, size=epochs)
            for epoch in tf.range(epochs):
                order = tf.random.experimental.stateless_shuffle(
                    tf.range(n_points), seed=tf.stack([seed, epoch])
                )
                for start in tf.range(0, n_points, batch_size):
                    batch = order[start : start + batch_size]
                    with tf.GradientTape() as tape:
                        loss = objective(rows(batch), tf.gather(targets, batch))
                    gradients = tape.gradient(loss, model.trainable_variables)
                    optimizer.apply_gradients(
                        zip(gradients, model.trainable_variables, strict=True)
                    )
                history = history.write(epoch, objective(rows(), targets))
            return history.stack()

        # A concrete function is traced once for this model and called directly,
        # so fitting many models in a loop never trips tf.function's retracing warning.
        self.loss_history_ = tf.function(train).get_concrete_function()().numpy()
        self.model_ = model
        self.n_features_ = X.shape[1]
        self.n_features_in_ = X.shape[1]
        self.n_classes_ = n_classes
        if y_prob.ndim == 1:
            self.classes_ = np.array([-1, 1])
            self.target_means_ = target_means
        else:
            self.classes_ = np.asarray(self.classes if self.classes is not None
                                       else np.arange(n_classes))
            self.__dict__.pop("target_means_", None)  # a binary fit's, now stale
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_class = False  # one logit: P(y = +1)
        return tags

    def _check_fitted_features(self, X) -> np.ndarray:
        check_is_fitted(self, "model_", msg=(
            "this NoiseAwareClassifier is not fitted yet; call fit(X, y_prob) first"))
        X = check_features(X, "X", dtype=self.model_.layers[-1].kernel.dtype, accept_sparse=True)
        if X.shape[1] != self.n_features_:
            raise ValueError(
                f"X has {X.shape[1]} features but the model was fitted on {self.n_features_}"
            )
        return X

    @property
    def _k_classes(self) -> bool:
        check_is_fitted(self, "model_", msg=(
            "this NoiseAwareClassifier is not fitted yet; call fit(X, y_prob) first"))
        return self.model_.layers[-1].units > 1

    def decision_function(self, X) -> np.ndarray:
        """The logit ``f(x)`` of each point, shape (n_points,); (n_points, k) for k classes."""
        X = self._check_fitted_features(X)
        dtype = self.model_.layers[-1].kernel.dtype
        logits = []
        for rows in row_chunks(X.shape[0]):  # one eager call per chunk bounds the memory
            chunk = X[rows]
            if scipy.sparse.issparse(chunk):
                chunk = _SparseRows(chunk, dtype).rows()
            logits.append(_logits(self.model_, chunk, training=False).numpy())
        return np.concatenate(logits).astype(np.float64)

    def predict_proba(self, X) -> np.ndarray:
        """P(y = +1 | x) for each point, shape (n_points,).

        ``sigmoid(f(x))``, the learned ``E[t | x]``; with ``correct_shrinkage``,
        ``(E[t | x] - E[t | y = -1]) / (E[t | y = +1] - E[t | y = -1])`` clipped to [0, 1].
        With k classes, ``softmax(f(x))``, shape (n_points, k).
        """
        logits = self.decision_function(X)
        if self._k_classes:
            return softmax(logits, axis=1)
        probabilities = expit(logits)
        if self.correct_shrinkage:
            low, high = self.target_means_
            probabilities = np.clip((probabilities - low) / (high - low), 0.0, 1.0)
        return probabilities

    def predict(self, X) -> np.ndarray:
        """Predicted labels in {-1, +1}, shape (n_points,) (+1 where P(y = +1 | x) >= 1/2).

        With k classes, the index of the largest logit (the lowest index among equal ones).
        """
        if self._k_classes:
            return np.argmax(self.decision_function(X), axis=1)
        if self.correct_shrinkage:
            return labels_from_probabilities(self.predict_proba(X), ties="positive")
        # Not the rule predict_proba(X) >= 1/2: sigmoid rounds logits within ~1e-16 of 0
        # to exactly 1/2, and the sign of the logit decides those.
        return np.where(self.decision_function(X) >= 0, 1, -1).astype(np.int8)

    def score(self, X, y) -> float:
        """Accuracy of :meth:`predict` against gold labels.

        Parameters
        ----------
        X : array-like or SciPy sparse matrix of shape (n_points, n_features)
        y : array-like of shape (n_points,)
            Gold labels in {-1, +1}, or targets P(y = +1) in [0, 1] as :meth:`fit`
            takes them, each read as its more probable label (``t > 1/2`` is +1,
            ``t < 1/2`` is -1), so the hard targets 1 and 0 are the labels +1 and
            -1.  That lets ``GridSearchCV`` score dev points whose gold labels
            are written as targets (class Notes).  A 1 means +1 either way; ``y``
            holding a negative value is read as labels (and must then be -1 and
            +1 only), otherwise as targets.  A target of exactly 1/2 names no
            label and is refused.  With k classes: class indices 0 to k-1, or
            targets of shape (n_points, k), each read as its most probable class.

        Returns
        -------
        float
            The share of points whose prediction is their label.
        """
        if self._k_classes:
            y = _gold_classes(y, self.n_classes_, "y")
            predictions = self.predict(X)
            check_same_length(X=predictions, y=y)
            return float(np.mean(predictions == y))
        y = _gold_labels(y, "y")
        predictions = self.predict(X)
        check_same_length(X=predictions, y=y)
        return accuracy(y, predictions)


def _gold_classes(y, cardinality: int, name: str = "y") -> np.ndarray:
    """Gold class indices (n,) from indices, or from targets (n, k) by their largest entry."""
    if np.ndim(y) == 2:
        targets = check_class_probabilities(y, name, cardinality)
        top = np.sort(targets, axis=1)[:, -2:]
        ties = np.flatnonzero(top[:, 0] == top[:, 1])
        if ties.size:
            raise ValueError(f"{name} has rows whose largest probability is shared (rows "
                             f"{ties[:5].tolist()}), which name no gold class")
        return np.argmax(targets, axis=1)
    return check_class_labels(y, cardinality, name)


def _gold_labels(y, name: str = "y") -> np.ndarray:
    """Gold labels in {-1, +1}, int8 of shape (n,), from labels or targets P(y = +1).

    See :meth:`NoiseAwareClassifier.score`: values with a negative one among them
    are labels (checked by :func:`check_labels`); otherwise they are targets in
    [0, 1], and ``t > 1/2`` gives +1, ``t < 1/2`` gives -1.

    Raises
    ------
    ValueError
        If the values are neither, or a target is exactly 1/2.
    """
    try:
        values = np.asarray(y)
    except (TypeError, ValueError):  # e.g. ragged lists: the checks below name the problem
        values = np.asarray(())
    if values.dtype.kind in "iuf" and values.size:
        if np.any(values < 0):
            return check_labels(y, name)
        if np.any(values > 1):
            raise ValueError(
                f"{name} must hold gold labels in {{-1, +1}} or targets P(y = +1) in [0, 1]; "
                f"found values up to {np.nanmax(values):.3g}"
            )
    targets = check_probabilities(y, name)
    halves = np.flatnonzero(targets == 0.5)
    if halves.size:
        raise ValueError(
            f"{name} has targets of exactly 1/2 (at positions {halves[:5].tolist()}), which "
            "name no gold label; pass labels in {-1, +1} or targets on either side of 1/2"
        )
    return labels_from_probabilities(targets)

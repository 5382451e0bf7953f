"""MultiLabelMLPClassifier: the scikit-learn face of the Keras multi-label MLP."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MultiOutputMixin
from sklearn.utils._param_validation import Interval, StrOptions

from . import _engine, _multiclass
from ._fitting import FittingMixin
from ._incremental import IncrementalMixin
from ._outputs import OutputsMixin
from ._state import FittedStateMixin
from ._utils import check_thresholds
from .losses import LOSSES, AsymmetricLoss, FocalLoss

__all__ = ["MultiLabelMLPClassifier"]


class MultiLabelMLPClassifier(
    FittingMixin,
    IncrementalMixin,
    OutputsMixin,
    FittedStateMixin,
    ClassifierMixin,
    MultiOutputMixin,
    BaseEstimator,
):
    """Multi-label classifier: a Keras MLP with one sigmoid output per label.

    A feed-forward network trained with binary cross-entropy (one independent
    sigmoid per label) on Keras 3, trained by a compiled loop (or through
    scikeras when Keras callbacks are given). It accepts the targets
    multi-label data comes in (indicator matrices, sparse matrices, DataFrames,
    sequences of label sets, NaN for unknown labels), always predicts
    ``(n_samples, n_labels)`` arrays, and plugs into every scikit-learn tool:
    pipelines, cross-validation, grid search, scorers, ``ClassifierChain``.
    Outputs with more than two classes (a ``multiclass`` or
    ``multiclass-multioutput`` ``y``) get one softmax head each on the shared
    trunk, in scikit-learn's multi-output conventions (see Notes).

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(20,)
        Width of each hidden layer; ``()`` gives one logistic regression per label
        sharing nothing.
    activation : {"relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", \
"linear"}, default="relu"
        Activation of the hidden layers.
    kernel_initializer : str, default="he_uniform"
        Keras initializer of the hidden weights (``"he_*"``, ``"glorot_*"``,
        ``"lecun_*"`` with ``_uniform`` or ``_normal``).
    dropout : float in [0, 1), default=0.0
        Dropout rate after each hidden layer.
    alpha : float >= 0, default=0.0
        L2 penalty: ``alpha * sum(W ** 2)`` of every kernel is added to the loss
        (Keras' ``L2`` regulariser; sklearn's MLP scales its ``alpha`` by
        ``1 / (2 n_samples)`` instead).
    optimizer : {"adam", "adamw", "nadam", "rmsprop", "sgd", "adagrad", \
"lazy_adam"}, default="adam"
        Keras optimiser. ``"lazy_adam"``: with sparse ``X`` on the compiled
        engine, a step updates only the first-layer kernel rows of the
        features its batch has non-zeros in (PyTorch's ``SparseAdam``); every
        other weight, and dense ``X``, takes Adam's step. See
        :ref:`lazy-adam`.
    learning_rate : float > 0, default=1e-3
        Optimiser learning rate.
    batch_size : int >= 1, default=32
        Rows per gradient step. Larger batches are not faster on CPU and cost
        accuracy for a fixed number of epochs.
    epochs : int >= 1, default=100
        Passes over the training rows (the maximum when ``early_stopping``).
    threshold : float or array-like of shape (n_labels,), default=0.5
        A label is predicted when its probability is ``>= threshold`` (inclusive,
        as in scikit-learn). Give one value per label to tune them separately,
        e.g. with :func:`~skmultilabel_mlp.thresholds.tune_thresholds`.
    class_weight : None, "balanced", dict or array-like of shape (n_labels,), \
default=None
        Weight of the positive term of each label's cross-entropy, for
        imbalanced labels. ``"balanced"`` uses negatives / positives of each label
        on the training rows (capped at 1000); a dict maps label names or indices
        to weights (others get 1). Composes with ``sample_weight``. For outputs
        with their own classes: ``"balanced"`` per output (scikit-learn's
        ``n / (n_classes * count)``), or a list of one ``{class: weight}`` dict
        per output.
    loss : {"binary_crossentropy", "focal", "asymmetric"}, FocalLoss or \
AsymmetricLoss, default="binary_crossentropy"
        Each label's loss; the focal and asymmetric losses down-weight easy
        examples (rare labels). An instance sets their parameters (see
        :mod:`skmultilabel_mlp.losses`); ``y`` with 0/1 labels only.
    missing_label : float or None, default=None
        A value of ``y`` meaning "unknown" (e.g. ``-1``), in addition to NaN.
        Unknown entries are left out of the loss; predictions cover every label.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training rows (stratified by
        label; for a sparse ``y`` of more than 2**24 rows x labels, by its most
        frequent labels) and stop when the validation loss has not improved
        by ``tol`` for ``n_iter_no_change`` epochs; the best weights are kept.
    warm_start : bool, default=False
        ``fit`` continues from the weights of the previous fit (same network
        shape, a fresh optimiser, as scikit-learn's MLP) instead of new ones.
        See also :meth:`partial_fit`, one epoch at a time with the optimiser
        state kept.
    validation_fraction : float in (0, 1), default=0.1
        Share of rows held out when ``early_stopping``.
    n_iter_no_change : int >= 1, default=10
        Patience of early stopping, in epochs.
    tol : float >= 0, default=1e-4
        Minimum validation-loss improvement that resets the patience.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks run during ``fit``. They need Keras' own fit
        loop: with callbacks the network trains through scikeras, epoch by
        epoch (slower, and its shuffles and dropout masks are Keras' rather
        than those of the compiled loop).
    max_memory_mb : float > 0, default=4096
        ``fit`` warns, with its estimate, before training when the data and the
        network would need more memory than this (dense inputs are copied to
        float32 once; sparse ones stay sparse). The stacked
        ``cross_validate`` and searches train at most this much memory's worth
        of networks (weights, optimiser state, batch activations) in one
        computation, and the rest in further ones.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation split.
        An int gives identical predictions on every refit (CPU), and the same
        network whether it is fitted alone or as one fold of the package's
        stacked ``cross_validate`` or searches.
    verbose : int, default=0
        0 silent, 1 a progress bar over the epochs, 2 one line per epoch with
        the loss (and validation loss), as Keras prints them.

    Attributes
    ----------
    classes_ : ndarray of shape (n_labels, 2), or (n_classes,), or list of ndarray
        One row ``[0, 1]`` per label: a 2-D array that scikit-learn reads as
        multi-label (scorers treat even a 2-label model as multi-label;
        ``cross_val_predict`` and ``StackingClassifier`` index it per label).
        Fitted on a 1-D ``y``: its classes, ``array([0, 1])`` for 0/1 values.
        Fitted on outputs with their own classes: one array of classes per
        output (one array for a 1-D ``y``).
    n_outputs_ : int
        Number of outputs; only defined when fitted on outputs with their own
        classes.
    label_names_ : ndarray of shape (n_labels,)
        DataFrame columns, label-set values (sorted), or ``0 .. n_labels - 1``.
    n_labels_ : int
        Number of labels (sigmoid outputs).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of a DataFrame ``X``; only then defined.
    pos_weight_ : ndarray of shape (n_labels,) or None
        The positive-class weights ``class_weight`` resolved to.
    history_ : dict of list of float
        Per-epoch ``"loss"`` (and ``"val_loss"`` with early stopping).
    model_ : keras.Model
        The trained network; ``model_.predict`` gives the probabilities.
        ``predict_proba`` computes the same forward pass from its weights in
        NumPy (faster for one call, and a row's output never depends on the
        other rows). A fit on the compiled loop keeps the trained weights and
        builds the ``keras.Model`` the first time ``model_`` is read.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The scikit-learn MLP (NumPy, CPU).
    sklearn.multioutput.ClassifierChain : Chains one binary model per label.
    skmultilabel_mlp.metrics.multilabel_scoring : Every multi-label scorer at once.

    Notes
    -----
    Fitted on a 1-D 0/1 ``y`` the model is a binary classifier in scikit-learn's
    sense: ``predict`` returns shape ``(n_samples,)`` and ``predict_proba``
    ``(n_samples, 2)``, so it works in ``CalibratedClassifierCV`` and binary
    scorers. Pass a one-column 2-D ``y`` to keep the multi-label shapes.

    A 1-D ``y`` with three or more classes, or a 2-D ``y`` whose columns are
    not all 0/1 (strings, integers, categoricals; DataFrame columns name the
    outputs), is a set of outputs, each with its own classes: one softmax
    block per output with three or more classes, one sigmoid unit per output
    with two, the loss the mean of the outputs' cross-entropies (unknown
    entries left out). ``predict`` gives the most probable class of each
    output, ``(n_samples,)`` for a 1-D ``y``, else ``(n_samples, n_outputs)``;
    ``predict_proba`` an ``(n_samples, n_classes)`` array for a 1-D ``y``, else
    a list of one per output; ``score`` is the exact match over outputs. A 2-D
    0/1 ``y`` stays multi-label.

    Without callbacks, the whole training is one compiled program
    (``tf.function`` or ``jax.jit``), which the package's ``cross_validate`` and
    searches run for many networks at once (user guide: speed and scaling).

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skmultilabel_mlp import MultiLabelMLPClassifier
    >>> X, Y = make_multilabel_classification(n_samples=60, n_features=8,
    ...                                       n_classes=3, random_state=0)
    >>> clf = MultiLabelMLPClassifier(epochs=5, random_state=0).fit(X, Y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    >>> clf.predict(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(_engine.ACTIVATIONS))],
        "kernel_initializer": [StrOptions(set(_engine.INITIALIZERS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "optimizer": [StrOptions(set(_engine.OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "threshold": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "class_weight": [None, StrOptions({"balanced"}), dict, "array-like"],
        "loss": [StrOptions(set(LOSSES)), FocalLoss, AsymmetricLoss],
        "missing_label": [None, Real],
        "early_stopping": ["boolean"],
        "warm_start": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "callbacks": [None, list],
        "max_memory_mb": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=_engine.DEFAULT_HIDDEN_LAYER_SIZES,
        *,
        activation="relu",
        kernel_initializer="he_uniform",
        dropout=0.0,
        alpha=0.0,
        optimizer="adam",
        learning_rate=1e-3,
        batch_size=32,
        epochs=100,
        threshold=0.5,
        class_weight=None,
        loss="binary_crossentropy",
        missing_label=None,
        early_stopping=False,
        warm_start=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        callbacks=None,
        max_memory_mb=4096,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.dropout = dropout
        self.alpha = alpha
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.threshold = threshold
        self.class_weight = class_weight
        self.loss = loss
        self.missing_label = missing_label
        self.early_stopping = early_stopping
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.callbacks = callbacks
        self.max_memory_mb = max_memory_mb
        self.random_state = random_state
        self.verbose = verbose

    def _thresholds(self, n_labels=None):
        """The checked per-label thresholds (checked at fit and at every predict)."""
        return check_thresholds(
            self.threshold, self.n_labels_ if n_labels is None else n_labels
        )

    def predict_proba(self, X):
        """Probability of each label being present.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
            ``P(label = 1)`` per row and label, also for a single row. When
            fitted on a 1-D ``y``: shape ``(n_samples, 2)``, columns for classes
            0 and 1. Fitted on outputs with their own classes: ``(n_samples,
            n_classes)`` for a 1-D ``y``, else a list of one ``(n_samples,
            n_classes_j)`` array per output, columns in ``classes_`` order.
        """
        proba = self._label_proba(X)
        outputs = self._output_probas(proba)
        if outputs is not None:
            return outputs[0] if self._one_d_ else outputs
        if self._is_binary() and len(self.classes_) == 1:
            return proba[:, :1]  # y had one class: probability 1 for it
        if self._is_binary():
            return np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        return proba

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, floored to stay finite.

        A probability of exactly 0 (a constant label, a saturated sigmoid)
        gives ``log(np.finfo(float).tiny)``, about -708, instead of ``-inf``,
        so ``ClassifierChain(chain_method="predict_log_proba")`` can feed it to
        the next link.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray, the shape of :meth:`predict_proba`
        """
        proba = self.predict_proba(X)
        tiny = np.finfo(np.float64).tiny
        if isinstance(proba, list):
            return [np.log(np.maximum(p, tiny)) for p in proba]
        return np.log(np.maximum(proba, tiny))

    def predict(self, X):
        """Predict the labels of each row: ``predict_proba(X) >= threshold``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of int of shape (n_samples, n_labels)
            1 where the label's probability is ``>=`` its threshold. Shape
            ``(n_samples,)`` when fitted on a 1-D ``y``. Fitted on outputs
            with their own classes: each output's most probable class (its
            original label), ``(n_samples,)`` or ``(n_samples, n_outputs)``.
        """
        proba = self._label_proba(X)
        outputs = self._output_probas(proba)
        if outputs is not None:
            return _multiclass.decode(outputs, self._outputs_, self._one_d_)
        return self._thresholded(proba)

    def _thresholded(self, proba):
        """``predict`` of label probabilities ``proba`` (n_samples, n_labels)."""
        y_pred = (proba >= self._thresholds()).astype(int)
        if self._is_binary():
            return np.where(y_pred[:, 0] == 1, self.classes_[-1], self.classes_[0])
        return y_pred

    def predict_labels(self, X):
        """Predict the names of the labels present in each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        labels : list of list
            For each row, the ``label_names_`` predicted (``>= threshold``),
            in ``label_names_`` order; an empty list for a row with no label.
        """
        if getattr(self, "_outputs_", None) is not None:
            raise ValueError(
                "predict_labels names the labels present in a row; this model "
                "predicts outputs with their own classes: use predict."
            )
        y_pred = (self._label_proba(X) >= self._thresholds()).astype(int)
        return [list(self.label_names_[row.astype(bool)]) for row in y_pred]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        # a 1-D y with several classes: one softmax output (``_multiclass``)
        tags.classifier_tags.multi_class = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = True
        return tags

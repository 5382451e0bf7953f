"""MultiLabelMLPClassifier: the scikit-learn face of the Keras multi-label MLP."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    _fit_context,
)
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _engine
from ._class_weight import resolve_pos_weight
from ._holdout import stratified_holdout
from ._targets import _is_label_set_sequence, encode_targets
from ._utils import indicator_01, multilabel_classes, warn_if_too_large
from .metrics import exact_match_score

__all__ = ["MultiLabelMLPClassifier"]


class MultiLabelMLPClassifier(ClassifierMixin, MultiOutputMixin, BaseEstimator):
    """Multi-label classifier: a Keras MLP with one sigmoid output per label.

    A feed-forward network trained with binary cross-entropy (one independent
    sigmoid per label) through scikeras on Keras 3. It accepts the targets
    multi-label data comes in (indicator matrices, sparse matrices, DataFrames,
    sequences of label sets, NaN for unknown labels), always predicts
    ``(n_samples, n_labels)`` arrays, and plugs into every scikit-learn tool:
    pipelines, cross-validation, grid search, scorers, ``ClassifierChain``.

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
    optimizer : {"adam", "adamw", "nadam", "rmsprop", "sgd", "adagrad"}, \
default="adam"
        Keras optimiser.
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
        to weights (others get 1). Composes with ``sample_weight``.
    missing_label : float or None, default=None
        A value of ``y`` meaning "unknown" (e.g. ``-1``), in addition to NaN.
        Unknown entries are left out of the loss; predictions cover every label.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training rows (stratified by
        label) and stop when the validation loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; the best weights are kept.
    validation_fraction : float in (0, 1), default=0.1
        Share of rows held out when ``early_stopping``.
    n_iter_no_change : int >= 1, default=10
        Patience of early stopping, in epochs.
    tol : float >= 0, default=1e-4
        Minimum validation-loss improvement that resets the patience.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks run during ``fit``.
    max_memory_mb : float > 0, default=4096
        ``fit`` warns, with its estimate, before training when the data and the
        network would need more memory than this (dense inputs are copied to
        float32 once and handed to the input pipeline; sparse ones stay sparse).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation split.
        An int gives identical predictions on every refit (CPU).
    verbose : int, default=0
        Keras' training verbosity (0 silent, 1 progress bar, 2 one line per epoch).

    Attributes
    ----------
    classes_ : list of ndarray, or ndarray
        ``[array([0, 1])] * n_labels`` (the ``ClassifierChain`` convention, so
        scikit-learn's scorers treat the model as multi-label, even with 2
        labels); ``array([0, 1])`` when fitted on a 1-D ``y``.
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
        other rows). Estimators returned by the fold-stacked
        :func:`~skmultilabel_mlp.model_selection.cross_validate` build it the
        first time it is read.

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

    Training feeds Keras one ``tf.data`` pipeline for all epochs (reshuffled
    every epoch) and runs a whole epoch per compiled call, which is several
    times faster than a default Keras or scikeras fit with the same semantics.

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
        "missing_label": [None, Real],
        "early_stopping": ["boolean"],
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
        missing_label=None,
        early_stopping=False,
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
        self.missing_label = missing_label
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.callbacks = callbacks
        self.max_memory_mb = max_memory_mb
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train a new network on ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training rows. DataFrame column names are remembered.
        y : array-like, sparse matrix, DataFrame or sequence of label sets
            A 0/1 indicator matrix ``(n_samples, n_labels)`` (NaN = unknown), a
            sequence of label sets such as ``[{"sports"}, {"tech", "art"}, set()]``,
            or a 1-D 0/1 vector (one label).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights; the caller's array is never modified.

        Returns
        -------
        self : MultiLabelMLPClassifier
            The fitted classifier. If training fails or is interrupted, a
            previously fitted state is restored unchanged.
        """
        previous = {k: v for k, v in vars(self).items() if k.endswith("_")}
        try:
            return self._fit(X, y, sample_weight)
        except BaseException:
            # never leave a half-fitted object: restore the last good state
            for key in [k for k in vars(self) if k.endswith("_")]:
                delattr(self, key)
            vars(self).update(previous)
            raise

    def _fit(self, X, y, sample_weight):
        if self._compiled_unsupported(X) is None:
            (fitted,) = self._fit_copies([self], [X], y, [None], sample_weight)
            if isinstance(fitted, BaseException):
                raise fitted
            return self
        # Keras callbacks (or sparse X): the scikeras fit, epoch by epoch
        X = self._validate_features(X, reset=True)
        targets = encode_targets(y, missing_label=self.missing_label)
        sample_weight = self._check_rows(X, targets, sample_weight)
        train, validation = self._validation_split(targets.Y)
        spec = self._fit_spec(X, targets, train)
        model, history = _engine.fit_keras(
            spec,
            _take(X, train),
            _take(targets.Y, train),
            _take(sample_weight, train),
            validation_data=None
            if validation is None
            else (_take(X, validation), targets.Y[validation]),
            callbacks=self.callbacks,
        )
        return self._set_fitted(targets, spec, history, model=model)

    @staticmethod
    def _fit_copies(estimators, Xs, y, rows, sample_weight=None):
        """Fit K unfitted classifiers at once, copy ``k`` on rows ``rows[k]`` of ``Xs[k]``.

        The hook ``fit`` (with one copy) and cross-validation use. ``Xs[k]``
        holds every row, as copy ``k``'s preprocessing transformed them;
        ``rows[k]`` are its training rows (None: all); ``y`` and
        ``sample_weight`` cover every row. Each copy is prepared as a fit of
        those rows alone would prepare it (checks, class weights, its
        early-stopping split of its rows, its own seed drawn from its
        ``random_state``), then the copies train together on the compiled
        engine: an integer ``random_state`` gives each copy exactly the model
        a solo fit on its rows gives.

        Returns
        -------
        list
            Per copy, the estimator (fitted in place), or the exception that
            stopped it.
        """
        out, ready, targets, validated = [], [], {}, {}
        for est, X, train in zip(estimators, Xs, rows):
            try:
                if id(X) in validated:
                    # copies that share their features share one checked copy
                    # of them (and learn the same feature attributes)
                    X, first = validated[id(X)]
                    for key in ("n_features_in_", "feature_names_in_"):
                        if hasattr(first, key):
                            setattr(est, key, getattr(first, key))
                else:
                    raw = X
                    X = est._validate_features(X, reset=True)
                    if sp.issparse(X) and not _engine.sparse_rows_fit(X):
                        X = X.toarray()  # a few very long rows: dense is smaller
                    validated[id(raw)] = (X, est)
                if est.missing_label not in targets:
                    targets[est.missing_label] = encode_targets(
                        y, missing_label=est.missing_label
                    )
                target = targets[est.missing_label]
                weights = est._check_rows(X, target, sample_weight)
                train = np.arange(X.shape[0]) if train is None else np.asarray(train)
                fit_rows, val_rows = est._validation_split(target.Y[train])
                if fit_rows is not None:
                    fit_rows, val_rows = train[fit_rows], train[val_rows]
                else:
                    fit_rows = train
                spec = est._fit_spec(X, target, fit_rows)
            except Exception as exc:
                out.append(exc)
                continue
            out.append(est)
            ready.append((len(out) - 1, X, weights, target, fit_rows, val_rows, spec))
        if not ready:
            return out
        # the copies share y, hence one target encoding and one weight vector
        first = ready[0]
        Y = first[3].Y.toarray() if sp.issparse(first[3].Y) else first[3].Y
        early = [r[5] is not None for r in ready]
        try:
            trained = _engine.train_stacked(
                [r[6] for r in ready],
                [r[1] for r in ready],
                Y,
                [r[4] for r in ready],
                sample_weight=first[2],
                val_rows=[
                    r[5] if e else np.zeros(0, int) for r, e in zip(ready, early)
                ],
            )
        except Exception as exc:
            for r in ready:
                out[r[0]] = exc
            return out
        for r, (layers, history) in zip(ready, trained):
            out[r[0]]._set_fitted(r[3], r[6], history, layers=layers)
        return out

    def _compiled_unsupported(self, X):
        """None when ``fit`` runs on the compiled engine, else why it does not."""
        if self.callbacks:
            return "Keras callbacks (they run inside Keras' own fit loop)"
        if X is not None and sp.issparse(X) and not _engine.sparse_rows_fit(X):
            return "sparse X with a few very long rows (see _engine._sparse)"
        if _engine.backend() not in ("tensorflow", "jax"):
            return f"the {_engine.backend()} backend"
        return None

    def _stacking_unsupported(self, X, fit_params):
        """None when :meth:`_fit_copies` can train this classifier, else the reason."""
        extra = set(fit_params or ()) - {"sample_weight"}
        if extra:
            return f"fit parameters {sorted(extra)}"
        return self._compiled_unsupported(X)

    def _check_rows(self, X, targets, sample_weight):
        """Check X against y and the labels; return the checked sample weights."""
        if targets.Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows but y has {targets.Y.shape[0]}; give one "
                "label row per sample."
            )
        warn_if_too_large(
            X,
            targets.Y,
            _as_sizes(self.hidden_layer_sizes).tolist(),
            self.batch_size,
            self.max_memory_mb,
        )
        return _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )

    def _fit_spec(self, X, targets, train):
        """The frozen description of this fit on rows ``train`` (None: all rows)."""
        Y_train = _take(targets.Y, train)
        names = targets.label_names
        if not sp.issparse(Y_train):
            never_known = np.isnan(Y_train).all(axis=0)
            if never_known.any():
                raise ValueError(
                    f"labels {list(names[never_known])} are unknown (NaN or "
                    "missing_label) in every training row; drop those columns or "
                    "provide some known values."
                )
        pos_weight = resolve_pos_weight(
            self.class_weight, Y_train, names, targets.binary_classes
        )
        early = (
            _engine.EarlyStopping(int(self.n_iter_no_change), float(self.tol))
            if self.early_stopping
            else None
        )
        return _engine.FitSpec(
            n_features=X.shape[1],
            n_labels=targets.Y.shape[1],
            hidden_layer_sizes=tuple(
                int(w) for w in _as_sizes(self.hidden_layer_sizes)
            ),
            activation=self.activation,
            kernel_initializer=self.kernel_initializer,
            dropout=float(self.dropout),
            alpha=float(self.alpha),
            optimizer=self.optimizer,
            learning_rate=float(self.learning_rate),
            batch_size=int(self.batch_size),
            epochs=int(self.epochs),
            # the one place a seed is drawn (an int random_state gives the
            # same seed on every fit; None a fresh one from NumPy's global RNG)
            seed=int(check_random_state(self.random_state).randint(2**31 - 1)),
            pos_weight=None if pos_weight is None else tuple(map(float, pos_weight)),
            masked=_has_missing(targets.Y),
            early_stopping=early,
            verbose=self.verbose,
        )

    def _set_fitted(self, targets, spec, history, *, model=None, layers=None):
        """Record what training learned: the Keras ``model`` or the trained ``layers``.

        A stacked fit gives ``layers`` (weights): predictions need only those,
        and the ``keras.Model`` is built the first time ``model_`` is read.
        """
        self.label_names_ = targets.label_names
        self.n_labels_ = targets.Y.shape[1]
        self.classes_ = (
            multilabel_classes(self.n_labels_)
            if targets.binary_classes is None
            else targets.binary_classes
        )
        self.pos_weight_ = (
            None if spec.pos_weight is None else np.array(spec.pos_weight)
        )
        self.history_ = history
        self._spec_ = spec
        self._keras_model_ = model
        self._layers_ = layers
        return self

    def _fitted_state(self):
        """The fitted attributes besides the network, for ``save`` (plain values)."""
        state = {
            "label_names_": self.label_names_,
            "n_labels_": self.n_labels_,
            "n_features_in_": self.n_features_in_,
            "classes_": None if not self._is_binary() else self.classes_,
            "pos_weight_": self.pos_weight_,
            "history_": self.history_,
        }
        if hasattr(self, "feature_names_in_"):
            state["feature_names_in_"] = self.feature_names_in_
        return state

    def _restore_fitted(self, state, model):
        """Become the fitted classifier ``_fitted_state`` and ``model_`` describe."""
        self.label_names_ = np.asarray(state["label_names_"], dtype=object)
        self.n_labels_ = int(state["n_labels_"])
        self.n_features_in_ = int(state["n_features_in_"])
        self.classes_ = (
            multilabel_classes(self.n_labels_)
            if state["classes_"] is None
            else np.asarray(state["classes_"])
        )
        pos_weight = state["pos_weight_"]
        self.pos_weight_ = None if pos_weight is None else np.asarray(pos_weight)
        self.history_ = state["history_"]
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(
                state["feature_names_in_"], dtype=object
            )
        self.model_ = model
        return self

    @property
    def model_(self):
        """keras.Model: the trained network (built on first read after a stacked fit)."""
        if "_keras_model_" not in vars(self):
            raise AttributeError(
                f"This {type(self).__name__} is not fitted yet: it has no model_."
            )
        if self._keras_model_ is None:
            self._keras_model_ = _engine.build_model(self._layers_, self._spec_)
            # from now on predictions follow the model, should it be trained further
            self._layers_ = None
        return self._keras_model_

    @model_.setter
    def model_(self, model):
        self._keras_model_ = model
        self._layers_ = None

    def _validate_features(self, X, *, reset):
        X = validate_data(
            self,
            X,
            reset=reset,
            accept_sparse=("csr", "csc", "coo"),
            dtype=np.float32,
        )
        return X.tocsr() if sp.issparse(X) else X

    def _validation_split(self, Y):
        """Row indices for training and (with early stopping) validation."""
        if not self.early_stopping:
            return None, None
        return stratified_holdout(
            indicator_01(Y), self.validation_fraction, self.random_state
        )

    def _thresholds(self):
        t = np.asarray(self.threshold, dtype=float)
        if t.ndim == 0:
            return np.full(self.n_labels_, float(t))
        t = t.ravel()
        if t.size != self.n_labels_:
            raise ValueError(
                f"threshold has {t.size} values but the classifier was fitted on "
                f"{self.n_labels_} labels; pass a scalar or one value per label."
            )
        if np.any((t < 0) | (t > 1)) or not np.all(np.isfinite(t)):
            raise ValueError(f"threshold values must lie in [0, 1], got {t.tolist()}.")
        return t

    def _label_proba(self, X):
        check_is_fitted(self)
        X = self._validate_features(X, reset=False)
        layers = self._layers_
        if layers is None:
            layers = _engine.network_from_model(self._keras_model_)
        if layers is None:  # not a network the NumPy forward pass knows: ask Keras
            return _engine.predict_keras(self._keras_model_, X)
        return _engine.predict_proba(layers, X)

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
            0 and 1.
        """
        proba = self._label_proba(X)
        if self._is_binary():
            return np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        return proba

    def predict(self, X):
        """Predict the labels of each row: ``predict_proba(X) >= threshold``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of int of shape (n_samples, n_labels)
            1 where the label's probability is ``>=`` its threshold. Shape
            ``(n_samples,)`` when fitted on a 1-D ``y``.
        """
        proba = self._label_proba(X)
        y_pred = (proba >= self._thresholds()).astype(int)
        return self.classes_[y_pred[:, 0]] if self._is_binary() else y_pred

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
        y_pred = (self._label_proba(X) >= self._thresholds()).astype(int)
        return [list(self.label_names_[row.astype(bool)]) for row in y_pred]

    def score(self, X, y, sample_weight=None):
        """Exact-match (subset) accuracy: share of rows with every label right.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : indicator matrix, DataFrame or sequence of label sets
            True labels, in the form used for ``fit``; NaN entries (unknown) are
            left out, and rows with no known label are not counted.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        if not self._is_binary() and _is_label_set_sequence(y):
            mlb = MultiLabelBinarizer(classes=list(self.label_names_))
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    y = mlb.fit_transform(list(y))
                except UserWarning as exc:
                    raise ValueError(f"y names labels not seen in fit: {exc}") from None
        if not self._is_binary():
            # unknown (NaN) entries are left out, as in training
            return exact_match_score(
                y, self.predict(X), sample_weight=sample_weight, ignore_missing=True
            )
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def _is_binary(self):
        return not isinstance(self.classes_, list)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        # a 1-D y must be 0/1: several classes are multiclass, not multi-label
        tags.classifier_tags.multi_class = False
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = True
        return tags


def _as_sizes(hidden_layer_sizes):
    sizes = np.atleast_1d(np.asarray(hidden_layer_sizes))
    if sizes.size and (sizes.dtype.kind not in "iu" or np.any(sizes < 1)):
        raise ValueError(
            f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}."
        )
    return sizes


def _has_missing(Y):
    return False if sp.issparse(Y) else bool(np.isnan(Y).any())


def _take(X, rows):
    return X if rows is None else X[rows]

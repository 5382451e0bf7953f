"""The framework seam: the Keras network, its loss and the fast training loop.

This is the only module that imports ``keras`` and ``scikeras``; the classifier
imports it lazily from ``fit`` so that ``import skmultilabel_mlp`` stays free of
a deep-learning backend.

Training goes through a thin subclass of scikeras' ``KerasClassifier`` that keeps
scikeras' model building, seeding and ``history_`` bookkeeping but replaces three
things that are wrong or slow for multi-label work: target encoding (scikeras
switches to one-label-per-row mode when every row has one label), input
validation (it rejects NaN "unknown" labels and turns CSR into LIL), and the
training loop (one ``tf.data`` pipeline for all epochs instead of a new iterator
per epoch, which is where a small MLP spends most of its time on CPU).
"""

import functools

import keras
import numpy as np
import scipy.sparse as sp
from scikeras.wrappers import KerasClassifier
from sklearn.preprocessing import FunctionTransformer

try:  # tf.data drives the fast loop on every backend when TensorFlow is present
    import tensorflow as tf
except ImportError:  # pragma: no cover - exercised only without TensorFlow
    tf = None

__all__ = [
    "MaskedBinaryCrossentropy",
    "build_mlp",
    "fit_network",
    "predict_network",
]

PREDICT_BATCH_SIZE = 4096


def steps_per_execution(steps_per_epoch):
    """Run a whole epoch per compiled call: ``steps_per_execution = steps_per_epoch``.

    Several optimiser steps per call remove most of the fixed per-step cost of a
    small MLP (see ARCHITECTURE), and Keras rounds every epoch up to a whole
    number of calls, so any count that does not divide the epoch adds optimiser
    steps (measured: 320 instead of 70 for 200 rows, batch 32, 10 epochs, with a
    fixed 32). The whole epoch is the one count that is both exact and fastest.
    """
    return max(int(steps_per_epoch), 1)


@keras.saving.register_keras_serializable(package="skmultilabel_mlp")
class MaskedBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy per label with unknown (NaN) targets masked out.

    ``pos_weight`` multiplies the positive term of each label's cross-entropy
    (one weight per label), which is how ``class_weight`` reaches the loss. Each
    sample's loss is the sum over its known labels divided by the number of
    labels, so with no NaN and unit weights it equals Keras' binary cross-entropy.
    """

    def __init__(self, pos_weight=None, name="masked_binary_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pos_weight = None if pos_weight is None else [float(w) for w in pos_weight]

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_true = ops.cast(y_true, y_pred.dtype)
        known = ops.logical_not(ops.isnan(y_true))
        y = ops.where(known, y_true, ops.zeros_like(y_true))
        # ops.binary_crossentropy uses the sigmoid's logits where the backend keeps
        # them (TensorFlow), exactly as Keras' own loss: no clipping at 1e-7
        neg_log_p = ops.binary_crossentropy(ops.ones_like(y), y_pred)
        neg_log_1mp = ops.binary_crossentropy(ops.zeros_like(y), y_pred)
        pos = y * neg_log_p
        if self.pos_weight is not None:
            pos = pos * ops.convert_to_tensor(self.pos_weight, dtype=y_pred.dtype)
        terms = pos + (1.0 - y) * neg_log_1mp
        terms = ops.where(known, terms, ops.zeros_like(terms))
        return ops.sum(terms, axis=-1) / ops.cast(ops.shape(y_pred)[-1], y_pred.dtype)

    def get_config(self):
        return {**super().get_config(), "pos_weight": self.pos_weight}


def build_mlp(
    n_features,
    n_labels,
    *,
    hidden_layer_sizes=(20,),
    activation="relu",
    kernel_initializer="he_uniform",
    dropout=0.0,
    alpha=0.0,
    seed=None,
):
    """Build (but do not compile) the MLP: hidden Dense layers, one sigmoid per label.

    Parameters
    ----------
    n_features, n_labels : int
        Input width and number of sigmoid outputs.
    hidden_layer_sizes, activation, kernel_initializer, dropout, alpha
        As in :class:`~skmultilabel_mlp.MultiLabelMLPClassifier`.
    seed : int or None
        Seeds every initializer and dropout layer explicitly, so building is
        reproducible without touching any global random state.

    Returns
    -------
    keras.Model
    """
    seeds = layer_seeds(seed, len(hidden_layer_sizes))

    def init(name, k):
        return keras.initializers.get(
            {"class_name": name, "config": {"seed": seeds[k]}}
        )

    regularizer = keras.regularizers.L2(alpha) if alpha > 0 else None
    inputs = keras.Input(shape=(n_features,), name="features")
    x = inputs
    for i, width in enumerate(hidden_layer_sizes):
        x = keras.layers.Dense(
            width,
            activation=activation,
            kernel_initializer=init(kernel_initializer, 2 * i),
            kernel_regularizer=regularizer,
            name=f"hidden_{i}",
        )(x)
        if dropout > 0:
            x = keras.layers.Dropout(
                dropout, seed=seeds[2 * i + 1], name=f"dropout_{i}"
            )(x)
    outputs = keras.layers.Dense(
        n_labels,
        activation="sigmoid",
        kernel_initializer=init("glorot_uniform", -1),
        kernel_regularizer=regularizer,
        name="labels",
    )(x)
    return keras.Model(inputs, outputs, name="multilabel_mlp")


def layer_seeds(seed, n_hidden):
    """The seeds ``build_mlp`` gives its layers: kernel ``i`` at ``2 * i``, the
    dropout after it at ``2 * i + 1``, the output kernel last (all None unseeded)."""
    if seed is None:
        return [None] * (2 * n_hidden + 2)
    return [
        int(s)
        for s in np.random.RandomState(seed).randint(2**31 - 1, size=2 * n_hidden + 2)
    ]


def kernel_initializers(architecture):
    """Initializer name of each kernel of the network, input side first."""
    n_hidden = len(architecture["hidden_layer_sizes"])
    return [architecture["kernel_initializer"]] * n_hidden + ["glorot_uniform"]


def initial_weights(n_features, n_labels, architecture, seed):
    """The weights ``build_mlp(..., seed=seed)`` starts from, without building it."""
    widths = [n_features, *architecture["hidden_layer_sizes"], n_labels]
    seeds = layer_seeds(seed, len(widths) - 2)
    kernel_seeds = seeds[0:-2:2] + seeds[-1:]
    weights = []
    for fan_in, fan_out, name, s in zip(
        widths[:-1], widths[1:], kernel_initializers(architecture), kernel_seeds
    ):
        init = keras.initializers.get({"class_name": name, "config": {"seed": s}})
        kernel = keras.ops.convert_to_numpy(init((fan_in, fan_out), dtype="float32"))
        weights += [kernel, np.zeros(fan_out, dtype=np.float32)]
    return weights


def build_trained(
    layers,
    *,
    n_features,
    architecture,
    optimizer,
    learning_rate,
    masked,
    pos_weight,
    seed,
):
    """A compiled ``keras.Model`` holding trained weights ``[(kernel, bias, _), ...]``.

    Built and compiled exactly as a solo fit's model, so the two are
    interchangeable (``save``, further ``fit`` calls, ``model_.predict``).
    """
    loss = make_loss(masked, pos_weight)
    model = build_mlp(n_features, layers[-1][0].shape[1], **architecture, seed=seed)
    model.set_weights([w for kernel, bias, _ in layers for w in (kernel, bias)])
    compile_like_solo(model, optimizer, learning_rate, loss)
    # with its slots made, the optimizer saves and loads like a trained one's
    model.optimizer.build(model.trainable_variables)
    return model


def _build_compiled(
    n_features, n_labels, architecture, optimizer, learning_rate, loss, seed, steps
):
    model = build_mlp(n_features, n_labels, **architecture, seed=seed)
    compile_like_solo(model, optimizer, learning_rate, loss, steps)
    return model


def compile_like_solo(model, optimizer, learning_rate, loss, steps_per_epoch=1):
    """Compile ``model`` with the optimiser, loss and steps per execution of a fit."""
    opt = type(keras.optimizers.get(optimizer))(learning_rate=learning_rate)
    model.compile(
        optimizer=opt,
        loss=loss,
        steps_per_execution=steps_per_execution(steps_per_epoch),
    )


def make_loss(masked=False, pos_weight=None):
    """Keras' BCE, or the masked / positive-weighted BCE when either is needed."""
    if masked or pos_weight is not None:
        return MaskedBinaryCrossentropy(pos_weight=pos_weight)
    return keras.losses.BinaryCrossentropy()


class _IdentityTargetEncoder(FunctionTransformer):
    """scikeras' target hook: targets arrive already encoded as (n, L) float32."""

    def get_metadata(self):
        return {"n_outputs_expected_": 1}


class _MultiLabelKerasClassifier(KerasClassifier):
    """scikeras' KerasClassifier with multi-label targets and the tf.data loop."""

    @property
    def target_encoder(self):
        return _IdentityTargetEncoder()

    def _type_of_target(self, y):
        return "multilabel-indicator"

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # MultiLabelMLPClassifier validated X and y already; keep CSR and NaN.
        if reset and X is not None:
            self.X_dtype_, self.X_shape_ = X.dtype, X.shape
            self.n_features_in_ = X.shape[1]
        if reset and y is not None:
            self.target_type_, self.y_dtype_, self.y_ndim_ = (
                "multilabel-indicator",
                y.dtype,
                y.ndim,
            )
        return X, y

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        validation_data = kwargs.pop("validation_data", None)
        steps = -(-X.shape[0] // self.batch_size)
        seed = self._shuffle_seed
        fit_args = {
            "epochs": initial_epoch + epochs,
            "initial_epoch": initial_epoch,
            "verbose": self.verbose,
            "callbacks": self._fit_callbacks,
            "shuffle": False,  # the pipeline shuffles; Keras would only warn
        }
        if tf is not None:
            train = make_dataset(
                X, y, sample_weight, batch_size=self.batch_size, shuffle=True, seed=seed
            )
            fit_args.update(x=train, steps_per_epoch=steps)
            if validation_data is not None:
                fit_args["validation_data"] = make_dataset(
                    *validation_data, batch_size=PREDICT_BATCH_SIZE
                )
        else:  # pragma: no cover - plain arrays when TensorFlow is absent
            fit_args.update(
                x=_dense(X),
                y=_dense(y),
                sample_weight=sample_weight,
                batch_size=self.batch_size,
                shuffle=True,
            )
            if validation_data is not None:
                Xv, yv = validation_data
                fit_args["validation_data"] = (_dense(Xv), _dense(yv))
        hist = self.model_.fit(**fit_args)
        self.history_ = {
            key: [float(v) for v in val] for key, val in hist.history.items()
        }


def _dense(X):
    return X.toarray() if sp.issparse(X) else X


def _row_gatherer(X):
    """A graph function mapping a batch of row indices to dense float32 rows."""
    if not sp.issparse(X):
        data = tf.constant(np.ascontiguousarray(X, dtype=np.float32))
        return lambda idx: tf.gather(data, idx)
    X = sp.csr_matrix(X, dtype=np.float32)
    X.sum_duplicates()
    n_features = X.shape[1]
    splits = X.indptr.astype(np.int64)
    cols = tf.RaggedTensor.from_row_splits(X.indices.astype(np.int64), splits)
    vals = tf.RaggedTensor.from_row_splits(X.data, splits)

    def gather(idx):
        # only this batch's rows are densified, never the whole matrix
        c, v = tf.gather(cols, idx), tf.gather(vals, idx)
        coords = tf.stack([c.value_rowids(), c.flat_values], axis=1)
        shape = tf.stack([tf.shape(idx, out_type=tf.int64)[0], n_features])
        return tf.scatter_nd(coords, v.flat_values, shape)

    return gather


def make_dataset(
    X, y=None, sample_weight=None, *, batch_size, shuffle=False, seed=None
):
    """One ``tf.data`` pipeline over row indices: shuffle, batch, gather.

    With ``shuffle=True`` the pipeline repeats forever and reshuffles every pass,
    so ``Model.fit`` (given ``steps_per_epoch``) keeps one iterator for all epochs
    while each epoch still sees every row once, in a new order, in batches of
    ``batch_size`` with a smaller last batch, exactly as a default Keras fit.
    """
    n = X.shape[0]
    idx = tf.data.Dataset.range(n)
    if shuffle:
        idx = idx.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    idx = idx.batch(batch_size)
    if shuffle:
        idx = idx.repeat()
    gather_x = _row_gatherer(X)
    if y is None:
        ds = idx.map(gather_x)
    else:
        gather_y = _row_gatherer(y)  # sparse targets are densified per batch too
        if sample_weight is None:
            ds = idx.map(lambda i: (gather_x(i), gather_y(i)))
        else:
            w_t = tf.constant(np.asarray(sample_weight, dtype=np.float32))
            ds = idx.map(lambda i: (gather_x(i), gather_y(i), tf.gather(w_t, i)))
    return ds.prefetch(tf.data.AUTOTUNE)


def fit_network(
    X,
    Y,
    sample_weight=None,
    *,
    architecture,
    optimizer,
    learning_rate,
    batch_size,
    epochs,
    pos_weight=None,
    masked=False,
    callbacks=None,
    early_stopping=None,
    validation_data=None,
    random_state=None,
    verbose=0,
):
    """Train a fresh network through scikeras and return ``(keras_model, history)``.

    ``X`` is float32 (dense or CSR), ``Y`` float32 ``(n, L)`` with NaN for unknown
    entries, ``architecture`` the keyword arguments of :func:`build_mlp`, and
    ``early_stopping`` either None or ``{"patience": int, "min_delta": float}``
    (monitoring the loss on ``validation_data``, best weights restored).
    """
    callbacks = list(callbacks or [])
    if early_stopping is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", restore_best_weights=True, **early_stopping
            )
        )
    loss = make_loss(masked, pos_weight)
    build = functools.partial(
        _build_compiled,
        X.shape[1],
        Y.shape[1],
        architecture,
        optimizer,
        learning_rate,
        loss,
        random_state,
        -(-X.shape[0] // batch_size),
    )
    # Seeds go straight to the initializers and the shuffle, not through scikeras'
    # global-seed context, which turns on TensorFlow's op determinism and then
    # breaks unseeded fits that follow in the same process.
    wrapper = _MultiLabelKerasClassifier(
        model=build,
        batch_size=batch_size,
        epochs=epochs,
        verbose=verbose,
        callbacks=callbacks or None,
    )
    wrapper._shuffle_seed = random_state
    extra = {} if validation_data is None else {"validation_data": validation_data}
    wrapper.fit(X, Y, sample_weight=sample_weight, **extra)
    return wrapper.model_, wrapper.history_


def predict_network(model, X):
    """Sigmoid outputs of any Keras ``model`` for ``X``, float64 ``(n_samples, n_labels)``.

    The fallback for models ``_forward`` cannot run in NumPy (a ``model_``
    replaced by hand). ``predict_on_batch`` on chunks: ``Model.predict`` sets up a
    data adapter per call. Sparse chunks are densified one at a time.
    """
    chunks = []
    # at most ~64 MB of dense float32 rows at a time (wide sparse inputs)
    rows = max(1, min(PREDICT_BATCH_SIZE, 2**24 // max(X.shape[1], 1)))
    for start in range(0, X.shape[0], rows):
        chunk = np.asarray(_dense(X[start : start + rows]), dtype=np.float32)
        chunks.append(keras.ops.convert_to_numpy(model.predict_on_batch(chunk)))
    return np.concatenate(chunks).astype(np.float64).reshape(X.shape[0], -1)

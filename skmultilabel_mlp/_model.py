"""The solo fit: scikeras, the fast ``tf.data`` training loop, Keras predictions.

This is the only module that imports ``scikeras`` (and, for ``tf.data``,
TensorFlow); the network itself is in ``_network``. The classifier imports it
lazily from ``fit`` so that ``import skmultilabel_mlp`` stays free of a
deep-learning backend.

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

from ._network import build_mlp, compile_like_solo, make_loss

__all__ = ["fit_network", "predict_network"]

PREDICT_BATCH_SIZE = 4096


def _build_compiled(
    n_features, n_labels, architecture, optimizer, learning_rate, loss, seed, steps
):
    model = build_mlp(n_features, n_labels, **architecture, seed=seed)
    compile_like_solo(model, optimizer, learning_rate, loss, steps)
    return model


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

"""The scikeras fit (one network, Keras callbacks honoured) and Keras predictions.

The only module that imports ``scikeras``; the network itself is in
``_network`` and the input pipeline in ``_tfdata``.

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
    from ._tfdata import make_dataset
except ImportError:  # pragma: no cover - exercised only without TensorFlow
    make_dataset = None

from ._network import build_mlp, compile_like_solo, make_loss

__all__ = ["fit_keras", "predict_keras"]

PREDICT_BATCH_SIZE = 4096


def _build_compiled(spec, loss, steps, initial_layers=None):
    model = build_mlp(
        spec.n_features,
        spec.n_labels,
        **spec.architecture,
        seed=spec.seed,
        heads=spec.heads,
    )
    if initial_layers is not None:  # warm_start: continue from trained weights
        model.set_weights(
            [w for kernel, bias, _ in initial_layers for w in (kernel, bias)]
        )
    compile_like_solo(model, spec.optimizer, spec.learning_rate, loss, steps)
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
        seed = kwargs.pop("shuffle_seed")  # a fit argument of ours, not Keras'
        steps = -(-X.shape[0] // self.batch_size)
        fit_args = {
            "epochs": initial_epoch + epochs,
            "initial_epoch": initial_epoch,
            "verbose": self.verbose,
            "callbacks": self._fit_callbacks,
            "shuffle": False,  # the pipeline shuffles; Keras would only warn
        }
        if make_dataset is not None:
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
                fit_args["validation_data"] = tuple(map(_dense, validation_data))
        hist = self.model_.fit(**fit_args)
        self.history_ = {
            key: [float(v) for v in val] for key, val in hist.history.items()
        }


def _dense(X):
    return X.toarray() if sp.issparse(X) else X


def fit_keras(
    spec,
    X,
    Y,
    sample_weight=None,
    *,
    validation_data=None,
    callbacks=None,
    initial_layers=None,
):
    """Train ``spec``'s network through scikeras; return ``(keras_model, history)``.

    ``X`` is float32 (dense or CSR), ``Y`` float32 ``(n, L)`` with NaN for unknown
    entries; with ``spec.early_stopping`` the loss on ``validation_data`` is
    monitored and the best weights are restored.
    """
    callbacks = list(callbacks or [])
    if spec.early_stopping is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss",
                restore_best_weights=True,
                patience=spec.early_stopping.patience,
                min_delta=spec.early_stopping.min_delta,
            )
        )
    loss = make_loss(spec.masked, spec.pos_weight, spec.heads, spec.loss)
    build = functools.partial(
        _build_compiled,
        spec,
        loss,
        -(-X.shape[0] // spec.batch_size),
        initial_layers,
    )
    # The seed goes straight to the initializers and the shuffle, not through
    # scikeras' global-seed context, which turns on TensorFlow's op determinism
    # and then breaks unseeded fits that follow in the same process.
    wrapper = _MultiLabelKerasClassifier(
        model=build,
        batch_size=spec.batch_size,
        epochs=spec.epochs,
        verbose=spec.verbose,
        callbacks=callbacks or None,
    )
    extra = {} if validation_data is None else {"validation_data": validation_data}
    wrapper.fit(X, Y, sample_weight=sample_weight, shuffle_seed=spec.seed, **extra)
    return wrapper.model_, wrapper.history_


def predict_keras(model, X):
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

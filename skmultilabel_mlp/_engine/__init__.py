"""The engine: the only place Keras, TensorFlow, JAX and scikeras are imported.

The rest of the package talks to the networks through the functions below and
the fit description in :mod:`._spec`. Importing this package loads no backend:
each function imports the module it needs when it is first called.

- ``_spec``: the fit description (:class:`FitSpec`) and the accepted names;
- ``_network``: layers, loss, initial weights, a trained network as a model;
- ``_forward``: the NumPy forward pass (predictions without a backend call);
- ``_solo`` and ``_tfdata``: the scikeras fit (Keras callbacks) and its input
  pipeline;
- ``_loop``: the compiled training program of K copies, in ``keras.ops``,
  ``_program``, what it is specialised on, ``_objective``, the loss of a batch
  it differentiates, and ``_buckets``, the row counts its shapes are padded to;
- ``_optim``, ``_lazy``, ``_random``, ``_sparse``, ``_progress``: its optimiser
  updates (``_lazy``: lazy Adam's touched-rows step), counter-based random
  numbers, sparse rows and per-epoch reports;
- ``_stacked`` (grouping, data, unpacking), ``_segments`` (the copies still
  training going on in fewer slots once most stopped), ``_stacked_tf``,
  ``_stacked_jax`` (compiling the program on each backend);
- ``_saving``: a network to bytes and back.

Importing it also sets ``TF_ENABLE_ONEDNN_OPTS=0`` (see
:func:`prefer_eigen_kernels`) unless the variable is set or TensorFlow is
already imported.
"""

import os
import sys

from ._spec import (
    ACTIVATIONS,
    DEFAULT_HIDDEN_LAYER_SIZES,
    INITIALIZERS,
    OPTIMIZER_SLOTS,
    OPTIMIZERS,
    EarlyStopping,
    FitSpec,
)

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_HIDDEN_LAYER_SIZES",
    "INITIALIZERS",
    "OPTIMIZERS",
    "OPTIMIZER_SLOTS",
    "EarlyStopping",
    "FitSpec",
    "backend",
    "build_model",
    "fit_keras",
    "import_backend_quietly",
    "layers_match",
    "model_from_bytes",
    "model_to_bytes",
    "network_from_model",
    "predict_keras",
    "predict_proba",
    "prefer_eigen_kernels",
    "sparse_rows_fit",
    "train_stacked",
]


#: What ``TF_ENABLE_ONEDNN_OPTS`` is set to (if unset) before TensorFlow loads.
#: Measured on 2 cores of an AMD EPYC (AVX-512), TensorFlow 2.21, the same
#: process setup each time: the tutorial fit (900 x 10 rows, 3 labels, 100
#: epochs of batch 32) took 0.72-1.0 s with oneDNN's custom kernels and
#: 0.23-0.25 s without them (scikit-learn's ``MLPClassifier``: 0.42-0.45 s);
#: one intra-op thread instead of two gave 0.34 s with them. On the large dense
#: case of ``benchmarks/speed.py`` (512 hidden units, batch 256) an epoch took
#: 3.36 s without them against 3.06-3.16 s with them (its GEMMs 7% slower).
ONEDNN_OPTS = "0"


def prefer_eigen_kernels(environ=os.environ, modules=sys.modules):
    """Turn TensorFlow's oneDNN custom kernels off, unless the user chose.

    TensorFlow reads ``TF_ENABLE_ONEDNN_OPTS`` once, when it is imported: the
    package's networks are small and their steps are many tiny operations,
    which oneDNN's kernels make about 3x slower on the CPUs measured (see
    ``ONEDNN_OPTS``). A value already in the environment is kept, and nothing
    is changed once TensorFlow is imported (it would no longer apply). Set
    ``TF_ENABLE_ONEDNN_OPTS=1`` before importing the package to keep them.
    Returns whether it set the variable.
    """
    if "TF_ENABLE_ONEDNN_OPTS" in environ or "tensorflow" in modules:
        return False
    environ["TF_ENABLE_ONEDNN_OPTS"] = ONEDNN_OPTS
    return True


prefer_eigen_kernels()


def backend():
    """The name of the Keras backend (imports Keras)."""
    import keras

    return keras.config.backend()


def import_backend_quietly():
    """Import Keras and its backend with file descriptor 2 on ``os.devnull``.

    For the command line, whose standard error is the user's: TensorFlow 2.19
    and later print a C++ banner ("oneDNN custom operations are on") at import,
    before absl logging starts, which ``TF_CPP_MIN_LOG_LEVEL`` does not
    silence (tensorflow/tensorflow#100442). An import that fails still raises;
    only what the import writes to the descriptor is lost. Does nothing once
    Keras is imported.
    """
    import os
    import sys

    if "keras" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        import keras  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def fit_keras(spec, X, Y, sample_weight=None, **options):
    """Train one network through scikeras; ``(keras_model, history)``.

    ``options``: ``validation_data``, ``callbacks``, ``initial_layers`` (see
    ``_solo.fit_keras``).
    """
    from ._solo import fit_keras

    return fit_keras(spec, X, Y, sample_weight, **options)


def sparse_rows_fit(X):
    """Whether the compiled engine takes sparse ``X`` as it is (NumPy only)."""
    from ._sparse import ell_fits

    return ell_fits(X)


def train_stacked(specs, X, Y, rows, sample_weight=None, **options):
    """Train K networks on the compiled engine; a ``(layers, history)`` per spec.

    ``options``: ``val_rows``, ``verbose``, ``max_memory_mb``, ``starts``,
    ``keep_state`` (see ``_stacked.train_stacked``).
    """
    from ._stacked import train_stacked

    return train_stacked(specs, X, Y, rows, sample_weight, **options)


def predict_proba(layers, X, heads=()):
    """Sigmoid outputs of trained ``layers`` for ``X``, in NumPy (no backend call)."""
    from ._forward import predict_proba

    return predict_proba(layers, X, heads)


def network_from_model(model):
    """The layers of a ``build_mlp`` model, or None for any other model."""
    from ._forward import network_from_model

    return network_from_model(model)


def predict_keras(model, X):
    """Sigmoid outputs of any Keras model, through Keras."""
    from ._solo import predict_keras

    return predict_keras(model, X)


def build_model(layers, spec):
    """A compiled ``keras.Model`` holding trained ``layers``."""
    from ._network import build_trained

    return build_trained(layers, spec)


def model_to_bytes(model):
    """The ``.keras`` file of a model, as bytes."""
    from ._saving import model_to_bytes

    return model_to_bytes(model)


def model_from_bytes(data):
    """A model from a ``.keras`` file's bytes, in Keras' safe mode."""
    from ._saving import model_from_bytes

    return model_from_bytes(data)


def layers_match(model, n_features, n_labels, architecture, heads=()):
    """Whether ``model`` has exactly the layers the package builds for these arguments."""
    from ._saving import layers_match

    return layers_match(model, n_features, n_labels, architecture, heads)

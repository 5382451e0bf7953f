"""The trained network's forward pass in NumPy: predictions without a backend call.

A prediction is a few matrix products and element-wise activations. Running
them in NumPy (float32 products, like the network, and a float64 sigmoid) costs
a fraction of a millisecond for a small network, where one Keras call costs
several (``Model.predict`` sets up a data adapter per call; on JAX every new
model compiles its own predict function), and the result for a row does not
depend on the other rows of the call. It also means a fitted classifier can
predict from its weights alone, before (or without) a ``keras.Model`` being
built for it: the stacked engine hands back weights, not models.

Only the layers ``_network.build_mlp`` makes are known here; the caller falls back
to Keras for anything else.
"""

import numpy as np
import scipy.sparse as sp
from scipy import special

__all__ = [
    "ACTIVATION_FUNCTIONS",
    "head_probabilities",
    "network_from_model",
    "predict_proba",
]

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _elu(a):
    return np.where(a > 0, a, np.expm1(np.minimum(a, 0)))


def _silu(a):
    return a * special.expit(a)


ACTIVATION_FUNCTIONS = {
    "linear": lambda a: a,
    "relu": lambda a: np.maximum(a, 0),
    "tanh": np.tanh,
    "sigmoid": special.expit,
    "elu": _elu,
    "selu": lambda a: _SELU_SCALE * np.where(a > 0, a, _SELU_ALPHA * _elu(a)),
    # Keras' default gelu is the exact one (approximate=False)
    "gelu": lambda a: 0.5 * a * (1.0 + special.erf(a / np.sqrt(2.0))),
    # Keras serialises its swish activation as "silu"
    "swish": _silu,
    "silu": _silu,
}

_ROWS_PER_CHUNK = 8192


def network_from_model(model):
    """``[(kernel, bias, activation name), ...]`` of a ``build_mlp`` network.

    Returns None when the model holds anything but input, Dense and Dropout
    layers, or an activation this module does not know: the caller then
    predicts through Keras.
    """
    import keras

    from ._network import OutputHeads

    layers, heads = [], False
    for layer in model.layers:
        if isinstance(layer, (keras.layers.InputLayer, keras.layers.Dropout)):
            continue
        if isinstance(layer, OutputHeads):  # the last layer: logits to probabilities
            heads = True
            continue
        if not isinstance(layer, keras.layers.Dense) or not layer.use_bias:
            return None
        name = keras.activations.serialize(layer.activation)
        name = name if isinstance(name, str) else None
        if name not in ACTIVATION_FUNCTIONS:
            return None
        kernel, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
        layers.append((kernel, bias, name))
    if not layers or layers[-1][2] != ("linear" if heads else "sigmoid"):
        return None
    return layers


def head_probabilities(logits, heads):
    """Probabilities from output logits: a sigmoid per one-unit head, a softmax per
    wider one (float64, as the network's ``OutputHeads`` layer computes them)."""
    out, at = np.empty_like(logits), 0
    for width in heads:
        block = logits[:, at : at + width]
        out[:, at : at + width] = (
            special.expit(block) if width == 1 else special.softmax(block, axis=1)
        )
        at += width
    return out


def predict_proba(layers, X, heads=()):
    """Sigmoid outputs, float64 ``(n_samples, n_labels)``, for dense or sparse ``X``.

    With ``heads`` (``FitSpec.heads``) the last layer's logits become one
    sigmoid or softmax per head instead (:func:`head_probabilities`).

    Rows go through in chunks so the hidden activations of a large input never
    sit in memory all at once; sparse rows are multiplied as they are.
    """
    n = X.shape[0]
    out = np.empty((n, layers[-1][0].shape[1]), dtype=np.float64)
    for start in range(0, n, _ROWS_PER_CHUNK):
        h = X[start : start + _ROWS_PER_CHUNK]
        h = (
            sp.csr_matrix(h, dtype=np.float32)
            if sp.issparse(h)
            else np.asarray(h, dtype=np.float32)
        )
        for i, (kernel, bias, activation) in enumerate(layers):
            a = np.asarray(h @ kernel, dtype=np.float32) + bias
            if i == len(layers) - 1:
                a = a.astype(np.float64)
                out[start : start + a.shape[0]] = (
                    head_probabilities(a, heads) if heads else special.expit(a)
                )
            else:
                h = ACTIVATION_FUNCTIONS[activation](a).astype(np.float32, copy=False)
    return out

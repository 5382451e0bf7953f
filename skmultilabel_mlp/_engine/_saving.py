"""A trained network to bytes and back, in Keras' own format, safely.

Loading uses Keras' ``safe_mode`` (no arbitrary code such as ``Lambda``
layers) and then checks every layer against the network the manifest
describes, so a file whose layers were edited is refused.
"""

import tempfile
from pathlib import Path

import keras

from . import _network  # noqa: F401  (registers the package's loss with Keras)
from ._network import build_mlp

__all__ = ["layers_match", "model_from_bytes", "model_to_bytes"]


def model_to_bytes(model):
    """The ``.keras`` file of ``model``, as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()


def model_from_bytes(data):
    """The compiled ``keras.Model`` in a ``.keras`` file's bytes (safe mode)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        path.write_bytes(data)
        return keras.saving.load_model(path, safe_mode=True, compile=True)


def _signature(model):
    keys = ("units", "activation", "rate", "use_bias", "heads")
    return [
        (type(layer).__name__, {k: layer.get_config().get(k) for k in keys})
        for layer in model.layers
    ]


def layers_match(model, n_features, n_labels, architecture, heads=()):
    """Whether ``model`` has exactly the layers ``build_mlp`` makes for these arguments."""
    expected = build_mlp(n_features, n_labels, **architecture, heads=heads)
    return _signature(model) == _signature(expected)

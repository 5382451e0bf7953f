"""save / load without pickle: Keras' native format plus a JSON manifest.

A saved classifier is one zip file holding ``manifest.json`` (parameters,
label and feature names, thresholds, class weights, history, package versions
and the SHA-256 of the network file) and ``model.keras`` (Keras' own format).
Loading never unpickles anything, opens the network with Keras' ``safe_mode``
(no arbitrary code such as ``Lambda`` layers), checks the hash, and checks every
layer against the architecture the manifest describes, so a file whose manifest
or layers were edited is refused. The checksums catch corruption and edits;
someone who deliberately rewrites the file and its checksums can only be stopped
by a signature, which ``key=`` adds (HMAC-SHA256 over both parts). Either way
loading cannot run code from the file.
"""

import hashlib
import hmac
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import _engine
from ._classifier import MultiLabelMLPClassifier
from ._utils import atomic_write, package_versions

__all__ = ["load", "save"]

FORMAT = "skmultilabel-mlp/1"
_FITTED = ("n_features_in_", "n_labels_")


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())  # a 0-d array gives a scalar
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"cannot save {type(value).__name__} {value!r} in the JSON manifest; label "
        "names and parameters must be strings or numbers."
    )


def _versions():
    return package_versions(("skmultilabel-mlp", "keras", "scikit-learn"))


def _checksum(manifest_bytes, model_bytes):
    return hashlib.sha256(manifest_bytes + b"\0" + model_bytes).hexdigest()


def _signature(key, manifest_bytes, model_bytes):
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(
        key, manifest_bytes + b"\0" + model_bytes, hashlib.sha256
    ).hexdigest()


def _split_scaler(estimator):
    if isinstance(estimator, Pipeline) and len(estimator.steps) == 2:
        first, last = estimator.steps[0][1], estimator.steps[1][1]
        if isinstance(first, StandardScaler):
            check = getattr(first, "n_features_in_", None)
            if check is None:
                raise NotFittedError("the pipeline's StandardScaler is not fitted.")
            return last, first
    return estimator, None


def _scaler_state(scaler):
    return _jsonable(
        {
            "with_mean": scaler.with_mean,
            "with_std": scaler.with_std,
            "mean_": scaler.mean_,
            "scale_": scaler.scale_,
            "var_": scaler.var_,
            "n_features_in_": scaler.n_features_in_,
            "n_samples_seen_": scaler.n_samples_seen_,
            "feature_names_in_": getattr(scaler, "feature_names_in_", None),
        }
    )


def _restore_scaler(state):
    scaler = StandardScaler(with_mean=state["with_mean"], with_std=state["with_std"])
    for key in ("mean_", "scale_", "var_"):
        setattr(
            scaler,
            key,
            None if state[key] is None else np.asarray(state[key], dtype=float),
        )
    scaler.n_features_in_ = state["n_features_in_"]
    scaler.n_samples_seen_ = np.asarray(state["n_samples_seen_"])
    if state["feature_names_in_"] is not None:
        scaler.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
    return scaler


def save(estimator, path, *, key=None):
    """Save a fitted :class:`~skmultilabel_mlp.MultiLabelMLPClassifier` without pickle.

    Parameters
    ----------
    estimator : MultiLabelMLPClassifier or Pipeline
        Fitted: the classifier, or a two-step Pipeline of a ``StandardScaler``
        and the classifier (the scaler's statistics go in the manifest). The
        classifier's ``callbacks`` are not saved (they are code).
    path : str or Path
        Destination file; written atomically (a temporary file, then a rename).
    key : str or bytes, default=None
        Signs the file with HMAC-SHA256; :func:`load` then needs the same key.

    Returns
    -------
    path : Path
    """
    estimator, scaler = _split_scaler(estimator)
    if not isinstance(estimator, MultiLabelMLPClassifier):
        raise TypeError(
            "save takes a MultiLabelMLPClassifier, or a Pipeline of a StandardScaler "
            f"and one; got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    params = estimator.get_params()
    params["callbacks"] = None
    if not isinstance(params["random_state"], (int, type(None))):
        params["random_state"] = None
    model_bytes = _engine.model_to_bytes(estimator.model_)
    manifest = {
        "format": FORMAT,
        "standard_scaler": None if scaler is None else _scaler_state(scaler),
        "versions": _versions(),
        "params": _jsonable(params),
        "fitted": _jsonable(estimator._fitted_state()),
        "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
    }
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()

    def write(tmp):
        with zipfile.ZipFile(tmp, "w") as zf:
            zf.writestr("manifest.json", manifest_bytes)
            zf.writestr("model.keras", model_bytes)
            zf.writestr("checksum", _checksum(manifest_bytes, model_bytes))
            if key is not None:
                zf.writestr("signature", _signature(key, manifest_bytes, model_bytes))

    return atomic_write(path, write)


def _read(path):
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if not {"manifest.json", "model.keras", "checksum"} <= names:
                raise ValueError(
                    f"{path}: not a skmultilabel-mlp model file (missing parts)"
                )
            signature = zf.read("signature").decode() if "signature" in names else None
            manifest_bytes, model_bytes = (
                zf.read("manifest.json"),
                zf.read("model.keras"),
            )
            checksum = zf.read("checksum").decode()
    except zipfile.BadZipFile:
        raise ValueError(
            f"{path}: not a skmultilabel-mlp model file (not a zip archive)"
        ) from None
    if checksum != _checksum(manifest_bytes, model_bytes):
        raise ValueError(
            f"{path}: checksum mismatch: the manifest or the network was modified "
            "after saving; refusing to load."
        )
    return manifest_bytes, model_bytes, signature


def _check_layers(model, manifest, path):
    """Every layer must be what the manifest's parameters build, and nothing else."""
    p, f = manifest["params"], manifest["fitted"]
    architecture = {
        "hidden_layer_sizes": tuple(p["hidden_layer_sizes"]),
        "activation": p["activation"],
        "kernel_initializer": p["kernel_initializer"],
        "dropout": p["dropout"],
        "alpha": p["alpha"],
    }
    if not _engine.layers_match(
        model, f["n_features_in_"], f["n_labels_"], architecture
    ):
        raise ValueError(
            f"{path}: the network's layers do not match the manifest (tampered or "
            "corrupted file); refusing to load."
        )


def load(path, *, key=None):
    """Load a classifier written by :func:`save`, safely (no pickle, Keras safe mode).

    Parameters
    ----------
    path : str or Path
    key : str or bytes, default=None
        Required, and checked, when the file was saved with a key.

    Returns
    -------
    estimator : MultiLabelMLPClassifier or Pipeline
        Predicts exactly as the saved one (a Pipeline when a scaler was saved).

    Raises
    ------
    ValueError
        When the file is not a model file, its hash or signature does not match,
        or its layers differ from what the manifest describes.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    manifest_bytes, model_bytes, signature = _read(path)
    if key is not None or signature is not None:
        if key is None or signature is None:
            raise ValueError(
                f"{path}: {'a key' if key is None else 'no signature'} is "
                "needed to check this file's signature."
            )
        if not hmac.compare_digest(
            signature, _signature(key, manifest_bytes, model_bytes)
        ):
            raise ValueError(f"{path}: signature mismatch; refusing to load.")
    try:
        manifest = json.loads(manifest_bytes)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: manifest is not valid JSON ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown format {manifest.get('format')!r}.")
    if hashlib.sha256(model_bytes).hexdigest() != manifest.get("model_sha256"):
        raise ValueError(
            f"{path}: the network file's hash does not match the manifest; "
            "refusing to load."
        )
    ours = _versions()
    if manifest["versions"] != {
        k: v for k, v in ours.items() if k in manifest["versions"]
    }:
        warnings.warn(
            f"{path} was saved with {manifest['versions']}, this is {ours}; predictions "
            "may differ.",
            UserWarning,
            stacklevel=2,
        )
    model = _engine.model_from_bytes(model_bytes)
    _check_layers(model, manifest, path)
    params = dict(manifest["params"])
    params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
    est = MultiLabelMLPClassifier(**params)._restore_fitted(manifest["fitted"], model)
    if manifest.get("standard_scaler"):
        return make_pipeline(_restore_scaler(manifest["standard_scaler"]), est)
    return est

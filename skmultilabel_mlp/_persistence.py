"""save / load without pickle: Keras' native format plus a JSON manifest.

A saved classifier is one zip file holding ``manifest.json`` (parameters,
label and feature names, thresholds, class weights, history, package versions,
the statistics of a scaler before it, the parameters and choices of a
``MultiLabelMLPClassifierCV`` around it (:mod:`._cv_manifest`), and the SHA-256
of the network file) and ``model.keras`` (Keras' own format).
Loading never unpickles anything, opens the network with Keras' ``safe_mode``
(no arbitrary code such as ``Lambda`` layers), checks the hash, and checks every
layer against the architecture the manifest describes, so a file whose manifest
or layers were edited is refused. The checksums catch corruption and edits;
someone who deliberately rewrites the file and its checksums can only be stopped
by a signature, which ``key=`` adds (HMAC-SHA256 over both parts). Either way
loading cannot run code from the file, and it costs no more than a bounded
multiple of the file's size: every zip member's declared size is checked before
it is read (:mod:`._archive`), the checksums and the signature are verified
before the network's own archive is opened, and anything malformed is a
``ValueError`` naming the file.
"""

import hashlib
import hmac
import io
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import _archive, _cv_manifest, _engine, _manifest
from ._classifier import MultiLabelMLPClassifier
from ._classifier_cv import MultiLabelMLPClassifierCV
from ._network_parts import (
    check_layers,
    member_part,
    network,
    restore_seed_members,
    seed_members_state,
)
from ._utils import atomic_write, package_versions

__all__ = ["load", "save"]

FORMAT = "skmultilabel-mlp/1"
# a file with a MaxAbsScaler or a CV section: versions that read only /1 refuse
# it rather than load the classifier without the parts they do not know
FORMAT_2 = "skmultilabel-mlp/2"
_SCALERS = {  # manifest section -> (scaler class, its state, its restore)
    "standard_scaler": (
        StandardScaler,
        _manifest.scaler_state,
        _manifest.restore_scaler,
    ),
    "max_abs_scaler": (
        MaxAbsScaler,
        _manifest.max_abs_scaler_state,
        _manifest.restore_max_abs_scaler,
    ),
}
_PARTS = ("manifest.json", "model.keras", "checksum")
# hex digests: 64 characters; anything larger is not ours
_OPTIMIZER = "optimizer.npz"  # only after partial_fit
_SMALL_PARTS = {"checksum": 1024, "signature": 1024}


def _versions():
    return package_versions(("skmultilabel-mlp", "keras", "scikit-learn"))


def _key_bytes(key):
    if key is None:
        return None
    if not isinstance(key, (str, bytes)):
        raise TypeError(f"key must be a str or bytes, got {type(key).__name__}.")
    if not key:
        raise ValueError(
            "key is empty: an empty key proves nothing; pass a secret, or key=None "
            "for an unsigned file."
        )
    return key.encode() if isinstance(key, str) else key


def _checksum(manifest_bytes, model_bytes):
    return hashlib.sha256(manifest_bytes + b"\0" + model_bytes).hexdigest()


def _signature(key, manifest_bytes, model_bytes):
    return hmac.new(
        _key_bytes(key), manifest_bytes + b"\0" + model_bytes, hashlib.sha256
    ).hexdigest()


def _split_scaler(estimator):
    if isinstance(estimator, Pipeline) and len(estimator.steps) == 2:
        first, last = estimator.steps[0][1], estimator.steps[1][1]
        for section, (kind, _, _) in _SCALERS.items():
            if isinstance(first, kind):
                if getattr(first, "n_features_in_", None) is None:
                    raise NotFittedError(
                        f"the pipeline's {kind.__name__} is not fitted."
                    )
                return last, first, section
    return estimator, None, None


def save(estimator, path, *, key=None):
    """Save a fitted :class:`~skmultilabel_mlp.MultiLabelMLPClassifier` without pickle.

    Parameters
    ----------
    estimator : MultiLabelMLPClassifier, Pipeline or MultiLabelMLPClassifierCV
        Fitted: the classifier; a two-step Pipeline of a ``StandardScaler`` or
        a ``MaxAbsScaler`` and the classifier (the scaler's statistics go in
        the manifest); or a :class:`~skmultilabel_mlp.MultiLabelMLPClassifierCV`
        (its ``best_estimator_`` as such a pipeline, the further networks of
        ``ensemble="seeds"``, its parameters and choices; not a fold
        ensemble, which has a scaler per network, nor its ``cv_results_``, nor a ``cv`` that is neither an int
        nor one of the k-fold and shuffle splitters of scikit-learn and of
        this package, which ``save`` names in a warning). The classifier's
        ``callbacks`` are not saved (they are code).
    path : str or Path
        Destination file; written atomically (a temporary file beside it, then a
        rename), with the mode of the file it replaces or the umask's. A symbolic
        link is written through; a FIFO, a device or a directory is refused.
    key : str or bytes, default=None
        Signs the file with HMAC-SHA256; :func:`load` then needs the same key.
        An empty key is refused.

    Returns
    -------
    path : Path
    """
    key = _key_bytes(key)
    cv_state, seed_entries, seed_parts = None, None, {}
    if isinstance(estimator, MultiLabelMLPClassifierCV):
        check_is_fitted(estimator)
        if len(estimator.estimators_) > 1 and estimator.ensemble != "seeds":
            raise ValueError(
                f"this MultiLabelMLPClassifierCV predicts with an ensemble of "
                f"{len(estimator.estimators_)} fold networks (ensemble="
                f"{estimator.ensemble!r}), each with its own scaler, and save "
                "writes one scaler: save each of its estimators_ on its own, or "
                "fit with ensemble='none' or 'seeds'."
            )
        cv_state = _cv_manifest.cv_state(estimator)
        if len(estimator.estimators_) > 1:
            seed_entries, seed_parts = seed_members_state(estimator)
        estimator = estimator.best_estimator_
    estimator, scaler, section = _split_scaler(estimator)
    if not isinstance(estimator, MultiLabelMLPClassifier):
        raise TypeError(
            "save takes a MultiLabelMLPClassifier, a Pipeline of a StandardScaler "
            "or a MaxAbsScaler and one, or a MultiLabelMLPClassifierCV; got "
            f"{type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    params = estimator.get_params()
    params["callbacks"] = None
    if not isinstance(params["random_state"], (int, type(None))):
        params["random_state"] = None
    model_bytes = _engine.model_to_bytes(estimator.model_)
    manifest = {
        "format": FORMAT,
        "standard_scaler": None,
        "versions": _versions(),
        "params": _manifest.to_json(params),
        "fitted": _manifest.to_json(estimator._fitted_state()),
        "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
    }
    if scaler is not None:
        manifest[section] = _SCALERS[section][1](scaler)
    if section == "max_abs_scaler" or cv_state is not None:
        manifest["format"] = FORMAT_2
    if cv_state is not None:
        manifest[_cv_manifest.SECTION] = cv_state
    if seed_entries is not None:
        manifest["seed_members"] = seed_entries
    partial = estimator._partial_fit_state()
    optimizer_bytes = None
    if partial is not None:  # partial_fit goes on after load: its optimiser state
        meta, arrays = partial
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        optimizer_bytes = buffer.getvalue()
        # the manifest (checksummed, signed) holds the member's hash
        meta["sha256"] = hashlib.sha256(optimizer_bytes).hexdigest()
        manifest["partial_fit"] = meta
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()

    def write(tmp):
        with zipfile.ZipFile(tmp, "w") as zf:
            zf.writestr("manifest.json", manifest_bytes)
            zf.writestr("model.keras", model_bytes)
            if optimizer_bytes is not None:
                zf.writestr(_OPTIMIZER, optimizer_bytes)
            for name, member_bytes in seed_parts.items():
                zf.writestr(name, member_bytes)
            zf.writestr("checksum", _checksum(manifest_bytes, model_bytes))
            if key is not None:
                zf.writestr("signature", _signature(key, manifest_bytes, model_bytes))

    return atomic_write(path, write)


def _read(path, key):
    """``(manifest bytes, model bytes, optimiser bytes, seed member parts)``,
    checksum and signature verified (the manifest holds the other parts' hashes)."""
    with _archive.open_zip(path, path) as zf:
        names = set(zf.namelist())
        if not set(_PARTS) <= names:
            raise ValueError(
                f"{path}: not a skmultilabel-mlp model file (missing parts)"
            )
        _archive.check_members(zf, path, limits=_SMALL_PARTS)
        parts = {
            name: _archive.read(zf, name, path)
            for name in (*_PARTS, "signature", _OPTIMIZER)
            if name in names
        }
        members = {}
        while member_part(len(members) + 1) in names:
            name = member_part(len(members) + 1)
            members[name] = _archive.read(zf, name, path)
    manifest_bytes, model_bytes = parts["manifest.json"], parts["model.keras"]
    expected = _checksum(manifest_bytes, model_bytes).encode()
    if not hmac.compare_digest(parts["checksum"], expected):
        raise ValueError(
            f"{path}: checksum mismatch: the manifest or the network was modified "
            "after saving; refusing to load."
        )
    signature = parts.get("signature")
    if key is not None or signature is not None:
        if key is None:
            raise ValueError(f"{path}: a key is needed to check this file's signature.")
        if signature is None:
            raise ValueError(
                f"{path}: the file is not signed, but a key was given; refusing to "
                "load an unsigned file as a signed one."
            )
        expected = _signature(key, manifest_bytes, model_bytes).encode()
        if not hmac.compare_digest(signature, expected):
            raise ValueError(f"{path}: signature mismatch; refusing to load.")
    return manifest_bytes, model_bytes, parts.get(_OPTIMIZER), members


def _restore_partial_fit(est, meta, optimizer_bytes, path):
    """Give ``est`` the optimiser state saved after its last ``partial_fit``."""
    if not isinstance(meta, dict) or optimizer_bytes is None:
        raise ValueError(f"{path}: malformed manifest: partial_fit state missing")
    if hashlib.sha256(optimizer_bytes).hexdigest() != meta.get("sha256"):
        raise ValueError(
            f"{path}: the optimiser state's hash does not match the manifest; "
            "refusing to load."
        )
    shapes = [tuple(int(d) for d in w.shape) for w in est.model_.weights]
    try:
        with np.load(io.BytesIO(optimizer_bytes), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        return est._restore_partial_fit_state(meta, arrays, shapes)
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise ValueError(f"{path}: malformed optimiser state: {exc}") from None


def load(path, *, key=None):
    """Load a classifier written by :func:`save`, safely (no pickle, Keras safe mode).

    Parameters
    ----------
    path : str or Path
    key : str or bytes, default=None
        Required, and checked, when the file was saved with a key; an empty key
        is refused.

    Returns
    -------
    estimator : MultiLabelMLPClassifier, Pipeline or MultiLabelMLPClassifierCV
        Predicts exactly as the saved one (a Pipeline when a scaler was saved;
        a ``MultiLabelMLPClassifierCV`` without ``cv_results_`` when one was).

    Raises
    ------
    ValueError
        When the file is not a model file, a part declares more bytes than the
        file can hold (a decompression bomb), its hash or signature does not
        match, its manifest is malformed, or its layers differ from what the
        manifest describes.
    """
    path = Path(path)
    key = _key_bytes(key)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    manifest_bytes, model_bytes, optimizer_bytes, member_parts = _read(path, key)
    manifest = _manifest.parse(manifest_bytes, path)
    if manifest["format"] not in (FORMAT, FORMAT_2):
        raise ValueError(f"{path}: unknown format {manifest['format']!r}.")
    if hashlib.sha256(model_bytes).hexdigest() != manifest["model_sha256"]:
        raise ValueError(
            f"{path}: the network file's hash does not match the manifest; "
            "refusing to load."
        )
    params, widths = _manifest.params(manifest, path, MultiLabelMLPClassifier)
    fitted = _manifest.fitted_state(manifest, path)
    _manifest.check_threshold(params, fitted["n_labels_"], path)
    scaler = _restore_scaler(manifest, fitted["n_features_in_"], path)
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
    model = network(model_bytes, path)
    check_layers(model, params, widths, fitted, path)
    try:
        est = MultiLabelMLPClassifier(**params)._restore_fitted(fitted, model)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: malformed manifest: fitted: {exc!r}") from None
    if "partial_fit" in manifest:
        _restore_partial_fit(est, manifest["partial_fit"], optimizer_bytes, path)
    est = est if scaler is None else make_pipeline(scaler, est)
    if _cv_manifest.SECTION in manifest:
        section = manifest[_cv_manifest.SECTION]
        members = []
        if "seed_members" in manifest:
            cv_params = section.get("params") if isinstance(section, dict) else None
            members = restore_seed_members(
                manifest["seed_members"],
                member_parts,
                cv_params if isinstance(cv_params, dict) else {},
                params,
                widths,
                scaler,
                path,
            )
        return _cv_manifest.restore_cv(section, est, path, members)
    if "seed_members" in manifest:
        raise ValueError(
            f"{path}: malformed manifest: 'seed_members' without a "
            "MultiLabelMLPClassifierCV section."
        )
    return est


def _restore_scaler(manifest, n_features, path):
    """The saved scaler, or None; at most one, and new kinds only in a /2 file."""
    saved = [s for s in _SCALERS if manifest.get(s) is not None]
    if len(saved) > 1:
        raise ValueError(f"{path}: malformed manifest: two scalers {saved}.")
    new = saved == ["max_abs_scaler"] or _cv_manifest.SECTION in manifest
    if new and manifest["format"] != FORMAT_2:
        raise ValueError(
            f"{path}: malformed manifest: a {FORMAT} file holds a StandardScaler "
            "at most, and no MultiLabelMLPClassifierCV."
        )
    if not saved:
        return None
    return _SCALERS[saved[0]][2](manifest[saved[0]], n_features, path)

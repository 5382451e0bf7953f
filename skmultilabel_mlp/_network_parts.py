"""The networks of a saved file: each part read and checked, and a seed ensemble's.

A saved classifier's network is ``model.keras``, read with Keras' safe mode
after its own archive's member sizes are checked, then its layers checked
against the architecture the manifest describes. A
``MultiLabelMLPClassifierCV(ensemble="seeds")`` adds one part per further
seed, ``seed_member_<i>.keras``: the same architecture, scaler, parameters and
threshold as the chosen network, with the member's own ``random_state`` and
fitted state in the manifest's ``seed_members`` list beside the part's
SHA-256. The manifest is checksummed (and signed with a key), so it vouches
for every part whose hash it holds.
"""

import hashlib
import itertools

from sklearn.pipeline import make_pipeline

from . import _archive, _engine, _manifest
from ._classifier import MultiLabelMLPClassifier
from ._cv_members import seeds

__all__ = [
    "check_layers",
    "member_part",
    "network",
    "restore_seed_members",
    "seed_members_state",
]


def member_part(i):
    """The zip member holding seed member ``i`` (1, 2, ...; 0 is model.keras)."""
    return f"seed_member_{i}.keras"


def network(model_bytes, path, part="model.keras"):
    """The Keras model in a network part, its own archive checked first."""
    where = f"{path} ({part})"
    with _archive.open_zip(model_bytes, where) as zf:
        _archive.check_members(zf, where)
    try:
        return _engine.model_from_bytes(model_bytes)
    # Keras and h5py raise many kinds of error on bytes they cannot parse
    except Exception as exc:
        raise ValueError(
            f"{path}: the network file cannot be read ({type(exc).__name__}: {exc})"
        ) from None


def check_layers(model, params, widths, fitted, path):
    """Every layer and weight must be what the manifest's parameters build, and no more."""
    n_features = fitted["n_features_in_"]
    heads = tuple(fitted.get("heads_") or ())
    n_labels = sum(heads) if heads else fitted["n_labels_"]
    architecture = {
        "hidden_layer_sizes": widths,
        **{
            k: params.get(k, getattr(MultiLabelMLPClassifier(), k))
            for k in ("activation", "kernel_initializer", "dropout", "alpha")
        },
    }
    all_widths = [n_features, *widths, n_labels]
    shapes = [s for a, b in itertools.pairwise(all_widths) for s in ((a, b), (b,))]
    if not (
        _engine.layers_match(model, n_features, n_labels, architecture, heads)
        and [tuple(int(d) for d in w.shape) for w in model.weights] == shapes
    ):
        raise ValueError(
            f"{path}: the network's layers do not match the manifest (tampered or "
            "corrupted file); refusing to load."
        )


def seed_members_state(cv_estimator):
    """``(manifest entries, {part: bytes})`` of the seeds after the first, for
    a ``MultiLabelMLPClassifierCV`` fitted with ``ensemble="seeds"``."""
    entries, parts = [], {}
    for i, member in enumerate(cv_estimator.estimators_[1:], start=1):
        net = member[-1]
        model_bytes = _engine.model_to_bytes(net.model_)
        parts[member_part(i)] = model_bytes
        entries.append(
            {
                "random_state": net.random_state,
                "fitted": _manifest.to_json(net._fitted_state()),
                "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
            }
        )
    return entries, parts


def restore_seed_members(entries, parts, cv_params, params, widths, scaler, path):
    """The further seeds' pipelines, each part's hash, layers and fitted state
    checked; their ``random_state`` must be the ones ``fit`` gives them."""
    n_seeds = cv_params.get("n_seeds", 5)
    expected = seeds(cv_params.get("random_state", 0), n_seeds)[1:]
    if cv_params.get("ensemble", "none") != "seeds" or not (
        isinstance(entries, list) and len(entries) == len(expected)
    ):
        raise ValueError(
            f"{path}: malformed manifest: 'seed_members' must list n_seeds - 1 "
            "networks of a MultiLabelMLPClassifierCV fitted with ensemble='seeds'."
        )
    members = []
    for i, (entry, seed) in enumerate(zip(entries, expected), start=1):
        part = member_part(i)
        if not (
            isinstance(entry, dict)
            and set(entry) == {"random_state", "fitted", "model_sha256"}
            and entry["random_state"] == seed
            and part in parts
            and hashlib.sha256(parts[part]).hexdigest() == entry["model_sha256"]
        ):
            raise ValueError(
                f"{path}: seed member {i} ({part}) is missing, or its hash or "
                "seed does not match the manifest; refusing to load."
            )
        fitted = _manifest.fitted_state({"fitted": entry["fitted"]}, path)
        model = network(parts[part], path, part)
        check_layers(model, params, widths, fitted, path)
        try:
            net = MultiLabelMLPClassifier(**{**params, "random_state": seed})
            net = net._restore_fitted(fitted, model)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{path}: malformed manifest: seed member {i}: {exc!r}"
            ) from None
        members.append(make_pipeline(scaler, net))  # as load builds the first
    return members

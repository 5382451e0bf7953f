"""A saved classifier's manifest: plain JSON out, checked values back in.

JSON has no tuples and only string keys, so three encodings keep a round trip
exact: a dict with a key that is not a string (``class_weight={0: 2.0}``) is
written as ``{"__items__": [[key, value], ...]}``, a list among label names
reads back as the tuple it was (lists cannot be label names), and a loss
object (``loss=FocalLoss(...)``) is ``{"__loss__": "focal", "gamma": ...}``
(``losses._loss_to_json``). Everything read
back is checked against the shape ``save`` writes, so a crafted or corrupted
manifest is a ``ValueError`` naming the file and the part, never a
``KeyError`` three frames later.
"""

import json
from numbers import Integral, Real

import numpy as np
from sklearn.preprocessing import MaxAbsScaler, StandardScaler

from ._multiclass import single_unit_columns
from ._utils import check_thresholds
from .losses import _loss_from_json, _loss_to_json

__all__ = [
    "check_threshold",
    "fitted_state",
    "from_json",
    "max_abs_scaler_state",
    "params",
    "parse",
    "restore_max_abs_scaler",
    "restore_scaler",
    "scaler_state",
    "to_json",
]

_ITEMS = "__items__"


def to_json(value):
    """``value`` as JSON values (arrays as lists, tagged non-string-keyed dicts)."""
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())  # a 0-d array gives a scalar
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: to_json(v) for k, v in value.items()}
        return {_ITEMS: [[to_json(k), to_json(v)] for k, v in value.items()]}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if _loss_to_json(value) is not None:
        return _loss_to_json(value)
    raise TypeError(
        f"cannot save {type(value).__name__} {value!r} in the JSON manifest; label "
        "names and parameters must be strings or numbers."
    )


def _hashable(value):
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _from_json(value):
    if isinstance(value, dict) and "__loss__" in value:
        return _loss_from_json(value)
    if isinstance(value, dict):
        items = value.get(_ITEMS)
        if len(value) == 1 and isinstance(items, list):
            if not all(isinstance(kv, list) and len(kv) == 2 for kv in items):
                raise ValueError(f"{_ITEMS} must hold [key, value] pairs")
            try:
                return {_hashable(k): _from_json(v) for k, v in items}
            except TypeError:  # a key holding an object: unhashable
                raise ValueError(
                    f"{_ITEMS} keys must be numbers, strings or lists"
                ) from None
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def from_json(value):
    """The values of ``to_json`` back (lists stay lists); ``ValueError`` if malformed."""
    return _from_json(value)


def _fail(path, part, expected):
    raise ValueError(f"{path}: malformed manifest: {part} must be {expected}.")


def _is_int(v, low=0):
    return isinstance(v, Integral) and not isinstance(v, bool) and v >= low


def _numbers(v, n=None):
    ok = isinstance(v, list) and all(
        isinstance(x, Real) and not isinstance(x, bool) for x in v
    )
    return ok and (n is None or len(v) == n)


_TOP = {
    "format": (str, "a string"),
    "versions": (dict, "an object"),
    "params": (dict, "an object"),
    "fitted": (dict, "an object"),
    "model_sha256": (str, "a string"),
}


def parse(manifest_bytes, path):
    """The manifest as a dict whose top-level parts have the right types."""
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ValueError(f"{path}: manifest is not valid JSON ({exc}).") from None
    if not isinstance(manifest, dict):
        _fail(path, "the manifest", "a JSON object")
    for key, (kind, what) in _TOP.items():
        if not isinstance(manifest.get(key), kind):
            _fail(path, f"{key!r}", what)
    if not all(isinstance(v, str) for v in manifest["versions"].values()):
        _fail(path, "'versions'", "an object of version strings")
    return manifest


def _widths(hidden):
    if _is_int(hidden, 1):
        return (int(hidden),)
    if isinstance(hidden, (list, tuple)) and all(_is_int(w, 1) for w in hidden):
        return tuple(int(w) for w in hidden)
    return None


def params(manifest, path, estimator_class):
    """``(constructor parameters, hidden widths)``, validated as ``fit`` would."""
    try:
        p = _from_json(manifest["params"])
    except ValueError as exc:
        raise ValueError(f"{path}: malformed manifest: params: {exc}.") from None
    unknown = sorted(set(p) - set(estimator_class().get_params()))
    if unknown:
        raise ValueError(
            f"{path}: the manifest names parameters {unknown} that "
            f"{estimator_class.__name__} does not have (saved by a newer version?)."
        )
    widths = _widths(p.get("hidden_layer_sizes", estimator_class().hidden_layer_sizes))
    if widths is None:
        _fail(
            path, "params 'hidden_layer_sizes'", "a positive integer or a list of them"
        )
    if isinstance(p.get("hidden_layer_sizes"), list):
        p["hidden_layer_sizes"] = widths
    try:
        estimator_class(**p)._validate_params()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: malformed manifest: params: {exc}") from None
    return p, widths


def check_threshold(params, n_labels, path):
    """``threshold``: one number in [0, 1], or one per label (the classifier's rule)."""
    t = params.get("threshold", 0.5)
    if not _numbers(t if isinstance(t, list) else [t]):
        _fail(path, "params 'threshold'", f"a number or {n_labels} numbers in [0, 1]")
    try:
        check_thresholds(t, n_labels)
    except (TypeError, ValueError):
        _fail(path, "params 'threshold'", f"a number or {n_labels} numbers in [0, 1]")


def _names(values):
    """A 1-D object array, tuples kept as elements (``np.asarray`` would add a dim)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = _hashable(v)
    return out


def fitted_state(manifest, path):
    """The ``fitted`` part, checked; label and feature names as 1-D object arrays."""
    f = dict(manifest["fitted"])
    n_features, n_labels = f.get("n_features_in_"), f.get("n_labels_")
    if not (_is_int(n_features, 1) and _is_int(n_labels, 1)):
        _fail(path, "fitted 'n_features_in_' and 'n_labels_'", "positive integers")
    names = f.get("label_names_")
    if not isinstance(names, list) or len(names) != n_labels:
        _fail(path, "fitted 'label_names_'", f"a list of n_labels_={n_labels} names")
    f["label_names_"] = _names(names)
    if "feature_names_in_" in f:
        names = f["feature_names_in_"]
        if not (
            isinstance(names, list)
            and len(names) == n_features
            and all(isinstance(n, str) for n in names)
        ):
            _fail(path, "fitted 'feature_names_in_'", f"{n_features} strings")
        f["feature_names_in_"] = _names(names)
    classes = f.get("classes_")
    if classes is not None and not (
        n_labels == 1
        and isinstance(classes, list)
        and len(classes) in (1, 2)
        and all(isinstance(c, (str, Real)) for c in classes)
        and len(set(map(str, classes))) == len(classes)
    ):
        _fail(
            path, "fitted 'classes_'", "null, or the one or two classes of a 1-D target"
        )
    units = _output_units(f, n_labels, path)
    # a constant label is a one-unit output (a softmax block's classes are never set)
    heads = f.get("heads_") or [1] * units
    single = single_unit_columns(heads)
    if f.get("pos_weight_") is not None and not _numbers(f["pos_weight_"], units):
        _fail(path, "fitted 'pos_weight_'", f"null or {units} numbers")
    history = f.get("history_")
    if not (
        isinstance(history, dict)
        and all(isinstance(k, str) and _numbers(v) for k, v in history.items())
    ):
        _fail(path, "fitted 'history_'", "an object of lists of numbers")
    constants = f.get("constant_labels_", [])
    if not (
        isinstance(constants, list)
        and all(
            isinstance(c, list)
            and len(c) == 2
            and _is_int(c[0])
            and c[0] in single
            and c[1] in (0, 1)
            for c in constants
        )
    ):
        _fail(path, "fitted 'constant_labels_'", "a list of [label index, 0 or 1]")
    for key in ("classes_", "pos_weight_"):
        f.setdefault(key, None)
    return f


def _output_units(f, n_labels, path):
    """The network's output units: ``n_labels``, or the heads of outputs with
    their own classes (``outputs_``, ``heads_``, ``one_d_``), checked."""
    if "outputs_" not in f and "heads_" not in f:
        return n_labels
    outputs, heads = f.get("outputs_"), f.get("heads_")
    if not (
        isinstance(outputs, list)
        and len(outputs) == n_labels
        and all(
            isinstance(c, list)
            and c
            and all(isinstance(v, (str, Real)) for v in c)
            and len({type(v) for v in c}) == 1
            and c == sorted(c)
            and len(set(map(str, c))) == len(c)
            for c in outputs
        )
        and isinstance(heads, list)
        and heads == [1 if len(c) <= 2 else len(c) for c in outputs]
        and isinstance(f.get("one_d_"), bool)
        and (n_labels == 1 or not f["one_d_"])
    ):
        _fail(
            path,
            "fitted 'outputs_' / 'heads_' / 'one_d_'",
            "each output's distinct classes and its head width",
        )
    return sum(heads)


def scaler_state(scaler):
    """A fitted ``StandardScaler``'s statistics, as JSON values."""
    return to_json(
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


def restore_scaler(state, n_features, path):
    """The ``StandardScaler`` of ``scaler_state``, checked against the classifier."""
    part = "'standard_scaler'"
    expected = f"the statistics of a scaler of {n_features} features"
    if not isinstance(state, dict) or state.get("n_features_in_") != n_features:
        _fail(path, part, expected)
    if not all(isinstance(state.get(k), bool) for k in ("with_mean", "with_std")):
        _fail(path, part, expected)
    for key in ("mean_", "scale_", "var_"):
        if state.get(key) is not None and not _numbers(state[key], n_features):
            _fail(path, part, expected)
    seen = state.get("n_samples_seen_")
    if not (_numbers([seen]) or _numbers(seen, n_features)):
        _fail(path, part, expected)
    names = state.get("feature_names_in_")
    if not _scaler_names_ok(names, n_features):
        _fail(path, part, expected)
    scaler = StandardScaler(with_mean=state["with_mean"], with_std=state["with_std"])
    for key in ("mean_", "scale_", "var_"):
        value = state.get(key)
        setattr(scaler, key, None if value is None else np.asarray(value, dtype=float))
    scaler.n_features_in_ = n_features
    scaler.n_samples_seen_ = np.asarray(seen)
    if names is not None:
        scaler.feature_names_in_ = np.asarray(names, dtype=object)
    return scaler


def _scaler_names_ok(names, n_features):
    return names is None or (
        isinstance(names, list)
        and len(names) == n_features
        and all(isinstance(n, str) for n in names)
    )


def max_abs_scaler_state(scaler):
    """A fitted ``MaxAbsScaler``'s statistics, as JSON values."""
    return to_json(
        {
            "copy": scaler.copy,
            "clip": scaler.clip,
            "max_abs_": scaler.max_abs_,
            "scale_": scaler.scale_,
            # the statistics keep the dtype of the rows fitted (float32 or 64)
            "dtype": str(np.asarray(scaler.scale_).dtype),
            "n_features_in_": scaler.n_features_in_,
            "n_samples_seen_": scaler.n_samples_seen_,
            "feature_names_in_": getattr(scaler, "feature_names_in_", None),
        }
    )


def restore_max_abs_scaler(state, n_features, path):
    """The ``MaxAbsScaler`` of ``max_abs_scaler_state``, checked against the classifier.

    ``scale_`` must be ``max_abs_`` with its (near) zeros as ones, as ``fit``
    makes it, so a forged scale cannot divide by zero or disagree with the
    maxima."""
    part = "'max_abs_scaler'"
    expected = f"the statistics of a MaxAbsScaler of {n_features} features"
    if not isinstance(state, dict) or state.get("n_features_in_") != n_features:
        _fail(path, part, expected)
    if not all(isinstance(state.get(k), bool) for k in ("copy", "clip")):
        _fail(path, part, expected)
    if not all(_numbers(state.get(k), n_features) for k in ("max_abs_", "scale_")):
        _fail(path, part, expected)
    dtype = state.get("dtype")
    if dtype not in ("float32", "float64"):
        _fail(path, part, expected)
    max_abs = np.asarray(state["max_abs_"], dtype=dtype)
    scale = np.asarray(state["scale_"], dtype=dtype)
    tiny = max_abs < 10 * np.finfo(dtype).eps  # sklearn's _handle_zeros_in_scale
    if not (
        np.all(np.isfinite(max_abs))
        and np.all(max_abs >= 0)
        and np.array_equal(scale, np.where(tiny, 1.0, max_abs).astype(dtype))
        and _is_int(state.get("n_samples_seen_"), 1)
        and _scaler_names_ok(state.get("feature_names_in_"), n_features)
    ):
        _fail(path, part, expected)
    scaler = MaxAbsScaler(copy=state["copy"], clip=state["clip"])
    scaler.max_abs_, scaler.scale_ = max_abs, scale
    scaler.n_features_in_ = n_features
    scaler.n_samples_seen_ = int(state["n_samples_seen_"])
    if state.get("feature_names_in_") is not None:
        scaler.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
    return scaler

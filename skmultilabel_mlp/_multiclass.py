"""Outputs with their own classes: ``multiclass`` and ``multiclass-multioutput`` targets.

A 1-D ``y`` with three or more classes, or a 2-D ``y`` whose columns are not
all 0/1 (strings, integers beyond 0/1, categoricals), is a set of *outputs*,
each with its own classes, in scikit-learn's multi-output convention
(``RandomForestClassifier``). The network sees them as blocks of its output
layer, one per output: a block of ``n_classes`` units (a softmax) for an output
with three or more classes, one unit (a sigmoid, "is it the second class") for
an output with two. The targets become the same float32 matrix the engines
train on everywhere else: one-hot blocks, NaN over an output's whole block
where its class is unknown (``None``, NaN, ``pd.NA``, ``missing_label``).

A 2-D 0/1 matrix stays multi-label, as before; that rule is scikit-learn's
``type_of_target``. No backend is imported.
"""

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from ._targets import (
    EncodedTargets,
    _is_label_set_sequence,
    _is_missing,
    encode_targets,
)

__all__ = [
    "class_codes",
    "decode",
    "encode",
    "equals",
    "head_offsets",
    "head_widths",
    "is_multiclass",
    "output_class_weights",
    "output_probas",
    "single_unit_columns",
]


def _columns(y):
    """``(list of 1-D object arrays, output names or None, one_d)``, or None.

    None when ``y`` is a form only multi-label targets take (sparse, label
    sets) or not an array at all.
    """
    if y is None or sp.issparse(y) or _is_label_set_sequence(y):
        return None
    if hasattr(y, "columns") and hasattr(y, "iloc"):  # DataFrame
        names = np.asarray(list(y.columns), dtype=object)
        cols = [_series_values(y.iloc[:, j]) for j in range(y.shape[1])]
        return cols, names, False
    if hasattr(y, "to_numpy") and hasattr(y, "name"):  # Series
        return [_series_values(y)], None, True
    try:
        arr = np.asarray(y)
    except ValueError:  # ragged
        return None
    if arr.ndim == 1:
        return [arr.astype(object)], None, True
    if arr.ndim == 2:
        return [arr[:, j].astype(object) for j in range(arr.shape[1])], None, False
    return None


def _series_values(s):
    """A Series' values as objects; pandas' missing values as None."""
    values = s.to_numpy(dtype=object)
    return np.array([None if _is_missing(v) else v for v in values], dtype=object)


def _known(col, missing_label):
    """The mask of entries that hold a class (not unknown) in one output."""
    known = np.array([not _is_missing(v) for v in col], dtype=bool)
    if missing_label is not None:
        known &= np.array(
            [not (k and equals(v, missing_label)) for v, k in zip(col, known)],
            dtype=bool,
        )
    return known


def equals(v, missing_label):
    """``v == missing_label``, False where the two cannot be compared."""
    try:
        return bool(v == missing_label)
    except (TypeError, ValueError):
        return False


def _classes(col, known, name):
    values = col[known]
    if not values.size:
        raise ValueError(
            f"output {name!r} has no known class in any row; drop it or give some "
            "rows a class."
        )
    text = [isinstance(v, (str, bytes)) for v in values]
    try:
        if any(text) and not all(text):  # NumPy would make every class a string
            raise TypeError
        classes = np.unique(values.tolist())
    except TypeError:
        kinds = sorted({type(v).__name__ for v in values})
        raise TypeError(
            f"output {name!r} mixes classes of types {kinds}, which cannot be "
            "sorted; give every class of an output the same type (e.g. all "
            "strings)."
        ) from None
    if classes.dtype.kind == "f":
        if np.any(classes != np.round(classes)) or not np.all(np.isfinite(classes)):
            raise ValueError(
                f"output {name!r} holds non-integer numbers such as "
                f"{classes[classes != np.round(classes)][:3].tolist()}: classes "
                "must be labels (ints, strings, bools), not continuous values."
            )
    return classes


def _is_01(classes):
    return classes.dtype.kind in "biuf" and set(classes.tolist()) <= {0, 1}


def _as_numbers(y):
    """``y`` as a 1-D or 2-D float array when it holds only numbers, else None.

    The check below then runs on whole columns: a multi-label indicator is
    read once per fit and fold, and a pass in Python over its entries cost 1 s
    per million of them.
    """
    if y is None or sp.issparse(y) or _is_label_set_sequence(y):
        return None
    if hasattr(y, "to_numpy"):  # DataFrame or Series: pd.NA as NaN
        try:
            arr = y.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            return None
    else:
        try:
            arr = np.asarray(y)
        except ValueError:  # ragged
            return None
        if arr.dtype.kind not in "biuf":
            return None
    return arr.astype(np.float64, copy=False) if arr.ndim in (1, 2) else None


def _numbers_are_multiclass(arr, missing_label):
    """:func:`is_multiclass` of a float array, column by column."""
    known = ~np.isnan(arr)
    if missing_label is not None:
        known &= arr != missing_label
    if np.all((arr == 0) | (arr == 1) | ~known):
        return False  # 0/1 (a label, or an indicator)
    one_d = arr.ndim == 1
    columns = arr.reshape(len(arr), -1)
    known = known.reshape(columns.shape)
    for j in range(columns.shape[1]):
        classes = np.unique(columns[known[:, j], j])
        if not classes.size or not np.all(classes == np.round(classes)):
            continue
        if classes.size > 2 if one_d else not set(classes.tolist()) <= {0, 1}:
            return True
    return False


def is_multiclass(y, missing_label=None):
    """Whether ``y`` is a ``multiclass`` or ``multiclass-multioutput`` target.

    A 1-D ``y`` with three or more known classes, or a 2-D ``y`` with a
    column whose classes are not all 0/1 (strings count, even two of them).
    """
    numeric = _as_numbers(y)
    if numeric is not None:
        return _numbers_are_multiclass(numeric, missing_label)
    found = _columns(y)
    if found is None:
        return False
    cols, _, one_d = found
    for col in cols:
        known = _known(col, missing_label)
        values = col[known]
        if not values.size:
            continue
        if any(isinstance(v, (str, bytes)) for v in values):
            # strings: a 1-D y of two strings is binary, as before
            if not one_d or len(set(values.tolist())) > 2:
                return True
            continue
        try:
            classes = np.unique(values.tolist())
        except TypeError:
            return True  # mixed types: encode() says what is wrong
        if classes.dtype.kind not in "biuf":
            return True
        if one_d and classes.size > 2 and np.all(classes == np.round(classes)):
            return True
        if not one_d and not _is_01(classes) and np.all(classes == np.round(classes)):
            return True
    return False


def encode(y, *, missing_label=None, outputs=None):
    """The targets of ``y``: multi-label ones as before, outputs as one-hot blocks.

    ``outputs`` (a fitted model's classes per output) fixes the classes: a
    class outside them is a ``ValueError``.
    """
    if outputs is None and not is_multiclass(y, missing_label):
        return encode_targets(y, missing_label=missing_label)
    found = _columns(y)
    if found is None:
        raise ValueError(
            "y must be a 1-D or 2-D array or a DataFrame of classes for a model "
            "fitted on outputs with their own classes."
        )
    cols, names, one_d = found
    if not cols or not len(cols[0]):
        raise ValueError(f"y is empty: shape ({len(cols[0]) if cols else 0}, ...).")
    if outputs is not None and len(outputs) != len(cols):
        raise ValueError(
            f"y has {len(cols)} outputs but the model was fitted on {len(outputs)}."
        )
    names = np.arange(len(cols), dtype=object) if names is None else names
    blocks, classes_per_output = [], []
    for j, col in enumerate(cols):
        known = _known(col, missing_label)
        name = names[j]
        if outputs is None:
            classes = _classes(col, known, name)
        else:
            classes = np.asarray(outputs[j])
            seen = set(col[known].tolist())
            extra = [v for v in seen if v not in set(classes.tolist())]
            if extra:
                raise ValueError(
                    f"output {name!r} has classes {sorted(extra, key=str)[:5]} "
                    f"the model does not know ({classes.tolist()[:10]})."
                )
        index = {c: i for i, c in enumerate(classes.tolist())}
        codes = np.full(len(col), -1)
        codes[known] = [index[v] for v in col[known].tolist()]
        width = 1 if len(classes) <= 2 else len(classes)
        block = np.zeros((len(col), width), dtype=np.float32)
        if width == 1:
            block[:, 0] = codes == len(classes) - 1
        else:
            block[np.flatnonzero(known), codes[known]] = 1.0
        block[~known] = np.nan
        blocks.append(block)
        classes_per_output.append(classes)
    return EncodedTargets(
        np.concatenate(blocks, axis=1),
        names,
        binary_classes=None,
        outputs=tuple(classes_per_output),
        one_d=one_d,
    )


def class_codes(Y, heads):
    """Each output's class index per row from the one-hot blocks, -1 where unknown."""
    Y = np.asarray(Y)
    at = head_offsets(heads)
    codes = np.full((Y.shape[0], len(heads)), -1, dtype=np.int64)
    for j, width in enumerate(heads):
        block = Y[:, at[j] : at[j + 1]]
        known = ~np.isnan(block[:, 0])
        codes[known, j] = block[known, 0] if width == 1 else block[known].argmax(axis=1)
    return codes


def head_widths(outputs):
    """Each output's block of output units: 1 (two classes) or its number of classes."""
    return tuple(1 if len(c) <= 2 else len(c) for c in outputs)


def head_offsets(heads):
    """Where each head's block of output units starts, and where the last ends."""
    return np.concatenate([[0], np.cumsum(heads)]).astype(int)


def single_unit_columns(heads):
    """The output units that are a one-unit (sigmoid) head each."""
    return {int(a) for a, w in zip(head_offsets(heads), heads) if w == 1}


def output_probas(proba, heads, outputs):
    """The network's outputs ``(n, sum(heads))`` as one ``(n, n_classes)`` array per output.

    A one-unit block is P(second class); an output fitted with one class gets
    one column of ones.
    """
    out, at = [], head_offsets(heads)
    for j, classes in enumerate(outputs):
        block = proba[:, at[j] : at[j + 1]]
        if len(classes) == 1:
            out.append(np.ones((proba.shape[0], 1)))
        elif heads[j] == 1:
            out.append(np.column_stack([1.0 - block[:, 0], block[:, 0]]))
        else:
            out.append(block)
    return out


def decode(probas, outputs, one_d):
    """The most probable class of every output: ``(n,)`` or ``(n, n_outputs)``."""
    picked = [np.asarray(c)[np.argmax(p, axis=1)] for p, c in zip(probas, outputs)]
    if one_d:
        return picked[0]
    kinds = {c.dtype for c in map(np.asarray, outputs)}
    dtype = kinds.pop() if len(kinds) == 1 else object
    if np.dtype(dtype).kind in "US":
        dtype = object
    out = np.empty((probas[0].shape[0], len(outputs)), dtype=dtype)
    for j, values in enumerate(picked):
        out[:, j] = values
    return out


def output_class_weights(class_weight, Y, heads, outputs, names):
    """``class_weight`` as a weight per output unit (the ``pos_weight`` of the loss).

    ``"balanced"``: per output, ``n / (n_classes * count)`` of its known rows
    for a softmax block (scikit-learn's rule); negatives / positives for a
    two-class output, as for a label. A list of one dict per output maps
    classes to weights (scikit-learn's multi-output convention); for a
    two-class output only the ratio second / first reaches its one unit.
    Returns None or an array of shape ``(sum(heads),)``.
    """
    if class_weight is None:
        return None
    at = head_offsets(heads)
    if isinstance(class_weight, Mapping) and len(outputs) == 1:
        class_weight = [class_weight]
    if isinstance(class_weight, str):
        weights = []
        for j, classes in enumerate(outputs):
            block = Y[:, at[j] : at[j + 1]]
            known = ~np.isnan(block[:, 0])
            if heads[j] == 1:
                pos = float(np.sum(block[known, 0] == 1))
                neg = float(known.sum()) - pos
                weights.append([min(neg / max(pos, 1.0), 1000.0) if pos else 1000.0])
            else:
                counts = block[known].sum(axis=0)
                balanced = known.sum() / (len(classes) * np.maximum(counts, 1.0))
                weights.append(np.where(counts > 0, balanced, 1.0))
        return np.concatenate([np.asarray(w, float) for w in weights])
    if not isinstance(class_weight, (list, tuple)) or not all(
        isinstance(d, Mapping) for d in class_weight
    ):
        raise ValueError(
            "for outputs with their own classes, class_weight must be None, "
            "'balanced', or a list of one dict {class: weight} per output "
            f"(scikit-learn's multi-output convention), got {class_weight!r}."
        )
    if len(class_weight) != len(outputs):
        raise ValueError(
            f"class_weight has {len(class_weight)} dicts but y has "
            f"{len(outputs)} outputs; give one dict per output."
        )
    weights = []
    for j, (classes, given) in enumerate(zip(outputs, class_weight)):
        unknown = [k for k in given if k not in set(classes.tolist())]
        if unknown:
            raise ValueError(
                f"class_weight[{j}] names classes {unknown[:5]} that output "
                f"{names[j]!r} does not have ({classes.tolist()[:10]})."
            )
        w = np.array([float(given.get(c, 1.0)) for c in classes.tolist()])
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError(
                f"class_weight[{j}] values must be finite and > 0, got {w.tolist()}."
            )
        weights.append(w[-1:] / w[0] if heads[j] == 1 and len(w) == 2 else w)
    return np.concatenate(weights)

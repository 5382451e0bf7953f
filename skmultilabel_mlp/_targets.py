"""Target checks and conversions shared by the whole package.

Everything that turns a user's ``y`` (indicator matrix, sparse matrix, DataFrame,
sequence of label sets, 1-D 0/1 vector) into the package's one internal form
lives here, so every other module can assume clean ``(n_samples, n_labels)``
arrays. (Another estimator's probabilities are read by ``_proba``.)
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import MultiLabelBinarizer

__all__ = [
    "EncodedTargets",
    "check_indicator",
    "columns_in_order",
    "encode_targets",
]


@dataclass(frozen=True)
class EncodedTargets:
    """A checked target: float32 ``Y`` of shape (n_samples, n_labels), NaN = unknown."""

    Y: np.ndarray  # or a scipy CSR matrix when y was sparse (no NaN then)
    label_names: np.ndarray
    binary_classes: np.ndarray | None  # the two classes of a 1-D y, else None
    #: outputs with their own classes (``_multiclass``): each output's classes
    outputs: tuple | None = None
    one_d: bool = False  # with ``outputs``: y was 1-D (one output)


def _is_label_set_sequence(y):
    """True for ``[{"a"}, {"b", "c"}, set()]``-style input (not an indicator)."""
    if sp.issparse(y) or isinstance(y, np.ndarray) or hasattr(y, "columns"):
        return False
    if isinstance(y, (str, bytes, Mapping)) or not isinstance(y, Iterable):
        return False
    items = list(y)
    if not items:
        return False
    if all(isinstance(row, (set, frozenset)) for row in items):
        return True
    # Lists of lists are an indicator matrix when rectangular and numeric (the
    # sklearn convention); anything else (ragged, strings) is a list of label sets.
    if all(isinstance(row, (list, tuple)) for row in items):
        try:
            arr = np.asarray(items)
        except ValueError:
            _refuse_ragged_indicator(items)
            return True
        return arr.ndim != 2 or arr.dtype.kind not in "biuf"
    return False


def _refuse_ragged_indicator(rows):
    """A ragged list of 0/1 numbers is a broken indicator matrix, not label sets."""
    values = [v for row in rows for v in row]
    if values and all(
        isinstance(v, (int, float, np.number)) and v in (0, 1) for v in values
    ):
        lengths = sorted({len(row) for row in rows})
        raise ValueError(
            f"y is a ragged list of 0/1 values (rows of {lengths} entries): an "
            "indicator matrix needs one entry per label in every row. For label "
            "sets named 0 and 1 give each row as a set, e.g. {0, 1}."
        )


def _binarize_label_sets(y, labels=None):
    """A sequence of label sets as a float32 indicator and its label names.

    ``labels`` (a model's label set) fixes the columns: a label outside it is
    a ``ValueError`` (label names match exactly: ``"1"`` is not ``1``).
    """
    rows = list(y)
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
            raise TypeError(
                f"y looks like a sequence of label sets, but row {i} is "
                f"{type(row).__name__} {row!r}; give every row as a set or list "
                "of label names (an empty set for no label)."
            )
    if labels is not None:
        unknown = sorted(map(repr, {v for row in rows for v in row} - set(labels)))
        if unknown:
            raise ValueError(
                f"y names labels {unknown[:10]} that are not among the "
                f"classifier's labels {list(labels)[:10]}."
            )
    mlb = MultiLabelBinarizer(classes=None if labels is None else list(labels))
    try:
        Y = mlb.fit_transform(rows)
    except TypeError as exc:
        raise TypeError(
            f"label names in y must be hashable and mutually sortable: {exc}"
        ) from None
    if Y.shape[1] == 0:
        raise ValueError(
            "y is a sequence of label sets but no row has any label; at least one "
            "label must occur."
        )
    return Y.astype(np.float32), np.asarray(mlb.classes_, dtype=object)


def _as_float_matrix(y, name):
    """Return (float64 array, label names or None, was_1d) for array-like y."""
    names = None
    if hasattr(y, "columns") and hasattr(y, "to_numpy"):  # pandas DataFrame
        names = np.asarray(list(y.columns), dtype=object)
        if len(set(map(str, names))) != len(names):
            raise ValueError(
                f"{name} has duplicated column names {list(names)}; label names "
                "must be unique."
            )
        y = _frame_to_numpy(y)
    elif hasattr(y, "to_numpy") and hasattr(y, "name"):  # pandas Series
        y = _frame_to_numpy(y)
    if sp.issparse(y):
        y = y.toarray()
    arr = np.asarray(y)
    if arr.dtype.kind in "OUS":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            values = np.unique(arr.astype(str))[:5]
            raise ValueError(
                f"{name} must hold 0/1 indicators, got non-numeric values such as "
                f"{list(values)}. For label names per row pass a list of label sets, "
                "or encode them with sklearn.preprocessing.MultiLabelBinarizer."
            ) from None
    elif arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}.")
    if arr.ndim == 0 or arr.ndim > 2:
        raise ValueError(
            f"{name} must be 1-D (one label) or 2-D (n_samples, n_labels), "
            f"got shape {arr.shape}."
        )
    return arr.astype(np.float64, copy=False), names, arr.ndim == 1


def _frame_to_numpy(y):
    """A DataFrame or Series as floats, pandas' missing values (``pd.NA``) as NaN.

    Nullable columns (``Int64``, ``boolean``, ``float64[pyarrow]``) would
    otherwise become an object array of ``pd.NA``; non-numeric ones stay as
    they are, for the error that names their values.
    """
    try:
        return y.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return y.to_numpy()


def _check_values(Y, name, missing_label, allow_missing):
    if missing_label is not None:
        Y = np.where(Y == missing_label, np.nan, Y)
    missing = np.isnan(Y)
    if missing.any() and not allow_missing:
        raise ValueError(
            f"{name} contains NaN; missing labels are not allowed here. Drop or "
            "impute those rows, or use an estimator that accepts missing labels."
        )
    if np.isinf(Y).any():
        raise ValueError(f"{name} contains infinity; labels must be 0 or 1.")
    bad = ~missing & (Y != 0) & (Y != 1)
    if bad.any():
        values = np.unique(Y[bad])[:5]
        hint = (
            " A 1-D y with several classes is multiclass, not multi-label: use "
            "sklearn.preprocessing.MultiLabelBinarizer on label sets, or a "
            "multiclass classifier."
            if Y.shape[1] == 1
            else ""
        )
        raise ValueError(
            f"{name} must contain only 0 and 1 (NaN for an unknown label), got "
            f"values {values.tolist()}.{hint}"
        )
    return Y


def encode_targets(y, *, missing_label=None, allow_missing=True):
    """Check ``y`` and convert it to a float32 indicator matrix.

    A sparse ``y`` stays sparse (CSR float32); everything else becomes a dense
    float32 array with NaN for unknown entries.

    Parameters
    ----------
    y : array-like, sparse matrix, DataFrame or sequence of label sets
        The targets as the user gave them.
    missing_label : float or None, default=None
        A value in ``y`` that means "unknown", in addition to NaN.
    allow_missing : bool, default=True
        Whether NaN (unknown) entries are accepted.

    Returns
    -------
    EncodedTargets
    """
    if y is None:
        raise ValueError(
            "requires y to be passed, but the target y is None: this estimator is "
            "supervised."
        )
    if sp.issparse(y) and min(y.shape) > 0:
        return _encode_sparse(y)
    if _is_label_set_sequence(y):
        Y, names = _binarize_label_sets(y)
        return EncodedTargets(Y, names, binary_classes=None)
    classes = None
    if _is_1d(y):
        y, classes = _encode_binary(_without_missing_label(y, missing_label))
    Y, names, one_d = _as_float_matrix(y, "y")
    if Y.shape[0] == 0:
        raise ValueError("y is empty: it has 0 rows.")
    if one_d:
        Y = Y.reshape(-1, 1)
    if Y.shape[1] == 0:
        raise ValueError("y has 0 label columns; at least one label is needed.")
    Y = _check_values(Y, "y", missing_label, allow_missing)
    if names is None:
        names = np.arange(Y.shape[1], dtype=object)
    return EncodedTargets(Y.astype(np.float32), names, binary_classes=classes)


def _encode_sparse(y):
    """Keep a sparse y sparse (CSR float32): many labels stay cheap."""
    # a copy: the in-place clean-up below must never reach the caller's matrix
    Y = sp.csr_matrix(y, dtype=np.float32, copy=True)
    Y.sum_duplicates()
    bad = (Y.data != 0) & (Y.data != 1)
    if bad.any():
        raise ValueError(
            "y must contain only 0 and 1 (NaN for an unknown label), got values "
            f"{np.unique(Y.data[bad])[:5].tolist()}."
        )
    Y.eliminate_zeros()
    names = np.arange(Y.shape[1], dtype=object)
    return EncodedTargets(Y, names, binary_classes=None)


def _is_1d(y):
    if sp.issparse(y) or hasattr(y, "columns"):
        return False
    try:
        return np.asarray(y).ndim == 1
    except ValueError:  # ragged
        return False


def _without_missing_label(y, missing_label):
    """A 1-D ``y`` with its ``missing_label`` entries as NaN (None for non-numbers)."""
    if missing_label is None:
        return y
    arr = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    hit = np.array(
        [not _is_missing(v) and v == missing_label for v in arr.tolist()], dtype=bool
    )
    if not hit.any():
        return y
    if arr.dtype.kind in "biuf":
        return np.where(hit, np.nan, arr.astype(np.float64))
    out = arr.astype(object)
    out[hit] = None
    return out


def _is_missing(v):
    """None, NaN or pandas' NA (without importing pandas; NA has no truth value)."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(v, (float, np.floating)) and v != v


def _encode_binary(y, classes=None):
    """A 1-D y is one label: two classes map to 0/1 (sorted, as sklearn does).

    Unknown entries (NaN, ``None``, ``pd.NA``) become NaN. ``classes`` (sorted,
    one or two) fixes the classes instead of reading them off ``y``: a value
    outside them is a ``ValueError``.
    """
    if hasattr(y, "to_numpy"):  # a Series: pd.NA becomes NaN, classes keep their type
        y = _frame_to_numpy(y) if y.isna().any() else y.to_numpy()
    arr = np.asarray(y)
    if arr.dtype.kind == "f":
        missing = np.isnan(arr)
    elif arr.dtype.kind == "O":
        missing = np.array([_is_missing(v) for v in arr], dtype=bool)
    else:
        missing = np.zeros(arr.shape, dtype=bool)
    known = arr[~missing]
    if arr.dtype.kind == "f" and (
        np.any(known != np.round(known)) or not np.all(np.isfinite(known))
    ):
        raise ValueError(
            "Unknown label type: y is continuous (non-integer floats); a "
            "classifier needs 0/1 labels."
        )
    if classes is not None:
        extra = sorted(set(known.tolist()) - set(classes.tolist()))
        if extra:
            raise ValueError(
                f"y has classes {extra[:5]} that are not in classes "
                f"{classes.tolist()}; give every class on the first call."
            )
    classes = np.unique(known) if classes is None else classes
    if classes.size > 2:
        raise ValueError(
            "Only binary classification is supported for a 1-D y, which is one "
            f"label; this y has {classes.size} classes {classes[:5].tolist()}: "
            "multiclass, not multi-label. For several labels per row pass a 2-D "
            "0/1 indicator matrix or label sets (see "
            "sklearn.preprocessing.MultiLabelBinarizer); for one class per row use "
            "a multiclass classifier."
        )
    if set(classes.tolist()) <= {0, 1} and not missing.any():
        return arr, np.array([0, 1])
    if set(classes.tolist()) <= {0, 1}:
        classes = np.array([0, 1])
    # the label is "y is the last class" (with one class: "y is that class")
    encoded = np.zeros(arr.shape, dtype=np.float64)
    encoded[~missing] = known == classes[-1]
    encoded[missing] = np.nan
    return encoded, classes


def columns_in_order(y, label_names):
    """A DataFrame ``y``'s columns in ``label_names`` order, matched by name.

    A model fitted without label names (``0 .. n_labels - 1``) matches
    columns by position, as for an array.
    """
    names = list(label_names)
    if names == list(range(len(names))):
        return y
    by_name = {str(c): c for c in y.columns}
    if len(by_name) != y.shape[1] or set(by_name) != set(map(str, names)):
        raise ValueError(
            f"y's columns {list(y.columns)} are not the labels the classifier "
            f"was fitted on, {names}; pass the same label columns (any order)."
        )
    return y[[by_name[str(n)] for n in names]]


def check_indicator(y, name="y_true", *, allow_missing=False, dtype=np.int64):
    """Convert y (indicator matrix, sparse, DataFrame, 1-D) to a 2-D ndarray.

    NaN entries are kept (as NaN, in a float array) when ``allow_missing``.
    """
    Y, _, one_d = _as_float_matrix(y, name)
    if one_d:
        Y = Y.reshape(-1, 1)
    if 0 in Y.shape:
        raise ValueError(
            f"{name} is empty (shape {Y.shape}); at least one row and one label are needed."
        )
    Y = _check_values(Y, name, None, allow_missing)
    if np.isnan(Y).any():
        return Y
    return Y.astype(dtype)

"""Built-in and on-disk multi-label datasets (no network access, no Keras).

Every loader returns a :class:`~sklearn.utils.Bunch` with ``X``, ``Y``
(``(n_samples, n_labels)``: int 0/1 when every label is known, else float 0/1
with NaN where a label is unknown, as the classifier takes it),
``feature_names`` and ``label_names``; when the
source has a predefined train/test split it also has ``split`` (one of
``"train"``, ``"test"``, ``"all"`` per row) and ``X_train``, ``Y_train``,
``X_test``, ``Y_test``. Malformed files raise ``ValueError`` naming the file
(and the line, where the parser knows it).
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import make_multilabel_classification
from sklearn.utils import Bunch

from . import _archive

__all__ = [
    "TUTORIAL_NEW_ROW",
    "load_arff",
    "load_csv",
    "load_dataset",
    "load_npz",
    "make_tutorial_problem",
]

#: The new row the tutorial asks the final model about.
TUTORIAL_NEW_ROW = np.array([[3, 3, 6, 7, 8, 2, 11, 11, 1, 3]], dtype=float)


def make_tutorial_problem(*, return_X_y=False):
    """The tutorial's synthetic problem: 1000 rows, 10 features, 3 labels.

    ``make_multilabel_classification(n_samples=1000, n_features=10, n_classes=3,
    n_labels=2, random_state=1)``, the data of the well-known Keras multi-label
    tutorial this package grew from.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, Y)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``X`` (1000, 10) float, ``Y`` (1000, 3) int, ``feature_names``,
        ``label_names`` and ``new_row``, the (1, 10) row the tutorial predicts.

    Examples
    --------
    >>> from skmultilabel_mlp.datasets import make_tutorial_problem
    >>> data = make_tutorial_problem()
    >>> data.X.shape, data.Y.shape
    ((1000, 10), (1000, 3))
    """
    X, Y = make_multilabel_classification(
        n_samples=1000, n_features=10, n_classes=3, n_labels=2, random_state=1
    )
    if return_X_y:
        return X, Y
    return Bunch(
        X=X,
        Y=Y,
        feature_names=np.array([f"x{i}" for i in range(X.shape[1])], dtype=object),
        label_names=np.array([f"label_{j}" for j in range(Y.shape[1])], dtype=object),
        new_row=TUTORIAL_NEW_ROW.copy(),
    )


def _labels(Y):
    """int 0/1, or float with NaN for unknown labels (an int cannot hold NaN)."""
    Y = np.asarray(Y)
    if Y.dtype.kind == "f" and np.isnan(Y).any():
        return Y.astype(np.float64)
    return Y.astype(np.int64)


def _bunch(X, Y, feature_names, label_names, split=None, **extra):
    data = Bunch(
        X=X,
        Y=_labels(Y),
        feature_names=np.asarray(feature_names, dtype=object),
        label_names=np.asarray(label_names, dtype=object),
        **extra,
    )
    if split is not None:
        split = np.asarray(split).astype(str)
        data.split = split
        if {"train", "test"} <= set(split.tolist()):
            for part in ("train", "test"):
                rows = np.flatnonzero(split == part)
                data[f"X_{part}"], data[f"Y_{part}"] = data.X[rows], data.Y[rows]
    return data


def _existing(path):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return path


_NPZ_ARRAYS = {"X", "Y", "feature_names", "label_names", "split"}


def load_npz(path):
    """Load a converted dataset (``X``, ``Y``, names, ``split``) from an ``.npz``.

    The format of the converted MULAN files in ``shared/data``; loaded without
    pickle, and only within bounds: a member that declares far more bytes than
    it stores, or an array header larger than its data, is refused before
    anything is inflated (a ``ValueError``). NaN in ``Y`` marks unknown labels.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    data : Bunch
    """
    path = _existing(path)
    with _archive.open_zip(path, path, kind="readable .npz file") as zf:
        _archive.check_members(zf, path, _archive.DATA_FILES)
        arrays = {
            name[: -len(".npy")]: _archive.read_npy(zf, name, path)
            for name in zf.namelist()
            if name.endswith(".npy") and name[: -len(".npy")] in _NPZ_ARRAYS
        }
    missing = {"X", "Y"} - set(arrays)
    if missing:
        raise ValueError(f"{path}: missing arrays {sorted(missing)}")
    X, Y = arrays["X"], arrays["Y"]
    if X.ndim != 2 or Y.ndim != 2:
        raise ValueError(f"{path}: X and Y must be 2-D, got {X.shape} and {Y.shape}")
    feature_names = arrays.get("feature_names", np.arange(X.shape[1]))
    label_names = arrays.get("label_names", np.arange(Y.shape[1]))
    split = arrays.get("split")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"{path}: X has {X.shape[0]} rows but Y has {Y.shape[0]}")
    X = X.astype(np.float32) if X.dtype == np.uint8 else X
    return _bunch(X, Y, feature_names, label_names, split)


def _xml_labels(path):
    path = _existing(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line = exc.position[0]
        raise ValueError(f"{path}, line {line}: malformed label XML ({exc})") from None
    names = [
        el.get("name")
        for el in root.iter()
        if el.tag.endswith("label") and el.get("name")
    ]
    if not names:
        raise ValueError(f"{path}: no <label name=...> element found")
    return names


_TRUE = {"1", "yes", "y", "true", "t"}
_FALSE = {"0", "no", "n", "false", "f"}


def _nominal_codes(values, categories):
    """0/1 for yes/no-like pairs, else the index in the declared category order."""
    lower = [str(c).strip().lower() for c in categories]
    if len(lower) == 2 and set(lower) <= _TRUE | _FALSE and set(lower) & _TRUE:
        mapping = {c: float(low in _TRUE) for c, low in zip(categories, lower)}
    else:
        mapping = {c: float(i) for i, c in enumerate(categories)}
    return np.array([np.nan if v is None else mapping[v] for v in values])


def _first_data_line(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        seen_data = False
        for line in fh:
            stripped = line.strip()
            if not stripped or stripped.startswith("%"):
                continue
            if seen_data:
                return stripped
            seen_data = stripped.lower().startswith("@data")
    return ""


def _label_columns(attributes, relation, xml, n_labels, label_location, path):
    names = [a[0] for a in attributes]
    if xml is not None:
        wanted = _xml_labels(xml)
        unknown = [w for w in wanted if w not in names]
        if unknown:
            raise ValueError(
                f"{path}: labels {unknown[:5]} named in {xml} are not attributes"
            )
        return [names.index(w) for w in wanted]
    if n_labels is None:
        match = re.search(r"-C\s+(-?\d+)", relation or "")
        if not match:
            raise ValueError(
                f"{path}: cannot tell which attributes are labels; pass xml= (MULAN) "
                "or n_labels= with label_location="
            )
        n = int(match.group(1))  # MEKA: -C L labels first, -C -L labels last
        n_labels, label_location = abs(n), ("start" if n > 0 else "end")
    if not 0 < n_labels < len(names):
        raise ValueError(
            f"{path}: n_labels={n_labels} but the file has {len(names)} attributes"
        )
    return (
        list(range(n_labels))
        if label_location == "start"
        else list(range(len(names) - n_labels, len(names)))
    )


def _arff_columns(values, cols, attributes, n_cols):
    """Float values of (possibly sparse) ARFF entries; nominal mapped per column."""
    out = np.empty(len(values))
    categories = [a[1] if isinstance(a[1], list) else None for a in attributes]
    for kind in {c for c in range(n_cols) if categories[c] is not None} & set(
        np.unique(cols).tolist()
    ):
        mask = cols == kind
        out[mask] = _nominal_codes(values[mask], categories[kind])
    numeric = (
        np.array([categories[c] is None for c in cols], dtype=bool)
        if len(cols)
        else np.zeros(0, bool)
    )
    out[numeric] = [np.nan if v is None else float(v) for v in values[numeric]]
    return out


def load_arff(path, *, xml=None, n_labels=None, label_location="end", drop=()):
    """Load a MULAN or MEKA multi-label ARFF file, dense or sparse.

    Parameters
    ----------
    path : str or Path
        The ``.arff`` file.
    xml : str or Path, default=None
        MULAN's label file; its ``<label name=...>`` elements pick the label
        attributes wherever they are.
    n_labels : int, default=None
        Number of label attributes, at ``label_location``. Without ``xml`` or
        ``n_labels`` the MEKA convention is read from the relation name
        (``-C L``: first ``L`` attributes; ``-C -L``: last ``L``).
    label_location : {"end", "start"}, default="end"
    drop : sequence of str, default=()
        Attributes to leave out (e.g. genbase's ``protein`` identifier).

    Returns
    -------
    data : Bunch
        ``X`` is a float32 CSR matrix for sparse ARFF, else a float ndarray.
        Nominal features become category indices (yes/no pairs 1/0); ``?`` is NaN.
    """
    import arff  # liac-arff

    path = _existing(path)
    sparse = _first_data_line(path).startswith("{")
    try:
        with open(path, encoding="utf-8") as fh:
            raw = arff.load(
                fh, encode_nominal=False, return_type=arff.COO if sparse else arff.DENSE
            )
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a UTF-8 text ARFF file ({exc})") from None
    except arff.ArffException as exc:
        where = (
            f", line {exc.line}" if getattr(exc, "line", -1) and exc.line > 0 else ""
        )
        raise ValueError(f"{path}{where}: malformed ARFF ({exc})") from None
    attributes = raw["attributes"]
    n_rows_cols = len(attributes)
    if sparse:
        vals, rows, cols = (np.asarray(a) for a in raw["data"])
        vals = vals.astype(object)
        n_rows = int(rows.max()) + 1 if rows.size else 0
    else:
        dense = np.asarray(raw["data"], dtype=object).reshape(-1, n_rows_cols)
        n_rows = dense.shape[0]
        rows, cols = np.indices(dense.shape).reshape(2, -1)
        vals = dense.ravel()
    matrix = sp.csr_matrix(
        (_arff_columns(vals, cols, attributes, n_rows_cols), (rows, cols)),
        shape=(n_rows, n_rows_cols),
    )
    label_cols = _label_columns(
        attributes, raw.get("relation"), xml, n_labels, label_location, path
    )
    names = [a[0] for a in attributes]
    unknown_drop = [d for d in drop if d not in names]
    if unknown_drop:
        raise ValueError(f"{path}: cannot drop {unknown_drop}: no such attribute")
    feature_cols = [
        c
        for c in range(n_rows_cols)
        if c not in set(label_cols) and names[c] not in drop
    ]
    Y = matrix[:, label_cols].toarray()
    X = matrix[:, feature_cols]
    X = X.astype(np.float32) if sparse else X.toarray()
    return _bunch(
        X,
        Y,
        [names[c] for c in feature_cols],
        [names[c] for c in label_cols],
    )


def load_csv(path, labels=None, *, label_set_column=None, label_sep="|", sep=","):
    """Load a CSV with named label columns, or one column of label sets.

    Parameters
    ----------
    path : str or Path
    labels : list of str, default=None
        Names of the 0/1 label columns; every other column is a feature.
    label_set_column : str, default=None
        Instead of ``labels``: a column whose cells list the row's labels,
        separated by ``label_sep`` (an empty cell is no label).
    label_sep : str, default="|"
    sep : str, default=","
        Field delimiter of the file.

    Returns
    -------
    data : Bunch
    """
    import pandas as pd

    path = _existing(path)
    if (labels is None) == (label_set_column is None):
        raise ValueError("give exactly one of labels= (columns) or label_set_column=")
    try:
        frame = pd.read_csv(path, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: malformed CSV ({exc})") from None
    wanted = list(labels) if labels is not None else [label_set_column]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: no column(s) {missing}; columns are {list(frame.columns)[:20]}"
        )
    features = frame.drop(columns=wanted)
    bad = [
        c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])
    ]
    if bad:
        raise ValueError(
            f"{path}: feature column(s) {bad[:5]} are not numeric; encode them first "
            "(e.g. one-hot) or list them as labels"
        )
    if labels is not None:
        Y = frame[labels].to_numpy(dtype=float)
        if not np.isin(Y[~np.isnan(Y)], [0, 1]).all():
            raise ValueError(f"{path}: label columns {labels} must hold only 0 and 1")
        label_names = list(labels)
    else:
        from sklearn.preprocessing import MultiLabelBinarizer

        cells = frame[label_set_column].fillna("").astype(str)
        sets = [{p.strip() for p in c.split(label_sep) if p.strip()} for c in cells]
        mlb = MultiLabelBinarizer()
        Y = mlb.fit_transform(sets)
        label_names = list(mlb.classes_)
    return _bunch(
        features.to_numpy(dtype=float),
        Y,
        list(features.columns),
        label_names,
    )


def load_dataset(path, **kwargs):
    """Load ``.npz``, ``.arff`` (with a sibling ``.xml`` when present) or ``.csv``.

    Parameters
    ----------
    path : str or Path
    **kwargs : dict
        Passed to :func:`load_npz`, :func:`load_arff` or :func:`load_csv`.

    Returns
    -------
    data : Bunch
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return load_npz(path, **kwargs)
    if suffix == ".arff":
        if "xml" not in kwargs and "n_labels" not in kwargs:
            stem = re.sub(r"-(train|test)$", "", path.stem)
            sibling = path.with_name(stem + ".xml")
            if sibling.is_file():
                kwargs["xml"] = sibling
        return load_arff(path, **kwargs)
    if suffix in (".csv", ".tsv", ".txt"):
        return load_csv(path, **kwargs)
    raise ValueError(f"{path}: unknown data format {suffix!r}; use .npz, .arff or .csv")

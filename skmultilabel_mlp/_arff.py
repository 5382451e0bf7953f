"""Reading MULAN and MEKA ARFF files: attributes, label columns, dense or sparse data.

``datasets.load_arff`` is the public face; this module turns the file into
``(X, Y, feature names, label names)``. Nominal features become category
indices (yes/no pairs 1/0); ``?`` is NaN.
"""

import re
import xml.etree.ElementTree as ET

import numpy as np
import scipy.sparse as sp

from ._utils import existing_file

__all__ = ["read_arff"]


def _xml_labels(path):
    path = existing_file(path)
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


def read_arff(path, *, xml, n_labels, label_location, drop):
    """``(X, Y, feature_names, label_names)`` of the ARFF file ``path`` (it exists)."""
    import arff  # liac-arff

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
    return X, Y, [names[c] for c in feature_cols], [names[c] for c in label_cols]

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
from pathlib import Path

import numpy as np
from sklearn.datasets import make_multilabel_classification
from sklearn.utils import Bunch

from . import _archive
from ._arff import read_arff
from ._shards import iter_shards, read_shard, save_shard
from ._utils import existing_file

__all__ = [
    "TUTORIAL_NEW_ROW",
    "iter_shards",
    "load_arff",
    "load_csv",
    "load_dataset",
    "load_npz",
    "make_tutorial_problem",
    "read_shard",
    "save_shard",
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
    """int 0/1, or float with NaN for unknown labels (an int cannot hold NaN);
    classes of outputs (an object array) as they are."""
    Y = np.asarray(Y)
    if Y.dtype.kind == "O":
        return Y
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
    path = existing_file(path)
    arrays = _archive.read_npz_arrays(path, "readable .npz file", _NPZ_ARRAYS)
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
    return _bunch(
        *read_arff(
            existing_file(path),
            xml=xml,
            n_labels=n_labels,
            label_location=label_location,
            drop=drop,
        )
    )


def load_csv(
    path, labels=None, *, label_set_column=None, label_sep="|", sep=",", outputs=None
):
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
    outputs : list of str, default=None
        Instead of ``labels``: columns that each hold one class per row
        (strings or integers, such as ``stable`` / ``alert`` / ``emergency``),
        outputs with their own classes; ``Y`` is then an object array of the
        classes, an empty cell unknown (None).

    Returns
    -------
    data : Bunch
    """
    import pandas as pd

    path = existing_file(path)
    if sum(x is not None for x in (labels, label_set_column, outputs)) != 1:
        raise ValueError(
            "give exactly one of labels= (0/1 columns), label_set_column= or "
            "outputs= (columns of classes)"
        )
    try:
        frame = pd.read_csv(path, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: malformed CSV ({exc})") from None
    wanted = (
        list(labels)
        if labels is not None
        else list(outputs)
        if outputs is not None
        else [label_set_column]
    )
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
    if outputs is not None:
        Y = frame[list(outputs)].astype(object)
        Y = Y.where(Y.notna(), None).to_numpy(dtype=object)
        label_names = list(outputs)
    elif labels is not None:
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

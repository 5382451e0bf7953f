"""Scores for multi-output targets whose outputs have more than two classes.

scikit-learn's ``accuracy_score`` and most of its scorers refuse
``multiclass-multioutput`` targets: a 2-D ``y`` where each column is one output
with its own classes (``RandomForestClassifier``'s ``n_outputs_`` and
``classes_``). These functions apply scikit-learn's metric to each output and
average over outputs. Any dtype works (strings, integers, pandas categoricals, a
DataFrame), and a 1-D ``y`` is one output. Unknown entries of ``y_true``
(``None``, NaN, ``pd.NA``) are left out. No Keras import.
"""

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn import metrics as skm
from sklearn.utils._param_validation import StrOptions, validate_params
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "mean_output_accuracy",
    "mean_output_macro_f1",
    "multioutput_exact_match",
    "per_output_accuracy",
    "per_output_f1_score",
]

# sparse input is let in to be refused with the way out (.toarray())
_PREDICTIONS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_pred": ["array-like", "sparse matrix"],
    "sample_weight": ["array-like", None],
}
_PROBABILITIES = {
    "y_true": ["array-like", "sparse matrix"],
    "proba": [list, tuple, "array-like"],
    "classes": [list, tuple, "array-like"],
    "sample_weight": ["array-like", None],
}
# infer_dtype's names for values that can be one output's classes
_CLASS_KINDS = {"string", "integer", "floating", "mixed-integer-float", "boolean"}

_TRUE_PARAM = """y_true : array-like of shape (n_samples, n_outputs) or (n_samples,)
        True class of each output, of any dtype (strings, integers, a pandas
        DataFrame or categorical); a 1-D vector is one output. Unknown entries
        (``None``, NaN, ``pd.NA``) are left out."""
_PREDICTION_PARAMS = f"""{_TRUE_PARAM}
    y_pred : array-like of the same shape as ``y_true``
        Predicted classes, with no unknown entry.
    sample_weight : array-like of shape (n_samples,), default=None"""


_PROBA_PARAMS = f"""{_TRUE_PARAM}
    proba : list of n_outputs arrays of shape (n_samples, n_classes_j)
        Class probabilities per output, scikit-learn's multi-output
        ``predict_proba``; one ``(n_samples, n_classes)`` array for one output.
    classes : list of n_outputs arrays
        The classes that ``proba[j]``'s columns stand for, in order: the
        estimator's ``classes_``. One array for one output.
    sample_weight : array-like of shape (n_samples,), default=None"""


def _doc(func):
    """Substitute the shared parameter descriptions into a metric's docstring."""
    func.__doc__ = func.__doc__.replace(
        "{prediction_params}", _PREDICTION_PARAMS
    ).replace("{proba_params}", _PROBA_PARAMS)
    return func


def _as_outputs(y, name):
    """``y`` as an object array of shape (n_samples, n_outputs), values as given."""
    if sp.issparse(y):
        raise TypeError(
            f"{name} is a sparse matrix; multi-output class targets are dense: "
            f"pass {name}.toarray()."
        )
    # object dtype keeps each column's own classes (strings next to integers)
    arr = y.to_numpy(dtype=object) if hasattr(y, "to_numpy") else None
    arr = np.asarray(y, dtype=object) if arr is None else arr
    if arr.ndim == 1:
        if any(isinstance(v, (list, tuple, np.ndarray)) for v in arr):
            raise ValueError(
                f"{name} has rows of different lengths; give every row one "
                "entry per output."
            )
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} has {arr.ndim} dimensions; give an array of shape "
            "(n_samples, n_outputs), or a 1-D array for one output."
        )
    return arr


def _classes_of(values, where):
    """One output's known values as a plain numpy array of str, int, float or bool."""
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "empty":
        return values
    if kind not in _CLASS_KINDS:
        raise TypeError(
            f"{where} holds {kind} values; an output's classes must be all strings "
            "or all numbers, e.g. convert that output with .astype(str)."
        )
    return np.asarray(values.tolist())


def _same_kind(a, b, where_a, where_b):
    if a.size and b.size and (a.dtype.kind == "U") != (b.dtype.kind == "U"):
        kinds = ["strings" if x.dtype.kind == "U" else "numbers" for x in (a, b)]
        raise TypeError(
            f"{where_a} holds {kinds[0]} but {where_b} holds {kinds[1]}; give "
            "both the same type, e.g. convert both with .astype(str)."
        )


def _targets(y_true):
    """``(Y, known)``: ``y_true`` as outputs and the mask of its known entries."""
    Y = _as_outputs(y_true, "y_true")
    known = ~pd.isna(Y)
    if not known.any():
        raise ValueError(
            "y_true has no known entry (every entry is None, NaN or pd.NA); "
            "there is nothing to score."
        )
    return Y, known


def _pairs(y_true, y_pred, sample_weight):
    """``([(rows, t, p)] per output, weights)``: rows where y_true is known."""
    Y, known = _targets(y_true)
    P = _as_outputs(y_pred, "y_pred")
    if P.shape != Y.shape:
        raise ValueError(
            f"y_true has shape {Y.shape} but y_pred has shape {P.shape}; give "
            "one row per sample and one column per output in both."
        )
    if pd.isna(P).any():
        raise ValueError(
            "y_pred has unknown entries (None, NaN or pd.NA); a prediction "
            "names a class for every output of every row."
        )
    w = _check_sample_weight(sample_weight, Y, dtype=np.float64)
    pairs = []
    for j in range(Y.shape[1]):
        rows = known[:, j]
        t = _classes_of(Y[rows, j], f"y_true[:, {j}]")
        p = _classes_of(P[rows, j], f"y_pred[:, {j}]")
        _same_kind(t, p, f"y_true[:, {j}]", f"y_pred[:, {j}]")
        pairs.append((rows, t, p))
    return pairs, w


def _each(pairs, w, score):
    """``score(t, p, w)`` of each output; NaN for one with no known entry."""
    scores = [score(t, p, w[rows]) if rows.any() else np.nan for rows, t, p in pairs]
    return np.array(scores, dtype=np.float64)


@validate_params(_PREDICTIONS, prefer_skip_nested_validation=True)
@_doc
def multioutput_exact_match(y_true, y_pred, *, sample_weight=None):
    """Share of rows whose every output is predicted right.

    scikit-learn's ``accuracy_score`` (subset accuracy) for targets whose
    outputs have more than two classes. A row counts as right when all its
    known outputs are; rows with no known output are left out.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    score : float

    See Also
    --------
    per_output_accuracy : The share of right predictions of each output.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import multioutput_exact_match
    >>> y_true = [["stable", 0], ["alert", 1]]
    >>> multioutput_exact_match(y_true, [["stable", 0], ["alert", 2]])
    0.5
    """
    pairs, w = _pairs(y_true, y_pred, sample_weight)
    right = np.ones((len(w), len(pairs)), dtype=bool)
    counted = np.zeros(len(w), dtype=bool)
    for j, (rows, t, p) in enumerate(pairs):
        right[rows, j] = t == p
        counted |= rows
    return float(np.average(right.all(axis=1)[counted], weights=w[counted]))


@validate_params(_PREDICTIONS, prefer_skip_nested_validation=True)
@_doc
def per_output_accuracy(y_true, y_pred, *, sample_weight=None):
    """``sklearn.metrics.accuracy_score`` of each output.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    scores : ndarray of shape (n_outputs,)
        NaN for an output with no known entry.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import per_output_accuracy
    >>> per_output_accuracy([["a", 0], ["b", 1]], [["a", 0], ["b", 2]])
    array([1. , 0.5])
    """
    return _each(
        *_pairs(y_true, y_pred, sample_weight),
        lambda t, p, w: skm.accuracy_score(t, p, sample_weight=w),
    )


@validate_params(_PREDICTIONS, prefer_skip_nested_validation=True)
@_doc
def mean_output_accuracy(y_true, y_pred, *, sample_weight=None):
    """Mean over outputs of :func:`per_output_accuracy`.

    Outputs with no known entry are left out of the mean.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    score : float

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import mean_output_accuracy
    >>> mean_output_accuracy([["a", 0], ["b", 1]], [["a", 0], ["b", 2]])
    0.75
    """
    scores = per_output_accuracy(y_true, y_pred, sample_weight=sample_weight)
    return float(np.nanmean(scores))


@validate_params(
    {**_PREDICTIONS, "average": [StrOptions({"macro", "micro", "weighted"})]},
    prefer_skip_nested_validation=True,
)
@_doc
def per_output_f1_score(y_true, y_pred, *, average="macro", sample_weight=None):
    """``sklearn.metrics.f1_score`` of each output, averaged over its classes.

    Each output's classes are those present in its true or predicted values;
    a class never predicted and never true does not count (``zero_division=0``
    for the rest).

    Parameters
    ----------
    {prediction_params}
    average : {"macro", "micro", "weighted"}, default="macro"
        How each output's per-class F1 scores are averaged, as in ``f1_score``.

    Returns
    -------
    scores : ndarray of shape (n_outputs,)
        NaN for an output with no known entry.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import per_output_f1_score
    >>> per_output_f1_score([["a", 0], ["b", 1]], [["a", 0], ["b", 0]])
    array([1.        , 0.33333333])
    """

    def f1(t, p, w):
        labels = np.unique(np.concatenate([t, p]))
        return skm.f1_score(
            t, p, labels=labels, average=average, sample_weight=w, zero_division=0
        )

    return _each(*_pairs(y_true, y_pred, sample_weight), f1)


@validate_params(_PREDICTIONS, prefer_skip_nested_validation=True)
@_doc
def mean_output_macro_f1(y_true, y_pred, *, sample_weight=None):
    """Mean over outputs of each output's macro-averaged F1.

    Outputs with no known entry are left out of the mean.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    score : float

    See Also
    --------
    per_output_f1_score : The F1 score of each output.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import mean_output_macro_f1
    >>> mean_output_macro_f1([["a", 0], ["b", 1]], [["a", 0], ["b", 1]])
    1.0
    """
    scores = per_output_f1_score(y_true, y_pred, sample_weight=sample_weight)
    return float(np.nanmean(scores))

"""Log loss of multi-output targets whose outputs have their own classes.

The probability measures of :mod:`._multioutput`: scikit-learn's ``log_loss``
per output, given scikit-learn's multi-output ``predict_proba`` (one
``(n_samples, n_classes_j)`` array per output) and the estimator's
``classes_``, and their mean. No Keras import.
"""

import numpy as np
from sklearn import metrics as skm
from sklearn.utils._param_validation import validate_params
from sklearn.utils.validation import _check_sample_weight

from ._multioutput import _PROBABILITIES, _classes_of, _doc, _same_kind, _targets

__all__ = ["mean_output_log_loss", "per_output_log_loss"]


def _proba_arrays(proba, n_outputs):
    """``proba`` as one float array per output."""
    if isinstance(proba, (list, tuple)):
        arrays = [np.asarray(p, dtype=np.float64) for p in proba]
        if arrays and all(a.ndim == 1 for a in arrays):  # one output, as rows
            arrays = [np.asarray(proba, dtype=np.float64)]
    else:
        arr = np.asarray(proba, dtype=np.float64)
        arrays = list(arr) if arr.ndim == 3 else [arr]
    if len(arrays) != n_outputs:
        raise ValueError(
            f"proba has {len(arrays)} array(s) but y_true has {n_outputs} outputs; "
            "give one (n_samples, n_classes) array per output, as a multi-output "
            "predict_proba returns."
        )
    return arrays


def _class_arrays(classes, n_outputs):
    """``classes`` as one array of classes per output."""
    items = list(classes)
    if not (items and all(np.ndim(c) >= 1 for c in items)):
        items = [items]  # one output's classes
    if len(items) != n_outputs:
        raise ValueError(
            f"classes has {len(items)} class array(s) but y_true has {n_outputs} "
            "outputs; pass the estimator's classes_ (one array of classes per "
            "output)."
        )
    arrays = []
    for j, c in enumerate(items):
        c = _classes_of(np.asarray(c, dtype=object).ravel(), f"classes[{j}]")
        if len(np.unique(c)) != len(c):
            raise ValueError(
                f"classes[{j}] = {c.tolist()} names a class twice; give each "
                "class once, in the order of proba's columns."
            )
        arrays.append(c)
    return arrays


def _output_log_loss(t, P, classes, w, j):
    unknown = np.setdiff1d(t, classes)
    if unknown.size:
        raise ValueError(
            f"y_true[:, {j}] holds {unknown[:5].tolist()}, not in classes[{j}] = "
            f"{classes.tolist()}; pass the classes proba[{j}]'s columns stand for "
            "(the estimator's classes_)."
        )
    if len(classes) == 1:  # log_loss needs two labels; every true class is this one
        eps = np.finfo(P.dtype).eps
        return float(-np.average(np.log(np.clip(P[:, 0], eps, 1)), weights=w))
    # log_loss reads proba's columns in sorted label order
    order = np.argsort(classes, kind="stable")
    return float(skm.log_loss(t, P[:, order], labels=classes[order], sample_weight=w))


@validate_params(_PROBABILITIES, prefer_skip_nested_validation=True)
@_doc
def per_output_log_loss(y_true, proba, *, classes, sample_weight=None):
    """``sklearn.metrics.log_loss`` of each output; lower is better.

    Parameters
    ----------
    {proba_params}

    Returns
    -------
    losses : ndarray of shape (n_outputs,)
        NaN for an output with no known entry.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import per_output_log_loss
    >>> proba = [[[0.5, 0.5], [0.5, 0.5]], [[0.8, 0.2], [0.2, 0.8]]]
    >>> classes = [["a", "b"], [0, 1]]
    >>> per_output_log_loss([["a", 0], ["b", 1]], proba, classes=classes).round(4)
    array([0.6931, 0.2231])
    """
    Y, known = _targets(y_true)
    arrays = _proba_arrays(proba, Y.shape[1])
    class_arrays = _class_arrays(classes, Y.shape[1])
    w = _check_sample_weight(sample_weight, Y, dtype=np.float64)
    losses = []
    for j, (P, c) in enumerate(zip(arrays, class_arrays)):
        if P.shape != (len(Y), len(c)):
            raise ValueError(
                f"proba[{j}] has shape {P.shape} but y_true has {len(Y)} rows and "
                f"classes[{j}] has {len(c)} classes; give one column per class, "
                f"in the order of classes[{j}]."
            )
        rows = known[:, j]
        t = _classes_of(Y[rows, j], f"y_true[:, {j}]")
        _same_kind(t, c, f"y_true[:, {j}]", f"classes[{j}]")
        losses.append(
            _output_log_loss(t, P[rows], c, w[rows], j) if rows.any() else np.nan
        )
    return np.array(losses, dtype=np.float64)


@validate_params(_PROBABILITIES, prefer_skip_nested_validation=True)
@_doc
def mean_output_log_loss(y_true, proba, *, classes, sample_weight=None):
    """Mean over outputs of :func:`per_output_log_loss`; lower is better.

    Outputs with no known entry are left out of the mean.

    Parameters
    ----------
    {proba_params}

    Returns
    -------
    loss : float

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import mean_output_log_loss
    >>> proba = [[0.8, 0.2], [0.2, 0.8]]
    >>> round(mean_output_log_loss(["a", "b"], proba, classes=["a", "b"]), 4)
    0.2231
    """
    losses = per_output_log_loss(
        y_true, proba, classes=classes, sample_weight=sample_weight
    )
    return float(np.nanmean(losses))

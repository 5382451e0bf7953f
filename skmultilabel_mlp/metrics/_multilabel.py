"""Multi-label metrics on indicator matrices, with unknown (NaN) labels.

Every function accepts indicator matrices (numpy, scipy sparse, pandas
DataFrame) and wraps scikit-learn's implementation where one exists. NaN in
``y_true`` marks an unknown label: it is an error unless ``ignore_missing=True``,
in which case those entries are left out. No Keras import.
"""

from numbers import Real

import numpy as np
from sklearn import metrics as skm
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import _check_sample_weight

from .._proba import proba_to_matrix
from .._targets import check_indicator
from ._averaging import label_averaged, pad_one_label

__all__ = [
    "coverage_error",
    "exact_match_score",
    "hamming_loss",
    "hamming_score",
    "label_ranking_average_precision_score",
    "label_ranking_loss",
    "mean_binary_cross_entropy",
    "per_label_f1_score",
]

_ARRAY = ["array-like", "sparse matrix"]
_COMMON = {
    "y_true": _ARRAY,
    "sample_weight": ["array-like", None],
    "ignore_missing": ["boolean"],
}


_PREDICTION_PARAMS = """y_true, y_pred : array-like or sparse matrix of shape (n_samples, n_labels)
        True and predicted 0/1 labels (NaN in ``y_true`` = unknown). A 1-D 0/1
        vector is one label, like a one-column matrix.
    sample_weight : array-like of shape (n_samples,), default=None
    ignore_missing : bool, default=False
        Leave unknown (NaN) entries of ``y_true`` out instead of raising."""


def _doc(func):
    """Substitute the shared parameter descriptions into a metric's docstring."""
    func.__doc__ = func.__doc__.replace("{prediction_params}", _PREDICTION_PARAMS)
    return func


def _pair(y_true, y_other, ignore_missing, other_name="y_pred", proba=False):
    """Checked (Y_true, Y_other, known-mask) with matching shapes."""
    Y = check_indicator(y_true, "y_true", allow_missing=True, dtype=np.float64)
    known = ~np.isnan(Y)
    if not known.all() and not ignore_missing:
        raise ValueError(
            "y_true contains NaN (unknown labels); pass ignore_missing=True to leave "
            "those entries out of the metric."
        )
    if proba:
        P = proba_to_matrix(y_other, Y.shape[1])
        if not np.all(np.isfinite(P)) or P.min() < 0 or P.max() > 1:
            raise ValueError(f"{other_name} must hold probabilities in [0, 1].")
    else:
        P = check_indicator(y_other, other_name, dtype=np.float64)
    if P.shape != Y.shape:
        raise ValueError(
            f"y_true has shape {Y.shape} but {other_name} has shape {P.shape}; give "
            "one row per sample and one column per label in both."
        )
    return np.where(known, Y, 0.0), P, known


@validate_params({**_COMMON, "y_pred": _ARRAY}, prefer_skip_nested_validation=True)
@_doc
def exact_match_score(y_true, y_pred, *, sample_weight=None, ignore_missing=False):
    """Share of rows whose every label is predicted right (subset accuracy).

    Equals ``sklearn.metrics.accuracy_score`` on indicator matrices. With
    ``ignore_missing``, a row counts as right when all its known labels are, and
    rows with no known label are left out.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    score : float

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import exact_match_score
    >>> exact_match_score([[1, 0], [0, 1]], [[1, 0], [1, 1]])
    0.5
    """
    Y, P, known = _pair(y_true, y_pred, ignore_missing)
    if known.all():
        return float(skm.accuracy_score(Y, P, sample_weight=sample_weight))
    rows = known.any(axis=1)
    right = np.all((Y == P) | ~known, axis=1)
    w = _check_sample_weight(sample_weight, Y, dtype=np.float64)
    return float(np.average(right[rows], weights=w[rows]))


@validate_params({**_COMMON, "y_pred": _ARRAY}, prefer_skip_nested_validation=True)
@_doc
def hamming_loss(y_true, y_pred, *, sample_weight=None, ignore_missing=False):
    """Share of (row, label) entries predicted wrong; lower is better.

    Wraps ``sklearn.metrics.hamming_loss``. With ``ignore_missing``, the share is
    taken over known entries only.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    loss : float

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import hamming_loss
    >>> hamming_loss([[1, 0], [0, 1]], [[1, 0], [1, 1]])
    0.25
    """
    Y, P, known = _pair(y_true, y_pred, ignore_missing)
    if known.all():
        return float(skm.hamming_loss(Y, P, sample_weight=sample_weight))
    w = _check_sample_weight(sample_weight, Y, dtype=np.float64)[:, None] * known
    return float(np.sum(w * (Y != P)) / np.sum(w))


@validate_params({**_COMMON, "y_pred": _ARRAY}, prefer_skip_nested_validation=True)
@_doc
def hamming_score(y_true, y_pred, *, sample_weight=None, ignore_missing=False):
    """``1 - hamming_loss``: share of (row, label) entries predicted right.

    Parameters
    ----------
    {prediction_params}

    Returns
    -------
    score : float

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import hamming_score
    >>> hamming_score([[1, 0], [0, 1]], [[1, 0], [1, 1]])
    0.75
    """
    return 1.0 - hamming_loss(
        y_true, y_pred, sample_weight=sample_weight, ignore_missing=ignore_missing
    )


@validate_params(
    {
        **_COMMON,
        "y_pred": _ARRAY,
        "zero_division": [Interval(Real, 0, 1, closed="both"), StrOptions({"warn"})],
    },
    prefer_skip_nested_validation=True,
)
@_doc
def per_label_f1_score(
    y_true, y_pred, *, sample_weight=None, ignore_missing=False, zero_division=0.0
):
    """F1 of each label separately (``f1_score(..., average=None)``).

    Parameters
    ----------
    {prediction_params}
        Here each label's F1 is computed on the rows where that label is known.
    zero_division : float or "warn", default=0.0
        F1 of a label that is never positive in ``y_true`` nor ``y_pred``.

    Returns
    -------
    f1 : ndarray of shape (n_labels,)
        With one label, ``[f1_score(y_true, y_pred)]``: the F1 of the class 1,
        not one F1 per class as ``f1_score(..., average=None)`` gives on a binary
        target.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import per_label_f1_score
    >>> per_label_f1_score([[1, 0], [0, 1]], [[1, 0], [1, 1]])
    array([0.66666667, 1.        ])
    """
    Y, P, known = _pair(y_true, y_pred, ignore_missing)
    w = _check_sample_weight(sample_weight, Y, dtype=np.float64)
    if known.all():
        return label_averaged(
            skm.f1_score,
            Y,
            P,
            average=None,
            sample_weight=sample_weight,
            zero_division=zero_division,
        )
    return np.array(
        [
            skm.f1_score(
                Y[known[:, j], j],
                P[known[:, j], j],
                sample_weight=w[known[:, j]],
                zero_division=zero_division,
                labels=[0, 1],
                pos_label=1,
            )
            for j in range(Y.shape[1])
        ]
    )


@validate_params(
    {
        **_COMMON,
        "y_proba": ["array-like", "sparse matrix", list],
        "eps": [Interval(Real, 0, 0.5, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def mean_binary_cross_entropy(
    y_true, y_proba, *, sample_weight=None, ignore_missing=False, eps=1e-15
):
    """Mean over labels of each label's binary cross-entropy (log loss).

    This is the multi-label loss the network minimises. It differs from
    ``sklearn.metrics.log_loss`` on indicator matrices, which sums
    ``-y * log(p)`` over the labels present in a row and so ignores the negative
    labels: a model that predicts every label with probability 0.999 gets about
    0.0015 from ``log_loss`` but about 3.5 here when half the entries are 0.

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels)
    y_proba : array-like of shape (n_samples, n_labels), or list of (n_samples, 2)
        ``P(label = 1)``; the per-label list of ``MultiOutputClassifier`` is accepted.
    sample_weight : array-like of shape (n_samples,), default=None
    ignore_missing : bool, default=False
    eps : float, default=1e-15
        Probabilities are clipped to ``[eps, 1 - eps]``.

    Returns
    -------
    loss : float

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import mean_binary_cross_entropy
    >>> round(mean_binary_cross_entropy([[1, 0]], [[0.5, 0.5]]), 4)
    0.6931
    """
    Y, P, known = _pair(y_true, y_proba, ignore_missing, "y_proba", proba=True)
    P = np.clip(P, eps, 1 - eps)
    terms = -(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    w = _check_sample_weight(sample_weight, Y, dtype=np.float64)[:, None] * known
    return float(np.sum(w * terms) / np.sum(w))


def _ranking(fn, doc_name):
    @validate_params(
        {
            "y_true": _ARRAY,
            "y_score": ["array-like", list],
            "sample_weight": ["array-like", None],
        },
        prefer_skip_nested_validation=True,
    )
    def metric(y_true, y_score, *, sample_weight=None):
        Y = check_indicator(y_true, "y_true")
        S = proba_to_matrix(y_score, Y.shape[1])
        return float(fn(*pad_one_label(Y, S), sample_weight=sample_weight))

    metric.__name__ = fn.__name__
    metric.__doc__ = (
        f"{doc_name} (wraps ``sklearn.metrics.{fn.__name__}``).\n\n"
        "Parameters\n----------\n"
        "y_true : array-like or sparse matrix of shape (n_samples, n_labels)\n"
        "y_score : array-like of shape (n_samples, n_labels), or list of (n_samples, 2)\n"
        "    Scores or probabilities; the per-label list format is accepted.\n"
        "sample_weight : array-like of shape (n_samples,), default=None\n\n"
        "Returns\n-------\nvalue : float\n"
    )
    return metric


label_ranking_average_precision_score = _ranking(
    skm.label_ranking_average_precision_score,
    "Label ranking average precision (LRAP), higher is better",
)
label_ranking_loss = _ranking(
    skm.label_ranking_loss, "Label ranking loss, lower is better"
)
coverage_error = _ranking(skm.coverage_error, "Coverage error, lower is better")

"""The per-label (multi-label) and per-output (multi-class outputs) score panels.

Each report is a DataFrame, or its text rendering: one row per label or
output, then the aggregate rows.
"""

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.utils._param_validation import StrOptions, validate_params

from .._proba import proba_to_matrix
from .._targets import check_indicator
from ._averaging import label_averaged
from ._multioutput import (
    _pairs,
    multioutput_exact_match,
    per_output_accuracy,
    per_output_f1_score,
)
from ._output_log_loss import _class_arrays, per_output_log_loss

__all__ = ["multilabel_report", "multioutput_report"]

_PER_LABEL_COLUMNS = [
    "precision",
    "recall",
    "f1",
    "support",
    "positive_rate",
    "predicted_rate",
]


@validate_params(
    {
        "y_true": ["array-like", "sparse matrix"],
        "y_pred": ["array-like", "sparse matrix"],
        "y_proba": ["array-like", list, None],
        "label_names": ["array-like", None],
        "output": [StrOptions({"frame", "text"})],
    },
    prefer_skip_nested_validation=True,
)
def multilabel_report(
    y_true, y_pred, y_proba=None, label_names=None, *, output="frame"
):
    """Per-label and aggregate multi-label scores in one table.

    Parameters
    ----------
    y_true, y_pred : array-like or sparse matrix of shape (n_samples, n_labels)
        True and predicted 0/1 labels; a 1-D 0/1 vector is one label.
    y_proba : array-like of shape (n_samples, n_labels), list of arrays, or None
        ``P(label = 1)``; adds ROC AUC and average precision per label (NaN for a
        label with a single class in ``y_true``) and their macro average.
    label_names : array-like of shape (n_labels,), default=None
        Row names; DataFrame columns of ``y_true`` or label indices otherwise.
    output : {"frame", "text"}, default="frame"
        Return the DataFrame, or its readable text rendering.

    Returns
    -------
    report : pandas.DataFrame or str
        One row per label (precision, recall, f1, support = true positives count,
        positive_rate in ``y_true``, predicted_rate, and roc_auc /
        average_precision with probabilities), then the rows ``"micro avg"``,
        ``"macro avg"``, ``"samples avg"``, and ``"hamming loss"`` and ``"exact
        match"`` whose single figure is in the ``value`` column.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import multilabel_report
    >>> report = multilabel_report([[1, 0], [0, 1]], [[1, 0], [1, 1]], label_names=["a", "b"])
    >>> float(report.loc["exact match", "value"])
    0.5
    """
    names = _names(y_true, label_names)
    Y = check_indicator(y_true, "y_true")
    P = check_indicator(y_pred, "y_pred")
    if P.shape != Y.shape:
        raise ValueError(f"y_true has shape {Y.shape} but y_pred has shape {P.shape}.")
    if len(names) != Y.shape[1]:
        raise ValueError(f"label_names has {len(names)} names for {Y.shape[1]} labels.")
    prec, rec, f1, support = _prfs(Y, P, None)
    frame = pd.DataFrame(
        {
            "precision": prec,
            "recall": rec,
            "f1": f1,
            "support": support,
            "positive_rate": Y.mean(axis=0),
            "predicted_rate": P.mean(axis=0),
        },
        index=pd.Index([str(n) for n in names], name="label"),
    )
    if y_proba is not None:
        S = proba_to_matrix(y_proba, Y.shape[1])
        frame["roc_auc"] = [
            _safe(skm.roc_auc_score, Y[:, j], S[:, j]) for j in range(Y.shape[1])
        ]
        frame["average_precision"] = [
            _safe(skm.average_precision_score, Y[:, j], S[:, j])
            if Y[:, j].any()
            else np.nan
            for j in range(Y.shape[1])
        ]
    aggregates = []
    for average in ("micro", "macro", "samples"):
        p, r, f, _ = _prfs(Y, P, average)
        row = {"precision": p, "recall": r, "f1": f, "support": int(support.sum())}
        if y_proba is not None and average == "macro":
            row["roc_auc"] = (
                np.nanmean(frame["roc_auc"])
                if frame["roc_auc"].notna().any()
                else np.nan
            )
            row["average_precision"] = (
                np.nanmean(frame["average_precision"])
                if frame["average_precision"].notna().any()
                else np.nan
            )
        aggregates.append(pd.Series(row, name=f"{average} avg"))
    aggregates.append(pd.Series({"value": skm.hamming_loss(Y, P)}, name="hamming loss"))
    aggregates.append(
        pd.Series({"value": skm.accuracy_score(Y, P)}, name="exact match")
    )
    report = pd.concat([frame, pd.DataFrame(aggregates)])
    report.index.name = "label"
    report["support"] = report["support"].astype("Int64")
    return _render(report, len(names)) if output == "text" else report


def _prfs(Y, P, average):
    return label_averaged(
        skm.precision_recall_fscore_support, Y, P, average=average, zero_division=0.0
    )


def _names(y_true, label_names):
    if label_names is not None:
        return list(label_names)
    if hasattr(y_true, "columns"):
        return list(y_true.columns)
    return list(range(np.shape(y_true)[1] if np.ndim(y_true) == 2 else 1))


def _safe(fn, y, s):
    return fn(y, s) if y.min() != y.max() else np.nan


def _render(report, n_labels):
    table = report.drop(columns="value").iloc[: n_labels + 3]
    text = table.to_string(float_format=lambda v: f"{v:.3f}", na_rep="")
    return (
        f"{text}\n\n"
        f"hamming loss  {report.loc['hamming loss', 'value']:.4f}\n"
        f"exact match   {report.loc['exact match', 'value']:.4f}\n"
    )


@validate_params(
    {
        "y_true": ["array-like", "sparse matrix"],
        "y_pred": ["array-like", "sparse matrix"],
        "proba": [list, tuple, "array-like", None],
        "classes": [list, tuple, "array-like", None],
        "output_names": ["array-like", None],
        "output": [StrOptions({"frame", "text"})],
    },
    prefer_skip_nested_validation=True,
)
def multioutput_report(
    y_true, y_pred, proba=None, *, classes=None, output_names=None, output="frame"
):
    """Per-output and aggregate scores for outputs with more than two classes.

    The report of scikit-learn's ``multiclass-multioutput`` targets, whose
    scorers refuse them: each output's accuracy and macro-F1 (and log loss with
    probabilities), then their means and the exact match over rows. Unknown
    entries of ``y_true`` (``None``, NaN, ``pd.NA``) are left out.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_outputs) or (n_samples,)
        True class of each output, of any dtype (strings, integers, a pandas
        DataFrame or categorical); a 1-D vector is one output.
    y_pred : array-like of the same shape as ``y_true``
        Predicted classes, with no unknown entry.
    proba : list of n_outputs arrays of shape (n_samples, n_classes_j), default=None
        Class probabilities per output (a multi-output ``predict_proba``; one
        array for one output); adds the ``log_loss`` column. Needs ``classes``.
    classes : list of n_outputs arrays, default=None
        The estimator's ``classes_``: the classes of ``proba``'s columns. With
        it, ``n_classes`` counts them; without, the classes seen in ``y_true``
        and ``y_pred``.
    output_names : array-like of shape (n_outputs,), default=None
        Row names; DataFrame columns of ``y_true`` or output indices otherwise.
    output : {"frame", "text"}, default="frame"
        Return the DataFrame, or its readable text rendering.

    Returns
    -------
    report : pandas.DataFrame or str
        One row per output (accuracy, macro_f1, log_loss with probabilities,
        n_classes, support = known entries of ``y_true``), then the row
        ``"mean"`` (means over outputs, total support) and the row ``"exact
        match"`` whose single figure is in the ``value`` column.

    See Also
    --------
    multilabel_report : The report of 0/1 labels.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import multioutput_report
    >>> y_true = [["stable", 0], ["alert", 1]]
    >>> report = multioutput_report(y_true, [["stable", 0], ["alert", 2]])
    >>> report["accuracy"].tolist()[:3]
    [1.0, 0.5, 0.75]
    >>> float(report.loc["exact match", "value"])
    0.5
    """
    pairs, _ = _pairs(y_true, y_pred, None)
    names = _names(y_true, output_names)
    if len(names) != len(pairs):
        raise ValueError(
            f"output_names has {len(names)} names for {len(pairs)} outputs."
        )
    if proba is not None and classes is None:
        raise ValueError(
            "proba needs classes: pass classes=estimator.classes_, the classes "
            "that proba's columns stand for."
        )
    frame = pd.DataFrame(
        {
            "accuracy": per_output_accuracy(y_true, y_pred),
            "macro_f1": per_output_f1_score(y_true, y_pred),
        },
        index=pd.Index([str(n) for n in names], name="output"),
    )
    if proba is not None:
        frame["log_loss"] = per_output_log_loss(y_true, proba, classes=classes)
    if classes is not None:
        frame["n_classes"] = [len(c) for c in _class_arrays(classes, len(pairs))]
    else:
        frame["n_classes"] = [len(np.unique(np.concatenate(tp[1:]))) for tp in pairs]
    frame["support"] = [int(rows.sum()) for rows, _, _ in pairs]
    means = frame.drop(columns=["n_classes", "support"]).mean()
    mean = pd.Series({**means, "support": frame["support"].sum()}, name="mean")
    exact = pd.Series(
        {"value": multioutput_exact_match(y_true, y_pred)}, name="exact match"
    )
    report = pd.concat([frame, pd.DataFrame([mean, exact])])
    report.index.name = "output"
    report[["n_classes", "support"]] = report[["n_classes", "support"]].astype("Int64")
    return _render_outputs(report) if output == "text" else report


def _render_outputs(report):
    table = report.drop(columns="value").iloc[:-1]
    text = table.to_string(float_format=lambda v: f"{v:.3f}", na_rep="")
    return f"{text}\n\nexact match  {report.loc['exact match', 'value']:.4f}\n"

"""multilabel_report: the per-label and aggregate panel as a DataFrame or text."""

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.utils._param_validation import StrOptions, validate_params

from .._targets import check_indicator, proba_to_matrix
from ._averaging import label_averaged

__all__ = ["multilabel_report"]

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

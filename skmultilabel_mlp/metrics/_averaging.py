"""scikit-learn's label-wise metrics on indicator matrices, one label included.

scikit-learn reads a one-column indicator matrix, like a 1-D 0/1 vector, as a
binary target (``type_of_target`` says ``"binary"`` for both): ``average=None``
then gives one score per class (two for one label), ``"macro"`` averages the
F1 of the classes 0 and 1, and ``"samples"`` and the ranking metrics raise. In
this package both are one label whose positive class is 1, so every score
equals what scikit-learn gives on an indicator matrix with more columns,
restricted to that label: macro, micro and weighted averages are the label's
own binary score (``f1_score(y, p)``, scikit-learn's ``average="binary"``), and
samplewise averages are taken over rows.
"""

from functools import partial

import numpy as np
from sklearn import metrics as skm

__all__ = [
    "average_precision",
    "label_averaged",
    "pad_one_label",
    "per_label_metric",
    "roc_auc",
]


def pad_one_label(Y, S):
    """``(Y, S)`` with a never-true label scored below all others when Y has one column.

    Such a label adds no count, rank or pair to any row, so samplewise and
    ranking metrics are unchanged by it, and scikit-learn then reads the
    target as multi-label.
    """
    if Y.shape[1] != 1:
        return Y, S
    low = np.min(S) - 1 if np.issubdtype(S.dtype, np.floating) else 0
    return (
        np.hstack([Y, np.zeros_like(Y)]),
        np.hstack([S, np.full_like(S, low)]),
    )


def label_averaged(metric, Y, P, *, average, sample_weight=None, **kwargs):
    """``metric(Y, P, average=average)`` of scikit-learn; one column is one label.

    ``metric`` is a set-wise classification metric (``f1_score``,
    ``precision_recall_fscore_support``, ``jaccard_score``, ...); ``average=None``
    gives one value per label.
    """
    if Y.shape[1] == 1:
        if average == "samples":
            Y, P = pad_one_label(Y, P)
        else:
            # the one label is the class 1, as in average="binary"
            Y, P, kwargs = Y[:, 0], P[:, 0], {**kwargs, "labels": [1]}
    return metric(Y, P, average=average, sample_weight=sample_weight, **kwargs)


def _defined_average(metric, Y, P, defined, average, sample_weight):
    """``metric`` averaged over the labels where it is defined; NaN if none is."""
    if average in ("micro", "samples"):
        # scikit-learn's own result; with one label it is the label's score
        return metric(Y, P, average=average, sample_weight=sample_weight)
    defined = defined.nonzero()[0]
    if defined.size == 0:
        return np.nan
    per_label = np.atleast_1d(
        metric(Y[:, defined], P[:, defined], average=None, sample_weight=sample_weight)
    )
    weights = Y[:, defined].sum(axis=0) if average == "weighted" else None
    return float(np.average(per_label, weights=weights))


def roc_auc(Y, P, average="macro", sample_weight=None):
    """ROC AUC averaged over the labels where it is defined (both classes present)."""
    defined = Y.min(axis=0) != Y.max(axis=0)
    return _defined_average(skm.roc_auc_score, Y, P, defined, average, sample_weight)


def average_precision(Y, P, average="macro", sample_weight=None):
    """Average precision over the labels where it is defined (a positive present)."""
    defined = Y.max(axis=0) > 0
    return _defined_average(
        skm.average_precision_score, Y, P, defined, average, sample_weight
    )


def _binary(y, p, sample_weight=None, metric=skm.f1_score):
    return metric(y, p, sample_weight=sample_weight, zero_division=0.0, labels=[0, 1])


def per_label_metric(kind):
    """``(metric(y, p, sample_weight=None), response)`` of one label's column."""
    if kind == "roc_auc":

        def auc(y, p, sample_weight=None):
            if y.min() == y.max():
                return np.nan  # undefined with one class in y_true
            return skm.roc_auc_score(y, p, sample_weight=sample_weight)

        return auc, "predict_proba"
    if kind == "average_precision":

        def ap(y, p, sample_weight=None):
            if y.max() == 0:
                return np.nan
            return skm.average_precision_score(y, p, sample_weight=sample_weight)

        return ap, "predict_proba"
    fn = {
        "f1": skm.f1_score,
        "precision": skm.precision_score,
        "recall": skm.recall_score,
    }
    return partial(_binary, metric=fn[kind]), "predict"

"""Metrics, scorers and threshold tuning never modify the caller's y."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.neighbors import KNeighborsClassifier

from skmultilabel_mlp import metrics as m
from skmultilabel_mlp.thresholds import (
    TunedThresholdMultiLabelClassifier,
    tune_thresholds,
)


def messy_csr(Y, dtype):
    """Y as CSR with unsorted column indices and an explicit zero in every row.

    The explicit zero comes first, so sorting the indices or dropping the zero
    in place (on the caller's arrays) shows in ``data``, ``indices`` or ``indptr``.
    """
    data, indices, indptr = [], [], [0]
    for row in Y:
        zero = np.flatnonzero(row == 0)[:1]
        cols = np.r_[zero, np.flatnonzero(row)[::-1]]
        indices.extend(cols)
        data.extend([0] * zero.size + [1] * (cols.size - zero.size))
        indptr.append(len(indices))
    out = sp.csr_matrix(
        (np.array(data, dtype), np.array(indices), np.array(indptr)), shape=Y.shape
    )
    assert not out.has_canonical_format
    return out


def _same(a, b):
    if sp.issparse(a):
        return all(
            np.array_equal(getattr(a, k), getattr(b, k))
            for k in ("data", "indices", "indptr")
        ) and (a.dtype, a.shape) == (b.dtype, b.shape)
    return np.array_equal(a, b, equal_nan=True) and a.dtype == b.dtype


@pytest.fixture(scope="module")
def knn_fit(multilabel_data):
    """A fitted k-NN and its outputs; read-only, never refit it."""
    X, Y = multilabel_data
    knn = KNeighborsClassifier(n_neighbors=5).fit(X, Y)
    proba = np.column_stack([p[:, 1] for p in knn.predict_proba(X)])
    return X, Y, knn, knn.predict(X), proba


# name -> (call(X, y, fitted k-NN, its predictions, its probabilities), takes NaN)
CALLS = {
    "hamming_loss": (
        lambda X, y, est, pred, P: m.hamming_loss(y, pred, ignore_missing=True),
        True,
    ),
    "per_label_f1_score": (
        lambda X, y, est, pred, P: m.per_label_f1_score(y, pred, ignore_missing=True),
        True,
    ),
    "mean_bce": (
        lambda X, y, est, pred, P: m.mean_binary_cross_entropy(
            y, P, ignore_missing=True
        ),
        True,
    ),
    "report": (lambda X, y, est, pred, P: m.multilabel_report(y, pred, P), False),
    "coverage_error": (lambda X, y, est, pred, P: m.coverage_error(y, P), False),
    "scoring_panel": (
        lambda X, y, est, pred, P: m.multilabel_scoring()(est, X, y),
        False,
    ),
    "tune_thresholds": (
        lambda X, y, est, pred, P: tune_thresholds(y, P, min_positives=1),
        True,
    ),
    "tuned_classifier": (
        lambda X, y, est, pred, P: TunedThresholdMultiLabelClassifier(
            KNeighborsClassifier(), cv=2, random_state=0
        ).fit(X, y),
        False,
    ),
}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("kind", [np.float64, np.int64, np.float32, "dense"])
def test_callers_y_is_left_unchanged(knn_fit, call, kind):
    X, Y, knn, pred, proba = knn_fit
    fn, takes_nan = CALLS[call]
    if kind == "dense":
        y = Y.astype(np.float64)  # the dtype the metrics compute in
        if takes_nan:
            y[::7, 1] = np.nan  # unknown entries
    else:
        y = messy_csr(Y, kind)
    before = copy.deepcopy(y)
    fn(X, y, knn, pred, proba)
    assert _same(y, before)

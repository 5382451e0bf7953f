"""tune_thresholds: the threshold(s) that maximise a metric of given probabilities.

Pure NumPy and scikit-learn (no estimator, no Keras). For the count-based
metrics every candidate threshold of a label is scored at once from cumulative
confusion counts; other metrics are called once per candidate.
"""

from functools import partial
from numbers import Integral

import numpy as np
from sklearn import metrics as skm
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import _check_sample_weight, assert_all_finite

from ._targets import check_indicator, proba_to_matrix
from .metrics._averaging import label_averaged

__all__ = ["tune_thresholds"]

# Metrics computed from per-candidate confusion counts (vectorised over thresholds).
_COUNT_METRICS = {"f1", "jaccard", "accuracy", "balanced_accuracy", "mcc"}
# Metrics that only make sense on the whole (n_samples, n_labels) matrix.
_MATRIX_METRICS = {"f1_macro", "f1_samples", "exact_match"}


def _from_counts(name, tp, fp, fn, tn):
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "f1":
            out = 2 * tp / (2 * tp + fp + fn)
        elif name == "jaccard":
            out = tp / (tp + fp + fn)
        elif name == "accuracy":
            out = (tp + tn) / (tp + fp + fn + tn)
        elif name == "balanced_accuracy":
            out = 0.5 * (tp / (tp + fn) + tn / (tn + fp))
        else:  # mcc
            den = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
            out = (tp * tn - fp * fn) / den
    return np.nan_to_num(out, nan=0.0)


def _candidates(p, max_candidates):
    """Midpoints between distinct probabilities, plus 0 (all) and 1 (none)."""
    values = np.unique(p)
    if values.size > max_candidates:
        values = np.unique(np.quantile(values, np.linspace(0, 1, max_candidates)))
    mids = (values[1:] + values[:-1]) / 2
    return np.concatenate([[0.0], mids, [1.0]])


def _count_scores(y, p, w, cands, name):
    """Score of every candidate threshold for one binary column, from counts."""
    order = np.argsort(p, kind="stable")
    p, y, w = p[order], y[order], w[order]
    pos_from = np.concatenate([np.cumsum((w * y)[::-1])[::-1], [0.0]])
    all_from = np.concatenate([np.cumsum(w[::-1])[::-1], [0.0]])
    k = np.searchsorted(p, cands, side="left")  # rows k.. have p >= threshold
    tp = pos_from[k]
    fp = all_from[k] - tp
    fn = pos_from[0] - tp
    tn = (all_from[0] - pos_from[0]) - fp
    return _from_counts(name, tp, fp, fn, tn)


def _best(cands, scores):
    """Best candidate; ties go to the one closest to 0.5 (the untuned default)."""
    best = np.flatnonzero(scores >= scores.max() - 1e-12)
    return float(cands[best[np.argmin(np.abs(cands[best] - 0.5))]])


def _matrix_metric(name):
    if name == "exact_match":
        return skm.accuracy_score
    average = name.split("_")[1]  # one column is one label, not two classes
    return partial(label_averaged, skm.f1_score, average=average, zero_division=0.0)


@validate_params(
    {
        "y_true": ["array-like", "sparse matrix"],
        "y_proba": ["array-like", list],
        "metric": [StrOptions(_COUNT_METRICS | _MATRIX_METRICS), callable],
        "per_label": ["boolean"],
        "sample_weight": ["array-like", None],
        "max_candidates": [Interval(Integral, 2, None, closed="left")],
        "min_positives": [Interval(Integral, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def tune_thresholds(
    y_true,
    y_proba,
    metric="f1",
    per_label=True,
    *,
    sample_weight=None,
    max_candidates=256,
    min_positives=5,
):
    """Thresholds that maximise a metric of ``(y_proba >= threshold)``.

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels)
        True 0/1 labels; NaN entries (unknown) are left out. A 1-D 0/1 vector is
        one label.
    y_proba : array-like of shape (n_samples, n_labels), or list of (n_samples, 2)
        Probabilities in [0, 1], ideally out-of-fold (tuning on training-set
        probabilities overfits).
    metric : {"f1", "jaccard", "accuracy", "balanced_accuracy", "mcc", \
"f1_macro", "f1_samples", "exact_match"} or callable, default="f1"
        What to maximise. With ``per_label=True`` it is computed on each label's
        column (a callable gets 1-D ``y_true, y_pred``); with ``per_label=False``
        on the whole matrix ("f1", "jaccard" and "accuracy" then mean the micro
        average over all entries, i.e. micro-F1 and 1 - Hamming loss; a callable
        gets the 2-D arrays). "f1_macro", "f1_samples" and "exact_match" need
        ``per_label=False``. A callable is not given ``sample_weight``.
    per_label : bool, default=True
        One threshold per label, or a single global threshold.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative row weights of the metric.
    max_candidates : int, default=256
        Candidate thresholds are the midpoints between distinct probabilities,
        thinned to this many quantiles on large data.
    min_positives : int, default=5
        With ``per_label=True``, a label with fewer known positive rows keeps the
        untuned 0.5: a threshold fitted to one or two positives is noise, and on
        medical and genbase it cost more than it gained (see the comparison).

    Returns
    -------
    thresholds : ndarray of shape (n_labels,), or float when ``per_label=False``
        Predict a label when its probability is ``>=`` its threshold. Among equally
        good thresholds the one closest to 0.5 is kept.

    Examples
    --------
    >>> from skmultilabel_mlp.thresholds import tune_thresholds
    >>> tune_thresholds([[1, 0], [1, 1], [0, 0]], [[.3, .2], [.4, .9], [.1, .6]],
    ...                 min_positives=1)
    array([0.2 , 0.75])
    """
    Y = check_indicator(y_true, "y_true", allow_missing=True, dtype=np.float64)
    P = _check_proba(y_proba, Y)
    # a negative weight would reward wrong predictions
    w = _check_sample_weight(
        sample_weight, Y, dtype=np.float64, ensure_non_negative=True
    )
    known = ~np.isnan(Y)
    if isinstance(metric, str) and metric in _MATRIX_METRICS and per_label:
        raise ValueError(
            f"metric={metric!r} scores the whole label matrix; use per_label=False, "
            "or a per-label metric such as 'f1'."
        )
    if per_label:
        positives = np.where(known, Y, 0).sum(axis=0)
        return np.array(
            [
                _tune_column(
                    Y[known[:, j], j],
                    P[known[:, j], j],
                    w[known[:, j]],
                    metric,
                    max_candidates,
                )
                if positives[j] >= min_positives
                else 0.5
                for j in range(Y.shape[1])
            ]
        )
    if isinstance(metric, str) and metric in _COUNT_METRICS:
        ww = np.broadcast_to(w[:, None], Y.shape)
        return _tune_column(Y[known], P[known], ww[known], metric, max_candidates)
    if not known.all():
        raise ValueError(
            "y_true has NaN; a whole-matrix metric needs fully known labels."
        )
    if isinstance(metric, str):
        fn = partial(_matrix_metric(metric), sample_weight=w)
    else:
        fn = metric
    cands = _candidates(P.ravel(), max_candidates)
    scores = np.array([fn(Y.astype(int), (P >= t).astype(int)) for t in cands])
    return _best(cands, scores)


def _check_proba(y_proba, Y):
    P = proba_to_matrix(y_proba, Y.shape[1])
    if P.shape != Y.shape:
        raise ValueError(f"y_true has shape {Y.shape} but y_proba has shape {P.shape}.")
    assert_all_finite(P, input_name="y_proba")
    if P.min() < 0 or P.max() > 1:
        raise ValueError(
            f"y_proba must hold probabilities in [0, 1], got values from {P.min():g} "
            f"to {P.max():g}; pass the output of predict_proba, not of "
            "decision_function."
        )
    return P


def _tune_column(y, p, w, metric, max_candidates):
    cands = _candidates(p, max_candidates)
    if isinstance(metric, str):
        scores = _count_scores(y, p, w, cands, metric)
    else:
        scores = np.array([metric(y.astype(int), (p >= t).astype(int)) for t in cands])
    return _best(cands, np.asarray(scores, dtype=float))

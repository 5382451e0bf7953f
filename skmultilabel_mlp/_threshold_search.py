"""tune_thresholds: the threshold(s) that maximise a metric of given probabilities.

Pure NumPy and scikit-learn (no estimator, no Keras). Every count-based score
is computed for all candidate thresholds of a label at once from cumulative
confusion counts (``_threshold_counts``); a callable is called once per
candidate.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import _check_sample_weight, assert_all_finite

from ._proba import proba_to_matrix
from ._targets import check_indicator
from ._threshold_counts import (
    ascent_micro_f1,
    ascent_rows,
    best,
    candidates,
    count_scores,
    row_scores,
)

__all__ = ["common_threshold", "shrink", "tune_thresholds"]

# Label-wise metrics: a score of one label's column, from its confusion counts.
_COUNT_METRICS = {"f1", "jaccard", "accuracy", "balanced_accuracy", "mcc"}
# Metrics of the whole (n_samples, n_labels) matrix.
_MATRIX_METRICS = {
    "f1_micro",
    "f1_macro",
    "f1_samples",
    "jaccard_samples",
    "hamming_loss",
    "exact_match",
}
# whole-matrix metrics that are a mean over labels of a label-wise one
_SEPARABLE = {"f1_macro": "f1", "hamming_loss": "accuracy"}
_ROW_METRICS = {"f1_samples", "jaccard_samples", "exact_match"}

# plotting scores the candidates of one label with it
_count_scores = count_scores


@validate_params(
    {
        "y_true": ["array-like", "sparse matrix"],
        "y_proba": ["array-like", list],
        "metric": [StrOptions(_COUNT_METRICS | _MATRIX_METRICS), callable],
        "per_label": ["boolean"],
        "sample_weight": ["array-like", None],
        "max_candidates": [Interval(Integral, 2, None, closed="left")],
        "min_positives": [Interval(Integral, 0, None, closed="left")],
        "shrinkage": [Interval(Real, 0, None, closed="left"), None],
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
    shrinkage=None,
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
"f1_micro", "f1_macro", "f1_samples", "jaccard_samples", "hamming_loss", \
"exact_match"} or callable, default="f1"
        What to maximise (``"hamming_loss"``: minimise).

        - The whole-matrix metrics ("f1_micro" ... "exact_match") mean what
          scikit-learn means on an indicator matrix (``zero_division=0``),
          with either rule. Per-label thresholds maximise the metric itself:
          each label's own F1 for "f1_macro", its accuracy for
          "hamming_loss"; for the others (not sums over labels) a coordinate
          ascent from the best single threshold, one label at a time with
          the rest fixed, that never lowers the score on these rows.
        - The label-wise metrics ("f1" ... "mcc", or a callable) score one
          label's column: with ``per_label=True`` each label maximises its
          own score (a callable gets 1-D ``y_true, y_pred``); with
          ``per_label=False`` they are computed on all entries pooled
          ("f1", "jaccard" and "accuracy" then mean micro-F1, micro-Jaccard
          and 1 - Hamming loss; a callable gets the 2-D arrays).

        A callable is not given ``sample_weight``; unknown (NaN) labels are
        refused by "f1_samples", "jaccard_samples", "exact_match" and a
        callable with ``per_label=False``.
    per_label : bool, default=True
        One threshold per label, or a single global threshold.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative row weights of the metric.
    max_candidates : int, default=256
        Candidate thresholds are the midpoints between distinct probabilities,
        thinned to this many quantiles on large data.
    min_positives : int, default=5
        With ``per_label=True``, a label with fewer known positive rows gets
        no threshold of its own: 0.5 when ``shrinkage=None`` and ``metric`` is
        label-wise (as in version 0.1), else the common threshold ``t0``
        (below; rows counted with their ``sample_weight``).
    shrinkage : float >= 0 or None, default=None
        With ``per_label=True``, each label's threshold moves from the best
        threshold common to all labels ``t0`` towards its own optimum ``t_j``
        by the share of evidence it has: ``t0 + n_pos / (n_pos + shrinkage)
        * (t_j - t0)``, ``n_pos`` its known positive rows (counted with their
        ``sample_weight``); with ``shrinkage=10`` a label with 1 positive
        moves 1/11 of the way, one with 200 positives 95%. ``t0`` is the
        ``per_label=False``
        threshold of a whole-matrix metric, and for a label-wise metric the
        one threshold that maximises its mean over labels. ``None``: no
        shrinkage, and with a label-wise metric the thresholds of version 0.1
        (labels below ``min_positives`` keep 0.5). Measured on eight MULAN
        data sets (``benchmarks/results/thresholds_rules.md``), shrinkage
        alone (k=30, the best on the training rows) still left forced
        per-label thresholds worse than one global threshold on 4 of 8 test
        splits for micro-F1; what kept them from backfiring is checking on
        held-out rows that they gain
        (:class:`TunedThresholdMultiLabelClassifier`'s
        ``threshold_rule="auto"``).

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
    if not per_label:
        return _pooled_threshold(Y, P, w, known, metric, max_candidates)
    if shrinkage is None and (callable(metric) or metric in _COUNT_METRICS):
        own = _own_thresholds(Y, P, w, known, metric, max_candidates)
        return np.where(np.where(known, Y, 0).sum(axis=0) < min_positives, 0.5, own)
    # weighted, so that an integer weight counts as that many repeated rows
    positives = np.where(known, Y, 0).T @ w
    few = positives < min_positives
    t0 = common_threshold(Y, P, metric, sample_weight=w, max_candidates=max_candidates)
    own = _per_label(Y, P, w, known, metric, t0, few, max_candidates)
    return shrink(own, t0, positives, shrinkage, min_positives)


def shrink(own, common, positives, shrinkage, min_positives=0):
    """``common + n_pos / (n_pos + shrinkage) * (own - common)`` per label;
    labels with fewer than ``min_positives`` positives get ``common``."""
    own = np.asarray(own, dtype=float)
    positives = np.asarray(positives, dtype=float)
    k = 0.0 if shrinkage is None else float(shrinkage)
    weight = np.divide(
        positives, positives + k, out=np.ones_like(own), where=positives + k > 0
    )
    weight[positives < min_positives] = 0.0
    return np.clip(common + weight * (own - common), 0.0, 1.0)


def common_threshold(Y, P, metric, *, sample_weight=None, max_candidates=256):
    """The one threshold for all labels that maximises ``metric``.

    For a whole-matrix metric, ``tune_thresholds(per_label=False)``'s; for a
    label-wise metric (or a callable of one column), the threshold that
    maximises its mean over labels. ``Y`` (NaN unknown) and ``P`` are checked
    ``(n_samples, n_labels)`` float arrays.
    """
    w = np.ones(Y.shape[0]) if sample_weight is None else np.asarray(sample_weight)
    known = ~np.isnan(Y)
    if isinstance(metric, str) and metric in _MATRIX_METRICS:
        return _pooled_threshold(Y, P, w, known, metric, max_candidates)
    cands = candidates(P[known], max_candidates)
    per_label = [
        _column_scores(Y[k, j], P[k, j], w[k], cands, metric)
        for j, k in enumerate(known.T)
    ]
    return best(cands, np.mean(per_label, axis=0))


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


def _column_scores(y, p, w, cands, metric):
    if isinstance(metric, str):
        return count_scores(y, p, w, cands, metric)
    return np.array(
        [metric(y.astype(int), (p >= t).astype(int)) for t in cands], dtype=float
    )


def _own_thresholds(Y, P, w, known, metric, max_candidates):
    """Each label's threshold maximising its own label-wise score."""
    out = []
    for j, k in enumerate(known.T):
        y, p = Y[k, j], P[k, j]
        cands = candidates(p, max_candidates)
        out.append(best(cands, _column_scores(y, p, w[k], cands, metric)))
    return np.array(out)


def _per_label(Y, P, w, known, metric, t0, few, max_candidates):
    """Per-label optima of ``metric`` before shrinkage (labels in ``few`` keep t0)."""
    label_metric = _SEPARABLE.get(metric, metric)
    if callable(label_metric) or label_metric in _COUNT_METRICS:
        own = _own_thresholds(Y, P, w, known, label_metric, max_candidates)
        return np.where(few, t0, own)
    start = np.full(Y.shape[1], t0)
    if metric == "f1_micro":
        return ascent_micro_f1(Y, P, w, known, start, few, max_candidates)
    _require_known(known, metric)
    return ascent_rows(Y, P, w, metric, start, few, max_candidates)


def _pooled_threshold(Y, P, w, known, metric, max_candidates):
    """The single threshold of ``per_label=False``."""
    pooled = {"f1_micro": "f1", "hamming_loss": "accuracy"}.get(metric, metric)
    if isinstance(pooled, str) and pooled in _COUNT_METRICS:
        ww = np.broadcast_to(w[:, None], Y.shape)
        cands = candidates(P[known], max_candidates)
        return best(cands, count_scores(Y[known], P[known], ww[known], cands, pooled))
    if metric == "f1_macro":
        return common_threshold(
            Y, P, "f1", sample_weight=w, max_candidates=max_candidates
        )
    _require_known(known, metric)
    cands = candidates(P.ravel(), max_candidates)
    if callable(metric):
        scores = [metric(Y.astype(int), (P >= t).astype(int)) for t in cands]
    else:
        scores = [_row_metric(Y, P >= t, w, metric) for t in cands]
    return best(cands, np.asarray(scores, dtype=float))


def _row_metric(Y, pred, w, name):
    Yb = Y.astype(bool)
    tp = (pred & Yb).sum(axis=1)
    fp = (pred & ~Yb).sum(axis=1)
    fn = (~pred & Yb).sum(axis=1)
    return w @ row_scores(name, tp, fp, fn) / (w.sum() if w.sum() > 0 else 1.0)


def _require_known(known, metric):
    if not known.all():
        name = metric if isinstance(metric, str) else "a callable metric"
        raise ValueError(
            f"y_true has NaN (unknown labels); {name} scores whole rows and needs "
            "fully known labels: use 'f1_micro', 'f1_macro', 'hamming_loss' or a "
            "label-wise metric."
        )

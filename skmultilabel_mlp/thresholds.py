"""Decision thresholds: tune them on probabilities, or wrap any estimator to do it.

:func:`tune_thresholds` is pure NumPy (no estimator, no Keras): given true labels
and probabilities it returns the threshold(s) that maximise a metric.
:class:`TunedThresholdMultiLabelClassifier` does the same on out-of-fold
probabilities of any estimator with ``predict_proba`` and refits it, so every
baseline can be tuned the same way for a fair comparison.
"""

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    _fit_context,
    clone,
)
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import check_is_fitted

from ._targets import check_indicator, encode_targets, proba_to_matrix
from ._utils import indicator_01, multilabel_classes
from .model_selection import MultilabelStratifiedKFold

__all__ = ["TunedThresholdMultiLabelClassifier", "tune_thresholds"]

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
    from sklearn import metrics as skm

    return {
        "f1_macro": lambda y, p: skm.f1_score(y, p, average="macro", zero_division=0.0),
        "f1_samples": lambda y, p: skm.f1_score(
            y, p, average="samples", zero_division=0.0
        ),
        "exact_match": skm.accuracy_score,
    }[name]


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
        True 0/1 labels; NaN entries (unknown) are left out.
    y_proba : array-like of shape (n_samples, n_labels), or list of (n_samples, 2)
        Probabilities, ideally out-of-fold (tuning on training-set probabilities
        overfits).
    metric : {"f1", "jaccard", "accuracy", "balanced_accuracy", "mcc", \
"f1_macro", "f1_samples", "exact_match"} or callable, default="f1"
        What to maximise. With ``per_label=True`` it is computed on each label's
        column (a callable gets 1-D ``y_true, y_pred``); with ``per_label=False``
        on the whole matrix ("f1", "jaccard" and "accuracy" then mean the micro
        average over all entries, i.e. micro-F1 and 1 - Hamming loss; a callable
        gets the 2-D arrays). "f1_macro", "f1_samples" and "exact_match" need
        ``per_label=False``.
    per_label : bool, default=True
        One threshold per label, or a single global threshold.
    sample_weight : array-like of shape (n_samples,), default=None
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
    P = proba_to_matrix(y_proba, Y.shape[1])
    if P.shape != Y.shape:
        raise ValueError(f"y_true has shape {Y.shape} but y_proba has shape {P.shape}.")
    w = (
        np.ones(Y.shape[0])
        if sample_weight is None
        else np.asarray(sample_weight, float)
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
    fn = _matrix_metric(metric) if isinstance(metric, str) else metric
    cands = _candidates(P.ravel(), max_candidates)
    scores = np.array([fn(Y.astype(int), (P >= t).astype(int)) for t in cands])
    return _best(cands, scores)


def _tune_column(y, p, w, metric, max_candidates):
    cands = _candidates(p, max_candidates)
    if isinstance(metric, str):
        scores = _count_scores(y, p, w, cands, metric)
    else:
        scores = np.array([metric(y.astype(int), (p >= t).astype(int)) for t in cands])
    return _best(cands, np.asarray(scores, dtype=float))


class TunedThresholdMultiLabelClassifier(
    ClassifierMixin, MultiOutputMixin, BaseEstimator
):
    """Tune per-label decision thresholds of any multi-label estimator by CV.

    ``fit`` collects out-of-fold probabilities of ``estimator`` (multilabel-
    stratified folds), picks the thresholds that maximise ``scoring`` with
    :func:`tune_thresholds`, then refits ``estimator`` on all rows. It works with
    any estimator that has ``predict_proba``: this package's classifier,
    ``ClassifierChain``, ``MultiOutputClassifier``, random forests, k-NN, ...
    (scikit-learn's ``TunedThresholdClassifierCV`` is binary only).

    Parameters
    ----------
    estimator : estimator with predict_proba
        The multi-label estimator to tune; it is cloned.
    scoring : str or callable, default="f1"
        The ``metric`` of :func:`tune_thresholds`.
    cv : int or cross-validation splitter, default=5
        An int gives :class:`~skmultilabel_mlp.model_selection.MultilabelStratifiedKFold`
        with shuffling.
    per_label : bool, default=True
        One threshold per label, or one global threshold.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds when ``cv`` is an int.
    min_positives : int, default=5
        Labels with fewer positive rows keep the threshold 0.5 (see
        :func:`tune_thresholds`).

    Attributes
    ----------
    estimator_ : estimator
        ``estimator`` refitted on all rows.
    thresholds_ : ndarray of shape (n_labels,)
        The tuned thresholds (all equal when ``per_label=False``).
    oof_proba_ : ndarray of shape (n_samples, n_labels)
        The out-of-fold probabilities the thresholds were tuned on.
    classes_ : list of ndarray
        ``[array([0, 1])] * n_labels``.
    label_names_ : ndarray of shape (n_labels,)
    n_labels_ : int

    See Also
    --------
    tune_thresholds : The tuning itself, on given probabilities.
    sklearn.model_selection.TunedThresholdClassifierCV : The binary version.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multioutput import ClassifierChain
    >>> from skmultilabel_mlp.thresholds import TunedThresholdMultiLabelClassifier
    >>> X, Y = make_multilabel_classification(n_samples=80, random_state=0)
    >>> tuned = TunedThresholdMultiLabelClassifier(
    ...     ClassifierChain(LogisticRegression(max_iter=500)), cv=3, random_state=0
    ... ).fit(X, Y)
    >>> tuned.thresholds_.shape
    (5,)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "scoring": [StrOptions(_COUNT_METRICS | _MATRIX_METRICS), callable],
        "cv": ["cv_object"],
        "per_label": ["boolean"],
        "random_state": ["random_state"],
        "min_positives": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        *,
        scoring="f1",
        cv=5,
        per_label=True,
        random_state=None,
        min_positives=5,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.cv = cv
        self.per_label = per_label
        self.random_state = random_state
        self.min_positives = min_positives

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Tune thresholds on out-of-fold probabilities, then refit on all rows.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : indicator matrix, DataFrame or sequence of label sets
        **fit_params : dict
            Passed to ``estimator.fit`` (e.g. ``sample_weight``).

        Returns
        -------
        self : TunedThresholdMultiLabelClassifier
        """
        targets = encode_targets(y)
        if targets.binary_classes is not None:
            raise ValueError(
                "y is 1-D (binary); use sklearn.model_selection.TunedThresholdClassifierCV "
                "or pass a 2-D (n_samples, 1) indicator."
            )
        Y = targets.Y
        oof = self._out_of_fold_proba(X, Y, fit_params)
        thresholds = tune_thresholds(
            Y,
            oof,
            metric=self.scoring,
            per_label=self.per_label,
            min_positives=self.min_positives,
        )
        self.thresholds_ = np.broadcast_to(thresholds, (Y.shape[1],)).astype(float)
        self.oof_proba_ = oof
        self.estimator_ = clone(self.estimator).fit(X, _y_for_base(Y), **fit_params)
        self.label_names_ = targets.label_names
        self.n_labels_ = Y.shape[1]
        self.classes_ = multilabel_classes(self.n_labels_)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def _out_of_fold_proba(self, X, Y, fit_params):
        from sklearn.model_selection import check_cv
        from sklearn.utils import _safe_indexing

        cv = self.cv
        if isinstance(cv, Integral):
            cv = MultilabelStratifiedKFold(
                n_splits=cv, shuffle=True, random_state=self.random_state
            )
        else:
            cv = check_cv(cv)
        oof = np.full(Y.shape, np.nan)
        for train, test in cv.split(X, indicator_01(Y)):
            est = clone(self.estimator).fit(
                _safe_indexing(X, train),
                _y_for_base(Y[train]),
                **_slice(fit_params, train),
            )
            oof[test] = proba_to_matrix(
                est.predict_proba(_safe_indexing(X, test)),
                Y.shape[1],
                getattr(est, "classes_", None),
            )
        if np.isnan(oof).any():
            raise ValueError("cv must give every row a test fold once (a partition).")
        return oof

    def predict_proba(self, X):
        """``P(label = 1)`` from the refitted estimator, shape (n_samples, n_labels)."""
        check_is_fitted(self)
        return proba_to_matrix(
            self.estimator_.predict_proba(X),
            self.n_labels_,
            getattr(self.estimator_, "classes_", None),
        )

    def predict(self, X):
        """``(predict_proba(X) >= thresholds_).astype(int)``, shape (n_samples, n_labels)."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


def _y_for_base(Y):
    # integer indicators for scikit-learn estimators; NaN (unknown) stays float
    return Y if np.isnan(Y).any() else Y.astype(int)


def _slice(fit_params, rows):
    return {
        k: (np.asarray(v)[rows] if np.ndim(v) and len(v) > max(rows) else v)
        for k, v in fit_params.items()
    }

"""Decision thresholds: tune them on probabilities, or wrap any estimator to do it.

:func:`tune_thresholds` is pure NumPy (no estimator, no Keras): given true labels
and probabilities it returns the threshold(s) that maximise a metric.
:class:`TunedThresholdMultiLabelClassifier` does the same on out-of-fold
probabilities of any estimator with ``predict_proba`` and refits it, so every
baseline can be tuned the same way for a fair comparison.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    _fit_context,
    clone,
)
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._multiclass import is_multiclass
from ._targets import encode_targets, proba_to_matrix
from ._threshold_search import _COUNT_METRICS, _MATRIX_METRICS, tune_thresholds

# plotting scores the candidates of one label with it
from ._threshold_search import _count_scores as _count_scores
from ._utils import indicator_01, multilabel_classes
from .model_selection import MultilabelStratifiedKFold

__all__ = ["TunedThresholdMultiLabelClassifier", "tune_thresholds"]


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
    classes_ : ndarray of shape (n_labels, 2)
        A ``[0, 1]`` row per label.
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
        y : indicator matrix, sparse matrix, DataFrame or sequence of label sets
            One column per label, also for one label (a 1-D y is refused). A
            sparse ``y`` reaches ``estimator`` as a dense integer matrix, as
            large as ``oof_proba_``. ``y`` itself is never modified.
        **fit_params : dict
            Passed to ``estimator.fit`` (e.g. ``sample_weight``).

        Returns
        -------
        self : TunedThresholdMultiLabelClassifier
        """
        if is_multiclass(y):
            raise ValueError(
                "y has outputs with their own classes (multiclass or "
                "multiclass-multioutput): thresholds apply to labels, and such "
                "outputs predict their most probable class; use the classifier "
                "without TunedThresholdMultiLabelClassifier."
            )
        targets = encode_targets(y)
        if targets.binary_classes is not None:
            raise ValueError(
                "y is 1-D (binary); use sklearn.model_selection.TunedThresholdClassifierCV "
                "or pass a 2-D (n_samples, 1) indicator."
            )
        # dense like the out-of-fold probabilities: most scikit-learn estimators
        # refuse a sparse y, and KNeighborsClassifier takes one but mispredicts
        Y = targets.Y.toarray() if sp.issparse(targets.Y) else targets.Y
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

"""cross_validate / cross_val_score with scikit-learn's signatures, folds stacked.

When the estimator is a ``MultiLabelMLPClassifier`` (or a Pipeline ending in
one) that its stacked engine can train, every fold's preprocessing is fitted as
scikit-learn would fit it, the classifier's own hook (``_fit_copies``) trains
all folds' networks in one computation, and the folds are scored and gathered
exactly as scikit-learn's ``cross_validate`` does (its ``error_score`` rules, its
warnings, its keys). Anything else goes to scikit-learn's own
``cross_validate``, unchanged.
"""

import numbers
import time
import traceback

import numpy as np
import scipy.sparse as sp
from sklearn import metrics as skm
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.model_selection._validation import (
    _aggregate_score_dicts,
    _insert_error_scores,
    _normalize_score_results,
    _score,
    _warn_or_raise_about_fit_failures,
)
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.validation import _check_method_params

from .._classifier import MultiLabelMLPClassifier
from .._multiclass import encode, is_multiclass
from .._utils import final_step, indicator_01
from ..metrics import get_scorer

__all__ = ["cross_val_score", "cross_validate"]


def _resolve_scoring(scoring, y=None):
    """Let the package's scorer names ("hamming_loss", "f1_label:x", ...) in too.

    For outputs with their own classes (a multiclass ``y``), scikit-learn's own
    names ("accuracy", "f1_macro") mean scikit-learn's scorers, as there.
    """
    lookup = get_scorer
    if y is not None and is_multiclass(y):
        sklearn_names = set(skm.get_scorer_names())

        def lookup(name):
            if isinstance(name, str) and name in sklearn_names:
                return skm.get_scorer(name)
            return get_scorer(name)

    if isinstance(scoring, str):
        return lookup(scoring)
    if isinstance(scoring, (list, tuple, set)):
        return {name: lookup(name) for name in scoring}
    if isinstance(scoring, dict) and not callable(scoring):
        return {name: lookup(s) for name, s in scoring.items()}
    return scoring


def _route(estimator, params):
    """``(preprocessing fit params by step, the classifier's fit params)``."""
    if not isinstance(estimator, Pipeline):
        return {}, dict(params)
    routed = estimator._check_method_params(method="fit", props=params)
    names = [name for name, _ in estimator.steps]
    pre = {name: dict(routed[name]["fit"]) for name in names[:-1] if name in routed}
    return pre, dict(routed[names[-1]]["fit"]) if names[-1] in routed else {}


def _why_not_stacked(estimator, X, params):
    """None when the folds can train stacked, else the reason they cannot."""
    clf = final_step(estimator)
    if not isinstance(clf, MultiLabelMLPClassifier):
        return "not a MultiLabelMLPClassifier"
    try:
        _, clf_params = _route(estimator, params or {})
    except ValueError as exc:  # let scikit-learn raise its own message
        return str(exc)
    # the classifier judges raw X only; a pipeline's output is checked per fold
    return clf._stacking_unsupported(
        None if isinstance(estimator, Pipeline) else X, clf_params
    )


def cross_validate(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    scoring=None,
    cv=None,
    n_jobs=None,
    verbose=0,
    params=None,
    pre_dispatch="2*n_jobs",
    return_train_score=False,
    return_estimator=False,
    return_indices=False,
    error_score=np.nan,
):
    """Evaluate by cross-validation, training every fold's MLP at once.

    Same signature and return value as :func:`sklearn.model_selection.cross_validate`.
    For a :class:`~skmultilabel_mlp.MultiLabelMLPClassifier` (or a Pipeline
    ending in one) on the TensorFlow or JAX backend without Keras callbacks,
    all folds train as one stacked computation, and for an integer
    ``random_state`` each fold's network is the one scikit-learn's
    ``cross_validate`` fits alone (same initial weights, shuffles, dropout
    masks and updates; probabilities equal to about 1e-6). Pipeline
    preprocessing is fitted per fold as ``Pipeline.fit`` fits it. Other
    estimators run through scikit-learn's implementation.

    Parameters
    ----------
    estimator, X, y, groups, scoring, cv, n_jobs, verbose, params, pre_dispatch, \
return_train_score, return_estimator, return_indices, error_score
        As in :func:`sklearn.model_selection.cross_validate`. On the stacked path,
        ``n_jobs`` and ``pre_dispatch`` have nothing to parallelise, ``params``
        may hold ``sample_weight`` for the classifier (and any parameter of
        the preprocessing steps), scorer names also include the package's (see
        :func:`skmultilabel_mlp.metrics.get_scorer`), multi-label scores are
        computed against the indicator matrix of ``y`` (NaN kept), and
        ``fit_time`` is each fold's preprocessing time plus an equal share of
        the stacked training time. ``error_score`` behaves as in scikit-learn:
        a fold whose fit or scorer fails gets ``error_score`` with a
        ``FitFailedWarning`` (or ``UserWarning`` for a scorer), or raises with
        ``"raise"``.

    Returns
    -------
    scores : dict of ndarray
        ``fit_time``, ``score_time``, ``test_score`` or ``test_<name>``, and
        optionally ``train_*``, ``estimator`` and ``indices``, as scikit-learn.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skmultilabel_mlp import MultiLabelMLPClassifier
    >>> from skmultilabel_mlp.model_selection import cross_validate
    >>> X, Y = make_multilabel_classification(n_samples=60, random_state=0)
    >>> res = cross_validate(MultiLabelMLPClassifier(epochs=5, random_state=0), X, Y, cv=3)
    >>> res["test_score"].shape
    (3,)
    """
    scoring = _resolve_scoring(scoring, y)
    reason = _why_not_stacked(estimator, X, params)
    if reason is not None:
        return skms.cross_validate(
            estimator,
            X,
            y,
            groups=groups,
            scoring=scoring,
            cv=cv,
            n_jobs=n_jobs,
            verbose=verbose,
            params=params,
            pre_dispatch=pre_dispatch,
            return_train_score=return_train_score,
            return_estimator=return_estimator,
            return_indices=return_indices,
            error_score=error_score,
        )
    if not isinstance(error_score, numbers.Number) and error_score != "raise":
        raise ValueError(
            "error_score must be the string 'raise' or a numeric value. "
            f"Got {error_score!r}."
        )
    X, y = indexable(X, y)
    targets = encode(y, missing_label=final_step(estimator).missing_label)
    # a 1-D y (binary or multiclass) is split and scored as it is; outputs with
    # their own classes are scored on their classes
    binary = targets.binary_classes is not None or (
        targets.outputs is not None and targets.one_d
    )
    Y = targets.Y
    # multi-label folds are split and scored on the indicator matrix (NaN kept
    # for scoring: the classifier's score leaves unknown entries out); a
    # sparse one stays sparse (the splitters and scorers take it as it is)
    if sp.issparse(Y):
        y_split = y_score = y if binary else Y
    else:
        y_split = y if binary else indicator_01(Y)
        y_score = y if binary else (Y if np.isnan(Y).any() else y_split)
    if targets.outputs is not None:
        y_score = y
    cv = skms.check_cv(cv, y_split, classifier=True)
    splits = list(cv.split(X, y_split, groups))
    scorer = check_scoring(
        estimator, scoring=scoring, raise_exc=(error_score == "raise")
    )
    fits = _fit_folds(estimator, X, y, splits, params or {}, verbose)
    results = []
    for (est, error, fit_time), (train, test) in zip(fits, splits):
        results.append(
            _score_fold(
                est,
                error,
                fit_time,
                _safe_indexing(X, test),
                _safe_indexing(y_score, test),
                (_safe_indexing(X, train), _safe_indexing(y_score, train))
                if return_train_score
                else None,
                scorer,
                error_score,
            )
        )
    return _gather(
        results, splits, scoring, error_score, return_estimator, return_indices
    )


def _fit_folds(estimator, X, y, splits, params, verbose=0):
    """Fit every fold's preprocessing, then all classifiers as one computation.

    Returns ``(estimator, exception or None, fit seconds)`` per fold.
    """
    pre_params, clf_params = _route(estimator, params)
    weights = clf_params.get("sample_weight")
    folds, data, errors, seconds = [], [], [], []
    for train, _ in splits:
        start = time.perf_counter()
        est = clone(estimator)
        folds.append(est)
        try:
            data.append(_fold_data(est, X, y, weights, train, pre_params))
            errors.append(None)
        except Exception as exc:
            data.append(None)
            errors.append(exc)
        seconds.append(time.perf_counter() - start)
    ok = [k for k, error in enumerate(errors) if error is None]
    start = time.perf_counter()
    if ok:
        fitted = MultiLabelMLPClassifier._fit_copies(
            [final_step(folds[k]) for k in ok],
            *zip(*(data[k] for k in ok)),
            # a progress bar on a terminal when asked (verbose > 0)
            verbose=-1 if verbose else None,
        )
        for k, clf in zip(ok, fitted):
            if isinstance(clf, Exception):
                errors[k] = clf
    share = (time.perf_counter() - start) / max(len(ok), 1)
    return [
        (est, error, s + (share if k in ok else 0.0))
        for k, (est, error, s) in enumerate(zip(folds, errors, seconds))
    ]


def _fold_data(est, X, y, sample_weight, train, pre_params):
    """The classifier's ``(X, y, sample_weight, rows)`` for one fold.

    Without preprocessing: the data as given and the fold's rows. With it: the
    fold's rows through the preprocessing fitted on them (``fit_transform``,
    as ``Pipeline.fit`` computes them).
    """
    if not isinstance(est, Pipeline) or len(est.steps) == 1:
        if not is_multiclass(y, final_step(est).missing_label):
            return X, y, sample_weight, train
        # outputs with their own classes: a fold's classes (and whether its
        # target is one) are its training rows' own, as a solo fit finds them
        w = None if sample_weight is None else _safe_indexing(sample_weight, train)
        return _safe_indexing(X, train), _safe_indexing(y, train), w, None
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    params = {
        f"{name}__{key}": value
        for name, step_params in pre_params.items()
        for key, value in _check_method_params(X, step_params, indices=train).items()
    }
    Xt = est[:-1].fit_transform(X_train, y_train, **params)
    w = None if sample_weight is None else _safe_indexing(sample_weight, train)
    return Xt, y_train, w, None


def _score_fold(est, error, fit_time, X_test, y_test, train_data, scorer, error_score):
    """One fold's result, in the form of scikit-learn's ``_fit_and_score``."""
    result = {"fit_time": fit_time, "estimator": est}
    if error is not None:
        if error_score == "raise":
            raise error
        result["fit_error"] = "".join(traceback.format_exception(error))
        scores = (
            {name: error_score for name in scorer._scorers}
            if isinstance(scorer, _MultimetricScorer)
            else error_score
        )
        result["test_scores"] = scores
        if train_data is not None:
            result["train_scores"] = (
                dict(scores) if isinstance(scores, dict) else scores
            )
        result["score_time"] = 0.0
        return result
    result["fit_error"] = None
    start = time.perf_counter()
    result["test_scores"] = _score(est, X_test, y_test, scorer, None, error_score)
    result["score_time"] = time.perf_counter() - start
    if train_data is not None:
        result["train_scores"] = _score(est, *train_data, scorer, None, error_score)
    return result


def _gather(results, splits, scoring, error_score, return_estimator, return_indices):
    """scikit-learn's ``cross_validate`` ending: warnings, error scores, keys, order."""
    _warn_or_raise_about_fit_failures(results, error_score)
    if callable(scoring):
        _insert_error_scores(results, error_score)
    results = _aggregate_score_dicts(results)
    ret = {"fit_time": results["fit_time"], "score_time": results["score_time"]}
    if return_estimator:
        ret["estimator"] = results["estimator"]
    if return_indices:
        ret["indices"] = {}
        ret["indices"]["train"], ret["indices"]["test"] = zip(*splits)
    test_scores = _normalize_score_results(results["test_scores"])
    train_scores = (
        _normalize_score_results(results["train_scores"])
        if "train_scores" in results
        else None
    )
    for name in test_scores:
        ret[f"test_{name}"] = test_scores[name]
        if train_scores is not None:
            ret[f"train_{name}"] = train_scores[name]
    return ret


def cross_val_score(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    scoring=None,
    cv=None,
    n_jobs=None,
    verbose=0,
    params=None,
    pre_dispatch="2*n_jobs",
    error_score=np.nan,
):
    """One score per fold; :func:`cross_validate` (fold-stacked when it applies).

    Same signature and return value as :func:`sklearn.model_selection.cross_val_score`.

    Returns
    -------
    scores : ndarray of shape (n_splits,)
    """
    if isinstance(scoring, (list, tuple, set, dict)):
        raise ValueError(
            "cross_val_score takes one scorer; use cross_validate for several."
        )
    res = cross_validate(
        estimator,
        X,
        y,
        groups=groups,
        scoring=scoring,
        cv=cv,
        n_jobs=n_jobs,
        verbose=verbose,
        params=params,
        pre_dispatch=pre_dispatch,
        error_score=error_score,
    )
    return res["test_score"]

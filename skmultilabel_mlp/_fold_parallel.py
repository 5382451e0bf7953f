"""cross_validate / cross_val_score with scikit-learn's signatures, fold-stacked.

When the estimator is a ``MultiLabelMLPClassifier`` (or a Pipeline ending in
one) and the Keras backend is TensorFlow or JAX, every fold's preprocessing is fitted
as scikit-learn would fit it, then all folds' networks train together in one
compiled computation (see ``_stacked``). Anything else goes to scikit-learn's
own ``cross_validate``, unchanged.
"""

import time

import numpy as np
import scipy.sparse as sp
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing

from ._validation import encode_targets
from ._weights import resolve_pos_weight

__all__ = ["cross_val_score", "cross_validate"]


def _resolve_scoring(scoring):
    """Let the package's scorer names ("hamming_loss", "f1_label:x", ...) in too."""
    from ._scorers import get_scorer

    if isinstance(scoring, str):
        return get_scorer(scoring)
    if isinstance(scoring, (list, tuple, set)):
        return {name: get_scorer(name) for name in scoring}
    if isinstance(scoring, dict) and not callable(scoring):
        return {name: get_scorer(s) for name, s in scoring.items()}
    return scoring


def _final(estimator):
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def _why_not_stacked(estimator, X, params):
    """None when the fold-stacked engine applies, else the reason it does not."""
    from ._classifier import MultiLabelMLPClassifier

    clf = _final(estimator)
    if not isinstance(clf, MultiLabelMLPClassifier):
        return "not a MultiLabelMLPClassifier"
    if clf.optimizer != "adam" or clf.early_stopping or clf.callbacks:
        return "optimizer other than adam, early stopping or callbacks"
    if params:
        return "fit parameters"
    if sp.issparse(X) and not isinstance(estimator, Pipeline):
        return "sparse X"
    import keras

    if keras.config.backend() not in ("tensorflow", "jax"):
        return f"the {keras.config.backend()} backend"
    return None


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
    ending in one) on the TensorFlow or JAX backend with the Adam optimiser and no early
    stopping, callbacks or fit parameters, all folds train as one stacked
    computation: each fold's network has its own initial weights, its own rows
    reshuffled every epoch, and the batch size, epochs and Adam steps of a solo
    fit; Pipeline preprocessing is fitted per fold as scikit-learn does. Other
    estimators (and those cases) run through scikit-learn's implementation.

    Parameters
    ----------
    estimator, X, y, groups, scoring, cv, n_jobs, verbose, params, pre_dispatch, \
return_train_score, return_estimator, return_indices, error_score
        As in :func:`sklearn.model_selection.cross_validate`. On the stacked path,
        ``n_jobs`` and ``pre_dispatch`` have nothing to parallelise,
        scorer names also include the package's (see
        :func:`skmultilabel_mlp.metrics.get_scorer`), scores are
        computed against the indicator matrix of ``y`` (NaN kept), ``fit_time`` is each
        fold's preprocessing time plus an equal share of the stacked training
        time, and a failure raises instead of giving ``error_score``.

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
    scoring = _resolve_scoring(scoring)
    reason = _why_not_stacked(estimator, X, params)
    targets = None
    if reason is None:
        targets = encode_targets(y, missing_label=_final(estimator).missing_label)
        if targets.binary_classes is not None:
            reason = "1-D (binary) y"
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
    return _stacked_cross_validate(
        estimator,
        X,
        targets,
        groups,
        scoring,
        cv,
        return_train_score,
        return_estimator,
        return_indices,
    )


def _prepare_fold(estimator, X, y_int, train):
    """Clone, fit the preprocessing on the fold's rows, transform all rows."""
    est = clone(estimator)
    clf = _final(est)
    if isinstance(est, Pipeline) and len(est.steps) > 1:
        pre = est[:-1]
        pre.fit(_safe_indexing(X, train), y_int[train])
        Xt = pre.transform(X)
    else:
        Xt = X
    Xt = clf._validate_features(Xt, reset=True)
    return est, clf, Xt


def _stacked_cross_validate(
    estimator,
    X,
    targets,
    groups,
    scoring,
    cv,
    return_train_score,
    return_estimator,
    return_indices,
):
    from . import _stacked

    Y = targets.Y.toarray() if sp.issparse(targets.Y) else targets.Y
    y_int = np.nan_to_num(Y, nan=0.0).astype(int)  # for splitting and preprocessing
    # scorers see the labels as given: NaN stays NaN (the classifier's score skips it)
    y_score = Y if np.isnan(Y).any() else y_int
    cv = skms.check_cv(cv, y_int, classifier=True)
    splits = list(cv.split(X, y_int, groups))
    folds, fit_times, Xs, pos_weights = [], [], [], []
    for train, _ in splits:
        start = time.perf_counter()
        est, clf, Xt = _prepare_fold(estimator, X, y_int, train)
        if sp.issparse(Xt):
            Xt = Xt.toarray()  # the stacked engine gathers dense rows
        clf._check_known_labels(Y[train], targets.label_names)
        pos_weights.append(
            resolve_pos_weight(clf.class_weight, Y[train], targets.label_names)
        )
        folds.append((est, clf))
        Xs.append(Xt)
        fit_times.append(time.perf_counter() - start)
    clf0 = folds[0][1]
    net = clf0._network_params()
    seed = net["random_state"]
    seeds = (
        [seed] * len(splits)
        if seed is not None
        else np.random.default_rng().integers(2**31 - 1, size=len(splits)).tolist()
    )
    masked = bool(np.isnan(Y).any())
    pos = None if pos_weights[0] is None else np.stack(pos_weights)
    shared = not isinstance(estimator, Pipeline) or len(estimator.steps) == 1
    start = time.perf_counter()
    networks, histories = _stacked.fit_stacked(
        Xs[0] if shared else Xs,
        Y,
        [train for train, _ in splits],
        spec={
            "architecture": net["architecture"],
            "learning_rate": net["learning_rate"],
            "batch_size": net["batch_size"],
            "epochs": net["epochs"],
        },
        seeds=seeds,
        pos_weights=pos,
    )
    share = (time.perf_counter() - start) / len(splits)
    results = {"fit_time": [], "score_time": []}
    per_fold_scores, per_fold_train = [], []
    for k, ((est, clf), (train, test)) in enumerate(zip(folds, splits)):
        # the keras.Model is built only if someone reads model_
        build = {
            "n_features": Xs[k].shape[1],
            "architecture": net["architecture"],
            "optimizer": clf0.optimizer,
            "learning_rate": net["learning_rate"],
            "masked": masked,
            "pos_weight": pos_weights[k],
            "seed": seeds[k],
        }
        clf._set_fitted(targets, None, histories[k], pos_weights[k], networks[k], build)
        results["fit_time"].append(fit_times[k] + share)
        scorer = check_scoring(est, scoring)
        start = time.perf_counter()
        per_fold_scores.append(scorer(est, _safe_indexing(X, test), y_score[test]))
        results["score_time"].append(time.perf_counter() - start)
        if return_train_score:
            per_fold_train.append(scorer(est, _safe_indexing(X, train), y_score[train]))
    results = {key: np.asarray(val) for key, val in results.items()}
    results.update(_gather("test", per_fold_scores))
    if return_train_score:
        results.update(_gather("train", per_fold_train))
    if return_estimator:
        results["estimator"] = [est for est, _ in folds]
    if return_indices:
        results["indices"] = {
            "train": [train for train, _ in splits],
            "test": [test for _, test in splits],
        }
    return results


def _gather(prefix, scores):
    if isinstance(scores[0], dict):
        return {
            f"{prefix}_{name}": np.array([s[name] for s in scores])
            for name in scores[0]
        }
    return {f"{prefix}_score": np.asarray(scores, dtype=float)}


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

"""GridSearchCV and RandomizedSearchCV that train every candidate and fold at once.

They are scikit-learn's searches: same parameters, same fitted attributes,
same ``cv_results_``, the same loop over candidates and splits, the same
``error_score``, ``refit`` and multi-metric rules, because that loop is
scikit-learn's own. One thing happens first: when the estimator is a
:class:`~skmultilabel_mlp.MultiLabelMLPClassifier` or a Pipeline ending in
one, every candidate's network on every training split is trained in stacked
computations on the compiled engine (preprocessing fitted per split, as
``Pipeline.fit`` fits it), and each ``fit`` call of scikit-learn's loop then
finds its trained network (``_fit_cache``: keyed by the parameters and the very
arrays that ``fit`` receives) instead of training it again. For an integer
``random_state`` the networks are those scikit-learn's search would train, so
``best_params_`` and every score are scikit-learn's; a fit that finds nothing
(a candidate the engine cannot stack, parallel workers in other processes)
trains as usual.

``n_jobs`` (and joblib's active backend: ``parallel_backend("dask")`` runs
them on Dask workers) spreads the stacked training: the (candidate, split)
fits are cut into as many chunks as there are workers, each chunk one or a few
stacked computations, dispatched through joblib; the trained networks come
back to the search's process, whose loop then finds them all and only scores,
in that process. Every network is the one the local run trains (a copy's
network does not depend on which copies it is stacked with), so
``cv_results_`` is the local run's. Candidates that cannot stack train in that
loop, one after another.
"""

import inspect
import time

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.validation import _check_method_params

from .. import _fit_cache
from .._classifier import MultiLabelMLPClassifier
from .._utils import final_step
from ._validation import _fold_data, _resolve_scoring, _route, _why_not_stacked

__all__ = ["GridSearchCV", "RandomizedSearchCV"]


class _StackedSearchMixin:
    """The stacked pre-training in front of scikit-learn's search loop."""

    def fit(self, X, y=None, **params):
        """Run the search; every candidate and split trains stacked where it can.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like, sparse matrix or DataFrame of shape (n_samples, n_labels)
        **params : dict
            As in scikit-learn's search (``groups`` for the splitter, fit
            parameters such as ``sample_weight`` for the estimator).

        Returns
        -------
        self : object
            Fitted search. ``cv_results_["mean_fit_time"]`` of a stacked
            candidate is its preprocessing and bookkeeping time per split plus
            an equal share of the stacked training time.
        """
        X, y = indexable(X, y)
        self._stacked_shares = []
        scoring, n_jobs = self.scoring, self.n_jobs
        try:
            self.scoring = _resolve_scoring(scoring, y)
            if _why_not_stacked(self.estimator, X, params) is None:
                # the workers train the stacked chunks; the loop, which then
                # finds every network trained, scores here (workers elsewhere
                # could not see this process's trained networks)
                self._stacked_n_jobs, self.n_jobs = n_jobs, 1
            with _fit_cache.active():
                self._stacked_input = (X, y, params)
                super().fit(X, y, **params)
        finally:
            self.scoring, self.n_jobs = scoring, n_jobs
            vars(self).pop("_stacked_input", None)
            vars(self).pop("_stacked_n_jobs", None)
        shares = np.asarray(vars(self).pop("_stacked_shares"), dtype=float)
        if shares.size == len(self.cv_results_["mean_fit_time"]):
            self.cv_results_["mean_fit_time"] = (
                self.cv_results_["mean_fit_time"] + shares
            )
        return self

    def _run_search(self, evaluate_candidates, callback_ctx=None):
        def evaluate(candidate_params, *args, **kwargs):
            candidate_params = list(candidate_params)
            cv = kwargs.get("cv") or (args[0] if args else None)
            self._stacked_shares.extend(
                self._train_stacked(candidate_params, cv or self._checked_cv_orig)
            )
            return evaluate_candidates(candidate_params, *args, **kwargs)

        # scikit-learn >= 1.9 hands its searches a callback context
        parent = super()._run_search
        if "callback_ctx" in inspect.signature(parent).parameters:
            parent(evaluate, callback_ctx=callback_ctx)
        else:
            parent(evaluate)

    def _train_stacked(self, candidates, cv):
        """Train every (candidate, split) fit that can be stacked; store them.

        Returns each candidate's share of the stacked training time per split.
        """
        X, y, params = self._stacked_input
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        splits = list(cv.split(X, y, **routed.splitter.split))
        fit_params = routed.estimator.fit
        jobs, owners = [], []
        for c, candidate in enumerate(candidates):
            est = clone(self.estimator).set_params(**clone(candidate, safe=False))
            if _why_not_stacked(est, X, fit_params) is not None:
                continue
            for train, _ in splits:
                try:
                    jobs.append(_split_fit(est, X, y, train, fit_params))
                except Exception:
                    continue  # scikit-learn's loop will meet (and report) it
                owners.append(c)
        shares = np.zeros(len(candidates))
        if not jobs:
            return shares
        clfs, keys, data = zip(*jobs)
        # a progress bar per stacked computation on a terminal when asked
        verbose = -1 if self.verbose else None
        n_jobs = vars(self).get("_stacked_n_jobs", self.n_jobs)
        chunks = _chunks(clfs, effective_n_jobs(n_jobs))
        if len(chunks) == 1:
            trained = [_fit_chunk(clfs, data, verbose)]
        else:
            trained = Parallel(n_jobs=n_jobs, pre_dispatch=self.pre_dispatch)(
                delayed(_fit_chunk)(
                    [clfs[i] for i in chunk], [data[i] for i in chunk], verbose
                )
                for chunk in chunks
            )
        for chunk, (fitted, seconds) in zip(chunks, trained):
            share = seconds / len(chunk)
            for i, clf in zip(chunk, fitted):
                if not isinstance(clf, Exception):
                    _fit_cache.put(keys[i], clf, share)
                    shares[owners[i]] += share / len(splits)
        return shares


def _chunks(clfs, n_workers):
    """Job indices in ``n_workers`` chunks of about equal size, copies of one
    architecture together (they train as one stacked computation)."""
    if n_workers <= 1 or len(clfs) == 1:
        return [list(range(len(clfs)))]
    order = sorted(
        range(len(clfs)),
        key=lambda i: (
            repr(clfs[i].hidden_layer_sizes),
            clfs[i].batch_size,
            repr(clfs[i].early_stopping),
        ),
    )
    return [
        [int(i) for i in part]
        for part in np.array_split(order, min(n_workers, len(clfs)))
    ]


def _fit_chunk(clfs, data, verbose):
    """Train one chunk's classifiers stacked: ``(fitted or exception each, seconds)``.

    What a worker runs; the data of copies that share it arrives once
    (pickling keeps one object per chunk) and is still shared.
    """
    start = time.perf_counter()
    fitted = MultiLabelMLPClassifier._fit_copies(
        list(clfs), *zip(*data), verbose=verbose
    )
    return fitted, time.perf_counter() - start


def _split_fit(estimator, X, y, train, fit_params):
    """``(classifier, cache key, (X, y, sample_weight, rows))`` for one split.

    The data is what the stacked training uses (``_validation._fold_data``:
    the full matrix and the split's rows when there is no preprocessing, so
    the copies share one matrix); the key hashes what the classifier's ``fit``
    will be given in scikit-learn's loop (the split's rows, through the
    preprocessing ``Pipeline.fit`` fits on them).
    """
    est = clone(estimator)
    clf = final_step(est)
    pre_params, clf_params = _route(est, fit_params)
    weights = clf_params.get("sample_weight")
    data = _fold_data(est, X, y, weights, train, pre_params)
    if data[3] is None:  # the split's rows through the preprocessing
        key = _fit_cache.fingerprint(clf, *data[:3])
    else:
        key = _fit_cache.fingerprint(
            clf,
            _safe_indexing(X, train),
            _safe_indexing(y, train),
            None if weights is None else _safe_indexing(weights, train),
        )
    return clf, key, data


class GridSearchCV(_StackedSearchMixin, skms.GridSearchCV):
    """Exhaustive search over a parameter grid, every candidate and fold stacked.

    scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` (same
    parameters and attributes; scorer names also include the package's, see
    :func:`skmultilabel_mlp.metrics.get_scorer`), with the candidates' networks
    on all splits trained ahead as stacked computations when the estimator is
    a :class:`~skmultilabel_mlp.MultiLabelMLPClassifier` or a Pipeline ending
    in one. The grid may vary the network (``hidden_layer_sizes`` width and
    depth, ``activation``, ``dropout``, ``alpha``), its training
    (``learning_rate``, ``optimizer``, ``batch_size``, ``epochs``,
    ``class_weight``, ``early_stopping``) and the preprocessing steps'
    parameters. See the module notes (``model_selection._search``) for how it
    stays scikit-learn's search.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skmultilabel_mlp import MultiLabelMLPClassifier
    >>> from skmultilabel_mlp.model_selection import GridSearchCV
    >>> X, Y = make_multilabel_classification(n_samples=60, random_state=0)
    >>> search = GridSearchCV(
    ...     MultiLabelMLPClassifier(epochs=5, random_state=0),
    ...     {"hidden_layer_sizes": [(5,), (10,)]}, cv=3,
    ... ).fit(X, Y)
    >>> sorted(search.best_params_)
    ['hidden_layer_sizes']
    """


class RandomizedSearchCV(_StackedSearchMixin, skms.RandomizedSearchCV):
    """Randomized search over parameters, every sampled candidate and fold stacked.

    scikit-learn's :class:`~sklearn.model_selection.RandomizedSearchCV` with
    the stacked training of :class:`GridSearchCV`.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skmultilabel_mlp import MultiLabelMLPClassifier
    >>> from skmultilabel_mlp.model_selection import RandomizedSearchCV
    >>> X, Y = make_multilabel_classification(n_samples=60, random_state=0)
    >>> search = RandomizedSearchCV(
    ...     MultiLabelMLPClassifier(epochs=5, random_state=0),
    ...     {"learning_rate": loguniform(1e-4, 1e-1)}, n_iter=3, cv=3,
    ...     random_state=0,
    ... ).fit(X, Y)
    >>> len(search.cv_results_["params"])
    3
    """

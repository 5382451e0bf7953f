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

The stacked training goes where joblib sends work: with ``n_jobs`` (or under
``parallel_backend("dask")``, which runs it on Dask workers) the (candidate,
split) fits are cut into one chunk per worker, the copies of one stacked
computation kept together, and the trained networks come back. scikit-learn's
loop then runs in the search's own process (joblib's sequential backend: its
fits must find the networks trained), where each fit finds its network, a
Pipeline's preprocessing is fitted again, and the split is scored. A copy's
network does not depend on which copies share its computation beyond float
rounding (probabilities within about 1e-6, as between the stacked
cross-validation and scikit-learn's), so ``cv_results_`` is the one-process
run's. If the estimator itself cannot stack (Keras ``callbacks``), the search
is scikit-learn's, ``n_jobs`` and all.
"""

import contextlib
import inspect
import time
import warnings

import numpy as np
from joblib import effective_n_jobs, parallel_config
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params

from .. import _fit_cache
from .._classifier import MultiLabelMLPClassifier
from .._fit_spec import as_sizes
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
        scoring = self.scoring
        self._stacked_shares = []
        try:
            self.scoring = _resolve_scoring(scoring, y)
            # the stacked chunks go where joblib's active backend sends work
            # (joblib binds it when a Parallel is made); the loop then stays
            # in this process, where it finds every network trained (workers
            # elsewhere could not see them). An estimator that cannot stack
            # gets scikit-learn's search as it is, its n_jobs included.
            self._stacked_parallel = self._stacking_parallel(X, params)
            loop = (
                contextlib.nullcontext()
                if self._stacked_parallel is None
                else parallel_config(backend="sequential")
            )
            with _fit_cache.active(), loop:
                self._stacked_input = (X, y, params)
                super().fit(X, y, **params)
        finally:
            self.scoring = scoring
            vars(self).pop("_stacked_input", None)
            vars(self).pop("_stacked_parallel", None)
            shares = np.asarray(vars(self).pop("_stacked_shares"), dtype=float)
        if shares.size == len(self.cv_results_["mean_fit_time"]):
            self.cv_results_["mean_fit_time"] = (
                self.cv_results_["mean_fit_time"] + shares
            )
        return self

    def _stacking_parallel(self, X, params):
        """``(joblib Parallel, its number of workers)`` for the stacked chunks,
        or None when the estimator (with its routed fit parameters) cannot
        stack. Made now: joblib binds the active backend when it is made."""
        try:
            routed = self._get_routed_params_for_fit(
                _check_method_params(X, params=params)
            )
            if _why_not_stacked(self.estimator, X, routed.estimator.fit) is not None:
                return None
            workers = effective_n_jobs(self.n_jobs)
        except Exception:  # scikit-learn's search raises its own message
            return None
        return Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch), workers

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
        if self._stacked_parallel is None:
            return np.zeros(len(candidates))
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
        parallel, n_workers = self._stacked_parallel
        chunks = _chunks(clfs, n_workers)
        if len(chunks) == 1:
            trained = [_fit_chunk(clfs, data, verbose)]
        else:
            try:
                trained = parallel(
                    delayed(_fit_chunk)(
                        [clfs[i] for i in chunk], [data[i] for i in chunk], verbose
                    )
                    for chunk in chunks
                )
            except Exception as exc:  # a worker lost, a result that did not
                warnings.warn(  # come back: the loop trains the fits instead
                    f"The stacked training on joblib's workers failed "
                    f"({type(exc).__name__}: {exc}); every fit trains on its "
                    "own in the search's loop instead.",
                    UserWarning,
                    stacklevel=4,
                )
                return shares
        for chunk, (fitted, seconds) in zip(chunks, trained):
            share = seconds / len(chunk)
            for i, clf in zip(chunk, fitted):
                if clf is not None:
                    _fit_cache.put(keys[i], clf, share)
                    shares[owners[i]] += share / len(splits)
        return shares


def _stack_key(clf):
    """What decides whether two copies train in one stacked computation
    (``_engine._stacked``'s group key, from the classifier's parameters)."""
    try:
        sizes = tuple(int(v) for v in as_sizes(clf.hidden_layer_sizes))
    except (TypeError, ValueError):
        sizes = repr(clf.hidden_layer_sizes)
    return (
        sizes,
        repr(clf.activation),
        repr(clf.kernel_initializer),
        repr(clf.optimizer),
        repr(clf.batch_size),
        bool(clf.early_stopping),
        repr(clf.loss),
    )


def _chunks(clfs, n_workers):
    """Job indices in at most ``n_workers`` chunks of about equal size.

    The copies of one stacked computation stay in one chunk, the largest
    computations placed first, each in the chunk with the fewest jobs; only
    while workers would be left idle is the largest computation cut in two
    (its halves compile twice, but train side by side).
    """
    n = min(n_workers, len(clfs))
    if n <= 1:
        return [list(range(len(clfs)))]
    groups = {}
    for i, clf in enumerate(clfs):
        groups.setdefault(_stack_key(clf), []).append(i)
    groups = sorted(groups.values(), key=len, reverse=True)
    while len(groups) < n:
        largest = groups.pop(0)
        half = (len(largest) + 1) // 2
        groups = sorted(
            [*groups, largest[:half], largest[half:]], key=len, reverse=True
        )
    chunks = [[] for _ in range(n)]
    for group in groups:
        min(chunks, key=len).extend(group)
    return [sorted(chunk) for chunk in chunks]


def _fit_chunk(clfs, data, verbose):
    """Train one chunk's classifiers stacked: ``(fitted or None each, seconds)``.

    What a worker runs; the data of copies that share it arrives once
    (pickling keeps one object per chunk) and is still shared. A copy that
    failed comes back as None (its exception need not pickle): the search's
    loop fits it again and reports the error as scikit-learn does.
    """
    start = time.perf_counter()
    fitted = MultiLabelMLPClassifier._fit_copies(
        list(clfs), *zip(*data), verbose=verbose
    )
    seconds = time.perf_counter() - start
    return [None if isinstance(clf, Exception) else clf for clf in fitted], seconds


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

"""Out-of-fold probabilities of every candidate, kept while a search scores them.

A grid search trains each candidate on each training split and scores it on
the split's test rows; :class:`OOFRecorder` is the scorer it is given, so the
very networks it scores also leave their probabilities on those rows. Then
threshold rules can be judged on every candidate's out-of-fold probabilities
without training any fold again. Imports no backend.
"""

import joblib
import numpy as np
from sklearn.utils import _safe_indexing

from ._proba import proba_to_matrix

__all__ = ["OOFRecorder"]


class OOFRecorder:
    """A scorer that scores as ``scorer`` does and keeps the probabilities it saw.

    Parameters
    ----------
    scorer : callable
        ``scorer(estimator, X, y) -> float``: what the search ranks by.
    X : array-like or sparse matrix
        The rows the search splits.
    splits : list of (train, test) index arrays
        The search's splits; each must be passed as ``cv`` to the search.
    param_names : list of str
        The grid's parameter names: they tell candidates apart.
    n_labels : int
    keep_estimators : bool, default=False
        Also keep each fitted fold estimator it scores (for an ensemble of
        the fold models).
    """

    def __init__(self, scorer, X, splits, param_names, n_labels, keep_estimators=False):
        self.scorer = scorer
        self.keep_estimators = keep_estimators
        self.param_names = list(param_names)
        self.n_labels = n_labels
        self.n_samples = X.shape[0]
        # the search hands the scorer _safe_indexing(X, test): its hash names the fold
        self._fold_of = {
            joblib.hash(_safe_indexing(X, test)): i
            for i, (_, test) in enumerate(splits)
        }
        self._tests = [np.asarray(test) for _, test in splits]
        counts = np.bincount(np.concatenate(self._tests), minlength=self.n_samples)
        if counts.shape[0] != self.n_samples or np.any(counts != 1):
            raise ValueError(
                "cv must give every row a test fold once (a partition): the "
                "thresholds are tuned on each row's out-of-fold probability."
            )
        self._seen = {}  # (candidate key, fold) -> probabilities on the fold's rows
        self._estimators = {}  # (candidate key, fold) -> the fitted estimator

    def _key(self, params):
        return joblib.hash([(name, params[name]) for name in self.param_names])

    def __call__(self, estimator, X, y, **kwargs):
        fold = self._fold_of.get(joblib.hash(X))
        if fold is not None:
            clf = estimator[-1] if hasattr(estimator, "steps") else estimator
            key = (self._key(estimator.get_params()), fold)
            self._seen[key] = proba_to_matrix(
                estimator.predict_proba(X), self.n_labels, clf.classes_
            )
            if self.keep_estimators:
                self._estimators[key] = estimator
        return self.scorer(estimator, X, y, **kwargs)

    def out_of_fold(self, params):
        """Each row's probabilities from the fold model of ``params`` that did not
        train on it, ``(n_samples, n_labels)``; None when a fold is missing (a
        failed fit)."""
        key = self._key(params)
        proba = np.full((self.n_samples, self.n_labels), np.nan)
        for fold, test in enumerate(self._tests):
            seen = self._seen.get((key, fold))
            if seen is None:
                return None
            proba[test] = seen
        return proba

    def fold_estimators(self, params):
        """The fitted estimators of ``params``, one per fold in the splits'
        order (``keep_estimators`` only); None when a fold is missing."""
        key = self._key(params)
        found = [self._estimators.get((key, f)) for f in range(len(self._tests))]
        return None if any(e is None for e in found) else found

    def forget_estimators(self):
        """Drop every kept estimator (once the ones needed are taken)."""
        self._estimators.clear()

"""Multi-output estimators the comparisons need: safe binary relevance, chain ensembles.

:class:`ConstantSafeClassifier` lets binary relevance and classifier chains
built on ``LogisticRegression`` survive folds where a label has no positive
row; :class:`ChainEnsemble` averages classifier chains with random label orders
(ECC). scikit-learn keeps its chains in ``sklearn.multioutput``; so does this
package.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MultiOutputMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import ClassifierChain
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._utils import multilabel_classes

__all__ = ["ChainEnsemble", "ConstantSafeClassifier"]


class ConstantSafeClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier that predicts the constant when a label has one class.

    ``LogisticRegression`` (and so binary relevance and classifier chains built on
    it) raises when a training fold has no positive row for a label, which
    happens on medical, genbase and other real datasets. This wrapper fits the
    estimator when both classes are present and otherwise predicts the only
    class seen, with ``classes_ == [0, 1]`` either way.

    Parameters
    ----------
    estimator : classifier, default=LogisticRegression(max_iter=1000)
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y, **fit_params):
        y = np.asarray(y).astype(int).ravel()
        self.classes_ = np.array([0, 1])
        seen = np.unique(y)
        if seen.size == 2:
            base = (
                self.estimator
                if self.estimator is not None
                else LogisticRegression(max_iter=1000)
            )
            self.estimator_ = clone(base).fit(X, y, **fit_params)
            self.constant_ = None
        else:
            self.estimator_ = None
            self.constant_ = int(seen[0]) if seen.size else 0
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        if self.estimator_ is not None:
            return self.estimator_.predict_proba(X)
        proba = np.zeros((X.shape[0], 2))
        proba[:, self.constant_] = 1.0
        return proba

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)


class ChainEnsemble(MultiOutputMixin, ClassifierMixin, BaseEstimator):
    """Ensemble of classifier chains with random label orders (ECC).

    Each chain is a :class:`~sklearn.multioutput.ClassifierChain` with its own
    random order; probabilities are averaged and thresholded at 0.5.

    Parameters
    ----------
    base_estimator : classifier
    n_chains : int, default=10
    random_state : int or None, default=None
    """

    def __init__(self, base_estimator, n_chains=10, random_state=None):
        self.base_estimator = base_estimator
        self.n_chains = n_chains
        self.random_state = random_state

    def fit(self, X, Y):
        rng = check_random_state(self.random_state)
        self.chains_ = [
            ClassifierChain(
                self.base_estimator, order="random", random_state=rng.randint(2**31 - 1)
            ).fit(X, Y)
            for _ in range(self.n_chains)
        ]
        n_labels = np.asarray(Y).shape[1]
        self.classes_ = multilabel_classes(n_labels)
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        return np.mean([chain.predict_proba(X) for chain in self.chains_], axis=0)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

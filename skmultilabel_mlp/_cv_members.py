"""The networks that predict for ``MultiLabelMLPClassifierCV``.

Once the search has chosen a candidate and its thresholds, the estimator
predicts with one of: the candidate refitted on every row (``"none"``), the
candidate's fold networks the search already trained (``"folds"``), both
(``"folds_and_refit"``), or the candidate refitted on every row with several
seeds (``"seeds"``), trained together as copies of one stacked computation.
Every member is a Pipeline (the scaler, then the network) whose ``threshold``
is the chosen thresholds.
"""

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from ._classifier import MultiLabelMLPClassifier

__all__ = ["ENSEMBLES", "members", "seed_members", "seeds"]

#: what predicts: the chosen network refitted on every row ("none"), the
#: chosen candidate's fold networks averaged ("folds"), both
#: ("folds_and_refit"), or the refit with ``n_seeds`` seeds averaged ("seeds")
ENSEMBLES = ("none", "folds", "folds_and_refit", "seeds")


def seeds(random_state, n_seeds):
    """The members' ``random_state`` values: ``random_state + i`` for an int
    (the first is the estimator's own, so member 0 is the plain refit), a
    fresh draw each (None) otherwise."""
    if random_state is None:
        return [None] * n_seeds
    return [int(random_state) + i for i in range(n_seeds)]


def seed_members(pipeline, params, X, y, random_states):
    """The pipeline with ``params`` fitted on ``X, y`` once per seed.

    The scaler is fitted once and shared; the networks train as copies of
    one stacked computation (``MultiLabelMLPClassifier._fit_copies``), so
    each is the network a plain ``Pipeline.fit`` with its seed would give.
    A copy that failed raises its exception, as that fit would.
    """
    template = clone(pipeline).set_params(**params)
    (scaler_name, scaler), (step, network) = template.steps
    scaler = clone(scaler).fit(X)
    Xt = scaler.transform(X)
    networks = [clone(network).set_params(random_state=s) for s in random_states]
    n = len(networks)
    fitted = MultiLabelMLPClassifier._fit_copies(networks, [Xt] * n, [y] * n)
    for result in fitted:
        if isinstance(result, Exception):
            raise result
    return [Pipeline([(scaler_name, scaler), (step, net)]) for net in fitted]


def members(ensemble, pipeline, params, X, y, fold_estimators, n_seeds, random_state):
    """``(best_estimator_, estimators_)`` for ``ensemble``.

    ``params`` hold the chosen candidate's parameters and its ``threshold``;
    ``fold_estimators()`` gives the candidate's fold pipelines (already
    fitted by the search, their threshold not yet set).
    """
    threshold = {k: v for k, v in params.items() if k.endswith("__threshold")}
    if ensemble == "seeds":
        fitted = seed_members(pipeline, params, X, y, seeds(random_state, n_seeds))
        return fitted[0], fitted
    found = []
    if ensemble != "none":
        found = [e.set_params(**threshold) for e in fold_estimators()]
    if ensemble == "folds":
        return found[0], found
    best = clone(pipeline).set_params(**params).fit(X, y)
    return best, [*found, best]


def mean_proba(estimators, X):
    """The members' mean probability of each label: (n_samples, n_labels)."""
    if len(estimators) == 1:
        return estimators[0].predict_proba(X)
    return np.mean([m.predict_proba(X) for m in estimators], axis=0)

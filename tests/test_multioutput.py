"""The multi-output estimators: constant-safe binary models, chain ensembles."""

import numpy as np

from skmultilabel_mlp import benchmark
from skmultilabel_mlp.multioutput import ChainEnsemble, ConstantSafeClassifier


def test_constant_safe_classifier_predicts_the_only_class():
    X = np.arange(10.0).reshape(-1, 1)
    clf = ConstantSafeClassifier().fit(X, np.zeros(10))
    np.testing.assert_array_equal(clf.predict(X), np.zeros(10))
    np.testing.assert_array_equal(clf.predict_proba(X)[:, 0], np.ones(10))
    np.testing.assert_array_equal(clf.classes_, [0, 1])


def test_chain_ensemble_averages_chains(multilabel_data):
    from sklearn.linear_model import LogisticRegression

    X, Y = multilabel_data
    ecc = ChainEnsemble(
        LogisticRegression(max_iter=500), n_chains=3, random_state=0
    ).fit(X, Y)
    proba = ecc.predict_proba(X)
    expected = np.mean([c.predict_proba(X) for c in ecc.chains_], axis=0)
    np.testing.assert_allclose(proba, expected)
    assert len({tuple(c.order_) for c in ecc.chains_}) > 1


def test_benchmark_keeps_its_public_names_for_the_chain_estimators():
    assert benchmark.ChainEnsemble is ChainEnsemble
    assert benchmark.ConstantSafeClassifier is ConstantSafeClassifier

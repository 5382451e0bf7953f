"""MultiLabelMLPClassifierCV in scikit-learn's contract, on tiny searches.

scikit-learn's estimator checks, ``ClassifierChain`` with it as the base
estimator (a 1-D ``y`` per link), ``cross_val_score`` and a ``Pipeline``.
"""

import numpy as np
import pytest
from sklearn.model_selection import KFold, cross_val_score
from sklearn.multioutput import ClassifierChain
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmultilabel_mlp import MultiLabelMLPClassifierCV

# one candidate, two folds, a few epochs at a large step: enough for the
# checks' accuracy thresholds on blobs, and fast
TINY = dict(
    hidden_layer_sizes=[(16,)],
    dropouts=[0.0],
    alphas=[0.0],
    learning_rates=[0.05],
    epochs=5,
    n_iter_no_change=5,
    cv=2,
    random_state=0,
)

# Every expected failure, with the reason it is expected.
EXPECTED_FAILED_CHECKS = {
    "check_class_weight_classifiers": (
        "by design: threshold='auto' tunes the threshold on out-of-fold "
        "probabilities for scoring, which undoes the shift class_weight={0: 1000, "
        "1: 1e-4} gives them (the check passes with threshold='none')"
    ),
}


@pytest.mark.slow
@parametrize_with_checks(
    [MultiLabelMLPClassifierCV(**TINY)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_it_is_the_base_estimator_of_a_classifier_chain(multilabel_data):
    X, Y = multilabel_data
    chain = ClassifierChain(
        MultiLabelMLPClassifierCV(**TINY), order=[3, 1, 0, 2], random_state=0
    ).fit(X, Y)
    assert chain.predict(X).shape == Y.shape
    proba = chain.predict_proba(X)
    assert proba.shape == Y.shape and np.all((proba >= 0) & (proba <= 1))
    # each link saw a 1-D y: one threshold, predictions (n,), probabilities (n, 2)
    for k, link in enumerate(chain.estimators_):
        assert link.thresholds_.shape == (1,) and link.n_labels_ == 1
        assert link.n_features_in_ == X.shape[1] + k
        X_link = np.hstack([X, Y[:, chain.order_[:k]]])
        assert link.predict(X_link).shape == (60,)
        assert link.predict_proba(X_link).shape == (60, 2)


def test_it_is_cross_validated_inside_a_pipeline(multilabel_data):
    X, Y = multilabel_data
    pipe = make_pipeline(StandardScaler(), MultiLabelMLPClassifierCV(**TINY))
    folds = KFold(2, shuffle=True, random_state=0)
    scores = cross_val_score(pipe, X, Y, cv=folds, scoring="f1_micro")
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))
    pipe.fit(X, Y)
    assert pipe.predict(X[:3]).shape == (3, 4)
    assert pipe.predict_proba(X[:1]).shape == (1, 4)
    assert pipe.score(X, Y) == pytest.approx(np.mean(np.all(pipe.predict(X) == Y, 1)))

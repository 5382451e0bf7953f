"""scikit-learn's estimator checks, run on small and fast settings."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmultilabel_mlp import MultiLabelMLPClassifier

# Every expected failure, with the reason it is expected.
MINI_BATCH_REASON = (
    "mini-batches: repeated rows give more and differently composed batches than "
    "weighted rows, so the steps differ; with one batch per epoch a weight is "
    "exactly a repeated row (test_sample_weight_equivalence_full_batch)"
)
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": MINI_BATCH_REASON,
    "check_sample_weight_equivalence_on_sparse_data": MINI_BATCH_REASON,
}


def _estimators():
    # Enough epochs and a larger step for the checks' accuracy thresholds on
    # blobs; few enough to keep the suite fast. The second runs every check
    # with early stopping on (its holdout of 1-D and one-column targets).
    return [
        MultiLabelMLPClassifier(
            hidden_layer_sizes=(16,), epochs=30, learning_rate=0.02, random_state=0
        ),
        MultiLabelMLPClassifier(
            hidden_layer_sizes=(16,),
            epochs=30,
            learning_rate=0.02,
            early_stopping=True,
            validation_fraction=0.2,
            n_iter_no_change=30,
            random_state=0,
        ),
    ]


@parametrize_with_checks(
    _estimators(), expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("sparse_x", [False, True])
@pytest.mark.parametrize("optimizer,alpha", [("sgd", 0.0), ("adam", 0.01)])
def test_sample_weight_equivalence_full_batch(sparse_x, optimizer, alpha):
    # scikit-learn's check_sample_weight_equivalence with one batch per epoch:
    # an integer weight is the row repeated, a weight of 0 the row removed (the
    # loss is sum(w * loss) / sum(w), scikit-learn's frequency-weight
    # convention), up to float32 rounding (the check's rtol=1e-7 is float64's)
    rng = np.random.RandomState(0)
    X = rng.rand(30, 5)
    Y = (rng.rand(30, 3) < 0.4).astype(int)
    w = rng.randint(0, 4, size=30)
    X_rep, Y_rep = np.repeat(X, w, axis=0), np.repeat(Y, w, axis=0)
    if sparse_x:
        X, X_rep = sp.csr_matrix(X), sp.csr_matrix(X_rep)
    params = dict(
        hidden_layer_sizes=(8,),
        batch_size=4096,
        epochs=20,
        learning_rate=0.05,
        optimizer=optimizer,
        alpha=alpha,
        random_state=0,
    )
    weighted = MultiLabelMLPClassifier(**params).fit(X, Y, sample_weight=w)
    repeated = MultiLabelMLPClassifier(**params).fit(X_rep, Y_rep)
    scaled = MultiLabelMLPClassifier(**params).fit(X, Y, sample_weight=3.0 * w)
    P = weighted.predict_proba(X)
    np.testing.assert_allclose(P, repeated.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(P, scaled.predict_proba(X), atol=1e-6)
    # and the weights changed the model (the check cannot pass vacuously)
    plain = MultiLabelMLPClassifier(**params).fit(X, Y)
    assert np.abs(P - plain.predict_proba(X)).max() > 1e-3

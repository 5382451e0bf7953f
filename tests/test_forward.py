"""Predictions from the weights in NumPy (``_forward``) against Keras' own forward pass."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import KFold

from skmultilabel_mlp import MultiLabelMLPClassifier, load, save
from skmultilabel_mlp._engine import ACTIVATIONS
from skmultilabel_mlp.model_selection import cross_validate


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_numpy_forward_equals_the_keras_model(activation, multilabel_data):
    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(
        hidden_layer_sizes=(7, 5), activation=activation, epochs=3, random_state=0
    ).fit(X, Y)
    keras_proba = np.asarray(clf.model_.predict_on_batch(X.astype(np.float32)))
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba, keras_proba, rtol=1e-5, atol=1e-6)
    # sparse rows give the same numbers without being densified as a whole
    np.testing.assert_allclose(clf.predict_proba(sp.csr_matrix(X)), proba, atol=1e-6)


def test_a_network_forward_does_not_know_goes_through_keras(multilabel_data):
    import keras

    from skmultilabel_mlp._engine import _forward

    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(epochs=2, random_state=0).fit(X, Y)
    inputs = keras.Input(shape=(X.shape[1],))
    odd = keras.Model(
        inputs,
        keras.layers.Dense(Y.shape[1], activation="sigmoid")(
            keras.layers.BatchNormalization()(inputs)
        ),
    )
    assert _forward.network_from_model(odd) is None
    clf.model_ = odd
    expected = np.asarray(odd.predict_on_batch(X.astype(np.float32)))
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-5)


@pytest.fixture(scope="module")
def fold_estimators(multilabel_data):
    X, Y = multilabel_data
    res = cross_validate(
        MultiLabelMLPClassifier(epochs=5, random_state=0),
        X,
        Y,
        cv=KFold(3, shuffle=True, random_state=0),
        return_estimator=True,
    )
    return res["estimator"]


def test_fold_estimators_build_their_keras_model_only_when_asked(
    fold_estimators, multilabel_data
):
    X, _ = multilabel_data
    est = fold_estimators[0]
    before = est.predict_proba(X)
    assert est._keras_model_ is None  # predicted from the weights alone
    model = est.model_
    assert est.model_ is model  # built once
    np.testing.assert_allclose(
        np.asarray(model.predict_on_batch(X.astype(np.float32))), before, atol=1e-6
    )
    np.testing.assert_allclose(est.predict_proba(X), before, atol=1e-6)
    # compiled as a solo fit's model: it trains further with the same loss
    assert model.optimizer.__class__.__name__ == "Adam"
    assert model.loss is not None


def test_fold_estimators_save_and_load(fold_estimators, multilabel_data, tmp_path):
    X, _ = multilabel_data
    est = fold_estimators[1]
    expected = est.predict_proba(X)
    save(est, tmp_path / "fold.zip")
    np.testing.assert_allclose(load(tmp_path / "fold.zip").predict_proba(X), expected)


def test_unfitted_classifier_has_no_model():
    with pytest.raises(AttributeError, match="not fitted"):
        MultiLabelMLPClassifier().model_  # noqa: B018

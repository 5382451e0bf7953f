"""``partial_fit`` and ``warm_start`` (issue 15, item 3), with scikit-learn's
``test_mlp`` tests of them ported."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from keras.callbacks import History

from skmultilabel_mlp import MultiLabelMLPClassifier

NET = dict(hidden_layer_sizes=(8,), random_state=0)


def _data(n=80, n_labels=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, 5).astype(np.float32)
    Y = ((X[:, :n_labels] + 0.4 * rng.rand(n, n_labels)) > 0.7).astype(int)
    return X, Y


@pytest.mark.parametrize("optimizer", ["adam", "nadam", "sgd", "rmsprop", "adagrad"])
def test_partial_fit_epochs_equal_one_fit(optimizer):
    # ported from sklearn's test_partial_fit_classification (there: predictions
    # of partial_fit epochs equal fit's): here the network is the same to the
    # bit, as each call continues the optimiser state, the shuffle stream and
    # the dropout stream where the previous one stopped
    X, Y = _data()
    params = dict(NET, optimizer=optimizer, dropout=0.2, alpha=0.01)
    fitted = MultiLabelMLPClassifier(epochs=4, **params).fit(X, Y)
    streamed = MultiLabelMLPClassifier(**params)
    for _ in range(4):
        assert streamed.partial_fit(X, Y) is streamed
    np.testing.assert_array_equal(streamed.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_allclose(streamed.history_["loss"], fitted.history_["loss"])


def test_partial_fit_on_chunks_keeps_learning():
    X, Y = _data(n=400)
    clf = MultiLabelMLPClassifier(learning_rate=0.01, **NET)
    for _ in range(15):
        for chunk in np.array_split(np.arange(400), 4):
            clf.partial_fit(X[chunk], Y[chunk])
    assert len(clf.history_["loss"]) == 60
    assert clf.history_["loss"][-1] < 0.8 * clf.history_["loss"][0]


def test_partial_fit_sparse_x_and_y():
    X, Y = _data()
    dense = MultiLabelMLPClassifier(**NET)
    sparse = MultiLabelMLPClassifier(**NET)
    for _ in range(2):
        dense.partial_fit(X, Y)
        sparse.partial_fit(sp.csr_matrix(X), sp.csr_matrix(Y))
    np.testing.assert_allclose(
        sparse.predict_proba(X), dense.predict_proba(X), atol=1e-5
    )


def test_partial_fit_label_set_fixed_by_classes():
    # ported from sklearn's test_partial_fit_unseen_classes: the first chunk
    # lacks a label that classes= names
    X, _ = _data(n=20)
    clf = MultiLabelMLPClassifier(**NET)
    clf.partial_fit(X[:10], [{"a"}, {"b"}] * 5, classes=["a", "b", "c"])
    np.testing.assert_array_equal(clf.label_names_, ["a", "b", "c"])
    clf.partial_fit(X[10:], [{"c"}, set()] * 5)
    assert clf.predict_proba(X).shape == (20, 3)
    with pytest.raises(ValueError, match="not among the classifier's labels"):
        clf.partial_fit(X[:2], [{"d"}, set()])
    # ported from sklearn's test_partial_fit_classes_error
    with pytest.raises(ValueError, match="fixed by the first call"):
        clf.partial_fit(X[:2], [{"a"}, set()], classes=["a", "b"])


def test_partial_fit_one_d_classes():
    X, _ = _data(n=20)
    clf = MultiLabelMLPClassifier(**NET)
    clf.partial_fit(X[:10], np.array(["spam"] * 10), classes=["ham", "spam"])
    np.testing.assert_array_equal(clf.classes_, ["ham", "spam"])
    clf.partial_fit(X[10:], np.array(["ham", "spam"] * 5))
    assert set(clf.predict(X)) <= {"ham", "spam"}
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X[:2], np.array(["eggs", "ham"]))


def test_partial_fit_refuses_other_labels_and_balanced():
    X, Y = _data()
    clf = MultiLabelMLPClassifier(**NET).partial_fit(X, Y)
    with pytest.raises(ValueError, match="same labels"):
        clf.partial_fit(X, Y[:, :2])
    with pytest.raises(ValueError, match="balanced"):
        MultiLabelMLPClassifier(class_weight="balanced", **NET).partial_fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :3], Y)


def test_partial_fit_continues_after_save_and_load(tmp_path):
    from skmultilabel_mlp import load, save

    X, Y = _data()
    reference = MultiLabelMLPClassifier(**NET)
    for _ in range(3):
        reference.partial_fit(X, Y)
    clf = MultiLabelMLPClassifier(**NET).partial_fit(X, Y)
    save(clf, tmp_path / "m.zip")
    loaded = load(tmp_path / "m.zip")
    for _ in range(2):
        loaded.partial_fit(X, Y)
    np.testing.assert_allclose(
        loaded.predict_proba(X), reference.predict_proba(X), atol=1e-6
    )


def test_partial_fit_after_fit_continues_its_weights():
    X, Y = _data()
    clf = MultiLabelMLPClassifier(epochs=5, **NET).fit(X, Y)
    P = clf.predict_proba(X)
    clf.set_params(learning_rate=1e-12).partial_fit(X, Y)
    np.testing.assert_allclose(clf.predict_proba(X), P, atol=1e-6)
    assert len(clf.history_["loss"]) == 6


@pytest.mark.parametrize("callbacks", [None, [History()]])
def test_warm_start_continues_from_the_fitted_weights(callbacks):
    # ported from sklearn's test_warm_start: a second fit starts where the
    # first ended (a near-zero step keeps the model), a cold one does not
    X, Y = _data()
    clf = MultiLabelMLPClassifier(epochs=5, callbacks=callbacks, **NET).fit(X, Y)
    P = clf.predict_proba(X)
    clf.set_params(warm_start=True, learning_rate=1e-12, random_state=1).fit(X, Y)
    np.testing.assert_allclose(clf.predict_proba(X), P, atol=1e-6)
    clf.set_params(warm_start=False).fit(X, Y)
    assert np.abs(clf.predict_proba(X) - P).max() > 1e-3


def test_warm_start_refuses_other_labels_or_shape():
    # ported from sklearn's test_warm_start (its error on changed classes)
    X, Y = _data()
    clf = MultiLabelMLPClassifier(epochs=2, warm_start=True, **NET).fit(X, Y)
    with pytest.raises(ValueError, match="same labels"):
        clf.fit(X, Y[:, :2])
    with pytest.raises(ValueError, match="same network"):
        clf.set_params(hidden_layer_sizes=(4,)).fit(X, Y)
    # a failed fit keeps the fitted state
    assert clf.predict_proba(X).shape == Y.shape


@settings(max_examples=6, deadline=None)
@given(
    epochs=st.integers(1, 3),
    batch_size=st.sampled_from([1, 7, 32, 500]),
    n=st.integers(2, 40),
    sparse_x=st.booleans(),
)
def test_partial_fit_property_equals_fit(epochs, batch_size, n, sparse_x):
    # for any rows, batch size and number of epochs: partial_fit epochs are
    # fit's epochs, and every call adds one loss to the history
    X, Y = _data(n=n)
    X = sp.csr_matrix(X) if sparse_x else X
    params = dict(NET, batch_size=batch_size)
    streamed = MultiLabelMLPClassifier(**params)
    for e in range(epochs):
        streamed.partial_fit(X, Y)
        assert len(streamed.history_["loss"]) == e + 1
    fitted = MultiLabelMLPClassifier(epochs=epochs, **params).fit(X, Y)
    P = streamed.predict_proba(X)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P, fitted.predict_proba(X), atol=1e-6)


def test_a_tampered_optimiser_state_is_refused(tmp_path):
    import zipfile

    from skmultilabel_mlp import load, save

    X, Y = _data()
    clf = MultiLabelMLPClassifier(**NET).partial_fit(X, Y)
    save(clf, tmp_path / "m.zip")
    with zipfile.ZipFile(tmp_path / "m.zip") as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    assert "optimizer.npz" in parts
    state = bytearray(parts["optimizer.npz"])
    state[-40] ^= 0xFF
    parts["optimizer.npz"] = bytes(state)
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(ValueError, match="optimiser state's hash"):
        load(tmp_path / "bad.zip")
    # a fit (not partial_fit) saves no optimiser state
    fitted = MultiLabelMLPClassifier(epochs=2, **NET).fit(X, Y)
    save(fitted, tmp_path / "fit.zip")
    with zipfile.ZipFile(tmp_path / "fit.zip") as zf:
        assert "optimizer.npz" not in zf.namelist()


def test_one_class_model_round_trip(tmp_path):
    from skmultilabel_mlp import load, save

    X, _ = _data(n=10)
    clf = MultiLabelMLPClassifier(epochs=2, **NET).fit(X, np.array(["a"] * 10))
    save(clf, tmp_path / "m.zip")
    np.testing.assert_array_equal(load(tmp_path / "m.zip").predict(X), ["a"] * 10)


# found in review: each failed before its fix
def test_partial_fit_after_fit_keeps_labels_the_fit_learnt():
    X, Y = _data()
    clf = MultiLabelMLPClassifier(epochs=3, **NET).fit(X, Y)
    assert clf._constant_labels_ == {}
    chunk = Y[:10].copy()
    chunk[:, 1] = 0  # label 1 never positive in this chunk, but it was in fit's
    clf.partial_fit(X[:10], chunk)
    assert 1 not in clf._constant_labels_
    assert clf.predict_proba(X)[:, 1].max() > 0


def test_partial_fit_classes_checks():
    X, Y = _data()
    # three classes for a 1-D y: one output with its own classes, fixed now
    clf = MultiLabelMLPClassifier(**NET).partial_fit(X, Y[:, 0], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    # an indicator's classes name its columns, and may be repeated
    clf = MultiLabelMLPClassifier(**NET).partial_fit(X, Y, classes=["a", "b", "c"])
    np.testing.assert_array_equal(clf.label_names_, ["a", "b", "c"])
    clf.partial_fit(X, Y, classes=["a", "b", "c"])
    # label names are matched exactly: "1" is not 1
    sets = MultiLabelMLPClassifier(**NET).partial_fit(X[:2], [{1}, {2}], classes=[1, 2])
    with pytest.raises(ValueError, match="not among"):
        sets.partial_fit(X[:2], [{"1"}, {"2", 1}])


def test_failed_first_partial_fit_leaves_the_model_unfitted():
    from sklearn.exceptions import NotFittedError

    X, Y = _data()
    clf = MultiLabelMLPClassifier(**NET)
    with pytest.raises(ValueError, match="label columns"):
        clf.partial_fit(X, Y, classes=["a", "b"])
    assert not [k for k in vars(clf) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_partial_fit_chunk_with_a_label_unknown_everywhere():
    X, Y = _data()
    clf = MultiLabelMLPClassifier(**NET).partial_fit(X, Y.astype(float))
    one = Y[:1].astype(float)
    one[0, 1] = np.nan
    clf.partial_fit(X[:1], one)  # online update of one row, one label unknown
    assert len(clf.history_["loss"]) == 2


def test_multioutput_partial_fit_equals_per_label_partial_fits():
    # ported from sklearn's test_multi_output_classification_partial_fit: each
    # output's estimator is the one partial_fit of that column alone gives
    from sklearn.multioutput import MultiOutputClassifier

    X, Y = _data()
    multi = MultiOutputClassifier(MultiLabelMLPClassifier(**NET))
    classes = [np.array([0, 1])] * Y.shape[1]
    for _ in range(2):
        multi.partial_fit(X, Y, classes=classes)
    for j, est in enumerate(multi.estimators_):
        alone = MultiLabelMLPClassifier(**NET)
        for _ in range(2):
            alone.partial_fit(X, Y[:, j], classes=[0, 1])
        np.testing.assert_array_equal(est.predict_proba(X), alone.predict_proba(X))
    assert multi.predict(X).shape == Y.shape


def test_a_dask_block_key_for_y_is_a_clear_error(multilabel_data):
    """dask_ml's Incremental passes the key of a 2-D Dask y's block, not the
    block; partial_fit says so and how to give y instead."""
    X, _ = multilabel_data
    clf = MultiLabelMLPClassifier(epochs=1)
    with pytest.raises(ValueError, match=r"key of a Dask block.*Dask DataFrame"):
        clf.partial_fit(X[:2], ("array-0123abcd", 0))
    assert not hasattr(clf, "label_names_")

"""Behaviour of MultiLabelMLPClassifier on its own: shapes, inputs, errors, state."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skmultilabel_mlp import MultiLabelMLPClassifier

FAST = {"epochs": 5, "random_state": 0}


@pytest.fixture(scope="module")
def fitted(multilabel_data):
    """A fitted classifier shared by read-only tests: never refit it."""
    X, Y = multilabel_data
    return MultiLabelMLPClassifier(**FAST).fit(X, Y)


def test_predict_proba_has_one_column_per_label_even_for_one_row(
    fitted, multilabel_data
):
    X, Y = multilabel_data
    proba = fitted.predict_proba(X[:1])
    assert proba.shape == (1, Y.shape[1])
    assert proba.dtype == np.float64
    assert np.all((proba >= 0) & (proba <= 1))


def test_predict_is_int_indicator_of_proba_at_threshold(fitted, multilabel_data):
    X, Y = multilabel_data
    y_pred = fitted.predict(X)
    assert y_pred.shape == Y.shape
    assert y_pred.dtype.kind == "i"
    np.testing.assert_array_equal(y_pred, (fitted.predict_proba(X) >= 0.5).astype(int))


def test_threshold_is_inclusive(multilabel_data):
    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    p = clf.predict_proba(X[:1])[0]
    clf.set_params(threshold=p)  # every label exactly at its threshold
    np.testing.assert_array_equal(clf.predict(X[:1])[0], np.ones(Y.shape[1], int))


def test_predict_uses_per_label_thresholds(multilabel_data):
    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(**FAST, threshold=[0.0, 1.0, 0.0, 1.0]).fit(X, Y)
    y_pred = clf.predict(X)
    assert y_pred[:, 0].all() and y_pred[:, 2].all()
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(y_pred[:, 1], (proba[:, 1] >= 1.0).astype(int))


def test_threshold_of_wrong_length_names_the_fix(fitted, multilabel_data):
    X, _ = multilabel_data
    clf = clone(fitted).set_params(threshold=[0.5, 0.5])
    clf.__dict__.update({k: v for k, v in vars(fitted).items() if k.endswith("_")})
    with pytest.raises(ValueError, match=r"threshold has 2 values .* 4 labels"):
        clf.predict(X)


def test_fitted_attributes(fitted, multilabel_data):
    _X, _Y = multilabel_data
    assert fitted.n_labels_ == 4
    assert fitted.n_features_in_ == 8
    assert list(fitted.label_names_) == [0, 1, 2, 3]
    assert len(fitted.classes_) == 4
    for classes in fitted.classes_:
        np.testing.assert_array_equal(classes, [0, 1])
    assert len(fitted.history_["loss"]) == FAST["epochs"]
    assert fitted.model_.output_shape == (None, 4)
    assert not hasattr(fitted, "feature_names_in_")


def test_label_sets_round_trip_through_predict_labels():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    sets = [
        {name for name, col in zip(["art", "sport", "tech"], (X[i, :3] > 0)) if col}
        for i in range(80)
    ]
    clf = MultiLabelMLPClassifier(epochs=40, learning_rate=0.02, random_state=0)
    clf.fit(X, sets)
    assert list(clf.label_names_) == ["art", "sport", "tech"]
    predicted = clf.predict_labels(X)
    assert all(set(p) <= {"art", "sport", "tech"} for p in predicted)
    exact = np.mean([set(p) == s for p, s in zip(predicted, sets)])
    assert exact > 0.6
    assert clf.score(X, sets) == pytest.approx(exact)


def test_dataframe_names_are_kept(multilabel_data):
    X, Y = multilabel_data
    Xdf = pd.DataFrame(X, columns=[f"f{i}" for i in range(8)])
    Ydf = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    clf = MultiLabelMLPClassifier(**FAST).fit(Xdf, Ydf)
    assert list(clf.feature_names_in_) == list(Xdf.columns)
    assert list(clf.label_names_) == ["a", "b", "c", "d"]
    assert all(set(row) <= set("abcd") for row in clf.predict_labels(Xdf))


def test_sparse_inputs_match_dense(multilabel_data):
    X, Y = multilabel_data
    dense = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    sparse = MultiLabelMLPClassifier(**FAST).fit(sp.csr_matrix(X), sp.csr_matrix(Y))
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), atol=1e-5
    )


def test_one_label_per_row_stays_multilabel():
    """scikeras switches to softmax one-hot mode here; we must not."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    Y = np.eye(3, dtype=int)[rng.randint(0, 3, size=60)]
    clf = MultiLabelMLPClassifier(epochs=3, random_state=0, threshold=0.0).fit(X, Y)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    assert not np.allclose(proba.sum(axis=1), 1.0)  # independent sigmoids
    np.testing.assert_array_equal(clf.predict(X), np.ones((60, 3), int))


def test_one_d_binary_y_is_a_binary_classifier(multilabel_data):
    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y[:, 0])
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    assert clf.predict(X).shape == (60,)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    "make_bad, match",
    [
        (lambda X, Y: (np.where(np.eye(60, 8, dtype=bool), np.nan, X), Y), "NaN"),
        (lambda X, Y: (np.where(np.eye(60, 8, dtype=bool), np.inf, X), Y), "infinity"),
        (lambda X, Y: (X, np.where(Y == 1, 0.5, Y)), r"only 0 and 1 .* \[0.5\]"),
        (lambda X, Y: (X, Y[:50]), "X has 60 rows but y has 50"),
        (lambda X, Y: (X[:0], Y[:0]), "0 sample"),
        (lambda X, Y: (X, Y[:, :0]), "0 label"),
    ],
    ids=["nan-X", "inf-X", "y-not-0-1", "row-mismatch", "empty", "no-labels"],
)
def test_bad_input_gets_a_clear_error(multilabel_data, make_bad, match):
    X, Y = make_bad(*multilabel_data)
    with pytest.raises(ValueError, match=match):
        MultiLabelMLPClassifier(**FAST).fit(X, Y)


def test_wrong_number_of_features_at_predict(fitted, multilabel_data):
    X, _ = multilabel_data
    with pytest.raises(ValueError, match="8 features"):
        fitted.predict(X[:, :5])


def test_predict_before_fit_raises_not_fitted(multilabel_data):
    with pytest.raises(NotFittedError):
        MultiLabelMLPClassifier().predict(multilabel_data[0])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"threshold": 1.5}, "threshold"),
        ({"epochs": 0}, "epochs"),
        ({"activation": "softmax"}, "activation"),
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes"),
    ],
)
def test_bad_parameters_fail_before_training(multilabel_data, params, match):
    with pytest.raises(ValueError, match=match):
        MultiLabelMLPClassifier(**params).fit(*multilabel_data)


def test_inputs_are_never_modified(multilabel_data):
    X, Y = multilabel_data
    X, Y = X.copy(), Y.astype(float)
    Y[0, 0] = np.nan
    w = np.linspace(0.5, 2, 60)
    copies = X.copy(), Y.copy(), w.copy()
    MultiLabelMLPClassifier(**FAST, class_weight="balanced").fit(X, Y, sample_weight=w)
    for before, after in zip(copies, (X, Y, w)):
        np.testing.assert_array_equal(before, after)


def test_same_random_state_gives_identical_predictions(multilabel_data):
    X, Y = multilabel_data
    a = MultiLabelMLPClassifier(**FAST, dropout=0.2).fit(X, Y).predict_proba(X)
    b = MultiLabelMLPClassifier(**FAST, dropout=0.2).fit(X, Y).predict_proba(X)
    c = MultiLabelMLPClassifier(epochs=5, random_state=1).fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib_round_trips_predict_identically(
    fitted, multilabel_data, tmp_path, dumps, loads
):
    X, _ = multilabel_data
    if dumps is None:
        joblib.dump(fitted, tmp_path / "clf.joblib")
        restored = joblib.load(tmp_path / "clf.joblib")
    else:
        restored = loads(dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))


def test_early_stopping_records_validation_loss_and_can_stop(tutorial_like_data):
    X, Y = tutorial_like_data
    clf = MultiLabelMLPClassifier(
        epochs=300,
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate=0.05,
        random_state=0,
    ).fit(X, Y)
    assert len(clf.history_["val_loss"]) == len(clf.history_["loss"]) < 300


def test_failed_refit_leaves_the_previous_model_untouched(multilabel_data):
    import keras

    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    before = clf.predict_proba(X)
    model = clf.model_
    with pytest.raises(KeyboardInterrupt):
        clf.set_params(callbacks=[Boom()], hidden_layer_sizes=(7,)).fit(X[:, :6], Y)
    assert clf.model_ is model and clf.n_features_in_ == 8
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_sparse_y_with_many_labels_stays_sparse_and_trains():
    X = sp.random(200, 300, density=0.02, format="csr", random_state=0)
    Y = sp.random(200, 1200, density=0.01, format="csr", random_state=1)
    Y.data[:] = 1
    clf = MultiLabelMLPClassifier((8,), epochs=2, random_state=0).fit(X, Y)
    assert clf.n_labels_ == 1200
    assert clf.predict_proba(X[:3]).shape == (3, 1200)
    dense = MultiLabelMLPClassifier((8,), epochs=2, random_state=0).fit(X, Y.toarray())
    np.testing.assert_allclose(clf.predict_proba(X), dense.predict_proba(X), atol=1e-5)


def test_memory_estimate_warns_above_the_limit(multilabel_data):
    X, Y = multilabel_data
    with pytest.warns(
        ResourceWarning, match=r"fit needs about .* MB .* max_memory_mb=0\.001"
    ):
        MultiLabelMLPClassifier(epochs=1, max_memory_mb=0.001).fit(X, Y)


def test_negative_sample_weight_is_rejected(multilabel_data):
    X, Y = multilabel_data
    w = np.ones(60)
    w[3] = -1
    with pytest.raises(
        ValueError, match="Negative values in data passed to `sample_weight`"
    ):
        MultiLabelMLPClassifier(epochs=1).fit(X, Y, sample_weight=w)

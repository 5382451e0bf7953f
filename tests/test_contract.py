"""The scikit-learn contract and hostile input: the classifier's side of issue 15.

Each test names the defect it guards against (issue 15's numbering); each
failed on the code before the fix.
"""

import copy

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier
from sklearn.metrics import get_scorer, roc_auc_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier

from skmultilabel_mlp import MultiLabelMLPClassifier, load, save
from skmultilabel_mlp.model_selection import cross_validate

FAST = dict(hidden_layer_sizes=(8,), epochs=4, random_state=0)


def _data(n=60, n_labels=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, 4)
    Y = ((X[:, :n_labels] + 0.3 * rng.rand(n, n_labels)) > 0.6).astype(int)
    return X, Y


# 1. classes_ that sklearn's cross_val_predict and StackingClassifier can read
@pytest.mark.parametrize("n_labels", [1, 2, 3])
@pytest.mark.parametrize("method", ["predict_proba", "predict_log_proba", "predict"])
def test_cross_val_predict_gives_each_folds_predictions(n_labels, method):
    X, Y = _data(n_labels=n_labels)
    cv = KFold(2)
    got = cross_val_predict(MultiLabelMLPClassifier(**FAST), X, Y, cv=cv, method=method)
    assert got.shape == Y.shape
    for train, test in cv.split(X):
        fold = MultiLabelMLPClassifier(**FAST).fit(X[train], Y[train])
        np.testing.assert_allclose(got[test], getattr(fold, method)(X[test]))


@pytest.mark.parametrize("n_labels", [2, 3])
@pytest.mark.parametrize("stack_method", ["predict_proba", "auto"])
def test_stacking_classifier_on_multilabel_y(n_labels, stack_method):
    X, Y = _data(n_labels=n_labels)
    stack = StackingClassifier(
        [("mlp", MultiLabelMLPClassifier(**FAST)), ("knn", KNeighborsClassifier())],
        final_estimator=KNeighborsClassifier(),
        stack_method=stack_method,
        cv=2,
    ).fit(X, Y)
    assert stack.stack_method_[0] == "predict_proba"
    assert stack.predict(X[:5]).shape == (5, n_labels)


def test_two_label_model_is_scored_as_multilabel():
    # what the list-valued classes_ bought, kept by the (n_labels, 2) array:
    # roc_auc averages over both labels instead of reading column 1 as binary
    X, Y = _data(n_labels=2)
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    assert clf.classes_.shape == (2, 2)
    P = clf.predict_proba(X)
    assert get_scorer("roc_auc")(clf, X, Y) == pytest.approx(roc_auc_score(Y, P))
    binary_reading = roc_auc_score(Y[:, 1], P[:, 1])
    assert roc_auc_score(Y, P) != pytest.approx(binary_reading)


# 2. predict_log_proba
def test_predict_log_proba_and_chain_method():
    X, Y = _data()
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    np.testing.assert_allclose(
        clf.predict_log_proba(X), np.log(clf.predict_proba(X)), rtol=1e-12
    )
    # a constant label (probability exactly 0) keeps the log finite, so a chain
    # can pass it on to the next link
    Y[:, 1] = 0
    chain = ClassifierChain(
        MultiLabelMLPClassifier(**FAST), chain_method="predict_log_proba"
    ).fit(X, Y)
    assert chain.predict(X[:3]).shape == (3, 3)


def test_early_stopping_tol_as_keras():
    # an epoch improves when val_loss < best - tol (Keras' EarlyStopping): with
    # a tol no epoch can meet, training stops after 1 + patience epochs, on the
    # compiled loop as on the callbacks path
    from keras.callbacks import Callback

    X, Y = _data()
    params = dict(FAST, epochs=10, early_stopping=True, tol=1e9, n_iter_no_change=2)
    compiled = MultiLabelMLPClassifier(**params).fit(X, Y)
    keras_path = MultiLabelMLPClassifier(**params, callbacks=[Callback()]).fit(X, Y)
    assert len(compiled.history_["loss"]) == len(keras_path.history_["loss"]) == 3


# 4. early stopping with one label
@pytest.mark.parametrize("one_column", [False, True])
def test_early_stopping_with_one_label(one_column):
    X, Y = _data()
    y = Y[:, :1] if one_column else Y[:, 0]
    clf = MultiLabelMLPClassifier(**FAST, early_stopping=True).fit(X, y)
    assert "val_loss" in clf.history_
    assert clf.predict(X).shape == y.shape


def test_wrappers_around_early_stopping():
    X, Y = _data()
    es = MultiLabelMLPClassifier(**FAST, early_stopping=True)
    assert ClassifierChain(es).fit(X, Y).predict(X).shape == Y.shape
    assert MultiOutputClassifier(es).fit(X, Y).predict(X).shape == Y.shape
    calibrated = CalibratedClassifierCV(es, cv=2).fit(X, Y[:, 0])
    assert calibrated.predict_proba(X).shape == (60, 2)


# 6. one-class y, and labels with one value in every training row
def test_one_class_y_is_predicted():
    X, _ = _data(n=10)
    clf = MultiLabelMLPClassifier(epochs=20).fit(X, np.ones(10))
    np.testing.assert_array_equal(clf.predict(X), np.ones(10))
    named = MultiLabelMLPClassifier(epochs=2).fit(X, np.array(["a"] * 10))
    np.testing.assert_array_equal(named.classes_, ["a"])
    np.testing.assert_array_equal(named.predict(X), ["a"] * 10)
    np.testing.assert_array_equal(named.predict_proba(X), np.ones((10, 1)))


def test_constant_labels_predicted_exactly_and_saved(tmp_path):
    X, Y = _data()
    Y[:, 0], Y[:, 1] = 1, 0
    Y = Y.astype(float)
    Y[0, 1] = np.nan  # unknown entries do not make a label non-constant
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    P = clf.predict_proba(X)
    np.testing.assert_array_equal(P[:, 0], 1.0)
    np.testing.assert_array_equal(P[:, 1], 0.0)
    assert 0 < P[:, 2].min() < P[:, 2].max() < 1
    save(clf, tmp_path / "m.zip")
    np.testing.assert_array_equal(load(tmp_path / "m.zip").predict_proba(X), P)


# 8. the caller's sparse y is never edited
def _tricky_sparse_y(dtype):
    Y = sp.csr_matrix(_data()[1].astype(dtype))
    Y.data[0] = 0  # an explicit zero
    Y.indices[:2] = Y.indices[:2][::-1].copy()  # (maybe) unsorted indices
    Y.has_sorted_indices = False
    return Y


@pytest.mark.parametrize("dtype", [np.float64, np.int64])
def test_sparse_y_not_modified(dtype):
    X, _ = _data()
    Y = _tricky_sparse_y(dtype)
    before = copy.deepcopy(Y)
    MultiLabelMLPClassifier(**FAST).fit(X, Y)
    cross_validate(MultiLabelMLPClassifier(**FAST), X, Y, cv=2)
    for a, b in [(Y.data, before.data), (Y.indices, before.indices)]:
        np.testing.assert_array_equal(a, b)
    assert Y.nnz == before.nnz


# 12. the stacked cross_validate validates parameters as fit does
@pytest.mark.parametrize(
    "params",
    [
        dict(epochs=0),
        dict(learning_rate=-1),
        dict(dropout=1.0),
        dict(threshold=1.5),
        dict(alpha=-1),
        dict(class_weight="bogus"),
        dict(batch_size=0),
        dict(epochs=True),
        dict(threshold=True),
    ],
)
def test_cross_validate_refuses_bad_parameters(params):
    X, Y = _data()
    clf = MultiLabelMLPClassifier(**{**FAST, **params})
    with pytest.raises((ValueError, TypeError)) as fit_error:
        clone(clf).fit(X, Y)
    with pytest.raises(type(fit_error.value)):
        cross_validate(clf, X, Y, cv=2, error_score="raise")
    with pytest.raises(ValueError, match="All the 2 fits failed"):
        cross_validate(clf, X, Y, cv=2)  # as scikit-learn's cross_validate


# 15. thresholds checked at fit and at predict
def test_threshold_checked_at_fit_and_predict():
    X, Y = _data()
    with pytest.raises(ValueError, match="threshold has 2 values"):
        MultiLabelMLPClassifier(**FAST, threshold=[0.5, 0.5]).fit(X, Y)
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    for bad, error in [(1.5, ValueError), (np.nan, ValueError), (None, TypeError)]:
        clf.threshold = bad
        with pytest.raises(error, match="threshold"):
            clf.predict(X)
        with pytest.raises(error, match="threshold"):
            clf.predict_labels(X)
    clf.threshold = [0.2, 0.5, 0.9]
    assert clf.predict(X).shape == Y.shape


# 14. (the classifier's half) score matches DataFrame columns by name
def test_score_matches_dataframe_columns_by_name():
    X, Y = _data()
    frame = pd.DataFrame(Y, columns=["sport", "tech", "art"])
    clf = MultiLabelMLPClassifier(**FAST).fit(X, frame)
    Y_pred = clf.predict(X)
    Y_pred[:, 0] = 1 - Y[:, 0]  # a score that depends on the column order
    shuffled = frame[["art", "sport", "tech"]]
    assert clf.score(X, shuffled) == clf.score(X, frame)
    with pytest.raises(ValueError, match="not the labels"):
        clf.score(X, frame.rename(columns={"art": "music"}))


# 17. a diverged fit raises and keeps the previous state
def test_diverged_fit_raises_and_keeps_previous_state():
    X, Y = _data()
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    P = clf.predict_proba(X)
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(X * 1e30, Y)
    np.testing.assert_array_equal(clf.predict_proba(X), P)
    # in cross-validation a diverged fold is a failed fit (error_score)
    with pytest.raises(ValueError, match="diverged"):
        cross_validate(
            MultiLabelMLPClassifier(**FAST), X * 1e30, Y, cv=2, error_score="raise"
        )


# 18. nullable pandas targets, ragged 0/1 lists
@pytest.mark.parametrize("dtype", ["Int64", "boolean", "float64[pyarrow]"])
def test_nullable_pandas_y(dtype):
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    X, Y = _data()
    frame = pd.DataFrame(Y, columns=["a", "b", "c"]).astype(dtype)
    frame.iloc[0, 1] = pd.NA
    clf = MultiLabelMLPClassifier(**FAST).fit(X, frame)
    expected = Y.astype(float)
    expected[0, 1] = np.nan
    plain = MultiLabelMLPClassifier(**FAST).fit(X, expected)
    np.testing.assert_array_equal(clf.label_names_, ["a", "b", "c"])
    np.testing.assert_allclose(clf.predict_proba(X), plain.predict_proba(X))


def test_ragged_indicator_list_is_refused():
    X, _ = _data(n=3)
    with pytest.raises(ValueError, match="ragged list of 0/1"):
        MultiLabelMLPClassifier(**FAST).fit(X, [[0, 1], [1], [0, 1, 1]])
    # label sets named 0 and 1 stay possible, as sets
    clf = MultiLabelMLPClassifier(**FAST).fit(X, [{0, 1}, {1}, set()])
    np.testing.assert_array_equal(clf.label_names_, [0, 1])


# found in review: each failed before its fix
def test_pandas_na_in_a_string_target_is_unknown():
    X, Y = _data()
    y = pd.Series(np.where(Y[:, 0] == 1, "b", "a"), dtype="string")
    y[3] = pd.NA
    clf = MultiLabelMLPClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["a", "b"])


def test_missing_label_in_a_one_d_y():
    X, Y = _data()
    y = Y[:, 0].copy()
    y[:5] = -1
    clf = MultiLabelMLPClassifier(**FAST, missing_label=-1).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, [0, 1])


def test_bools_inside_sequences_are_refused():
    X, Y = _data()
    with pytest.raises(TypeError, match="bools"):
        MultiLabelMLPClassifier(**FAST, threshold=[True, False, True]).fit(X, Y)
    with pytest.raises(ValueError, match="positive integers"):
        MultiLabelMLPClassifier(**{**FAST, "hidden_layer_sizes": (True, 8)}).fit(X, Y)


def test_constant_labels_from_the_rows_training_sees():
    # with early stopping, the compiled and the callbacks path both count the
    # training rows (not the holdout) when deciding a label is constant: here
    # label 1's only positive row is held out, so training never sees it
    from keras.callbacks import History

    from skmultilabel_mlp.model_selection import stratified_holdout

    X, Y = _data()
    Y[:, 1] = 0
    Y[0, 1] = 1
    seed = next(
        s for s in range(50) if 0 in stratified_holdout(Y, 0.5, random_state=s)[1]
    )
    params = dict(FAST, early_stopping=True, validation_fraction=0.5, random_state=seed)
    compiled = MultiLabelMLPClassifier(**params).fit(X, Y)
    keras_path = MultiLabelMLPClassifier(**params, callbacks=[History()]).fit(X, Y)
    assert compiled._constant_labels_ == keras_path._constant_labels_ == {1: 0.0}


def test_score_on_label_sets_uses_the_fitted_labels():
    X, _ = _data(n=6)
    y = [{"a"}, {"b"}, {"a", "b"}, set(), {"a"}, {"b"}]
    clf = MultiLabelMLPClassifier(**FAST).fit(X, y)
    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]])
    assert clf.score(X, y) == clf.score(X, Y)
    with pytest.raises(ValueError, match="not among the classifier's labels"):
        clf.score(X, [{"c"}] * 6)

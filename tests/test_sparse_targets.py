"""Sparse ``y`` stays sparse on the compiled engine: each batch is made dense in the loop."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.model_selection as skms

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.model_selection import cross_validate

from ._checks import same_fold_models

NET = dict(hidden_layer_sizes=(8,), batch_size=16, epochs=3, random_state=0)


def _data(n=150, n_labels=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 7)).astype(np.float32)
    Y = (rng.random((n, n_labels)) < 0.15).astype(int)
    Y[:, 0] = X[:, 0] + 0.3 * rng.random(n) > 0.7
    return X, Y


@pytest.fixture
def engine_data(monkeypatch):
    """The shapes of the arrays each compiled training receives, by key
    (``_stacked`` imports the backend's ``run`` at each call)."""
    import keras

    seen = []
    module = "_stacked_jax" if keras.config.backend() == "jax" else "_stacked_tf"
    backend = __import__(f"skmultilabel_mlp._engine.{module}", fromlist=["run"])
    run = backend.run

    def spy(program, data, *args, **kwargs):
        seen.append({k: getattr(v, "shape", None) for k, v in data.items()})
        return run(program, data, *args, **kwargs)

    monkeypatch.setattr(backend, "run", spy)
    return seen


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"class_weight": "balanced", "early_stopping": True, "n_iter_no_change": 2},
        {"loss": "focal", "dropout": 0.2, "alpha": 1e-3},
    ],
    ids=["plain", "class-weight-early-stopping", "focal-dropout-l2"],
)
def test_sparse_y_trains_the_network_of_dense_y_bit_for_bit(params, engine_data):
    X, Y = _data()
    dense = MultiLabelMLPClassifier(**NET, **params).fit(X, Y)
    sparse = MultiLabelMLPClassifier(**NET, **params).fit(X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))
    assert sparse.history_ == dense.history_
    dense_keys, sparse_keys = engine_data
    assert dense_keys["Y"] == Y.shape
    # no dense (n, L) target reached the engine: padded label columns only
    assert "Y" not in sparse_keys
    assert sparse_keys["Ycols"][0] == Y.shape[0]
    assert sparse_keys["Ycols"][1] < Y.shape[1]


def test_sparse_y_with_sample_weight_and_sparse_x():
    X, Y = _data()
    X[X < 0.6] = 0
    w = np.random.default_rng(1).integers(1, 4, len(X)).astype(float)
    dense = MultiLabelMLPClassifier(**NET).fit(sp.csr_matrix(X), Y, sample_weight=w)
    sparse = MultiLabelMLPClassifier(**NET).fit(
        sp.csr_matrix(X), sp.csr_matrix(Y), sample_weight=w
    )
    np.testing.assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))


def test_stacked_folds_on_sparse_y_are_sklearns_fold_by_fold_fits():
    X, Y = _data(n=120)
    Ys = sp.csr_matrix(Y)
    est = MultiLabelMLPClassifier(**NET)
    cv = skms.KFold(3, shuffle=True, random_state=0)
    ours = cross_validate(est, X, Ys, cv=cv, return_estimator=True)
    theirs = skms.cross_validate(est, X, Y, cv=cv, return_estimator=True)
    same_fold_models(ours, theirs, X)


def test_very_uneven_sparse_y_is_trained_dense_with_the_same_result(engine_data):
    # one row holds every label, the others one: the padded layout would be
    # far larger than the matrix, so the engine takes it dense
    X, _ = _data(n=100, n_labels=40)
    rng = np.random.default_rng(2)
    Y = np.zeros((100, 40), int)
    Y[np.arange(100), rng.integers(0, 40, 100)] = 1
    Y[0] = 1
    dense = MultiLabelMLPClassifier(**NET).fit(X, Y)
    sparse = MultiLabelMLPClassifier(**NET).fit(X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))
    assert "Y" in engine_data[1]


def test_early_stopping_strata_of_a_large_sparse_y_are_its_frequent_labels(
    monkeypatch,
):
    """The holdout of a sparse y too large for a dense copy is stratified on its
    most frequent labels (as many as the limit holds); a smaller y, sparse or
    dense, on every label, as before."""
    from skmultilabel_mlp import _holdout
    from skmultilabel_mlp._utils import indicator_01

    X, Y = _data()
    Y[:5, 3] = 1  # label 3 the most frequent after label 0
    Y[:, 5] = 0  # a label never positive
    Ys = sp.csr_matrix(Y.astype(np.float32))
    np.testing.assert_array_equal(_holdout.strata(Ys), indicator_01(Y))
    np.testing.assert_array_equal(_holdout.strata(Y), indicator_01(Y))
    monkeypatch.setattr(_holdout, "MAX_STRATA_ENTRIES", 3 * Y.shape[0])
    counts = Y.sum(axis=0)
    top = np.sort(np.argsort(-counts, kind="stable")[:3])
    assert 0 in top and 5 not in top
    np.testing.assert_array_equal(_holdout.strata(Ys), Y[:, top])
    np.testing.assert_array_equal(_holdout.strata(Y), Y)  # dense: all labels
    with_nan = Ys.copy()
    with_nan.data[:4] = np.nan  # unknown entries count as 0, as before
    known = indicator_01(with_nan)
    top_known = np.sort(np.argsort(-known.sum(axis=0), kind="stable")[:3])
    np.testing.assert_array_equal(_holdout.strata(with_nan), known[:, top_known])
    clf = MultiLabelMLPClassifier(**NET, early_stopping=True)
    train, val = clf._validation_split(Ys)
    want = _holdout.stratified_holdout(Y[:, top], clf.validation_fraction, 0)
    np.testing.assert_array_equal(train, want[0])
    np.testing.assert_array_equal(val, want[1])
    clf.fit(X, Ys)  # and the fit trains on that split
    assert len(clf.history_["val_loss"]) >= 1


@pytest.mark.parametrize("scoring", [None, "f1_micro", ["hamming_loss", "f1_macro"]])
def test_cross_validate_makes_no_dense_copy_of_a_whole_sparse_y(monkeypatch, scoring):
    """Only a test fold's rows are ever made dense (to score them, as large as
    the fold's predictions), never the whole (n, L) y; the scores are dense y's."""
    X, Y = _data(n=120)
    Ys = sp.csr_matrix(Y)
    shapes = []
    original = sp.csr_matrix.toarray

    def spy(self, *args, **kwargs):
        shapes.append(self.shape)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sp.csr_matrix, "toarray", spy)
    est = MultiLabelMLPClassifier(**NET)
    cv = skms.KFold(3, shuffle=True, random_state=0)
    ours = cross_validate(est, X, Ys, cv=cv, scoring=scoring)
    assert shapes and max(n for n, _ in shapes) <= 40
    monkeypatch.undo()
    dense = cross_validate(est, X, Y, cv=cv, scoring=scoring)
    for key in (k for k in dense if k.startswith("test_")):
        np.testing.assert_allclose(ours[key], dense[key])

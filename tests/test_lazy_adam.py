"""``optimizer="lazy_adam"``: a sparse first layer updates only the rows a batch touches."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.model_selection as skms

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.model_selection import cross_validate

from ._checks import same_fold_models

B1, B2, EPS = 0.9, 0.999, 1e-7


def _kit():
    import keras

    if keras.config.backend() == "jax":
        from skmultilabel_mlp._engine._stacked_jax import _KIT

        return _KIT
    import dataclasses

    from skmultilabel_mlp._engine._stacked_tf import _KIT, _VariableRows

    return dataclasses.replace(_KIT, rows=_VariableRows((2 * 5, 3)))


def _reference(W, m, v, grad_rows, t, lr, alpha):
    """PyTorch SparseAdam's step on the touched rows (grad_rows: {row: summed grad})."""
    W, m, v = W.copy(), m.copy(), v.copy()
    for row, g in grad_rows.items():
        g = g + 2 * alpha * W[row]
        m[row] = m[row] + (g - m[row]) * (1 - B1)
        v[row] = v[row] + (g * g - v[row]) * (1 - B2)
        rate = lr * np.sqrt(1 - B2**t) / (1 - B1**t)
        W[row] = W[row] - rate * m[row] / (np.sqrt(v[row]) + EPS)
    return W, m, v


@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_a_lazy_step_moves_only_the_touched_rows_as_sparse_adam_does(alpha):
    from keras import ops

    from skmultilabel_mlp._engine import _lazy
    from skmultilabel_mlp._engine._loop import Program

    rng = np.random.default_rng(0)
    K, d, h, B = 2, 5, 3, 2
    W = rng.normal(size=(K, d, h)).astype(np.float32)
    m = rng.normal(size=(K, d, h)).astype(np.float32) * 0.1
    v = rng.random((K, d, h)).astype(np.float32) * 0.1
    b = np.zeros((K, h), np.float32)
    # copy 0: feature 1 twice (two rows), feature 3 once, a padding slot
    # (column 0, value 0); copy 1: feature 4 with an explicit 0 (not touched),
    # and a row past the batch's end (valid false)
    cols = np.array([[[1, 3, 0], [1, 0, 0]], [[4, 2, 0], [1, 0, 0]]], np.int32)
    vals = np.array([[[1, 2, 0], [3, 0, 0]], [[0, 5, 0], [6, 0, 0]]], np.float32)
    valid = np.array([[True, True], [True, False]])
    # the gradient arriving at each batch row's first-layer product
    upstream = rng.normal(size=(K, B, h)).astype(np.float32)
    t = np.array([3.0, 5.0], np.float32)
    lr = np.array([0.01, 0.02], np.float32)
    data = {"learning_rate": lr, "alpha": np.full(K, alpha, np.float32)}
    program = Program(
        "relu", "lazy_adam", B, 1, 1, False, alpha > 0, False, False, True,
        False, False, False, False, lazy=True,
    )  # fmt: skip
    kit = _kit()
    params, state = _lazy.start(kit.rows, [W, b], [[m, b * 0], [v, b * 0]])
    vals_t = ops.convert_to_tensor(vals)
    batch = _lazy.distinct_rows(
        ops.convert_to_tensor(cols), vals_t, ops.convert_to_tensor(valid), d, kit
    )
    first = _lazy.read_rows(kit.rows, params, batch, h)

    def loss_fn(params):
        product = _lazy.bag(params[0], batch, vals_t, kit)
        return ops.sum(product * upstream, axis=(1, 2))

    _, grads = kit.value_and_grad(loss_fn, [first])
    params, state = _lazy.update(
        params,
        [grads[0], ops.zeros((K, h))],
        state,
        ops.convert_to_tensor(t),
        data,
        program,
        kit,
        batch,
        None,
        first,
    )
    params, state = _lazy.dense(kit.rows, params, state, (K, d, h))
    got = [ops.convert_to_numpy(a) for a in (params[0], state[0][0], state[1][0])]
    for k, touched in enumerate(
        [
            # a feature's gradient: its values times its rows' upstream, summed
            {1: 1 * upstream[0, 0] + 3 * upstream[0, 1], 3: 2 * upstream[0, 0]},
            {2: 5 * upstream[1, 0]},
        ]
    ):
        expected = _reference(W[k], m[k], v[k], touched, t[k], lr[k], alpha)
        for a, e in zip(got, expected):
            np.testing.assert_allclose(a[k], e, rtol=1e-5, atol=1e-6)
    # untouched rows (padding column 0, the explicit zero, rows of no batch
    # row) kept their weights and moments bit for bit
    np.testing.assert_array_equal(got[0][0, [0, 2, 4]], W[0, [0, 2, 4]])
    np.testing.assert_array_equal(got[1][1, [0, 1, 3, 4]], m[1, [0, 1, 3, 4]])


def _sparse_data(n=120, d=30, density=0.15, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed)
    X.data = (X.data + 0.5).astype(np.float32)
    Y = (rng.random((n, 3)) < 0.3).astype(int)
    Y[:, 0] = np.asarray(X[:, :5].sum(axis=1)).ravel() > 0.5
    return X.astype(np.float32), Y


NET = dict(hidden_layer_sizes=(6,), batch_size=16, epochs=4, random_state=3)


def test_lazy_adam_trains_and_is_another_rule_on_sparse_rows():
    X, Y = _sparse_data()
    lazy = MultiLabelMLPClassifier(**NET, optimizer="lazy_adam").fit(X, Y)
    exact = MultiLabelMLPClassifier(**NET).fit(X, Y)
    assert lazy.history_["loss"][-1] < lazy.history_["loss"][0]
    # exact Adam's moments decay at every step, lazy Adam's only where a
    # batch touches the row: the two rules end at other networks
    assert not np.allclose(lazy.predict_proba(X), exact.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(lazy.predict_proba(X), exact.predict_proba(X), atol=0.05)


def test_lazy_is_exact_adam_where_every_step_touches_every_row():
    # every row holds every feature (stored sparse): no row is ever skipped,
    # so the lazy rule is Adam's; only the order of a row's additions differs
    rng = np.random.default_rng(1)
    X = sp.csr_matrix(rng.random((64, 8)).astype(np.float32) + 0.1)
    Y = (rng.random((64, 3)) < 0.4).astype(int)
    lazy = MultiLabelMLPClassifier(**NET, optimizer="lazy_adam", alpha=1e-3).fit(X, Y)
    exact = MultiLabelMLPClassifier(**NET, alpha=1e-3).fit(X, Y)
    np.testing.assert_allclose(lazy.predict_proba(X), exact.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(lazy.history_["loss"], exact.history_["loss"], rtol=1e-5)


def test_lazy_adam_on_dense_x_is_adam_bit_for_bit():
    X, Y = _sparse_data()
    X = X.toarray()
    lazy = MultiLabelMLPClassifier(**NET, optimizer="lazy_adam").fit(X, Y)
    exact = MultiLabelMLPClassifier(**NET).fit(X, Y)
    np.testing.assert_array_equal(lazy.predict_proba(X), exact.predict_proba(X))


def test_stacked_lazy_folds_are_sklearns_fold_by_fold_fits():
    X, Y = _sparse_data(n=150)
    est = MultiLabelMLPClassifier(
        **NET, optimizer="lazy_adam", early_stopping=True, n_iter_no_change=2
    )
    cv = skms.KFold(3, shuffle=True, random_state=0)
    ours = cross_validate(est, X, Y, cv=cv, return_estimator=True)
    theirs = skms.cross_validate(est, X, Y, cv=cv, return_estimator=True)
    same_fold_models(ours, theirs, X)


def test_lazy_partial_fit_epochs_equal_one_fit():
    X, Y = _sparse_data()
    params = dict(NET, optimizer="lazy_adam", alpha=0.01, dropout=0.2)
    fitted = MultiLabelMLPClassifier(**params).fit(X, Y)
    streamed = MultiLabelMLPClassifier(**params)
    for _ in range(NET["epochs"]):
        streamed.partial_fit(X, Y)
    np.testing.assert_allclose(
        streamed.predict_proba(X), fitted.predict_proba(X), atol=1e-6
    )


def test_the_keras_path_runs_lazy_adam_as_adam_and_says_so():
    import keras

    X, Y = _sparse_data(n=60)
    callback = keras.callbacks.History()
    with pytest.warns(UserWarning, match="lazy_adam.*Keras callbacks"):
        clf = MultiLabelMLPClassifier(
            **NET, optimizer="lazy_adam", callbacks=[callback]
        ).fit(X, Y)
    assert clf.predict_proba(X).shape == Y.shape

"""Inside the compiled engine: random numbers, initial weights, padding, compiler options."""

import itertools
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from skmultilabel_mlp._engine import FitSpec, _network

ARCH = {
    "hidden_layer_sizes": (6, 4),
    "activation": "relu",
    "kernel_initializer": "lecun_normal",
    "dropout": 0.0,
    "alpha": 0.0,
}


def _backend():
    import keras

    return keras.config.backend()


def _spec(**params):
    base = {
        "n_features": 5,
        "n_labels": 3,
        "optimizer": "adam",
        "learning_rate": 1e-3,
        "batch_size": 8,
        "epochs": 3,
        "seed": 11,
        **ARCH,
    }
    return FitSpec(**{**base, **params})


def test_initial_weights_are_those_a_solo_fit_starts_from():
    expected = _network.build_mlp(5, 3, **ARCH, seed=11).get_weights()
    got = _network.initial_weights(_spec())
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


# -- the counter-based random numbers (``_random``) ---------------------------


def _lowbias32(x):
    """The reference hash in NumPy, on uint64 to keep the products exact."""
    x = x.astype(np.uint64)
    mask = np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & mask
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & mask
    x ^= x >> np.uint64(16)
    return x.astype(np.uint32)


def test_hash_is_lowbias32_on_the_backend():
    from keras import ops

    from skmultilabel_mlp._engine import _random

    x = np.array([0, 1, 2, 12345, 0xFFFFFFFE, 0xFFFFFFFF], np.uint32)
    got = ops.convert_to_numpy(_random.hash32(ops.convert_to_tensor(x, "uint32")))
    np.testing.assert_array_equal(got, _lowbias32(x))


@pytest.mark.parametrize("N", [7, 900, 5000])
def test_shuffle_is_a_fresh_permutation_of_each_copys_rows(N):
    from keras import ops

    from skmultilabel_mlp._engine import _random

    n_k = np.array([N, N - 3, N // 2], np.int32)
    seeds = ops.convert_to_tensor(np.array([1, 2, 3], np.uint32))
    orders = [
        ops.convert_to_numpy(
            _random.shuffled_positions(
                _random.stream(seeds, _random.SHUFFLE, epoch), n_k, N
            )
        )
        for epoch in range(2)
    ]
    for order in orders:
        for row, n in zip(order, n_k):
            assert sorted(row[:n]) == list(range(n))  # the copy's rows, once each
            assert row[n:].min(initial=0) >= 0 and row[n:].max(initial=0) < N
    assert not np.array_equal(orders[0][0], orders[1][0])  # a new order every epoch


def test_a_copys_shuffle_depends_on_its_seed_only():
    """Not on the padding, the number of copies or the other copies' seeds."""
    from keras import ops

    from skmultilabel_mlp._engine import _random

    def order(seeds, n_k, N):
        keys = _random.stream(
            ops.convert_to_tensor(np.array(seeds, np.uint32)), _random.SHUFFLE, 4
        )
        return ops.convert_to_numpy(
            _random.shuffled_positions(keys, np.array(n_k, np.int32), N)
        )

    alone = order([7], [50], 50)[0]
    np.testing.assert_array_equal(order([3, 7, 9], [40, 50, 60], 64)[1][:50], alone)
    np.testing.assert_array_equal(order([7], [50], 1024)[0][:50], alone)


def test_dropout_numbers_depend_on_seed_step_and_place_only():
    from keras import ops

    from skmultilabel_mlp._engine import _random

    def uniform(seeds, step, width):
        keys = _random.stream(
            ops.convert_to_tensor(np.array(seeds, np.uint32)), _random.DROPOUT, step
        )
        return ops.convert_to_numpy(_random.dropout_uniform(keys, 0, 4, width))

    u = uniform([5], 3, 6)[0]
    assert u.min() >= 0 and u.max() < 1
    # a copy's numbers do not change when other copies or wider layers join
    np.testing.assert_array_equal(uniform([1, 5], 3, 10)[1][:, :6], u)
    assert not np.array_equal(uniform([5], 4, 6)[0], u)  # a new mask every step
    # about the right share of a large sample falls below a rate
    big = uniform([5], 3, 4096)
    assert abs((big < 0.3).mean() - 0.3) < 0.01


# -- stacked copies of different widths ---------------------------------------


def test_narrower_copies_padded_to_the_widest_train_as_alone(multilabel_data):
    """Padding a copy's hidden layers with masked units does not change it."""
    from skmultilabel_mlp._engine._stacked import train_stacked

    X, Y = multilabel_data
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    rows = np.arange(50)
    narrow = _spec(n_features=8, n_labels=4, hidden_layer_sizes=(3, 2), seed=1)
    wide = _spec(n_features=8, n_labels=4, hidden_layer_sizes=(6, 4), seed=2)
    ((alone, _),) = train_stacked([narrow], X, Y, [rows])
    (together, _), _ = train_stacked([narrow, wide], X, Y, [rows, rows])
    for (a, b, _), (c, d, _) in zip(alone, together):
        assert a.shape == c.shape
        np.testing.assert_allclose(a, c, atol=2e-6)
        np.testing.assert_allclose(b, d, atol=2e-6)


# -- the JAX engine -----------------------------------------------------------

jax_only = pytest.mark.skipif(
    _backend() != "jax", reason="the JAX engine runs with KERAS_BACKEND=jax"
)


@jax_only
def test_jax_engine_draws_the_same_initial_weights_inside_its_program():
    import jax
    import jax.numpy as jnp

    from skmultilabel_mlp._engine._stacked_jax import _drawn_params

    seeds = [3, 11]
    kernels = [
        _network.kernel_inits(ARCH["kernel_initializer"], _network.layer_seeds(s, 2))
        for s in seeds
    ]
    kernel_seeds = np.array([[s for _, s in k] for k in kernels], dtype=np.uint32)
    draw = jax.jit(_drawn_params, static_argnums=(1, 2))
    params = draw(
        jnp.asarray(kernel_seeds),
        tuple(name for name, _ in kernels[0]),
        (5, 6, 4, 3),
    )
    for k, seed in enumerate(seeds):
        expected = _network.build_mlp(5, 3, **ARCH, seed=seed).get_weights()
        for p, e in zip(params, expected):
            np.testing.assert_array_equal(np.asarray(p[k]), e)


@jax_only
def test_jax_matmul_backward_equals_autodiff():
    """The stacked product's hand-written VJP (physical transposes) is its gradient."""
    import jax
    import jax.numpy as jnp

    from skmultilabel_mlp._engine._stacked_jax import _matmul

    rng = np.random.default_rng(0)
    h = jnp.asarray(rng.normal(size=(3, 8, 5)), jnp.float32)
    W = jnp.asarray(rng.normal(size=(3, 5, 4)), jnp.float32)
    g = jnp.asarray(rng.normal(size=(3, 8, 4)), jnp.float32)

    def reference(h, W):
        return jnp.sum(jnp.einsum("kbd,kdh->kbh", h, W) * g)

    def ours(h, W):
        return jnp.sum(_matmul(h, W) * g)

    for a, b in zip(jax.grad(ours, (0, 1))(h, W), jax.grad(reference, (0, 1))(h, W)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_rows_are_padded_to_buckets_so_other_row_counts_reuse_a_program():
    from skmultilabel_mlp._engine._buckets import bucket

    assert [bucket(n) for n in (1, 850, 900, 1024, 1025)] == [1, 1024, 1024, 1024, 2048]
    big = [bucket(n) for n in (100_000, 100_001, 2_000_000)]
    assert all(b >= n for b, n in zip(big, (100_000, 100_001, 2_000_000)))
    assert all(b <= n * 1.125 for b, n in zip(big, (100_000, 100_001, 2_000_000)))


@jax_only
def test_jax_engine_falls_back_when_xla_lacks_the_cpu_options(
    monkeypatch, multilabel_data
):
    import jax

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp._engine import _stacked_jax
    from skmultilabel_mlp.model_selection import cross_val_score

    X, Y = multilabel_data
    est = MultiLabelMLPClassifier(epochs=3, random_state=0)
    expected = cross_val_score(est, X, Y, cv=3)

    def old_xla(*args, **kwargs):
        raise jax.errors.JaxRuntimeError(
            "INVALID_ARGUMENT: No such compile option: 'xla_cpu_use_fusion_emitters'"
        )

    compiled = {
        kind: dict(v, tuned=old_xla) for kind, v in _stacked_jax._compiled.items()
    }
    monkeypatch.setattr(_stacked_jax, "_compiled", compiled)
    np.testing.assert_allclose(cross_val_score(est, X, Y, cv=3), expected)
    # the folds train in turn, a call each; the options are not tried again
    assert compiled["drawn"]["tuned"] is None


@jax_only
def test_jax_programs_of_sparse_rows_compile_with_the_scatter_options(monkeypatch):
    """Sparse rows' programs take ``_SCATTER_OPTIONS`` (XLA's fusion emitters
    run their gradient's scatter as one kernel), dense rows' the tuned ones;
    the same network either way as before: sparse rows equal dense ones."""
    import collections

    import scipy.sparse as sp

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp._engine import _stacked_jax

    used = []

    def spy(version, jitted):
        def call(*args, **static):
            used.append(version)
            return jitted(*args, **static)

        call.lower = jitted.lower
        return call

    compiled = {
        kind: {version: spy(version, f) for version, f in v.items()}
        for kind, v in _stacked_jax._compiled.items()
    }
    monkeypatch.setattr(_stacked_jax, "_compiled", compiled)
    monkeypatch.setattr(_stacked_jax, "_ahead", collections.OrderedDict())
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6)).astype(np.float32)
    X[X < 0.5] = 0
    Y = (rng.uniform(size=(40, 3)) < 0.4).astype(int)
    est = MultiLabelMLPClassifier((5,), epochs=4, batch_size=8, random_state=0)
    dense = est.fit(X, Y).predict_proba(X)
    assert used == ["tuned"]
    sparse = est.fit(sp.csr_matrix(X), Y).predict_proba(X)
    assert used == ["tuned", "scatter"]
    assert _stacked_jax._SCATTER_OPTIONS["xla_cpu_use_fusion_emitters"] is True
    np.testing.assert_allclose(sparse, dense, atol=1e-5)


@jax_only
def test_jax_engine_reraises_other_xla_errors(monkeypatch, multilabel_data):
    import jax

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp._engine import _stacked_jax
    from skmultilabel_mlp.model_selection import cross_val_score

    X, Y = multilabel_data

    def broken(*args, **kwargs):
        raise jax.errors.JaxRuntimeError("RESOURCE_EXHAUSTED: out of memory")

    compiled = {
        kind: dict(v, tuned=broken) for kind, v in _stacked_jax._compiled.items()
    }
    monkeypatch.setattr(_stacked_jax, "_compiled", compiled)
    with pytest.raises(jax.errors.JaxRuntimeError, match="out of memory"):
        cross_val_score(
            MultiLabelMLPClassifier(epochs=2), X, Y, cv=3, error_score="raise"
        )


def test_jax_cross_validation_never_imports_tensorflow():
    """TensorFlow's import alone costs more than a whole fold-stacked CV on JAX."""
    pytest.importorskip("jax")
    code = textwrap.dedent(
        """
        import sys
        from sklearn.datasets import make_multilabel_classification
        from skmultilabel_mlp import MultiLabelMLPClassifier
        from skmultilabel_mlp.model_selection import cross_validate
        X, Y = make_multilabel_classification(60, random_state=0)
        res = cross_validate(MultiLabelMLPClassifier(epochs=2), X, Y, cv=3,
                             return_estimator=True)
        res["estimator"][0].predict_proba(X)
        MultiLabelMLPClassifier(epochs=2).fit(X, Y).predict(X)
        print(sorted(m for m in ("tensorflow", "scikeras") if m in sys.modules))
        """
    )
    env = dict(os.environ, KERAS_BACKEND="jax")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_stacked_copy_is_its_solo_fit_over_whole_batch_steps():
    """Sums inside a step are products with ones: a copy's numbers do not depend
    on how many copies train beside it (with a plain ``sum`` the bias gradient
    of some of 10 stacked JAX copies differed from their solo fits' by 1e-10)."""
    from sklearn import model_selection as skms

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import make_tutorial_problem
    from skmultilabel_mlp.model_selection import cross_validate

    X, Y = make_tutorial_problem(return_X_y=True)
    cv = skms.KFold(10, shuffle=True, random_state=1)
    est = MultiLabelMLPClassifier(epochs=2, batch_size=1000, random_state=0)
    kw = {"return_estimator": True, "return_indices": True}
    stacked = cross_validate(est, X, Y, cv=cv, **kw)
    solo = skms.cross_validate(est, X, Y, cv=cv, **kw)
    # batched, JAX 0.10.2's XLA made 39 of these 300 probabilities differ by
    # up to 5.8e-8: its copies now train in turn (``_stacked_jax.in_turn``)
    for test, a, b in zip(
        stacked["indices"]["test"], stacked["estimator"], solo["estimator"]
    ):
        np.testing.assert_array_equal(
            a.predict_proba(X[test]), b.predict_proba(X[test])
        )


def _early_stopping_group(optimizer, sparse, weighted):
    """7 copies whose patience, learning rate, dropout and L2 differ: each
    stops at its own epoch."""
    import scipy.sparse as sps
    from sklearn.datasets import make_multilabel_classification

    from skmultilabel_mlp._engine import EarlyStopping

    X, Y = make_multilabel_classification(
        n_samples=200, n_features=8, n_classes=4, random_state=0
    )
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    X = sps.csr_matrix(X) if sparse else X
    w = np.random.RandomState(1).uniform(0.5, 2, 200) if weighted else None
    rng = np.random.RandomState(0)
    specs, rows, vrows = [], [], []
    for k in range(7):  # patience, learning rates, dropout, L2 all differ
        specs.append(
            _spec(
                n_features=8,
                n_labels=4,
                optimizer=optimizer,
                learning_rate=(3e-2, 1e-2, 3e-3)[k % 3],
                batch_size=16,
                epochs=60,
                seed=k,
                hidden_layer_sizes=(16,),
                dropout=0.2 if k % 2 else 0.0,
                alpha=1e-3 if k % 3 == 0 else 0.0,
                early_stopping=EarlyStopping(patience=1 + k % 4, min_delta=0.0),
            )
        )
        order = rng.permutation(200)
        rows.append(order[:150])
        vrows.append(order[150:])
    return specs, X, Y, rows, w, vrows


_GROUPS = pytest.mark.parametrize(
    "optimizer, sparse, weighted",
    [("adam", False, False), ("nadam", False, True), ("lazy_adam", True, False)],
)


@_GROUPS
def test_each_copy_of_an_early_stopping_group_is_its_solo_fit(
    optimizer, sparse, weighted
):
    """One seed, one result: every copy of a stacked computation (in turn on
    both backends: ``_stacked_tf.in_turn``, ``_stacked_jax.in_turn``) ends
    with its solo fit's weights and history, bit for bit, each at its own
    epoch."""
    from skmultilabel_mlp._engine import _stacked

    specs, X, Y, rows, w, vrows = _early_stopping_group(optimizer, sparse, weighted)
    whole = _stacked.train_stacked(specs, X, Y, rows, w, val_rows=vrows)
    assert len({len(h["loss"]) for _, h in whole}) > 3  # own stopping epochs
    assert all("val_loss" in h for _, h in whole)
    _assert_each_copy_is_its_solo_fit(whole, specs, X, Y, rows, w, vrows)


@_GROUPS
def test_a_training_that_reports_each_epoch_is_the_silent_one(
    capsys, optimizer, sparse, weighted
):
    """``verbose`` changes what is printed, never the networks: on TensorFlow
    a reporting program runs one epoch per XLA run and a silent one every
    epoch in one, and both are the same computation (``_loop.Kit.epoch``;
    lazy Adam's programs, plain graphs, and JAX's report from inside theirs)."""
    from skmultilabel_mlp._engine import _stacked

    specs, X, Y, rows, w, vrows = _early_stopping_group(optimizer, sparse, weighted)
    silent = _stacked.train_stacked(specs, X, Y, rows, w, val_rows=vrows)
    loud = _stacked.train_stacked(specs, X, Y, rows, w, val_rows=vrows, verbose=2)
    printed = capsys.readouterr()
    lines = (printed.out + printed.err).count("Epoch ")
    assert lines == sum(len(h["loss"]) for _, h in silent)  # one per epoch run
    for (a_layers, a), (b_layers, b) in zip(silent, loud):
        assert a == b
        for (k1, b1, _), (k2, b2, _) in zip(a_layers, b_layers):
            np.testing.assert_array_equal(k1, k2)
            np.testing.assert_array_equal(b1, b2)


def _assert_each_copy_is_its_solo_fit(whole, specs, X, Y, rows, w=None, vrows=None):
    """Each copy of ``train_stacked``'s ``whole`` result has its solo fit's
    weights and history (every entry), bit for bit."""
    from skmultilabel_mlp._engine import _stacked

    for k, (layers, history) in enumerate(whole):
        [(solo_layers, solo_history)] = _stacked.train_stacked(
            specs[k : k + 1],
            X,
            Y,
            rows[k : k + 1],
            w,
            val_rows=None if vrows is None else vrows[k : k + 1],
        )
        assert history.keys() == solo_history.keys()
        for key in history:
            np.testing.assert_array_equal(history[key], solo_history[key])
        for (k1, b1, _), (k2, b2, _) in zip(layers, solo_layers):
            np.testing.assert_array_equal(k1, k2)
            np.testing.assert_array_equal(b1, b2)


@pytest.mark.parametrize("optimizer", ["adam", "nadam"])
def test_a_copy_among_many_is_its_solo_fit_at_any_batch_length(optimizer):
    """Nine copies (more than a SIMD packet of them: one copy's element-wise
    work once fell to the scalar loop and another's to the packets, and their
    step sizes differed in the last bit), a batch of 10 rows with 3 labels
    (30 numbers: no multiple of a packet) and tanh: each copy ends with its
    solo fit's weights, bit for bit (``_optim.LANES``)."""
    from skmultilabel_mlp._engine import _stacked

    rng = np.random.RandomState(0)
    X = rng.normal(size=(95, 5)).astype(np.float32)
    Y = (rng.uniform(size=(95, 3)) < 0.4).astype(np.float32)
    specs = [
        _spec(
            optimizer=optimizer,
            activation="tanh",
            hidden_layer_sizes=(7,),
            batch_size=10,
            epochs=8,
            seed=k,
            learning_rate=1e-2,
            dropout=0.25 if k % 2 else 0.0,
        )
        for k in range(9)
    ]
    rows = [rng.permutation(95)[: 80 + k] for k in range(9)]
    whole = _stacked.train_stacked(specs, X, Y, rows)
    _assert_each_copy_is_its_solo_fit(whole, specs, X, Y, rows)


def test_a_copys_power_does_not_depend_on_the_number_of_copies():
    """``_optim.power`` (Adam's bias corrections): each copy's value is the
    same alone as among 2 to 40 copies, for every step count up to 4,000."""
    from keras import ops

    from skmultilabel_mlp._engine import _optim

    t = np.arange(1, 4001, dtype=np.float32)
    alone = np.array(
        [
            ops.convert_to_numpy(_optim.power(0.999, t[i : i + 1]))[0]
            for i in range(0, 4000, 97)
        ]
    )
    for K in (2, 7, 8, 9, 16, 40):
        batched = np.concatenate(
            [
                ops.convert_to_numpy(_optim.power(0.999, t[i : i + K]))
                for i in range(0, 4000, K)
            ]
        )
        np.testing.assert_array_equal(batched[::97], alone)
    base = np.float64(np.float32(0.999))  # the float32 constant's value
    np.testing.assert_allclose(alone, base ** t[::97].astype(np.float64), rtol=1e-6)


@_GROUPS
@pytest.mark.skipif(
    _backend() == "jax",
    reason="the JAX engine trains a computation's copies in turn, each to its "
    "own epoch: it has no segments",
)
def test_copies_left_training_go_on_in_fewer_slots_as_in_the_whole_group(
    monkeypatch, optimizer, sparse, weighted
):
    """Segments (``_segments``): once most copies stopped, the rest go on in a
    smaller program from the loop's state, and train as they did in the
    whole group."""
    from skmultilabel_mlp._engine import _segments, _stacked

    specs, X, Y, rows, w, vrows = _early_stopping_group(optimizer, sparse, weighted)
    import importlib

    engine = importlib.import_module(
        "skmultilabel_mlp._engine._stacked_" + ("jax" if _backend() == "jax" else "tf")
    )
    # segments serve batched copies, TensorFlow's graph mode (with XLA
    # epochs the copies train in turn, each to its own epoch, and need none).
    # Without oneDNN's kernels (the package's default) Eigen's batched product
    # depends on the number of copies in the last bit, so fewer slots agree
    # to float32 rounding, not bit for bit
    monkeypatch.setattr(engine, "COPIES_IN_TURN", False)
    monkeypatch.setattr(engine, "XLA_EPOCHS", False)
    sizes, real = [], engine.run

    def spy(program, data, specs, *args):  # the copies of each computation
        sizes.append(len(specs))
        return real(program, data, specs, *args)

    monkeypatch.setattr(_segments, "SEGMENT_WORK", float("inf"))
    whole = _stacked.train_stacked(specs, X, Y, rows, w, val_rows=vrows)
    monkeypatch.setattr(_segments, "SEGMENT_WORK", 0)
    monkeypatch.setattr(engine, "run", spy)
    parts = _stacked.train_stacked(specs, X, Y, rows, w, val_rows=vrows)
    # the whole group, then fewer slots, a power of two, each time
    assert len(sizes) >= 3 and sizes[0] == 7
    assert all(b < a and b & (b - 1) == 0 for a, b in itertools.pairwise(sizes))
    epochs = [len(h["loss"]) for _, h in whole]
    assert len(set(epochs)) > 3  # the copies stopped at their own epochs
    assert [len(h["loss"]) for _, h in parts] == epochs
    for (a_layers, a), (b_layers, b) in zip(whole, parts):
        for key in ("loss", "val_loss"):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-5)
        for (k1, b1, _), (k2, b2, _) in zip(a_layers, b_layers):
            np.testing.assert_allclose(k1, k2, rtol=1e-4, atol=1e-5)
            np.testing.assert_allclose(b1, b2, rtol=1e-4, atol=1e-5)


def test_epoch_lines_of_copies_in_turn_name_their_copy(capsys):
    """Copies trained in turn report their own epochs one copy after another
    (``_stacked_jax.in_turn``); a copy that stops early hands over to the next."""
    from skmultilabel_mlp._engine import _progress

    lines = _progress.listener(2, 2, 3, in_turn=True)
    for epoch in (0, 1, 0, 1, 2):  # copy 1 stopped after 2 epochs
        lines(epoch, np.array([0.5]), np.array([0.5]))
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" - loss")[0] for line in out] == [
        "Network 1/2 - Epoch 1/3",
        "Network 1/2 - Epoch 2/3",
        "Network 2/2 - Epoch 1/3",
        "Network 2/2 - Epoch 2/3",
        "Network 2/2 - Epoch 3/3",
    ]
    batched = _progress.listener(2, 2, 3)  # one line per epoch of all copies
    batched(0, np.array([0.5, 0.7]), np.array([0.5, 0.7]))
    assert capsys.readouterr().out.startswith("Epoch 1/3 - loss: 0.6000")

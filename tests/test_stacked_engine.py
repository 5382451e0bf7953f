"""Inside the fold-stacked engine: initial weights, the shuffle, compiler options."""

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


def test_initial_weights_are_those_a_solo_fit_starts_from():
    expected = _network.build_mlp(5, 3, **ARCH, seed=11).get_weights()
    spec = FitSpec(
        5,
        3,
        optimizer="adam",
        learning_rate=1e-3,
        batch_size=32,
        epochs=1,
        seed=11,
        **ARCH,
    )
    got = _network.initial_weights(spec)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


jax_only = pytest.mark.skipif(
    _backend() != "jax", reason="the JAX engine runs with KERAS_BACKEND=jax"
)


@jax_only
def test_jax_engine_draws_the_same_initial_weights_inside_its_program():
    import jax
    import jax.numpy as jnp

    from skmultilabel_mlp._engine._stacked_jax import _initial_params

    seeds = [3, 11]
    kernels = [
        _network.kernel_inits(ARCH["kernel_initializer"], _network.layer_seeds(s, 2))
        for s in seeds
    ]
    kernel_seeds = np.array([[s for _, s in k] for k in kernels], dtype=np.uint32)
    draw = jax.jit(_initial_params, static_argnums=(1, 2))
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
@pytest.mark.parametrize("N", [7, 900, 5000])
def test_jax_shuffle_is_a_fresh_permutation_of_each_folds_rows(N):
    import jax
    import jax.numpy as jnp

    from skmultilabel_mlp._engine._stacked_jax import _shuffled_positions

    n_k = np.array([N, N - 3, N // 2])
    orders = [
        np.asarray(_shuffled_positions(jax.random.PRNGKey(e), jnp.asarray(n_k), N))
        for e in range(2)
    ]
    for order in orders:
        for row, n in zip(order, n_k):
            # the fold's own positions first, in some order, then the padding
            assert sorted(row[:n]) == list(range(n))
            np.testing.assert_array_equal(row[n:], np.arange(n, N))
    assert not np.array_equal(orders[0][0], orders[1][0])  # a new order every epoch


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

    compiled = dict(_stacked_jax._compiled, tuned=old_xla)
    monkeypatch.setattr(_stacked_jax, "_compiled", compiled)
    np.testing.assert_allclose(cross_val_score(est, X, Y, cv=3), expected)
    assert compiled["tuned"] is None  # not tried again


@jax_only
def test_jax_engine_reraises_other_xla_errors(monkeypatch, multilabel_data):
    import jax

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp._engine import _stacked_jax
    from skmultilabel_mlp.model_selection import cross_val_score

    X, Y = multilabel_data

    def broken(*args, **kwargs):
        raise jax.errors.JaxRuntimeError("RESOURCE_EXHAUSTED: out of memory")

    monkeypatch.setattr(
        _stacked_jax, "_compiled", dict(_stacked_jax._compiled, tuned=broken)
    )
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
        print(sorted(m for m in ("tensorflow", "scikeras") if m in sys.modules))
        """
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


@jax_only
@pytest.mark.parametrize(
    "activation,dropout,alpha",
    [("relu", 0.0, 0.0), ("tanh", 0.3, 0.01), ("gelu", 0.5, 0.1)],
)
def test_jax_hand_written_gradients_equal_autodiff(activation, dropout, alpha):
    """The backward pass written out equals jax.grad of the solo fit's loss."""
    import jax
    import jax.numpy as jnp
    import keras

    from skmultilabel_mlp._engine._stacked import StackedRun
    from skmultilabel_mlp._engine._stacked_jax import _loss_and_grads

    rng = np.random.default_rng(0)
    K, B, widths = 3, 8, (5, 6, 4, 3)
    params = []
    for fan_in, fan_out in itertools.pairwise(widths):
        params += [
            jnp.asarray(rng.normal(size=(K, fan_in, fan_out)), jnp.float32),
            jnp.asarray(rng.normal(size=(K, fan_out)), jnp.float32),
        ]
    x = jnp.asarray(rng.normal(size=(K, B, widths[0])), jnp.float32)
    y = jnp.asarray(rng.random((K, B, widths[-1])) < 0.4, jnp.float32)
    known = jnp.asarray(rng.random((K, B, widths[-1])) < 0.8)
    y = jnp.where(known, y, 0.0)
    row_weight = jnp.asarray(rng.random((K, B)) * 2, jnp.float32)
    count = jnp.asarray([B, B - 2, 1], jnp.float32)
    pos_weight = jnp.asarray(rng.random((K, widths[-1])) + 0.5, jnp.float32)
    key = jax.random.PRNGKey(3)
    run = StackedRun(activation, dropout, alpha, 1e-3, B, 1)

    def reference(params):
        act = keras.activations.get(activation)
        h = x
        for i in range(len(params) // 2 - 1):
            h = act(
                jnp.einsum("kbd,kdh->kbh", h, params[2 * i])
                + params[2 * i + 1][:, None]
            )
            if dropout > 0:
                keep = (
                    jax.random.uniform(jax.random.fold_in(key, i), h.shape) >= dropout
                )
                h = jnp.where(keep, h / (1.0 - dropout), 0.0)
        z = jnp.einsum("kbd,kdh->kbh", h, params[-2]) + params[-1][:, None]
        terms = pos_weight[:, None] * y * jax.nn.softplus(-z) + (
            1 - y
        ) * jax.nn.softplus(z)
        row = jnp.where(known, terms, 0.0).sum(axis=2) / y.shape[2] * row_weight
        loss = row.sum(axis=1) / jnp.maximum(count, 1.0)
        loss = loss + alpha * sum((W**2).sum(axis=(1, 2)) for W in params[::2])
        return loss.sum(), loss

    expected_grads, expected_loss = jax.grad(reference, has_aux=True)(params)
    loss, grads = _loss_and_grads(
        params, x, y, known, row_weight, count, pos_weight, key, run
    )
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-5)
    for g, e in zip(grads, expected_grads):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-6)

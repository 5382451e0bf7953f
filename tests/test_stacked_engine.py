"""Inside the fold-stacked engine: initial weights, the shuffle, compiler options."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from skmultilabel_mlp import _network as _model

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
    expected = _model.build_mlp(5, 3, **ARCH, seed=11).get_weights()
    got = _model.initial_weights(5, 3, ARCH, 11)
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

    from skmultilabel_mlp._stacked_jax import _initial_params

    seeds = [3, 11]
    kernel_seeds = np.array(
        [(lambda s: s[0:-2:2] + s[-1:])(_model.layer_seeds(s, 2)) for s in seeds],
        dtype=np.uint32,
    )
    draw = jax.jit(_initial_params, static_argnums=(1, 2))
    params = draw(
        jnp.asarray(kernel_seeds), tuple(_model.kernel_initializers(ARCH)), (5, 6, 4, 3)
    )
    for k, seed in enumerate(seeds):
        expected = _model.build_mlp(5, 3, **ARCH, seed=seed).get_weights()
        for p, e in zip(params, expected):
            np.testing.assert_array_equal(np.asarray(p[k]), e)


@jax_only
@pytest.mark.parametrize("N", [7, 900, 5000])
def test_jax_shuffle_is_a_fresh_permutation_of_each_folds_rows(N):
    import jax
    import jax.numpy as jnp

    from skmultilabel_mlp._stacked_jax import _shuffled_positions

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

    from skmultilabel_mlp import MultiLabelMLPClassifier, _stacked_jax
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

    from skmultilabel_mlp import MultiLabelMLPClassifier, _stacked_jax
    from skmultilabel_mlp.model_selection import cross_val_score

    X, Y = multilabel_data

    def broken(*args, **kwargs):
        raise jax.errors.JaxRuntimeError("RESOURCE_EXHAUSTED: out of memory")

    monkeypatch.setattr(
        _stacked_jax, "_compiled", dict(_stacked_jax._compiled, tuned=broken)
    )
    with pytest.raises(jax.errors.JaxRuntimeError, match="out of memory"):
        cross_val_score(MultiLabelMLPClassifier(epochs=2), X, Y, cv=3)


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

"""The stacked optimiser updates (``_engine._optim``) against Keras' own optimisers."""

import numpy as np
import pytest

from skmultilabel_mlp._engine import OPTIMIZERS
from skmultilabel_mlp._engine._spec import KERAS_OPTIMIZERS


def _keras_steps(name, params, grads_per_step, learning_rate):
    import keras

    variables = [keras.Variable(p) for p in params]
    opt = type(keras.optimizers.get(KERAS_OPTIMIZERS[name]))(
        learning_rate=learning_rate
    )
    for grads in grads_per_step:
        opt.apply(grads, variables)
    return [keras.ops.convert_to_numpy(v) for v in variables]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_update_rule_is_the_keras_optimizers(name):
    from keras import ops

    from skmultilabel_mlp._engine import _optim

    rng = np.random.default_rng(0)
    params = [
        rng.normal(size=(4, 3)).astype(np.float32),
        rng.normal(size=3).astype(np.float32),
    ]
    grads_per_step = [
        [rng.normal(size=p.shape).astype(np.float32) for p in params] for _ in range(6)
    ]
    expected = _keras_steps(name, params, grads_per_step, 0.01)

    # one copy: a leading axis of 1
    ours = [ops.convert_to_tensor(p[None]) for p in params]
    state = _optim.init_state(name, ours)
    for t, grads in enumerate(grads_per_step, start=1):
        ours, state = _optim.step(
            name,
            ours,
            [ops.convert_to_tensor(g[None]) for g in grads],
            state,
            ops.convert_to_tensor([float(t)]),
            ops.convert_to_tensor([0.01]),
        )
    for a, b in zip(ours, expected):
        np.testing.assert_allclose(ops.convert_to_numpy(a)[0], b, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_a_copy_that_is_off_does_not_move(name):
    from keras import ops

    from skmultilabel_mlp._engine import _optim

    params = [ops.ones((2, 3, 2)), ops.ones((2, 2))]
    grads = [ops.ones((2, 3, 2)), ops.ones((2, 2))]
    state = _optim.init_state(name, params)
    new, _new_state = _optim.step(
        name,
        params,
        grads,
        state,
        ops.convert_to_tensor([1.0, 1.0]),
        ops.convert_to_tensor([0.1, 0.1]),
        ops.convert_to_tensor([True, False]),
    )
    for p, q in zip(params, new):
        p, q = ops.convert_to_numpy(p), ops.convert_to_numpy(q)
        assert not np.allclose(q[0], p[0])  # the copy that is on moves
        np.testing.assert_array_equal(q[1], p[1])  # the other keeps its weights

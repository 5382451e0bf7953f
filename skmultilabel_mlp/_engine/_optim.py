"""The optimisers the classifier accepts, for K stacked copies, written once.

Keras' own update rules and default constants (``keras.optimizers.Adam``,
``AdamW``, ``Nadam``, ``RMSprop``, ``SGD``, ``Adagrad``), written with
``keras.ops`` so that both compiled engines run the same code, with two things
a Keras optimiser cannot do: every copy has its own step counter and learning
rate, and a copy takes a step only where ``on`` is true (a copy whose rows are
used up for the epoch, or that has stopped early, skips the step, as its solo
fit would not take it). ``tests/test_optim.py`` checks each rule against the
Keras optimiser of the same name.
"""

from keras import ops

from ._spec import OPTIMIZER_SLOTS

__all__ = [
    "adam_rate",
    "flatten_state",
    "init_state",
    "power",
    "step",
    "unflatten_state",
]

_BETA_1, _BETA_2, _EPSILON = 0.9, 0.999, 1e-7  # Adam, AdamW, Nadam
_WEIGHT_DECAY = 0.004  # AdamW
_RHO = 0.9  # RMSprop
_INITIAL_ACCUMULATOR = 0.1  # Adagrad


def init_state(name, params):
    """The optimiser's slots for ``params``, as a list of arrays (and per-copy scalars)."""
    zeros = [ops.zeros_like(p) for p in params]
    if name in ("adam", "adamw", "lazy_adam"):
        return [zeros, [ops.zeros_like(p) for p in params]]
    if name == "nadam":
        K = params[0].shape[0]
        return [zeros, [ops.zeros_like(p) for p in params], ops.ones((K,))]
    if name == "rmsprop":
        return [zeros]
    if name == "adagrad":
        return [[ops.full_like(p, _INITIAL_ACCUMULATOR) for p in params]]
    if name == "sgd":
        return []
    raise ValueError(f"unknown optimizer {name!r}")


def flatten_state(state):
    """The optimiser's slots as one flat list of arrays (to pass in and out)."""
    if isinstance(state, (list, tuple)):
        return [a for part in state for a in flatten_state(part)]
    return [state]


def unflatten_state(name, flat, n_params):
    """The inverse of :func:`flatten_state` for ``n_params`` weight arrays."""
    flat, out, at = list(flat), [], 0
    for group in OPTIMIZER_SLOTS[name]:
        size = n_params if group == "weights" else 1
        out.append(flat[at : at + size] if group == "weights" else flat[at])
        at += size
    return out


#: A multiple of every SIMD width a CPU kernel uses for float32. An
#: element-wise kernel (TensorFlow's Eigen) computes whole packets and ends a
#: length that is not a multiple of its packet with a scalar loop; for a
#: transcendental function (a power, exp, softplus, tanh) the two differ in
#: the last bit, so a copy's numbers would depend on where its elements fall
#: among the other copies'. Lengths per copy in multiples of ``LANES`` go
#: through the packets only, whatever the number of copies.
LANES = 16


def power(base, t):
    """``base ** t`` per copy (``t`` (K,)), the same bits whatever K.

    Taken on the (K,) step counts as they are, the power of one copy came
    from the scalar loop and the power of a copy among eight or more from the
    packets (see ``LANES``); the two differed for about one step count in
    four, and on yeast 35 of 60 fold scores of a search came out apart from
    scikit-learn's. Each copy's power is taken on a row of ``LANES`` equal
    numbers, so every copy goes through the packets.
    """
    rows = ops.broadcast_to(ops.expand_dims(t, 1), (ops.shape(t)[0], LANES))
    return ops.power(base, rows)[:, 0]


def _per_copy(value, like):
    """A (K,) array shaped to broadcast against ``like`` (K, ...)."""
    return ops.reshape(value, (-1,) + (1,) * (len(like.shape) - 1))


def step(name, params, grads, state, t, learning_rate, on=None):
    """One step of every copy where ``on``; returns ``(params, state)``.

    ``t`` (K,) float is each copy's step count including this step (Keras'
    ``iterations + 1``); ``learning_rate`` (K,); ``on`` (K,) bool, or None
    when every copy steps.
    """
    new_params, new_state = _RULES[name](params, grads, state, t, learning_rate)
    if on is None:
        return new_params, new_state
    kept = [ops.where(_per_copy(on, p), q, p) for p, q in zip(params, new_params)]
    return kept, _keep(state, new_state, on)


def _keep(old, new, on):
    if isinstance(old, (list, tuple)):
        return [_keep(o, n, on) for o, n in zip(old, new)]
    return ops.where(_per_copy(on, old), new, old)


def _adam_moments(g, m, v):
    m = m + (g - m) * (1.0 - _BETA_1)
    v = v + (ops.square(g) - v) * (1.0 - _BETA_2)
    return m, v


def adam_rate(t, lr):
    """Adam's step size per copy: the learning rate with its bias corrections."""
    return lr * ops.sqrt(1.0 - power(_BETA_2, t)) / (1.0 - power(_BETA_1, t))


def _adam(params, grads, state, t, lr):
    ms, vs = state
    alpha = adam_rate(t, lr)
    out, new_m, new_v = [], [], []
    for p, g, m, v in zip(params, grads, ms, vs):
        m, v = _adam_moments(g, m, v)
        out.append(p - _per_copy(alpha, p) * m / (ops.sqrt(v) + _EPSILON))
        new_m.append(m)
        new_v.append(v)
    return out, [new_m, new_v]


def _adamw(params, grads, state, t, lr):
    # Keras decays the weights first, by weight_decay * learning_rate
    decayed = [p - p * _per_copy(lr * _WEIGHT_DECAY, p) for p in params]
    return _adam(decayed, grads, state, t, lr)


def _nadam(params, grads, state, t, lr):
    ms, vs, u_product = state
    u_t = _BETA_1 * (1.0 - 0.5 * power(0.96, t))
    u_t_1 = _BETA_1 * (1.0 - 0.5 * power(0.96, t + 1.0))
    u_product_t = u_product * u_t
    u_product_t_1 = u_product_t * u_t_1
    beta_2_power = power(_BETA_2, t)
    out, new_m, new_v = [], [], []
    for p, g, m, v in zip(params, grads, ms, vs):
        m, v = _adam_moments(g, m, v)
        m_hat = (
            _per_copy(u_t_1 / (1.0 - u_product_t_1), p) * m
            + _per_copy((1.0 - u_t) / (1.0 - u_product_t), p) * g
        )
        v_hat = v / _per_copy(1.0 - beta_2_power, p)
        out.append(p - _per_copy(lr, p) * m_hat / (ops.sqrt(v_hat) + _EPSILON))
        new_m.append(m)
        new_v.append(v)
    return out, [new_m, new_v, u_product_t]


def _rmsprop(params, grads, state, t, lr):
    (vels,) = state
    out, new_v = [], []
    for p, g, v in zip(params, grads, vels):
        v = _RHO * v + (1.0 - _RHO) * ops.square(g)
        out.append(p - _per_copy(lr, p) * g / ops.sqrt(v + _EPSILON))
        new_v.append(v)
    return out, [new_v]


def _adagrad(params, grads, state, t, lr):
    (accs,) = state
    out, new_a = [], []
    for p, g, a in zip(params, grads, accs):
        a = a + ops.square(g)
        out.append(p - _per_copy(lr, p) * g / ops.sqrt(a + _EPSILON))
        new_a.append(a)
    return out, [new_a]


def _sgd(params, grads, state, t, lr):
    return [p - _per_copy(lr, p) * g for p, g in zip(params, grads)], []


_RULES = {
    "adam": _adam,
    # dense weights take Adam's step; a sparse first layer's lazy one is ``_lazy``
    "lazy_adam": _adam,
    "adamw": _adamw,
    "nadam": _nadam,
    "rmsprop": _rmsprop,
    "adagrad": _adagrad,
    "sgd": _sgd,
}

"""Fold-stacked training on JAX: the same computation as ``_stacked_tf``, jitted.

Chosen by ``_stacked.fit_stacked`` when Keras runs on the JAX backend. Epochs and
steps are ``lax.fori_loop``s inside one ``jax.jit``, so the whole training of all
folds is one compiled call.
"""

from functools import partial

import jax
import jax.numpy as jnp
import keras
import numpy as np

from ._stacked import _BETA_1, _BETA_2, _EPSILON

__all__ = ["train"]


def _forward(params, x, key, spec, training):
    activation = keras.activations.get(spec["activation"])
    n_hidden = len(params) // 2 - 1
    h = x
    for i in range(n_hidden):
        W, b = params[2 * i], params[2 * i + 1]
        h = activation(jnp.einsum("kbd,kdh->kbh", h, W) + b[:, None, :])
        rate = spec["dropout"]
        if training and rate > 0:
            keep = jax.random.uniform(jax.random.fold_in(key, i), h.shape) >= rate
            h = jnp.where(keep, h / (1.0 - rate), 0.0)
    W, b = params[-2], params[-1]
    return jnp.einsum("kbd,kdh->kbh", h, W) + b[:, None, :]


def _copy_loss(params, x, y, known, row_weight, count, pos_weight, key, spec):
    z = _forward(params, x, key, spec, training=True)
    terms = pos_weight[:, None, :] * y * jax.nn.softplus(-z) + (
        1.0 - y
    ) * jax.nn.softplus(z)
    terms = jnp.where(known, terms, 0.0)
    row = terms.sum(axis=2) / y.shape[2] * row_weight
    loss = row.sum(axis=1) / jnp.maximum(count, 1.0)
    if spec["alpha"] > 0:
        loss = loss + spec["alpha"] * sum((W**2).sum(axis=(1, 2)) for W in params[::2])
    return loss


@partial(jax.jit, static_argnames=("spec_items", "shared", "steps"))
def _train(params, X, Y, w, rows, n_k, pos_weight, key, spec_items, shared, steps):
    spec = dict(spec_items)
    K, N = rows.shape
    B = spec["batch_size"]
    positions = jnp.arange(N)
    zeros = [jnp.zeros_like(p) for p in params]

    def total_loss(p, x, y, known, row_weight, count, active, step_key):
        loss = _copy_loss(p, x, y, known, row_weight, count, pos_weight, step_key, spec)
        return jnp.where(active, loss, 0.0).sum(), loss

    grad_fn = jax.grad(total_loss, has_aux=True)

    def epoch_body(epoch, carry):
        params, m, v, t, history = carry
        keys = jax.random.uniform(jax.random.fold_in(key, epoch), (K, N))
        keys = jnp.where(positions[None, :] < n_k[:, None], keys, 2.0)
        perm = jnp.take_along_axis(rows, jnp.argsort(keys, axis=1), axis=1)

        def step_body(s, inner):
            params, m, v, t, epoch_loss = inner
            pos = s * B + jnp.arange(B)
            valid = pos[None, :] < n_k[:, None]
            idx = perm[:, jnp.minimum(pos, N - 1)]
            x = X[idx] if shared else jnp.take_along_axis(X, idx[:, :, None], axis=1)
            y = Y[idx]
            known = ~jnp.isnan(y) & valid[:, :, None]
            y = jnp.where(known, y, 0.0)
            count = valid.sum(axis=1).astype(jnp.float32)
            active = count > 0
            row_weight = w[idx] * valid
            step_key = jax.random.fold_in(key, epoch * steps + s + 1_000_003)
            grads, loss = grad_fn(
                params, x, y, known, row_weight, count, active, step_key
            )
            t = t + active
            scale = (
                spec["learning_rate"] * jnp.sqrt(1.0 - _BETA_2**t) / (1.0 - _BETA_1**t)
            )
            new = ([], [], [])
            for p, g, mm, vv in zip(params, grads, m, v):
                on = active.reshape((-1,) + (1,) * (p.ndim - 1))
                sc = scale.reshape(on.shape)
                m_new = mm + (g - mm) * (1.0 - _BETA_1)
                v_new = vv + (g * g - vv) * (1.0 - _BETA_2)
                p_new = p - sc * m_new / (jnp.sqrt(v_new) + _EPSILON)
                new[0].append(jnp.where(on, p_new, p))
                new[1].append(jnp.where(on, m_new, mm))
                new[2].append(jnp.where(on, v_new, vv))
            return new[0], new[1], new[2], t, epoch_loss + jnp.where(active, loss, 0.0)

        params, m, v, t, epoch_loss = jax.lax.fori_loop(
            0, steps, step_body, (params, m, v, t, jnp.zeros(K))
        )
        history = history.at[epoch].set(epoch_loss / jnp.ceil(n_k / B))
        return params, m, v, t, history

    init = (params, zeros, list(zeros), jnp.zeros(K), jnp.zeros((spec["epochs"], K)))
    params, _, _, _, history = jax.lax.fori_loop(0, spec["epochs"], epoch_body, init)
    return params, history


def train(init_weights, X, Y, weights, folds, pos_weight, spec):
    """Run the stacked training; return (stacked parameter arrays, history (E, K))."""
    K = len(folds)
    params = [
        jnp.asarray(np.stack([w[i] for w in init_weights]).astype(np.float32))
        for i in range(len(init_weights[0]))
    ]
    n_k = np.array([len(f) for f in folds])
    N = int(n_k.max())
    rows = np.zeros((K, N), dtype=np.int32)
    for k, f in enumerate(folds):
        rows[k, : len(f)] = f
    pw = np.ones((K, Y.shape[1])) if pos_weight is None else pos_weight
    steps = int(-(-N // spec["batch_size"]))
    params, history = _train(
        params,
        jnp.asarray(X, dtype=jnp.float32),
        jnp.asarray(Y, dtype=jnp.float32),
        jnp.asarray(weights, dtype=jnp.float32),
        jnp.asarray(rows),
        jnp.asarray(n_k),
        jnp.asarray(pw, dtype=jnp.float32),
        jax.random.PRNGKey(spec["seed"]),
        # the seed travels in the key, not the static spec: another random_state
        # reuses the compiled computation instead of compiling it again
        spec_items=tuple(sorted((k, v) for k, v in spec.items() if k != "seed")),
        shared=X.ndim == 2,
        steps=steps,
    )
    return [np.asarray(p) for p in params], np.asarray(history)

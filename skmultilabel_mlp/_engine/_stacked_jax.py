"""Fold-stacked training on JAX: the same computation as ``_stacked_tf``, jitted.

Chosen by ``_stacked.train_stacked`` when Keras runs on the JAX backend. Epochs and
steps are ``lax.fori_loop``s inside one ``jax.jit``, so the whole training of all
folds, initial weights included, is one compiled call.

On the tutorial workload a first call used to spend more time compiling than
training. What made it fast, measured with ``jax.profiler`` (2 CPU cores):

- the epoch shuffle sorts one packed uint32 array instead of an argsort
  (4.6 ms -> 0.7 ms an epoch: 40% of the run before);
- the backward pass is written out, with physical transposes where XLA's CPU
  dot is slow on a strided operand (0.38 -> 0.18 ms a step);
- the initial weights are drawn inside the program (five eager initializer
  compilations, 0.4 s, gone);
- the garbage collector is paused while tracing (0.24 s of full collections
  over TensorFlow's and Keras' objects);
- XLA compiles at optimisation level 1 without its new fusion emitters (a
  first cross-validation 1.85 -> 1.07 s, later ones 0.54 -> 0.43 s).
"""

import gc

import jax
import jax.numpy as jnp
import keras
import numpy as np

from ._optim import adam_step, pad_rows

__all__ = ["train"]


def _matmul(h, W):
    """Stacked matmul (K, b, d) x (K, d, h) -> (K, b, h)."""
    return jnp.einsum("kbd,kdh->kbh", h, W)


def _t(a):
    """A physical transpose of the last two axes.

    XLA's CPU backend runs a batched dot that contracts a non-final axis of its
    left operand, or the final axis of its right, 2-3 times slower than the same
    dot on a transposed copy; the barrier keeps XLA from folding the (tiny) copy
    back into the dot.
    """
    return jax.lax.optimization_barrier(jnp.swapaxes(a, 1, 2))


def _loss_and_grads(params, x, y, known, row_weight, count, pos_weight, key, run):
    """Each copy's loss (K,) and its gradients, by hand.

    The loss is the masked, weighted binary cross-entropy of a solo fit computed
    from the logits (``_network.MaskedBinaryCrossentropy``) plus ``alpha`` times
    the squared kernels. The backward pass is written out rather than traced
    with ``jax.grad``: the program is smaller, so it traces and compiles in
    about half the time, and every dot keeps the layout XLA runs fastest.
    """
    activation = keras.activations.get(run.activation)
    rate = run.dropout
    n_hidden = len(params) // 2 - 1
    h, saved = x, []
    for i in range(n_hidden):
        W, b = params[2 * i], params[2 * i + 1]
        a = _matmul(h, W) + b[:, None, :]
        out, back = jax.vjp(activation, a)
        if rate > 0:
            keep = jax.random.uniform(jax.random.fold_in(key, i), out.shape) >= rate
            scale = jnp.where(keep, 1.0 / (1.0 - rate), 0.0)
            out = out * scale
        else:
            scale = None
        saved.append((h, back, scale))
        h = out
    W, b = params[-2], params[-1]
    z = _matmul(h, W) + b[:, None, :]
    py = pos_weight[:, None, :] * y
    norm = (
        row_weight[:, :, None] / (y.shape[2] * jnp.maximum(count, 1.0))[:, None, None]
    )
    norm = jnp.where(known, norm, 0.0)
    # softplus(z) = z + softplus(-z); both from one exp
    sp_neg = jax.nn.softplus(-z)
    loss = (norm * (py * sp_neg + (1.0 - y) * (z + sp_neg))).sum(axis=(1, 2))
    dz = norm * (jax.nn.sigmoid(z) * (py + 1.0 - y) - py)
    grads = [_matmul(_t(h), dz), dz.sum(axis=1)]
    dh = _matmul(dz, _t(W))
    for i in reversed(range(n_hidden)):
        h_in, back, scale = saved[i]
        if scale is not None:
            dh = dh * scale
        (da,) = back(dh)
        grads = [_matmul(_t(h_in), da), da.sum(axis=1), *grads]
        if i:
            dh = _matmul(da, _t(params[2 * i]))
    if run.alpha > 0:
        loss = loss + run.alpha * sum((W**2).sum(axis=(1, 2)) for W in params[::2])
        for i in range(0, len(params), 2):
            grads[i] = grads[i] + 2.0 * run.alpha * params[i]
    return loss, grads


def _shuffled_positions(key, n_k, N):
    """Per row k, a random order of positions 0..n_k[k]-1, then the padding ones.

    XLA's CPU sort is several times faster on one packed uint32 array than an
    argsort (a key-value sort): the random bits go in the high bits and the
    position in the low ones, which also breaks ties. With more than 4096
    positions fewer than 20 random bits would be left, so the argsort is kept.
    """
    K = n_k.shape[0]
    positions = jnp.arange(N, dtype=jnp.uint32)
    valid = positions[None, :] < n_k[:, None]
    index_bits = max(1, (N - 1).bit_length())
    if index_bits > 12:
        keys = jnp.where(valid, jax.random.uniform(key, (K, N)), 2.0)
        return jnp.argsort(keys, axis=1)
    low = jnp.uint32((1 << index_bits) - 1)
    high = jnp.where(valid, jax.random.bits(key, (K, N), jnp.uint32) & ~low, ~low)
    return (jnp.sort(high | positions, axis=1) & low).astype(jnp.int32)


def _initial_params(kernel_seeds, initializers, widths):
    """Copy k's initial weights, drawn as ``build_mlp`` draws them.

    A Keras initializer seeded with the integer ``s`` draws from the JAX key
    ``[s, 0]``; giving it that key as a traced array instead lets one compiled
    program draw every copy's weights (bit for bit the eager values) whatever
    the seeds, rather than compiling one small program per initializer call.
    """
    params = []
    for j, name in enumerate(initializers):
        shape = (widths[j], widths[j + 1])

        def draw(seed, name=name, shape=shape):
            init = keras.initializers.get({"class_name": name, "config": {"seed": 0}})
            init.seed = jnp.stack([seed, jnp.uint32(0)])
            return init(shape, dtype="float32")

        params += [
            jax.vmap(draw)(kernel_seeds[:, j]),
            jnp.zeros((kernel_seeds.shape[0], widths[j + 1]), jnp.float32),
        ]
    return params


def _train(
    kernel_seeds,
    X,
    Y,
    w,
    rows,
    n_k,
    pos_weight,
    key,
    *,
    run,
    shared,
    steps,
    initializers,
    widths,
):
    K, N = rows.shape
    B = run.batch_size
    params = _initial_params(kernel_seeds, initializers, widths)
    zeros = [jnp.zeros_like(p) for p in params]

    def epoch_body(epoch, carry):
        params, m, v, t, history = carry
        perm = jnp.take_along_axis(
            rows, _shuffled_positions(jax.random.fold_in(key, epoch), n_k, N), axis=1
        )

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
            loss, grads = _loss_and_grads(
                params, x, y, known, row_weight, count, pos_weight, step_key, run
            )
            params, m, v, t = adam_step(
                params, grads, m, v, t, run.learning_rate, active
            )
            return params, m, v, t, epoch_loss + jnp.where(active, loss, 0.0)

        params, m, v, t, epoch_loss = jax.lax.fori_loop(
            0, steps, step_body, (params, m, v, t, jnp.zeros(K))
        )
        history = history.at[epoch].set(epoch_loss / jnp.ceil(n_k / B))
        return params, m, v, t, history

    init = (params, zeros, list(zeros), jnp.zeros(K), jnp.zeros((run.epochs, K)))
    params, _, _, _, history = jax.lax.fori_loop(0, run.epochs, epoch_body, init)
    return params, history


_STATIC = ("run", "shared", "steps", "initializers", "widths")
# XLA's CPU backend at optimisation level 1 and without its new fusion
# emitters compiles this program in less than half the time and runs it
# faster: its steps are many tiny operations, not long loops.
_CPU_OPTIONS = {
    "xla_backend_optimization_level": 1,
    "xla_cpu_use_fusion_emitters": False,
}
_compiled = {
    "tuned": jax.jit(_train, static_argnames=_STATIC, compiler_options=_CPU_OPTIONS),
    "plain": jax.jit(_train, static_argnames=_STATIC),
}


def _run(*args, **static):
    """The jitted program, with the CPU options where this XLA knows them."""
    if jax.default_backend() != "cpu" or _compiled.get("tuned") is None:
        return _compiled["plain"](*args, **static)
    try:
        return _compiled["tuned"](*args, **static)
    except jax.errors.JaxRuntimeError as exc:  # an XLA without these options
        if "compile option" not in str(exc):
            raise
        _compiled["tuned"] = None
        return _compiled["plain"](*args, **static)


def train(init, X, Y, weights, rows, pos_weight, run, seed):
    """Run the stacked training; return (stacked parameter arrays, history (E, K)).

    ``init`` is ``(kernel_seeds (K, n_kernels) uint32, initializer names, layer
    widths)``.
    """
    kernel_seeds, initializers, widths = init
    padded, n_k = pad_rows(rows)
    steps = int(-(-padded.shape[1] // run.batch_size))
    # tracing makes many small Python objects; with TensorFlow and Keras loaded
    # the collector's full passes over them cost more than the tracing itself
    collecting = gc.isenabled()
    gc.disable()
    try:
        params, history = _run(
            jnp.asarray(kernel_seeds, dtype=jnp.uint32),
            jnp.asarray(X, dtype=jnp.float32),
            jnp.asarray(Y, dtype=jnp.float32),
            jnp.asarray(weights, dtype=jnp.float32),
            jnp.asarray(padded),
            jnp.asarray(n_k),
            jnp.asarray(pos_weight, dtype=jnp.float32),
            # the seed travels as data, not in the static run: another
            # random_state reuses the compiled program instead of compiling again
            jax.random.PRNGKey(seed),
            run=run,
            shared=X.ndim == 2,
            steps=steps,
            initializers=tuple(initializers),
            widths=tuple(widths),
        )
        return [np.asarray(p) for p in params], np.asarray(history)
    finally:
        if collecting:
            gc.enable()

"""Timing and data helpers shared by the speed, scale, out-of-core and profile benchmarks.

Peak memory, Keras' import timed on its own, a timed call, each epoch's
seconds through the engine's per-epoch host callback, the compiled GEMM rate
on given shapes, the time of one training step's products and of one
exact-Adam or lazy-Adam update of a first kernel, and random CSR rows built
directly.
"""

import resource
import time

import numpy as np

__all__ = [
    "epoch_seconds",
    "exact_first_update_seconds",
    "gemm_rate",
    "keras_import_seconds",
    "lazy_first_update_seconds",
    "peak_mb",
    "random_csr",
    "step_products_seconds",
    "timed",
]


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def keras_import_seconds():
    """Import Keras and its backend, timed on its own: a one-time cost of any Keras code.

    The package is imported first, as a user's script does (it loads no
    backend, but sets TensorFlow's oneDNN default before TensorFlow loads:
    ``skmultilabel_mlp._engine.prefer_eigen_kernels``).
    """
    import skmultilabel_mlp  # noqa: F401

    start = time.perf_counter()
    import keras

    keras.ops.convert_to_numpy(keras.ops.ones((1,)))
    return time.perf_counter() - start


def timed(fit):
    start = time.perf_counter()
    result = fit()
    return time.perf_counter() - start, result


def epoch_seconds(fit):
    """Run ``fit()`` with the engine reporting each epoch; return the epochs' seconds."""
    from skmultilabel_mlp._engine import _progress

    stamps = []

    def stamp(epoch, losses, val_losses):
        stamps.append(time.perf_counter())

    stamp.close = lambda: None
    made = _progress.listener
    _progress.listener = lambda *args, **kwargs: stamp  # any verbose: the timer
    try:
        start = time.perf_counter()
        fit()
    finally:
        _progress.listener = made
    return np.diff([start, *stamps]).tolist()


def gemm_rate(shapes, repeats=20):
    """FLOP/s of compiled matmuls on the training shapes (same backend, same process).

    Each ``(m, k, n)`` product runs ``repeats`` times inside one compiled
    function (``step_products_seconds``, one timing), so per-call overhead does
    not count; the mean of the shapes' rates.
    """
    rate = [
        2
        * m
        * k
        * n
        / step_products_seconds([((m, k), (k, n), False, False)], repeats, 1)
        for m, k, n in shapes
    ]
    return float(np.mean(rate))


def step_products_seconds(products, repeats=20, trials=5):
    """Seconds of one step's matrix products, compiled together (same backend and process).

    ``products`` lists ``(a_shape, b_shape, transpose_a, transpose_b)``: the
    products a training step runs, with the transposes its backward pass uses
    (a weight gradient contracts the batch axis). All of them run ``repeats``
    times inside one compiled loop (``jax.jit`` or ``tf.function``), so per-call
    overhead does not count; the median of ``trials`` timings is returned (the
    machine's typical rate at the time, as a training epoch sees it, not its
    best moment).
    """
    import keras

    rng = np.random.default_rng(0)
    pairs = [
        (rng.random(a, dtype=np.float32), rng.random(b, dtype=np.float32))
        for a, b, _, _ in products
    ]
    flags = [(ta, tb) for _, _, ta, tb in products]
    if keras.config.backend() == "jax":
        import jax
        import jax.numpy as jnp

        def product(a, b, ta, tb):
            return (a.T if ta else a) @ (b.T if tb else b)

        @jax.jit
        def run(pairs):
            # the loop index enters each operand: XLA cannot hoist the products
            def body(i, acc):
                shift = i.astype(jnp.float32)
                return [
                    c + product(a + shift, b, *f)
                    for c, (a, b), f in zip(acc, pairs, flags)
                ]

            start = [product(a, b, *f) for (a, b), f in zip(pairs, flags)]
            return jax.lax.fori_loop(0, repeats, body, start)

        def go():
            return jax.block_until_ready(run(pairs))
    else:
        import tensorflow as tf

        def product(a, b, ta, tb):
            return tf.matmul(a, b, transpose_a=ta, transpose_b=tb)

        @tf.function
        def run(pairs):
            acc = [product(a, b, *f) for (a, b), f in zip(pairs, flags)]
            for i in tf.range(repeats):
                shift = tf.cast(i, tf.float32)
                acc = [
                    c + product(a + shift, b, *f)
                    for c, (a, b), f in zip(acc, pairs, flags)
                ]
            return acc

        def go():
            return [c.numpy() for c in run(pairs)]

    go()  # compile
    seconds = []
    for _ in range(trials):
        start = time.perf_counter()
        go()
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)) / (repeats + 1)


def _adam_rule(W, m, v, g, t):
    """Adam's element-wise step of ``W`` and its moments by gradient ``g`` at step ``t``."""
    m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
    rate = 1e-3 * (1 - 0.999**t) ** 0.5 / (1 - 0.9**t)
    return W - rate * m / ((v**0.5) + 1e-7), m, v


def _update_loop_seconds(step, W0, repeats, rounds):
    """Seconds of one ``(W, m, v) = step(t, (W, m, v))`` (backend ops, ``t`` the
    float32 step count from 1), from ``W0`` and zero moments.

    ``repeats`` steps in one loop compiled as one XLA computation of the
    backend, the arrays carried through the loop (as the engine carries them);
    the median of ``rounds`` rounds of 3n steps against n, so the call's own
    cost cancels.
    """
    import keras

    if keras.config.backend() == "jax":
        import jax
        import jax.numpy as jnp

        @jax.jit
        def steps(W, m, v, n):
            def body(i, state):
                return step((i + 1).astype(jnp.float32), state)

            return jax.lax.fori_loop(0, n, body, (W, m, v))

        start = (jnp.asarray(W0), jnp.zeros(W0.shape), jnp.zeros(W0.shape))

        def run(n):
            steps(*start, n)[0].block_until_ready()
    else:
        import tensorflow as tf

        @tf.function(jit_compile=True)
        def steps(W, m, v, n):
            def body(i, *state):
                return (i + 1, *step(tf.cast(i + 1, tf.float32), state))

            return tf.while_loop(lambda i, *a: i < n, body, (0, W, m, v))[1:]

        start = (tf.constant(W0), tf.zeros(W0.shape), tf.zeros(W0.shape))

        def run(n):
            steps(*start, tf.constant(n))[0].numpy()

    run(2)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run(repeats)
        middle = time.perf_counter()
        run(3 * repeats)
        times.append((time.perf_counter() - middle) - (middle - began))
    return float(np.median(times)) / (2 * repeats)


def exact_first_update_seconds(d, h, slots, repeats=20, rounds=5):
    """Seconds of one exact-Adam step of a (d, h) first kernel alone.

    The batch's ``slots`` gradient rows scattered into a dense (d, h)
    gradient and Adam's rule over the kernel and both moments, timed by
    ``_update_loop_seconds``. An exact step cannot cost less: every weight
    and both its moments are read and written at every step.
    """
    import keras

    rng = np.random.default_rng(1)
    W0 = rng.normal(size=(d, h)).astype(np.float32)
    cols = rng.integers(0, d, size=(slots,)).astype(np.int32)
    rows = rng.normal(size=(slots, h)).astype(np.float32)

    if keras.config.backend() == "jax":
        import jax.numpy as jnp

        def step(t, state):
            g = jnp.zeros((d, h), jnp.float32).at[cols].add(rows)
            return _adam_rule(*state, g, t)
    else:
        import tensorflow as tf

        cols_t, rows_t = tf.constant(cols[:, None]), tf.constant(rows)

        def step(t, state):
            return _adam_rule(*state, tf.scatter_nd(cols_t, rows_t, (d, h)), t)

    return _update_loop_seconds(step, W0, repeats, rounds)


def lazy_first_update_seconds(d, h, slots, touched, repeats=20, rounds=5):
    """Seconds of one lazy-Adam step of a (d, h) first kernel alone.

    The batch's ``slots`` gradient rows summed into its ``touched`` distinct
    kernel rows (a segment sum), those rows of the kernel and both moments
    gathered, Adam's rule on them, and the three scattered back in place,
    timed by ``_update_loop_seconds`` (the (d, h) arrays carried through the
    loop, as the engine carries its row store). A lazy step cannot cost less:
    it reads and writes every touched row of the kernel and both moments. The
    touched rows are ``touched`` distinct random rows, sorted, the same every
    step.
    """
    import keras

    touched = int(touched)
    if not 0 < touched <= min(slots, d):
        raise ValueError(f"touched={touched} must be in [1, min(slots, d)]")
    rng = np.random.default_rng(1)
    W0 = rng.normal(size=(d, h)).astype(np.float32)
    rows = np.sort(rng.choice(d, touched, replace=False)).astype(np.int32)
    # every touched row has a slot of its own, the other slots fall at random
    extra = rng.integers(0, touched, size=(slots - touched,))
    segments = np.sort(np.r_[np.arange(touched), extra]).astype(np.int32)
    contrib = rng.normal(size=(slots, h)).astype(np.float32)

    if keras.config.backend() == "jax":
        import jax

        def step(t, state):
            g = jax.ops.segment_sum(contrib, segments, touched, indices_are_sorted=True)
            new = _adam_rule(*(a[rows] for a in state), g, t)
            return tuple(
                a.at[rows].set(b, indices_are_sorted=True, unique_indices=True)
                for a, b in zip(state, new)
            )
    else:
        import tensorflow as tf

        rows_t, index_t = tf.constant(rows), tf.constant(rows[:, None])
        segments_t, contrib_t = tf.constant(segments), tf.constant(contrib)

        def step(t, state):
            g = tf.math.unsorted_segment_sum(contrib_t, segments_t, touched)
            new = _adam_rule(*(tf.gather(a, rows_t) for a in state), g, t)
            return tuple(
                tf.tensor_scatter_nd_update(a, index_t, b) for a, b in zip(state, new)
            )

    return _update_loop_seconds(step, W0, repeats, rounds)


def random_csr(rng, n_rows, n_cols, per_row, dtype=np.float32):
    """CSR with ``per_row`` random columns per row, built directly: scipy's
    ``sparse.random`` permutes all rows x cols positions (20 GB here)."""
    import scipy.sparse as sp

    indptr = np.arange(0, n_rows * per_row + 1, per_row, dtype=np.int64)
    indices = rng.integers(0, n_cols, size=n_rows * per_row)
    data = rng.random(n_rows * per_row).astype(dtype)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_cols))
    matrix.sum_duplicates()
    return matrix

"""Optimiser updates for K stacked copies, and the fold padding, written once.

Both stacked engines (TensorFlow and JAX) call these functions inside their
compiled loops: they are written with ``keras.ops``, which turns into the
running backend's operations. Every copy has its own step counter and takes a
step only where ``on`` is true (a copy whose fold has no rows left in the
epoch skips the step, as its solo fit would not take it). The update rule is
Keras' own (``keras.optimizers.Adam`` with its default constants).
"""

import numpy as np
from keras import ops

__all__ = ["ADAM", "adam_step", "pad_rows"]

#: Keras' Adam defaults: beta_1, beta_2, epsilon
ADAM = (0.9, 0.999, 1e-7)


def adam_step(params, grads, m, v, t, learning_rate, on):
    """One masked Adam step of every copy; returns ``(params, m, v, t)``.

    ``t`` (K,) counts each copy's steps; ``on`` (K,) bool says which copies
    step; each array of ``params`` has the copies on its first axis.
    """
    beta_1, beta_2, epsilon = ADAM
    t = t + ops.cast(on, t.dtype)
    scale = learning_rate * ops.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    new = ([], [], [])
    for p, g, mm, vv in zip(params, grads, m, v):
        shape = (-1,) + (1,) * (len(p.shape) - 1)
        mask, sc = ops.reshape(on, shape), ops.reshape(scale, shape)
        m_new = mm + (g - mm) * (1.0 - beta_1)
        v_new = vv + (g * g - vv) * (1.0 - beta_2)
        p_new = p - sc * m_new / (ops.sqrt(v_new) + epsilon)
        new[0].append(ops.where(mask, p_new, p))
        new[1].append(ops.where(mask, m_new, mm))
        new[2].append(ops.where(mask, v_new, vv))
    return (*new, t)


def pad_rows(rows):
    """``(K, N)`` int32 row indices of K folds, padded with 0, and their sizes (K,)."""
    n_k = np.array([len(r) for r in rows])
    padded = np.zeros((len(rows), int(n_k.max())), dtype=np.int32)
    for k, r in enumerate(rows):
        padded[k, : len(r)] = r
    return padded, n_k

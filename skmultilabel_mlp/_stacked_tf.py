"""Fold-stacked training on TensorFlow (see ``_stacked`` for what it computes).

One ``tf.function`` runs every epoch and step of all K copies; chosen by
``_stacked.fit_stacked`` on the TensorFlow backend.
"""

import keras
import numpy as np
import tensorflow as tf

from ._stacked import _BETA_1, _BETA_2, _EPSILON

__all__ = ["train"]


class _StackedTrainer(tf.Module):
    def __init__(self, init_weights, X, Y, weights, folds, pos_weight, spec):
        super().__init__()
        K = len(folds)
        self.K, self.spec = K, spec
        self.params = [
            tf.Variable(np.stack([w[i] for w in init_weights]).astype(np.float32))
            for i in range(len(init_weights[0]))
        ]
        self.m = [tf.Variable(tf.zeros_like(p)) for p in self.params]
        self.v = [tf.Variable(tf.zeros_like(p)) for p in self.params]
        self.t = tf.Variable(tf.zeros(K))
        self.shared_X = X.ndim == 2
        self.X = tf.constant(X, dtype=tf.float32)  # (n, d) or (K, n, d)
        self.Y = tf.constant(Y, dtype=tf.float32)
        self.w = tf.constant(weights, dtype=tf.float32)  # (n,) sample weights
        n_k = np.array([len(f) for f in folds])
        N = int(n_k.max())
        padded = np.zeros((K, N), dtype=np.int64)
        for k, f in enumerate(folds):
            padded[k, : len(f)] = f
        self.rows = tf.constant(padded)
        self.n_k = tf.constant(n_k, dtype=tf.int64)
        self.N = N
        self.steps = int(-(-N // spec["batch_size"]))
        self.pos_weight = tf.constant(
            np.ones((K, Y.shape[1])) if pos_weight is None else pos_weight,
            dtype=tf.float32,
        )
        self.activation = keras.activations.get(spec["activation"])
        self.history = tf.Variable(tf.zeros((spec["epochs"], K)))

    def _forward(self, x, step, training):
        n_hidden = len(self.params) // 2 - 1
        h = x
        for i in range(n_hidden):
            W, b = self.params[2 * i], self.params[2 * i + 1]
            h = self.activation(tf.einsum("kbd,kdh->kbh", h, W) + b[:, None, :])
            rate = self.spec["dropout"]
            if training and rate > 0:
                keep = (
                    tf.random.stateless_uniform(
                        tf.shape(h),
                        seed=tf.stack([tf.cast(step, tf.int32), i + 1])
                        + self.spec["seed"],
                    )
                    >= rate
                )
                h = tf.where(keep, h / (1.0 - rate), 0.0)
        W, b = self.params[-2], self.params[-1]
        return tf.einsum("kbd,kdh->kbh", h, W) + b[:, None, :]  # logits

    def _copy_losses(self, idx, valid):
        x = (
            tf.gather(self.X, idx)
            if self.shared_X
            else tf.gather(self.X, idx, batch_dims=1)
        )
        y = tf.gather(self.Y, idx)
        known = tf.logical_not(tf.math.is_nan(y)) & valid[:, :, None]
        y0 = tf.where(known, y, 0.0)
        return x, y0, known

    @tf.function
    def train(self):
        B = self.spec["batch_size"]
        lr = self.spec["learning_rate"]
        alpha = self.spec["alpha"]
        n_labels = tf.cast(tf.shape(self.Y)[1], tf.float32)
        positions = tf.range(self.N, dtype=tf.int64)
        global_step = tf.constant(0, tf.int64)
        for epoch in tf.range(self.spec["epochs"]):
            keys = tf.random.stateless_uniform(
                (self.K, self.N),
                seed=tf.stack([self.spec["seed"], tf.cast(epoch, tf.int32)]),
            )
            keys = tf.where(positions[None, :] < self.n_k[:, None], keys, 2.0)
            order = tf.argsort(keys, axis=1)  # a fresh permutation of each fold's rows
            perm = tf.gather(self.rows, order, batch_dims=1)
            epoch_loss = tf.zeros(self.K)
            for s in tf.range(self.steps):
                pos = tf.cast(s, tf.int64) * B + tf.range(B, dtype=tf.int64)
                valid = pos[None, :] < self.n_k[:, None]  # (K, B)
                idx = tf.gather(perm, tf.minimum(pos, self.N - 1), axis=1)
                count = tf.reduce_sum(
                    tf.cast(valid, tf.float32), axis=1
                )  # rows per copy
                active = count > 0
                with tf.GradientTape() as tape:
                    x, y, known = self._copy_losses(idx, valid)
                    z = self._forward(x, global_step, training=True)
                    terms = self.pos_weight[:, None, :] * y * tf.nn.softplus(-z) + (
                        1.0 - y
                    ) * tf.nn.softplus(z)
                    terms = tf.where(known, terms, 0.0)
                    row = tf.reduce_sum(terms, axis=2) / n_labels
                    row = row * tf.gather(self.w, idx) * tf.cast(valid, tf.float32)
                    loss = tf.reduce_sum(row, axis=1) / tf.maximum(count, 1.0)
                    if alpha > 0:
                        loss += alpha * tf.add_n(
                            [tf.reduce_sum(W**2, axis=[1, 2]) for W in self.params[::2]]
                        )
                    total = tf.reduce_sum(tf.where(active, loss, 0.0))
                grads = tape.gradient(total, self.params)
                self._adam(grads, active, lr)
                epoch_loss += tf.where(active, loss, 0.0)
                global_step += 1
            steps_k = tf.math.ceil(tf.cast(self.n_k, tf.float32) / B)
            self.history[epoch].assign(epoch_loss / steps_k)

    def _adam(self, grads, active, lr):
        t = self.t + tf.cast(active, tf.float32)
        self.t.assign(t)
        scale = lr * tf.sqrt(1.0 - _BETA_2**t) / (1.0 - _BETA_1**t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            shape = [-1] + [1] * (len(p.shape) - 1)
            on = tf.reshape(active, shape)
            m_new = m + (g - m) * (1.0 - _BETA_1)
            v_new = v + (g * g - v) * (1.0 - _BETA_2)
            step = tf.reshape(scale, shape) * m_new / (tf.sqrt(v_new) + _EPSILON)
            m.assign(tf.where(on, m_new, m))
            v.assign(tf.where(on, v_new, v))
            p.assign(tf.where(on, p - step, p))


def train(init_weights, X, Y, weights, folds, pos_weight, spec):
    """Run the stacked training; return (stacked parameter arrays, history (E, K))."""
    trainer = _StackedTrainer(init_weights, X, Y, weights, folds, pos_weight, spec)
    trainer.train()
    return [p.numpy() for p in trainer.params], trainer.history.numpy()

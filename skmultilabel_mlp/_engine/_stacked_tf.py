"""Fold-stacked training on TensorFlow (see ``_stacked`` for what it computes).

One ``tf.function`` runs every epoch and step of all K copies; chosen by
``_stacked.train_stacked`` on the TensorFlow backend.
"""

import keras
import numpy as np
import tensorflow as tf

from ._optim import adam_step, pad_rows

__all__ = ["train"]


class _StackedTrainer(tf.Module):
    def __init__(self, init_weights, X, Y, weights, rows, pos_weight, run, seed):
        super().__init__()
        K = len(rows)
        self.K, self.run, self.seed = K, run, seed
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
        padded, n_k = pad_rows(rows)
        self.rows = tf.constant(padded, dtype=tf.int64)
        self.n_k = tf.constant(n_k, dtype=tf.int64)
        self.N = padded.shape[1]
        self.steps = int(-(-self.N // run.batch_size))
        self.pos_weight = tf.constant(pos_weight, dtype=tf.float32)
        self.activation = keras.activations.get(run.activation)
        self.history = tf.Variable(tf.zeros((run.epochs, K)))

    def _forward(self, x, step, training):
        n_hidden = len(self.params) // 2 - 1
        h = x
        for i in range(n_hidden):
            W, b = self.params[2 * i], self.params[2 * i + 1]
            h = self.activation(tf.einsum("kbd,kdh->kbh", h, W) + b[:, None, :])
            rate = self.run.dropout
            if training and rate > 0:
                keep = (
                    tf.random.stateless_uniform(
                        tf.shape(h),
                        seed=tf.stack([tf.cast(step, tf.int32), i + 1]) + self.seed,
                    )
                    >= rate
                )
                h = tf.where(keep, h / (1.0 - rate), 0.0)
        W, b = self.params[-2], self.params[-1]
        return tf.einsum("kbd,kdh->kbh", h, W) + b[:, None, :]  # logits

    def _batch(self, idx, valid):
        """Each copy's features, targets (NaN as 0) and known-entry mask."""
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
        B = self.run.batch_size
        alpha = self.run.alpha
        n_labels = tf.cast(tf.shape(self.Y)[1], tf.float32)
        positions = tf.range(self.N, dtype=tf.int64)
        global_step = tf.constant(0, tf.int64)
        for epoch in tf.range(self.run.epochs):
            keys = tf.random.stateless_uniform(
                (self.K, self.N),
                seed=tf.stack([self.seed, tf.cast(epoch, tf.int32)]),
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
                    x, y, known = self._batch(idx, valid)
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
                params, m, v, t = adam_step(
                    self.params,
                    grads,
                    self.m,
                    self.v,
                    self.t,
                    self.run.learning_rate,
                    active,
                )
                for var, value in zip(
                    [*self.params, *self.m, *self.v, self.t], [*params, *m, *v, t]
                ):
                    var.assign(value)
                epoch_loss += tf.where(active, loss, 0.0)
                global_step += 1
            steps_k = tf.math.ceil(tf.cast(self.n_k, tf.float32) / B)
            self.history[epoch].assign(epoch_loss / steps_k)


def train(init_weights, X, Y, weights, rows, pos_weight, run, seed):
    """Run the stacked training; return (stacked parameter arrays, history (E, K))."""
    trainer = _StackedTrainer(init_weights, X, Y, weights, rows, pos_weight, run, seed)
    trainer.train()
    return [p.numpy() for p in trainer.params], trainer.history.numpy()

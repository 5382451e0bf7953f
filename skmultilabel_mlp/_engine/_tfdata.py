"""The ``tf.data`` input pipeline of the scikeras fit.

One pipeline over row indices for all epochs (shuffled, batched, rows gathered
per batch), where a default Keras fit builds a new iterator every epoch: on CPU
that per-epoch cost is most of a small MLP's training time.
"""

import numpy as np
import scipy.sparse as sp
import tensorflow as tf

__all__ = ["make_dataset"]


def _row_gatherer(X):
    """A graph function mapping a batch of row indices to dense float32 rows."""
    if not sp.issparse(X):
        data = tf.constant(np.ascontiguousarray(X, dtype=np.float32))
        return lambda idx: tf.gather(data, idx)
    X = sp.csr_matrix(X, dtype=np.float32)
    X.sum_duplicates()
    n_features = X.shape[1]
    splits = X.indptr.astype(np.int64)
    cols = tf.RaggedTensor.from_row_splits(X.indices.astype(np.int64), splits)
    vals = tf.RaggedTensor.from_row_splits(X.data, splits)

    def gather(idx):
        # only this batch's rows are densified, never the whole matrix
        c, v = tf.gather(cols, idx), tf.gather(vals, idx)
        coords = tf.stack([c.value_rowids(), c.flat_values], axis=1)
        shape = tf.stack([tf.shape(idx, out_type=tf.int64)[0], n_features])
        return tf.scatter_nd(coords, v.flat_values, shape)

    return gather


def make_dataset(
    X, y=None, sample_weight=None, *, batch_size, shuffle=False, seed=None
):
    """One ``tf.data`` pipeline over row indices: shuffle, batch, gather.

    With ``shuffle=True`` the pipeline repeats forever and reshuffles every pass,
    so ``Model.fit`` (given ``steps_per_epoch``) keeps one iterator for all epochs
    while each epoch still sees every row once, in a new order, in batches of
    ``batch_size`` with a smaller last batch, exactly as a default Keras fit.
    """
    n = X.shape[0]
    idx = tf.data.Dataset.range(n)
    if shuffle:
        idx = idx.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    idx = idx.batch(batch_size)
    if shuffle:
        idx = idx.repeat()
    gather_x = _row_gatherer(X)
    if y is None:
        ds = idx.map(gather_x)
    else:
        gather_y = _row_gatherer(y)  # sparse targets are densified per batch too
        if sample_weight is None:
            ds = idx.map(lambda i: (gather_x(i), gather_y(i)))
        else:
            w_t = tf.constant(np.asarray(sample_weight, dtype=np.float32))
            ds = idx.map(lambda i: (gather_x(i), gather_y(i), tf.gather(w_t, i)))
    return ds.prefetch(tf.data.AUTOTUNE)

"""The objective of K stacked copies on a batch: forward pass, losses, L2.

Part of the compiled training program (``_loop``), written with
``keras.ops``; ``program`` is ``_loop.Program`` and ``kit`` ``_loop.Kit``.
A batch's rows are gathered from the full arrays (``idx`` (K, B)); sparse
rows multiply the kernel rows they touch (``_first_product``).
"""

import keras
from keras import ops

from . import _lazy, _random
from ._losses import (
    bce_terms,
    focusing_logit_terms,
    head_losses,
    pos_weight_of,
    sum_last,
)

__all__ = ["batch_loss", "gather_x", "gather_y", "validation_loss"]


def gather_x(data, idx, program, take):
    """Each copy's feature rows: dense (K, B, d), or sparse ``(columns, values)``."""
    if not program.sparse_x:
        return take(data["X"], idx, 0)
    return take(data["Xcols"], idx, 0), take(data["Xvals"], idx, 0)


def gather_y(data, idx, program, take):
    """Each copy's target rows (K, B, L); sparse targets made dense per batch.

    Sparse targets are padded rows of label columns and values (``_sparse``):
    a batch's dense block is scattered from them (padding slots add a 0), so
    no dense ``(n, L)`` copy of ``y`` exists.
    """
    if not program.sparse_y:
        return take(data["Y"], idx, 0)
    cols = take(data["Ycols"], idx, 0)  # (K, B, q)
    vals = take(data["Yvals"], idx, 0)
    K, B = idx.shape[0], ops.shape(idx)[1]
    shape = ops.shape(cols)
    copy = ops.broadcast_to(ops.reshape(ops.arange(K, dtype="int32"), (K, 1, 1)), shape)
    row = ops.broadcast_to(ops.reshape(ops.arange(B, dtype="int32"), (1, B, 1)), shape)
    where = ops.reshape(ops.stack([copy, row, cols], axis=-1), (-1, 3))
    n_labels = data["pos_weight"].shape[1]
    return ops.scatter(where, ops.reshape(vals, (-1,)), (K, B, n_labels))


def _first_product(x, W, kit):
    """``x @ W`` per copy; sparse rows gather the kernel rows they touch.

    For sparse rows ``(columns, values)`` (K, B, r) the product is the sum of
    ``values`` times the rows of ``W`` (K, d, h) at ``columns``: a batch costs
    what its non-zeros touch, never a dense ``(B, d)`` block. Padding slots
    (column 0, value 0) add nothing. A lazy program's ``W`` is the batch's
    distinct rows (S, h) and its ``x`` is ``(_lazy.Rows, values)``.
    """
    if not isinstance(x, tuple):
        return kit.matmul(x, W)
    if len(W.shape) == 2:  # a lazy program's distinct rows
        batch, vals = x
        return _lazy.bag(W, batch, vals, kit)
    cols, vals = x
    K, d = W.shape[0], W.shape[1]
    flat = ops.reshape(W, (-1, W.shape[2]))
    offsets = ops.reshape(ops.arange(K, dtype="int32") * d, (K, 1, 1))
    rows = kit.take(flat, cols + offsets, 0)  # (K, B, r, h)
    return ops.einsum("kbrh,kbr->kbh", rows, vals)


# Sums over one copy's rows, labels or units are written as products with ones.
# A reduction's order of additions depends on the whole array's shape in
# XLA's CPU emitter (the bias gradient of copy 0 of 10 stacked copies differed
# from its solo fit's by 2e-6), while a batched product computed every copy
# with the kernel it would use alone (with oneDNN's kernels; Eigen's batched
# product, and XLA's, depend on the number of copies in the last bit, which is
# why both engines now train a computation's copies in turn).


def _add_bias(product, b):
    """``product + b`` per copy, with a bias gradient that is a product too."""
    ones = ops.ones(ops.shape(product)[:2], product.dtype)
    return product + ops.einsum("kb,kh->kbh", ones, b)


def _forward(params, x, data, program, kit, drop_keys=None):
    """Logits (K, B, L); dropout after each hidden layer when ``drop_keys``."""
    activation = keras.activations.get(program.activation)
    h = x
    for i in range(program.n_hidden):
        W, b = params[2 * i], params[2 * i + 1]
        product = _first_product(h, W, kit) if i == 0 else kit.matmul(h, W)
        h = activation(_add_bias(product, b))
        if program.padded_units:
            h = h * data["unit_masks"][i][:, None, :]
        if drop_keys is not None:
            rate = data["dropout"][:, None, None]
            u = _random.dropout_uniform(drop_keys, i, h.shape[1], h.shape[2])
            h = ops.where(u >= rate, h / (1.0 - rate), 0.0)
    if program.n_hidden == 0:
        return _add_bias(_first_product(h, params[-2], kit), params[-1])
    return _add_bias(kit.matmul(h, params[-2]), params[-1])


def _row_losses(params, idx, valid, data, program, kit, drop_keys=None, x=None):
    """Each copy's weighted per-row losses (K, B) and their weights' sums (K,).

    Rows past the end of a copy's batch (``valid`` false) gather a real row and
    get weight 0; unknown targets are left out of the sum. ``x``: the batch's
    features where the caller has them (a lazy program's, ``_lazy``).
    """
    x = gather_x(data, idx, program, kit.take) if x is None else x
    y = gather_y(data, idx, program, kit.take)
    if program.masked:
        known = ops.logical_not(ops.isnan(y))
        y = ops.where(known, y, 0.0)
    z = _forward(params, x, data, program, kit, drop_keys)
    if program.heads:
        rows = head_losses(z, y, known if program.masked else None, data, program)
    else:
        pos_weight = pos_weight_of(data, program)
        if program.focusing:
            terms = focusing_logit_terms(z, y, pos_weight, data, program)
        else:
            # y softplus(-z) + (1 - y) softplus(z), softplus(z) = z + softplus(-z)
            terms = bce_terms(z, y, pos_weight)
        if program.masked:
            terms = ops.where(known, terms, 0.0)
        rows = sum_last(terms) / y.shape[2]
    valid = ops.cast(valid, "float32")
    weights = kit.take(data["w"], idx, 0) * valid if program.weighted else valid
    return rows * weights, sum_last(weights)


def _mean(total, weight):
    """``total / weight``, 0 where a copy has no weight (no rows, or all weights 0)."""
    some = ops.greater(weight, 0.0)
    return ops.where(some, total / ops.where(some, weight, 1.0), 0.0)


def _penalty(params, data):
    # a lazy program's first-layer rows (2-D) are penalised by ``_lazy``
    kernels = [W for W in params[::2] if len(W.shape) == 3]
    return data["alpha"] * sum(ops.sum(ops.square(W), axis=(1, 2)) for W in kernels)


def batch_loss(params, idx, valid, drop_keys, data, program, kit, x=None):
    """Each copy's loss on its batch (K,): the (weighted) mean row loss plus L2."""
    rows, weight = _row_losses(params, idx, valid, data, program, kit, drop_keys, x)
    loss = _mean(sum_last(rows), weight)
    if program.alpha:
        loss = loss + _penalty(params, data)
    return loss


def validation_loss(params, data, program, kit):
    """Each copy's loss on its validation rows (K,), as Keras' ``val_loss``."""
    vrows, v_k = data["vrows"], data["v_k"]
    V, VB = ops.shape(vrows)[1], program.val_batch

    def chunk(c, total):
        pos = c * VB + ops.arange(VB)
        valid = ops.less(pos[None, :], v_k[:, None])
        idx = kit.take(vrows, ops.minimum(pos, V - 1), 1)
        rows, weight = _row_losses(params, idx, valid, data, program, kit)
        return total[0] + sum_last(rows), total[1] + weight

    n_chunks = (ops.max(v_k) + VB - 1) // VB
    zeros = ops.zeros(v_k.shape, "float32")
    total, weight = ops.fori_loop(0, n_chunks, chunk, (zeros, zeros))
    loss = _mean(total, weight)
    if program.alpha:
        loss = loss + _penalty(params, data)
    return loss

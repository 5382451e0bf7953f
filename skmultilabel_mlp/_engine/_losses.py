"""The losses of the compiled training, per row, from the network's logits.

Written with ``keras.ops`` (TensorFlow or JAX, whichever runs ``_loop``). A
multi-label network has one binary cross-entropy per label (Keras'
``binary_crossentropy`` from logits, mean over labels); a network whose outputs
have their own classes (``FitSpec.heads``) has one per output: a binary
cross-entropy for a one-unit head, the softmax cross-entropy of its block for a
wider one, mean over outputs. Sums over labels and classes are products with
ones (see ``_loop._add_bias``): a copy's numbers do not depend on how many
copies train beside it.
"""

from keras import ops

__all__ = ["bce_terms", "head_losses", "pos_weight_of", "sum_last"]


def sum_last(x):
    """``x.sum(axis=-1)`` as a product with ones (see ``_loop._add_bias``)."""
    return ops.einsum("...l,l->...", x, ops.ones((x.shape[-1],), x.dtype))


def bce_terms(z, y, pos_weight):
    """Each unit's binary cross-entropy from its logit, ``pos_weight`` (K, units)
    or None on the positive term."""
    sp_neg = ops.softplus(-z)
    if pos_weight is not None:
        py = pos_weight[:, None, :] * y
        return sp_neg * (py + 1.0 - y) + (1.0 - y) * z
    return sp_neg + (1.0 - y) * z


def pos_weight_of(data, program, at=0, width=None):
    """The copies' ``pos_weight`` (K, units) of units ``at:at + width``, or None."""
    if not program.pos_weighted:
        return None
    return (
        data["pos_weight"] if width is None else data["pos_weight"][:, at : at + width]
    )


def head_losses(z, y, known, data, program):
    """Each row's loss over outputs with their own classes: the mean over outputs.

    A one-unit head is a binary cross-entropy, a wider one the softmax
    cross-entropy of its block (``pos_weight`` weighs the true class); an
    output whose class is unknown (NaN over its block) adds nothing. With every
    head one unit wide this is the multi-label loss.
    """
    total, at = 0.0, 0
    for width in program.heads:
        zb, yb = z[..., at : at + width], y[..., at : at + width]
        if width == 1:
            terms = bce_terms(zb, yb, pos_weight_of(data, program, at, 1))[..., 0]
        else:
            top = ops.max(zb, axis=-1, keepdims=True)
            log_norm = top[..., 0] + ops.log(sum_last(ops.exp(zb - top)))
            pw = pos_weight_of(data, program, at, width)
            wy = yb if pw is None else pw[:, None, :] * yb
            # -sum_c w_c y_c log softmax(z)_c, with sum_c y_c = 1
            terms = sum_last(wy) * log_norm - sum_last(wy * zb)
        if known is not None:
            terms = ops.where(known[..., at], terms, 0.0)
        total = total + terms
        at += width
    return total / len(program.heads)

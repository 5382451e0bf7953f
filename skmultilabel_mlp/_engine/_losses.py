"""The losses of the compiled training, per row, from the network's logits.

Written with ``keras.ops`` (TensorFlow or JAX, whichever runs ``_loop``). A
multi-label network has one binary cross-entropy per label (Keras'
``binary_crossentropy`` from logits, mean over labels), or one focal or
asymmetric loss per label (``focusing_terms``, also the Keras loss of
``_network`` on probabilities); a network whose outputs
have their own classes (``FitSpec.heads``) has one per output: a binary
cross-entropy for a one-unit head, the softmax cross-entropy of its block for a
wider one, mean over outputs. Sums over labels and classes are products with
ones (see ``_loop._add_bias``): a copy's numbers do not depend on how many
copies train beside it.
"""

import numpy as np
from keras import ops

__all__ = [
    "FOCUSING_KEYS",
    "bce_terms",
    "focusing_data",
    "focusing_logit_terms",
    "focusing_terms",
    "head_losses",
    "pos_weight_of",
    "sum_last",
]

#: the per-copy data of a focusing loss in a compiled program (``focusing_data``)
FOCUSING_KEYS = ("gamma_pos", "gamma_neg", "clip", "alpha_pos", "alpha_neg")


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


def focusing_terms(log_p, log_q, p, q, y, pos_weight, params, clipped):
    """Each unit's focal or asymmetric loss (``_spec.LossSpec``).

    ``log_p``, ``log_q`` are ``log p`` and ``log(1 - p)``, ``p``, ``q`` the
    probabilities ``p`` and ``1 - p``; ``params`` are ``FOCUSING_KEYS``'
    values, broadcastable to ``y``; ``clipped``: some ``clip`` is above 0 (the
    program's structure, not a value). ``pos_weight`` (or None) multiplies
    the positive term. Powers are ``exp(gamma * log)``: finite, with a
    finite gradient, at a saturated sigmoid and at ``gamma = 0``.
    """
    gamma_pos, gamma_neg, clip, alpha_pos, alpha_neg = params
    positive = ops.exp(gamma_pos * log_q) * log_p  # (1 - p)^gamma+ log p
    if clipped:
        # p_m = max(p - clip, 0): a negative below the margin adds nothing,
        # log(1 - p_m) = 0 there, and its (unused) weight is kept finite
        p_m = ops.maximum(p - clip, 0.0)
        above = ops.greater(p_m, 0.0)
        log_p = ops.where(above, ops.log(ops.where(above, p_m, 1.0)), 0.0)
        log_q = ops.log(ops.minimum(q + clip, 1.0))
    negative = ops.exp(gamma_neg * log_p) * log_q  # p_m^gamma- log(1 - p_m)
    weight = alpha_pos * y if pos_weight is None else alpha_pos * pos_weight * y
    return -(weight * positive + alpha_neg * (1.0 - y) * negative)


def focusing_logit_terms(z, y, pos_weight, data, program):
    """``focusing_terms`` from logits (K, B, L), with the copies' ``data``."""
    params = [data[key][:, None, None] for key in FOCUSING_KEYS]
    pw = None if pos_weight is None else pos_weight[:, None, :]
    # log p = -softplus(-z), log(1 - p) = -softplus(z): no log of a rounded 0
    log_p, log_q = -ops.softplus(-z), -ops.softplus(z)
    p, q = ops.sigmoid(z), ops.sigmoid(-z)
    return focusing_terms(log_p, log_q, p, q, y, pw, params, program.clipped)


def focusing_data(losses):
    """The per-copy arrays (float32 (K,)) of the copies' ``LossSpec``s."""
    columns = {
        "gamma_pos": [s.gamma_pos for s in losses],
        "gamma_neg": [s.gamma_neg for s in losses],
        "clip": [s.clip for s in losses],
        "alpha_pos": [s.weights[0] for s in losses],
        "alpha_neg": [s.weights[1] for s in losses],
    }
    return {k: np.array(v, np.float32) for k, v in columns.items()}


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

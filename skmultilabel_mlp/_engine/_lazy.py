"""Lazy Adam for a sparse first layer: a step updates the kernel rows its batch touches.

``optimizer="lazy_adam"`` with sparse ``X`` on the compiled engine. The first
layer's kernel has one row per input feature; a batch of sparse rows reaches
only the rows of its non-zero features. Exact Adam moves every row at every
step (its moments decay even where the gradient is 0), which costs a pass
over the whole kernel and both moment arrays: at a 50,000-feature vocabulary
that pass is most of a step. Lazy Adam (PyTorch's ``SparseAdam``, TensorFlow
Addons' ``LazyAdam``) updates the moments and weights of the touched rows only,
with the bias correction of the global step count; every other array (biases,
deeper layers) takes the exact Adam step. A row is touched when some row of
the batch has a non-zero value in its feature (padding slots and explicit
zeros do not touch). An L2 penalty's gradient reaches the touched rows only;
its value in the reported loss is the whole kernel's.

The kernel and its two moments live in a *row store* the backend supplies
(``Kit.rows``): on JAX plain arrays carried through the loop (XLA updates
them in place), on TensorFlow variables (``_stacked_tf``), since a functional
scatter there copies the whole kernel at every step.

Duplicate features in a batch are summed before the update (sorted, then
segment sums), so each touched row takes exactly one Adam step, the rule of
``_optim._adam`` on its summed gradient.
"""

from keras import ops

from . import _optim

__all__ = [
    "Slots",
    "dense",
    "penalty",
    "read_rows",
    "slots",
    "start",
    "update",
    "uses_lazy",
]


def uses_lazy(optimizer, sparse_x):
    """Whether a program trains its first layer lazily."""
    return optimizer == "lazy_adam" and sparse_x


class Slots:
    """A batch's first-layer slots: flat kernel-row index and whether it touches."""

    def __init__(self, flat, touched, d):
        self.flat, self.touched, self.d = flat, touched, d


def slots(cols, vals, valid, d):
    """The slots of a batch's sparse rows ``(cols, vals)`` (K, B, r) of K copies.

    ``flat`` (K*B*r,) indexes the copies' kernels stacked as one (K*d, h)
    array; a slot touches when its row is in the batch and its value is not 0.
    """
    K = cols.shape[0]
    offsets = ops.reshape(ops.arange(K, dtype="int32") * d, (K, 1, 1))
    flat = ops.reshape(cols + offsets, (-1,))
    touched = ops.logical_and(ops.not_equal(vals, 0.0), valid[:, :, None])
    return Slots(flat, ops.reshape(touched, (-1,)), d)


def _first(params, opt_state):
    """The first kernel and its two Adam moments."""
    ms, vs = opt_state
    return params[0], ms[0], vs[0]


def _with_first(params, opt_state, first):
    """``params`` and ``opt_state`` with ``first`` (kernel, m, v) in place of theirs."""
    (ms, vs), (W, m, v) = opt_state, first
    return [W, *params[1:]], [[m, *ms[1:]], [v, *vs[1:]]]


def start(rows, params, opt_state):
    """Hand the first kernel and its moments to the row store ``rows``.

    Returns ``params`` and ``opt_state`` with the store's handles in place of
    those three arrays (the loop carries the handles).
    """
    flat = (ops.reshape(a, (-1, a.shape[-1])) for a in _first(params, opt_state))
    return _with_first(params, opt_state, rows.start(*flat))


def dense(rows, params, opt_state, shape):
    """``start``'s inverse: the store's arrays back in place of its handles."""
    arrays = rows.dense(_first(params, opt_state))
    return _with_first(params, opt_state, [ops.reshape(a, shape) for a in arrays])


def penalty(rows, params, data):
    """Each copy's ``alpha * ||W||^2`` of the first kernel in the store (K,)."""
    W = rows.dense_first(params[0])
    K = data["alpha"].shape[0]
    return data["alpha"] * ops.sum(ops.reshape(ops.square(W), (K, -1)), axis=1)


def read_rows(rows, params, slot, cols, h):
    """The kernel rows of every slot, shaped (K, B, r, h) for the forward pass."""
    K, B, r = ops.shape(cols)
    return ops.reshape(rows.gather_first(params[0], slot.flat, h), (K, B, r, h))


def _unique(slot, grads, kit):
    """Each distinct kernel row of the batch, its summed gradient and whether it is touched.

    Returns ``(index (S,), grad (S, h), touched (S,), n)``: the first ``n``
    of the S = K*B*r entries are the distinct rows in increasing order, the
    rest padding (index 0, not touched).
    """
    take = kit.take
    S = ops.shape(slot.flat)[0]
    order = kit.argsort(slot.flat)  # stable: a copy's sums do not depend on K
    flat = take(slot.flat, order, 0)
    first = ops.concatenate(
        [ops.ones((1,), "bool"), ops.not_equal(flat[1:], flat[:-1])], axis=0
    )
    segment = ops.cumsum(ops.cast(first, "int32")) - 1
    grad = ops.segment_sum(take(grads, order, 0), segment, num_segments=S)
    index = ops.segment_sum(ops.where(first, flat, 0), segment, num_segments=S)
    hits = ops.segment_sum(
        ops.cast(take(slot.touched, order, 0), "int32"), segment, num_segments=S
    )
    return index, grad, ops.greater(hits, 0), segment[-1] + 1


def adam_rows(W, m, v, grad, touched, t, learning_rate, alpha):
    """``_optim._adam``'s step for rows (S, h) of copies' steps ``t``, rates (S,);
    rows not ``touched`` keep their values. ``alpha``: the L2 penalty's, whose
    gradient ``2 alpha W`` joins the touched rows' gradient."""
    grad = grad + 2.0 * alpha[:, None] * W
    m_new, v_new = _optim._adam_moments(grad, m, v)
    rate = learning_rate * ops.sqrt(1.0 - _optim._BETA_2**t) / (1.0 - _optim._BETA_1**t)
    W_new = W - rate[:, None] * m_new / (ops.sqrt(v_new) + _optim._EPSILON)
    keep = touched[:, None]
    return tuple(ops.where(keep, a, b) for a, b in ((W_new, W), (m_new, m), (v_new, v)))


def update(params, grads, opt_state, t, data, program, kit, slot, on):
    """One lazy Adam step: touched first-layer rows, exact Adam for the rest.

    ``params[0]`` and the first entries of the two moment lists are the row
    store's handles (``start``); ``grads[0]`` is the gradient of the slots'
    rows (K, B, r, h). Returns ``(params, opt_state)``.
    """
    rows = kit.rows
    ms, vs = opt_state
    rest_params, rest_state = kit.step(
        "adam",
        params[1:],
        grads[1:],
        [ms[1:], vs[1:]],
        t,
        data["learning_rate"],
        on,
    )
    h = grads[0].shape[-1]
    index, grad, touched, n = _unique(slot, ops.reshape(grads[0], (-1, h)), kit)
    copy = index // slot.d
    if on is not None:
        touched = ops.logical_and(touched, kit.take(on, copy, 0))
    handles = _first(params, opt_state)
    W, m, v = rows.gather_all(handles, index)
    t_row = kit.take(t, copy, 0)
    alpha = kit.take(data["alpha"], copy, 0) if program.alpha else ops.zeros_like(t_row)
    new = rows.elementwise(adam_rows)(
        W, m, v, grad, touched, t_row, kit.take(data["learning_rate"], copy, 0), alpha
    )
    handles = rows.scatter(handles, index, new, n)
    return (
        [handles[0], *list(rest_params)],
        [[handles[1], *list(rest_state[0])], [handles[2], *list(rest_state[1])]],
    )

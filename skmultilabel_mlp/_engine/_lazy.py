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

A step first sorts the batch's slots to find its distinct rows
(``distinct_rows``); the forward pass reads each distinct row once from the
store (``read_rows``) and multiplies the batch by them (``bag``), whose
gradient arrives summed per distinct row (a sorted segment sum), so each
touched row takes exactly one Adam step, the rule of ``_optim._adam`` on its
summed gradient.
"""

from keras import ops

from . import _optim

__all__ = [
    "Rows",
    "bag",
    "dense",
    "distinct_rows",
    "penalty",
    "read_rows",
    "sorted_segment_sum",
    "start",
    "update",
    "uses_lazy",
]


def uses_lazy(optimizer, sparse_x):
    """Whether a program trains its first layer lazily."""
    return optimizer == "lazy_adam" and sparse_x


class Rows:
    """A batch's distinct first-layer rows and where each of its slots reads.

    ``index`` (S,): the distinct flat kernel rows (of the copies' kernels
    stacked as one (K*d, h) array) in increasing order, then padding (row 0);
    ``touched`` (S,): whether some slot of the row is in the batch with a value
    other than 0; ``n``: how many are distinct; ``seg`` (K, B, r): each slot's
    position in ``index``; ``order`` (S,): the stable sort of the slots and
    ``segment`` (S,): the position in ``index`` of each slot in that order.
    S = K*B*r, the number of slots.
    """

    def __init__(self, index, touched, n, seg, order, segment, d):
        self.index, self.touched, self.n, self.seg = index, touched, n, seg
        self.order, self.segment, self.d = order, segment, d


def distinct_rows(cols, vals, valid, d, kit):
    """The distinct kernel rows of a batch's sparse rows ``(cols, vals)`` (K, B, r).

    Sorted (stably) once per step, before the forward pass: the forward pass
    reads each distinct row once (``bag``) and the gradient arrives summed
    per distinct row, never as one row per slot.
    """
    K = cols.shape[0]
    offsets = ops.reshape(ops.arange(K, dtype="int32") * d, (K, 1, 1))
    flat = ops.reshape(cols + offsets, (-1,))
    touched = ops.reshape(
        ops.logical_and(ops.not_equal(vals, 0.0), valid[:, :, None]), (-1,)
    )
    take, sums = kit.take, kit.sorted_segment_sum
    S = ops.shape(flat)[0]
    order = kit.argsort(flat)
    sorted_flat = take(flat, order, 0)
    first = ops.concatenate(
        [ops.ones((1,), "bool"), ops.not_equal(sorted_flat[1:], sorted_flat[:-1])],
        axis=0,
    )
    segment = ops.cumsum(ops.cast(first, "int32")) - 1
    index = sums(ops.where(first, sorted_flat, 0), segment, S)
    hits = sums(ops.cast(take(touched, order, 0), "int32"), segment, S)
    # each slot's position among the distinct rows (order is a permutation)
    seg = ops.reshape(
        ops.scatter(ops.expand_dims(order, 1), segment, (S,)), ops.shape(cols)
    )
    return Rows(index, ops.greater(hits, 0), segment[-1] + 1, seg, order, segment, d)


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


def bag(rows, batch, vals, kit):
    """``sum_r vals[k, b, r] * rows[seg[k, b, r]]`` (K, B, h): a lazy program's
    first product, of its sparse rows and the batch's distinct kernel rows
    (S, h) (``distinct_rows``).

    Its gradient for the rows is each slot's value times its upstream row,
    summed per distinct row over the sorted slots (the gather's own gradient,
    an unsorted scatter-add, took about twice as long on TensorFlow).
    """
    S, h = ops.shape(rows)[0], rows.shape[1]

    @ops.custom_gradient
    def product(rows):
        def grad(upstream):
            slots = ops.reshape(upstream[:, :, None, :] * vals[..., None], (-1, h))
            sorted_slots = kit.take(slots, batch.order, 0)
            return kit.sorted_segment_sum(sorted_slots, batch.segment, S)

        gathered = kit.take(rows, batch.seg, 0)  # (K, B, r, h)
        return ops.einsum("kbrh,kbr->kbh", gathered, vals), grad

    return product(rows)


def sorted_segment_sum(data, segment, n):
    """Sums of ``data``'s rows over sorted ``segment`` ids, ``n`` rows out."""
    return ops.segment_sum(data, segment, num_segments=n, sorted=True)


def read_rows(rows, params, batch, h):
    """The batch's distinct kernel rows (S, h), for the forward pass (``bag``)."""
    return rows.gather_first(params[0], batch.index, h)


def adam_rows(W, m, v, grad, touched, rate, alpha):
    """``_optim._adam``'s step for rows (S, h) at their copies' step sizes
    ``rate`` (S,) (``_optim.adam_rate``); rows not ``touched`` keep their
    values. ``alpha``: the L2 penalty's, whose gradient ``2 alpha W`` joins the
    touched rows' gradient."""
    grad = grad + 2.0 * alpha[:, None] * W
    m_new, v_new = _optim._adam_moments(grad, m, v)
    W_new = W - rate[:, None] * m_new / (ops.sqrt(v_new) + _optim._EPSILON)
    keep = touched[:, None]
    return tuple(ops.where(keep, a, b) for a, b in ((W_new, W), (m_new, m), (v_new, v)))


def update(params, grads, opt_state, t, data, program, kit, batch, on, first):
    """One lazy Adam step: touched first-layer rows, exact Adam for the rest.

    ``params[0]`` and the first entries of the two moment lists are the row
    store's handles (``start``); ``first`` is the batch's distinct rows (S, h)
    (``read_rows``) and ``grads[0]`` their gradient. Returns ``(params,
    opt_state)``.
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
    index, grad, touched, n = batch.index, grads[0], batch.touched, batch.n
    copy = index // batch.d
    if on is not None:
        touched = ops.logical_and(touched, kit.take(on, copy, 0))
    handles = _first(params, opt_state)
    m, v = rows.gather_moments(handles, index)
    rate = kit.take(_optim.adam_rate(t, data["learning_rate"]), copy, 0)
    alpha = kit.take(data["alpha"], copy, 0) if program.alpha else ops.zeros_like(rate)
    new = rows.elementwise(adam_rows)(first, m, v, grad, touched, rate, alpha)
    handles = rows.scatter(handles, index, new, n)
    return (
        [handles[0], *list(rest_params)],
        [[handles[1], *list(rest_state[0])], [handles[2], *list(rest_state[1])]],
    )

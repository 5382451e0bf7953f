"""The compiled training program: K copies, every epoch and step, one function.

Written once with ``keras.ops`` (so it becomes TensorFlow or JAX operations,
whichever backend runs), and compiled by ``_stacked_tf`` (``tf.function``) or
``_stacked_jax`` (``jax.jit``), which also supply the gradient. With ``K = 1``
it is a plain fit; with ``K > 1`` every copy is one slice of stacked weights
and follows the same computation as its own solo fit:

- an epoch visits the copy's rows in a fresh order (``_random``: a hash of its
  seed and the epoch), in batches of ``batch_size`` with a smaller last batch;
- a step is masked binary cross-entropy, or the focal or asymmetric loss of
  ``_losses.focusing_terms`` (``pos_weight`` on the positive term,
  unknown targets left out, the mean over the batch's rows as Keras'
  ``sum_over_batch_size``; with ``sample_weight`` the weighted mean,
  ``sum(w * loss) / sum(w)``, Keras' ``mean_with_sample_weight``, so an
  integer weight is a row repeated) plus ``alpha`` times the
  squared kernels (Keras' ``L2``), and one ``_optim`` update; a copy with no
  rows left skips the step;
- dropout masks are hashes of the copy's seed and step;
- with early stopping, the loss on the copy's validation rows after every
  epoch decides, as Keras' ``EarlyStopping(restore_best_weights=True)`` does,
  when the copy stops (each copy at its own epoch) and which weights it keeps.

Batches are gathered inside the loop from the full arrays, so memory does not
grow with the number of epochs.
"""

from dataclasses import dataclass

import keras
from keras import ops

from . import _optim, _random
from ._losses import (
    bce_terms,
    focusing_logit_terms,
    head_losses,
    pos_weight_of,
    sum_last,
)

__all__ = ["Program", "train"]


@dataclass(frozen=True)
class Program:
    """What the compiled training is specialised on (hashable: a static argument).

    Everything else (rows, seeds, learning rates, dropout rates, L2, epochs of
    each copy, patience) is data, so another seed, row count or
    hyper-parameter value reuses the compiled program.
    """

    activation: str
    optimizer: str
    batch_size: int
    epochs: int  # the most epochs any copy runs
    n_hidden: int
    dropout: bool  # some copy has dropout
    alpha: bool  # some copy has an L2 penalty
    early_stopping: bool
    padded_units: bool  # some copy's hidden layers are narrower than the arrays
    sparse_x: bool  # features as padded sparse rows (``_sparse``)
    single: bool  # one copy: every step is taken, nothing to mask
    masked: bool  # some targets are unknown (NaN)
    weighted: bool  # rows have sample weights other than 1
    pos_weighted: bool  # some copy weights the positive terms
    report: bool = False  # call the host after every epoch (``_progress``)
    #: continue a training: ``data`` holds the optimiser's flat ``opt_state``,
    #: each copy's step count ``t0`` and the epochs already run, ``epoch0``
    resume: bool = False
    keep_state: bool = False  # also return the optimiser state and step counts
    val_batch: int = 1024
    #: outputs with their own classes (``FitSpec.heads``): a softmax
    #: cross-entropy per block wider than one unit; empty: one BCE per label
    heads: tuple = ()
    #: each label's loss is focal or asymmetric (``_spec.LossSpec.structure``):
    #: its parameters are data (``_losses.FOCUSING_KEYS``); ``clipped``: some
    #: copy shifts its negatives' probabilities by a ``clip`` above 0
    focusing: bool = False
    clipped: bool = False


@dataclass(frozen=True)
class Kit:
    """What a backend supplies: the gradient, the stacked product, a plain gather.

    ``value_and_grad(loss_fn, params, *args) -> (losses (K,), grads)`` is the
    gradient of ``sum(loss_fn(params, *args))``; ``matmul`` is ``(K, b, d) x
    (K, d, h) -> (K, b, h)``; ``take(x, indices, axis)`` gathers in-range
    indices (``keras.ops.take`` adds a negative-index fix-up to every gather);
    ``step`` is ``_optim.step``, or a compiled version of it; ``report(listener,
    epoch, losses, val_losses)`` hands an epoch's losses to ``_progress.dispatch`` on
    the host.
    """

    value_and_grad: object
    matmul: object
    take: object
    step: object = _optim.step
    report: object = None


def _gather_x(data, idx, program, take):
    """Each copy's feature rows: dense (K, B, d), or sparse ``(columns, values)``."""
    if not program.sparse_x:
        return take(data["X"], idx, 0)
    return take(data["Xcols"], idx, 0), take(data["Xvals"], idx, 0)


def _first_product(x, W, matmul, take):
    """``x @ W`` per copy; sparse rows gather the kernel rows they touch.

    For sparse rows ``(columns, values)`` (K, B, r) the product is the sum of
    ``values`` times the rows of ``W`` (K, d, h) at ``columns``: a batch costs
    what its non-zeros touch, never a dense ``(B, d)`` block. Padding slots
    (column 0, value 0) add nothing.
    """
    if not isinstance(x, tuple):
        return matmul(x, W)
    cols, vals = x
    K, d = W.shape[0], W.shape[1]
    flat = ops.reshape(W, (-1, W.shape[2]))
    offsets = ops.reshape(ops.arange(K, dtype="int32") * d, (K, 1, 1))
    rows = take(flat, cols + offsets, 0)  # (K, B, r, h)
    return ops.einsum("kbrh,kbr->kbh", rows, vals)


# Sums over one copy's rows, labels or units are written as products with ones.
# A reduction's order of additions depends on the whole array's shape in
# XLA's CPU emitter (the bias gradient of copy 0 of 10 stacked copies differed
# from its solo fit's by 2e-6), while a batched product computes every copy
# with the kernel it would use alone: so a copy's numbers do not depend on how
# many copies train beside it (one seed, one result).


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
        product = (
            _first_product(h, W, kit.matmul, kit.take) if i == 0 else kit.matmul(h, W)
        )
        h = activation(_add_bias(product, b))
        if program.padded_units:
            h = h * data["unit_masks"][i][:, None, :]
        if drop_keys is not None:
            rate = data["dropout"][:, None, None]
            u = _random.dropout_uniform(drop_keys, i, h.shape[1], h.shape[2])
            h = ops.where(u >= rate, h / (1.0 - rate), 0.0)
    if program.n_hidden == 0:
        return _add_bias(
            _first_product(h, params[-2], kit.matmul, kit.take), params[-1]
        )
    return _add_bias(kit.matmul(h, params[-2]), params[-1])


def _row_losses(params, idx, valid, data, program, kit, drop_keys=None):
    """Each copy's weighted per-row losses (K, B) and their weights' sums (K,).

    Rows past the end of a copy's batch (``valid`` false) gather a real row and
    get weight 0; unknown targets are left out of the sum.
    """
    x = _gather_x(data, idx, program, kit.take)
    y = kit.take(data["Y"], idx, 0)
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
    return data["alpha"] * sum(ops.sum(ops.square(W), axis=(1, 2)) for W in params[::2])


def _batch_loss(params, idx, valid, drop_keys, data, program, kit):
    """Each copy's loss on its batch (K,): the (weighted) mean row loss plus L2."""
    rows, weight = _row_losses(params, idx, valid, data, program, kit, drop_keys)
    loss = _mean(sum_last(rows), weight)
    if program.alpha:
        loss = loss + _penalty(params, data)
    return loss


def _validation_loss(params, data, program, kit):
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


def _per_copy(value, like):
    return ops.reshape(value, (-1,) + (1,) * (len(like.shape) - 1))


def train(params, data, program, kit):
    """Run the whole training of K copies; return what ``_stacked`` unpacks.

    Parameters
    ----------
    params : list of arrays
        Initial weights, kernel then bias per layer, copies on the first axis.
    data : dict of arrays
        ``X`` (n, d) (or ``Xcols``, ``Xvals`` (n, r)), ``Y`` (n, L) with NaN,
        ``w`` (n,),
        ``rows`` (K, N) and ``n_k`` (K,), ``vrows`` (K, V) and ``v_k`` (K,),
        ``seeds`` (K,) uint32, ``learning_rate``, ``dropout``, ``alpha``,
        ``min_delta`` (K,) float32, ``epochs``, ``patience`` (K,) int32,
        ``pos_weight`` (K, L), ``unit_masks`` (one (K, width) per hidden layer),
        with ``program.focusing`` the loss's ``_losses.FOCUSING_KEYS`` (K,).
    program : Program
    kit : Kit

    Returns
    -------
    params, history_loss (E, K), history_val_loss (E, K), epochs_run (K,)
        and, with ``program.keep_state``, ``(flat optimiser state, t (K,))``.
    """
    K, N = data["rows"].shape[0], ops.shape(data["rows"])[1]
    B, E = program.batch_size, program.epochs
    n_k, seeds = data["n_k"], data["seeds"]
    epochs_k = data["epochs"]
    if program.resume:  # where an earlier training stopped
        opt_state = _optim.unflatten_state(
            program.optimizer, data["opt_state"], len(params)
        )
        t0, epoch0 = data["t0"], data["epoch0"]
    else:
        opt_state = _optim.init_state(program.optimizer, params)
        t0, epoch0 = ops.zeros((K,), "float32"), 0

    def loss_fn(p, idx, valid, drop_keys):
        return _batch_loss(p, idx, valid, drop_keys, data, program, kit)

    def run_epoch(epoch, params, opt_state, t, active):
        order = _random.shuffled_positions(
            _random.stream(seeds, _random.SHUFFLE, epoch + epoch0), n_k, N
        )
        perm = ops.take_along_axis(data["rows"], order, axis=1)
        live = ops.where(active, n_k, 0)
        steps = (ops.max(live) + B - 1) // B

        def one_step(s, carry):
            params, opt_state, t, loss_sum, count_sum = carry
            pos = s * B + ops.arange(B)
            valid = ops.less(pos[None, :], live[:, None])
            idx = kit.take(perm, ops.minimum(pos, N - 1), 1)
            drop_keys = (
                _random.stream(seeds, _random.DROPOUT, t) if program.dropout else None
            )
            losses, grads = kit.value_and_grad(loss_fn, params, idx, valid, drop_keys)
            count = ops.sum(ops.cast(valid, "float32"), axis=1)
            # one copy takes every step; stacked copies skip once out of rows
            on = None if program.single else count > 0
            t = t + (1.0 if on is None else ops.cast(on, "float32"))
            params, opt_state = kit.step(
                program.optimizer,
                params,
                grads,
                opt_state,
                t,
                data["learning_rate"],
                on,
            )
            return params, opt_state, t, loss_sum + losses * count, count_sum + count

        zeros = ops.zeros((K,), "float32")
        params, opt_state, t, loss_sum, count_sum = ops.fori_loop(
            0, steps, one_step, (params, opt_state, t, zeros, zeros)
        )
        # Keras' epoch loss: the batches' losses weighted by their rows
        return params, opt_state, t, loss_sum / ops.maximum(count_sum, 1.0)

    def record(history, epoch, values, active):
        at = ops.equal(ops.arange(E), epoch)[:, None]
        return ops.where(at & active[None, :], values[None, :], history)

    def body(epoch, params, opt_state, t, best, stop, hist_loss, hist_val, epochs_run):
        best_params, best_val, wait = best
        active = ops.logical_and(epoch < epochs_k, ops.logical_not(stop))
        params, opt_state, t, loss = run_epoch(epoch, params, opt_state, t, active)
        hist_loss = record(hist_loss, epoch, loss, active)
        epochs_run = ops.where(active, epoch + 1, epochs_run)
        if program.early_stopping:
            # Keras' EarlyStopping: count the epoch, reset on an improvement
            # by more than min_delta (val_loss < best - min_delta), stop once
            # the count reaches patience
            val = _validation_loss(params, data, program, kit)
            hist_val = record(hist_val, epoch, val, active)
            improved = active & ((val + data["min_delta"] < best_val) | (epoch == 0))
            best_params = [
                ops.where(_per_copy(improved, p), p, q)
                for p, q in zip(params, best_params)
            ]
            best_val = ops.where(improved, val, best_val)
            wait = ops.where(active, ops.where(improved, 0, wait + 1), wait)
            stop = stop | (
                active & ~improved & (wait >= data["patience"]) & (epoch > 0)
            )
        stop = stop | ~(epoch + 1 < epochs_k)
        if program.report:
            val_or_loss = val if program.early_stopping else loss
            kit.report(data["listener"], epoch, loss, val_or_loss)
        return (
            epoch + 1,
            params,
            opt_state,
            t,
            (best_params, best_val, wait),
            stop,
            hist_loss,
            hist_val,
            epochs_run,
        )

    def not_done(epoch, params, opt_state, t, best, stop, *rest):
        return ops.logical_and(epoch < E, ops.logical_not(ops.all(stop)))

    nan = ops.full((E, K), float("nan"))
    best = (
        list(params) if program.early_stopping else [],
        ops.full((K,), float("inf")),
        ops.zeros((K,), "int32"),
    )
    state = (
        ops.convert_to_tensor(0, "int32"),
        list(params),
        opt_state,
        t0,
        best,
        epochs_k < 1,
        nan,
        nan,
        ops.zeros((K,), "int32"),
    )
    out = ops.while_loop(not_done, body, state)
    _, params, opt_state, t, (best_params, _, _), _, hist_loss, hist_val, epochs_run = (
        out
    )
    if program.early_stopping:
        params = best_params  # Keras' restore_best_weights: the best epoch's
    if program.keep_state:
        state = (_optim.flatten_state(opt_state), t)
        return params, hist_loss, hist_val, epochs_run, state
    return params, hist_loss, hist_val, epochs_run

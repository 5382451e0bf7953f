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
grow with the number of epochs. A batch has a multiple of ``_optim.LANES``
slots, the ones past ``batch_size`` rows empty (weight 0, as the rows past the
end of a last batch), so that every copy's element-wise work has the same
lengths whatever the number of copies (``_optim.LANES``).
"""

from dataclasses import dataclass

from keras import ops

from . import _lazy, _optim, _random
from ._losses import FOCUSING_KEYS
from ._objective import batch_loss, gather_x, validation_loss
from ._program import Carry, Program

__all__ = ["PER_COPY", "Carry", "Program", "one_copy", "train"]


#: the data of ``_loop.train`` with one entry per copy on its first axis
PER_COPY = (
    "rows",
    "n_k",
    "vrows",
    "v_k",
    "seeds",
    "learning_rate",
    "dropout",
    "alpha",
    "epochs",
    "patience",
    "min_delta",
    "pos_weight",
    "unit_masks",
    *FOCUSING_KEYS,
)


def one_copy(data, k):
    """Copy ``k``'s ``data``: the ``PER_COPY`` entries cut to it, the rest shared."""
    return {
        key: (
            [m[k : k + 1] for m in value]
            if isinstance(value, list)
            else value[k : k + 1]
        )
        if key in PER_COPY
        else value
        for key, value in data.items()
    }


@dataclass(frozen=True)
class Kit:
    """What a backend supplies: the gradient, the stacked product, a plain gather.

    ``value_and_grad(loss_fn, params, *args) -> (losses (K,), grads)`` is the
    gradient of ``sum(loss_fn(params, *args))``; ``matmul`` is ``(K, b, d) x
    (K, d, h) -> (K, b, h)``; ``take(x, indices, axis)`` gathers in-range
    indices (``keras.ops.take`` adds a negative-index fix-up to every gather);
    ``step`` is ``_optim.step``, or a compiled version of it; ``report(listener,
    epoch, losses, val_losses)`` hands an epoch's losses to ``_progress.dispatch`` on
    the host; ``rows`` makes the row store of a lazy program (``_lazy``),
    ``argsort`` is a stable sort and ``sorted_segment_sum(data, segment, n)``
    the sums over sorted segment ids as ``n`` rows; ``epoch(fn, program)``
    (None: as it is) returns ``fn(state, n)``, a run of up to ``n`` epochs,
    compiled as one unit.
    """

    value_and_grad: object
    matmul: object
    take: object
    step: object = _optim.step
    report: object = None
    rows: object = None
    argsort: object = ops.argsort
    sorted_segment_sum: object = _lazy.sorted_segment_sum
    epoch: object = None


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
        with ``program.focusing`` the loss's ``_losses.FOCUSING_KEYS`` (K,);
        with ``program.carried``, ``carry``: the ``Carry`` a segmented training
        returned, cut to these copies (``epoch`` is then the epoch it reached:
        shuffles, histories and the epoch limits go on counting from there).
    program : Program
    kit : Kit

    Returns
    -------
    params, history_loss (E, K), history_val_loss (E, K), epochs_run (K,)
        and, with ``program.keep_state``, ``(flat optimiser state, t (K,))``;
        with ``program.segmented``, the loop's ``Carry``.
    """
    K, N = data["rows"].shape[0], ops.shape(data["rows"])[1]
    B, E = program.batch_size, program.epochs
    slots = -(-B // _optim.LANES) * _optim.LANES  # B rows, padded (``LANES``)
    n_k, seeds = data["n_k"], data["seeds"]
    epochs_k = data["epochs"]
    if program.resume:  # where an earlier training stopped
        opt_state = _optim.unflatten_state(
            program.optimizer, data["opt_state"], len(params)
        )
        t0, epoch0 = data["t0"], data["epoch0"]
    elif program.carried:  # the same training, fewer copies
        carry = data["carry"]
        opt_state = _optim.unflatten_state(
            program.optimizer, carry["opt_state"], len(params)
        )
        t0, epoch0 = carry["t"], 0
    else:
        opt_state = _optim.init_state(program.optimizer, params)
        t0, epoch0 = ops.zeros((K,), "float32"), 0
    first_shape = tuple(params[0].shape)  # (K, d, h)
    d, h = first_shape[1], first_shape[2]

    def loss_fn(p, idx, valid, drop_keys, x=None):
        return batch_loss(p, idx, valid, drop_keys, data, program, kit, x)

    def run_epoch(epoch, params, opt_state, t, active):
        order = _random.shuffled_positions(
            _random.stream(seeds, _random.SHUFFLE, epoch + epoch0), n_k, N
        )
        perm = ops.take_along_axis(data["rows"], order, axis=1)
        live = ops.where(active, n_k, 0)
        steps = (ops.max(live) + B - 1) // B

        def one_step(s, carry):
            params, opt_state, t, loss_sum, count_sum = carry
            slot = ops.arange(slots)
            pos = s * B + slot
            valid = ops.less(pos[None, :], live[:, None])
            if slots > B:  # the slots past the batch's rows are empty
                valid = ops.logical_and(valid, ops.less(slot, B)[None, :])
            idx = kit.take(perm, ops.minimum(pos, N - 1), 1)
            drop_keys = (
                _random.stream(seeds, _random.DROPOUT, t) if program.dropout else None
            )
            if program.lazy:  # the gradient of the rows the batch touches
                cols, vals = gather_x(data, idx, program, kit.take)
                batch = _lazy.distinct_rows(cols, vals, valid, d, kit)
                first = _lazy.read_rows(kit.rows, params, batch, h)
                losses, grads = kit.value_and_grad(
                    loss_fn,
                    [first, *list(params[1:])],
                    idx,
                    valid,
                    drop_keys,
                    (batch, vals),
                )
                if program.alpha:
                    losses = losses + _lazy.penalty(kit.rows, params, data)
            else:
                losses, grads = kit.value_and_grad(
                    loss_fn, params, idx, valid, drop_keys
                )
            count = ops.sum(ops.cast(valid, "float32"), axis=1)
            # one copy takes every step; stacked copies skip once out of rows
            on = None if program.single else count > 0
            t = t + (1.0 if on is None else ops.cast(on, "float32"))
            if program.lazy:
                params, opt_state = _lazy.update(
                    params, grads, opt_state, t, data, program, kit, batch, on, first
                )
            else:
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

    def epoch_core(
        epoch, params, opt_state, t, best, stop, hist_loss, hist_val, epochs_run
    ):
        best_params, best_val, wait = best
        active = ops.logical_and(epoch < epochs_k, ops.logical_not(stop))
        params, opt_state, t, loss = run_epoch(epoch, params, opt_state, t, active)
        hist_loss = record(hist_loss, epoch, loss, active)
        epochs_run = ops.where(active, epoch + 1, epochs_run)
        if program.early_stopping:
            # Keras' EarlyStopping: count the epoch, reset on an improvement
            # by more than min_delta (val_loss < best - min_delta), stop once
            # the count reaches patience
            weights = params
            if program.lazy:  # the row store's kernel, read once an epoch
                weights = _lazy.dense(kit.rows, params, opt_state, first_shape)[0]
            val = validation_loss(weights, data, program, kit)
            hist_val = record(hist_val, epoch, val, active)
            improved = active & ((val + data["min_delta"] < best_val) | (epoch == 0))
            best_params = [
                ops.where(_per_copy(improved, p), p, q)
                for p, q in zip(weights, best_params)
            ]
            best_val = ops.where(improved, val, best_val)
            wait = ops.where(active, ops.where(improved, 0, wait + 1), wait)
            stop = stop | (
                active & ~improved & (wait >= data["patience"]) & (epoch > 0)
            )
        stop = stop | ~(epoch + 1 < epochs_k)
        state = (
            epoch + 1,
            list(params),
            opt_state,
            t,
            (list(best_params), best_val, wait),
            stop,
            hist_loss,
            hist_val,
            epochs_run,
        )
        return state, loss, val if program.early_stopping else loss

    def epochs(state, n):
        """Up to ``n`` epochs (fewer once done), and the last one's losses."""

        def go(i, state, loss, val_or_loss):
            return ops.logical_and(i < n, not_done(*state))

        def one(i, state, loss, val_or_loss):
            return i + 1, *epoch_core(*state)

        zeros = ops.zeros((K,), "float32")
        start = (ops.convert_to_tensor(0, "int32"), state, zeros, zeros)
        _, state, loss, val_or_loss = ops.while_loop(go, one, start)
        return state, loss, val_or_loss

    # The backend may compile a run of epochs as one unit (``Kit.epoch``);
    # the report to the host stays outside it. The number of epochs a run
    # takes is data, so a program that reports (one epoch a run) runs the
    # very computation of one that does not (every epoch in one run).
    if kit.epoch is None:  # the epoch as it is, one loop pass each

        def run(state, n):
            return epoch_core(*state)

        per_run = 1
    else:
        run = kit.epoch(epochs, program)
        per_run = ops.convert_to_tensor(1 if program.report else E, "int32")

    def body(*state):
        state, loss, val_or_loss = run(state, per_run)
        if program.report:
            kit.report(data["listener"], state[0] - 1, loss, val_or_loss)
        return state

    def not_done(epoch, params, opt_state, t, best, stop, *rest):
        go = ops.logical_and(epoch < E, ops.logical_not(ops.all(stop)))
        if program.segmented:  # enough copies stopped to go on with fewer
            running = ops.logical_and(ops.logical_not(stop), epoch < epochs_k)
            many = ops.sum(ops.cast(running, "int32")) > data["min_running"]
            go = ops.logical_and(go, many)
        return go

    if program.carried:
        best = (list(carry["best_params"]), carry["best_val"], carry["wait"])
        start = (carry["epoch"], carry["stop"], carry["hist_loss"], carry["hist_val"])
        epochs_run = carry["epochs_run"]
    else:
        nan = ops.full((E, K), float("nan"))
        best = (
            list(params) if program.early_stopping else [],
            ops.full((K,), float("inf")),
            ops.zeros((K,), "int32"),
        )
        start = (ops.convert_to_tensor(0, "int32"), epochs_k < 1, nan, nan)
        epochs_run = ops.zeros((K,), "int32")
    if program.lazy:
        params, opt_state = _lazy.start(kit.rows, params, opt_state)
    epoch, stop, hist_loss, hist_val = start
    state = (
        epoch,
        list(params),
        opt_state,
        t0,
        best,
        stop,
        hist_loss,
        hist_val,
        epochs_run,
    )
    out = ops.while_loop(not_done, body, state)
    epoch, params, opt_state, t, best, stop, hist_loss, hist_val, epochs_run = out
    best_params = best[0]
    if program.lazy:
        params, opt_state = _lazy.dense(kit.rows, params, opt_state, first_shape)
    if program.segmented:
        carry = Carry(
            epoch=epoch,
            params=list(params),
            opt_state=_optim.flatten_state(opt_state),
            t=t,
            best_params=list(best_params),
            best_val=best[1],
            wait=best[2],
            stop=stop,
            hist_loss=hist_loss,
            hist_val=hist_val,
            epochs_run=epochs_run,
        )
    if program.early_stopping:
        params = best_params  # Keras' restore_best_weights: the best epoch's
    if program.segmented:
        return params, hist_loss, hist_val, epochs_run, carry._asdict()
    if program.keep_state:
        state = (_optim.flatten_state(opt_state), t)
        return params, hist_loss, hist_val, epochs_run, state
    return params, hist_loss, hist_val, epochs_run

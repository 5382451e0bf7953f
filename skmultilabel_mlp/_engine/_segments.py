"""Stacked training in segments: the copies still training go on with fewer slots.

In one stacked computation a copy that early stopping has stopped keeps its
slice of every step (masked) until the group's last copy stops: on the medical
data set's search, a group of 20 copies took 77 s where 4 groups of 5 took
51 s. ``segments`` ends the computation once at most half of the copies
still train and goes on with those alone, in a program of fewer copies, from
the loop's state (``_loop.Carry``), so that each copy's training is the one it
had in the whole group (to float32 rounding: the batched products depend on
the number of copies in the last bit).

Only batched computations need segments: TensorFlow's with
``_stacked_tf.COPIES_IN_TURN = False``. By default both engines train the
copies in turn, each to its own epoch, and never reach this module.
"""

import dataclasses

import numpy as np

from ._loop import PER_COPY

__all__ = ["SEGMENT_WORK", "segments"]

#: copies stopped early keep their slice of the computation until the
#: group's last one stops; a group whose copy-epoch is at least this much
#: work (training rows x weights) goes on with fewer copies, in computations
#: of 2**j slots, once at most half of its copies still train (see
#: ``segments``); smaller groups stay whole, where compiling the smaller
#: programs costs more than the epochs they save. Measured
#: (``benchmarks/results/segments.md``, MultiLabelMLPClassifierCV on
#: TensorFlow): medical 0.80x-0.90x the unsegmented fit's time, yeast 1.16x;
#: every group segmented: emotions 1.53x. The copies' stopping epochs, not
#: this work alone, decide the gain: a better gate is open work.
SEGMENT_WORK = 5e7


def _floor(K):
    """The most copies still training at which a group of ``K`` goes on with
    fewer: the largest power of two at most ``K // 2`` (0 for one copy)."""
    return 0 if K < 2 else 1 << ((K // 2).bit_length() - 1)


def _take_copies(value, slots, axis=0):
    if isinstance(value, list):
        return [_take_copies(v, slots, axis) for v in value]
    return np.take(np.asarray(value), slots, axis=axis)


def segments(run, program, data, specs, widths, initial_params):
    """``run``'s outputs for a group trained in segments of fewer copies.

    The first segment is the whole group; it leaves its loop once at most
    ``_floor(K)`` copies still train, and the copies still training go on in
    a computation of the next power of two slots at least their number
    (slots beyond them are stopped copies without rows), from the loop's
    state (``_loop.Carry``): the same weights, optimiser state, step counts,
    shuffles, dropout masks and early-stopping counts, so each copy follows
    the same training as in the whole group, in fewer operations.
    """
    K = len(specs)
    program = dataclasses.replace(program, segmented=True)
    out = run(
        program,
        {**data, "min_running": np.int32(_floor(K))},
        specs,
        widths,
        initial_params,
        False,
    )
    params = [np.array(p) for p in out[0]]
    hist_loss, hist_val, epochs_run = (np.array(a) for a in out[1:4])
    carry, slot_of = out[4], np.arange(K)  # each slot's copy in the group
    live = np.flatnonzero(~np.asarray(carry["stop"]))
    while live.size:
        n = 1 << (int(live.size) - 1).bit_length()
        slots = np.concatenate([live, np.full(n - live.size, live[0])])
        idle = np.arange(n) >= live.size
        sub = {k: v for k, v in data.items() if k not in PER_COPY}
        for key in PER_COPY:
            if key in data:
                sub[key] = _take_copies(data[key], slots)
        for key in ("n_k", "v_k", "epochs"):  # the padding slots never train
            sub[key] = np.where(idle, 0, sub[key]).astype(sub[key].dtype)
        sub["carry"] = {
            key: value
            if key == "epoch"
            else _take_copies(value, slots, axis=1 if key.startswith("hist") else 0)
            for key, value in carry.items()
        }
        sub["carry"]["stop"] = np.asarray(sub["carry"]["stop"]) | idle
        sub["min_running"] = np.int32(_floor(n))
        step = dataclasses.replace(program, carried=True, segmented=n > 1)
        current = sub["carry"]["params"]
        out = run(
            step,
            sub,
            [specs[k] for k in slot_of[slots]],
            widths,
            lambda specs, widths, current=current: [np.array(a) for a in current],
            True,
        )
        slot_of = slot_of[slots]
        real = np.flatnonzero(~idle)
        copies = slot_of[real]
        for target, value in zip(params, out[0]):
            target[copies] = np.asarray(value)[real]
        hist_loss[:, copies] = np.asarray(out[1])[:, real]
        hist_val[:, copies] = np.asarray(out[2])[:, real]
        epochs_run[copies] = np.asarray(out[3])[real]
        if n == 1:
            break
        # the next segment's slots index this one's
        carry, data = out[4], sub
        live = np.flatnonzero(~np.asarray(carry["stop"]) & ~idle)
    return params, hist_loss, hist_val, epochs_run

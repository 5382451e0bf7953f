"""Stacked training: any number of fits, grouped into compiled computations.

Each :class:`FitSpec` describes one network and its training; copies whose
specs share the fields in ``STATIC_FIELDS`` train as one computation of the
program in ``_loop`` (run by ``_stacked_tf`` or ``_stacked_jax``), every copy
a slice of stacked weights. Narrower hidden layers are padded to the group's
widest with masked units; copies whose losses differ in kind (the
cross-entropy, or a focal or asymmetric loss with or without a ``clip``) train
in computations of their own. Every other difference (seed, rows, learning
rate, dropout, L2, epochs, class weights, patience, the focusing losses'
parameters) is data of the program.

A solo fit is the same computation with one copy: for an integer seed, copy
``k`` of a stacked fit gets the same initial weights, shuffles, dropout masks
and updates as the solo fit of its rows.
"""

import keras
import numpy as np
import scipy.sparse as sp

from . import _progress, _segments
from ._ahead import compile_ahead
from ._group import computation, n_weights
from ._sparse import ell_arrays, ell_fits

__all__ = ["STATIC_FIELDS", "train_stacked"]

#: FitSpec fields every copy of one stacked computation must share
STATIC_FIELDS = (
    "n_features",
    "n_labels",
    "activation",
    "kernel_initializer",
    "optimizer",
    "batch_size",
    "heads",
)


#: copies of different hidden widths: one computation padded to the widest
#: (True), or one computation per architecture (False). Measured on the
#: tutorial search over widths 10/20/50/100 (120 fits, 2 cores): one per
#: architecture took 10.6 s (JAX) and 13.7 s (TF) on a first call, 5.3 s and
#: 8.7 s later, against 12.6/16.9 s and 7.7/15.6 s padded: the padding's
#: wasted arithmetic costs more than compiling four programs.
PAD_WIDTHS = False


def _group_key(spec):
    shape = len(spec.hidden_layer_sizes) if PAD_WIDTHS else spec.hidden_layer_sizes
    return (
        *(getattr(spec, f) for f in STATIC_FIELDS),
        shape,
        spec.early_stopping is not None,
        spec.loss.structure,
    )


def train_stacked(
    specs,
    X,
    Y,
    rows,
    sample_weight=None,
    val_rows=None,
    verbose=0,
    max_memory_mb=None,
    starts=None,
    keep_state=False,
):
    """Train one network per spec; return a ``(layers, history)`` per spec.

    Parameters
    ----------
    specs : list of K FitSpec
    X : ndarray (n, d) float32 or CSR matrix
        The rows of every copy (copies with data of their own have it stacked
        in here, each at its own offset).
    Y : ndarray (n, n_labels) float32, NaN = unknown, or CSR matrix
        Sparse targets stay sparse: each batch is made dense in the loop.
    rows : list of K int arrays
        Each copy's training rows (in the order a solo fit would see them).
    sample_weight : ndarray (n,) or None
    val_rows : list of K int arrays or None, or None
        Each copy's validation rows, for the copies with early stopping.
    verbose : int
        0 silent, 1 a progress bar per computation (on a terminal only when
        negative), 2 a line per epoch.
    max_memory_mb : float or None
        Copies that would need more memory together than this (their weights,
        optimiser slots and batch activations; the data is shared) train in
        several computations.
    starts : list of K (dict or None), or None
        Where a copy's training continues from: ``{"layers": ...}`` (its
        initial weights, a fresh optimiser: ``warm_start``), plus
        ``"opt_state"``, ``"t"`` and ``"epoch"`` as a ``keep_state`` training
        returned them (the optimiser goes on: ``partial_fit``).
    keep_state : bool
        Also return each copy's optimiser state, for a later ``starts``.

    Returns
    -------
    list of ``(layers, history)`` (``(layers, history, state)`` with ``keep_state``)
        ``layers`` is ``[(kernel, bias, activation), ...]``; ``history`` has
        ``"loss"`` (and ``"val_loss"``) per epoch run.
    """
    starts = [None] * len(specs) if starts is None else starts
    weights = (
        None
        if sample_weight is None or np.all(sample_weight == 1)
        else np.asarray(sample_weight, np.float32)
    )
    features = _features(X)
    targets = _targets(Y)
    val_rows = [None] * len(specs) if val_rows is None else val_rows
    groups = {}
    for k, spec in enumerate(specs):
        # a copy that continues a training, or keeps its state, trains alone
        alone = (k,) if keep_state or starts[k] is not None else ()
        groups.setdefault((*_group_key(spec), *alone), []).append(k)
    out = [None] * len(specs)
    chunks = [
        chunk
        for members in groups.values()
        for chunk in _chunks(members, specs, max_memory_mb)
    ]
    backend = _backend()

    def prepare(members):
        return computation(
            [specs[k] for k in members],
            features,
            targets,
            weights,
            [rows[k] for k in members],
            [val_rows[k] for k in members],
            verbose,
            backend.in_turn,
            starts[members[0]] if len(members) == 1 else None,
            keep_state,
        )

    upcoming = prepare(chunks[0]) if chunks else None
    for i, members in enumerate(chunks):
        group = upcoming
        upcoming = prepare(chunks[i + 1]) if i + 1 < len(chunks) else None
        # the next computation compiles while this one trains (``_ahead``)
        ahead = compile_ahead(backend, upcoming)
        try:
            trained = _train_group(group, backend, verbose)
        finally:
            ahead.wait()
        for k, result in zip(members, trained):
            out[k] = result
    return out


def copy_bytes(spec):
    """About what one copy of a stacked computation holds in memory.

    Weights, gradients, two optimiser slots and the best weights of early
    stopping (5 copies of the weights), and a batch's activations forward and
    backward, dense inputs included (4 per unit).
    """
    widths = spec.widths
    return 4 * (5 * n_weights(widths) + 4 * spec.batch_size * sum(widths))


def _chunks(members, specs, max_memory_mb):
    """``members`` cut into computations of at most ``max_memory_mb`` each."""
    if max_memory_mb is None:
        return [members]
    per_copy = max(copy_bytes(specs[k]) for k in members)
    size = max(1, int(max_memory_mb * 2**20 // per_copy))
    return [members[i : i + size] for i in range(0, len(members), size)]


def _features(X):
    """Dense ``{"X": (n, d)}`` or sparse ``{"Xcols", "Xvals": (n, r)}`` (``_sparse``)."""
    if not sp.issparse(X):
        return {"X": np.asarray(X, np.float32)}
    cols, vals = ell_arrays(X)
    return {"Xcols": cols, "Xvals": vals}


def _targets(Y):
    """Dense ``{"Y": (n, L)}`` (NaN = unknown), or, for a sparse ``Y`` regular
    enough, ``{"Ycols", "Yvals": (n, q)}``: its rows padded (``_sparse``)."""
    if sp.issparse(Y) and ell_fits(Y):
        cols, vals = ell_arrays(Y)
        return {"Ycols": cols, "Yvals": vals}
    if sp.issparse(Y):
        Y = Y.toarray()
    return {"Y": np.asarray(Y, np.float32)}


def _backend():
    """The module that runs a computation on the Keras backend in use."""
    if keras.config.backend() == "jax":
        from . import _stacked_jax as backend
    else:
        from . import _stacked_tf as backend
    return backend


def _train_group(group, backend, verbose):
    """Run one ``_group.Computation``; a ``(layers, history[, state])`` per copy."""
    program, data, specs = group.program, group.data, group.specs
    listener = _progress.listener(
        abs(verbose),
        len(specs),
        program.epochs,
        terminal_only=verbose < 0,
        in_turn=group.turns,
    )
    try:
        with _progress.listening(listener) as number:
            data["listener"] = np.int32(number)
            if group.segmented:
                out = _segments.segments(
                    backend.run,
                    program,
                    data,
                    specs,
                    group.widths,
                    group.initial_params,
                )
            else:
                out = backend.run(
                    program,
                    data,
                    specs,
                    group.widths,
                    group.initial_params,
                    group.given,
                )
    finally:
        if listener is not None:
            listener.close()
    early = program.early_stopping
    params, hist_loss, hist_val, epochs_run = out[:4]
    trained = [
        _unpack(spec, params, k, hist_loss, hist_val if early else None, epochs_run)
        for k, spec in enumerate(specs)
    ]
    if not group.keep_state:
        return trained
    flat, t = out[4]
    epoch0 = int(data.get("epoch0", 0))
    return [
        (
            layers,
            history,
            {
                "opt_state": [np.array(a[k : k + 1]) for a in flat],
                "t": float(t[k]),
                "epoch": epoch0 + int(epochs_run[k]),
            },
        )
        for k, (layers, history) in enumerate(trained)
    ]


def _unpack(spec, params, k, hist_loss, hist_val, epochs_run):
    """Copy ``k``'s layers, cut to its own widths, and its history."""
    widths = spec.widths
    # outputs with their own classes: logits, made probabilities per head
    last = "linear" if spec.heads else "sigmoid"
    activations = [spec.activation] * len(spec.hidden_layer_sizes) + [last]
    layers = [
        (
            np.ascontiguousarray(params[2 * i][k, : widths[i], : widths[i + 1]]),
            np.ascontiguousarray(params[2 * i + 1][k, : widths[i + 1]]),
            act,
        )
        for i, act in enumerate(activations)
    ]
    run = int(epochs_run[k])
    history = {"loss": [float(v) for v in hist_loss[:run, k]]}
    if hist_val is not None:
        history["val_loss"] = [float(v) for v in hist_val[:run, k]]
    return layers, history

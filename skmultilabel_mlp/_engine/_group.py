"""One stacked computation before it runs: its program, its data, its weights.

``_stacked.train_stacked`` cuts its fits into computations; ``computation``
turns the specs of one of them into what a backend's ``run`` (and
``compile_ahead``) takes: the static ``Program``, the arrays of the training,
the padded hidden widths and the function that makes the initial weights.
"""

import itertools
from dataclasses import dataclass

import numpy as np

from . import _segments
from ._lazy import uses_lazy
from ._losses import focusing_data
from ._network import initial_weights
from ._program import Program

__all__ = ["Computation", "computation", "n_weights"]


@dataclass
class Computation:
    """What one call of a backend's ``run`` trains."""

    specs: list
    program: Program
    data: dict
    widths: list
    initial_params: object  # (specs, widths) -> stacked initial weights
    given: bool  # the weights continue a training (``start``)
    turns: bool  # the copies train in turn (the backend's ``in_turn``)
    segmented: bool  # early-stopped copies leave in segments (``_segments``)
    keep_state: bool


def computation(
    specs,
    features,
    targets,
    weights,
    rows,
    val_rows,
    verbose,
    in_turn,
    start=None,
    keep_state=False,
):
    """The ``Computation`` of ``specs`` (one group of ``train_stacked``)."""
    spec0 = specs[0]
    n = next(iter(targets.values())).shape[0]
    n_hidden = len(spec0.hidden_layer_sizes)
    widths = [max(s.hidden_layer_sizes[i] for s in specs) for i in range(n_hidden)]
    padded_units = any(list(s.hidden_layer_sizes) != widths for s in specs)
    early = spec0.early_stopping is not None
    program = Program(
        activation=spec0.activation,
        optimizer=spec0.optimizer,
        batch_size=spec0.batch_size,
        epochs=max(s.epochs for s in specs),
        n_hidden=n_hidden,
        dropout=any(s.dropout > 0 for s in specs),
        alpha=any(s.alpha > 0 for s in specs),
        early_stopping=early,
        padded_units=padded_units,
        sparse_x="Xcols" in features,
        single=len(specs) == 1,
        masked="Y" in targets and bool(np.isnan(targets["Y"]).any()),
        weighted=weights is not None,
        pos_weighted=any(s.pos_weight is not None for s in specs),
        report=bool(verbose),
        resume=start is not None and "opt_state" in start,
        keep_state=keep_state,
        heads=spec0.heads,
        focusing=spec0.loss.structure[0],
        clipped=spec0.loss.structure[1],
        lazy=uses_lazy(spec0.optimizer, "Xcols" in features),
        sparse_y="Ycols" in targets,
    )
    train_rows, n_k = _pad_rows(rows)
    vrows, v_k = _pad_rows([np.zeros(0, int) if v is None else v for v in val_rows])
    data = {
        **features,
        **targets,
        "w": np.ones(n, np.float32) if weights is None else weights,
        "rows": train_rows,
        "n_k": n_k,
        "vrows": vrows,
        "v_k": v_k,
        "seeds": np.array([s.seed for s in specs], np.uint32),
        "learning_rate": _floats(s.learning_rate for s in specs),
        "dropout": _floats(s.dropout for s in specs),
        "alpha": _floats(s.alpha for s in specs),
        "epochs": np.array([s.epochs for s in specs], np.int32),
        "patience": np.array(
            [s.early_stopping.patience if early else 0 for s in specs], np.int32
        ),
        "min_delta": _floats(s.early_stopping.min_delta if early else 0 for s in specs),
        "pos_weight": np.array(
            [
                np.ones(spec0.n_labels) if s.pos_weight is None else s.pos_weight
                for s in specs
            ],
            np.float32,
        ),
        "unit_masks": [
            np.array(
                [np.arange(w) < s.hidden_layer_sizes[i] for s in specs], np.float32
            )
            for i, w in enumerate(widths)
        ],
        # the progress listener's number (``_progress.listening``), set by the run
        "listener": np.int32(0),
    }
    if program.focusing:
        data.update(focusing_data([s.loss for s in specs]))
    initial_params = _initial_params if start is None else _given(start["layers"])
    if program.resume:
        data["opt_state"] = [np.asarray(a, np.float32) for a in start["opt_state"]]
        data["t0"] = np.array([start["t"]], np.float32)
        data["epoch0"] = np.int32(start["epoch"])
    turns = in_turn(program, len(specs))
    # copies trained in turn stop at their own epochs: no segments needed
    segmented = (
        early
        and len(specs) > 1
        and not turns
        and not (program.report or program.resume or keep_state)
        and int(n_k.max()) * n_weights([spec0.n_features, *widths, spec0.n_labels])
        >= _segments.SEGMENT_WORK
    )
    return Computation(
        specs=specs,
        program=program,
        data=data,
        widths=widths,
        initial_params=initial_params,
        given=start is not None,
        turns=turns,
        segmented=segmented,
        keep_state=keep_state,
    )


def n_weights(widths):
    """Kernels and biases of layers ``widths`` (inputs, hidden..., outputs)."""
    return sum(a * b + b for a, b in itertools.pairwise(widths))


def _pad_rows(index_arrays):
    sizes = np.array([len(r) for r in index_arrays], dtype=np.int32)
    padded = np.zeros((len(index_arrays), max(int(sizes.max()), 1)), dtype=np.int32)
    for k, r in enumerate(index_arrays):
        padded[k, : len(r)] = r
    return padded, sizes


def _given(layers):
    """The ``initial_params`` of a training that starts from trained ``layers``."""
    given = [np.asarray(a[None], np.float32) for k, b, _ in layers for a in (k, b)]

    def initial_params(specs, widths):
        return [a.copy() for a in given]

    return initial_params


def _floats(values):
    return np.array(list(values), np.float32)


def _initial_params(specs, widths):
    """Stacked initial weights, each copy's zero-padded to the group's widths."""
    full = [specs[0].n_features, *widths, specs[0].n_labels]
    stacked = [
        np.zeros((len(specs), *shape), np.float32)
        for a, b in itertools.pairwise(full)
        for shape in ((a, b), (b,))
    ]
    by_key = {}
    for k, spec in enumerate(specs):
        key = (spec.seed, spec.hidden_layer_sizes)
        if key not in by_key:
            by_key[key] = initial_weights(spec)
        for target, w in zip(stacked, by_key[key]):
            target[(k, *(slice(0, n) for n in w.shape))] = w
    return stacked

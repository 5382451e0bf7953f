"""Stacked training: K copies of the MLP trained as one computation.

Every copy's network is one slice of stacked weights (shape ``(K, fan_in,
fan_out)``); a step runs all K forward passes with one ``einsum``. Each copy
draws its own batch of its own rows (reshuffled every epoch, gathered inside
the compiled loop, so memory does not grow with epochs), has its own Adam state
and step counter, and skips the steps where its rows are used up for the
epoch. The K losses are summed: their gradients do not mix, and Adam is
element-wise, so each copy follows the same update rule as a solo fit with the
same batch size, epochs and learning rate.

This module prepares the copies and dispatches to the backend's implementation
(``_stacked_tf`` or ``_stacked_jax``).
"""

from dataclasses import dataclass

import keras
import numpy as np

from ._network import initial_weights, kernel_inits, layer_seeds

__all__ = ["STATIC_FIELDS", "StackedRun", "train_stacked"]

#: FitSpec fields every copy of one stacked computation must share
STATIC_FIELDS = (
    "n_features",
    "n_labels",
    "hidden_layer_sizes",
    "activation",
    "kernel_initializer",
    "dropout",
    "alpha",
    "optimizer",
    "learning_rate",
    "batch_size",
    "epochs",
    "masked",
    "early_stopping",
)


@dataclass(frozen=True)
class StackedRun:
    """What the compiled loop is specialised on (hashable: a static argument)."""

    activation: str
    dropout: float
    alpha: float
    learning_rate: float
    batch_size: int
    epochs: int


def train_stacked(specs, X, Y, rows, sample_weight=None):
    """Train one network per spec as one computation; return their weights.

    Parameters
    ----------
    specs : list of K FitSpec
        Equal in every field of ``STATIC_FIELDS``; ``seed`` and ``pos_weight``
        may differ.
    X : ndarray (n, d), or list of K ndarrays (n, d)
        Features for all rows; a list when each copy has its own preprocessing.
    Y : ndarray (n, n_labels), float32, NaN = unknown
    rows : list of K index arrays
        Training rows of each copy.
    sample_weight : ndarray (n,) or None

    Returns
    -------
    list of K ``(layers, history)``
        ``layers`` is ``[(kernel, bias, activation), ...]`` (for ``_forward``
        and ``_network.build_trained``), ``history`` ``{"loss": [...]}``.
    """
    spec = specs[0]
    static = [{f: getattr(s, f) for f in STATIC_FIELDS} for s in specs]
    if any(s != static[0] for s in static):
        raise ValueError("stacked copies must share every static FitSpec field")
    Xs = np.asarray(X if not isinstance(X, list) else np.stack(X), dtype=np.float32)
    weights = (
        np.ones(Y.shape[0], np.float32) if sample_weight is None else sample_weight
    )
    n_hidden = len(spec.hidden_layer_sizes)
    run = StackedRun(
        activation=spec.activation,
        dropout=float(spec.dropout),
        alpha=float(spec.alpha),
        learning_rate=float(spec.learning_rate),
        batch_size=int(spec.batch_size),
        epochs=int(spec.epochs),
    )
    seeds = [s.seed for s in specs]
    pos = [
        np.ones(spec.n_labels) if s.pos_weight is None else s.pos_weight for s in specs
    ]
    pos_weight = np.asarray(pos, dtype=np.float32)
    if keras.config.backend() == "jax":
        from ._stacked_jax import train

        # the JAX engine draws the initial weights inside its compiled program
        # (eager initializer calls would each compile a program of their own)
        kernels = [
            kernel_inits(spec.kernel_initializer, layer_seeds(s, n_hidden))
            for s in seeds
        ]
        init = (
            np.array([[s for _, s in k] for k in kernels], dtype=np.uint32),
            tuple(name for name, _ in kernels[0]),
            spec.widths,
        )
    else:
        from ._stacked_tf import train

        by_seed = {s.seed: initial_weights(s) for s in specs}
        init = [by_seed[s] for s in seeds]
    stacked, history = train(
        init, Xs, Y, weights, rows, pos_weight, run, int(seeds[0] % (2**30))
    )
    activations = [spec.activation] * n_hidden + ["sigmoid"]
    return [
        (
            [
                (stacked[2 * i][k], stacked[2 * i + 1][k], act)
                for i, act in enumerate(activations)
            ],
            {"loss": history[:, k].astype(float).tolist()},
        )
        for k in range(len(specs))
    ]

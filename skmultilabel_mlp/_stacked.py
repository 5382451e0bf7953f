"""Fold-stacked training: K copies of the MLP trained as one computation.

Every cross-validation fold's network is one slice of stacked weights (shape
``(K, fan_in, fan_out)``); a step runs all K forward passes with one ``einsum``.
Each copy draws its own batch of its own fold's rows (reshuffled every epoch,
gathered inside the compiled loop, so memory does not grow with epochs), has its
own Adam state and step counter, and skips the steps where its fold has no rows
left in the epoch. The K losses are summed: their gradients do not mix, and
Adam is element-wise, so each copy follows the same update rule as a solo fit
with the same batch size, epochs and learning rate (the shuffle order differs).

This module prepares the copies and dispatches to the backend's implementation
(``_stacked_tf`` or ``_stacked_jax``); it is imported lazily by
``model_selection.cross_validate``.
"""

import keras
import numpy as np

from ._network import initial_weights, kernel_inits, layer_seeds

__all__ = ["fit_stacked"]

_BETA_1, _BETA_2, _EPSILON = 0.9, 0.999, 1e-7  # Keras' Adam defaults


def fit_stacked(X, Y, folds, *, spec, seeds, sample_weight=None, pos_weights=None):
    """Train one network per fold as one computation; return their weights.

    Parameters
    ----------
    X : ndarray (n, d), or list of K ndarrays (n, d)
        Features for all rows; a list when each fold has its own preprocessing.
    Y : ndarray (n, n_labels), float32, NaN = unknown
    folds : list of K index arrays
        Training rows of each fold.
    spec : dict
        ``architecture`` (build_mlp keyword arguments), ``learning_rate``,
        ``batch_size`` and ``epochs``.
    seeds : list of K int
        Initial-weight seeds: copy k starts from the weights
        ``build_mlp(..., seed=seeds[k])`` starts from, as a solo fit would.
    sample_weight : ndarray (n,) or None
    pos_weights : ndarray (K, n_labels) or None

    Returns
    -------
    networks : list of K lists ``[(kernel, bias, activation), ...]``
        Each fold's trained layers, for ``_forward`` and ``_network.build_trained``.
    histories : list of K dict ``{"loss": [...]}``
    """
    arch = spec["architecture"]
    n_features = (X if not isinstance(X, list) else X[0]).shape[1]
    Xs = (
        np.asarray(X, dtype=np.float32)
        if not isinstance(X, list)
        else np.stack(X).astype(np.float32)
    )
    weights = (
        np.ones(Y.shape[0], np.float32) if sample_weight is None else sample_weight
    )
    n_hidden = len(arch["hidden_layer_sizes"])
    run = {
        "activation": arch["activation"],
        "dropout": float(arch["dropout"]),
        "alpha": float(arch["alpha"]),
        "learning_rate": float(spec["learning_rate"]),
        "batch_size": int(spec["batch_size"]),
        "epochs": int(spec["epochs"]),
        "seed": int(seeds[0] % (2**30)),
    }
    if keras.config.backend() == "jax":
        from ._stacked_jax import train

        # the JAX engine draws the initial weights inside its compiled program
        # (eager initializer calls would each compile a program of their own)
        kernels = [
            kernel_inits(arch["kernel_initializer"], layer_seeds(s, n_hidden))
            for s in seeds
        ]
        init = (
            np.array([[s for _, s in k] for k in kernels], dtype=np.uint32),
            tuple(name for name, _ in kernels[0]),
            (n_features, *arch["hidden_layer_sizes"], Y.shape[1]),
        )
    else:
        from ._stacked_tf import train

        by_seed = {
            s: initial_weights(n_features, Y.shape[1], arch, s) for s in set(seeds)
        }
        init = [by_seed[s] for s in seeds]
    stacked, history = train(init, Xs, Y, weights, folds, pos_weights, run)
    activations = [arch["activation"]] * n_hidden + ["sigmoid"]
    networks = [
        [
            (stacked[2 * i][k], stacked[2 * i + 1][k], act)
            for i, act in enumerate(activations)
        ]
        for k in range(len(folds))
    ]
    return networks, [
        {"loss": history[:, k].astype(float).tolist()} for k in range(len(folds))
    ]

"""What a finished training says about its result, before it becomes a fitted model.

Two facts, both from NumPy arrays (imports nothing from the package): whether
the training diverged (non-finite weights), and which labels had one value in
every training row (predicted with that value).
"""

import warnings

import numpy as np
import scipy.sparse as sp

from ._multiclass import single_unit_columns

__all__ = [
    "constant_labels",
    "constants_from_counts",
    "divergence",
    "label_counts",
    "sigmoid_only",
]


def divergence(history, weights):
    """The error for a training whose weights are no longer finite, else None.

    (scikit-learn's MLP raises in the same case.) A loss that was non-finite
    at some epoch while early stopping kept earlier, finite weights only warns.
    """
    losses = np.asarray(history.get("loss", []), dtype=float)
    bad = np.flatnonzero(~np.isfinite(losses))
    epoch = f"epoch {bad[0] + 1} of {losses.size}" if bad.size else "training"
    if not all(np.all(np.isfinite(w)) for w in weights):
        return ValueError(
            f"training diverged: the loss became {losses[bad[0]] if bad.size else 'nan'}"
            f" at {epoch} and the weights are no longer finite. Scale the "
            "features (e.g. StandardScaler), lower learning_rate, or check "
            "sample_weight for huge values; the previous fitted state is kept."
        )
    if bad.size:
        warnings.warn(
            f"the training loss was not finite at {epoch}; early stopping kept the "
            "weights of an earlier epoch. Scale the features or lower learning_rate.",
            RuntimeWarning,
            stacklevel=4,
        )
    return None


def label_counts(Y):
    """Per label, the positive and the known entries of ``Y`` (two arrays)."""
    if sp.issparse(Y):  # float64: exact counts however many rows are summed
        positives = np.asarray(Y.sum(axis=0, dtype=np.float64)).ravel()
        return positives, np.full(Y.shape[1], float(Y.shape[0]))
    return (
        np.nansum(Y, axis=0, dtype=np.float64),
        np.sum(~np.isnan(Y), axis=0).astype(np.float64),
    )


def constant_labels(Y):
    """``{label index: value}`` for labels with one known value (0 or 1) in ``Y``.

    Such a label is predicted with that value exactly, as scikit-learn's
    ``OneVsRestClassifier`` does for a label present in all (or no) training
    rows: a network would only approach it.
    """
    return constants_from_counts(*label_counts(Y))


def constants_from_counts(positives, known):
    """:func:`constant_labels` from the per-label counts of :func:`label_counts`
    (summed over ``partial_fit``'s chunks)."""
    return {
        int(j): float(positives[j] > 0)
        for j in np.flatnonzero((positives == 0) | (positives == known))
    }


def sigmoid_only(constants, heads):
    """The constant labels among one-unit outputs (a softmax block's class that
    no training row has is learnt by the softmax, never set by hand)."""
    if not heads:
        return constants
    single = single_unit_columns(heads)
    return {j: v for j, v in constants.items() if j in single}

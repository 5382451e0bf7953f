"""class_weight -> one positive-term weight per label, for the weighted BCE."""

import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp

__all__ = ["resolve_pos_weight"]

# "balanced" weights are negatives/positives; a label with (almost) no positive
# row would otherwise get an unbounded weight.
_MAX_POS_WEIGHT = 1000.0


def resolve_pos_weight(class_weight, Y, names, binary_classes=None):
    """Per-label weights of the positive BCE term from ``class_weight``.

    Returns None (no weighting) or a float ndarray of shape (n_labels,).
    """
    cw = class_weight
    if cw is None:
        return None
    n_labels = Y.shape[1]
    if (
        binary_classes is not None
        and isinstance(cw, dict)
        and set(cw) <= set(binary_classes.tolist())
    ):
        # sklearn's binary meaning: {class: weight}; only the ratio reaches
        # the positive term
        neg, pos = (cw.get(c, 1.0) for c in binary_classes.tolist())
        cw = [pos / neg]
    if isinstance(cw, str):  # "balanced"
        if sp.issparse(Y):
            pos = np.asarray(Y.sum(axis=0), dtype=float).ravel()
            neg = Y.shape[0] - pos
        else:
            pos = np.nansum(Y == 1, axis=0).astype(float)
            neg = np.nansum(Y == 0, axis=0).astype(float)
        no_pos = pos == 0
        if no_pos.any():
            warnings.warn(
                f"labels {list(names[no_pos])} have no positive training row; "
                f"their positive weight is capped at {_MAX_POS_WEIGHT:g}.",
                UserWarning,
                stacklevel=4,
            )
        weights = np.minimum(neg / np.maximum(pos, 1.0), _MAX_POS_WEIGHT)
        return np.where(no_pos, _MAX_POS_WEIGHT, np.maximum(weights, 1e-3))
    if isinstance(cw, dict):
        weights = np.ones(n_labels)
        lookup = {name: j for j, name in enumerate(names)}
        unknown = []
        for key, value in cw.items():
            j = lookup.get(key, key if isinstance(key, Integral) else None)
            if j is None or not 0 <= j < n_labels:
                unknown.append(key)
            else:
                weights[j] = value
        if unknown:
            raise ValueError(
                f"class_weight names labels {unknown} that are not in y; "
                f"known labels are {list(names)} (or indices 0..{n_labels - 1})."
            )
    else:
        weights = np.asarray(cw, dtype=float).ravel()
        if weights.size != n_labels:
            raise ValueError(
                f"class_weight has {weights.size} values but y has {n_labels} "
                "labels; pass one weight per label, a dict or 'balanced'."
            )
    if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
        raise ValueError(
            f"class_weight values must be finite and > 0, got {weights.tolist()}."
        )
    return weights

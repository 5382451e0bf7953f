"""The memory a fit will need, estimated before it allocates anything."""

import itertools
import warnings

import scipy.sparse as sp

__all__ = ["warn_if_too_large"]


def _data_bytes(A):
    # dense: our float32 copy plus the input pipeline's; sparse: CSR arrays
    return A.nnz * 12 * 2 if sp.issparse(A) else A.shape[0] * A.shape[1] * 4 * 2


def estimate(X, Y, hidden_layer_sizes, batch_size):
    """Bytes per part of a fit: ``{"X", "y", "network", "batches"}``."""
    widths = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
    n_weights = sum(a * b + b for a, b in itertools.pairwise(widths))
    return {
        "X": _data_bytes(X),
        "y": _data_bytes(Y),
        "network": n_weights * 4 * 4,  # weights, gradients, two Adam moments
        "batches": batch_size * sum(widths) * 4 * 4,
    }


def warn_if_too_large(X, Y, hidden_layer_sizes, batch_size, max_memory_mb):
    """Warn (ResourceWarning, with the estimate) when a fit exceeds ``max_memory_mb``."""
    parts = estimate(X, Y, hidden_layer_sizes, batch_size)
    total_mb = sum(parts.values()) / 2**20
    if total_mb > max_memory_mb:
        detail = ", ".join(f"{k} {v / 2**20:.0f} MB" for k, v in parts.items())
        warnings.warn(
            f"fit needs about {total_mb:.0f} MB ({detail}), more than "
            f"max_memory_mb={max_memory_mb}; consider sparse X or y, fewer "
            "hidden units, or raise max_memory_mb.",
            ResourceWarning,
            stacklevel=5,
        )

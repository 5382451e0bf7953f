"""Small facts the whole package shares, each stated once.

The last step of a pipeline, the ``classes_`` of a multi-label model, a 0/1 view
of an indicator matrix with unknown entries, an atomic file write, the installed
versions of packages and the memory a fit will need. Imports nothing from the
package.
"""

import itertools
import os
import tempfile
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import scipy.sparse as sp

__all__ = [
    "atomic_write",
    "final_step",
    "indicator_01",
    "multilabel_classes",
    "package_versions",
    "warn_if_too_large",
]


def final_step(estimator):
    """The last step of a Pipeline, or the estimator itself."""
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if steps else estimator


def multilabel_classes(n_labels):
    """``classes_`` of a multi-label model: one ``[0, 1]`` array per label.

    The ``ClassifierChain`` convention: scikit-learn's scorers then treat the
    model as multi-label, even with two labels.
    """
    return [np.array([0, 1]) for _ in range(n_labels)]


def indicator_01(Y):
    """A dense int 0/1 copy of an indicator matrix; unknown (NaN) entries become 0.

    For splitting and stratifying, where an unknown label counts as absent.
    """
    Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y, dtype=float)
    return np.nan_to_num(Y, nan=0.0).astype(int)


def atomic_write(path, write):
    """Call ``write(tmp_path)``, then move the file to ``path``: no partial file on failure."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent if str(path.parent) else ".",
        prefix=f".{path.name}.",
        suffix=path.suffix,
    )
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def package_versions(names):
    """``{name: version}`` of the installed distributions among ``names``."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _data_bytes(A):
    # dense: our float32 copy plus the input pipeline's; sparse: CSR arrays
    return A.nnz * 12 * 2 if sp.issparse(A) else A.shape[0] * A.shape[1] * 4 * 2


def memory_estimate(X, Y, hidden_layer_sizes, batch_size):
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
    parts = memory_estimate(X, Y, hidden_layer_sizes, batch_size)
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

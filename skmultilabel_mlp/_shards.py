"""Training data larger than memory: rows in shards on disk, read one at a time.

A shard is one ``.npz`` file of a chunk of rows: ``X`` and ``Y`` dense, or as
their CSR parts (``X_data``, ``X_indices``, ``X_indptr``, ``X_shape``, the same
for ``Y``), written by :func:`save_shard` and read back without pickle and
within bounds (as :func:`~skmultilabel_mlp.datasets.load_npz` reads). Training
over shards is ``partial_fit`` per shard, so memory holds one shard, the
network and its optimiser state, however many rows the shards hold together::

    for epoch in range(10):
        for X, Y in iter_shards(paths):
            clf.partial_fit(X, Y, classes=label_names)
"""

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import _archive
from ._utils import atomic_write, existing_file

__all__ = ["iter_shards", "read_shard", "save_shard"]

_PARTS = ("data", "indices", "indptr", "shape")


def _arrays(name, M):
    if sp.issparse(M):
        M = sp.csr_matrix(M)
        return {
            f"{name}_data": M.data,
            f"{name}_indices": M.indices,
            f"{name}_indptr": M.indptr,
            f"{name}_shape": np.asarray(M.shape, np.int64),
        }
    M = np.asarray(M)
    if M.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {M.shape}.")
    return {name: M}


def save_shard(path, X, Y):
    """Write one shard of rows: ``X`` and ``Y`` (dense or sparse, kept so).

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file to write (replaced atomically).
    X : {array-like, sparse matrix} of shape (n_rows, n_features)
    Y : {array-like, sparse matrix} of shape (n_rows, n_labels)
        0/1 indicators (NaN for an unknown label, dense ``Y`` only).

    Returns
    -------
    path : Path
    """
    n_x, n_y = X.shape[0], Y.shape[0]
    if n_x != n_y:
        raise ValueError(f"X has {n_x} rows but Y has {n_y}: a shard holds whole rows.")
    arrays = {**_arrays("X", X), **_arrays("Y", Y)}
    path = Path(path)

    def write(tmp):
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)

    atomic_write(path, write)
    return path


def _matrix(arrays, name, path):
    if name in arrays:
        return arrays[name]
    parts = [f"{name}_{p}" for p in _PARTS]
    if not all(p in arrays for p in parts):
        raise ValueError(
            f"{path}: no {name} (neither {name!r} nor its CSR parts {parts}); "
            "write shards with skmultilabel_mlp.datasets.save_shard."
        )
    data, indices, indptr, shape = (arrays[p] for p in parts)
    try:
        M = sp.csr_matrix((data, indices, indptr), shape=tuple(int(s) for s in shape))
        M.check_format(full_check=True)  # indices in range, indptr monotone
        return M
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{path}: {name}'s CSR parts are inconsistent ({exc})."
        ) from None


def read_shard(path):
    """``(X, Y)`` of one shard written by :func:`save_shard`."""
    path = existing_file(path)
    arrays = _archive.read_npz_arrays(path, "readable .npz shard")
    X, Y = _matrix(arrays, "X", path), _matrix(arrays, "Y", path)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"{path}: X has {X.shape[0]} rows but Y has {Y.shape[0]}.")
    return X, Y


def iter_shards(paths):
    """Yield ``(X, Y)`` of each shard in turn, reading the next only when asked.

    Parameters
    ----------
    paths : iterable of str or Path
        Shards written by :func:`save_shard`, in the order to train on them.

    Yields
    ------
    X : ndarray or CSR matrix
    Y : ndarray or CSR matrix
    """
    for path in paths:
        yield read_shard(path)

"""Sparse features for the compiled engine: CSR rows as fixed-width arrays.

The compiled loop gathers a batch's rows by index, which needs arrays of a
fixed width: each CSR row becomes its column indices and values padded to the
widest row (ELLPACK layout; padding is column 0 with value 0). Inside the loop
the first layer multiplies a batch's non-zeros with the kernel rows they
touch (``_loop._first_product``), so neither the matrix nor a batch of it is
ever dense. NumPy only.
"""

import numpy as np
import scipy.sparse as sp

__all__ = ["ell_arrays", "ell_fits"]

# the padded layout may hold at most this many times the non-zeros (plus one
# slot per row); a few very long rows would make it larger than the data
_MAX_INFLATION = 4


def _row_lengths(X):
    return np.diff(X.indptr)


def ell_fits(X):
    """Whether CSR ``X`` is regular enough for the padded layout."""
    X = sp.csr_matrix(X)
    lengths = _row_lengths(X)
    width = int(lengths.max()) if lengths.size else 0
    return X.shape[0] * width <= _MAX_INFLATION * X.nnz + X.shape[0]


def ell_arrays(X, width=None):
    """``(columns int32, values float32)`` of shape (n_rows, width) for CSR ``X``."""
    X = sp.csr_matrix(X, dtype=np.float32)
    X.sum_duplicates()
    lengths = _row_lengths(X)
    width = (
        max(int(lengths.max()) if lengths.size else 0, 1) if width is None else width
    )
    n = X.shape[0]
    cols = np.zeros((n, width), np.int32)
    vals = np.zeros((n, width), np.float32)
    rows = np.repeat(np.arange(n), lengths)
    slots = np.arange(X.nnz) - np.repeat(X.indptr[:-1], lengths)
    cols[rows, slots] = X.indices
    vals[rows, slots] = X.data
    return cols, vals

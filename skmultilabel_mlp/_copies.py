"""The data of K copies trained together: one matrix, each copy's rows in it.

Copies that share a data object (a cross-validation's folds share ``X``) keep
sharing it; copies with data of their own (a pipeline's folds, each through its
own preprocessing) have it stacked below the others', and their row indices
shifted to match. Imports nothing from the package.
"""

import numpy as np
import scipy.sparse as sp

__all__ = ["Dataset", "stack"]


class Dataset:
    """One copy's checked data: features, encoded targets, sample weights."""

    def __init__(self, X, targets, weights):
        self.X, self.targets, self.weights = X, targets, weights
        self.n = X.shape[0]
        # copies whose data can share one matrix
        self.shape_key = (X.shape[1], targets.Y.shape[1], sp.issparse(X))


def _dense(Y):
    return Y.toarray() if sp.issparse(Y) else Y


def stack(datasets):
    """``(X, Y float32, weights, offsets)``: the distinct datasets, one below the other.

    ``offsets[id(dataset)]`` is where that dataset's rows start.
    """
    distinct, offsets = [], {}
    for dataset in datasets:
        if id(dataset) not in offsets:
            offsets[id(dataset)] = sum(d.n for d in distinct)
            distinct.append(dataset)
    if len(distinct) == 1:
        d = distinct[0]
        X, Y, w = d.X, _dense(d.targets.Y), d.weights
    else:
        join = sp.vstack if sp.issparse(distinct[0].X) else np.concatenate
        X = join([d.X for d in distinct])
        Y = np.concatenate([_dense(d.targets.Y) for d in distinct])
        w = np.concatenate([d.weights for d in distinct])
    return X, np.asarray(Y, dtype=np.float32), w, offsets

"""The data of K copies trained together: one matrix, each copy's rows in it.

Copies that share a data object (a cross-validation's folds share ``X``) keep
sharing it; copies with data of their own (a pipeline's folds, each through its
own preprocessing) have it stacked below the others', and their row indices
shifted to match.
"""

import numpy as np
import scipy.sparse as sp

from . import _engine
from ._multiclass import encode

__all__ = ["Dataset", "Datasets", "stack"]


class Dataset:
    """One copy's checked data: features, encoded targets, sample weights."""

    def __init__(self, X, targets, weights):
        self.X, self.targets, self.weights = X, targets, weights
        self.n = X.shape[0]
        # copies whose data can share one matrix
        self.shape_key = (
            X.shape[1],
            targets.Y.shape[1],
            sp.issparse(X),
            None if targets.outputs is None else tuple(map(len, targets.outputs)),
        )


def _dense(Y):
    return Y.toarray() if sp.issparse(Y) else Y


def _join_targets(targets):
    """The datasets' targets one below the other: sparse (CSR float32) when
    all are, so no dense ``(n, L)`` copy is made; else dense float32."""
    if all(sp.issparse(Y) for Y in targets):
        return sp.vstack(targets, format="csr", dtype=np.float32)
    return np.concatenate([np.asarray(_dense(Y), np.float32) for Y in targets])


def stack(datasets):
    """``(X, Y, weights, offsets)``: the distinct datasets, one below the other.

    ``Y`` is float32, a CSR matrix where every dataset's targets are sparse.
    ``offsets[id(dataset)]`` is where that dataset's rows start.
    """
    distinct, offsets = [], {}
    for dataset in datasets:
        if id(dataset) not in offsets:
            offsets[id(dataset)] = sum(d.n for d in distinct)
            distinct.append(dataset)
    if len(distinct) == 1:
        X, w = distinct[0].X, distinct[0].weights
    else:
        join = sp.vstack if sp.issparse(distinct[0].X) else np.concatenate
        X = join([d.X for d in distinct])
        w = np.concatenate([d.weights for d in distinct])
    return X, _join_targets([d.targets.Y for d in distinct]), w, offsets


class Datasets:
    """Checks each distinct data object once, however many copies share it."""

    def __init__(self):
        self._features, self._targets, self._sets = {}, {}, {}

    def get(self, est, X, y, sample_weight):
        key = (id(X), id(y), id(sample_weight), est.missing_label)
        if id(X) in self._features:
            # copies that share their features share one checked copy of them
            # (and learn the same feature attributes)
            Xv, first = self._features[id(X)]
            for name in ("n_features_in_", "feature_names_in_"):
                if hasattr(first, name):
                    setattr(est, name, getattr(first, name))
        else:
            Xv = est._validate_features(X, reset=True)
            if sp.issparse(Xv) and not _engine.sparse_rows_fit(Xv):
                Xv = Xv.toarray()  # a few very long rows: dense is smaller
            self._features[id(X)] = (Xv, est)
        if key not in self._sets:
            target_key = (id(y), est.missing_label)
            if target_key not in self._targets:
                self._targets[target_key] = encode(y, missing_label=est.missing_label)
            targets = self._targets[target_key]
            weights = est._check_rows(Xv, targets, sample_weight)
            self._sets[key] = Dataset(Xv, targets, weights)
        return self._sets[key]

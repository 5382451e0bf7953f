"""The early-stopping holdout: a validation split stratified on every label (of a
very large sparse target, on its most frequent labels: ``strata``), or, for
outputs with their own classes, on their joint classes.

Imports nothing from the package, so the classifier and model selection can
both use it without importing each other.
"""

import numpy as np
import scipy.sparse as sp
from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

__all__ = ["class_holdout", "strata", "stratified_holdout"]

#: A sparse target matrix of more rows x labels than this is stratified on its
#: most frequent labels only, as many as fit (iterative stratification needs a
#: dense copy: 10,000 labels of 200,000 rows would be 16 GB of it).
MAX_STRATA_ENTRIES = 2**24


def _sizes(n, fraction):
    n_val = round(fraction * n)
    if n_val < 1 or n - n_val < 1:
        raise ValueError(
            "early_stopping needs at least one training and one validation row; "
            f"validation_fraction={fraction} of {n} "
            f"{'sample' if n == 1 else 'samples'} gives {n_val} validation rows."
        )
    return n_val


def class_holdout(codes, fraction, random_state=None):
    """Sorted ``(train, validation)`` rows for outputs with their own classes.

    Stratified on the joint class combination of the outputs where every
    combination has two rows or more (and both sides can hold one of each),
    else on the first output's classes under the same condition, else a plain
    shuffled split. ``codes`` (n_samples, n_outputs) are class indices, -1
    where unknown (a stratum of its own).
    """
    n = codes.shape[0]
    n_val = _sizes(n, fraction)
    for strata in (codes, codes[:, :1]):
        _, joint, counts = np.unique(
            strata, axis=0, return_inverse=True, return_counts=True
        )
        k = len(counts)
        if counts.min() >= 2 and n_val >= k and n - n_val >= k:
            splitter = StratifiedShuffleSplit(
                n_splits=1, test_size=n_val, random_state=random_state
            )
            train, val = next(splitter.split(np.zeros((n, 1)), joint.ravel()))
            return np.sort(train), np.sort(val)
    splitter = ShuffleSplit(n_splits=1, test_size=n_val, random_state=random_state)
    train, val = next(splitter.split(np.zeros((n, 1))))
    return np.sort(train), np.sort(val)


def stratified_holdout(Y01, fraction, random_state=None):
    """Sorted ``(train, validation)`` row indices, stratified on every label.

    Parameters
    ----------
    Y01 : ndarray of int of shape (n_samples, n_labels)
        The 0/1 labels (unknown entries already counted as 0).
    fraction : float in (0, 1)
        Share of the rows held out (rounded to a whole number of rows).
    random_state : int, RandomState instance or None

    Returns
    -------
    train, validation : ndarray of int
    """
    n = Y01.shape[0]
    n_val = _sizes(n, fraction)
    if Y01.shape[1] > 1:
        splitter = MultilabelStratifiedShuffleSplit(
            n_splits=1, test_size=n_val, random_state=random_state
        )
        strata = Y01
    else:
        # iterstrat refuses a single label ("binary" target): stratify on it
        # with scikit-learn when each class can give rows to both sides
        strata = Y01[:, 0]
        counts = np.bincount(strata, minlength=2)
        stratifiable = counts.min() >= 2 and n_val >= 2 and n - n_val >= 2
        splitter = (StratifiedShuffleSplit if stratifiable else ShuffleSplit)(
            n_splits=1, test_size=n_val, random_state=random_state
        )
    train, val = next(splitter.split(np.zeros((n, 1)), strata))
    return np.sort(train), np.sort(val)


def strata(Y):
    """The dense int 0/1 labels the holdout stratifies on (unknown = 0).

    Every label of a dense ``Y``, or of a sparse one of at most
    ``MAX_STRATA_ENTRIES`` entries; of a larger sparse ``Y`` its
    ``MAX_STRATA_ENTRIES // n_samples`` most frequent labels (at least one;
    ties to the first column), so no dense ``(n, L)`` copy is made.
    """
    if sp.issparse(Y) and Y.shape[0] * Y.shape[1] > MAX_STRATA_ENTRIES:
        Y = sp.csc_matrix(Y)
        Y.data = np.nan_to_num(Y.data, nan=0.0)
        counts = np.asarray((Y != 0).sum(axis=0)).ravel()
        keep = max(1, MAX_STRATA_ENTRIES // Y.shape[0])
        Y = Y[:, np.sort(np.argsort(-counts, kind="stable")[:keep])]
    Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y, dtype=float)
    return np.nan_to_num(Y, nan=0.0).astype(int)

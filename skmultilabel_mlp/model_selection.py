"""Cross-validation for multi-label data: stratified splitters, fold-stacked CV.

``cross_validate`` and ``cross_val_score`` have scikit-learn's signatures and
results; for this package's classifier they train all folds as one computation.

The splitters: scikit-learn's ``StratifiedKFold`` raises on multi-label targets and
``check_cv(3, Y, classifier=True)`` gives an unshuffled ``KFold``. These
splitters are the iterative stratification of Sechidis et al. (2011), as
implemented by the maintained ``iterative-stratification`` package, with two
additions: ``y`` may be a DataFrame, sparse, label sets or hold NaN (unknown
entries count as negatives for stratifying), and a ``UserWarning`` names the
labels that have no positive row in a training fold (a model cannot learn them
there, and ``LogisticRegression``-based chains crash on them).
"""

import warnings

import numpy as np
from iterstrat import ml_stratifiers as _iterstrat

from ._fold_parallel import cross_val_score, cross_validate
from ._validation import encode_targets

__all__ = [
    "MultilabelStratifiedKFold",
    "MultilabelStratifiedShuffleSplit",
    "RepeatedMultilabelStratifiedKFold",
    "check_positive_rows",
    "cross_val_score",
    "cross_validate",
    "stratified_holdout",
]


def _indicator(y):
    targets = encode_targets(y)
    Y = targets.Y.toarray() if hasattr(targets.Y, "toarray") else targets.Y
    return np.nan_to_num(Y, nan=0.0).astype(int), targets.label_names


def check_positive_rows(Y, train, label_names=None, where="training fold"):
    """Warn, naming them, about labels with no positive row among ``train`` rows."""
    empty = np.flatnonzero(Y[train].sum(axis=0) == 0)
    if empty.size:
        names = list(np.arange(Y.shape[1]) if label_names is None else label_names)
        shown = [names[j] for j in empty[:10]]
        more = f" and {empty.size - 10} more" if empty.size > 10 else ""
        warnings.warn(
            f"labels {shown}{more} have no positive row in a {where} "
            f"({len(train)} rows); models cannot learn them there.",
            UserWarning,
            stacklevel=3,
        )


class _WarningSplitMixin:
    def split(self, X, y, groups=None):
        """Generate (train, test) indices, stratified on every label.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : indicator matrix, DataFrame, sparse matrix or sequence of label sets
        groups : ignored

        Yields
        ------
        train, test : ndarray
        """
        Y, names = _indicator(y)
        for train, test in super().split(X, Y, groups):
            check_positive_rows(Y, train, names)
            yield train, test


class MultilabelStratifiedKFold(
    _WarningSplitMixin, _iterstrat.MultilabelStratifiedKFold
):
    """K-fold with every label's positive rate kept close to the full data's.

    Parameters
    ----------
    n_splits : int, default=3
    shuffle : bool, default=False
    random_state : int or None, default=None

    Examples
    --------
    >>> import numpy as np
    >>> from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold
    >>> Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]] * 5)
    >>> cv = MultilabelStratifiedKFold(n_splits=2, shuffle=True, random_state=0)
    >>> [len(test) for _, test in cv.split(np.zeros((20, 1)), Y)]
    [10, 10]
    """


class RepeatedMultilabelStratifiedKFold(
    _WarningSplitMixin, _iterstrat.RepeatedMultilabelStratifiedKFold
):
    """Repeated multilabel-stratified K-fold, a new shuffle each repeat.

    Parameters
    ----------
    n_splits : int, default=5
    n_repeats : int, default=10
    random_state : int or None, default=None
    """


class MultilabelStratifiedShuffleSplit(
    _WarningSplitMixin, _iterstrat.MultilabelStratifiedShuffleSplit
):
    """Random train/test splits stratified on every label.

    Parameters
    ----------
    n_splits : int, default=10
    test_size : float or int, default='default' (0.1 of the rows)
    train_size : float, int or None, default=None
    random_state : int or None, default=None
    """


def stratified_holdout(Y, fraction, random_state=None):
    """Sorted (train, validation) row indices, stratified on every label.

    Used for the classifier's early-stopping split. Unknown (NaN) entries count
    as negatives for stratifying only.
    """
    n_val = round(fraction * Y.shape[0])
    if n_val < 1 or Y.shape[0] - n_val < 1:
        raise ValueError(
            "early_stopping needs at least one training and one validation row; "
            f"validation_fraction={fraction} of {Y.shape[0]} rows gives {n_val} "
            "validation rows."
        )
    splitter = _iterstrat.MultilabelStratifiedShuffleSplit(
        n_splits=1, test_size=n_val, random_state=random_state
    )
    Y01 = Y.toarray() if hasattr(Y, "toarray") else np.nan_to_num(Y, nan=0.0)
    Y01 = Y01.astype(int)
    train, val = next(splitter.split(Y01, Y01))
    return np.sort(train), np.sort(val)

"""Multilabel-stratified splitters.

scikit-learn's ``StratifiedKFold`` raises on multi-label targets and
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

from .. import _holdout
from .._targets import encode_targets
from .._utils import indicator_01

__all__ = [
    "MultilabelStratifiedKFold",
    "MultilabelStratifiedShuffleSplit",
    "RepeatedMultilabelStratifiedKFold",
    "check_positive_rows",
    "stratified_holdout",
]


def _indicator(y):
    targets = encode_targets(y)
    return indicator_01(targets.Y), targets.label_names


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

    The classifier's early-stopping split. ``Y`` is an indicator matrix (dense
    or sparse); unknown (NaN) entries count as negatives for stratifying only.
    """
    return _holdout.stratified_holdout(indicator_01(Y), fraction, random_state)

"""Multilabel-stratified splitters.

scikit-learn's ``StratifiedKFold`` raises on multi-label targets and
``check_cv(3, Y, classifier=True)`` gives an unshuffled ``KFold``. These
splitters are the iterative stratification of Sechidis et al. (2011), as
implemented by the maintained ``iterative-stratification`` package, with two
additions: ``y`` may be a DataFrame, sparse, label sets or hold NaN (unknown
entries count as negatives for stratifying), and a ``UserWarning`` names the
labels that have no positive row in a training fold (a model cannot learn them
there, and ``LogisticRegression``-based chains crash on them).

A single label (a 1-D ``y`` or one column), which iterative stratification
refuses, is split by scikit-learn's stratified splitter of the same kind and
parameters, on that label.
"""

import warnings

import numpy as np
from iterstrat import ml_stratifiers as _iterstrat
from sklearn import model_selection as _sk

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
        # iterstrat refuses a single label ("binary" target): stratify on it
        # with scikit-learn's splitter of the same kind
        splits = (
            self._one_label_splitter().split(X, Y[:, 0], groups)
            if Y.shape[1] == 1
            else super().split(X, Y, groups)
        )
        for train, test in splits:
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

    def _one_label_splitter(self):
        return _sk.StratifiedKFold(
            self.n_splits, shuffle=self.shuffle, random_state=self.random_state
        )


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

    def _one_label_splitter(self):
        return _sk.RepeatedStratifiedKFold(
            n_splits=self.cvargs["n_splits"],
            n_repeats=self.n_repeats,
            random_state=self.random_state,
        )


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

    def _one_label_splitter(self):
        return _sk.StratifiedShuffleSplit(
            self.n_splits,
            test_size=None if self.test_size == "default" else self.test_size,
            train_size=self.train_size,
            random_state=self.random_state,
        )


def stratified_holdout(Y, fraction, random_state=None):
    """Sorted (train, validation) row indices, stratified on every label.

    The classifier's early-stopping split. ``Y`` is an indicator matrix (dense
    or sparse); unknown (NaN) entries count as negatives for stratifying only.
    A sparse ``Y`` of more than 2**24 rows x labels is stratified on its most
    frequent labels only, as many as 2**24 entries hold (no dense copy of it).
    """
    return _holdout.stratified_holdout(_holdout.strata(Y), fraction, random_state)

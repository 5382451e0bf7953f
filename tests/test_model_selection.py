"""Multilabel-stratified splitters."""

import numpy as np
import pytest
from sklearn.model_selection import (
    KFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
    cross_val_score,
)

from skmultilabel_mlp.model_selection import (
    MultilabelStratifiedKFold,
    MultilabelStratifiedShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
    stratified_holdout,
)

from .conftest import shared_dataset


def _fold_rate_error(cv, X, Y):
    full = Y.mean(axis=0)
    return np.mean(
        [np.abs(Y[test].mean(axis=0) - full).mean() for _, test in cv.split(X, Y)]
    )


def test_stratified_folds_keep_positive_rates_closer_than_kfold_on_yeast():
    data = np.load(shared_dataset("yeast"))
    X, Y = data["X"], data["Y"]
    strat = _fold_rate_error(
        MultilabelStratifiedKFold(5, shuffle=True, random_state=0), X, Y
    )
    plain = _fold_rate_error(KFold(5, shuffle=True, random_state=0), X, Y)
    assert strat < plain / 2


def test_splitters_partition_and_accept_label_sets():
    sets = [{"a"}, {"b"}, {"a", "b"}, set()] * 6
    X = np.zeros((24, 1))
    tests = np.concatenate([t for _, t in MultilabelStratifiedKFold(3).split(X, sets)])
    np.testing.assert_array_equal(np.sort(tests), np.arange(24))
    rep = RepeatedMultilabelStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    assert len(list(rep.split(X, sets))) == 6
    ss = MultilabelStratifiedShuffleSplit(n_splits=2, test_size=0.25, random_state=0)
    assert [len(t) for _, t in ss.split(X, sets)] == [6, 6]


def test_a_training_fold_without_positives_is_warned_about():
    Y = np.zeros((12, 2), dtype=int)
    Y[:, 0] = np.arange(12) % 2
    Y[0, 1] = 1  # a single positive row: one training fold lacks it
    with pytest.warns(UserWarning, match=r"labels \[1\] have no positive row"):
        list(MultilabelStratifiedKFold(3).split(np.zeros((12, 1)), Y))


def test_splitter_works_in_cross_val_score(multilabel_data):
    from sklearn.neighbors import KNeighborsClassifier

    cv = MultilabelStratifiedKFold(3, shuffle=True, random_state=0)
    assert cross_val_score(KNeighborsClassifier(), *multilabel_data, cv=cv).shape == (
        3,
    )


def test_stratified_holdout_for_early_stopping():
    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10, dtype=float)
    Y[0, 0] = np.nan
    train, val = stratified_holdout(Y, 0.25, random_state=0)
    assert len(val) == 10 and len(train) == 30
    assert not set(train) & set(val)
    with pytest.raises(ValueError, match="validation rows"):
        stratified_holdout(Y, 0.001)


# issue 15, item 4: one label (1-D or one column) is split by scikit-learn's
# stratified splitter of the same kind, with the same parameters
@pytest.mark.parametrize(
    "ours,theirs",
    [
        (
            lambda: MultilabelStratifiedKFold(4, shuffle=True, random_state=1),
            lambda: StratifiedKFold(4, shuffle=True, random_state=1),
        ),
        (
            lambda: RepeatedMultilabelStratifiedKFold(4, n_repeats=2, random_state=1),
            lambda: RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=1),
        ),
        (
            lambda: MultilabelStratifiedShuffleSplit(3, random_state=1),
            lambda: StratifiedShuffleSplit(3, random_state=1),
        ),
    ],
)
@pytest.mark.parametrize("one_column", [False, True])
def test_one_label_falls_back_to_stratified_split(ours, theirs, one_column):
    X = np.zeros((40, 2))
    y = np.r_[np.ones(10), np.zeros(30)].astype(int)
    expected = [test.tolist() for _, test in theirs().split(X, y)]
    got = [
        test.tolist() for _, test in ours().split(X, y[:, None] if one_column else y)
    ]
    assert got == expected

"""tune_thresholds against brute force; the tuning meta-estimator on any estimator."""

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import ClassifierChain

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.thresholds import (
    TunedThresholdMultiLabelClassifier,
    tune_thresholds,
)


@pytest.fixture(scope="module")
def noisy_proba():
    rng = np.random.RandomState(0)
    Y = (rng.rand(120, 4) < [0.5, 0.2, 0.1, 0.35]).astype(int)
    P = np.clip(0.35 * Y + 0.65 * rng.rand(120, 4), 0, 1)
    return Y, P


def _brute_force_best(y, p, metric):
    # every distinct prediction is (p >= t) for a t among p's values, or all 0
    grid = np.r_[np.unique(p), np.inf]
    return max(metric(y, (p >= t).astype(int)) for t in grid)


@pytest.mark.parametrize(
    "name, fn",
    [
        ("f1", lambda y, p: skm.f1_score(y, p, zero_division=0.0)),
        ("jaccard", lambda y, p: skm.jaccard_score(y, p, zero_division=0.0)),
        ("balanced_accuracy", skm.balanced_accuracy_score),
        ("mcc", skm.matthews_corrcoef),
    ],
)
def test_per_label_thresholds_reach_the_brute_force_optimum(noisy_proba, name, fn):
    Y, P = noisy_proba
    t = tune_thresholds(Y, P, metric=name)
    assert t.shape == (4,)
    for j in range(4):
        achieved = fn(Y[:, j], (P[:, j] >= t[j]).astype(int))
        assert achieved == pytest.approx(_brute_force_best(Y[:, j], P[:, j], fn))


def test_callable_metric_matches_the_named_one(noisy_proba):
    Y, P = noisy_proba
    named = tune_thresholds(Y, P, metric="f1")
    by_callable = tune_thresholds(
        Y, P, metric=lambda y, p: skm.f1_score(y, p, zero_division=0)
    )
    np.testing.assert_allclose(by_callable, named)


@pytest.mark.parametrize(
    "name, fn",
    [
        ("f1", lambda y, p: skm.f1_score(y, p, average="micro", zero_division=0.0)),
        (
            "f1_macro",
            lambda y, p: skm.f1_score(y, p, average="macro", zero_division=0.0),
        ),
        ("exact_match", skm.accuracy_score),
    ],
)
def test_global_threshold_reaches_the_brute_force_optimum(noisy_proba, name, fn):
    Y, P = noisy_proba
    t = tune_thresholds(Y, P, metric=name, per_label=False)
    assert isinstance(t, float)
    grid = np.r_[np.unique(P), np.inf]
    best = max(fn(Y, (P >= g).astype(int)) for g in grid)
    assert fn(Y, (P >= t).astype(int)) == pytest.approx(best)


def test_tuning_beats_the_default_threshold_on_f1(noisy_proba):
    Y, P = noisy_proba
    t = tune_thresholds(Y, P)
    tuned = skm.f1_score(Y, (P >= t).astype(int), average="macro")
    default = skm.f1_score(Y, (P >= 0.5).astype(int), average="macro")
    assert tuned > default


def test_unknown_entries_are_left_out_of_tuning(noisy_proba):
    Y, P = noisy_proba
    Ynan = Y.astype(float)
    Ynan[:60, 0] = np.nan
    t = tune_thresholds(Ynan, P)
    np.testing.assert_allclose(t[0], tune_thresholds(Y[60:, :1], P[60:, :1])[0])


def test_matrix_metric_needs_a_global_threshold(noisy_proba):
    with pytest.raises(ValueError, match="per_label=False"):
        tune_thresholds(*noisy_proba, metric="exact_match")


def test_tuned_classifier_chain_works_and_uses_its_thresholds(tutorial_like_data):
    X, Y = tutorial_like_data
    tuned = TunedThresholdMultiLabelClassifier(
        ClassifierChain(LogisticRegression(max_iter=1000), random_state=0),
        cv=3,
        random_state=0,
    ).fit(X, Y)
    assert tuned.thresholds_.shape == (3,)
    assert tuned.oof_proba_.shape == Y.shape
    np.testing.assert_allclose(tuned.thresholds_, tune_thresholds(Y, tuned.oof_proba_))
    proba = tuned.predict_proba(X)
    np.testing.assert_array_equal(
        tuned.predict(X), (proba >= tuned.thresholds_).astype(int)
    )
    assert len(tuned.classes_) == 3


def test_tuned_mlp_with_label_sets_and_a_global_threshold(multilabel_data):
    X, Y = multilabel_data
    sets = [{n for n, v in zip("abcd", row) if v} for row in Y]
    tuned = TunedThresholdMultiLabelClassifier(
        MultiLabelMLPClassifier(epochs=5, random_state=0),
        cv=2,
        per_label=False,
        random_state=0,
    ).fit(X, sets)
    assert list(tuned.label_names_) == ["a", "b", "c", "d"]
    assert len(set(tuned.thresholds_)) == 1
    assert tuned.predict(X).shape == (60, 4)


def test_estimator_without_predict_proba_is_rejected(multilabel_data):
    from sklearn.svm import LinearSVC

    with pytest.raises(ValueError, match="predict_proba"):
        TunedThresholdMultiLabelClassifier(LinearSVC()).fit(*multilabel_data)


def test_labels_with_too_few_positives_keep_the_default(noisy_proba):
    Y, P = noisy_proba
    Y = Y.copy()
    Y[:, 2] = 0
    Y[:3, 2] = 1  # three positives only
    tuned = tune_thresholds(Y, P)
    assert tuned[2] == 0.5
    assert tune_thresholds(Y, P, min_positives=3)[2] != 0.5
    np.testing.assert_allclose(
        tuned[[0, 1, 3]], tune_thresholds(Y, P, min_positives=0)[[0, 1, 3]]
    )


@pytest.mark.parametrize(
    "corrupt, match",
    [
        (lambda P: np.where(P > 0.9, np.nan, P), "y_proba contains NaN"),
        (lambda P: np.where(P > 0.9, np.inf, P), "y_proba contains infinity"),
        (
            lambda P: P - 0.5,
            r"y_proba must hold probabilities in \[0, 1\], got values from -0\.\d",
        ),
        (lambda P: P * 3, r"y_proba must hold probabilities in \[0, 1\]"),
    ],
    ids=["nan", "inf", "negative", "above_one"],
)
@pytest.mark.parametrize("per_label", [True, False])
def test_invalid_probabilities_are_refused_naming_y_proba(
    noisy_proba, corrupt, match, per_label
):
    Y, P = noisy_proba
    with pytest.raises(ValueError, match=match):
        tune_thresholds(Y, corrupt(P), per_label=per_label)


@pytest.mark.parametrize(
    "weights, match",
    [
        (np.r_[np.nan, np.ones(119)], "sample_weight contains NaN"),
        (np.ones(119), r"sample_weight.shape == \(119,\), expected \(120,\)"),
        (
            np.r_[-1.0, np.ones(119)],
            "Negative values in data passed to `sample_weight`",
        ),
    ],
    ids=["nan", "wrong_length", "negative"],
)
def test_invalid_sample_weight_is_refused_naming_it(noisy_proba, weights, match):
    with pytest.raises(ValueError, match=match):
        tune_thresholds(*noisy_proba, sample_weight=weights)


@pytest.mark.parametrize(
    "metric, per_label",
    [("f1", True), ("mcc", True), ("f1", False), ("exact_match", False)],
)
def test_integer_sample_weight_equals_repeated_rows(noisy_proba, metric, per_label):
    Y, P = noisy_proba
    w = np.random.RandomState(5).randint(1, 4, size=len(Y))
    weighted = tune_thresholds(Y, P, metric, per_label, sample_weight=w)
    repeated = tune_thresholds(
        np.repeat(Y, w, 0), np.repeat(P, w, 0), metric, per_label
    )
    np.testing.assert_allclose(weighted, repeated)


def test_one_label_global_f1_thresholds_the_labels_f1(noisy_proba):
    """With one column, "f1_macro" is the label's F1, not the mean over classes."""
    Y, P = noisy_proba
    y, p = Y[:, :1], P[:, :1]
    global_t = tune_thresholds(y, p, metric="f1_macro", per_label=False)
    np.testing.assert_allclose(global_t, tune_thresholds(y, p, metric="f1"))
    best = _brute_force_best(y[:, 0], p[:, 0], skm.f1_score)
    assert skm.f1_score(y[:, 0], p[:, 0] >= global_t) == pytest.approx(best)
    samples = tune_thresholds(y, p, metric="f1_samples", per_label=False)
    # per row, F1 is 1 where both hold the label and 0 otherwise (zero_division=0)
    best = _brute_force_best(y[:, 0], p[:, 0], lambda y, pred: np.mean(y * pred))
    assert np.mean(y[:, 0] * (p[:, 0] >= samples)) == pytest.approx(best)


def _chain():
    return ClassifierChain(LogisticRegression(max_iter=500), random_state=0)


def test_tuned_classifier_takes_a_sparse_y_like_the_dense_one(multilabel_data):
    import scipy.sparse as sp

    X, Y = multilabel_data
    kwargs = dict(cv=3, random_state=0, min_positives=1)
    # ClassifierChain itself refuses a sparse y
    sparse = TunedThresholdMultiLabelClassifier(_chain(), **kwargs).fit(
        X, sp.csr_matrix(Y)
    )
    dense = TunedThresholdMultiLabelClassifier(_chain(), **kwargs).fit(X, Y)
    np.testing.assert_allclose(sparse.oof_proba_, dense.oof_proba_)
    np.testing.assert_allclose(sparse.thresholds_, dense.thresholds_)
    np.testing.assert_array_equal(sparse.predict(X), dense.predict(X))


# k-NN warns on the column y the tuner forwards as given
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.DataConversionWarning")
def test_tuned_classifier_with_int_cv_on_one_label_column(multilabel_data):
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.neighbors import KNeighborsClassifier

    X, Y = multilabel_data
    y = Y[:, 1:2]
    tuned = TunedThresholdMultiLabelClassifier(
        KNeighborsClassifier(), cv=3, random_state=0, min_positives=1
    ).fit(X, y)
    assert tuned.oof_proba_.shape == (60, 1) and tuned.n_labels_ == 1
    # one label: the folds are scikit-learn's stratified ones on it
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    expected = cross_val_predict(
        KNeighborsClassifier(), X, y[:, 0], cv=folds, method="predict_proba"
    )
    np.testing.assert_allclose(tuned.oof_proba_[:, 0], expected[:, 1])
    np.testing.assert_allclose(
        tuned.thresholds_, tune_thresholds(y, tuned.oof_proba_, min_positives=1)
    )
    np.testing.assert_array_equal(
        tuned.predict(X), (tuned.predict_proba(X) >= tuned.thresholds_).astype(int)
    )
    with pytest.raises(ValueError, match="pass a 2-D"):
        TunedThresholdMultiLabelClassifier(KNeighborsClassifier(), cv=3).fit(X, y[:, 0])

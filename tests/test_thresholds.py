"""tune_thresholds against brute force; the tuning meta-estimator on any estimator."""

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import ClassifierChain

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp._threshold_rules import (
    choose_threshold_rule,
    score_predictions,
    thresholds_for_rule,
)
from skmultilabel_mlp._threshold_search import common_threshold
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
    t = tune_thresholds(Y, P, metric=name, shrinkage=None)
    assert t.shape == (4,)
    for j in range(4):
        achieved = fn(Y[:, j], (P[:, j] >= t[j]).astype(int))
        assert achieved == pytest.approx(_brute_force_best(Y[:, j], P[:, j], fn))


def test_callable_metric_matches_the_named_one(noisy_proba):
    Y, P = noisy_proba
    named = tune_thresholds(Y, P, metric="f1", shrinkage=None)
    by_callable = tune_thresholds(
        Y, P, metric=lambda y, p: skm.f1_score(y, p, zero_division=0), shrinkage=None
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
    t = tune_thresholds(Ynan, P, shrinkage=None)
    np.testing.assert_allclose(
        t[0], tune_thresholds(Y[60:, :1], P[60:, :1], shrinkage=None)[0]
    )


def test_rows_metric_with_unknown_labels_is_refused(noisy_proba):
    Y, P = noisy_proba
    Ynan = Y.astype(float)
    Ynan[0, 0] = np.nan
    for per_label in (True, False):
        with pytest.raises(ValueError, match="needs fully known labels"):
            tune_thresholds(Ynan, P, metric="exact_match", per_label=per_label)


def test_tuned_classifier_chain_works_and_uses_its_thresholds(tutorial_like_data):
    X, Y = tutorial_like_data
    tuned = TunedThresholdMultiLabelClassifier(
        ClassifierChain(LogisticRegression(max_iter=1000), random_state=0),
        cv=3,
        random_state=0,
    ).fit(X, Y)
    assert tuned.thresholds_.shape == (3,)
    assert tuned.oof_proba_.shape == Y.shape
    assert set(tuned.threshold_scores_) == {"global", "per_label"}
    assert tuned.threshold_scores_[tuned.threshold_rule_] == max(
        tuned.threshold_scores_.values()
    )
    expected = thresholds_for_rule(
        tuned.threshold_rule_, Y, tuned.oof_proba_, "f1_micro"
    )
    np.testing.assert_allclose(tuned.thresholds_, expected)
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
        threshold_rule="global",
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
    tuned = tune_thresholds(Y, P, shrinkage=None)
    assert tuned[2] == 0.5
    assert tune_thresholds(Y, P, min_positives=3, shrinkage=None)[2] != 0.5
    np.testing.assert_allclose(
        tuned[[0, 1, 3]],
        tune_thresholds(Y, P, min_positives=0, shrinkage=None)[[0, 1, 3]],
    )
    # with shrinkage, such a label takes the common threshold instead of 0.5
    common = common_threshold(Y.astype(float), P, "f1")
    assert tune_thresholds(Y, P, shrinkage=0)[2] == pytest.approx(common)


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
    [
        ("f1", True),
        ("mcc", True),
        ("f1", False),
        ("exact_match", False),
        ("f1_micro", True),
        ("f1_samples", True),
        ("hamming_loss", True),
        ("f1_macro", False),
    ],
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
    kwargs = dict(cv=3, random_state=0, min_positives=1, threshold_rule="per_label")
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
        tuned.thresholds_,
        thresholds_for_rule(
            tuned.threshold_rule_, y, tuned.oof_proba_, "f1_micro", min_positives=1
        ),
    )
    np.testing.assert_array_equal(
        tuned.predict(X), (tuned.predict_proba(X) >= tuned.thresholds_).astype(int)
    )
    with pytest.raises(ValueError, match="pass a 2-D"):
        TunedThresholdMultiLabelClassifier(KNeighborsClassifier(), cv=3).fit(X, y[:, 0])


# ---- per-label thresholds for whole-matrix metrics, shrinkage, rules ----

MATRIX_SCORES = {
    "f1_micro": lambda Y, p: skm.f1_score(Y, p, average="micro", zero_division=0),
    "f1_macro": lambda Y, p: skm.f1_score(Y, p, average="macro", zero_division=0),
    "f1_samples": lambda Y, p: skm.f1_score(Y, p, average="samples", zero_division=0),
    "jaccard_samples": lambda Y, p: skm.jaccard_score(
        Y, p, average="samples", zero_division=0
    ),
    "hamming_loss": lambda Y, p: -skm.hamming_loss(Y, p),
    "exact_match": skm.accuracy_score,
}


@pytest.mark.parametrize("metric", sorted(MATRIX_SCORES))
def test_score_predictions_equals_scikit_learn(noisy_proba, metric):
    Y, P = noisy_proba
    pred = (P >= 0.45).astype(int)
    assert score_predictions(Y, pred, metric) == pytest.approx(
        MATRIX_SCORES[metric](Y, pred)
    )


@pytest.mark.parametrize("metric", sorted(MATRIX_SCORES))
def test_global_threshold_of_a_matrix_metric_is_the_brute_force_optimum(
    noisy_proba, metric
):
    Y, P = noisy_proba
    fn = MATRIX_SCORES[metric]
    # every distinct probability a candidate: no thinning to quantiles
    t = tune_thresholds(Y, P, metric=metric, per_label=False, max_candidates=P.size)
    best = max(fn(Y, (P >= g).astype(int)) for g in np.r_[np.unique(P), np.inf])
    assert fn(Y, (P >= t).astype(int)) == pytest.approx(best)


@pytest.mark.parametrize("metric", sorted(MATRIX_SCORES))
def test_per_label_thresholds_never_lower_the_metric_on_their_rows(noisy_proba, metric):
    Y, P = noisy_proba
    fn = MATRIX_SCORES[metric]
    common = tune_thresholds(Y, P, metric=metric, per_label=False)
    own = tune_thresholds(Y, P, metric=metric, shrinkage=0, min_positives=0)
    assert own.shape == (4,) and len(set(own)) > 1
    assert fn(Y, (P >= own).astype(int)) > fn(Y, (P >= common).astype(int))


@pytest.mark.parametrize(
    "metric, label_metric", [("f1_macro", "f1"), ("hamming_loss", "accuracy")]
)
def test_per_label_thresholds_of_a_label_mean_are_each_labels_own(
    noisy_proba, metric, label_metric
):
    Y, P = noisy_proba
    np.testing.assert_allclose(
        tune_thresholds(Y, P, metric, shrinkage=0, min_positives=0),
        tune_thresholds(Y, P, label_metric, shrinkage=None, min_positives=0),
    )


@pytest.fixture(scope="module")
def rare_and_common():
    """Label 0: 200 positives whose best threshold is far from label 1's;
    label 1: one positive, with a high probability."""
    rng = np.random.RandomState(1)
    n = 400
    Y = np.zeros((n, 2), dtype=int)
    Y[:200, 0] = 1
    Y[0, 1] = 1
    P = np.empty((n, 2))
    P[:, 0] = np.clip(0.15 + 0.2 * Y[:, 0] + 0.15 * rng.randn(n), 0, 1)
    P[:, 1] = np.clip(0.6 * rng.rand(n), 0, 1)
    P[0, 1] = 0.95
    return Y, P


def test_shrinkage_keeps_a_label_with_one_positive_near_the_common_threshold(
    rare_and_common,
):
    Y, P = rare_and_common
    common = common_threshold(Y.astype(float), P, "f1")
    own = tune_thresholds(Y, P, shrinkage=0, min_positives=0)
    shrunk = tune_thresholds(Y, P, shrinkage=10, min_positives=0)
    assert abs(own[1] - common) > 0.15  # on its own, the rare label moves far
    np.testing.assert_allclose(
        shrunk, common + np.array([200, 1]) / np.array([210, 11]) * (own - common)
    )
    assert abs(shrunk[1] - common) < abs(own[1] - common) / 10
    assert abs(shrunk[0] - own[0]) < 0.05 * abs(own[0] - common)
    # min_positives gives such a label the common threshold itself
    assert tune_thresholds(Y, P, shrinkage=10, min_positives=2)[1] == common


def test_shrinkage_zero_and_large_are_the_two_ends(rare_and_common):
    Y, P = rare_and_common
    for metric in ("f1_micro", "f1_macro", "hamming_loss"):
        common = tune_thresholds(Y, P, metric, per_label=False)
        own = tune_thresholds(Y, P, metric, shrinkage=0, min_positives=0)
        huge = tune_thresholds(Y, P, metric, shrinkage=1e12, min_positives=0)
        np.testing.assert_allclose(huge, common, atol=1e-8)
        assert own[0] != pytest.approx(common)


@pytest.fixture(scope="module")
def different_labels():
    """Two labels separable only by thresholds of their own (0.2 and 0.8)."""
    rng = np.random.RandomState(0)
    Y = (rng.rand(200, 2) < 0.5).astype(int)
    P = np.empty((200, 2))
    P[:, 0] = 0.1 * rng.rand(200) + 0.2 * Y[:, 0]  # positives in [0.2, 0.3]
    P[:, 1] = 0.7 + 0.1 * rng.rand(200) + 0.2 * Y[:, 1]  # negatives below 0.8
    return Y, P


@pytest.fixture(scope="module")
def one_calibration():
    """Many labels from one calibrated model on few rows: per-label optima are noise."""
    rng = np.random.RandomState(0)
    P = rng.rand(60, 30)
    Y = (rng.rand(60, 30) < P).astype(int)
    return Y, P


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "hamming_loss"])
def test_auto_picks_per_label_when_labels_need_their_own(different_labels, metric):
    Y, P = different_labels
    rule, scores = choose_threshold_rule(Y, P, metric, random_state=0)
    assert rule == "per_label" and scores["per_label"] > scores["global"]


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "hamming_loss"])
def test_auto_picks_global_when_per_label_overfits(one_calibration, metric):
    Y, P = one_calibration
    rule, scores = choose_threshold_rule(
        Y, P, metric, shrinkage=0, min_positives=0, random_state=0
    )
    assert rule == "global" and scores["global"] > scores["per_label"]


def test_auto_scores_are_cross_fitted_halves(one_calibration):
    Y, P = one_calibration
    _, scores = choose_threshold_rule(
        Y, P, "f1_micro", rules=("none", "global", "per_label"), random_state=3
    )
    half = np.random.RandomState(3).permutation(60) < 30
    pred = np.zeros(Y.shape, dtype=int)
    for a, b in ((half, ~half), (~half, half)):
        t = tune_thresholds(Y[a], P[a], "f1_micro", per_label=False)
        pred[b] = P[b] >= t
    assert scores["global"] == pytest.approx(MATRIX_SCORES["f1_micro"](Y, pred))
    assert scores["none"] == pytest.approx(
        MATRIX_SCORES["f1_micro"](Y, (P >= 0.5).astype(int))
    )


def test_auto_needs_a_clear_gain_to_leave_the_simpler_rule(different_labels):
    Y, P = different_labels
    kwargs = dict(rules=("none", "global", "per_label"), random_state=0)
    rule, scores = choose_threshold_rule(Y, P, "f1_macro", margin=0, **kwargs)
    assert rule == max(scores, key=scores.get) == "per_label"
    # global's gain over 0.5 is the same in every bootstrap sample (label 0
    # goes from F1 0 to 1): clear at any margin; per-label's is not
    assert choose_threshold_rule(Y, P, "f1_macro", margin=1e9, **kwargs)[0] == "global"
    assert choose_threshold_rule(Y, P, "f1", rules=("per_label",))[0] == "per_label"


def test_global_margin_guards_only_the_step_from_the_untuned_threshold(
    one_calibration,
):
    Y, P = one_calibration
    kwargs = dict(rules=("none", "global", "per_label"), random_state=0)
    rule, scores = choose_threshold_rule(Y, P, "f1_micro", **kwargs)
    assert rule == "global" and scores["global"] > scores["none"]
    strict = choose_threshold_rule(Y, P, "f1_micro", global_margin=1e9, **kwargs)
    assert strict[0] == "none"


def test_tuned_classifier_rules(tutorial_like_data):
    X, Y = tutorial_like_data
    kwargs = dict(cv=3, random_state=0)
    est = _chain()
    glob = TunedThresholdMultiLabelClassifier(
        est, threshold_rule="global", scoring="hamming_loss", **kwargs
    ).fit(X, Y)
    assert glob.threshold_rule_ == "global" and glob.threshold_scores_ == {}
    expected = tune_thresholds(Y, glob.oof_proba_, "hamming_loss", per_label=False)
    np.testing.assert_allclose(glob.thresholds_, expected)
    per = TunedThresholdMultiLabelClassifier(
        est, threshold_rule="per_label", scoring="f1_macro", shrinkage=3, **kwargs
    ).fit(X, Y)
    expected = tune_thresholds(Y, per.oof_proba_, "f1_macro", shrinkage=3)
    np.testing.assert_allclose(per.thresholds_, expected)


def test_deprecated_per_label_keeps_its_meaning(multilabel_data):
    X, Y = multilabel_data
    kwargs = dict(cv=3, random_state=0, scoring="f1", shrinkage=None)
    for per_label in (True, False):
        with pytest.warns(FutureWarning, match="threshold_rule="):
            old = TunedThresholdMultiLabelClassifier(
                _chain(), per_label=per_label, **kwargs
            ).fit(X, Y)
        expected = tune_thresholds(Y, old.oof_proba_, "f1", per_label, shrinkage=None)
        np.testing.assert_allclose(old.thresholds_, np.broadcast_to(expected, (4,)))
    with pytest.raises(ValueError, match="disagree"):
        TunedThresholdMultiLabelClassifier(
            _chain(), per_label=True, threshold_rule="global"
        ).fit(X, Y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"threshold_rule": "none"}, "'threshold_rule' parameter"),
        ({"threshold_rule": True}, "'threshold_rule' parameter"),
        ({"shrinkage": -1.0}, "'shrinkage' parameter"),
        ({"shrinkage": "auto"}, "'shrinkage' parameter"),
        ({"scoring": "f1_weighted"}, "'scoring' parameter"),
        ({"min_positives": -1}, "'min_positives' parameter"),
        ({"per_label": "yes"}, "'per_label' parameter"),
    ],
)
def test_tuned_classifier_refuses_bad_parameters(multilabel_data, params, match):
    with pytest.raises(ValueError, match=match):
        TunedThresholdMultiLabelClassifier(_chain(), **params).fit(*multilabel_data)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"shrinkage": -0.5}, "'shrinkage' parameter"),
        ({"shrinkage": "much"}, "'shrinkage' parameter"),
        ({"metric": "hamming"}, "'metric' parameter"),
    ],
)
def test_tune_thresholds_refuses_bad_parameters(noisy_proba, params, match):
    with pytest.raises(ValueError, match=match):
        tune_thresholds(*noisy_proba, **params)


def test_nothing_passed_in_is_modified(tutorial_like_data, noisy_proba):
    Y, P = noisy_proba
    Yn = Y.astype(float)
    Yn[::9, 1] = np.nan
    w = np.linspace(0.5, 2, len(Y))
    before = [a.copy() for a in (Y, Yn, P, w)]
    for metric in ("f1_micro", "f1_macro", "hamming_loss", "f1"):
        tune_thresholds(Yn, P, metric, sample_weight=w)
        tune_thresholds(Yn, P, metric, per_label=False, sample_weight=w)
        choose_threshold_rule(Yn, P, metric, random_state=0)
        thresholds_for_rule("per_label", Yn, P, metric)
    for metric in ("f1_samples", "exact_match"):
        tune_thresholds(Y, P, metric, sample_weight=w)
    for a, b in zip((Y, Yn, P, w), before):
        np.testing.assert_array_equal(a, b)
    X, Yt = tutorial_like_data
    X0, Y0 = X.copy(), Yt.copy()
    est = _chain()
    params = est.get_params()
    TunedThresholdMultiLabelClassifier(est, cv=3, random_state=0).fit(X, Yt)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Yt, Y0)
    assert est.get_params() == params and not hasattr(est, "classes_")


def test_unknown_labels_are_left_out_of_the_new_metrics(noisy_proba):
    Y, P = noisy_proba
    Ynan = Y.astype(float)
    Ynan[:60, 0] = np.nan
    for metric in ("f1_macro", "hamming_loss"):
        t = tune_thresholds(Ynan, P, metric, shrinkage=0, min_positives=0)
        alone = tune_thresholds(Y[60:, :1], P[60:, :1], metric, shrinkage=0)
        assert t[0] == pytest.approx(alone[0])
    assert tune_thresholds(Ynan, P, "f1_micro").shape == (4,)

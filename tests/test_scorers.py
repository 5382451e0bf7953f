"""Scorers on every multi-label estimator family, in cross_validate and GridSearchCV."""

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RepeatedKFold, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp import metrics as m

PANEL = [
    "exact_match",
    "hamming_loss",
    "f1_micro",
    "f1_macro",
    "f1_samples",
    "roc_auc_macro",
    "mean_bce",
    "lrap",
]

ESTIMATORS = {
    "multilabel_mlp": lambda: MultiLabelMLPClassifier(epochs=5, random_state=0),
    "sklearn_mlp": lambda: MLPClassifier((8,), max_iter=50, random_state=0),
    "classifier_chain": lambda: ClassifierChain(LogisticRegression(), random_state=0),
    "multioutput": lambda: MultiOutputClassifier(LogisticRegression()),
    "one_vs_rest": lambda: OneVsRestClassifier(LogisticRegression()),
    "random_forest": lambda: RandomForestClassifier(n_estimators=10, random_state=0),
    "knn": lambda: KNeighborsClassifier(n_neighbors=3),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("pipeline", [False, True], ids=["bare", "pipeline"])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_panel_in_cross_validate_returns_every_key(multilabel_data, name, pipeline):
    X, Y = multilabel_data
    est = ESTIMATORS[name]()
    if pipeline:
        est = make_pipeline(StandardScaler(), est)
    cv = RepeatedKFold(n_splits=2, n_repeats=1, random_state=0)
    res = cross_validate(
        est, X, Y, cv=cv, scoring=m.multilabel_scoring(), error_score="raise"
    )
    for key in PANEL + [f"f1_label:{j}" for j in range(4)]:
        values = res[f"test_{key}"]
        assert values.shape == (2,) and np.all(np.isfinite(values)), key
    assert np.all(res["test_hamming_loss"] <= 0)  # negated loss
    assert np.all(res["test_mean_bce"] <= 0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", ["sklearn_mlp", "multilabel_mlp", "multioutput"])
def test_every_scorer_works_with_exactly_two_labels(multilabel_data, name):
    X, Y = multilabel_data
    Y2 = Y[:, :2]
    est = ESTIMATORS[name]().fit(X, Y2)
    proba = m.get_scorer("roc_auc")(est, X, Y2)
    from sklearn.metrics import roc_auc_score

    P = est.predict_proba(X)
    P = np.column_stack([p[:, 1] for p in P]) if isinstance(P, list) else P
    assert proba == pytest.approx(roc_auc_score(Y2, P))
    assert m.get_scorer("hamming_loss")(est, X, Y2) == pytest.approx(
        -m.hamming_loss(Y2, est.predict(X))
    )


def test_probability_scorer_without_predict_proba_fails_clearly(multilabel_data):
    X, Y = multilabel_data
    est = MultiOutputClassifier(LinearSVC()).fit(X, Y)
    with pytest.raises(TypeError, match="MultiOutputClassifier has no predict_proba"):
        m.get_scorer("mean_bce")(est, X, Y)
    with pytest.raises(TypeError, match="proba=False"):
        m.multilabel_scoring()(est, X, Y)
    scores = m.multilabel_scoring(proba=False)(est, X, Y)
    assert "mean_bce" not in scores and "hamming_loss" in scores


def test_grid_search_refit_on_hamming_loss_picks_the_lowest(multilabel_data):
    X, Y = multilabel_data
    grid = GridSearchCV(
        KNeighborsClassifier(),
        {"n_neighbors": [1, 3, 7, 15]},
        cv=3,
        scoring=m.multilabel_scoring(),
        refit="hamming_loss",
    ).fit(X, Y)
    mean_loss = -grid.cv_results_["mean_test_hamming_loss"]
    assert grid.best_index_ == int(np.argmin(mean_loss))
    assert len(set(np.round(mean_loss, 6))) > 1  # the choice is not a tie


def test_label_names_flow_into_per_label_keys_and_summary(multilabel_data):
    import pandas as pd

    X, Y = multilabel_data
    Ydf = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    res = cross_validate(
        MultiLabelMLPClassifier(epochs=5, random_state=0),
        X,
        Ydf,
        cv=2,
        scoring=m.multilabel_scoring(),
    )
    assert "test_f1_label:c" in res
    summary = m.per_label_summary(res)
    assert list(summary.index) == ["a", "b", "c", "d"]
    assert summary.loc["c", ("f1", "mean")] == pytest.approx(
        np.mean(res["test_f1_label:c"])
    )
    assert summary.loc["c", ("f1", "std")] == pytest.approx(
        np.std(res["test_f1_label:c"])
    )


def test_given_label_names_make_a_plain_dict_of_scorers(multilabel_data):
    X, Y = multilabel_data
    scoring = m.multilabel_scoring(label_names=["w", "x", "y", "z"])
    assert set(PANEL) | {"f1_label:w", "f1_label:z"} <= set(scoring)
    res = cross_validate(KNeighborsClassifier(), X, Y, cv=2, scoring=dict(scoring))
    f1 = m.per_label_f1_score(Y, KNeighborsClassifier().fit(X, Y).predict(X))
    assert res["test_f1_label:z"].shape == (2,)
    assert 0 <= f1[3] <= 1


def test_per_label_scorer_by_name_uses_the_estimators_label_names(multilabel_data):
    X, Y = multilabel_data
    sets = [{n for n, v in zip("abcd", row) if v} for row in Y]
    clf = MultiLabelMLPClassifier(epochs=5, random_state=0).fit(X, sets)
    scorer = m.get_scorer("f1_label:c")
    expected = m.per_label_f1_score(Y, clf.predict(X))[2]
    assert scorer(clf, X, Y) == pytest.approx(expected)
    with pytest.raises(ValueError, match="label 'q' is not among"):
        m.get_scorer("f1_label:q")(clf, X, Y)


def test_unknown_scorer_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown scorer 'hamming'"):
        m.get_scorer("hamming")


def test_sklearn_names_fall_back_and_neg_log_loss_warns():
    assert callable(m.get_scorer("r2"))
    with pytest.warns(UserWarning, match="mean_bce"):
        m.get_scorer("neg_log_loss")


@pytest.fixture(scope="module")
def one_label_models(multilabel_data):
    """Models of one label; read-only, never refit them."""
    X, Y = multilabel_data
    column = Y[:, 1:2]
    return X, {
        "mlp_on_one_column": (
            MultiLabelMLPClassifier((4,), epochs=3, random_state=0).fit(X, column),
            column,
        ),
        "logreg_on_1d": (LogisticRegression().fit(X, column.ravel()), column.ravel()),
    }


ONE_LABEL_AVERAGES = [
    (f"{name}_{avg}", fn)
    for name, fn in [
        ("f1", skm.f1_score),
        ("precision", skm.precision_score),
        ("recall", skm.recall_score),
        ("jaccard", skm.jaccard_score),
    ]
    for avg in ("micro", "macro", "weighted")
]


@pytest.mark.parametrize("model", ["mlp_on_one_column", "logreg_on_1d"])
@pytest.mark.parametrize("name, fn", ONE_LABEL_AVERAGES)
def test_one_label_averages_are_the_labels_binary_score(
    one_label_models, model, name, fn
):
    X, models = one_label_models
    est, y = models[model]
    pred = np.ravel(est.predict(X))
    expected = fn(np.ravel(y), pred, zero_division=0.0)
    assert m.get_scorer(name)(est, X, y) == pytest.approx(expected)


@pytest.mark.parametrize("model", ["mlp_on_one_column", "logreg_on_1d"])
def test_one_label_panel_scores_every_key(one_label_models, model):
    X, models = one_label_models
    est, y = models[model]
    pred, truth = np.ravel(est.predict(X)), np.ravel(y)
    scores = m.multilabel_scoring()(est, X, y)
    assert set(scores) == set(PANEL) | {"f1_label:0"}
    f1 = skm.f1_score(truth, pred, zero_division=0.0)
    for key in ["f1_macro", "f1_micro", "f1_label:0"]:
        assert scores[key] == pytest.approx(f1), key
    # per row, F1 is 1 where both hold the label and 0 otherwise (zero_division=0)
    assert scores["f1_samples"] == pytest.approx(np.mean(truth * pred))
    proba = est.predict_proba(X)
    proba = proba[:, -1] if proba.ndim == 2 else proba
    assert scores["roc_auc_macro"] == pytest.approx(skm.roc_auc_score(truth, proba))
    for name, fn in [
        ("roc_auc_weighted", skm.roc_auc_score),
        ("average_precision_weighted", skm.average_precision_score),
    ]:
        assert m.get_scorer(name)(est, X, y) == pytest.approx(fn(truth, proba)), name

"""MultiLabelMLPClassifierCV: the network and thresholds chosen on training rows."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.metrics import f1_score
from sklearn.preprocessing import MaxAbsScaler, StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifierCV
from skmultilabel_mlp._cv_rules import SCORINGS, capped_global, choose_rule
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold
from skmultilabel_mlp.thresholds import tune_thresholds


def _f1(Y, P):
    return f1_score(Y, P, average="micro", zero_division=0)


SMALL = {
    "hidden_layer_sizes": [(8,), (16,)],
    "dropouts": [0.0],
    "alphas": [0.0, 1e-3],
    "epochs": 6,
    "n_iter_no_change": 3,
    "cv": 2,
    "random_state": 0,
}


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=8, n_classes=3, random_state=0
    )
    return X.astype(np.float32), Y


@pytest.fixture(scope="module")
def fitted(data):
    X, Y = data
    return MultiLabelMLPClassifierCV(**SMALL).fit(X, Y)


def test_fit_chooses_a_network_and_thresholds(fitted, data):
    X, _ = data
    assert len(fitted.cv_results_["params"]) == 4
    assert set(fitted.best_params_) == {
        "hidden_layer_sizes",
        "dropout",
        "alpha",
        "learning_rate",
        "loss",
    }
    assert fitted.threshold_rule_ in ("none", "global", "per_label")
    assert set(fitted.threshold_scores_) == {"none", "global", "per_label"}
    best = max(fitted.threshold_scores_.values())
    assert fitted.threshold_scores_[fitted.threshold_rule_] == best
    assert set(fitted.rule_thresholds_) == set(fitted.threshold_scores_)
    np.testing.assert_array_equal(
        fitted.thresholds_, fitted.rule_thresholds_[fitted.threshold_rule_]
    )
    np.testing.assert_array_equal(fitted.rule_thresholds_["none"], 0.5)
    network = fitted.best_estimator_[-1]
    np.testing.assert_allclose(network.threshold, fitted.thresholds_)
    proba = fitted.predict_proba(X)
    assert proba.shape == (120, 3)
    np.testing.assert_array_equal(
        fitted.predict(X), (proba >= fitted.thresholds_).astype(int)
    )
    assert fitted.classes_.shape == (3, 2) and fitted.n_features_in_ == 8


def test_the_search_is_scikit_learns_on_the_same_folds(fitted, data):
    X, Y = data
    pipeline = clone(fitted)._pipeline(X)
    grid = {
        "multilabelmlpclassifier__hidden_layer_sizes": [(8,), (16,)],
        "multilabelmlpclassifier__dropout": [0.0],
        "multilabelmlpclassifier__alpha": [0.0, 1e-3],
        "multilabelmlpclassifier__learning_rate": [1e-3],
    }
    folds = MultilabelStratifiedKFold(2, shuffle=True, random_state=0)
    theirs = skms.GridSearchCV(pipeline, grid, cv=folds, scoring="f1_micro").fit(X, Y)
    np.testing.assert_array_equal(
        fitted.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
    # the candidate is chosen by its cross-fitted score with thresholds
    assert fitted.best_score_ == fitted.threshold_scores_[fitted.threshold_rule_]


def test_the_candidate_is_the_best_after_thresholds(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(**{**SMALL, "threshold": "global"}).fit(X, Y)
    judge = SCORINGS["f1_micro"][1]
    folds = MultilabelStratifiedKFold(2, shuffle=True, random_state=0)
    scores = []
    for params in clf.cv_results_["params"]:
        est = clone(clf._pipeline(X)).set_params(**params)
        oof = skms.cross_val_predict(est, X, Y, cv=folds, method="predict_proba")
        rule = choose_rule("global", "f1_micro", 0, Y, oof, judge, max_increase=0.0)
        scores.append(rule[1]["global"])
    assert clf.best_index_ == int(np.argmax(scores))
    assert clf.best_score_ == pytest.approx(max(scores), abs=1e-9)


def test_thresholds_come_from_out_of_fold_probabilities_only(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(
        **SMALL, threshold="global", max_hamming_increase=None
    ).fit(X, Y)
    best = clone(clf._pipeline(X)).set_params(
        **{f"multilabelmlpclassifier__{k}": v for k, v in clf.best_params_.items()}
    )
    folds = MultilabelStratifiedKFold(2, shuffle=True, random_state=0)
    oof = skms.cross_val_predict(best, X, Y, cv=folds, method="predict_proba")
    expected = tune_thresholds(Y, oof, metric="f1", per_label=False)
    np.testing.assert_allclose(clf.thresholds_, expected, atol=1e-6)
    assert set(clf.threshold_scores_) == {"global"}


def test_sparse_features_are_scaled_without_centring(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(**{**SMALL, "hidden_layer_sizes": [(8,)]})
    clf.fit(sp.csr_matrix(X), Y)
    assert isinstance(clf.best_estimator_[0], MaxAbsScaler)
    assert clf.predict(sp.csr_matrix(X[:5])).shape == (5, 3)
    dense = MultiLabelMLPClassifierCV(**{**SMALL, "hidden_layer_sizes": [(8,)]})
    assert isinstance(dense.fit(X, Y).best_estimator_[0], StandardScaler)
    # dense 0/1 features (bag-of-words, one-hot) are left binary as sparse ones
    binary = (X > np.median(X)).astype(np.float32)
    assert isinstance(clone(dense).fit(binary, Y).best_estimator_[0], MaxAbsScaler)


def test_rows_only_scorings_have_no_per_label_rule(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(**{**SMALL, "hidden_layer_sizes": [(8,)]})
    clf.set_params(scoring="exact_match").fit(X, Y)
    assert set(clf.threshold_scores_) == {"none", "global"}
    with pytest.raises(ValueError, match="no per-label thresholds"):
        clone(clf).set_params(threshold="per_label").fit(X, Y)


@pytest.mark.parametrize(
    "params, y, match",
    [
        ({"scoring": "roc_auc"}, None, "scoring='roc_auc'"),
        ({"threshold": 0.3}, None, "threshold=0.3"),
        ({"alphas": []}, None, "alphas must be a non-empty"),
        ({"ensemble": "bagging"}, None, "ensemble='bagging'"),
        ({"ensemble": "seeds", "n_seeds": 0}, None, "n_seeds=0"),
        ({"n_seeds": 2.0}, None, "n_seeds=2.0"),
        ({"max_hamming_increase": -0.1}, None, "max_hamming_increase=-0.1"),
        ({"max_hamming_increase": "0"}, None, "max_hamming_increase='0'"),
        ({"max_hamming_increase": True}, None, "max_hamming_increase=True"),
        ({}, np.arange(120) % 3, "do not have"),
    ],
)
def test_bad_settings_are_named(data, params, y, match):
    X, Y = data
    with pytest.raises(ValueError, match=match):
        MultiLabelMLPClassifierCV(**{**SMALL, **params}).fit(X, Y if y is None else y)


def test_it_is_a_scikit_learn_estimator_in_cross_validation(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(**{**SMALL, "hidden_layer_sizes": [(8,)]})
    assert clone(clf).get_params() == clf.get_params()
    scores = skms.cross_val_score(clf, X, Y, cv=2, scoring="f1_micro")
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))


def test_a_one_d_y_is_one_label_as_for_the_classifier(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(**{**SMALL, "hidden_layer_sizes": [(8,)]})
    clf.fit(X, Y[:, 0])
    assert clf.thresholds_.shape == (1,)
    assert clf.predict(X).shape == (120,) and clf.predict_proba(X).shape == (120, 2)
    np.testing.assert_array_equal(
        clf.predict(X), (clf.predict_proba(X)[:, 1] >= clf.thresholds_[0]).astype(int)
    )


def test_folds_that_miss_rows_are_refused(data):
    X, Y = data
    half = np.arange(60)
    folds = [(half, half + 60)]  # rows 0-59 are never a test row
    clf = MultiLabelMLPClassifierCV(
        **{**SMALL, "hidden_layer_sizes": [(8,)], "cv": folds}
    )
    with pytest.raises(ValueError, match="partition"):
        clf.fit(X, Y)


_SEEN = []  # row ids the spy splitter was asked to split (survives clone's copies)


class _SpyFolds(MultilabelStratifiedKFold):
    def split(self, X, y=None, groups=None):
        _SEEN.append(np.asarray(X)[:, 0].astype(int))
        return super().split(X, y, groups)


def test_it_never_sees_a_test_row(data):
    X, Y = data
    ids = np.arange(X.shape[0], dtype=np.float32)[:, None]
    X = np.hstack([ids, X])  # column 0 names the row
    outer = list(skms.KFold(2, shuffle=True, random_state=0).split(X))
    _SEEN.clear()
    clf = MultiLabelMLPClassifierCV(
        **{**SMALL, "hidden_layer_sizes": [(8,)], "cv": _SpyFolds(2, shuffle=True)}
    )
    skms.cross_validate(clf, X, Y, cv=outer)
    assert len(_SEEN) == 2
    for seen, (train, test) in zip(_SEEN, outer):
        np.testing.assert_array_equal(np.sort(seen), np.sort(train))
        assert not set(seen) & set(test)


def test_losses_are_searched_like_the_rest(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(
        **{**SMALL, "hidden_layer_sizes": [(8,)], "alphas": [0.0]},
        losses=["binary_crossentropy", "asymmetric"],
    ).fit(X, Y)
    tried = [p["multilabelmlpclassifier__loss"] for p in clf.cv_results_["params"]]
    assert tried == ["binary_crossentropy", "asymmetric"]
    assert clf.best_estimator_[-1].loss == clf.best_params_["loss"]


def test_the_fold_networks_are_the_searchs_own(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(**{**SMALL, "ensemble": "folds"}).fit(X, Y)
    assert len(clf.estimators_) == 2 and clf.best_estimator_ is clf.estimators_[0]
    # the same networks as scikit-learn's fold-by-fold fits of the chosen candidate
    best = clone(clf._pipeline(X)).set_params(
        **{f"multilabelmlpclassifier__{k}": v for k, v in clf.best_params_.items()}
    )
    folds = MultilabelStratifiedKFold(2, shuffle=True, random_state=0)
    theirs = skms.cross_validate(best, X, Y, cv=folds, return_estimator=True)
    for ours, their in zip(clf.estimators_, theirs["estimator"]):
        np.testing.assert_allclose(
            ours.predict_proba(X), their.predict_proba(X), atol=1e-5
        )
        np.testing.assert_allclose(ours[-1].threshold, clf.thresholds_)
    mean = np.mean([e.predict_proba(X) for e in clf.estimators_], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X), mean)
    np.testing.assert_array_equal(clf.predict(X), (mean >= clf.thresholds_).astype(int))
    exact = np.mean(np.all(clf.predict(X) == Y, axis=1))
    assert clf.score(X, Y) == pytest.approx(exact)


def test_folds_and_refit_average_every_network(data):
    X, Y = data
    alone = MultiLabelMLPClassifierCV(**SMALL, ensemble="none").fit(X, Y)
    both = MultiLabelMLPClassifierCV(**{**SMALL, "ensemble": "folds_and_refit"})
    both.fit(X, Y)
    assert len(alone.estimators_) == 1 and len(both.estimators_) == 3
    assert both.estimators_[-1] is both.best_estimator_
    # the same choices and the same refitted network as without the ensemble
    assert both.best_params_ == alone.best_params_
    np.testing.assert_array_equal(both.thresholds_, alone.thresholds_)
    np.testing.assert_allclose(
        both.best_estimator_.predict_proba(X), alone.predict_proba(X), atol=1e-6
    )
    mean = np.mean([e.predict_proba(X) for e in both.estimators_], axis=0)
    np.testing.assert_allclose(both.predict_proba(X), mean)


def test_seeds_average_the_refit_with_more_seeds(data):
    X, Y = data
    alone = MultiLabelMLPClassifierCV(**SMALL, ensemble="none").fit(X, Y)
    assert MultiLabelMLPClassifierCV().ensemble == "seeds"  # the default
    seeds = MultiLabelMLPClassifierCV(**{**SMALL, "n_seeds": 3})
    seeds.fit(X, Y)
    assert len(seeds.estimators_) == 3 and seeds.best_estimator_ is seeds.estimators_[0]
    # the same choices as without the ensemble: the seeds change the refit only
    assert seeds.best_params_ == alone.best_params_
    np.testing.assert_array_equal(seeds.thresholds_, alone.thresholds_)
    # each member is the plain Pipeline.fit of the chosen network with its seed
    for i, member in enumerate(seeds.estimators_):
        assert member[-1].random_state == i and member[0] is seeds.estimators_[0][0]
        plain = clone(alone.best_estimator_).set_params(
            multilabelmlpclassifier__random_state=i
        )
        np.testing.assert_allclose(
            member.predict_proba(X), plain.fit(X, Y).predict_proba(X), atol=1e-6
        )
        np.testing.assert_allclose(member[-1].threshold, seeds.thresholds_)
    np.testing.assert_allclose(
        seeds.estimators_[0].predict_proba(X), alone.predict_proba(X), atol=1e-6
    )
    probas = [e.predict_proba(X) for e in seeds.estimators_]
    assert np.abs(probas[0] - probas[1]).max() > 1e-3  # the seeds differ
    mean = np.mean(probas, axis=0)
    np.testing.assert_allclose(seeds.predict_proba(X), mean)
    np.testing.assert_array_equal(
        seeds.predict(X), (mean >= seeds.thresholds_).astype(int)
    )


def test_seeds_without_a_random_state_draw_each_member(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(
        **{**SMALL, "hidden_layer_sizes": [(8,)], "alphas": [0.0]},
        ensemble="seeds",
        n_seeds=2,
    ).set_params(random_state=None)
    clf.fit(X, Y)
    assert [m[-1].random_state for m in clf.estimators_] == [None, None]
    a, b = (m.predict_proba(X) for m in clf.estimators_)
    assert np.abs(a - b).max() > 1e-3


def test_a_one_d_y_averages_its_fold_networks(data):
    X, Y = data
    clf = MultiLabelMLPClassifierCV(
        **{**SMALL, "hidden_layer_sizes": [(8,)], "ensemble": "folds"}
    ).fit(X, Y[:, 0])
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 2)
    np.testing.assert_array_equal(
        clf.predict(X), (proba[:, 1] >= clf.thresholds_[0]).astype(int)
    )
    assert clf.score(X, Y[:, 0]) == pytest.approx(np.mean(clf.predict(X) == Y[:, 0]))


def _capped_case(seed=0, n=400, labels=4):
    """Probabilities whose micro-F1 threshold lies well below 0.5 (positives
    score low), so that it buys recall with more errors than 0.5 makes."""
    rng = np.random.RandomState(seed)
    Y = (rng.uniform(size=(n, labels)) < 0.25).astype(int)
    P = np.where(
        Y == 1, rng.uniform(0.1, 0.6, size=Y.shape), rng.uniform(0, 0.5, size=Y.shape)
    )
    return Y, P


def _errors(Y, P, t):
    return int(np.sum((P >= t) != (Y == 1)))


@pytest.mark.parametrize("cap", [0.0, 0.05, 0.5])
def test_the_capped_global_threshold_is_the_best_within_the_cap(cap):
    Y, P = _capped_case()
    judge = SCORINGS["f1_micro"][1]
    t = capped_global(Y, P, "f1_micro", cap)
    allowed = _errors(Y, P, 0.5) * (1 + cap)
    assert _errors(Y, P, t) <= allowed
    # no threshold on a fine grid within the cap scores better
    grid = [g for g in np.linspace(0, 1, 2001) if _errors(Y, P, g) <= allowed]
    best = max(judge(Y, (P >= g).astype(int)) for g in grid)
    assert judge(Y, (P >= t).astype(int)) >= best - 1e-12
    uncapped = tune_thresholds(Y, P, metric="f1", per_label=False)
    # the case bites: the uncapped threshold makes twice the errors of 0.5
    assert _errors(Y, P, uncapped) > 2 * _errors(Y, P, 0.5)
    assert t > uncapped


def test_a_loose_cap_is_no_cap():
    Y, P = _capped_case(1)
    judge = SCORINGS["f1_micro"][1]
    t = capped_global(Y, P, "f1_micro", 10.0)  # 11 times the errors of 0.5
    # every distinct probability as a threshold: the exact optimum
    best = max(judge(Y, (P >= v).astype(int)) for v in np.unique(P))
    assert judge(Y, (P >= t).astype(int)) == pytest.approx(best, abs=1e-12)
    uncapped = tune_thresholds(Y, P, metric="f1", per_label=False)
    assert abs(t - uncapped) < 0.01


def test_the_cap_holds_for_a_scoring_scored_by_its_metric():
    Y, P = _capped_case(2)
    judge = SCORINGS["f1_macro"][1]
    t = capped_global(Y, P, "f1_macro", 0.0)
    assert _errors(Y, P, t) <= _errors(Y, P, 0.5)
    assert judge(Y, (P >= t).astype(int)) >= judge(Y, (P >= 0.5).astype(int))


def test_auto_chooses_only_rules_within_the_cap():
    Y, P = _capped_case(3)
    judge = SCORINGS["f1_micro"][1]
    free = choose_rule("auto", "f1_micro", 0, Y, P, judge)
    capped = choose_rule("auto", "f1_micro", 0, Y, P, judge, max_increase=0.0)
    # without a cap the micro-F1 rule is chosen at the price of Hamming loss
    assert free[0] != "none" and free[2][free[0]] > free[2]["none"]
    rule, scores, hamming = capped
    assert hamming[rule] <= hamming["none"] + 1e-12
    loose = choose_rule("auto", "f1_micro", 0, Y, P, judge, max_increase=10.0)
    assert loose[0] == free[0]
    assert set(scores) == set(hamming) == {"none", "global", "per_label"}
    assert scores[rule] == max(
        s for r, s in scores.items() if hamming[r] <= hamming["none"] + 1e-12
    )


def test_the_default_caps_the_hamming_loss_of_its_choice(fitted, data):
    assert fitted.max_hamming_increase == 0.05
    hamming = fitted.threshold_hamming_losses_
    assert set(hamming) == set(fitted.threshold_scores_)
    assert hamming[fitted.threshold_rule_] <= hamming["none"] * 1.05 + 1e-12
    X, Y = data
    free = clone(fitted).set_params(max_hamming_increase=None).fit(X, Y)
    # the cap changes the thresholds only: the search is the same
    np.testing.assert_array_equal(
        free.cv_results_["mean_test_score"], fitted.cv_results_["mean_test_score"]
    )
    assert free.best_score_ == max(free.threshold_scores_.values())
    assert free.best_score_ >= fitted.best_score_ - 1e-12

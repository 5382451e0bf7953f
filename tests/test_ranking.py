"""Ranking measures at k, their scorers, and predict_top_k."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import metrics as skm
from sklearn import model_selection as skms
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.svm import LinearSVC

from skmultilabel_mlp import MultiLabelMLPClassifier, _fit_cache
from skmultilabel_mlp import metrics as m
from skmultilabel_mlp._proba import proba_to_matrix
from skmultilabel_mlp.metrics import _ranking
from skmultilabel_mlp.model_selection import GridSearchCV, cross_validate

CV = skms.KFold(n_splits=3, shuffle=True, random_state=0)

# rows: two hits in the top 2; a tie (0.5, 0.5, 0.5) broken by position; no
# true label; every label true
Y = np.array([[1, 0, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1]])
S = np.array(
    [
        [0.9, 0.1, 0.8, 0.2],
        [0.5, 0.5, 0.5, 0.1],
        [0.3, 0.2, 0.1, 0.0],
        [0.4, 0.3, 0.2, 0.1],
    ]
)


def _dcg(flags):
    return sum(f / np.log2(r + 2) for r, f in enumerate(flags))


def test_precision_at_k_by_hand():
    # top 2 per row: {0, 2}, {0, 1} (tie: lower positions), {0, 1}, {0, 1}
    assert m.precision_at_k(Y, S, k=2) == pytest.approx((2 / 2 + 1 / 2 + 0 + 1) / 4)
    assert m.precision_at_k(Y, S, k=1) == pytest.approx((1 + 0 + 0 + 1) / 4)


def test_precision_divides_by_k_beyond_the_number_of_labels():
    # k=6 > 4 labels: every label is ranked, hits / 6
    assert m.precision_at_k(Y, S, k=6) == pytest.approx((2 + 2 + 0 + 4) / 6 / 4)


def test_recall_at_k_by_hand():
    # a row with no true label scores 0
    assert m.recall_at_k(Y, S, k=2) == pytest.approx((1 + 1 / 2 + 0 + 2 / 4) / 4)


def test_ndcg_at_k_by_hand():
    ideal2 = _dcg([1, 1])
    expected = [
        _dcg([1, 1]) / ideal2,  # ranks 0, 2
        _dcg([0, 1]) / ideal2,  # tie broken: 0, 1, then 2
        0.0,  # no true label
        _dcg([1, 1]) / ideal2,
    ]
    assert m.ndcg_at_k(Y, S, k=2) == pytest.approx(np.mean(expected))
    # normalised by min(k, |T|): one true label found first scores 1
    assert m.ndcg_at_k([[0, 1, 0]], [[0.1, 0.9, 0.2]], k=3) == pytest.approx(1.0)
    # k beyond the labels ranks them all
    assert m.ndcg_at_k(Y[:1], S[:1], k=9) == pytest.approx(1.0)


def test_ndcg_equals_sklearns_without_ties():
    rng = np.random.default_rng(0)
    Y_true = (rng.random((40, 12)) < 0.2).astype(int)
    Y_true[:3] = 0  # rows with no true label: 0 in both
    scores = rng.random((40, 12))
    for k in (1, 3, 5, 12):
        assert m.ndcg_at_k(Y_true, scores, k=k) == pytest.approx(
            skm.ndcg_score(Y_true, scores, k=k)
        )


def test_ties_rank_the_lower_position_first():
    positions = _ranking.top_k_positions([[1, 2, 2, 2, 0], [3, 3, 3, 3, 3]], 2)
    np.testing.assert_array_equal(positions, [[1, 2], [0, 1]])
    # sklearn averages over the tie instead
    assert m.ndcg_at_k([[0, 0, 1]], [[0.5, 0.5, 0.5]], k=1) == 0.0
    assert skm.ndcg_score([[0, 0, 1]], [[0.5, 0.5, 0.5]], k=1) == pytest.approx(1 / 3)


@pytest.mark.parametrize("metric", [m.precision_at_k, m.recall_at_k, m.ndcg_at_k])
def test_sparse_and_chunked_equal_dense(metric, monkeypatch):
    rng = np.random.default_rng(1)
    Y_true = (rng.random((25, 30)) < 0.1).astype(int)
    scores = np.where(rng.random((25, 30)) < 0.3, rng.random((25, 30)), 0.0)
    dense = metric(Y_true, scores, k=4)
    monkeypatch.setattr(_ranking, "_CHUNK_ROWS", 7)
    for y, s in [
        (sp.csr_matrix(Y_true), scores),
        (Y_true, sp.csr_matrix(scores)),
        (sp.csc_matrix(Y_true), sp.coo_matrix(scores)),
        (Y_true, scores),
    ]:
        assert metric(y, s, k=4) == pytest.approx(dense)


def test_sample_weight_is_a_row_weight():
    w = np.array([2.0, 1.0, 1.0, 0.0])
    repeated = m.precision_at_k(Y[[0, 0, 1, 2]], S[[0, 0, 1, 2]], k=2)
    assert m.precision_at_k(Y, S, k=2, sample_weight=w) == pytest.approx(repeated)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"k": 0}, "'k' parameter"),
        ({"k": 1.5}, "'k' parameter"),
        ({"y_score": S[:, :3]}, "y_score has shape"),
        ({"y_true": Y * 2}, "0/1 labels; found 2"),
        ({"y_true": sp.csr_matrix(Y * 2)}, "0/1 labels; found 2"),
        ({"y_true": np.where(Y == 1, np.nan, 0)}, "Unknown"),
        ({"y_score": np.full(S.shape, np.nan)}, "NaN or infinity"),
        ({"y_true": Y[0], "y_score": S[0]}, "2-D"),
        ({"sample_weight": np.ones(3)}, "sample_weight"),
    ],
)
def test_bad_input_raises_value_error(kwargs, match):
    args = {"y_true": Y, "y_score": S, "k": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        m.precision_at_k(args.pop("y_true"), args.pop("y_score"), **args)


def test_scorer_names():
    scorer = m.get_scorer("ndcg_at_5")
    assert repr(scorer) == "RankingScorer('ndcg_at_5')" and scorer.k == 5
    assert m.get_scorer("precision_at_1").metric is m.precision_at_k
    with pytest.raises(ValueError, match="precision,recall,ndcg"):
        m.get_scorer("precision_at_0")


@pytest.fixture(scope="module")
def fitted(multilabel_data):
    """A fitted classifier shared by read-only tests: never refit it."""
    X, Y_ = multilabel_data
    return MultiLabelMLPClassifier(epochs=3, random_state=0).fit(X, Y_)


@pytest.mark.parametrize(
    "est",
    [
        MultiLabelMLPClassifier(epochs=3, random_state=0),
        MultiOutputClassifier(LogisticRegression()),  # a list of (n, 2) arrays
        OneVsRestClassifier(LogisticRegression()),
    ],
    ids=["mlp", "multioutput", "one_vs_rest"],
)
def test_scorer_in_sklearns_cross_val_score(multilabel_data, est):
    X, Y_ = multilabel_data
    scores = skms.cross_val_score(
        est, X, Y_, cv=CV, scoring=m.get_scorer("precision_at_2"), error_score="raise"
    )
    for score, (train, test) in zip(scores, CV.split(X)):
        proba = proba_to_matrix(
            est.fit(X[train], Y_[train]).predict_proba(X[test]), Y_.shape[1]
        )
        assert score == pytest.approx(m.precision_at_k(Y_[test], proba, k=2))


def test_scorer_needs_predict_proba(multilabel_data):
    X, Y_ = multilabel_data
    est = OneVsRestClassifier(LinearSVC()).fit(X, Y_)
    with pytest.raises(TypeError, match="predict_proba"):
        m.get_scorer("ndcg_at_3")(est, X, Y_)


def test_stacked_cross_validate_scores_rankings_as_sklearn(multilabel_data):
    X, Y_ = multilabel_data
    est = MultiLabelMLPClassifier(epochs=3, random_state=0)
    names = ["precision_at_1", "ndcg_at_3", "recall_at_2"]
    ours = cross_validate(est, X, Y_, cv=CV, scoring=names)
    theirs = skms.cross_validate(
        est, X, Y_, cv=CV, scoring={n: m.get_scorer(n) for n in names}
    )
    for name in names:
        np.testing.assert_allclose(ours[f"test_{name}"], theirs[f"test_{name}"])


def test_stacked_grid_search_scores_rankings_as_sklearn(multilabel_data, monkeypatch):
    X, Y_ = multilabel_data
    hits, take = [], _fit_cache.take

    def counting(key):
        found = take(key)
        hits.append(found is not None)
        return found

    monkeypatch.setattr(_fit_cache, "take", counting)
    est = MultiLabelMLPClassifier(epochs=3, random_state=0)
    grid = {"hidden_layer_sizes": [(4,), (8,)]}
    ours = GridSearchCV(est, grid, cv=CV, scoring="ndcg_at_2").fit(X, Y_)
    assert sum(hits) == 6  # every split's fit was stacked
    theirs = skms.GridSearchCV(est, grid, cv=CV, scoring=m.get_scorer("ndcg_at_2")).fit(
        X, Y_
    )
    for j in range(3):
        key = f"split{j}_test_score"
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key])
    assert ours.best_params_ == theirs.best_params_


def test_predict_top_k_is_the_argsort_of_predict_proba(fitted, multilabel_data):
    X, _ = multilabel_data
    proba = fitted.predict_proba(X)
    top, scores = fitted.predict_top_k(X, k=3, return_scores=True)
    np.testing.assert_array_equal(top, np.argsort(-proba, axis=1, kind="stable")[:, :3])
    np.testing.assert_array_equal(scores, np.take_along_axis(proba, top, axis=1))
    assert np.all(np.diff(scores, axis=1) <= 0)


def test_predict_top_k_chunks_give_the_same_result(fitted, multilabel_data):
    X, _ = multilabel_data
    whole = fitted.predict_top_k(X, k=2)
    np.testing.assert_array_equal(fitted.predict_top_k(X, k=2, chunk_size=7), whole)
    sparse = fitted.predict_top_k(sp.csr_matrix(X), k=2, chunk_size=7)
    np.testing.assert_array_equal(sparse, whole)


def test_predict_top_k_positions_name_labels(multilabel_data):
    X, Y_ = multilabel_data
    frame = pd.DataFrame(Y_, columns=["d", "c", "b", "a"])
    clf = MultiLabelMLPClassifier(epochs=2, random_state=0).fit(X, frame)
    top = clf.predict_top_k(X[:3], k=4)
    proba = clf.predict_proba(X[:3])
    best = clf.label_names_[top[:, 0]]
    np.testing.assert_array_equal(best, frame.columns[np.argmax(proba, axis=1)])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"k": 5}, "k=5 but the model has 4"),
        ({"k": 0}, "k must"),
        ({"chunk_size": 0}, "chunk_size"),
    ],
)
def test_predict_top_k_bad_arguments(fitted, multilabel_data, kwargs, match):
    X, _ = multilabel_data
    with pytest.raises(ValueError, match=match):
        fitted.predict_top_k(X, **kwargs)


@pytest.mark.parametrize("kind", ["multiclass_multioutput", "binary"])
def test_predict_top_k_refuses_models_without_labels_to_rank(multilabel_data, kind):
    X, Y_ = multilabel_data
    y = np.array([["a", "b", "c"][i % 3] for i in range(len(X))])
    y = np.column_stack([y, y[::-1]]) if kind == "multiclass_multioutput" else Y_[:, 0]
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="1-D y or on outputs with their own classes"):
        clf.predict_top_k(X, k=1)

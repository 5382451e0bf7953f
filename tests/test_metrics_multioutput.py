"""Measures for outputs with more than two classes, by hand and against sklearn."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import metrics as m
from skmultilabel_mlp import model_selection as ms

Y_TRUE = np.array(
    [["stable", 0], ["alert", 1], ["emergency", 2], ["alert", 4], ["stable", 3]],
    dtype=object,
)
Y_PRED = np.array(
    [["stable", 0], ["alert", 2], ["alert", 2], ["alert", 4], ["stable", 1]],
    dtype=object,
)
# output 0 wrong in row 2; output 1 wrong in rows 1 and 4; rows 0 and 3 fully right
# macro-F1, output 0: alert 0.8, emergency 0, stable 1 -> 0.6
# output 1 (classes 0-4): 1, 0, 2/3, 0, 1 -> 8/15
F1 = [0.6, 8 / 15]
W = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
CODES = {"stable": 0, "alert": 1, "emergency": 2}


def _as_ints(Y):
    return np.array([[CODES[a], b] for a, b in Y])


def _as_frame(Y):
    state = pd.Categorical(Y[:, 0], categories=["stable", "alert", "emergency"])
    return pd.DataFrame({"state": state, "level": Y[:, 1].astype(int)})


def _as_string_frame(Y):
    return pd.DataFrame({"state": pd.array(Y[:, 0], dtype="string"), "level": Y[:, 1]})


CONVERTERS = {
    "object": lambda Y: Y,
    "ints": _as_ints,
    "lists": lambda Y: Y.tolist(),
    "categorical_frame": _as_frame,
    "string_frame": _as_string_frame,
}


@pytest.mark.parametrize("convert", list(CONVERTERS.values()), ids=list(CONVERTERS))
def test_scores_by_hand_for_every_input_type(convert):
    yt, yp = convert(Y_TRUE), convert(Y_PRED)
    assert m.multioutput_exact_match(yt, yp) == pytest.approx(2 / 5)
    np.testing.assert_allclose(m.per_output_accuracy(yt, yp), [4 / 5, 3 / 5])
    assert m.mean_output_accuracy(yt, yp) == pytest.approx(0.7)
    np.testing.assert_allclose(m.per_output_f1_score(yt, yp), F1)
    assert m.mean_output_macro_f1(yt, yp) == pytest.approx(np.mean(F1))


@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
@pytest.mark.parametrize("weights", [None, W], ids=["unweighted", "weighted"])
def test_per_output_scores_equal_sklearn_per_column(average, weights):
    yt, yp = _as_ints(Y_TRUE), _as_ints(Y_PRED)
    f1 = m.per_output_f1_score(yt, yp, average=average, sample_weight=weights)
    acc = m.per_output_accuracy(yt, yp, sample_weight=weights)
    for j in range(2):
        labels = np.union1d(yt[:, j], yp[:, j])
        expected = skm.f1_score(
            yt[:, j], yp[:, j], labels=labels, average=average, sample_weight=weights
        )
        assert f1[j] == pytest.approx(expected)
        assert acc[j] == pytest.approx(
            skm.accuracy_score(yt[:, j], yp[:, j], sample_weight=weights)
        )


def test_sample_weight_by_hand():
    assert m.multioutput_exact_match(Y_TRUE, Y_PRED, sample_weight=W) == pytest.approx(
        (1 + 4) / 15
    )
    np.testing.assert_allclose(
        m.per_output_accuracy(Y_TRUE, Y_PRED, sample_weight=W), [12 / 15, 8 / 15]
    )


def test_one_dimensional_y_is_one_output():
    yt, yp = Y_TRUE[:, 0], Y_PRED[:, 0]
    assert m.multioutput_exact_match(yt, yp) == pytest.approx(
        skm.accuracy_score(yt.astype(str), yp.astype(str))
    )
    assert m.per_output_accuracy(pd.Series(yt), yp).shape == (1,)
    assert m.mean_output_macro_f1(yt, yp) == pytest.approx(
        skm.f1_score(yt.astype(str), yp.astype(str), average="macro")
    )


@pytest.mark.parametrize("unknown", [None, np.nan, pd.NA], ids=["None", "NaN", "NA"])
def test_unknown_entries_are_left_out(unknown):
    yt = Y_TRUE.copy()
    yt[2, 0] = unknown  # row 2's only wrong output
    yt[1, :] = unknown  # row 1 has no known output: not counted at all
    # rows 0, 2, 3 right; row 4 wrong
    assert m.multioutput_exact_match(yt, Y_PRED) == pytest.approx(3 / 4)
    assert m.multioutput_exact_match(yt, Y_PRED, sample_weight=W) == pytest.approx(
        (1 + 3 + 4) / (1 + 3 + 4 + 5)
    )
    np.testing.assert_allclose(m.per_output_accuracy(yt, Y_PRED), [1.0, 3 / 4])
    rows = [0, 2, 3, 4]
    expected = skm.f1_score(
        Y_TRUE[rows, 1].astype(int), Y_PRED[rows, 1].astype(int), average="macro"
    )
    assert m.per_output_f1_score(yt, Y_PRED)[1] == pytest.approx(expected)


def test_pandas_missing_values_are_unknown():
    frame = _as_frame(Y_TRUE)
    frame.loc[2, "state"] = np.nan
    frame["level"] = frame["level"].astype("Int64")
    frame.loc[1, "level"] = pd.NA
    np.testing.assert_allclose(m.per_output_accuracy(frame, Y_PRED), [1.0, 3 / 4])
    # only row 4 (level wrong) is wrong now
    assert m.multioutput_exact_match(frame, Y_PRED) == pytest.approx(4 / 5)


def test_output_with_no_known_entry_is_nan_and_left_out_of_means():
    yt = Y_TRUE.copy()
    yt[:, 1] = None
    np.testing.assert_equal(m.per_output_accuracy(yt, Y_PRED), [4 / 5, np.nan])
    assert m.mean_output_accuracy(yt, Y_PRED) == pytest.approx(4 / 5)
    assert m.mean_output_macro_f1(yt, Y_PRED) == pytest.approx(0.6)


PROBA = [
    np.array(
        [
            [0.1, 0.1, 0.8],
            [0.6, 0.2, 0.2],
            [0.5, 0.3, 0.2],
            [0.7, 0.2, 0.1],
            [0.2, 0.2, 0.6],
        ]
    ),
    np.tile([0.4, 0.2, 0.2, 0.1, 0.1], (5, 1)),
]
CLASSES = [np.array(["alert", "emergency", "stable"]), np.arange(5)]


def test_log_loss_equals_sklearn_per_column():
    losses = m.per_output_log_loss(Y_TRUE, PROBA, classes=CLASSES, sample_weight=W)
    for j in range(2):
        expected = skm.log_loss(
            Y_TRUE[:, j].tolist(), PROBA[j], labels=CLASSES[j], sample_weight=W
        )
        assert losses[j] == pytest.approx(expected)
    assert m.mean_output_log_loss(
        Y_TRUE, PROBA, classes=CLASSES, sample_weight=W
    ) == pytest.approx(losses.mean())
    # a (n_outputs, n_samples, n_classes) array is a list of outputs too
    same = np.stack([PROBA[0], PROBA[0]])
    twice = m.per_output_log_loss(Y_TRUE[:, [0, 0]], same, classes=[CLASSES[0]] * 2)
    one = m.per_output_log_loss(Y_TRUE, PROBA, classes=CLASSES)[0]
    np.testing.assert_allclose(twice, [one, one])


def test_log_loss_reads_columns_in_the_order_of_classes():
    # classes need not be sorted: column k of proba is the class classes[k]
    reverse = [CLASSES[0][::-1], CLASSES[1]]
    flipped = [PROBA[0][:, ::-1], PROBA[1]]
    np.testing.assert_allclose(
        m.per_output_log_loss(Y_TRUE, flipped, classes=reverse),
        m.per_output_log_loss(Y_TRUE, PROBA, classes=CLASSES),
    )


def test_log_loss_leaves_unknown_entries_out():
    yt = Y_TRUE.copy()
    yt[[0, 3], 0] = None
    loss = m.per_output_log_loss(yt, PROBA, classes=CLASSES)[0]
    rows = [1, 2, 4]
    expected = skm.log_loss(Y_TRUE[rows, 0].tolist(), PROBA[0][rows], labels=CLASSES[0])
    assert loss == pytest.approx(expected)


def test_log_loss_of_one_output_takes_one_array_and_its_classes():
    y = Y_TRUE[:, 0]
    expected = skm.log_loss(y.tolist(), PROBA[0], labels=CLASSES[0])
    for proba in (PROBA[0], PROBA[0].tolist(), [PROBA[0]]):
        loss = m.mean_output_log_loss(y, proba, classes=CLASSES[0])
        assert loss == pytest.approx(expected)
    assert m.mean_output_log_loss(y, PROBA[0], classes=[CLASSES[0]]) == pytest.approx(
        expected
    )


def test_log_loss_of_an_output_with_one_class():
    # a forest trained on a constant output has one class and proba (n, 1)
    y = np.array(["a", "a"])
    assert m.mean_output_log_loss(y, [[1.0], [1.0]], classes=["a"]) == 0.0
    assert m.mean_output_log_loss(y, [[0.5], [0.5]], classes=["a"]) == pytest.approx(
        np.log(2)
    )


def test_metrics_leave_the_callers_arrays_alone():
    yt, yp, frame = Y_TRUE.copy(), Y_PRED.copy(), _as_frame(Y_TRUE)
    yt[0, 0] = None
    before, frame_before = yt.copy(), frame.copy()
    proba = [p.copy() for p in PROBA]
    m.multioutput_exact_match(yt, yp)
    m.per_output_f1_score(frame, yp)
    m.per_output_log_loss(yt, proba, classes=CLASSES)
    m.multioutput_report(yt, yp, proba, classes=CLASSES)
    np.testing.assert_array_equal(yt, before)
    np.testing.assert_array_equal(yp, Y_PRED)
    pd.testing.assert_frame_equal(frame, frame_before)
    for p, q in zip(proba, PROBA):
        np.testing.assert_array_equal(p, q)


def test_report_rows_match_the_functions():
    report = m.multioutput_report(_as_frame(Y_TRUE), Y_PRED, PROBA, classes=CLASSES)
    assert list(report.index) == ["state", "level", "mean", "exact match"]
    np.testing.assert_allclose(report["accuracy"].iloc[:2], [4 / 5, 3 / 5])
    np.testing.assert_allclose(report["macro_f1"].iloc[:2], F1)
    losses = m.per_output_log_loss(Y_TRUE, PROBA, classes=CLASSES)
    np.testing.assert_allclose(report["log_loss"].iloc[:2], losses)
    assert report.loc["mean", "log_loss"] == pytest.approx(losses.mean())
    assert report.loc["mean", "accuracy"] == pytest.approx(0.7)
    assert report["n_classes"].iloc[:2].tolist() == [3, 5]
    assert report["support"].iloc[:3].tolist() == [5, 5, 10]
    assert report.loc["exact match", "value"] == pytest.approx(2 / 5)
    # with classes, n_classes counts them all, an unseen class included
    wide = np.column_stack([PROBA[0], np.zeros(5)])
    classes = [*CLASSES[0], "unseen"]
    one = m.multioutput_report(Y_TRUE[:, 0], Y_PRED[:, 0], wide, classes=classes)
    assert one.loc["0", "n_classes"] == 4


def test_report_without_proba_counts_seen_classes_and_support():
    yt = Y_TRUE.copy()
    yt[0, 1] = None
    report = m.multioutput_report(yt, Y_PRED, output_names=["a", "b"])
    assert "log_loss" not in report.columns
    # output b: known true 1, 2, 4, 3 and predictions 2, 2, 4, 1 -> four classes
    assert report.loc["b", "n_classes"] == 4
    assert report.loc["b", "support"] == 4
    text = m.multioutput_report(yt, Y_PRED, output="text")
    assert "macro_f1" in text and "exact match  0.4000" in text


# --- scorers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def multioutput_data():
    """60 rows, 4 features; outputs 'state' (3 classes) and 'level' ('0'-'4')."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    state = np.array(["stable", "alert", "emergency"])[np.arange(60) % 3]
    level = (np.arange(60) % 5 + (X[:, 0] > 1)) % 5
    X[:, 1] += np.arange(60) % 3  # learnable state
    # one dtype for all outputs: the forest sorts the classes of an object y
    return X, np.column_stack([state, level.astype(str)]).astype(object)


FOREST = RandomForestClassifier(n_estimators=5, random_state=0)
CV = KFold(3)
PREDICT_SCORERS = {
    "multioutput_exact_match": m.multioutput_exact_match,
    "mean_output_accuracy": m.mean_output_accuracy,
    "mean_output_macro_f1": m.mean_output_macro_f1,
}


def _by_hand(est, X, Y, name):
    values = []
    for train, test in CV.split(X):
        fitted = clone(est).fit(X[train], Y[train])
        if name == "neg_mean_output_log_loss":
            proba = fitted.predict_proba(X[test])
            values.append(
                -m.mean_output_log_loss(Y[test], proba, classes=fitted.classes_)
            )
        else:
            values.append(PREDICT_SCORERS[name](Y[test], fitted.predict(X[test])))
    return values


@pytest.mark.parametrize("name", [*PREDICT_SCORERS, "neg_mean_output_log_loss"])
def test_scorers_in_cross_val_score_on_multioutput_forest(multioutput_data, name):
    X, Y = multioutput_data
    scores = cross_val_score(
        FOREST, X, Y, cv=CV, scoring=m.get_scorer(name), error_score="raise"
    )
    np.testing.assert_allclose(scores, _by_hand(FOREST, X, Y, name))
    # the package's cross_val_score takes the name itself
    by_name = ms.cross_val_score(FOREST, X, Y, cv=CV, scoring=name, error_score="raise")
    np.testing.assert_allclose(by_name, scores)


@pytest.mark.parametrize(
    "name, sklearn_name",
    [
        ("multioutput_exact_match", "accuracy"),
        ("mean_output_accuracy", "accuracy"),
        ("mean_output_macro_f1", "f1_macro"),
        ("neg_mean_output_log_loss", "neg_log_loss"),
    ],
)
def test_scorers_on_one_output_equal_sklearns(multioutput_data, name, sklearn_name):
    X, Y = multioutput_data
    y = Y[:, 0].astype(str)
    ours = cross_val_score(FOREST, X, y, cv=CV, scoring=m.get_scorer(name))
    theirs = cross_val_score(FOREST, X, y, cv=CV, scoring=sklearn_name)
    np.testing.assert_allclose(ours, theirs)


def test_scorers_in_grid_search_and_with_sample_weight(multioutput_data):
    X, Y = multioutput_data
    names = [*PREDICT_SCORERS, "neg_mean_output_log_loss"]
    # the package's GridSearchCV takes the names themselves
    search = ms.GridSearchCV(
        make_pipeline(StandardScaler(), FOREST),
        {"randomforestclassifier__max_depth": [2, None]},
        scoring=names,
        refit="mean_output_macro_f1",
        cv=CV,
        error_score="raise",
    ).fit(X, Y)
    for name in names:
        assert np.all(np.isfinite(search.cv_results_[f"mean_test_{name}"]))
    assert np.all(search.cv_results_["mean_test_neg_mean_output_log_loss"] <= 0)
    est = search.best_estimator_
    w = np.arange(60) % 4 + 1.0
    expected = m.mean_output_accuracy(Y, est.predict(X), sample_weight=w)
    scorer = m.get_scorer("mean_output_accuracy")
    assert scorer(est, X, Y, sample_weight=w) == pytest.approx(expected)
    loss = m.get_scorer("neg_mean_output_log_loss")(est, X, Y, sample_weight=w)
    assert loss == pytest.approx(
        -m.mean_output_log_loss(
            Y, est.predict_proba(X), classes=est.classes_, sample_weight=w
        )
    )


def test_log_loss_scorer_refuses_an_estimator_without_predict_proba(multioutput_data):
    X, Y = multioutput_data
    ridge = RidgeClassifier().fit(X, Y[:, 0])
    with pytest.raises(TypeError, match="needs predict_proba and classes_ but Ridge"):
        m.get_scorer("neg_mean_output_log_loss")(ridge, X, Y[:, 0])


def test_get_scorer_names_multioutput_scorers_when_a_name_is_unknown():
    with pytest.raises(
        ValueError, match=r"multi-output names are .*'mean_output_accuracy'"
    ):
        m.get_scorer("mean_output_acuracy")


# --- errors ----------------------------------------------------------------

# message pattern -> the call that raises it
VALUE_ERRORS = {
    r"y_true has shape \(5, 2\) but y_pred has shape \(5, 1\)": lambda: (
        m.multioutput_exact_match(Y_TRUE, Y_PRED[:, :1])
    ),
    "y_pred has unknown entries": lambda: m.per_output_accuracy(
        Y_TRUE, np.where(Y_PRED == 4, None, Y_PRED)
    ),
    "y_true has no known entry": lambda: m.mean_output_accuracy(
        [None, np.nan], ["a", "b"]
    ),
    "y_true has 3 dimensions": lambda: m.per_output_accuracy(
        np.zeros((2, 2, 2)), np.zeros((2, 2, 2))
    ),
    "y_true has rows of different lengths": lambda: m.per_output_accuracy(
        [[1, 2], [3]], [[1, 2], [3, 4]]
    ),
    "average": lambda: m.per_output_f1_score(Y_TRUE, Y_PRED, average="binary"),
    r"proba has 1 array\(s\) but y_true has 2 outputs": lambda: m.per_output_log_loss(
        Y_TRUE, PROBA[0], classes=CLASSES
    ),
    r"classes has 1 class array\(s\) but y_true has 2 outputs": lambda: (
        m.per_output_log_loss(Y_TRUE, PROBA, classes=CLASSES[1])
    ),
    r"proba\[1\] has shape \(5, 5\) but .* classes\[1\] has 2 classes": lambda: (
        m.per_output_log_loss(Y_TRUE, PROBA, classes=[CLASSES[0], [0, 1]])
    ),
    r"y_true\[:, 0\] holds \['alert', 'emergency', 'stable'\], not in classes\[0\]": lambda: (
        m.per_output_log_loss(Y_TRUE, PROBA, classes=[["a", "b", "c"], CLASSES[1]])
    ),
    r"classes\[0\] = \['a', 'a', 'b'\] names a class twice": lambda: (
        m.per_output_log_loss(Y_TRUE, PROBA, classes=[["a", "a", "b"], CLASSES[1]])
    ),
    "proba needs classes: pass classes=estimator.classes_": lambda: (
        m.multioutput_report(Y_TRUE, Y_PRED, PROBA)
    ),
    "output_names has 1 names for 2 outputs": lambda: m.multioutput_report(
        Y_TRUE, Y_PRED, output_names=["a"]
    ),
}
TYPE_ERRORS = {
    r"y_true\[:, 0\] holds mixed-integer values": lambda: m.per_output_accuracy(
        ["a", 1], ["a", "b"]
    ),
    r"y_true\[:, 0\] holds strings but y_pred\[:, 0\] holds numbers": lambda: (
        m.per_output_f1_score(["a", "b"], [0, 1])
    ),
    r"y_true is a sparse matrix; .* y_true.toarray\(\)": lambda: m.per_output_accuracy(
        sp.csr_matrix(np.eye(2)), np.eye(2)
    ),
    r"y_true\[:, 0\] holds strings but classes\[0\] holds numbers": lambda: (
        m.per_output_log_loss(Y_TRUE, PROBA, classes=[[0, 1, 2], CLASSES[1]])
    ),
}


@pytest.mark.parametrize(
    "error, match",
    [(ValueError, k) for k in VALUE_ERRORS] + [(TypeError, k) for k in TYPE_ERRORS],
)
def test_bad_input_names_the_argument_and_the_way_out(error, match):
    call = {**VALUE_ERRORS, **TYPE_ERRORS}[match]
    with pytest.raises(error, match=match):
        call()

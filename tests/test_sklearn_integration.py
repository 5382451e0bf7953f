"""MultiLabelMLPClassifier inside scikit-learn's tools."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    RepeatedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import get_tags

from skmultilabel_mlp import MultiLabelMLPClassifier

FAST = {"epochs": 5, "random_state": 0}


def test_sklearn_sees_a_multilabel_multioutput_classifier():
    clf = MultiLabelMLPClassifier()
    assert is_classifier(clf)
    tags = get_tags(clf)
    assert tags.classifier_tags.multi_label
    assert tags.target_tags.multi_output
    assert tags.input_tags.sparse


def test_nested_params_in_a_pipeline(multilabel_data):
    pipe = make_pipeline(StandardScaler(), MultiLabelMLPClassifier(**FAST))
    pipe.set_params(multilabelmlpclassifier__hidden_layer_sizes=(8, 4))
    assert pipe.get_params()["multilabelmlpclassifier__hidden_layer_sizes"] == (8, 4)
    pipe.fit(*multilabel_data)
    dense_layers = [w for w in pipe[-1].model_.weights if w.path.endswith("kernel")]
    assert [tuple(w.shape) for w in dense_layers] == [(8, 8), (8, 4), (4, 4)]
    cloned = clone(pipe)
    assert cloned.get_params()["multilabelmlpclassifier__hidden_layer_sizes"] == (8, 4)
    assert not hasattr(cloned[-1], "model_")


def test_column_transformer_pipeline_on_a_dataframe():
    rng = np.random.RandomState(0)
    df = pd.DataFrame(
        {
            "x1": rng.normal(size=50),
            "x2": rng.normal(size=50),
            "colour": rng.choice(["red", "blue"], size=50),
        }
    )
    Y = pd.DataFrame({"warm": df.colour == "red", "big": df.x1 > 0}).astype(int)
    pre = ColumnTransformer(
        [("num", StandardScaler(), ["x1", "x2"]), ("cat", OneHotEncoder(), ["colour"])]
    )
    pipe = Pipeline([("pre", pre), ("clf", MultiLabelMLPClassifier(**FAST))])
    pipe.fit(df, Y)
    assert pipe.predict(df).shape == (50, 2)
    assert list(pipe[-1].label_names_) == ["warm", "big"]


def test_cross_val_score_with_repeated_kfold(multilabel_data):
    cv = RepeatedKFold(n_splits=2, n_repeats=2, random_state=1)
    scores = cross_val_score(MultiLabelMLPClassifier(**FAST), *multilabel_data, cv=cv)
    assert scores.shape == (4,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_cross_validate_with_string_scorers_and_two_labels(multilabel_data):
    X, Y = multilabel_data
    scoring = ["accuracy", "f1_samples", "f1_macro", "roc_auc", "average_precision"]
    res = cross_validate(
        MultiLabelMLPClassifier(**FAST), X, Y[:, :2], cv=2, scoring=scoring
    )
    for name in scoring:
        assert np.all(np.isfinite(res[f"test_{name}"])), name


@pytest.mark.parametrize("labels", [2, 4])
def test_roc_auc_scorer_uses_every_label(multilabel_data, labels):
    from sklearn.metrics import roc_auc_score

    X, Y = multilabel_data
    Y = Y[:, :labels]
    clf = MultiLabelMLPClassifier(**FAST).fit(X, Y)
    expected = roc_auc_score(Y, clf.predict_proba(X), average="macro")
    assert get_scorer("roc_auc")(clf, X, Y) == pytest.approx(expected)


def test_grid_search_over_hidden_size_in_parallel(multilabel_data):
    pipe = make_pipeline(StandardScaler(), MultiLabelMLPClassifier(**FAST))
    grid = GridSearchCV(
        pipe,
        {"multilabelmlpclassifier__hidden_layer_sizes": [(4,), (16,)]},
        cv=2,
        n_jobs=2,
    )
    grid.fit(*multilabel_data)
    assert grid.best_params_["multilabelmlpclassifier__hidden_layer_sizes"] in [
        (4,),
        (16,),
    ]
    assert len(grid.cv_results_["mean_test_score"]) == 2
    assert grid.predict(multilabel_data[0]).shape == (60, 4)


def test_as_base_estimator_of_classifier_chain(multilabel_data):
    X, Y = multilabel_data
    chain = ClassifierChain(MultiLabelMLPClassifier(**FAST), order=[3, 2, 1, 0])
    chain.fit(X, Y)
    proba = chain.predict_proba(X)
    assert proba.shape == (60, 4)
    assert chain.predict(X).shape == (60, 4)


def test_as_base_estimator_of_multioutput_classifier(multilabel_data):
    X, Y = multilabel_data
    moc = MultiOutputClassifier(MultiLabelMLPClassifier(**FAST)).fit(X, Y)
    proba = moc.predict_proba(X)
    assert len(proba) == 4 and proba[0].shape == (60, 2)
    assert moc.predict(X).shape == (60, 4)


def test_calibrated_classifier_on_a_binary_target(multilabel_data):
    X, Y = multilabel_data
    cal = CalibratedClassifierCV(MultiLabelMLPClassifier(**FAST), cv=2).fit(X, Y[:, 0])
    proba = cal.predict_proba(X)
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)

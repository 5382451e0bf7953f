"""Baselines and the benchmark harness."""

import numpy as np
import pytest

from skmultilabel_mlp.benchmark import default_baselines, run_benchmark

EXPECTED = {
    "binary_relevance",
    "classifier_chain",
    "ensemble_of_chains",
    "random_forest",
    "knn",
    "sklearn_mlp",
    "multilabel_mlp",
    "multilabel_mlp_tuned",
}


@pytest.fixture(scope="module")
def rare_label_problem(multilabel_data):
    """The shared problem with label 3 positive in a single row."""
    X, Y = multilabel_data
    Y = Y.copy()
    Y[:, 3] = 0
    Y[0, 3] = 1
    return {"X": X, "Y": Y}


def test_default_baselines_are_the_documented_set():
    assert set(default_baselines(0)) == EXPECTED
    assert "multilabel_mlp_tuned" not in default_baselines(0, include_tuned=False)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore:labels .* have no positive row:UserWarning")
def test_every_baseline_survives_a_fold_without_positives(rare_label_problem):
    records = run_benchmark(
        default_baselines(0), {"rare": rare_label_problem}, cv=3, progress=False
    )
    frame = records.to_frame()
    assert set(frame.estimator) == EXPECTED
    assert set(frame.split) == {"fold 0", "fold 1", "fold 2"}
    assert frame.value.notna().all()
    assert {
        "estimator",
        "dataset",
        "split",
        "metric",
        "value",
        "fit_seconds",
        "predict_seconds",
    } <= set(frame.columns)
    hamming = frame[frame.metric == "hamming_loss"].value
    assert (hamming >= 0).all() and (hamming <= 1).all()  # natural orientation
    assert records.environment["versions"]["scikit-learn"]
    assert "keras_backend" in records.environment


def test_predefined_split_scores_the_test_rows_once(multilabel_data):
    X, Y = multilabel_data
    data = {
        "X": X,
        "Y": Y,
        "X_train": X[:40],
        "Y_train": Y[:40],
        "X_test": X[40:],
        "Y_test": Y[40:],
    }
    from sklearn.neighbors import KNeighborsClassifier

    records = run_benchmark(
        {"knn": KNeighborsClassifier()}, {"d": data}, cv="predefined", progress=False
    )
    frame = records.to_frame()
    assert set(frame.split) == {"test"}
    exact = frame.loc[frame.metric == "exact_match", "value"].item()
    pred = KNeighborsClassifier().fit(X[:40], Y[:40]).predict(X[40:])
    assert exact == pytest.approx(np.mean((pred == Y[40:]).all(axis=1)))


def test_mlp_search_preset_is_a_training_only_grid_search():
    from sklearn.model_selection import GridSearchCV, ParameterGrid

    from skmultilabel_mlp.benchmark import MLP_SEARCH_GRID, mlp_search
    from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

    search = mlp_search(random_state=3)
    assert isinstance(search, GridSearchCV)
    assert len(ParameterGrid(search.param_grid)) == 12
    assert search.param_grid == MLP_SEARCH_GRID
    assert isinstance(search.cv, MultilabelStratifiedKFold) and search.cv.n_splits == 3
    assert search.estimator[-1].random_state == 3

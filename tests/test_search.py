"""GridSearchCV / RandomizedSearchCV: scikit-learn's searches, candidates and folds stacked."""

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn import model_selection as skms
from sklearn.exceptions import FitFailedWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier, _fit_cache
from skmultilabel_mlp.model_selection import GridSearchCV, RandomizedSearchCV

CV = skms.KFold(n_splits=3, shuffle=True, random_state=0)


@pytest.fixture
def cache_hits(monkeypatch):
    """Counts the fits scikit-learn's loop found already trained."""
    hits = []
    take = _fit_cache.take

    def counting(key):
        found = take(key)
        hits.append(found is not None)
        return found

    monkeypatch.setattr(_fit_cache, "take", counting)
    return hits


def _same_search(ours, theirs):
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_index_ == theirs.best_index_
    assert set(ours.cv_results_) == set(theirs.cv_results_)
    for key, value in theirs.cv_results_.items():
        if "time" in key:
            continue
        if key == "params":
            assert ours.cv_results_[key] == value
        elif np.asarray(value).dtype.kind in "fiu":
            np.testing.assert_array_equal(ours.cv_results_[key], value)


def test_grid_over_widths_and_depths_equals_sklearns_search(
    tutorial_like_data, cache_hits
):
    X, Y = tutorial_like_data
    grid = {"hidden_layer_sizes": [(4,), (12,), (6, 5)], "learning_rate": [1e-2, 3e-3]}
    est = MultiLabelMLPClassifier(epochs=6, random_state=0)
    ours = GridSearchCV(est, grid, cv=CV, return_train_score=True).fit(X, Y)
    theirs = skms.GridSearchCV(est, grid, cv=CV, return_train_score=True).fit(X, Y)
    _same_search(ours, theirs)
    # all 18 fits of the loop were trained stacked; the refit trains for real
    assert sum(cache_hits) == 18 and len(cache_hits) == 19
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5
    )


def test_pipeline_grid_with_preprocessing_training_and_sample_weight(
    tutorial_like_data, cache_hits
):
    X, Y = tutorial_like_data
    weights = np.random.default_rng(1).uniform(0.5, 2.0, len(X))
    est = make_pipeline(
        StandardScaler(), MultiLabelMLPClassifier(epochs=6, random_state=0)
    )
    grid = {
        "standardscaler__with_mean": [True, False],
        "multilabelmlpclassifier__optimizer": ["adam", "rmsprop"],
        "multilabelmlpclassifier__early_stopping": [False, True],
        "multilabelmlpclassifier__dropout": [0.0, 0.2],
    }
    kwargs = {"cv": CV, "scoring": ["f1_micro", "accuracy"], "refit": "f1_micro"}
    params = {"multilabelmlpclassifier__sample_weight": weights}
    ours = GridSearchCV(est, grid, **kwargs).fit(X, Y, **params)
    theirs = skms.GridSearchCV(est, grid, **kwargs).fit(X, Y, **params)
    _same_search(ours, theirs)
    assert sum(cache_hits) == 16 * 3


def test_an_early_stopping_grid_equals_sklearns_at_any_segment_size(
    tutorial_like_data, cache_hits, monkeypatch
):
    """Copies stop at their own epochs, even where segments (``_segments``)
    would cut every computation: the networks are still scikit-learn's
    fold-by-fold ones."""
    from skmultilabel_mlp._engine import _segments

    runs = []
    segments = _segments.segments

    def counted(*args):
        runs.append(1)
        return segments(*args)

    monkeypatch.setattr(_segments, "SEGMENT_WORK", 0)
    monkeypatch.setattr(_segments, "segments", counted)
    X, Y = tutorial_like_data
    est = MultiLabelMLPClassifier(
        epochs=30, early_stopping=True, n_iter_no_change=2, random_state=0
    )
    grid = {"learning_rate": [1e-3, 3e-2], "alpha": [0.0, 1e-2]}
    ours = GridSearchCV(est, grid, cv=CV).fit(X, Y)
    # both engines train a computation's copies in turn, each to its own
    # epoch: no segments
    assert not runs
    assert sum(cache_hits) == 12
    theirs = skms.GridSearchCV(est, grid, cv=CV).fit(X, Y)
    _same_search(ours, theirs)


def test_randomized_search_equals_sklearns(tutorial_like_data, cache_hits):
    X, Y = tutorial_like_data
    est = MultiLabelMLPClassifier(epochs=5, random_state=0)
    dist = {"learning_rate": loguniform(1e-3, 1e-1), "alpha": [0.0, 1e-3]}
    kwargs = {"n_iter": 4, "cv": CV, "random_state": 0}
    ours = RandomizedSearchCV(est, dist, **kwargs).fit(X, Y)
    theirs = skms.RandomizedSearchCV(est, dist, **kwargs).fit(X, Y)
    _same_search(ours, theirs)
    assert sum(cache_hits) == 12


def test_package_scorer_names_and_callable_refit(multilabel_data):
    X, Y = multilabel_data
    search = GridSearchCV(
        MultiLabelMLPClassifier(epochs=3, random_state=0),
        {"hidden_layer_sizes": [(4,), (8,)]},
        cv=CV,
        scoring={"hamming": "hamming_loss", "f1": "f1_micro"},
        refit=lambda results: int(np.argmax(results["mean_test_hamming"])),
    ).fit(X, Y)
    assert np.all(search.cv_results_["mean_test_hamming"] <= 0)
    assert search.best_index_ == int(np.argmax(search.cv_results_["mean_test_hamming"]))
    assert search.scoring == {"hamming": "hamming_loss", "f1": "f1_micro"}  # as given


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_failing_candidate_gets_error_score_as_in_sklearn(multilabel_data):
    X, Y = multilabel_data
    grid = {"class_weight": [None, {"nope": 2.0}]}
    est = MultiLabelMLPClassifier(epochs=2, random_state=0)
    with pytest.warns(FitFailedWarning, match="3 fits failed out of a total of 6"):
        search = GridSearchCV(est, grid, cv=CV).fit(X, Y)
    assert np.isnan(search.cv_results_["mean_test_score"][1])
    assert search.best_params_ == {"class_weight": None}


def test_keras_callbacks_fall_back_to_sklearns_fits(multilabel_data, cache_hits):
    import keras

    X, Y = multilabel_data
    est = MultiLabelMLPClassifier(
        epochs=2, random_state=0, callbacks=[keras.callbacks.TerminateOnNaN()]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = GridSearchCV(est, {"alpha": [0.0, 1e-3]}, cv=CV).fit(X, Y)
    assert search.cv_results_["mean_test_score"].shape == (2,)
    assert not any(cache_hits)  # nothing stacked: every fit trained through Keras


def test_n_jobs_spreads_the_stacked_chunks_and_keeps_the_results(
    tutorial_like_data, cache_hits, monkeypatch
):
    """With 2 workers the (candidate, split) fits train as 2 chunks through
    joblib (threads here; Dask workers in test_dask.py), the networks are the
    one-chunk run's, and the search's loop finds every one of them."""
    from joblib import parallel_backend

    from skmultilabel_mlp.model_selection import _search

    chunks = []
    fit_chunk = _search._fit_chunk

    def recording(clfs, data, verbose):
        chunks.append([clf.hidden_layer_sizes for clf in clfs])
        return fit_chunk(clfs, data, verbose)

    monkeypatch.setattr(_search, "_fit_chunk", recording)
    X, Y = tutorial_like_data
    grid = {"hidden_layer_sizes": [(4,), (12,)], "learning_rate": [1e-2, 3e-3]}
    est = MultiLabelMLPClassifier(epochs=4, random_state=0)
    alone = GridSearchCV(est, grid, cv=CV).fit(X, Y)
    assert len(chunks) == 1 and sum(cache_hits) == 12
    chunks.clear(), cache_hits.clear()
    with parallel_backend("threading"):
        spread = GridSearchCV(est, grid, cv=CV, n_jobs=2).fit(X, Y)
    # 12 fits in 2 chunks of 6, one architecture each
    assert sorted(map(len, chunks)) == [6, 6]
    assert all(len(set(chunk)) == 1 for chunk in chunks)
    assert sum(cache_hits) == 12 and len(cache_hits) == 13  # + the refit
    assert spread.n_jobs == 2  # the caller's setting is back
    _same_search(spread, alone)
    np.testing.assert_array_equal(spread.predict_proba(X), alone.predict_proba(X))


def test_chunks_keep_stacked_computations_together_and_fill_the_workers():
    from skmultilabel_mlp.model_selection._search import _chunks

    def clfs(*sizes):
        return [MultiLabelMLPClassifier(hidden_layer_sizes=s) for s in sizes]

    # two computations of 6 on 2 workers: one each
    jobs = clfs(*[(4,)] * 6, *[(12,)] * 6)
    assert _chunks(jobs, 2) == [list(range(6)), list(range(6, 12))]
    # the sizes' spellings are one architecture; one worker: one chunk
    jobs = clfs((4,), [4], 4, (8,))
    assert _chunks(jobs, 1) == [[0, 1, 2, 3]]
    assert sorted(_chunks(jobs, 2)) == [[0, 1, 2], [3]]
    # fewer computations than workers: the largest is cut until all have work
    jobs = clfs(*[(4,)] * 6)
    assert sorted(map(len, _chunks(jobs, 3))) == [1, 2, 3]
    assert sorted(i for chunk in _chunks(jobs, 3) for i in chunk) == list(range(6))
    assert len(_chunks(jobs, 10)) == 6  # never more chunks than jobs


def test_a_computation_cut_over_uneven_chunks_gives_the_same_search(
    tutorial_like_data, cache_hits
):
    """One architecture's 6 fits over 3 threads (chunks of 3, 2 and 1 copies,
    the last a single-copy program): the same scores as one computation."""
    from joblib import parallel_backend

    X, Y = tutorial_like_data
    grid = {"learning_rate": [1e-2, 3e-3], "dropout": [0.0]}
    est = MultiLabelMLPClassifier((6,), epochs=4, alpha=1e-3, random_state=0)
    alone = GridSearchCV(est, grid, cv=CV).fit(X, Y)
    with parallel_backend("threading"):
        cut = GridSearchCV(est, grid, cv=CV, n_jobs=3).fit(X, Y)
    assert sum(cache_hits) == 12  # 6 in each search, all found
    _same_search(cut, alone)


def test_stacked_training_that_fails_in_joblib_falls_back_to_the_loop(
    tutorial_like_data, cache_hits, monkeypatch
):
    from joblib import parallel_backend

    from skmultilabel_mlp.model_selection import _search

    def lost(*args):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(_search, "_fit_chunk", lost)
    X, Y = tutorial_like_data
    grid = {"hidden_layer_sizes": [(4,), (8,)]}
    est = MultiLabelMLPClassifier(epochs=3, random_state=0)
    with parallel_backend("threading"), pytest.warns(UserWarning, match="worker lost"):
        search = GridSearchCV(est, grid, cv=CV, n_jobs=2).fit(X, Y)
    assert not any(cache_hits)  # every fit trained in the loop
    _same_search(search, skms.GridSearchCV(est, grid, cv=CV).fit(X, Y))


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_a_fit_failing_in_a_chunk_is_reported_by_the_loop(multilabel_data):
    from joblib import parallel_backend

    X, Y = multilabel_data
    grid = {"class_weight": [None, {"nope": 2.0}], "hidden_layer_sizes": [(4,), (8,)]}
    est = MultiLabelMLPClassifier(epochs=2, random_state=0)
    with (
        parallel_backend("threading"),
        pytest.warns(FitFailedWarning, match="6 fits failed out of a total of 12"),
    ):
        search = GridSearchCV(est, grid, cv=CV, n_jobs=2).fit(X, Y)
    assert np.isnan(search.cv_results_["mean_test_score"][[2, 3]]).all()
    assert np.isfinite(search.cv_results_["mean_test_score"][[0, 1]]).all()
    with parallel_backend("threading"), pytest.raises(ValueError):
        GridSearchCV(est, grid, cv=CV, n_jobs=2, error_score="raise").fit(X, Y)

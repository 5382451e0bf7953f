"""Grid search and cross-validation on a Dask cluster through joblib's Dask backend."""

import os
import threading
import time

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.model_selection import GridSearchCV as StackedGridSearchCV

distributed = pytest.importorskip("distributed")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]

GRID = {"hidden_layer_sizes": [(4,), (16,)], "learning_rate": [1e-3, 1e-2]}
CV = KFold(3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of 2 worker processes, 1 thread each."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "tensorflow"),
        },
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _search():
    return GridSearchCV(
        MultiLabelMLPClassifier(epochs=5, random_state=0), GRID, cv=CV, n_jobs=2
    )


def test_grid_search_on_dask_equals_the_local_run(client, multilabel_data):
    X, Y = multilabel_data
    local = _search().fit(X, Y)
    with parallel_backend("dask"):
        remote = _search().fit(X, Y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))


def test_cross_validate_on_dask_equals_the_local_run(client, multilabel_data):
    X, Y = multilabel_data
    est = MultiLabelMLPClassifier(epochs=5, random_state=0)
    local = cross_validate(est, X, Y, cv=CV)["test_score"]
    with parallel_backend("dask"):
        remote = cross_validate(est, X, Y, cv=CV, n_jobs=2)["test_score"]
    np.testing.assert_allclose(remote, local)


# long enough that the search is still running when the worker dies 3 s in
# (with 40 epochs it could finish first: seen in a CI run)
EPOCHS_TO_OUTLAST_THE_KILL = 150


def test_grid_search_survives_the_loss_of_a_worker(client, multilabel_data):
    """Kill one worker process mid-search: Dask reruns its tasks elsewhere."""
    X, Y = multilabel_data
    victim = sorted(client.scheduler_info()["workers"])[0]
    pid = client.run(os.getpid, workers=[victim])[victim]
    killed_at = []

    def kill_soon():
        time.sleep(3)
        os.kill(pid, 9)
        killed_at.append(time.monotonic())

    killer = threading.Thread(target=kill_soon)
    search = GridSearchCV(
        MultiLabelMLPClassifier(epochs=EPOCHS_TO_OUTLAST_THE_KILL, random_state=0),
        GRID,
        cv=CV,
        n_jobs=2,
    )
    with parallel_backend("dask"):
        killer.start()
        search.fit(X, Y)
    finished_at = time.monotonic()
    killer.join()
    assert killed_at and killed_at[0] < finished_at  # the kill happened mid-search
    assert victim not in client.scheduler_info()["workers"]  # that process is gone
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    local = GridSearchCV(
        MultiLabelMLPClassifier(epochs=EPOCHS_TO_OUTLAST_THE_KILL, random_state=0),
        GRID,
        cv=CV,
    ).fit(X, Y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def _stacked_search(epochs=5):
    return StackedGridSearchCV(
        MultiLabelMLPClassifier(epochs=epochs, random_state=0), GRID, cv=CV
    )


def _chunk_tasks(client, run, monkeypatch):
    """``run()`` with Dask's task stream recorded and the search loop's cache
    lookups counted (the loop runs in this process): ``(result, the stacked
    chunks' tasks, every task's key, the loop's fits found trained)``."""
    from skmultilabel_mlp import _fit_cache

    hits, take = [], _fit_cache.take
    monkeypatch.setattr(
        _fit_cache, "take", lambda key: hits.append(take(key)) or hits[-1]
    )
    with distributed.get_task_stream(client) as stream:
        result = run()
    keys = [str(task["key"]) for task in stream.data]
    chunks = [task for task in stream.data if "_fit_chunk" in str(task["key"])]
    return result, chunks, keys, sum(hit is not None for hit in hits)


def test_stacked_search_chunks_run_on_dask_workers_and_equal_the_local_run(
    client, multilabel_data, monkeypatch
):
    """The package's search sends its stacked chunks to the Dask workers
    (seen in the scheduler's task stream), its loop stays here and finds all 12
    networks trained (no fit of it reaches the workers), and it gets the local
    cv_results_."""
    X, Y = multilabel_data
    local = _stacked_search().fit(X, Y)

    def remote_search():
        with parallel_backend("dask"):
            return _stacked_search().fit(X, Y)

    remote, tasks, keys, found = _chunk_tasks(client, remote_search, monkeypatch)
    assert len(tasks) == 2  # one chunk per worker (one architecture each)
    assert not [key for key in keys if "_fit_and_score" in key]
    assert found == 12
    assert remote.best_params_ == local.best_params_
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))


def test_stacked_search_survives_the_loss_of_a_worker(
    client, multilabel_data, monkeypatch
):
    """A worker killed while it trains a stacked chunk: Dask reruns the chunk
    on a worker that is left, and the search ends with the local results."""
    X, Y = multilabel_data
    client.wait_for_workers(2)
    victim = sorted(client.scheduler_info()["workers"])[0]
    pid = client.run(os.getpid, workers=[victim])[victim]
    killed_at = []

    def kill_while_it_trains_a_chunk():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed_at:
            busy = client.processing(workers=[victim]).get(victim, ())
            if any("_fit_chunk" in str(key) for key in busy):
                time.sleep(0.5)  # into the chunk's training
                os.kill(pid, 9)
                killed_at.append(time.time())
            time.sleep(0.05)

    killer = threading.Thread(target=kill_while_it_trains_a_chunk)

    def remote_search():
        with parallel_backend("dask"):
            killer.start()
            return _stacked_search(epochs=60).fit(X, Y)

    search, tasks, _, found = _chunk_tasks(client, remote_search, monkeypatch)
    killer.join()
    assert killed_at, "the victim never got a chunk to train"
    assert victim not in client.scheduler_info()["workers"]
    assert found == 12  # the killed chunk was trained again, elsewhere
    # both chunks finished (one of them after the kill)
    assert len(tasks) == 2
    assert (
        max(part["stop"] for task in tasks for part in task["startstops"])
        > killed_at[0]
    )
    local = _stacked_search(epochs=60).fit(X, Y)
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def _label_frame(Y, rows_per_block):
    """Y as a Dask DataFrame of label columns, partitioned like X's blocks."""
    import dask.array as da
    import dask.dataframe as dd

    blocks = da.from_array(Y, chunks=(rows_per_block, Y.shape[1]))
    return dd.from_dask_array(blocks, columns=[f"label_{j}" for j in range(Y.shape[1])])


def test_incremental_over_dask_blocks_is_partial_fit_over_the_same_chunks(
    client, multilabel_data
):
    """dask_ml's Incremental over a Dask array X and a Dask DataFrame y trains
    block by block on the workers: the network of partial_fit over the same
    chunks in memory, bit for bit; its predictions are the in-memory ones."""
    import dask.array as da
    import dask.dataframe as dd

    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, Y = multilabel_data
    X = X.astype(np.float32)
    chunk = 20
    Xd, Yd = da.from_array(X, chunks=(chunk, X.shape[1])), _label_frame(Y, chunk)
    est = MultiLabelMLPClassifier(epochs=1, random_state=0)
    inc = wrappers.Incremental(est, shuffle_blocks=False).fit(Xd, Yd)
    inc.partial_fit(Xd, Yd)  # a second pass over the blocks
    by_hand = MultiLabelMLPClassifier(epochs=1, random_state=0)
    for _ in range(2):
        for start in range(0, len(X), chunk):
            rows = slice(start, start + chunk)
            by_hand.partial_fit(X[rows], pd.DataFrame(Y[rows], columns=Yd.columns))
    fitted = inc.estimator_
    assert fitted.label_names_.tolist() == list(Yd.columns)
    assert len(fitted.history_["loss"]) == 2 * len(X) // chunk
    np.testing.assert_array_equal(fitted.predict_proba(X), by_hand.predict_proba(X))
    # block by block on a worker: the BLAS's kernels for 20 rows round a few
    # outputs differently from those for 60
    np.testing.assert_allclose(
        inc.predict_proba(Xd).compute(), by_hand.predict_proba(X), rtol=0, atol=1e-6
    )
    # over a Dask DataFrame X, predict too (dask_ml's predict of a Dask array
    # assumes one output column)
    Xf = dd.from_dask_array(Xd, columns=[f"x{i}" for i in range(X.shape[1])])
    frame = wrappers.Incremental(est, shuffle_blocks=False).fit(Xf, Yd)
    np.testing.assert_array_equal(
        frame.predict(Xf).compute(), frame.estimator_.predict(Xf.compute())
    )


def test_incremental_with_a_2d_dask_array_y_names_the_way_out(client, multilabel_data):
    import dask.array as da

    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, Y = multilabel_data
    inc = wrappers.Incremental(MultiLabelMLPClassifier(epochs=1, random_state=0))
    with pytest.raises(ValueError, match="Dask DataFrame of label columns"):
        inc.fit(da.from_array(X, chunks=(20, 8)), da.from_array(Y, chunks=(20, 4)))

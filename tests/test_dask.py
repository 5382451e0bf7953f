"""Grid search and cross-validation on a Dask cluster through joblib's Dask backend."""

import os
import threading
import time

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skmultilabel_mlp import MultiLabelMLPClassifier

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
        MultiLabelMLPClassifier(epochs=40, random_state=0), GRID, cv=CV, n_jobs=2
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
        MultiLabelMLPClassifier(epochs=40, random_state=0), GRID, cv=CV
    ).fit(X, Y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )

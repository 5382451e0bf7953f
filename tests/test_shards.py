"""Out-of-core training: rows in shards on disk, partial_fit one shard at a time."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import iter_shards, read_shard, save_shard


def _chunks(n_chunks=3, rows=40, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_chunks):
        X = rng.random((rows, 12)).astype(np.float32)
        X[X < 0.7] = 0
        Y = (rng.random((rows, 4)) < 0.3).astype(np.float32)
        out.append((X, Y))
    return out


@pytest.mark.parametrize("sparse", [False, True])
def test_a_shard_reads_back_as_written(tmp_path, sparse):
    X, Y = _chunks(1)[0]
    if sparse:
        X, Y = sp.csr_matrix(X), sp.csr_matrix(Y)
    path = save_shard(tmp_path / "a.npz", X, Y)
    X2, Y2 = read_shard(path)
    assert sp.issparse(X2) == sparse and sp.issparse(Y2) == sparse
    for a, b in ((X, X2), (Y, Y2)):
        a = a.toarray() if sparse else a
        b = b.toarray() if sparse else b
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_partial_fit_over_shards_is_partial_fit_over_the_chunks(tmp_path):
    chunks = [(sp.csr_matrix(X), sp.csr_matrix(Y)) for X, Y in _chunks()]
    paths = [save_shard(tmp_path / f"{i}.npz", X, Y) for i, (X, Y) in enumerate(chunks)]
    params = dict(hidden_layer_sizes=(6,), batch_size=8, random_state=0)
    labels = [0, 1, 2, 3]
    from_disk = MultiLabelMLPClassifier(**params)
    in_memory = MultiLabelMLPClassifier(**params)
    for _ in range(2):
        for X, Y in iter_shards(paths):
            from_disk.partial_fit(X, Y, classes=labels)
        for X, Y in chunks:
            in_memory.partial_fit(X, Y, classes=labels)
    X_all = sp.vstack([X for X, _ in chunks])
    np.testing.assert_array_equal(
        from_disk.predict_proba(X_all), in_memory.predict_proba(X_all)
    )
    assert len(from_disk.history_["loss"]) == 6


def test_iter_shards_reads_lazily(tmp_path):
    X, Y = _chunks(1)[0]
    first = save_shard(tmp_path / "first.npz", X, Y)
    shards = iter_shards([first, tmp_path / "missing.npz"])
    assert next(shards)[0].shape == X.shape  # the missing one is not read yet
    with pytest.raises(FileNotFoundError, match=r"missing\.npz"):
        next(shards)


def test_bad_shards_are_value_errors_naming_the_file(tmp_path):
    X, Y = _chunks(1)[0]
    with pytest.raises(ValueError, match="whole rows"):
        save_shard(tmp_path / "x.npz", X, Y[:-1])
    with pytest.raises(ValueError, match="2-D"):
        save_shard(tmp_path / "x.npz", X[:1, :, None], Y[:1])
    path = tmp_path / "no_y.npz"
    np.savez(path, X=X)
    with pytest.raises(ValueError, match=r"no_y\.npz.*no Y.*save_shard"):
        read_shard(path)
    path = tmp_path / "bad_csr.npz"
    np.savez(
        path,
        X=X,
        Y_data=np.ones(3),
        Y_indices=np.array([0, 9, 1]),
        Y_indptr=np.array([0, 3]),
        Y_shape=np.array([1, 4]),
    )
    with pytest.raises(ValueError, match=r"bad_csr\.npz.*inconsistent"):
        read_shard(path)

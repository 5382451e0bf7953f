"""Property-based checks of the file boundaries: loaders with unknown labels,
outputs onto special files, and crafted model manifests."""

import json
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skmultilabel_mlp import MultiLabelMLPClassifier, load, save
from skmultilabel_mlp._utils import atomic_write
from skmultilabel_mlp.datasets import load_csv, load_npz

EXAMPLES = 40
SETTINGS = {
    "deadline": None,
    "max_examples": EXAMPLES,
    "suppress_health_check": [HealthCheck.too_slow],
}

# a label cell: 0, 1, or unknown (NaN in npz, blank in CSV)
CELLS = st.lists(
    st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=2, max_size=2),
    min_size=1,
    max_size=6,
)


def _expect_labels(Y, cells):
    cells = np.array(cells)
    unknown = np.isnan(cells)
    assert Y.shape == cells.shape
    assert Y.dtype == (np.float64 if unknown.any() else np.int64)
    np.testing.assert_array_equal(np.isnan(Y.astype(float)), unknown)
    np.testing.assert_array_equal(Y[~unknown], cells[~unknown])


@settings(**SETTINGS)
@given(cells=CELLS)
def test_loaders_keep_unknown_labels_as_nan(cells):
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            f"{i},{','.join('' if np.isnan(c) else str(int(c)) for c in row)}"
            for i, row in enumerate(cells)
        ]
        csv = Path(tmp) / "d.csv"
        csv.write_text("x,a,b\n" + "\n".join(rows) + "\n")
        _expect_labels(load_csv(csv, labels=["a", "b"]).Y, cells)
        np.savez(Path(tmp) / "d.npz", X=np.zeros((len(cells), 1)), Y=np.array(cells))
        _expect_labels(load_npz(Path(tmp) / "d.npz").Y, cells)


def _make(kind, path, elsewhere):
    """Put a ``kind`` of thing at ``path`` (``elsewhere`` for link targets)."""
    if kind == "file":
        path.write_text("old")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind.startswith("link to "):
        _make(kind[len("link to ") :], elsewhere, None)
        path.symlink_to(elsewhere)
    elif kind == "dangling link":
        path.symlink_to(elsewhere)


KINDS = ["nothing", "file", "fifo", "directory", "link to file", "link to fifo"]
KINDS += ["link to directory", "dangling link"]


@settings(**SETTINGS)
@given(kind=st.sampled_from(KINDS), umask=st.sampled_from([0o022, 0o077, 0o002]))
def test_atomic_write_writes_regular_files_and_refuses_special_ones(kind, umask):
    with tempfile.TemporaryDirectory() as tmp:
        path, elsewhere = Path(tmp) / "out.txt", Path(tmp) / "target"
        _make(kind, path, elsewhere)
        before = os.lstat(path).st_mode if os.path.lexists(path) else None
        expected_mode = (
            stat.S_IMODE(os.stat(path).st_mode)
            if kind.endswith("file")
            else 0o666 & ~umask
        )
        old = os.umask(umask)
        try:
            if kind.endswith(("fifo", "directory")):
                with pytest.raises(ValueError, match="not a regular file"):
                    atomic_write(path, lambda p: Path(p).write_text("new"))
            else:
                atomic_write(path, lambda p: Path(p).write_text("new"))
        finally:
            os.umask(old)
        assert not [n for n in os.listdir(tmp) if n.startswith(".")]
        if kind.endswith(("fifo", "directory")):
            assert os.lstat(path).st_mode == before
            return
        assert path.read_text() == "new"
        assert path.is_symlink() == ("link" in kind)
        assert stat.S_ISREG(os.lstat(path.resolve()).st_mode)
        assert stat.S_IMODE(os.stat(path).st_mode) == expected_mode


@pytest.fixture(scope="module")
def model_parts(multilabel_data, tmp_path_factory):
    clf = MultiLabelMLPClassifier((5,), epochs=1, random_state=0).fit(*multilabel_data)
    path = save(clf, tmp_path_factory.mktemp("safety") / "m.skmlp")
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json")), zf.read("model.keras")


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats()
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))


@settings(**{**SETTINGS, "max_examples": 60})
@given(data=st.data())
def test_a_crafted_manifest_loads_or_is_a_value_error(model_parts, data):
    """Any JSON value anywhere in a manifest with valid checksums: never a crash."""
    from .test_persistence import _forge

    manifest, model = model_parts
    manifest = json.loads(json.dumps(manifest))
    where = data.draw(st.sampled_from([p for p in _paths(manifest) if p]))
    value = data.draw(JSON)
    parent = manifest
    for k in where[:-1]:
        parent = parent[k]
    parent[where[-1]] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = _forge(Path(tmp) / "m.skmlp", manifest, model)
        try:
            est = load(path)
        except ValueError as exc:
            assert type(exc) is ValueError and str(path) in str(exc)
        else:
            assert est.predict(np.zeros((1, est.n_features_in_))).shape == (
                1,
                est.n_labels_,
            )

"""Loaders on tiny files written here, malformed ones included, and the shared data."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmultilabel_mlp.datasets import load_arff, load_csv, load_dataset, load_npz

from .conftest import SHARED_DATA, shared_dataset

DENSE_ARFF = """% a MULAN-style file
@relation tiny
@attribute f1 numeric
@attribute colour {red,green}
@attribute flag {YES,NO}
@attribute lab_a {0,1}
@attribute lab_b {0,1}
@data
1.5,red,YES,1,0
-2,green,NO,0,1
?,green,YES,1,1
"""

SPARSE_MEKA_ARFF = """@relation 'tiny: -C 2'
@attribute lab_a {0,1}
@attribute lab_b {0,1}
@attribute w1 numeric
@attribute w2 numeric
@attribute w3 numeric
@data
{0 1,2 0.5}
{1 1,4 2}
{3 1}
"""

XML = """<?xml version="1.0" encoding="utf-8"?>
<labels xmlns="http://mulan.sourceforge.net/labels">
<label name="lab_a"></label><label name="lab_b"></label>
</labels>
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_dense_mulan_arff_with_xml(tmp_path):
    data = load_arff(
        _write(tmp_path, "t.arff", DENSE_ARFF), xml=_write(tmp_path, "t.xml", XML)
    )
    assert list(data.label_names) == ["lab_a", "lab_b"]
    assert list(data.feature_names) == ["f1", "colour", "flag"]
    np.testing.assert_array_equal(data.Y, [[1, 0], [0, 1], [1, 1]])
    np.testing.assert_array_equal(data.X[:2], [[1.5, 0, 1], [-2, 1, 0]])  # YES -> 1
    assert np.isnan(data.X[2, 0])  # '?' is missing


def test_n_labels_at_the_end_equals_xml(tmp_path):
    path = _write(tmp_path, "t.arff", DENSE_ARFF)
    np.testing.assert_array_equal(
        load_arff(path, n_labels=2).Y, [[1, 0], [0, 1], [1, 1]]
    )


def test_sparse_meka_arff_gives_csr_and_labels_first(tmp_path):
    data = load_arff(_write(tmp_path, "s.arff", SPARSE_MEKA_ARFF))
    assert sp.issparse(data.X) and data.X.shape == (3, 3)
    np.testing.assert_array_equal(data.X.toarray(), [[0.5, 0, 0], [0, 0, 2], [0, 1, 0]])
    np.testing.assert_array_equal(data.Y, [[1, 0], [0, 1], [0, 0]])


def test_malformed_arff_names_the_file_and_line(tmp_path):
    bad = DENSE_ARFF.replace("-2,green,NO,0,1", "-2,purple,NO,0,1")
    path = _write(tmp_path, "bad.arff", bad)
    with pytest.raises(ValueError, match=r"bad\.arff, line \d+: malformed ARFF"):
        load_arff(path, n_labels=2)


def test_arff_without_label_information_asks_for_it(tmp_path):
    path = _write(tmp_path, "t.arff", DENSE_ARFF)
    with pytest.raises(ValueError, match=r"pass xml= .* or n_labels="):
        load_arff(path)


def test_malformed_xml_names_the_line(tmp_path):
    path = _write(tmp_path, "t.arff", DENSE_ARFF)
    xml = _write(tmp_path, "t.xml", XML.replace("</labels>", "<labels>"))
    with pytest.raises(ValueError, match=r"t\.xml, line \d+: malformed label XML"):
        load_arff(path, xml=xml)


def test_csv_with_label_columns_and_with_a_label_set_column(tmp_path):
    path = _write(tmp_path, "d.csv", "x1,x2,sport,tech\n1,2,1,0\n3,4,0,1\n5,6,1,1\n")
    data = load_csv(path, labels=["sport", "tech"])
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(data.Y, [[1, 0], [0, 1], [1, 1]])
    sets = _write(tmp_path, "s.csv", "x1,tags\n1,sport|tech\n2,\n3,tech\n")
    data = load_csv(sets, label_set_column="tags")
    assert list(data.label_names) == ["sport", "tech"]
    np.testing.assert_array_equal(data.Y, [[1, 1], [0, 0], [0, 1]])


@pytest.mark.parametrize(
    "text, kwargs, match",
    [
        ("x1,a\n1,1\n2,0\n", {"labels": ["b"]}, r"no column\(s\) \['b'\]"),
        ("x1,a\n1,2\n2,0\n", {"labels": ["a"]}, "only 0 and 1"),
        ("x1,a\nfoo,1\nbar,0\n", {"labels": ["a"]}, r"feature column\(s\) \['x1'\]"),
        ('x1,a\n1,1\n"2,0\n', {"labels": ["a"]}, "malformed CSV"),
    ],
)
def test_bad_csv_is_a_clear_error(tmp_path, text, kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_csv(_write(tmp_path, "bad.csv", text), **kwargs)


def test_npz_round_trip_and_corrupt_file(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(
        path,
        X=np.ones((4, 2)),
        Y=np.array([[1, 0]] * 4),
        split=np.array(["train"] * 3 + ["test"]),
        label_names=np.array(["a", "b"]),
    )
    data = load_npz(path)
    assert data.X_train.shape == (3, 2) and data.Y_test.shape == (1, 2)
    assert list(data.label_names) == ["a", "b"]
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"bad\.npz: not a readable \.npz"):
        load_npz(tmp_path / "bad.npz")
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_npz(tmp_path / "absent.npz")


def test_load_dataset_dispatches_on_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"unknown data format '\.xlsx'"):
        load_dataset(tmp_path / "d.xlsx")


@pytest.mark.parametrize("name", ["emotions", "medical", "genbase"])
def test_original_arff_matches_the_converted_npz(name):
    converted = load_npz(shared_dataset(name))
    original = SHARED_DATA / name / "original" / f"{name}-train.arff"
    drop = ["protein"] if name == "genbase" else ()
    data = load_dataset(original, drop=drop)
    X = data.X.toarray() if sp.issparse(data.X) else data.X
    np.testing.assert_allclose(X, converted.X_train)
    np.testing.assert_array_equal(data.Y, converted.Y_train)


def test_unknown_labels_are_nan_in_every_loader(tmp_path):
    """A blank cell, a NaN array entry or an ARFF '?' is an unknown label (NaN)."""
    csv = _write(tmp_path, "d.csv", "x1,sport,tech\n1,1,0\n2,,1\n3,0,1\n")
    np.savez(tmp_path / "d.npz", X=np.ones((3, 1)), Y=[[1, 0], [np.nan, 1], [0, 1]])
    arff = _write(
        tmp_path, "d.arff", DENSE_ARFF.replace("-2,green,NO,0,1", "-2,green,NO,?,1")
    )
    for data in (
        load_csv(csv, labels=["sport", "tech"]),
        load_npz(tmp_path / "d.npz"),
        load_arff(arff, n_labels=2),
    ):
        assert data.Y.dtype == np.float64
        np.testing.assert_array_equal(np.isnan(data.Y), [[0, 0], [1, 0], [0, 0]])
        assert set(data.Y[~np.isnan(data.Y)].tolist()) == {0.0, 1.0}


def test_fully_known_labels_stay_integers(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.ones((2, 1)), Y=np.array([[True], [False]]))
    assert load_npz(tmp_path / "d.npz").Y.dtype == np.int64
    csv = _write(tmp_path, "d.csv", "x1,sport\n1,1\n2,0\n")
    assert load_csv(csv, labels=["sport"]).Y.dtype == np.int64


def _npz_bomb(path, declared_rows, declared_member_bytes=None):
    """A tiny .npz whose X.npy header declares ``declared_rows`` float64 rows and,
    if given, whose zip directory declares ``declared_member_bytes`` inflated."""
    import io
    import struct
    import zipfile

    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        member, {"descr": "<f8", "fortran_order": False, "shape": (declared_rows, 1)}
    )
    member.write(bytes(8 * 1024))  # 1024 rows of zeros
    Y = io.BytesIO()
    np.save(Y, np.zeros((1, 1)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("X.npy", member.getvalue())
        zf.writestr("Y.npy", Y.getvalue())
    if declared_member_bytes is not None:
        data = bytearray(path.read_bytes())
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = data.index(signature) + offset  # X.npy comes first
            data[at : at + 4] = struct.pack("<I", declared_member_bytes)
        path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "rows, member_bytes, match",
    [
        (2**27, 2**30, r"X\.npy declares 1\.0 GiB but stores"),
        (2**27, None, r"X\.npy declares a \(134217728, 1\) float64 array"),
    ],
)
def test_npz_bombs_are_refused_before_they_are_inflated(
    tmp_path, rows, member_bytes, match
):
    """A 1 KiB file claiming a 1 GiB array: refused on the declared sizes alone."""
    import tracemalloc

    path = _npz_bomb(tmp_path / "bomb.npz", rows, member_bytes)
    assert path.stat().st_size < 2**12
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            load_npz(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


def test_load_csv_reads_columns_of_classes_as_outputs(tmp_path):
    from skmultilabel_mlp.datasets import load_csv

    path = tmp_path / "d.csv"
    path.write_text("f0,state,risk\n0.5,stable,1\n1.5,,3\n2.5,alert,0\n")
    data = load_csv(path, outputs=["state", "risk"])
    assert data.Y.dtype == object and data.Y.shape == (3, 2)
    assert data.Y[0, 0] == "stable" and data.Y[1, 0] is None and data.Y[1, 1] == 3
    assert list(data.label_names) == ["state", "risk"]
    assert data.X.shape == (3, 1)
    with pytest.raises(ValueError, match="exactly one of"):
        load_csv(path, labels=["risk"], outputs=["state"])

"""save / load without pickle: exact round trips, tampering refused."""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from skmultilabel_mlp import MultiLabelMLPClassifier, load, save


@pytest.fixture(scope="module")
def saved(multilabel_data, tmp_path_factory):
    X, Y = multilabel_data
    Y = Y.astype(float)
    Y[0, 0] = np.nan
    clf = MultiLabelMLPClassifier(
        (6, 5),
        epochs=3,
        dropout=0.1,
        random_state=0,
        class_weight="balanced",
        threshold=[0.4, 0.5, 0.6, 0.5],
    ).fit(
        pd.DataFrame(X, columns=list("abcdefgh")), pd.DataFrame(Y, columns=list("wxyz"))
    )
    path = tmp_path_factory.mktemp("models") / "clf.skmlp"
    save(clf, path)
    return clf, path, pd.DataFrame(X, columns=list("abcdefgh"))


def test_round_trip_in_a_fresh_process_is_bit_for_bit(saved, tmp_path):
    clf, path, X = saved
    np.save(tmp_path / "X.npy", X.to_numpy())
    code = (
        "import os, sys, numpy as np, pandas as pd\n"
        "os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
        "from skmultilabel_mlp import load\n"
        f"est = load({str(path)!r})\n"
        f"X = pd.DataFrame(np.load({str(tmp_path / 'X.npy')!r}), columns=list('abcdefgh'))\n"
        f"np.save({str(tmp_path / 'proba.npy')!r}, est.predict_proba(X))\n"
        "print(est.predict_labels(X.iloc[:3]))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), clf.predict_proba(X))


def test_loaded_estimator_keeps_names_thresholds_and_weights(saved):
    clf, path, X = saved
    est = load(path)
    assert list(est.label_names_) == list("wxyz")
    assert list(est.feature_names_in_) == list("abcdefgh")
    assert est.threshold == [0.4, 0.5, 0.6, 0.5]
    np.testing.assert_allclose(est.pos_weight_, clf.pos_weight_)
    np.testing.assert_array_equal(est.predict(X), clf.predict(X))
    assert est.history_ == clf.history_


def _rewrite(src, dst, edit_manifest=None, edit_model=None, keep_checksum=True):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "manifest.json" and edit_manifest:
                data = json.dumps(edit_manifest(json.loads(data))).encode()
            if name == "model.keras" and edit_model:
                data = edit_model(data)
            zout.writestr(name, data)


def test_tampered_manifest_is_refused(saved, tmp_path):
    _, path, _ = saved

    def rename(m):
        m["fitted"]["label_names_"][0] = "evil"
        return m

    _rewrite(path, tmp_path / "t.skmlp", edit_manifest=rename)
    with pytest.raises(ValueError, match="checksum mismatch"):
        load(tmp_path / "t.skmlp")


def test_layers_that_do_not_match_the_manifest_are_refused(saved, tmp_path):
    """Even with consistent checksums, a network unlike the manifest is refused."""
    import hashlib

    from skmultilabel_mlp import _persistence

    _, path, _ = saved
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        model = zf.read("model.keras")
    manifest["params"]["hidden_layer_sizes"] = [6]  # the file has (6, 5)
    manifest_bytes = json.dumps(manifest).encode()
    forged = tmp_path / "forged.skmlp"
    with zipfile.ZipFile(forged, "w") as zf:
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("model.keras", model)
        zf.writestr("checksum", _persistence._checksum(manifest_bytes, model))
    assert hashlib.sha256(model).hexdigest() == manifest["model_sha256"]
    with pytest.raises(ValueError, match="layers do not match the manifest"):
        load(forged)


def test_signed_files_need_the_key(multilabel_data, tmp_path):
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(*multilabel_data)
    path = save(clf, tmp_path / "signed.skmlp", key="secret")
    assert load(path, key="secret").n_labels_ == 4
    with pytest.raises(ValueError, match="signature mismatch"):
        load(path, key="wrong")
    with pytest.raises(ValueError, match="a key is needed"):
        load(path)


def test_not_a_model_file_and_unfitted_estimator(tmp_path, multilabel_data):
    (tmp_path / "junk.skmlp").write_bytes(b"junk")
    with pytest.raises(ValueError, match="not a zip archive"):
        load(tmp_path / "junk.skmlp")
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save(MultiLabelMLPClassifier(), tmp_path / "x.skmlp")
    assert not (tmp_path / "x.skmlp").exists()


def test_version_mismatch_warns(saved, tmp_path):
    _, path, _X = saved
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        model = zf.read("model.keras")
    manifest["versions"]["keras"] = "0.0.1"
    from skmultilabel_mlp import _persistence

    manifest_bytes = json.dumps(manifest).encode()
    with zipfile.ZipFile(tmp_path / "old.skmlp", "w") as zf:
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("model.keras", model)
        zf.writestr("checksum", _persistence._checksum(manifest_bytes, model))
    with pytest.warns(UserWarning, match="was saved with"):
        load(tmp_path / "old.skmlp")

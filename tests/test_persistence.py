"""save / load without pickle: exact round trips, tampering refused."""

import json
import re
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


def _forge(path, manifest, model, *, extra=None, key=None):
    """A model file whose checksums (and signature, with ``key``) are consistent."""
    import hashlib

    from skmultilabel_mlp import _persistence

    if isinstance(manifest, dict):
        manifest = {**manifest, "model_sha256": hashlib.sha256(model).hexdigest()}
    if not isinstance(manifest, bytes):
        manifest = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("model.keras", model)
        zf.writestr("checksum", _persistence._checksum(manifest, model))
        if key is not None:
            zf.writestr("signature", _persistence._signature(key, manifest, model))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def _parts(path):
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json")), zf.read("model.keras")


def _zeros_member(zf, name, n_bytes, header=b""):
    """Stream ``n_bytes`` of zeros (after ``header``) into a deflated member."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as f:
        f.write(header)
        chunk = bytes(2**20)
        for _ in range(n_bytes // len(chunk)):
            f.write(chunk)


def _peak_bytes(fn):
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("member", ["manifest.json", "model.keras"])
@pytest.mark.parametrize("key", [None, "secret"])
def test_a_decompression_bomb_is_refused_before_it_is_inflated(
    saved, tmp_path, member, key
):
    """A 64 KiB file declaring a 64 MiB member: refused on its declared size."""
    from skmultilabel_mlp import _persistence

    manifest, model = _parts(saved[1])
    manifest_bytes = json.dumps(manifest).encode()
    path = tmp_path / "bomb.skmlp"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in [("manifest.json", manifest_bytes), ("model.keras", model)]:
            if name == member:
                _zeros_member(zf, name, 64 * 2**20)
            else:
                zf.writestr(name, data)
        zf.writestr("checksum", _persistence._checksum(manifest_bytes, model))
        if key is not None:
            zf.writestr("signature", "0" * 64)
    assert path.stat().st_size < 2**20

    def attempt():
        with pytest.raises(
            ValueError, match=rf"{re.escape(member)}.*declares 64\.0 MiB"
        ):
            load(path, key=key)

    assert _peak_bytes(attempt) < 8 * 2**20


def test_a_bomb_inside_the_network_file_is_refused_before_keras_reads_it(
    saved, tmp_path
):
    import io

    manifest, model = _parts(saved[1])
    inner = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(model)) as zin, zipfile.ZipFile(inner, "w") as zout:
        for name in zin.namelist():
            if name == "model.weights.h5":
                _zeros_member(zout, name, 64 * 2**20)
            else:
                zout.writestr(name, zin.read(name))
    path = _forge(tmp_path / "inner.skmlp", manifest, inner.getvalue())

    def attempt():
        with pytest.raises(ValueError, match=r"model\.weights\.h5.*declares 64\.0 MiB"):
            load(path)

    assert _peak_bytes(attempt) < 8 * 2**20


@pytest.mark.parametrize("key", ["", b"", 123])
def test_an_empty_or_non_text_key_is_refused(saved, tmp_path, key):
    clf, path, _ = saved
    error = TypeError if isinstance(key, int) else ValueError
    with pytest.raises(error, match="key"):
        save(clf, tmp_path / "k.skmlp", key=key)
    assert not (tmp_path / "k.skmlp").exists()
    with pytest.raises(error, match="key"):
        load(path, key=key)


def test_save_refuses_a_fifo_and_leaves_it_in_place(saved, tmp_path):
    import os
    import stat

    fifo = tmp_path / "pipe.skmlp"
    os.mkfifo(fifo)
    link = tmp_path / "link.skmlp"
    link.symlink_to(fifo)
    for target in (fifo, link):
        with pytest.raises(
            ValueError, match=rf"{re.escape(str(target))}.*FIFO.*not a regular file"
        ):
            save(saved[0], target)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.skmlp", "pipe.skmlp"]


def test_save_writes_through_a_symlink(saved, tmp_path):
    real = tmp_path / "models" / "v1.skmlp"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "current.skmlp"
    link.symlink_to(real)
    assert save(saved[0], link) == link
    assert link.is_symlink() and link.resolve() == real
    assert load(link).n_labels_ == 4


def test_saved_files_honour_the_umask_and_keep_an_existing_mode(saved, tmp_path):
    import os

    old = os.umask(0o022)
    try:
        save(saved[0], tmp_path / "new.skmlp")
    finally:
        os.umask(old)
    assert (tmp_path / "new.skmlp").stat().st_mode & 0o777 == 0o644
    (tmp_path / "private.skmlp").write_bytes(b"")
    (tmp_path / "private.skmlp").chmod(0o640)
    save(saved[0], tmp_path / "private.skmlp")
    assert (tmp_path / "private.skmlp").stat().st_mode & 0o777 == 0o640


def test_a_failed_save_names_the_destination_not_a_temporary_file(saved, tmp_path):
    target = tmp_path / "no_such_dir" / "m.skmlp"
    with pytest.raises(OSError) as info:
        save(saved[0], target)
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)
    assert "m.skmlp." not in str(info.value)


def test_a_round_trip_keeps_int_widths_int_keys_and_tuple_label_names(tmp_path):
    X = np.random.RandomState(0).normal(size=(30, 3))
    Y = (X[:, :2] > 0).astype(int)
    for clf, y in [
        (MultiLabelMLPClassifier(5, epochs=1, random_state=0), Y),
        (MultiLabelMLPClassifier(epochs=1, class_weight={0: 2.0}, random_state=0), Y),
        (
            MultiLabelMLPClassifier(epochs=1, random_state=0),
            [[("a", 1)] if a else [("b", 2)] for a in Y[:, 0]],
        ),
    ]:
        clf.fit(X, y)
        est = load(save(clf, tmp_path / "m.skmlp"))
        assert est.get_params() == clf.get_params()
        assert est.label_names_.shape == clf.label_names_.shape
        assert list(est.label_names_) == list(clf.label_names_)
        np.testing.assert_array_equal(est.predict(X), clf.predict(X))


def _crafted(saved, tmp_path, edit):
    manifest, model = _parts(saved[1])
    return _forge(tmp_path / "crafted.skmlp", edit(manifest), model)


def _set(where, key, value):
    def edit(m):
        (m if where is None else m[where])[key] = value
        return m

    return edit


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda m: [m], "manifest must be a JSON object"),
        (lambda m: {k: v for k, v in m.items() if k != "params"}, "'params'"),
        (lambda m: {k: v for k, v in m.items() if k != "versions"}, "'versions'"),
        (_set(None, "fitted", []), "'fitted'"),
        (_set("fitted", "n_labels_", "four"), "n_labels_"),
        (_set("fitted", "label_names_", ["a"]), "label_names_"),
        (_set("params", "bogus", 1), "bogus"),
        (_set("params", "epochs", "many"), "epochs"),
        (_set("params", "hidden_layer_sizes", "wide"), "hidden_layer_sizes"),
        (
            lambda m: _set("fitted", "feature_names_in_", list("abcdefghi"))(
                _set("fitted", "n_features_in_", 9)(m)
            ),
            "layers do not match",
        ),
        (_set("fitted", "history_", 3), "history_"),
        (_set(None, "standard_scaler", {"mean_": 1}), "standard_scaler"),
    ],
)
def test_a_crafted_manifest_is_a_value_error(saved, tmp_path, edit, match):
    path = _crafted(saved, tmp_path, edit)
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    assert type(info.value) is ValueError and str(path) in str(info.value)


@pytest.mark.parametrize(
    "manifest, checksum",
    [
        (b"[" * 100_000 + b"]" * 100_000, None),  # RecursionError in json
        (b"\xff\xfe{", None),
        (b'{"format": "skmultilabel-mlp/1"}', b"\xff" * 64),
    ],
)
def test_undecodable_parts_are_a_value_error(saved, tmp_path, manifest, checksum):
    from skmultilabel_mlp import _persistence

    _, model = _parts(saved[1])
    path = tmp_path / "bad.skmlp"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("model.keras", model)
        zf.writestr(
            "checksum", checksum or _persistence._checksum(manifest, model).encode()
        )
    with pytest.raises(ValueError, match=re.escape(str(path))) as info:
        load(path)
    assert type(info.value) is ValueError


def test_a_network_file_keras_cannot_read_is_a_value_error(saved, tmp_path):
    manifest, _ = _parts(saved[1])
    path = _forge(tmp_path / "net.skmlp", manifest, b"PK\x05\x06" + bytes(18))
    with pytest.raises(ValueError, match="network file") as info:
        load(path)
    assert type(info.value) is ValueError


def test_a_crafted_class_weight_key_is_a_value_error(saved, tmp_path):
    weights = {"__items__": [[{"a": 1}, 2.0]]}  # an object as a key: unhashable
    path = _crafted(saved, tmp_path, _set("params", "class_weight", weights))
    with pytest.raises(ValueError, match="__items__ keys") as info:
        load(path)
    assert type(info.value) is ValueError and str(path) in str(info.value)


@pytest.mark.parametrize("sparse_x", [False, True])
def test_a_max_abs_scaler_pipeline_round_trips(multilabel_data, tmp_path, sparse_x):
    import scipy.sparse as sp
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler

    X, Y = multilabel_data
    X = X.astype(np.float32)  # the scaler's statistics keep this dtype
    X = sp.csr_matrix(X) if sparse_x else X
    model = make_pipeline(
        MaxAbsScaler(), MultiLabelMLPClassifier(epochs=1, random_state=0)
    ).fit(X, Y)
    est = load(save(model, tmp_path / "m.skmlp"))
    assert isinstance(est[0], MaxAbsScaler) and est[0].scale_.dtype == np.float32
    np.testing.assert_array_equal(est[0].scale_, model[0].scale_)
    np.testing.assert_array_equal(est.predict_proba(X), model.predict_proba(X))
    assert _parts(tmp_path / "m.skmlp")[0]["format"] == "skmultilabel-mlp/2"


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: {**s, "scale_": [0.0] * len(s["scale_"])},  # divides by zero
        lambda s: {**s, "max_abs_": [-1.0] * len(s["max_abs_"])},
        lambda s: {**s, "dtype": "object"},
        lambda s: {**s, "n_samples_seen_": "many"},
        lambda s: {**s, "clip": "yes"},
    ],
)
def test_a_crafted_max_abs_scaler_is_a_value_error(multilabel_data, tmp_path, edit):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler

    model = make_pipeline(
        MaxAbsScaler(), MultiLabelMLPClassifier(epochs=1, random_state=0)
    ).fit(*multilabel_data)
    manifest, net = _parts(save(model, tmp_path / "m.skmlp"))
    manifest["max_abs_scaler"] = edit(manifest["max_abs_scaler"])
    path = _forge(tmp_path / "crafted.skmlp", manifest, net)
    with pytest.raises(ValueError, match="'max_abs_scaler'") as info:
        load(path)
    assert type(info.value) is ValueError and str(path) in str(info.value)


def test_a_standard_scaler_pipeline_keeps_the_first_format(multilabel_data, tmp_path):
    """Files that versions reading only format 1 can load are still written as 1."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(), MultiLabelMLPClassifier(epochs=1, random_state=0)
    ).fit(*multilabel_data)
    manifest, _ = _parts(save(model, tmp_path / "m.skmlp"))
    assert manifest["format"] == "skmultilabel-mlp/1"
    assert "max_abs_scaler" not in manifest and "classifier_cv" not in manifest


# MultiLabelMLPClassifierCV: tiny searches (two candidates, two folds, 3 epochs)
# one network (the seed ensemble's own file is tested on its own, below)
CV_SMALL = dict(
    hidden_layer_sizes=[(8,)],
    dropouts=[0.0],
    alphas=[0.0, 1e-3],
    epochs=3,
    cv=2,
    ensemble="none",
)
CV_ATTRIBUTES = (
    "best_params_",
    "best_index_",
    "best_score_",
    "threshold_rule_",
    "threshold_scores_",
    "threshold_hamming_losses_",
    "classes_",
    "label_names_",
    "n_labels_",
    "n_features_in_",
)


def _same_params(loaded, saved):
    """Equal parameters, the candidate sequences compared as tuples."""
    a, b = loaded.get_params(), saved.get_params()
    assert tuple(map(tuple, b.pop("hidden_layer_sizes"))) == a.pop("hidden_layer_sizes")
    for name in ("dropouts", "alphas", "learning_rates", "losses"):
        if name in b:
            assert a.pop(name) == tuple(b.pop(name))
    assert repr(a.pop("cv")) == repr(b.pop("cv"))
    assert a == b


def _same_cv_estimator(loaded, saved, X):
    from skmultilabel_mlp import MultiLabelMLPClassifierCV

    assert type(loaded) is MultiLabelMLPClassifierCV
    _same_params(loaded, saved)
    for name in CV_ATTRIBUTES:
        np.testing.assert_array_equal(getattr(loaded, name), getattr(saved, name))
    assert list(loaded.threshold_scores_) == list(saved.threshold_scores_)
    for rule, t in saved.rule_thresholds_.items():
        np.testing.assert_array_equal(loaded.rule_thresholds_[rule], t)
    np.testing.assert_array_equal(loaded.thresholds_, saved.thresholds_)
    assert not hasattr(loaded, "cv_results_")  # the search is not saved
    np.testing.assert_array_equal(loaded.predict_proba(X), saved.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), saved.predict(X))


@pytest.fixture(scope="module")
def saved_cv(multilabel_data, tmp_path_factory):
    """A dense CV estimator on a DataFrame and its file (read-only: never refit)."""
    from skmultilabel_mlp import MultiLabelMLPClassifierCV

    X, Y = multilabel_data
    X = pd.DataFrame(X, columns=list("abcdefgh"))
    clf = MultiLabelMLPClassifierCV(**CV_SMALL, class_weight="balanced").fit(X, Y)
    path = save(clf, tmp_path_factory.mktemp("cv") / "cv.skmlp")
    return clf, path, X


def test_a_cv_estimator_round_trips(saved_cv):
    from sklearn.base import clone
    from sklearn.preprocessing import StandardScaler

    clf, path, X = saved_cv
    est = load(path)
    _same_cv_estimator(est, clf, X)
    assert isinstance(est.best_estimator_[0], StandardScaler)
    assert list(est.best_estimator_.feature_names_in_) == list("abcdefgh")
    assert clone(est).get_params() == est.get_params()
    assert est.estimators_ == [est.best_estimator_]


def test_a_fold_ensemble_is_refused_by_save_and_its_members_save(
    multilabel_data, tmp_path
):
    from skmultilabel_mlp import MultiLabelMLPClassifierCV

    X, Y = multilabel_data
    clf = MultiLabelMLPClassifierCV(**{**CV_SMALL, "ensemble": "folds"}).fit(X, Y)
    with pytest.raises(ValueError, match=r"ensemble of 2 fold networks.*estimators_"):
        save(clf, tmp_path / "cv.skmlp")
    assert not (tmp_path / "cv.skmlp").exists()
    member = load(save(clf.estimators_[1], tmp_path / "member.skmlp"))
    np.testing.assert_array_equal(
        member.predict_proba(X), clf.estimators_[1].predict_proba(X)
    )


def test_a_sparse_cv_estimator_round_trips_signed_and_refits(multilabel_data, tmp_path):
    import scipy.sparse as sp
    from sklearn.base import clone
    from sklearn.preprocessing import MaxAbsScaler

    from skmultilabel_mlp import MultiLabelMLPClassifierCV
    from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

    X, Y = multilabel_data
    X = sp.csr_matrix(X.astype(np.float32))
    folds = MultilabelStratifiedKFold(2, shuffle=True, random_state=0)
    clf = MultiLabelMLPClassifierCV(**{**CV_SMALL, "cv": folds}).fit(X, Y)
    path = save(clf, tmp_path / "cv.skmlp", key="secret")
    est = load(path, key="secret")
    _same_cv_estimator(est, clf, X)
    assert isinstance(est.best_estimator_[0], MaxAbsScaler)
    with pytest.raises(ValueError, match="signature mismatch"):
        load(path, key="wrong")
    with pytest.raises(ValueError, match="a key is needed"):
        load(path)
    # the loaded parameters refit the same model (one seed, one result)
    again = clone(est).fit(X, Y)
    assert again.best_params_ == clf.best_params_
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X), atol=1e-6)


def test_a_cv_estimator_of_a_one_d_y_and_a_loss_object_round_trips(
    multilabel_data, tmp_path
):
    from skmultilabel_mlp import FocalLoss, MultiLabelMLPClassifierCV

    X, Y = multilabel_data
    small = {**CV_SMALL, "alphas": [0.0], "losses": [FocalLoss(gamma=1.0)]}
    clf = MultiLabelMLPClassifierCV(**small).fit(X, Y[:, 0])
    est = load(save(clf, tmp_path / "cv.skmlp"))
    _same_cv_estimator(est, clf, X)
    assert est.best_params_["loss"] == FocalLoss(gamma=1.0)
    assert est.predict(X).shape == (60,) and est.thresholds_.shape == (1,)


def test_a_cv_it_cannot_save_is_named_and_loads_as_the_default(saved_cv, tmp_path):
    import copy

    clf, _, X = saved_cv
    splits = [(np.arange(30), np.arange(30, 60)), (np.arange(30, 60), np.arange(30))]
    clf = copy.copy(clf).set_params(cv=splits)  # the fitted state is shared
    with pytest.warns(UserWarning, match="is not saved"):
        path = save(clf, tmp_path / "cv.skmlp")
    assert _parts(path)[0]["classifier_cv"]["cv_repr"] == repr(splits)
    est = load(path)
    assert est.get_params()["cv"] == 5
    np.testing.assert_array_equal(est.predict_proba(X), clf.predict_proba(X))


def _cv_edit(part, key, value):
    def edit(m):
        m["classifier_cv"][part][key] = value
        return m

    return edit


def _cv_fitted(fn):
    def edit(m):
        fn(m["classifier_cv"]["fitted"])
        return m

    return edit


@pytest.mark.parametrize(
    "edit, match",
    [
        (_cv_edit("params", "scoring", "roc_auc"), "'scoring'"),
        (_cv_edit("params", "scoring", ["f1_micro"]), "'scoring'"),
        (_cv_edit("params", "cv", {"__splitter__": ["KFold"], "args": {}}), "'cv'"),
        (_cv_edit("fitted", "threshold_rule_", ["none"]), "threshold_rule_"),
        (_cv_edit("params", "hidden_layer_sizes", "wide"), "'hidden_layer_sizes'"),
        (_cv_edit("params", "hidden_layer_sizes", [[0]]), "'hidden_layer_sizes'"),
        (_cv_edit("params", "alphas", []), "'alphas'"),
        (_cv_edit("params", "epochs", 0), "epochs"),
        (_cv_edit("params", "bogus", 1), "bogus"),
        (_cv_edit("params", "ensemble", "folds"), "'ensemble'"),
        (_cv_edit("params", "max_hamming_increase", -1), "'max_hamming_increase'"),
        (_cv_edit("params", "n_seeds", 0), "'n_seeds'"),
        (_cv_edit("params", "n_seeds", True), "'n_seeds'"),
        (_cv_edit("params", "max_hamming_increase", "0"), "'max_hamming_increase'"),
        (_cv_edit("params", "cv", {"__splitter__": "os.system", "args": {}}), "'cv'"),
        (
            _cv_edit(
                "params", "cv", {"__splitter__": "KFold", "args": {"n_splits": 1}}
            ),
            "'cv'",
        ),
        (_cv_fitted(lambda f: f.update(best_index_=1 - f["best_index_"])), "index"),
        (_cv_edit("fitted", "best_index_", 7), "best_index_"),
        (_cv_edit("fitted", "best_score_", 2.0), "best_score_"),
        (_cv_edit("fitted", "threshold_rule_", "evil"), "threshold_rule_"),
        (_cv_edit("fitted", "thresholds_", [0.5]), "thresholds_"),
        (_cv_edit("fitted", "thresholds_", [0.1, 0.2, 0.3, 1.5]), "thresholds_"),
        (_cv_edit("fitted", "bogus_", 1), "bogus_"),
        (_cv_edit("fitted", "feature_names_in_", list("abcdefgz")), "feature_names"),
        (_cv_fitted(lambda f: f["best_params_"].update(alpha=0.5)), "best_"),
        (_cv_fitted(lambda f: f["threshold_scores_"].update(none="high")), "scores_"),
        (_cv_fitted(lambda f: f["rule_thresholds_"].pop("none")), "rule_thresholds_"),
        (
            _cv_fitted(lambda f: f["threshold_hamming_losses_"].update(none=2.0)),
            "threshold_hamming_losses_",
        ),
        (_cv_fitted(lambda f: f.pop("best_params_")), "best_params_"),
        (_set(None, "classifier_cv", []), "classifier_cv"),
        (_set(None, "format", "skmultilabel-mlp/1"), "skmultilabel-mlp/1"),
        (_set(None, "max_abs_scaler", {}), "two scalers"),
    ],
)
def test_a_crafted_cv_section_is_a_value_error(saved_cv, tmp_path, edit, match):
    _, path, _ = saved_cv
    manifest, model = _parts(path)
    crafted = _forge(tmp_path / "crafted.skmlp", edit(manifest), model)
    with pytest.raises(ValueError, match=match) as info:
        load(crafted)
    assert type(info.value) is ValueError and str(crafted) in str(info.value)


@pytest.fixture(scope="module")
def saved_seeds(multilabel_data, tmp_path_factory):
    """A CV estimator averaging 3 seeds, and its signed file (read-only)."""
    from skmultilabel_mlp import MultiLabelMLPClassifierCV

    X, Y = multilabel_data
    clf = MultiLabelMLPClassifierCV(**{**CV_SMALL, "ensemble": "seeds"}, n_seeds=3)
    clf.fit(X, Y)
    path = save(clf, tmp_path_factory.mktemp("seeds") / "seeds.skmlp", key="k")
    return clf, path, X


def test_a_seed_ensemble_round_trips(saved_seeds):
    clf, path, X = saved_seeds
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    assert {"seed_member_1.keras", "seed_member_2.keras"} <= names
    est = load(path, key="k")
    _same_cv_estimator(est, clf, X)
    assert len(est.estimators_) == 3 and est.estimators_[0] is est.best_estimator_
    for ours, theirs in zip(est.estimators_, clf.estimators_):
        assert ours[-1].random_state == theirs[-1].random_state
        np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    with pytest.raises(ValueError, match="signature mismatch"):
        load(path, key="wrong")


def _seed_entries(fn):
    def edit(m):
        fn(m["seed_members"])
        return m

    return edit


@pytest.mark.parametrize(
    "edit, drop, match",
    [
        (_seed_entries(lambda e: e.pop()), None, "'seed_members'"),
        (_seed_entries(lambda e: e[0].update(random_state=7)), None, "seed member 1"),
        (_seed_entries(lambda e: e[1].update(model_sha256="0" * 64)), None, "hash"),
        (None, "seed_member_2.keras", "seed member 2"),
        (_cv_edit("params", "n_seeds", 2), None, "'seed_members'"),
        (_cv_edit("params", "ensemble", "none"), None, "'seed_members'"),
        (lambda m: (m.pop("seed_members"), m)[1], None, "'seed_members'"),
        (
            _seed_entries(lambda e: e[0]["fitted"].update(n_labels_=9)),
            None,
            "seed member 1|label_names_|layers",
        ),
    ],
)
def test_a_crafted_seed_ensemble_is_a_value_error(
    saved_seeds, tmp_path, edit, drop, match
):
    """Consistent checksums and signature, yet a member list, seed, hash or part
    that is not what fit gives: refused, naming the file."""
    _, path, _ = saved_seeds
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        model = zf.read("model.keras")
        extra = {n: zf.read(n) for n in zf.namelist() if n.startswith("seed_member_")}
    if drop is not None:
        extra.pop(drop)
    manifest = edit(manifest) if edit is not None else manifest
    crafted = _forge(tmp_path / "crafted.skmlp", manifest, model, extra=extra, key="k")
    with pytest.raises(ValueError, match=match) as info:
        load(crafted, key="k")
    assert type(info.value) is ValueError and str(crafted) in str(info.value)

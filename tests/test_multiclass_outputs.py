"""Outputs with their own classes: multiclass and multiclass-multioutput targets."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn import model_selection as skms
from sklearn.datasets import make_classification

from skmultilabel_mlp import MultiLabelMLPClassifier, _multiclass
from skmultilabel_mlp.model_selection import GridSearchCV, cross_validate

NET = {"hidden_layer_sizes": (16,), "epochs": 15, "random_state": 0}
STATES = np.array(["alert", "emergency", "stable"])


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        160, 8, n_informative=6, n_classes=3, n_clusters_per_class=1, random_state=0
    )
    risk = np.digitize(X[:, 1], [-1, 0, 1])  # 4 classes
    flag = (X[:, 0] > 0).astype(int)  # 2 classes
    return X.astype(np.float32), y, risk, flag


def test_one_d_multiclass_y_is_one_softmax_output(data):
    X, y, _, _ = data
    clf = MultiLabelMLPClassifier(**NET).fit(X, STATES[y])
    np.testing.assert_array_equal(clf.classes_, STATES)
    assert clf.n_outputs_ == 1 and clf._spec_.heads == (3,)
    proba = clf.predict_proba(X)
    assert proba.shape == (160, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    pred = clf.predict(X)
    assert pred.shape == (160,)
    np.testing.assert_array_equal(pred, STATES[proba.argmax(axis=1)])
    assert clf.score(X, STATES[y]) == np.mean(pred == STATES[y])
    log = clf.predict_log_proba(X)
    np.testing.assert_allclose(np.exp(log), proba, rtol=1e-6)


def test_multiclass_multioutput_follows_sklearns_multioutput_convention(data):
    X, y, risk, flag = data
    Y = np.empty((160, 3), dtype=object)
    Y[:, 0], Y[:, 1], Y[:, 2] = STATES[y], risk, flag
    clf = MultiLabelMLPClassifier(**NET).fit(X, Y)
    assert clf._spec_.heads == (3, 4, 1) and clf.n_outputs_ == 3
    assert [c.tolist() for c in clf.classes_] == [STATES.tolist(), [0, 1, 2, 3], [0, 1]]
    probas = clf.predict_proba(X)
    assert [p.shape for p in probas] == [(160, 3), (160, 4), (160, 2)]
    for p in probas:
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    pred = clf.predict(X)
    assert pred.shape == (160, 3) and pred.dtype == object
    for j, p in enumerate(probas):
        np.testing.assert_array_equal(pred[:, j], clf.classes_[j][p.argmax(axis=1)])
    exact = np.mean(np.all(pred == Y, axis=1))
    assert clf.score(X, Y) == pytest.approx(exact)
    assert len(clf.predict_log_proba(X)) == 3


def test_a_dataframe_names_outputs_and_takes_categoricals_bools_and_unknowns(data):
    X, y, risk, flag = data
    df = pd.DataFrame(
        {
            "state": pd.Categorical(STATES[y]),
            "flag": flag.astype(bool),
            "risk": pd.array(risk, dtype="Int64"),
        }
    )
    df.loc[3, "state"] = None
    df.loc[5, "risk"] = pd.NA
    clf = MultiLabelMLPClassifier(**NET).fit(X, df)
    np.testing.assert_array_equal(clf.label_names_, ["state", "flag", "risk"])
    assert clf.classes_[1].tolist() == [False, True]
    targets = _multiclass.encode(df)
    assert np.isnan(targets.Y[3, :3]).all() and not np.isnan(targets.Y[3, 3:]).any()
    assert np.isnan(targets.Y[5, 4:]).all()
    # a score leaves the unknown entries out and matches columns by name
    assert 0 <= clf.score(X, df[["risk", "state", "flag"]]) <= 1


def test_a_two_dimensional_01_matrix_stays_multilabel(data):
    X, y, _, flag = data
    Y = np.column_stack([flag, y == 1])
    clf = MultiLabelMLPClassifier(**NET).fit(X, Y)
    assert clf.classes_.shape == (2, 2) and clf._spec_.heads == ()
    assert not hasattr(clf, "n_outputs_")


def _reference_loss(z, y, heads):
    """NumPy: the mean over known outputs' cross-entropies of one row."""
    total, at = 0.0, 0
    for width in heads:
        zb, yb = z[at : at + width], y[at : at + width]
        if not np.isnan(yb).any():
            if width == 1:
                p = 1 / (1 + np.exp(-zb[0]))
                total -= yb[0] * np.log(p) + (1 - yb[0]) * np.log(1 - p)
            else:
                log_p = zb - np.log(np.exp(zb).sum())
                total -= (yb * log_p).sum()
        at += width
    return total / len(heads)


def test_the_compiled_loss_is_the_reference_and_ignores_unknown_outputs():
    import keras

    from skmultilabel_mlp._engine import _loop, _losses

    heads = (3, 1, 2)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(1, 4, 6)).astype(np.float32)
    y = np.array(
        [
            [1, 0, 0, 1, 0, 1],
            [0, 0, 1, 0, 1, 0],
            [np.nan, np.nan, np.nan, 1, 0, 1],
            [0, 1, 0, np.nan, np.nan, np.nan],
        ],
        np.float32,
    )[None]
    program = _loop.Program(
        activation="relu", optimizer="adam", batch_size=4, epochs=1, n_hidden=1,
        dropout=False, alpha=False, early_stopping=False, padded_units=False,
        sparse_x=False, single=True, masked=True, weighted=False,
        pos_weighted=False, heads=heads,
    )  # fmt: skip
    known = ~np.isnan(y)

    def loss(z):
        rows = _losses.head_losses(z, np.nan_to_num(y), known, {}, program)
        return keras.ops.convert_to_numpy(rows)[0]

    expected = [_reference_loss(z[0, i], y[0, i], heads) for i in range(4)]
    np.testing.assert_allclose(loss(z), expected, rtol=1e-5)
    # the logits of an unknown output do not reach the loss: no gradient there
    moved = z.copy()
    moved[0, 2, :3] += 5.0
    moved[0, 3, 3:] -= 5.0
    np.testing.assert_array_equal(loss(moved), loss(z))


def test_the_keras_loss_of_model_is_the_compiled_one():
    from skmultilabel_mlp._engine import _forward, _network

    heads = (3, 1)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 4))
    y = np.array([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, np.nan], [1, 0, 0, 0]] * 2)[:5]
    y[4, :3] = np.nan
    loss = _network.MaskedHeadsCrossentropy(heads, reduction=None)
    got = np.asarray(loss(y.astype(np.float32), _forward.head_probabilities(z, heads)))
    expected = [_reference_loss(z[i], y[i], heads) for i in range(5)]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_stacked_cross_validation_is_the_solo_fit_of_each_fold(data, early_stopping):
    X, y, risk, flag = data
    Y = np.column_stack([y, risk, flag])
    est = MultiLabelMLPClassifier(**NET, early_stopping=early_stopping, dropout=0.1)
    cv = skms.KFold(4, shuffle=True, random_state=0)
    kw = {"return_estimator": True, "return_indices": True}
    stacked = cross_validate(est, X, Y, cv=cv, **kw)
    solo = skms.cross_validate(est, X, Y, cv=cv, **kw)
    np.testing.assert_array_equal(stacked["test_score"], solo["test_score"])
    for test, a, b in zip(
        stacked["indices"]["test"], stacked["estimator"], solo["estimator"]
    ):
        for p, q in zip(a.predict_proba(X[test]), b.predict_proba(X[test])):
            np.testing.assert_allclose(p, q, atol=1e-5)


def test_grid_search_equals_sklearns_on_a_multiclass_target(data):
    X, y, _, _ = data
    grid = {"hidden_layer_sizes": [(8,), (16,)]}
    est = MultiLabelMLPClassifier(epochs=10, random_state=0)
    ours = GridSearchCV(est, grid, cv=3).fit(X, STATES[y])
    theirs = skms.GridSearchCV(est, grid, cv=3).fit(X, STATES[y])
    np.testing.assert_array_equal(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
    assert ours.best_params_ == theirs.best_params_


def test_class_weight_per_output(data):
    X, y, _, flag = data
    Y = np.column_stack([y, flag])
    clf = MultiLabelMLPClassifier(**NET, class_weight="balanced").fit(X, Y)
    counts = np.bincount(y, minlength=3)
    pos = flag.sum()
    expected = [*(160 / (3 * counts)), (160 - pos) / pos]
    np.testing.assert_allclose(clf.pos_weight_, expected, rtol=1e-6)
    given = [{0: 2.0, 2: 0.5}, {0: 2.0, 1: 3.0}]
    clf = MultiLabelMLPClassifier(**NET, class_weight=given).fit(X, Y)
    np.testing.assert_allclose(clf.pos_weight_, [2.0, 1.0, 0.5, 1.5])
    with pytest.raises(ValueError, match="one dict per output"):
        MultiLabelMLPClassifier(**NET, class_weight=given[:1]).fit(X, Y)
    with pytest.raises(ValueError, match=r"class_weight\[0\] names classes \[7\]"):
        MultiLabelMLPClassifier(**NET, class_weight=[{7: 1.0}, {}]).fit(X, Y)


def test_weights_change_the_model_only_through_the_weighted_class(data):
    """Weighting a class of one output changes that training; unit weights do not."""
    X, y, _, flag = data
    Y = np.column_stack([y, flag])
    plain = MultiLabelMLPClassifier(**NET).fit(X, Y).predict_proba(X)
    ones = MultiLabelMLPClassifier(**NET, class_weight=[{}, {}]).fit(X, Y)
    heavy = MultiLabelMLPClassifier(**NET, class_weight=[{1: 5.0}, {}]).fit(X, Y)
    for p, q in zip(plain, ones.predict_proba(X)):
        np.testing.assert_allclose(p, q, atol=1e-6)
    assert heavy.predict_proba(X)[0][:, 1].mean() > plain[0][:, 1].mean()


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda y: np.array([1, "a", 2.5] * 53 + [1], dtype=object),
            TypeError,
            "mixes",
        ),
        (lambda y: np.column_stack([y + 0.5, y]), ValueError, "non-integer"),
        (
            lambda y: np.column_stack([y, np.full(160, None, dtype=object)]),
            ValueError,
            "output 1 has no known class",
        ),
    ],
)
def test_bad_outputs_are_refused_by_name(data, make, error, match):
    X, y, _, _ = data
    with pytest.raises(error, match=match):
        MultiLabelMLPClassifier(**NET).fit(X, make(y))


def test_what_does_not_apply_says_so(data):
    X, y, _, _ = data
    with pytest.raises(ValueError, match="threshold"):
        MultiLabelMLPClassifier(**NET, threshold=0.3).fit(X, y)
    clf = MultiLabelMLPClassifier(**NET).fit(X, y)
    with pytest.raises(ValueError, match="use predict"):
        clf.predict_labels(X)
    # a true class the model never saw is a wrong prediction, not an error
    unseen = np.where(y == 2, 9, y)
    assert clf.score(X, unseen) == np.mean(clf.predict(X) == unseen)
    assert clf.score(X, unseen) < clf.score(X, y)


def test_model_is_a_keras_network_with_one_softmax_per_output(data):
    X, y, risk, _ = data
    clf = MultiLabelMLPClassifier(**NET).fit(X, np.column_stack([y, risk]))
    keras_proba = clf.model_.predict(X, verbose=0)
    np.testing.assert_allclose(keras_proba[:, :3], clf.predict_proba(X)[0], atol=1e-5)
    np.testing.assert_allclose(keras_proba[:, 3:], clf.predict_proba(X)[1], atol=1e-5)
    spec = dataclasses.replace(clf._spec_)
    assert spec.heads == (3, 4)


def test_warm_start_continues_the_same_outputs_only(data):
    X, y, risk, _ = data
    clf = MultiLabelMLPClassifier(**NET, warm_start=True).fit(X, y)
    clf.fit(X, y)
    assert len(clf.history_["loss"]) == NET["epochs"]
    with pytest.raises(ValueError, match="warm_start"):
        clf.fit(X, risk)


@pytest.mark.parametrize("one_d", [True, False])
def test_save_and_load_round_trip_every_class_dtype(data, tmp_path, one_d):
    from skmultilabel_mlp import load, save

    X, y, risk, flag = data
    if one_d:
        y_fit = STATES[y]
    else:
        y_fit = pd.DataFrame(
            {"state": STATES[y], "risk": risk, "flag": flag.astype(bool)}
        )
    clf = MultiLabelMLPClassifier(**NET, class_weight="balanced").fit(X, y_fit)
    back = load(save(clf, tmp_path / "m.zip"))
    if one_d:
        np.testing.assert_array_equal(back.classes_, clf.classes_)
        np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    else:
        for a, b in zip(back.classes_, clf.classes_):
            np.testing.assert_array_equal(a, b)
            assert a.dtype.kind == b.dtype.kind
        for p, q in zip(back.predict_proba(X), clf.predict_proba(X)):
            np.testing.assert_allclose(p, q, atol=1e-6)
    np.testing.assert_array_equal(back.predict(X), clf.predict(X))
    assert back.score(X, y_fit) == clf.score(X, y_fit)


@pytest.mark.parametrize(
    "tamper, match",
    [
        (lambda f: f.update(heads_=[4, 3]), "outputs_"),
        (lambda f: f["outputs_"].__setitem__(0, [2, 0, 1]), "outputs_"),
        (lambda f: f["outputs_"].__setitem__(0, [0, "a", "b"]), "outputs_"),
        (lambda f: f.update(constant_labels_=[[0, 1]]), "constant_labels_"),
    ],
)
def test_a_tampered_head_layout_is_refused(data, tmp_path, tamper, match):
    """Re-checksummed as a forger would: the manifest's checks must refuse it."""
    import hashlib
    import json
    import zipfile

    from skmultilabel_mlp import load, save

    X, y, risk, _ = data
    clf = MultiLabelMLPClassifier(**NET).fit(X, np.column_stack([y, risk]))
    path = save(clf, tmp_path / "m.zip")
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(parts["manifest.json"])
    tamper(manifest["fitted"])
    parts["manifest.json"] = json.dumps(manifest).encode()
    parts["checksum"] = (
        hashlib.sha256(parts["manifest.json"] + b"\0" + parts["model.keras"])
        .hexdigest()
        .encode()
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data_ in parts.items():
            zf.writestr(name, data_)
    with pytest.raises(ValueError, match=match):
        load(path)


def test_partial_fit_epochs_are_one_fit_and_classes_are_fixed_first(data):
    X, y, risk, _ = data
    Y = np.column_stack([y, risk])
    net = {**NET, "epochs": 3}
    fitted = MultiLabelMLPClassifier(**net).fit(X, Y)
    clf = MultiLabelMLPClassifier(**net)
    for _ in range(3):
        clf.partial_fit(X, Y)
    for p, q in zip(clf.predict_proba(X), fitted.predict_proba(X)):
        np.testing.assert_allclose(p, q, atol=1e-6)
    # a first chunk without every class: classes= names them all
    first = y < 2
    clf = MultiLabelMLPClassifier(**net).partial_fit(
        X[first], y[first], classes=[0, 1, 2]
    )
    clf.partial_fit(X, y)
    assert clf.predict_proba(X).shape == (160, 3)
    with pytest.raises(ValueError, match="does not know"):
        clf.partial_fit(X, np.where(y == 2, 5, y))
    with pytest.raises(ValueError, match="fixed by the first call"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_threshold_tuning_refuses_outputs_with_their_own_classes(data):
    from skmultilabel_mlp.thresholds import TunedThresholdMultiLabelClassifier

    X, y, _, _ = data
    tuned = TunedThresholdMultiLabelClassifier(MultiLabelMLPClassifier(**NET))
    with pytest.raises(ValueError, match="thresholds apply to labels"):
        tuned.fit(X, y)


def test_sklearn_wrappers_take_a_one_d_multiclass_y(data):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.multioutput import MultiOutputClassifier

    X, y, risk, _ = data
    calibrated = CalibratedClassifierCV(MultiLabelMLPClassifier(**NET), cv=3)
    proba = calibrated.fit(X, STATES[y]).predict_proba(X)
    assert proba.shape == (160, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    multi = MultiOutputClassifier(MultiLabelMLPClassifier(**NET))
    multi.fit(X, np.column_stack([y, risk]))
    assert [p.shape for p in multi.predict_proba(X)] == [(160, 3), (160, 4)]


def test_keras_callbacks_train_the_same_heads_through_keras(data):
    import keras

    X, y, risk, flag = data
    Y = np.column_stack([STATES[y], risk, flag]).astype(object)
    Y[2, 0] = None
    seen = []
    callback = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: seen.append(e)
    )
    clf = MultiLabelMLPClassifier(**NET, callbacks=[callback], early_stopping=True)
    clf.fit(X, Y)
    assert seen and len(clf.history_["val_loss"]) == len(seen)
    probas = clf.predict_proba(X)
    assert [p.shape for p in probas] == [(160, 3), (160, 4), (160, 2)]
    for p in probas:
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    # the loss Keras trained on is the mean over outputs of -log P(true class),
    # an unknown class adding nothing
    targets = _multiclass.encode(Y)
    keras_loss = clf.model_.evaluate(X, targets.Y, batch_size=160, verbose=0)
    true = []
    for j, (p, classes) in enumerate(zip(probas, clf.classes_, strict=True)):
        known = np.array([v is not None for v in Y[:, j]])
        index = np.searchsorted(classes, Y[known, j].astype(classes.dtype))
        row = np.zeros(160)
        row[known] = -np.log(p[np.flatnonzero(known), index])
        true.append(row)
    np.testing.assert_allclose(keras_loss, np.mean(true), rtol=1e-4)


def test_early_stopping_holds_out_a_share_of_every_joint_class():
    from skmultilabel_mlp._holdout import class_holdout

    rng = np.random.RandomState(0)
    codes = np.column_stack([np.repeat([0, 1, 2], 40), np.tile([0, 1], 60)])
    train, val = class_holdout(codes, 0.25, random_state=0)
    assert len(val) == 30 and len(np.intersect1d(train, val)) == 0
    _, joint = np.unique(codes, axis=0, return_inverse=True)
    np.testing.assert_array_equal(np.bincount(joint.ravel()[val]), [5] * 6)
    # a combination of one row cannot be split: the first output's classes are
    rare = codes.copy()
    rare[0] = [0, 7]
    train, val = class_holdout(rare, 0.25, random_state=0)
    np.testing.assert_array_equal(np.bincount(rare[val, 0]), [10, 10, 10])
    # and where even those are too rare, a plain shuffled split
    single = np.column_stack([np.arange(12), rng.randint(0, 2, 12)])
    train, val = class_holdout(single, 0.25, random_state=0)
    assert len(val) == 3 and len(train) == 9


def test_the_fit_uses_the_class_holdout(data):
    _, y, risk, _ = data
    Y = np.column_stack([y, risk])
    clf = MultiLabelMLPClassifier(**NET, early_stopping=True, validation_fraction=0.25)
    targets = _multiclass.encode(Y)
    _, val = clf._validation_split(targets.Y, targets.outputs)
    # some joint combinations of these outputs have one row: the first output
    _, counts = np.unique(Y, axis=0, return_counts=True)
    assert counts.min() == 1
    share = np.bincount(y[val], minlength=3) / len(val)
    np.testing.assert_allclose(share, np.bincount(y) / len(y), atol=1 / len(val))


def test_review_fixes_for_partial_fit_and_unknown_outputs(data, tmp_path):
    from skmultilabel_mlp import load, save

    X, y, risk, flag = data
    Y = np.column_stack([y, flag])
    first = Y[:, 0] < 2
    # classes= per output decides, even where the first chunk holds only 0/1
    clf = MultiLabelMLPClassifier(**NET).partial_fit(
        X[first], Y[first], classes=[[0, 1, 2], [0, 1]]
    )
    assert [c.tolist() for c in clf.classes_] == [[0, 1, 2], [0, 1]]
    clf.partial_fit(X[~first], Y[~first])
    # partial_fit after fit, and save / load after partial_fit, count units
    Y2 = np.column_stack([y, risk])
    MultiLabelMLPClassifier(**NET).fit(X, Y2).partial_fit(X, Y2)
    one = MultiLabelMLPClassifier(**NET).partial_fit(X, y, classes=[0, 1, 2])
    back = load(save(one, tmp_path / "p.zip"))
    np.testing.assert_array_equal(back.predict_proba(X), one.predict_proba(X))
    back.partial_fit(X, y)
    # an output unknown in every training row is named
    Y3 = np.empty((160, 2), dtype=object)
    Y3[:, 0], Y3[:, 1] = STATES[y], None
    Y3[:3, 1] = ["u", "v", "u"]
    with pytest.raises(ValueError, match="output 1 has no known class"):
        MultiLabelMLPClassifier(**NET).fit(X[3:], Y3[3:])
    with pytest.raises(ValueError, match=r"labels \[1\] are unknown"):
        MultiLabelMLPClassifier(**NET).partial_fit(
            X[3:], Y3[3:], classes=[STATES, ["u", "v"]]
        )


def test_scikit_learn_scorer_names_mean_scikit_learns_on_multiclass(data):
    from skmultilabel_mlp.model_selection import cross_val_score

    X, y, _, _ = data
    est = MultiLabelMLPClassifier(**NET)
    for name in ("accuracy", "f1_macro"):
        np.testing.assert_array_equal(
            cross_val_score(est, X, y, cv=3, scoring=name),
            skms.cross_val_score(est, X, y, cv=3, scoring=name),
        )


def test_a_fold_takes_its_classes_from_its_training_rows(data):
    X, y, _, _ = data
    y = y.copy()
    y[:5] = 3  # class 3 only in rows 0-4: absent from the first fold's training
    idx = np.arange(160)
    splits = [(idx[40:], idx[:40]), (idx[:120], idx[120:])]
    est = MultiLabelMLPClassifier(**NET)
    kw = {"return_estimator": True}
    ours = cross_validate(est, X, y, cv=splits, **kw)
    theirs = skms.cross_validate(est, X, y, cv=splits, **kw)
    assert ours["estimator"][0].classes_.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(ours["test_score"], theirs["test_score"])


def test_numeric_targets_are_classified_without_a_pass_per_entry():
    """The column-wise check on numbers agrees with the general one."""
    general = _multiclass._as_numbers
    rng = np.random.RandomState(0)
    cases = [
        np.array([0, 1, 2]),
        np.array([1, 2]),
        np.array([[0, 2], [2, 0]]),
        np.array([[0.5, 2], [1, 0]]),
        np.array([[0.5, 1], [1, 0]]),
        np.array([[np.nan, 3.0], [1, 0]]),
        (rng.rand(30, 4) < 0.5).astype(float),
        rng.randint(0, 3, (20, 3)),
        pd.DataFrame({"a": pd.array([0, 1, None], dtype="Int64"), "b": [2, 0, 1]}),
    ]
    for y in cases:
        for missing_label in (None, -1, 2):
            fast = _multiclass.is_multiclass(y, missing_label)
            _multiclass._as_numbers = lambda y: None
            try:
                slow = _multiclass.is_multiclass(y, missing_label)
            finally:
                _multiclass._as_numbers = general
            assert fast == slow, (y, missing_label)

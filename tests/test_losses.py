"""The focal and asymmetric losses (``loss=``): formulas, gradients, every engine path."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import (
    AsymmetricLoss,
    FocalLoss,
    MultiLabelMLPClassifier,
    load,
    save,
)
from skmultilabel_mlp.losses import _resolve_loss
from skmultilabel_mlp.model_selection import GridSearchCV, cross_validate
from skmultilabel_mlp.model_selection._validation import _why_not_stacked

LOSSES = {
    "focal": FocalLoss(),
    "focal-alpha": FocalLoss(gamma=1.5, alpha=0.25),
    "asymmetric": AsymmetricLoss(),
    "asymmetric-pos": AsymmetricLoss(gamma_neg=2.0, gamma_pos=1.0, clip=0.1),
}
#: the focusing losses that are the binary cross-entropy
AS_BCE = [FocalLoss(gamma=0.0), AsymmetricLoss(gamma_neg=0.0, clip=0.0)]
CV = skms.KFold(n_splits=3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def data(tutorial_like_data):
    """Standardised rows (no saturated sigmoid, where Keras' clipping differs)."""
    X, Y = tutorial_like_data
    return StandardScaler().fit_transform(X).astype(np.float32), Y


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _focal_reference(z, y, gamma, alpha=None):
    """Lin et al.'s focal loss per label, in float64."""
    p = _sigmoid(z)
    a_pos, a_neg = (1.0, 1.0) if alpha is None else (alpha, 1.0 - alpha)
    return -(
        a_pos * y * (1 - p) ** gamma * np.log(p)
        + a_neg * (1 - y) * p**gamma * np.log(1 - p)
    )


def _asymmetric_reference(z, y, gamma_neg, gamma_pos, clip):
    """Ridnik et al.'s loss per label: ``AsymmetricLoss`` of Alibaba-MIIL/ASL
    (``src/loss_functions/losses.py``) in NumPy, without its sum."""
    xs_pos = _sigmoid(z)
    xs_neg = np.minimum(1 - xs_pos + clip, 1.0)
    loss = y * np.log(np.maximum(xs_pos, 1e-8)) + (1 - y) * np.log(
        np.maximum(xs_neg, 1e-8)
    )
    pt = xs_pos * y + xs_neg * (1 - y)
    return -loss * (1 - pt) ** (gamma_pos * y + gamma_neg * (1 - y))


def _reference(loss, z, y):
    if isinstance(loss, FocalLoss):
        return _focal_reference(z, y, loss.gamma, loss.alpha)
    return _asymmetric_reference(z, y, loss.gamma_neg, loss.gamma_pos, loss.clip)


def _logit_terms(loss, z, y, pos_weight=None):
    """The compiled training's terms (``_losses``) of one copy, as NumPy."""
    from keras import ops

    from skmultilabel_mlp._engine import _losses

    spec = _resolve_loss(loss)
    data = {
        k: ops.convert_to_tensor(v) for k, v in _losses.focusing_data([spec]).items()
    }
    program = SimpleNamespace(clipped=spec.structure[1])
    pw = None if pos_weight is None else ops.convert_to_tensor(pos_weight[None])
    terms = _losses.focusing_logit_terms(
        ops.convert_to_tensor(z[None]),
        ops.convert_to_tensor(y[None]),
        pw,
        data,
        program,
    )
    return ops.convert_to_numpy(terms)[0]


def _points():
    """Logits over the range a network reaches, targets 0 and 1 in each column."""
    z = np.linspace(-6, 6, 40, dtype=np.float32).reshape(10, 4)
    y = np.tile(np.array([[1, 0, 0, 1], [0, 1, 1, 0]], np.float32), (5, 1))
    return z, y


@pytest.mark.parametrize("name", LOSSES)
def test_each_loss_from_logits_is_the_papers_formula(name):
    z, y = _points()
    loss = LOSSES[name]
    np.testing.assert_allclose(
        _logit_terms(loss, z, y),
        _reference(loss, z.astype(float), y),
        rtol=2e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("name", LOSSES)
def test_class_weight_multiplies_the_positive_term(name):
    z, y = _points()
    loss, pw = LOSSES[name], np.array([3.0, 1.0, 0.5, 2.0], np.float32)
    expected = _reference(loss, z.astype(float), y) * np.where(y == 1, pw, 1.0)
    np.testing.assert_allclose(
        _logit_terms(loss, z, y, pw), expected, rtol=2e-5, atol=1e-7
    )


@pytest.mark.parametrize("gamma,alpha", [(2.0, None), (0.5, None), (2.0, 0.25)])
def test_focal_on_probabilities_is_keras_binary_focal_crossentropy(gamma, alpha):
    import keras

    from skmultilabel_mlp._engine._network import MaskedFocusingCrossentropy

    z, y = _points()
    p = _sigmoid(z).astype(np.float32)
    ours = MaskedFocusingCrossentropy(gamma, gamma, 0.0, alpha)
    theirs = keras.losses.BinaryFocalCrossentropy(
        apply_class_balancing=alpha is not None,
        alpha=0.25 if alpha is None else alpha,
        gamma=gamma,
    )
    assert float(ours(y, p)) == pytest.approx(float(theirs(y, p)), rel=1e-5)
    # and the compiled training's loss of the logits is the same number
    assert float(ours(y, p)) == pytest.approx(
        _logit_terms(FocalLoss(gamma, alpha), z, y).mean(), rel=1e-5
    )


def test_asymmetric_on_probabilities_is_the_reference():
    from skmultilabel_mlp._engine._network import MaskedFocusingCrossentropy

    z, y = _points()
    loss = LOSSES["asymmetric-pos"]
    p = _sigmoid(z).astype(np.float32)
    ours = MaskedFocusingCrossentropy(loss.gamma_pos, loss.gamma_neg, loss.clip)
    expected = _reference(loss, z.astype(float), y).mean()
    assert float(ours(y, p)) == pytest.approx(expected, rel=1e-5)


def _gradient(loss, z, y):
    """The gradient of the terms' sum w.r.t. the logits, by the engine's autodiff."""
    import keras
    from keras import ops

    from skmultilabel_mlp._engine import _losses

    if keras.config.backend() == "jax":
        from skmultilabel_mlp._engine._stacked_jax import _value_and_grad
    else:
        from skmultilabel_mlp._engine._stacked_tf import _value_and_grad
    spec = _resolve_loss(loss)
    data = {
        k: ops.convert_to_tensor(v) for k, v in _losses.focusing_data([spec]).items()
    }
    program = SimpleNamespace(clipped=spec.structure[1])
    yt = ops.convert_to_tensor(y[None])

    def total(params):
        terms = _losses.focusing_logit_terms(params[0], yt, None, data, program)
        return ops.sum(terms, axis=(1, 2))

    _, (grad,) = _value_and_grad(total, [ops.convert_to_tensor(z[None])])
    return ops.convert_to_numpy(grad)[0]


@pytest.mark.parametrize("gamma,alpha", [(2.0, None), (0.7, 0.25)])
def test_focal_gradient_is_the_hand_derived_one(gamma, alpha):
    z, y = _points()
    p = _sigmoid(z.astype(float))
    a_pos, a_neg = (1.0, 1.0) if alpha is None else (alpha, 1 - alpha)
    # d/dz of -(1-p)^g log p and of -p^g log(1-p), with dp/dz = p (1 - p)
    pos = a_pos * (1 - p) ** gamma * (gamma * p * np.log(p) - (1 - p))
    neg = a_neg * p**gamma * (p - gamma * (1 - p) * np.log(1 - p))
    expected = np.where(y == 1, pos, neg)
    got = _gradient(FocalLoss(gamma, alpha), z, y)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["asymmetric", "asymmetric-pos"])
def test_asymmetric_gradient_is_the_finite_difference(name):
    z, y = _points()
    z = z[np.abs(_sigmoid(z) - LOSSES[name].clip).min(axis=1) > 1e-2]  # off the kink
    y = y[: len(z)]
    loss, h = LOSSES[name], 1e-6
    zf = z.astype(float)
    expected = (_reference(loss, zf + h, y) - _reference(loss, zf - h, y)) / (2 * h)
    np.testing.assert_allclose(_gradient(loss, z, y), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("loss", [*LOSSES.values(), AsymmetricLoss(gamma_neg=0.5)])
def test_saturated_logits_give_finite_losses_and_gradients(loss):
    z = np.array([[-120.0, -40.0, 40.0, 120.0]] * 2, np.float32)
    y = np.array([[1, 1, 1, 1], [0, 0, 0, 0]], np.float32)
    assert np.isfinite(_logit_terms(loss, z, y)).all()
    assert np.isfinite(_gradient(loss, z, y)).all()


@pytest.mark.parametrize("loss", AS_BCE, ids=["focal", "asymmetric"])
def test_without_focusing_the_loss_is_the_binary_crossentropy(loss):
    from keras import ops

    from skmultilabel_mlp._engine import _losses

    z, y = _points()
    bce = _losses.bce_terms(
        ops.convert_to_tensor(z[None]), ops.convert_to_tensor(y[None]), None
    )
    np.testing.assert_allclose(
        # bce_terms' z + softplus(-z) rounds to 1e-7 of the larger terms
        _logit_terms(loss, z, y),
        ops.convert_to_numpy(bce)[0],
        rtol=1e-6,
        atol=1e-6,
    )


@pytest.mark.parametrize("loss", AS_BCE, ids=["focal", "asymmetric"])
def test_without_focusing_the_fit_is_the_binary_crossentropy_fit(loss, data):
    X, Y = data
    params = {"epochs": 5, "random_state": 0}
    bce = MultiLabelMLPClassifier(**params).fit(X, Y)
    ours = MultiLabelMLPClassifier(**params, loss=loss).fit(X, Y)
    np.testing.assert_allclose(ours.predict_proba(X), bce.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(ours.history_["loss"], bce.history_["loss"], rtol=1e-5)


@pytest.mark.parametrize("name", LOSSES)
def test_the_callbacks_path_trains_the_same_network(name, data):
    """One batch per epoch, so Keras' shuffle cannot matter: same seed, same
    network, with unknown labels, class weights and sample weights."""
    import keras

    X, Y = data
    Y = Y.astype(float)
    Y[::7, 1] = np.nan
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    params = {
        "epochs": 5,
        "batch_size": len(X),
        "learning_rate": 1e-2,
        "random_state": 0,
        "class_weight": {0: 3.0, 2: 0.5},
        "loss": LOSSES[name],
    }
    compiled = MultiLabelMLPClassifier(**params).fit(X, Y, sample_weight=weights)
    keras_path = MultiLabelMLPClassifier(
        **params, callbacks=[keras.callbacks.History()]
    ).fit(X, Y, sample_weight=weights)
    np.testing.assert_allclose(
        compiled.predict_proba(X), keras_path.predict_proba(X), atol=1e-5
    )
    np.testing.assert_allclose(
        compiled.history_["loss"], keras_path.history_["loss"], rtol=1e-5
    )


def _initial_logits(clf, X, Y):
    """The logits of the network ``clf.fit(X, Y)`` starts from, in NumPy."""
    from skmultilabel_mlp._engine import _network
    from skmultilabel_mlp._targets import encode_targets

    spec = clf._fit_spec(X, encode_targets(Y), None)
    W0, b0, W1, b1 = _network.initial_weights(spec)
    return np.maximum(X @ W0 + b0, 0.0) @ W1 + b1


@pytest.mark.parametrize("path", ["compiled", "callbacks"])
@pytest.mark.parametrize("name", LOSSES)
def test_the_trained_loss_is_the_reference_with_unknowns_and_weights(name, path, data):
    """The first epoch's loss (one batch: the initial network's) is the
    reference formula: unknown entries add nothing, ``class_weight`` weighs
    the positive terms, a row's loss is the mean over its labels, the batch's
    the ``sample_weight``-weighted mean."""
    import keras

    X, Y = data
    Ynan = Y.astype(float)
    Ynan[::3, 0] = np.nan
    weights = np.random.default_rng(1).uniform(0.5, 2.0, len(X))
    clf = MultiLabelMLPClassifier(
        epochs=1,
        batch_size=len(X),
        random_state=0,
        class_weight={1: 4.0},
        loss=LOSSES[name],
        callbacks=[keras.callbacks.History()] if path == "callbacks" else None,
    )
    z = _initial_logits(clf, X, Ynan).astype(float)
    terms = _reference(LOSSES[name], z, np.nan_to_num(Ynan))
    terms = np.where(np.isnan(Ynan), 0.0, terms)
    terms[:, 1] *= np.where(Y[:, 1] == 1, 4.0, 1.0)
    expected = np.sum(weights * terms.mean(axis=1)) / weights.sum()
    clf.fit(X, Ynan, sample_weight=weights)
    assert clf.history_["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_the_keras_loss_leaves_unknown_entries_out():
    from skmultilabel_mlp._engine._network import MaskedFocusingCrossentropy

    y = np.array([[1.0, 0.0, np.nan], [0.0, 1.0, 0.0]], np.float32)
    p = np.array([[0.9, 0.2, 0.6], [0.3, 0.7, 0.1]], np.float32)
    changed = p.copy()
    changed[0, 2] = 0.01  # a terrible prediction for the unknown entry
    for loss in (
        MaskedFocusingCrossentropy(2, 2),
        MaskedFocusingCrossentropy(0, 4, 0.05),
    ):
        assert float(loss(y, p)) == pytest.approx(float(loss(y, changed)))
        assert np.isfinite(float(loss(y, p)))


def test_class_weight_changes_a_focal_fit_as_it_changes_the_loss(data):
    X, Y = data
    params = {"epochs": 5, "random_state": 0, "loss": "focal"}
    plain = MultiLabelMLPClassifier(**params).fit(X, Y)
    weighted = MultiLabelMLPClassifier(**params, class_weight={0: 5.0}).fit(X, Y)
    assert weighted.pos_weight_.tolist() == [5.0, 1.0, 1.0]
    # more weight on label 0's positives: higher probabilities of label 0
    assert weighted.predict_proba(X)[:, 0].mean() > plain.predict_proba(X)[:, 0].mean()


@pytest.mark.parametrize(
    "name,params",
    [
        ("focal", {}),
        (
            "asymmetric",
            {"early_stopping": True, "n_iter_no_change": 2, "class_weight": "balanced"},
        ),
    ],
)
def test_stacked_cross_validate_is_sklearns_fold_by_fold(name, params, data):
    X, Y = data
    est = MultiLabelMLPClassifier(epochs=8, random_state=3, loss=name, **params)
    assert _why_not_stacked(est, X, None) is None
    kwargs = {"cv": CV, "return_estimator": True}
    ours = cross_validate(est, X, Y, **kwargs)
    theirs = skms.cross_validate(est, X, Y, **kwargs)
    np.testing.assert_array_equal(ours["test_score"], theirs["test_score"])
    for a, b in zip(ours["estimator"], theirs["estimator"]):
        np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-5)


def test_copies_with_other_losses_stack_as_their_solo_fits(data):
    """Focusing parameters are data: the focal and unclipped asymmetric copies
    share one computation, the clipped ones another, the BCE copy its own; and
    every copy is its solo fit."""
    from skmultilabel_mlp import _engine
    from skmultilabel_mlp._engine._stacked import _group_key
    from skmultilabel_mlp._targets import encode_targets

    X, Y = data
    targets = encode_targets(Y)
    base = MultiLabelMLPClassifier(epochs=4, random_state=0)._fit_spec(X, targets, None)
    losses = [
        "binary_crossentropy",
        FocalLoss(),
        FocalLoss(gamma=1.0, alpha=0.3),
        AsymmetricLoss(clip=0.0),
        AsymmetricLoss(),
        AsymmetricLoss(gamma_pos=1.0, clip=0.2),
    ]
    specs = [dataclasses.replace(base, loss=_resolve_loss(loss)) for loss in losses]
    assert len({_group_key(s) for s in specs}) == 3
    rows = [np.arange(len(X))] * len(specs)
    stacked = _engine.train_stacked(specs, X, targets.Y, rows)
    for spec, (layers, history) in zip(specs, stacked):
        ((solo_layers, solo_history),) = _engine.train_stacked(
            [spec], X, targets.Y, rows[:1]
        )
        np.testing.assert_allclose(
            _engine.predict_proba(layers, X),
            _engine.predict_proba(solo_layers, X),
            atol=1e-6,
        )
        np.testing.assert_allclose(history["loss"], solo_history["loss"], rtol=1e-5)


def test_grid_search_over_losses_equals_sklearns(data, monkeypatch):
    from skmultilabel_mlp import _fit_cache

    hits, take = [], _fit_cache.take

    def counting(key):
        found = take(key)
        hits.append(found is not None)
        return found

    monkeypatch.setattr(_fit_cache, "take", counting)
    X, Y = data
    grid = {"loss": ["binary_crossentropy", "focal", AsymmetricLoss(gamma_pos=1.0)]}
    est = MultiLabelMLPClassifier(epochs=6, random_state=0)
    ours = GridSearchCV(est, grid, cv=CV, scoring="f1_micro").fit(X, Y)
    # every (candidate, fold) fit of the loop was trained stacked ahead
    assert hits == [True] * 9 + [False]
    theirs = skms.GridSearchCV(est, grid, cv=CV, scoring="f1_micro").fit(X, Y)
    assert ours.best_params_ == theirs.best_params_
    for key in ("mean_test_score", *(f"split{i}_test_score" for i in range(3))):
        np.testing.assert_array_equal(ours.cv_results_[key], theirs.cv_results_[key])


def test_partial_fit_trains_on_the_loss(data):
    X, Y = data
    params = {"random_state": 0, "batch_size": len(X), "learning_rate": 1e-2}
    focal = MultiLabelMLPClassifier(**params, loss="focal")
    bce = MultiLabelMLPClassifier(**params)
    for _ in range(3):
        focal.partial_fit(X, Y)
        bce.partial_fit(X, Y)
    # the first epoch's loss is the focal loss of the initial network
    assert focal.history_["loss"][0] < 0.5 * bce.history_["loss"][0]
    # three partial_fit epochs on one batch are a fit of three epochs
    fit = MultiLabelMLPClassifier(**params, loss="focal", epochs=3).fit(X, Y)
    np.testing.assert_allclose(focal.predict_proba(X), fit.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("name", ["focal-alpha", "asymmetric-pos"])
def test_save_and_load_keep_the_loss(name, data, tmp_path):
    X, Y = data
    clf = MultiLabelMLPClassifier(epochs=2, random_state=0, loss=LOSSES[name])
    clf.partial_fit(X, Y)
    back = load(save(clf, tmp_path / "model.zip"))
    assert back.loss == LOSSES[name]
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    # the network's Keras loss is the focusing loss, and partial_fit goes on alike
    assert back.model_.loss.get_config() == clf.model_.loss.get_config()
    np.testing.assert_allclose(
        back.partial_fit(X, Y).predict_proba(X),
        clf.partial_fit(X, Y).predict_proba(X),
        atol=1e-6,
    )


def test_a_tampered_loss_in_the_manifest_is_refused(data, tmp_path):
    from skmultilabel_mlp import _manifest

    for bad in (
        {"__loss__": "huber"},
        {"__loss__": "focal", "gamma": -1},
        {"__loss__": "focal", "beta": 1},
    ):
        with pytest.raises(ValueError, match="malformed manifest: params"):
            _manifest.params(
                {"params": {"loss": bad}}, tmp_path, MultiLabelMLPClassifier
            )


def test_the_loss_is_a_plain_parameter():
    clf = MultiLabelMLPClassifier(loss=FocalLoss(gamma=1.0))
    assert clf.get_params()["loss"] == FocalLoss(gamma=1.0)
    assert clone(clf).loss == clf.loss
    assert clone(clf.set_params(loss="asymmetric")).loss == "asymmetric"
    assert "loss='asymmetric'" in repr(clf)
    assert hash(FocalLoss()) == hash(FocalLoss(2.0, None))  # usable as a grid value


@pytest.mark.parametrize(
    "loss,error,match",
    [
        ("mse", ValueError, "'loss' parameter"),
        (None, ValueError, "'loss' parameter"),
        (FocalLoss, ValueError, "'loss' parameter"),
    ],
)
def test_a_bad_loss_fails_at_fit_with_sklearns_message(loss, error, match, data):
    X, Y = data
    with pytest.raises(error, match=match):
        MultiLabelMLPClassifier(epochs=1, loss=loss).fit(X, Y)


@pytest.mark.parametrize(
    "make,error,match",
    [
        (lambda: FocalLoss(gamma=-1.0), ValueError, r"gamma must be in \[0, inf\)"),
        (lambda: FocalLoss(alpha=1.0), ValueError, r"alpha must be in \(0, 1\)"),
        (lambda: FocalLoss(gamma=True), TypeError, "real number, got bool"),
        (lambda: FocalLoss(gamma=float("nan")), ValueError, "gamma must be in"),
        (lambda: AsymmetricLoss(clip=1.0), ValueError, r"clip must be in \[0, 1\)"),
        (lambda: AsymmetricLoss(gamma_neg="4"), TypeError, "real number, got str"),
    ],
)
def test_bad_loss_parameters_name_the_value(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_outputs_with_their_own_classes_refuse_a_focusing_loss(data):
    X, _ = data
    y = np.array(["a", "b", "c"] * (len(X) // 3))
    with pytest.raises(ValueError, match="loss='binary_crossentropy' for a multiclass"):
        MultiLabelMLPClassifier(epochs=1, loss="focal").fit(X, y)
    # a 0/1 indicator of the same classes trains them as labels
    indicator = (y[:, None] == np.array(["a", "b", "c"])).astype(int)
    clf = MultiLabelMLPClassifier(epochs=1, loss="focal").fit(X, indicator)
    assert clf.predict(X).shape == (len(X), 3)

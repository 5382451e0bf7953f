"""class_weight for imbalanced labels and NaN / sentinel missing labels."""

import numpy as np
import pytest
from sklearn.metrics import recall_score, roc_auc_score

from skmultilabel_mlp import MultiLabelMLPClassifier


@pytest.fixture(scope="module")
def rare_label_data():
    """Two common labels and one with 2% positives, learnable from feature 2."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1000, 6))
    common = (X[:, :2] > 0).astype(int)
    score = X[:, 2] + 0.3 * rng.normal(size=1000)
    rare = (score > np.quantile(score, 0.98)).astype(int)
    return X, np.column_stack([common, rare])


def test_balanced_class_weight_raises_recall_of_a_2_percent_label(rare_label_data):
    """Measured: held-out recall of the 2% label 0.00 unweighted -> 0.89 balanced.

    Same seed, 600 training rows, 30 epochs; the 400 test rows hold 9 positives.
    """
    X, Y = rare_label_data
    assert Y[:, 2].mean() == pytest.approx(0.02, abs=0.002)
    w = np.ones(600)
    w_before = w.copy()
    recalls = {}
    for cw in (None, "balanced"):
        clf = MultiLabelMLPClassifier(epochs=30, random_state=0, class_weight=cw)
        clf.fit(X[:600], Y[:600], sample_weight=w)
        recalls[cw] = recall_score(Y[600:, 2], clf.predict(X[600:])[:, 2])
    assert recalls["balanced"] >= recalls[None] + 0.5
    np.testing.assert_array_equal(w, w_before)  # the caller's weights untouched


def test_balanced_weights_are_negatives_over_positives(rare_label_data):
    X, Y = rare_label_data
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0, class_weight="balanced")
    clf.fit(X, Y)
    pos = Y.sum(axis=0)
    np.testing.assert_allclose(clf.pos_weight_, (len(Y) - pos) / pos)


def test_class_weight_dict_by_name_and_array(multilabel_data):
    import pandas as pd

    X, Y = multilabel_data
    Ydf = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    clf = MultiLabelMLPClassifier(epochs=1, class_weight={"c": 3.0}).fit(X, Ydf)
    np.testing.assert_allclose(clf.pos_weight_, [1, 1, 3, 1])
    clf = MultiLabelMLPClassifier(epochs=1, class_weight=[1, 2, 3, 4]).fit(X, Y)
    np.testing.assert_allclose(clf.pos_weight_, [1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"class_weight names labels \['zz'\]"):
        MultiLabelMLPClassifier(epochs=1, class_weight={"zz": 2}).fit(X, Ydf)
    with pytest.raises(ValueError, match="class_weight has 2 values but y has 4"):
        MultiLabelMLPClassifier(epochs=1, class_weight=[1, 2]).fit(X, Y)


def test_label_never_positive_trains_with_a_warning_naming_it(multilabel_data):
    X, Y = multilabel_data
    Y = Y.copy()
    Y[:, 1] = 0
    with pytest.warns(UserWarning, match=r"labels \[1\] have no positive training row"):
        clf = MultiLabelMLPClassifier(epochs=2, class_weight="balanced").fit(X, Y)
    assert clf.predict(X).shape == Y.shape


@pytest.fixture(scope="module")
def masked_problem(tutorial_like_data):
    X, Y = tutorial_like_data
    rng = np.random.RandomState(0)
    hidden = rng.rand(*Y.shape) < 0.3
    return X, Y, hidden


def test_thirty_percent_unknown_labels_still_train_and_beat_chance(masked_problem):
    X, Y, hidden = masked_problem
    Ynan = np.where(hidden, np.nan, Y.astype(float))
    clf = MultiLabelMLPClassifier(epochs=60, random_state=0).fit(X, Ynan)
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape  # every label is predicted
    auc = roc_auc_score(Y[hidden], proba[hidden])
    acc = np.mean(clf.predict(X)[hidden] == Y[hidden])
    majority = max(Y[hidden].mean(), 1 - Y[hidden].mean())
    assert auc > 0.8  # chance is 0.5
    assert acc > majority + 0.1


def test_missing_label_sentinel_is_the_same_as_nan(masked_problem):
    X, Y, hidden = masked_problem
    nan = MultiLabelMLPClassifier(epochs=3, random_state=0)
    nan.fit(X, np.where(hidden, np.nan, Y.astype(float)))
    sentinel = MultiLabelMLPClassifier(epochs=3, random_state=0, missing_label=-1)
    sentinel.fit(X, np.where(hidden, -1, Y))
    np.testing.assert_array_equal(nan.predict_proba(X), sentinel.predict_proba(X))


def test_label_unknown_in_every_row_is_an_error_naming_it(multilabel_data):
    X, Y = multilabel_data
    Ynan = Y.astype(float)
    Ynan[:, 2] = np.nan
    with pytest.raises(
        ValueError, match=r"labels \[2\] are unknown .* in every training row"
    ):
        MultiLabelMLPClassifier(epochs=1).fit(X, Ynan)


def test_fully_known_y_gives_the_same_model_with_or_without_masking(multilabel_data):
    import dataclasses

    from skmultilabel_mlp import _engine
    from skmultilabel_mlp._targets import encode_targets

    X, Y = multilabel_data
    X32 = X.astype(np.float32)
    targets = encode_targets(Y)
    spec = MultiLabelMLPClassifier(epochs=5, random_state=0)._fit_spec(
        X32, targets, None
    )
    assert not spec.masked
    plain, _ = _engine.fit_keras(spec, X32, targets.Y)
    masked, _ = _engine.fit_keras(
        dataclasses.replace(spec, masked=True), X32, targets.Y
    )
    np.testing.assert_allclose(
        _engine.predict_keras(masked, X32),
        _engine.predict_keras(plain, X32),
        atol=1e-4,
    )


def test_masked_loss_equals_keras_bce_and_ignores_unknown_entries():
    import keras

    from skmultilabel_mlp._engine._network import MaskedBinaryCrossentropy

    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    p = np.array([[0.9, 0.2, 0.6], [0.3, 0.7, 0.1]], dtype=np.float32)
    keras_bce = float(keras.losses.BinaryCrossentropy()(y, p))
    assert float(MaskedBinaryCrossentropy()(y, p)) == pytest.approx(keras_bce, rel=1e-5)
    y_nan = y.copy()
    y_nan[0, 2] = np.nan
    changed = p.copy()
    changed[0, 2] = 0.01  # a terrible prediction for the unknown entry
    loss = MaskedBinaryCrossentropy()
    assert float(loss(y_nan, p)) == pytest.approx(float(loss(y_nan, changed)))
    weighted = MaskedBinaryCrossentropy(pos_weight=[2.0, 1.0, 1.0])
    expected = -(2 * np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3
    expected = (expected + -(np.log(0.7) + np.log(0.7) + np.log(0.9)) / 3) / 2
    assert float(weighted(y, p)) == pytest.approx(expected, rel=1e-5)


def test_score_leaves_unknown_entries_out(masked_problem):
    from skmultilabel_mlp.metrics import exact_match_score

    X, Y, hidden = masked_problem
    Ynan = np.where(hidden, np.nan, Y.astype(float))
    clf = MultiLabelMLPClassifier(epochs=3, random_state=0).fit(X, Ynan)
    expected = exact_match_score(Ynan, clf.predict(X), ignore_missing=True)
    assert clf.score(X, Ynan) == pytest.approx(expected)
    assert clf.score(X, Ynan) != pytest.approx(clf.score(X, Y))

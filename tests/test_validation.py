"""The fold-stacked cross_validate: sklearn's contract, solo-fit quality, memory."""

import re
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import model_selection as skms
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp._engine import OPTIMIZERS
from skmultilabel_mlp.metrics import multilabel_scoring
from skmultilabel_mlp.model_selection import cross_val_score, cross_validate
from skmultilabel_mlp.model_selection._validation import _why_not_stacked

from ._checks import same_fold_models

CV = KFold(n_splits=3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def stacked_and_solo(tutorial_like_data):
    X, Y = tutorial_like_data
    est = make_pipeline(
        StandardScaler(), MultiLabelMLPClassifier(epochs=100, random_state=0)
    )
    stacked = cross_validate(
        est,
        X,
        Y,
        cv=CV,
        return_estimator=True,
        return_indices=True,
        return_train_score=True,
    )
    solo = skms.cross_validate(est, X, Y, cv=CV, return_train_score=True)
    return stacked, solo


def test_result_has_sklearns_keys_and_shapes(stacked_and_solo):
    stacked, solo = stacked_and_solo
    assert set(solo) <= set(stacked)
    for key in solo:
        assert stacked[key].shape == solo[key].shape == (3,)
    assert len(stacked["estimator"]) == 3
    assert len(stacked["indices"]["test"]) == 3


def test_stacked_fold_models_match_solo_fits_in_accuracy(
    stacked_and_solo, tutorial_like_data
):
    _, Y = tutorial_like_data
    stacked, solo = stacked_and_solo
    assert abs(stacked["test_score"].mean() - solo["test_score"].mean()) < 0.05
    # learnt, well above always predicting the most frequent label set
    _, counts = np.unique(Y, axis=0, return_counts=True)
    assert stacked["test_score"].mean() > counts.max() / len(Y) + 0.2


def test_each_fold_has_its_own_preprocessing_and_history(
    stacked_and_solo, tutorial_like_data
):
    X, _ = tutorial_like_data
    stacked, _ = stacked_and_solo
    for est, train in zip(stacked["estimator"], stacked["indices"]["train"]):
        np.testing.assert_allclose(est[0].mean_, X[train].mean(axis=0))
        assert len(est[-1].history_["loss"]) == 100
        assert est[-1].history_["loss"][-1] < est[-1].history_["loss"][0]
    weights = [est[-1].model_.get_weights()[0] for est in stacked["estimator"]]
    assert not np.allclose(weights[0], weights[1])


def test_fold_estimators_predict_and_score_like_fitted_classifiers(
    stacked_and_solo, tutorial_like_data
):
    X, Y = tutorial_like_data
    stacked, _ = stacked_and_solo
    est, test = stacked["estimator"][0], stacked["indices"]["test"][0]
    assert est.score(X[test], Y[test]) == pytest.approx(stacked["test_score"][0])
    assert est.predict_proba(X[:1]).shape == (1, 3)


def test_same_random_state_gives_identical_stacked_results(multilabel_data):
    X, Y = multilabel_data
    est = MultiLabelMLPClassifier(epochs=5, random_state=0)
    a = cross_validate(est, X, Y, cv=CV, return_estimator=True)
    b = cross_validate(est, X, Y, cv=CV, return_estimator=True)
    np.testing.assert_array_equal(
        a["estimator"][1].predict_proba(X), b["estimator"][1].predict_proba(X)
    )


def test_package_scorer_names_and_the_panel_work(multilabel_data):
    X, Y = multilabel_data
    est = MultiLabelMLPClassifier(epochs=5, random_state=0)
    res = cross_validate(est, X, Y, cv=CV, scoring=["hamming_loss", "f1_label:2"])
    assert np.all(res["test_hamming_loss"] <= 0) and res["test_f1_label:2"].shape == (
        3,
    )
    res = cross_validate(est, X, Y, cv=CV, scoring=multilabel_scoring())
    assert "test_lrap" in res and "test_f1_label:3" in res
    assert cross_val_score(est, X, Y, cv=CV, scoring="f1_micro").shape == (3,)


@pytest.mark.parametrize("case", ["other-estimator", "keras-callbacks"])
def test_unsupported_cases_fall_back_to_sklearn(multilabel_data, case):
    import keras

    X, Y = multilabel_data
    est = (
        KNeighborsClassifier()
        if case == "other-estimator"
        else MultiLabelMLPClassifier(
            epochs=3, callbacks=[keras.callbacks.TerminateOnNaN()], random_state=0
        )
    )
    assert _why_not_stacked(est, X, None) is not None
    ours = cross_validate(est, X, Y, cv=CV)["test_score"]
    theirs = skms.cross_validate(est, X, Y, cv=CV)["test_score"]
    np.testing.assert_allclose(ours, theirs)


def test_class_weight_and_missing_labels_on_the_stacked_path(multilabel_data):
    X, Y = multilabel_data
    Ynan = Y.astype(float)
    Ynan[::7, 1] = np.nan
    est = MultiLabelMLPClassifier(epochs=3, class_weight="balanced", random_state=0)
    res = cross_validate(est, X, Ynan, cv=CV, return_estimator=True)
    pos = [e.pos_weight_ for e in res["estimator"]]
    assert pos[0].shape == (4,) and not np.allclose(pos[0], pos[1])


_PEAK = """
import os, resource
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
from sklearn.model_selection import KFold
from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.model_selection import cross_validate
rng = np.random.RandomState(0)
X = rng.normal(size=(4000, 50)); Y = (rng.rand(4000, 5) < 0.3).astype(int)
cross_validate(MultiLabelMLPClassifier(epochs=EPOCHS, random_state=0), X, Y, cv=KFold(5))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_memory_does_not_grow_with_epochs():
    """Peak RSS with 40 epochs stays within 40 MB of 2 epochs (rows x folds x epochs
    of indices alone would be 4000 x 5 x 40 x 8 B = 6.4 MB; batches are gathered
    inside the compiled loop instead)."""
    peaks = []
    for epochs in (2, 40):
        code = textwrap.dedent(_PEAK).replace("EPOCHS", str(epochs))
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        peaks.append(int(out.stdout.strip().splitlines()[-1]))  # kB
    assert peaks[1] - peaks[0] < 40_000


# error_score and the result's form, in the shape of scikit-learn's own tests
# (sklearn/model_selection/tests/test_validation.py), on both paths: the
# stacked one and scikit-learn's (Keras callbacks fall back to it).
PATHS = ["stacked", "fallback"]


def _path_estimator(path, **params):
    import keras

    callbacks = [keras.callbacks.TerminateOnNaN()] if path == "fallback" else None
    est = MultiLabelMLPClassifier(
        epochs=2, random_state=0, callbacks=callbacks, **params
    )
    assert (_why_not_stacked(est, np.zeros((2, 2)), None) is None) == (
        path == "stacked"
    )
    return est


def _label_unknown_outside_first_third(Y):
    """Label 2 known only in rows 0-19: KFold(3)'s first fold cannot learn it."""
    Ynan = Y.astype(float)
    Ynan[20:, 2] = np.nan
    return Ynan


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("error_score", [np.nan, 0])
def test_cross_validate_some_failing_fits_warning(path, error_score, multilabel_data):
    X, Y = multilabel_data
    warning = re.compile(
        "1 fits failed.+total of 3.+The score on these train-test partitions for "
        f"these parameters will be set to {error_score}.+ValueError: labels \\[2\\] "
        "are unknown",
        flags=re.DOTALL,
    )
    with pytest.warns(FitFailedWarning, match=warning):
        res = cross_validate(
            _path_estimator(path),
            X,
            _label_unknown_outside_first_third(Y),
            cv=KFold(3),
            error_score=error_score,
            return_train_score=True,
        )
    np.testing.assert_array_equal(res["test_score"][:1], [error_score])
    np.testing.assert_array_equal(res["train_score"][:1], [error_score])
    assert np.all(np.isfinite(res["test_score"][1:]))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("error_score", [np.nan, 0])
def test_cross_validate_all_failing_fits_error(path, error_score, multilabel_data):
    X, Y = multilabel_data
    message = re.compile(
        "All the 3 fits failed.+your model is misconfigured.+"
        "ValueError: class_weight names labels \\['nope'\\]",
        flags=re.DOTALL,
    )
    est = _path_estimator(path, class_weight={"nope": 2.0})
    with pytest.raises(ValueError, match=message):
        cross_validate(est, X, Y, cv=KFold(3), error_score=error_score)


@pytest.mark.parametrize("path", PATHS)
def test_error_score_raise_reraises_the_fit_error(path, multilabel_data):
    X, Y = multilabel_data
    with pytest.raises(ValueError, match=r"labels \[2\] are unknown"):
        cross_validate(
            _path_estimator(path),
            X,
            _label_unknown_outside_first_third(Y),
            cv=KFold(3),
            error_score="raise",
        )


def _failing_scorer(estimator, X, y):
    raise ValueError("This scorer is supposed to fail!!!")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("error_score", [np.nan, 0, "raise"])
@pytest.mark.parametrize("return_train_score", [True, False])
@pytest.mark.parametrize("with_multimetric", [False, True])
def test_cross_validate_failing_scorer(
    path, error_score, return_train_score, with_multimetric, multilabel_data
):
    X, Y = multilabel_data
    scoring = (
        {
            "score_1": _failing_scorer,
            "score_2": "hamming_loss",
            "score_3": _failing_scorer,
        }
        if with_multimetric
        else _failing_scorer
    )
    kwargs = {
        "cv": KFold(3),
        "scoring": scoring,
        "return_train_score": return_train_score,
        "error_score": error_score,
    }
    est = _path_estimator(path)
    if error_score == "raise":
        with pytest.raises(ValueError, match="supposed to fail"):
            cross_validate(est, X, Y, **kwargs)
        return
    warning = (
        "Scoring failed. The score on this train-test partition for "
        f"these parameters will be set to {error_score}"
    )
    with pytest.warns(UserWarning, match=warning):
        results = cross_validate(est, X, Y, **kwargs)
    for key, values in results.items():
        if "_score" in key and "score_2" not in key:
            np.testing.assert_array_equal(values, error_score)
        elif "score_2" in key:
            assert np.all(values <= 0)  # a loss, negated


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"return_train_score": True, "return_estimator": True, "return_indices": True},
    ],
)
def test_result_keys_order_and_indices_match_sklearn(flags, multilabel_data):
    X, Y = multilabel_data
    est = MultiLabelMLPClassifier(epochs=2, random_state=0)
    scoring = ["f1_micro", "accuracy"]
    ours = cross_validate(est, X, Y, cv=CV, scoring=scoring, **flags)
    theirs = skms.cross_validate(est, X, Y, cv=CV, scoring=scoring, **flags)
    assert list(ours) == list(theirs)
    if "return_indices" in flags:
        for part in ("train", "test"):
            assert type(ours["indices"][part]) is type(theirs["indices"][part])
            for a, b in zip(ours["indices"][part], theirs["indices"][part]):
                np.testing.assert_array_equal(a, b)


# One seed, one result: for an integer random_state, the stacked folds are the
# networks scikit-learn's cross_validate fits one by one (same initial weights,
# shuffles, dropout masks and updates), on every option the engine handles.
SAME_MODEL_CASES = {
    **{name: {"optimizer": name} for name in OPTIMIZERS},
    "early-stopping": {"early_stopping": True, "n_iter_no_change": 2},
    "dropout-l2-class-weight": {
        "dropout": 0.3,
        "alpha": 1e-3,
        "class_weight": "balanced",
        "optimizer": "rmsprop",
    },
    "two-layers-tanh": {"hidden_layer_sizes": (6, 5), "activation": "tanh"},
}


@pytest.mark.parametrize("case", SAME_MODEL_CASES)
def test_stacked_folds_are_the_networks_of_sklearns_cross_validate(
    case, tutorial_like_data
):
    X, Y = tutorial_like_data
    est = MultiLabelMLPClassifier(epochs=8, random_state=3, **SAME_MODEL_CASES[case])
    assert _why_not_stacked(est, X, None) is None
    kwargs = {"cv": CV, "return_estimator": True}
    same_fold_models(
        cross_validate(est, X, Y, **kwargs), skms.cross_validate(est, X, Y, **kwargs), X
    )


@pytest.mark.parametrize("through", ["classifier", "pipeline"])
def test_same_networks_with_sample_weight(through, tutorial_like_data):
    X, Y = tutorial_like_data
    weights = np.random.default_rng(0).uniform(0.2, 2.0, len(X))
    clf = MultiLabelMLPClassifier(epochs=8, random_state=3)
    if through == "pipeline":
        est = make_pipeline(StandardScaler(), clf)
        params = {"multilabelmlpclassifier__sample_weight": weights}
    else:
        est, params = clf, {"sample_weight": weights}
    assert _why_not_stacked(est, X, params) is None
    kwargs = {"cv": CV, "return_estimator": True, "params": params}
    same_fold_models(
        cross_validate(est, X, Y, **kwargs), skms.cross_validate(est, X, Y, **kwargs), X
    )


def test_same_networks_on_sparse_x_and_unknown_labels(tutorial_like_data):
    X, Y = tutorial_like_data
    Xs = sp.csr_matrix(np.where(X > 2, X, 0.0))
    Ynan = Y.astype(float)
    Ynan[::5, 0] = np.nan
    est = MultiLabelMLPClassifier(epochs=8, random_state=3)
    assert _why_not_stacked(est, Xs, None) is None
    kwargs = {"cv": CV, "return_estimator": True}
    ours = cross_validate(est, Xs, Ynan, **kwargs)
    theirs = skms.cross_validate(est, Xs, Ynan, **kwargs)
    same_fold_models(ours, theirs, Xs)
    # and sparse rows train exactly as their dense copy does
    dense = MultiLabelMLPClassifier(epochs=8, random_state=3).fit(Xs.toarray(), Ynan)
    np.testing.assert_allclose(
        ours["estimator"][0]
        .__class__(epochs=8, random_state=3)
        .fit(Xs, Ynan)
        .predict_proba(Xs),
        dense.predict_proba(Xs),
        atol=1e-5,
    )


def test_unseeded_folds_are_independent_draws(multilabel_data):
    X, Y = multilabel_data
    res = cross_validate(
        MultiLabelMLPClassifier(epochs=2), X, Y, cv=CV, return_estimator=True
    )
    first = [e.model_.get_weights()[0] for e in res["estimator"]]
    cv_seeds = {e._spec_.seed for e in res["estimator"]}
    assert len(cv_seeds) == 3 and not np.allclose(first[0], first[1])


def test_copies_beyond_max_memory_mb_train_in_several_computations(
    monkeypatch, multilabel_data
):
    from skmultilabel_mlp._engine import _stacked

    X, Y = multilabel_data
    calls = []
    group = _stacked._train_group

    def counting(computation, *args):
        calls.append(len(computation.specs))
        return group(computation, *args)

    monkeypatch.setattr(_stacked, "_train_group", counting)
    est = MultiLabelMLPClassifier(epochs=3, random_state=0)
    together = cross_validate(est, X, Y, cv=CV, return_estimator=True)
    assert calls == [3]
    per_copy = _stacked.copy_bytes(together["estimator"][0]._spec_) / 2**20
    calls.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # the fit's own estimate
        apart = cross_validate(
            est.set_params(max_memory_mb=per_copy * 1.5),
            X,
            Y,
            cv=CV,
            return_estimator=True,
        )
    assert calls == [1, 1, 1]
    for a, b in zip(together["estimator"], apart["estimator"]):
        np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-5)

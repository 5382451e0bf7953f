"""Hostile inputs (property-based and table-driven), determinism across processes."""

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp import metrics as m
from skmultilabel_mlp.cli import main
from skmultilabel_mlp.datasets import load_arff, load_csv, load_npz
from skmultilabel_mlp.thresholds import tune_thresholds

# Examples per property test; hypothesis prints its statistics in CI
# (--hypothesis-show-statistics in pyproject's addopts).
FIT_EXAMPLES = 20
CHEAP_EXAMPLES = 60
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
    ],
}

DTYPES = st.sampled_from(
    ["float64", "float32", "float16", "int64", "bool", "object", "str"]
)


@st.composite
def arrays(draw, max_rows=6, max_cols=4, min_rows=0, min_cols=0):
    rows = draw(st.integers(min_rows, max_rows))
    cols = draw(st.integers(min_cols, max_cols))
    values = draw(
        hnp.arrays(
            np.float64,
            (rows, cols),
            elements=st.sampled_from([0.0, 1.0, 2.0, -1.0, 0.5, np.nan, np.inf]),
        )
    )
    dtype = draw(DTYPES)
    if dtype == "str":
        return values.astype(str)
    with np.errstate(invalid="ignore"):
        return values.astype(dtype) if dtype != "object" else values.astype(object)


def _same(a, b):
    if sp.issparse(a):
        return (a != b).nnz == 0
    if a.dtype.kind in "OUS":
        return a.dtype == b.dtype and np.array_equal(a.astype(str), b.astype(str))
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


@settings(max_examples=FIT_EXAMPLES, **SETTINGS)
@given(X=arrays(min_rows=0), Y=arrays(min_rows=0, max_cols=3))
def test_fit_succeeds_with_right_shapes_or_fails_clearly(X, Y):
    before = X.copy(), Y.copy()
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0)
    try:
        clf.fit(X, Y)
    except (ValueError, TypeError) as exc:
        assert any(
            word in str(exc)
            for word in (
                "X",
                "y",
                "Input",
                "sample",
                "feature",
                "label",
                "array",
                "rows",
                "dtype",
            )
        )
    else:
        proba = clf.predict_proba(X.astype(float))
        if isinstance(proba, list):  # outputs with their own classes (2, -1 ...)
            assert len(proba) == clf.n_outputs_
            for p in proba:
                np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
        else:
            assert proba.shape[0] == X.shape[0]
            assert proba.shape[1] in (clf.n_labels_, len(np.atleast_1d(clf.classes_)))
        proba = np.concatenate(proba, axis=1) if isinstance(proba, list) else proba
        assert np.all((proba >= 0) & (proba <= 1))
    assert _same(before[0], X) and _same(before[1], Y)


@pytest.fixture(scope="module")
def small_fitted():
    rng = np.random.RandomState(0)
    return MultiLabelMLPClassifier(epochs=1, random_state=0).fit(
        rng.normal(size=(20, 3)), (rng.rand(20, 2) < 0.5).astype(int)
    )


@settings(max_examples=CHEAP_EXAMPLES, **SETTINGS)
@given(X=arrays(max_cols=4))
def test_predict_succeeds_or_names_x(small_fitted, X):
    before = X.copy()
    for method in (small_fitted.predict, small_fitted.predict_proba):
        try:
            out = method(X)
        except (ValueError, TypeError) as exc:
            assert (
                "X" in str(exc)
                or "feature" in str(exc)
                or "sample" in str(exc)
                or "array" in str(exc)
            )
        else:
            assert out.shape == (X.shape[0], 2)
    assert _same(before, X)


TINY = np.finfo(np.float64).tiny


@pytest.fixture(scope="module")
def log_proba_models():
    """(fitted classifier, predict_proba width) pairs. Shared: never refit them.

    A multi-label model whose last label is constant (probability exactly 0,
    so the floored log-probability log(tiny)) and a binary one.
    """
    rng = np.random.RandomState(1)
    X = rng.normal(size=(20, 3))
    Y = (rng.rand(20, 3) < 0.5).astype(int)
    Y[:, 2] = 0
    multilabel = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(X, Y)
    binary = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(X, Y[:, 0])
    return [(multilabel, 3), (binary, 2)]


@settings(max_examples=CHEAP_EXAMPLES, **SETTINGS)
@given(
    X=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.just(3)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    )
)
def test_predict_log_proba_is_the_log_of_predict_proba(log_proba_models, X):
    for clf, width in log_proba_models:
        proba = clf.predict_proba(X)
        log_proba = clf.predict_log_proba(X)
        assert log_proba.shape == proba.shape == (X.shape[0], width)
        # a probability of exactly 0 (a saturated sigmoid, a constant label)
        # is floored at log(tiny): everything is finite and <= 0
        assert np.all(np.isfinite(log_proba))
        assert np.all(log_proba <= 0)
        np.testing.assert_array_equal(log_proba, np.log(np.maximum(proba, TINY)))
    multilabel = log_proba_models[0][0]
    assert np.all(multilabel.predict_log_proba(X)[:, 2] == np.log(TINY))


def _fit_outcome(X, y):
    """predict_proba of a fit on y, or the type of the error the fit raised."""
    try:
        clf = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(X, y)
    except (ValueError, TypeError) as exc:
        return type(exc)
    return clf.predict_proba(X)


@settings(max_examples=10, **SETTINGS)
@given(
    values=hnp.arrays(
        np.int8,
        st.tuples(st.just(20), st.integers(1, 3)),
        elements=st.sampled_from([0, 1, -1]),
    ),
    dtype=st.sampled_from(["Int64", "boolean"]),
)
def test_nullable_pandas_y_fits_like_floats_with_nan(values, dtype):
    # -1 marks an unknown entry: pd.NA in the nullable column, NaN in floats
    X = np.random.RandomState(0).normal(size=(20, 3))
    unknown = values == -1
    frame = pd.DataFrame(np.where(unknown, 0, values)).astype(dtype).mask(unknown)
    assert frame.isna().to_numpy().sum() == unknown.sum()
    floats = np.where(unknown, np.nan, values).astype(float)
    got, expected = _fit_outcome(X, frame), _fit_outcome(X, floats)
    if isinstance(expected, type):
        assert got is expected
    else:
        np.testing.assert_array_equal(got, expected)


@settings(max_examples=CHEAP_EXAMPLES, **SETTINGS)
@given(a=arrays(max_cols=3), b=arrays(max_cols=3))
def test_metrics_return_a_number_in_range_or_fail_clearly(a, b):
    before = a.copy(), b.copy()
    for fn in (m.hamming_loss, m.exact_match_score, m.hamming_score):
        try:
            value = fn(a, b)
        except (ValueError, TypeError) as exc:
            assert "y_true" in str(exc) or "y_pred" in str(exc)
        else:
            assert 0.0 <= value <= 1.0
    assert _same(before[0], a) and _same(before[1], b)


@settings(max_examples=CHEAP_EXAMPLES, **SETTINGS)
@given(y=arrays(max_cols=3), p=arrays(max_cols=3))
def test_tune_thresholds_returns_thresholds_or_fails_clearly(y, p):
    try:
        t = tune_thresholds(y, p)
    except (ValueError, TypeError) as exc:
        assert any(
            w in str(exc) for w in ("y_true", "y_proba", "predict_proba", "label")
        )
    else:
        assert t.shape == (y.shape[1],) and np.all((t >= 0) & (t <= 1))


@settings(max_examples=CHEAP_EXAMPLES, **SETTINGS)
@given(content=st.binary(max_size=200), kind=st.sampled_from(["arff", "csv", "npz"]))
def test_loaders_never_crash_on_garbage(tmp_path_factory, content, kind):
    path = tmp_path_factory.mktemp("g") / f"garbage.{kind}"
    path.write_bytes(content)
    try:
        if kind == "arff":
            load_arff(path, n_labels=1)
        elif kind == "csv":
            load_csv(path, labels=["a"])
        else:
            load_npz(path)
    except ValueError as exc:
        assert "garbage" in str(exc)


@settings(max_examples=CHEAP_EXAMPLES, **SETTINGS)
@given(
    argv=st.lists(
        st.sampled_from(
            ["demo", "--help", "--epochs", "x", "-1", "--nope", "evaluate", ""]
        ),
        max_size=3,
    )
)
def test_cli_exits_with_a_documented_code(argv):
    if (
        "demo" in argv
        and "--help" not in argv
        and "x" not in argv
        and "--nope" not in argv
    ):
        return  # a real run, covered by test_cli
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code in (0, 1, 2)


BAD_INPUTS = [
    (
        "object strings in X",
        lambda X, Y: (X.astype(str).astype(object) + "a", Y),
        ValueError,
        "could not convert",
    ),
    ("NaN in X", lambda X, Y: (np.where(X > 5, np.nan, X), Y), ValueError, "NaN"),
    ("inf in X", lambda X, Y: (np.where(X > 5, np.inf, X), Y), ValueError, "infinity"),
    ("empty X", lambda X, Y: (X[:0], Y[:0]), ValueError, "0 sample"),
    ("0 features", lambda X, Y: (X[:, :0], Y), ValueError, "0 feature"),
    # (integers or strings beyond 0/1 are outputs with their own classes)
    ("y not 0/1", lambda X, Y: (X, Y * 0.5), ValueError, "only 0 and 1"),
    ("length mismatch", lambda X, Y: (X[:-1], Y), ValueError, "rows but y has"),
    ("3-D X", lambda X, Y: (X[:, :, None], Y), ValueError, "3"),
    (
        "duplicated DataFrame columns",
        lambda X, Y: (X, pd.DataFrame(Y, columns=["a", "a", "b", "c"])),
        ValueError,
        "duplicated column names",
    ),
]


@pytest.mark.parametrize(
    "name, make, error, fragment", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_every_listed_bad_input_gets_its_error(
    multilabel_data, name, make, error, fragment
):
    X, Y = make(*multilabel_data)
    with pytest.raises(error, match=fragment):
        MultiLabelMLPClassifier(epochs=1).fit(X, Y)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok", "bsr", "dia"])
def test_every_sparse_format_is_accepted(multilabel_data, fmt):
    X, Y = multilabel_data
    Xs = sp.csr_matrix(X).asformat(fmt)
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(Xs, Y)
    assert clf.predict(Xs).shape == Y.shape


@pytest.mark.parametrize("dtype", ["float16", "int64", "bool", "float32"])
def test_numeric_dtypes_and_single_rows_work(multilabel_data, dtype):
    X, Y = multilabel_data
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0).fit(
        (X > 2).astype(dtype), Y
    )
    assert clf.predict_proba((X[:1] > 2).astype(dtype)).shape == (1, 4)


def test_one_training_row_fits():
    clf = MultiLabelMLPClassifier(epochs=1, random_state=0).fit([[1.0, 2.0]], [[1, 0]])
    assert clf.predict([[1.0, 2.0]]).shape == (1, 2)


_FIT_IN_A_PROCESS = """
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
from sklearn.datasets import make_multilabel_classification
from skmultilabel_mlp import MultiLabelMLPClassifier
X, Y = make_multilabel_classification(n_samples=200, n_features=8, n_classes=4, random_state=0)
clf = MultiLabelMLPClassifier((16, 8), epochs=5, dropout=0.2, random_state=7).fit(X, Y)
np.save(sys.argv[1], clf.predict_proba(X))
"""


def test_same_seed_gives_identical_predictions_across_processes(tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"p{i}.npy"
        subprocess.run(
            [sys.executable, "-c", textwrap.dedent(_FIT_IN_A_PROCESS), str(out)],
            check=True,
            capture_output=True,
        )
        outs.append(np.load(out))
    np.testing.assert_array_equal(outs[0], outs[1])

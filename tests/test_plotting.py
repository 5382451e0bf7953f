"""Each Display renders to a PNG with the Agg backend."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from sklearn.model_selection import cross_validate  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from skmultilabel_mlp import MultiLabelMLPClassifier  # noqa: E402
from skmultilabel_mlp.plotting import (  # noqa: E402
    CVScoresDisplay,
    PerLabelScoreDisplay,
    ThresholdCurveDisplay,
    TrainingHistoryDisplay,
)


@pytest.fixture(scope="module")
def fitted(multilabel_data):
    """Shared fitted classifier: never refit it."""
    X, Y = multilabel_data
    return MultiLabelMLPClassifier(
        epochs=5, early_stopping=True, validation_fraction=0.2, random_state=0
    ).fit(X, Y)


def _png(disp, tmp_path):
    path = tmp_path / "out.png"
    disp.figure_.savefig(path)
    matplotlib.pyplot.close(disp.figure_)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 2000


def test_per_label_scores(fitted, multilabel_data, tmp_path):
    X, Y = multilabel_data
    disp = PerLabelScoreDisplay.from_estimator(fitted, X, Y, metric="recall")
    np.testing.assert_allclose(
        sorted(disp.scores),
        sorted(
            __import__("sklearn").metrics.recall_score(
                Y, fitted.predict(X), average=None, zero_division=0
            )
        ),
    )
    assert len(disp.ax_.patches) == 4
    _png(disp, tmp_path)


def test_threshold_curves_mark_the_tuned_thresholds(fitted, multilabel_data, tmp_path):
    from skmultilabel_mlp.thresholds import tune_thresholds

    X, Y = multilabel_data
    disp = ThresholdCurveDisplay.from_estimator(fitted, X, Y)
    assert disp.curves.shape == (4, 101)
    np.testing.assert_allclose(disp.best, tune_thresholds(Y, fitted.predict_proba(X)))
    _png(disp, tmp_path)


def test_training_history_has_both_curves(fitted, tmp_path):
    disp = TrainingHistoryDisplay.from_estimator(fitted)
    assert len(disp.ax_.lines) == 2
    _png(disp, tmp_path)


def test_cv_box_plot_from_cv_results_and_records(multilabel_data, tmp_path):
    X, Y = multilabel_data
    results = {k: cross_validate(KNeighborsClassifier(k), X, Y, cv=3) for k in (1, 5)}
    disp = CVScoresDisplay.from_cv_results({f"knn{k}": r for k, r in results.items()})
    assert set(disp.scores) == {"knn1", "knn5"}
    _png(disp, tmp_path)
    records = [{"estimator": "a", "metric": "f1_micro", "value": v} for v in (0.5, 0.6)]
    disp = CVScoresDisplay.from_records(records)
    _png(disp, tmp_path)
    with pytest.raises(ValueError, match="no records for metric"):
        CVScoresDisplay.from_records(records, metric="lrap")


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'skmultilabel-mlp\[plot\]'"):
        PerLabelScoreDisplay([0.5], ["a"]).plot()

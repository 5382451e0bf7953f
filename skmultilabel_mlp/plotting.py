"""Pictures of multi-label results: ``*Display`` classes in scikit-learn's style.

Each Display computes its data in ``from_estimator`` / ``from_predictions`` (or
``from_records``), then draws with ``plot(ax=None)``, which sets ``ax_`` and
``figure_``. matplotlib is an optional extra, imported only inside ``plot``.
"""

import numpy as np

from ._proba import proba_to_matrix
from ._targets import check_indicator
from ._threshold_search import _count_scores, tune_thresholds
from ._utils import final_step

__all__ = [
    "CVScoresDisplay",
    "PerLabelScoreDisplay",
    "ThresholdCurveDisplay",
    "TrainingHistoryDisplay",
]


def _pyplot(who):
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            f"{who}.plot requires matplotlib: pip install 'skmultilabel-mlp[plot]'"
        ) from None
    return plt


def _axes(ax, who):
    plt = _pyplot(who)
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _finish(display, ax):
    """Record the drawn axes on the Display and return it (sklearn's convention)."""
    ax.figure.tight_layout()  # long label names must not be cut off
    display.ax_, display.figure_ = ax, ax.figure
    return display


def _names(estimator, n_labels, label_names=None):
    if label_names is not None:
        return [str(n) for n in label_names]
    final = final_step(estimator)
    names = getattr(final, "label_names_", None)
    return [str(n) for n in (range(n_labels) if names is None else names)]


class PerLabelScoreDisplay:
    """Bar chart of one score per label (F1, precision, recall, ...).

    Parameters
    ----------
    scores : ndarray of shape (n_labels,)
    label_names : list of str
    metric : str
        Axis label.
    """

    _METRICS = ("f1", "precision", "recall", "jaccard")

    def __init__(self, scores, label_names, metric="f1"):
        self.scores = np.asarray(scores, dtype=float)
        self.label_names = list(label_names)
        self.metric = metric

    @classmethod
    def from_predictions(
        cls, y_true, y_pred, *, metric="f1", label_names=None, ax=None
    ):
        """Compute per-label scores of predictions and plot them."""
        from sklearn import metrics as skm

        if metric not in cls._METRICS:
            raise ValueError(f"metric must be one of {cls._METRICS}, got {metric!r}.")
        Y, P = check_indicator(y_true, "y_true"), check_indicator(y_pred, "y_pred")
        fn = getattr(skm, f"{metric}_score")
        scores = fn(Y, P, average=None, zero_division=0.0)
        names = [
            str(n)
            for n in (label_names if label_names is not None else range(Y.shape[1]))
        ]
        return cls(scores, names, metric).plot(ax=ax)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, metric="f1", ax=None):
        """Predict ``X`` with a fitted estimator and plot its per-label scores."""
        Y = check_indicator(y, "y")
        names = _names(estimator, Y.shape[1])
        return cls.from_predictions(
            Y, estimator.predict(X), metric=metric, label_names=names, ax=ax
        )

    def plot(self, ax=None):
        """Draw horizontal bars, one per label, best at the top."""
        ax = _axes(ax, type(self).__name__)
        order = np.argsort(self.scores)
        ax.barh(
            [self.label_names[i] for i in order], self.scores[order], color="tab:blue"
        )
        ax.set_xlim(0, 1)
        ax.set_xlabel(self.metric)
        ax.set_title(f"{self.metric} per label")
        return _finish(self, ax)


class ThresholdCurveDisplay:
    """A metric against the decision threshold, one curve per label.

    Parameters
    ----------
    thresholds : ndarray of shape (n_points,)
    curves : ndarray of shape (n_labels, n_points)
    label_names : list of str
    best : ndarray of shape (n_labels,) or None
        Tuned thresholds, marked on the curves.
    metric : str
    """

    def __init__(self, thresholds, curves, label_names, best=None, metric="f1"):
        self.thresholds = thresholds
        self.curves = curves
        self.label_names = list(label_names)
        self.best = best
        self.metric = metric

    @classmethod
    def from_predictions(
        cls, y_true, y_proba, *, metric="f1", label_names=None, ax=None
    ):
        """F1 (or another tune_thresholds metric) of ``y_proba >= t`` for t in [0, 1]."""
        Y = check_indicator(y_true, "y_true")
        P = proba_to_matrix(y_proba, Y.shape[1])
        grid = np.linspace(0, 1, 101)
        ones = np.ones(Y.shape[0])
        curves = np.array(
            [
                _count_scores(Y[:, j], P[:, j], ones, grid, metric)
                for j in range(Y.shape[1])
            ]
        )
        best = tune_thresholds(Y, P, metric=metric)
        names = [
            str(n)
            for n in (label_names if label_names is not None else range(Y.shape[1]))
        ]
        return cls(grid, curves, names, best, metric).plot(ax=ax)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, metric="f1", ax=None):
        """Curves of a fitted estimator's probabilities on ``X``."""
        Y = check_indicator(y, "y")
        proba = proba_to_matrix(
            estimator.predict_proba(X), Y.shape[1], getattr(estimator, "classes_", None)
        )
        return cls.from_predictions(
            Y, proba, metric=metric, label_names=_names(estimator, Y.shape[1]), ax=ax
        )

    def plot(self, ax=None):
        """Draw one curve per label and mark each label's best threshold."""
        ax = _axes(ax, type(self).__name__)
        for j, name in enumerate(self.label_names):
            (line,) = ax.plot(self.thresholds, self.curves[j], label=name)
            if self.best is not None:
                k = np.argmin(np.abs(self.thresholds - self.best[j]))
                ax.plot(self.best[j], self.curves[j][k], "o", color=line.get_color())
        ax.axvline(0.5, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("threshold")
        ax.set_ylabel(self.metric)
        ax.set_title(f"{self.metric} against the threshold (dots: tuned)")
        if len(self.label_names) <= 12:
            ax.legend(fontsize="small")
        return _finish(self, ax)


class TrainingHistoryDisplay:
    """Loss per epoch of a fitted ``MultiLabelMLPClassifier`` (train and validation).

    Parameters
    ----------
    history : dict of list of float
        ``history_`` of the classifier.
    """

    def __init__(self, history):
        self.history = history

    @classmethod
    def from_estimator(cls, estimator, ax=None):
        """Read ``history_`` of a fitted classifier (or a Pipeline ending in one)."""
        final = final_step(estimator)
        if not hasattr(final, "history_"):
            raise ValueError(
                "the estimator has no history_: fit a MultiLabelMLPClassifier first."
            )
        return cls(final.history_).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the training loss and, when recorded, the validation loss."""
        ax = _axes(ax, type(self).__name__)
        for key, label in (("loss", "training"), ("val_loss", "validation")):
            if key in self.history:
                values = self.history[key]
                ax.plot(np.arange(1, len(values) + 1), values, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel("binary cross-entropy")
        ax.set_title("training history")
        ax.legend()
        return _finish(self, ax)


class CVScoresDisplay:
    """Box plot comparing estimators' cross-validation scores on one metric.

    Parameters
    ----------
    scores : dict of str -> array-like
        One array of fold scores per estimator.
    metric : str
    """

    def __init__(self, scores, metric):
        self.scores = {k: np.asarray(v, dtype=float) for k, v in scores.items()}
        self.metric = metric

    @classmethod
    def from_cv_results(cls, results, metric="score", ax=None):
        """From ``{name: cross_validate(...) result}``; uses ``test_<metric>``."""
        key = f"test_{metric}"
        missing = [name for name, res in results.items() if key not in res]
        if missing:
            raise ValueError(f"no {key!r} in the results of {missing}.")
        return cls({name: res[key] for name, res in results.items()}, metric).plot(
            ax=ax
        )

    @classmethod
    def from_records(cls, records, metric="f1_micro", ax=None):
        """From :func:`~skmultilabel_mlp.benchmark.run_benchmark` records (or a DataFrame)."""
        import pandas as pd

        frame = (
            records
            if isinstance(records, pd.DataFrame)
            else pd.DataFrame(list(records))
        )
        chosen = frame[frame["metric"] == metric]
        if chosen.empty:
            raise ValueError(
                f"no records for metric {metric!r}; have {sorted(set(frame['metric']))}."
            )
        scores = {
            name: block["value"].to_numpy()
            for name, block in chosen.groupby("estimator", sort=False)
        }
        return cls(scores, metric).plot(ax=ax)

    def plot(self, ax=None):
        """Draw one box per estimator, best median at the top."""
        ax = _axes(ax, type(self).__name__)
        names = sorted(self.scores, key=lambda n: np.median(self.scores[n]))
        ax.boxplot([self.scores[n] for n in names], orientation="horizontal")
        ax.set_yticks(range(1, len(names) + 1), names)
        ax.set_xlabel(self.metric)
        ax.set_title(f"cross-validation {self.metric}")
        return _finish(self, ax)

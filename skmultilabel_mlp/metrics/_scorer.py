"""Scorer objects and the name -> scorer table behind ``metrics.get_scorer``.

A scorer here is a callable ``scorer(estimator, X, y_true, sample_weight=None)``
that works on any multi-label estimator: probabilities go through
``proba_to_matrix`` once, so ``MultiOutputClassifier``'s list of ``(n, 2)`` arrays,
``MLPClassifier``'s two-label ``classes_ == [0, 1]`` and labels seen with one
class only all score the same way. A one-column or 1-D 0/1 ``y_true`` is one
label: every average is that label's score (see ``_averaging``).
"""

import re
import warnings
from functools import lru_cache, partial

import numpy as np
from sklearn import metrics as skm

from .._proba import proba_to_matrix
from .._targets import check_indicator
from .._utils import final_step
from . import _multilabel as m
from . import _multioutput as mo
from . import _output_log_loss
from ._averaging import (
    average_precision,
    label_averaged,
    per_label_metric,
    roc_auc,
)
from ._ranking import ranking_scorer

__all__ = [
    "MultilabelScorer",
    "OutputLogLossScorer",
    "get_scorer",
]

_AVERAGES = ("micro", "macro", "weighted", "samples")
_LABEL_METRICS = ("f1", "precision", "recall", "roc_auc", "average_precision")


def _classes(estimator):
    try:
        return estimator.classes_
    except AttributeError:
        return None


def _proba(estimator, X, n_labels, scorer_name):
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"scorer {scorer_name!r} needs probabilities but "
            f"{type(final_step(estimator)).__name__} has no predict_proba; use a "
            "scorer on predictions (e.g. 'f1_micro', 'hamming_loss'), or "
            "multilabel_scoring(proba=False)."
        )
    return proba_to_matrix(estimator.predict_proba(X), n_labels, _classes(estimator))


class MultilabelScorer:
    """``scorer(estimator, X, y_true)`` for one multi-label metric.

    Parameters
    ----------
    name : str
        The scorer's name in :func:`get_scorer`.
    metric : callable
        ``metric(Y_true, Y_pred_or_proba, sample_weight=..., **kwargs) -> float``.
    response : {"predict", "predict_proba"}
        What the metric is computed on.
    sign : {1, -1}
        -1 for losses, so that greater is always better (sklearn's convention).
    label : int, str or None
        For per-label scorers: the label's index or name.
    """

    def __init__(self, name, metric, response="predict", sign=1, label=None, **kwargs):
        self.name = name
        self.metric = metric
        self.response = response
        self.sign = sign
        self.label = label
        self.kwargs = kwargs

    def __call__(self, estimator, X, y_true, sample_weight=None):
        Y = check_indicator(y_true, "y_true")
        if self.response == "predict_proba":
            out = _proba(estimator, X, Y.shape[1], self.name)
        else:
            out = check_indicator(estimator.predict(X), "predictions")
        return self._score(Y, out, estimator, sample_weight)

    def _score(self, Y, out, estimator, sample_weight, label_names=None):
        if self.label is not None:
            j = _label_index(self.label, estimator, label_names, Y.shape[1])
            Y, out = Y[:, j], out[:, j]
        value = self.metric(Y, out, sample_weight=sample_weight, **self.kwargs)
        return self.sign * float(value)

    def __repr__(self):
        return f"MultilabelScorer({self.name!r})"


def _label_index(label, estimator, label_names, n_labels):
    if isinstance(label, (int, np.integer)) and 0 <= label < n_labels:
        return int(label)  # an index given by multilabel_scoring
    names = getattr(final_step(estimator), "label_names_", None)
    if names is None:
        names = label_names
    if names is not None:
        for j, name in enumerate(names):
            if name == label or str(name) == str(label):
                return j
    if isinstance(label, (int, np.integer)) or str(label).isdigit():
        j = int(label)
        if 0 <= j < n_labels:
            return j
    raise ValueError(
        f"label {label!r} is not among the estimator's labels "
        f"{list(names) if names is not None else list(range(n_labels))}."
    )


@lru_cache(maxsize=1)
def _table():
    def averaged(fn, average):
        return partial(label_averaged, fn, average=average, zero_division=0.0)

    table = {
        "exact_match": (m.exact_match_score, "predict", 1),
        "accuracy": (m.exact_match_score, "predict", 1),
        "hamming_loss": (m.hamming_loss, "predict", -1),
        "neg_hamming_loss": (m.hamming_loss, "predict", -1),
        "hamming_score": (m.hamming_score, "predict", 1),
        "mean_bce": (m.mean_binary_cross_entropy, "predict_proba", -1),
        "neg_mean_bce": (m.mean_binary_cross_entropy, "predict_proba", -1),
        "lrap": (m.label_ranking_average_precision_score, "predict_proba", 1),
        "label_ranking_loss": (m.label_ranking_loss, "predict_proba", -1),
        "coverage_error": (m.coverage_error, "predict_proba", -1),
        "roc_auc": (partial(roc_auc, average="macro"), "predict_proba", 1),
        "average_precision": (
            partial(average_precision, average="macro"),
            "predict_proba",
            1,
        ),
    }
    for avg in _AVERAGES:
        for name, fn in [
            ("f1", skm.f1_score),
            ("precision", skm.precision_score),
            ("recall", skm.recall_score),
            ("jaccard", skm.jaccard_score),
        ]:
            table[f"{name}_{avg}"] = (averaged(fn, avg), "predict", 1)
        table[f"roc_auc_{avg}"] = (partial(roc_auc, average=avg), "predict_proba", 1)
        table[f"average_precision_{avg}"] = (
            partial(average_precision, average=avg),
            "predict_proba",
            1,
        )
    return table


class OutputLogLossScorer:
    """``-mean_output_log_loss`` of ``predict_proba``, against ``classes_``.

    ``make_scorer`` cannot hand the metric ``classes_``, which says what each
    output's probability columns stand for.
    """

    def __call__(self, estimator, X, y_true, sample_weight=None):
        classes = _classes(estimator)
        if classes is None or not hasattr(estimator, "predict_proba"):
            raise TypeError(
                "scorer 'neg_mean_output_log_loss' needs predict_proba and classes_ "
                f"but {type(final_step(estimator)).__name__} lacks them; use "
                "'mean_output_accuracy' or 'multioutput_exact_match'."
            )
        proba = estimator.predict_proba(X)
        return -_output_log_loss.mean_output_log_loss(
            y_true, proba, classes=classes, sample_weight=sample_weight
        )

    def __repr__(self):
        return "OutputLogLossScorer()"


def _on_predict(metric):
    return partial(skm.make_scorer, metric, response_method="predict")


# name -> a factory, so that each get_scorer call returns a scorer of its own
_MULTIOUTPUT = {
    "multioutput_exact_match": _on_predict(mo.multioutput_exact_match),
    "mean_output_accuracy": _on_predict(mo.mean_output_accuracy),
    "mean_output_macro_f1": _on_predict(mo.mean_output_macro_f1),
    "neg_mean_output_log_loss": OutputLogLossScorer,
}


_PER_LABEL = re.compile(rf"^({'|'.join(_LABEL_METRICS)})_label:(.+)$")


def get_scorer(name):
    """A scorer by name: the package's multi-label names, then scikit-learn's.

    Parameters
    ----------
    name : str or callable
        One of ``"exact_match"`` (= ``"accuracy"``), ``"hamming_loss"`` (negated),
        ``"hamming_score"``, ``"mean_bce"`` (negated mean binary cross-entropy),
        ``"lrap"``, ``"label_ranking_loss"`` and ``"coverage_error"`` (negated),
        ``"roc_auc[_avg]"``, ``"average_precision[_avg]"``,
        ``"{f1,precision,recall,jaccard}_{micro,macro,weighted,samples}"``, or a
        per-label ``"{f1,precision,recall,roc_auc,average_precision}_label:<name or
        index>"``, ``"{precision,recall,ndcg}_at_<k>"`` (ranking measures of
        ``predict_proba``, see :func:`precision_at_k`). For outputs with more
        than two classes (a 2-D ``y`` of any dtype, e.g.
        ``RandomForestClassifier``'s multi-output targets): ``"multioutput_exact_match"``, ``"mean_output_accuracy"``,
        ``"mean_output_macro_f1"`` and ``"neg_mean_output_log_loss"`` (from
        ``predict_proba`` and ``classes_``). Other names go to
        :func:`sklearn.metrics.get_scorer`. A callable is returned unchanged.
        With one label (a one-column or 1-D 0/1 ``y``) the macro, micro and
        weighted averages are that label's score, e.g. ``f1_score(y_true,
        y_pred)``, and samplewise ones are means over rows.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y_true, sample_weight=None) -> float``, greater is
        better.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import get_scorer
    >>> get_scorer("hamming_loss")
    MultilabelScorer('hamming_loss')
    """
    if callable(name):
        return name
    if (ranking := ranking_scorer(name)) is not None:
        return ranking
    match = _PER_LABEL.match(name)
    if match:
        metric, response = per_label_metric(match.group(1))
        label = match.group(2)
        return MultilabelScorer(name, metric, response, label=label)
    table = _table()
    if name in table:
        metric, response, sign = table[name]
        return MultilabelScorer(name, metric, response, sign)
    if name in _MULTIOUTPUT:
        return _MULTIOUTPUT[name]()
    if name == "neg_log_loss":
        warnings.warn(
            "sklearn's 'neg_log_loss' on multi-label targets ignores the negative "
            "labels (a model predicting every label scores about 0); use 'mean_bce' "
            "for the mean binary cross-entropy.",
            UserWarning,
            stacklevel=2,
        )
    try:
        return skm.get_scorer(name)
    except ValueError:
        raise ValueError(
            f"unknown scorer {name!r}; multi-label names are {sorted(table)}, "
            "'<metric>_label:<name>' and '{precision,recall,ndcg}_at_<k>', "
            f"multi-output names are {sorted(_MULTIOUTPUT)}; sklearn's names are in "
            "sklearn.metrics.get_scorer_names()."
        ) from None

"""The multi-label metric panel: every scorer at once, for ``cross_validate``
and ``GridSearchCV``, and the per-label summary of its results.

:func:`multilabel_scoring` builds a :class:`ScoringPanel`, a dict of the
scorers of :mod:`._scorer` that is also one scorer (one ``predict`` and one
``predict_proba`` per fold for every metric); :func:`per_label_summary` reads
its per-label keys back out of ``cv_results``.
"""

import re

import numpy as np
import pandas as pd

from .._targets import check_indicator
from .._utils import final_step
from ._averaging import per_label_metric
from ._scorer import _LABEL_METRICS, MultilabelScorer, _proba, _table, get_scorer

__all__ = ["ScoringPanel", "multilabel_scoring", "per_label_summary"]


def _label_f1(j):
    metric, response = per_label_metric("f1")
    return MultilabelScorer(f"f1_label:{j}", metric, response, label=j)


_PANEL = (
    "exact_match",
    "hamming_loss",
    "f1_micro",
    "f1_macro",
    "f1_samples",
    "roc_auc_macro",
    "mean_bce",
    "lrap",
)


class ScoringPanel(dict):
    """The multi-label metric panel: a dict of scorers that is also one scorer.

    As a dict (name -> scorer) it goes anywhere scikit-learn takes a dict of
    scorers. scikit-learn's ``cross_validate`` and ``GridSearchCV`` call it as one
    callable that returns every score, so each fold costs one ``predict`` and one
    ``predict_proba`` instead of one per metric, and the per-label F1 keys follow
    the estimator's ``label_names_`` (or label indices) when no names were given.
    """

    def __init__(self, scorers, per_label, label_names):
        super().__init__(scorers)
        self.per_label = per_label
        self.label_names = label_names

    def __call__(self, estimator, X, y_true, sample_weight=None):
        Y = check_indicator(y_true, "y_true")
        y_pred = check_indicator(estimator.predict(X), "predictions")
        needs_proba = any(s.response == "predict_proba" for s in self.values())
        proba = (
            _proba(estimator, X, Y.shape[1], "multilabel_scoring")
            if needs_proba
            else None
        )
        scores = {}
        for name, scorer in self._scorers_for(estimator, Y.shape[1]).items():
            out = proba if scorer.response == "predict_proba" else y_pred
            scores[name] = scorer._score(
                Y, out, estimator, sample_weight, self.label_names
            )
        return scores

    def _scorers_for(self, estimator, n_labels):
        if not self.per_label or self.label_names is not None:
            return dict(self)
        names = getattr(final_step(estimator), "label_names_", None)
        names = list(range(n_labels)) if names is None else list(names)
        extra = {f"f1_label:{n}": _label_f1(j) for j, n in enumerate(names)}
        return {**self, **extra}


def multilabel_scoring(label_names=None, per_label=True, proba=True):
    """Every multi-label scorer at once, for ``cross_validate`` and ``GridSearchCV``.

    Parameters
    ----------
    label_names : list, int or None, default=None
        Names of the labels (or their number) for the per-label F1 keys
        ``"f1_label:<name>"``. With None they come from the estimator's
        ``label_names_`` (or are label indices) at scoring time.
    per_label : bool, default=True
        Include one F1 per label.
    proba : bool, default=True
        Include the scorers that need ``predict_proba`` (macro ROC AUC, mean
        binary cross-entropy, LRAP); set False for estimators without it.

    Returns
    -------
    scoring : ScoringPanel
        A dict of scorers (``exact_match``, ``hamming_loss`` (negated),
        ``f1_micro``, ``f1_macro``, ``f1_samples``, ``roc_auc_macro``,
        ``mean_bce`` (negated), ``lrap`` and ``f1_label:<name>`` per label) that is
        also a callable returning all of them; pass it as ``scoring=`` and pick
        ``refit="hamming_loss"`` (or any key) in a grid search.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import multilabel_scoring
    >>> sorted(multilabel_scoring(["a", "b"]))[:3]
    ['exact_match', 'f1_label:a', 'f1_label:b']
    """
    names = _PANEL if proba else tuple(n for n in _PANEL if _table()[n][1] == "predict")
    scorers = {name: get_scorer(name) for name in names}
    if isinstance(label_names, (int, np.integer)):
        label_names = list(range(int(label_names)))
    if per_label and label_names is not None:
        label_names = list(label_names)
        for j, name in enumerate(label_names):
            scorers[f"f1_label:{name}"] = _label_f1(j)
    return ScoringPanel(scorers, per_label, label_names)


def per_label_summary(cv_results, split="test"):
    """Mean and std per label of every per-label score in ``cross_validate`` output.

    Parameters
    ----------
    cv_results : dict
        The result of ``cross_validate`` (or ``GridSearchCV.cv_results_`` of one
        candidate) with keys such as ``"test_f1_label:sports"``.
    split : {"test", "train"}, default="test"

    Returns
    -------
    summary : pandas.DataFrame
        One row per label; columns ``(metric, "mean")`` and ``(metric, "std")``.
    """
    pattern = re.compile(rf"^{split}_({'|'.join(_LABEL_METRICS)})_label:(.+)$")
    rows = {}
    for key, values in cv_results.items():
        match = pattern.match(key)
        if match:
            values = np.asarray(values, dtype=float)
            entry = rows.setdefault(match.group(2), {})
            entry[(match.group(1), "mean")] = np.nanmean(values)
            entry[(match.group(1), "std")] = np.nanstd(values)
    if not rows:
        raise ValueError(
            f"cv_results has no '{split}_<metric>_label:<name>' keys; score with "
            "multilabel_scoring() or '<metric>_label:<name>' scorers."
        )
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    frame.index.name = "label"
    return frame.sort_index(axis=1)

"""Threshold rules: no tuning, one global threshold, or per-label thresholds.

What a rule gives for a ``scoring`` (:func:`thresholds_for_rule`), how a
prediction is judged by it (:func:`score_predictions`), and the choice between
rules by cross-fitting on out-of-fold rows (:func:`choose_threshold_rule`):
each rule is tuned on one half of the rows and judged on the other, both ways,
and a more complex rule must gain clearly (by a bootstrap margin) to be chosen.
Used by :class:`~skmultilabel_mlp.thresholds.TunedThresholdMultiLabelClassifier`
and :class:`~skmultilabel_mlp.MultiLabelMLPClassifierCV`. Pure NumPy.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._threshold_counts import from_counts, row_scores
from ._threshold_search import common_threshold, tune_thresholds

__all__ = [
    "DEFAULT_GLOBAL_MARGIN",
    "DEFAULT_MARGIN",
    "DEFAULT_MIN_POSITIVES",
    "DEFAULT_SHRINKAGE",
    "RULES",
    "choose_threshold_rule",
    "cross_fit_rules",
    "pick_rule",
    "score_predictions",
    "thresholds_for_rule",
]

#: the rules, simplest first (a more complex one must earn its place)
RULES = ("none", "global", "per_label")
# Chosen by cross-validation on the training rows of eight MULAN data sets
# (benchmarks/results/thresholds_rules.md): the standard errors a more complex
# rule must gain by, and the per-label rule's shrinkage and min_positives
# (inside that choice, shrinking per-label thresholds lost gains and kept no
# test split from backfiring that the margin did not).
DEFAULT_MARGIN = 2.0
DEFAULT_GLOBAL_MARGIN = 0.0
DEFAULT_SHRINKAGE = 0.0
DEFAULT_MIN_POSITIVES = 0
_ROW_METRICS = ("f1_samples", "jaccard_samples", "exact_match")
_LABEL_MEANS = {"f1_macro": "f1"}


def score_predictions(Y, pred, scoring):
    """``scoring`` of 0/1 predictions, higher is better (``-hamming_loss``).

    Unknown (NaN) entries of ``Y`` are left out. A label-wise scoring ("f1",
    "accuracy", ..., or a callable of one label's column) is its mean over
    labels, the quantity per-label thresholds maximise.
    """
    Y = np.asarray(Y, dtype=float)
    return float(_weighted_scores(Y, pred, scoring, np.ones((1, Y.shape[0])))[0])


def _weighted_scores(Y, pred, scoring, W):
    """``scoring`` under each row weighting ``W[b]`` (``(n_weightings,)``),
    from per-row confusion counts: one product per count, not one call per
    weighting (integer weights count as repeated rows)."""
    known = ~np.isnan(Y)
    pos = np.where(known, Y, 0).astype(bool)
    pred = np.asarray(pred).astype(bool) & known
    tp, fp, fn = pred & pos, pred & ~pos, ~pred & pos
    if scoring in _ROW_METRICS:
        s = row_scores(scoring, tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1))
        return W @ s / np.maximum(W.sum(axis=1), 1e-300)
    if scoring == "f1_micro":
        rows = [W @ c.sum(axis=1) for c in (tp, fp, fn)]
        return from_counts("f1", *rows, 0.0)
    if scoring == "hamming_loss":
        return -(W @ (fp | fn).sum(axis=1)) / np.maximum(W @ known.sum(axis=1), 1)
    if callable(scoring):
        return np.array([_callable_score(Y, pred, known, scoring, w) for w in W])
    name = _LABEL_MEANS.get(scoring, scoring)
    tn = known & ~pred & ~pos
    labels = [W @ c.astype(float) for c in (tp, fp, fn, tn)]  # each (n_w, n_labels)
    return from_counts(name, *labels).mean(axis=1)


def _callable_score(Y, pred, known, metric, weights):
    out = []
    for j, k in enumerate(known.T):
        rows = np.repeat(np.flatnonzero(k), weights[k].astype(int))
        out.append(metric(Y[rows, j].astype(int), pred[rows, j].astype(int)))
    return float(np.mean(out))


def thresholds_for_rule(
    rule,
    Y,
    proba,
    scoring,
    *,
    shrinkage=DEFAULT_SHRINKAGE,
    min_positives=DEFAULT_MIN_POSITIVES,
):
    """The thresholds ``(n_labels,)`` that ``rule`` tunes for ``scoring``.

    ``"none"``: 0.5 everywhere. ``"global"``: the best threshold common to all
    labels (:func:`~skmultilabel_mlp._threshold_search.common_threshold`).
    ``"per_label"``: :func:`tune_thresholds` with ``shrinkage`` and
    ``min_positives``. ``Y`` may hold NaN (unknown).
    """
    Y = np.asarray(Y, dtype=float)
    proba = np.asarray(proba, dtype=float)
    n_labels = Y.shape[1]
    if rule == "none":
        return np.full(n_labels, 0.5)
    if rule == "global":
        return np.full(n_labels, common_threshold(Y, proba, scoring))
    return np.asarray(
        tune_thresholds(
            Y,
            proba,
            metric=scoring,
            per_label=True,
            shrinkage=shrinkage,
            min_positives=min_positives,
        ),
        dtype=float,
    )


def choose_threshold_rule(
    Y,
    proba,
    scoring,
    *,
    rules=("global", "per_label"),
    shrinkage=DEFAULT_SHRINKAGE,
    min_positives=DEFAULT_MIN_POSITIVES,
    margin=DEFAULT_MARGIN,
    global_margin=DEFAULT_GLOBAL_MARGIN,
    n_bootstrap=200,
    random_state=None,
):
    """The rule of ``rules`` to use, by cross-fitting on out-of-fold rows.

    The rows are split at random into two halves; each rule is tuned on one
    half (:func:`thresholds_for_rule`) and predicts the other, both ways, and
    the pooled predictions are scored (:func:`score_predictions`). Going from
    the simplest rule (``none`` < ``global`` < ``per_label``), a rule replaces
    the one chosen so far only when it scores higher by more than ``margin``
    standard errors of the difference (a bootstrap of the rows): per-label
    thresholds must show that they gain, not merely that they do not lose.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        True 0/1 labels, NaN unknown.
    proba : array-like of shape (n_samples, n_labels)
        Out-of-fold probabilities of ``Y``'s rows.
    scoring : str or callable
        A ``metric`` of :func:`tune_thresholds`; the judge is
        :func:`score_predictions`.
    rules : sequence of {"none", "global", "per_label"}, default=("global", "per_label")
    shrinkage, min_positives :
        Of the per-label rule (:func:`tune_thresholds`).
    margin : float, default=2.0
        Standard errors per-label thresholds must gain by over the rule chosen
        before them; 0 takes the better cross-fitted score. 2 was chosen by
        cross-validation on the training rows of eight MULAN data sets
        (benchmarks/results/thresholds_rules.md).
    global_margin : float, default=0.0
        The same for one global threshold over the untuned 0.5 (``"none"``),
        chosen by that measurement too.
    n_bootstrap : int, default=200
    random_state : int, RandomState instance or None, default=None
        The halves and the bootstrap.

    Returns
    -------
    rule : str
        One of ``rules``.
    scores : dict of str -> float
        Each rule's cross-fitted score, higher is better (the chosen rule's
        is the highest only when the gain was clear enough).
    """
    rules = [r for r in RULES if r in rules]
    if len(rules) == 1 or np.shape(Y)[0] < 2:
        return rules[0], {}
    scores, boot = cross_fit_rules(
        Y,
        proba,
        scoring,
        rules=rules,
        shrinkage=shrinkage,
        min_positives=min_positives,
        n_bootstrap=n_bootstrap,
        random_state=random_state,
    )
    return pick_rule(scores, boot, margin, global_margin), scores


def cross_fit_rules(
    Y,
    proba,
    scoring,
    *,
    rules,
    shrinkage=DEFAULT_SHRINKAGE,
    min_positives=DEFAULT_MIN_POSITIVES,
    n_bootstrap=200,
    random_state=None,
):
    """``(scores, bootstrap scores)`` of each rule's cross-fitted predictions
    (the evidence :func:`choose_threshold_rule` weighs; ``rules`` in order)."""
    Y = np.asarray(Y, dtype=float)
    proba = np.asarray(proba, dtype=float)
    n = Y.shape[0]
    rng = check_random_state(random_state)
    half = rng.permutation(n) < n // 2
    preds = {}
    for rule in rules:
        preds[rule] = np.zeros(Y.shape, dtype=bool)
        for a, b in ((half, ~half), (~half, half)):
            t = thresholds_for_rule(
                rule,
                Y[a],
                proba[a],
                scoring,
                shrinkage=shrinkage,
                min_positives=min_positives,
            )
            preds[rule][b] = proba[b] >= t
    scores = {rule: score_predictions(Y, preds[rule], scoring) for rule in rules}
    boot = {rule: [] for rule in rules}
    for start in range(0, n_bootstrap, 25):  # chunks bound the memory
        W = rng.poisson(1.0, size=(min(25, n_bootstrap - start), n)).astype(float)
        for rule in rules:
            boot[rule].append(_weighted_scores(Y, preds[rule], scoring, W))
    return scores, {rule: np.concatenate(b) for rule, b in boot.items()}


def pick_rule(scores, boot, margin=DEFAULT_MARGIN, global_margin=DEFAULT_GLOBAL_MARGIN):
    """From the first (simplest) rule on, a rule replaces the one chosen so far
    when it scores higher by more than ``margin`` bootstrap standard errors
    (``global_margin`` for ``global`` over ``none``)."""
    rules = list(scores)
    chosen = rules[0]
    for rule in rules[1:]:
        needed = global_margin if rule == "global" else margin
        gain = boot[rule] - boot[chosen]
        if scores[rule] > scores[chosen] and gain.mean() > needed * gain.std():
            chosen = rule
    return chosen

"""How ``MultiLabelMLPClassifierCV`` judges its threshold rules.

For each ``scoring`` the CV estimator accepts: the search's scorer, the
metric a threshold rule is judged by, and the ``tune_thresholds`` arguments of
one global and of per-label thresholds; then the rule chosen by cross-fitting
on out-of-fold probabilities (each rule tuned on one half of the rows and
scored on the other, both ways).
"""

import numpy as np
from sklearn import metrics as skm

from ._threshold_search import tune_thresholds

__all__ = ["SCORINGS", "choose_rule", "tune_rule"]

#: scoring -> (the search's scorer, how a threshold rule is judged, the
#: ``tune_thresholds`` arguments of one global and of per-label thresholds)
SCORINGS = {
    "f1_micro": (
        "f1_micro",
        lambda Y, P: skm.f1_score(Y, P, average="micro", zero_division=0),
        {"metric": "f1", "per_label": False},
        {"metric": "f1", "per_label": True},
    ),
    "f1_macro": (
        "f1_macro",
        lambda Y, P: skm.f1_score(Y, P, average="macro", zero_division=0),
        {"metric": "f1_macro", "per_label": False},
        {"metric": "f1", "per_label": True},
    ),
    "f1_samples": (
        "f1_samples",
        lambda Y, P: skm.f1_score(Y, P, average="samples", zero_division=0),
        {"metric": "f1_samples", "per_label": False},
        None,
    ),
    "hamming_loss": (
        "hamming_loss",
        lambda Y, P: -skm.hamming_loss(Y, P),
        {"metric": "accuracy", "per_label": False},
        {"metric": "accuracy", "per_label": True},
    ),
    "exact_match": (
        "exact_match",
        skm.accuracy_score,
        {"metric": "exact_match", "per_label": False},
        None,
    ),
}


def tune_rule(rule, scoring, Y, proba):
    """The thresholds of ``rule`` ("none", "global" or "per_label") tuned on
    ``(Y, proba)`` for ``scoring``: (n_labels,)."""
    n_labels = Y.shape[1]
    if rule == "none":
        return np.full(n_labels, 0.5)
    _, _, global_args, label_args = SCORINGS[scoring]
    args = global_args if rule == "global" else label_args
    return np.broadcast_to(
        np.asarray(tune_thresholds(Y, proba, **args), dtype=float), (n_labels,)
    ).copy()


def choose_rule(threshold, scoring, random_state, Y, proba, judge):
    """The threshold rule by cross-fitting on the out-of-fold rows: each
    rule is tuned on one half and scored by ``judge`` on the other, both ways.

    Returns the rule and each rule's score (the forced rule's alone when
    ``threshold`` is not ``"auto"``)."""
    if threshold != "auto":
        rules = [threshold]
    else:
        rules = ["none", "global"]
        if SCORINGS[scoring][3] is not None:
            rules.append("per_label")
    rng = np.random.RandomState(random_state)
    half = rng.permutation(Y.shape[0]) < Y.shape[0] // 2
    scores = {}
    for rule in rules:
        total = 0.0
        for a, b in ((half, ~half), (~half, half)):
            t = tune_rule(rule, scoring, Y[a], proba[a])
            total += judge(Y[b], (proba[b] >= t).astype(int)) * b.sum()
        scores[rule] = total / Y.shape[0]
    # among equal scores, the simpler rule (fewer thresholds fitted)
    best = max(rules, key=lambda r: (round(scores[r], 12), -rules.index(r)))
    return best, scores

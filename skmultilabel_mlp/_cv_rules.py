"""How ``MultiLabelMLPClassifierCV`` judges its threshold rules.

For each ``scoring`` the CV estimator accepts: the search's scorer, the
metric a threshold rule is judged by, and the ``tune_thresholds`` arguments of
one global and of per-label thresholds; then the rule chosen by cross-fitting
on out-of-fold probabilities (each rule tuned on one half of the rows and
scored on the other, both ways), optionally under a cap on how much a rule
may raise the Hamming loss above the 0.5 threshold's (a share of it).
"""

import numpy as np
from sklearn import metrics as skm

from ._threshold_counts import candidates, counts, from_counts
from ._threshold_search import tune_thresholds

__all__ = ["SCORINGS", "capped_global", "choose_candidate", "choose_rule", "tune_rule"]

# scores equal to 12 decimals are ties; errors within this share are "no more"
_TIE = 1e-12
# the capped global threshold's candidates: the cap leaves a narrow band of
# thresholds near 0.5, which 256 quantiles of all probabilities would miss
_MAX_CANDIDATES = 4096
# of which it scores at most this many feasible ones with a whole-matrix
# scoring other than micro-F1 (one metric call each)
_MAX_SCORED = 64

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


def tune_rule(rule, scoring, Y, proba, max_increase=None):
    """The thresholds of ``rule`` ("none", "global" or "per_label") tuned on
    ``(Y, proba)`` for ``scoring``: (n_labels,). With ``max_increase`` (not
    None), the global threshold is :func:`capped_global`'s."""
    n_labels = Y.shape[1]
    if rule == "none":
        return np.full(n_labels, 0.5)
    _, _, global_args, label_args = SCORINGS[scoring]
    if rule == "global" and max_increase is not None and scoring != "hamming_loss":
        return np.full(n_labels, capped_global(Y, proba, scoring, max_increase))
    args = global_args if rule == "global" else label_args
    return np.broadcast_to(
        np.asarray(tune_thresholds(Y, proba, **args), dtype=float), (n_labels,)
    ).copy()


def capped_global(Y, proba, scoring, max_increase):
    """The one threshold that maximises ``scoring`` among those whose Hamming
    loss on ``(Y, proba)`` is at most ``1 + max_increase`` times the 0.5
    threshold's; 0.5 when no other candidate is as good.

    Candidates are 0.5 and the midpoints between distinct probabilities (at
    most ``_MAX_CANDIDATES`` quantiles of them), all counted from one sort;
    micro-F1 is scored from those confusion counts, any other scoring on at
    most ``_MAX_SCORED`` feasible candidates spread evenly in order."""
    y, p = Y.ravel().astype(float), proba.ravel()
    cands = np.concatenate([[0.5], candidates(p, _MAX_CANDIDATES)])
    tp, fp, fn, tn = counts(y, p, np.ones_like(p), cands)
    errors = fp + fn  # errors[0]: the 0.5 threshold's
    feasible = errors <= errors[0] * (1 + max_increase) * (1 + _TIE)
    cands = cands[feasible]
    if scoring == "f1_micro":
        scores = from_counts(
            "f1", tp[feasible], fp[feasible], fn[feasible], tn[feasible]
        )
    else:
        keep = np.unique(np.linspace(1, cands.size - 1, _MAX_SCORED).astype(int))
        cands = np.concatenate([[0.5], cands[keep]]) if cands.size > 1 else cands
        judge = SCORINGS[scoring][1]
        scores = np.array([judge(Y, (proba >= t).astype(int)) for t in cands])
    top = np.flatnonzero(scores >= scores.max() - _TIE)
    # among equal scores, the one closest to 0.5 (0.5 itself first)
    return float(cands[top[np.argmin(np.abs(cands[top] - 0.5))]])


def choose_rule(threshold, scoring, random_state, Y, proba, judge, max_increase=None):
    """The threshold rule by cross-fitting on the out-of-fold rows: each
    rule is tuned on one half and scored by ``judge`` on the other, both ways.

    Returns the rule, each rule's score and each rule's cross-fitted Hamming
    loss (the forced rule's alone when ``threshold`` is not ``"auto"``). With
    ``max_increase`` (not None), the global threshold is capped
    (:func:`capped_global`), and ``"auto"`` chooses among the rules whose
    cross-fitted Hamming loss is at most ``1 + max_increase`` times the 0.5
    threshold's (0.5 itself always qualifies)."""
    if threshold != "auto":
        rules = [threshold]
    else:
        rules = ["none", "global"]
        if SCORINGS[scoring][3] is not None:
            rules.append("per_label")
    rng = np.random.RandomState(random_state)
    half = rng.permutation(Y.shape[0]) < Y.shape[0] // 2
    scores, hamming = {}, {}
    for rule in rules:
        total = errors = 0.0
        for a, b in ((half, ~half), (~half, half)):
            t = tune_rule(rule, scoring, Y[a], proba[a], max_increase)
            predicted = (proba[b] >= t).astype(int)
            total += judge(Y[b], predicted) * b.sum()
            errors += np.sum(predicted != Y[b])
        scores[rule] = total / Y.shape[0]
        hamming[rule] = errors / Y.size
    eligible = rules
    if max_increase is not None and "none" in rules:
        limit = hamming["none"] * (1 + max_increase) + _TIE
        eligible = [r for r in rules if r == "none" or hamming[r] <= limit]
    # among equal scores, the simpler rule (fewer thresholds fitted)
    best = max(eligible, key=lambda r: (round(scores[r], 12), -rules.index(r)))
    return best, scores, hamming


def choose_candidate(results, out_of_fold, Y, judge, rule_args, max_increase):
    """The candidate and threshold rule with the best cross-fitted score on
    their out-of-fold probabilities: ``(params, rule, scores, hamming, proba)``.

    ``results`` is the search's ``cv_results_``, ``out_of_fold(params)`` a
    candidate's out-of-fold probabilities (None when a fold failed) and
    ``rule_args`` ``(threshold, scoring, random_state)``. Candidates are
    visited in the search's rank order, so among equal scores the
    better-ranked one (at the 0.5 threshold) stays."""
    best = None
    for i in np.argsort(results["rank_test_score"], kind="stable"):
        params = results["params"][i]
        proba = out_of_fold(params)
        if proba is None:  # a fold failed: scikit-learn's error_score has it
            continue
        rule, scores, hamming = choose_rule(*rule_args, Y, proba, judge, max_increase)
        if best is None or round(scores[rule], 12) > round(best[2][best[1]], 12):
            best = (params, rule, scores, hamming, proba)
    if best is None:
        raise ValueError(
            "no candidate network trained on every fold; cv_results_ holds "
            "the search's scores and error_score decides how failures show."
        )
    return best

"""Threshold rules on eight MULAN data sets: which per-label rule does not backfire.

For each data set and seed, the default MultiLabelMLPClassifier (StandardScaler
for float X, MaxAbsScaler for 0/1 X; 30 epochs on tmc2007-500, 100 elsewhere)
gives 5-fold out-of-fold probabilities of MULAN's training split and, refitted
on the whole training split, probabilities of its test split. Both are cached
per (data set, seed), so every rule reuses them.

1. The rule, on training rows only: the out-of-fold rows are split into 5
   folds; on 4 the thresholds are tuned, the fifth is predicted, and the
   pooled predictions are scored against the global threshold tuned the same
   way. Candidates: per-label thresholds forced, with shrinkage k and
   min_positives m (tune_thresholds(metric, shrinkage=k, min_positives=m));
   and "auto" (choose_threshold_rule: per-label only when it beats global by
   more than `margin` bootstrap standard errors on cross-fitted halves of the
   tuning rows) for each k, m and margin. The test split plays no part.
2. Test split: thresholds of every rule tuned on all out-of-fold probabilities
   of the training split, scored once on the test split: none (0.5), global,
   per-label as in version 0.1 (each label's F1 or accuracy, labels with < 5
   positives at 0.5), per-label for the metric itself (forced), and auto,
   with the settings chosen in 1.

    python benchmarks/thresholds_rules.py [--cache DIR]
    # -> results/thresholds_rules.{json,md}
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from _env import atomic_write, environment, shared_data
from _thresholds_rules_report import METRICS, render
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.utils import _safe_indexing

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp._proba import proba_to_matrix
from skmultilabel_mlp._threshold_rules import (
    DEFAULT_GLOBAL_MARGIN,
    DEFAULT_MARGIN,
    DEFAULT_MIN_POSITIVES,
    DEFAULT_SHRINKAGE,
    RULES,
    choose_threshold_rule,
    cross_fit_rules,
    pick_rule,
    score_predictions,
    thresholds_for_rule,
)
from skmultilabel_mlp._threshold_search import common_threshold, shrink
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold, cross_validate
from skmultilabel_mlp.thresholds import tune_thresholds

RESULTS = Path(__file__).parent / "results"

N_FOLDS = 5
#: fewer epochs on the large set (21.5k training rows); the default elsewhere
EPOCHS = {"tmc2007-500": 30}


def load_split(path):
    """``(X_train, Y_train, X_test, Y_test, binary_X)`` of a shared .npz."""
    with np.load(path, allow_pickle=False) as z:
        X, Y, split = z["X"], z["Y"].astype(int), z["split"]
    binary = X.dtype == np.uint8
    X = X.astype(np.float32)
    train, test = split == "train", split == "test"
    return X[train], Y[train], X[test], Y[test], binary


def pipeline(binary, seed, epochs):
    scaler = MaxAbsScaler() if binary else StandardScaler()
    return make_pipeline(
        scaler, MultiLabelMLPClassifier(random_state=seed, epochs=epochs)
    )


def probabilities(name, path, seed, cache=None):
    """``dict(Y_train, oof, Y_test, test)``: OOF and test-split probabilities."""
    file = None if cache is None else Path(cache) / f"{name}-seed{seed}.npz"
    if file is not None and file.exists():
        with np.load(file) as z:
            return {k: z[k] for k in z.files}
    Xtr, Ytr, Xte, Yte, binary = load_split(path)
    est = pipeline(binary, seed, EPOCHS.get(name, 100))
    folds = MultilabelStratifiedKFold(N_FOLDS, shuffle=True, random_state=seed)
    result = cross_validate(
        est, Xtr, Ytr, cv=folds, return_estimator=True, return_indices=True
    )
    oof = np.full(Ytr.shape, np.nan)
    for fold, rows in zip(result["estimator"], result["indices"]["test"]):
        oof[rows] = proba_to_matrix(
            fold.predict_proba(_safe_indexing(Xtr, rows)), Ytr.shape[1]
        )
    if np.isnan(oof).any():
        raise RuntimeError(f"{name}: a training row got no out-of-fold probability")
    test = est.fit(Xtr, Ytr).predict_proba(Xte)
    out = {"Y_train": Ytr, "oof": oof, "Y_test": Yte, "test": np.asarray(test)}
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(file, **out)
    return out


DATASETS = [
    "emotions",
    "yeast",
    "scene",
    "medical",
    "genbase",
    "flags",
    "tmc2007-500",
    "bibtex",
]
SEEDS = (0, 1, 2)
FORCED = [(0.0, 0), (0.0, 5), (3.0, 0), (10.0, 0), (30.0, 0), (30.0, 5), (100.0, 5)]
AUTO = [(0.0, 0), (10.0, 0), (30.0, 5)]
MARGINS = (0.0, 1.0, 2.0, 3.0)
GLOBAL_MARGINS = (0.0, 2.0)  # of global over 0.5, when "none" is a candidate
INNER_FOLDS = 5


def candidates(Y, P, metric, seed):
    """``{strategy: thresholds}`` of every candidate, tuned on ``Y, P``."""
    t0 = common_threshold(Y, P, metric)
    positives = Y.sum(axis=0)
    out = {"global": np.full(Y.shape[1], t0)}
    own = {}
    for k, m in FORCED:
        if m not in own:
            own[m] = tune_thresholds(Y, P, metric, shrinkage=0.0, min_positives=m)
        # equals tune_thresholds(metric, shrinkage=k, min_positives=m), tuned once
        out[("per_label", k, m, None)] = shrink(own[m], t0, positives, k, m)
    for k, m in AUTO:
        # one cross-fit serves both candidate sets: same halves, same bootstrap
        scores, boot = cross_fit_rules(
            Y, P, metric, rules=RULES, shrinkage=k, min_positives=m, random_state=seed
        )
        thresholds = {
            "none": np.full(Y.shape[1], 0.5),
            "global": out["global"],
            "per_label": out[("per_label", k, m, None)],
        }
        two = {rule: scores[rule] for rule in RULES[1:]}
        for margin in MARGINS:
            out[("auto", k, m, margin)] = thresholds[pick_rule(two, boot, margin)]
            for gm in GLOBAL_MARGINS:
                rule = pick_rule(scores, boot, margin, gm)
                out[("auto_with_none", k, m, (gm, margin))] = thresholds[rule]
    return out


def selection(d, metric, seed):
    """Inner-CV score of every candidate minus global's, on OOF rows only."""
    Y, P = d["Y_train"].astype(float), d["oof"]
    pred = {}
    for fit, held in KFold(INNER_FOLDS, shuffle=True, random_state=seed).split(Y):
        for key, t in candidates(Y[fit], P[fit], metric, seed).items():
            pred.setdefault(key, np.zeros(Y.shape, dtype=bool))[held] = P[held] >= t
    scores = {key: score_predictions(Y, p, metric) for key, p in pred.items()}
    return {key: s - scores["global"] for key, s in scores.items() if key != "global"}


def summarise(records):
    """Per strategy and metric: (data sets where it is worse than global, mean
    over seeds; mean gain over the data sets)."""
    table = {}
    for r in records:
        key = (r["strategy"], r["k"], r["m"], r["margin"])
        table.setdefault(key, {}).setdefault(r["metric"], {}).setdefault(
            r["dataset"], []
        ).append(r["gain"])
    out = {}
    for key, metrics in table.items():
        out[key] = {}
        for metric, per_set in metrics.items():
            means = np.array([np.mean(v) for v in per_set.values()])
            out[key][metric] = (int(np.sum(means < -1e-9)), float(means.mean()))
    return out


def choose(summary, strategy):
    """The most gain, summed over the metrics, among the settings worse than
    global on at most one data set for every metric (else the fewest such)."""

    def rank(key):
        worst = max(losses for losses, _ in summary[key].values())
        return (max(worst, 1), -sum(gain for _, gain in summary[key].values()))

    return min((key for key in summary if key[0] == strategy), key=rank)


def test_scores(d, metric, chosen, seed):
    """Test-split score of every rule, thresholds tuned on all OOF rows."""
    Y, P = d["Y_train"].astype(float), d["oof"]
    label_wise = "accuracy" if metric == "hamming_loss" else "f1"
    _, k, m, margin = chosen["auto"]
    _, fk, fm, _ = chosen["per_label"]
    rules = {
        "none": np.full(Y.shape[1], 0.5),
        "global": thresholds_for_rule("global", Y, P, metric),
        "per_label_v01_f1": tune_thresholds(Y, P, "f1"),
        "per_label_v01": tune_thresholds(Y, P, label_wise),
        "per_label": tune_thresholds(Y, P, metric, shrinkage=k, min_positives=m),
        "per_label_best_forced": tune_thresholds(
            Y, P, metric, shrinkage=fk, min_positives=fm
        ),
    }
    _, nk, nm, (gm, nmargin) = chosen["auto_with_none"]
    settings = {
        "auto": (RULES[1:], k, m, margin, 0.0),
        "auto_with_none": (RULES, nk, nm, nmargin, gm),
    }
    for name, (allowed, k_, m_, margin_, gm_) in settings.items():
        rule, _ = choose_threshold_rule(
            Y,
            P,
            metric,
            rules=allowed,
            shrinkage=k_,
            min_positives=m_,
            margin=margin_,
            global_margin=gm_,
            random_state=seed,
        )
        rules[name] = thresholds_for_rule(
            rule, Y, P, metric, shrinkage=k_, min_positives=m_
        )
        rules[f"{name}_choice"] = rule
    return {
        name: t
        if isinstance(t, str)
        else score_predictions(d["Y_test"], d["test"] >= t, metric)
        for name, t in rules.items()
    }


def main(cache):
    records, cached = [], {}
    for name in DATASETS:
        for seed in SEEDS:
            d = probabilities(name, shared_data() / name / f"{name}.npz", seed, cache)
            cached[name, seed] = d
            for metric in METRICS:
                for (strategy, k, m, margin), gain in selection(
                    d, metric, seed
                ).items():
                    records.append(
                        {
                            "dataset": name,
                            "seed": seed,
                            "metric": metric,
                            "strategy": strategy,
                            "k": k,
                            "m": m,
                            "margin": margin,
                            "gain": gain,
                        }
                    )
            print(f"{name} seed {seed}: selection done", flush=True)
    summary = summarise(records)
    strategies = ("auto", "auto_with_none", "per_label")
    chosen = {s: choose(summary, s) for s in strategies}
    print(f"chosen: {chosen}", flush=True)
    tests = [
        {
            "dataset": name,
            "seed": seed,
            "metric": metric,
            **test_scores(cached[name, seed], metric, chosen, seed),
        }
        for name in DATASETS
        for seed in SEEDS
        for metric in METRICS
    ]
    out = {
        "protocol": __doc__.strip().split("\n\n    python")[0],
        "datasets": DATASETS,
        "seeds": list(SEEDS),
        "epochs": EPOCHS,
        "chosen": {
            s: dict(zip(("strategy", "k", "m", "margin"), key))
            for s, key in chosen.items()
        },
        "package_defaults": {
            "shrinkage": DEFAULT_SHRINKAGE,
            "min_positives": DEFAULT_MIN_POSITIVES,
            "margin": DEFAULT_MARGIN,
            "global_margin": DEFAULT_GLOBAL_MARGIN,
        },
        "selection_summary": [
            {
                "strategy": key[0],
                "k": key[1],
                "m": key[2],
                "margin": key[3],
                **{
                    metric: {"worse_on": v[0], "mean_gain": round(v[1], 5)}
                    for metric, v in summary[key].items()
                },
            }
            for key in sorted(summary, key=_order)
        ],
        "selection": _rounded(records),
        "test": _rounded(tests),
        "environment": environment(),
        "git_head": _git_head(),
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(RESULTS / "thresholds_rules.json", json.dumps(out, indent=1) + "\n")
    atomic_write(RESULTS / "thresholds_rules.md", render(out))


def _order(key):
    margin = key[3]
    if margin is None:
        margin = (-1.0, -1.0)
    elif not isinstance(margin, tuple):
        margin = (0.0, margin)
    return (key[0], key[1], key[2], margin)


def _git_head():
    """The commit measured, and whether the working tree differed from it."""

    def git(*args):
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "-uno")),
    }


def _rounded(records):
    return [
        {
            k: round(float(v), 5) if isinstance(v, (float, np.floating)) else v
            for k, v in r.items()
        }
        for r in records
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", help="folder for the probabilities (reused)")
    main(parser.parse_args().cache)

"""compare.py's evidence on the training rows only: the Hamming cap.

``MultiLabelMLPClassifierCV`` caps how much its threshold rule may raise the
Hamming loss above the 0.5 threshold's (``max_hamming_increase``, a share of
it). Which cap is the better default is judged here on the training rows of
each split, never on its test rows (the run at commit f38df98, with cap 0,
chose 0.05, the default since):

- during the fit, each setting makes the choice the estimator would make
  with it (``capture_out_of_fold`` wraps the estimator's candidate choice and
  calls it once per setting on the search's out-of-fold probabilities; the
  fit itself is unchanged): its candidate network and its
  ``threshold="auto"`` rule, cross-fitted (tuned on one half, scored on the
  other, both ways: ``choose_rule``), which gives each setting's out-of-fold
  micro-F1 and Hamming loss on the network it would itself choose;
- binary relevance and the classifier chain are cross-validated on the same
  training rows with the estimator's own folds (predictions at 0.5).

The verdict on the training rows: on how many splits does each setting beat
both baselines on both measures? The default is the setting that does so on
the most, ties going to the higher mean micro-F1 (a rule fixed before the
run). With ``COMPARE_OOF_CACHE`` set to a folder, the out-of-fold and the test
probabilities are also saved there (``<dataset>_<split>.npz``), to study other
settings without refitting.
"""

import contextlib
import os
from pathlib import Path

import numpy as np
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.model_selection import cross_val_predict

from skmultilabel_mlp import _classifier_cv
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

BASELINES = ("binary_relevance", "classifier_chain")


def _jsonable(params):
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


SETTINGS = {"0": 0.0, "0.02": 0.02, "0.05": 0.05, "0.1": 0.1, "None": None}


@contextlib.contextmanager
def capture_out_of_fold(store):
    """While active, each ``MultiLabelMLPClassifierCV.fit`` appends to
    ``store`` its chosen candidate's out-of-fold probabilities (``"oof"``)
    and what each cap setting would choose (``"per_cap"``: the candidate's
    parameters, the rule, its cross-fitted score and Hamming loss)."""
    original = _classifier_cv.choose_candidate

    def recording(results, out_of_fold, Y, judge, rule_args, max_increase):
        choice = original(results, out_of_fold, Y, judge, rule_args, max_increase)
        per_cap = {}
        for name, cap in SETTINGS.items():
            params, rule, scores, hamming, _ = original(
                results, out_of_fold, Y, judge, rule_args, cap
            )
            per_cap[name] = {
                "params": {k.split("__", 1)[1]: v for k, v in params.items()},
                "rule": rule,
                "score": float(scores[rule]),
                "hamming_loss": float(hamming[rule]),
            }
        store.append({"oof": choice[-1], "per_cap": per_cap})
        return choice

    _classifier_cv.choose_candidate = recording
    try:
        yield store
    finally:
        _classifier_cv.choose_candidate = original


def _scores(Y, P):
    return {
        "f1_micro": float(skm.f1_score(Y, P, average="micro", zero_division=0)),
        "hamming_loss": float(skm.hamming_loss(Y, P)),
    }


def evidence(est, captured, X, Y, baselines, name=None, test_proba=None):
    """Each cap setting's choice and cross-fitted scores (``captured``, from
    :func:`capture_out_of_fold`), and each baseline's 5-fold out-of-fold
    scores on ``X, Y`` (the training rows)."""
    oof = captured["oof"]
    Y = np.asarray(Y.toarray() if hasattr(Y, "toarray") else Y).astype(int)
    cache = os.environ.get("COMPARE_OOF_CACHE")
    if cache and name is not None:
        Path(cache).mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            Path(cache) / f"{name}.npz", Y_train=Y, oof=oof, test_proba=test_proba
        )
    out = {"settings": {}, "baselines": {}}
    for name, chosen in captured["per_cap"].items():
        out["settings"][name] = {
            "rule": chosen["rule"],
            "f1_micro": chosen["score"] if est.scoring == "f1_micro" else None,
            "hamming_loss": chosen["hamming_loss"],
            "params": _jsonable(chosen["params"]),
        }
    folds = MultilabelStratifiedKFold(5, shuffle=True, random_state=est.random_state)
    splits = list(folds.split(X, Y))
    for name in BASELINES:
        P = cross_val_predict(clone(baselines[name]), X, Y, cv=splits)
        out["baselines"][name] = _scores(Y, np.asarray(P).astype(int))
    return out


def render(choices):
    """The training-rows table of every split dataset with evidence."""
    lines = [
        "### The Hamming cap, judged on the training rows only\n",
        "Out-of-fold on each training split (5 folds, the estimator's own): the "
        "`threshold='auto'` rule of each `max_hamming_increase` setting, "
        "cross-fitted on the out-of-fold probabilities of the network that "
        "setting chooses (a * marks a network other than the default's), against "
        "binary relevance (BR) and the classifier chain (CC) cross-validated on "
        "the same rows and folds. micro-F1 / Hamming loss, the rule, and **yes** "
        "where it has a higher micro-F1 and a lower Hamming loss than both BR and "
        "CC. See `benchmarks/_train_evidence.py`.\n",
        "| dataset | BR | CC | " + " | ".join(f"cap {s}" for s in SETTINGS) + " |",
        "|---|---|---|" + "---|" * len(SETTINGS),
    ]
    wins = dict.fromkeys(SETTINGS, 0)
    f1 = {s: [] for s in SETTINGS}
    for dataset, records in choices.items():
        for c in records:
            ev = c.get("train_evidence")
            if ev is None or set(ev["settings"]) != set(SETTINGS):
                continue
            base = ev["baselines"]
            cells = [
                f"{base[b]['f1_micro']:.3f} / {base[b]['hamming_loss']:.4f}"
                for b in BASELINES
            ]
            for s in SETTINGS:
                v = ev["settings"][s]
                won = all(
                    v["f1_micro"] > base[b]["f1_micro"]
                    and v["hamming_loss"] < base[b]["hamming_loss"]
                    for b in BASELINES
                )
                wins[s] += won
                f1[s].append(v["f1_micro"])
                other = "params" in v and v["params"] != c["best_params"]
                cells.append(
                    f"{v['f1_micro']:.3f} / {v['hamming_loss']:.4f} {v['rule']}"
                    + ("*" if other else "")
                    + (" **yes**" if won else "")
                )
            lines.append(f"| {dataset} | " + " | ".join(cells) + " |")
    n = len(f1["0"])
    if not n:
        return ""
    best = max(SETTINGS, key=lambda s: (wins[s], np.mean(f1[s])))
    lines.append(
        f"\nBeats BR and CC on both measures on the training rows ({n} splits): "
        + "; ".join(
            f"cap {s} {wins[s]} (mean micro-F1 {np.mean(f1[s]):.3f})" for s in SETTINGS
        )
        + f". By the rule fixed before the run, the best setting is cap {best}.\n"
    )
    return "\n".join(lines) + "\n"

"""Binary cross-entropy, focal and asymmetric loss on six MULAN datasets.

For emotions, yeast, scene, medical, genbase and flags: the default-parameter
``MultiLabelMLPClassifier(random_state=0)`` with each ``loss`` (defaults of
each: ``FocalLoss(gamma=2)``, ``AsymmetricLoss(gamma_neg=4, gamma_pos=0,
clip=0.05)``), behind ``StandardScaler`` (real-valued X) or ``MaxAbsScaler``
(0/1 X: medical, genbase), scored

- by 5-fold ``MultilabelStratifiedKFold(shuffle=True, random_state=0)`` on
  MULAN's training rows only (the package's ``cross_validate``), and
- once on MULAN's test split, trained on all training rows.

Metrics: micro-F1, macro-F1 (scikit-learn's, a label with no positive and
no predicted positive scoring 0) and Hamming loss, all at the 0.5 threshold;
and, as a diagnostic that no threshold decides, the label ranking average
precision of the probabilities (a loss can move probabilities across 0.5
without ranking the labels any better).

    python benchmarks/losses.py   # -> results/losses.{json,md}
"""

import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from _env import atomic_write, environment, measured, shared_data
from sklearn.metrics import (
    f1_score,
    hamming_loss,
    label_ranking_average_precision_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import load_npz
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold, cross_validate

RESULTS = Path(__file__).parent / "results"
SEED = 0
DATASETS = ["emotions", "yeast", "scene", "medical", "genbase", "flags"]
LOSSES = ["binary_crossentropy", "focal", "asymmetric"]
METRICS = {
    "f1_micro": lambda Y, P: f1_score(Y, P, average="micro", zero_division=0),
    "f1_macro": lambda Y, P: f1_score(Y, P, average="macro", zero_division=0),
    "hamming_loss": hamming_loss,
}
#: higher is better, except for the Hamming loss
BETTER = {"f1_micro": 1, "f1_macro": 1, "hamming_loss": -1}
#: on the probabilities, not the predictions: a diagnostic, not in the verdict
RANKING = {"lrap": label_ranking_average_precision_score}
ALL_METRICS = {**METRICS, **RANKING}


def _output(estimator, X, metric):
    return estimator.predict_proba(X) if metric in RANKING else estimator.predict(X)


def _scorer(metric):
    def score(estimator, X, Y):
        return ALL_METRICS[metric](Y, _output(estimator, X, metric))

    return score


def _pipeline(binary_x, loss):
    scaler = MaxAbsScaler() if binary_x else StandardScaler()
    return make_pipeline(scaler, MultiLabelMLPClassifier(loss=loss, random_state=SEED))


def run_dataset(name):
    path = shared_data() / name / f"{name}.npz"
    with np.load(path) as raw:  # load_npz gives uint8 features as float32
        binary_x = raw["X"].dtype == np.uint8
    data = load_npz(path)
    cv = MultilabelStratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    scoring = {m: _scorer(m) for m in ALL_METRICS}
    records = []
    for loss in LOSSES:
        with warnings.catch_warnings():
            # folds without a positive row of some label (medical, genbase)
            warnings.simplefilter("ignore")
            res = cross_validate(
                _pipeline(binary_x, loss),
                data.X_train,
                data.Y_train,
                cv=cv,
                scoring=scoring,
            )
            fitted = _pipeline(binary_x, loss).fit(data.X_train, data.Y_train)
        for metric in ALL_METRICS:
            for fold, value in enumerate(res[f"test_{metric}"]):
                records.append(_record(name, loss, "cv", fold, metric, value))
            value = ALL_METRICS[metric](
                data.Y_test, _output(fitted, data.X_test, metric)
            )
            records.append(_record(name, loss, "test", None, metric, value))
    return records, binary_x


def _record(dataset, loss, protocol, fold, metric, value):
    return {
        "dataset": dataset,
        "loss": loss,
        "protocol": protocol,
        "fold": fold,
        "metric": metric,
        "value": float(value),
    }


def _values(records, dataset, loss, protocol, metric):
    return np.array(
        [
            r["value"]
            for r in records
            if (r["dataset"], r["loss"], r["protocol"], r["metric"])
            == (dataset, loss, protocol, metric)
        ]
    )


def _gain(records, dataset, loss, metric):
    """CV mean of ``loss`` minus BCE's, signed so that positive is better."""
    ours = _values(records, dataset, loss, "cv", metric).mean()
    bce = _values(records, dataset, "binary_crossentropy", "cv", metric).mean()
    return BETTER[metric] * (ours - bce)


def render(out):
    records = out["records"]
    lines = [
        "# Losses for imbalanced labels: binary cross-entropy, focal, asymmetric\n",
        "Generated by `benchmarks/losses.py`. The default-parameter classifier "
        "(`random_state=0`) with each `loss` at its defaults (`FocalLoss(gamma=2)`, "
        "`AsymmetricLoss(gamma_neg=4, gamma_pos=0, clip=0.05)`), behind "
        "`StandardScaler` (`MaxAbsScaler` for the 0/1 features of medical and "
        "genbase). **CV**: mean ± std over 5 multilabel-stratified folds of "
        "MULAN's training rows only. **test**: trained on all training rows, "
        "scored once on MULAN's test split. Threshold 0.5 throughout. Micro-/"
        "macro-F1: higher is better; Hamming loss: lower is better. LRAP (label "
        "ranking average precision of the probabilities, higher is better) "
        "depends on no threshold: a diagnostic, not part of the verdict.\n",
    ]
    for dataset in out["datasets"]:
        lines += [
            f"## {dataset}\n",
            "| loss | CV micro-F1 | CV macro-F1 | CV Hamming | CV LRAP | "
            "test micro-F1 | test macro-F1 | test Hamming | test LRAP |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for loss in LOSSES:
            cells = []
            for protocol in ("cv", "test"):
                for metric in ALL_METRICS:
                    v = _values(records, dataset, loss, protocol, metric)
                    cells.append(
                        f"{v.mean():.3f} ± {v.std():.3f}"
                        if protocol == "cv"
                        else f"{v[0]:.3f}"
                    )
            lines.append(f"| {loss} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append(_verdict(out))
    lines.append(measured(out["environment"]))
    return "\n".join(lines) + "\n"


def _verdict(out):
    records = out["records"]
    lines = [
        "## Verdict (training-rows CV only; the test split is not used to decide)\n",
        "Gain = the loss's CV mean minus binary cross-entropy's, signed so that "
        "positive is better (for the Hamming loss: BCE's minus the loss's).\n",
        "| dataset | loss | micro-F1 gain | macro-F1 gain | Hamming gain |",
        "|---|---|---|---|---|",
    ]
    wins = {}
    for dataset in out["datasets"]:
        for loss in LOSSES[1:]:
            gains = [_gain(records, dataset, loss, m) for m in METRICS]
            wins.setdefault(loss, []).append(all(g > 0 for g in gains))
            lines.append(
                f"| {dataset} | {loss} | "
                + " | ".join(f"{g:+.3f}" for g in gains)
                + " |"
            )
    lines.append("")
    for loss, won in wins.items():
        lines.append(
            f"- {loss}: better than binary cross-entropy on all three CV metrics "
            f"on {sum(won)} of {len(won)} datasets."
        )
    everywhere = [loss for loss, won in wins.items() if all(won)]
    lines.append(
        "- The default stays `binary_crossentropy`: "
        + (
            f"{', '.join(everywhere)} gained on every dataset and metric, which "
            "would justify a change of default; it is left for review."
            if everywhere
            else "no loss gains on every dataset and metric in the training-rows CV."
        )
    )
    return "\n".join(lines) + "\n"


def main():
    records, scalers = [], {}
    for name in DATASETS:
        found, binary_x = run_dataset(name)
        records += found
        scalers[name] = "MaxAbsScaler" if binary_x else "StandardScaler"
        print(f"{name}: done", flush=True)
    out = {
        "protocol": "5-fold MultilabelStratifiedKFold(shuffle=True, random_state=0) "
        "on MULAN training rows; once on the MULAN test split",
        "datasets": DATASETS,
        "scalers": scalers,
        "environment": environment(),
        "records": records,
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(RESULTS / "losses.json", json.dumps(out, indent=1) + "\n")
    atomic_write(RESULTS / "losses.md", render(out))


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        saved = json.loads((RESULTS / "losses.json").read_text())
        atomic_write(RESULTS / "losses.md", render(saved))
    else:
        main()

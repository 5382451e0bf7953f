"""Tuned thresholds and class_weight="balanced" on emotions and yeast (MULAN split).

For each dataset: StandardScaler + MultiLabelMLPClassifier with default settings,
with class_weight="balanced", and each of those wrapped in
TunedThresholdMultiLabelClassifier (per-label F1 thresholds tuned on 5-fold
out-of-fold probabilities of the training split only). Scored once on MULAN's
test split; nothing is tuned on it.

    python benchmarks/thresholds_imbalance.py   # -> results/thresholds_imbalance.{json,md}
"""

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

from _env import atomic_write, environment, measured, shared_data
from sklearn.metrics import f1_score, hamming_loss
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import load_npz
from skmultilabel_mlp.thresholds import TunedThresholdMultiLabelClassifier

RESULTS = Path(__file__).parent / "results"
SEED = 0


def configurations():
    def mlp(**kw):
        return make_pipeline(
            StandardScaler(), MultiLabelMLPClassifier(random_state=SEED, **kw)
        )

    def tuned(est):
        # version 0.1's per-label F1 thresholds, which the results below measured
        return TunedThresholdMultiLabelClassifier(
            est,
            scoring="f1",
            threshold_rule="per_label",
            shrinkage=None,
            min_positives=5,
            cv=5,
            random_state=SEED,
        )

    return {
        "default": mlp(),
        "default + tuned thresholds": tuned(mlp()),
        "balanced": mlp(class_weight="balanced"),
        "balanced + tuned thresholds": tuned(mlp(class_weight="balanced")),
    }


def main():
    records = []
    for name in ("emotions", "yeast"):
        data = load_npz(shared_data() / name / f"{name}.npz")
        for config, est in configurations().items():
            start = time.perf_counter()
            est.fit(data.X_train, data.Y_train)
            seconds = time.perf_counter() - start
            pred = est.predict(data.X_test)
            rec = {
                "dataset": name,
                "configuration": config,
                "micro_f1": f1_score(
                    data.Y_test, pred, average="micro", zero_division=0
                ),
                "macro_f1": f1_score(
                    data.Y_test, pred, average="macro", zero_division=0
                ),
                "hamming_loss": hamming_loss(data.Y_test, pred),
                "fit_seconds": seconds,
            }
            records.append(
                {k: round(v, 4) if isinstance(v, float) else v for k, v in rec.items()}
            )
            print(records[-1], flush=True)
    out = {
        "protocol": __doc__.strip().splitlines()[0],
        "records": records,
        "environment": environment(),
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(
        RESULTS / "thresholds_imbalance.json", json.dumps(out, indent=2) + "\n"
    )
    atomic_write(RESULTS / "thresholds_imbalance.md", _markdown(out))


def _markdown(out):
    lines = [
        "# Tuned thresholds and class weights (MULAN test split)\n",
        "StandardScaler + `MultiLabelMLPClassifier` (defaults: Dense(20), 100 epochs, "
        "batch 32, Adam 1e-3, seed 0). Thresholds: per-label F1 on 5-fold out-of-fold "
        "probabilities of the training split. One run, one seed.\n",
        "| dataset | configuration | micro-F1 | macro-F1 | Hamming loss | fit s |",
        "|---|---|---|---|---|---|",
    ]
    for r in out["records"]:
        lines.append(
            f"| {r['dataset']} | {r['configuration']} | {r['micro_f1']:.3f} | "
            f"{r['macro_f1']:.3f} | {r['hamming_loss']:.3f} | {r['fit_seconds']:.1f} |"
        )
    env = out["environment"]
    lines.append("\n" + measured(env))
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Reproduce the tutorial evaluation in full and record accuracy and wall time.

RepeatedKFold(n_splits=10, n_repeats=3, random_state=1) over the tutorial problem,
default MultiLabelMLPClassifier (Dense(20, relu, he_uniform) -> 3 sigmoids, Adam,
100 epochs, batch 32), scored by exact-match accuracy, twice: with scikit-learn's
cross_val_score (30 solo fits) and with the package's fold-stacked
cross_val_score; then one fit on all rows and the prediction for the new row.

    python benchmarks/tutorial.py          # writes benchmarks/results/tutorial.{json,md}
"""

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

from _env import atomic_write, environment, measured
from sklearn.model_selection import RepeatedKFold, cross_val_score

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import make_tutorial_problem
from skmultilabel_mlp.model_selection import cross_val_score as stacked_cross_val_score

RESULTS = Path(__file__).parent / "results"


def main():
    data = make_tutorial_problem()
    cv = RepeatedKFold(n_splits=10, n_repeats=3, random_state=1)
    start = time.perf_counter()
    scores = cross_val_score(MultiLabelMLPClassifier(), data.X, data.Y, cv=cv)
    cv_seconds = time.perf_counter() - start
    start = time.perf_counter()
    stacked = stacked_cross_val_score(MultiLabelMLPClassifier(), data.X, data.Y, cv=cv)
    stacked_seconds = time.perf_counter() - start
    clf = MultiLabelMLPClassifier().fit(data.X, data.Y)
    record = {
        "benchmark": "tutorial",
        "protocol": "RepeatedKFold(10, 3, random_state=1), exact-match accuracy",
        "estimator": repr(clf),
        "fold_scores": scores.round(4).tolist(),
        "mean_accuracy": round(float(scores.mean()), 4),
        "std_accuracy": round(float(scores.std()), 4),
        "cv_wall_seconds": round(cv_seconds, 1),
        "seconds_per_fit": round(cv_seconds / len(scores), 2),
        "stacked_fold_scores": stacked.round(4).tolist(),
        "stacked_mean_accuracy": round(float(stacked.mean()), 4),
        "stacked_std_accuracy": round(float(stacked.std()), 4),
        "stacked_cv_wall_seconds": round(stacked_seconds, 1),
        "new_row_proba": clf.predict_proba(data.new_row)[0].round(4).tolist(),
        "new_row_pred": clf.predict(data.new_row)[0].tolist(),
        "environment": environment(),
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(RESULTS / "tutorial.json", json.dumps(record, indent=2) + "\n")
    atomic_write(RESULTS / "tutorial.md", _markdown(record))
    print(_markdown(record))


def _markdown(r):
    env = r["environment"]
    return (
        "# Tutorial reproduction\n\n"
        f"{r['protocol']}; `{r['estimator']}` (defaults = the tutorial network).\n\n"
        "| cross-validation | mean exact match | std | folds | CV wall time |\n"
        "|---|---|---|---|---|\n"
        f"| sklearn `cross_val_score` (30 solo fits) | {r['mean_accuracy']:.3f} | "
        f"{r['std_accuracy']:.3f} | {len(r['fold_scores'])} | {r['cv_wall_seconds']} s |\n"
        f"| `skmultilabel_mlp.model_selection.cross_val_score` (fold-stacked) | "
        f"{r['stacked_mean_accuracy']:.3f} | {r['stacked_std_accuracy']:.3f} | "
        f"{len(r['stacked_fold_scores'])} | {r['stacked_cv_wall_seconds']} s |\n\n"
        f"Published: about 0.812. New row -> probabilities {r['new_row_proba']}, "
        f"prediction {r['new_row_pred']}.\n\n" + measured(env)
    )


if __name__ == "__main__":
    main()

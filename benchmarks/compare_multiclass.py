"""Outputs with their own classes: MultiLabelMLPClassifier against scikit-learn.

Two real ``multiclass-multioutput`` problems from ../shared/data:

- ``flags``: predict ``landmass``, ``zone``, ``language`` and ``religion`` (6, 4,
  10 and 8 classes) from the other 15 features and the 7 colour labels; MULAN's
  train/test split (129 / 65 rows), scored once on the test split.
- ``edm``: ``DFlow`` and ``DGap`` (3 classes each) from 16 features, 154 rows;
  ``StratifiedKFold(5, shuffle=True, random_state=0)`` stratified on ``DFlow``
  (its class -1 has only 5 rows, so every training fold keeps 4 of them), the
  same folds for every estimator.

Estimators (seed 0 everywhere): this package's classifier with defaults; with
``class_weight="balanced"`` (per output); with defaults but chosen by the
package's ``GridSearchCV`` on the training rows only (hidden width x ``alpha``,
inner ``KFold(5, shuffle=True, random_state=0)``, scoring
``"mean_output_accuracy"``: exact match is near 0 on flags, too coarse to choose
by, and an inner validation fold can hold a class its training fold lacks,
which the log-loss scorer refuses), refitted on all training rows;
``MultiOutputClassifier(LogisticRegression)``; ``RandomForestClassifier``
(native multi-output); ``MultiOutputClassifier(MLPClassifier)``; and a
``DummyClassifier(strategy="prior")`` for reference. Every estimator but the
forest and the dummy standardises its features inside a pipeline.

Also recorded: the default network trained for 100, 300 and 1000 epochs
(training and test scores: under- or over-fitting?), and the package's
``GridSearchCV`` against scikit-learn's on flags' training rows (same fold
scores?).

A test class an estimator never saw in training gets probability 0 (log loss
clipped at machine epsilon, about 36 per such entry), as
``per_output_log_loss`` needs every true class among ``classes``; the JSON
counts such entries (none on these splits).

    python benchmarks/compare_multiclass.py          # -> results/compare_multiclass.{json,md}
    python benchmarks/compare_multiclass.py --table  # re-render the markdown
"""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from _env import atomic_write, environment
from _multiclass_report import render
from _multiclass_setup import (
    DATASETS,
    DIAGNOSE_EPOCHS,
    METRICS,
    REFERENCE,
    SCORING,
    SEED,
    load_flags,
)
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import KFold
from sklearn.multioutput import MultiOutputClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.metrics import (
    get_scorer,
    mean_output_accuracy,
    mean_output_log_loss,
    mean_output_macro_f1,
    multioutput_exact_match,
    per_output_accuracy,
)
from skmultilabel_mlp.model_selection import GridSearchCV

RESULTS = Path(__file__).parent / "results"
GRID = {
    "multilabelmlpclassifier__hidden_layer_sizes": [(20,), (128,), (512,)],
    "multilabelmlpclassifier__alpha": [0.0, 1e-3, 1e-2],
}
INNER_CV = KFold(5, shuffle=True, random_state=SEED)


def estimators():
    """Fresh, unfitted estimators by name, in table order."""

    def scaled(est):
        return make_pipeline(StandardScaler(), est)

    return {
        "multilabel_mlp": scaled(MultiLabelMLPClassifier(random_state=SEED)),
        "multilabel_mlp_balanced": scaled(
            MultiLabelMLPClassifier(class_weight="balanced", random_state=SEED)
        ),
        "multilabel_mlp_grid": GridSearchCV(
            scaled(MultiLabelMLPClassifier(random_state=SEED)),
            GRID,
            scoring=SCORING,
            cv=INNER_CV,
        ),
        "logistic_regression": scaled(
            MultiOutputClassifier(LogisticRegression(max_iter=1000))
        ),
        "random_forest": RandomForestClassifier(random_state=SEED),
        "sklearn_mlp": scaled(
            MultiOutputClassifier(MLPClassifier(random_state=SEED, max_iter=1000))
        ),
        REFERENCE: DummyClassifier(strategy="prior"),
    }


def _cover_test_classes(Y_test, proba, classes):
    """Add a probability-0 column for each test class the estimator never saw."""
    proba, classes, unseen = list(proba), [np.asarray(c) for c in classes], 0
    for j, c in enumerate(classes):
        missing = np.setdiff1d(Y_test[:, j], c)
        if missing.size:
            unseen += int(np.isin(Y_test[:, j], missing).sum())
            proba[j] = np.hstack([proba[j], np.zeros((len(Y_test), missing.size))])
            classes[j] = np.concatenate([c, missing])
    return proba, classes, unseen


def _zero_true(Y_test, proba, classes):
    """Test entries whose true class got probability 0 (log loss ~36 each)."""
    zero = 0
    for j, (P, c) in enumerate(zip(proba, classes)):
        column = np.searchsorted(c, Y_test[:, j], sorter=np.argsort(c))
        column = np.argsort(c)[column]
        zero += int((P[np.arange(len(P)), column] == 0).sum())
    return zero


def evaluate(est, X, Y, train, test):
    """Fit on ``train``, score on ``test``: one record of plain numbers."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        est.fit(X[train], Y[train])
        seconds = time.perf_counter() - start
        pred = est.predict(X[test])
        proba = est.predict_proba(X[test])
    Y_test = Y[test]
    proba, classes, unseen = _cover_test_classes(Y_test, proba, est.classes_)
    record = {
        "exact_match": multioutput_exact_match(Y_test, pred),
        "mean_accuracy": mean_output_accuracy(Y_test, pred),
        "mean_macro_f1": mean_output_macro_f1(Y_test, pred),
        "mean_log_loss": mean_output_log_loss(Y_test, proba, classes=classes),
        "per_output_accuracy": per_output_accuracy(Y_test, pred).tolist(),
        "fit_seconds": seconds,
        "unseen_test_entries": unseen,
        "true_class_proba_zero": _zero_true(Y_test, proba, classes),
        "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
    }
    if hasattr(est, "best_params_"):
        record["chosen"] = {
            k.split("__")[1]: list(v) if isinstance(v, tuple) else v
            for k, v in est.best_params_.items()
        }
        record["inner_cv_score"] = float(est.best_score_)
    return record


def run():
    records = []
    for name, (load, _) in DATASETS.items():
        X, Y, folds, _ = load()
        for fold, (train, test) in enumerate(folds):
            for est_name, est in estimators().items():
                rec = evaluate(est, X, Y, train, test)
                records.append({"dataset": name, "fold": fold, "estimator": est_name})
                records[-1].update(rec)
                print(name, fold, est_name, _brief(rec), flush=True)
    return records


def _brief(rec):
    return {k: round(rec[k], 3) for k in (*METRICS, "fit_seconds")}


def check_search():
    """The package's stacked search against scikit-learn's on flags' training rows."""
    X, Y, [(train, _)], _ = load_flags()
    searches = {}
    for name, search_cls, scoring in (
        ("skmultilabel_mlp", GridSearchCV, SCORING),
        ("sklearn", SklearnGridSearchCV, get_scorer(SCORING)),
    ):
        search = search_cls(
            estimators()["multilabel_mlp_grid"].estimator,
            GRID,
            scoring=scoring,
            cv=INNER_CV,
        )
        start = time.perf_counter()
        search.fit(X[train], Y[train])
        searches[name] = (search, time.perf_counter() - start)
    ours, theirs = (searches[n][0] for n in ("skmultilabel_mlp", "sklearn"))
    folds = [f"split{i}_test_score" for i in range(INNER_CV.get_n_splits())]
    diff = [
        abs(a - b)
        for key in folds
        for a, b in zip(ours.cv_results_[key], theirs.cv_results_[key])
    ]
    return {
        "fold_scores": len(diff),
        "fold_scores_differing": int(sum(d > 1e-12 for d in diff)),
        "max_abs_difference": float(max(diff)),
        "same_best_params": ours.best_params_ == theirs.best_params_,
        "seconds": {n: round(s, 1) for n, (_, s) in searches.items()},
    }


def _source_state():
    """The commit measured and whether the package had uncommitted changes."""
    root = Path(__file__).resolve().parents[1]

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "package_modified": bool(git("status", "--porcelain", "skmultilabel_mlp")),
    }


def diagnose():
    """Under- or over-fitting? The default network trained for longer."""
    records = []
    for name, (load, _) in DATASETS.items():
        X, Y, folds, _ = load()
        for epochs in DIAGNOSE_EPOCHS:
            for fold, (train, test) in enumerate(folds):
                est = make_pipeline(
                    StandardScaler(),
                    MultiLabelMLPClassifier(epochs=epochs, random_state=SEED),
                ).fit(X[train], Y[train])
                pred = est.predict(X[test])
                records.append(
                    {
                        "dataset": name,
                        "epochs": epochs,
                        "fold": fold,
                        "train_accuracy": mean_output_accuracy(
                            Y[train], est.predict(X[train])
                        ),
                        "test_accuracy": mean_output_accuracy(Y[test], pred),
                        "test_macro_f1": mean_output_macro_f1(Y[test], pred),
                        "test_log_loss": mean_output_log_loss(
                            Y[test], est.predict_proba(X[test]), classes=est.classes_
                        ),
                    }
                )
                print(records[-1], flush=True)
    return records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--table", action="store_true", help="only re-render the markdown"
    )
    args = parser.parse_args(argv)
    path = RESULTS / "compare_multiclass.json"
    if args.table:
        out = json.loads(path.read_text())
    else:
        out = {
            "protocols": {name: protocol for name, (_, protocol) in DATASETS.items()},
            "grid": {k.split("__")[1]: v for k, v in GRID.items()},
            "inner_cv": "KFold(5, shuffle=True, random_state=0)",
            "scoring": SCORING,
            "records": run(),
            "diagnosis": diagnose(),
            "search_check": check_search(),
            "source": _source_state(),
            "environment": environment(),
        }
        out = json.loads(json.dumps(out, default=_plain))
        RESULTS.mkdir(exist_ok=True)
        atomic_write(path, json.dumps(out, indent=1) + "\n")
    atomic_write(RESULTS / "compare_multiclass.md", render(out))


def _plain(obj):
    if isinstance(obj, tuple):
        return list(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


if __name__ == "__main__":
    main()

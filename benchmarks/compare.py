"""Compare MultiLabelMLPClassifier with the classic multi-label methods.

Parts (run all, or name some):

- ``tutorial``: RepeatedKFold(10, 3, random_state=1) on the tutorial problem.
- ``split``: MULAN's own train/test split of emotions, yeast, scene, medical,
  genbase, tmc2007-500, bibtex and flags, scored once on the test split.
- ``cv``: 5-fold multilabel-stratified CV over all rows of cal500 and
  foodtruck, which have no MULAN split.

Every part includes ``multilabel_mlp_cv``: ``MultiLabelMLPClassifierCV()`` with
its defaults and seed 0 (network, threshold rule and thresholds chosen by CV on
the training rows only). Its choices are recorded beside the scores, with the
test score every threshold rule it considered would have had (to check that
per-label thresholds do not backfire; never used to choose anything).

Each part writes ``results/compare_<part>.json``; ``--table`` renders every
JSON present into ``results/comparison.md``.

    python benchmarks/compare.py tutorial split cv --table
"""

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from _env import atomic_write, measured, shared_data
from _train_evidence import capture_out_of_fold, evidence
from _train_evidence import render as render_evidence
from _verdict import RECOMMENDED, verdict
from sklearn import metrics as skm
from sklearn.model_selection import RepeatedKFold

from skmultilabel_mlp import MultiLabelMLPClassifierCV
from skmultilabel_mlp.benchmark import default_baselines, run_benchmark
from skmultilabel_mlp.datasets import load_npz, make_tutorial_problem
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

RESULTS = Path(__file__).parent / "results"
SEED = 0
METRICS = ["hamming_loss", "exact_match", "f1_micro", "f1_macro", "f1_samples"]
SPLIT_DATASETS = [
    "emotions",
    "yeast",
    "scene",
    "medical",
    "genbase",
    "tmc2007-500",
    "bibtex",
    "flags",
]
CV_DATASETS = ["cal500", "foodtruck"]


ONLY = None  # --only: rerun these estimators and keep the other records
DATASETS = None  # --datasets: rerun these datasets and keep the other records


def _baselines():
    baselines = {
        **default_baselines(SEED),
        RECOMMENDED: MultiLabelMLPClassifierCV(random_state=SEED),
    }
    return (
        baselines if ONLY is None else {k: v for k, v in baselines.items() if k in ONLY}
    )


def _save(part, records, extra=None):
    out = {
        "part": part,
        "environment": records.environment,
        "records": list(records),
        **(extra or {}),
    }
    path = RESULTS / f"compare_{part}.json"
    ran = {r["dataset"] for r in out["records"]}
    if path.exists() and (ONLY is not None or DATASETS is not None):
        # a partial rerun: keep the records it did not redo
        old = json.loads(path.read_text())
        kept = [
            r
            for r in old["records"]
            if r["dataset"] not in ran
            or (ONLY is not None and r["estimator"] not in ONLY)
        ]
        rerun = {
            "estimators": "all" if ONLY is None else sorted(ONLY),
            "datasets": sorted(ran),
            "environment": records.environment,
        }
        # a dataset's choices are those of multilabel_mlp_cv: kept unless it reran
        new_choices = (extra or {}).get("choices", {})
        if ONLY is not None and RECOMMENDED not in ONLY:
            new_choices = {}
        out = {
            **old,
            **(extra or {}),
            "choices": {**old.get("choices", {}), **new_choices},
            "records": kept + out["records"],
            "reruns": [*old.get("reruns", []), rerun],
        }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(RESULTS / f"compare_{part}.json", json.dumps(out, indent=1) + "\n")


def run_tutorial():
    data = make_tutorial_problem()
    cv = RepeatedKFold(n_splits=10, n_repeats=3, random_state=1)
    estimators = {k: v for k, v in _baselines().items() if k != RECOMMENDED}
    records = run_benchmark(estimators, {"tutorial": data}, cv=cv)
    _save("tutorial", records, {"protocol": "RepeatedKFold(10, 3, random_state=1)"})


def _choices(records, dataset, data_or_folds, oofs, train_rows):
    """What ``multilabel_mlp_cv`` chose on each split, each rule's test score,
    and the Hamming cap's evidence on the training rows (``oofs``: what
    ``capture_out_of_fold`` captured, in fit order)."""
    out = []
    fits = [
        (split, est)
        for (name, est_name, split), est in records.estimators.items()
        if name == dataset and est_name == RECOMMENDED
    ]
    baselines = default_baselines(SEED)
    for (split, est), oof in zip(fits, oofs, strict=True):
        X_test, Y_test = data_or_folds(split)
        proba = est.predict_proba(X_test)
        tests = {}
        for rule, t in est.rule_thresholds_.items():
            P = (proba >= t).astype(int)
            tests[rule] = {
                "f1_micro": float(skm.f1_score(Y_test, P, average="micro")),
                "hamming_loss": float(skm.hamming_loss(Y_test, P)),
            }
        out.append(
            {
                "split": split,
                "best_params": _jsonable(est.best_params_),
                "threshold_rule": est.threshold_rule_,
                "cv_scores": {k: float(v) for k, v in est.threshold_scores_.items()},
                "cv_hamming": {
                    k: float(v) for k, v in est.threshold_hamming_losses_.items()
                },
                "test_scores": tests,
                "train_evidence": evidence(
                    est,
                    oof,
                    *train_rows(split),
                    baselines,
                    name=f"{dataset}_{split.replace(' ', '')}",
                    test_proba=proba,
                ),
            }
        )
    return out


def _run_datasets(names, splits_of):
    """Every estimator on each dataset: ``(records, each dataset's CV choices)``.

    ``splits_of(data) -> (cv, test_rows, train_rows)``: the ``run_benchmark``
    cv and functions from a split's name to its test and training ``(X, Y)``.
    """
    all_records, chosen = None, {}
    for name in names:
        data = load_npz(shared_data() / name / f"{name}.npz")
        cv, test_rows, train_rows = splits_of(data)
        with capture_out_of_fold([]) as oofs:
            records = run_benchmark(
                _baselines(), {name: data}, cv=cv, return_estimators=True
            )
        chosen[name] = _choices(records, name, test_rows, oofs, train_rows)
        if all_records is None:
            all_records = records
        else:
            all_records.extend(records)
        print(f"{name}: done", flush=True)
    return all_records, chosen


def run_split():
    def splits_of(data):
        return (
            "predefined",
            lambda split: (data.X_test, data.Y_test),
            lambda split: (data.X_train, data.Y_train),
        )

    records, chosen = _run_datasets(SPLIT_DATASETS, splits_of)
    _save("split", records, {"protocol": "MULAN train/test split", "choices": chosen})


def run_cv():
    def splits_of(data):
        cv = MultilabelStratifiedKFold(5, shuffle=True, random_state=SEED)
        folds = list(cv.split(data.X, data.Y))

        def rows(split, part):  # "fold 3"
            index = folds[int(split.split()[-1])][part]
            return data.X[index], data.Y[index]

        return folds, lambda s: rows(s, 1), lambda s: rows(s, 0)

    records, chosen = _run_datasets(CV_DATASETS, splits_of)
    _save(
        "cv",
        records,
        {"protocol": "5-fold multilabel-stratified CV, all rows", "choices": chosen},
    )


def _jsonable(obj):
    return json.loads(
        json.dumps(obj, default=lambda o: list(o) if isinstance(o, tuple) else str(o))
    )


def render_table():
    import pandas as pd

    parts = []
    for part in ("tutorial", "split", "cv"):
        path = RESULTS / f"compare_{part}.json"
        if path.exists():
            parts.append(json.loads(path.read_text()))
    lines = [
        "# Comparison with the classic multi-label methods\n",
        "Generated by `benchmarks/compare.py` from the JSON files beside it. Values "
        "are mean ± std over folds (a single test split has no std). Hamming loss: "
        "lower is better; the rest: higher is better. Features are standardised "
        "inside each baseline's pipeline; `multilabel_mlp_cv` is "
        "`MultiLabelMLPClassifierCV()` with its defaults (it scales by itself). "
        "Every estimator uses seed 0. Fit seconds are wall time on the machine "
        "below (2 CPU cores).\n",
    ]
    for out in parts:
        frame = pd.DataFrame(out["records"])
        lines.append(f"## {out['part']}: {out['protocol']}\n")
        if out.get("note"):
            lines.append(out["note"] + "\n")
        for dataset, block in frame.groupby("dataset", sort=False):
            lines.append(f"### {dataset}\n")
            lines.append(_dataset_table(block))
            if out.get("choices", {}).get(dataset):
                lines.append(_choice_lines(out["choices"][dataset]))
        lines.append(measured(out["environment"]))
        for rerun in out.get("reruns", []):
            who = rerun["estimators"]
            who = "every estimator" if who == "all" else ", ".join(who)
            where = ", ".join(rerun.get("datasets", [])) or "every dataset"
            lines.append(
                f"Rows of {who} on {where} rerun "
                f"{rerun['environment']['date']} with the code of that date.\n"
            )
    split = next((out for out in parts if out["part"] == "split"), None)
    if split is not None:
        lines.append(verdict(pd.DataFrame(split["records"]), split.get("choices", {})))
        lines.append(render_evidence(split.get("choices", {})))
    lines.append(_published())
    atomic_write(RESULTS / "comparison.md", "\n".join(lines) + "\n")


def _choice_lines(choices):
    lines = [f"`{RECOMMENDED}` chose, on the training rows only:\n"]
    for c in choices:
        hamming = c.get("cv_hamming", {})
        cv = ", ".join(
            f"{k} {v:.3f}" + (f" / {hamming[k]:.4f}" if k in hamming else "")
            for k, v in c["cv_scores"].items()
        )
        test = ", ".join(
            f"{k} {v['f1_micro']:.3f} / {v['hamming_loss']:.4f}"
            for k, v in c["test_scores"].items()
        )
        lines.append(
            f"- {c['split']}: `{c['best_params']}`, thresholds `{c['threshold_rule']}` "
            f"(cross-fitted CV micro-F1{' / Hamming' if hamming else ''}: {cv}; on the test rows, micro-F1 / Hamming "
            f"of each rule, for the record only: {test})"
        )
    return "\n".join(lines) + "\n"


def _dataset_table(block):
    stats = block.groupby(["estimator", "metric"], sort=False)["value"].agg(
        ["mean", "std"]
    )
    fit = (
        block.drop_duplicates(["estimator", "split"])
        .groupby("estimator", sort=False)["fit_seconds"]
        .mean()
    )
    header = "| estimator | " + " | ".join(METRICS) + " | fit s |"
    rows = [header, "|" + "---|" * (len(METRICS) + 2)]
    for est in block["estimator"].unique():
        cells = []
        for metric in METRICS:
            mean, std = stats.loc[(est, metric)]
            cells.append(f"{mean:.3f}" if np.isnan(std) else f"{mean:.3f} ± {std:.3f}")
        rows.append(f"| {est} | " + " | ".join(cells) + f" | {fit[est]:.1f} |")
    return "\n".join(rows) + "\n"


def _published():
    return """## Published numbers (yardstick, not a like-for-like comparison)

Bogatinovski et al. (2022), "Comprehensive comparative study of multi-label
classification methods": their own train/test splits, hyper-parameters tuned by
3-fold CV; BR and CC there use an RBF SVM with P-Cut thresholds, ECC bags chains
of C4.5 trees, BPNN is MEKA's one-hidden-layer MLP (squared error), RF-PCT a
multi-output random forest. Hamming loss / micro-F1. Our tables use MULAN's
predefined split, default hyper-parameters for the baselines, and logistic
regression (not SVM) inside BR and CC.

| dataset | BR | CC | ECCJ48 | BPNN | RF-PCT | RFDTBR |
|---|---|---|---|---|---|---|
| emotions | 0.196 / 0.685 | 0.190 / 0.692 | 0.212 / 0.684 | 0.200 / 0.679 | 0.170 / 0.719 | 0.183 / 0.714 |
| yeast | 0.241 / 0.601 | 0.233 / 0.589 | 0.236 / 0.648 | 0.204 / 0.662 | 0.197 / 0.682 | 0.194 / 0.675 |
| scene | 0.093 / 0.741 | 0.080 / 0.768 | 0.110 / 0.708 | 0.100 / 0.720 | 0.088 / 0.762 | 0.087 / 0.760 |
| medical | 0.015 / 0.725 | 0.014 / 0.753 | 0.012 / 0.797 | 0.012 / 0.788 | 0.012 / 0.786 | 0.011 / 0.793 |
| genbase | 0.002 / 0.974 | 0.002 / 0.981 | 0.002 / 0.982 | 0.003 / 0.963 | 0.002 / 0.979 | 0.001 / 0.986 |
| cal500 | 0.237 / 0.208 | 0.172 / 0.355 | 0.174 / 0.427 | 0.160 / 0.465 | 0.156 / 0.483 | 0.161 / 0.464 |
| flags | 0.279 / 0.713 | 0.275 / 0.738 | 0.264 / 0.747 | 0.253 / 0.740 | 0.216 / 0.777 | 0.235 / 0.763 |
| foodtruck | 0.160 / 0.582 | 0.141 / 0.515 | 0.186 / 0.540 | 0.162 / 0.576 | 0.155 / 0.600 | 0.156 / 0.587 |
| tmc2007-500 | 0.049 / 0.757 | 0.061 / 0.673 | 0.054 / 0.750 | 0.057 / 0.716 | 0.049 / 0.754 | 0.041 / 0.792 |
| bibtex | 0.022 / 0.258 | 0.035 / 0.320 | 0.021 / 0.416 | 0.019 / 0.356 | 0.016 / 0.449 | 0.014 / 0.457 |

BOOMER (`mlrl-boomer` 0.12.3, gradient-boosted multi-label rules, defaults,
`random_state=1`) measured on this machine's kind on the same MULAN splits as
ours (../shared/REFERENCE.md): Hamming loss / micro-F1 / macro-F1.

| dataset | BOOMER defaults |
|---|---|
| emotions | .2005 / .677 / .669 |
| yeast | .2005 / .634 / .382 |
| scene | .0835 / .737 / .735 |
| medical | .0121 / .755 / .258 |
| flags | .2813 / .706 / .610 |
| tmc2007-500 | .0650 / .631 / .535 |
| bibtex | .0126 / .358 / .188 |
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", help="tutorial, split and/or cv")
    parser.add_argument(
        "--table", action="store_true", help="render results/comparison.md"
    )
    parser.add_argument(
        "--only", help="comma-separated estimators to rerun; other records are kept"
    )
    parser.add_argument(
        "--datasets", help="comma-separated datasets of the split and cv parts"
    )
    args = parser.parse_args(argv)
    global ONLY, DATASETS, SPLIT_DATASETS, CV_DATASETS
    ONLY = None if not args.only else set(args.only.split(","))
    if args.datasets:
        DATASETS = args.datasets.split(",")
        SPLIT_DATASETS = [d for d in SPLIT_DATASETS if d in DATASETS]
        CV_DATASETS = [d for d in CV_DATASETS if d in DATASETS]
    runners = {"tutorial": run_tutorial, "split": run_split, "cv": run_cv}
    unknown = set(args.parts) - set(runners)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {sorted(runners)}")
    for part in args.parts:
        runners[part]()
    if args.table or not args.parts:
        render_table()


if __name__ == "__main__":
    main()

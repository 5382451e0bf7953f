"""The report of ``compare_multiclass.py``: its JSON rendered as Markdown.

``render(out)`` turns the run's JSON (``results/compare_multiclass.json``)
into ``results/compare_multiclass.md`` (``compare_multiclass.py --table``);
it reads the data sets for their outputs' class counts, and needs no backend.
"""

import json

import numpy as np
from _env import measured
from _multiclass_setup import (
    DATASETS,
    DIAGNOSE_EPOCHS,
    DIAGNOSTICS,
    METRICS,
    NETWORKS,
    REFERENCE,
    SCORING,
)

__all__ = ["render"]


def _summary(records, dataset):
    """{estimator: {metric: (mean, std or None)}} over the dataset's folds."""
    out = {}
    for rec in (r for r in records if r["dataset"] == dataset):
        out.setdefault(rec["estimator"], []).append(rec)
    table = {}
    for est, recs in out.items():
        cells = {}
        for key in (*METRICS, "fit_seconds"):
            values = np.array([r[key] for r in recs])
            cells[key] = (values.mean(), values.std() if len(values) > 1 else None)
        cells["per_output_accuracy"] = np.mean(
            [r["per_output_accuracy"] for r in recs], axis=0
        )
        table[est] = cells
    return table


def _cell(mean, std, digits=3):
    return (
        f"{mean:.{digits}f}" if std is None else f"{mean:.{digits}f} ± {std:.{digits}f}"
    )


def _metric_table(table):
    header = "| estimator | " + " | ".join(METRICS.values()) + " | fit s |"
    rows = [header, "|" + "---|" * (len(METRICS) + 2)]
    for est, cells in table.items():
        values = [_cell(*cells[m]) for m in METRICS]
        fit = _cell(*cells["fit_seconds"], digits=1)
        rows.append(f"| {est} | " + " | ".join(values) + f" | {fit} |")
    return "\n".join(rows) + "\n"


def _output_table(table, outputs, Y):
    counts = [len(np.unique(Y[:, j])) for j in range(Y.shape[1])]
    header = "| estimator | " + " | ".join(
        f"{o} ({c} classes)" for o, c in zip(outputs, counts)
    )
    rows = [header + " |", "|" + "---|" * (len(outputs) + 1)]
    for est, cells in table.items():
        accs = " | ".join(f"{a:.3f}" for a in cells["per_output_accuracy"])
        rows.append(f"| {est} | {accs} |")
    return "\n".join(rows) + "\n"


def _verdict(table):
    """Where each network loses to a baseline, named plainly."""
    baselines = [e for e in table if e not in NETWORKS and e != REFERENCE]
    lines = []
    for net in NETWORKS:
        lost = []
        for metric, label in METRICS.items():
            sign = -1 if metric.endswith("loss") else 1
            ours = table[net][metric][0]
            better = [
                f"{b} {table[b][metric][0]:.3f}"
                for b in baselines
                if sign * (table[b][metric][0] - ours) > 0
            ]
            if better:
                lost.append(f"{label} {ours:.3f} loses to " + ", ".join(better))
        worse = [
            f"{label} {table[net][m][0]:.3f} against {table[REFERENCE][m][0]:.3f}"
            for m, label in METRICS.items()
            if (-1 if m.endswith("loss") else 1)
            * (table[REFERENCE][m][0] - table[net][m][0])
            > 0
        ]
        if worse:
            lost.append("worse than the class-prior reference on " + ", ".join(worse))
        lines.append(
            f"- `{net}`: "
            + ("; ".join(lost) if lost else "no baseline beats it on any metric")
            + "."
        )
    return "\n".join(lines) + "\n"


def _chosen(records, dataset):
    lines = []
    for rec in records:
        if rec["dataset"] == dataset and "chosen" in rec:
            lines.append(
                f"- fold {rec['fold']}: `{rec['chosen']}` "
                f"(inner CV {SCORING} {rec['inner_cv_score']:.3f})"
            )
    return "\n".join(lines) + "\n"


def _diagnosis(records, dataset):
    """{epochs: {measure: mean over folds}}."""
    out = {}
    for rec in (r for r in records if r["dataset"] == dataset):
        out.setdefault(rec["epochs"], []).append(rec)
    return {
        epochs: {k: float(np.mean([r[k] for r in recs])) for k in DIAGNOSTICS}
        for epochs, recs in out.items()
    }


def _diagnosis_table(diag):
    rows = [
        "| epochs | " + " | ".join(DIAGNOSTICS.values()) + " |",
        "|" + "---|" * (len(DIAGNOSTICS) + 1),
    ]
    for epochs, cells in diag.items():
        values = " | ".join(f"{cells[k]:.3f}" for k in DIAGNOSTICS)
        rows.append(f"| {epochs} | {values} |")
    return "\n".join(rows) + "\n"


def _reading_flags(table, diag):
    short, long = diag[min(diag)], diag[max(diag)]
    return (
        "Why: flags has 194 rows in all and 129 for training; `language` has 10 "
        "classes and `religion` 8, several of them with only 2 to 4 training rows. "
        "No training length suits the network on so few rows (table below, the "
        f"default network on the same split): after {min(diag)} epochs it still "
        f"fits its own training rows poorly (mean accuracy {short['train_accuracy']:.3f}) "
        f"and its test log loss, {short['test_log_loss']:.3f}, is hardly below the "
        f"class-prior reference's {table[REFERENCE]['mean_log_loss'][0]:.3f}; after "
        f"{max(diag)} epochs it fits them ({long['train_accuracy']:.3f}) but the test "
        f"rows are no better ({long['test_accuracy']:.3f}) and the log loss worse "
        f"({long['test_log_loss']:.3f}). The forest's bagged trees cope better with "
        "a handful of rows per class. One test split of 65 rows: one row moves "
        "exact match or an output's accuracy by 0.015.\n"
    )


def _reading_edm(table, diag):
    short, mid, long = (diag[e] for e in DIAGNOSE_EPOCHS)
    return (
        "Why: edm has 154 rows, about 123 for training per fold, and `DFlow` is "
        "83% class 0 (its class -1 has 4 training rows per fold), so the "
        "majority-class row already has a high accuracy on it and macro-F1 is the "
        "telling column. The default network (20 units, "
        f"{DIAGNOSE_EPOCHS[0]} epochs of about 4 steps each) is undertrained on "
        "the rare classes (table below): trained for "
        f"{DIAGNOSE_EPOCHS[1]} epochs its mean macro-F1 is {mid['test_macro_f1']:.3f} "
        f"instead of {short['test_macro_f1']:.3f} and its log loss "
        f"{mid['test_log_loss']:.3f}; at {DIAGNOSE_EPOCHS[2]} epochs it has "
        f"{long['train_accuracy']:.3f} of the training entries right and the test "
        f"log loss rises to {long['test_log_loss']:.3f}. `epochs` is not in the "
        "grid; its wider networks recover most of the macro-F1 gap instead. The "
        "grid-chosen network has a worse log loss than the default one, likely "
        "because it was chosen on accuracy and the wider networks make more "
        "confident mistakes. The forest's log loss is its weak column: a class no "
        "tree votes for gets probability 0. Fold-to-fold spread (the ± column) is "
        "as large as most differences between rows.\n"
    )


def _reading_balanced(table):
    plain, weighted = table["multilabel_mlp"], table["multilabel_mlp_balanced"]
    f1, acc = (
        (weighted[m][0] - plain[m][0]) for m in ("mean_macro_f1", "mean_accuracy")
    )
    effect = (
        "it trades accuracy for the rare classes"
        if f1 > 0.005 and acc < 0
        else "it helps"
        if f1 > 0.005
        else "it costs accuracy without raising macro-F1"
        if acc < 0
        else "it changes little"
    )
    return (
        '`class_weight="balanced"` against the default network: mean macro-F1 '
        f"{weighted['mean_macro_f1'][0]:.3f} instead of "
        f"{plain['mean_macro_f1'][0]:.3f}, mean accuracy "
        f"{weighted['mean_accuracy'][0]:.3f} instead of "
        f"{plain['mean_accuracy'][0]:.3f}, mean log loss "
        f"{weighted['mean_log_loss'][0]:.3f} instead of "
        f"{plain['mean_log_loss'][0]:.3f}: {effect} here.\n"
    )


READING = {"flags": _reading_flags, "edm": _reading_edm}


def render(out):
    lines = [
        "# Outputs with their own classes (multiclass-multioutput)\n",
        "Generated by `benchmarks/compare_multiclass.py` from "
        "`compare_multiclass.json`. Exact match: share of rows with every output "
        "right; mean accuracy, mean macro-F1 and mean log loss: the per-output "
        "score averaged over outputs (`skmultilabel_mlp.metrics`). Log loss: lower "
        "is better; the rest: higher is better. Values are mean ± std over folds "
        "(one test split has no std). Seed 0 everywhere; features standardised "
        "inside each pipeline (not for the forest and the dummy).\n",
        "Estimators: `multilabel_mlp` is `StandardScaler` + "
        "`MultiLabelMLPClassifier(random_state=0)` (defaults: Dense(20), 100 "
        "epochs, batch 32, Adam 1e-3); `multilabel_mlp_balanced` adds "
        '`class_weight="balanced"` (each output\'s classes weighted '
        "n / (n_classes * count) on the training rows); `multilabel_mlp_grid` is "
        "the defaults chosen by "
        "the package's `GridSearchCV` on the training rows only (grid "
        f"`{json.dumps(out['grid'])}`, inner `{out['inner_cv']}`, scoring "
        f'`"{out["scoring"]}"`), refitted on all training rows, its fit time being '
        "the whole search; `logistic_regression` is "
        "`MultiOutputClassifier(LogisticRegression(max_iter=1000))`; "
        "`random_forest` is `RandomForestClassifier(random_state=0)` (native "
        "multi-output, 100 trees); `sklearn_mlp` is "
        "`MultiOutputClassifier(MLPClassifier(random_state=0, max_iter=1000))` "
        "(one 100-unit network per output); `majority_class` is "
        '`DummyClassifier(strategy="prior")`, a reference, not a competitor.\n',
        "Fit times are indicative only: the machine had 2 shared CPU cores and "
        "another process may have been running at the same time. The first fit of "
        "a network shape in a process also compiles its training program: "
        "flags' `multilabel_mlp` is the run's first fit.\n",
    ]
    records = out["records"]
    for dataset, protocol in out["protocols"].items():
        _, Y, folds, outputs = DATASETS[dataset][0]()
        table = _summary(records, dataset)
        diag = _diagnosis(out["diagnosis"], dataset)
        lines += [
            f"## {dataset}: {protocol}\n",
            _metric_table(table),
            "Accuracy of each output:\n",
            _output_table(table, outputs, Y),
            "Chosen by the inner search:\n",
            _chosen(records, dataset),
            "Where the network loses (to `logistic_regression`, `random_forest` or "
            "`sklearn_mlp`, on the means above), and where it does worse than the "
            "class-prior reference `majority_class`:\n",
            _verdict(table),
            READING[dataset](table, diag),
            _reading_balanced(table),
            f"The default network trained for longer ({dataset}, "
            + ("mean over the same folds" if len(folds) > 1 else "same split")
            + "):\n",
            _diagnosis_table(diag),
        ]
        zero = {r["estimator"]: 0 for r in records if r["dataset"] == dataset}
        for r in records:
            if r["dataset"] == dataset:
                zero[r["estimator"]] += r["true_class_proba_zero"]
        zero = {k: v for k, v in zero.items() if v}
        if zero:
            lines.append(
                "Test entries whose true class got probability 0 (each adds about "
                "36 to that output's summed log loss): "
                + ", ".join(f"{k} {v}" for k, v in zero.items())
                + ".\n"
            )
        unseen = sum(
            r["unseen_test_entries"] for r in records if r["dataset"] == dataset
        )
        if unseen:
            lines.append(
                f"{unseen} test entries have a class their estimator never saw in "
                "training; each counts with probability 0 in the log loss.\n"
            )
        warned = sorted(
            {
                f"{r['estimator']}: {w.splitlines()[0][:160]}"
                for r in records
                if r["dataset"] == dataset
                for w in r["warnings"]
            }
        )
        if warned:
            lines.append("Warnings raised while fitting:\n")
            lines += [f"- {w}" for w in warned]
            lines.append("")
    check = out.get("search_check")
    if check:
        lines.append(
            "## The package's GridSearchCV against scikit-learn's\n\n"
            f"The same grid on flags' training rows: {check['fold_scores_differing']} "
            f"of {check['fold_scores']} fold scores differ (largest difference "
            f"{check['max_abs_difference']:.2g}), same best parameters: "
            f"{check['same_best_params']}; {check['seconds']['skmultilabel_mlp']} s "
            f"stacked against {check['seconds']['sklearn']} s one fit at a time.\n"
        )
    source = out["source"]
    lines.append(
        f"Code: commit `{source['commit'][:12]}`"
        + (
            " with uncommitted changes to `skmultilabel_mlp/` (the multi-class "
            "outputs work in progress)"
            if source["package_modified"]
            else ""
        )
        + ".\n"
    )
    lines.append(measured(out["environment"]))
    return "\n".join(lines)

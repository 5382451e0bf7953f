"""The landing page's figure: the MLP against classifier chains and friends.

Drawn at build time (matplotlib's ``.. plot::``) from the committed results of
``benchmarks/compare.py``: the tutorial problem (RepeatedKFold(10, 3)) and the
MULAN datasets (5-fold multilabel-stratified CV). Every estimator saw the same
folds, so each point is a per-fold difference from the classifier chain,
averaged, with its standard deviation over folds as the bar.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# matplotlib's plot directive runs this file without __file__, from its folder
HERE = Path(globals().get("__file__", "comparison.py")).resolve().parent
RESULTS = HERE.parents[1] / "benchmarks" / "results"
REFERENCE = "classifier_chain"
SHOWN = {  # estimator -> (legend, marker, colour)
    "multilabel_mlp": ("MultiLabelMLPClassifier", "o", "tab:red"),
    "sklearn_mlp": ("scikit-learn MLPClassifier", "s", "tab:orange"),
    "ensemble_of_chains": ("ensemble of 10 chains", "D", "tab:green"),
    "random_forest": ("random forest", "^", "tab:purple"),
    "binary_relevance": ("binary relevance", "v", "tab:gray"),
}
# (metric, title, axis label, sign that makes "right" mean "better")
PANELS = [
    ("f1_micro", "micro-F1", "micro-F1 minus the chain's", 1),
    ("hamming_loss", "Hamming loss", "the chain's Hamming loss minus this one", -1),
]


def load_records():
    frames = [
        pd.DataFrame(
            json.loads((RESULTS / f"compare_{part}.json").read_text())["records"]
        )
        for part in ("tutorial", "cv")
    ]
    return pd.concat(frames, ignore_index=True)


def differences(records, metric, sign):
    """Per (dataset, estimator): mean and std over folds of the gap to the chain."""
    values = records[records["metric"] == metric].pivot_table(
        index=["dataset", "split"], columns="estimator", values="value"
    )
    gaps = sign * values.sub(values[REFERENCE], axis=0)
    return gaps.groupby("dataset").agg(["mean", "std"])


def draw():
    records = load_records()
    datasets = list(dict.fromkeys(records["dataset"]))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharey=True)
    offsets = np.linspace(-0.3, 0.3, len(SHOWN))
    for ax, (metric, title, label, sign) in zip(axes, PANELS):
        gaps = differences(records, metric, sign)
        for offset, (name, (legend, marker, colour)) in zip(offsets, SHOWN.items()):
            rows = gaps.loc[datasets, name]
            ax.errorbar(
                rows["mean"],
                np.arange(len(datasets)) + offset,
                xerr=rows["std"],
                fmt=marker,
                color=colour,
                markersize=6 if name == "multilabel_mlp" else 4,
                elinewidth=1,
                capsize=2,
                label=legend,
            )
        ax.axvline(0, color="black", linewidth=1)
        ax.set_xlabel(f"{label} (right is better)")
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title)
    folds = records.groupby("dataset")["split"].nunique()
    axes[0].set_yticks(
        range(len(datasets)), [f"{d}\n{folds[d]} folds" for d in datasets]
    )
    for y in np.arange(len(datasets) - 1) + 0.5:
        for ax in axes:
            ax.axhline(y, color="0.85", linewidth=0.8)
    axes[0].set_ylim(-0.5, len(datasets) - 0.5)
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize="small",
    )
    fig.suptitle("Against a classifier chain (vertical line), on the same folds")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig


draw()

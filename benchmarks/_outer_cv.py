"""What the training-rows-only benchmarks (``ensembles.py``, ``dropouts.py``) share.

Each runs an outer 3-fold ``MultilabelStratifiedKFold(shuffle=True,
random_state=0)`` over MULAN's training rows of some datasets (the test split
is never read), records one ``{dataset, variant, metric, value, ...}`` row per
score, and keeps the records of datasets it does not rerun.
"""

import json

import numpy as np
from _env import atomic_write, environment, shared_data

from skmultilabel_mlp.datasets import load_npz
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

SEED = 0


def outer_folds(name):
    """MULAN's training rows of ``name`` and their outer folds ``(train, test)``."""
    data = load_npz(shared_data() / name / f"{name}.npz")
    X, Y = data.X_train, data.Y_train
    outer = MultilabelStratifiedKFold(n_splits=3, shuffle=True, random_state=SEED)
    return X, Y, list(outer.split(X, Y))


def values(records, dataset, variant, metric):
    """The outer folds' values of one dataset, variant and metric."""
    return np.array(
        [
            r["value"]
            for r in records
            if (r["dataset"], r["variant"], r["metric"]) == (dataset, variant, metric)
        ]
    )


def run_and_render(path, names, datasets, run_dataset, render, md_path):
    """Rerun ``names`` (default: all ``datasets``), keeping the other datasets'
    records of ``path``; write the JSON after each dataset, then ``md_path``."""
    out = (
        json.loads(path.read_text())
        if path.exists()
        else {"datasets": [], "records": []}
    )
    for name in names or datasets:
        out["records"] = [r for r in out["records"] if r["dataset"] != name]
        out["records"] += run_dataset(name)
        out["datasets"] = [d for d in datasets if d in {*out["datasets"], name}]
        out["environment"] = environment()
        atomic_write(path, json.dumps(out, indent=1))
    atomic_write(md_path, render(out))

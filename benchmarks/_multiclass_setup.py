"""The multi-class outputs study of ``compare_multiclass.py``: its data and measures.

The two data sets (flags' four nominal features as outputs on MULAN's split,
edm's two 3-class outputs in 5 stratified folds), the measures scored, the
networks compared and the reference. Shared by the run and its report.
"""

import numpy as np
from _env import shared_data
from sklearn.model_selection import StratifiedKFold

SEED = 0
FLAGS_OUTPUTS = ["landmass", "zone", "language", "religion"]
SCORING = "mean_output_accuracy"
METRICS = {
    "exact_match": "exact match",
    "mean_accuracy": "mean accuracy",
    "mean_macro_f1": "mean macro-F1",
    "mean_log_loss": "mean log loss",
}
NETWORKS = ("multilabel_mlp", "multilabel_mlp_balanced", "multilabel_mlp_grid")
DIAGNOSE_EPOCHS = (100, 300, 1000)
REFERENCE = "majority_class"


def load_flags():
    """flags: the four nominal features as outputs, the rest and the colours as X."""
    z = np.load(shared_data() / "flags" / "flags.npz")
    names = list(z["feature_names"])
    outputs = [names.index(c) for c in FLAGS_OUTPUTS]
    inputs = [i for i in range(len(names)) if i not in outputs]
    X = np.hstack([z["X"][:, inputs], z["Y"]])
    Y = z["X"][:, outputs].astype(np.int64)  # numeric codes, stored as floats
    train = z["split"] == "train"
    return X, Y, [(np.flatnonzero(train), np.flatnonzero(~train))], FLAGS_OUTPUTS


def load_edm():
    """edm: 5 stratified folds on DFlow over all 154 rows."""
    z = np.load(shared_data() / "edm" / "edm.npz")
    X, Y = z["X"], z["Y"].astype(np.int64)
    cv = StratifiedKFold(5, shuffle=True, random_state=SEED)
    return X, Y, list(cv.split(X, Y[:, 0])), list(z["output_names"])


DATASETS = {
    "flags": (load_flags, "MULAN train/test split (129 / 65 rows)"),
    "edm": (
        load_edm,
        "StratifiedKFold(5, shuffle=True, random_state=0) on DFlow, 154 rows",
    ),
}


DIAGNOSTICS = {
    "train_accuracy": "mean accuracy, training rows",
    "test_accuracy": "mean accuracy, test rows",
    "test_macro_f1": "mean macro-F1, test rows",
    "test_log_loss": "mean log loss, test rows",
}

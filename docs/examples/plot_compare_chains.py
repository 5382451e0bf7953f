"""
Comparing against classifier chains
===================================

The MLP against binary relevance, a :class:`~sklearn.multioutput.ClassifierChain`
and a random forest, cross-validated on the same multilabel-stratified folds.
"""

# %%
import matplotlib.pyplot as plt

from skmultilabel_mlp.benchmark import default_baselines, run_benchmark
from skmultilabel_mlp.datasets import make_tutorial_problem
from skmultilabel_mlp.plotting import CVScoresDisplay

RANDOM_STATE = 0
data = make_tutorial_problem()
baselines = default_baselines(RANDOM_STATE, include_tuned=False)
chosen = {
    name: baselines[name]
    for name in (
        "binary_relevance",
        "classifier_chain",
        "random_forest",
        "multilabel_mlp",
    )
}

# %%
# Five folds, every metric of the panel, the mean over folds per estimator
# (Hamming loss and mean binary cross-entropy: lower is better).
records = run_benchmark(
    chosen, {"tutorial": data}, cv=5, random_state=RANDOM_STATE, progress=False
)
frame = records.to_frame()
summary = frame.pivot_table(index="estimator", columns="metric", values="value")
summary["fit s"] = frame.groupby("estimator")["fit_seconds"].mean()
summary.sort_values("f1_micro", ascending=False).round(3)

# %%
# The spread over folds of one metric.
_, ax = plt.subplots(figsize=(6, 3))
CVScoresDisplay.from_records(records, metric="f1_micro", ax=ax)

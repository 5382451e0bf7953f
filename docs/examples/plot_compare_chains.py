"""
Comparing against classifier chains
===================================

The MLP against binary relevance, a :class:`~sklearn.multioutput.ClassifierChain`
and a random forest, cross-validated on the same multilabel-stratified folds.
"""

# %%
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
records = run_benchmark(
    chosen, {"tutorial": data}, cv=5, random_state=RANDOM_STATE, progress=False
)
frame = records.to_frame()
print(frame.groupby(["estimator", "metric"])["value"].mean().unstack().round(3))

# %%
CVScoresDisplay.from_records(records, metric="f1_micro")

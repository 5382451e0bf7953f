"""
Grid-searching the hidden size in a pipeline
============================================

:class:`~skmultilabel_mlp.MultiLabelMLPClassifier` is a scikit-learn estimator,
so :class:`~sklearn.model_selection.GridSearchCV` searches it like any other,
here on the Hamming loss with the whole multi-label scoring panel recorded.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import make_tutorial_problem
from skmultilabel_mlp.metrics import multilabel_scoring
from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

RANDOM_STATE = 0
X, Y = make_tutorial_problem(return_X_y=True)
WIDTHS = [2, 8, 32, 128]

# %%
# Four widths, three multilabel-stratified folds, a short training (30 epochs).
pipe = make_pipeline(
    StandardScaler(), MultiLabelMLPClassifier(epochs=30, random_state=RANDOM_STATE)
)
grid = GridSearchCV(
    pipe,
    {"multilabelmlpclassifier__hidden_layer_sizes": [(w,) for w in WIDTHS]},
    cv=MultilabelStratifiedKFold(3, shuffle=True, random_state=RANDOM_STATE),
    scoring=multilabel_scoring(),
    refit="hamming_loss",
)
grid.fit(X, Y)
print(grid.best_params_)

# %%
# One row per width. The scorer negates the Hamming loss (greater is better, as
# for all of scikit-learn's losses); the table turns it back into a loss.
results = pd.DataFrame(grid.cv_results_)
table = pd.DataFrame(
    {
        "Hamming loss": -results["mean_test_hamming_loss"],
        "± (folds)": results["std_test_hamming_loss"],
        "micro-F1": results["mean_test_f1_micro"],
        "exact match": results["mean_test_exact_match"],
        "fit s": results["mean_fit_time"],
        "rank": results["rank_test_hamming_loss"],
    }
).set_axis(pd.Index(WIDTHS, name="hidden units"))
table.round(3)

# %%
# The loss against the width, each fold a dot, and what a fit of each width
# took. After 30 epochs the widest network has the lowest loss, by less with
# each step. The time hardly depends on the width at this size; its spread is
# each width's first fold, which also compiles the network for that shape.
folds = -results[[f"split{i}_test_hamming_loss" for i in range(3)]].to_numpy()
fig, (loss_ax, time_ax) = plt.subplots(1, 2, figsize=(9, 3.5))
loss_ax.errorbar(
    WIDTHS, table["Hamming loss"], yerr=table["± (folds)"], marker="o", capsize=3
)
for column in folds.T:
    loss_ax.scatter(WIDTHS, column, color="tab:blue", alpha=0.3, s=12)
loss_ax.set(
    xscale="log",
    xlabel="hidden units",
    ylabel="Hamming loss (lower is better)",
    title="validation loss, mean ± std over folds",
)
time_ax.bar(
    [str(w) for w in WIDTHS],
    results["mean_fit_time"],
    yerr=results["std_fit_time"],
    color="tab:gray",
    capsize=3,
)
time_ax.set(xlabel="hidden units", ylabel="seconds", title="fit time per fold")
loss_ax.set_xticks(WIDTHS, [str(w) for w in WIDTHS])
loss_ax.minorticks_off()
fig.tight_layout()

# %%
# The package's own :class:`~skmultilabel_mlp.model_selection.GridSearchCV` takes
# the same arguments and trains every candidate and fold as stacked computations;
# for an integer ``random_state`` it finds the same networks and scores, faster.

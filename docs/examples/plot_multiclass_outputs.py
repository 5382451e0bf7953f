"""
Outputs with their own classes
==============================

A target can be several outputs, each with its own classes: here a *shape*
(four classes) and a *colour* (three) for every row, scikit-learn's
``multiclass-multioutput`` type.
:class:`~skmultilabel_mlp.MultiLabelMLPClassifier` gives each output a softmax
block on a shared hidden layer; we compare it with
:class:`~sklearn.ensemble.RandomForestClassifier` and
:class:`~sklearn.multioutput.MultiOutputClassifier` around a logistic
regression.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

RANDOM_STATE = 0
rng = np.random.RandomState(RANDOM_STATE)

# %%
# Two outputs from the same ten features: the shape is make_classification's
# class, the colour a noisy projection of three features cut into thirds.
# DataFrame columns name the outputs; the classes are strings.
X, shape = make_classification(
    n_samples=600,
    n_features=10,
    n_informative=6,
    n_classes=4,
    n_clusters_per_class=1,
    random_state=RANDOM_STATE,
)
score = X[:, :3] @ [1.0, -0.5, 0.8] + rng.normal(scale=0.5, size=len(X))
colour = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
Y = pd.DataFrame(
    {
        "shape": np.array(["circle", "square", "star", "triangle"])[shape],
        "colour": np.array(["red", "green", "blue"])[colour],
    }
)
X_train, X_test, Y_train, Y_test = train_test_split(
    X, Y, test_size=0.3, random_state=RANDOM_STATE
)
Y.head()

# %%
# One fit, as for any scikit-learn classifier. ``classes_`` holds one array per
# output and ``label_names_`` the output names.
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmultilabel_mlp import MultiLabelMLPClassifier

mlp = make_pipeline(
    StandardScaler(),
    MultiLabelMLPClassifier(hidden_layer_sizes=(64,), random_state=RANDOM_STATE),
).fit(X_train, Y_train)
net = mlp[-1]
print(net.n_outputs_, list(net.label_names_))
print(net.classes_)

# %%
# ``predict`` returns the original labels, one column per output (object dtype
# for strings); ``predict_proba`` one ``(n_samples, n_classes)`` array per
# output, in the order of that output's ``classes_``.
print(mlp.predict(X_test[:3]))
print([p.shape for p in mlp.predict_proba(X_test)])

# %%
# The same metrics for every estimator: per output, then averaged over outputs.
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import MultiOutputClassifier

from skmultilabel_mlp.metrics import (
    mean_output_log_loss,
    multioutput_exact_match,
    per_output_accuracy,
)

baselines = {
    "RandomForestClassifier": RandomForestClassifier(random_state=RANDOM_STATE),
    "MultiOutputClassifier(LR)": make_pipeline(
        StandardScaler(), MultiOutputClassifier(LogisticRegression(max_iter=1000))
    ),
}
for model in baselines.values():
    model.fit(X_train, Y_train)
models = {"MultiLabelMLPClassifier": mlp, **baselines}
scores = pd.DataFrame(
    {
        name: [
            *per_output_accuracy(Y_test, model.predict(X_test)),
            multioutput_exact_match(Y_test, model.predict(X_test)),
            mean_output_log_loss(
                Y_test, model.predict_proba(X_test), classes=model.classes_
            ),
        ]
        for name, model in models.items()
    },
    index=["accuracy: shape", "accuracy: colour", "exact match", "log loss"],
)
scores.round(3)

# %%
# Side by side. The colour is a linear function of the features plus noise, so
# the logistic regression is at home there; the shapes are clusters, which it
# cannot separate with straight lines as well as the network does. Exact match
# needs both outputs right in the same row.
ax = scores.iloc[:3].plot.bar(rot=0, figsize=(7, 3.5), width=0.8)
ax.set(ylabel="share right (test rows)", ylim=(0, 1.15))
ax.set_yticks(np.arange(0, 1.1, 0.2))
ax.legend(loc="upper center", ncol=3, fontsize="small", frameon=False)
plt.tight_layout()

# %%
# Where the network's mistakes go: one confusion matrix per output. The colours
# were cut from one score (red < green < blue), and the mistakes fall between
# neighbours: green for red or blue, hardly ever red for blue.
from sklearn.metrics import ConfusionMatrixDisplay

Y_pred = mlp.predict(X_test)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for j, (output, ax) in enumerate(zip(Y.columns, axes)):
    ConfusionMatrixDisplay.from_predictions(
        Y_test[output],
        Y_pred[:, j],
        labels=net.classes_[j],
        ax=ax,
        colorbar=False,
    )
    ax.set_title(output)
fig.tight_layout()

# %%
# In a search, name a multi-output scorer, e.g.
# ``GridSearchCV(pipe, grid, scoring="mean_output_accuracy")`` with
# :class:`skmultilabel_mlp.model_selection.GridSearchCV`.
# :doc:`/user_guide/multiclass_outputs` works through a real data set, and
# ``benchmarks/results/compare_multiclass.md`` compares the estimators on two.

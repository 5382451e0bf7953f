"""
Tuning decision thresholds
==========================

0.5 is rarely the best threshold for every label. Tune them on out-of-fold
probabilities, here for a classifier chain and for the MLP alike.
"""

# %%
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.multioutput import ClassifierChain

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import make_tutorial_problem
from skmultilabel_mlp.plotting import ThresholdCurveDisplay
from skmultilabel_mlp.thresholds import TunedThresholdMultiLabelClassifier

RANDOM_STATE = 0
X, Y = make_tutorial_problem(return_X_y=True)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=RANDOM_STATE)

# %%
# Thresholds tuned per label by 3-fold cross-validation on the training rows,
# then macro-F1 on the test rows at 0.5 and at the tuned thresholds.
rows = {}
for name, est in {
    "classifier chain": ClassifierChain(
        LogisticRegression(max_iter=1000), random_state=RANDOM_STATE
    ),
    "MLP": MultiLabelMLPClassifier(epochs=40, random_state=RANDOM_STATE),
}.items():
    tuned = TunedThresholdMultiLabelClassifier(
        est, scoring="f1", cv=3, random_state=RANDOM_STATE
    ).fit(X_train, Y_train)
    plain = tuned.estimator_.predict_proba(X_test) >= 0.5
    rows[name] = {
        **{f"threshold {j}": t for j, t in enumerate(tuned.thresholds_)},
        "macro-F1 at 0.5": f1_score(Y_test, plain, average="macro"),
        "macro-F1 tuned": f1_score(Y_test, tuned.predict(X_test), average="macro"),
    }
pd.DataFrame(rows).T.round(3)

# %%
# Whether tuning pays off shows on rows it was not tuned on. Here, with 750
# training rows and no rare label, 0.5 is hard to beat and the tuned thresholds
# carry the noise of three folds; on emotions and yeast, tuning raised the
# MLP's macro-F1 by about 0.05 (``benchmarks/results/thresholds_imbalance.md``).

# %%
# F1 against the threshold for each label of the last model (dots: tuned values).
ThresholdCurveDisplay.from_predictions(Y_train, tuned.oof_proba_)

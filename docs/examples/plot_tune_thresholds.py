"""
Tuning decision thresholds
==========================

0.5 is rarely the best threshold for every label. Tune them on out-of-fold
probabilities, here for a classifier chain and for the MLP alike.
"""

# %%
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
for name, est in {
    "classifier chain": ClassifierChain(
        LogisticRegression(max_iter=1000), random_state=0
    ),
    "MLP": MultiLabelMLPClassifier(epochs=40, random_state=0),
}.items():
    tuned = TunedThresholdMultiLabelClassifier(
        est, scoring="f1", cv=3, random_state=RANDOM_STATE
    ).fit(X_train, Y_train)
    plain = tuned.estimator_.predict_proba(X_test) >= 0.5
    print(
        f"{name}: thresholds {tuned.thresholds_.round(2)}, macro-F1 "
        f"{f1_score(Y_test, plain, average='macro'):.3f} at 0.5 -> "
        f"{f1_score(Y_test, tuned.predict(X_test), average='macro'):.3f} tuned"
    )

# %%
# F1 against the threshold for each label of the last model (dots: tuned values).
ThresholdCurveDisplay.from_predictions(Y_train, tuned.oof_proba_)

"""
Pictures of a multi-label model
===============================

Per-label scores, training history with early stopping, and a report.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import make_tutorial_problem
from skmultilabel_mlp.metrics import multilabel_report
from skmultilabel_mlp.plotting import PerLabelScoreDisplay, TrainingHistoryDisplay

RANDOM_STATE = 0
X, Y = make_tutorial_problem(return_X_y=True)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=RANDOM_STATE)
clf = MultiLabelMLPClassifier(
    epochs=200, early_stopping=True, n_iter_no_change=10, random_state=RANDOM_STATE
).fit(X_train, Y_train)

# %%
TrainingHistoryDisplay.from_estimator(clf)

# %%
_, ax = plt.subplots(figsize=(6, 2.5))
PerLabelScoreDisplay.from_estimator(clf, X_test, Y_test, metric="f1", ax=ax)

# %%
# The whole report as one table: a row per label, the averages, then the
# Hamming loss and exact match in the ``value`` column.
report = multilabel_report(Y_test, clf.predict(X_test), clf.predict_proba(X_test))
report.style.format(precision=3, na_rep="")

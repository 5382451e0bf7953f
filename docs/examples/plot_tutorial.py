"""
Reproducing the tutorial
========================

The Keras multi-label tutorial this package grew from: an MLP with one sigmoid per
label, evaluated by repeated k-fold cross-validation, then asked about a new row.
"""

# %%
# The data: 1000 rows, 10 features, 3 labels, as in the tutorial.
from sklearn.model_selection import RepeatedKFold

from skmultilabel_mlp import MultiLabelMLPClassifier
from skmultilabel_mlp.datasets import make_tutorial_problem
from skmultilabel_mlp.model_selection import cross_val_score

RANDOM_STATE = 1
data = make_tutorial_problem()
print(data.X.shape, data.Y.shape)

# %%
# Ten folds, repeated three times. The package's ``cross_val_score`` trains all 30
# networks as one computation; scikit-learn's gives the same kind of numbers,
# fold by fold, ten times slower.
clf = MultiLabelMLPClassifier(hidden_layer_sizes=(20,), epochs=100, random_state=0)
cv = RepeatedKFold(n_splits=10, n_repeats=3, random_state=RANDOM_STATE)
scores = cross_val_score(clf, data.X, data.Y, cv=cv)
print(f"exact-match accuracy {scores.mean():.3f} (std {scores.std():.3f})")

# %%
# Fit on every row and predict the tutorial's new row.
clf.fit(data.X, data.Y)
print(clf.predict_proba(data.new_row).round(3), clf.predict(data.new_row))

# %%
# How training went.
from skmultilabel_mlp.plotting import TrainingHistoryDisplay

TrainingHistoryDisplay.from_estimator(clf)

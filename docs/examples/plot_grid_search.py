"""
Grid-searching the hidden size in a pipeline
============================================

:class:`~skmultilabel_mlp.MultiLabelMLPClassifier` is a scikit-learn estimator,
so :class:`~sklearn.model_selection.GridSearchCV` searches it like any other,
here on the Hamming loss with the whole multi-label scoring panel recorded.
"""

# %%
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

# %%
pipe = make_pipeline(
    StandardScaler(), MultiLabelMLPClassifier(epochs=30, random_state=0)
)
grid = GridSearchCV(
    pipe,
    {"multilabelmlpclassifier__hidden_layer_sizes": [(5,), (20,), (64,)]},
    cv=MultilabelStratifiedKFold(3, shuffle=True, random_state=RANDOM_STATE),
    scoring=multilabel_scoring(),
    refit="hamming_loss",
)
grid.fit(X, Y)
print(grid.best_params_)

# %%
# Hamming loss is negated by the scorer (greater is better), as scikit-learn's losses.
results = pd.DataFrame(grid.cv_results_)
print(
    results[
        [
            "param_multilabelmlpclassifier__hidden_layer_sizes",
            "mean_test_hamming_loss",
            "mean_test_f1_micro",
            "mean_test_exact_match",
        ]
    ]
)

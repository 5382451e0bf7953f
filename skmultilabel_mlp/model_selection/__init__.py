"""Cross-validation for multi-label data: stratified splitters, fold-stacked CV.

``cross_validate``, ``cross_val_score``, ``GridSearchCV`` and
``RandomizedSearchCV`` have scikit-learn's signatures and results; for this
package's classifier they train all folds (and candidates) as stacked
computations. The splitters stratify on every label (iterative stratification).
"""

from ._search import GridSearchCV, RandomizedSearchCV
from ._split import (
    MultilabelStratifiedKFold,
    MultilabelStratifiedShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
    check_positive_rows,
    stratified_holdout,
)
from ._validation import cross_val_score, cross_validate

__all__ = [
    "GridSearchCV",
    "MultilabelStratifiedKFold",
    "MultilabelStratifiedShuffleSplit",
    "RandomizedSearchCV",
    "RepeatedMultilabelStratifiedKFold",
    "check_positive_rows",
    "cross_val_score",
    "cross_validate",
    "stratified_holdout",
]

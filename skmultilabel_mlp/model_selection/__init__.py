"""Cross-validation for multi-label data: stratified splitters, fold-stacked CV.

``cross_validate`` and ``cross_val_score`` have scikit-learn's signatures and
results; for this package's classifier they train all folds as one
computation. The splitters stratify on every label (iterative stratification).
"""

from ._split import (
    MultilabelStratifiedKFold,
    MultilabelStratifiedShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
    check_positive_rows,
    stratified_holdout,
)
from ._validation import cross_val_score, cross_validate

__all__ = [
    "MultilabelStratifiedKFold",
    "MultilabelStratifiedShuffleSplit",
    "RepeatedMultilabelStratifiedKFold",
    "check_positive_rows",
    "cross_val_score",
    "cross_validate",
    "stratified_holdout",
]

"""Multi-label metrics, the report, and the scorers that work with any estimator.

Every function accepts indicator matrices (numpy, scipy sparse, pandas
DataFrame) and wraps scikit-learn's implementation where one exists. NaN in
``y_true`` marks an unknown label: it is an error unless ``ignore_missing=True``,
in which case those entries are left out. No Keras import.
"""

from ._multilabel import (
    coverage_error,
    exact_match_score,
    hamming_loss,
    hamming_score,
    label_ranking_average_precision_score,
    label_ranking_loss,
    mean_binary_cross_entropy,
    per_label_f1_score,
)
from ._report import multilabel_report
from ._scorer import get_scorer, multilabel_scoring, per_label_summary

__all__ = [
    "coverage_error",
    "exact_match_score",
    "get_scorer",
    "hamming_loss",
    "hamming_score",
    "label_ranking_average_precision_score",
    "label_ranking_loss",
    "mean_binary_cross_entropy",
    "multilabel_report",
    "multilabel_scoring",
    "per_label_f1_score",
    "per_label_summary",
]

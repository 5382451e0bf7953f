"""Multi-label metrics, the report, and the scorers that work with any estimator.

Every function accepts indicator matrices (numpy, scipy sparse, pandas
DataFrame) and wraps scikit-learn's implementation where one exists. NaN in
``y_true`` marks an unknown label: it is an error unless ``ignore_missing=True``,
in which case those entries are left out. No Keras import.

A one-column ``y`` and a 1-D 0/1 ``y`` are one label whose positive class is 1.
scikit-learn reads both as a binary target; its score with the default
``average="binary"`` (``f1_score(y_true, y_pred)``) is that label's score, and here
every average over labels (macro, micro, weighted) gives it too, per-label
functions return one value, and samplewise averages are taken over rows, as on
any indicator matrix.

Targets whose outputs have more than two classes (scikit-learn's
``multiclass-multioutput``: one column per output, classes of any dtype) have
their own measures: ``multioutput_exact_match``, ``per_output_*`` and
``mean_output_*`` scores, and ``multioutput_report``. There, unknown entries of
``y_true`` (``None``, NaN, ``pd.NA``) are always left out.

The ranking measures at a cut-off k (``precision_at_k``, ``recall_at_k``,
``ndcg_at_k``, and the scorers ``"precision_at_5"`` etc.) judge each row's k
highest scores, as extreme classification does; they work on sparse matrices
a chunk of rows at a time and take no unknown entries.
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
from ._multioutput import (
    mean_output_accuracy,
    mean_output_macro_f1,
    multioutput_exact_match,
    per_output_accuracy,
    per_output_f1_score,
)
from ._output_log_loss import mean_output_log_loss, per_output_log_loss
from ._panel import multilabel_scoring, per_label_summary
from ._ranking import ndcg_at_k, precision_at_k, recall_at_k
from ._report import multilabel_report, multioutput_report
from ._scorer import get_scorer

__all__ = [
    "coverage_error",
    "exact_match_score",
    "get_scorer",
    "hamming_loss",
    "hamming_score",
    "label_ranking_average_precision_score",
    "label_ranking_loss",
    "mean_binary_cross_entropy",
    "mean_output_accuracy",
    "mean_output_log_loss",
    "mean_output_macro_f1",
    "multilabel_report",
    "multilabel_scoring",
    "multioutput_exact_match",
    "multioutput_report",
    "ndcg_at_k",
    "per_label_f1_score",
    "per_label_summary",
    "per_output_accuracy",
    "per_output_f1_score",
    "per_output_log_loss",
    "precision_at_k",
    "recall_at_k",
]

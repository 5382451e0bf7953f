"""The classifier's predictions in the form of its target, and its ``score``.

:class:`OutputsMixin` gives ``MultiLabelMLPClassifier`` its ``score`` (exact
match: every label, or every output, right) and, where ``y`` was
``multiclass`` or ``multiclass-multioutput`` (``_multiclass``), scikit-learn's
multi-output conventions: one probability array per output. The multi-label
conventions are untouched.
"""

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted

from . import _multiclass
from ._multiclass import equals
from ._targets import _binarize_label_sets, _is_label_set_sequence, columns_in_order
from .metrics import exact_match_score, multioutput_exact_match

__all__ = ["OutputsMixin"]


class OutputsMixin:
    """``score``, and the probabilities of outputs with their own classes."""

    def score(self, X, y, sample_weight=None):
        """Exact-match (subset) accuracy: share of rows with every label right.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : indicator matrix, DataFrame or sequence of label sets
            True labels, in the form used for ``fit``; NaN entries (unknown) are
            left out, and rows with no known label are not counted. For
            outputs with their own classes, their classes: a row counts when
            every known output is right (a class the model never saw is wrong).
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        if getattr(self, "_outputs_", None) is not None:
            return self._output_score(X, y, sample_weight)
        if not self._is_binary() and _is_label_set_sequence(y):
            y, _ = _binarize_label_sets(y, labels=self.label_names_)
        elif not self._is_binary() and hasattr(y, "columns"):
            y = columns_in_order(y, self.label_names_)
        if not self._is_binary():
            # unknown (NaN) entries are left out, as in training
            return exact_match_score(
                y, self.predict(X), sample_weight=sample_weight, ignore_missing=True
            )
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def _output_probas(self, proba):
        """One probability array per output with its own classes (None: labels)."""
        if getattr(self, "_outputs_", None) is None:
            return None
        return _multiclass.output_probas(proba, self._heads_, self._outputs_)

    def _output_score(self, X, y, sample_weight):
        """Exact match over outputs; unknown true classes are left out, and a
        class the model never saw is a wrong prediction."""
        if hasattr(y, "columns") and not self._one_d_:
            y = columns_in_order(y, self.label_names_)
        y_true = y.to_numpy(dtype=object) if hasattr(y, "to_numpy") else y
        y_true = np.array(y_true, dtype=object)
        if self.missing_label is not None:
            hit = np.vectorize(lambda v: equals(v, self.missing_label), otypes=[bool])
            y_true[hit(y_true)] = None
        return multioutput_exact_match(
            y_true, self.predict(X), sample_weight=sample_weight
        )

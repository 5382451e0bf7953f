"""The classifier's predictions in the form of its target, and its ``score``.

:class:`OutputsMixin` gives ``MultiLabelMLPClassifier`` its ``score`` (exact
match: every label, or every output, right) and, where ``y`` was
``multiclass`` or ``multiclass-multioutput`` (``_multiclass``), scikit-learn's
multi-output conventions: one probability array per output. The multi-label
conventions are untouched. ``predict_top_k`` ranks a multi-label model's labels
a chunk of rows at a time, for label sets too large to threshold or to hold as
one dense probability matrix.
"""

from numbers import Integral

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples, check_is_fitted

from . import _multiclass
from ._multiclass import equals
from ._targets import _binarize_label_sets, _is_label_set_sequence, columns_in_order
from .metrics import exact_match_score, multioutput_exact_match
from .metrics._ranking import top_k_positions

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
        return self._score_predicted(y, self.predict(X), sample_weight)

    def _score_predicted(self, y, y_pred, sample_weight=None):
        """:meth:`score` of the 0/1 (or class) predictions ``y_pred`` against
        ``y`` in any form ``fit`` takes (binary and multi-label ``y`` only)."""
        if not self._is_binary() and _is_label_set_sequence(y):
            y, _ = _binarize_label_sets(y, labels=self.label_names_)
        elif not self._is_binary() and hasattr(y, "columns"):
            y = columns_in_order(y, self.label_names_)
        if not self._is_binary():
            # unknown (NaN) entries are left out, as in training
            return exact_match_score(
                y, y_pred, sample_weight=sample_weight, ignore_missing=True
            )
        return accuracy_score(y, y_pred, sample_weight=sample_weight)

    def predict_top_k(self, X, k=5, *, return_scores=False, chunk_size=1000):
        """The k most probable labels of each row, most probable first.

        No threshold is involved: every row gets exactly k labels, as the
        ranking measures (:func:`~skmultilabel_mlp.metrics.precision_at_k`,
        :func:`~skmultilabel_mlp.metrics.ndcg_at_k`) judge them. The rows go
        through the network ``chunk_size`` at a time, so memory holds one
        chunk's ``(chunk_size, n_labels)`` probabilities, not all of them.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        k : int, default=5
            How many labels per row, from 1 to ``n_labels_``.
        return_scores : bool, default=False
            Also return the probabilities of the labels returned.
        chunk_size : int, default=1000
            Rows per forward pass; lower it when ``n_labels_`` is large and
            memory is short. The result does not depend on it.

        Returns
        -------
        top : ndarray of int of shape (n_samples, k)
            Positions in ``label_names_`` (``clf.label_names_[top]`` names
            them), by decreasing probability; among equal probabilities the
            lower position comes first.
        scores : ndarray of shape (n_samples, k)
            ``P(label = 1)`` of each label in ``top``; only with
            ``return_scores=True``.

        Examples
        --------
        >>> from sklearn.datasets import make_multilabel_classification
        >>> from skmultilabel_mlp import MultiLabelMLPClassifier
        >>> X, Y = make_multilabel_classification(n_samples=60, n_features=8,
        ...                                       n_classes=6, random_state=0)
        >>> clf = MultiLabelMLPClassifier(epochs=5, random_state=0).fit(X, Y)
        >>> clf.predict_top_k(X[:2], k=3).shape
        (2, 3)
        """
        check_is_fitted(self)
        self._check_top_k_args(k, chunk_size)
        n = _num_samples(X)
        tops, scores = [], []
        # one pass over an empty X still lets the forward pass raise its error
        for start in range(0, max(n, 1), chunk_size):
            proba = self._label_proba(
                _safe_indexing(X, slice(start, start + chunk_size))
            )
            top = top_k_positions(proba, k)
            tops.append(top)
            if return_scores:
                scores.append(np.take_along_axis(proba, top, axis=1))
        top = np.concatenate(tops)
        return (top, np.concatenate(scores)) if return_scores else top

    def _check_top_k_args(self, k, chunk_size):
        if getattr(self, "_outputs_", None) is not None or self._is_binary():
            raise ValueError(
                "predict_top_k ranks the labels of a multi-label model; this one "
                "was fitted on a 1-D y or on outputs with their own classes: use "
                "predict_proba (and, per output, np.argsort of its columns)."
            )
        for name, value in (("k", k), ("chunk_size", chunk_size)):
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1; got {value!r}.")
        if k > self.n_labels_:
            raise ValueError(
                f"k={k} but the model has {self.n_labels_} labels; pass k <= "
                f"{self.n_labels_} (k = n_labels_ ranks every label)."
            )

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

"""Another estimator's ``predict_proba`` output as one ``(n_samples, n_labels)`` array.

scikit-learn's multi-label estimators give probabilities in several forms (an
``(n, L)`` array, a list of per-label ``(n, 2)`` blocks, a binary ``(n, 2)``
array); the metrics, scorers and threshold tools read them all through
:func:`proba_to_matrix`. Imports nothing from the package.
"""

import numpy as np

__all__ = ["proba_to_matrix"]


def _positive_column(p, classes):
    """P(label = 1) from one (n, k) probability block of a per-label estimator."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 1:
        return p
    if classes is None:
        return p[:, -1]
    classes = list(np.asarray(classes).ravel())
    if 1 in classes:
        return p[:, classes.index(1)]
    if True in classes:
        return p[:, classes.index(True)]
    # the label had no positive row when this estimator was fitted
    return np.zeros(p.shape[0])


def _is_per_label_list(proba):
    """The ``MultiOutputClassifier`` format: a list of 2-D arrays, one per label."""
    return (
        isinstance(proba, list)
        and len(proba) > 0
        and all(isinstance(p, np.ndarray) and p.ndim == 2 for p in proba)
    )


def proba_to_matrix(proba, n_labels=None, classes=None):
    """Normalise any multi-label probability output to (n_samples, n_labels).

    Handles the formats found in scikit-learn: an ``(n, L)`` array
    (``MLPClassifier``, ``ClassifierChain``, ``OneVsRestClassifier``, this
    package); a list of ``(n, 2)`` arrays, one per label (``MultiOutputClassifier``,
    ``RandomForestClassifier``, ``KNeighborsClassifier``), where a label seen with
    one class only gives an ``(n, 1)`` block; and a binary ``(n, 2)`` array.

    Parameters
    ----------
    proba : ndarray or list of ndarray
        The output of ``predict_proba``.
    n_labels : int or None
        The number of labels of the true target. It tells a binary classifier's
        ``(n, 2)`` class columns (``n_labels=1``) from two labels: sklearn's
        ``MLPClassifier`` fitted on two labels has ``classes_ == [0, 1]`` too.
    classes : array-like, list of array-like, or None
        The estimator's ``classes_`` (used to find the column of class 1).

    Returns
    -------
    ndarray of shape (n_samples, n_labels), float64
    """
    if hasattr(proba, "toarray"):
        proba = proba.toarray()
    if _is_per_label_list(proba):
        per_label = classes if isinstance(classes, list) else [None] * len(proba)
        blocks = [_positive_column(p, c) for p, c in zip(proba, per_label)]
        out = np.column_stack(blocks)
    else:
        out = np.asarray(proba, dtype=np.float64)
        if out.ndim == 1:
            out = out.reshape(-1, 1)
        elif n_labels == 1 and out.shape[1] == 2:
            # a binary classifier: its two columns are classes, not labels
            binary_classes = classes if np.ndim(classes) == 1 else None
            out = _positive_column(out, binary_classes).reshape(-1, 1)
    if n_labels is not None and out.shape[1] != n_labels:
        raise ValueError(
            f"predict_proba gave {out.shape[1]} columns but y_true has {n_labels} "
            "labels; was the estimator fitted on the same labels?"
        )
    return out

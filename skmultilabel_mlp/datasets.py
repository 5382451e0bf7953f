"""Built-in and on-disk multi-label datasets (no network access, no Keras).

Every loader returns a :class:`~sklearn.utils.Bunch` with ``X``, ``Y``,
``feature_names`` and ``label_names``.
"""

import numpy as np
from sklearn.datasets import make_multilabel_classification
from sklearn.utils import Bunch

__all__ = ["TUTORIAL_NEW_ROW", "make_tutorial_problem"]

#: The new row the tutorial asks the final model about.
TUTORIAL_NEW_ROW = np.array([[3, 3, 6, 7, 8, 2, 11, 11, 1, 3]], dtype=float)


def make_tutorial_problem(*, return_X_y=False):
    """The tutorial's synthetic problem: 1000 rows, 10 features, 3 labels.

    ``make_multilabel_classification(n_samples=1000, n_features=10, n_classes=3,
    n_labels=2, random_state=1)``, the data of the well-known Keras multi-label
    tutorial this package grew from.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, Y)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``X`` (1000, 10) float, ``Y`` (1000, 3) int, ``feature_names``,
        ``label_names`` and ``new_row``, the (1, 10) row the tutorial predicts.

    Examples
    --------
    >>> from skmultilabel_mlp.datasets import make_tutorial_problem
    >>> data = make_tutorial_problem()
    >>> data.X.shape, data.Y.shape
    ((1000, 10), (1000, 3))
    """
    X, Y = make_multilabel_classification(
        n_samples=1000, n_features=10, n_classes=3, n_labels=2, random_state=1
    )
    if return_X_y:
        return X, Y
    return Bunch(
        X=X,
        Y=Y,
        feature_names=np.array([f"x{i}" for i in range(X.shape[1])], dtype=object),
        label_names=np.array([f"label_{j}" for j in range(Y.shape[1])], dtype=object),
        new_row=TUTORIAL_NEW_ROW.copy(),
    )

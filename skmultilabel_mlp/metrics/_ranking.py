"""Ranking measures at a cut-off k, the extreme-classification way, and their scorers.

``precision_at_k``, ``recall_at_k`` and ``ndcg_at_k`` judge the k labels a model
scores highest in each row, as the Extreme Classification Repository (Bhatia et
al.) and Jain et al. (2016) define them for 0/1 relevance. With ``T`` a row's
true labels and ``top_k`` its k highest-scored labels, ranked from 1:

- P@k = |top_k ∩ T| / k (always divided by k, also when k exceeds the labels);
- R@k = |top_k ∩ T| / |T|;
- DCG@k = sum over ranks r <= k of [label at r in T] / log2(r + 1), and
  nDCG@k = DCG@k / sum over r <= min(k, |T|) of 1 / log2(r + 1).

This nDCG is :func:`sklearn.metrics.ndcg_score` with ``k=k`` for 0/1 relevance
when no two scores in a row tie at the cut-off; scikit-learn averages the gain
over tied labels (``ignore_ties=False``), whereas here ties are broken: among
equal scores the label with the lower column position ranks first, so a
ranking (and ``predict_top_k``) is one definite list. A row with no true label
scores 0 in every measure and stays in the mean (the repository's and
scikit-learn's convention). The score is the mean over rows, weighted by
``sample_weight``.

Rows are taken ``_CHUNK_ROWS`` at a time, so a sparse ``y_true`` or ``y_score``
of shape (n, 10000) is never dense beyond one chunk, and the top k of each
chunk come from ``np.partition`` (linear time), not a full sort.
"""

import re
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import _check_sample_weight

from .._proba import proba_to_matrix
from .._utils import final_step

__all__ = ["RankingScorer", "ndcg_at_k", "precision_at_k", "recall_at_k"]

#: rows per chunk: at 10000 labels a chunk peaks at about 200 MB (scores,
#: their partition, masks), whatever the number of rows
_CHUNK_ROWS = 1000

_PARAMS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_score": ["array-like", "sparse matrix"],
    "k": [Interval(Integral, 1, None, closed="left")],
    "sample_weight": ["array-like", None],
}

_RANKING_PARAMS = """y_true : array-like or sparse matrix of shape (n_samples, n_labels)
        True 0/1 labels (no unknown entries).
    y_score : array-like or sparse matrix of shape (n_samples, n_labels)
        Scores (probabilities or any real values; greater means more likely).
        In a sparse ``y_score`` the entries not stored are scores of 0.
    k : int >= 1, default=5
        The cut-off: how many of each row's highest-scored labels are judged.
        Greater than ``n_labels``, every label is ranked.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows in the mean."""


def _doc(func):
    func.__doc__ = func.__doc__.replace("{ranking_params}", _RANKING_PARAMS)
    return func


def top_k_positions(scores, k):
    """Column positions of each row's ``min(k, n_labels)`` highest scores.

    Highest first; among equal scores the lower position first. ``scores`` is
    a dense ``(n, L)`` array; the work is ``O(n L)`` (a partition, not a sort).
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, n_labels = scores.shape
    k = min(k, n_labels)
    if k == n_labels:
        return np.argsort(-scores, axis=1, kind="stable")
    kth = np.partition(scores, n_labels - k, axis=1)[:, n_labels - k, None]
    chosen = scores > kth
    tied = scores == kth
    need = k - chosen.sum(axis=1)
    # rows whose ties straddle the cut-off keep their lowest-positioned ties
    straddle = np.flatnonzero(tied.sum(axis=1) > need)
    first = np.cumsum(tied[straddle], axis=1, dtype=np.int32) <= need[straddle, None]
    tied[straddle] &= first
    cols = np.nonzero(chosen | tied)[1].reshape(n, k)  # ascending in each row
    order = np.argsort(-np.take_along_axis(scores, cols, axis=1), axis=1, kind="stable")
    return np.take_along_axis(cols, order, axis=1)


def _as_matrix(y, name):
    """CSR or ndarray, 2-D and non-empty; nothing densified."""
    Y = y.tocsr() if sp.issparse(y) else np.asarray(y)
    if Y.ndim != 2 or 0 in Y.shape:
        raise ValueError(
            f"{name} must be a non-empty 2-D matrix of shape (n_samples, n_labels); "
            f"got shape {Y.shape}. A ranking needs a row of labels per sample: "
            "reshape a single row with y.reshape(1, -1)."
        )
    return Y


def _check_01(values, name="y_true"):
    bad = ~np.isin(values, (0, 1))
    if bad.any():
        found = values[bad][:1].tolist()[0]
        raise ValueError(
            f"{name} must hold 0/1 labels; found {found!r}. Unknown "
            "(NaN) labels are not supported by the ranking measures: fill them "
            "with 0 or drop those rows."
        )


def _checked(y_true, y_score):
    T, S = _as_matrix(y_true, "y_true"), _as_matrix(y_score, "y_score")
    if T.shape != S.shape:
        raise ValueError(
            f"y_true has shape {T.shape} but y_score has shape {S.shape}; give one "
            "row per sample and one column per label in both."
        )
    if sp.issparse(T):
        _check_01(T.data)
        T = T.astype(np.int8)  # its dense chunks: 1 byte an entry
    return T, S


def _chunks(T, S):
    """``(rows, true 0/1 chunk, score chunk)``, dense, ``_CHUNK_ROWS`` rows each."""
    for start in range(0, T.shape[0], _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        t = T[rows].toarray() if sp.issparse(T) else T[rows]
        s = np.asarray(S[rows].toarray() if sp.issparse(S) else S[rows], dtype=float)
        if not sp.issparse(T):
            _check_01(t)
        if not np.isfinite(s).all():
            raise ValueError("y_score contains NaN or infinity; give finite scores.")
        yield rows, t, s


def _mean_over_rows(y_true, y_score, k, sample_weight, row_scores):
    """Weighted mean over rows of ``row_scores(hits, n_true, k)``."""
    T, S = _checked(y_true, y_score)
    w = _check_sample_weight(sample_weight, T, dtype=np.float64)
    per_row = np.empty(T.shape[0])
    for rows, t, s in _chunks(T, S):
        hits = np.take_along_axis(t, top_k_positions(s, k), axis=1)
        per_row[rows] = row_scores(
            hits.astype(np.float64), t.sum(axis=1, dtype=np.float64), k
        )
    return float(np.average(per_row, weights=w))


def _precision(hits, n_true, k):
    return hits.sum(axis=1) / k


def _recall(hits, n_true, k):
    return hits.sum(axis=1) / np.maximum(n_true, 1)


def _ndcg(hits, n_true, k):
    discount = 1.0 / np.log2(np.arange(2, hits.shape[1] + 2))
    ideal = np.concatenate([[0.0], np.cumsum(discount)])
    best = ideal[np.minimum(n_true, hits.shape[1]).astype(int)]
    dcg = hits @ discount
    return np.divide(dcg, best, out=np.zeros_like(dcg), where=best > 0)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@_doc
def precision_at_k(y_true, y_score, *, k=5, sample_weight=None):
    """Precision at k: the share of each row's k top-scored labels that are true.

    The extreme-classification P@k (Jain et al., 2016): ``|top_k ∩ T| / k``
    per row, averaged over rows. The denominator is k even when a row has
    fewer than k true labels (or the matrix fewer than k labels), so the
    best reachable score can be below 1. Among equal scores the label with
    the lower column position ranks first; a row with no true label scores 0.

    Parameters
    ----------
    {ranking_params}

    Returns
    -------
    score : float
        In [0, 1]; greater is better.

    See Also
    --------
    ndcg_at_k : Discounted by rank, normalised by the best reachable.
    recall_at_k : Divided by the row's number of true labels instead of k.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import precision_at_k
    >>> precision_at_k([[1, 0, 1], [0, 1, 0]], [[0.9, 0.8, 0.1], [0.2, 0.7, 0.1]], k=2)
    0.5
    """
    return _mean_over_rows(y_true, y_score, k, sample_weight, _precision)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@_doc
def recall_at_k(y_true, y_score, *, k=5, sample_weight=None):
    """Recall at k: the share of each row's true labels among its k top-scored.

    ``|top_k ∩ T| / |T|`` per row, averaged over rows; a row with no true
    label scores 0 (as in the Extreme Classification Repository's tools).
    Ties are broken as in :func:`precision_at_k`.

    Parameters
    ----------
    {ranking_params}

    Returns
    -------
    score : float
        In [0, 1]; greater is better.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import recall_at_k
    >>> recall_at_k([[1, 0, 1], [0, 1, 0]], [[0.9, 0.8, 0.1], [0.2, 0.7, 0.1]], k=2)
    0.75
    """
    return _mean_over_rows(y_true, y_score, k, sample_weight, _recall)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
@_doc
def ndcg_at_k(y_true, y_score, *, k=5, sample_weight=None):
    """Normalised discounted cumulative gain at k, for 0/1 labels.

    Per row: ``DCG@k = sum_{r <= k} [label ranked r is true] / log2(r + 1)``
    divided by its best value ``sum_{r <= min(k, |T|)} 1 / log2(r + 1)``, the
    extreme-classification nDCG@k (Jain et al., 2016). It equals
    ``sklearn.metrics.ndcg_score(y_true, y_score, k=k)`` when no scores tie
    across the cut-off; scikit-learn averages over tied labels, here the
    label with the lower column position ranks first. A row with no true
    label scores 0 (as in scikit-learn).

    Parameters
    ----------
    {ranking_params}

    Returns
    -------
    score : float
        In [0, 1]; greater is better.

    Examples
    --------
    >>> from skmultilabel_mlp.metrics import ndcg_at_k
    >>> round(ndcg_at_k([[1, 0, 1]], [[0.9, 0.8, 0.1]], k=2), 4)
    0.6131
    """
    return _mean_over_rows(y_true, y_score, k, sample_weight, _ndcg)


_MEASURES = {"precision": precision_at_k, "recall": recall_at_k, "ndcg": ndcg_at_k}
_NAME = re.compile(r"^(precision|recall|ndcg)_at_([1-9][0-9]*)$")


class RankingScorer:
    """``scorer(estimator, X, y_true)``: a ranking measure at k of ``predict_proba``.

    Parameters
    ----------
    name : str
        ``"precision_at_<k>"``, ``"recall_at_<k>"`` or ``"ndcg_at_<k>"``.
    """

    def __init__(self, name):
        match = _NAME.match(name)
        if match is None:
            raise ValueError(
                f"{name!r} is not a ranking scorer name; use precision_at_<k>, "
                "recall_at_<k> or ndcg_at_<k> with an integer k >= 1."
            )
        self.name = name
        self.metric = _MEASURES[match.group(1)]
        self.k = int(match.group(2))

    def __call__(self, estimator, X, y_true, sample_weight=None):
        if not hasattr(estimator, "predict_proba"):
            raise TypeError(
                f"scorer {self.name!r} ranks labels by predict_proba, which "
                f"{type(final_step(estimator)).__name__} lacks; wrap it in "
                "sklearn.calibration.CalibratedClassifierCV or score its "
                f"decision_function with {self.metric.__name__}."
            )
        shape = np.shape(y_true) if not sp.issparse(y_true) else y_true.shape
        n_labels = shape[1] if len(shape) == 2 else 1
        scores = proba_to_matrix(
            estimator.predict_proba(X), n_labels, getattr(estimator, "classes_", None)
        )
        return self.metric(y_true, scores, k=self.k, sample_weight=sample_weight)

    def __repr__(self):
        return f"RankingScorer({self.name!r})"


def ranking_scorer(name):
    """The :class:`RankingScorer` called ``name``, or None for other names."""
    if isinstance(name, str) and _NAME.match(name):
        return RankingScorer(name)
    return None

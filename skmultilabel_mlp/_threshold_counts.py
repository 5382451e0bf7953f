"""Scores of candidate thresholds from cumulative confusion counts.

The pieces :func:`~skmultilabel_mlp.thresholds.tune_thresholds` is built from,
pure NumPy: the candidate thresholds of a column, the weighted confusion counts
of ``p >= t`` at every candidate (one sort, one cumulative sum), the scores
computed from counts, and the coordinate ascent that gives per-label thresholds
for a score of the whole label matrix that is not a sum over labels (micro-F1,
the samplewise scores, exact match): one label at a time, the others held fixed.
"""

import numpy as np

__all__ = [
    "ascent_micro_f1",
    "ascent_rows",
    "best",
    "candidates",
    "count_scores",
    "counts",
    "from_counts",
    "row_scores",
]

# a sweep that moves no threshold ends the ascent long before this
_MAX_SWEEPS = 50
_TOL = 1e-12


def from_counts(name, tp, fp, fn, tn):
    """A label-wise score from (weighted) confusion counts; undefined -> 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "f1":
            out = 2 * tp / (2 * tp + fp + fn)
        elif name == "jaccard":
            out = tp / (tp + fp + fn)
        elif name == "accuracy":
            out = (tp + tn) / (tp + fp + fn + tn)
        elif name == "balanced_accuracy":
            out = 0.5 * (tp / (tp + fn) + tn / (tn + fp))
        else:  # mcc
            den = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
            out = (tp * tn - fp * fn) / den
    return np.nan_to_num(out, nan=0.0)


def row_scores(name, tp, fp, fn):
    """Each row's samplewise score from its counts (0 where undefined, as
    scikit-learn's ``zero_division=0``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "f1_samples":
            out = 2 * tp / (2 * tp + fp + fn)
        elif name == "jaccard_samples":
            out = tp / (tp + fp + fn)
        else:  # exact_match
            out = ((fp + fn) == 0).astype(float)
    return np.nan_to_num(out, nan=0.0)


def candidates(p, max_candidates):
    """Midpoints between distinct probabilities, plus 0 (all) and 1 (none)."""
    values = np.unique(p)
    if values.size > max_candidates:
        values = np.unique(np.quantile(values, np.linspace(0, 1, max_candidates)))
    mids = (values[1:] + values[:-1]) / 2
    return np.concatenate([[0.0], mids, [1.0]])


def counts(y, p, w, thresholds):
    """Weighted ``(tp, fp, fn, tn)`` of ``p >= t`` for every t, from one sort."""
    order = np.argsort(p, kind="stable")
    p, y, w = p[order], y[order], w[order]
    pos_from = np.concatenate([np.cumsum((w * y)[::-1])[::-1], [0.0]])
    all_from = np.concatenate([np.cumsum(w[::-1])[::-1], [0.0]])
    k = np.searchsorted(p, thresholds, side="left")  # rows k.. have p >= threshold
    tp = pos_from[k]
    fp = all_from[k] - tp
    fn = pos_from[0] - tp
    tn = (all_from[0] - pos_from[0]) - fp
    return tp, fp, fn, tn


def count_scores(y, p, w, cands, name):
    """Score of every candidate threshold for one binary column, from counts."""
    return from_counts(name, *counts(y, p, w, cands))


def best(cands, scores, near=0.5):
    """Best candidate; ties go to the one closest to ``near`` (0.5: the untuned
    default; in the ascent, the label's current threshold)."""
    top = np.flatnonzero(scores >= scores.max() - _TOL)
    return float(cands[top[np.argmin(np.abs(cands[top] - near))]])


def ascent_micro_f1(Y, P, w, known, start, frozen, max_candidates):
    """Per-label thresholds that raise micro-F1 over one shared threshold.

    From ``start`` (each label's starting threshold), each label in turn takes
    the candidate that maximises micro-F1 of all known entries with the other
    labels' thresholds fixed; a label moves only for a strict gain, so the
    score never falls and the sweeps end. ``frozen`` labels keep ``start``.
    """
    t = np.array(start, dtype=float)
    columns, current = [], []
    for j in range(Y.shape[1]):
        rows = known[:, j]
        y, p, wj = Y[rows, j], P[rows, j], w[rows]
        c = candidates(p, max_candidates)
        columns.append((c, np.array(counts(y, p, wj, c))))
        current.append(np.array(counts(y, p, wj, np.array([t[j]])))[:, 0])
    current = np.array(current)
    total = current.sum(axis=0)
    for _ in range(_MAX_SWEEPS):
        moved = False
        for j in np.flatnonzero(~np.asarray(frozen)):
            c, cc = columns[j]
            others = total - current[j]
            scores = from_counts("f1", *(others[:, None] + cc))
            if scores.max() > from_counts("f1", *total) + _TOL:
                t[j] = best(c, scores, near=t[j])
                current[j] = cc[:, np.searchsorted(c, t[j])]
                total = others + current[j]
                moved = True
        if not moved:
            break
    return t


def ascent_rows(Y, P, w, name, start, frozen, max_candidates):
    """Per-label thresholds that raise a samplewise score (``f1_samples``,
    ``jaccard_samples``, ``exact_match``) over one shared threshold.

    Moving label j's threshold changes each row's score between two values
    (label j predicted or not, the other labels fixed), so every candidate is
    scored at once from one sort and one cumulative sum of the differences.
    """
    Yb = Y.astype(bool)
    w = np.asarray(w, dtype=float)
    scale = w.sum() if w.sum() > 0 else 1.0
    t = np.array(start, dtype=float)
    pred = P >= t
    tp = (pred & Yb).sum(axis=1)
    fp = (pred & ~Yb).sum(axis=1)
    fn = (~pred & Yb).sum(axis=1)
    orders = np.argsort(P, axis=0, kind="stable")
    cands = [candidates(P[:, j], max_candidates) for j in range(Y.shape[1])]
    for _ in range(_MAX_SWEEPS):
        moved = False
        for j in np.flatnonzero(~np.asarray(frozen)):
            y, on_j = Yb[:, j], pred[:, j]
            tp_o, fp_o, fn_o = tp - (on_j & y), fp - (on_j & ~y), fn - (~on_j & y)
            on = row_scores(name, tp_o + y, fp_o + ~y, fn_o)
            off = row_scores(name, tp_o, fp_o, fn_o + y)
            o = orders[:, j]
            gain = np.concatenate([np.cumsum((w * (on - off))[o][::-1])[::-1], [0.0]])
            k = np.searchsorted(P[o, j], cands[j], side="left")
            scores = (w @ off + gain[k]) / scale
            if scores.max() > w @ row_scores(name, tp, fp, fn) / scale + _TOL:
                t[j] = best(cands[j], scores, near=t[j])
                pred[:, j] = new = P[:, j] >= t[j]
                tp, fp, fn = tp_o + (new & y), fp_o + (new & ~y), fn_o + (~new & y)
                moved = True
        if not moved:
            break
    return t

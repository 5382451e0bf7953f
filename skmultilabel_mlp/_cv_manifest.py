"""A saved MultiLabelMLPClassifierCV: its parameters and choices, checked back in.

The file of a fitted :class:`MultiLabelMLPClassifierCV` is its
``best_estimator_`` (the scaler and the chosen classifier, saved as any such
pipeline) plus a ``"classifier_cv"`` manifest section written here: the
constructor parameters and the small fitted attributes (``best_params_``,
``best_index_``, ``best_score_``, the threshold rules, their scores and
thresholds, ``feature_names_in_`` when present). ``classes_``,
``label_names_``, ``n_labels_`` and ``n_features_in_`` are the chosen
classifier's, taken from it on load as ``fit`` takes them.

Not saved: ``cv_results_`` (the whole search: refit to see it again), and a
``cv`` that is neither an int nor one of the k-fold and shuffle splitters of
scikit-learn and of this package (a list of splits, a splitter class of one's
own): ``save`` warns, the manifest keeps its repr as ``cv_repr``, and the
loaded estimator has the default ``cv=5``. A ``random_state`` that is not an
int is saved as ``None``, as for the classifier. Sequences of candidates come
back as tuples (``hidden_layer_sizes`` a tuple of tuples).

Every value read back is checked, and against the others: ``best_params_`` is
the chosen classifier's and the ``best_index_``-th candidate of the grid the
parameters describe, ``thresholds_`` is the chosen rule's and the classifier's
``threshold``, ``best_score_`` is the chosen rule's score.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import ParameterGrid

from . import _manifest, _splitter_manifest
from ._classifier import MultiLabelMLPClassifier
from ._classifier_cv import CANDIDATE_PARAMS, MultiLabelMLPClassifierCV
from ._cv_rules import SCORINGS

__all__ = ["cv_state", "restore_cv"]

SECTION = "classifier_cv"
_RULES = ("none", "global", "per_label")
_CANDIDATES = CANDIDATE_PARAMS  # the CV's parameter -> the classifier's it lists
# passed on to every network, so checked by the classifier's own constraints
_NETWORK = (
    "epochs",
    "n_iter_no_change",
    "batch_size",
    "class_weight",
    "random_state",
    "max_memory_mb",
    "verbose",
)
_FITTED = (
    "best_params_",
    "best_index_",
    "best_score_",
    "threshold_rule_",
    "threshold_scores_",
    "threshold_hamming_losses_",
    "rule_thresholds_",
    "thresholds_",
)


def cv_state(estimator):
    """The ``"classifier_cv"`` section of a fitted ``MultiLabelMLPClassifierCV``."""
    params = estimator.get_params(deep=False)
    state = {}
    if not isinstance(params["random_state"], (int, type(None))):
        params["random_state"] = None
    cv = params["cv"]
    if not (cv is None or isinstance(cv, int)):
        saved = _splitter_manifest.to_json(cv)
        if saved is not None:
            params["cv"] = saved
        else:
            del params["cv"]
            state["cv_repr"] = repr(cv)
            warnings.warn(
                f"cv={cv!r} is not saved (an int or one of {sorted(_splitter_manifest.SPLITTERS)} "
                "is); the loaded estimator has cv=5: set_params(cv=...) before "
                "refitting it.",
                UserWarning,
                stacklevel=3,
            )
    fitted = {name: getattr(estimator, name) for name in _FITTED}
    if hasattr(estimator, "feature_names_in_"):
        fitted["feature_names_in_"] = estimator.feature_names_in_
    state.update(params=_manifest.to_json(params), fitted=_manifest.to_json(fitted))
    return state


def _fail(path, part, expected):
    raise ValueError(
        f"{path}: malformed manifest: {SECTION} {part} must be {expected}."
    )


def _is_width(v):
    return isinstance(v, Integral) and not isinstance(v, bool) and v >= 1


def _is_number(v):
    return isinstance(v, Real) and not isinstance(v, bool) and np.isfinite(v)


def _searched():
    """``_CANDIDATES`` that this version's CV estimator has."""
    names = MultiLabelMLPClassifierCV().get_params()
    return {k: v for k, v in _CANDIDATES.items() if k in names}


def _candidates(p, path):
    """The searched values: non-empty lists, each value one the classifier takes."""
    for name, network_name in _searched().items():
        values = p.get(name, getattr(MultiLabelMLPClassifierCV(), name))
        if not isinstance(values, (list, tuple)) or not values:
            _fail(path, f"params {name!r}", "a non-empty list")
        if name == "hidden_layer_sizes":
            if not all(
                isinstance(h, (list, tuple)) and all(_is_width(w) for w in h)
                for h in values
            ):
                _fail(path, f"params {name!r}", "a list of lists of positive widths")
            values = tuple(tuple(h) for h in values)
        else:
            values = tuple(values)
        for value in values:
            try:
                MultiLabelMLPClassifier(**{network_name: value})._validate_params()
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"{path}: malformed manifest: {SECTION} params {name!r}: {exc}"
                ) from None
        p[name] = values


def _params(section, path):
    """The constructor parameters, each checked as ``fit`` would use it."""
    p = section.get("params")
    if not isinstance(p, dict):
        _fail(path, "'params'", "an object")
    try:  # a class_weight dict with int keys is tagged, as the classifier's
        p = _manifest.from_json(p)
    except ValueError as exc:
        raise ValueError(
            f"{path}: malformed manifest: {SECTION} params: {exc}."
        ) from None
    unknown = sorted(set(p) - set(MultiLabelMLPClassifierCV().get_params()))
    if unknown:
        raise ValueError(
            f"{path}: the manifest names parameters {unknown} that "
            "MultiLabelMLPClassifierCV does not have (saved by a newer version?)."
        )
    _candidates(p, path)
    cv = p.get("cv", 5)
    if not (
        cv is None or (isinstance(cv, int) and not isinstance(cv, bool) and cv >= 2)
    ):
        try:
            p["cv"] = _splitter_manifest.from_json(cv)
        except ValueError as exc:
            raise ValueError(
                f"{path}: malformed manifest: {SECTION} params 'cv': {exc}"
            ) from None
    # a list is unhashable: str first, so that a crafted one is a ValueError
    scoring = p.get("scoring", "f1_micro")
    if not (isinstance(scoring, str) and scoring in SCORINGS):
        _fail(path, "params 'scoring'", f"one of {sorted(SCORINGS)}")
    if p.get("ensemble", "none") not in ("none", "seeds"):  # one scaler saved
        _fail(path, "params 'ensemble'", "'none' or 'seeds'")
    if p.get("threshold", "auto") not in ("auto", *_RULES):
        _fail(path, "params 'threshold'", f"one of {('auto', *_RULES)}")
    n_seeds = p.get("n_seeds", 5)
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, int) or n_seeds < 1:
        _fail(path, "params 'n_seeds'", "an int >= 1")
    cap = p.get("max_hamming_increase", 0.05)
    if not (cap is None or (_is_number(cap) and cap >= 0)):
        _fail(path, "params 'max_hamming_increase'", "null or a number >= 0")
    try:
        MultiLabelMLPClassifier(
            **{k: p[k] for k in _NETWORK if k in p}
        )._validate_params()
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{path}: malformed manifest: {SECTION} params: {exc}"
        ) from None
    return p


def _thresholds(values, n_labels, part, path):
    if not (
        isinstance(values, list)
        and len(values) == n_labels
        and all(_is_number(v) and 0 <= v <= 1 for v in values)
    ):
        _fail(path, part, f"{n_labels} numbers in [0, 1]")
    return np.asarray(values, dtype=float)


def _rules(f, n_labels, path):
    """The threshold rules: their scores, their thresholds and the chosen one."""
    scores, rule = f["threshold_scores_"], f["threshold_rule_"]
    if not (
        isinstance(scores, dict)
        and scores
        and set(scores) <= set(_RULES)
        and all(_is_number(v) for v in scores.values())
    ):
        _fail(path, "fitted 'threshold_scores_'", f"an object of {_RULES} -> score")
    if not (isinstance(rule, str) and rule in scores):
        _fail(path, "fitted 'threshold_rule_'", f"one of {sorted(scores)}")
    if not (_is_number(f["best_score_"]) and f["best_score_"] == scores[rule]):
        _fail(path, "fitted 'best_score_'", "the chosen rule's score")
    hamming = f["threshold_hamming_losses_"]
    if not (
        isinstance(hamming, dict)
        and set(hamming) == set(scores)
        and all(_is_number(v) and 0 <= v <= 1 for v in hamming.values())
    ):
        _fail(
            path,
            "fitted 'threshold_hamming_losses_'",
            "the Hamming loss in [0, 1] of each scored rule",
        )
    rule_thresholds = f["rule_thresholds_"]
    if not (isinstance(rule_thresholds, dict) and set(rule_thresholds) == set(scores)):
        _fail(path, "fitted 'rule_thresholds_'", "the thresholds of each scored rule")
    # in fit's order of the rules (the manifest's keys are sorted)
    order = [r for r in _RULES if r in scores]
    f["threshold_scores_"] = {r: float(scores[r]) for r in order}
    f["threshold_hamming_losses_"] = {r: float(hamming[r]) for r in order}
    f["rule_thresholds_"] = {
        r: _thresholds(
            rule_thresholds[r], n_labels, f"fitted 'rule_thresholds_' {r!r}", path
        )
        for r in order
    }
    f["thresholds_"] = _thresholds(
        f["thresholds_"], n_labels, "fitted 'thresholds_'", path
    )
    if not np.array_equal(f["thresholds_"], f["rule_thresholds_"][rule]):
        _fail(path, "fitted 'thresholds_'", "the chosen rule's thresholds")


def _choice(f, params, network, path):
    """``best_params_`` and ``best_index_``: the grid's candidate, the network's."""
    searched = _searched()
    grid = list(ParameterGrid({v: list(params[k]) for k, v in searched.items()}))
    best, index = f["best_params_"], f["best_index_"]
    if not (isinstance(best, dict) and set(best) == set(searched.values())):
        _fail(
            path,
            "fitted 'best_params_'",
            f"an object of {sorted(searched.values())}",
        )
    try:  # a loss object is tagged
        best = f["best_params_"] = _manifest.from_json(best)
    except ValueError as exc:
        _fail(path, "fitted 'best_params_'", f"the chosen parameters ({exc})")
    if isinstance(best["hidden_layer_sizes"], list):
        best["hidden_layer_sizes"] = tuple(best["hidden_layer_sizes"])
    if not (
        isinstance(index, int)
        and not isinstance(index, bool)
        and 0 <= index < len(grid)
        and grid[index] == best
    ):
        _fail(path, "fitted 'best_index_'", "the position of best_params_ in the grid")
    network_params = network.get_params()
    if any(network_params[k] != v for k, v in best.items()):
        _fail(path, "fitted 'best_params_'", "the saved classifier's parameters")
    if not np.array_equal(np.asarray(network.threshold, dtype=float), f["thresholds_"]):
        _fail(path, "fitted 'thresholds_'", "the saved classifier's threshold")


def _fitted(section, params, pipeline, path):
    f = section.get("fitted")
    if not isinstance(f, dict):
        _fail(path, "'fitted'", "an object")
    f = dict(f)
    missing = sorted(set(_FITTED) - set(f))
    unknown = sorted(set(f) - {*_FITTED, "feature_names_in_"})
    if missing or unknown:
        _fail(
            path,
            "'fitted'",
            f"an object of {list(_FITTED)} (missing {missing}, unknown {unknown})",
        )
    network = pipeline[-1]
    _rules(f, network.n_labels_, path)
    _choice(f, params, network, path)
    if "feature_names_in_" in f:
        names = f["feature_names_in_"]
        expected = getattr(pipeline, "feature_names_in_", None)
        if not (
            isinstance(names, list)
            and expected is not None
            and names == [str(n) for n in expected]
        ):
            _fail(
                path, "fitted 'feature_names_in_'", "the saved scaler's feature names"
            )
        f["feature_names_in_"] = np.asarray(names, dtype=object)
    return f


def restore_cv(section, pipeline, path, seed_members=()):
    """The ``MultiLabelMLPClassifierCV`` a ``"classifier_cv"`` section and its
    saved ``best_estimator_`` describe, every value checked; ``seed_members``
    are an ``ensemble="seeds"`` estimator's further networks (checked by
    ``_network_parts``)."""
    if not isinstance(section, dict) or not set(section) <= {
        "params",
        "fitted",
        "cv_repr",
    }:
        _fail(path, "section", "an object of 'params', 'fitted' and 'cv_repr'")
    if "cv_repr" in section and not isinstance(section["cv_repr"], str):
        _fail(path, "'cv_repr'", "a string")
    if not hasattr(pipeline, "steps"):
        _fail(
            path, "section", "beside a saved scaler (the CV estimator always has one)"
        )
    params = _params(section, path)
    fitted = _fitted(section, params, pipeline, path)
    seeds = params.get("ensemble", "none") == "seeds"
    wanted = params.get("n_seeds", 5) - 1 if seeds else 0
    if len(seed_members) != wanted or any(
        not np.array_equal(m[-1].threshold, pipeline[-1].threshold)
        or any(m[-1].get_params()[k] != v for k, v in fitted["best_params_"].items())
        for m in seed_members
    ):
        _fail(path, "'seed_members'", f"{wanted} networks of the chosen candidate")
    est = MultiLabelMLPClassifierCV(**params)
    # the attributes fit sets: the chosen pipeline, what it chose, and the
    # network's description of the data (as fit copies it)
    est.best_estimator_ = pipeline
    est.estimators_ = [pipeline, *seed_members]
    for name, value in fitted.items():
        setattr(est, name, value)
    for name in ("classes_", "label_names_", "n_labels_", "n_features_in_"):
        setattr(est, name, getattr(pipeline[-1], name))
    return est

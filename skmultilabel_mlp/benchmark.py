"""Compare multi-label estimators on datasets: the baselines and a harness.

:func:`default_baselines` builds the classic methods (binary relevance,
classifier chains, an ensemble of chains, random forest, k-NN, scikit-learn's
MLP) next to :class:`~skmultilabel_mlp.MultiLabelMLPClassifier`, each safe on
folds where a label has no positive row. :func:`run_benchmark` fits and scores
them and returns tidy records; it never prints (a progress bar aside) and never
imports Keras itself.
"""

import os
import platform
import time
from datetime import datetime, timezone

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm.auto import tqdm

from ._classifier import MultiLabelMLPClassifier
from ._utils import package_versions
from .metrics import multilabel_scoring
from .model_selection import MultilabelStratifiedKFold, cross_validate
from .multioutput import ChainEnsemble, ConstantSafeClassifier
from .thresholds import TunedThresholdMultiLabelClassifier

__all__ = [
    "BenchmarkRecords",
    "ChainEnsemble",
    "ConstantSafeClassifier",
    "default_baselines",
    "environment",
    "mlp_search",
    "run_benchmark",
]

_VERSIONED = [
    "skmultilabel-mlp",
    "scikit-learn",
    "scikeras",
    "keras",
    "tensorflow",
    "tensorflow-cpu",
    "jax",
    "numpy",
    "scipy",
]


def _cpu_model():
    """The CPU's model name where the system tells it (Linux), else ''."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def environment():
    """Where a result came from: date, machine, Python, Keras backend, versions."""
    versions = package_versions(_VERSIONED)
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.uname().processor,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "cpu_model": _cpu_model(),
        "tf_enable_onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        "versions": versions,
    }


def default_baselines(random_state=0, *, include_tuned=True):
    """The classic multi-label methods and this package's MLP, by name.

    Every estimator is a fresh, unfitted pipeline that standardises features
    first and survives folds where a label has no positive row.

    Parameters
    ----------
    random_state : int, default=0
    include_tuned : bool, default=True
        Add ``"multilabel_mlp_tuned"``: the MLP with per-label F1 thresholds
        tuned on 3-fold out-of-fold probabilities of the training rows.

    Returns
    -------
    baselines : dict of str -> estimator
        ``binary_relevance`` (one logistic regression per label),
        ``classifier_chain``, ``ensemble_of_chains`` (10 random orders),
        ``random_forest`` (native multi-output), ``knn`` (k=10),
        ``sklearn_mlp`` (``MLPClassifier((20,), batch_size=32, max_iter=100)``),
        ``multilabel_mlp`` (defaults) and ``multilabel_mlp_tuned``.
    """
    safe_lr = ConstantSafeClassifier(LogisticRegression(max_iter=1000))

    def scaled(est):
        return make_pipeline(StandardScaler(), est)

    baselines = {
        "binary_relevance": scaled(MultiOutputClassifier(safe_lr)),
        "classifier_chain": scaled(
            ClassifierChain(safe_lr, order="random", random_state=random_state)
        ),
        "ensemble_of_chains": scaled(
            ChainEnsemble(safe_lr, n_chains=10, random_state=random_state)
        ),
        "random_forest": RandomForestClassifier(
            n_estimators=100, n_jobs=1, random_state=random_state
        ),
        "knn": scaled(KNeighborsClassifier(n_neighbors=10)),
        "sklearn_mlp": scaled(
            MLPClassifier((20,), batch_size=32, max_iter=100, random_state=random_state)
        ),
        "multilabel_mlp": scaled(MultiLabelMLPClassifier(random_state=random_state)),
    }
    if include_tuned:
        baselines["multilabel_mlp_tuned"] = TunedThresholdMultiLabelClassifier(
            scaled(MultiLabelMLPClassifier(random_state=random_state)),
            cv=3,
            random_state=random_state,
        )
    return baselines


#: The preset search over the MLP's width, dropout and L2 used in the published
#: comparison (benchmarks/compare.py); chosen by CV on training rows only.
MLP_SEARCH_GRID = {
    "multilabelmlpclassifier__hidden_layer_sizes": [(20,), (128,), (512,)],
    "multilabelmlpclassifier__dropout": [0.0, 0.3],
    "multilabelmlpclassifier__alpha": [0.0, 1e-4],
}


def mlp_search(random_state=0, cv=3, scoring="f1_micro"):
    """The documented MLP preset: a grid search chosen by CV on the training rows.

    A :class:`~sklearn.model_selection.GridSearchCV` over ``MLP_SEARCH_GRID``
    (hidden width 20 / 128 / 512, dropout 0 / 0.3, L2 0 / 1e-4) of
    ``StandardScaler`` + :class:`~skmultilabel_mlp.MultiLabelMLPClassifier`,
    scored by micro-F1 on multilabel-stratified folds, refitted on all rows. Use
    it as one estimator: it never sees a test split.

    Parameters
    ----------
    random_state : int, default=0
    cv : int, default=3
    scoring : str, default="f1_micro"

    Returns
    -------
    search : GridSearchCV
    """
    return GridSearchCV(
        make_pipeline(
            StandardScaler(), MultiLabelMLPClassifier(random_state=random_state)
        ),
        MLP_SEARCH_GRID,
        scoring=scoring,
        cv=MultilabelStratifiedKFold(cv, shuffle=True, random_state=random_state),
    )


class BenchmarkRecords(list):
    """The records of :func:`run_benchmark`, plus the ``environment`` they came from."""

    def __init__(self, records=(), environment=None):
        super().__init__(records)
        self.environment = environment

    def to_frame(self):
        """The records as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self))


def _splitter(cv, random_state):
    if isinstance(cv, int):
        return MultilabelStratifiedKFold(
            n_splits=cv, shuffle=True, random_state=random_state
        )
    return cv


def _fold_results(estimator, data, cv, random_state, panel):
    """Yield (split, fitted estimator, raw scores, fit seconds, score seconds)."""
    if cv == "predefined":
        if "X_train" not in data:
            raise ValueError(
                "cv='predefined' needs a dataset with X_train/X_test (a split)"
            )
        train = (data["X_train"], data["Y_train"])
        yield (
            "test",
            *_fit_and_score(estimator, train, (data["X_test"], data["Y_test"]), panel),
        )
        return
    X, Y = data["X"], np.asarray(data["Y"])
    # the package's cross_validate: this package's MLP trains every fold in one
    # stacked computation, any other estimator goes through scikit-learn's
    res = cross_validate(
        estimator,
        X,
        Y,
        cv=_splitter(cv, random_state),
        scoring=panel,
        return_estimator=True,
        error_score="raise",
    )
    names = [k[len("test_") :] for k in res if k.startswith("test_")]
    for i, est in enumerate(res["estimator"]):
        scores = {name: res[f"test_{name}"][i] for name in names}
        yield f"fold {i}", est, scores, res["fit_time"][i], res["score_time"][i]


def _fit_and_score(estimator, train, test, panel):
    """(fitted clone, raw scores on ``test``, fit seconds, score seconds)."""
    est = clone(estimator)
    start = time.perf_counter()
    est.fit(*train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    scores = panel(est, *test)
    return est, scores, fit_seconds, time.perf_counter() - start


def _natural(panel, scores):
    """Scorer outputs back in each metric's own orientation (losses positive)."""
    return {
        k: -v if getattr(panel.get(k), "sign", 1) == -1 else v
        for k, v in scores.items()
    }


def run_benchmark(
    estimators,
    datasets,
    cv=5,
    scoring=None,
    *,
    random_state=0,
    progress=None,
    return_estimators=False,
):
    """Fit and score every estimator on every dataset split; return tidy records.

    Parameters
    ----------
    estimators : dict of str -> estimator
        E.g. :func:`default_baselines`. Each is cloned per split.
    datasets : dict of str -> Bunch or dict
        With ``X`` and ``Y`` (and ``X_train``, ``Y_train``, ``X_test``,
        ``Y_test`` for ``cv="predefined"``), as the loaders of
        :mod:`skmultilabel_mlp.datasets` return.
    cv : int, cross-validation splitter or "predefined", default=5
        An int gives shuffled multilabel-stratified K-fold; ``"predefined"`` uses
        the dataset's own train/test split. Every estimator sees the same folds;
        this package's MLP trains all of them at once
        (:func:`~skmultilabel_mlp.model_selection.cross_validate`), its
        ``fit_seconds`` being an equal share of that.
    scoring : ScoringPanel or None, default=None
        ``multilabel_scoring(per_label=False)`` when None.
    random_state : int, default=0
        Seed of the folds.
    progress : bool or None, default=None
        Show a tqdm progress bar; None shows it only on a terminal.
    return_estimators : bool, default=False
        Keep the fitted estimators in ``records.estimators``, a dict keyed by
        ``(dataset, estimator, split)``.

    Returns
    -------
    records : BenchmarkRecords
        A list of dicts ``{"estimator", "dataset", "split", "metric", "value",
        "fit_seconds", "predict_seconds"}`` (values in the metric's own
        orientation: losses are positive, lower is better) whose
        ``environment`` attribute records versions, backend and machine.
    """
    panel = multilabel_scoring(per_label=False) if scoring is None else scoring
    tasks = [(d, e) for d in datasets for e in estimators]
    records = BenchmarkRecords(environment=environment())
    if return_estimators:
        records.estimators = {}
    bar = tqdm(
        total=len(tasks),
        disable=None if progress is None else not progress,
        unit="fit-set",
    )
    for dataset_name, est_name in tasks:
        bar.set_description(f"{est_name} on {dataset_name}")
        for split, est, raw, fit_seconds, predict_seconds in _fold_results(
            estimators[est_name], datasets[dataset_name], cv, random_state, panel
        ):
            scores = _natural(panel, raw)
            if return_estimators:
                records.estimators[(dataset_name, est_name, split)] = est
            for metric, value in scores.items():
                records.append(
                    {
                        "estimator": est_name,
                        "dataset": dataset_name,
                        "split": split,
                        "metric": metric,
                        "value": float(value),
                        "fit_seconds": fit_seconds,
                        "predict_seconds": predict_seconds,
                    }
                )
        bar.update()
    bar.close()
    return records

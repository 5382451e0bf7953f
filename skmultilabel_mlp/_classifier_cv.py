"""MultiLabelMLPClassifierCV: the network and its decision thresholds chosen by CV.

scikit-learn's ``*CV`` convention (``LogisticRegressionCV``): one estimator
that, from its training rows only, chooses the network by a stacked grid
search, calibrates the decision threshold(s) on out-of-fold probabilities of
the chosen network for the ``scoring`` the user names, and refits on every
row. No backend is imported until it fits.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MultiOutputMixin
from sklearn.model_selection import check_cv
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from ._classifier import MultiLabelMLPClassifier
from ._cv_members import ENSEMBLES, mean_proba, members
from ._cv_rules import SCORINGS, choose_candidate, tune_rule
from ._multiclass import is_multiclass
from ._oof_recorder import OOFRecorder
from ._proba import proba_to_matrix
from ._targets import encode_targets
from ._utils import indicator_01
from .metrics import get_scorer
from .model_selection import GridSearchCV, MultilabelStratifiedKFold

__all__ = ["CANDIDATE_PARAMS", "MultiLabelMLPClassifierCV"]

#: each searched argument -> the MultiLabelMLPClassifier parameter it lists
CANDIDATE_PARAMS = {
    "hidden_layer_sizes": "hidden_layer_sizes",
    "dropouts": "dropout",
    "alphas": "alpha",
    "learning_rates": "learning_rate",
    "losses": "loss",
}

DEFAULT_HIDDEN_LAYER_SIZES = ((64,), (256,), (256, 256))
DEFAULT_DROPOUTS = (0.0, 0.3, 0.5)
DEFAULT_ALPHAS = (0.0, 1e-4)


class MultiLabelMLPClassifierCV(ClassifierMixin, MultiOutputMixin, BaseEstimator):
    """A multi-label MLP whose network and thresholds are chosen by cross-validation.

    On the training rows only: inputs are scaled (``MaxAbsScaler`` for sparse
    features and for dense ones that are all 0 or 1, which keeps them sparse,
    uncentred and binary; ``StandardScaler`` for any other dense ones), every
    network of the grid ``hidden_layer_sizes x dropouts x alphas x
    learning_rates x losses`` trains on ``cv`` multilabel-stratified folds (one
    stacked computation; the number of epochs chosen per fold by early
    stopping) and leaves its probabilities on each fold's test rows. On those
    out-of-fold probabilities every candidate's threshold rules -- the untuned
    0.5, one global threshold, per-label thresholds -- are tuned on one half
    of the rows and judged by ``scoring`` on the other, both ways; among the
    rules that raise the Hamming loss by at most ``max_hamming_increase`` of
    the 0.5 threshold's, the candidate and rule with the best judged score
    win (no fold trains twice).
    The chosen network is then refitted on every row with its rule tuned on
    all its out-of-fold probabilities, with ``n_seeds`` seeds whose
    probabilities are averaged (``ensemble``).

    Parameters
    ----------
    hidden_layer_sizes : sequence of tuples, default=((64,), (256,), (256, 256))
        The architectures searched.
    dropouts : sequence of float, default=(0.0, 0.3, 0.5)
        Dropout rates searched. 0.5 joined the default after an outer 3-fold
        CV of four MULAN training splits (``benchmarks/results/dropouts.md``):
        micro-F1 +0.013, -0.001, +0.005 and +0.020 on emotions, yeast, scene
        and flags, the Hamming loss lower on all four, for 18 candidates
        instead of 12.
    alphas : sequence of float, default=(0.0, 1e-4)
        L2 penalties searched.
    learning_rates : sequence of float, default=(1e-3,)
    losses : sequence of str or loss objects, default=("binary_crossentropy",)
        The ``loss`` values searched (see :mod:`skmultilabel_mlp.losses`):
        e.g. ``("binary_crossentropy", "asymmetric")``. The focusing losses
        helped on the sparse binary sets with rare labels (medical, genbase)
        and not elsewhere (``benchmarks/results/losses.md``), so the default
        searches binary cross-entropy alone.
    epochs : int, default=200
        The most epochs a network trains; early stopping (``n_iter_no_change``
        epochs without improvement on a 10% holdout) ends it sooner.
    n_iter_no_change : int, default=10
    batch_size : int, default=32
    cv : int or splitter, default=5
        An int gives ``MultilabelStratifiedKFold(cv, shuffle=True)``.
    scoring : {"f1_micro", "f1_macro", "f1_samples", "hamming_loss", \
"exact_match"}, default="f1_micro"
        What the search and the thresholds maximise.
    threshold : {"auto", "none", "global", "per_label"}, default="auto"
        ``"auto"`` chooses by the out-of-fold evidence described above;
        ``"none"`` keeps 0.5; the other two force that rule.
    class_weight : None or "balanced", default=None
        Passed to every network.
    random_state : int or None, default=0
        Seeds the folds and every network (an int gives the same model on
        every fit).
    verbose : int, default=0
    max_memory_mb : float, default=4096
    ensemble : {"seeds", "none", "folds", "folds_and_refit"}, default="seeds"
        What predicts: ``"seeds"``, the mean probability of the chosen
        network refitted on every row with ``n_seeds`` seeds
        (``random_state``, ``random_state + 1``, ...; the first is the
        ``"none"`` network), trained together in one stacked computation;
        ``"none"``, that first network alone; ``"folds"``, the mean of the
        chosen candidate's ``cv`` fold networks the search already trained (no
        refit); ``"folds_and_refit"``, those and the refit. The averaged
        probabilities are cut at ``thresholds_``, tuned on the fold networks'
        out-of-fold probabilities. In an outer 3-fold CV of six MULAN training
        splits (``benchmarks/results/ensembles.md``) the seeds raised micro-F1
        by 0.008 and lowered the Hamming loss by 0.006 on average (both better
        on emotions, yeast, scene and flags; medical and genbase within 0.001)
        for 10% more fit time, against +0.003 and -0.003 for the folds, which
        lost 0.009 micro-F1 on medical; hence the default. ``"folds"`` and
        ``"folds_and_refit"`` cannot be saved (each fold network has its own
        scaler).
    n_seeds : int >= 1, default=5
        The networks ``ensemble="seeds"`` averages (ignored otherwise).
    max_hamming_increase : float >= 0 or None, default=0.05
        How much a tuned threshold rule may raise the Hamming loss, as a share
        of the 0.5 threshold's (0.05: at most 5% more wrong label entries).
        The global threshold maximises ``scoring`` among the thresholds within
        the cap on the rows it is tuned on, and ``threshold="auto"`` chooses
        only among rules whose cross-fitted Hamming loss is within it. Without
        a cap (``None``) the micro-F1 threshold trades false positives for
        recall freely. On the training rows of eight MULAN splits, 0.05 beat
        binary relevance and the classifier chain on both micro-F1 and
        Hamming loss on 6, against 5 for 0, 0.02 and 0.1 and 4 without a cap
        (``benchmarks/results/hamming_cap_choice.md``).

    Attributes
    ----------
    best_estimator_ : Pipeline
        The scaler and the chosen :class:`MultiLabelMLPClassifier`, refitted
        on every row with ``random_state``, with ``threshold`` set to
        ``thresholds_`` (``ensemble="folds"``: the first fold's network).
    estimators_ : list of Pipeline
        The networks that predict, each with ``threshold`` set to
        ``thresholds_``: the ``n_seeds`` refits (``best_estimator_`` first)
        when ``ensemble="seeds"``, ``[best_estimator_]`` when
        ``ensemble="none"``, the fold networks (then the refit) otherwise.
    best_params_ : dict
        The chosen network's parameters.
    best_index_ : int
        Its row in ``cv_results_``.
    best_score_ : float
        Its cross-fitted out-of-fold ``scoring`` with the chosen threshold
        rule (``threshold_scores_[threshold_rule_]``).
    cv_results_ : dict
        The search's ``cv_results_`` (scikit-learn's keys; test scores at the
        0.5 threshold, so its ranks may differ from the choice).
    threshold_rule_ : {"none", "global", "per_label"}
    threshold_scores_ : dict
        The chosen network's cross-fitted out-of-fold score of each rule
        considered (only the forced one unless ``threshold="auto"``).
    threshold_hamming_losses_ : dict
        The cross-fitted out-of-fold Hamming loss of the same rules.
    thresholds_ : ndarray of shape (n_labels,)
        ``rule_thresholds_[threshold_rule_]``.
    rule_thresholds_ : dict
        The thresholds of each rule in ``threshold_scores_``, tuned on all the
        chosen network's out-of-fold probabilities (to compare the rules on
        rows of one's own).
    classes_, label_names_, n_labels_, n_features_in_
        As the chosen classifier's.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skmultilabel_mlp import MultiLabelMLPClassifierCV
    >>> X, Y = make_multilabel_classification(n_samples=80, n_features=6,
    ...                                       n_classes=3, random_state=0)
    >>> clf = MultiLabelMLPClassifierCV(hidden_layer_sizes=[(8,)], dropouts=[0.0],
    ...                                 alphas=[0.0], epochs=5, cv=2).fit(X, Y)
    >>> clf.predict(X[:2]).shape
    (2, 3)
    """

    def __init__(
        self,
        hidden_layer_sizes=DEFAULT_HIDDEN_LAYER_SIZES,
        *,
        dropouts=DEFAULT_DROPOUTS,
        alphas=DEFAULT_ALPHAS,
        learning_rates=(1e-3,),
        losses=("binary_crossentropy",),
        epochs=200,
        n_iter_no_change=10,
        batch_size=32,
        cv=5,
        scoring="f1_micro",
        threshold="auto",
        class_weight=None,
        random_state=0,
        verbose=0,
        max_memory_mb=4096,
        ensemble="seeds",
        max_hamming_increase=0.05,
        n_seeds=5,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropouts = dropouts
        self.alphas = alphas
        self.learning_rates = learning_rates
        self.losses = losses
        self.epochs = epochs
        self.n_iter_no_change = n_iter_no_change
        self.batch_size = batch_size
        self.cv = cv
        self.scoring = scoring
        self.threshold = threshold
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.max_memory_mb = max_memory_mb
        self.ensemble = ensemble
        self.max_hamming_increase = max_hamming_increase
        self.n_seeds = n_seeds

    def _check(self, y):
        if self.scoring not in SCORINGS:
            raise ValueError(
                f"scoring={self.scoring!r}; choose one of {sorted(SCORINGS)}."
            )
        rules = ("auto", "none", "global", "per_label")
        if self.threshold not in rules:
            raise ValueError(f"threshold={self.threshold!r}; choose one of {rules}.")
        if self.threshold == "per_label" and SCORINGS[self.scoring][3] is None:
            raise ValueError(
                f"scoring={self.scoring!r} is a property of whole rows: it has no "
                "per-label thresholds; use threshold='global' or 'auto'."
            )
        if self.ensemble not in ENSEMBLES:
            raise ValueError(f"ensemble={self.ensemble!r}; choose one of {ENSEMBLES}.")
        n = self.n_seeds
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            raise ValueError(f"n_seeds={n!r}; pass an int >= 1.")
        cap = self.max_hamming_increase
        if cap is not None and not (
            isinstance(cap, Real) and not isinstance(cap, bool) and 0 <= cap < np.inf
        ):
            raise ValueError(
                f"max_hamming_increase={cap!r}; pass a number >= 0 (a share of "
                "the 0.5 threshold's Hamming loss) or None for no cap."
            )
        if is_multiclass(y):
            raise ValueError(
                "Only binary classification is supported (a 0/1 label per "
                "column): MultiLabelMLPClassifierCV chooses decision thresholds, which "
                "outputs with their own classes do not have; for a multiclass "
                "or multiclass-multioutput y, search MultiLabelMLPClassifier "
                "with skmultilabel_mlp.model_selection.GridSearchCV."
            )
        for name in CANDIDATE_PARAMS:
            values = getattr(self, name)
            if isinstance(values, (str, bytes)) or not len(list(values)):
                raise ValueError(f"{name} must be a non-empty sequence of values.")

    def _pipeline(self, X, early_stopping=True):
        network = MultiLabelMLPClassifier(
            epochs=self.epochs,
            early_stopping=early_stopping,
            n_iter_no_change=self.n_iter_no_change,
            batch_size=self.batch_size,
            class_weight=self.class_weight,
            random_state=self.random_state,
            max_memory_mb=self.max_memory_mb,
        )
        scaler = MaxAbsScaler() if _sparse_or_binary(X) else StandardScaler()
        return make_pipeline(scaler, network)

    def _folds(self):
        if isinstance(self.cv, int):
            return MultilabelStratifiedKFold(
                self.cv, shuffle=True, random_state=self.random_state
            )
        return check_cv(self.cv)

    def fit(self, X, y):
        """Choose the network and the thresholds on ``X, y``, then refit on all rows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : indicator matrix, DataFrame, sparse matrix or sequence of label sets

        Returns
        -------
        self : MultiLabelMLPClassifierCV
        """
        checked = validate_data(self, X, accept_sparse="csr", dtype="numeric")
        self._check(y)
        cap = self.max_hamming_increase
        X = X if hasattr(X, "columns") else checked  # a DataFrame keeps its names
        # the splits are drawn once: the search and the out-of-fold rows share them
        splits = list(self._folds().split(X, y))
        # a training fold under 10 rows has no 10% early-stopping holdout
        smallest = min(len(train) for train, _ in splits)
        pipeline = self._pipeline(X, early_stopping=smallest >= 10)
        step = pipeline.steps[-1][0]
        grid = {
            f"{step}__{network}": [
                tuple(v) if name == "hidden_layer_sizes" else v
                for v in getattr(self, name)
            ]
            for name, network in CANDIDATE_PARAMS.items()
        }
        search_scoring, judge, *_ = SCORINGS[self.scoring]
        Y = encode_targets(y).Y
        Y = indicator_01(Y.toarray() if sp.issparse(Y) else Y)
        recorder = OOFRecorder(
            get_scorer(search_scoring),
            X,
            splits,
            list(grid),
            Y.shape[1],
            keep_estimators=self.ensemble in ("folds", "folds_and_refit"),
        )
        search = GridSearchCV(
            pipeline,
            grid,
            cv=splits,
            scoring=recorder,
            refit=False,
            verbose=self.verbose,
        ).fit(X, y)
        self.cv_results_ = search.cv_results_
        rule_args = (self.threshold, self.scoring, self.random_state)
        choice = choose_candidate(
            search.cv_results_, recorder.out_of_fold, Y, judge, rule_args, cap
        )
        params, self.threshold_rule_, scores, hamming, oof = choice
        self.threshold_scores_, self.threshold_hamming_losses_ = scores, hamming
        self.best_index_ = search.cv_results_["params"].index(params)
        self.best_params_ = {k.split("__", 1)[1]: v for k, v in params.items()}
        self.best_score_ = float(self.threshold_scores_[self.threshold_rule_])
        self.rule_thresholds_ = {
            r: tune_rule(r, self.scoring, Y, oof, cap) for r in self.threshold_scores_
        }
        self.thresholds_ = self.rule_thresholds_[self.threshold_rule_]
        threshold = {f"{step}__threshold": self.thresholds_.tolist()}
        self.best_estimator_, self.estimators_ = members(
            self.ensemble,
            pipeline,
            {**params, **threshold},
            X,
            y,
            lambda: recorder.fold_estimators(params),
            self.n_seeds,
            self.random_state,
        )
        recorder.forget_estimators()
        network = self.best_estimator_[-1]
        for name in ("classes_", "label_names_", "n_labels_", "n_features_in_"):
            setattr(self, name, getattr(network, name))
        if hasattr(network, "feature_names_in_"):
            self.feature_names_in_ = network.feature_names_in_
        return self

    def predict_proba(self, X):
        """Probability of each label: (n_samples, n_labels), the mean over
        ``estimators_`` (the refitted network alone by default)."""
        check_is_fitted(self)
        return mean_proba(self.estimators_, X)

    def predict(self, X):
        """``predict_proba(X) >= thresholds_``, as 0/1: (n_samples, n_labels)."""
        check_is_fitted(self)
        if len(self.estimators_) == 1:
            return self.best_estimator_.predict(X)
        # every member's threshold is thresholds_
        proba = proba_to_matrix(self.predict_proba(X), self.n_labels_, self.classes_)
        return self.best_estimator_[-1]._thresholded(proba)

    def score(self, X, y, sample_weight=None):
        """Exact-match accuracy, as :meth:`MultiLabelMLPClassifier.score`."""
        check_is_fitted(self)
        if len(self.estimators_) > 1:
            network = self.best_estimator_[-1]
            return network._score_predicted(y, self.predict(X), sample_weight)
        return self.best_estimator_.score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.classifier_tags.multi_class = False
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags


def _sparse_or_binary(X):
    """Sparse, or dense with every entry 0 or 1 (bag-of-words, one-hot codes)."""
    if sp.issparse(X):
        return True
    values = np.asarray(X)
    if values.dtype.kind not in "biuf":
        return False
    return bool(np.all((values == 0) | (values == 1)))

"""How the classifier fits: one fit description per network, K networks at once.

:class:`FittingMixin` is the part of ``MultiLabelMLPClassifier`` that trains:
``fit`` for one network and the hook ``_fit_copies`` for K of them (what
cross-validation and the searches call). Both turn the classifier's parameters
into one frozen :class:`~._engine.FitSpec` per network, give the engine every
copy's rows, and record what training learned; nothing outside the class sets
a fitted attribute.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, validate_data

from . import _engine, _fit_cache, _multiclass
from ._class_weight import resolve_pos_weight
from ._copies import Datasets, stack
from ._holdout import class_holdout, strata, stratified_holdout
from ._outcome import constant_labels, divergence, sigmoid_only
from ._utils import warn_if_too_large
from .losses import _resolve_loss

__all__ = ["FittingMixin"]


class FittingMixin:
    """``fit``, the K-copy hook and the fitted state of the classifier."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train a new network on ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training rows. DataFrame column names are remembered.
        y : array-like, sparse matrix, DataFrame or sequence of label sets
            A 0/1 indicator matrix ``(n_samples, n_labels)`` (NaN = unknown), a
            sequence of label sets such as ``[{"sports"}, {"tech", "art"}, set()]``,
            or a 1-D 0/1 vector (one label).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights; the caller's array is never modified.

        Returns
        -------
        self : MultiLabelMLPClassifier
            The fitted classifier. If training fails or is interrupted, a
            previously fitted state is restored unchanged.
        """
        return self._keeping_state_on_failure(self._fit, X, y, sample_weight)

    def _keeping_state_on_failure(self, train, *args):
        """``train(*args)``; if it fails or is interrupted, the fitted state
        from before is restored unchanged (never a half-fitted object)."""
        previous = {k: v for k, v in vars(self).items() if k.endswith("_")}
        try:
            return train(*args)
        except BaseException:
            for key in [k for k in vars(self) if k.endswith("_")]:
                delattr(self, key)
            vars(self).update(previous)
            raise

    def _fit(self, X, y, sample_weight):
        if _fit_cache.is_active():
            # a stacked search may have trained exactly this fit already
            found = _fit_cache.take(_fit_cache.fingerprint(self, X, y, sample_weight))
            if found is not None:
                fitted = found[0]
                vars(self).update(
                    {k: v for k, v in vars(fitted).items() if k.endswith("_")}
                )
                return self
        if self._compiled_unsupported(X) is None:
            (fitted,) = self._fit_copies([self], [X], [y], [sample_weight])
            if isinstance(fitted, BaseException):
                raise fitted
            return self
        # Keras callbacks: the scikeras fit, epoch by epoch
        self._check_params()
        if self.optimizer == "lazy_adam" and sp.issparse(X):
            warnings.warn(
                "optimizer='lazy_adam' updates only the first-layer rows a batch "
                "touches on the compiled engine; with Keras callbacks the fit runs "
                "in Keras, where it is Adam on every row. Leave out callbacks for "
                "the lazy updates.",
                UserWarning,
                stacklevel=4,
            )
        X = self._validate_features(X, reset=True)
        targets = _multiclass.encode(y, missing_label=self.missing_label)
        sample_weight = self._check_rows(X, targets, sample_weight)
        train, validation = self._validation_split(targets.Y, targets.outputs)
        spec = self._fit_spec(X, targets, train)
        start = self._warm_start_point(spec, targets)
        model, history = _engine.fit_keras(
            spec,
            _take(X, train),
            _take(targets.Y, train),
            _take(sample_weight, train),
            validation_data=None
            if validation is None
            else (
                _take(X, validation),
                targets.Y[validation],
                sample_weight[validation],
            ),
            callbacks=self.callbacks,
            initial_layers=None if start is None else start["layers"],
        )
        diverged = divergence(history, model.get_weights())
        if diverged is not None:
            raise diverged
        constants = sigmoid_only(constant_labels(_take(targets.Y, train)), spec.heads)
        return self._set_fitted(targets, spec, history, constants, model=model)

    @staticmethod
    def _fit_copies(estimators, Xs, ys, sample_weights=None, rows=None, verbose=None):
        """Fit K unfitted classifiers at once: copy ``k`` on ``Xs[k]``, ``ys[k]``.

        The hook ``fit`` (one copy), cross-validation and the searches use.
        ``rows[k]`` (None: all) are copy ``k``'s training rows of its data;
        copies may share data objects (a cross-validation passes one ``X`` and
        the folds' rows). Each copy is prepared as a fit of those rows alone
        would prepare it (checks, class weights, its early-stopping split, its
        own seed drawn from its ``random_state``), then the copies train
        together on the compiled engine: an integer ``random_state`` gives each
        copy exactly the model a solo fit on its rows gives.

        ``verbose`` (None: the copies' own) is the engine's: 1 a progress bar
        per stacked computation, -1 the same on a terminal only, 2 a line per
        epoch.

        Returns
        -------
        list
            Per copy, the estimator (fitted in place), or the exception that
            stopped it.
        """
        K = len(estimators)
        if verbose is None:
            verbose = max((int(est.verbose) for est in estimators), default=0)
        sample_weights = [None] * K if sample_weights is None else sample_weights
        rows = [None] * K if rows is None else rows
        data = Datasets()
        out, ready = [], []
        for est, X, y, w, train in zip(estimators, Xs, ys, sample_weights, rows):
            try:
                est._check_params()
                dataset = data.get(est, X, y, w)
                train = np.arange(dataset.n) if train is None else np.asarray(train)
                fit_rows, val_rows = est._validation_split(
                    dataset.targets.Y[train], dataset.targets.outputs
                )
                if fit_rows is not None:
                    fit_rows, val_rows = train[fit_rows], train[val_rows]
                else:
                    fit_rows = train
                spec = est._fit_spec(dataset.X, dataset.targets, fit_rows)
                # the rows training sees (not the early-stopping holdout)
                constants = sigmoid_only(
                    constant_labels(dataset.targets.Y[fit_rows]), spec.heads
                )
                start = est._warm_start_point(spec, dataset.targets)
            except Exception as exc:
                out.append(exc)
                continue
            out.append(est)
            ready.append(
                (len(out) - 1, dataset, fit_rows, val_rows, spec, constants, start)
            )
        # copies train together when their data can share one matrix
        groups = {}
        for item in ready:
            groups.setdefault(item[1].shape_key, []).append(item)
        for group in groups.values():
            _train_group(out, group, verbose)
        return out

    def _compiled_unsupported(self, X):
        """None when ``fit`` runs on the compiled engine, else why it does not."""
        if self.callbacks:
            return "Keras callbacks (they run inside Keras' own fit loop)"
        if _engine.backend() not in ("tensorflow", "jax"):
            return f"the {_engine.backend()} backend"
        return None

    def _stacking_unsupported(self, X, fit_params):
        """None when :meth:`_fit_copies` can train this classifier, else the reason."""
        extra = set(fit_params or ()) - {"sample_weight"}
        if extra:
            return f"fit parameters {sorted(extra)}"
        return self._compiled_unsupported(X)

    def _warm_start_point(self, spec, targets):
        """The trained layers a ``warm_start`` fit continues from (None: a new
        network). The optimiser starts afresh, as scikit-learn's MLP does."""
        if not self.warm_start or not hasattr(self, "label_names_"):
            return None
        before = getattr(self, "_outputs_", None)
        same = (
            list(map(str, targets.label_names)) == list(map(str, self.label_names_))
            and (targets.binary_classes is not None) == self._is_binary()
            and (targets.outputs is None) == (before is None)
            and (
                before is None
                or [c.tolist() for c in targets.outputs] == [c.tolist() for c in before]
            )
        )
        if not same:
            raise ValueError(
                "warm_start can only be used where y has the same labels as in "
                f"the previous fit ({list(self.label_names_)[:10]}); set "
                "warm_start=False to train a new network."
            )
        start = self._resume_point(spec)
        return {"layers": start["layers"]}

    def _check_params(self):
        """scikit-learn's parameter validation, and no bool where a number is meant.

        ``fit`` validates through ``_fit_context``; the stacked paths call this
        for every copy, so a bad value fails there as it fails in ``fit``.
        """
        self._validate_params()
        for name in _NUMERIC_PARAMS:
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)):
                raise TypeError(
                    f"{name}={value!r}: a bool is not a number here; pass "
                    f"{name} as a number (see the {type(self).__name__} docstring)."
                )

    def _check_rows(self, X, targets, sample_weight):
        """Check X against y and the labels; return the checked sample weights."""
        if targets.Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows but y has {targets.Y.shape[0]}; give one "
                "label row per sample."
            )
        warn_if_too_large(
            X,
            targets.Y,
            _as_sizes(self.hidden_layer_sizes).tolist(),
            self.batch_size,
            self.max_memory_mb,
        )
        return _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )

    def _fit_spec(self, X, targets, train, *, all_known_somewhere=True):
        """The frozen description of this fit on rows ``train`` (None: all rows).

        ``all_known_somewhere``: refuse a label unknown in every training row
        (``partial_fit``'s chunks may lack a label the model already knows).
        """
        Y_train = _take(targets.Y, train)
        names = targets.label_names
        self._thresholds(targets.Y.shape[1])  # a bad threshold fails at fit
        if all_known_somewhere and not sp.issparse(Y_train):
            never_known = np.isnan(Y_train).all(axis=0)
            if targets.outputs is not None:  # one name per output: its block
                heads = _multiclass.head_widths(targets.outputs)
                never_known = never_known[_multiclass.head_offsets(heads)[:-1]]
            if never_known.any():
                raise ValueError(
                    f"labels {list(names[never_known])} are unknown (NaN or "
                    "missing_label) in every training row; drop those columns or "
                    "provide some known values."
                )
        heads = ()
        if targets.outputs is not None:
            heads = _multiclass.head_widths(targets.outputs)
            if not (np.ndim(self.threshold) == 0 and self.threshold == 0.5):
                raise ValueError(
                    f"threshold={self.threshold!r} applies to labels; outputs with "
                    "their own classes predict their most probable class. Leave "
                    "threshold at 0.5 for a multiclass or multiclass-multioutput y."
                )
            pos_weight = _multiclass.output_class_weights(
                self.class_weight, np.asarray(Y_train), heads, targets.outputs, names
            )
        else:
            pos_weight = resolve_pos_weight(
                self.class_weight, Y_train, names, targets.binary_classes
            )
        early = (
            _engine.EarlyStopping(int(self.n_iter_no_change), float(self.tol))
            if self.early_stopping
            else None
        )
        return _engine.FitSpec(
            n_features=X.shape[1],
            n_labels=targets.Y.shape[1],
            hidden_layer_sizes=tuple(
                int(w) for w in _as_sizes(self.hidden_layer_sizes)
            ),
            activation=self.activation,
            kernel_initializer=self.kernel_initializer,
            dropout=float(self.dropout),
            alpha=float(self.alpha),
            optimizer=self.optimizer,
            learning_rate=float(self.learning_rate),
            batch_size=int(self.batch_size),
            epochs=int(self.epochs),
            # the one place a seed is drawn (an int random_state gives the
            # same seed on every fit; None a fresh one from NumPy's global RNG)
            seed=int(check_random_state(self.random_state).randint(2**31 - 1)),
            pos_weight=None if pos_weight is None else tuple(map(float, pos_weight)),
            masked=_has_missing(targets.Y),
            early_stopping=early,
            verbose=self.verbose,
            heads=heads,
            loss=_resolve_loss(self.loss, heads),
        )

    def _validate_features(self, X, *, reset):
        X = validate_data(
            self,
            X,
            reset=reset,
            accept_sparse=("csr", "csc", "coo"),
            dtype=np.float32,
        )
        return X.tocsr() if sp.issparse(X) else X

    def _validation_split(self, Y, outputs=None):
        """Row indices for training and (with early stopping) validation."""
        if not self.early_stopping:
            return None, None
        if outputs is not None:  # outputs with their own classes
            codes = _multiclass.class_codes(Y, _multiclass.head_widths(outputs))
            return class_holdout(codes, self.validation_fraction, self.random_state)
        return stratified_holdout(
            strata(Y), self.validation_fraction, self.random_state
        )


def _train_group(out, group, verbose):
    """Train copies whose data share a shape as one engine call; fill ``out``."""
    X, Y, weights, offsets = stack([item[1] for item in group])
    shift = [offsets[id(item[1])] for item in group]
    try:
        trained = _engine.train_stacked(
            [item[4] for item in group],
            X,
            Y,
            [item[2] + s for item, s in zip(group, shift)],
            sample_weight=weights,
            val_rows=[
                None if item[3] is None else item[3] + s
                for item, s in zip(group, shift)
            ],
            verbose=verbose,
            max_memory_mb=min(out[item[0]].max_memory_mb for item in group),
            starts=[item[6] for item in group],
        )
    except Exception as exc:
        for item in group:
            out[item[0]] = exc
        return
    for (k, dataset, _, _, spec, constants, _), (layers, history) in zip(
        group, trained
    ):
        weights = [a for kernel, bias, _ in layers for a in (kernel, bias)]
        diverged = divergence(history, weights)
        if diverged is not None:
            out[k] = diverged
        else:
            out[k]._set_fitted(dataset.targets, spec, history, constants, layers=layers)


_NUMERIC_PARAMS = (
    "hidden_layer_sizes",
    "dropout",
    "alpha",
    "learning_rate",
    "batch_size",
    "epochs",
    "threshold",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "max_memory_mb",
)


def _as_sizes(hidden_layer_sizes):
    sizes = np.atleast_1d(np.asarray(hidden_layer_sizes))
    has_bool = any(
        isinstance(v, (bool, np.bool_))
        for v in np.atleast_1d(np.asarray(hidden_layer_sizes, dtype=object))
    )
    if has_bool or (sizes.size and (sizes.dtype.kind not in "iu" or np.any(sizes < 1))):
        raise ValueError(
            f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}."
        )
    return sizes


def _has_missing(Y):
    return False if sp.issparse(Y) else bool(np.isnan(Y).any())


def _take(X, rows):
    return X if rows is None else X[rows]

"""How the classifier fits: one fit description per network, K networks at once.

:class:`FittingMixin` is the part of ``MultiLabelMLPClassifier`` that trains:
``fit`` for one network and the hook ``_fit_copies`` for K of them (what
cross-validation and the searches call). Both turn the classifier's parameters
into one frozen :class:`~._engine.FitSpec` per network (:mod:`._fit_spec`),
give the engine every copy's rows, and record what training learned; nothing
outside the class sets a fitted attribute.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import _fit_context

from . import _engine, _fit_cache, _multiclass
from ._copies import Datasets, stack
from ._fit_spec import FitSpecMixin, take_rows
from ._outcome import constant_labels, divergence, sigmoid_only

__all__ = ["FittingMixin"]


class FittingMixin(FitSpecMixin):
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
            take_rows(X, train),
            take_rows(targets.Y, train),
            take_rows(sample_weight, train),
            validation_data=None
            if validation is None
            else (
                take_rows(X, validation),
                targets.Y[validation],
                sample_weight[validation],
            ),
            callbacks=self.callbacks,
            initial_layers=None if start is None else start["layers"],
        )
        diverged = divergence(history, model.get_weights())
        if diverged is not None:
            raise diverged
        constants = sigmoid_only(
            constant_labels(take_rows(targets.Y, train)), spec.heads
        )
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

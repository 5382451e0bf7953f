"""The checked description of one fit: the classifier's parameters and rows
turned into a frozen :class:`~._engine.FitSpec`.

:class:`FitSpecMixin` is the part of ``MultiLabelMLPClassifier`` that validates
before anything trains: its parameters (scikit-learn's constraints, no bool
where a number is meant), the rows against the labels and sample weights, the
early-stopping holdout, and the spec every engine trains from. ``fit``,
``_fit_copies`` and ``partial_fit`` all go through it, so a bad value fails the
same way on every path.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, validate_data

from . import _engine, _multiclass
from ._class_weight import resolve_pos_weight
from ._holdout import class_holdout, strata, stratified_holdout
from ._utils import warn_if_too_large
from .losses import _resolve_loss

__all__ = ["FitSpecMixin", "as_sizes", "take_rows"]


class FitSpecMixin:
    """Parameter and row checks, and the :class:`~._engine.FitSpec` of a fit."""

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
            as_sizes(self.hidden_layer_sizes).tolist(),
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
        Y_train = take_rows(targets.Y, train)
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
            hidden_layer_sizes=tuple(int(w) for w in as_sizes(self.hidden_layer_sizes)),
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


def as_sizes(hidden_layer_sizes):
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


def take_rows(X, rows):
    return X if rows is None else X[rows]

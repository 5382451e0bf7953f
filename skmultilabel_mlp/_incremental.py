"""Training that goes on: ``partial_fit`` and the starting point of ``warm_start``.

:class:`IncrementalMixin` is the part of ``MultiLabelMLPClassifier`` that
continues from trained weights. ``partial_fit`` runs one epoch over the rows
it is given, on the compiled engine, with the optimiser's state (moments, step
count) kept from one call to the next, so that a stream of chunks trains like
the epochs of one fit over data that never fits in memory at once. The label
set is fixed by the first call (from ``classes`` or the first ``y``).
"""

import dataclasses
import numbers

import numpy as np
import scipy.sparse as sp

from . import _engine
from ._copies import Dataset, stack
from ._multiclass import encode, is_multiclass
from ._outcome import constants_from_counts, divergence, label_counts, sigmoid_only
from ._targets import (
    EncodedTargets,
    _binarize_label_sets,
    _encode_binary,
    _is_1d,
    _is_label_set_sequence,
    columns_in_order,
    encode_targets,
)

__all__ = ["IncrementalMixin"]


class IncrementalMixin:
    """``partial_fit`` and the layers ``warm_start`` continues from."""

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over ``X``, ``y``, continuing the current network.

        The first call starts a network (or continues the weights of an
        earlier ``fit``, with a fresh optimiser); every later call continues
        from the last one, its optimiser state (Adam's moments, the step
        count) included, also after :func:`~skmultilabel_mlp.save` and
        :func:`~skmultilabel_mlp.load`. Early stopping does not apply (as in
        scikit-learn's ``MLPClassifier.partial_fit``), nor do Keras
        ``callbacks``: ``partial_fit`` always runs on the compiled engine. Each
        call adds its epoch's loss to ``history_["loss"]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like, sparse matrix, DataFrame or sequence of label sets
            The targets of these rows, in any form ``fit`` takes.
        classes : array-like or None, default=None
            Every label the model will ever see, fixed by the first call:
            the label names of a sequence of label sets (a chunk may lack
            some), the one or two classes of a 1-D ``y``, or one name per
            column of an indicator matrix; for outputs with their own classes,
            the classes of a 1-D ``y`` (three or more) or one sequence of
            classes per output of a 2-D ``y``. A later call may repeat it (it
            must name the same labels) or leave it out.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MultiLabelMLPClassifier
        """
        return self._keeping_state_on_failure(
            self._partial_fit, X, y, classes, sample_weight
        )

    def _partial_fit(self, X, y, classes, sample_weight):
        self._check_params()
        if isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' needs the whole data, which partial_fit "
                "never sees; compute the weights once (e.g. negatives / positives "
                "per label) and pass them as a dict or an array."
            )
        _check_not_a_task_key(y)
        first = not hasattr(self, "label_names_")
        X = self._validate_features(X, reset=first)
        if sp.issparse(X) and not _engine.sparse_rows_fit(X):
            X = X.toarray()
        if first:
            targets = _first_targets(y, classes, self.missing_label)
        elif getattr(self, "_outputs_", None) is not None:
            targets = self._later_output_targets(y, classes)
        else:
            self._check_same_classes(classes)
            targets = self._later_targets(y)
        weights = self._check_rows(X, targets, sample_weight)
        spec = dataclasses.replace(
            # a chunk may lack every known value of a label the model knows
            self._fit_spec(X, targets, None, all_known_somewhere=first),
            epochs=1,
            early_stopping=None,
        )
        start = None if first else self._resume_point(spec)
        counts = self._label_counts_so_far(first)
        Xs, Y, w, _ = stack([Dataset(X, targets, weights)])
        ((layers, history, state),) = _engine.train_stacked(
            [spec],
            Xs,
            Y,
            [np.arange(X.shape[0])],
            sample_weight=w,
            verbose=self.verbose,
            starts=[start],
            keep_state=True,
        )
        error = divergence(history, [a for k, b, _ in layers for a in (k, b)])
        if error is not None:
            raise error
        # the labels with one value in every row seen so far are predicted
        # with it, as after a fit on all those rows
        positives, known = label_counts(targets.Y)
        if counts is not None:
            positives, known = positives + counts[0], known + counts[1]
        if not first:
            history = {"loss": list(self.history_.get("loss", [])) + history["loss"]}
        constants = sigmoid_only(constants_from_counts(positives, known), spec.heads)
        self._set_fitted(targets, spec, history, constants, layers=layers)
        self._partial_state_ = {
            "optimizer": spec.optimizer,
            "positives": positives,
            "known": known,
            **state,
        }
        return self

    def _label_counts_so_far(self, first):
        """(positives, known) per label over the rows trained on so far, or None.

        After ``partial_fit`` calls they are counted; after a ``fit`` (or a
        load of one) only its constant labels are known, so every other label
        counts as seen with both values.
        """
        if first:
            return None
        seen = getattr(self, "_partial_state_", None)
        if seen is not None:
            return seen["positives"], seen["known"]
        units = sum(getattr(self, "_heads_", ())) or self.n_labels_
        positives = np.ones(units)
        known = np.full(units, 2.0)
        for j, value in getattr(self, "_constant_labels_", {}).items():
            positives[j], known[j] = value, 1.0
        return positives, known

    def _check_same_classes(self, classes):
        """A later call may repeat ``classes``; it must name the same labels."""
        if classes is None:
            return
        fitted = self.classes_ if self._is_binary() else self.label_names_
        if set(list(classes)) != set(list(fitted)):
            raise ValueError(
                f"classes={list(classes)} differs from the first partial_fit "
                f"call's {list(fitted)}; the label set is fixed by the first call."
            )

    def _later_output_targets(self, y, classes):
        """``y`` of a later call, on the outputs and classes the first call fixed."""
        if classes is not None:
            given = _output_classes(classes, self._one_d_)
            if [c.tolist() for c in given] != [c.tolist() for c in self._outputs_]:
                raise ValueError(
                    f"classes={classes!r} differs from the first partial_fit "
                    "call's; the classes are fixed by the first call."
                )
        if hasattr(y, "columns") and not self._one_d_:
            y = columns_in_order(y, self.label_names_)
        if _is_1d(y) != self._one_d_:
            raise ValueError(
                f"the classifier was started on {'a 1-D' if self._one_d_ else 'a 2-D'}"
                " y; pass the same form to partial_fit again."
            )
        targets = encode(y, missing_label=self.missing_label, outputs=self._outputs_)
        return dataclasses.replace(targets, label_names=self.label_names_)

    def _later_targets(self, y):
        """``y`` of a later ``partial_fit`` call, encoded on the fitted labels."""
        names = self.label_names_
        if self._is_binary():
            if not _is_1d(y):
                raise ValueError(
                    "the classifier was started on a 1-D y (one label); pass a "
                    "1-D y to partial_fit again."
                )
            return _encode_on_classes(y, self.classes_)
        if _is_label_set_sequence(y):
            return _encode_label_sets(y, names)
        if hasattr(y, "columns"):
            y = columns_in_order(y, names)
        targets = encode_targets(y, missing_label=self.missing_label)
        if targets.Y.shape[1] != len(names) or targets.binary_classes is not None:
            raise ValueError(
                f"y has {targets.Y.shape[1]} label columns but the classifier was "
                f"started on {len(names)} labels {list(names)[:10]}; give every "
                "partial_fit call the same labels."
            )
        return EncodedTargets(targets.Y, names, None)

    def _resume_point(self, spec):
        """Where the next training of ``spec`` starts: the trained weights (and
        the optimiser state of the last ``partial_fit``, if there is one)."""
        layers = self._trained_layers()
        shapes = [kernel.shape for kernel, _, _ in layers]
        expected = list(zip(spec.widths[:-1], spec.widths[1:]))
        if shapes != expected:
            raise ValueError(
                f"the fitted network has layers {shapes} but the parameters ask "
                f"for {expected} (hidden_layer_sizes={spec.hidden_layer_sizes}); "
                "warm_start and partial_fit continue the same network: refit "
                "from scratch with warm_start=False to change its shape."
            )
        start = {"layers": layers}
        state = getattr(self, "_partial_state_", None)
        if state is not None and state["optimizer"] == spec.optimizer:
            start.update(
                opt_state=state["opt_state"], t=state["t"], epoch=state["epoch"]
            )
        return start

    def _trained_layers(self):
        layers = self._layers_
        if layers is None:
            layers = _engine.network_from_model(self._keras_model_)
        if layers is None:
            raise ValueError(
                "model_ is not a network this classifier built, so training "
                "cannot continue from it; fit again with warm_start=False."
            )
        return [(np.asarray(k), np.asarray(b), act) for k, b, act in layers]


def _output_classes(classes, one_d):
    """``classes`` of outputs with their own classes: one array per output."""
    if one_d:
        return (np.unique(np.asarray(classes)),)
    return tuple(np.unique(np.asarray(c)) for c in classes)


def _first_targets(y, classes, missing_label):
    """``y`` of the first ``partial_fit`` call, on the label set ``classes`` fixes."""
    one_d = _is_1d(y) and not _is_label_set_sequence(y)
    if classes is not None and one_d:
        many = np.unique(np.asarray(classes)).size > 2
    else:  # one sequence of classes per output of a 2-D y
        many = classes is not None and all(
            isinstance(c, (list, tuple, np.ndarray)) for c in classes
        )
    if many or is_multiclass(y, missing_label):
        # outputs with their own classes: ``classes`` gives each output's
        outputs = None if classes is None else _output_classes(classes, one_d)
        return encode(y, missing_label=missing_label, outputs=outputs)
    if classes is None:
        return encode_targets(y, missing_label=missing_label)
    if _is_label_set_sequence(y):
        return _encode_label_sets(y, np.asarray(list(classes), dtype=object))
    if _is_1d(y):
        classes = np.unique(np.asarray(classes))
        if not 1 <= classes.size <= 2:
            raise ValueError(
                f"classes={classes.tolist()}: a 1-D y is one label, with one or two "
                "classes; for several labels per row pass a 2-D indicator matrix "
                "or label sets."
            )
        return _encode_on_classes(y, classes)
    targets = encode_targets(y, missing_label=missing_label)
    if len(classes) != targets.Y.shape[1]:
        raise ValueError(
            f"classes has {len(classes)} entries but y has {targets.Y.shape[1]} "
            "label columns; for an indicator matrix give one name per column, "
            "or leave classes out."
        )
    if hasattr(y, "columns"):  # the DataFrame's columns name the labels
        return targets
    # the names of the indicator's columns, in column order
    return EncodedTargets(targets.Y, np.asarray(list(classes), dtype=object), None)


def _encode_label_sets(y, names):
    """Label sets on the label set ``names`` the first call fixed."""
    Y, names = _binarize_label_sets(y, labels=names)
    return EncodedTargets(Y, names, None)


def _encode_on_classes(y, classes):
    """A 1-D ``y`` as the label "is ``classes[-1]``", checked against ``classes``."""
    classes = np.asarray(classes)
    if set(classes.tolist()) <= {0, 1}:
        classes = np.array([0, 1])  # a 0/1 y is one label, as in fit
    encoded, classes = _encode_binary(y, classes=classes)
    Y = np.asarray(encoded, dtype=np.float32).reshape(-1, 1)
    return EncodedTargets(Y, np.array([0], dtype=object), classes)


def _check_not_a_task_key(y):
    """dask_ml's ``Incremental`` finds the blocks of a 1-D Dask ``y`` only; of
    a 2-D Dask array it passes each block's key, a tuple such as
    ``("array-<token>", 3)``, to ``partial_fit`` instead of the block."""
    if (
        isinstance(y, tuple)
        and len(y) >= 2
        and isinstance(y[0], str)
        and all(isinstance(i, numbers.Integral) for i in y[1:])
    ):
        raise ValueError(
            f"y is {y!r}, the key of a Dask block, not targets: dask_ml's "
            "Incremental hands partial_fit the blocks of a 1-D Dask y only and "
            "the keys of a 2-D one's. Give y as a Dask DataFrame of label "
            "columns (dask.dataframe.from_dask_array(y, columns=label_names)), "
            "with the row partitions of X."
        )

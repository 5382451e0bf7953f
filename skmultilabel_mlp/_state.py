"""The classifier's fitted state: what a training leaves, what ``save`` keeps.

:class:`FittedStateMixin` records a finished training (``_set_fitted``), gives
the fitted attributes as plain values for the model file (``_fitted_state``)
and becomes the classifier such a file describes (``_restore_fitted``); the
``keras.Model`` of a compiled fit is built on first read of ``model_``.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import _engine
from ._utils import multilabel_classes

__all__ = ["FittedStateMixin"]


class FittedStateMixin:
    """The fitted attributes of ``MultiLabelMLPClassifier`` and their round trip."""

    def _label_proba(self, X):
        """The fitted network's outputs for ``X`` (n_samples, n_labels)."""
        check_is_fitted(self)
        X = self._validate_features(X, reset=False)
        layers = self._layers_
        if layers is None:
            layers = _engine.network_from_model(self._keras_model_)
        if layers is None:  # not a network the NumPy forward pass knows: ask Keras
            proba = _engine.predict_keras(self._keras_model_, X)
        else:
            proba = _engine.predict_proba(layers, X, getattr(self, "_heads_", ()))
        for j, value in getattr(self, "_constant_labels_", {}).items():
            proba[:, j] = value  # one value in every training row: predict it
        return proba

    def _is_binary(self):
        # a 1-D 0/1 y: classes_ is 1-D; multi-label: one row of [0, 1] per
        # label; outputs with their own classes are neither
        return getattr(self, "_outputs_", None) is None and np.ndim(self.classes_) == 1

    def _set_fitted(
        self, targets, spec, history, constants, *, model=None, layers=None
    ):
        """Record what training learned: the Keras ``model`` or the trained ``layers``.

        A compiled fit gives ``layers`` (weights): predictions need only those,
        and the ``keras.Model`` is built the first time ``model_`` is read.
        ``constants`` maps the labels that had one known value in every
        training row to that value, which they are then predicted with.
        """
        self._constant_labels_ = constants
        vars(self).pop("_partial_state_", None)  # partial_fit sets it anew
        self.label_names_ = targets.label_names
        self.n_labels_ = targets.Y.shape[1]
        self.classes_ = (
            multilabel_classes(self.n_labels_)
            if targets.binary_classes is None
            else targets.binary_classes
        )
        for name in ("_outputs_", "_one_d_", "n_outputs_"):
            vars(self).pop(name, None)
        self._heads_ = spec.heads
        if targets.outputs is not None:
            # outputs with their own classes: scikit-learn's multi-output form
            self._outputs_ = targets.outputs
            self._one_d_ = targets.one_d
            self.n_outputs_ = len(targets.outputs)
            self.n_labels_ = self.n_outputs_
            self.classes_ = (
                targets.outputs[0] if targets.one_d else list(targets.outputs)
            )
        self.pos_weight_ = (
            None if spec.pos_weight is None else np.array(spec.pos_weight)
        )
        self.history_ = history
        self._spec_ = spec
        self._keras_model_ = model
        self._layers_ = layers
        return self

    def _fitted_state(self):
        """The fitted attributes besides the network, for ``save`` (plain values)."""
        state = {
            "label_names_": self.label_names_,
            "n_labels_": self.n_labels_,
            "n_features_in_": self.n_features_in_,
            "classes_": None if not self._is_binary() else self.classes_,
            "pos_weight_": self.pos_weight_,
            "history_": self.history_,
            "constant_labels_": sorted(getattr(self, "_constant_labels_", {}).items()),
        }
        if hasattr(self, "feature_names_in_"):
            state["feature_names_in_"] = self.feature_names_in_
        if getattr(self, "_outputs_", None) is not None:
            state["outputs_"] = [c.tolist() for c in self._outputs_]
            state["one_d_"] = bool(self._one_d_)
            state["heads_"] = list(self._heads_)
        return state

    def _restore_fitted(self, state, model):
        """Become the fitted classifier ``_fitted_state`` and ``model_`` describe."""
        self.label_names_ = np.asarray(state["label_names_"], dtype=object)
        self.n_labels_ = int(state["n_labels_"])
        self.n_features_in_ = int(state["n_features_in_"])
        self.classes_ = (
            multilabel_classes(self.n_labels_)
            if state["classes_"] is None
            else np.asarray(state["classes_"])
        )
        pos_weight = state["pos_weight_"]
        self.pos_weight_ = None if pos_weight is None else np.asarray(pos_weight)
        self.history_ = state["history_"]
        self._heads_ = tuple(state.get("heads_", ()))
        if "outputs_" in state:
            self._outputs_ = tuple(np.asarray(c) for c in state["outputs_"])
            self._one_d_ = bool(state["one_d_"])
            self.n_outputs_ = len(self._outputs_)
            self.classes_ = self._outputs_[0] if self._one_d_ else list(self._outputs_)
        self._constant_labels_ = {
            int(j): float(v) for j, v in state.get("constant_labels_", [])
        }
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(
                state["feature_names_in_"], dtype=object
            )
        self.model_ = model
        return self

    def _partial_fit_state(self):
        """``(meta, arrays)`` of the optimiser state ``partial_fit`` goes on from.

        ``meta`` is plain values for the manifest; ``arrays`` the optimiser's
        slots and the label counts, for a ``.npz`` member. None when the last
        training was not a ``partial_fit``.
        """
        state = getattr(self, "_partial_state_", None)
        if state is None:
            return None
        meta = {k: state[k] for k in ("optimizer", "t", "epoch")}
        meta["n_slots"] = len(state["opt_state"])
        arrays = {f"slot_{i}": a for i, a in enumerate(state["opt_state"])}
        arrays.update(positives=state["positives"], known=state["known"])
        return meta, arrays

    def _restore_partial_fit_state(self, meta, arrays, weight_shapes):
        """Take back what ``_partial_fit_state`` gave, every shape checked."""
        name = meta.get("optimizer")
        groups = _engine.OPTIMIZER_SLOTS.get(name)
        if groups is None:
            raise ValueError(f"partial_fit state: unknown optimizer {name!r}")
        per_group = {"weights": [(1, *w) for w in weight_shapes], "scalar": [(1,)]}
        expected = [shape for group in groups for shape in per_group[group]]
        if meta.get("n_slots") != len(expected):
            raise ValueError(
                f"partial_fit state: optimizer {name!r}, {meta.get('n_slots')!r} slots"
            )
        slots = len(expected)
        opt_state = [np.asarray(arrays[f"slot_{i}"], np.float32) for i in range(slots)]
        counts = [np.asarray(arrays[k], np.float64) for k in ("positives", "known")]
        shapes = [a.shape for a in opt_state]
        units = sum(getattr(self, "_heads_", ())) or self.n_labels_
        count_shapes = [c.shape for c in counts]
        if shapes != expected or count_shapes != [(units,), (units,)]:
            raise ValueError(
                f"partial_fit state: array shapes {shapes} and counts "
                f"{count_shapes}, not {expected} and two of {(units,)}"
            )
        t, epoch = meta.get("t"), meta.get("epoch")
        if not (isinstance(t, (int, float)) and isinstance(epoch, int) and epoch >= 0):
            raise ValueError(f"partial_fit state: t={t!r}, epoch={epoch!r}")
        self._partial_state_ = {
            "optimizer": name,
            "opt_state": opt_state,
            "t": float(t),
            "epoch": epoch,
            "positives": counts[0],
            "known": counts[1],
        }
        return self

    @property
    def model_(self):
        """keras.Model: the trained network (built on first read after a compiled fit)."""
        if "_keras_model_" not in vars(self):
            raise AttributeError(
                f"This {type(self).__name__} is not fitted yet: it has no model_."
            )
        if self._keras_model_ is None:
            self._keras_model_ = _engine.build_model(self._layers_, self._spec_)
            # from now on predictions follow the model, should it be trained further
            self._layers_ = None
        return self._keras_model_

    @model_.setter
    def model_(self, model):
        self._keras_model_ = model
        self._layers_ = None

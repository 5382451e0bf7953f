"""The Keras network: its layers, initial weights, loss and compilation.

Shared by the scikeras fit (``_solo``, which adds the ``tf.data`` loop) and the
stacked engines (``_stacked*``), which need the network but not TensorFlow: on
the JAX backend a stacked fit never imports it.
"""

import keras
import numpy as np

from ._losses import focusing_terms
from ._spec import KERAS_OPTIMIZERS

__all__ = [
    "MaskedBinaryCrossentropy",
    "MaskedFocusingCrossentropy",
    "MaskedHeadsCrossentropy",
    "OutputHeads",
    "build_mlp",
    "build_trained",
    "compile_like_solo",
    "initial_weights",
    "kernel_inits",
    "layer_seeds",
    "make_loss",
    "steps_per_execution",
]


def steps_per_execution(steps_per_epoch):
    """Run a whole epoch per compiled call: ``steps_per_execution = steps_per_epoch``.

    Several optimiser steps per call remove most of the fixed per-step cost of a
    small MLP (see ARCHITECTURE), and Keras rounds every epoch up to a whole
    number of calls, so any count that does not divide the epoch adds optimiser
    steps (measured: 320 instead of 70 for 200 rows, batch 32, 10 epochs, with a
    fixed 32). The whole epoch is the one count that is both exact and fastest.
    """
    return max(int(steps_per_epoch), 1)


def _weighted_bce(y, y_pred, pos_weight):
    """Each unit's binary cross-entropy of probabilities ``y_pred``, ``pos_weight``
    (or None) on the positive term.

    ``ops.binary_crossentropy`` uses the sigmoid's logits where the backend
    keeps them (TensorFlow), exactly as Keras' own loss: no clipping at 1e-7.
    """
    ops = keras.ops
    neg_log_p = ops.binary_crossentropy(ops.ones_like(y), y_pred)
    neg_log_1mp = ops.binary_crossentropy(ops.zeros_like(y), y_pred)
    pos = y * neg_log_p
    if pos_weight is not None:
        pos = pos * pos_weight
    return pos + (1.0 - y) * neg_log_1mp


@keras.saving.register_keras_serializable(package="skmultilabel_mlp")
class MaskedBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy per label with unknown (NaN) targets masked out.

    ``pos_weight`` multiplies the positive term of each label's cross-entropy
    (one weight per label), which is how ``class_weight`` reaches the loss. Each
    sample's loss is the sum over its known labels divided by the number of
    labels, so with no NaN and unit weights it equals Keras' binary cross-entropy.
    """

    def __init__(self, pos_weight=None, name="masked_binary_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pos_weight = None if pos_weight is None else [float(w) for w in pos_weight]

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_true = ops.cast(y_true, y_pred.dtype)
        known = ops.logical_not(ops.isnan(y_true))
        y = ops.where(known, y_true, ops.zeros_like(y_true))
        weight = None
        if self.pos_weight is not None:
            weight = ops.convert_to_tensor(self.pos_weight, dtype=y_pred.dtype)
        terms = self._terms(y, y_pred, weight)
        terms = ops.where(known, terms, ops.zeros_like(terms))
        return ops.sum(terms, axis=-1) / ops.cast(ops.shape(y_pred)[-1], y_pred.dtype)

    def _terms(self, y, y_pred, pos_weight):
        return _weighted_bce(y, y_pred, pos_weight)

    def get_config(self):
        return {**super().get_config(), "pos_weight": self.pos_weight}


@keras.saving.register_keras_serializable(package="skmultilabel_mlp")
class MaskedFocusingCrossentropy(MaskedBinaryCrossentropy):
    """The focal or asymmetric loss per label (``_spec.LossSpec``), on probabilities.

    Masked, weighted and reduced as :class:`MaskedBinaryCrossentropy`; each
    label's term is ``_losses.focusing_terms``, the compiled training's, with
    ``log p`` and ``log(1 - p)`` taken as that class takes them.
    """

    def __init__(
        self,
        gamma_pos=0.0,
        gamma_neg=0.0,
        clip=0.0,
        alpha=None,
        pos_weight=None,
        name="masked_focusing_crossentropy",
        **kwargs,
    ):
        super().__init__(pos_weight=pos_weight, name=name, **kwargs)
        self.gamma_pos, self.gamma_neg = float(gamma_pos), float(gamma_neg)
        self.clip = float(clip)
        self.alpha = None if alpha is None else float(alpha)

    def _terms(self, y, y_pred, pos_weight):
        ops = keras.ops
        log_p = -ops.binary_crossentropy(ops.ones_like(y), y_pred)
        log_q = -ops.binary_crossentropy(ops.zeros_like(y), y_pred)
        a_pos, a_neg = (
            (1.0, 1.0) if self.alpha is None else (self.alpha, 1 - self.alpha)
        )
        params = (self.gamma_pos, self.gamma_neg, self.clip, a_pos, a_neg)
        return focusing_terms(
            log_p, log_q, y_pred, 1.0 - y_pred, y, pos_weight, params, self.clip > 0
        )

    def get_config(self):
        return {
            **super().get_config(),
            "gamma_pos": self.gamma_pos,
            "gamma_neg": self.gamma_neg,
            "clip": self.clip,
            "alpha": self.alpha,
        }


@keras.saving.register_keras_serializable(package="skmultilabel_mlp")
class OutputHeads(keras.layers.Layer):
    """Logits to probabilities per output: a sigmoid per one-unit head, a
    softmax per wider block (``FitSpec.heads``)."""

    def __init__(self, heads, **kwargs):
        super().__init__(**kwargs)
        self.heads = tuple(int(w) for w in heads)

    def call(self, logits):
        ops, parts, at = keras.ops, [], 0
        for width in self.heads:
            block = logits[:, at : at + width]
            parts.append(ops.sigmoid(block) if width == 1 else ops.softmax(block))
            at += width
        return ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "heads": list(self.heads)}


@keras.saving.register_keras_serializable(package="skmultilabel_mlp")
class MaskedHeadsCrossentropy(keras.losses.Loss):
    """The loss of outputs with their own classes, on ``OutputHeads`` probabilities.

    Per output: binary cross-entropy for a one-unit head, categorical
    cross-entropy (the true class weighted by ``pos_weight``) for a wider one,
    an unknown output (NaN) left out; a row's loss is the mean over outputs,
    as the compiled training's (``_losses.head_losses``).
    """

    def __init__(self, heads, pos_weight=None, name="masked_heads", **kwargs):
        super().__init__(name=name, **kwargs)
        self.heads = tuple(int(w) for w in heads)
        self.pos_weight = None if pos_weight is None else [float(w) for w in pos_weight]

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_true = ops.cast(y_true, y_pred.dtype)
        known = ops.logical_not(ops.isnan(y_true))
        y = ops.where(known, y_true, ops.zeros_like(y_true))
        weight = None
        if self.pos_weight is not None:
            weight = ops.convert_to_tensor(self.pos_weight, dtype=y_pred.dtype)
        total, at = 0.0, 0
        for width in self.heads:
            yb, pb = y[:, at : at + width], y_pred[:, at : at + width]
            wb = None if weight is None else weight[at : at + width]
            if width == 1:
                terms = _weighted_bce(yb, pb, wb)[:, 0]
            else:
                wb = 1.0 if wb is None else wb
                eps = keras.config.epsilon()
                log_p = ops.log(ops.clip(pb, eps, 1.0 - eps))
                terms = -ops.sum(wb * yb * log_p, axis=-1)
            total = total + ops.where(known[:, at], terms, ops.zeros_like(terms))
            at += width
        return total / len(self.heads)

    def get_config(self):
        return {
            **super().get_config(),
            "heads": list(self.heads),
            "pos_weight": self.pos_weight,
        }


def build_mlp(
    n_features,
    n_labels,
    *,
    hidden_layer_sizes,
    activation,
    kernel_initializer,
    dropout,
    alpha,
    seed=None,
    heads=(),
):
    """Build (but do not compile) the MLP: hidden Dense layers, one sigmoid per label.

    With ``heads`` (``FitSpec.heads``) the output layer gives logits and an
    ``OutputHeads`` layer makes them one sigmoid or softmax per output.

    Parameters
    ----------
    n_features, n_labels : int
        Input width and number of sigmoid outputs.
    hidden_layer_sizes, activation, kernel_initializer, dropout, alpha
        As in :class:`~skmultilabel_mlp.MultiLabelMLPClassifier`.
    seed : int or None
        Seeds every initializer and dropout layer explicitly, so building is
        reproducible without touching any global random state.

    Returns
    -------
    keras.Model
    """
    seeds = layer_seeds(seed, len(hidden_layer_sizes))
    kernels = kernel_inits(kernel_initializer, seeds)

    def init(k):
        name, s = kernels[k]
        return keras.initializers.get({"class_name": name, "config": {"seed": s}})

    regularizer = keras.regularizers.L2(alpha) if alpha > 0 else None
    inputs = keras.Input(shape=(n_features,), name="features")
    x = inputs
    for i, width in enumerate(hidden_layer_sizes):
        x = keras.layers.Dense(
            width,
            activation=activation,
            kernel_initializer=init(i),
            kernel_regularizer=regularizer,
            name=f"hidden_{i}",
        )(x)
        if dropout > 0:
            x = keras.layers.Dropout(
                dropout, seed=seeds[2 * i + 1], name=f"dropout_{i}"
            )(x)
    outputs = keras.layers.Dense(
        n_labels,
        activation="linear" if heads else "sigmoid",
        kernel_initializer=init(-1),
        kernel_regularizer=regularizer,
        name="labels",
    )(x)
    if heads:
        outputs = OutputHeads(heads, name="outputs")(outputs)
    return keras.Model(inputs, outputs, name="multilabel_mlp")


def layer_seeds(seed, n_hidden):
    """The seeds ``build_mlp`` gives its layers: kernel ``i`` at ``2 * i``, the
    dropout after it at ``2 * i + 1``, the output kernel last (all None unseeded)."""
    if seed is None:
        return [None] * (2 * n_hidden + 2)
    return [
        int(s)
        for s in np.random.RandomState(seed).randint(2**31 - 1, size=2 * n_hidden + 2)
    ]


def kernel_inits(kernel_initializer, seeds):
    """``(initializer name, seed)`` of each kernel, input side first.

    ``seeds`` are ``layer_seeds``; the output kernel is Glorot-uniform, as in
    Keras' Dense default, whatever ``kernel_initializer`` the hidden ones use.
    """
    n_hidden = (len(seeds) - 2) // 2
    names = [kernel_initializer] * n_hidden + ["glorot_uniform"]
    return list(zip(names, seeds[0:-2:2] + seeds[-1:]))


def initial_weights(spec):
    """The weights ``build_mlp(..., seed=spec.seed)`` starts from, without building it."""
    widths = spec.widths
    kernels = kernel_inits(
        spec.kernel_initializer, layer_seeds(spec.seed, len(widths) - 2)
    )
    weights = []
    for fan_in, fan_out, (name, s) in zip(widths[:-1], widths[1:], kernels):
        init = keras.initializers.get({"class_name": name, "config": {"seed": s}})
        kernel = keras.ops.convert_to_numpy(init((fan_in, fan_out), dtype="float32"))
        weights += [kernel, np.zeros(fan_out, dtype=np.float32)]
    return weights


def build_trained(layers, spec):
    """A compiled ``keras.Model`` holding trained weights ``[(kernel, bias, _), ...]``.

    Built and compiled exactly as a solo fit's model, so the two are
    interchangeable (``save``, further ``fit`` calls, ``model_.predict``).
    """
    loss = make_loss(spec.masked, spec.pos_weight, spec.heads, spec.loss)
    model = build_mlp(
        spec.n_features,
        spec.n_labels,
        **spec.architecture,
        seed=spec.seed,
        heads=spec.heads,
    )
    model.set_weights([w for kernel, bias, _ in layers for w in (kernel, bias)])
    compile_like_solo(model, spec.optimizer, spec.learning_rate, loss)
    # with its slots made, the optimizer saves and loads like a trained one's
    model.optimizer.build(model.trainable_variables)
    return model


def compile_like_solo(model, optimizer, learning_rate, loss, steps_per_epoch=1):
    """Compile ``model`` with the optimiser, loss and steps per execution of a fit."""
    opt = type(keras.optimizers.get(KERAS_OPTIMIZERS[optimizer]))(
        learning_rate=learning_rate
    )
    model.compile(
        optimizer=opt,
        loss=loss,
        steps_per_execution=steps_per_execution(steps_per_epoch),
    )


def make_loss(masked=False, pos_weight=None, heads=(), loss=None):
    """Keras' BCE, or the masked / positive-weighted BCE when either is needed,
    or the focal or asymmetric loss of a focusing ``loss`` (``_spec.LossSpec``).

    Reduced as ``sum(w * loss) / sum(w)`` over a batch (Keras'
    ``mean_with_sample_weight``, the plain mean without weights): a sample
    weight counts as that many repeated rows, as in scikit-learn.
    """
    reduction = "mean_with_sample_weight"
    if heads:
        return MaskedHeadsCrossentropy(heads, pos_weight, reduction=reduction)
    if loss is not None and loss.focusing:
        return MaskedFocusingCrossentropy(
            loss.gamma_pos,
            loss.gamma_neg,
            loss.clip,
            loss.alpha,
            pos_weight=pos_weight,
            reduction=reduction,
        )
    if masked or pos_weight is not None:
        return MaskedBinaryCrossentropy(pos_weight=pos_weight, reduction=reduction)
    return keras.losses.BinaryCrossentropy(reduction=reduction)

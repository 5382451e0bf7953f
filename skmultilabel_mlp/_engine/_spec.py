"""The description of one fit: what every engine trains, stated once.

The classifier resolves its parameters into a :class:`FitSpec` (a frozen
dataclass) per network to train; the engines read nothing else. The names the
classifier accepts (activations, initializers, optimisers) and its default
network are defined here too, so the parameter checks, the network builder and
the NumPy forward pass cannot disagree. No backend is imported.
"""

from dataclasses import dataclass

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_HIDDEN_LAYER_SIZES",
    "INITIALIZERS",
    "KERAS_OPTIMIZERS",
    "OPTIMIZERS",
    "OPTIMIZER_SLOTS",
    "EarlyStopping",
    "FitSpec",
    "LossSpec",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "linear")
INITIALIZERS = (
    "he_uniform",
    "he_normal",
    "glorot_uniform",
    "glorot_normal",
    "lecun_uniform",
    "lecun_normal",
)
DEFAULT_HIDDEN_LAYER_SIZES = (20,)
OPTIMIZERS = ("adam", "adamw", "nadam", "rmsprop", "sgd", "adagrad", "lazy_adam")
#: the Keras optimiser of each name (``lazy_adam`` is Adam wherever a whole
#: kernel is updated: dense ``X``, the Keras path; see ``_lazy``)
KERAS_OPTIMIZERS = {name: name for name in OPTIMIZERS} | {"lazy_adam": "adam"}
#: each optimiser's state laid flat (``_optim.flatten_state``): groups of one
#: array per weight array, or one per-copy scalar; what ``partial_fit`` keeps
OPTIMIZER_SLOTS = {
    "adam": ("weights", "weights"),
    "lazy_adam": ("weights", "weights"),
    "adamw": ("weights", "weights"),
    "nadam": ("weights", "weights", "scalar"),
    "rmsprop": ("weights",),
    "sgd": (),
    "adagrad": ("weights",),
}


@dataclass(frozen=True)
class EarlyStopping:
    """Stop when the validation loss has not improved by ``min_delta`` for ``patience`` epochs."""

    patience: int
    min_delta: float


@dataclass(frozen=True)
class LossSpec:
    """Each sigmoid unit's loss, resolved from the classifier's ``loss``.

    ``binary_crossentropy`` (the default) is today's loss, and any other
    ``kind`` (``focal``, ``asymmetric``) the focusing form of both
    (``_losses.focusing_terms``): with ``p`` the unit's probability, ``y`` its
    target and ``p_m = max(p - clip, 0)``,
    ``-(a+ * y * (1 - p)**gamma_pos * log p + a- * (1 - y) * p_m**gamma_neg *
    log(1 - p_m))``, where ``(a+, a-)`` is ``(alpha, 1 - alpha)``, or ``(1, 1)``
    when ``alpha`` is None. ``class_weight``'s ``pos_weight`` multiplies the
    positive term, as for the cross-entropy.
    """

    kind: str = "binary_crossentropy"
    gamma_pos: float = 0.0
    gamma_neg: float = 0.0
    clip: float = 0.0
    alpha: float | None = None

    @property
    def focusing(self):
        return self.kind != "binary_crossentropy"

    @property
    def structure(self):
        """What a compiled program is specialised on; the values are data."""
        return (self.focusing, self.clip > 0)

    @property
    def weights(self):
        """``(a+, a-)``: the weights of the positive and the negative term."""
        return (1.0, 1.0) if self.alpha is None else (self.alpha, 1.0 - self.alpha)


@dataclass(frozen=True)
class FitSpec:
    """One network's fit, with every parameter resolved.

    ``seed`` seeds the initial weights (as ``build_mlp(seed=...)``), the
    per-epoch shuffle and the dropout masks. ``pos_weight`` is the positive-term
    weight of each label's loss (None: unweighted); ``masked`` says whether
    some targets are unknown (NaN) and left out of the loss; ``loss`` is each
    sigmoid unit's loss (outputs with their own classes: cross-entropy only).
    """

    n_features: int
    n_labels: int
    hidden_layer_sizes: tuple
    activation: str
    kernel_initializer: str
    dropout: float
    alpha: float
    optimizer: str
    learning_rate: float
    batch_size: int
    epochs: int
    seed: int
    pos_weight: tuple | None = None
    masked: bool = False
    early_stopping: EarlyStopping | None = None
    verbose: int = 0
    #: outputs with their own classes: each output's block of output units,
    #: 1 (a sigmoid: two classes) or its number of classes (a softmax); empty
    #: for one sigmoid per label (multi-label)
    heads: tuple = ()
    loss: LossSpec = LossSpec()

    @property
    def widths(self):
        """Layer widths, input first: ``(n_features, *hidden, n_labels)``."""
        return (self.n_features, *self.hidden_layer_sizes, self.n_labels)

    @property
    def architecture(self):
        """The keyword arguments of ``_network.build_mlp`` (seed aside)."""
        return {
            "hidden_layer_sizes": self.hidden_layer_sizes,
            "activation": self.activation,
            "kernel_initializer": self.kernel_initializer,
            "dropout": self.dropout,
            "alpha": self.alpha,
        }

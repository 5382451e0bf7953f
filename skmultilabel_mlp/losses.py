"""Training losses for labels with few positives: focal and asymmetric.

``MultiLabelMLPClassifier(loss=...)`` takes a name for a loss with its
defaults (``"binary_crossentropy"``, the default, ``"focal"``,
``"asymmetric"``) or an instance of the classes below to set its parameters.
Both down-weight the examples the network already gets right, so that the
many easy negatives of a rare label stop dominating its gradient; with their
focusing parameters at 0 both are the binary cross-entropy.

With ``p`` a label's predicted probability and ``y`` its 0/1 target, the loss
of one label is

- focal (Lin et al., ICCV 2017):
  ``-a+ * y * (1 - p)**gamma * log(p) - a- * (1 - y) * p**gamma * log(1 - p)``,
  with ``(a+, a-) = (alpha, 1 - alpha)``, or ``(1, 1)`` when ``alpha`` is None;
- asymmetric (Ridnik et al., ICCV 2021), with ``p_m = max(p - clip, 0)``:
  ``-y * (1 - p)**gamma_pos * log(p) - (1 - y) * p_m**gamma_neg * log(1 - p_m)``.

As for the cross-entropy, ``class_weight`` multiplies the positive term,
unknown targets are left out, and a row's loss is the mean over its labels.
They are losses of labels: outputs with their own classes (a multiclass or
multiclass-multioutput ``y``) train with the cross-entropy.

This module imports no backend.
"""

import math
from dataclasses import dataclass, fields
from numbers import Real

from ._engine._spec import LossSpec

__all__ = ["LOSSES", "AsymmetricLoss", "FocalLoss"]

#: the names ``loss`` accepts (each with its loss's default parameters)
LOSSES = ("binary_crossentropy", "focal", "asymmetric")


def _check_number(owner, name, value, low, high=math.inf, closed="both"):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{owner}({name}={value!r}): {name} must be a real number, got "
            f"{type(value).__name__}."
        )
    above = value >= low if closed in ("both", "left") else value > low
    below = value <= high if closed in ("both", "right") else value < high
    if not (above and below and math.isfinite(value)):
        left = "[" if closed in ("both", "left") else "("
        right = "]" if closed in ("both", "right") and high != math.inf else ")"
        raise ValueError(
            f"{owner}({name}={value!r}): {name} must be in {left}{low}, {high}{right}."
        )


@dataclass(frozen=True)
class FocalLoss:
    """The focal loss of Lin et al. (2017), for each label.

    ``-a+ * y * (1 - p)**gamma * log(p) - a- * (1 - y) * p**gamma * log(1 - p)``
    per label, with ``(a+, a-) = (alpha, 1 - alpha)``, or ``(1, 1)`` when
    ``alpha`` is None. ``gamma=0`` with ``alpha=None`` is the binary
    cross-entropy.

    Parameters
    ----------
    gamma : float >= 0, default=2.0
        Focusing parameter: the larger, the less a well-classified example
        (``p`` near its target) counts.
    alpha : float in (0, 1) or None, default=None
        Weight of the positive term (the negative term gets ``1 - alpha``);
        None weighs both by 1. Lin et al. use 0.25 with ``gamma=2``. For a
        weight per label use ``class_weight``, which multiplies the positive
        term on top of this.

    See Also
    --------
    AsymmetricLoss : Separate focusing for positives and negatives.
    keras.losses.BinaryFocalCrossentropy : The same loss in Keras (mean over
        labels; ``apply_class_balancing=True`` for ``alpha``).

    Examples
    --------
    >>> from skmultilabel_mlp import MultiLabelMLPClassifier
    >>> from skmultilabel_mlp.losses import FocalLoss
    >>> clf = MultiLabelMLPClassifier(loss=FocalLoss(gamma=1.0))
    """

    gamma: float = 2.0
    alpha: float | None = None

    def __post_init__(self):
        _check_number("FocalLoss", "gamma", self.gamma, 0)
        if self.alpha is not None:
            _check_number("FocalLoss", "alpha", self.alpha, 0, 1, closed="neither")


@dataclass(frozen=True)
class AsymmetricLoss:
    """The asymmetric loss of Ridnik et al. (2021), for each label.

    ``-y * (1 - p)**gamma_pos * log(p) - (1 - y) * p_m**gamma_neg *
    log(1 - p_m)`` per label, with ``p_m = max(p - clip, 0)``: negatives are
    focused harder than positives, and a negative predicted below ``clip``
    adds nothing at all (which also discards negatives that may be mislabelled
    positives). ``gamma_neg = gamma_pos = clip = 0`` is the binary
    cross-entropy.

    Parameters
    ----------
    gamma_neg : float >= 0, default=4.0
        Focusing parameter of the negative term.
    gamma_pos : float >= 0, default=0.0
        Focusing parameter of the positive term. 0 as in the paper's main
        experiments; the authors' code (``AsymmetricLoss`` in
        ``Alibaba-MIIL/ASL``) defaults to 1.
    clip : float in [0, 1), default=0.05
        Probability margin ``m`` shifted off every negative.

    Notes
    -----
    Follows the class ``AsymmetricLoss`` of the authors' code, with the
    gradient flowing through the focusing weights (as there), two differences
    aside: a row's loss is the mean over its labels rather than the sum (a
    constant factor), and ``log`` is computed from the logits instead of being
    clamped at ``1e-8``.

    See Also
    --------
    FocalLoss : One focusing parameter for both terms.

    Examples
    --------
    >>> from skmultilabel_mlp import MultiLabelMLPClassifier
    >>> from skmultilabel_mlp.losses import AsymmetricLoss
    >>> clf = MultiLabelMLPClassifier(loss=AsymmetricLoss(gamma_pos=1.0))
    """

    gamma_neg: float = 4.0
    gamma_pos: float = 0.0
    clip: float = 0.05

    def __post_init__(self):
        _check_number("AsymmetricLoss", "gamma_neg", self.gamma_neg, 0)
        _check_number("AsymmetricLoss", "gamma_pos", self.gamma_pos, 0)
        _check_number("AsymmetricLoss", "clip", self.clip, 0, 1, closed="left")


_BY_NAME = {"focal": FocalLoss(), "asymmetric": AsymmetricLoss()}


def _resolve_loss(loss, heads=()):
    """The engine's :class:`~._engine.LossSpec` of a ``loss`` parameter value.

    ``heads`` (``FitSpec.heads``): a loss other than the cross-entropy is
    refused for outputs with their own classes.
    """
    loss = _BY_NAME.get(loss, loss) if isinstance(loss, str) else loss
    if isinstance(loss, FocalLoss):
        alpha = None if loss.alpha is None else float(loss.alpha)
        spec = LossSpec("focal", float(loss.gamma), float(loss.gamma), 0.0, alpha)
    elif isinstance(loss, AsymmetricLoss):
        gammas = float(loss.gamma_pos), float(loss.gamma_neg)
        spec = LossSpec("asymmetric", *gammas, float(loss.clip))
    else:
        spec = LossSpec()
    if spec.focusing and heads:
        raise ValueError(
            f"loss={loss!r} is a loss of labels (one sigmoid each); outputs with "
            "their own classes train with the cross-entropy. Use "
            "loss='binary_crossentropy' for a multiclass or multiclass-multioutput "
            "y, or give y as a 0/1 indicator matrix (one column per class) to "
            "train its classes as labels."
        )
    return spec


def _loss_to_json(loss):
    """A loss object as a JSON object (the saved manifest), None for anything else."""
    if isinstance(loss, (FocalLoss, AsymmetricLoss)):
        kind = "focal" if isinstance(loss, FocalLoss) else "asymmetric"
        values = {
            f.name: None
            if getattr(loss, f.name) is None
            else float(getattr(loss, f.name))
            for f in fields(loss)
        }
        return {"__loss__": kind, **values}
    return None


def _loss_from_json(value):
    """The loss object ``_loss_to_json`` wrote, or ``value`` when it is no loss."""
    if not (isinstance(value, dict) and "__loss__" in value):
        return value
    params = {k: v for k, v in value.items() if k != "__loss__"}
    kind = value["__loss__"]
    kinds = {"focal": FocalLoss, "asymmetric": AsymmetricLoss}
    if not isinstance(kind, str) or kind not in kinds:
        raise ValueError(f"unknown loss {kind!r}")
    try:
        return kinds[kind](**params)
    except TypeError as exc:  # a parameter it does not have, or a bad type
        raise ValueError(f"loss {value!r}: {exc}") from None

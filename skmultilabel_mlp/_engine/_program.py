"""What a compiled training is specialised on, and where a segmented one stopped.

``Program`` is the static part of ``_loop.train`` (a hashable static argument:
another value compiles another program); everything else is data. ``Carry``
is the loop's state that a segmented training returns (``_segments``).
"""

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Carry", "Program", "copies_may_take_turns"]


@dataclass(frozen=True)
class Program:
    """What the compiled training is specialised on (hashable: a static argument).

    Everything else (rows, seeds, learning rates, dropout rates, L2, epochs of
    each copy, patience) is data, so another seed, row count or
    hyper-parameter value reuses the compiled program.
    """

    activation: str
    optimizer: str
    batch_size: int
    epochs: int  # the most epochs any copy runs
    n_hidden: int
    dropout: bool  # some copy has dropout
    alpha: bool  # some copy has an L2 penalty
    early_stopping: bool
    padded_units: bool  # some copy's hidden layers are narrower than the arrays
    sparse_x: bool  # features as padded sparse rows (``_sparse``)
    single: bool  # one copy: every step is taken, nothing to mask
    masked: bool  # some targets are unknown (NaN)
    weighted: bool  # rows have sample weights other than 1
    pos_weighted: bool  # some copy weights the positive terms
    report: bool = False  # call the host after every epoch (``_progress``)
    #: continue a training: ``data`` holds the optimiser's flat ``opt_state``,
    #: each copy's step count ``t0`` and the epochs already run, ``epoch0``
    resume: bool = False
    keep_state: bool = False  # also return the optimiser state and step counts
    val_batch: int = 1024
    #: outputs with their own classes (``FitSpec.heads``): a softmax
    #: cross-entropy per block wider than one unit; empty: one BCE per label
    heads: tuple = ()
    #: each label's loss is focal or asymmetric (``_spec.LossSpec.structure``):
    #: its parameters are data (``_losses.FOCUSING_KEYS``); ``clipped``: some
    #: copy shifts its negatives' probabilities by a ``clip`` above 0
    focusing: bool = False
    clipped: bool = False
    #: the first layer's rows take lazy Adam steps (``_lazy``; sparse rows)
    lazy: bool = False
    #: targets as padded sparse rows (``_sparse``), dense one batch at a time
    sparse_y: bool = False
    #: leave the loop once at most ``data["min_running"]`` copies still train,
    #: and return the loop's state (``_stacked`` goes on with fewer copies)
    segmented: bool = False
    #: go on from such a state: ``data["carry"]`` (see ``train``)
    carried: bool = False


class Carry(NamedTuple):
    """Where a segmented training left its loop, every entry per copy but
    ``epoch``: what a carried training starts from (``_stacked`` cuts it to
    the copies still training)."""

    epoch: object  # int32 scalar: the next epoch
    params: list  # the current weights (the best ones are ``best_params``)
    opt_state: list  # ``_optim.flatten_state``
    t: object  # steps taken (K,)
    best_params: list  # early stopping's best weights ([] without it)
    best_val: object  # (K,)
    wait: object  # epochs without improvement (K,)
    stop: object  # bool (K,)
    hist_loss: object  # (E, K)
    hist_val: object  # (E, K)
    epochs_run: object  # (K,)


def copies_may_take_turns(program):
    """Whether a computation's copies may train one after another, each as
    its solo fit (``_stacked_tf.in_turn``, ``_stacked_jax.in_turn``): not
    copies padded to a wider network, nor trainings that go on from a saved
    state or leave one (one copy each), nor segments of a batched one."""
    return not (
        program.padded_units
        or program.resume
        or program.keep_state
        or program.segmented
        or program.carried
    )

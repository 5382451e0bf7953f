"""Word from inside a compiled fit: a host callback after every epoch.

A program compiled with ``Program.report`` calls :func:`dispatch` after each
epoch (through ``jax.debug.callback`` or ``tf.numpy_function``, which run on a
backend thread) with the number of its listener, the epoch and every copy's
training and validation loss. The compiled program is the same whoever
listens: :func:`listening` registers the Python function that receives them
(a progress bar, Keras-style epoch lines, an epoch timer) under a number the
call passes in as data. No backend is imported.
"""

import contextlib
import itertools
import threading

import numpy as np

__all__ = ["dispatch", "listener", "listening"]

_lock = threading.Lock()
_listeners = {}
_numbers = itertools.count(1)


@contextlib.contextmanager
def listening(listener):
    """Register ``listener`` while inside; yields the number the program passes on."""
    if listener is None:
        yield 0
        return
    with _lock:
        number = next(_numbers) % 2**31
        _listeners[number] = listener
    try:
        yield number
    finally:
        with _lock:
            _listeners.pop(number, None)


def dispatch(number, epoch, losses, val_losses):
    """Hand one epoch's losses to listener ``number`` (if it is still there)."""
    with _lock:
        listener = _listeners.get(int(number))
    if listener is not None:
        listener(int(epoch), np.asarray(losses), np.asarray(val_losses))
    return np.int32(0)


def listener(verbose, n_copies, epochs, *, terminal_only=False, in_turn=False):
    """The listener for a verbosity: None (0), a tqdm bar (1) or epoch lines (2+).

    ``terminal_only`` hides the bar when stderr is not a terminal (the
    searches' progress: shown to a person watching, never in a log).
    ``in_turn``: the copies train one after another, each reporting its own
    epochs (``_stacked_tf.in_turn``, ``_stacked_jax.in_turn``); the bar then
    counts every copy's epochs.
    """
    if not verbose:
        return None
    turns = _Turns(n_copies if in_turn else 1)
    if verbose >= 2:
        return _EpochLines(epochs, turns)
    from tqdm.auto import tqdm

    what = "network" if n_copies == 1 else f"{n_copies} networks"
    total = epochs * turns.n_copies
    bar = tqdm(
        total=total,
        desc=f"training {what}",
        unit="epoch",
        disable=None if terminal_only else False,
        leave=False,
    )

    def update(epoch, losses, val_losses):
        done = turns.copy(epoch) * epochs + epoch + 1
        bar.update(done - bar.n)
        bar.set_postfix(loss=f"{float(np.nanmean(losses)):.4f}", refresh=False)
        if done >= total:
            bar.close()

    update.close = bar.close
    return update


class _Turns:
    """Which copy an epoch's report belongs to, when copies report in turn:
    a copy's epochs count up, so an epoch not after the last one starts the
    next copy."""

    def __init__(self, n_copies):
        self.n_copies = n_copies
        self._copy, self._last = 0, -1

    def copy(self, epoch):
        if self.n_copies > 1 and epoch <= self._last:
            self._copy += 1
        self._last = epoch
        return self._copy


class _EpochLines:
    """Keras' ``verbose=2``: one line per epoch with the (mean) losses; with
    copies in turn, each line names its copy."""

    def __init__(self, epochs, turns):
        self.epochs = epochs
        self.turns = turns

    def __call__(self, epoch, losses, val_losses):
        copy = self.turns.copy(epoch)
        line = f"Epoch {epoch + 1}/{self.epochs} - loss: {np.nanmean(losses):.4f}"
        if self.turns.n_copies > 1:
            line = f"Network {copy + 1}/{self.turns.n_copies} - {line}"
        if not np.array_equal(losses, val_losses, equal_nan=True):
            line += f" - val_loss: {np.nanmean(val_losses):.4f}"
        print(line, flush=True)

    def close(self):
        pass

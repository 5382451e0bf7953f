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


def listener(verbose, n_copies, epochs, *, terminal_only=False):
    """The listener for a verbosity: None (0), a tqdm bar (1) or epoch lines (2+).

    ``terminal_only`` hides the bar when stderr is not a terminal (the
    searches' progress: shown to a person watching, never in a log).
    """
    if not verbose:
        return None
    if verbose >= 2:
        return _EpochLines(epochs)
    from tqdm.auto import tqdm

    what = "network" if n_copies == 1 else f"{n_copies} networks"
    bar = tqdm(
        total=epochs,
        desc=f"training {what}",
        unit="epoch",
        disable=None if terminal_only else False,
        leave=False,
    )

    def update(epoch, losses, val_losses):
        bar.update(epoch + 1 - bar.n)
        bar.set_postfix(loss=f"{float(np.nanmean(losses)):.4f}", refresh=False)
        if epoch + 1 >= epochs:
            bar.close()

    update.close = bar.close
    return update


class _EpochLines:
    """Keras' ``verbose=2``: one line per epoch with the (mean) losses."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch, losses, val_losses):
        line = f"Epoch {epoch + 1}/{self.epochs} - loss: {np.nanmean(losses):.4f}"
        if not np.array_equal(losses, val_losses, equal_nan=True):
            line += f" - val_loss: {np.nanmean(val_losses):.4f}"
        print(line, flush=True)

    def close(self):
        pass

"""Compiling the next stacked computation while the current one trains.

A search over hidden sizes trains one computation per architecture, and each
one's first call compiles its program (tracing, lowering and XLA: about half
a second on the tutorial network, 2 cores). A computation's training runs on
one core for small networks, and XLA's compiler releases the interpreter, so
``train_stacked`` hands the next computation to its backend's
``compile_ahead`` in a thread while the current one trains; the next call then
finds its program compiled. The compiled program is the one the call would
have compiled itself, so the results are the same either way.
"""

import logging
import threading

__all__ = ["COMPILE_AHEAD", "compile_ahead"]

#: compile the next computation of a ``train_stacked`` call in a thread
COMPILE_AHEAD = True
#: no compiling ahead for data past this size: the thread's padded copy of it
#: would add to the fit's memory, and its training dwarfs a compilation
AHEAD_MAX_BYTES = 256 * 2**20

_log = logging.getLogger(__name__)


class _Thread:
    def __init__(self, fn, args):
        self._thread = threading.Thread(
            target=self._run,
            args=(fn, args),
            name="skmultilabel-mlp-compile-ahead",
            daemon=True,
        )
        self._thread.start()

    @staticmethod
    def _run(fn, args):
        try:
            fn(*args)
        except Exception:  # the computation's own call compiles it, and raises
            _log.debug("compiling ahead failed", exc_info=True)

    def wait(self):
        self._thread.join()


class _Nothing:
    def wait(self):
        pass


def compile_ahead(backend, group):
    """Start compiling ``group`` (a ``_group.Computation`` or None) in a thread.

    Returns an object whose ``wait()`` blocks until that is done; nothing is
    started where ``COMPILE_AHEAD`` is off, the backend cannot compile without
    running, the computation is segmented (``_segments``: programs of
    shapes known only as it goes) or its data is past ``AHEAD_MAX_BYTES``.
    """
    ahead = getattr(backend, "compile_ahead", None)
    if not COMPILE_AHEAD or group is None or group.segmented or ahead is None:
        return _Nothing()
    if _nbytes(group.data) > AHEAD_MAX_BYTES:
        return _Nothing()
    args = (
        group.program,
        group.data,
        group.specs,
        group.widths,
        group.initial_params,
        group.given,
    )
    return _Thread(ahead, args)


def _nbytes(data):
    return sum(
        sum(m.nbytes for m in value) if isinstance(value, list) else value.nbytes
        for value in data.values()
    )

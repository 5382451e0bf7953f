"""The training program of ``_loop`` on TensorFlow: one ``tf.function``.

Chosen by ``_stacked.train_stacked`` on the TensorFlow backend; gradients come
from ``tf.GradientTape``. The function's input signature leaves every row count
unknown (``None``), so a fit on another number of rows, with another seed or
other hyper-parameter values reuses the traced graph instead of tracing anew;
it is traced once per program and network shape.

A silent training is one XLA computation, its loop over epochs included
(``_whole``). A training that reports to the host after each epoch runs its
epochs (their steps, validation losses, early stopping's bookkeeping) as XLA
computations (``XLA_EPOCHS``, ``_loop.Kit.epoch``), one epoch a call, from the
graph's loop over epochs, where the report stays; both run the same epochs
(a test holds them equal bit for bit). XLA compiles per shape, so the rows
are padded to buckets (``_buckets``) as on JAX. Measured on 2 cores (AMD
EPYC, TensorFlow 2.21, oneDNN off): a later tutorial fit took 0.038-0.048 s
as one computation, 0.055-0.066 s with a call per epoch and 0.26-0.40 s as a
plain graph (a step is a few hundred tiny operations, each paying the graph
executor's overhead, which XLA fuses away); a first fit 0.87-0.92 s as one
computation, 1.05-1.16 s with the graph's loop around XLA epochs and 0.60-0.64
s as a plain graph (tracing, then compiling). ``compile_ahead`` compiles the
next computation of a search while one trains (``_ahead``).
The copies of a computation train in turn (``in_turn``), each the solo fit's
function on the solo fit's shapes. Lazy programs (``_lazy``: the row store's
variables) stay plain graphs.
"""

import contextlib
import dataclasses
import itertools
import threading

import numpy as np
import tensorflow as tf

from . import _loop, _optim, _progress
from ._buckets import padded
from ._program import copies_may_take_turns

__all__ = ["compile_ahead", "in_turn", "run"]

_functions = {}

# the row axes left unknown in the input signature
_ROW_AXES = {
    "X": (0,),
    "Xcols": (0, 1),
    "Xvals": (0, 1),
    "Y": (0,),
    "Ycols": (0, 1),
    "Yvals": (0, 1),
    "w": (0,),
    "rows": (1,),
    "vrows": (1,),
}


def _value_and_grad(loss_fn, params, *args):
    with tf.GradientTape() as tape:
        tape.watch(params)
        losses = loss_fn(params, *args)
        total = tf.reduce_sum(losses)
    return losses, tape.gradient(total, params)


def _matmul(h, W):
    return tf.linalg.matmul(h, W)


def _take(x, indices, axis):
    return tf.gather(x, indices, axis=axis)


def _report(listener, epoch, losses, val_losses):
    tf.numpy_function(
        _progress.dispatch,
        [listener, epoch, losses, val_losses],
        tf.int32,
        stateful=True,
    )


def _stable_argsort(x):
    return tf.argsort(x, stable=True)


def _sorted_segment_sum(data, segment, n):
    # the sorted kernel, padded to n rows (TensorFlow's unsorted segment sum
    # took about twice as long on a lazy step's gradient)
    sums = tf.math.segment_sum(data, segment)
    pad = [[0, n - tf.shape(sums)[0]]] + [[0, 0]] * (len(data.shape) - 1)
    return tf.pad(sums, pad)


class _VariableRows:
    """The row store of a lazy program (``_lazy``): the first kernel and its
    moments as variables, so a step's scatter writes its rows in place (a
    scatter into a loop-carried tensor copies the whole kernel at every step).

    The loop carries a token in place of each array; every read and write
    waits for the token of the write before it. One training at a time uses
    the variables (``lock``).
    """

    def __init__(self, shape):
        self.variables = [
            tf.Variable(tf.zeros(shape, tf.float32), trainable=False) for _ in range(3)
        ]
        self.lock = threading.Lock()
        self._compiled = {}

    def start(self, *arrays):
        writes = [v.assign(a) for v, a in zip(self.variables, arrays)]
        with tf.control_dependencies(writes):
            token = tf.constant(0.0)
        return (token,) * len(arrays)

    def gather_first(self, handle, index, h):
        with tf.control_dependencies([handle]):
            return tf.gather(self.variables[0], index)

    def gather_moments(self, handles, index):
        with tf.control_dependencies([handles[0]]):
            return tuple(tf.gather(v, index) for v in self.variables[1:])

    def scatter(self, handles, index, values, n):
        with tf.control_dependencies([handles[0]]):
            index = index[:n]
            writes = [
                v.scatter_update(tf.IndexedSlices(x[:n], index))
                for v, x in zip(self.variables, values)
            ]
        with tf.control_dependencies(writes):
            token = tf.identity(handles[0])
        return (token,) * len(handles)

    def elementwise(self, fn):
        """``fn`` compiled by XLA: a dozen element-wise passes fused into one
        (compiled once per batch width, the fit's number of slots)."""
        if fn not in self._compiled:
            self._compiled[fn] = tf.function(fn, jit_compile=True, autograph=False)
        return self._compiled[fn]

    def dense_first(self, handle):
        with tf.control_dependencies([handle]):
            return self.variables[0].read_value()

    def dense(self, handles):
        with tf.control_dependencies([handles[0]]):
            return tuple(v.read_value() for v in self.variables)


_KIT = _loop.Kit(
    value_and_grad=_value_and_grad,
    matmul=_matmul,
    take=_take,
    report=_report,
    argsort=_stable_argsort,
    sorted_segment_sum=_sorted_segment_sum,
)
# Beyond a million weights the optimiser update's dozen element-wise passes
# over them cost more than XLA's launch and compilation: XLA fuses them into
# one (a sparse 50,000 x 256 first layer: 5.9 s an epoch instead of 8.5 s;
# on the tutorial network it made the fit slower, 0.62 s instead of 0.41 s).
_FUSED_KIT = dataclasses.replace(
    _KIT, step=tf.function(_optim.step, jit_compile=True, autograph=False)
)
FUSED_UPDATE_WEIGHTS = 1_000_000


#: the copies of a computation train in turn (True) or batched (False).
#: Batched, a copy among others was not its solo fit bit for bit, with XLA
#: epochs (6 of the stacked-engine tests failed, by up to 2.4e-7 in a weight)
#: and as a plain graph without oneDNN's kernels (Eigen's batched product
#: depends on the number of copies in the last bit), as on JAX.
COPIES_IN_TURN = True


def in_turn(program, n_copies):
    """Whether the copies of a computation train one after another (``_in_turn``).

    Each copy then runs the solo fit's function on the solo fit's shapes, so
    it is that fit bit for bit and stops at its own epoch. Copies padded to a
    wider network, and trainings that go on from a saved state (one copy
    each), train as one batched computation.
    """
    return COPIES_IN_TURN and n_copies > 1 and copies_may_take_turns(program)


def _in_turn(program, params, data):
    """``_loop.train``'s outputs of K copies, each trained alone (``in_turn``)."""
    solo = dataclasses.replace(program, single=True)
    outs = [_call(solo, *_copy(k, params, data)) for k in range(params[0].shape[0])]
    params_k, hist_loss, hist_val, epochs_run = zip(*outs)
    return (
        [np.concatenate(layer) for layer in zip(*params_k)],
        np.concatenate(hist_loss, axis=1),
        np.concatenate(hist_val, axis=1),
        np.concatenate(epochs_run),
    )


def _copy(k, params, data):
    """Copy ``k``'s weights and data (``_loop.one_copy``)."""
    return [p[k : k + 1] for p in params], _loop.one_copy(data, k)


def _spec(name, array):
    shape = list(np.shape(array))
    for axis in _ROW_AXES.get(name, ()):
        shape[axis] = None
    return tf.TensorSpec(shape, tf.as_dtype(np.asarray(array).dtype))


def _specs(data):
    return {
        key: [_spec(key, m) for m in value]
        if isinstance(value, list)
        else _specs(value)
        if isinstance(value, dict)  # a carried training's state
        else _spec(key, value)
        for key, value in data.items()
    }


def _signature(params, data):
    return ([tf.TensorSpec(p.shape, tf.float32) for p in params], _specs(data))


#: a run of epochs of a (non-lazy) program is one XLA computation (``_xla_epoch``)
XLA_EPOCHS = True


def _xla_epoch(fn, program):
    return tf.function(fn, jit_compile=True, autograph=False)


def _xla_epochs(program):
    """Whether ``program`` runs its epochs as XLA computations."""
    return XLA_EPOCHS and not program.lazy


def _whole(program):
    """Whether the whole training of ``program`` is one XLA computation.

    So it is where nothing reports to the host after an epoch: the loop over
    epochs goes inside the computation, with no graph around it to trace and
    optimise (the tutorial's first fit 0.87-0.92 s instead of 1.05-1.16 s).
    """
    return _xla_epochs(program) and not program.report


_lock = threading.Lock()


def _function(program, params, data):
    signature = _signature(params, data)
    key = (program, repr(signature), XLA_EPOCHS)
    with _lock:  # a thread may be compiling ahead (``compile_ahead``)
        if key not in _functions:
            _functions[key] = _new_function(program, params, signature)
    return _functions[key]


def _new_function(program, params, signature):
    weights = sum(int(np.prod(p.shape)) for p in params)
    kit = _FUSED_KIT if weights > FUSED_UPDATE_WEIGHTS else _KIT
    whole = _whole(program)
    if _xla_epochs(program):
        # whole, the epoch is the loop's body as it is (a loop of runs of
        # epochs inside the computation took 0.15 s more to compile)
        kit = dataclasses.replace(kit, epoch=None if whole else _xla_epoch)
    lock = None
    if program.lazy:
        K, d, h = params[0].shape
        kit = dataclasses.replace(kit, rows=_VariableRows((K * d, h)))
        lock = kit.rows.lock

    def train(params, data):
        return _loop.train(params, data, program, kit)

    # the loops are explicit (keras.ops.while_loop): no AutoGraph rewriting
    function = tf.function(
        train, input_signature=signature, autograph=False, jit_compile=whole or None
    )
    return function, lock


def compile_ahead(program, data, specs, widths, initial_params, given=False):
    """Compile the XLA computation ``run`` would run on these arguments
    (``_ahead``: from a thread, while another computation trains).

    TensorFlow compiles on a call: this calls it on the same shapes with no
    epoch to run. Only whole-training computations (``_whole``) compile ahead.
    """
    if not _whole(program):
        return
    full = [specs[0].n_features, *widths, specs[0].n_labels]
    params = [  # only their shapes matter
        np.zeros((len(specs), *shape), np.float32)
        for a, b in itertools.pairwise(full)
        for shape in ((a, b), (b,))
    ]
    data = {**padded(data), "epochs": np.zeros_like(data["epochs"])}
    if in_turn(program, len(specs)):  # the first copy's solo program
        program = dataclasses.replace(program, single=True)
        params, data = _copy(0, params, data)
    function, _ = _function(program, params, data)
    with _quiet():
        function(params, data)


_quiet_lock = threading.Lock()
_quiet_depth = [0, None]


@contextlib.contextmanager
def _quiet():
    """TensorFlow's logger at ERROR while any thread of ours runs a function.

    One function per program and shape is the design, not accidental
    retracing: TensorFlow's retracing warning stays out of the user's log.
    """
    logger = tf.get_logger()
    with _quiet_lock:
        if _quiet_depth[0] == 0:
            _quiet_depth[1] = logger.level
            logger.setLevel("ERROR")
        _quiet_depth[0] += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth[0] -= 1
            if _quiet_depth[0] == 0:
                logger.setLevel(_quiet_depth[1])


def run(program, data, specs, widths, initial_params, given=False):
    """Run the program; ``_loop.train``'s outputs as NumPy arrays."""
    params = initial_params(specs, widths)
    if _xla_epochs(program):  # XLA compiles per shape
        data = padded(data)
    with _quiet():
        if in_turn(program, len(specs)):
            return _in_turn(program, params, data)
        return _call(program, params, data)


def _call(program, params, data):
    function, lock = _function(program, params, data)
    if lock is None:
        return _numpy(function(params, data))
    with lock:  # the row store's variables: one training at a time
        return _numpy(function(params, data))


def _numpy(out):
    return tf.nest.map_structure(lambda t: t.numpy(), tuple(out))

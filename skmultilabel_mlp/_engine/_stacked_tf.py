"""The training program of ``_loop`` on TensorFlow: one ``tf.function``.

Chosen by ``_stacked.train_stacked`` on the TensorFlow backend; gradients come
from ``tf.GradientTape``. The function's input signature leaves every row count
unknown (``None``), so a fit on another number of rows, with another seed or
other hyper-parameter values reuses the traced graph instead of tracing anew;
it is traced once per program and network shape. Measured on CPU, XLA
(``jit_compile=True``) made this loop slower and recompiled for every shape,
so the graph runs without it.
"""

import dataclasses

import numpy as np
import tensorflow as tf

from . import _loop, _optim, _progress

__all__ = ["run"]

_functions = {}

# the row axes left unknown in the input signature
_ROW_AXES = {
    "X": (0,),
    "Xcols": (0, 1),
    "Xvals": (0, 1),
    "Y": (0,),
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


_KIT = _loop.Kit(
    value_and_grad=_value_and_grad, matmul=_matmul, take=_take, report=_report
)
# Beyond a million weights the optimiser update's dozen element-wise passes
# over them cost more than XLA's launch and compilation: XLA fuses them into
# one (a sparse 50,000 x 256 first layer: 5.9 s an epoch instead of 8.5 s;
# on the tutorial network it made the fit slower, 0.62 s instead of 0.41 s).
_FUSED_KIT = dataclasses.replace(
    _KIT, step=tf.function(_optim.step, jit_compile=True, autograph=False)
)
FUSED_UPDATE_WEIGHTS = 1_000_000


def _spec(name, array):
    shape = list(np.shape(array))
    for axis in _ROW_AXES.get(name, ()):
        shape[axis] = None
    return tf.TensorSpec(shape, tf.as_dtype(np.asarray(array).dtype))


def _signature(params, data):
    return (
        [tf.TensorSpec(p.shape, tf.float32) for p in params],
        {
            key: [_spec(key, m) for m in value]
            if isinstance(value, list)
            else _spec(key, value)
            for key, value in data.items()
        },
    )


def _function(program, params, data):
    signature = _signature(params, data)
    key = (program, repr(signature))
    if key not in _functions:
        weights = sum(int(np.prod(p.shape)) for p in params)
        kit = _FUSED_KIT if weights > FUSED_UPDATE_WEIGHTS else _KIT

        def train(params, data):
            return _loop.train(params, data, program, kit)

        # the loops are explicit (keras.ops.while_loop): no AutoGraph rewriting
        _functions[key] = tf.function(train, input_signature=signature, autograph=False)
    return _functions[key]


def run(program, data, specs, widths, initial_params, given=False):
    """Run the program; ``_loop.train``'s outputs as NumPy arrays."""
    params = initial_params(specs, widths)
    logger = tf.get_logger()
    level = logger.level
    # one function per program and shape is the design, not accidental
    # retracing: keep TensorFlow's retracing warning out of the user's log
    logger.setLevel("ERROR")
    try:
        out = _function(program, params, data)(params, data)
    finally:
        logger.setLevel(level)
    return tf.nest.map_structure(lambda t: t.numpy(), tuple(out))

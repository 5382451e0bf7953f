"""The training program of ``_loop`` on JAX: one ``jax.jit``, gradients by ``jax.grad``.

Chosen by ``_stacked.train_stacked`` when Keras runs on the JAX backend. The
whole training of a computation's copies, initial weights included, is one
compiled call (one per copy where they train in turn). Shapes are
padded to buckets (``_buckets``: at most 1/8 more rows) so that another number
of rows reuses the compiled program instead of compiling a new one.

What makes it fast on a CPU, measured with ``jax.profiler`` (2 cores):

- the stacked product's backward pass uses physical transposes
  (``_matmul``'s custom VJP): XLA's CPU dot runs 2-3 times slower on a strided
  operand;
- the initial weights are drawn inside the program (each eager initializer
  call would compile a small program of its own);
- the garbage collector is paused while tracing (full collections over
  TensorFlow's and Keras' objects cost more than the tracing itself);
- XLA compiles at optimisation level 1 without its new fusion emitters (a
  first cross-validation 1.85 -> 1.07 s, later ones 0.54 -> 0.43 s).

Stacked copies train one after another (``in_turn``), each a call of the solo
fit's compiled program on the solo fit's shapes, so it is that fit bit for
bit, and a search's refit of its best candidate finds that program compiled
(inside one program, as a ``jax.lax.map`` over the copies, the refit compiled
one more: the tutorial search's first call took 5.1 s instead of 4.5 s).
Batched as one ``(K, ...)`` computation, XLA's code for the whole program
depended on K: 39 of 300 tutorial probabilities of 10 stacked copies differed
from their solo fits' by up to 5.8e-8 after 2 full-batch epochs, and 3 of 120
fold scores of the tutorial search flipped. In turn, each copy also stops at
its own epoch instead of riding masked until the group's last one stops.
"""

import collections
import dataclasses
import gc
import threading

import jax
import jax.numpy as jnp
import keras
import numpy as np

from . import _loop, _progress
from ._buckets import padded
from ._network import kernel_inits, layer_seeds
from ._program import copies_may_take_turns

__all__ = ["compile_ahead", "in_turn", "run"]


def _t(a):
    """A physical transpose of the last two axes.

    The barrier keeps XLA from folding the (tiny) copy back into the dot,
    which would then contract a strided operand.
    """
    return jax.lax.optimization_barrier(jnp.swapaxes(a, 1, 2))


@jax.custom_vjp
def _matmul(h, W):
    """Stacked matmul (K, b, d) x (K, d, h) -> (K, b, h)."""
    return jnp.einsum("kbd,kdh->kbh", h, W)


def _matmul_fwd(h, W):
    return _matmul(h, W), (h, W)


def _matmul_bwd(saved, g):
    h, W = saved
    return jnp.einsum("kbh,khd->kbd", g, _t(W)), jnp.einsum("kdb,kbh->kdh", _t(h), g)


_matmul.defvjp(_matmul_fwd, _matmul_bwd)


def _value_and_grad(loss_fn, params, *args):
    def total(p):
        losses = loss_fn(p, *args)
        return jnp.sum(losses), losses

    (_, losses), grads = jax.value_and_grad(total, has_aux=True)(params)
    return losses, grads


def _drawn_params(kernel_seeds, initializers, widths):
    """Every copy's initial weights, drawn inside the program as ``build_mlp`` does.

    A Keras initializer seeded with the integer ``s`` draws from the JAX key
    ``[s, 0]``; giving it that key as a traced array lets one compiled program
    draw every copy's weights (bit for bit the eager values) whatever the seeds.
    """
    params = []
    for j, name in enumerate(initializers):
        shape = (widths[j], widths[j + 1])

        def draw(seed, name=name, shape=shape):
            init = keras.initializers.get({"class_name": name, "config": {"seed": 0}})
            init.seed = jnp.stack([seed, jnp.uint32(0)])
            return init(shape, dtype="float32")

        params += [
            jax.vmap(draw)(kernel_seeds[:, j]),
            jnp.zeros((kernel_seeds.shape[0], widths[j + 1]), jnp.float32),
        ]
    return params


def _take(x, indices, axis):
    return jnp.take(x, indices, axis=axis, mode="clip")


def _report(listener, epoch, losses, val_losses):
    jax.debug.callback(_progress.dispatch, listener, epoch, losses, val_losses)


class _ArrayRows:
    """The row store of a lazy program (``_lazy``): one array the loop carries,
    the kernel and its two moments side by side, ``(K*d, 3h)``.

    XLA updates a loop-carried array's rows in place, one row at a time (its
    CPU scatter is a loop): one array of all three costs a third of three.
    """

    def start(self, W, m, v):
        return jnp.concatenate([W, m, v], axis=1), jnp.float32(0), jnp.float32(0)

    def gather_first(self, handle, index, h):
        return jnp.take(handle[:, :h], index, axis=0, mode="clip")

    def gather_moments(self, handles, index):
        h = handles[0].shape[1] // 3
        return tuple(
            jnp.split(
                jnp.take(handles[0][:, h:], index, axis=0, mode="clip"), 2, axis=1
            )
        )

    def scatter(self, handles, index, values, n):
        # entries past the n distinct rows are dropped (an out-of-range index)
        index = jnp.where(jnp.arange(index.shape[0]) < n, index, handles[0].shape[0])
        rows = jnp.concatenate(values, axis=1)
        return (handles[0].at[index].set(rows, mode="drop"), *tuple(handles[1:]))

    def elementwise(self, fn):
        return fn

    def dense_first(self, handle):
        return handle[:, : handle.shape[1] // 3]

    def dense(self, handles):
        return tuple(jnp.split(handles[0], 3, axis=1))


_KIT = _loop.Kit(
    value_and_grad=_value_and_grad,
    matmul=_matmul,
    take=_take,
    report=_report,
    rows=_ArrayRows(),
)


def _train(params, data, *, program):
    return _loop.train(params, data, program, _KIT)


def _train_drawn(kernel_seeds, data, *, program, initializers, widths):
    params = _drawn_params(kernel_seeds, initializers, widths)
    return _loop.train(params, data, program, _KIT)


#: the copies of a computation train in turn (True) or batched (False).
#: Measured (2 cores): in turn, a copy is its solo fit bit for bit and the
#: tutorial search equals scikit-learn's (batched: 3 of 120 fold scores
#: differed). The tutorial search over 4 widths x 30 folds, alternating fresh
#: processes: in turn 13.7 / 17.2 s on a first call and 8.9 / 8.9 s later,
#: batched 14.6 / 19.5 s and 7.0 / 9.4 s (no difference above the machine's
#: noise); its 10-fold CV 0.38 s against 0.40 s once compiled. The yeast grid
#: (``benchmarks/speed.py``) took 66.9 s, as long as scikit-learn's search of
#: the same pipeline (batched, in an earlier run: 54.6 s against 60.9 s).
COPIES_IN_TURN = True


def in_turn(program, n_copies):
    """Whether the copies of a computation train one after another (``run``).

    Copies padded to a wider network, and trainings that go on from a saved
    state (one copy each), train as one batched computation.
    """
    return COPIES_IN_TURN and n_copies > 1 and copies_may_take_turns(program)


# XLA's CPU backend at optimisation level 1 and without its new fusion
# emitters compiles this program in less than half the time and runs it
# faster: its steps are many tiny operations, not long loops. Level 0 compiles
# a short training faster still (the tutorial fit: 0.37 s instead of 0.6 s) but
# runs it three times slower (0.12 s instead of 0.04 s), and it is other
# arithmetic: a solo fit at level 0 and the same fit stacked beside others at
# level 1 ended up to 3e-2 apart in a probability after 100 epochs. One set of
# options for a program, whatever its number of copies, keeps one seed one
# result.
_CPU_OPTIONS = {
    "xla_backend_optimization_level": 1,
    "xla_cpu_use_fusion_emitters": False,
}
# Sparse rows (``program.sparse_x``) scatter their first layer's gradient, a
# row per non-zero slot: without the fusion emitters XLA runs that scatter as
# a loop of small operations, one pass per slot, and with them as one kernel.
# On the 50,000-feature case of ``benchmarks/speed.py`` (12,800 rows, 50 steps
# an epoch) an epoch took 1.48 s against 2.22 s, on tmc2007-500's training
# rows (CSR) a 20-epoch fit 1.41-1.45 s against 1.92-1.97 s; the first fit
# compiles about 0.3 s longer (medical's: 0.86-0.92 s against 0.58-0.62 s).
_SCATTER_OPTIONS = {**_CPU_OPTIONS, "xla_cpu_use_fusion_emitters": True}


def _jit(fn, static):
    return {
        "tuned": jax.jit(fn, static_argnames=static, compiler_options=_CPU_OPTIONS),
        "scatter": jax.jit(
            fn, static_argnames=static, compiler_options=_SCATTER_OPTIONS
        ),
        "plain": jax.jit(fn, static_argnames=static),
    }


_compiled = {
    "given": _jit(_train, ("program",)),
    "drawn": _jit(_train_drawn, ("program", "initializers", "widths")),
}


#: programs compiled ahead of their call (``compile_ahead``), by ``_key``,
#: the most recently used last; the keys of programs being compiled ahead
#: (an event set when done) and of programs already called (jit's own cache)
_ahead = collections.OrderedDict()
_pending = {}
_called = set()
_AHEAD_KEPT = 64
_lock = threading.Lock()


def _key(kind, args, static):
    """What decides the program of a call: its kind, statics, argument shapes
    and JAX's trace settings (a thread's own, such as ``enable_x64`` or
    ``default_matmul_precision`` used as a context), as ``jax.jit``'s cache."""
    leaves, tree = jax.tree_util.tree_flatten(args)
    shapes = tuple((np.shape(a), np.result_type(a).str) for a in leaves)
    return kind, tuple(sorted(static.items())), tree, shapes, _trace_context()


def _trace_context():
    try:
        from jax._src.config import trace_context
    except ImportError:  # another JAX: its settings unknown here
        return None
    return trace_context()


def _jitted(kind, program):
    """The jitted program, with the CPU options where this XLA knows them
    (``_SCATTER_OPTIONS`` for sparse rows)."""
    versions = _compiled[kind]
    if jax.default_backend() != "cpu" or versions.get("tuned") is None:
        return versions["plain"]
    return versions["scatter" if program.sparse_x else "tuned"]


def _call(kind, *args, **static):
    key = _key(kind, args, static)
    with _lock:
        pending = _pending.get(key)
    if pending is not None:  # being compiled ahead: wait for it
        pending.wait()
    with _lock:
        compiled = _ahead.get(key)
        if compiled is None:
            _called.add(key)
        else:
            _ahead.move_to_end(key)
    if compiled is not None:
        try:
            return compiled(*args)
        except TypeError:  # arguments it was not compiled for: jit decides
            pass
    jitted = _jitted(kind, static["program"])
    try:
        return jitted(*args, **static)
    except jax.errors.JaxRuntimeError as exc:  # an XLA without these options
        if "compile option" not in str(exc) or jitted is _compiled[kind]["plain"]:
            raise
        _compiled[kind]["tuned"] = _compiled[kind]["scatter"] = None
        return _compiled[kind]["plain"](*args, **static)


def _arguments(program, data, specs, widths, initial_params, given):
    """What ``_call`` takes to run the program on (padded) ``data``: its kind,
    arguments and statics."""
    if program.padded_units or given:
        params = initial_params(specs, widths)
        return "given", (params, data), {"program": program}
    kernels = [
        kernel_inits(s.kernel_initializer, layer_seeds(s.seed, len(widths)))
        for s in specs
    ]
    seeds = np.array([[seed for _, seed in k] for k in kernels], np.uint32)
    static = {
        "program": program,
        "initializers": tuple(name for name, _ in kernels[0]),
        "widths": specs[0].widths,
    }
    return "drawn", (seeds, data), static


def _calls(program, data, specs, widths, initial_params, given):
    """The ``_arguments`` of each call that trains these copies: one call,
    or, in turn, the solo program once per copy on the copy's data."""
    data = padded(data)
    if not in_turn(program, len(specs)):
        return [_arguments(program, data, specs, widths, initial_params, given)]
    solo = dataclasses.replace(program, single=True)
    return [
        _arguments(
            solo,
            _loop.one_copy(data, k),
            specs[k : k + 1],
            widths,
            initial_params,
            given,
        )
        for k in range(len(specs))
    ]


def compile_ahead(program, data, specs, widths, initial_params, given=False):
    """Compile the program ``run`` would run on these arguments, without
    running it (``_ahead``: from a thread, while another program trains).

    A call of the same program meanwhile waits for it instead of compiling it
    a second time.
    """
    kind, args, static = _calls(program, data, specs, widths, initial_params, given)[0]
    key = _key(kind, args, static)
    with _lock:
        if key in _ahead or key in _called or key in _pending:
            return
        done = _pending[key] = threading.Event()
    try:
        compiled = _jitted(kind, static["program"]).lower(*args, **static).compile()
        with _lock:
            while len(_ahead) >= _AHEAD_KEPT:
                _ahead.popitem(last=False)
            _ahead[key] = compiled
    finally:
        with _lock:
            del _pending[key]
        done.set()


def run(program, data, specs, widths, initial_params, given=False):
    """Run the program; ``_loop.train``'s outputs as NumPy arrays.

    Copies in turn are one call each (dispatched before any is waited for),
    their outputs stacked as one batched call's: weights ``(K, ...)``,
    histories ``(E, K)``, epochs run ``(K,)``.
    """
    calls = _calls(program, data, specs, widths, initial_params, given)
    # tracing makes many small Python objects; with TensorFlow and Keras loaded
    # the collector's full passes over them cost more than the tracing itself
    collecting = gc.isenabled()
    gc.disable()
    try:
        outs = jax.device_get(
            [_call(kind, *args, **static) for kind, args, static in calls]
        )
    finally:
        if collecting:
            gc.enable()
    outs = [jax.tree_util.tree_map(np.asarray, tuple(out)) for out in outs]
    if len(outs) == 1:
        return outs[0]
    params, hist_loss, hist_val, epochs_run = zip(*outs)
    return (
        [np.concatenate(layer) for layer in zip(*params)],
        np.concatenate(hist_loss, axis=1),
        np.concatenate(hist_val, axis=1),
        np.concatenate(epochs_run),
    )

"""Compiling the next stacked computation while one trains (``_engine._ahead``).

The compiled program is the one the call would compile itself: the networks
are the same with and without it, and a failure while compiling ahead only
leaves the call to compile (and to report what is wrong) itself.
"""

import collections

import keras
import numpy as np
import pytest

from skmultilabel_mlp._engine import _ahead, _stacked
from skmultilabel_mlp._engine._spec import FitSpec

WIDTHS = [(3,), (5,), (4, 2)]


def _fits(epochs=3):
    """Three architectures (three computations) of two copies each."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4)).astype(np.float32)
    Y = (rng.uniform(size=(60, 2)) < 0.4).astype(np.float32)
    specs, rows = [], []
    for i, widths in enumerate(WIDTHS):
        for k in range(2):
            specs.append(
                FitSpec(
                    n_features=4,
                    n_labels=2,
                    hidden_layer_sizes=widths,
                    activation="relu",
                    kernel_initializer="glorot_uniform",
                    dropout=0.0,
                    alpha=0.0,
                    optimizer="adam",
                    learning_rate=1e-2,
                    batch_size=16,
                    epochs=epochs,
                    seed=10 * i + k,
                )
            )
            rows.append(rng.permutation(60)[: 45 + k])
    return specs, X, Y, rows


def _train(monkeypatch, ahead):
    monkeypatch.setattr(_ahead, "COMPILE_AHEAD", ahead)
    return _stacked.train_stacked(*_fits())


def _assert_same(a, b):
    for (layers_a, history_a), (layers_b, history_b) in zip(a, b):
        assert history_a == history_b
        for (k1, b1, _), (k2, b2, _) in zip(layers_a, layers_b):
            np.testing.assert_array_equal(k1, k2)
            np.testing.assert_array_equal(b1, b2)


def _backend():
    return _stacked._backend()


def test_the_next_computation_compiles_ahead_and_trains_the_same_networks(
    monkeypatch,
):
    backend = _backend()
    compiled, errors = [], []
    compile_ahead = backend.compile_ahead

    def recording(program, data, specs, *args):
        compiled.append(tuple(s.hidden_layer_sizes for s in specs))
        try:
            return compile_ahead(program, data, specs, *args)
        except Exception as exc:  # the thread keeps quiet about it
            errors.append(exc)
            raise

    monkeypatch.setattr(backend, "compile_ahead", recording)
    ahead = _train(monkeypatch, True)
    # every computation but the first was handed to the thread
    assert compiled == [(w, w) for w in WIDTHS[1:]]
    assert errors == []
    compiled.clear()
    plain = _train(monkeypatch, False)
    assert compiled == []
    _assert_same(ahead, plain)


def test_data_past_the_bound_does_not_compile_ahead(monkeypatch):
    backend = _backend()
    compiled = []
    monkeypatch.setattr(backend, "compile_ahead", lambda *a: compiled.append(1))
    monkeypatch.setattr(_ahead, "AHEAD_MAX_BYTES", 1000)  # the data: ~2 kB
    _train(monkeypatch, True)
    assert compiled == []


def test_a_failure_while_compiling_ahead_leaves_the_call_to_compile(monkeypatch):
    backend = _backend()
    failures = []

    def failing(*args):
        failures.append(1)
        raise RuntimeError("no compiler today")

    expected = _train(monkeypatch, False)
    monkeypatch.setattr(backend, "compile_ahead", failing)
    got = _train(monkeypatch, True)
    assert len(failures) == len(WIDTHS) - 1
    _assert_same(got, expected)


@pytest.mark.skipif(
    keras.config.backend() != "jax", reason="JAX's compiled programs are counted"
)
def test_a_program_compiled_ahead_is_not_compiled_again(monkeypatch):
    """On JAX, the call runs the executable compiled ahead: each of the three
    programs is compiled once (``jax.monitoring``'s backend compilations)."""
    import jax.monitoring

    from skmultilabel_mlp._engine import _stacked_jax

    monkeypatch.setattr(_stacked_jax, "_ahead", collections.OrderedDict())
    monkeypatch.setattr(_stacked_jax, "_called", set())
    compiles = []

    def listen(name, seconds, **kwargs):
        if name == "/jax/core/compile/backend_compile_duration":
            compiles.append(seconds)

    jax.monitoring.register_event_duration_secs_listener(listen)
    try:
        # epochs no other test here uses: programs of their own
        monkeypatch.setattr(_ahead, "COMPILE_AHEAD", True)
        _stacked.train_stacked(*_fits(epochs=4))
    finally:
        jax.monitoring.unregister_event_duration_listener(listen)
    assert len(_stacked_jax._ahead) == len(WIDTHS) - 1
    assert len(compiles) == len(WIDTHS)


@pytest.mark.skipif(
    keras.config.backend() != "tensorflow",
    reason="TensorFlow's functions count their traces",
)
def test_tensorflow_traces_each_program_once_when_compiled_ahead(monkeypatch):
    """On TensorFlow, the call runs the function the thread compiled ahead
    (on the same shapes, with no epoch to run): each of the three programs is
    traced once, and the two compiled ahead were traced by the thread."""
    import threading

    from skmultilabel_mlp._engine import _stacked_tf

    monkeypatch.setattr(_stacked_tf, "_functions", {})
    tracers = []
    new_function = _stacked_tf._new_function

    def counting(program, params, signature):
        tracers.append(threading.current_thread().name)
        return new_function(program, params, signature)

    monkeypatch.setattr(_stacked_tf, "_new_function", counting)
    monkeypatch.setattr(_ahead, "COMPILE_AHEAD", True)
    _stacked.train_stacked(*_fits(epochs=5))  # epochs no other test here uses
    functions = [f for f, _ in _stacked_tf._functions.values()]
    assert len(functions) == len(WIDTHS)
    assert [f.experimental_get_tracing_count() for f in functions] == [1, 1, 1]
    assert tracers.count("skmultilabel-mlp-compile-ahead") == len(WIDTHS) - 1

"""Speed and memory of the Keras path, each case in its own process.

Cases (run all, or name some):

- ``fit``: tutorial workload, one fit (900 rows, 100 epochs, batch 32), this
  package vs a default scikeras KerasClassifier of the same network; one
  warm-up fit each, then the median of 5 alternating fits (accuracy: exact
  match on the 100 held-out rows, mean of the 5).
- ``cv``: tutorial workload, RepeatedKFold(10, 3): the package's fold-stacked
  cross_validate (first call in the process, which traces or compiles, and a
  second call) vs scikit-learn's cross_validate with MLPClassifier((20,),
  batch_size=32, max_iter=100) and with this package's classifier fitted fold by
  fold. Importing Keras is timed on its own, before.
- ``large``: 100,000 x 500 dense rows, 512 hidden units, 1,000 labels at 1%
  density, batch 256, 3 epochs: steady-state seconds per epoch (the fastest
  after the first, which traces) and peak memory, next to the arithmetic floor
  (6 FLOP per weight per row per epoch at the GEMM rate measured in the same
  process on the same shapes).
- ``sparse``: 50,000 x 50,000 CSR at 0.1% density, 2,000 labels, 256 hidden,
  batch 256, 2 epochs: seconds per epoch and peak memory vs the dense size of X.

Every case runs with the TensorFlow backend and again with ``KERAS_BACKEND=jax``
when JAX is installed. Results: ``results/speed.json`` and ``results/speed.md``.

    python benchmarks/speed.py [fit cv large sparse]
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

RESULTS = Path(__file__).parent / "results"
CASES = ("fit", "cv", "large", "sparse")


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_fit():
    import keras
    import numpy as np
    from scikeras.wrappers import KerasClassifier

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import make_tutorial_problem

    X, Y = make_tutorial_problem(return_X_y=True)
    Xtr, Ytr, Xte, Yte = X[:900], Y[:900], X[900:], Y[900:]

    def build():
        model = keras.Sequential(
            [
                keras.Input((10,)),
                keras.layers.Dense(
                    20, activation="relu", kernel_initializer="he_uniform"
                ),
                keras.layers.Dense(3, activation="sigmoid"),
            ]
        )
        model.compile(loss="binary_crossentropy", optimizer="adam")
        return model

    def fit_once(est):
        start = time.perf_counter()
        est.fit(Xtr, Ytr)
        seconds = time.perf_counter() - start
        pred = np.asarray(est.predict_proba(Xte)).reshape(len(Xte), -1) >= 0.5
        return seconds, float(np.mean((pred == Yte).all(axis=1)))

    makers = {"ours": lambda s: MultiLabelMLPClassifier(random_state=s)}
    if keras.config.backend() == "tensorflow":
        makers["scikeras"] = lambda s: KerasClassifier(
            build, epochs=100, batch_size=32, verbose=0, random_state=s
        )
    runs = {name: [] for name in makers}
    for make in makers.values():
        fit_once(make(99))  # warm-up: first-fit costs of the process, for both
    for seed in range(5):  # alternate, so drift on the machine hits both alike
        for name, make in makers.items():
            runs[name].append(fit_once(make(seed)))
    out = {}
    for name, values in runs.items():
        out[f"{name}_seconds"] = float(np.median([v[0] for v in values]))
        out[f"{name}_accuracy"] = float(np.mean([v[1] for v in values]))
    if "scikeras" in runs:
        out["ratio"] = out["ours_seconds"] / out["scikeras_seconds"]
    return out


def case_cv():
    from sklearn import model_selection as skms
    from sklearn.neural_network import MLPClassifier

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import make_tutorial_problem
    from skmultilabel_mlp.model_selection import cross_validate

    X, Y = make_tutorial_problem(return_X_y=True)
    cv = skms.RepeatedKFold(n_splits=10, n_repeats=3, random_state=1)
    # importing Keras and its backend is a one-time cost of any Keras code,
    # recorded on its own rather than inside the first cross-validation
    start = time.perf_counter()
    import keras

    keras.ops.convert_to_numpy(keras.ops.ones((1,)))
    out = {"keras_import_seconds": time.perf_counter() - start}
    runs = {
        # first call in the process: pays tracing / jit compilation once
        "stacked_cold": lambda: cross_validate(
            MultiLabelMLPClassifier(random_state=0), X, Y, cv=cv
        ),
        # the same call again, as the next grid-search candidate of this shape
        "stacked_warm": lambda: cross_validate(
            MultiLabelMLPClassifier(random_state=1), X, Y, cv=cv
        ),
        "ours_sequential": lambda: skms.cross_validate(
            MultiLabelMLPClassifier(random_state=0), X, Y, cv=cv
        ),
        "sklearn_mlp": lambda: skms.cross_validate(
            MLPClassifier((20,), batch_size=32, max_iter=100, random_state=0),
            X,
            Y,
            cv=cv,
        ),
    }
    for name, run in runs.items():
        start = time.perf_counter()
        res = run()
        out[f"{name}_seconds"] = time.perf_counter() - start
        out[f"{name}_accuracy"] = float(np.mean(res["test_score"]))
    for kind in ("cold", "warm"):
        out[f"ratio_{kind}_vs_sklearn_mlp"] = (
            out[f"stacked_{kind}_seconds"] / out["sklearn_mlp_seconds"]
        )
    return out


def _epoch_timer():
    """A Keras callback recording each epoch's wall time (made lazily: imports keras)."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def _gemm_rate(shapes, repeats=20):
    """FLOP/s of Keras matmuls on the training shapes (same backend, same process)."""
    import keras
    import numpy as np

    rate, rng = [], np.random.default_rng(0)
    for m, k, n in shapes:
        a = keras.ops.convert_to_tensor(rng.random((m, k), dtype=np.float32))
        b = keras.ops.convert_to_tensor(rng.random((k, n), dtype=np.float32))
        np.asarray(keras.ops.matmul(a, b))  # warm up
        start = time.perf_counter()
        for _ in range(repeats):
            c = keras.ops.matmul(a, b)
        np.asarray(c)
        rate.append(2 * m * k * n * repeats / (time.perf_counter() - start))
    return float(np.mean(rate))


def case_large():
    from skmultilabel_mlp import MultiLabelMLPClassifier

    n, d, h, L, batch, epochs = 100_000, 500, 512, 1000, 256, 3
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d), dtype=np.float32)
    Y = (rng.random((n, L), dtype=np.float32) < 0.01).astype(np.float32)
    rate = _gemm_rate([(batch, d, h), (batch, h, L)])
    timer = _epoch_timer()
    clf = MultiLabelMLPClassifier(
        (h,), batch_size=batch, epochs=epochs, random_state=0, callbacks=[timer]
    )
    clf.fit(X, Y)
    floor = 6 * n * (d * h + h * L) / rate
    steady = min(timer.seconds[1:])  # epochs after the first, which traces
    return {
        "first_epoch_seconds": timer.seconds[0],
        "seconds_per_epoch": steady,
        "gemm_gflops": rate / 1e9,
        "floor_seconds_per_epoch": floor,
        "ratio_to_floor": steady / floor,
        "peak_rss_mb": _peak_mb(),
    }


def _random_csr(rng, n_rows, n_cols, per_row, dtype=np.float32):
    """CSR with ``per_row`` random columns per row, built directly: scipy's
    ``sparse.random`` permutes all rows x cols positions (20 GB here)."""
    import scipy.sparse as sp

    indptr = np.arange(0, n_rows * per_row + 1, per_row, dtype=np.int64)
    indices = rng.integers(0, n_cols, size=n_rows * per_row)
    data = rng.random(n_rows * per_row).astype(dtype)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_cols))
    matrix.sum_duplicates()
    return matrix


def case_sparse():
    from skmultilabel_mlp import MultiLabelMLPClassifier

    n, d, L = 50_000, 50_000, 2000
    rng = np.random.default_rng(0)
    X = _random_csr(rng, n, d, per_row=50)  # 0.1% density
    Y = _random_csr(rng, n, L, per_row=10)  # 0.5% density
    Y.data[:] = 1
    before = _peak_mb()
    timer = _epoch_timer()
    clf = MultiLabelMLPClassifier(
        (256,), batch_size=256, epochs=2, random_state=0, callbacks=[timer]
    )
    clf.fit(X, Y)
    return {
        "first_epoch_seconds": timer.seconds[0],
        "seconds_per_epoch": timer.seconds[1],
        "peak_rss_mb_before_fit": before,
        "peak_rss_mb": _peak_mb(),
        "dense_X_mb": n * d * 4 / 2**20,
        "nnz_X": int(X.nnz),
        "nnz_Y": int(Y.nnz),
    }


def _run_case(case, backend):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, __file__, "--case", case],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv):
    if argv[:1] == ["--case"]:
        print(json.dumps(globals()[f"case_{argv[1]}"]()))
        return
    from _env import atomic_write, environment

    cases = [c for c in argv if c in CASES] or list(CASES)
    backends = ["tensorflow"]
    try:
        import jax  # noqa: F401

        backends.append("jax")
    except ImportError:
        pass
    path = RESULTS / "speed.json"
    results = json.loads(path.read_text())["results"] if path.exists() else {}
    for case in cases:
        for backend in backends:
            results[f"{case}/{backend}"] = _run_case(case, backend)
            print(case, backend, results[f"{case}/{backend}"], flush=True)
    out = {
        "protocol": __doc__.strip().splitlines()[0],
        "results": results,
        "environment": environment(),
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(path, json.dumps(out, indent=2) + "\n")
    atomic_write(RESULTS / "speed.md", _markdown(out))


def _fmt(v):
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _markdown(out):
    from _env import measured

    lines = [
        "# Speed and memory\n",
        "Generated by `benchmarks/speed.py`; each case "
        "ran in a fresh process. Ratios are taken within one run.\n",
    ]
    for key, res in sorted(out["results"].items()):
        lines.append(f"## {key}\n")
        lines.extend(f"- {k}: {_fmt(v)}" for k, v in res.items())
        lines.append("")
    env = out["environment"]
    lines.append(measured(env))
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Scale: 200,000 x 100,000 sparse rows, 10,000 power-law labels, 256 hidden units, batch 256.

The reader's shape shrunk to this machine (issue 18). Every case runs in its own
process and regenerates the same data from seed 0:

- Data: 200,000 training and 10,000 held-out rows. Label ``j`` (of 10,000) is
  drawn with probability proportional to ``1 / (j + 10)`` (Zipf-Mandelbrot:
  the most frequent label is in about 7% of the rows), each row
  ``1 + Poisson(4)`` draws (at most 12, repeats merged: about 5 labels a row).
  Each label owns 10 signature features drawn uniformly from the 100,000; a
  row takes 3 draws from each of its labels' signatures and fills the rest of
  its 50 slots with noise features of Zipf-like frequency (``1 / rank``, ranks
  a random permutation of the vocabulary). Values are tf-idf-like
  (``(1 + Poisson(0.3)) * (1 + log(p_max / p_feature))``, repeats summed),
  rows L2-normalised. X and Y are CSR (Y 0/1 float32), never dense.
- ``ours_adam`` / ``ours_lazy``: ``MultiLabelMLPClassifier((256,),
  batch_size=256, epochs=3)`` with ``optimizer="adam"`` / ``"lazy_adam"``;
  seconds of each epoch from the engine's per-epoch callback, steady = the
  fastest after the first (which compiles); peak RSS; P@1 and P@5 on the
  held-out rows (``predict_top_k``, ``metrics.precision_at_k``). Next to it,
  in the same process and backend, the epoch's floor: steps x (sparse
  first-layer product and its kernel gradient on the touched rows, a compiled
  gather + weighted sum and a segment sum over real batches; the output
  layer's three GEMMs, ``6 * batch * 256 * 10,000`` FLOP at the compiled GEMM
  rate on those shapes; Adam's fused update of the output kernel and of the
  batch's touched first-layer rows and their moments), measured after the fit
  (its arrays stay out of the fit's peak memory), each the best of 3 runs of
  a compiled loop (``jax.jit``; on TensorFlow a ``tf.function``, with XLA for
  Adam, and the better of both for the sparse part). The floor leaves out the
  hidden activation, the sigmoid and loss over the 10,000 outputs, the batch
  gather, the dense target batch, the sort that finds the touched rows and
  their gather/scatter, biases and the per-step loop overhead; it includes one
  small read per step that keeps the measured results alive. Exact Adam
  (``ours_adam``) moves every first-layer row each step: its floor is
  reported too, with the touched rows' update replaced by the dense one (the
  batch's gradient scattered into a dense kernel gradient and Adam's rule on
  the kernel and both moments, one XLA loop: ``_timing``'s
  ``exact_first_update_seconds``, the timing ``speed.py`` uses; until
  2026-12-06 it was Adam's rule alone on a dense array, un-fused, 5 steps a
  loop, and added to the touched rows' update).
- ``linear``: the same classifier with ``hidden_layer_sizes=()`` (one logistic
  regression per label, trained jointly, ``lazy_adam``), on the 1,000 most
  frequent labels only (all 10,000 would need a 100,000 x 10,000 kernel: 4 GB,
  12 GB with Adam's moments); its epoch is extrapolated x10 (the step's work
  is linear in the labels; its fixed costs, scaled too, make this an upper
  bound); P@k against all labels (it never predicts the tail: a lower bound
  of a full one-vs-rest's).
- ``sklearn``: ``MLPClassifier((256,), batch_size=256, max_iter=1,
  solver="adam")`` on the first 20,000 rows (its dense y at 200,000 x 10,000
  would not fit), one epoch; seconds per row x 200,000 is its extrapolated
  epoch; its P@k saw a tenth of the rows. Run once, not per backend.

The 2M-row epoch is 10 x the steady one. Goals: at most 2x the floor and at
most 0.2x scikit-learn's extrapolated epoch. Every Keras case runs on
TensorFlow and again with ``KERAS_BACKEND=jax`` when JAX is installed.
``--smoke`` shrinks everything about 100x (2,000 rows, 5,000 features, 500
labels, 2 epochs) and writes ``results/scale_smoke.*`` instead.

    python benchmarks/scale.py [--smoke] [ours_adam ours_lazy linear sklearn]
"""

import functools
import importlib.util
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).parent))

from _scale_report import CASES, markdown
from _timing import (
    epoch_seconds,
    exact_first_update_seconds,
    gemm_rate,
    keras_import_seconds,
    peak_mb,
    timed,
)

RESULTS = Path(__file__).parent / "results"
KERAS_FREE = ("sklearn",)
FULL = dict(n=200_000, n_test=10_000, d=100_000, L=10_000, epochs=3, sk_rows=20_000)
SMOKE = dict(n=2_000, n_test=200, d=5_000, L=500, epochs=2, sk_rows=400)
NNZ, H, BATCH, SIG, SIG_DRAWS, MAX_LABELS = 50, 256, 256, 10, 3, 12


def _sizes():
    return SMOKE if os.environ.get("SCALE_SMOKE") else FULL


def make_problem(n, n_test, d, L, seed=0, **_):
    """``(X, Y, X_test, Y_test)`` CSR, as the module docstring describes."""
    rng = np.random.default_rng(seed)
    rows = n + n_test
    p_label = 1.0 / np.arange(10, L + 10)
    p_label /= p_label.sum()
    draws = np.minimum(rng.poisson(4, rows) + 1, MAX_LABELS)
    where = (np.repeat(np.arange(rows), draws), rng.choice(L, draws.sum(), p=p_label))
    Y = sp.csr_matrix((np.ones(draws.sum(), np.float32), where), shape=(rows, L))
    Y.data[:] = 1  # repeated draws of a label were summed
    signature = rng.integers(0, d, (L, SIG))
    per_row = np.diff(Y.indptr)
    signal = signature[Y.indices[:, None], rng.integers(0, SIG, (Y.nnz, SIG_DRAWS))]
    p_feature = 1.0 / (1 + rng.permutation(d))
    p_feature /= p_feature.sum()
    noise = NNZ - SIG_DRAWS * per_row
    features = np.concatenate([signal.ravel(), rng.choice(d, noise.sum(), p=p_feature)])
    owner = np.repeat(np.tile(np.arange(rows), 2), np.r_[SIG_DRAWS * per_row, noise])
    idf = 1 + np.log(p_feature.max() / p_feature)
    values = (1 + rng.poisson(0.3, features.size)) * idf[features]
    X = sp.csr_matrix((values.astype(np.float32), (owner, features)), shape=(rows, d))
    X.sum_duplicates()
    X = X.multiply(1 / np.sqrt(X.multiply(X).sum(axis=1))).tocsr().astype(np.float32)
    return X[:n], Y[:n], X[n:], Y[n:]


def _precision(Y_test, top):
    """P@1 and P@5 of label columns ``top`` (n, 5), best first, by the package's metric."""
    from skmultilabel_mlp.metrics import precision_at_k

    n, k = top.shape
    score = sp.csr_matrix(
        (np.tile(np.arange(k, 0, -1.0), n), top.ravel(), np.arange(0, n * k + 1, k)),
        shape=Y_test.shape,
    )
    return {f"p_at_{j}": precision_at_k(Y_test, score, k=j) for j in (1, 5)}


def _looped_seconds(step, state, consts, repeats=20, fuse=False):
    """Seconds of one ``state = step(i, state, *consts)`` (keras.ops), the best of
    3 runs of ``repeats`` steps inside one compiled function (``jax.jit``, or
    ``tf.function``, with XLA when ``fuse``), so per-call overhead does not count."""
    import keras

    if keras.config.backend() == "jax":
        import jax

        state, consts = jax.device_put((state, consts))  # not copied at each call

        @jax.jit
        def run(state, consts):
            state = jax.lax.fori_loop(
                0, repeats, lambda i, s: step(i, s, *consts), state
            )
            return keras.ops.sum(state[0])

        def go():
            return jax.block_until_ready(run(state, consts))
    else:
        import tensorflow as tf

        state, consts = tf.nest.map_structure(tf.constant, (state, consts))

        @tf.function(jit_compile=fuse)
        def run(state, consts):
            for i in tf.range(repeats):
                state = step(i, state, *consts)
            return tf.reduce_sum(state[0])

        def go():
            return run(state, consts).numpy()

    go()  # compile
    return min(timed(go)[0] for _ in range(3)) / repeats


def _adam(i, state, g):
    """Adam's element-wise update of ``W`` and its two moments by gradient ``g``."""
    from keras import ops

    W, m, v = state
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * ops.square(g)
    return W - 1e-3 * m / (ops.sqrt(v) + 1e-7), m, v


def _adam_seconds(shape, repeats=20):
    rng = np.random.default_rng(1)
    W, m, v, g = (rng.random(shape, dtype=np.float32) for _ in range(4))
    return _looped_seconds(_adam, (W, m, v), (g,), repeats=repeats, fuse=True)


def _sparse_seconds(X, d, batches=20):
    """Per step: the batch's gathered kernel rows times its values (B, h), and the
    kernel gradient on its touched rows: a segment sum of values x output gradient."""
    from keras import ops

    from skmultilabel_mlp._engine._sparse import ell_arrays

    rng = np.random.default_rng(2)
    cols, vals, segs, unique = [], [], [], []
    for _ in range(batches):
        c, v = ell_arrays(X[rng.choice(X.shape[0], BATCH, replace=False)], width=NNZ)
        u, inverse = np.unique(c, return_inverse=True)
        cols.append(c), vals.append(v), segs.append(inverse.ravel().astype(np.int32))
        unique.append(u.size)
    S, U = BATCH * NNZ, max(unique)  # slots, and the most touched rows of a batch

    def step(i, state, W, cols, vals, segs, pick):
        j = i % batches
        c, v, s = ops.take(cols, j, 0), ops.take(vals, j, 0), ops.take(segs, j, 0)
        out = ops.einsum("brh,br->bh", ops.take(W, c, 0), v)
        contrib = ops.reshape(v[:, :, None] * state[0][:, None, :], (S, H))
        grad = ops.segment_sum(contrib, s, num_segments=U)
        return (out + 1e-3 * ops.take(grad, pick, 0),)  # keeps the gradient alive

    W = rng.random((d, H), dtype=np.float32)
    consts = (W, np.stack(cols), np.stack(vals), np.stack(segs), np.arange(BATCH))
    hidden = rng.random((BATCH, H), dtype=np.float32)
    # TensorFlow: the better of its plain graph and XLA (JAX ignores ``fuse``)
    seconds = min(_looped_seconds(step, (hidden,), consts, fuse=f) for f in (0, 1))
    return seconds, float(np.mean(unique))


def _floor(X, L, d):
    """The floor's components, seconds per step (see the module docstring)."""
    sparse, unique = _sparse_seconds(X, d)
    rate = gemm_rate([(BATCH, H, L), (BATCH, L, H), (H, BATCH, L)])
    output = _adam_seconds((H, L))
    return {
        "sparse_s_per_step": sparse,
        "gemm_s_per_step": 6 * BATCH * H * L / rate,
        "gemm_gflops": rate / 1e9,
        "output_update_s_per_step": output,
        "update_s_per_step": output + _adam_seconds((int(unique), H)),
        # exact Adam: the batch's gradient scattered into a dense first-kernel
        # gradient and Adam's rule on every row, fused as the engine runs it
        "dense_first_update_s_per_step": exact_first_update_seconds(d, H, BATCH * NNZ),
        "touched_rows_per_step": unique,
    }


def _fit(hidden, optimizer, head=False):
    """Fit on the generated rows (``head``: on the most frequent tenth of the
    labels only); the epochs' seconds, peak RSS and P@k."""
    from skmultilabel_mlp import MultiLabelMLPClassifier

    out = {"keras_import_seconds": keras_import_seconds()}
    s = _sizes()
    X, Y, Xte, Yte = make_problem(**s)
    labels = np.argsort(-np.asarray(Y.sum(axis=0)).ravel(), kind="stable")
    labels = labels[: s["L"] // 10] if head else np.arange(s["L"])
    out.update(rows=X.shape[0], nnz_X=int(X.nnz), labels_per_row=Y.nnz / X.shape[0])
    out.update(labels_trained=labels.size, peak_rss_mb_before_fit=peak_mb())
    clf = MultiLabelMLPClassifier(hidden, batch_size=BATCH, epochs=s["epochs"])
    clf.set_params(random_state=0, verbose=1, optimizer=optimizer)
    seconds = epoch_seconds(lambda: clf.fit(X, Y[:, labels] if head else Y))
    out["peak_rss_mb"] = peak_mb()  # before the floor's arrays
    out.update(epoch_seconds=seconds, first_epoch_seconds=seconds[0])
    out["seconds_per_epoch"] = min(seconds[1:])  # the first compiles
    start = time.perf_counter()
    top = labels[clf.label_names_[clf.predict_top_k(Xte, k=5)].astype(int)]
    out["predict_top_k_seconds"] = time.perf_counter() - start
    out.update(_precision(Yte, top))
    return out, X, s


def _ours(optimizer):
    out, X, s = _fit((H,), optimizer)
    floor = _floor(X, s["L"], s["d"])
    steps = math.ceil(X.shape[0] / BATCH)
    per_step = sum(floor[f"{k}_s_per_step"] for k in ("sparse", "gemm", "update"))
    steady = out["seconds_per_epoch"]
    out.update({f"floor_{k}": v for k, v in floor.items()}, steps_per_epoch=steps)
    out["floor_seconds_per_epoch"] = steps * per_step
    out["ratio_to_floor"] = steady / (steps * per_step)
    out["epoch_2m_rows_seconds"] = 10 * steady
    if optimizer == "adam":
        # the dense pass replaces the touched rows' update, it does not add to it
        exact_step = sum(
            floor[f"{k}_s_per_step"]
            for k in ("sparse", "gemm", "output_update", "dense_first_update")
        )
        exact = steps * exact_step
        out["exact_adam_floor_seconds_per_epoch"] = exact
        out["ratio_to_exact_adam_floor"] = steady / exact
    return out


case_ours_adam = functools.partial(_ours, "adam")
case_ours_lazy = functools.partial(_ours, "lazy_adam")  # ``_engine._lazy``


def case_linear():
    out = _fit((), "lazy_adam", head=True)[0]
    out["seconds_per_epoch_measured"] = out["seconds_per_epoch"]
    out["seconds_per_epoch"] *= 10  # the step's work is linear in the labels
    return out


def case_sklearn():
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from skmultilabel_mlp.metrics._ranking import top_k_positions

    s = _sizes()
    X, Y, Xte, Yte = make_problem(**s)
    m = s["sk_rows"]
    y = Y[:m].astype(np.uint8).toarray()
    mlp = MLPClassifier(
        (H,), batch_size=BATCH, max_iter=1, solver="adam", random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        seconds = timed(lambda: mlp.fit(X[:m], y))[0]
    proba = (mlp.predict_proba(Xte[i : i + 1000]) for i in range(0, Xte.shape[0], 1000))
    top = np.concatenate([top_k_positions(p, 5) for p in proba])
    return {
        "rows_fitted": m,
        "fit_seconds": seconds,
        "seconds_per_row": seconds / m,
        "seconds_per_epoch": seconds / m * X.shape[0],
        "peak_rss_mb": peak_mb(),
        **_precision(Yte, top),
    }


def main(argv):
    if argv[:1] == ["--case"]:
        print(json.dumps(globals()[f"case_{argv[1]}"]()))
        return
    from _env import atomic_write, environment, run_case

    if "--smoke" in argv:
        os.environ["SCALE_SMOKE"] = "1"
    name = "scale_smoke" if os.environ.get("SCALE_SMOKE") else "scale"
    cases = [c for c in argv if c in CASES] or list(CASES)
    backends = ["tensorflow", *(["jax"] if importlib.util.find_spec("jax") else [])]
    path = RESULTS / f"{name}.json"
    results = json.loads(path.read_text())["results"] if path.exists() else {}
    for case in cases:
        for backend in backends[:1] if case in KERAS_FREE else backends:
            key = case if case in KERAS_FREE else f"{case}/{backend}"
            start = time.perf_counter()
            results[key] = run_case(__file__, case, backend=backend)
            results[key]["case_wall_seconds"] = time.perf_counter() - start
            print(key, results[key], flush=True)
    out = {
        "protocol": __doc__.strip().splitlines()[0],
        "sizes": _sizes(),
        "results": results,
        "environment": environment(),
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(path, json.dumps(out, indent=2) + "\n")
    atomic_write(RESULTS / f"{name}.md", markdown(out, name))


if __name__ == "__main__":
    main(sys.argv[1:])

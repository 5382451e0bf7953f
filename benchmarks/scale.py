"""Scale: 200,000 x 100,000 sparse rows, 10,000 power-law labels, 256 hidden units, batch 256.

The reader's shape shrunk to this machine (issue 18). Every case runs in its own
process and regenerates the same data from seed 0:

- Data: 200,000 training and 10,000 held-out rows. Label ``j`` (of 10,000) is
  drawn with probability proportional to ``1 / (j + 1)`` (Zipf), each row
  ``1 + Poisson(4.4)`` draws (at most 12, repeats merged: about 5 labels a row).
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
  batch's touched first-layer rows and their moments), each the better of a
  measurement before and one after the fit. The floor leaves out the hidden
  activation, the sigmoid and loss over the 10,000 outputs, the batch gather,
  the dense target batch, the sort that finds the touched rows and their
  gather/scatter, biases and the per-step loop overhead; it includes one small
  read per step that keeps the measured results alive. Exact Adam
  (``ours_adam``) also moves every first-layer row each step: its floor with
  that dense update is reported too.
- ``linear``: the same classifier with ``hidden_layer_sizes=()`` (one logistic
  regression per label, trained jointly, ``lazy_adam``), on the 1,000 most
  frequent labels only (all 10,000 would need a 100,000 x 10,000 kernel: 4 GB,
  12 GB with Adam's moments); its epoch is extrapolated x10 (the step's work
  is linear in the labels); P@k against all labels (it never predicts the
  tail: a lower bound of a full one-vs-rest).
- ``sklearn``: ``MLPClassifier((256,), batch_size=256, max_iter=1,
  solver="adam")`` on the first 20,000 rows (its dense y at 200,000 x 10,000
  would not fit), one epoch; seconds per row x 200,000 is its extrapolated
  epoch; its P@k saw a tenth of the rows. Run once, without Keras.

The 2M-row epoch is 10 x the steady one. Goals: at most 2x the floor and at
most 0.2x scikit-learn's extrapolated epoch. Every Keras case runs on
TensorFlow and again with ``KERAS_BACKEND=jax`` when JAX is installed.
``--smoke`` shrinks everything about 100x (2,000 rows, 5,000 features, 500
labels, 2 epochs) and writes ``results/scale_smoke.*`` instead.

    python benchmarks/scale.py [--smoke] [ours_adam ours_lazy linear sklearn]
"""

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).parent))

from speed import _epoch_seconds, _gemm_rate, _keras_import_seconds, _peak_mb

RESULTS = Path(__file__).parent / "results"
CASES = ("ours_adam", "ours_lazy", "linear", "sklearn")
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
    draws = np.minimum(rng.poisson(4.4, rows) + 1, MAX_LABELS)
    Y = sp.csr_matrix(
        (
            np.ones(draws.sum(), np.float32),
            (np.repeat(np.arange(rows), draws), rng.choice(L, draws.sum(), p=p_label)),
        ),
        shape=(rows, L),
    )
    Y.data[:] = 1  # repeated draws of a label were summed
    signature = rng.integers(0, d, (L, SIG))
    per_row = np.diff(Y.indptr)
    signal = signature[Y.indices[:, None], rng.integers(0, SIG, (Y.nnz, SIG_DRAWS))]
    p_feature = 1.0 / (1 + rng.permutation(d))
    p_feature /= p_feature.sum()
    noise = NNZ - SIG_DRAWS * per_row
    features = np.concatenate([signal.ravel(), rng.choice(d, noise.sum(), p=p_feature)])
    owner = np.concatenate(
        [
            np.repeat(np.arange(rows), SIG_DRAWS * per_row),
            np.repeat(np.arange(rows), noise),
        ]
    )
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

        @tf.function(jit_compile=fuse)
        def run(state, consts):
            for i in tf.range(repeats):
                state = step(i, state, *consts)
            return tf.reduce_sum(state[0])

        def go():
            return run(state, consts).numpy()

    go()  # compile
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        go()
        best = min(best, time.perf_counter() - start)
    return best / repeats


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
    S = BATCH * NNZ  # segments: an upper bound of the touched rows

    def step(i, state, W, cols, vals, segs, pick):
        j = i % batches
        c, v, s = ops.take(cols, j, 0), ops.take(vals, j, 0), ops.take(segs, j, 0)
        out = ops.einsum("brh,br->bh", ops.take(W, c, 0), v)
        contrib = ops.reshape(v[:, :, None] * state[0][:, None, :], (S, H))
        grad = ops.segment_sum(contrib, s, num_segments=S)
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
    rate = _gemm_rate([(BATCH, H, L), (BATCH, L, H), (H, BATCH, L)])
    return {
        "sparse_s_per_step": sparse,
        "gemm_s_per_step": 6 * BATCH * H * L / rate,
        "gemm_gflops": rate / 1e9,
        "update_s_per_step": _adam_seconds((H, L)) + _adam_seconds((int(unique), H)),
        "dense_first_update_s_per_step": _adam_seconds((d, H), repeats=5),
        "touched_rows_per_step": unique,
    }


def _ours(optimizer):
    from skmultilabel_mlp import MultiLabelMLPClassifier

    out = {"keras_import_seconds": _keras_import_seconds()}
    s = _sizes()
    X, Y, Xte, Yte = make_problem(**s)
    out.update(rows=X.shape[0], nnz_X=int(X.nnz), labels_per_row=Y.nnz / Y.shape[0])
    out["peak_rss_mb_before_fit"] = _peak_mb()
    before = _floor(X, s["L"], s["d"])
    clf = MultiLabelMLPClassifier(
        (H,),
        batch_size=BATCH,
        epochs=s["epochs"],
        random_state=0,
        verbose=1,
        optimizer=optimizer,
    )
    seconds = _epoch_seconds(lambda: clf.fit(X, Y))
    out["peak_rss_mb"] = _peak_mb()
    after = _floor(X, s["L"], s["d"])
    # the machine's load drifts: the better of the two measurements
    floor = {k: min(before[k], after[k]) for k in before}
    floor["gemm_gflops"] = max(before["gemm_gflops"], after["gemm_gflops"])
    steps = math.ceil(X.shape[0] / BATCH)
    per_step = sum(floor[f"{k}_s_per_step"] for k in ("sparse", "gemm", "update"))
    steady = min(seconds[1:])
    out.update(
        epoch_seconds=seconds,
        first_epoch_seconds=seconds[0],
        seconds_per_epoch=steady,
        steps_per_epoch=steps,
        floor_seconds_per_epoch=steps * per_step,
        ratio_to_floor=steady / (steps * per_step),
        epoch_2m_rows_seconds=10 * steady,
        **{f"floor_{k}": v for k, v in floor.items()},
    )
    if optimizer == "adam":
        exact = steps * (per_step + floor["dense_first_update_s_per_step"])
        out.update(
            exact_adam_floor_seconds_per_epoch=exact,
            ratio_to_exact_adam_floor=steady / exact,
        )
    start = time.perf_counter()
    top = clf.label_names_[clf.predict_top_k(Xte, k=5)].astype(int)
    out["predict_top_k_seconds"] = time.perf_counter() - start
    out.update(_precision(Yte, top))
    return out


def case_ours_adam():
    return _ours("adam")


def case_ours_lazy():
    return _ours("lazy_adam")


def case_linear():
    from skmultilabel_mlp import MultiLabelMLPClassifier

    out = {"keras_import_seconds": _keras_import_seconds()}
    s = _sizes()
    X, Y, Xte, Yte = make_problem(**s)
    head = np.argsort(-np.asarray(Y.sum(axis=0)).ravel(), kind="stable")[: s["L"] // 10]
    clf = MultiLabelMLPClassifier(
        (),
        batch_size=BATCH,
        epochs=s["epochs"],
        random_state=0,
        verbose=1,
        optimizer="lazy_adam",
    )
    seconds = _epoch_seconds(lambda: clf.fit(X, Y[:, head]))
    steady = min(seconds[1:])
    out.update(
        labels_trained=int(head.size),
        epoch_seconds=seconds,
        seconds_per_epoch_measured=steady,
        seconds_per_epoch=steady * s["L"] / head.size,  # linear in the labels
        peak_rss_mb=_peak_mb(),
    )
    out.update(
        _precision(Yte, head[clf.label_names_[clf.predict_top_k(Xte, k=5)].astype(int)])
    )
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
        start = time.perf_counter()
        mlp.fit(X[:m], y)
        seconds = time.perf_counter() - start
    top = np.concatenate(
        [
            top_k_positions(mlp.predict_proba(Xte[i : i + 1000]), 5)
            for i in range(0, Xte.shape[0], 1000)
        ]
    )
    return {
        "rows_fitted": m,
        "fit_seconds": seconds,
        "seconds_per_row": seconds / m,
        "seconds_per_epoch": seconds / m * X.shape[0],
        "peak_rss_mb": _peak_mb(),
        **_precision(Yte, top),
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

    if "--smoke" in argv:
        os.environ["SCALE_SMOKE"] = "1"
    name = "scale_smoke" if os.environ.get("SCALE_SMOKE") else "scale"
    cases = [c for c in argv if c in CASES] or list(CASES)
    backends = ["tensorflow"]
    try:
        import jax  # noqa: F401

        backends.append("jax")
    except ImportError:
        pass
    path = RESULTS / f"{name}.json"
    results = json.loads(path.read_text())["results"] if path.exists() else {}
    for case in cases:
        for backend in backends[:1] if case in KERAS_FREE else backends:
            key = case if case in KERAS_FREE else f"{case}/{backend}"
            start = time.perf_counter()
            results[key] = _run_case(case, backend)
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
    atomic_write(RESULTS / f"{name}.md", _markdown(out, name))


def _f(v, fmt=".3g"):
    return "-" if v is None else format(v, fmt)


def _markdown(out, name):
    from _env import measured

    res, s = out["results"], out["sizes"]
    sk = res.get("sklearn", {}).get("seconds_per_epoch")
    lines = [
        f"# Scale: {s['n']:,} x {s['d']:,} sparse rows, {s['L']:,} labels\n",
        f"Generated by `benchmarks/scale.py{' --smoke' if 'smoke' in name else ''}`; "
        "each case ran in a fresh process; floors are measured in the case's own "
        f"process. {out['protocol']}\n",
        "| case | first epoch s | steady s/epoch | floor s/epoch | x floor | "
        "x sklearn MLP | P@1 | P@5 | peak RSS MB | 2M-row epoch s | <= 2x floor | "
        "<= 0.2x sklearn |",
        "|" + "---|" * 12,
    ]
    for key, r in sorted(res.items()):
        if "error" in r:
            lines.append(f"| {key} | error: {' '.join(r['error'])} |" + " |" * 10)
            continue
        steady, floor = r.get("seconds_per_epoch"), r.get("floor_seconds_per_epoch")
        vs_sk = steady / sk if sk and key != "sklearn" else None
        epoch_2m = r.get("epoch_2m_rows_seconds", 10 * steady if steady else None)
        lines.append(
            f"| {key} | {_f(r.get('first_epoch_seconds'))} | {_f(steady)} | "
            f"{_f(floor)} | {_f(r.get('ratio_to_floor'), '.2f')} | {_f(vs_sk, '.3f')} | "
            f"{_f(r.get('p_at_1'), '.3f')} | {_f(r.get('p_at_5'), '.3f')} | "
            f"{_f(r.get('peak_rss_mb'), '.0f')} | {_f(epoch_2m)} | "
            f"{'-' if floor is None else ('yes' if r['ratio_to_floor'] <= 2 else 'no')} | "
            f"{'-' if vs_sk is None else ('yes' if vs_sk <= 0.2 else 'no')} |"
        )
    lines += [
        "",
        f"- sklearn MLP: one epoch measured on its first {s['sk_rows']:,} rows, "
        f"extrapolated per row to {s['n']:,} ({_f(sk)} s/epoch); its P@k saw "
        f"{s['sk_rows'] / s['n']:.0%} of the rows.",
        f"- linear: one-vs-rest (no hidden layer, lazy Adam) on the {s['L'] // 10:,} "
        "most frequent labels, s/epoch scaled x10 to all labels; P@k against all "
        "labels (never predicts the tail).",
        "- 2M-row epoch: 10 x the steady epoch.",
        "",
        "Floor components, seconds per step:",
        "",
    ]
    for key, r in sorted(res.items()):
        if "floor_gemm_s_per_step" in r:
            lines.append(
                f"- {key}: {r['steps_per_epoch']} steps; sparse product + gradient "
                f"{r['floor_sparse_s_per_step']:.3g}, output GEMMs "
                f"{r['floor_gemm_s_per_step']:.3g} ({r['floor_gemm_gflops']:.3g} GFLOP/s), "
                f"Adam update {r['floor_update_s_per_step']:.3g} (output kernel + "
                f"{r['floor_touched_rows_per_step']:.0f} touched rows); a dense "
                f"first-layer update {r['floor_dense_first_update_s_per_step']:.3g}"
                + (
                    f"; exact-Adam floor {r['exact_adam_floor_seconds_per_epoch']:.3g} "
                    f"s/epoch (x {r['ratio_to_exact_adam_floor']:.2f})"
                    if "exact_adam_floor_seconds_per_epoch" in r
                    else ""
                )
            )
    lines += ["", measured(out["environment"])]
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])

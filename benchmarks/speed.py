"""Speed and memory of the package against scikit-learn's MLP, each case in its own process.

Cases (run all, or name some); every ratio's two times come from the same
process, and importing Keras is timed on its own, before anything else:

- ``fit``: tutorial workload (900 rows, 100 epochs, batch 32): the first
  ``MultiLabelMLPClassifier().fit`` in the process (compilation included), then
  5 later fits (other seeds, other row counts) alternating with scikit-learn's
  ``MLPClassifier((20,), batch_size=32, max_iter=100).fit`` on the same rows;
  ratios to sklearn's median fit. Accuracy: mean exact match on the 100
  held-out rows over 10 seeds, on the compiled path and on the scikeras path
  (the same classifier given a no-op Keras callback).
- ``cv``: tutorial workload, RepeatedKFold(10, 3): the package's fold-stacked
  cross_validate (first call in the process, which traces or compiles, and a
  second call) vs scikit-learn's cross_validate with MLPClassifier((20,),
  batch_size=32, max_iter=100) and with this package's classifier fitted fold by
  fold.
- ``search``: tutorial workload, ``GridSearchCV`` over ``hidden_layer_sizes``
  [(10,), (20,), (50,), (100,)] with RepeatedKFold(10, 3) (120 fits and a
  refit): the package's search (first call, then another seed) vs
  scikit-learn's ``GridSearchCV`` of ``MLPClassifier`` over the same grid, and
  scikit-learn's ``GridSearchCV`` of this package's classifier (same seed:
  ``best_params_`` and ``mean_test_score`` must be equal).
- ``yeast_ours`` / ``yeast_sklearn``: yeast (MULAN train rows), StandardScaler
  and the classifier, a 3 x 2 x 2 grid (width 32/128/512, dropout 0/0.3, L2
  0/1e-4), 5 multilabel-stratified folds, micro-F1: the package's search and
  scikit-learn's ``GridSearchCV`` of the same pipeline, each in its own process
  for its peak memory.
- ``large``: 100,000 x 500 dense rows, 512 hidden units, 1,000 labels at 1%
  density, batch 256: five rounds in one process, each a 2-epoch fit (epochs
  timed by the engine's per-epoch host callback; the second epoch is the steady
  one, the first compiles or converts the rows) between two measurements of
  the floor: the step's five matrix products (both forward products, both
  weight gradients, the hidden layer's input gradient; the first layer needs
  none) with their transposes, compiled together on the same backend, median
  of five timings, times the steps of an epoch. A round's ratio divides its
  epoch by the mean of the floors around it; ``ratio_to_floor`` is the median
  of the rounds' ratios (the machine's load drifts 2x within minutes); peak
  memory.
- ``sparse``: 50,000 x 50,000 CSR at 0.1% density, 2,000 labels, 256 hidden,
  batch 256, 2 epochs: seconds per epoch and peak memory vs the dense size of X;
  ``sparse_lazy`` the same with ``optimizer="lazy_adam"``. Beside them, in the
  same process after the fit, an epoch's floor in either mode: the output
  layer's three products and the first kernel's update alone, exact (every
  row and both its moments stepped) or lazy (the rows 20 random batches touch
  on average, gathered, stepped and scattered back), each a compiled XLA loop
  (``benchmarks/_timing.py``); ``ratio_to_floor`` divides by the case's own
  mode's floor.

Every case runs with the TensorFlow backend and again with ``KERAS_BACKEND=jax``
when JAX is installed. Results: ``results/speed.json`` and ``results/speed.md``.
Run under a non-empty ``XLA_FLAGS`` (which every case's process inherits), a
row is kept apart from the default rows, under ``case/backend XLA_FLAGS=...``,
and records the flags.

    python benchmarks/speed.py [fit cv search yeast_ours yeast_sklearn large sparse sparse_lazy]
        [--backends tensorflow,jax]
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _timing import (
    epoch_seconds,
    exact_first_update_seconds,
    keras_import_seconds,
    lazy_first_update_seconds,
    peak_mb,
    random_csr,
    step_products_seconds,
    timed,
)

RESULTS = Path(__file__).parent / "results"
CASES = (
    "fit",
    "cv",
    "search",
    "yeast_ours",
    "yeast_sklearn",
    "large",
    "sparse",
    "sparse_lazy",
)


def _sklearn_mlp(seed, **params):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        (20,), batch_size=32, max_iter=100, random_state=seed, **params
    )


def case_fit():
    import warnings

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import make_tutorial_problem

    warnings.simplefilter("ignore")  # sklearn's convergence warnings
    out = {"keras_import_seconds": keras_import_seconds()}
    import keras

    X, Y = make_tutorial_problem(return_X_y=True)
    Xte, Yte = X[900:], Y[900:]

    def exact_match(est):
        return float(np.mean((est.predict(Xte) == Yte).all(axis=1)))

    out["ours_first_seconds"], _ = timed(
        lambda: MultiLabelMLPClassifier(random_state=0).fit(X[:900], Y[:900])
    )
    ours, theirs = [], []
    for seed, n in zip(range(1, 6), (900, 850, 800, 900, 750)):
        mlp = MultiLabelMLPClassifier(random_state=seed)
        ours.append(timed(lambda m=mlp, n=n: m.fit(X[:n], Y[:n]))[0])
        theirs.append(timed(lambda s=seed, n=n: _sklearn_mlp(s).fit(X[:n], Y[:n]))[0])
    out["ours_later_seconds_max"] = max(ours)
    out["ours_later_seconds_median"] = float(np.median(ours))
    out["sklearn_mlp_seconds_median"] = float(np.median(theirs))
    out["ratio_first_vs_sklearn_mlp"] = (
        out["ours_first_seconds"] / out["sklearn_mlp_seconds_median"]
    )
    out["ratio_later_vs_sklearn_mlp"] = (
        out["ours_later_seconds_median"] / out["sklearn_mlp_seconds_median"]
    )
    compiled = [
        exact_match(MultiLabelMLPClassifier(random_state=s).fit(X[:900], Y[:900]))
        for s in range(10)
    ]
    scikeras = [
        exact_match(
            MultiLabelMLPClassifier(
                random_state=s, callbacks=[keras.callbacks.Callback()]
            ).fit(X[:900], Y[:900])
        )
        for s in range(10)
    ]
    out["compiled_accuracy_10_seeds"] = float(np.mean(compiled))
    out["scikeras_path_accuracy_10_seeds"] = float(np.mean(scikeras))
    out["sklearn_mlp_accuracy_10_seeds"] = float(
        np.mean([exact_match(_sklearn_mlp(s).fit(X[:900], Y[:900])) for s in range(10)])
    )
    return out


def case_cv():
    from sklearn import model_selection as skms
    from sklearn.neural_network import MLPClassifier

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import make_tutorial_problem
    from skmultilabel_mlp.model_selection import cross_validate

    X, Y = make_tutorial_problem(return_X_y=True)
    cv = skms.RepeatedKFold(n_splits=10, n_repeats=3, random_state=1)
    out = {"keras_import_seconds": keras_import_seconds()}
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


def case_search():
    import warnings

    from sklearn import model_selection as skms

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import make_tutorial_problem
    from skmultilabel_mlp.model_selection import GridSearchCV

    warnings.simplefilter("ignore")
    out = {"keras_import_seconds": keras_import_seconds()}
    X, Y = make_tutorial_problem(return_X_y=True)
    cv = skms.RepeatedKFold(n_splits=10, n_repeats=3, random_state=1)
    grid = {"hidden_layer_sizes": [(10,), (20,), (50,), (100,)]}
    out["ours_first_seconds"], ours = timed(
        lambda: GridSearchCV(MultiLabelMLPClassifier(random_state=0), grid, cv=cv).fit(
            X, Y
        )
    )
    out["ours_warm_seconds"], _ = timed(
        lambda: GridSearchCV(MultiLabelMLPClassifier(random_state=1), grid, cv=cv).fit(
            X, Y
        )
    )
    out["sklearn_mlp_seconds"], mlp = timed(
        lambda: skms.GridSearchCV(_sklearn_mlp(0), grid, cv=cv).fit(X, Y)
    )
    out["sklearn_search_of_ours_seconds"], same = timed(
        lambda: skms.GridSearchCV(
            MultiLabelMLPClassifier(random_state=0), grid, cv=cv
        ).fit(X, Y)
    )
    for kind in ("first", "warm"):
        out[f"ratio_{kind}_vs_sklearn_mlp"] = (
            out[f"ours_{kind}_seconds"] / out["sklearn_mlp_seconds"]
        )
    out["best_params"] = str(ours.best_params_)
    out["sklearn_mlp_best_params"] = str(mlp.best_params_)
    out["mean_test_score"] = ours.cv_results_["mean_test_score"].round(4).tolist()
    out["equal_to_sklearn_search"] = bool(
        ours.best_params_ == same.best_params_
        and np.array_equal(
            ours.cv_results_["mean_test_score"], same.cv_results_["mean_test_score"]
        )
    )
    return out


def _yeast_search(search_class):
    from _env import shared_data
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skmultilabel_mlp import MultiLabelMLPClassifier
    from skmultilabel_mlp.datasets import load_npz
    from skmultilabel_mlp.model_selection import MultilabelStratifiedKFold

    data = load_npz(shared_data() / "yeast" / "yeast.npz")
    X, Y = data.X_train, data.Y_train
    out = {"keras_import_seconds": keras_import_seconds(), "rows": int(X.shape[0])}
    before = peak_mb()
    grid = {
        "multilabelmlpclassifier__hidden_layer_sizes": [(32,), (128,), (512,)],
        "multilabelmlpclassifier__dropout": [0.0, 0.3],
        "multilabelmlpclassifier__alpha": [0.0, 1e-4],
    }
    search = search_class(
        make_pipeline(StandardScaler(), MultiLabelMLPClassifier(random_state=0)),
        grid,
        scoring="f1_micro",
        cv=MultilabelStratifiedKFold(5, shuffle=True, random_state=0),
    )
    out["seconds"], _ = timed(lambda: search.fit(X, Y))
    out["peak_rss_mb_before_search"] = before
    out["peak_rss_mb"] = peak_mb()
    out["best_params"] = str(search.best_params_)
    out["best_score"] = float(search.best_score_)
    return out


def case_yeast_ours():
    from skmultilabel_mlp.model_selection import GridSearchCV

    return _yeast_search(GridSearchCV)


def case_yeast_sklearn():
    from sklearn.model_selection import GridSearchCV

    return _yeast_search(GridSearchCV)


def case_large(rounds=5):
    from skmultilabel_mlp import MultiLabelMLPClassifier

    n, d, h, L, batch = 100_000, 500, 512, 1000, 256
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d), dtype=np.float32)
    Y = (rng.random((n, L), dtype=np.float32) < 0.01).astype(np.float32)
    # a step's products: both forward products, both weight gradients (the
    # batch axis contracted) and the hidden layer's input gradient; the first
    # layer needs none
    products = [
        ((batch, d), (d, h), False, False),
        ((batch, h), (h, L), False, False),
        ((batch, d), (batch, h), True, False),
        ((batch, h), (batch, L), True, False),
        ((batch, L), (h, L), False, True),
    ]
    steps = -(-n // batch)
    first, epochs = None, []
    # the floor before and after each round's 2-epoch fit (the same compiled
    # program after the first round); a round's ratio divides by the mean of
    # the two, so the machine's drift cancels as far as it is slower than a
    # round
    floors = [steps * step_products_seconds(products)]
    for _ in range(rounds):
        clf = MultiLabelMLPClassifier(
            (h,), batch_size=batch, epochs=2, random_state=0, verbose=1
        )
        seconds = epoch_seconds(lambda clf=clf: clf.fit(X, Y))
        first = seconds[0] if first is None else first
        epochs.append(seconds[1])  # the first epoch of a fit converts the rows
        floors.append(steps * step_products_seconds(products))
    floors = (np.array(floors[:-1]) + np.array(floors[1:])) / 2
    ratios = np.array(epochs) / floors
    flops = sum(2 * np.prod(a) * (b[0] if tb else b[1]) for a, b, _, tb in products)
    return {
        "first_epoch_seconds": first,
        "seconds_per_epoch": min(epochs),
        "epoch_seconds_per_round": epochs,
        "floor_seconds_per_round": floors.tolist(),
        "ratio_to_floor_per_round": ratios.tolist(),
        "gemm_gflops": flops * steps / min(floors) / 1e9,
        "floor_seconds_per_epoch": float(min(floors)),
        "ratio_to_floor": float(np.median(ratios)),
        "peak_rss_mb": peak_mb(),
    }


def case_sparse(optimizer="adam"):
    from skmultilabel_mlp import MultiLabelMLPClassifier

    n, d, L, h, batch, per_row = 50_000, 50_000, 2000, 256, 256, 50
    rng = np.random.default_rng(0)
    X = random_csr(rng, n, d, per_row=per_row)  # 0.1% density
    Y = random_csr(rng, n, L, per_row=10)  # 0.5% density
    Y.data[:] = 1
    before = peak_mb()
    clf = MultiLabelMLPClassifier(
        (h,), batch_size=batch, epochs=2, random_state=0, verbose=1, optimizer=optimizer
    )
    seconds = epoch_seconds(lambda: clf.fit(X, Y))
    peak = peak_mb()  # before the floor's own arrays
    # an epoch's floor: the output layer's three products and the first
    # kernel's update, exact (the batch's gradient scattered into a dense
    # kernel gradient, every row stepped) or lazy (the batch's touched rows
    # gathered, stepped and scattered back), at this process's rates (the
    # sparse product, the loss and the output layer's update are left out)
    steps = -(-n // batch)
    products = [
        ((batch, h), (h, L), False, False),
        ((batch, h), (batch, L), True, False),
        ((batch, L), (h, L), False, True),
    ]
    gemms = steps * step_products_seconds(products)
    picks = (rng.choice(n, batch, replace=False) for _ in range(20))
    touched = float(np.mean([np.unique(X[rows].indices).size for rows in picks]))
    exact = steps * exact_first_update_seconds(d, h, batch * per_row)
    lazy = steps * lazy_first_update_seconds(d, h, batch * per_row, touched)
    floor = gemms + (lazy if optimizer == "lazy_adam" else exact)
    return {
        "first_epoch_seconds": seconds[0],
        "seconds_per_epoch": seconds[1],
        "output_gemms_seconds_per_epoch": gemms,
        "touched_rows_per_step": touched,
        "exact_first_update_seconds_per_epoch": exact,
        "lazy_first_update_seconds_per_epoch": lazy,
        "exact_adam_floor_seconds_per_epoch": gemms + exact,
        "lazy_adam_floor_seconds_per_epoch": gemms + lazy,
        "floor_seconds_per_epoch": floor,
        "ratio_to_floor": seconds[1] / floor,
        "ratio_to_exact_adam_floor": seconds[1] / (gemms + exact),
        "peak_rss_mb_before_fit": before,
        "peak_rss_mb": peak,
        "dense_X_mb": n * d * 4 / 2**20,
        "nnz_X": int(X.nnz),
        "nnz_Y": int(Y.nnz),
    }


def case_sparse_lazy():
    """The ``sparse`` case with ``optimizer="lazy_adam"`` (``_engine._lazy``)."""
    return case_sparse("lazy_adam")


def main(argv):
    if argv[:1] == ["--case"]:
        print(json.dumps(globals()[f"case_{argv[1]}"]()))
        return
    from _env import atomic_write, commit, environment, run_case

    cases = [c for c in argv if c in CASES] or list(CASES)
    backends = ["tensorflow"]
    try:
        import jax  # noqa: F401

        backends.append("jax")
    except ImportError:
        pass
    if "--backends" in argv:  # e.g. --backends jax: rerun one backend's rows
        backends = argv[argv.index("--backends") + 1].split(",")
    path = RESULTS / "speed.json"
    results = json.loads(path.read_text())["results"] if path.exists() else {}
    for case in cases:
        for backend in backends:
            row = run_case(__file__, case, backend=backend)
            # rows of earlier runs stay: each row says when, where and on what
            env = environment()
            row.update(
                measured_at=env["date"],
                commit=commit(),
                cpu_model=env["cpu_model"],
                tf_enable_onednn_opts=env["tf_enable_onednn_opts"],
            )
            key = f"{case}/{backend}"
            flags = os.environ.get("XLA_FLAGS", "").strip()
            if flags:  # not the default setup
                row["xla_flags"] = flags
                key += f" XLA_FLAGS={flags}"
            results[key] = row
            print(case, backend, row, flush=True)
    out = {
        "protocol": __doc__.strip().splitlines()[0],
        "results": results,
        "environment": environment(),
    }
    RESULTS.mkdir(exist_ok=True)
    atomic_write(path, json.dumps(out, indent=2) + "\n")
    atomic_write(RESULTS / "speed.md", _markdown(out))


def _fmt(v):
    if isinstance(v, list) and v and all(isinstance(x, float) for x in v):
        return "[" + ", ".join(f"{x:.4g}" for x in v) + "]"
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

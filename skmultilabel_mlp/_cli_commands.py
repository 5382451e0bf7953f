"""The CLI's subcommands: each loads its inputs, makes one library call, prints.

Kept apart from ``cli.py`` (the argument parser) so that each file holds one
concept; heavy imports happen inside the commands. Every command checks its
outputs (``--output``, ``--json``, ``--plot``) before it loads or trains
anything, so a FIFO, a device or a missing folder fails at once.
"""

import json
import time
from pathlib import Path

from ._cli_inputs import (
    Failure,
    in_model_order,
    load_data,
    load_model,
    read_features,
    scorable,
    widths,
)
from ._utils import atomic_write, check_writable

__all__ = [
    "Failure",
    "compare_command",
    "demo_command",
    "evaluate_command",
    "fit_command",
    "predict_command",
    "tune_command",
]


# (option, attribute, may be "-" for standard output)
_OUTPUTS = (("--output", "output"), ("--json", "json"), ("--plot", "plot"))
_TEXT_TO_STDOUT = {("predict", "output"), ("evaluate", "json"), ("compare", "json")}


def _check_outputs(args):
    """Refuse now the outputs that could not be written after the work."""
    for option, attr in _OUTPUTS:
        dest = getattr(args, attr, None)
        if dest is None:
            continue
        if dest == "-":
            if (args.command, attr) not in _TEXT_TO_STDOUT:
                raise Failure(
                    f"{option} -: only CSV and JSON go to standard output; name a file"
                )
            continue
        check_writable(dest)


def _write_text(dest, text, out):
    if dest == "-":
        out.write(text)
    else:
        atomic_write(dest, lambda p: Path(p).write_text(text))


def _has_outputs(args):
    return bool(getattr(args, "outputs", None))


def _model(args):
    """StandardScaler + MultiLabelMLPClassifier, or with --auto the CV estimator
    (which scales itself), narrowed to the candidates given."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from . import MultiLabelMLPClassifier, MultiLabelMLPClassifierCV

    hidden = [widths(h) for h in args.hidden or []]
    common = dict(
        epochs=args.epochs,
        batch_size=args.batch_size,
        class_weight=args.class_weight,
        random_state=args.random_state,
    )
    searched = {
        "hidden_layer_sizes": hidden,
        "dropouts": args.dropout,
        "alphas": args.alpha,
        "scoring": args.scoring,
    }
    if args.auto:
        given = {k: v for k, v in searched.items() if v}
        return MultiLabelMLPClassifierCV(**common, **given)
    if args.scoring or any(
        len(v or ()) > 1 for v in (hidden, args.dropout, args.alpha)
    ):
        raise Failure(
            "several --hidden, --dropout or --alpha values and --scoring are for "
            "the search of --auto; add --auto or pass one value each"
        )
    clf = MultiLabelMLPClassifier(
        hidden[0] if hidden else (20,),
        dropout=(args.dropout or [0.0])[0],
        alpha=(args.alpha or [0.0])[0],
        **common,
    )
    return make_pipeline(StandardScaler(), clf)


def _summary(records, out):
    frame = records.to_frame()
    table = frame.groupby(["estimator", "metric"], sort=False)["value"].agg(
        ["mean", "std"]
    )
    wide = table["mean"].unstack("metric").round(4)
    print(wide.to_string(), file=out)
    return frame


def _outputs(args, records, frame, out, metric="f1_micro"):
    if args.json:
        payload = {"environment": records.environment, "records": list(records)}
        _write_text(args.json, json.dumps(payload, indent=1) + "\n", out)
    if getattr(args, "plot", None):
        from .plotting import CVScoresDisplay

        def draw(p):
            disp = CVScoresDisplay.from_records(frame, metric=metric)
            disp.figure_.savefig(p, format="png", dpi=100)

        atomic_write(args.plot, draw)


def demo_command(args, out):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RepeatedKFold
    from sklearn.multioutput import ClassifierChain
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from . import MultiLabelMLPClassifier
    from .benchmark import run_benchmark
    from .datasets import make_tutorial_problem

    data = make_tutorial_problem()
    cv = RepeatedKFold(
        n_splits=args.n_splits, n_repeats=args.n_repeats, random_state=args.random_state
    )
    estimators = {
        "multilabel_mlp": MultiLabelMLPClassifier(epochs=args.epochs),
        "classifier_chain": make_pipeline(
            StandardScaler(), ClassifierChain(LogisticRegression(), random_state=0)
        ),
    }
    print(
        f"Tutorial problem: {data.X.shape[0]} rows, {data.X.shape[1]} features, "
        f"{data.Y.shape[1]} labels; {cv.get_n_splits()} folds",
        file=out,
    )
    start = time.perf_counter()
    records = run_benchmark(
        estimators, {"tutorial": data}, cv=cv, progress=False if args.quiet else None
    )
    frame = _summary(records, out)
    exact = frame[
        (frame.metric == "exact_match") & (frame.estimator == "multilabel_mlp")
    ].value
    print(
        f"\nExact-match accuracy of the MLP: {exact.mean():.3f} (std {exact.std(ddof=0):.3f}) "
        f"over {exact.size} folds; {time.perf_counter() - start:.1f} s in all",
        file=out,
    )
    clf = MultiLabelMLPClassifier(epochs=args.epochs).fit(data.X, data.Y)
    proba = clf.predict_proba(data.new_row)[0]
    print(f"New row {data.new_row[0].astype(int).tolist()}:", file=out)
    print("  probabilities " + ", ".join(f"{p:.3f}" for p in proba), file=out)
    print(f"  predicted     {clf.predict(data.new_row)[0].tolist()}", file=out)
    return 0


def evaluate_command(args, out):
    from .benchmark import run_benchmark

    _check_outputs(args)
    if _has_outputs(args):
        return _evaluate_outputs(args, out)
    X, Y = scorable(*load_data(args), args)
    records = run_benchmark(
        {"multilabel_mlp": _model(args)},
        {Path(args.data).stem: {"X": X, "Y": Y}},
        cv=args.cv,
        random_state=args.random_state,
        progress=False if args.quiet else None,
    )
    frame = records.to_frame()
    stats = frame.groupby("metric", sort=False)["value"].agg(["mean", "std"])
    print(stats.round(4).to_string(), file=out)
    _outputs(args, records, frame, out)
    return 0


def _evaluate_outputs(args, out):
    """``evaluate`` of outputs with their own classes: their measures, per fold."""
    from ._cli_outputs import output_scores

    X, Y = load_data(args)
    table, payload = output_scores(_model(args), X, Y, args.cv, args.random_state)
    print(table, file=out)
    if args.json:
        _write_text(args.json, payload, out)
    return 0


def compare_command(args, out):
    from .benchmark import default_baselines, run_benchmark

    _check_outputs(args)
    X, Y = scorable(*load_data(args), args)
    baselines = default_baselines(args.random_state, include_tuned=False)
    if args.estimators:
        names = [n.strip() for n in args.estimators.split(",")]
        unknown = sorted(set(names) - set(baselines))
        if unknown:
            raise Failure(
                f"unknown estimators {unknown}; choose from {sorted(baselines)}"
            )
        baselines = {n: baselines[n] for n in names}
    records = run_benchmark(
        baselines,
        {Path(args.data).stem: {"X": X, "Y": Y}},
        cv=args.cv,
        random_state=args.random_state,
        progress=False if args.quiet else None,
    )
    frame = _summary(records, out)
    _outputs(args, records, frame, out)
    return 0


def fit_command(args, out):
    from . import save

    _check_outputs(args)
    X, Y = load_data(args)
    model = _model(args).fit(X, Y)
    save(model, args.output)
    clf = getattr(model, "best_estimator_", model)[-1]
    what = "outputs" if hasattr(clf, "n_outputs_") else "labels"
    print(
        f"saved {args.output}: {clf.n_labels_} {what}, {clf.n_features_in_} features",
        file=out,
    )
    if args.auto:
        chosen = ", ".join(f"{k}={v!r}" for k, v in model.best_params_.items())
        print(
            f"chose {chosen}; thresholds {model.threshold_rule_} "
            f"(cross-validated {model.scoring} {model.best_score_:.4f})",
            file=out,
        )
    return 0


def predict_command(args, out):
    import pandas as pd

    _check_outputs(args)
    model = load_model(args.model)
    # a CV estimator's feature names are its scaler's
    X = read_features(getattr(model, "best_estimator_", model), args.data)
    clf = model[-1] if hasattr(model, "steps") else model
    if hasattr(clf, "n_outputs_"):
        from ._cli_outputs import output_predictions

        _write_text(args.output or "-", output_predictions(model, clf, X), out)
        return 0
    result = pd.DataFrame(
        model.predict_proba(X), columns=[f"p({n})" for n in clf.label_names_]
    )
    predicted = model.predict(X).astype(bool)
    result["labels"] = [
        args.label_sep.join(map(str, clf.label_names_[row])) for row in predicted
    ]
    _write_text(args.output or "-", result.to_csv(index=False), out)
    return 0


def tune_command(args, out):
    from . import save
    from .thresholds import tune_thresholds

    _check_outputs(args)
    model = load_model(args.model)
    if hasattr(model, "threshold_rule_"):
        raise Failure(
            f"{args.model}: its thresholds ({model.threshold_rule_}) were chosen by "
            "fit --auto on out-of-fold rows; tune-thresholds takes a model fitted "
            "without --auto"
        )
    X, Y = load_data(args)
    clf = model[-1] if hasattr(model, "steps") else model
    Y = in_model_order(Y, clf, args)
    thresholds = tune_thresholds(Y, model.predict_proba(X), metric=args.metric)
    clf.set_params(threshold=thresholds.round(6).tolist())
    save(model, args.output)
    for name, t in zip(clf.label_names_, thresholds):
        print(f"{name}\t{t:.4f}", file=out)
    return 0

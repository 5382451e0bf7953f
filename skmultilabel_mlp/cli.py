"""The ``skmultilabel-mlp`` command: each subcommand is a doorway to one library call.

Nothing here imports Keras at module level, so ``--help`` answers at once.
"""

import argparse
import os
import sys
import time

__all__ = ["main"]

_EPILOG_DEMO = """\
examples:
  skmultilabel-mlp demo                 # the tutorial: 10 folds x 3 repeats, 100 epochs
  skmultilabel-mlp demo --n-repeats 1   # a quicker look
"""


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skmultilabel-mlp",
        description="Multi-label classification with a Keras MLP, the scikit-learn way.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="reproduce the tutorial on built-in data",
        description=(
            "Evaluate the default MultiLabelMLPClassifier on the tutorial problem with "
            "repeated k-fold cross-validation (exact-match accuracy), then fit it on "
            "all rows and predict the tutorial's new row."
        ),
        epilog=_EPILOG_DEMO,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--n-splits", type=int, default=10, help="folds (default 10)")
    demo.add_argument("--n-repeats", type=int, default=3, help="repeats (default 3)")
    demo.add_argument("--epochs", type=int, default=100, help="epochs (default 100)")
    demo.add_argument("--random-state", type=int, default=1, help="CV seed (default 1)")
    demo.set_defaults(handler=_demo)
    return parser


def _demo(args, out):
    from sklearn.model_selection import RepeatedKFold

    from . import MultiLabelMLPClassifier
    from .datasets import make_tutorial_problem
    from .model_selection import cross_validate

    data = make_tutorial_problem()
    clf = MultiLabelMLPClassifier(epochs=args.epochs)
    cv = RepeatedKFold(
        n_splits=args.n_splits, n_repeats=args.n_repeats, random_state=args.random_state
    )
    print(
        f"Tutorial problem: {data.X.shape[0]} rows, {data.X.shape[1]} features, "
        f"{data.Y.shape[1]} labels; {cv.get_n_splits()} fits of {clf!r}",
        file=out,
    )
    start = time.perf_counter()
    scores = cross_validate(clf, data.X, data.Y, cv=cv, scoring="accuracy")
    acc = scores["test_score"]
    print(
        f"Exact-match accuracy: {acc.mean():.3f} (std {acc.std():.3f}) over "
        f"{acc.size} folds in {time.perf_counter() - start:.1f} s",
        file=out,
    )
    clf.fit(data.X, data.Y)
    proba = clf.predict_proba(data.new_row)[0]
    print(f"New row {data.new_row[0].astype(int).tolist()}:", file=out)
    print("  probabilities " + ", ".join(f"{p:.3f}" for p in proba), file=out)
    print(f"  predicted     {clf.predict(data.new_row)[0].tolist()}", file=out)
    return 0


def main(argv=None, out=None):
    """Run the command line; return the exit code (0 ok, 1 failure, 2 usage)."""
    out = sys.stdout if out is None else out
    # TensorFlow's C++ start-up chatter is noise on a command line
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(out)
        return 2
    try:
        return args.handler(args, out)
    except (ValueError, TypeError, OSError) as exc:
        print(f"skmultilabel-mlp {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

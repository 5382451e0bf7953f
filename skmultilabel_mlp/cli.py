"""The ``skmultilabel-mlp`` command: each subcommand is a doorway to one library call.

Nothing here imports Keras at module level, so ``--help`` answers at once. Exit
codes: 0 success, 1 a failure while running (bad file, unknown column, ...),
2 a usage error. Output files appear atomically: a failed command leaves none,
and every output is checked before the work that fills it. Standard error is
kept for the command's own messages: the backend's start-up banner and logs
are silenced unless ``--backend-logs`` is given (or the user set
``TF_CPP_MIN_LOG_LEVEL`` themselves).
"""

import argparse
import logging
import os
import sys

from . import _engine
from ._cli_commands import (
    Failure,
    compare_command,
    demo_command,
    evaluate_command,
    fit_command,
    predict_command,
    tune_command,
)

__all__ = ["main"]

_DATA_HELP = """\
data files: CSV (features plus --labels columns, or one --label-set-column of
'a|b' cells), ARFF (MULAN with its .xml beside it, or --n-labels; MEKA '-C L'),
or the .npz files of shared/data."""

_EXAMPLES = {
    "demo": "  skmultilabel-mlp demo\n  skmultilabel-mlp demo --n-repeats 1 --epochs 50",
    "evaluate": "  skmultilabel-mlp evaluate data.csv --labels sport,tech --cv 5 --json cv.json",
    "compare": "  skmultilabel-mlp compare emotions.npz --estimators binary_relevance,multilabel_mlp"
    " --plot scores.png",
    "fit": "  skmultilabel-mlp fit train.csv --labels sport,tech --output model.skmlp\n"
    "  skmultilabel-mlp fit train.csv --labels sport,tech --auto --scoring f1_macro"
    " --hidden 64 --hidden 256,256 --output auto.skmlp",
    "predict": "  skmultilabel-mlp predict model.skmlp new_rows.csv --output predictions.csv\n"
    "  cat new_rows.csv | skmultilabel-mlp predict model.skmlp -",
    "tune-thresholds": "  skmultilabel-mlp tune-thresholds model.skmlp valid.csv --labels sport,tech"
    " --output tuned.skmlp",
}


def _add_data_args(p):
    p.add_argument("data", help="data file (.csv, .arff, .npz)")
    p.add_argument("--labels", help="CSV: comma-separated label column names")
    p.add_argument(
        "--label-set-column", help="CSV: a column of label sets such as 'a|b'"
    )
    p.add_argument(
        "--outputs",
        help="CSV: comma-separated columns of classes (one class per row each, "
        "e.g. state=stable/alert/emergency), instead of --labels",
    )
    p.add_argument(
        "--label-sep", default="|", help="separator inside label sets (default |)"
    )
    p.add_argument(
        "--n-labels", type=int, help="ARFF: number of label attributes (at the end)"
    )
    p.add_argument(
        "--xml", help="ARFF: MULAN label file (default: the .xml beside the file)"
    )


# MultiLabelMLPClassifierCV's scorings, written out so that --help imports nothing
SCORINGS = ("f1_micro", "f1_macro", "f1_samples", "hamming_loss", "exact_match")


def _add_model_args(p):
    p.add_argument(
        "--hidden",
        action="append",
        help="hidden layer sizes, e.g. 128,64 (default 20); with --auto, repeat it "
        "to list the candidates, e.g. --hidden 64 --hidden 256,256",
    )
    p.add_argument(
        "--dropout",
        type=float,
        action="append",
        help="dropout rate (default 0); with --auto, repeat it for candidates",
    )
    p.add_argument(
        "--alpha",
        type=float,
        action="append",
        help="L2 penalty (default 0); with --auto, repeat it for candidates",
    )
    p.add_argument(
        "--epochs",
        type=int,
        default=100,
        help="epochs (default 100; with --auto the most, early stopping ends sooner)",
    )
    p.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    p.add_argument("--class-weight", choices=["balanced"], help="weight rare labels up")
    p.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    p.add_argument(
        "--auto",
        action="store_true",
        help="choose the network and its decision thresholds by cross-validation "
        "on the training rows (MultiLabelMLPClassifierCV); --hidden, --dropout and "
        "--alpha list the candidates (default: its own grid)",
    )
    p.add_argument(
        "--scoring",
        choices=SCORINGS,
        help="with --auto: what the search and the thresholds maximise "
        "(default f1_micro)",
    )


def _add_output_args(p, plot=True):
    p.add_argument(
        "--json", help="also write the results as JSON to this file (- for stdout)"
    )
    if plot:
        p.add_argument("--plot", help="also draw the results to this PNG file")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skmultilabel-mlp",
        description="Multi-label classification with a Keras MLP, the scikit-learn way.",
        epilog="run 'skmultilabel-mlp COMMAND --help' for a command's options and examples",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, help_, description):
        p = sub.add_parser(
            name,
            help=help_,
            description=description,
            epilog=f"{_DATA_HELP if name != 'demo' else ''}\n\nexamples:\n{_EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument(
            "--backend-logs",
            action="store_true",
            help="show the Keras backend's own start-up and log lines on stderr",
        )
        return p

    demo = command(
        "demo",
        "reproduce the tutorial on built-in data",
        "Cross-validate the default classifier on the tutorial problem (repeated "
        "k-fold, exact match and the metric panel), compare it with a classifier "
        "chain, then predict the tutorial's new row.",
    )
    demo.add_argument("--n-splits", type=int, default=10, help="folds (default 10)")
    demo.add_argument("--n-repeats", type=int, default=3, help="repeats (default 3)")
    demo.add_argument("--epochs", type=int, default=100, help="epochs (default 100)")
    demo.add_argument("--random-state", type=int, default=1, help="CV seed (default 1)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = command(
        "evaluate",
        "cross-validate the MLP on a data file",
        "Cross-validate a standardised MultiLabelMLPClassifier (with --auto, a "
        "MultiLabelMLPClassifierCV, which searches inside each training fold) "
        "and print the mean and std of every multi-label metric.",
    )
    _add_data_args(evaluate)
    _add_model_args(evaluate)
    evaluate.add_argument(
        "--cv", type=int, default=5, help="folds (default 5, stratified)"
    )
    _add_output_args(evaluate)

    compare = command(
        "compare",
        "cross-validate the classic baselines and the MLP",
        "Cross-validate binary relevance, classifier chains, random forest, "
        "k-NN, sklearn's MLP and this package's MLP on one data file.",
    )
    _add_data_args(compare)
    compare.add_argument("--estimators", help="comma-separated subset of the baselines")
    compare.add_argument(
        "--cv", type=int, default=5, help="folds (default 5, stratified)"
    )
    compare.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    _add_output_args(compare)

    fit = command(
        "fit",
        "train the MLP and save it",
        "Train a standardised MultiLabelMLPClassifier on a data file and save "
        "it (pickle-free format; load with skmultilabel_mlp.load). With --auto, "
        "search the network and the thresholds first (MultiLabelMLPClassifierCV).",
    )
    _add_data_args(fit)
    _add_model_args(fit)
    fit.add_argument("--output", required=True, help="model file to write (.skmlp)")

    predict = command(
        "predict",
        "predict new rows with a saved model",
        "Write a CSV with one probability column per label and the predicted "
        "label names of every row.",
    )
    predict.add_argument("model", help="model file written by 'fit'")
    predict.add_argument("data", help="CSV of feature columns, or - for standard input")
    predict.add_argument(
        "--output", help="CSV to write (default, or -: standard output)"
    )
    predict.add_argument(
        "--label-sep", default="|", help="separator of predicted labels"
    )

    tune = command(
        "tune-thresholds",
        "tune per-label thresholds on labelled data",
        "Pick the per-label thresholds that maximise a metric on a labelled "
        "validation file and save the model with them.",
    )
    tune.add_argument("model", help="model file written by 'fit'")
    _add_data_args(tune)
    tune.add_argument(
        "--metric",
        default="f1",
        choices=["f1", "jaccard", "accuracy", "balanced_accuracy", "mcc"],
    )
    tune.add_argument("--output", required=True, help="model file to write")
    for name, handler in [
        ("demo", demo_command),
        ("evaluate", evaluate_command),
        ("compare", compare_command),
        ("fit", fit_command),
        ("predict", predict_command),
        ("tune-thresholds", tune_command),
    ]:
        sub.choices[name].set_defaults(handler=handler)
    return parser


def _quiet_backend():
    """Silence the backend's logs, before it is imported, where the user has not."""
    # TensorFlow's C++ logs and its Python logger
    user_level = "TF_CPP_MIN_LOG_LEVEL" in os.environ
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for name in ("tensorflow", "jax._src.xla_bridge"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)
    if not user_level:  # the import banner TF_CPP_MIN_LOG_LEVEL misses
        _engine.import_backend_quietly()


def main(argv=None, out=None):
    """Run the command line; return the exit code (0 ok, 1 failure, 2 usage)."""
    out = sys.stdout if out is None else out
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(out)
        return 2
    if not args.backend_logs:
        _quiet_backend()
    try:
        return args.handler(args, out)
    except (Failure, ValueError, TypeError, OSError, KeyError) as exc:
        message = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        print(f"skmultilabel-mlp {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

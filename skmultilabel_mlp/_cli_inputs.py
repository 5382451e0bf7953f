"""What the CLI's subcommands read: data files, feature CSVs, saved models.

Each reader turns a bad input into a one-line :class:`Failure` naming the file
and the way out, before any training starts. Heavy imports happen inside the
readers, so ``skmultilabel-mlp --help`` stays fast.
"""

import sys
from pathlib import Path

__all__ = [
    "Failure",
    "in_model_order",
    "load_data",
    "load_model",
    "read_features",
    "scorable",
    "widths",
]


class Failure(Exception):
    """A one-line error for the user (exit code 1)."""


def load_data(args):
    from .datasets import load_dataset

    path = Path(args.data)
    if not path.is_file():
        raise Failure(f"{path}: no such file")
    kwargs = {}
    if path.suffix.lower() == ".csv":
        if not (args.labels or args.label_set_column or args.outputs):
            raise Failure("a CSV needs --labels, --outputs or --label-set-column")
        if args.outputs:
            kwargs["outputs"] = [c.strip() for c in args.outputs.split(",")]
        elif args.labels:
            kwargs["labels"] = [c.strip() for c in args.labels.split(",")]
        else:
            kwargs.update(
                label_set_column=args.label_set_column, label_sep=args.label_sep
            )
    elif path.suffix.lower() == ".arff":
        if args.n_labels:
            kwargs["n_labels"] = args.n_labels
        if args.xml:
            kwargs["xml"] = args.xml
    data = load_dataset(path, **kwargs)
    import pandas as pd

    X = data.X
    if not hasattr(X, "toarray"):
        X = pd.DataFrame(X, columns=[str(c) for c in data.feature_names])
    Y = pd.DataFrame(data.Y, columns=[str(c) for c in data.label_names])
    return X, Y


def scorable(X, Y, args):
    """Rows whose labels are all known: the scores of evaluate and compare need them.

    ``fit`` and ``tune-thresholds`` keep every row (the classifier learns around
    an unknown label); a cross-validated score cannot judge one.
    """
    known = Y.notna().all(axis=1).to_numpy()
    if known.all():
        return X, Y
    if not known.any():
        raise Failure(
            f"{args.data}: every row has an unknown label; {args.command} scores "
            "need rows whose labels are all known"
        )
    n = int((~known).sum())
    print(
        f"skmultilabel-mlp {args.command}: note: {n} row{'s' * (n > 1)} with an "
        "unknown label left out (scores need every label known)",
        file=sys.stderr,
    )
    rows = known.nonzero()[0]
    X = X[rows] if hasattr(X, "toarray") else X.iloc[rows].reset_index(drop=True)
    return X, Y.iloc[rows].reset_index(drop=True).astype(int)


def widths(text):
    try:
        return tuple(int(w) for w in text.split(",") if w.strip())
    except ValueError:
        raise Failure(
            f"--hidden must be integers separated by commas, got {text!r}"
        ) from None


def read_features(model, source):
    import pandas as pd

    try:
        frame = pd.read_csv(sys.stdin if source == "-" else source)
    except FileNotFoundError:
        raise Failure(f"{source}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise Failure(f"{source}: malformed CSV ({exc})") from None
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise Failure(f"{source}: missing feature columns {missing[:10]}")
        return frame[list(names)]
    expected = model.n_features_in_
    if frame.shape[1] != expected:
        raise Failure(
            f"{source}: {frame.shape[1]} columns but the model expects {expected} features"
        )
    return frame


def load_model(path):
    from . import load

    if not Path(path).is_file():
        raise Failure(f"{path}: no such file")
    return load(path)


def in_model_order(Y, clf, args):
    """The label columns of ``Y`` matched to the model's labels by name."""
    names = [str(n) for n in clf.label_names_]
    unknown = [c for c in Y.columns if c not in names]
    if unknown:
        raise Failure(
            f"{args.data}: {unknown[:10]} are not labels of the model; its labels "
            f"are {names[:20]}"
        )
    missing = [n for n in names if n not in Y.columns]
    if missing and not args.label_set_column:
        raise Failure(
            f"{args.data}: the model's labels {missing[:10]} are missing; pass every "
            "label of the model to --labels"
        )
    # in label sets, a label no row names is a known absence
    return Y.reindex(columns=names, fill_value=0)

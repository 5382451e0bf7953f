"""Every subcommand, called in-process on small files, failures included."""

import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_multilabel_classification

from skmultilabel_mlp.cli import main

FAST = ["--epochs", "3", "--quiet"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=5, n_classes=3, random_state=0
    )
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    frame[["sport", "tech", "art"]] = Y
    frame.to_csv(root / "train.csv", index=False)
    frame[[f"f{i}" for i in range(5)]].to_csv(root / "new.csv", index=False)
    sets = frame[[f"f{i}" for i in range(5)]].copy()
    sets["tags"] = [
        "|".join(n for n, v in zip(["sport", "tech", "art"], row) if v) for row in Y
    ]
    sets.to_csv(root / "sets.csv", index=False)
    return root


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stderr
    sys.stderr = err
    try:
        code = main(argv, out=out)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_help_does_not_import_keras():
    code = (
        "import sys\n"
        "from skmultilabel_mlp.cli import main\n"
        "for argv in (['--help'], ['fit', '--help'], ['predict', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_every_command_has_help_with_examples():
    for command in ("demo", "evaluate", "compare", "fit", "predict", "tune-thresholds"):
        code, out, _ = run([command, "--help"])
        assert code == 0
    code, out, _ = run([])
    assert code == 2 and "tune-thresholds" in out


def test_demo_runs_the_tutorial_end_to_end():
    code, out, _ = run(["demo", "--n-splits", "2", "--n-repeats", "1", *FAST])
    assert code == 0
    assert "classifier_chain" in out and "hamming_loss" in out
    assert "Exact-match accuracy of the MLP" in out and "over 2 folds" in out
    assert "probabilities" in out and "predicted" in out


def test_evaluate_prints_metrics_and_writes_json_and_plot(files):
    js, png = files / "cv.json", files / "cv.png"
    code, out, _ = run(
        [
            "evaluate",
            str(files / "train.csv"),
            "--labels",
            "sport,tech,art",
            "--cv",
            "2",
            *FAST,
            "--json",
            str(js),
            "--plot",
            str(png),
        ]
    )
    assert code == 0, out
    assert "f1_micro" in out and "hamming_loss" in out
    records = json.loads(js.read_text())["records"]
    assert {r["split"] for r in records} == {"fold 0", "fold 1"}
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_compare_with_label_sets(files):
    code, out, _ = run(
        [
            "compare",
            str(files / "sets.csv"),
            "--label-set-column",
            "tags",
            "--estimators",
            "knn,binary_relevance",
            "--cv",
            "2",
            "--quiet",
        ]
    )
    assert code == 0
    assert "knn" in out and "binary_relevance" in out


def test_fit_predict_and_tune_round_trip(files):
    model, tuned, preds = files / "m.skmlp", files / "t.skmlp", files / "p.csv"
    code, out, _ = run(
        [
            "fit",
            str(files / "train.csv"),
            "--labels",
            "sport,tech,art",
            "--output",
            str(model),
            "--epochs",
            "3",
        ]
    )
    assert code == 0 and model.exists() and "3 labels" in out
    code, _, _ = run(
        ["predict", str(model), str(files / "new.csv"), "--output", str(preds)]
    )
    assert code == 0
    result = pd.read_csv(preds, keep_default_na=False)
    assert list(result.columns) == ["p(sport)", "p(tech)", "p(art)", "labels"]
    assert len(result) == 60
    assert all(
        set(filter(None, s.split("|"))) <= {"sport", "tech", "art"}
        for s in result.labels
    )
    code, out, _ = run(
        [
            "tune-thresholds",
            str(model),
            str(files / "train.csv"),
            "--labels",
            "sport,tech,art",
            "--output",
            str(tuned),
        ]
    )
    assert code == 0 and tuned.exists() and out.count("\t") == 3


@pytest.fixture(scope="module")
def model(files):
    """A model fitted by the CLI, for the tests that only predict with it."""
    path = files / "fitted.skmlp"
    argv = ["fit", str(files / "train.csv"), "--labels", "sport,tech,art"]
    assert run([*argv, "--output", str(path), "--epochs", "2"])[0] == 0
    return path


def test_predict_reads_standard_input(files, model, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO((files / "new.csv").read_text()))
    code, out, _ = run(["predict", str(model), "-"])
    assert code == 0 and out.splitlines()[0].startswith("p(sport)")
    assert len(out.splitlines()) == 61


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["fit", "missing.csv", "--labels", "a", "--output", "OUT"],
            "missing.csv: no such file",
        ),
        (
            ["fit", "train.csv", "--labels", "sport,nope", "--output", "OUT"],
            "no column(s) ['nope']",
        ),
        (
            ["fit", "train.csv", "--output", "OUT"],
            "needs --labels or --label-set-column",
        ),
        (
            ["predict", "missing.skmlp", "new.csv", "--output", "OUT"],
            "missing.skmlp: no such file",
        ),
        (
            ["compare", "train.csv", "--labels", "sport", "--estimators", "svm"],
            "unknown estimators",
        ),
    ],
)
def test_failures_exit_1_with_one_line_and_no_output_file(files, argv, message):
    out_file = files / "should_not_exist.out"
    argv = [str(files / a) if a.endswith((".csv", ".skmlp")) else a for a in argv]
    argv = [str(out_file) if a == "OUT" else a for a in argv]
    code, _, err = run(argv)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out_file.exists()


def test_mismatched_features_at_predict(files, model):
    pd.DataFrame(np.zeros((2, 3)), columns=["f0", "f1", "zz"]).to_csv(
        files / "bad.csv", index=False
    )
    out_file = files / "never.csv"
    code, _, err = run(
        ["predict", str(model), str(files / "bad.csv"), "--output", str(out_file)]
    )
    assert code == 1 and "missing feature columns ['f2', 'f3', 'f4']" in err
    assert not out_file.exists()


def test_usage_errors_exit_2():
    assert run(["demo", "--n-splits", "many"])[0] == 2
    assert run(["nonsense"])[0] == 2

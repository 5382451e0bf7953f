"""Every subcommand, called in-process on small files, failures included."""

import io
import json
import os
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
            "needs --labels, --outputs or --label-set-column",
        ),
        (
            ["predict", "missing.skmlp", "new.csv", "--output", "OUT"],
            "missing.skmlp: no such file",
        ),
        (
            ["compare", "train.csv", "--labels", "sport", "--estimators", "svm"],
            "unknown estimators",
        ),
        # issue 15, item 12: bad hyper-parameters, not a traceback or exit 0
        (
            ["evaluate", "train.csv", "--labels", "sport,tech", "--batch-size", "0"],
            "'batch_size' parameter",
        ),
        (
            ["evaluate", "train.csv", "--labels", "sport,tech", "--epochs", "0"],
            "'epochs' parameter",
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


def _thresholds(out):
    return dict(line.split("\t") for line in out.splitlines())


def test_tune_thresholds_matches_label_columns_by_name(files, model):
    argv = ["tune-thresholds", str(model), str(files / "train.csv")]
    output = ["--output", str(files / "tuned.skmlp")]
    code, same, _ = run([*argv, "--labels", "sport,tech,art", *output])
    assert code == 0
    code, shuffled, _ = run([*argv, "--labels", "art,tech,sport", *output])
    assert code == 0 and _thresholds(shuffled) == _thresholds(same)
    code, _, err = run([*argv, "--labels", "sport,tech", *output])
    assert code == 1 and "['art']" in err and "missing" in err
    frame = pd.read_csv(files / "train.csv")
    frame["music"] = frame["sport"]
    frame.to_csv(files / "extra.csv", index=False)
    argv[2] = str(files / "extra.csv")
    code, _, err = run([*argv, "--labels", "sport,tech,art,music", *output])
    assert code == 1 and "['music']" in err and "not labels of the model" in err


@pytest.fixture(scope="module")
def blank_label_csv(files):
    frame = pd.read_csv(files / "train.csv")
    frame["sport"] = frame["sport"].astype(float)
    frame.loc[[3, 7], "sport"] = np.nan
    frame.to_csv(files / "blank.csv", index=False)
    return files / "blank.csv"


def test_a_blank_label_cell_is_an_unknown_label(files, blank_label_csv):
    """fit learns around it; evaluate scores the fully labelled rows, and says so."""
    labels = ["--labels", "sport,tech,art"]
    code, out, err = run(
        [
            "fit",
            str(blank_label_csv),
            *labels,
            "--output",
            str(files / "blank.skmlp"),
            "--epochs",
            "3",
        ]
    )
    assert code == 0, err
    code, out, err = run(
        ["evaluate", str(blank_label_csv), *labels, "--cv", "2", *FAST]
    )
    assert code == 0, err
    assert "f1_micro" in out and "2 rows with an unknown label left out" in err


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", *FAST],
        ["compare", "--quiet", "--estimators", "binary_relevance,multilabel_mlp"],
    ],
)
def test_evaluate_and_compare_work_on_a_one_label_file(files, command):
    frame = pd.read_csv(files / "train.csv").drop(columns=["tech", "art"])
    frame.to_csv(files / "one.csv", index=False)
    code, out, err = run(
        [
            command[0],
            str(files / "one.csv"),
            "--labels",
            "sport",
            "--cv",
            "2",
            *command[1:],
        ]
    )
    assert code == 0, err
    assert "f1_micro" in out


def test_predict_writes_standard_output_for_a_dash(files, model):
    code, out, _ = run(["predict", str(model), str(files / "new.csv"), "--output", "-"])
    assert code == 0 and out.splitlines()[0].startswith("p(sport)")
    assert not (files / "-").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["fit", "train.csv", "--labels", "sport,tech,art", "--output", "FIFO"],
        ["evaluate", "train.csv", "--labels", "sport,tech,art", "--json", "FIFO"],
        ["compare", "train.csv", "--labels", "sport", "--plot", "FIFO"],
        ["fit", "train.csv", "--labels", "sport,tech,art", "--output", "NODIR"],
        [
            "tune-thresholds",
            "MODEL",
            "train.csv",
            "--labels",
            "sport,tech,art",
            "--output",
            "FIFO",
        ],
    ],
)
def test_outputs_are_checked_before_any_training(
    files, model, tmp_path, argv, monkeypatch
):
    import os
    import stat

    from sklearn.pipeline import Pipeline

    def never(*args, **kwargs):
        raise AssertionError("trained before checking the output")

    monkeypatch.setattr(Pipeline, "fit", never)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    where = {
        "FIFO": str(fifo),
        "NODIR": str(tmp_path / "no" / "m.skmlp"),
        "MODEL": str(model),
    }
    argv = [where.get(a, str(files / a) if a.endswith(".csv") else a) for a in argv]
    code, _, err = run(argv)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert ("FIFO" in err and str(fifo) in err) or str(tmp_path / "no") in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_crafted_model_file_is_a_one_line_error(files, model, tmp_path):
    import zipfile

    from skmultilabel_mlp import _persistence

    crafted = tmp_path / "crafted.skmlp"

    with zipfile.ZipFile(model) as zf:
        net = zf.read("model.keras")
    manifest = b"[1]"
    with zipfile.ZipFile(crafted, "w") as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("model.keras", net)
        zf.writestr("checksum", _persistence._checksum(manifest, net))
    code, _, err = run(["predict", str(crafted), str(files / "new.csv")])
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert str(crafted) in err


def test_commands_keep_standard_error_for_the_users_messages(files, model):
    """In a fresh process with no logging settings, the backend prints nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP")}
    argv = ["predict", str(model), str(files / "new.csv"), "--output", "-"]
    proc = subprocess.run(
        [sys.executable, "-m", "skmultilabel_mlp.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("p(sport)")
    assert proc.stderr == ""


@pytest.mark.parametrize(
    "user_level, flag, expected",
    [(None, [], "3"), ("1", [], "1"), (None, ["--backend-logs"], None)],
)
def test_backend_logs_are_silenced_unless_asked_for(
    files, model, monkeypatch, user_level, flag, expected
):
    import logging

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    if user_level is not None:
        monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", user_level)
    logger = logging.getLogger("tensorflow")
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    code, _, _ = run(["predict", str(model), str(files / "new.csv"), *flag])
    assert code == 0
    assert os.environ.get("TF_CPP_MIN_LOG_LEVEL") == expected
    assert logger.level == (logging.NOTSET if flag else logging.ERROR)


def test_outputs_with_their_own_classes_fit_predict_and_evaluate(tmp_path):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.normal(size=(60, 4)), columns=[f"f{i}" for i in range(4)])
    states = np.array(["stable", "alert", "emergency"])
    frame["state"] = states[np.digitize(frame.f0, [-0.5, 0.5])]
    frame["risk"] = np.digitize(frame.f1, [-1, 0, 1])
    frame.loc[3, "state"] = None  # unknown: left out of the loss
    frame.to_csv(tmp_path / "train.csv", index=False)
    model = tmp_path / "m.skmlp"
    fit = ["fit", str(tmp_path / "train.csv"), "--outputs", "state,risk"]
    code, out, _ = run([*fit, "--epochs", "3", "--output", str(model)])
    assert code == 0 and "2 outputs" in out
    code, out, _ = run(["predict", str(model), str(tmp_path / "train.csv")])
    assert code == 0
    predicted = pd.read_csv(io.StringIO(out))
    assert set(predicted.state) <= set(states)
    assert set(predicted.risk) <= {0, 1, 2, 3}
    blocks = [
        [f"p(state={s})" for s in sorted(states)],
        [f"p(risk={r})" for r in range(4)],
    ]
    for columns in blocks:
        np.testing.assert_allclose(predicted[columns].sum(axis=1), 1.0, rtol=1e-6)
    evaluate = ["evaluate", str(tmp_path / "train.csv"), "--outputs", "state,risk"]
    code, out, _ = run(
        [*evaluate, *FAST, "--cv", "3", "--json", str(tmp_path / "cv.json")]
    )
    assert code == 0 and "multioutput_exact_match" in out
    scores = json.loads((tmp_path / "cv.json").read_text())
    assert len(scores["mean_output_accuracy"]) == 3
    bad = ["fit", str(tmp_path / "train.csv"), "--outputs", "nope", "--epochs", "3"]
    code, _, err = run([*bad, "--output", str(model)])
    assert code != 0 and "nope" in err


# fit --auto: MultiLabelMLPClassifierCV narrowed to one candidate (5 inner folds)
AUTO = ["--auto", "--hidden", "8", "--dropout", "0", "--alpha", "0", *FAST[:2]]


@pytest.fixture(scope="module")
def auto_model(files):
    """A CV estimator fitted and saved by the CLI (read-only: never refit)."""
    path = files / "auto.skmlp"
    argv = ["fit", str(files / "train.csv"), "--labels", "sport,tech,art", *AUTO]
    code, out, err = run([*argv, "--scoring", "f1_macro", "--output", str(path)])
    assert code == 0, err
    return path, out


def test_fit_auto_saves_the_cv_estimator_it_chose(auto_model):
    from skmultilabel_mlp import MultiLabelMLPClassifierCV, load

    path, out = auto_model
    est = load(path)
    assert isinstance(est, MultiLabelMLPClassifierCV)
    assert est.scoring == "f1_macro" and est.epochs == 3
    assert est.hidden_layer_sizes == ((8,),) and est.dropouts == est.alphas == (0.0,)
    assert "saved" in out and "3 labels, 5 features" in out
    assert f"thresholds {est.threshold_rule_}" in out and "f1_macro" in out


def test_predict_reads_a_file_of_fit_auto(files, auto_model):
    from skmultilabel_mlp import load

    path, _ = auto_model
    code, out, err = run(["predict", str(path), str(files / "new.csv")])
    assert code == 0, err
    result = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(result.columns) == ["p(sport)", "p(tech)", "p(art)", "labels"]
    est, X = load(path), pd.read_csv(files / "new.csv")
    np.testing.assert_allclose(result.iloc[:, :3], est.predict_proba(X), rtol=1e-6)
    names = np.array(["sport", "tech", "art"])
    expected = ["|".join(names[row.astype(bool)]) for row in est.predict(X)]
    assert list(result.labels) == expected
    # the columns are matched by name, as for a plain model
    shuffled = X[X.columns[::-1]]
    shuffled.to_csv(files / "shuffled.csv", index=False)
    code, again, _ = run(["predict", str(path), str(files / "shuffled.csv")])
    assert code == 0 and again == out


def test_tune_thresholds_refuses_a_file_of_fit_auto(files, auto_model):
    path, _ = auto_model
    tuned = files / "tuned_auto.skmlp"
    argv = ["tune-thresholds", str(path), str(files / "train.csv")]
    code, _, err = run([*argv, "--labels", "sport,tech,art", "--output", str(tuned)])
    assert code == 1 and "fit --auto" in err and len(err.strip().splitlines()) == 1
    assert not tuned.exists()


def test_evaluate_auto_searches_inside_each_fold(files):
    argv = ["evaluate", str(files / "train.csv"), "--labels", "sport,tech,art"]
    code, out, err = run([*argv, *AUTO, "--cv", "2", "--quiet"])
    assert code == 0, err
    assert "f1_micro" in out and "hamming_loss" in out


@pytest.mark.parametrize(
    "options",
    [
        ["--hidden", "8", "--hidden", "16"],
        ["--alpha", "0", "--alpha", "0.1"],
        ["--scoring", "f1_macro"],
    ],
)
def test_search_options_without_auto_are_refused(files, options):
    out_file = files / "never.skmlp"
    argv = ["fit", str(files / "train.csv"), "--labels", "sport,tech,art"]
    code, _, err = run([*argv, *options, "--output", str(out_file)])
    assert code == 1 and "add --auto" in err and not out_file.exists()


def test_the_cli_offers_the_cv_estimators_scorings():
    from skmultilabel_mlp import _cv_rules, cli

    assert set(cli.SCORINGS) == set(_cv_rules.SCORINGS)
    assert (
        run(["fit", "train.csv", "--labels", "a", "--auto", "--scoring", "roc"])[0] == 2
    )

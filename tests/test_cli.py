"""The command line, called in-process."""

import io
import subprocess
import sys

import pytest

from skmultilabel_mlp.cli import main


def test_help_does_not_import_keras():
    code = (
        "import sys\n"
        "from skmultilabel_mlp.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_no_command_prints_help_and_exits_2():
    out = io.StringIO()
    assert main([], out=out) == 2
    assert "demo" in out.getvalue()


def test_demo_runs_the_tutorial_end_to_end():
    out = io.StringIO()
    assert (
        main(["demo", "--n-splits", "2", "--n-repeats", "1", "--epochs", "3"], out=out)
        == 0
    )
    text = out.getvalue()
    assert "Exact-match accuracy" in text and "over 2 folds" in text
    assert "probabilities" in text and "predicted" in text


def test_bad_argument_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--n-splits", "many"])
    assert exc.value.code == 2

"""Helpers shared by the benchmark drivers."""

import json
import os
import subprocess
import sys
from pathlib import Path

from sklearn.metrics import f1_score, hamming_loss

from skmultilabel_mlp._utils import atomic_write as _atomic_write
from skmultilabel_mlp.benchmark import environment

__all__ = [
    "BETTER",
    "METRICS",
    "atomic_write",
    "environment",
    "measured",
    "run_case",
    "shared_data",
]

#: the verdict metrics of 0/1 predictions the training-rows benchmarks report
METRICS = {
    "f1_micro": lambda Y, P: f1_score(Y, P, average="micro", zero_division=0),
    "f1_macro": lambda Y, P: f1_score(Y, P, average="macro", zero_division=0),
    "hamming_loss": hamming_loss,
}
#: higher is better, except for the Hamming loss
BETTER = {"f1_micro": 1, "f1_macro": 1, "hamming_loss": -1}


def atomic_write(path, text):
    """Write ``text`` via a temporary file and a rename (the package's atomic write)."""
    return _atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def shared_data():
    """../shared/data beside the checkout, or exit with the reason."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not path.is_dir():
        raise SystemExit(f"shared datasets not found at {path}")
    return path


def measured(env):
    """The one-line provenance every results file ends with."""
    machine = ", ".join(part for part in (env["machine"], env["processor"]) if part)
    return (
        f"Measured {env['date']} on {env['cpu_count']} CPUs ({machine}), "
        f"Python {env['python']}, backend {env['keras_backend']}, "
        f"versions {env['versions']}.\n"
    )


def run_case(script, case, *args, backend=None):
    """Run ``python script --case case *args`` in a fresh process.

    With ``backend``, under ``KERAS_BACKEND=backend``. Returns the last line the
    case printed, read as JSON, or ``{"error": [its last stderr line]}``.
    """
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    proc = subprocess.run(
        [sys.executable, str(script), "--case", case, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def commit():
    """The checkout's commit (short hash), or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()

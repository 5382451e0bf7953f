"""Helpers shared by the benchmark drivers."""

from pathlib import Path

from skmultilabel_mlp._utils import atomic_write as _atomic_write
from skmultilabel_mlp.benchmark import environment

__all__ = ["atomic_write", "environment", "measured", "shared_data"]


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

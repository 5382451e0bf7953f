"""``benchmarks/speed.py`` keeps rows measured under non-default XLA flags apart."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def speed(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # speed.py prepends benchmarks/
    spec = importlib.util.spec_from_file_location("speed", BENCHMARKS / "speed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # puts benchmarks/ on sys.path
    import _env

    monkeypatch.setattr(module, "RESULTS", tmp_path)
    monkeypatch.setattr(_env, "run_case", lambda script, case, backend: {"t": 1.0})
    return module


@pytest.mark.parametrize(
    "flags, key",
    [
        ("", "fit/tensorflow"),
        ("  ", "fit/tensorflow"),
        (
            "--xla_cpu_use_fusion_emitters=false",
            "fit/tensorflow XLA_FLAGS=--xla_cpu_use_fusion_emitters=false",
        ),
    ],
)
def test_rows_under_xla_flags_are_kept_apart(speed, tmp_path, monkeypatch, flags, key):
    monkeypatch.setenv("XLA_FLAGS", flags)
    speed.main(["fit", "--backends", "tensorflow"])
    rows = json.loads((tmp_path / "speed.json").read_text())["results"]
    assert list(rows) == [key]
    assert rows[key]["t"] == 1.0
    assert ("xla_flags" in rows[key]) == bool(flags.strip())
    assert key in (tmp_path / "speed.md").read_text()

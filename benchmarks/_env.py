"""What every benchmark result records about where it came from."""

import os
import platform
from datetime import datetime, timezone
from importlib import metadata

PACKAGES = [
    "skmultilabel-mlp",
    "scikit-learn",
    "scikeras",
    "keras",
    "tensorflow-cpu",
    "tensorflow",
    "jax",
    "numpy",
]


def environment():
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.uname().processor,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "versions": versions,
    }

import os

# Quiet TensorFlow's C++ start-up logging in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def multilabel_data():
    """Small seeded multi-label problem: 60 rows, 8 features, 4 labels."""
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=8, n_classes=4, random_state=0
    )
    return X.astype(np.float64), Y


@pytest.fixture(scope="session")
def tutorial_like_data():
    """A learnable problem (the tutorial's generator, fewer rows) for quality checks."""
    X, Y = make_multilabel_classification(
        n_samples=300, n_features=10, n_classes=3, n_labels=2, random_state=1
    )
    return X, Y


def shared_dataset(name):
    """Path of a dataset in ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA / name / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"shared dataset {name!r} not found at {path}")
    return path

"""Package-level promises: no Keras at import, public names, datasets."""

import subprocess
import sys

import numpy as np

import skmultilabel_mlp
from skmultilabel_mlp.datasets import make_tutorial_problem


def test_import_does_not_load_a_backend():
    code = (
        "import sys, skmultilabel_mlp, skmultilabel_mlp.datasets\n"
        "bad = [m for m in ('keras', 'tensorflow', 'jax', 'scikeras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_version_is_exposed():
    assert skmultilabel_mlp.__version__.count(".") == 2


def test_tutorial_problem_matches_the_tutorial():
    data = make_tutorial_problem()
    assert data.X.shape == (1000, 10) and data.Y.shape == (1000, 3)
    np.testing.assert_array_equal(data.new_row, [[3, 3, 6, 7, 8, 2, 11, 11, 1, 3]])
    X, _Y = make_tutorial_problem(return_X_y=True)
    np.testing.assert_array_equal(X, data.X)

"""Repository-level pytest configuration (doctests of the package included)."""

import importlib.util

# As a user's script does: the package (no backend) before any test module
# imports Keras, so TensorFlow loads with the package's oneDNN default
# (skmultilabel_mlp._engine.prefer_eigen_kernels).
import skmultilabel_mlp  # noqa: F401

# The JAX implementation of the fold-stacked engine imports jax at module level;
# its doctest collection needs the optional extra.
collect_ignore = []
if importlib.util.find_spec("jax") is None:
    collect_ignore.append("skmultilabel_mlp/_engine/_stacked_jax.py")

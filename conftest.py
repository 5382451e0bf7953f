"""Repository-level pytest configuration (doctests of the package included)."""

import importlib.util

# The JAX implementation of the fold-stacked engine imports jax at module level;
# its doctest collection needs the optional extra.
collect_ignore = []
if importlib.util.find_spec("jax") is None:
    collect_ignore.append("skmultilabel_mlp/_engine/_stacked_jax.py")

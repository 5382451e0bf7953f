"""The package's structure: backends only under ``_engine/``, no import cycles.

Every ``import`` statement of every module counts, at top level and inside
functions alike: an import hidden in a function still ties the two modules.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skmultilabel_mlp"
BACKENDS = {"keras", "tensorflow", "jax", "jaxlib", "scikeras", "torch", "optax"}


def _modules():
    """``{dotted module name: path}`` of every module in the package."""
    mods = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()
PACKAGES = {m for m, p in MODULES.items() if p.name == "__init__.py"}


def _imports(module):
    """``(line, imported name)`` for every import in ``module``, resolved."""
    tree = ast.parse(MODULES[module].read_text())
    package = module if module in PACKAGES else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield node.lineno, sub if sub in MODULES else target


def _edges():
    """Module -> the package's modules it imports (its own package face aside)."""
    edges = {}
    for module in MODULES:
        edges[module] = {
            target
            for _, target in _imports(module)
            if target in MODULES
            and target != module
            and not (target in PACKAGES and module.startswith(target + "."))
        }
    return edges


def _cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_walk_sees_the_package():
    assert "skmultilabel_mlp._classifier" in MODULES
    assert "skmultilabel_mlp._engine._stacked_jax" in MODULES
    # it resolves relative imports, inside functions too
    engine_face = dict(_imports("skmultilabel_mlp._engine"))
    assert "skmultilabel_mlp._engine._stacked" in engine_face.values()


def test_no_backend_import_outside_the_engine():
    outside = [
        f"{MODULES[m].relative_to(PACKAGE.parent)}:{line} imports {target}"
        for m in MODULES
        if not m.startswith("skmultilabel_mlp._engine")
        for line, target in _imports(m)
        if target.split(".")[0] in BACKENDS
    ]
    assert outside == []


def test_the_engine_does_import_the_backends():
    """The check above can fail: the engine's modules are where backends live."""
    inside = {
        target.split(".")[0]
        for m in MODULES
        if m.startswith("skmultilabel_mlp._engine")
        for _, target in _imports(m)
    }
    assert {"keras", "tensorflow", "jax", "scikeras"} <= inside


def test_no_import_cycles():
    assert _cycles(_edges()) == []


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    "face,private",
    [
        ("skmultilabel_mlp.metrics", "skmultilabel_mlp.metrics._multilabel"),
        ("skmultilabel_mlp.model_selection", "skmultilabel_mlp.model_selection._split"),
    ],
)
def test_public_subpackages_re_export_their_private_modules(face, private):
    import importlib

    public = importlib.import_module(face)
    module = importlib.import_module(private)
    for name in module.__all__:
        assert getattr(public, name) is getattr(module, name)

"""The library's layering: no import circle among its modules, and no module imports a layer above its own.

Why a test: the one verdict rests on the stages living in one module that only front ends call (design.md); a rule
module importing the chain stage's runner, or the model importing the rulebook, brings back the circle through
which check, build and review came to disagree. Imports inside functions count (they are still dependencies);
imports under `if TYPE_CHECKING:` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

FILING = Path(__file__).resolve().parents[1] / "filing"

LAYERS = [
    {"filing.errors", "filing.i18n", "filing.resources", "filing.progress", "filing.findings",
     "filing.write", "filing.placeholders", "filing.version"},
    {"filing.assets"},
    {"filing.model"},
    {"filing.pool"},
    {"filing.chain"},
    {"filing.rules"},
    {"filing.packet"},
    {"filing.stages"},
    {"filing.review"},
    {"filing", "filing.__main__", "filing.scaffold", "filing.terminal", "filing.commandline", "filing.serve",
     "filing.cli"},
]
"""Bottom to top; a module may import its own layer's modules and those below."""


def _name(path: Path) -> str:
    parts = list(path.relative_to(FILING.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in FILING.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(sub) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for sub in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                      for a in node.names}
    return {name for name in found if name in MODULES}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _layer(module: str) -> int:
    for index, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer if top != "filing") or module in layer:
            return index
    raise AssertionError(f"{module} is in no layer of tests/test_layering.py: place it")


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return found


def test_no_import_circle() -> None:
    assert _cycles() == []


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = [f"{module} -> {target}" for module, targets in sorted(GRAPH.items()) for target in sorted(targets)
              if _layer(target) > _layer(module)]
    assert upward == []


def test_the_circle_the_verdict_removed_stays_removed() -> None:
    """The model vetted override codes with the rulebook, and the chain ran the rulebook and took its tags."""
    assert not {m for m in GRAPH["filing.model.deal"] if m.startswith("filing.rules")}
    assert not {t for m, targets in GRAPH.items() if m.startswith("filing.chain") for t in targets
                if t.startswith("filing.rules")}

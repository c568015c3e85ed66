"""The import graph: no module imports back into a circle, and the base layer imports no stage.

Every import counts, wherever it sits (module top, inside a function, under TYPE_CHECKING):
an import moved into a function to dodge a circle is still a circle. Importing ``a.b.c``
also imports the packages ``a`` and ``a.b``, so those are edges too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import disclosure_search

SRC = Path(disclosure_search.__file__).parent
PACKAGE = "disclosure_search"
#: Modules every stage may import; they import no stage.
BASE = ("models", "config", "errors", "encoding", "progress", "vocabulary")


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _target(name: str, modules: dict[str, Path]) -> str:
    while name not in modules:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {_target(a.name, modules) for a in node.names if a.name.startswith(PACKAGE)}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = ".".join(here[: len(here) - node.level + 1] + [base] * bool(base))
            if base.startswith(PACKAGE):
                targets |= {_target(f"{base}.{a.name}", modules) for a in node.names}
    parents = {".".join(t.split(".")[:i]) for t in targets for i in range(1, t.count(".") + 1)}
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
    return (targets | (parents & modules.keys())) - own


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (top := stack.pop()) != node:
                group.append(top)
            if group:
                groups.append(sorted([*group, node]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_circles() -> None:
    circles = _cycles(import_graph())
    assert not circles, "modules importing each other in a circle: " + "; ".join(
        " <-> ".join(group) for group in circles
    )


def test_the_detector_sees_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_base_layer_imports_no_stage() -> None:
    graph = import_graph()
    base = {f"{PACKAGE}.{b}" for b in BASE}
    for module, targets in graph.items():
        if module in base or any(module.startswith(b + ".") for b in base):
            outside = {t for t in targets if t != PACKAGE and not any(
                t == b or t.startswith(b + ".") for b in base)}
            assert not outside, f"{module} (base layer) imports {sorted(outside)}"


def test_archive_knows_the_crawl_only_by_its_contracts() -> None:
    for module, targets in import_graph().items():
        if module.startswith(f"{PACKAGE}.archive"):
            crawl = {t for t in targets if t.startswith(f"{PACKAGE}.crawl.")}
            assert crawl <= {f"{PACKAGE}.crawl.contracts"}, (module, crawl)

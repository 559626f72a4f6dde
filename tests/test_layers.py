"""Layers point one way: no import cycle between TheraLab's subpackages and top-level modules,
counting imports inside functions too (a lazy import is still a dependency)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "theralab"


def _part(module: str) -> str:
    """The subpackage or top-level module a dotted module name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        here = "<root>" if rel == Path("__init__.py") else rel.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "theralab":
                    graph[here].add("<root>")
                elif node.module.startswith("theralab."):
                    graph[here].add(_part(node.module))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("theralab."):
                        graph[here].add(_part(alias.name))
    for here in graph:
        graph[here].discard(here)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
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

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_subpackages() -> None:
    graph = import_graph()
    assert graph["coding"] and graph["safety"]  # the graph was read
    assert cycles(graph) == []


def test_only_the_package_root_imports_the_package_root() -> None:
    importers = [p for p, deps in import_graph().items() if "<root>" in deps]
    assert importers == []

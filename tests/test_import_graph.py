"""No import circle anywhere in the project, imports inside functions included.

An import placed inside a function to dodge a circle still makes the circle: the two modules need each other,
only later. So every ``import``/``from ... import`` statement of every module is read (with ``ast``, nothing is
imported), wherever it stands, and the modules that import each other round a loop are named. Tasks are
enqueued by name (``sme.jobs.task_enqueue``), so no services module needs its app's ``tasks``.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = (REPO, REPO / "platform")
NOT_PROJECT_CODE = {"tests", "benchmarks"}


def project_modules() -> dict[str, Path]:
    """Every module of every first-party package (a folder with ``__init__.py`` at a source root), by name."""
    modules: dict[str, Path] = {}
    for root in SOURCE_ROOTS:
        for package in sorted(p.parent for p in root.glob("*/__init__.py")):
            if package.name in NOT_PROJECT_CODE:
                continue
            for path in package.rglob("*.py"):
                parts = path.relative_to(root).with_suffix("").parts
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                modules[name] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``name`` stands for: itself, or the nearest package/module above it."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The project modules ``module`` imports, anywhere in its body, with the line of the first import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import sub`` imports the submodule when there is one, else a name of ``pkg``
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved and resolved != module:
                found.setdefault(resolved, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found, key=lambda c: (-len(c), c))


def describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(component)
    arrows = [f"  {a} -> {b} (line {line})" for a in component for b, line in sorted(graph[a].items()) if b in members]
    return "\n".join([" <-> ".join(component), *arrows])


def test_the_graph_sees_imports_inside_functions_and_relative_imports(tmp_path):
    # given two modules of a package, one importing the other only inside a function
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def later():\n    from .a import name\n    return name\n")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    # when
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    # then
    assert graph == {"pkg": {}, "pkg.a": {"pkg.b": 1}, "pkg.b": {"pkg.a": 2}}
    assert circles(graph) == [["pkg.a", "pkg.b"]]


def test_every_app_is_read():
    modules = project_modules()
    for package in ("accounts", "adoption", "config", "sme.catalog", "cms", "marketplace_connectors"):
        assert package in modules


# The connector-core redesign (issue 15) took apart the last one. This list may only shrink.
KNOWN_CIRCLES: list[list[str]] = []


def test_no_module_of_the_project_is_in_an_import_circle():
    graph = import_graph()
    found = circles(graph)
    new = [c for c in found if c not in KNOWN_CIRCLES]
    assert new == [], "import circles:\n" + "\n\n".join(describe(c, graph) for c in new)
    assert [c for c in KNOWN_CIRCLES if c not in found] == [], "a known circle is gone: take it off KNOWN_CIRCLES"

"""The package's import graph, read from the source with `ast` (nothing is imported): which module
imports which, at module level or inside a function."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "harass_analyzer"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_package(name: str, names: dict[str, Path]) -> bool:
    return names[name].name == "__init__.py"


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str, names: dict[str, Path]) -> dict[str, int]:
    """{imported module of the package: line} for one module; `if TYPE_CHECKING:` blocks are left out
    (annotations only, never run)."""
    tree = ast.parse(names[name].read_text(encoding="utf-8"))
    package = name if _is_package(name, names) else name.rpartition(".")[0]
    found: dict[str, int] = {}
    skipped = {id(n) for node in ast.walk(tree) if _type_checking_only(node) for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from pkg import sub` imports the submodule; `from pkg import name` runs pkg/__init__
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in names else module for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in names:  # `import harass_analyzer.x.y` names a module; keep the part we know
                target = target.rpartition(".")[0]
            if target and target != name and (target.startswith(PACKAGE)):
                found.setdefault(target, node.lineno)
    return found


def graph() -> dict[str, dict[str, int]]:
    names = module_names()
    return {name: imports(name, names) for name in names}


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)

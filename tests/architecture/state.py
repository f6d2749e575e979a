"""Module-level state of the package, read from the source with `ast`: module globals that functions
change (a container mutated, or a name rebound through `global`), and lru_cache'd functions."""
from __future__ import annotations

import ast

from tests.architecture.imports import module_names

MUTATORS = {"append", "extend", "insert", "pop", "popitem", "clear", "update", "setdefault", "add", "discard",
            "remove", "__setitem__"}


def _module_globals(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def changed_globals(source: str) -> set[str]:
    """Module globals that some function mutates or rebinds."""
    tree = ast.parse(source)
    names = _module_globals(tree)
    found = set()
    for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        local = {a.arg for a in func.args.args + func.args.kwonlyargs}
        for node in ast.walk(func):
            if isinstance(node, ast.Global):
                found |= set(node.names)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                found.add(node.func.value.id) if node.func.value.id not in local else None
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id not in local:
                        found.add(t.value.id)
    return found & names


def cached_functions(source: str) -> set[str]:
    tree = ast.parse(source)  # module-level functions only: a cached_property lives and dies with its object
    return {f.name for f in tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any("cache" in ast.unparse(d) for d in f.decorator_list)}


def package_state() -> set[str]:
    """`module:name` of every changed global and `module:name()` of every cached function."""
    state = set()
    for module, path in module_names().items():
        source = path.read_text(encoding="utf-8")
        state |= {f"{module}:{name}" for name in changed_globals(source)}
        state |= {f"{module}:{name}()" for name in cached_functions(source)}
    return state

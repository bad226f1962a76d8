"""The layout holds (docs/ARCHITECTURE.md): layers import only downwards, Streamlit stays in the
web layer and views/, lib/ has no circle of imports, no function-level import between its modules
without a comment saying why, no registry held as strings, and no function that acts as the
database owner by default."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "lib"
AREAS = {"identity", "space", "booking", "events", "directory", "dashboards", "mail", "money"}
# what each layer may import from lib (besides itself)
ALLOWED = {
    "core": {"core"},
    "area": {"core", "area"},
    "web": {"core", "area", "web"},
    "demo": {"core", "area", "demo"},
    "cli": {"core", "area", "demo", "cli"},
    "entry": {"cli"},  # lib/__main__.py
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if module == "lib.__main__":
        return "entry"
    if len(parts) < 2:
        return "entry"
    package = parts[1]
    return "area" if package in AREAS else package


def _lib_files() -> list[Path]:
    return sorted(LIB.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                # `from lib.core import db` imports lib.core.db when db is a module of the package
                for alias in child.names:
                    candidate = f"{child.module}.{alias.name}"
                    is_module = (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists()
                    found.append((candidate if is_module else child.module, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def _lib_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _lib_files():
        name = _module_name(path)
        graph[name] = {m for m, _, _ in _imports(path) if m.startswith("lib.") and m != name}
    return graph


def test_layers_import_only_downwards():
    wrong = []
    for path in _lib_files():
        name = _module_name(path)
        for module, line, _ in _imports(path):
            if not module.startswith("lib.") or module == "lib":
                continue
            if _layer(module) not in ALLOWED[_layer(name)]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({_layer(name)}) imports {module} ({_layer(module)})")
    assert wrong == []


def test_nothing_imports_the_command_line_or_the_demo_data():
    wrong = []
    for path in [*_lib_files(), *(ROOT / "views").glob("*.py"), ROOT / "app.py"]:
        name = _module_name(path) if path.is_relative_to(LIB) else str(path.relative_to(ROOT))
        for module, line, _ in _imports(path):
            for edge, allowed in (("lib.cli", ("cli", "entry")), ("lib.demo", ("cli", "demo"))):
                if module.startswith(edge) and not (path.is_relative_to(LIB) and _layer(name) in allowed):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


def test_streamlit_only_in_the_web_layer_and_views():
    wrong = [f"{path.relative_to(ROOT)}:{line}" for path in _lib_files()
             if _layer(_module_name(path)) != "web"
             for module, line, _ in _imports(path) if module.split(".")[0] in ("streamlit",)]
    assert wrong == []


def test_lib_has_no_circle_of_imports():
    graph = _lib_graph()
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    assert circles == []


def test_function_level_imports_of_lib_say_why():
    silent = []
    for path in _lib_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for module, line, inside in _imports(path):
            if inside and module.startswith("lib."):
                said = "#" in lines[line - 1] or lines[line - 2].strip().startswith("#")
                if not said:
                    silent.append(f"{path.relative_to(ROOT)}:{line} imports {module} inside a function")
    assert silent == []


def test_no_registry_held_as_strings():
    found = []
    for path in _lib_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in ("import_module", "__import__") and node.args and not (
                        isinstance(node.args[0], ast.JoinedStr) and path.name == "i18n.py"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # lib/core/i18n.py loads every module of the strings package it finds, by its own name
    assert found == []


def test_no_function_acts_as_the_owner_by_default():
    """Whom a function acts for is a required argument (`who: db.Actor`, or a person's `claims`):
    a default of None once meant "the owner", and a page that forgot it bypassed row-level security."""
    wrong = []
    for path in _lib_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults,
                                strict=True))
            defaults |= {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None}
            for name in ("who", "claims", "_claims"):
                if name in defaults:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({name}=…)")
    assert wrong == []

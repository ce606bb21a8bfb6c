"""Every import points down: no module under locator/ imports (at module level, inside a function or for
type checking) from a module that imports it, and the core never imports the web layer or Flask.

The graph is read from the source with ast, so an import inside a function counts as much as one at the top.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "locator"
WEB_LIBRARIES = ("flask", "flask_cors", "werkzeug")
# What assembles everything and so may import the web layer: the app factory (locator/__init__.py) and the CLI.
ASSEMBLERS = {"locator", "locator.cli"}


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name → file, for every .py under the package (a package's name for its __init__.py)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> list[str]:
    """Every dotted name the file imports, anywhere in it; `from a import b` gives a.b (a module or not)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def graph(package: Path) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """(module → the package's modules it imports, module → every name it imports)."""
    known = modules(package)
    edges: dict[str, set[str]] = {m: set() for m in known}
    names: dict[str, list[str]] = {}
    for module, path in known.items():
        names[module] = imported_names(module, path)
        for name in names[module]:
            target = name
            while target and target not in known:  # `from a.b import f`: the module a.b
                target = target.rpartition(".")[0]
            if target and target != module:
                edges[module].add(target)
    return edges, names


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def describe(component: list[str], edges: dict[str, set[str]]) -> str:
    inside = set(component)
    arrows = [f"  {a} -> {b}" for a in component for b in sorted(edges[a] & inside)]
    return "cycle of " + ", ".join(component) + ":\n" + "\n".join(arrows)


def is_core(module: str) -> bool:
    return module not in ASSEMBLERS and module != "locator.web" and not module.startswith("locator.web.")


def test_no_module_imports_a_module_that_imports_it():
    edges, _ = graph(PACKAGE)
    assert edges["locator.web.app"], "the graph found no imports: the reader is broken"
    found = cycles(edges)
    assert not found, "imports must point one way:\n" + "\n".join(describe(c, edges) for c in found)


def test_the_core_never_imports_the_web_layer_or_flask():
    _, names = graph(PACKAGE)
    assert any(n.startswith("flask") for n in names["locator.web.app"]), "the reader misses the web layer's imports"
    wrong = sorted(
        f"{module} imports {name}"
        for module, imported in names.items() if is_core(module)
        for name in imported
        if name == "locator.web" or name.startswith("locator.web.") or name.split(".")[0] in WEB_LIBRARIES
    )
    assert not wrong, "the core must not import the web layer or Flask:\n" + "\n".join(wrong)


def test_the_checks_see_cycles_through_function_imports_and_relative_imports(tmp_path):
    """The reader and the cycle finder themselves: a cycle closed by an import inside a function, and one
    made with a relative import and a type-checking import, are both found; a chain is not a cycle."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from pkg import b\n",
        "b.py": "def late():\n    from pkg.a import thing\n",
        "sub/__init__.py": "",
        "sub/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.d import D\n",
        "sub/d.py": "from . import c\nfrom ..e import f\n",
        "e.py": "import json\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)
    edges, names = graph(package)
    assert edges["pkg.sub.d"] == {"pkg.sub.c", "pkg.e"}
    assert sorted(cycles(edges)) == [["pkg.a", "pkg.b"], ["pkg.sub.c", "pkg.sub.d"]]
    assert "json" in names["pkg.e"]

"""The house rules, read from the source with ``ast`` (nothing is imported).

Every import statement counts, wherever it is: at module level, inside a function (a deferred
import is still a dependency, usually one hiding a cycle) and under ``if TYPE_CHECKING:`` (a
type-only import is still a dependency of the design; a back-reference for a type hint is
written as a Protocol in the lower layer instead). Importing ``pkg.mod`` also runs
``pkg/__init__.py``: a package whose ``__init__`` imports relay modules (a facade such as
``relay.config``) is a dependency of every module outside it that imports from it. Each test
lists every violation at once, one per line, as ``module:line: what``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "relay"
MAX_LINES = 400

PURE_LAYERS = ("relay.core", "relay.text")
ADAPTERS = ("relay.store", "relay.telegram", "relay.cli", "relay.service", "relay.importer",
            "relay.assist", "relay.site")
PURE_FORBIDDEN = ("telethon", "sqlite3", "aiosqlite", *ADAPTERS, "relay.review")
REVIEW_FORBIDDEN = ("telethon", "relay.telegram", "relay.cli", "relay.service", "relay.assist",
                    "relay.site")
#: Pure modules inside an adapter package: the rules of the translation engines (retries, rate
#: limit, breaker, on a clock passed in), what an engine is, and the chrF/TER arithmetic. They
#: may import the pure layers, config types and each other, and nothing that waits or talks.
PURE_IN_ADAPTERS = ("relay.assist.engine", "relay.assist.policy", "relay.assist.scores")
PURE_MAY_IMPORT = (*PURE_LAYERS, "relay.config", *PURE_IN_ADAPTERS)
IO_MODULES = ("telethon", "sqlite3", "aiosqlite", "asyncio", "socket", "ssl", "urllib", "http",
              "threading", "concurrent", "subprocess", "time", "os", "shutil", "pathlib")
SQL_DRIVERS = ("sqlite3", "aiosqlite")
SQL_CALLS = {"execute", "executemany", "executescript"}
# Upper-case keywords only: SQL in this code base is written that way, and prose ("select
# from the menu", "update the settings") is not SQL.
SQL_LITERAL = re.compile(
    r"\bSELECT\b.*\bFROM\b|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bCREATE\s+(?:VIRTUAL\s+)?TABLE\b|\bPRAGMA\b",
    re.DOTALL,
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. relay.telegram.login
    line: int
    target: str  # what it imports, resolved to a module when it is one of relay's


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = _module_name(path)
        found[name] = Module(name, path, ast.parse(text, filename=str(path)),
                             len(text.splitlines()))
    return found


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports() -> tuple[Import, ...]:
    """Every import in relay/, each ``from a import b`` resolved to ``a.b`` when that is a
    module of relay's, else to ``a``."""
    known = modules()
    found = []
    for module in known.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                found += [Import(module.name, node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, node)
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    found.append(Import(module.name, node.lineno,
                                        child if child in known else base))
    return tuple(found)


def _line_order(violation: str) -> tuple[str, int, str]:
    module, line, rest = (violation.split(":", 2) + ["", ""])[:3]
    return module, int(line) if line.isdigit() else 0, rest


def _fail_on(violations: list[str]) -> None:
    """Fail with every violation, one per line, in module and line order."""
    if violations:
        listed = sorted(set(violations), key=_line_order)
        pytest.fail(f"{len(listed)} violation(s):\n" + "\n".join(listed), pytrace=False)


def _run_on_import(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes executed when a module is imported: all but the bodies of functions."""
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield child
            yield from _run_on_import(child)


def _imports_something(module: Module) -> bool:
    """Does this module (a package's ``__init__``) import anything of relay's when it runs?"""
    return any(isinstance(node, ast.Import | ast.ImportFrom) and _relay_names(module, node)
               for node in _run_on_import(module.tree))


def _relay_names(module: Module, node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return any(_within(alias.name, ("relay",)) for alias in node.names)
    return _within(_resolve(module, node), ("relay",))


def _packages_run(importer: str, target: str) -> list[str]:
    """The packages whose ``__init__`` importing ``target`` runs first and that import relay
    modules themselves (facades such as ``relay.config``, ``relay.site``, ``relay.importer``):
    ``from relay.site.build import x`` runs ``relay/site/__init__.py`` too. A package that
    holds ``importer`` has already run (Python imports a package before its modules), so a
    module importing its sibling adds no edge to its own package."""
    known = modules()
    parts = target.split(".")
    found = []
    for end in range(2, len(parts)):
        package = ".".join(parts[:end])
        if (package in known and known[package].path.name == "__init__.py"
                and not _within(importer, (package,)) and _imports_something(known[package])):
            found.append(package)
    return found


def _graph() -> dict[str, dict[str, int]]:
    """relay module -> {relay module it imports: first line}, the packages whose
    ``__init__`` the import runs included (see :func:`_packages_run`)."""
    known = modules()
    graph: dict[str, dict[str, int]] = {name: {} for name in known}
    for imp in imports():
        if imp.target in known and imp.target != imp.module:
            graph[imp.module].setdefault(imp.target, imp.line)
            for package in _packages_run(imp.module, imp.target):
                graph[imp.module].setdefault(package, imp.line)
    return graph


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as one
    cycle through its members, found by a walk inside the component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)

    cycles = []
    for component in components:
        members = set(component)
        start = component[0]
        path, seen = [start], {start}
        while True:  # follow edges inside the component until a module repeats
            succ = next(s for s in sorted(graph[path[-1]]) if s in members)
            if succ in seen:
                path = path[path.index(succ):] + [succ]
                break
            path.append(succ)
            seen.add(succ)
        cycles.append(path)
    return cycles


def test_no_import_cycles() -> None:
    graph = _graph()
    violations = []
    for cycle in _cycles(graph):
        steps = [f"{a}:{graph[a][b]} imports {b}" for a, b in zip(cycle, cycle[1:], strict=False)]
        violations.append("cycle: " + " -> ".join(cycle) + "\n    " + "\n    ".join(steps))
    _fail_on(violations)


def _layer_violations(layer: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{imp.module}:{imp.line}: imports {imp.target}"
            for imp in imports()
            if _within(imp.module, layer) and _within(imp.target, forbidden)]


def test_pure_layers_import_no_driver_and_no_adapter() -> None:
    violations = _layer_violations(PURE_LAYERS, PURE_FORBIDDEN)
    _fail_on(violations)


def test_review_imports_no_telegram_and_no_entry_point() -> None:
    violations = _layer_violations(("relay.review",), REVIEW_FORBIDDEN)
    _fail_on(violations)


def test_pure_modules_of_adapters_stay_pure() -> None:
    """relay/assist is an adapter (it talks to the engines' network and runs threads), but
    its rules and arithmetic are pure, so they are tested with a fake clock and no server."""
    violations = [f"{imp.module}:{imp.line}: imports {imp.target}"
                  for imp in imports()
                  if imp.module in PURE_IN_ADAPTERS
                  and (_within(imp.target, IO_MODULES)
                       or (_within(imp.target, ("relay",))
                           and not _within(imp.target, PURE_MAY_IMPORT)))]
    missing = [f"{name}: listed in PURE_IN_ADAPTERS but not found"
               for name in PURE_IN_ADAPTERS if name not in modules()]
    _fail_on(violations + missing)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings (documentation, not SQL)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                found.add(id(body[0].value))
    return found


def _string_literals(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, text) of each string literal; an f-string as its text with ``{}`` for values."""
    skip = _docstrings(tree)
    inside_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                inside_fstrings.add(id(value))
                parts.append(value.value if isinstance(value, ast.Constant) else "{}")
            yield node.lineno, "".join(str(p) for p in parts)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in skip and id(node) not in inside_fstrings):
            yield node.lineno, node.value


def test_sql_only_in_the_store() -> None:
    violations = []
    for module in modules().values():
        if _within(module.name, ("relay.store",)):
            continue
        for node in ast.walk(module.tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS):
                violations.append(f"{module.name}:{node.lineno}: calls .{node.func.attr}(")
        for line, text in _string_literals(module.tree):
            if match := SQL_LITERAL.search(text):
                snippet = " ".join(match.group(0).split())[:60]
                violations.append(f"{module.name}:{line}: SQL literal {snippet!r}")
    violations += [f"{imp.module}:{imp.line}: imports {imp.target}" for imp in imports()
                   if not _within(imp.module, ("relay.store",))
                   and _within(imp.target, SQL_DRIVERS)]
    _fail_on(violations)


def test_no_module_over_400_lines() -> None:
    violations = [f"{m.name}:{m.lines}: {m.lines} lines (at most {MAX_LINES})"
                  for m in modules().values() if m.lines > MAX_LINES]
    _fail_on(violations)


# ------------------------------------------------------------------ the checker checks itself
def test_the_checks_see_what_they_look_for() -> None:
    """Cycles are found and reported as a path; SQL literals and prose are told apart."""
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b": 1}, "b": {}}) == []
    # importing a module runs its package's __init__, unless the importer is inside it
    assert _packages_run("relay.core.workflow", "relay.config.settings") == ["relay.config"]
    assert _packages_run("relay.config.load", "relay.config.settings") == []
    assert _packages_run("relay.cli.main", "relay.cli.errors") == []  # an empty __init__
    tree = ast.parse('"""SELECT x FROM y in a docstring is prose."""\n'
                     'q = f"SELECT {cols} FROM messages"\n'
                     'p = "PRAGMA user_version"\n'
                     's = "select it from the menu, then update the settings"\n')
    found = [line for line, text in _string_literals(tree) if SQL_LITERAL.search(text)]
    assert sorted(found) == [2, 3]
    assert all(SQL_LITERAL.search(s) for s in (
        "INSERT OR IGNORE INTO jobs", "UPDATE jobs SET status = ?", "DELETE FROM outbox",
        "CREATE TABLE t (x)", "CREATE VIRTUAL TABLE f USING fts5"))

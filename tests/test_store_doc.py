"""docs/store.md stays true to relay/store: its interface table names every protocol composed
into ``Store`` and each of their methods, and its module table names every module.
Read with ``ast`` like the architecture test: nothing is imported."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "relay" / "store"
DOC = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")


def _protocols() -> dict[str, list[str]]:
    """Every Protocol class in relay/store -> its method names."""
    found: dict[str, list[str]] = {}
    for path in sorted(STORE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id == "Protocol" for b in node.bases):
                found[node.name] = [m.name for m in node.body
                                    if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)]
    return found


def _row(name: str) -> str | None:
    """The interface table's row of protocol ``name`` (its own, or the row that names it)."""
    match = re.search(rf"^\| `{name}`[^\n]*$", DOC, flags=re.MULTILINE) or \
        re.search(rf"^\|[^\n]*`{name}`[^\n]*$", DOC, flags=re.MULTILINE)
    return match.group(0) if match else None


def test_the_interface_table_names_every_protocol_and_method() -> None:
    missing = []
    for name, methods in _protocols().items():
        row = _row(name)
        if row is None:
            missing.append(f"{name}: no row")
            continue
        missing += [f"{name}.{m}" for m in methods if f"`{m}" not in row]
    assert not missing, "docs/store.md lacks:\n" + "\n".join(missing)


def test_the_module_table_names_every_module() -> None:
    table = DOC[DOC.index("| Module | Holds |"):]
    table = table[:table.index("\n\n")]
    missing = [p.name for p in sorted(STORE.glob("*.py"))
               if p.name != "__init__.py" and f"`{p.name}`" not in table]
    assert not missing, f"docs/store.md's module table lacks {missing}"


def test_every_migration_is_listed() -> None:
    numbers = set()
    for name in ("migrations_early.py", "migrations.py"):
        text = (STORE / name).read_text(encoding="utf-8")
        numbers |= {int(n) for n in re.findall(r"^        (\d+),$", text, flags=re.MULTILINE)}
    listed = {int(n) for n in re.findall(r"^\| (\d+) \|", DOC, flags=re.MULTILINE)}
    assert numbers and numbers == listed, (sorted(numbers - listed), sorted(listed - numbers))

"""The two halves of the house (design §12): the runtime never imports `tenant/`.

The runtime is `livevox_async` without its configuration-as-code subpackage
(`livevox_async/tenant/`) and without the command line (`cli.py`, `_cli_*.py`), which
uses both. `tenant/` works through the client's public seam: it never reads another
object's private attribute.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "livevox_async"
TENANT = PACKAGE / "tenant"


def _is_command_line(path: Path) -> bool:
    return path.parent == PACKAGE and (path.name == "cli.py" or path.name.startswith("_cli_"))


def runtime_modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if TENANT not in path.parents and not _is_command_line(path)
    )


def imported_modules(path: Path) -> Iterator[str]:
    """Every module `path` imports, absolute (`livevox_async.tenant._plan`)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_the_runtime_has_modules_and_tenant_is_not_among_them() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in runtime_modules()}
    assert {"_client.py", "_pagination.py", "testing/_simulator.py"} <= names
    assert not any(name.startswith("tenant/") or name == "cli.py" for name in names)


@pytest.mark.parametrize("path", runtime_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_runtime_module_imports_tenant(path: Path) -> None:
    assert [m for m in imported_modules(path) if m.startswith("livevox_async.tenant")] == []


def test_the_import_reader_sees_relative_imports_of_tenant() -> None:
    imports = set(imported_modules(PACKAGE / "_cli_plan.py"))
    assert "livevox_async.tenant" in imports


@pytest.mark.parametrize("path", sorted(TENANT.glob("*.py")), ids=lambda p: p.name)
def test_tenant_reads_no_private_attribute_of_another_object(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        f"{path.name}:{node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
    ]
    assert private == []

"""The architecture holds: imports only point down the layers, no import circles between the
modules of a package (import-linter, pyproject.toml [tool.importlinter]), and no module
imports another module's private name."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the contracts of pyproject.toml on the ``mktkit`` found in
    ``package_parent`` (import-linter puts its working directory first on ``sys.path``)."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    config = str(ROOT / "pyproject.toml")
    cmd = [str(LINT_IMPORTS), "--no-cache", "--config", config]
    return subprocess.run(cmd, cwd=package_parent, env=env, capture_output=True, text=True)


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # analysis importing presentation
        ("kpi.py", "import mktkit.tables", "Layers"),
        # a circle inside a package: levels imports the engines' caller
        ("funnel/levels.py", "import mktkit.funnel.events", "No import circles"),
    ],
)
def test_a_broken_contract_is_caught(tmp_path, module, line, broken):
    # Control: the same contracts on a copy of the package with one bad import added.
    copy = tmp_path / "mktkit"
    shutil.copytree(ROOT / "mktkit", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / module, "a", encoding="utf-8") as fh:
        fh.write(f"\n{line}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout


def private_imports(package: Path) -> list[str]:
    """``from mktkit.x import _name`` of every module of ``package``, where ``mktkit.x`` is
    another module (a package's ``__init__`` importing from its own submodules included)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mktkit"):
                found += [
                    f"{path.relative_to(package.parent)}:{node.lineno} {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    return found


def test_no_module_imports_a_private_name_of_another():
    assert private_imports(ROOT / "mktkit") == []


def test_a_private_import_is_caught(tmp_path):
    (tmp_path / "mktkit").mkdir()
    (tmp_path / "mktkit" / "a.py").write_text("from mktkit.kpi import _first_orders\n")
    assert private_imports(tmp_path / "mktkit") == ["mktkit/a.py:1 mktkit.kpi._first_orders"]

"""environment.yml (conda) must list exactly the dependencies of pyproject.toml (+ dev and spark
extras); the Java runtime Spark needs is the one conda-only entry."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_ONLY = ("openjdk",)  # Spark's JVM: pip users install Java themselves (README)
SPLIT = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def _parse(spec: str) -> tuple[str, str]:
    name, version = SPLIT.match(spec.strip()).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    specs = project["dependencies"] + extras["dev"] + extras["spark"]
    return dict(_parse(s) for s in specs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs: list[str] = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            specs += [s for s in item["pip"] if not s.startswith("-e")]
        elif item.startswith(CONDA_ONLY):
            continue
        elif not item.startswith(("python", "pip")) or item.startswith("python-"):
            specs.append(item)
    return dict(_parse(s) for s in specs)


def test_environment_yml_mirrors_pyproject():
    assert _environment() == _pyproject()


def test_parser_sees_a_drift():
    # The comparison above is only worth something if a changed pin shows up.
    assert _parse("pandas>=3.0,<4") != _parse("pandas>=2.2,<4")
    assert _parse("seaborn == 0.13.2") == ("seaborn", "==0.13.2")


def test_python_floor_matches():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]

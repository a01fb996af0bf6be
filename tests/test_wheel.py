"""The package works installed from its wheel, outside the source checkout: the templates and
the course notebooks ship inside it, and the sample company is generated on first use.

The wheel is built from a copy of the checkout and installed into a fresh virtual environment
in a temporary folder. The environment borrows this one's dependencies through a ``.pth`` line
(installing pandas, matplotlib, papermill... again would take minutes and the network); the
line adds the dependencies' folder to ``sys.path`` only, so the editable install of the checkout
in that folder (a ``.pth`` hook of its own, which Python does not read there) is not imported:
the test asserts where ``mktkit`` comes from, in the interpreter and in the report's kernel.
The dependencies' data files (nbconvert's page templates, ipykernel's kernel spec) are found
where a real install puts them, under an environment's ``share/jupyter``, through
``JUPYTER_PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(cmd: list, cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a fresh venv with the wheel installed, a working folder outside the checkout,
    the environment to run it with)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "reports", "build", "dist", "*.egg-info", "__pycache__", ".*cache",
            ".hypothesis", "course",
        ),
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MKTKIT_SAMPLE_DIR")}
    env["XDG_CACHE_HOME"] = str(tmp / "cache")  # the installed package generates its sample here
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source], tmp, env)
    (wheel,) = dist.glob("mktkit-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    python = venv / "bin" / "python"
    purelib = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp, env
        ).stdout.strip()
    )
    # this environment's packages (the dependencies) after the venv's own (the wheel)
    (purelib / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", purelib, wheel],
         tmp, env)  # fmt: skip
    work = tmp / "work"
    work.mkdir()
    return python, work, env, purelib


def test_the_installed_package_is_the_wheel(installed):
    python, work, env, purelib = installed
    code = (
        "import json, mktkit, mktkit.report, mktkit.training.core as c;"
        "from jupyter_client.manager import KernelManager as K;"
        "print(json.dumps([mktkit.__file__, str(mktkit.report.TEMPLATES_DIR),"
        " str(c.NOTEBOOKS_DIR), K(kernel_name='python3').format_kernel_cmd()[0]]))"
    )
    package, templates, notebooks, kernel = json.loads(
        _run([python, "-c", code], work, env).stdout.strip().splitlines()[-1]
    )
    assert Path(package).is_relative_to(purelib)
    assert sorted(p.name for p in Path(templates).glob("*.ipynb")) == [
        "campaign_review.ipynb",
        "monthly_review.ipynb",
        "strategy_workshop.ipynb",
        "weekly_brief.ipynb",
    ]
    assert len(list(Path(notebooks).glob("0[1-9]_*.ipynb"))) == 14
    assert Path(kernel) == python  # the report's kernel runs the venv's interpreter too


def test_an_installed_wheel_renders_the_monthly_review(installed):
    python, work, env, purelib = installed
    mktkit_cli = [python, "-m", "mktkit.cli"]
    cmd = [*mktkit_cli, "render", "monthly_review", "--month", "2026-10", "--lang", "en"]
    out = _run(cmd, work, env, timeout=900).stdout
    report = work / "reports" / "monthly_review-2026-10-all-en"
    assert "reports/monthly_review-2026-10-all-en/report.html" in out
    page = (report / "report.html").read_text(encoding="utf-8")
    # the sections of the sample's October: its planted checkout leak and a funnel figure
    assert "New leak" in page and page.count("data:image/png") >= 7
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    generated = Path(env["XDG_CACHE_HOME"]) / "mktkit"
    read = manifest["sources"]["files"]
    assert set(read) == set(manifest["inputs"]) and "orders" in read
    assert all(Path(p).is_relative_to(generated) for p in read.values())


def test_an_installed_wheel_copies_the_course(installed):
    python, work, env, _ = installed
    _run([python, "-m", "mktkit.cli", "course", "--out", "mine"], work, env)
    copied = sorted(p.name for p in (work / "mine").glob("*.ipynb"))
    assert len(copied) == 14 and copied[0] == "01_goals_and_kpis.ipynb"

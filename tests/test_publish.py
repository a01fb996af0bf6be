"""Publishing survives a kill and a race: at every instant a reader finds the previous report or
the new one, whole; what a killed render left is cleaned on the next run; two renders of one
report are serialised. And the same data in two folders give the same report.html."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mktkit.errors import InputError
from mktkit.report import render, validate_params
from mktkit.report.batch import _batch_one
from mktkit.report.publish import PAUSE_ENV, clean_stale, make_staging, publish
from mktkit.report.specs import safe_part

ROOT = Path(__file__).resolve().parents[1]
PARAMS = 'month = "2026-10"\nregion = "all"\nlang = "zh"\ndata_dir = None\nspark_events = None'


def _template(folder: Path, text: str) -> Path:
    """A stand-in monthly_review.ipynb that shows ``text``: a render of a second or two."""
    nb = new_notebook(
        cells=[
            new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
            new_code_cell(f"from IPython.display import HTML\nHTML({text!r})"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "monthly_review.ipynb")
    return folder


def _render_in_process(templates: Path, out: Path, env: dict | None = None) -> subprocess.Popen:
    code = textwrap.dedent(
        f"""
        from mktkit.report import render
        render("monthly_review", out_dir={str(out)!r}, templates_dir={str(templates)!r},
               force=True)
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the render never reached its pause"
        time.sleep(0.05)


def _published(out: Path) -> str:
    return (out / "monthly_review-2026-10-all-zh" / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("step", ["staged", "swapped"])
def test_a_render_killed_while_publishing_leaves_a_whole_report(tmp_path, step):
    out = tmp_path / "reports"
    render("monthly_review", out_dir=out, templates_dir=_template(tmp_path / "old", "OLD-PAGE"))
    assert "OLD-PAGE" in _published(out)
    marker = tmp_path / "paused"
    proc = _render_in_process(_template(tmp_path / "new", "NEW-PAGE"), out,
                              {PAUSE_ENV: f"{step}:{marker}"})  # fmt: skip
    _wait_for(marker, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # killed before the swap: the old report; after it: the new one. Whole either way.
    page = _published(out)
    assert ("OLD-PAGE" if step == "staged" else "NEW-PAGE") in page
    assert page.rstrip().endswith("</html>")
    left = [p for p in out.iterdir() if p.name.startswith(".monthly_review")]
    assert left, "the killed render left its staging folder (cleaned below)"
    render("monthly_review", out_dir=out, templates_dir=tmp_path / "new")
    assert "NEW-PAGE" in _published(out)
    assert [p.name for p in out.iterdir() if p.name.startswith(".monthly_review")] == []


@pytest.mark.slow
def test_two_renders_of_one_report_are_serialised(tmp_path):
    out = tmp_path / "reports"
    templates = _template(tmp_path / "t", "RACE")
    procs = [_render_in_process(templates, out) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    assert "RACE" in _published(out)
    assert sorted(p.name for p in out.iterdir()) == [".locks", "monthly_review-2026-10-all-zh"]


def test_publish_swaps_and_cleans(tmp_path):
    final = tmp_path / "r"
    for text in ("one", "two"):
        staging = make_staging(tmp_path, "r")
        (staging / "report.html").write_text(text)
        publish(staging, final)
    assert (final / "report.html").read_text() == "two"
    stale = make_staging(tmp_path, "r")  # as a killed render leaves it
    other = make_staging(tmp_path, "r.b")  # another report's, whose name starts alike
    assert clean_stale(tmp_path, "r") == [stale] and other.exists()


@pytest.mark.slow
def test_the_same_data_in_another_folder_give_a_byte_identical_report(tmp_path):
    from test_report import SAMPLE

    copy = shutil.copytree(SAMPLE, tmp_path / "elsewhere" / "my data")
    default = render("monthly_review", out_dir=tmp_path / "a", month="2026-10", lang="zh")
    moved = render("monthly_review", out_dir=tmp_path / "b", month="2026-10", lang="zh",
                   data_dir=str(copy))  # fmt: skip
    assert (moved / "report.html").read_bytes() == (default / "report.html").read_bytes()
    assert str(tmp_path) not in (moved / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"month": "2026-09\n"}, "line break"),
        ({"month": "2026-09 "}, "is not valid"),
        ({"region": "east\x00"}, "control character"),
        ({"lang": "zh\n"}, "line break"),
    ],
)
def test_parameters_are_checked_whole_before_a_kernel_starts(params, words):
    with pytest.raises(InputError, match=words):
        validate_params("monthly_review", params, with_data=False)


def test_a_value_that_names_a_folder_is_made_safe():
    assert safe_part("east") == "east" and safe_part("华东") == "华东"
    assert "/" not in safe_part("华东/华南") and safe_part("华东/华南") != safe_part("华东_华南")
    assert not safe_part("..").startswith(".") and not safe_part(".hidden").startswith(".")


def test_a_list_given_to_render_is_refused():
    from typer.testing import CliRunner

    from mktkit.cli import app

    for values in ("region=,east", "region=east,west"):
        result = CliRunner().invoke(app, ["render", "monthly_review", "-p", values])
        assert result.exit_code == 2, result.output
        assert "region" in result.stderr and "Traceback" not in result.output


def test_a_batch_item_that_fails_unexpectedly_is_a_failed_item(monkeypatch, tmp_path):
    import importlib

    batch_module = importlib.import_module("mktkit.report.batch")  # the package's `batch` is
    # the function

    def broken(*args, **kwargs):
        raise FileNotFoundError("staging folder vanished")

    class NoKernel:
        has_kernel = False

    monkeypatch.setattr(batch_module, "render_one", broken)
    monkeypatch.setattr(batch_module, "_worker_kernel", lambda: NoKernel())
    item = _batch_one("monthly_review", {"month": "2026-10"}, str(tmp_path), False)
    assert item.status == "failed" and "FileNotFoundError" in item.error

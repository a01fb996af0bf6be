"""The `mktkit` command as a user types it: exit codes and one-line messages.

The commands run in this process through typer's ``CliRunner`` (what a subprocess would add is
the interpreter's start-up); one test starts the installed ``mktkit`` script itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mktkit.cli import app

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["render", "nope", "--month", "2026-10"], "unknown template 'nope'"),
        (["render", "monthly_review", "--month", "2026-13"], "'2026-13' is not valid"),
        (["render", "monthly_review", "--month", "2031-01"], "not in the data"),
        (["render", "monthly_review", "--region", "mars"], "'mars' is not a region"),
        (["render", "monthly_review", "--lang", "fr"], "'fr' is not allowed"),
        (["render", "strategy_workshop", "--month", "2026-10"], "unknown parameter(s) 'month'"),
        (["render", "strategy_workshop", "--swot", "nope.yaml"], "nope.yaml does not exist"),
        (["batch", "monthly_review", "--grid", "month"], "is not NAME=VALUE"),
    ],
)
def test_bad_parameters_are_refused_with_exit_code_2(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args, "--out", str(tmp_path / "reports"))
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())  # rich may wrap a long line
    assert words in message
    assert "Traceback" not in result.output
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_params_lists_the_parameters():
    result = run("params", "monthly_review")
    assert result.exit_code == 0, result.output
    for name in ("month", "region", "lang", "data_dir", "YYYY-MM"):
        assert name in result.stdout


def test_params_of_an_unknown_template():
    result = run("params", "nope")
    assert result.exit_code == 2
    assert "monthly_review" in result.stderr


def test_the_installed_command_starts():
    # the console script of pyproject.toml [project.scripts], as a user's shell runs it
    script = Path(sys.executable).with_name("mktkit")
    done = subprocess.run([script, "params", "weekly_brief"], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "YYYY-Www" in done.stdout


@pytest.mark.slow
def test_sample_command_regenerates_the_committed_files(tmp_path):
    result = run("sample", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    for name in ("orders.csv", "channel_daily.csv", "events.parquet", "swot.yaml"):
        committed = ROOT / "data" / "sample" / name
        assert (tmp_path / "s" / name).read_bytes() == committed.read_bytes(), name

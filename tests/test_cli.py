"""The `mktkit` command as a user types it: exit codes and one-line messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MKTKIT = [sys.executable, "-m", "mktkit.cli"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*MKTKIT, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


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
    ],
)
def test_render_refuses_bad_parameters_with_exit_code_2(args, words, tmp_path):
    result = run(*args, "--out", str(tmp_path / "reports"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())  # rich may wrap a long line
    assert words in message
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_params_lists_the_parameters(tmp_path):
    result = run("params", "monthly_review", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("month", "region", "lang", "data_dir", "YYYY-MM"):
        assert name in result.stdout


def test_params_of_an_unknown_template(tmp_path):
    result = run("params", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert "monthly_review" in result.stderr


@pytest.mark.slow
def test_sample_command_regenerates_the_committed_files(tmp_path):
    result = run("sample", "--out", str(tmp_path / "s"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("orders.csv", "channel_daily.csv", "events.parquet", "swot.yaml"):
        committed = ROOT / "data" / "sample" / name
        assert (tmp_path / "s" / name).read_bytes() == committed.read_bytes(), name

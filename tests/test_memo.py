"""mktkit.data.memo: a review function runs once per data files and arguments, hands out copies,
and runs again when a file changes or when the data cannot be named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from mktkit.data.folder import data_until
from mktkit.data.memo import clear, memoized
from mktkit.data.sample import load_sample

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _counting():
    calls = []

    @memoized
    def experiment_users(data, experiment, columns=("users",)):
        calls.append(experiment)
        t = data["experiments"]
        return t.loc[t["experiment"] == experiment, list(columns)].reset_index(drop=True)

    return experiment_users, calls


def test_runs_once_per_files_and_arguments_and_hands_out_copies(tmp_path):
    clear()
    shutil.copytree(SAMPLE, tmp_path / "s")
    f, calls = _counting()
    first = f(load_sample(tmp_path / "s"), "homepage_hero")
    first.loc[0, "users"] = -1  # the caller's copy only
    again = f(load_sample(tmp_path / "s"), "homepage_hero")  # a new object, the same files
    assert calls == ["homepage_hero"]
    assert again["users"].tolist() == [30019, 29981]  # data/sample/README.md, fact 8
    f(load_sample(tmp_path / "s"), "homepage_hero", columns=["conversions"])
    f(load_sample(tmp_path / "s"), "checkout_button")
    assert calls == ["homepage_hero", "homepage_hero", "checkout_button"]
    # a changed file is a new key
    path = tmp_path / "s" / "experiments.csv"
    path.write_text(path.read_text().replace("30019", "30020"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert f(load_sample(tmp_path / "s"), "homepage_hero")["users"].tolist() == [30020, 29981]
    assert calls[-1] == "homepage_hero" and len(calls) == 4


def test_data_that_cannot_be_named_is_computed_every_time(tmp_path):
    clear()
    f, calls = _counting()
    table = pd.DataFrame({"experiment": ["a"], "users": [10]})
    f({"experiments": table}, "a")
    f({"experiments": table}, "a")
    assert calls == ["a", "a"]

    @memoized
    def with_table(data, frame):
        calls.append("t")
        return len(frame)

    sample = load_sample()
    with_table(sample, table)
    with_table(sample, table)
    assert calls[-2:] == ["t", "t"]


def test_a_cut_off_day_is_part_of_the_key():
    clear()
    calls = []

    @memoized
    def last_order(data):
        calls.append(1)
        return data["orders"]["order_date"].max()

    sample = load_sample()
    assert str(last_order(data_until(sample, "2026-10-18")).date()) == "2026-10-18"
    assert str(last_order(data_until(sample, "2026-10-18")).date()) == "2026-10-18"
    assert str(last_order(sample).date()) == "2026-10-31"
    assert len(calls) == 2

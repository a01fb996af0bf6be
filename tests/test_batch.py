"""mktkit batch: a grid rendered in parallel, past failures, reused when unchanged, indexed."""

from __future__ import annotations

import re

import pytest

from mktkit.report import batch, expand_grid


def test_expand_grid_orders_the_combinations():
    grid = {"month": ["2026-09", "2026-10"], "region": ["all", "east"], "lang": ["zh"]}
    combos = expand_grid(grid)
    assert len(combos) == 4
    assert combos[0] == {"month": "2026-09", "region": "all", "lang": "zh"}
    assert combos[-1] == {"month": "2026-10", "region": "east", "lang": "zh"}


@pytest.mark.slow
def test_batch_goes_past_a_failure_reuses_and_indexes(tmp_path):
    grid = {"month": ["2026-10"], "region": ["east", "mars"], "lang": ["en"]}
    seen = []
    items = batch("monthly_review", grid, jobs=2, out_dir=tmp_path, on_done=seen.append)
    assert [i.status for i in items] == ["rendered", "failed"]
    assert len(seen) == 2
    assert (items[0].path / "report.html").is_file()
    assert "'mars' is not a region" in items[1].error
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="monthly_review-2026-10-east-en/report.html"' in index
    assert re.search(r'<tr class="failed">.*?mars.*?is not a region', index)
    before = (items[0].path / "report.html").stat().st_mtime_ns
    # unchanged inputs and parameters: the manifest's fingerprint says reuse
    again = batch("monthly_review", {**grid, "region": ["east"]}, out_dir=tmp_path)
    assert [i.status for i in again] == ["reused"]
    assert (items[0].path / "report.html").stat().st_mtime_ns == before
    forced = batch("monthly_review", {**grid, "region": ["east"]}, out_dir=tmp_path, force=True)
    assert [i.status for i in forced] == ["rendered"]


@pytest.mark.slow
def test_a_warm_kernel_gives_the_report_a_fresh_one_gives(tmp_path):
    # The batch renders reports one after another in one kernel per worker (imports and
    # validated tables stay warm). A report rendered there after another one, in the other
    # language and region, must be byte-identical to the same report rendered alone.
    from mktkit.report import render

    grid = {"month": ["2026-10"], "region": ["west", "south"], "lang": ["zh", "en"]}
    items = batch("monthly_review", grid, jobs=1, out_dir=tmp_path / "batch")
    assert [i.status for i in items] == ["rendered"] * 4
    alone = render(
        "monthly_review", out_dir=tmp_path / "alone", month="2026-10", region="south", lang="en"
    )
    warm = tmp_path / "batch" / alone.name / "report.html"
    assert warm.read_bytes() == (alone / "report.html").read_bytes()

"""The monthly review with its event log in Spark (issue #10): the funnel and the leak onset
run in Spark, through the session the environment configures, and read as with DuckDB."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the Spark extra is not installed: pip install '.[spark]'")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("Spark needs Java 17+ (no java on PATH and no JAVA_HOME)", allow_module_level=True)

from mktkit.errors import InputError
from mktkit.report import render, validate_params
from mktkit.report.specs import TEMPLATES

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_spark_events_is_checked_and_never_reused():
    with pytest.raises(InputError, match="not valid"):
        validate_params("monthly_review", {"spark_events": 'x"); import os'}, with_data=False)
    _, values = validate_params("monthly_review", {"spark_events": "lake.events"})
    found = TEMPLATES["monthly_review"].prepare(values)
    # a Spark table cannot be hashed into the manifest: render anew every time
    assert found.reusable is False and "events" not in found.files


@pytest.mark.slow
def test_the_review_reads_its_funnel_from_spark(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(SAMPLE, folder)
    (folder / "events.parquet").unlink()  # the funnel can only come from Spark
    out = render(
        "monthly_review",
        out_dir=tmp_path / "reports",
        data_dir=str(folder),
        spark_events=str(SAMPLE / "events.parquet"),
        lang="en",
    )
    page = (out / "report.html").read_text(encoding="utf-8")
    # data/sample/README.md and the DuckDB review: checkout -> purchase 59.7% in 2026-09 and
    # 39.4% in 2026-10, newly leaking, since 2026-10-09
    assert "Checkout funnel" in page
    assert "59.7%" in page and "39.4%" in page
    assert "it dropped on 2026-10-09" in page
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["spark_events"].endswith("events.parquet")
    assert "events" not in manifest["inputs"]

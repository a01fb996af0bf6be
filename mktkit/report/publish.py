"""Publish a rendered report: the staging folder replaces the published one by renames.

A reader of ``reports/<name>/`` sees the old report or the new one, never half of either;
a failed render never touches the last good report.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> staging = make_staging(out, "monthly_review-2026-10-all-zh")
>>> (staging / "report.html").write_text("<p>new</p>")
10
>>> publish(staging, out / "monthly_review-2026-10-all-zh")
>>> (out / "monthly_review-2026-10-all-zh" / "report.html").read_text()
'<p>new</p>'
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def make_staging(out_dir: Path, name: str) -> Path:
    """A fresh hidden folder beside the published report, readable as a published one is."""
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; a published report is readable as usual
    return staging


def publish(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames, so a reader never sees half a report."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)

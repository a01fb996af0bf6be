"""Print a report's HTML to an A4 PDF with a headless Chromium already on the machine.

The kit never downloads a browser: it looks for ``$MKTKIT_CHROMIUM``, then ``chromium``,
``chromium-browser``, ``google-chrome`` on the PATH. The page's own print CSS (``@page { size:
A4 }``) sets the paper; Chromium's header and footer (date, file path) are switched off, the
report has its own footer.

Examples
--------
>>> from mktkit.report.pdf import find_chromium
>>> find_chromium() is None or find_chromium().name.startswith(("chrom", "google"))
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mktkit.errors import InputError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Print offline and quietly: no sandbox (root in containers), no GPU, no background traffic.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: apt-get install chromium) or set MKTKIT_CHROMIUM to the "
    "path of a Chromium or Chrome executable; the HTML report needs no browser"
)


def find_chromium() -> Path | None:
    """The Chromium to print with, or None when there is none."""
    given = os.environ.get("MKTKIT_CHROMIUM")
    if given:
        return Path(given) if Path(given).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def require_chromium() -> Path:
    """Like :func:`find_chromium`, but raise :class:`InputError` saying how to get one."""
    found = find_chromium()
    if found is None:
        raise InputError("--pdf needs a headless Chromium and none was found", fix=INSTALL_HINT)
    return found


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: int = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4, the page's print styles).

    Raises
    ------
    InputError
        No Chromium found.
    RuntimeError
        Chromium failed or wrote no PDF; its message is included.
    """
    chromium = require_chromium()
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="mktkit-chromium-") as profile:
        cmd = [
            str(chromium),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"Chromium took more than {timeout} s to print") from exc
    if done.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"Chromium could not print {html_path.name}: " + " | ".join(tail))
    return pdf_path

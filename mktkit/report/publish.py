"""Publish a rendered report so that a reader always finds a whole one, and two renders of one
report never trip over each other.

- A render works in a hidden staging folder beside the report (:func:`make_staging`).
- :func:`publish` swaps the staging folder and the published one in one step (Linux's
  ``renameat2(RENAME_EXCHANGE)``): at every instant ``reports/<name>/`` is the previous report
  or the new one, whole. Where the system cannot swap, two renames do it (with a moment
  without the folder), and the first publish is one rename.
- :func:`report_lock` serialises the renders of one report: the second waits, then finds the
  first's report (and reuses it when nothing changed). The lock is a ``flock`` on a file in
  ``reports/.locks/``, which the system drops when its process dies, however it dies.
- :func:`clean_stale` removes what a killed render left: staging folders of that report and the
  old copy a swap had not yet deleted. It runs under the lock, so no live render's folder is
  touched.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> for text in ("old", "new"):
...     staging = make_staging(out, "r")
...     _ = (staging / "report.html").write_text(text)
...     publish(staging, out / "r")
>>> (out / "r" / "report.html").read_text(), sorted(p.name for p in out.iterdir())
('new', ['r'])
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: ``renameat2``'s flag for an atomic swap of two paths (linux/fs.h).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

#: Test hook: ``MKTKIT_PUBLISH_PAUSE=<step>:<file>`` makes a render write ``<file>`` at
#: ``<step>`` (``staged``, ``swapped``) and wait there, so a test can kill it at that point.
PAUSE_ENV = "MKTKIT_PUBLISH_PAUSE"


def _pause(step: str) -> None:
    hook = os.environ.get(PAUSE_ENV, "")
    name, _, marker = hook.partition(":")
    if name == step and marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        while True:  # until the test kills this process
            time.sleep(0.05)


def make_staging(out_dir: Path, name: str) -> Path:
    """A fresh hidden folder beside the published report, readable as a published one is."""
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=out_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; a published report is readable as usual
    return staging


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def publish(staging: Path, final: Path) -> None:
    """Make ``staging`` the published ``final``: swapped in one step (see the module), the
    previous report then deleted."""
    _pause("staged")
    if not final.exists():
        staging.rename(final)
        return
    if _exchange(staging, final):
        _pause("swapped")
        shutil.rmtree(staging, ignore_errors=True)  # now the previous report
        return
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def clean_stale(out_dir: Path, name: str) -> list[Path]:
    """Remove the staging folders and old copies a killed render of report ``name`` left.

    Call it holding :func:`report_lock` of ``name``: then no render of it is running.
    """
    gone = [*out_dir.glob(f".{name}.staging-*"), out_dir / f".{name}.old"]
    gone = [p for p in gone if p.is_dir()]
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return gone


@contextlib.contextmanager
def report_lock(out_dir: Path, name: str) -> Iterator[None]:
    """Hold the lock of report ``name`` in ``out_dir`` (waiting for another render of it)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): renders of one report are not serialised there
        yield
        return
    locks = out_dir / ".locks"  # one hidden folder for them, beside the reports
    locks.mkdir(exist_ok=True)
    with open(locks / f"{name}.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

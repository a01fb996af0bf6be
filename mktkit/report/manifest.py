"""The manifest of a report: what determined it, hashed into one fingerprint.

``manifest.json`` beside every report holds the parameters, the SHA-256 of every input file
and of the template, the package versions and the data's last day; their hash is the
*fingerprint* shown in the report's footer. The same inputs give the same fingerprint (and a
byte-identical ``report.html``), and a report whose fingerprint has not changed is reused
rather than rendered again.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> published_fingerprint(folder) is None          # no report there
True
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from mktkit.report.specs import PATH_PARAMS, Inputs, Template

VERSIONED = (
    "mktkit",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "pandera",
    "papermill",
    "nbconvert",
    "statsmodels",
    "duckdb",
    "mplfonts",
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _relative(path: Path, folder: Path | None) -> str:
    """``path`` relative to the data folder when it is inside it, else its file name."""
    if folder is not None:
        try:
            return path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def build_manifest(
    spec: Template, values: dict[str, Any], template_path: Path, found: Inputs
) -> dict[str, Any]:
    """The manifest of a report: what determines it, and its fingerprint.

    Inputs are named by their path relative to the data folder and identified by their
    SHA-256, or by the SHA-256 of the rows the report reads when that is less (``read_sha256``:
    a past month's review reads its tables up to the month's end, so rows added later leave
    its fingerprint unchanged); the parameters that are paths (``data_dir``, ``swot``, ``mix``) count by the
    content they point to, not by where it lies: the same data copied to two folders give the
    same fingerprint and the same ``report.html``. Where they lie (the path parameters and
    each file's absolute path) is kept outside the fingerprint (``sources``), for the record.
    """
    folder = Path(values["data_dir"]) if values.get("data_dir") else None
    inputs = {
        name: {"path": _relative(p, folder), "sha256": sha256(p)}
        | ({"read_sha256": found.digests[name]} if name in found.digests else {})
        for name, p in sorted(found.files.items())
    }
    determined = {
        "template": spec.name,
        "template_sha256": sha256(template_path),
        "parameters": {k: v for k, v in values.items() if k not in PATH_PARAMS},
        # what the report read: a dated table's rows up to the period's end, else the file
        "inputs": {k: v.get("read_sha256", v["sha256"]) for k, v in inputs.items()},
        "versions": versions(),
        "data_end": found.data_end,
    }
    canonical = json.dumps(determined, sort_keys=True, ensure_ascii=False).encode()
    return {
        **determined,
        "inputs": inputs,
        "sources": {k: values[k] for k in PATH_PARAMS if values.get(k)}
        | {"files": {name: str(p.resolve()) for name, p in sorted(found.files.items())}},
        "fingerprint": hashlib.sha256(canonical).hexdigest(),
    }


def published_fingerprint(folder: Path) -> str | None:
    """The fingerprint of a complete published report in ``folder``, else None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("fingerprint") if (folder / "report.html").is_file() else None

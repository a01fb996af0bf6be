"""The sample company: where its files are, and :func:`load_sample`.

The repository ships the sample in ``data/sample/``; an installed package without it generates
the same files (seeded, byte-identical) into a cache folder on first use.

Examples
--------
>>> data = load_sample()                              # doctest: +SKIP
>>> sorted(data)[:3]                                  # doctest: +SKIP
['campaigns', 'channel_daily', 'customers']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from mktkit import __version__
from mktkit.data.folder import SAMPLE_FILES, DataFolder, load_data
from mktkit.data.generate import generate_sample
from mktkit.errors import InputError


def _complete(folder: Path) -> bool:
    return folder.is_dir() and all((folder / f).is_file() for f in SAMPLE_FILES.values())


def _repo_sample_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "sample"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mktkit" / f"sample-{__version__}"


def sample_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the sample company is: ``path``, else ``$MKTKIT_SAMPLE_DIR``, else the repository's
    ``data/sample``, else a user cache directory, generated there on first use."""
    for given, source in (
        (path, "path"),
        (os.environ.get("MKTKIT_SAMPLE_DIR"), "MKTKIT_SAMPLE_DIR"),
    ):
        if given:
            folder = Path(given)
            if not folder.is_dir():
                raise InputError(
                    f"sample directory not found: {folder} (from {source})",
                    fix="point it to a folder made by `mktkit sample`, or leave it unset to use "
                    "the bundled sample",
                )
            return folder
    repo = _repo_sample_dir()
    if _complete(repo):
        return repo
    cache = _cache_dir()
    if not _complete(cache):
        _generate_into(cache)
    return cache


def _generate_into(target: Path) -> None:
    """Generate the sample in a temporary sibling folder, then move it in place, so that an
    interrupted or concurrent run never leaves a half-written sample behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
    try:
        generate_sample(tmp)
        if target.exists():
            shutil.rmtree(target)
        try:
            os.replace(tmp, target)
        except OSError:
            if not _complete(target):  # another process won the race with a complete copy
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def load_sample(path: str | os.PathLike[str] | None = None) -> DataFolder:
    """Open the sample company: a dict-like of validated tables, loaded on first access.

    Parameters
    ----------
    path : str or path-like, optional
        The sample directory. Default: ``$MKTKIT_SAMPLE_DIR``, else the repository's
        ``data/sample``, else a cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, then
        ``mktkit/sample-<version>``) where it is generated on first use.

    Returns
    -------
    DataFolder
        Keys: channel_daily, events, customers, orders, kpi_targets, nps, experiments,
        campaigns (validated DataFrames), swot, marketing_mix (dicts from the YAML files).

    Examples
    --------
    >>> data = load_sample()                              # doctest: +SKIP
    >>> data["orders"].dtypes["order_date"]               # doctest: +SKIP
    dtype('<M8[ns]')
    """
    return DataFolder(sample_dir(path))


def open_data(data_dir: str | os.PathLike[str] | None = None) -> DataFolder:
    """The folder ``data_dir`` of your own tables (read through its mktkit.yaml), or the sample
    company when it is None: what every report's ``data_dir`` parameter opens.

    Examples
    --------
    >>> open_data().path == sample_dir()
    True
    """
    return load_sample() if data_dir is None else load_data(data_dir)

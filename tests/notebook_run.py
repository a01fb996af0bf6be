"""Execute a notebook on a real kernel the way the notebook tests do, and read the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def execute(path: Path, out: Path, cwd: Path) -> Any:
    """Run ``path`` top to bottom with papermill into ``out``; return the executed notebook."""
    import nbformat
    import papermill

    papermill.execute_notebook(
        str(path),
        str(out),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(cwd),
        execution_timeout=600,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    return nbformat.read(out, as_version=4)

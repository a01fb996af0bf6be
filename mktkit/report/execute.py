"""Execute a report template with papermill on a real kernel, and name the failing cell.

The executed notebook is written once, when execution ends (however it ends: a failing cell,
a timeout, a dead kernel), the kernel is stopped at once when it is done, and a failure is a
:class:`RenderError` that names the cell, its error and the notebook kept for debugging.

Examples
--------
>>> str(RenderError("cell 3 failed: KeyError: 'nps'"))
"cell 3 failed: KeyError: 'nps'"
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from typing import Any


class RenderError(RuntimeError):
    """A template failed to execute or export; the last good report was kept.

    Attributes
    ----------
    cell : int or None
        Execution count of the failing cell, when a cell failed.
    ename, evalue : str
        The error's name and value as the kernel reported them.
    failed_notebook : Path or None
        The executed notebook up to the failure, kept for debugging.
    """

    def __init__(self, message: str, *, cell=None, ename="", evalue="", failed_notebook=None):
        super().__init__(message)
        self.cell, self.ename, self.evalue = cell, ename, evalue
        self.failed_notebook = failed_notebook


#: Tags of the cells the pipeline adds to a template before running it (not the template's).
ADDED_CELLS = ("injected-parameters", "report-setup", "reset")

# Run before the template, in the kernel: figures as PNG. Constrained layout (the report theme)
# already fits each figure to its size: no second, "tight" measuring pass when it is saved.
# PNG compression level 3 (lossless, as every level) takes a third less time than the default
# 6, for files at most 3% larger.
SETUP = """\
%matplotlib inline
%config InlineBackend.figure_formats = ["png"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None, "pil_kwargs": {"compress_level": 3}}
"""


def _template_cells(nb_path: Path) -> list[Any]:
    """The executed notebook's code cells that are the template's own, in order."""
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except (OSError, ValueError):
        return []
    return [
        c
        for c in nb.cells
        if c.cell_type == "code" and not set(c.metadata.get("tags", [])) & set(ADDED_CELLS)
    ]


def _numbered(cells: list[Any], index: int) -> tuple[int, str]:
    """A template cell's 1-based number and its first line."""
    return index + 1, (cells[index].source.strip().splitlines() or [""])[0]


def _stuck_cell(nb_path: Path) -> tuple[int | None, str]:
    """The cell that timed out: its number among the template's code cells and its first line.

    nbclient reports a timeout without a cell, and papermill marks that cell "completed"
    without an exception; it is the last cell that started (the ones after it are "pending").
    """
    cells = _template_cells(nb_path)
    started = [i for i, c in enumerate(cells) if c.metadata.get("papermill", {}).get("start_time")]
    return _numbered(cells, started[-1]) if started else (None, "")


def _failed_cell(nb_path: Path, exec_count: int | None) -> tuple[int | None, str]:
    """The template cell the kernel ran as ``exec_count``: its number among the template's
    code cells (the cells the pipeline adds are not counted) and its first line."""
    cells = _template_cells(nb_path)
    hits = [i for i, c in enumerate(cells) if c.get("execution_count") == exec_count]
    return _numbered(cells, hits[0]) if exec_count is not None and hits else (None, "")


def cell_error(nb_path: Path, exc: Exception, timeout: int | None = None) -> RenderError:
    """The :class:`RenderError` of a failed execution: the template cell, its first line and
    its error."""
    from nbclient.exceptions import CellTimeoutError

    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    if isinstance(exc, CellTimeoutError | TimeoutError):
        ename = "CellTimeoutError"
        cell, first = _stuck_cell(nb_path)
        evalue = f"ran longer than the {timeout} s a cell may take (--timeout)"
    else:
        cell, first = _failed_cell(nb_path, getattr(exc, "exec_count", None))
    where = f"cell {cell} ({first!r})" if cell is not None else "the notebook"
    return RenderError(
        f"{where} failed: {ename}: {evalue} (failed notebook kept at {nb_path})",
        cell=cell,
        ename=ename,
        evalue=evalue,
        failed_notebook=nb_path,
    )


@functools.cache
def kernel_manager() -> type:
    """jupyter_client's kernel manager, checking every 10 ms (not 100 ms) that a killed kernel
    is gone.

    A killed kernel exits within milliseconds; the stock manager looks only after a 0.1 s
    sleep, which every report then waits for. Should jupyter_client stop calling the method
    overridden here, the stock interval applies.
    """
    from jupyter_client.manager import AsyncKernelManager

    class KernelManager(AsyncKernelManager):
        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    return KernelManager


_ENGINE = "mktkit-save-at-end"


def save_at_end_engine() -> str:
    """Name of papermill's nbclient engine writing the notebook once, when execution ends.

    papermill writes the whole notebook, figures included, when the run starts and when each
    cell starts and completes: some 30 writes of a growing megabyte for a monthly review, 0.1 s
    in all, each between two cells while the kernel waits. This engine writes it once, in
    ``notebook_complete``, which papermill runs however the execution ends (a failing cell, a
    timeout, a dead kernel), so the kept notebook still holds every output up to the failure
    and the start time of the stuck cell. Registered on first use.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(_ENGINE)
        return _ENGINE
    except PapermillException:
        pass

    class SaveAtEnd(NotebookExecutionManager):
        def save(self, **kwargs):
            if self.end_time is not None:  # set by notebook_complete before its save
                super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb,
            kernel_name,
            output_path=None,
            progress_bar=True,
            log_output=False,
            autosave_cell_every=30,
            **kwargs,
        ):
            # papermill's Engine.execute_notebook with the manager above
            nb_man = SaveAtEnd(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(_ENGINE, Engine)
    return _ENGINE


# Run before each report in a warm kernel: it then starts from what a fresh kernel has (the
# template imports what it needs again; modules stay loaded, which is the point). The byte-
# identical test of tests/test_batch.py holds the two paths together.
RESET = """\
%reset -f
import matplotlib as _mpl
import matplotlib.pyplot as _plt
import matplotlib.style.core as _style

_plt.close("all")
# rcParams as matplotlib loaded them, as in a fresh kernel (the backend is left alone)
_mpl.rcParams.update({k: v for k, v in _mpl.rcParamsOrig.items() if k not in _style.STYLE_BLACKLIST})
del _mpl, _plt, _style
"""


def execute(
    nb_in: Path, nb_out: Path, values: dict[str, Any], *, timeout: int, failed: Path, km: Any = None
) -> Any:
    """Run the template ``nb_in`` with ``values`` into ``nb_out`` and return the notebook.

    The figure settings of a report (:data:`SETUP`) run first. ``km``: a kernel manager to
    execute in instead of a fresh kernel (a batch's warm kernel); its namespace and matplotlib
    settings are reset before that (:data:`RESET`). On a failure the
    executed notebook, up to the failing cell, is copied to ``failed`` and a
    :class:`RenderError` names the cell.
    """
    import nbformat
    import papermill

    source = nbformat.read(nb_in, as_version=4)
    added = [nbformat.v4.new_code_cell(SETUP, metadata={"tags": ["report-setup"]})]
    if km is not None:
        added.insert(0, nbformat.v4.new_code_cell(RESET, metadata={"tags": ["reset"]}))
    source.cells[:0] = added
    run = dict(
        parameters=values,
        kernel_name="python3",
        progress_bar=False,
        # the engine writes the notebook when execution ends however it ends, so a cell
        # that fails or times out is found in the kept notebook (save_at_end_engine)
        engine_name=save_at_end_engine(),
        request_save_on_cell_execute=True,
        cwd=str(nb_out.parent),
        execution_timeout=timeout,
        # The kernel's start-up chatter (a TCP notice on every start) is not for the
        # reader of the command line; errors still come through.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        # Stop the kernel at once when the notebook is done: all its output is in, and a
        # polite shutdown request waits some 0.4 s for the kernel to wind itself down
        # (the whole 5 s grace time when a cell is stuck). A batch's warm kernel is not
        # papermill's to stop and stays up.
        shutdown_kernel="immediate",
        **({"km": km} if km is not None else {"kernel_manager_class": kernel_manager()}),
    )
    try:
        for attempt in range(3):
            try:
                papermill.execute_notebook(source, str(nb_out), **run)
                break
            except RuntimeError as exc:
                # jupyter_client picks free TCP ports before the kernel binds them; on a
                # busy machine another process can take one first and the kernel dies at
                # start. Nothing ran yet, so starting again is safe.
                if attempt == 2 or "Kernel died before replying" not in str(exc):
                    raise
    except Exception as exc:  # papermill raises its own error or nbclient's timeout
        if nb_out.exists():
            shutil.copyfile(nb_out, failed)
        raise cell_error(failed, exc, timeout) from exc
    return nbformat.read(nb_out, as_version=4)

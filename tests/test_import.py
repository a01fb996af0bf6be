"""``import mktkit`` stays cheap: no heavy library is imported until a function needs it.

Checked by what lands in ``sys.modules`` of a fresh interpreter (deterministic), not by timing;
the timing lives in benchmarks/import_time.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["pandas", "pandera", "duckdb", "statsmodels", "papermill", "matplotlib", "seaborn",
         "scipy"]  # fmt: skip


def _modules_after(code: str) -> set[str]:
    """Top-level module names imported by ``code`` in a fresh interpreter."""
    probe = (
        code
        + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_probe_sees_heavy_imports():
    # Control: the probe does report a heavy import when there is one.
    assert "pandas" in _modules_after("import pandas")


def test_import_mktkit_imports_no_heavy_library():
    loaded = _modules_after("import mktkit")
    assert "mktkit" in loaded
    assert sorted(loaded & set(HEAVY)) == []


def test_input_error_and_lazy_names_are_available_without_heavy_imports():
    code = (
        "import mktkit\n"
        "assert issubclass(mktkit.InputError, ValueError)\n"
        "from mktkit import InputError\n"
        "assert mktkit.label('east', 'zh') == '华东'\n"  # i18n is plain dicts
        "import mktkit.style\n"
        "assert mktkit.style.status_color('red').startswith('#')\n"
    )
    assert sorted(_modules_after(code) & set(HEAVY)) == []


def test_matplotlib_arrives_only_with_the_theme():
    loaded = _modules_after("import mktkit\nmktkit.use_theme('zh')")
    assert "matplotlib" in loaded
    assert sorted(loaded & {"pandas", "seaborn", "scipy", "duckdb", "statsmodels"}) == []


def test_a_function_keeps_its_name_over_a_module_of_that_name():
    # mktkit/funnel.py defines mk.funnel: importing the module must not hide the function.
    code = (
        "import mktkit as mk, mktkit.funnel, sys\n"
        "from mktkit.funnel import funnel\n"
        "assert mk.funnel is funnel, mk.funnel\n"
        "assert sys.modules['mktkit.funnel'].funnel is funnel\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_tab_completion_offers_the_public_names_only():
    code = (
        "import json, mktkit as mk, mktkit.data.io\nmk.funnel\n"
        "print(json.dumps([sorted(dir(mk)), mk.__all__]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    names, public = json.loads(out.stdout.strip().splitlines()[-1])
    assert [n for n in names if not n.startswith("_")] == sorted(n for n in public if n[0] != "_")
    assert {"funnel", "training", "InputError", "render"} <= set(names)
    assert not {"sys", "importlib", "types", "warnings", "Any", "io", "errors"} & set(names)
    assert "__version__" in names

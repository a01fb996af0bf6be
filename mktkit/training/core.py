"""Exercises of the training course: registry, checking, and the solutions build.

An exercise is a function of the sample company's tables that returns the answer, registered
with :func:`exercise` in one of the chapter modules (``mktkit/training/ch01.py`` ..). Its body
is the model solution a learner sees in the ``--solutions`` build, so it is written the way a
learner writes notebook code: it uses only ``mk``, ``pd``, ``np`` and ``data`` (the notebook's
``data = mk.load_sample()``) and ends with ``return answer``.

The notebooks' exercise cells follow one shape, which :func:`build_solutions` relies on::

    answer = ...  # your code here
    mk.training.check("02.3", answer)            # or check("02.3", answer, lang="zh")

Comparison rules (``kind``):

- ``"number"``: a real number within ``rel``/``abs`` of the solution's (``math.isclose``);
- ``"text"``: a string equal up to case and surrounding blanks (``expected`` may list several
  accepted spellings by returning a tuple);
- ``"set"``: any iterable with the same distinct items, in any order;
- ``"mapping"``: a dict or Series with the same keys and, per key, a number within tolerance
  (or an equal text);
- ``"bool"``: ``True`` or ``False``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mktkit.data.sample import load_sample
from mktkit.errors import InputError, check_argument

ID_RE = re.compile(r"^\d\d\.\d+$")
KINDS = ("number", "text", "set", "mapping", "bool")
LANGS = ("en", "zh")
# The chapter modules that register exercises, imported on first use.
CHAPTERS = tuple(f"mktkit.training.ch{n:02d}" for n in range(1, 8))
NOTEBOOKS_DIR = Path(__file__).resolve().parent / "notebooks"

_REGISTRY: dict[str, Exercise] = {}

MESSAGES = {
    "right": {"en": "Right!", "zh": "正确！"},
    "unanswered": {
        "en": "Not answered yet: replace answer = ... with your computation.",
        "zh": "还没有作答：把 answer = ... 换成你的计算。",
    },
    "not_yet": {"en": "Not yet.", "zh": "还不对。"},
    "percent": {
        "en": "You gave a percentage: the kit writes rates as fractions (0.25, not 25).",
        "zh": "你给的是百分数：工具包里的比率写成小数（0.25，而不是 25）。",
    },
    "rounded": {
        "en": "Close, but not exact: do not round before you check.",
        "zh": "很接近，但不精确：检查之前不要四舍五入。",
    },
    "want_number": {
        "en": "The answer is one number; you gave a {got}. Pick the value, e.g. with .loc[...].",
        "zh": "答案是一个数字，你给的是 {got}。请取出那个值，例如用 .loc[...]。",
    },
    "want_text": {"en": "The answer is a text (str).", "zh": "答案是一段文字（str）。"},
    "want_bool": {"en": "The answer is True or False.", "zh": "答案是 True 或 False。"},
    "want_items": {
        "en": "The answer is a collection (a list, a set or a column).",
        "zh": "答案是一组值（list、set 或一列）。",
    },
    "want_mapping": {
        "en": "The answer maps names to values (a dict or a Series).",
        "zh": "答案是名称到数值的对应（dict 或 Series）。",
    },
    "extra": {
        "en": "{n} of your items are not in the answer.",
        "zh": "你的答案里有 {n} 项不该出现。",
    },
    "missing": {"en": "Some items are missing.", "zh": "还缺少一些项。"},
    "keys": {
        "en": "The keys differ from the answer's.",
        "zh": "键（名称）与答案的不一致。",
    },
    "values": {
        "en": "The values of {n} key(s) are off.",
        "zh": "有 {n} 个键的数值不对。",
    },
    "hint": {"en": "Hint: ", "zh": "提示："},
}


def _msg(key: str, lang: str, **kw: Any) -> str:
    return MESSAGES[key][lang].format(**kw)


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``"02.3"``: notebook 02, task 3), solution and comparison rule."""

    id: str
    solve: Callable[[Mapping[str, Any]], Any]
    kind: str
    hint: dict[str, str]
    rel: float = 1e-6
    abs: float = 1e-9
    notes: dict[str, Any] = field(default_factory=dict)


def exercise(
    id: str,
    *,
    hint: str,
    hint_zh: str,
    kind: str = "number",
    rel: float = 1e-6,
    abs: float = 1e-9,
) -> Callable[[Callable], Callable]:
    """Register the decorated function as the solution of exercise ``id``.

    Parameters
    ----------
    id : str
        ``"NN.K"``: notebook number and task number.
    hint, hint_zh : str
        What a learner who got it wrong should look at, in English and Chinese. A hint points
        to the method; it never contains the answer.
    kind : {"number", "text", "set", "mapping", "bool"}
        How answers are compared (see the module docstring).
    rel, abs : float
        Tolerances for numbers (``math.isclose``).

    Examples
    --------
    >>> @exercise("99.1", hint="Count the rows.", hint_zh="数一数行数。")
    ... def _(data):
    ...     answer = 3
    ...     return answer
    >>> exercises()["99.1"].kind
    'number'
    >>> del _REGISTRY["99.1"]
    """
    if not ID_RE.match(id):
        raise InputError(f"exercise id {id!r}", column="id", fix='write it as "NN.K", e.g. "02.3"')
    check_argument("kind", KINDS, kind)

    def register(func: Callable) -> Callable:
        if id in _REGISTRY and _REGISTRY[id].solve is not func:
            raise InputError(f"exercise {id} is defined twice", fix="give each exercise its own id")
        _REGISTRY[id] = Exercise(id, func, kind, {"en": hint, "zh": hint_zh}, rel, abs)
        return func

    return register


def _load_chapters() -> None:
    for module in CHAPTERS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a chapter not written yet
            if exc.name != module:
                raise


def exercises() -> dict[str, Exercise]:
    """Every registered exercise by id, in course order.

    Examples
    --------
    >>> "00.1" in exercises()
    True
    """
    _load_chapters()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: tuple(map(int, kv[0].split(".")))))


def _exercise(id: str) -> Exercise:
    found = exercises()
    if id not in found:
        chapter = [k for k in found if k.split(".")[0] == str(id).split(".")[0]]
        raise InputError(
            f"there is no exercise {id!r}",
            column="exercise",
            fix="use the id printed in the notebook"
            + (", e.g. one of " + ", ".join(chapter) if chapter else ""),
        )
    return found[id]


@cache
def _sample() -> Any:

    return load_sample()


@cache
def _expected(id: str) -> Any:
    return _exercise(id).solve(_sample())


@dataclass(frozen=True)
class CheckResult:
    """The verdict of :func:`check`: true when right; shows its message in a notebook."""

    id: str
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"{self.id}: {self.message}"

    def require(self) -> CheckResult:
        """Raise ``AssertionError`` unless right (used by the solutions build)."""
        if not self.ok:
            raise AssertionError(repr(self))
        return self


def _is_number(x: Any) -> bool:
    import numpy as np

    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _close(a: Any, b: Any, ex: Exercise) -> bool:
    if _is_number(a) and _is_number(b):
        return math.isclose(float(a), float(b), rel_tol=ex.rel, abs_tol=ex.abs)
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return a == b


def _norm(item: Any) -> Any:
    import numpy as np

    if isinstance(item, list | tuple | np.ndarray):  # a row, e.g. from .to_numpy().tolist()
        return tuple(_norm(x) for x in item)
    if isinstance(item, str):
        return item.strip().casefold()
    if _is_number(item) and float(item).is_integer():
        return int(item)
    return item


def _compare(ex: Exercise, answer: Any, expected: Any, lang: str) -> str | None:
    """None when right, else the reason (without the expected value)."""
    import numpy as np
    import pandas as pd

    if ex.kind == "number":
        if isinstance(answer, pd.Series | pd.DataFrame | np.ndarray) and np.size(answer) == 1:
            answer = np.asarray(answer).ravel()[0]
        if not _is_number(answer):
            return _msg("want_number", lang, got=type(answer).__name__)
        if _close(answer, expected, ex):
            return None
        if expected != 0 and math.isclose(float(answer), float(expected) * 100, rel_tol=1e-3):
            return _msg("percent", lang)
        # "do not round" only where rounding can be the mistake (not for a count, where a
        # near miss is an off-by-one and the exercise's hint says more)
        near = math.isclose(float(answer), float(expected), rel_tol=5e-3)
        if near and not float(expected).is_integer():
            return _msg("rounded", lang)
        return ""
    if ex.kind == "bool":
        if not isinstance(answer, bool | np.bool_):
            return _msg("want_bool", lang)
        return None if bool(answer) == bool(expected) else ""
    if ex.kind == "text":
        if not isinstance(answer, str):
            return _msg("want_text", lang)
        accepted = expected if isinstance(expected, tuple) else (expected,)
        return None if any(_close(answer, e, ex) for e in accepted) else ""
    if ex.kind == "set":
        if isinstance(answer, str | bytes) or not isinstance(answer, Iterable | pd.Index):
            return _msg("want_items", lang)
        mine, theirs = {_norm(x) for x in answer}, {_norm(x) for x in expected}
        if mine == theirs:
            return None
        extra = len(mine - theirs)
        return _msg("extra", lang, n=extra) if extra else _msg("missing", lang)
    # mapping
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, Mapping):
        return _msg("want_mapping", lang)
    if isinstance(expected, pd.Series):
        expected = expected.to_dict()
    mine = {_norm(k): v for k, v in answer.items()}
    theirs = {_norm(k): v for k, v in expected.items()}
    if set(mine) != set(theirs):
        return _msg("keys", lang)
    off = sum(not _close(mine[k], theirs[k], ex) for k in theirs)
    return _msg("values", lang, n=off) if off else None


def check(id: str, answer: Any, lang: str = "en") -> CheckResult:
    """Say whether ``answer`` is the answer of exercise ``id``, with a hint when it is not.

    The expected answer is computed from the sample company by the exercise's solution; it is
    never shown.

    Parameters
    ----------
    id : str
        The exercise id printed in the notebook, e.g. ``"02.3"``.
    answer : object
        The learner's answer. ``...`` (the notebook's placeholder) means not answered yet.
    lang : {"en", "zh"}
        Language of the message.

    Returns
    -------
    CheckResult
        True when right; its ``message`` says why not (and the exercise's hint).

    Examples
    --------
    >>> check("00.1", 1 / 4)
    00.1: Right!
    >>> check("00.1", 0.3)
    00.1: Not yet. Hint: one of the four visitors bought.
    """
    check_argument("lang", LANGS, lang)
    ex = _exercise(id)
    if answer is ... or answer is None:
        return CheckResult(id, False, _msg("unanswered", lang))
    reason = _compare(ex, answer, _expected(id), lang)
    if reason is None:
        return CheckResult(id, True, _msg("right", lang))
    parts = [_msg("not_yet", lang), reason or _msg("hint", lang) + ex.hint[lang]]
    return CheckResult(id, False, " ".join(parts))


def hint(id: str, lang: str = "en") -> str:
    """The hint of exercise ``id``.

    Examples
    --------
    >>> hint("00.1", "zh")
    '四位访客里有一位购买。'
    """
    check_argument("lang", LANGS, lang)
    return _exercise(id).hint[lang]


def solution_code(id: str) -> str:
    """The model solution of exercise ``id`` as notebook code (its function body, without the
    final ``return answer``).

    Examples
    --------
    >>> print(solution_code("00.1"))
    buyers, visitors = 1, 4
    answer = buyers / visitors
    """
    func = _exercise(id).solve
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    body = tree.body[0].body
    last = body[-1]
    if not (isinstance(last, ast.Return) and getattr(last.value, "id", None) == "answer"):
        raise InputError(
            f"the solution of exercise {id} does not end with `return answer`",
            fix="end each solution with `return answer` so the solutions build can show it",
        )
    lines = textwrap.dedent(inspect.getsource(func)).splitlines()
    start = body[0].lineno - 1
    if isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        start = body[1].lineno - 1  # skip a docstring
    return textwrap.dedent("\n".join(lines[start : last.lineno - 1])).strip()


CHECK_LINE = re.compile(
    r"""^mk\.training\.check\((["'])(?P<id>\d\d\.\d+)\1,\s*answer(?P<rest>[^)]*)\)\s*$"""
)
ANSWER_LINE = re.compile(r"^answer\s*=\s*\.\.\.(\s*#.*)?$")


def fill_cell(source: str) -> str | None:
    """The exercise cell ``source`` with the model solution in place of ``answer = ...`` and a
    check that raises when wrong; None when the cell is not an exercise.

    Examples
    --------
    >>> print(fill_cell('answer = ...  # your code here\\nmk.training.check("00.1", answer)'))
    buyers, visitors = 1, 4
    answer = buyers / visitors
    mk.training.check("00.1", answer).require()
    """
    lines = source.splitlines()
    checks = [m for m in map(CHECK_LINE.match, lines) if m]
    if not checks:
        return None
    if len(checks) > 1 or sum(bool(ANSWER_LINE.match(x)) for x in lines) != 1:
        raise InputError(
            "an exercise cell must have one `answer = ...` line and one check line",
            fix="split the cell: one exercise per cell",
        )
    code = solution_code(checks[0]["id"])
    out = []
    for line in lines:
        if ANSWER_LINE.match(line):
            out.append(code)
        elif CHECK_LINE.match(line):
            out.append(line.rstrip() + ".require()")
        else:
            out.append(line)
    return "\n".join(out)


def build_solutions(
    out_dir: str | Path, notebooks: Iterable[str | Path] | None = None
) -> list[Path]:
    """Write a copy of each course notebook with every exercise solved.

    Parameters
    ----------
    out_dir : str or Path
        Folder for the copies (created); file names stay the same.
    notebooks : iterable of paths, optional
        Default: the course notebooks, ``mktkit/training/notebooks/0[1-9]_*.ipynb``.

    Returns
    -------
    list of Path
        The written notebooks. Running one raises at the first check that fails.

    Examples
    --------
    >>> paths = build_solutions("/tmp/solutions")      # doctest: +SKIP
    """
    import nbformat

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(NOTEBOOKS_DIR.glob("0[1-9]_*.ipynb")) if notebooks is None else notebooks
    written = []
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and (filled := fill_cell(cell.source)) is not None:
                cell.source = filled
        target = out / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written


# The demonstration exercise of this module's docstring (also used by the tests).
@exercise("00.1", hint="one of the four visitors bought.", hint_zh="四位访客里有一位购买。")
def _demo(data):
    buyers, visitors = 1, 4
    answer = buyers / visitors
    return answer

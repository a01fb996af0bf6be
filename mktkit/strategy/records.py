"""Reading strategy records: YAML files, mappings and table rows into validated values.

The SWOT (:mod:`mktkit.strategy.swot_items`) and the marketing mix
(:mod:`mktkit.strategy.mix_items`) read their records with these helpers. A check never stops at
the first problem: each one goes into a :class:`Problems` collector, and every problem is
reported at once, so the user fixes them all in one go.

Numbers are read as written: :func:`exact` turns ``0.1`` into 1/10, so weights that sum to 1 on
paper sum to exactly 1.

Examples
--------
>>> problems = Problems("swot")
>>> parse_text("Loyal buyers", problems, "S1")
{'en': 'Loyal buyers', 'zh': 'Loyal buyers'}
>>> parse_text({"de": "Treue Kunden"}, problems, "S2", column="strengths")
>>> [p.problem for p in problems.items]
["S2: unknown language key(s) 'de'", 'S2 has no text']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.folder import SAMPLE_FILES
from mktkit.data.sample import sample_dir
from mktkit.data.yamlfile import load_yaml
from mktkit.errors import InputError
from mktkit.i18n import LANGS

__all__ = [
    "WEIGHT_TOLERANCE",
    "Problems",
    "as_list",
    "check_keys",
    "exact",
    "is_missing",
    "is_number",
    "listed",
    "parse_text",
    "pick_text",
    "read_yaml",
    "sample_file",
]

#: |sum of weights - 1| allowed. Sums are exact (:func:`exact`), so this lets through only
#: weights such as thirds written out to many decimals.
WEIGHT_TOLERANCE = 1e-9


class Problems:
    """Collects every problem found, so the user fixes them all in one go.

    Parameters
    ----------
    table : str
        Name every problem is reported under (the file name when read from YAML).

    Examples
    --------
    >>> problems = Problems("swot")
    >>> problems.add("S1 has no text", column="strengths", fix="write the text")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: swot.strengths: S1 has no text. Fix: write the text
    """

    def __init__(self, table: str) -> None:
        self.table = table
        self.items: list[InputError] = []

    def add(
        self, problem: str, *, column: str | None = None, rows: Any = None, fix: str | None = None
    ) -> None:
        """Record one problem (the arguments of :class:`~mktkit.errors.InputError`)."""
        self.items.append(InputError(problem, table=self.table, column=column, rows=rows, fix=fix))

    def raise_if_any(self) -> None:
        """Raise the problem found, or one :class:`~mktkit.errors.InputError` listing them all."""
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise InputError(f"{len(self.items)} problems", table=self.table, problems=self.items)


def is_number(x: Any) -> bool:
    """A real number, bools excluded (numpy scalars included).

    Examples
    --------
    >>> is_number(0.12), is_number(True), is_number("0.12")
    (True, False, False)
    """
    if isinstance(x, bool):
        return False
    if isinstance(x, int | float | Decimal):
        return True
    return hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in ("i", "u", "f")


def is_missing(x: Any) -> bool:
    """None, NaN or ``pd.NA``: an empty cell of a table or an absent key.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def exact(x: Any) -> Fraction:
    """``x`` as an exact fraction of the number as written (its shortest repr): 0.1 is 1/10.

    Examples
    --------
    >>> exact(0.1) * 3 == Fraction(3, 10)
    True
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int) or (hasattr(x, "dtype") and x.dtype.kind in "iu"):
        return Fraction(int(x))
    return Fraction(Decimal(repr(float(x))))


def pick_text(text: Mapping[str, str] | None, lang: str) -> str:
    """``text[lang]``, else the other language's text, else ``""``.

    Examples
    --------
    >>> pick_text({"en": "Loyal buyers"}, "zh")
    'Loyal buyers'
    """
    if not text:
        return ""
    other = [k for k in LANGS if k != lang]
    for key in (lang, *other):
        if text.get(key):
            return text[key]
    return ""


def parse_text(
    value: Any, problems: Problems, where: str, *, required: bool = True, column: str = "text"
) -> dict[str, str] | None:
    """A bilingual text: ``{"en": ..., "zh": ...}`` (either may be missing) or a plain string,
    which stands for both languages.

    Parameters
    ----------
    value : mapping, str or None
        The text as written.
    problems : Problems
        Where a problem goes (an unknown language key, a text that is not text, a missing
        text when ``required``).
    where : str
        What the text belongs to, as the message names it (``"S1"``, ``"product decision"``).
    required : bool
        Whether a missing text is a problem.
    column : str
        Column the problem is reported in.

    Returns
    -------
    dict or None
        Language -> text, or None when there is no text.

    Examples
    --------
    >>> parse_text({"en": "Loyal buyers", "zh": "忠实买家"}, Problems("swot"), "S1")
    {'en': 'Loyal buyers', 'zh': '忠实买家'}
    """
    if is_missing(value) or value == {} or value == "":
        if required:
            problems.add(
                f"{where} has no text", column=column, fix="write the text as {en: ..., zh: ...}"
            )
        return None
    if isinstance(value, str):
        return {"en": value, "zh": value} if value.strip() else None
    if not isinstance(value, Mapping):
        problems.add(
            f"{where}: text must be a mapping {{en: ..., zh: ...}} or a string, "
            f"not {type(value).__name__}",
            column=column,
        )
        return None
    unknown = [k for k in value if k not in LANGS]
    if unknown:
        problems.add(
            f"{where}: unknown language key(s) " + ", ".join(map(repr, unknown)),
            column=column,
            fix="use the keys 'en' and 'zh'",
        )
    out = {}
    for k in LANGS:
        v = value.get(k)
        if is_missing(v) or v == "":
            continue
        if not isinstance(v, str):
            problems.add(f"{where}: the {k} text is {type(v).__name__}, not text", column=column)
            continue
        out[k] = v
    if not out and required:
        problems.add(
            f"{where} has no text", column=column, fix="write the text as {en: ..., zh: ...}"
        )
    return out or None


def check_keys(
    raw: Mapping[str, Any],
    allowed: Sequence[str],
    problems: Problems,
    where: str,
    column: str | None = None,
) -> None:
    """Add a problem naming the keys of ``raw`` that are not ``allowed``.

    Examples
    --------
    >>> problems = Problems("marketing_mix")
    >>> check_keys({"text": "Launch", "when": "May"}, ("text", "owner", "due"), problems,
    ...            "product action 1", "product")
    >>> problems.items[0].problem, problems.items[0].fix
    ("product action 1: unknown key(s) 'when'", 'the keys are text, owner, due')
    """
    unknown = [k for k in raw if k not in allowed]
    if unknown:
        problems.add(
            f"{where}: unknown key(s) " + ", ".join(map(repr, unknown)),
            column=column,
            fix="the keys are " + ", ".join(allowed),
        )


def as_list(value: Any, problems: Problems, where: str) -> list[Any]:
    """A top-level list of records (a SWOT quadrant, the strategies); missing is empty.

    Examples
    --------
    >>> problems = Problems("swot")
    >>> as_list(None, problems, "threats"), as_list("T1", problems, "threats")
    ([], [])
    >>> problems.items[0].problem
    'threats must be a list, not str'
    """
    if is_missing(value):
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        problems.add(
            f"{where} must be a list, not {type(value).__name__}",
            column=where,
            fix=f"write {where} as a list of items (- id: ...)",
        )
        return []
    return list(value)


def listed(value: Any, problems: Problems, where: str) -> list[Any]:
    """A list inside a record (an element's issues or actions); missing is empty. The problem
    is reported in the column of the first word of ``where`` (the element).

    Examples
    --------
    >>> problems = Problems("marketing_mix")
    >>> listed(["Too few reviews"], problems, "product issues")
    ['Too few reviews']
    >>> listed("Too few reviews", problems, "product issues"), problems.items[0].column
    ([], 'product')
    """
    if is_missing(value):
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        problems.add(
            f"{where} must be a list",
            column=where.split()[0],
            fix="write one entry per line, each starting with '- '",
        )
        return []
    return list(value)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with the kit's limits (:func:`mktkit.data.yamlfile.load_yaml`: no
    aliases, no deep nesting, no key given twice); a missing file or a syntax error is an
    :class:`InputError` naming its line.

    Examples
    --------
    >>> read_yaml(sample_file("swot"))["company"]
    {'en': 'Lumi Home', 'zh': '拾光家居'}
    """
    return load_yaml(path)


def sample_file(key: str) -> Path:
    """Path of the sample company's ``swot.yaml`` or ``marketing_mix.yaml``.

    Examples
    --------
    >>> sample_file("marketing_mix").name
    'marketing_mix.yaml'
    """
    return sample_dir() / SAMPLE_FILES[key]

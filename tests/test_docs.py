"""The user documentation stays in step with the code: docs/data.md lists each table's columns
as the schemas define them, docs/methods.md has the sections the code refers to, and nothing
the product ships refers to files a user does not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mktkit.schemas import SCHEMAS, describe_schema

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
METHODS = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")


def _table_rows(doc: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table under ``## heading``."""
    section = doc.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_data_md_lists_every_column_of_the_schema(table):
    rows = _table_rows(DATA, table)
    documented = [row[0] for row in rows]
    schema = describe_schema(table)
    assert documented == schema["column"].tolist()
    empty = {row[0]: row[2] for row in rows}
    for column, nullable in zip(schema["column"], schema["nullable"], strict=True):
        assert empty[column] == ("yes" if nullable else "no"), column


def test_methods_md_has_the_sections_the_code_cites():
    headings = set(re.findall(r"^## (.+)$", METHODS, re.M))
    cited = set()
    for path in (ROOT / "mktkit").rglob("*.py"):
        text = re.sub(r"\s*\n\s*(#\s*)?", " ", path.read_text(encoding="utf-8"))  # unwrap
        cited |= set(re.findall(r'docs/methods\.md(?:, | \(|" \')\(?"([^"]+)"', text))
    assert cited, "the code cites sections of docs/methods.md"
    assert cited <= headings, cited - headings


def test_the_product_cites_no_file_users_do_not_have():
    shipped = [*ROOT.glob("mktkit/**/*.py"), *ROOT.glob("mktkit/**/*.ipynb"), ROOT / "README.md",
               *ROOT.glob("docs/*.md"), *ROOT.glob("notebooks/*.ipynb")]  # fmt: skip
    pattern = re.compile(r"METHODS\.md|CONTRACT\.md|DESIGN\.md|\.\./shared|/work/notes")
    offenders = [str(p.relative_to(ROOT)) for p in shipped if pattern.search(p.read_text("utf-8"))]
    assert offenders == []

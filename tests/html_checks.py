"""What every published report page must satisfy: nothing runs, nothing is fetched."""

from __future__ import annotations

import re

EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", re.I)
# an attribute such as onerror= / onload= inside a tag (escaped text has no real tag)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def assert_safe_html(page: str) -> None:
    """No script, no inline event handler, no URL of another host in src/href, styles or fonts."""
    assert "<script" not in page.lower()
    assert not HANDLER.search(page), HANDLER.search(page).group(0)
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?(https?:)?//", page)

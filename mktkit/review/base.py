"""What every review does first: the report theme of its language, and its data opened once.

Examples
--------
>>> import pandas as pd
>>> review = Review("en", data={"orders": pd.DataFrame({"amount": [1.0]})})
>>> review.section().heading("customers").parts
['<h2>Customers</h2>']
"""

from __future__ import annotations

from typing import Any

from mktkit.data.sample import open_data
from mktkit.review.section import Section
from mktkit.style import use_theme


class Review:
    """The base of every review: ``lang``, the report theme applied for it, and ``data``.

    Parameters
    ----------
    lang : {"zh", "en"}
        The report language.
    data_dir : path, optional
        A folder of your own tables, read through its mktkit.yaml (default: the sample
        company).
    data : mapping, optional
        Tables already opened (instead of ``data_dir``).
    """

    def __init__(self, lang: str, *, data_dir: Any = None, data: Any = None) -> None:
        use_theme(lang)
        self.lang = lang
        self.data = open_data(data_dir) if data is None else data

    def section(self) -> Section:
        """A new, empty section in the review's language."""
        return Section(self.lang)

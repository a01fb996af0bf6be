"""What every review does first: the report theme of its language, its data opened once, and
what is shown made to fit the data: their currency and their labels.

Examples
--------
>>> import pandas as pd
>>> review = Review("en", data={"orders": pd.DataFrame({"amount": [1.0]})})
>>> review.section().heading("customers").parts
['<h2>Customers</h2>']
>>> review.currency
'CNY'
"""

from __future__ import annotations

from typing import Any

from mktkit.data.sample import open_data
from mktkit.formats import use_currency
from mktkit.i18n import use_labels
from mktkit.review.section import Section
from mktkit.style import use_theme


class Review:
    """The base of every review: ``lang``, the report theme applied for it, and ``data``.

    Opening a review also sets what the report shows, for the rest of the session as
    :func:`~mktkit.style.use_theme` does: amounts in the data's currency
    (:func:`mktkit.formats.use_currency`; ``currency:`` of the folder's mktkit.yaml, CNY
    without one) and the folder's own labels of its codes (:func:`mktkit.i18n.use_labels`;
    ``labels:`` of mktkit.yaml, none without one, so a review never keeps another folder's).

    Parameters
    ----------
    lang : {"zh", "en"}
        The report language.
    data_dir : path, optional
        A folder of your own tables, read through its mktkit.yaml (default: the sample
        company).
    data : mapping, optional
        Tables already opened (instead of ``data_dir``).

    Attributes
    ----------
    currency : str
        The ISO 4217 code the review shows amounts in.
    """

    def __init__(self, lang: str, *, data_dir: Any = None, data: Any = None) -> None:
        use_theme(lang)
        self.lang = lang
        self.data = open_data(data_dir) if data is None else data
        self.currency = getattr(self.data, "currency", "CNY")
        use_currency(self.currency)
        config = getattr(self.data, "config", None)
        use_labels(config.labels if config is not None else None)

    def section(self) -> Section:
        """A new, empty section in the review's language."""
        return Section(self.lang)

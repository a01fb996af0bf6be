"""Remember the results of the review functions for the data files they were computed from.

A batch renders the same month and region in Chinese and in English one after the other in one
warm kernel: the numbers are the same, only the words differ. :func:`memoized` functions take
the data mapping of :func:`mktkit.load_sample` as first argument; their result is kept under a
key made of the data's files (path, size, modification time), the cut-off day of
:func:`mktkit.data_until` and the other arguments. A changed file makes a new key. Data that
cannot be named that way (a dict of DataFrames, an argument that is a table) are computed
every time. Results are handed out as copies (copy-on-write: free until changed), so a caller
that changes one never changes the next caller's.

Examples
--------
>>> calls = []
>>> @memoized
... def total(data, column="amount"):
...     calls.append(column)
...     return data["orders"][column].sum()
>>> import pandas as pd
>>> total({"orders": pd.DataFrame({"amount": [1.0, 2.0]})})    # a dict: not remembered
np.float64(3.0)
>>> calls
['amount']
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd

from mktkit.data.folder import DataFolder, DataUntil

SIZE = 64  # results kept (the least recently used go first)
_STORE: OrderedDict[tuple, Any] = OrderedDict()


def data_key(data: Any) -> tuple | None:
    """A hashable name for ``data``'s content, or None when it has none."""
    if isinstance(data, DataUntil):
        inner = data_key(data.data)
        return None if inner is None else ("until", inner, data.day.value)
    if isinstance(data, DataFolder):
        stats = []
        files = {**data.files, **({"mktkit.yaml": data.config.path} if data.config else {})}
        for name, path in sorted(files.items()):
            try:
                st = path.stat()
            except OSError:
                stats.append((name, None))
                continue
            stats.append((name, str(path.resolve()), st.st_size, st.st_mtime_ns))
        return ("files", tuple(stats))
    return None


_UNKEYABLE = object()


def _hashable(value: Any) -> Any:
    """``value`` as part of a key, or ``_UNKEYABLE`` (a table, an unhashable object)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return _UNKEYABLE
    if isinstance(value, list | tuple):
        items = tuple(_hashable(v) for v in value)
        return _UNKEYABLE if any(i is _UNKEYABLE for i in items) else (type(value), items)
    try:
        hash(value)
    except TypeError:
        return _UNKEYABLE
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value


def memoized(func: Callable) -> Callable:
    """Remember ``func(data, ...)`` per data files and arguments (see the module docstring)."""

    @functools.wraps(func)
    def wrapper(data: Any, *args: Any, **kwargs: Any) -> Any:
        key_data = data_key(data)
        rest = tuple(_hashable(a) for a in args)
        named = tuple(sorted((k, _hashable(v)) for k, v in kwargs.items()))
        if key_data is None or any(r is _UNKEYABLE for r in (*rest, *(v for _, v in named))):
            return func(data, *args, **kwargs)
        key = (func.__module__, func.__qualname__, key_data, rest, named)
        if key in _STORE:
            _STORE.move_to_end(key)
        else:
            _STORE[key] = func(data, *args, **kwargs)
            while len(_STORE) > SIZE:
                _STORE.popitem(last=False)
        return _copy(_STORE[key])

    return wrapper


def clear() -> None:
    """Forget every remembered result."""
    _STORE.clear()

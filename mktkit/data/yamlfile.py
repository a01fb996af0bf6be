"""YAML files read with limits: what a person writes by hand, nothing a file could abuse.

Every YAML file the kit reads (``mktkit.yaml``, ``swot.yaml``, ``marketing_mix.yaml``) goes
through :func:`load_yaml`:

- an alias (``*name``) is refused: it repeats a value without writing it, and nested aliases
  expand a small file into gigabytes (a "billion laughs" file);
- nesting deeper than :data:`MAX_DEPTH` levels is refused (before Python's recursion limit);
- a key given twice in one mapping is refused with both lines (YAML keeps the last silently);
- a syntax error names its line and column.

Mappings come back as :class:`YamlMap` dicts that know the line of each key, so a later check
can say where in the file a wrong value stands. No message prints a value of more than
:data:`SHOWN_CHARS` characters.

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
>>> _ = f.write_text("currency: CNY\\ncurrency: USD\\n")
>>> load_yaml(f)
Traceback (most recent call last):
...
mktkit.errors.InputError: a.yaml: the key 'currency' is given twice, on lines 1 and 2. Fix: keep one of them
>>> _ = f.write_text("tables:\\n  orders:\\n    file: o.csv\\n")
>>> data = load_yaml(f)
>>> data["tables"].line_of("orders"), data["tables"]["orders"].line_of("file")
(2, 3)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mktkit.errors import InputError

#: Deepest nesting of mappings and lists read.
MAX_DEPTH = 32
#: Longest value shown in a message.
SHOWN_CHARS = 60


class YamlMap(dict):
    """A YAML mapping: a dict that also knows the line of each key (1-based)."""

    def __init__(self, items: Any = (), *, line: int = 0, lines: dict | None = None) -> None:
        super().__init__(items)
        self.line = line
        self.lines: dict[Any, int] = dict(lines or {})

    def line_of(self, key: Any) -> int:
        """The line of ``key`` in the file, or the mapping's own line."""
        return self.lines.get(key, self.line)


def shown(value: Any) -> str:
    """``repr(value)``, cut to :data:`SHOWN_CHARS` characters.

    Examples
    --------
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (102 characters)"
    """
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, with a depth limit and duplicate keys refused."""

    def __init__(self, stream: str, name: str) -> None:
        super().__init__(stream)
        self.file_name = name
        self.depth = 0

    def _refuse(self, node_or_mark: Any, problem: str, fix: str) -> InputError:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        return InputError(f"line {mark.line + 1}: {problem}", table=self.file_name, fix=fix)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise self._refuse(
                event,
                f"an alias (*{event.anchor}) repeats another value",
                "write the value out where it is used (aliases are not read)",
            )
        nested = self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self._refuse(
                    self.peek_event(),
                    f"the file nests deeper than {MAX_DEPTH} levels",
                    "write a flatter file: lists and mappings a few levels deep",
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> YamlMap:
        if not isinstance(node, yaml.MappingNode):
            raise self._refuse(node, "expected a mapping", "write key: value lines")
        self.flatten_mapping(node)
        out = YamlMap(line=node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise self._refuse(
                    key_node, "a key is a list or a mapping", "use text keys"
                ) from None
            line = key_node.start_mark.line + 1
            if key in out:
                raise InputError(
                    f"the key {shown(key)} is given twice, on lines {out.lines[key]} and {line}",
                    table=self.file_name,
                    fix="keep one of them",
                )
            out[key] = self.construct_object(value_node, deep=deep)
            out.lines[key] = line
        return out


def _construct_mapping(loader: _Loader, node: Any) -> YamlMap:
    return loader.construct_mapping(node, deep=True)


def _construct_timestamp(loader: _Loader, node: Any) -> Any:
    """A date as YAML reads it, or the line of one that is no day of the calendar."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise loader._refuse(
            node,
            f"{shown(node.value)} is not a day of the calendar",
            "write an existing date YYYY-MM-DD (months have 28 to 31 days)",
        ) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: str | Path, *, table: str | None = None) -> Any:
    """Read a YAML file with the limits of this module.

    Parameters
    ----------
    path : path
        The file (UTF-8).
    table : str, optional
        The name messages give the file (default: its file name).

    Raises
    ------
    InputError
        A missing or unreadable file, a syntax error (with line and column), an alias, too deep
        a nesting or a key given twice.
    """
    path = Path(path)
    name = table or path.name
    if not path.is_file():
        raise InputError(f"file not found: {path}", table=name, fix="check the path")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name} is not UTF-8 text (byte {exc.start})",
            table=name,
            fix="save the file as UTF-8",
        ) from None
    loader = _Loader(text, name)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(
            f"{path.name} is not valid YAML{at}: {problem}",
            table=name,
            fix="fix the YAML syntax there",
        ) from None
    finally:
        loader.dispose()

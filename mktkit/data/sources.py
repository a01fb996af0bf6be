"""Read a table's file as it was exported: its encoding, delimiter and header found, its cells
kept as written.

Exports come as UTF-8 or GBK (what Excel writes on a Chinese Windows), with commas, semicolons,
tabs or runs of spaces between fields, with or without a header, as CSV, Excel (``.xlsx`` and
the old ``.xls``), Parquet or JSON. :func:`read_source` reads each into a DataFrame whose cells
are text as written (ids keep their leading zeros; dates and amounts are parsed later, by the
table's mapping and schema), so that nothing is lost or guessed on the way in.

:func:`detect_encoding` and :func:`detect_delimiter` look at the first megabyte only; the whole
file is then read by pyarrow in that encoding (a file that changes encoding later is refused,
never read half wrong).

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "订单.csv"
>>> _ = f.write_bytes("订单号;金额\\n001;1,5\\n".encode("gbk"))
>>> detect_encoding(f), detect_delimiter(f, "gb18030")
('gb18030', ';')
>>> read_source(f).to_dict("list")
{'订单号': ['001'], '金额': ['1,5']}
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.config import WHITESPACE, TableSource
from mktkit.errors import InputError

#: Bytes looked at to tell the encoding and the delimiter.
SAMPLE_BYTES = 1 << 20
#: Delimiters tried, most common first.
CANDIDATES = (",", "\t", ";", "|")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(SAMPLE_BYTES)


def detect_encoding(path: str | Path, table: str | None = None) -> str:
    """The encoding of a text file: a byte-order mark's, else UTF-8 if the first megabyte
    decodes as UTF-8, else GB18030 (which reads GBK and GB2312) if it decodes as that.

    Raises
    ------
    InputError
        Neither decodes: the fix names the ``encoding`` key of mktkit.yaml.
    """
    path = Path(path)
    head = _head(path)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    cut = head[: head.rfind(b"\n") + 1] if len(head) == SAMPLE_BYTES else head  # whole lines
    for name in ("utf-8", "gb18030"):
        try:
            cut.decode(name)
            return name
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"cannot tell the encoding of {path.name}: it is neither UTF-8 nor GBK/GB18030",
        table=table or path.name,
        fix="name it in mktkit.yaml, e.g. encoding: big5 (or save the file as UTF-8)",
    )


def _sample_lines(path: Path, encoding: str, n: int = 50) -> list[str]:
    text = _head(path).decode(encoding.replace("-sig", ""), errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > 1 and len(_head(path)) == SAMPLE_BYTES:
        lines = lines[:-1]  # the last line may be cut
    return [line for line in lines if line.strip()][:n]


def detect_delimiter(path: str | Path, encoding: str = "utf-8") -> str:
    """The field delimiter of a text table: the candidate of :data:`CANDIDATES` that splits the
    first lines into the same number (two or more) of fields, else ``"whitespace"`` when runs of
    spaces do, else ``","`` (a one-column file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "cdnow.txt"
    >>> _ = f.write_text("00001 19970101  1  11.77\\n00002 19970112  1  12.00\\n")
    >>> detect_delimiter(f)
    'whitespace'
    """
    lines = _sample_lines(Path(path), encoding)
    best, best_fields = ",", 1
    for delim in CANDIDATES:
        counts = {len(row) for row in csv.reader(lines, delimiter=delim)}
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = delim, fields
    if best_fields == 1:
        counts = {len(line.split()) for line in lines}
        if len(counts) == 1 and counts.pop() > 1:
            return WHITESPACE
    return best


def read_source(path: str | Path, source: TableSource | None = None) -> pd.DataFrame:
    """The table in ``path`` with its cells as written (text), read as ``source`` says.

    Parameters
    ----------
    path : path
        A ``.csv``, ``.tsv``, ``.txt``, ``.xlsx``, ``.xlsm``, ``.xls``, ``.json`` or ``.jsonl``
        file. (Parquet and DuckDB files keep their own column types: read them with
        :func:`mktkit.read_table`.)
    source : TableSource, optional
        ``encoding``, ``delimiter``, ``header`` and ``sheet`` of the table's entry in
        mktkit.yaml; all found from the file when not given.

    Returns
    -------
    DataFrame
        Columns named by the header (or ``0, 1, ...`` without one), every cell text or missing
        (an empty cell), in file order.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    header = True if source is None else source.header
    table = path.name if source is None else source.name
    if path.stat().st_size == 0:
        raise InputError(
            f"{path.name} is empty (no header, no rows)",
            table=table,
            fix="export the table again with a header row and data",
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, header, 0 if source is None else source.sheet, table)
    if suffix in (".json", ".jsonl"):
        return _read_json(path, suffix == ".jsonl")
    encoding = "auto" if source is None else source.encoding
    encoding = detect_encoding(path, table) if encoding == "auto" else encoding
    delimiter = "auto" if source is None else source.delimiter
    if delimiter == "auto":
        delimiter = "\t" if suffix == ".tsv" else detect_delimiter(path, encoding)
    return _read_text(path, encoding, delimiter, header, table)


def _unreadable(
    path: Path, kind: str, exc: BaseException, fix: str, table: str | None = None
) -> InputError:
    reason = " ".join(str(exc).split()).rstrip(".!") or type(exc).__name__
    reason = reason if len(reason) <= 200 else reason[:200] + "..."
    return InputError(f"cannot read {path.name} as {kind}: {reason}", table=table or path.name,
                      fix=fix)  # fmt: skip


def _ragged(
    path: Path, encoding: str, delimiter: str, header: bool, table: str
) -> InputError | None:
    """Say why rows do not split like the header: a delimiter at the end of every row, or the
    first rows with another number of fields."""
    lines = _sample_lines(path, encoding, n=10_000)
    if not lines:
        return None
    rows = (
        [line.split() for line in lines]
        if delimiter == WHITESPACE
        else list(csv.reader(lines, delimiter=delimiter))
    )
    width = len(rows[0])
    odd = [(i, len(r)) for i, r in enumerate(rows[1:] if header else rows, 1) if len(r) != width]
    if not odd:
        return None
    shown = "tab" if delimiter == "\t" else delimiter
    if header and all(n == width + 1 for _, n in odd) and all(r[-1] == "" for r in rows[1:]):
        return InputError(
            f"every row ends with a {shown!r} the header does not have: "
            f"{width + 1} fields under {width} column names",
            table=table,
            fix=f"remove the {shown!r} at the end of each row (or add a name for the empty "
            "last column to the header)",
        )
    rows_shown = {i: f"{n} fields" for i, n in odd[:5]}
    return InputError(
        f"rows split into another number of fields than the header's {width}"
        + (f" ({len(odd)} rows in the first lines)" if len(odd) > 5 else ""),
        table=table,
        rows=rows_shown,
        fix=f"the fields are separated by {shown!r}: quote text that contains it, or set "
        "delimiter: in mktkit.yaml",
    )


def _read_text(path: Path, encoding: str, delimiter: str, header: bool, table: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if delimiter == WHITESPACE:  # runs of blanks: pyarrow has no regex delimiter
        try:
            out = pd.read_csv(path, sep=r"\s+", header=0 if header else None, dtype=str,
                              keep_default_na=False, na_values=[""], encoding=encoding)  # fmt: skip
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise _ragged(path, encoding, delimiter, header, table) or _unreadable(
                path, "text", exc, "save the file again as CSV", table
            ) from None
        return out if header else out.set_axis(range(out.shape[1]), axis=1)
    read = pacsv.ReadOptions(
        encoding=encoding.replace("-sig", "") if encoding != "utf-8-sig" else "utf8",
        autogenerate_column_names=not header,
        block_size=1 << 24,
    )
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    try:
        names = pacsv.open_csv(path, read_options=read, parse_options=parse).schema.names
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        table = pacsv.read_csv(path, read_options=read, parse_options=parse,
                               convert_options=convert)  # fmt: skip
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "decode" in str(exc).lower():
            raise _unreadable(
                path,
                "CSV",
                exc,
                f"the file is not all {encoding}: name its encoding in mktkit.yaml (e.g. "
                "encoding: gb18030 for GBK), or save it as UTF-8",
                table,
            ) from None
        raise _ragged(path, encoding, delimiter, header, table) or _unreadable(
            path, "CSV", exc, "every line needs as many fields as the header", table
        ) from None
    except (UnicodeDecodeError, pa.ArrowException, OSError) as exc:
        raise _unreadable(
            path,
            "CSV",
            exc,
            f"the file is not all {encoding}: name its encoding in mktkit.yaml, or save it "
            "as UTF-8",
            table,
        ) from None
    out = table.to_pandas()
    if encoding == "utf-8-sig" and len(out.columns) and str(out.columns[0]).startswith("\ufeff"):
        out = out.rename(columns={out.columns[0]: str(out.columns[0])[1:]})
    if not header:
        out = out.set_axis(range(out.shape[1]), axis=1)
    return out


def excel_sheets(path: Path) -> list[str] | None:
    """The sheet names of a workbook, or None when it cannot be opened."""
    try:
        if path.suffix.lower() == ".xls":
            import xlrd

            return xlrd.open_workbook(path, on_demand=True).sheet_names()
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(book.sheetnames)
        finally:
            book.close()
    except Exception:
        return None


def _read_excel(path: Path, header: bool, sheet: str | int, table: str) -> pd.DataFrame:
    options: dict[str, Any] = {
        "sheet_name": sheet,
        "header": 0 if header else None,
        "dtype": str,
        "keep_default_na": False,
        "na_values": [""],
        "engine": "xlrd" if path.suffix.lower() == ".xls" else "openpyxl",
    }
    try:
        return pd.read_excel(path, **options)
    except (ValueError, IndexError, KeyError) as exc:
        sheets = excel_sheets(path)
        if sheets is not None and sheet not in (0, *sheets):
            raise InputError(
                f"{path.name} has no sheet {sheet!r}",
                table=table,
                fix="use one of " + ", ".join(repr(s) for s in sheets),
            ) from None
        raise _unreadable(path, "Excel", exc, "save the workbook again") from None
    except Exception as exc:  # a zip, XML or BIFF error from a damaged workbook
        raise _unreadable(path, "Excel", exc, "save the workbook again") from None


def _read_json(path: Path, lines: bool) -> pd.DataFrame:
    try:
        return pd.read_json(path, lines=lines, dtype=False, encoding="utf-8")
    except ValueError as exc:
        fix = "one JSON object per line" if lines else "a list of objects, one per row"
        raise _unreadable(path, "JSON", exc, f"write the table as {fix}") from None

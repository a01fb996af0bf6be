"""Draft a ``mktkit.yaml`` for a folder of exports: which file is which table, which column is
which contract column, and how dates, amounts and codes are written.

Each file is read as :func:`mktkit.data.sources.read_source` reads it (encoding and delimiter
found), its header names are matched against the names that common exports use (English and
Chinese back-office tools, Excel ad reports, GA4, Segment and Mixpanel event exports: see
:data:`SYNONYMS`), and the table whose required columns are best covered is taken. The values
of the first rows then say the formats: slash dates, ``yyyymmdd``, epoch seconds to
nanoseconds, Excel serials, amounts with thousands separators or a currency sign.

:func:`draft_config` returns the YAML text, commented: what was guessed, how sure (``exact
name``, ``near name``), and what could not be placed. ``mktkit init FOLDER`` writes it.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "订单.csv").write_text("订单号,会员ID,下单日期,实付金额\\nA1,c1,2026/10/31,\\"1,234.50\\"\\n")
>>> guess = guess_folder(folder)
>>> [(g.table, g.columns["order_date"], g.formats) for g in guess]
[('orders', '下单日期', {'order_date': '%Y/%m/%d', 'amount': 'thousands'})]
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.config import CONFIG_FILE, SUFFIXES, WHITESPACE, column_kind
from mktkit.data.normalize import OPTIONAL, guess_number_format
from mktkit.data.sources import detect_delimiter, detect_encoding, read_source
from mktkit.errors import InputError
from mktkit.schemas import SCHEMAS

#: contract column -> header names exports use for it (compared without case, blanks, _ or -)
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "order_id": ("order_id", "orderid", "order_no", "order_number", "订单号", "订单编号",
                     "订单id", "单号", "交易号", "transaction_id"),
        "customer_id": ("customer_id", "customerid", "customer", "member_id", "buyer_id",
                        "user_id", "客户id", "会员id", "买家id", "用户id", "客户编号", "会员编号"),
        "order_date": ("order_date", "orderdate", "date", "order_time", "created_at",
                       "purchase_date", "下单时间", "下单日期", "支付时间", "订单时间", "成交时间",
                       "日期"),
        "region": ("region", "area", "province", "地区", "区域", "大区", "省份"),
        "channel": ("channel", "source", "utm_source", "渠道", "来源渠道", "来源"),
        "amount": ("amount", "revenue", "total", "order_amount", "sales", "gmv", "price",
                   "dollar_value", "value", "order_value",
                   "金额", "实付金额", "订单金额", "成交金额", "实收金额", "支付金额"),
    },
    "channel_daily": {
        "date": ("date", "day", "日期", "时间"),
        "region": ("region", "area", "地区", "区域", "大区"),
        "channel": ("channel", "media", "source", "渠道", "媒体", "投放渠道"),
        "spend": ("spend", "cost", "amount_spent", "消耗", "花费", "费用", "消费"),
        "impressions": ("impressions", "impr", "views", "展现", "曝光", "展现量", "曝光量"),
        "clicks": ("clicks", "click", "点击", "点击量", "点击数"),
        "leads": ("leads", "lead", "线索", "线索量", "表单"),
        "orders": ("orders", "conversions", "purchases", "订单", "订单数", "成交单数", "转化"),
        "new_customers": ("new_customers", "new_buyers", "新客", "新客数", "新客户"),
        "revenue": ("revenue", "gmv", "sales", "conversion_value", "gmv金额", "销售额", "成交额",
                    "收入", "gmv(元)"),
    },
    "events": {
        "user_id": ("user_id", "user_pseudo_id", "distinct_id", "anonymous_id", "userid",
                    "visitor_id", "用户id", "访客id"),
        "ts": ("ts", "timestamp", "event_timestamp", "time", "event_time", "received_at",
               "时间", "事件时间"),
        "event": ("event", "event_name", "event_type", "name", "事件", "事件名"),
        "channel": ("channel", "traffic_source", "source", "utm_source", "traffic_source_source",
                    "渠道", "来源"),
        "device": ("device", "device_category", "platform", "os", "设备"),
        "region": ("region", "geo_region", "city", "country", "地区", "区域"),
    },
    "customers": {
        "customer_id": ("customer_id", "member_id", "user_id", "客户id", "会员id", "用户id"),
        "signup_date": ("signup_date", "created_at", "register_date", "注册时间", "注册日期"),
        "region": ("region", "地区", "区域"),
        "acquisition_channel": ("acquisition_channel", "channel", "source", "渠道", "来源渠道"),
    },
    "kpi_targets": {
        "month": ("month", "月份"),
        "region": ("region", "地区", "区域"),
        "metric": ("metric", "kpi", "指标"),
        "target": ("target", "goal", "目标", "目标值"),
        "direction": ("direction", "方向"),
    },
    "nps": {
        "response_id": ("response_id", "id", "答卷编号", "问卷id"),
        "date": ("date", "日期", "提交时间"),
        "region": ("region", "地区", "区域"),
        "score": ("score", "nps", "rating", "评分", "推荐意愿"),
        "comment": ("comment", "feedback", "评论", "意见", "留言"),
    },
    "experiments": {
        "experiment": ("experiment", "test", "实验"),
        "variant": ("variant", "arm", "group", "分组", "版本"),
        "users": ("users", "visitors", "用户数", "访客数"),
        "conversions": ("conversions", "converted", "转化数"),
        "planned_share": ("planned_share", "share", "计划比例"),
        "planned_users": ("planned_users", "计划用户数"),
    },
    "campaigns": {
        "campaign_id": ("campaign_id", "活动id", "活动编号"),
        "name": ("name", "campaign", "活动名称"),
        "channel": ("channel", "渠道"),
        "start": ("start", "start_date", "开始日期", "开始时间"),
        "end": ("end", "end_date", "结束日期", "结束时间"),
        "budget": ("budget", "预算"),
        "goal_metric": ("goal_metric", "目标指标"),
        "goal_value": ("goal_value", "目标值"),
    },
}  # fmt: skip

#: Codes the kit knows, from the words exports use for them (a ``values`` map is proposed when
#: every value of the column is one of these).
CODES: dict[str, dict[str, str]] = {
    "region": {"华东": "east", "华南": "south", "华北": "north", "华西": "west", "西部": "west",
               "华中": "central", "西南": "southwest", "西北": "northwest", "东北": "northeast"},
    "channel": {"搜索": "search", "搜索广告": "search", "社交": "social", "社交媒体": "social",
                "视频": "video", "短视频": "video", "展示": "display", "展示广告": "display",
                "达人": "kol", "kol": "kol", "邮件": "email", "联盟": "affiliate",
                "直接": "direct", "自然": "direct", "直接访问": "direct"},
}  # fmt: skip


def _key(name: Any) -> str:
    """A header name compared loosely: NFKC, lower case, without blanks, ``_``, ``-``, ``.``."""
    text = unicodedata.normalize("NFKC", str(name)).lower()
    return re.sub(r"[\s_\-.()（）]", "", text)


@dataclass
class TableGuess:
    """What :func:`guess_file` found for one file."""

    file: Path
    table: str | None
    columns: dict[str, Any] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # contract column -> "exact" | "near"
    formats: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    header: bool = True
    unplaced: list[str] = field(default_factory=list)  # the file's columns no table uses
    note: str = ""


def _match(headers: list[Any], table: str) -> tuple[dict[str, Any], dict[str, str]]:
    """contract column -> the file's header, and how sure: an exact synonym, or a near one."""
    keys = {_key(h): h for h in headers}
    found: dict[str, Any] = {}
    how: dict[str, str] = {}
    taken: set[Any] = set()
    synonyms = SYNONYMS[table]
    for column, names in synonyms.items():  # exact synonyms first, for every column
        for name in names:
            header = keys.get(_key(name))
            if header is not None and header not in taken:
                found[column], how[column] = header, "exact name"
                taken.add(header)
                break
    for column, names in synonyms.items():  # then near names, for what is left
        if column in found:
            continue
        free = [k for k, h in keys.items() if h not in taken]
        for name in names:
            near = difflib.get_close_matches(_key(name), free, n=1, cutoff=0.85)
            if near:
                found[column], how[column] = keys[near[0]], "near name"
                taken.add(keys[near[0]])
                break
    return found, how


def _required(table: str) -> list[str]:
    columns = SCHEMAS[table].to_schema().columns
    optional = set(OPTIONAL.get(table, {}))
    return [c for c, col in columns.items() if not col.nullable and c not in optional]


def _date_format(values: pd.Series) -> str | None:
    """The ``formats`` value of a date column's sample, None when it is ISO (the default)."""
    text = values.dropna().astype("str").str.strip()
    text = text[text != ""].head(200)
    if text.empty:
        return None
    if text.str.fullmatch(
        r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?"
    ).all():
        return None
    if text.str.fullmatch(r"\d+(\.0+)?").all():
        return guess_number_format(pd.to_numeric(text))
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
                    "%d/%m/%Y", "%m/%d/%Y", "%Y年%m月%d日"):  # fmt: skip
        if pd.to_datetime(text, format=pattern, errors="coerce").notna().all():
            return pattern
    return None


def _number_format(values: pd.Series) -> str | None:
    text = values.dropna().astype("str").str.strip().head(500)
    if text.str.contains(r"[,¥￥$€£]", regex=True).any():
        return "thousands"
    return None


def _codes(values: pd.Series, column: str) -> dict[str, str]:
    words = CODES.get(column)
    seen = set(values.dropna().astype("str").str.strip().unique())
    if not words or not seen or not seen <= set(words):
        return {}
    return {w: words[w] for w in sorted(seen)}


def guess_file(path: str | Path) -> TableGuess:
    """Which table ``path`` most likely holds, its column mapping and its formats."""
    path = Path(path)
    guess = TableGuess(path, None)
    text_file = path.suffix.lower() in (".csv", ".tsv", ".txt")
    if text_file:
        guess.encoding = detect_encoding(path)
        guess.delimiter = detect_delimiter(path, guess.encoding)
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        sample = pq.ParquetFile(path).read_row_group(0).slice(0, 1000).to_pandas()
        whole = sample
    else:
        whole = read_source(path)
        sample = whole.head(1000)
    headers = list(sample.columns)
    best, best_score = None, 0.0
    for table in SYNONYMS:
        found, how = _match(headers, table)
        required = _required(table)
        covered = sum(c in found for c in required) / len(required)
        score = covered + 0.01 * len(found)
        if covered == 1 and score > best_score:
            best, best_score, guess.columns, guess.how = table, score, found, how
    if best is None and text_file and all(isinstance(h, str) for h in headers):
        # no header row (CDNOW): say so; positions cannot be named from values alone
        guess.note = "no table's columns found by name; if the file has no header, map positions"
    guess.table = best
    if best is None:
        guess.unplaced = [str(h) for h in headers]
        return guess
    for column, header in guess.columns.items():
        kind = column_kind(best, column)
        if kind in ("date", "timestamp"):
            fmt = _date_format(sample[header])
        elif kind in ("number", "whole number"):
            fmt = _number_format(sample[header])
        else:
            fmt = None
            codes = _codes(whole[header], column)  # every value: one missing would be refused
            if codes:
                guess.values[column] = codes
        if fmt:
            guess.formats[column] = fmt
    used = set(guess.columns.values())
    guess.unplaced = [str(h) for h in headers if h not in used]
    return guess


def guess_folder(folder: str | Path) -> list[TableGuess]:
    """A guess for every file of ``folder`` the kit reads (mktkit.yaml aside), by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"data folder not found: {folder}", fix="give the folder of your files")
    files = sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.name != CONFIG_FILE
        and p.suffix.lower() not in (".yaml", ".yml", ".duckdb", ".db")
    )  # fmt: skip
    guesses = [guess_file(p) for p in files]
    # two files for one table: keep the one whose required columns are matched exactly
    by_table: dict[str, TableGuess] = {}
    for g in guesses:
        if g.table is None:
            continue
        other = by_table.get(g.table)
        if other is None or sum(h == "exact name" for h in g.how.values()) > sum(
            h == "exact name" for h in other.how.values()
        ):
            if other is not None:
                other.note = f"another file ({g.file.name}) looks more like {g.table}"
                other.table = None
            by_table[g.table] = g
        else:
            g.note = f"another file ({other.file.name}) looks more like {g.table}"
            g.table = None
    return guesses


def _quote(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text == "\t":
        return '"\\t"'
    plain = re.fullmatch(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*", text)
    return (
        text
        if plain and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off")
        else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    )


def draft_config(folder: str | Path, currency: str = "CNY", timezone: str = "Asia/Shanghai") -> str:
    """The commented ``mktkit.yaml`` text :func:`guess_folder` suggests for ``folder``."""
    guesses = guess_folder(folder)
    lines = [
        "# mktkit.yaml: how the files of this folder map to mktkit's tables (docs/data.md,",
        '# "Your own folder"). Drafted by `mktkit init`: check each guess, then run',
        "# `mktkit check` on the folder.",
        f"currency: {currency}              # ISO 4217 code of every money column",
        f"timezone: {timezone}    # the business day: times with an offset are converted to it",
        "tables:",
    ]
    for g in guesses:
        if g.table is None:
            continue
        lines.append(f"  {g.table}:")
        lines.append(f"    file: {_quote(g.file.name)}")
        if g.encoding:
            lines.append(f"    encoding: {g.encoding}      # found from the file")
        if g.delimiter and g.delimiter != ",":
            shown = WHITESPACE if g.delimiter == WHITESPACE else _quote(g.delimiter)
            lines.append(f"    delimiter: {shown}")
        lines.append("    columns:")
        for column, header in g.columns.items():
            lines.append(f"      {column}: {_quote(header)}    # {g.how[column]}")
        missing = [c for c in SCHEMAS[g.table].to_schema().columns if c not in g.columns]
        for column in missing:
            fill = OPTIONAL.get(g.table, {}).get(column)
            why = (
                f"filled with {fill!r}"
                if fill and fill != "row"
                else (
                    "numbered by row" if fill == "row" else "not found: map it if the file has it"
                )
            )
            lines.append(f"      # {column}: ?    # {why}")
        if g.formats:
            lines.append("    formats:")
            for column, spec in g.formats.items():
                lines.append(f"      {column}: {_quote(spec)}    # from the first rows")
        if g.values:
            lines.append("    values:            # the file's words: the kit's codes")
            for column, table in g.values.items():
                pairs = ", ".join(f"{_quote(k)}: {v}" for k, v in table.items())
                lines.append(f"      {column}: {{{pairs}}}")
        if g.unplaced:
            lines.append("    # columns not used: " + ", ".join(g.unplaced[:12]))
    unplaced = [g for g in guesses if g.table is None]
    for g in unplaced:
        lines.append(f"# {g.file.name}: no table recognised" + (f" ({g.note})" if g.note else ""))
    return "\n".join(lines) + "\n"

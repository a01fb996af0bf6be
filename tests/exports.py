"""Exports built from the sample company in the shapes real back-office tools write, so that
the numbers read back through a mktkit.yaml are known to the cent: the sample's own.

- orders: Chinese headers, GBK, CRLF line ends, slash dates with a time, amounts with a yuan
  sign and thousands separators, regions and channels in Chinese words;
- channel_daily: an Excel ad report with Chinese headers;
- events: GA4 rows (JSON lines) with string user ids and epoch microseconds in UTC;
- kpi_targets: a UTF-8 CSV with a byte-order mark and Chinese headers;
- customers: a semicolon-separated file with a header of other names.

``build(sample, folder, tables)`` writes them and the mktkit.yaml that reads them back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REGIONS = {"east": "华东", "south": "华南", "north": "华北", "west": "西部"}
CHANNELS = {
    "search": "搜索广告",
    "social": "社交媒体",
    "video": "短视频",
    "display": "展示广告",
    "kol": "达人",
    "email": "邮件",
    "affiliate": "联盟",
    "direct": "直接访问",
}


def _money(values: pd.Series) -> pd.Series:
    """￥1,234.50 (the full-width yuan sign GBK has): the amount's shortest decimal text, with a yuan sign and separators."""
    out = []
    for v in values.tolist():
        text = repr(float(v))
        whole, _, frac = text.partition(".")
        frac = "" if frac in ("", "0") else frac
        out.append("￥" + f"{int(whole):,}" + (f".{frac}" if frac else ""))
    return pd.Series(out, index=values.index)


def orders_gbk(orders: pd.DataFrame, path: Path) -> str:
    table = pd.DataFrame(
        {
            "订单编号": orders["order_id"],
            "会员ID": orders["customer_id"],
            "下单时间": orders["order_date"].dt.strftime("%Y/%m/%d %H:%M:%S"),
            "区域": orders["region"].map(REGIONS),
            "来源渠道": orders["channel"].map(CHANNELS),
            "实付金额": _money(orders["amount"]),
        }
    )
    path.write_bytes(table.to_csv(index=False, lineterminator="\r\n").encode("gbk"))
    return f"""  orders:
    file: {path.name}
    encoding: gb18030
    columns:
      order_id: 订单编号
      customer_id: 会员ID
      order_date: 下单时间
      region: 区域
      channel: 来源渠道
      amount: 实付金额
    formats:
      order_date: "%Y/%m/%d %H:%M:%S"
      amount: thousands
    values:
      region: {{{", ".join(f"{v}: {k}" for k, v in REGIONS.items())}}}
      channel: {{{", ".join(f"{v}: {k}" for k, v in CHANNELS.items())}}}
"""


def ads_excel(cd: pd.DataFrame, path: Path) -> str:
    names = {
        "date": "日期",
        "region": "区域",
        "channel": "渠道",
        "spend": "消耗",
        "impressions": "展现",
        "clicks": "点击",
        "leads": "线索",
        "orders": "订单数",
        "new_customers": "新客数",
        "revenue": "GMV",
    }
    table = cd[list(names)].rename(columns=names)
    table["日期"] = cd["date"].dt.strftime("%Y/%m/%d")
    table["区域"] = cd["region"].map(REGIONS)
    table["渠道"] = cd["channel"].map(CHANNELS)
    table.to_excel(path, index=False, sheet_name="广告报表")
    return f"""  channel_daily:
    file: {path.name}
    sheet: 广告报表
    columns: {{{", ".join(f"{k}: {v}" for k, v in names.items())}}}
    formats:
      date: "%Y/%m/%d"
    values:
      region: {{{", ".join(f"{v}: {k}" for k, v in REGIONS.items())}}}
      channel: {{{", ".join(f"{v}: {k}" for k, v in CHANNELS.items())}}}
"""


def events_ga4(events: pd.DataFrame, path: Path, timezone: str = "Asia/Shanghai") -> str:
    """GA4-like rows: the sample's naive Shanghai times as epoch microseconds in UTC, and
    string ids (``<number>.<number>``, as GA4's user_pseudo_id) that map one to one."""
    utc = events["ts"].dt.tz_localize(timezone).dt.tz_convert("UTC")
    micros = (utc - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(1, "us")
    table = pd.DataFrame(
        {
            "event_name": events["event"],
            "event_timestamp": micros.astype("int64"),
            "user_pseudo_id": events["user_id"].astype(str) + ".1700000000",
            "traffic_source": events["channel"],
            "device_category": events["device"],
            "geo_region": events["region"],
        }
    )
    table.to_json(path, orient="records", lines=True, force_ascii=False)
    return f"""  events:
    file: {path.name}
    columns:
      user_id: user_pseudo_id
      ts: event_timestamp
      event: event_name
      channel: traffic_source
      device: device_category
      region: geo_region
    formats:
      ts: epoch_us
"""


def targets_bom(targets: pd.DataFrame, path: Path) -> str:
    names = {"month": "月份", "region": "区域", "metric": "指标", "target": "目标值",
             "direction": "方向"}  # fmt: skip
    table = targets[list(names)].rename(columns=names)
    path.write_bytes(table.to_csv(index=False).encode("utf-8-sig"))
    return f"""  kpi_targets:
    file: {path.name}
    columns: {{{", ".join(f"{k}: {v}" for k, v in names.items())}}}
"""


def customers_semicolon(customers: pd.DataFrame, path: Path) -> str:
    names = {"customer_id": "member", "signup_date": "registered", "region": "area",
             "acquisition_channel": "first_channel"}  # fmt: skip
    table = customers[list(names)].rename(columns=names)
    table["registered"] = customers["signup_date"].dt.strftime("%Y%m%d")
    path.write_text(table.to_csv(index=False, sep=";"), encoding="utf-8")
    return f"""  customers:
    file: {path.name}
    delimiter: ";"
    columns: {{{", ".join(f"{k}: {v}" for k, v in names.items())}}}
    formats:
      signup_date: yyyymmdd
"""


BUILDERS = {
    "orders": (orders_gbk, "订单导出.csv"),
    "channel_daily": (ads_excel, "广告报表.xlsx"),
    "events": (events_ga4, "ga4_events.jsonl"),
    "kpi_targets": (targets_bom, "KPI目标.csv"),
    "customers": (customers_semicolon, "members.txt"),
}


def build(sample, folder: Path, tables=tuple(BUILDERS), *, keep=None) -> Path:
    """Write ``tables`` of ``sample`` (the rows ``keep`` selects, per table) into ``folder``
    in their export shapes, with the mktkit.yaml that reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name in tables:
        make, file = BUILDERS[name]
        frame = sample[name]
        if keep is not None and name in keep:
            frame = frame[keep[name](frame)]
        entries.append(make(frame, folder / file))
    text = "currency: CNY\ntimezone: Asia/Shanghai\ntables:\n" + "".join(entries)
    (folder / "mktkit.yaml").write_text(text, encoding="utf-8")
    return folder


def build_example(sample, folder: Path) -> Path:
    """data/examples/shop: the sample's east region over the 13 months to 2026-10, as a Chinese
    back office exports it (orders in GBK, the ad report in Excel, the KPI targets with a BOM),
    with the mktkit.yaml a person writes after `mktkit init`."""
    first, last = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-10-31")
    keep = {
        "orders": lambda o: (o["region"] == "east") & o["order_date"].between(first, last),
        "channel_daily": lambda c: (c["region"] == "east") & c["date"].between(first, last),
        "kpi_targets": lambda k: (k["region"] == "east") & (k["month"] >= "2025-10"),
    }
    return build(sample, folder, ("orders", "channel_daily", "kpi_targets"), keep=keep)


if __name__ == "__main__":  # regenerate the committed example: python tests/exports.py
    import sys

    import mktkit as mk

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "data/examples/shop")
    build_example(mk.load_sample(), out)
    print("written:", ", ".join(sorted(p.name for p in out.iterdir())))

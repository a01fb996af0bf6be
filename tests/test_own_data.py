"""Your own data: folders of exports read through a mktkit.yaml give the numbers the sample
gives, to the cent; `mktkit init` drafts the mapping; every refusal names table, column, rows
and the fix.

The exports are built from the sample company (tests/exports.py): Chinese headers in GBK with
CRLF and slash dates, an Excel ad report with Chinese headers, GA4 events with string ids and
epoch microseconds in UTC, so every expected number is the sample's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from exports import CHANNELS, REGIONS, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mktkit as mk
from mktkit.data.folder import load_data
from mktkit.data.guess import SYNONYMS, draft_config, guess_file
from mktkit.errors import InputError

SAMPLE = mk.load_sample()
KEYS = {
    "orders": ["order_id"],
    "channel_daily": ["date", "region", "channel"],
    "customers": ["customer_id"],
    "kpi_targets": ["month", "region", "metric"],
    "events": ["user_id", "ts", "event"],
}


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    return build(SAMPLE, tmp_path_factory.mktemp("exports"))


def _same(ours: pd.DataFrame, theirs: pd.DataFrame, keys: list[str]) -> None:
    ours = ours[list(theirs.columns)].sort_values(keys, kind="stable").reset_index(drop=True)
    theirs = theirs.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs)


@pytest.mark.parametrize("table", ["orders", "channel_daily", "customers", "kpi_targets"])
def test_each_export_reads_back_as_the_sample_table(exports, table):
    _same(load_data(exports)[table], SAMPLE[table], KEYS[table])


def test_ga4_events_read_back_with_their_string_ids_and_local_times(exports):
    events = load_data(exports)["events"]
    assert events["user_id"].dtype == "str"  # "123.1700000000" is no number: kept as text
    ids = events["user_id"].str.removesuffix(".1700000000").astype("int64")
    _same(events.assign(user_id=ids), SAMPLE["events"], KEYS["events"])


def test_the_reports_numbers_are_the_samples(exports):
    data = load_data(exports)
    pd.testing.assert_frame_equal(mk.headline(data, "2026-10"), mk.headline(SAMPLE, "2026-10"))
    pd.testing.assert_frame_equal(
        mk.kpi_review(data, "2026-10", "east"), mk.kpi_review(SAMPLE, "2026-10", "east")
    )
    steps = ["visit", "view_product", "add_to_cart", "checkout", "purchase"]
    ours = mk.funnel(data["events"], steps, window="7D")["users"].tolist()
    assert ours == mk.funnel(SAMPLE["events"], steps, window="7D")["users"].tolist()
    rfm = mk.rfm(data["orders"], as_of="2026-10-31")
    pd.testing.assert_frame_equal(rfm, mk.rfm(SAMPLE["orders"], as_of="2026-10-31"))


def test_a_folder_without_mktkit_yaml_takes_any_file_type_named_like_the_table(tmp_path):
    # an events.csv is read (before, only events.parquet was); ISO text times are parsed
    events = SAMPLE["events"].head(50)
    events.to_csv(tmp_path / "events.csv", index=False)
    read = load_data(tmp_path)["events"]
    pd.testing.assert_frame_equal(read, events.reset_index(drop=True), check_dtype=False)
    (tmp_path / "events.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="2 files could be the events table"):
        load_data(tmp_path)


# ---------------------------------------------------------------------------------------------
# CDNOW (Fader & Hardie): whitespace-separated, no header, yyyymmdd, no order id, USD


# the folder: the `cdnow` fixture of conftest.py


def test_cdnow_reads_without_pandas_and_gives_pandas_monthly_figures(cdnow):
    data = load_data(cdnow)
    orders = data["orders"]
    assert data.currency == "USD" and len(orders) == 69659
    assert orders["order_id"].iloc[-1] == "69659"  # numbered by row: CDNOW has no order id
    assert set(orders["region"]) == {"main"} and set(orders["channel"]) == {"unknown"}
    assert orders["customer_id"].iloc[0] == "00001"  # ids keep their leading zeros
    plain = pd.read_csv(cdnow / "CDNOW_master.txt", sep=r"\s+", dtype=str)
    plain["month"] = pd.to_datetime(plain["date"], format="%Y%m%d").dt.strftime("%Y-%m")
    plain["amount"] = plain["dollar_value"].astype(float)
    monthly = plain.groupby("month").agg(revenue=("amount", "sum"), orders=("amount", "size"))
    ours = mk.period_change(orders, date="order_date", value="amount", freq="M")
    assert ours["period"].astype(str).tolist() == monthly.index.tolist()
    assert ours["current"].round(2).tolist() == monthly["revenue"].round(2).tolist()
    counts = orders.groupby(orders["order_date"].dt.strftime("%Y-%m")).size()
    assert counts.tolist() == monthly["orders"].tolist()


def test_init_reads_cdnow_as_a_whitespace_separated_orders_file(cdnow, tmp_path):
    shutil.copy(cdnow / "CDNOW_master.txt", tmp_path / "CDNOW_master.txt")
    guess = guess_file(tmp_path / "CDNOW_master.txt")
    assert guess.table == "orders" and guess.delimiter == "whitespace"
    assert guess.columns == {"customer_id": "customer_id", "order_date": "date",
                             "amount": "dollar_value"}  # fmt: skip
    assert guess.formats == {"order_date": "yyyymmdd"} and guess.unplaced == ["number_of_cds"]
    (tmp_path / "mktkit.yaml").write_text(draft_config(tmp_path, currency="USD"))
    assert len(load_data(tmp_path)["orders"]) == 69659


# ---------------------------------------------------------------------------------------------
# mktkit init


def test_init_drafts_the_mapping_of_common_exports(exports, tmp_path):
    for path in exports.iterdir():
        if path.name != "mktkit.yaml":
            shutil.copy(path, tmp_path / path.name)
    drafted = yaml.safe_load(draft_config(tmp_path))
    written = yaml.safe_load((exports / "mktkit.yaml").read_text(encoding="utf-8"))
    for table in ("orders", "channel_daily", "events", "kpi_targets"):
        assert drafted["tables"][table]["file"] == written["tables"][table]["file"]
        assert drafted["tables"][table]["columns"] == written["tables"][table]["columns"]
    assert drafted["tables"]["orders"]["formats"] == written["tables"]["orders"]["formats"]
    assert drafted["tables"]["events"]["formats"] == {"ts": "epoch_us"}
    assert drafted["tables"]["orders"]["encoding"] == "gb18030"
    # the regions' and channels' Chinese words become the kit's codes
    assert drafted["tables"]["orders"]["values"]["region"] == {v: k for k, v in REGIONS.items()}
    assert drafted["tables"]["orders"]["values"]["channel"] == {v: k for k, v in CHANNELS.items()}
    # the draft reads the folder as it is: the numbers are the sample's
    (tmp_path / "mktkit.yaml").write_text(draft_config(tmp_path), encoding="utf-8")
    _same(load_data(tmp_path)["orders"], SAMPLE["orders"], KEYS["orders"])


def test_init_never_overwrites_without_force(exports):
    from typer.testing import CliRunner

    from mktkit.cli import app

    before = (exports / "mktkit.yaml").read_text(encoding="utf-8")
    refused = CliRunner().invoke(app, ["init", str(exports)])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert (exports / "mktkit.yaml").read_text(encoding="utf-8") == before


SPELLINGS = {col: names for col, names in SYNONYMS["orders"].items()}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(list(SPELLINGS)),
    picks=st.fixed_dictionaries({c: st.sampled_from(n) for c, n in SPELLINGS.items()}),
    case=st.sampled_from([str, str.upper, str.title]),
)
def test_init_guesses_shuffled_columns_under_any_common_spelling(tmp_path, order, picks, case):
    # two spellings of the same column cannot appear in one file: skip the draws that collide
    headers = [case(picks[c]) for c in order]
    if len({h.lower().replace("_", "") for h in headers}) < len(headers):
        return
    rows = {"order_id": "A1", "customer_id": "c1", "order_date": "2026-10-31", "region": "east",
            "channel": "kol", "amount": "12.5"}  # fmt: skip
    path = tmp_path / "export.csv"
    path.write_text(",".join(headers) + "\n" + ",".join(rows[c] for c in order) + "\n")
    guess = guess_file(path)
    assert guess.table == "orders"
    assert guess.columns == {c: case(picks[c]) for c in order}


# ---------------------------------------------------------------------------------------------
# refusals: each names table, column (or line), rows and the fix


def _folder(tmp_path: Path, config: str, csv: str = "id,amt,day,who\nA1,5,2026-10-01,c1\n") -> Path:
    (tmp_path / "o.csv").write_text(csv, encoding="utf-8")
    (tmp_path / "mktkit.yaml").write_text(config, encoding="utf-8")
    return tmp_path


BASE = (
    "tables:\n  orders:\n    file: o.csv\n"
    "    columns: {order_id: id, amount: amt, order_date: day, customer_id: who}\n"
)


@pytest.mark.parametrize(
    ("config", "csv", "words"),
    [
        ("tables:\n  orders:\n    file: o.csv\n    colums: {}\n", None,
         ["line 4", "unknown key 'colums'", "did you mean 'columns'"]),
        ("currency: RMB\n", None, ["line 1", "ISO 4217", "write currency: CNY"]),
        ("currency: yuan\n", None, ["line 1", "is not an ISO 4217 code"]),
        ("timezone: Beijing\n", None, ["timezone 'Beijing' is not a time zone", "IANA"]),
        ("tables:\n  ordres:\n    file: o.csv\n", None, ["line 2", "did you mean 'orders'"]),
        ("tables:\n  orders:\n    file: 0.csv\n", None, ["file not found: 0.csv", "'o.csv'"]),
        (BASE + "    formats: {order_date: yyyy}\n", None, ["is not a date format"]),
        (BASE + "    formats: {region: upper}\n", None, ["is text, it takes no format"]),
        (BASE.replace("amount: amt", "amount: amt, amout: amt"), None,
         ["line 4", "orders has no column 'amout'", "did you mean 'amount'"]),
        (BASE + "currency: CNY\ncurrency: USD\n", None, ["given twice, on lines 5 and 6"]),
        (BASE + "    values: {region: &r {华东: east}, channel: *r}\n", None,
         ["line 5", "an alias (*r)", "write the value out"]),
        (BASE.replace("who}", "whom}"), None,
         ["o.csv has no column 'whom'", "did you mean 'who'", "line 4"]),
        (BASE + "    formats: {order_date: '%d.%m.%Y'}\n", None,
         ["orders.order_date", "with the format '%d.%m.%Y'", "rows: 1 ('2026-10-01')"]),
        (BASE + "    values: {region: {华东: east}}\n",
         "id,amt,day,who,region\nA1,5,2026-10-01,c1,华东\nA2,5,2026-10-01,c1,华南\n",
         ["orders.region", "outside the values map: '华南'", "rows: 2", "add them"]),
        (BASE + "    encoding: utf-8\n", "GBK",
         ["cannot read o.csv", "not all utf-8", "encoding"]),
        (BASE + "    formats: {amount: thousands}\n",
         "id,amt,day,who\nA1,1.234.5,2026-10-01,c1\n",
         ["orders.amount", "thousands", "rows: 1 ('1.234.5')"]),
    ],
)  # fmt: skip
def test_a_wrong_mktkit_yaml_or_file_is_refused_saying_where(tmp_path, config, csv, words):
    if csv == "GBK":
        (tmp_path / "o.csv").write_bytes("id,amt,day,who\nA1,5,2026-10-01,张三\n".encode("gbk"))
        (tmp_path / "mktkit.yaml").write_text(config, encoding="utf-8")
        folder = tmp_path
    else:
        folder = _folder(tmp_path, config, *([csv] if csv else []))
    with pytest.raises(InputError) as info:
        load_data(folder)["orders"]
    text = " ".join(str(info.value).split())
    for word in words:
        assert word in text, (word, text)
    assert "Fix:" in text and "Traceback" not in text


def test_check_says_what_each_report_can_show(exports):
    from typer.testing import CliRunner

    from mktkit.cli import app

    result = CliRunner().invoke(app, ["check", str(exports)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "订单导出.csv" in text and "95220" in text and "2024-11-01 .. 2026-10-31" in text
    assert "monthly_review: headline," in text and "funnel" in text
    assert "NPS: no nps" in text and "experiments: no experiments" in text
    assert "campaign_review: cannot render, needs campaigns" in text


# ---------------------------------------------------------------------------------------------
# the example folder of README "Your own data"

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "shop"


def test_the_example_folder_is_the_samples_east_region():
    # the same rows cut from the sample: east, 2025-10 to 2026-10 (a customer first seen in
    # the cut is new there, as in any export that starts late)
    first, last = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-10-31")
    orders, cd, targets = SAMPLE["orders"], SAMPLE["channel_daily"], SAMPLE["kpi_targets"]
    cut = {
        "orders": orders[(orders["region"] == "east") & orders["order_date"].between(first, last)],
        "channel_daily": cd[(cd["region"] == "east") & cd["date"].between(first, last)],
        "kpi_targets": targets[(targets["region"] == "east") & (targets["month"] >= "2025-10")],
    }
    data = load_data(EXAMPLE)
    pd.testing.assert_frame_equal(mk.headline(data, "2026-10"), mk.headline(cut, "2026-10"))
    pd.testing.assert_frame_equal(
        mk.kpi_review(data, "2026-10", "east"), mk.kpi_review(cut, "2026-10", "east")
    )


def test_the_example_folder_is_what_its_builder_writes(tmp_path):
    from exports import build_example

    fresh = build_example(SAMPLE, tmp_path / "shop")
    for name in ("订单导出.csv", "KPI目标.csv", "mktkit.yaml"):
        assert (fresh / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
    ours = pd.read_excel(EXAMPLE / "广告报表.xlsx", dtype=str)  # xlsx bytes hold a time stamp
    pd.testing.assert_frame_equal(ours, pd.read_excel(fresh / "广告报表.xlsx", dtype=str))

"""Reports that fit the data they get: every template renders from orders alone and each further
table adds its sections; a funnel of the data's own events; zero spend; a past period's report
that later data never change; two data folders that never share a report folder.

The folders are built from the sample company (orders only, events under other names, codes
the kit has no label for, a copy cut at a month's end), so every expected figure is the
sample's own, computed here from the files with plain pandas. Four renders in all: an
orders-only review (also opened in a browser), a Chinese USD review with foreign codes, and
one past month from two folders.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import mktkit as mk
from mktkit.cli import app
from mktkit.data.folder import load_data
from mktkit.funnel import FunnelWarning, month_funnels
from mktkit.report import render
from mktkit.report.specs import TEMPLATES

SAMPLE_DIR = Path(mk.load_sample().path)
SAMPLE = mk.load_sample()
ORDERS = pd.read_csv(SAMPLE_DIR / "orders.csv", dtype={"amount": str})
#: the sample's event names -> a clickstream's own
EVENTS = {"visit": "session_start", "view_product": "view_item", "add_to_cart": "add_to_basket",
          "checkout": "begin_checkout", "purchase": "order_paid"}  # fmt: skip
#: the sample's regions -> codes the kit has no label for
REGIONS = {"east": "online", "south": "test", "north": "b2b", "west": "wholesale"}
CJK = r"\u3400-\u9fff\uf900-\ufaff"
GLUED = re.compile(rf"[A-Za-z0-9][{CJK}]|[{CJK}][A-Za-z0-9]")


def _text(page: str) -> str:
    """The words a reader sees: no style, no tags, no image data."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", page.replace("&amp;", "&"))


def _month_revenue(month: str, region: str | None = None) -> float:
    """A month's revenue from the file's text, summed exactly in cents."""
    rows = ORDERS[ORDERS["order_date"].str.startswith(month)]
    if region:
        rows = rows[rows["region"] == region]
    cents = rows["amount"].map(lambda a: round(float(a) * 100)).sum()
    return cents / 100


@pytest.fixture(scope="module")
def orders_only(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("orders_only")
    shutil.copy(SAMPLE_DIR / "orders.csv", folder / "orders.csv")
    return folder


@pytest.fixture(scope="module")
def orders_only_report(orders_only, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    return render("monthly_review", out_dir=out, month="2026-10", region="all", lang="en",
                  data_dir=str(orders_only))  # fmt: skip


def test_orders_alone_render_the_monthly_review_with_a_line_per_missing_table(
    orders_only_report,
):
    page = (orders_only_report / "report.html").read_text(encoding="utf-8")
    text = _text(page)
    for table in ("kpi_targets", "events", "channel_daily", "nps", "experiments"):
        assert f"the data have no {table} table" in text
    assert text.count("the data have no channel_daily table") == 2  # channels and budget
    assert f"¥{round(_month_revenue('2026-10')):,}" in text
    # no figure that needs spend is shown as a number
    assert "ROAS" not in text and "Spend" not in text
    # the anomalies come from the orders' daily series and their findings say so
    assert re.search(r"orders, (east|south|north|west), [a-z_+]+, 2026-10-\d\d", text)
    assert "channel_daily, " not in text


def _shown(sections) -> str:
    """The HTML of sections, their figures drawn (and closed) as a report would."""
    import matplotlib.pyplot as plt

    parts = []
    for sec in sections:
        parts += [p for p in sec.parts if isinstance(p, str)]
        for fig in sec.figures():
            assert fig.axes and all(ax.has_data() for ax in fig.axes)  # nothing drawn empty
            plt.close(fig)
    return _text("".join(parts))


def test_orders_alone_give_the_weekly_brief_and_the_campaign_review(orders_only, tmp_path):
    from mktkit.review.campaign import CampaignReview
    from mktkit.review.weekly import WeeklyBrief

    brief = WeeklyBrief("2026-W42", "all", "en", data=load_data(orders_only))
    text = _shown([brief.period(), brief.pace(), brief.anomalies(), brief.charts(),
                   brief.findings()])  # fmt: skip
    assert "the data have no kpi_targets table" in text

    shutil.copy(orders_only / "orders.csv", tmp_path / "orders.csv")
    shutil.copy(SAMPLE_DIR / "campaigns.csv", tmp_path / "campaigns.csv")
    review = CampaignReview("CMP07", "en", data=load_data(tmp_path))
    text = _shown([review.title(), review.goal(), review.before_after(), review.split(),
                   review.lessons()])  # fmt: skip
    assert "Spend: not shown, the data have no channel_daily table" in text
    before_after = _shown([review.before_after()])  # no row of what only ad data give
    assert "Revenue (per day)" in before_after
    assert "ROAS" not in before_after and "Spend" not in before_after
    # the display channel's revenue per day during the campaign, from the file
    during = ORDERS[(ORDERS["channel"] == "display")
                    & ORDERS["order_date"].between("2025-11-15", "2026-10-31 23:59:59")]  # fmt: skip
    per_day = during["amount"].map(lambda a: round(float(a) * 100)).sum() / 100 / 351
    table = review.before_after().tables["before_after"].set_index("metric")
    assert table.loc["revenue", "during"] == pytest.approx(per_day, abs=1e-6)
    assert np.isnan(table.loc["spend", "during"])  # no data, not 0


def test_a_funnel_no_one_enters_is_a_finding_and_a_warning(tmp_path):
    """Events under the clickstream's own names, with the default steps: a finding in the
    review, a FunnelWarning; with the steps named in mktkit.yaml, the sample's funnel."""
    events = pd.read_parquet(SAMPLE_DIR / "events.parquet")
    events["event"] = events["event"].map(lambda e: EVENTS.get(e, e))
    shutil.copy(SAMPLE_DIR / "orders.csv", tmp_path / "orders.csv")
    events.to_parquet(tmp_path / "events.parquet", index=False)
    from mktkit.review.monthly import MonthlyReview

    review = MonthlyReview("2026-10", "all", "en", data=load_data(tmp_path))
    with pytest.warns(FunnelWarning, match="no one reached the funnel's step 2"):
        review.funnel()
    found = review.findings().tables["findings"]
    top = found[found["kind"] == "funnel"].iloc[0]
    assert top["status"] == "bad" and "No one" in top["finding"]

    (tmp_path / "mktkit.yaml").write_text(
        "funnel: [" + ", ".join(EVENTS.values()) + "]\n", encoding="utf-8"
    )
    review = MonthlyReview("2026-10", "all", "en", data=load_data(tmp_path))
    ours = review.funnel().tables["funnels"]
    ours = ours[ours["month"] == "2026-10"]
    _, theirs = month_funnels(SAMPLE["events"], list(EVENTS), "2026-10")
    assert ours["step"].tolist() == list(EVENTS.values())
    assert ours["users"].tolist() == theirs["users"].tolist() and theirs["users"].iloc[1] > 0
    # the parameter wins over the file
    steps = MonthlyReview("2026-10", "all", "en", data=load_data(tmp_path),
                          funnel_steps="session_start, order_paid").steps  # fmt: skip
    assert steps == ["session_start", "order_paid"]


def test_zero_spend_in_a_channel_and_in_a_whole_month_is_shown_without_roas():
    cd = SAMPLE["channel_daily"].copy()
    cd.loc[cd["channel"] == "kol", "spend"] = 0.0
    cd.loc[cd["date"].dt.strftime("%Y-%m") == "2026-09", "spend"] = 0.0
    data = {**{k: SAMPLE[k] for k in ("orders", "customers")}, "channel_daily": cd}
    import matplotlib.pyplot as plt

    from mktkit.review.monthly import MonthlyReview

    for month in ("2026-10", "2026-09"):
        review = MonthlyReview(month, "all", "en", data=data)
        channels = review.channels()
        table = channels.tables["channels"].set_index("channel")
        assert np.isnan(table.loc["kol", "roas"])
        assert table.loc["kol", "spend"] == 0
        budget = review.budget()
        for sec in (channels, budget, review.headline(), review.revenue_chart()):
            for fig in sec.figures():
                plt.close(fig)
    head = MonthlyReview("2026-09", "all", "en", data=data).headline().tables["headline"]
    spend = head.set_index("metric")
    assert spend.loc["spend", "current"] == 0 and np.isnan(spend.loc["roas", "current"])


def test_months_before_the_data_have_no_data_not_zero():
    head = mk.headline(SAMPLE, "2025-03").set_index("metric")
    assert head["last_year"].isna().all()  # 2024-03: the data begin in 2024-11
    assert head.loc["revenue", "previous"] == _month_revenue("2025-02")
    assert np.isnan(head.loc["revenue", "change_vs_last_year"])
    only = mk.headline({"orders": SAMPLE["orders"]}, "2024-11").set_index("metric")
    assert "spend" not in only.index and only["previous"].isna().all()
    assert only.loc["revenue", "current"] == _month_revenue("2024-11")


def test_two_data_folders_never_share_a_report_folder(tmp_path):
    spec = TEMPLATES["monthly_review"]
    values = {"month": "2026-10", "region": "all", "lang": "en"}
    a = spec.folder_name(values | {"data_dir": str(tmp_path / "a" / "shop")})
    b = spec.folder_name(values | {"data_dir": str(tmp_path / "b" / "shop")})
    assert a != b and a.startswith("monthly_review-2026-10-all-en-shop-")
    assert spec.folder_name(values) == "monthly_review-2026-10-all-en"  # the sample's


def test_the_index_names_the_data_each_report_read(tmp_path):
    import json

    from mktkit.report.batch import BatchItem, write_index

    report = tmp_path / "monthly_review-2026-10-all-en-shop-365cc8"
    report.mkdir()
    manifest = {"sources": {"data_dir": "/srv/data/shop"}, "data_end": "2026-10-31"}
    (report / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    params = {"month": "2026-10", "data_dir": "/srv/data/shop"}
    items = [BatchItem(params, "rendered", report),
             BatchItem(params | {"data_dir": "/srv/other"}, "failed", None, "bad month")]  # fmt: skip
    page = write_index(tmp_path, "monthly_review", items).read_text(encoding="utf-8")
    assert "<th>data</th>" in page and "<td>shop (to 2026-10-31)</td>" in page
    assert "<td>other</td>" in page and "/srv/" not in page


def test_orders_alone_give_monthly_totals_without_spend():
    totals = mk.monthly_totals({"orders": SAMPLE["orders"]}).set_index("month")
    assert totals.loc["2026-10", "revenue"] == pytest.approx(_month_revenue("2026-10"), abs=0.005)
    assert totals["spend"].isna().all() and totals["roas"].isna().all()
    actuals = mk.kpi_actuals({"orders": SAMPLE["orders"]}, "2026-10", "all").set_index("metric")
    assert np.isnan(actuals.loc["spend", "actual"]) and np.isnan(actuals.loc["roas", "actual"])
    assert actuals.loc["orders", "actual"] == ORDERS["order_date"].str.startswith("2026-10").sum()


# ---------------------------------------------------------------------------------------------
# A Chinese review in US dollars, of codes the kit has no words for


@pytest.fixture(scope="module")
def foreign(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("foreign")
    orders = pd.read_csv(SAMPLE_DIR / "orders.csv", dtype=str)
    orders["region"] = orders["region"].map(REGIONS)
    orders.to_csv(folder / "orders.csv", index=False)
    events = pd.read_parquet(SAMPLE_DIR / "events.parquet")
    events["event"] = events["event"].map(lambda e: EVENTS.get(e, e))
    events["region"] = events["region"].map(REGIONS)
    events.to_parquet(folder / "events.parquet", index=False)
    (folder / "mktkit.yaml").write_text("currency: USD\n", encoding="utf-8")
    return folder


def test_a_chinese_usd_review_of_foreign_codes_reads_cleanly_and_warns(foreign, tmp_path):
    result = CliRunner().invoke(
        app,
        ["render", "monthly_review", "--month", "2026-10", "--lang", "zh", "--data", str(foreign),
         "--out", str(tmp_path)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "FunnelWarning: no one reached the funnel's step 2" in result.output
    folder = next(p for p in tmp_path.iterdir() if p.is_dir() and not p.name.startswith("."))
    page = (folder / "report.html").read_text(encoding="utf-8")
    text = _text(page.split('<footer class="report">')[0])
    assert "¥" not in text and "CNY" not in text and "人民币" not in text
    assert re.findall(r"(?<!美)元", text) == [] and "客单价（美元）" in text
    assert f"${round(_month_revenue('2026-10')):,}" in text
    glued = sorted({m.group(0) for m in GLUED.finditer(text)})
    assert glued == [], glued
    assert "p值 0.00" not in text
    # no figure of a funnel of zeros: one line says why
    assert "两个月都没有用户走过漏斗的第一步" in text


# ---------------------------------------------------------------------------------------------
# A past month never changes with later data


def _cut(folder: Path, last_day: str) -> None:
    """The dated tables of ``folder`` as they stood at the end of ``last_day``."""
    for name, column in (("orders", "order_date"), ("channel_daily", "date"),
                         ("customers", "signup_date"), ("nps", "date")):  # fmt: skip
        table = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        table[table[column].str[:10] <= last_day].to_csv(folder / f"{name}.csv", index=False)
    events = pd.read_parquet(folder / "events.parquet")
    events[events["ts"] < pd.Timestamp(last_day) + pd.Timedelta(days=1)].to_parquet(
        folder / "events.parquet", index=False
    )


def test_a_past_month_is_the_same_report_with_or_without_the_later_months(tmp_path):
    later, cut = tmp_path / "later" / "data", tmp_path / "cut" / "data"
    shutil.copytree(SAMPLE_DIR, later)
    shutil.copytree(SAMPLE_DIR, cut)
    _cut(cut, "2026-08-31")
    pages = []
    for folder in (later, cut):
        out = render("monthly_review", out_dir=tmp_path / "reports", month="2026-08",
                     region="all", lang="en", data_dir=str(folder))  # fmt: skip
        pages.append((out / "report.html").read_bytes())
    assert pages[0] == pages[1]
    assert b"Data through: 2026-08-31" in pages[0]
    reports = [p for p in (tmp_path / "reports").iterdir() if not p.name.startswith(".")]
    assert len(reports) == 2  # the two folders did not overwrite each other


# ---------------------------------------------------------------------------------------------
# CDNOW (lifetimes' copy; `make test` fetches it): a US shop with orders only (the `cdnow`
# fixture of conftest.py)


def test_cdnow_renders_a_monthly_review_in_dollars_from_orders_alone(cdnow, tmp_path):
    out = render("monthly_review", out_dir=tmp_path, month="1997-03", region="all", lang="en",
                 data_dir=str(cdnow))  # fmt: skip
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    plain = pd.read_csv(cdnow / "CDNOW_master.txt", sep=r"\s+", dtype=str)
    march = plain[plain["date"].str.startswith("199703")]
    revenue = march["dollar_value"].map(lambda a: round(float(a) * 100)).sum() / 100
    assert f"${round(revenue):,}" in text and f"{len(march):,}" in text
    assert "¥" not in text and "CNY" not in text
    assert "the data have no channel_daily table" in text


# ---------------------------------------------------------------------------------------------
# In a browser


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="no Chromium: `make test` installs Debian's chromium when it runs as root",
)
def test_an_orders_only_report_has_no_empty_figure_in_a_browser(orders_only_report):
    """Every figure decodes, and each has ink on it: an empty axes (a chart of data the folder
    lacks) would be nearly all white."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        page = browser.new_page()
        page.goto((orders_only_report / "report.html").as_uri(), wait_until="load")
        # the share of each image's pixels that are not near white, drawn on a canvas
        inked = page.eval_on_selector_all(
            "img",
            """els => els.map(img => {
                const c = document.createElement('canvas');
                c.width = img.naturalWidth; c.height = img.naturalHeight;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let ink = 0;
                for (let i = 0; i < d.length; i += 4)
                    if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
                return c.width ? ink / (c.width * c.height) : 0;
            })""",
        )
        browser.close()
    assert len(inked) >= 2  # the revenue history and the largest anomaly
    assert all(share > 0.03 for share in inked), inked  # empty axes: about 0.01

"""The report pipeline: parameters refused before a kernel starts, a real render, atomic output."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import nbformat
import pytest

from mktkit.errors import InputError
from mktkit.report import TEMPLATES_DIR, RenderError, render, validate_params

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.mark.parametrize(
    ("template", "params", "column", "words"),
    [
        ("nope", {}, "template", "unknown template 'nope'"),
        ("monthly_review", {"colour": "red"}, "parameters", "unknown parameter(s) 'colour'"),
        ("monthly_review", {"month": "2026-13"}, "month", "'2026-13' is not valid"),
        ("monthly_review", {"month": "202610"}, "month", "'202610' is not valid"),
        ("monthly_review", {"month": 202610}, "month", "has type int, expected str"),
        ("monthly_review", {"month": "2030-01"}, "month", "not in the data"),
        ("monthly_review", {"month": "2024-10"}, "month", "not in the data"),
        ("monthly_review", {"region": "mars"}, "region", "'mars' is not a region"),
        ("monthly_review", {"lang": "fr"}, "lang", "'fr' is not allowed"),
        ("monthly_review", {"lang": True}, "lang", "has type bool, expected str"),
    ],
)
def test_bad_parameters_are_refused(template, params, column, words):
    with pytest.raises(InputError) as info:
        validate_params(template, params)
    assert info.value.column == column
    assert words in str(info.value)
    assert "\n" not in str(info.value)  # one line for the command line


def test_defaults_are_filled_in():
    spec, values = validate_params("monthly_review", {"region": "east"})
    assert values == {
        "month": "2026-10",
        "region": "east",
        "lang": "zh",
        "data_dir": None,
        "spark_events": None,
        "funnel_steps": None,
    }
    assert spec.folder_name(values) == "monthly_review-2026-10-east-zh"


def test_refused_before_any_kernel_starts(tmp_path, monkeypatch):
    import papermill

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started for bad parameters")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    with pytest.raises(InputError):
        render("monthly_review", out_dir=tmp_path, month="2026-13")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    return render("monthly_review", out_dir=out, month="2026-10", region="all", lang="zh")


def _revenue_of(month: str) -> Decimal:
    # Independent of mktkit and of floats: the csv module and exact decimals over the file.
    import csv

    with open(SAMPLE / "orders.csv", newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        return sum((Decimal(r["amount"]) for r in rows if r["order_date"][:7] == month), Decimal())


@pytest.mark.slow
def test_render_writes_the_three_files(rendered):
    assert rendered.name == "monthly_review-2026-10-all-zh"
    assert sorted(p.name for p in rendered.iterdir()) == [
        "manifest.json",
        "report.html",
        "report.ipynb",
    ]
    # no staging folder is left; the lock of each report lives in .locks
    leftovers = [p.name for p in rendered.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [".locks"]


@pytest.mark.slow
def test_html_is_self_contained_and_shows_no_code(rendered):
    from html_checks import assert_safe_html

    page = (rendered / "report.html").read_text(encoding="utf-8")
    assert_safe_html(page)
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert "jp-InputArea" not in page and "mk.headline" not in page
    assert 'lang="zh-CN"' in page and "月度营销复盘" in page


@pytest.mark.slow
def test_headline_revenue_matches_the_orders_file(rendered):
    page = (rendered / "report.html").read_text(encoding="utf-8")
    revenue = _revenue_of("2026-10").quantize(Decimal(1), ROUND_HALF_UP)
    assert f"<td>¥{revenue:,}</td>" in page


@pytest.mark.slow
def test_manifest_hashes_every_input(rendered):
    manifest = json.loads((rendered / "manifest.json").read_text(encoding="utf-8"))
    # data_dir counts by the content of its files (inputs), not by where they lie
    assert manifest["parameters"] == {
        "month": "2026-10",
        "region": "all",
        "lang": "zh",
        "spark_events": None,
        "funnel_steps": None,
    }
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in {".csv", ".parquet", ".yaml"})
    assert sorted(manifest["inputs"]) == sorted(p.stem for p in files)
    for p in files:
        assert manifest["inputs"][p.stem]["sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
    template = TEMPLATES_DIR / "monthly_review.ipynb"
    assert manifest["template_sha256"] == hashlib.sha256(template.read_bytes()).hexdigest()
    assert {"pandas", "papermill", "python"} <= set(manifest["versions"])
    assert manifest["timings_s"]["total"] >= manifest["timings_s"]["execute"] > 0
    assert manifest["data_end"] == "2026-10-31"
    page = (rendered / "report.html").read_text(encoding="utf-8")
    assert manifest["fingerprint"][:16] in page


@pytest.mark.slow
def test_same_inputs_give_a_byte_identical_report(rendered, tmp_path):
    again = render("monthly_review", out_dir=tmp_path, month="2026-10", region="all", lang="zh")
    assert (again / "report.html").read_bytes() == (rendered / "report.html").read_bytes()


def _failing_templates(tmp_path: Path) -> Path:
    nb = nbformat.read(TEMPLATES_DIR / "monthly_review.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    folder = tmp_path / "templates"
    folder.mkdir()
    nbformat.write(nb, folder / "monthly_review.ipynb")
    return folder


@pytest.mark.slow
def test_a_failed_render_keeps_the_last_good_report(rendered, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(rendered, out / rendered.name)
    before = {p.name: p.read_bytes() for p in (out / rendered.name).iterdir()}
    with pytest.raises(RenderError) as info:
        render(
            "monthly_review",
            out_dir=out,
            templates_dir=_failing_templates(tmp_path),
            month="2026-10",
            region="all",
            lang="zh",
        )
    assert info.value.ename == "ZeroDivisionError"
    assert "ZeroDivisionError" in str(info.value) and f"cell {info.value.cell}" in str(info.value)
    after = {p.name: p.read_bytes() for p in (out / rendered.name).iterdir()}
    assert after == before
    failed = out / f"{rendered.name}.failed.ipynb"
    assert info.value.failed_notebook == failed and failed.exists()
    assert sorted(p.name for p in out.iterdir() if p.name[0] != ".") == [rendered.name, failed.name]


def _own_folder(tmp_path: Path, tables: tuple[str, ...]) -> Path:
    folder = tmp_path / "my_tables"
    folder.mkdir()
    for t in tables:
        shutil.copyfile(SAMPLE / f"{t}.csv", folder / f"{t}.csv")
    return folder


def test_a_folder_without_a_needed_table_is_refused(tmp_path):
    folder = _own_folder(tmp_path, ("channel_daily",))
    with pytest.raises(InputError) as info:
        render("monthly_review", out_dir=tmp_path / "out", data_dir=str(folder))
    assert info.value.column == "data_dir" and "lacks orders.csv" in str(info.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_render_on_your_own_folder_of_tables(tmp_path, monkeypatch):
    # A user's folder holding only the two tables the review reads, given as a relative path
    # (the kernel runs elsewhere: the path must still mean the user's folder).
    folder = _own_folder(tmp_path, ("orders", "channel_daily"))
    monkeypatch.chdir(tmp_path)
    out = render(
        "monthly_review",
        out_dir="out",
        data_dir="my_tables",
        month="2026-09",
        region="east",
        lang="en",
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["inputs"]) == ["channel_daily", "orders"]
    assert manifest["inputs"]["orders"]["path"] == "orders.csv"  # relative to the data folder
    assert manifest["sources"]["data_dir"] == str(folder.resolve())
    import csv

    with open(folder / "orders.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["order_date"][:7] == "2026-09"]
    east = sum(Decimal(r["amount"]) for r in rows if r["region"] == "east")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"¥{east.quantize(Decimal(1), ROUND_HALF_UP):,}" in page
    assert f"<td>{sum(r['region'] == 'east' for r in rows):,}</td>" in page  # orders


@pytest.mark.slow
def test_the_embedded_font_covers_every_character_shown(rendered):
    # The page must read the same on a machine without Chinese fonts: the embedded subset has
    # a glyph for every character of the visible text.
    import base64
    import io
    from html.parser import HTMLParser

    from fontTools.ttLib import TTFont

    page = (rendered / "report.html").read_text(encoding="utf-8")
    woff = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(woff)))
    covered = set(map(chr, font.getBestCmap()))

    class Text(HTMLParser):
        chunks: list[str] = []
        skip = False

        def handle_starttag(self, tag, attrs):
            self.skip = tag == "style"

        def handle_data(self, data):
            if not self.skip:
                self.chunks.append(data)

    parser = Text()
    parser.feed(page)
    shown = {c for c in "".join(parser.chunks) if not c.isspace()}
    assert any("\u4e00" <= c <= "\u9fff" for c in shown)  # there is Chinese to cover
    assert shown - covered == set()


@pytest.mark.slow
def test_the_review_flags_the_planted_checkout_leak(rendered):
    # data/sample/README.md: from 2026-10-09 checkout -> purchase falls from about 0.62 to 0.35.
    page = (rendered / "report.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="funnel-change">.*?</table>', page).group(0)
    leaks = re.findall(r'<tr class="new_leak"><th scope="row">([^<]+)', table)
    assert leaks == ["支付成功 "]  # purchase, and only purchase


def test_strategy_workshop_refuses_a_missing_or_invalid_file(tmp_path, monkeypatch):
    import papermill
    import yaml

    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: pytest.fail("kernel"))
    with pytest.raises(InputError) as info:
        render("strategy_workshop", out_dir=tmp_path, swot=str(tmp_path / "nope.yaml"))
    assert info.value.column == "swot" and "does not exist" in str(info.value)
    # IFE weights that no longer sum to 1 are caught before any kernel starts.
    doc = yaml.safe_load((SAMPLE / "swot.yaml").read_text(encoding="utf-8"))
    doc["strengths"][0]["weight"] += 0.05
    bad = tmp_path / "swot.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="weight"):
        render("strategy_workshop", out_dir=tmp_path, swot=str(bad))
    assert not any(p.is_dir() for p in tmp_path.iterdir())  # no report, no staging left


@pytest.mark.slow
def test_strategy_workshop_renders_with_user_text_escaped(tmp_path):
    out = render("strategy_workshop", out_dir=tmp_path, lang="en")
    assert out.name == "strategy_workshop-en"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "R&amp;D &lt;pilot&gt;" in page and "<pilot>" not in page
    assert "<script" not in page.lower()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the two YAML files and the tables the evidence is computed from
    assert sorted(manifest["inputs"]) == ["channel_daily", "marketing_mix", "nps", "orders", "swot"]
    assert manifest["data_end"] is None
    # W1's claim carries the display ROAS of 2026-10 computed from channel_daily: 1.0988 -> 1.1
    assert "ROAS 1.1 (computed from channel_daily channel=display, 2026-10)" in page


@pytest.mark.slow
def test_strategy_workshop_in_chinese(tmp_path):
    out = render("strategy_workshop", out_dir=tmp_path, lang="zh")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert out.name == "strategy_workshop-zh" and 'lang="zh-CN"' in page
    for heading in ("SWOT 分析", "TOWS 矩阵", "内部-外部矩阵 (IE)", "营销组合", "行动项"):
        assert f"<h2>{heading}</h2>" in page
    # IFE 2.61 and EFE 2.24 (the sample's weights x ratings) are both in [2, 3): cell V, hold
    # and maintain (David's IE matrix)
    assert "IFE 总分 2.61, EFE 总分 2.24 → 区域 V: 坚持与保持" in re.sub(r"<[^>]+>", "", page)
    assert "R&amp;D &lt;pilot&gt;" in page and "<pilot>" not in page
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', page)) == 6


@pytest.mark.slow
def test_a_parameter_value_cannot_inject_code(tmp_path, monkeypatch):
    # A folder name that would run code if it were pasted into the parameter cell.
    payload = 'x"); open("PWNED", "w").close()  #'
    folder = tmp_path / payload
    folder.mkdir()
    for t in ("orders", "channel_daily"):
        shutil.copyfile(SAMPLE / f"{t}.csv", folder / f"{t}.csv")
    monkeypatch.chdir(tmp_path)
    out = render("monthly_review", out_dir="out", data_dir=str(folder), lang="en")
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(injected.source, namespace)  # the cell only assigns, and gives the value back intact
    assert namespace["data_dir"] == str(folder)
    assert not list(tmp_path.rglob("PWNED"))


@pytest.mark.slow
def test_the_review_reads_out_the_experiments_and_the_dormant(rendered):
    from mktkit.i18n import label

    page = (rendered / "report.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td>([a-z_]+)</td>\s*<td>([^<]+)</td>(.*?)</tr>", page, re.S)
    verdicts = {(e, v): re.findall(r"<td>([^<]*)</td>", rest)[-1] for e, v, rest in rows}
    # data/sample/README.md: checkout_button has a real lift, free_shipping_banner an SRM
    treatment = label("treatment", "zh")  # 实验组: the variant's name in the report's language
    assert verdicts[("checkout_button", treatment)] == label("win", "zh")
    assert verdicts[("free_shipping_banner", treatment)] == label("srm", "zh")
    assert verdicts[("homepage_hero", treatment)] == label("no_difference", "zh")
    # formerly frequent buyers (3+ orders) silent for 90+ days at 2026-10-31, from the CSV
    import csv
    from collections import defaultdict

    last, count = {}, defaultdict(int)
    with open(SAMPLE / "orders.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            count[r["customer_id"]] += 1
            last[r["customer_id"]] = max(last.get(r["customer_id"], ""), r["order_date"])
    from datetime import date

    quiet = sum(
        1
        for c, n in count.items()
        if n >= 3 and (date(2026, 10, 31) - date.fromisoformat(last[c])).days >= 90
    )
    assert f"<strong>{quiet:,}</strong>" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium: `make test` installs Debian's chromium when it runs as root with apt-get",
)
def test_the_report_opens_offline_in_a_browser(rendered):
    # A real browser, as a manager opens the file: every figure decodes, the embedded Chinese
    # font loads, nothing is fetched but the file itself, and the console stays clean.
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page()
        errors, fetched = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: fetched.append(r.url))
        page.goto((rendered / "report.html").as_uri(), wait_until="load")
        images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        font = page.evaluate(
            "document.fonts.ready.then(() => Array.from(document.fonts)"
            ".map(f => f.family + ' ' + f.status))"
        )
        alts = page.eval_on_selector_all("img", "els => els.map(e => e.alt)")
        # A4 in print: 210 mm less the page's 2 x 14 mm margins is 182 mm = 688 CSS px. Nothing
        # may stick out sideways (a wide table or figure would be cut off on paper).
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 688, "height": 1000})
        widest = page.evaluate(
            "Math.max(document.documentElement.scrollWidth,"
            " ...Array.from(document.querySelectorAll('main *'))"
            ".map(e => e.getBoundingClientRect().right))"
        )
        browser.close()
    assert widest <= 688 + 0.5  # sub-pixel layout rounding
    assert all(a.startswith("图表: ") and len(a) > 4 for a in alts), alts
    assert errors == []
    assert {url.split(":")[0] for url in fetched} <= {"file", "data"}
    assert len(images) >= 5 and all(w > 0 for w in images)
    assert font == ["mktkit Noto Sans SC loaded"]


@pytest.mark.slow
def test_the_review_opens_with_its_findings(rendered):
    # The findings come first (data/sample/README.md, planted facts of 2026-10).
    page = (rendered / "report.html").read_text(encoding="utf-8")
    main = page[page.index("<main>") :]
    first_heading = re.search(r"<h2[^>]*>(.*?)</h2>", main).group(1)
    assert first_heading.startswith("主要发现")
    findings = main[: main.index("</ol>")]
    for fact in [
        "85.0%",  # north revenue 223,886.83 / 263,400
        "95.1%",  # west new customers 349 / 367
        "80.0%",  # east CAC 118.21 / 147.76
        "2026-10-09",  # the checkout leak's first day
        "2026-10-14",  # the south tracking outage
        "1.10",  # display ROAS in 2026-10
        "free_shipping_banner",  # the SRM experiment
        "checkout_button",  # the win
    ]:
        assert fact in findings, fact

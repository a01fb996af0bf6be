"""Reading tables from files (CSV, Parquet, Excel, DuckDB) and opening the sample company."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

import mktkit.data.io as mkio
from mktkit.data.folder import SAMPLE_FILES, SampleData
from mktkit.data.io import read_table, validate
from mktkit.data.sample import load_sample
from mktkit.errors import InputError
from mktkit.schemas import SCHEMAS

REPO_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def write(df: pd.DataFrame, path: Path, *, table: str = "t") -> Path:
    """Write ``df`` in the format of ``path``'s extension."""
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif path.suffix == ".xlsx":
        df.to_excel(path, index=False, sheet_name="data")
    elif path.suffix == ".duckdb":
        con = duckdb.connect(str(path))
        try:
            con.register("frame", df)
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM frame')
        finally:
            con.close()
    return path


# ---------------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("ext", [".csv", ".parquet", ".xlsx", ".duckdb"])
@pytest.mark.parametrize("table", list(SCHEMAS))
def test_round_trip_equals_validated_frame(tmp_path, valid_tables, ext, table):
    df = valid_tables[table]
    expected = validate(df, table)
    path = write(df, tmp_path / f"{table}{ext}", table=table)
    got = read_table(path, schema=table)
    if table == "nps":
        # CSV and Excel have no "missing" apart from an empty cell: the empty comment of row 3
        # comes back missing, like the None of row 2 (Parquet and DuckDB keep it as "")
        if ext in (".csv", ".xlsx"):
            expected.loc[2, "comment"] = None
    pd.testing.assert_frame_equal(got, expected)


def test_ids_with_leading_zeros_survive_every_format(tmp_path, valid_tables):
    df = valid_tables["customers"]
    for ext in (".csv", ".parquet", ".xlsx", ".duckdb"):
        got = read_table(write(df, tmp_path / f"c{ext}", table="customers"), "customers")
        assert got["customer_id"].tolist() == ["00123", "00124", "C9"], ext


def test_csv_cells_are_text_until_the_schema_converts_them(tmp_path):
    # "NA" is a region code here, not a missing value; "0042" is an id, not the number 42
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,order_date,region,channel,amount\n"
        "0042,007,2026-10-01,NA,direct,10\n"
        "0043,008,2026-10-02,east,search,12.50\n",
        encoding="utf-8",
    )
    got = read_table(path, schema="orders")
    assert got["order_id"].tolist() == ["0042", "0043"]
    assert got["customer_id"].tolist() == ["007", "008"]
    assert got["region"].tolist() == ["NA", "east"]
    assert got["amount"].tolist() == [10.0, 12.5]


def test_csv_with_byte_order_mark_from_excel(tmp_path, valid_tables):
    path = tmp_path / "kpi.csv"
    path.write_bytes(valid_tables["kpi_targets"].to_csv(index=False).encode("utf-8-sig"))
    assert list(read_table(path, "kpi_targets").columns)[0] == "month"


@pytest.mark.parametrize(
    "content",
    [
        b'id,flag,x,y,z\n00123,true,1.50,NA,\n007,FALSE,1e3,null,""\n0x1F,T,  5 ,nan, a \n',
        b"\xef\xbb\xbfid,v\n1,2\n",  # Excel's byte order mark
        b"a,,a\n1,2,3\n",  # an empty and a repeated column name
        b"a,b\r\n1,2\r\n\r\n3,4\r\n",
        b"a,b\r1,2\r3,4\r",
        b'a,b\n"x\ny",2\n"q""uote",3\n',
        b'"a","b"\n"",""\n"",x\n',
        b"a,b\n,\n,\n",
        b"a,b\n",
        '名称,区域\n华东,东\n"多\r\n行",西\n'.encode(),
        b"a,b\n1\n3,4\n",  # a short row: the C reader fills it, pyarrow refuses it
        b"a,b\n1,2\n   \n3,4\n",
        b"a,b\n1,2,3\n",  # a long row: the C reader takes the first field as the index
    ],
)
def test_csv_text_is_read_as_pandas_c_reader_reads_it(tmp_path, content):
    # CSV cells are read by pyarrow when it can: the table must be the C reader's, cell for cell
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    want = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(mkio._read_csv(path, "t", True), want)


def test_without_schema_files_are_read_as_is(tmp_path):
    path = tmp_path / "any.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    got = read_table(path)
    assert got["a"].tolist() == [1, 2]
    assert got["b"].tolist() == ["x", "y"]


def test_no_row_is_dropped(tmp_path, valid_tables):
    # 300 rows, keys made unique; row order must come back unchanged
    df = pd.concat([valid_tables["orders"]] * 100, ignore_index=True)
    df["order_id"] = [f"{i:05d}" for i in range(300)][::-1]
    for ext in (".csv", ".parquet"):
        got = read_table(write(df, tmp_path / f"o{ext}"), "orders")
        assert len(got) == 300
        assert got["order_id"].tolist() == df["order_id"].tolist()


def test_excel_sheet_by_name_and_position(tmp_path, valid_tables):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as book:
        valid_tables["campaigns"].to_excel(book, sheet_name="campaigns", index=False)
        valid_tables["nps"].to_excel(book, sheet_name="nps", index=False)
    assert len(read_table(path, "nps", sheet="nps")) == 4
    assert len(read_table(path, "nps", sheet=1)) == 4
    assert len(read_table(path, "campaigns")) == 2  # first sheet by default
    with pytest.raises(InputError, match="has no sheet 'NPS'. Fix: use one of 'campaigns', 'nps'"):
        read_table(path, "nps", sheet="NPS")


def test_duckdb_table_choice(tmp_path, valid_tables):
    path = write(valid_tables["orders"], tmp_path / "shop.duckdb", table="orders")
    write(valid_tables["nps"], path, table="nps")
    assert len(read_table(path, "orders")) == 3  # the table named like the schema
    assert len(read_table(path, table="nps")) == 4
    with pytest.raises(InputError, match="holds 2 tables; say which one to read"):
        read_table(path)
    with pytest.raises(InputError, match="has no table 'order'. Fix: use one of 'nps', 'orders'"):
        read_table(path, table="order")


# ---------------------------------------------------------------------------------------------
# files that cannot be read


def test_missing_file_names_path_and_near_matches(tmp_path, valid_tables):
    write(valid_tables["orders"], tmp_path / "orders.csv")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "order.csv", "orders")
    text = str(info.value)
    assert f"file not found: {tmp_path / 'order.csv'}" in text
    assert "did you mean orders.csv" in text
    assert "notes.txt" not in text


def test_missing_folder(tmp_path):
    with pytest.raises(InputError, match="the folder .*nowhere does not exist either"):
        read_table(tmp_path / "nowhere" / "orders.csv")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_table(tmp_path)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("orders.doc", "unsupported file type '.doc'"),
        ("orders.numbers", "unsupported file type '.numbers'"),
        ("orders", "no file extension"),
    ],
)
def test_unsupported_extension(tmp_path, name, words):
    (tmp_path / name).write_text("order_id\n1\n")
    with pytest.raises(InputError, match=words.replace(".", r"\.")):
        read_table(tmp_path / name, "orders")


def test_empty_file(tmp_path):
    (tmp_path / "orders.csv").write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "orders.csv", "orders")
    assert str(info.value).startswith("orders: orders.csv is empty (no header, no rows)")


def test_header_only_csv(tmp_path):
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date,region,channel,amount\n")
    with pytest.raises(InputError, match=r"orders.csv has no rows \(only a header\)"):
        read_table(tmp_path / "orders.csv", "orders")


def test_empty_parquet(tmp_path, valid_tables):
    path = write(valid_tables["orders"].iloc[:0], tmp_path / "orders.parquet")
    with pytest.raises(InputError, match="orders.parquet has no rows"):
        read_table(path, "orders")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "orders.parquet",
            b"PAR1 this is not parquet" * 20,
            "cannot read orders.parquet as Parquet",
        ),
        ("orders.xlsx", b"PK\x03\x04 broken zip", "cannot read orders.xlsx as Excel"),
        ("orders.duckdb", b"not a database" * 500, "cannot read orders.duckdb as DuckDB"),
        ("orders.csv", "a,b\nü,1\n".encode("latin-1"), "neither UTF-8 nor GBK/GB18030"),
        ("orders.csv", b"a,b\n1,2\n3,4,5\n", "than the header's 2; rows: 2"),
    ],
)
def test_corrupt_files(tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=words):
        read_table(tmp_path / name, "orders")


def test_truncated_parquet(tmp_path, valid_tables):
    path = write(valid_tables["events"], tmp_path / "events.parquet")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputError, match="cannot read events.parquet as Parquet"):
        read_table(path, "events")


# ---------------------------------------------------------------------------------------------
# validation through read_table: row numbers are data rows of the file


def test_bad_csv_values_name_file_rows(tmp_path):
    path = tmp_path / "nps.csv"
    path.write_text(
        "response_id,date,region,score,comment\n"
        "a,2026-10-01,east,9,\n"  # data row 1 (line 2)
        "b,2026-10-01,east,7.5,too slow\n"  # data row 2: not a whole number
        "c,2026-13-45,east,3,\n"  # data row 3: no such date
        "a,2026-10-02,west,12,\n",  # data row 4: above 10, and a repeats row 1's id
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_table(path, "nps")
    err = info.value
    found = {(p.column, p.problem): p.rows for p in err.problems}
    assert found == {
        ("score", "cannot be read as a whole number"): {2: "7.5"},
        ("date", "cannot be read as an ISO date"): {3: "2026-13-45"},
        ("response_id", "duplicate key: these rows repeat the same response_id"): {
            1: "a",
            4: "a",
        },
        ("score", "must be at most 10"): {4: 12},
    }
    assert all(p.table == "nps" and p.fix for p in err.problems)


def test_missing_column_in_file(tmp_path, valid_tables):
    path = write(valid_tables["orders"].drop(columns=["amount"]), tmp_path / "orders.parquet")
    with pytest.raises(
        InputError, match="missing column\\(s\\) 'amount'; the table has 'order_id'"
    ):
        read_table(path, "orders")


# ---------------------------------------------------------------------------------------------
# load_sample


def _fake_sample(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, file in SAMPLE_FILES.items():
        if name in tables:
            write(tables[name], folder / file)
        else:
            (folder / file).write_text(yaml.safe_dump({"name": name}), encoding="utf-8")
    return folder


def test_sample_from_a_given_folder_is_lazy_and_validated(tmp_path, valid_tables, monkeypatch):
    folder = _fake_sample(tmp_path / "s", valid_tables)
    data = load_sample(folder)
    assert isinstance(data, SampleData)
    assert data.path == folder
    assert list(data) == list(SAMPLE_FILES) and len(data) == 10
    assert data.files["events"] == folder / "events.parquet"
    assert data._loaded == {}  # nothing read yet
    orders = data["orders"]
    assert list(data._loaded) == ["orders"]
    assert orders["order_date"].dtype == "datetime64[ns]"
    assert data["swot"] == {"name": "swot"}
    # the cache is not exposed: changing what we got leaves the next access unchanged
    orders.loc[0, "amount"] = -1.0
    data["swot"]["name"] = "changed"
    assert data["orders"].loc[0, "amount"] == 199.0
    assert data["swot"] == {"name": "swot"}
    with pytest.raises(KeyError, match="the folder has channel_daily"):
        data["order"]


def test_sample_tables_are_validated_on_access(tmp_path, valid_tables):
    tables = dict(valid_tables)
    tables["nps"] = tables["nps"].assign(score=[1, 2, 11, 3])
    data = load_sample(_fake_sample(tmp_path / "s", tables))
    assert len(data["orders"]) == 3
    with pytest.raises(InputError, match=r"nps.score: must be at most 10; rows: 3 \(11\)"):
        data["nps"]


def test_sample_folder_from_environment(tmp_path, valid_tables, monkeypatch):
    folder = _fake_sample(tmp_path / "env", valid_tables)
    monkeypatch.setenv("MKTKIT_SAMPLE_DIR", str(folder))
    assert load_sample().path == folder
    monkeypatch.setenv("MKTKIT_SAMPLE_DIR", str(tmp_path / "missing"))
    with pytest.raises(InputError, match="sample directory not found: .*missing"):
        load_sample()


def test_missing_sample_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="from path"):
        load_sample(tmp_path / "nope")


def test_sample_is_generated_into_the_user_cache(tmp_path, valid_tables, monkeypatch):
    calls = []

    def fake_generate(out):
        calls.append(Path(out))
        _fake_sample(Path(out), valid_tables)

    import mktkit.data.sample

    monkeypatch.delenv("MKTKIT_SAMPLE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(mktkit.data.sample, "_repo_sample_dir", lambda: tmp_path / "no-repo-sample")
    monkeypatch.setattr(mktkit.data.sample, "generate_sample", fake_generate)
    from mktkit import __version__

    data = load_sample()
    assert data.path == tmp_path / "cache" / "mktkit" / f"sample-{__version__}"
    assert len(data["experiments"]) == 4
    assert len(calls) == 1 and calls[0] != data.path  # written aside, then moved in place
    load_sample()  # the second time the cached copy is used
    assert len(calls) == 1
    assert [p.name for p in data.path.parent.iterdir()] == [data.path.name]  # no leftovers


@pytest.mark.skipif(
    not (REPO_SAMPLE / "orders.csv").is_file(), reason="data/sample not generated yet"
)
def test_repository_sample_validates_every_table(monkeypatch):
    monkeypatch.delenv("MKTKIT_SAMPLE_DIR", raising=False)
    data = load_sample()
    assert data.path == REPO_SAMPLE
    for name in SCHEMAS:
        table = data[name]
        assert len(table) > 0, name
        # every row of the file is there (CSV: lines minus the header)
        if data.files[name].suffix == ".csv":
            with data.files[name].open(encoding="utf-8") as f:
                assert len(table) == sum(1 for _ in f) - 1, name
    assert set(data["swot"]) >= {"strengths", "weaknesses", "opportunities", "threats"}
    assert "elements" in data["marketing_mix"]


def test_a_process_rereads_a_table_only_when_its_file_changed(tmp_path):
    import os
    import shutil

    shutil.copytree(REPO_SAMPLE, tmp_path / "s")
    path = tmp_path / "s" / "experiments.csv"
    first = load_sample(tmp_path / "s")["experiments"]
    first.loc[0, "users"] = -1  # a reader's change stays with that reader
    again = load_sample(tmp_path / "s")["experiments"]
    assert again.loc[0, "users"] != -1 and len(again) == 6
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")  # header + 4 arms
    os.utime(path, ns=(1, 1))  # a new time stamp, whatever the file system's resolution
    assert len(load_sample(tmp_path / "s")["experiments"]) == 4

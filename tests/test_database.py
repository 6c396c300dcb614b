"""Database extracts against real databases: a throwaway PostgreSQL cluster (``postgres`` fixture), SQLite
and DuckDB files. The same contract as files: all-text values as the database writes them, every row
accounted for, declared types kept, read-only, and one-line errors that never show the password."""

from __future__ import annotations

import sqlite3

import polars as pl
import pytest

from kit import read_extract
from kit.cli import main
from kit.errors import KitError
from kit.load import open_extract
from kit.load.database import DatabaseError, DatabaseSource, _session, read_database, safe_url
from kit.mapping.spec import Mapping, MappingError
from kit.profiling import profile
from tests.conftest import PG_PASSWORD, SAMPLE

TRICKY = [
    "DROP TABLE IF EXISTS tricky",
    """CREATE TABLE tricky (
        id integer PRIMARY KEY,
        amount numeric(12,2) NOT NULL,
        seen timestamptz,
        active boolean,
        raw bytea,
        name varchar(5),
        note text
    )""",
    """INSERT INTO tricky VALUES
        (1, 12.5, '2024-01-02 03:04:05+02', true, '\\x01ff', 'Zoë😀', ''),
        (2, 3, NULL, false, NULL, NULL, NULL),
        (3, -0.01, '1999-12-31 23:59:59.5+00', NULL, '\\x', 'abc', 'line
break')""",
]


@pytest.fixture(scope="module")
def tricky(postgres, pg_admin):
    pg_admin(*TRICKY)
    return postgres


def test_postgres_values_arrive_as_the_text_the_database_writes(tricky):
    ex = read_database(tricky, table="tricky")
    assert ex.frame.schema == dict.fromkeys(["id", "amount", "seen", "active", "raw", "name", "note"], pl.String)
    assert ex.frame.rows() == [
        ("1", "12.50", "2024-01-02 01:04:05+00", "true", "\\x01ff", "Zoë😀", ""),  # scale kept, UTC, hex
        ("2", "3.00", None, "false", None, None, None),  # NULL stays null, '' stays ''
        ("3", "-0.01", "1999-12-31 23:59:59.5+00", None, "\\x", "abc", "line\nbreak"),
    ]
    r = ex.report
    assert r.rows_loaded == r.records_seen == 3 and r.format == "postgresql"
    assert r.declared_types == {
        "id": "integer",
        "amount": "numeric(12,2)",
        "seen": "timestamp with time zone",
        "active": "boolean",
        "raw": "bytea",
        "name": "character varying(5)",
        "note": "text",
    }
    # The source is named without its password, in the report and in everything derived from it.
    assert PG_PASSWORD not in r.to_json() and r.path.startswith("postgresql://kit@/postgres")


def test_a_query_reads_like_a_table(tricky):
    ex = read_extract(tricky, query="SELECT id, amount * 2 AS doubled FROM tricky WHERE id < 3 ORDER BY id")
    assert ex.frame.rows() == [("1", "25.00"), ("2", "6.00")]
    assert set(ex.report.declared_types) == {"id", "doubled"}


def test_the_kit_cannot_write_to_a_source(tricky):
    source = DatabaseSource(tricky, table="tricky")
    with pytest.raises(DatabaseError, match="reads only") as err, _session(source) as session:
        session._arrow("INSERT INTO tricky VALUES (9, 1, NULL, NULL, NULL, NULL, NULL)")
    assert PG_PASSWORD not in str(err.value)
    assert read_database(tricky, table="tricky").report.rows_loaded == 3  # nothing was written


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda url: url.replace(PG_PASSWORD, "wrong-password"), "refused the login"),
        (lambda url: url.replace("port=", "port=1"), "cannot reach the server"),
    ],
)
def test_connection_failures_are_one_line_without_the_password(tricky, change, expected):
    url = change(tricky)
    with pytest.raises(DatabaseError) as err:
        read_database(url, table="tricky")
    message = str(err.value)
    assert expected in message and "\n" not in message
    assert PG_PASSWORD not in message and "wrong-password" not in message
    assert message.startswith(safe_url(url))


def test_missing_tables_failing_queries_and_timeouts_are_named(tricky):
    with pytest.raises(DatabaseError, match="no such table"):
        read_database(tricky, table="no_such_table")
    with pytest.raises(DatabaseError, match="division by zero"):
        read_database(tricky, query="SELECT 1 / 0 AS x")
    with pytest.raises(DatabaseError, match="statement timeout"):
        read_database(tricky, query="SELECT pg_sleep(5) AS x", timeout=0.5)


def test_cli_exit_code_two_and_no_secret_on_a_database_error(tricky, capsys):
    assert main(["load", tricky.replace(PG_PASSWORD, "nope"), "--table", "tricky"]) == 2
    err = capsys.readouterr().err
    assert "refused the login" in err and "nope" not in err and PG_PASSWORD not in err


def test_a_large_table_is_read_in_batches_and_profiled_from_a_scan(postgres, pg_admin):
    pg_admin(
        "DROP TABLE IF EXISTS big",
        "CREATE TABLE big AS SELECT i AS id, (i % 7)::text AS code, 'name ' || (i % 1000) AS name "
        "FROM generate_series(1, 250000) AS i",
    )
    opened = open_extract(postgres, "scan", table="big")
    assert opened.scanned and isinstance(opened.data, pl.LazyFrame)
    loaded = read_database(postgres, table="big")
    assert loaded.report.rows_loaded == 250_000
    scanned = profile(opened.data, key="id", near=False, declared_types=opened.declared_types).to_dict()
    held = profile(loaded, key="id", near=False).to_dict()
    scanned.pop("source"), held.pop("source")
    assert scanned == held


def test_sqlite_and_duckdb_files(tmp_path):
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, price NUMERIC(8,2), ok BOOLEAN, blob BLOB, name TEXT)")
    con.execute("INSERT INTO t VALUES (1, 12.5, 1, x'00ff', 'Zoë'), (2, NULL, 0, NULL, '')")
    con.commit()
    con.close()
    ex = read_extract(f"sqlite:///{path}", table="t")
    assert ex.frame.rows() == [("1", "12.50", "true", "\\x00ff", "Zoë"), ("2", None, "false", None, "")]
    assert ex.report.declared_types["price"] == "NUMERIC(8,2)"

    import duckdb

    dpath = tmp_path / "app.duckdb"
    with duckdb.connect(str(dpath)) as d:
        d.execute("CREATE TABLE t (id INTEGER, amount DECIMAL(10,2), ok BOOLEAN, name VARCHAR)")
        d.execute("INSERT INTO t VALUES (1, 12.5, true, 'Zoë'), (2, NULL, false, '')")
    ex = read_extract(f"duckdb:///{dpath}", table="t")
    assert ex.frame.sort("id").rows() == [("1", "12.50", "true", "Zoë"), ("2", None, "false", "")]
    assert ex.report.declared_types["amount"] == "DECIMAL(10,2)"
    assert read_extract(f"sqlite:///{path}", query="SELECT id FROM t ORDER BY id;\n").frame["id"].to_list() == [
        "1",
        "2",
    ]
    with pytest.raises(DatabaseError, match="no such database file"):
        read_extract(f"sqlite:///{tmp_path / 'missing.db'}", table="t")
    with pytest.raises(DatabaseError, match="no such table"):
        read_extract(f"duckdb:///{dpath}", table="nope")


def test_the_sample_erp_database_profiles_from_the_command_line(capsys):
    url = f"sqlite:///{SAMPLE / 'erp.sqlite'}"
    assert main(["profile", url, "--table", "customers", "--no-near"]) == 0
    assert "13,990 rows" in capsys.readouterr().out
    assert main(["load", url]) == 2
    assert "give --table NAME or --query" in capsys.readouterr().err
    assert main(["suggest", str(SAMPLE / "crm_contacts.csv"), url, "--target-table", "customers"]) == 0
    assert "email                    <- email" in capsys.readouterr().out
    with pytest.raises(KitError, match="table= and query= are for a database URL"):
        read_extract(SAMPLE / "erp_customers.csv", table="customers")


def test_a_mapping_reads_its_database_from_an_environment_variable_and_refuses_a_password(tmp_path, monkeypatch):
    text = (
        "name: t\noutcome: x\nsource:\n  system: CRM\n  extract: crm.csv\ntarget:\n  system: ERP\n"
        "  database:\n    url: {url}\n    table: customers\nfields: {{}}\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.format(url="postgresql://erp:hunter2@db.example.com/erp"))
    with pytest.raises(MappingError, match=r"bad.yaml:9: the database URL holds a password") as err:
        Mapping.load(bad)
    assert "hunter2" not in str(err.value)
    good = tmp_path / "good.yaml"
    good.write_text(text.format(url="${ERP_DB_URL}"))
    m = Mapping.load(good)
    with pytest.raises(DatabaseError, match="ERP_DB_URL is not set"):
        m.load_extract("target")
    monkeypatch.setenv("ERP_DB_URL", f"sqlite:///{SAMPLE / 'erp.sqlite'}")
    assert m.load_extract("target").report.rows_loaded == 13_990


def test_declared_types_beside_inferred_ones_and_their_disagreements(tmp_path):
    path = tmp_path / "legacy.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER, born VARCHAR(10), note VARCHAR(255), qty INTEGER, code VARCHAR(3))")
    rows = [(i, f"2020-01-{1 + i % 28:02d}", f"n{i}", i, "ABC") for i in range(40)]
    rows[5] = (5, "2020-01-06", "n5", "twelve", "ABCDE")  # SQLite keeps text in an INTEGER column, and 5 in (3)
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    p = profile(read_extract(f"sqlite:///{path}", table="t"), near=False)
    assert p.column("born").declared_type == "VARCHAR(10)"
    codes = {(a.code, a.column): a for a in p.alerts if a.code == "DECLARED_TYPE"}
    assert codes[("DECLARED_TYPE", "born")].severity == "warning"  # dates in a varchar
    assert "dates" in codes[("DECLARED_TYPE", "born")].message and codes[("DECLARED_TYPE", "born")].rows == []
    assert codes[("DECLARED_TYPE", "note")].severity == "info"  # varchar(255), longest value 3
    assert p.rows_for(codes[("DECLARED_TYPE", "qty")]) == [5]  # the text in an INTEGER column
    assert p.rows_for(codes[("DECLARED_TYPE", "code")]) == [5]  # longer than declared
    assert codes[("DECLARED_TYPE", "code")].severity == "error"
    assert ("DECLARED_TYPE", "id") not in codes
    # A file has no declared types: nothing to disagree with.
    assert profile(pl.DataFrame({"born": ["2020-01-01"] * 5}), near=False).alerts_for("DECLARED_TYPE") == []


def test_the_catalog_states_what_the_database_enforces(postgres, pg_admin):
    from kit.load.catalog import catalog

    pg_admin(
        "DROP TABLE IF EXISTS orders",
        "DROP TABLE IF EXISTS cust",
        """CREATE TABLE cust (
            no varchar(10) PRIMARY KEY,
            name varchar(40) NOT NULL,
            status char(3) NOT NULL CHECK (status IN ('ACT', 'INA')),
            amount numeric(7,2),
            email text UNIQUE,
            note text
        )""",
        "CREATE TABLE orders (id integer PRIMARY KEY, cust varchar(10) REFERENCES cust(no))",
    )
    rules = {r.name: r for r in catalog(postgres, "cust")}
    assert (rules["no"].unique, rules["no"].required, rules["no"].max_length) == (True, True, 10)
    assert (rules["name"].required, rules["name"].max_length, rules["name"].unique) == (True, 40, False)
    assert rules["status"].allowed == ["ACT", "INA"]
    assert (rules["amount"].precision, rules["amount"].scale, rules["amount"].largest) == (7, 2, "99999.99")
    assert rules["email"].unique and not rules["email"].required
    assert rules["note"].constraints() == {"type": "string"}
    assert {r.name: r for r in catalog(postgres, "orders")}["cust"].references == "cust.no"
    with pytest.raises(DatabaseError, match="no such table"):
        catalog(postgres, "nope")


def test_init_takes_a_database_targets_rules_from_its_catalog_and_check_warns_on_contradictions(tmp_path, postgres):
    from kit.init import init_mapping
    from kit.mapping.lint import check

    out = tmp_path / "m.yaml"
    m = init_mapping(
        SAMPLE / "crm_contacts.csv", f"sqlite:///{SAMPLE / 'erp.sqlite'}", out=out, target_table="customers"
    )
    status = m.fields["status_code"]
    assert status.allowed == ["ACT", "INA", "PRO", "CLS", "BLK", "PEN"] and status.required
    assert status.catalog == ["required", "max_length", "allowed"]
    assert m.fields["customer_no"].type == "string" and m.fields["customer_no"].unique  # a varchar of digits
    assert m.target.database.table == "customers" and m.target.key == ["customer_no"]
    assert "sqlite:///" in out.read_text() and m.load_extract("target").report.rows_loaded == 13_990
    # A hand edit that lets through what the database refuses is a warning naming the field's line.
    out.write_text(out.read_text().replace("    required: true\n    max_length: 3", "    max_length: 3", 1))
    findings = [f for f in check(Mapping.load(out)).findings if f.code == "CATALOG_CONTRADICTION"]
    assert [(f.field, f.severity) for f in findings] == [("status_code", "warning")]
    assert "NOT NULL" in findings[0].message
    # A server URL with a password is written as an environment variable, never as itself.
    pg = tmp_path / "pg.yaml"
    init_mapping(SAMPLE / "crm_contacts.csv", postgres, out=pg, target_query="SELECT 1 AS customer_no, 'x' AS name")
    assert PG_PASSWORD not in pg.read_text() and "url: ${TARGET_DB_URL}" in pg.read_text()


def test_the_source_suite_inside_postgres_agrees_with_pandas_on_every_expectation(
    postgres, pg_admin, tmp_path, monkeypatch
):
    """kit validate --engine sql: the committed source suite runs in PostgreSQL through GX's SQL data
    source on the sample CRM rows, with the same outcome per expectation as on the loaded extract."""
    import adbc_driver_postgresql.dbapi as driver

    from kit.validation import validate

    crm = read_extract(SAMPLE / "crm_contacts.csv").frame
    pg_admin("DROP TABLE IF EXISTS crm_contacts")
    with driver.connect(postgres) as conn:  # the extract's text rows as a table (the admin writes, not the kit)
        cur = conn.cursor()
        cur.adbc_ingest("crm_contacts", crm.to_arrow(), mode="create")
        conn.commit()
    text = (SAMPLE.parent / "mappings" / "crm_to_erp.yaml").read_text()
    text = text.replace(
        "  extract: ../sample_data/crm_contacts.csv\n",
        "  database:\n    url: ${KIT_TEST_CRM_URL}\n    table: crm_contacts\n",
        1,
    )
    path = SAMPLE.parent / "mappings" / "_crm_in_postgres.yaml"  # beside the original: same relative paths
    monkeypatch.setenv("KIT_TEST_CRM_URL", postgres)
    try:
        path.write_text(text)
        mapping = Mapping.load(path)
        frame = mapping.load_extract("source")
        assert frame.frame.equals(crm)
        suites = SAMPLE.parent / "expectations"
        pandas = validate(mapping, suite="source", suites_dir=suites)
        sql = validate(mapping, suite="source", suites_dir=suites, engine="sql")
    finally:
        path.unlink(missing_ok=True)

    def outcome(v):
        return {(r.side, r.field, r.type, r.column): (r.success, r.unexpected_count) for r in v.results}

    assert outcome(sql) == outcome(pandas)
    assert len(sql.results) == len(pandas.results) > 20
    assert not all(r.success for r in sql.results)  # the planted defects fail inside the database too
    with pytest.raises(KitError, match="engine sql runs the source suite"):
        validate(Mapping.load(SAMPLE.parent / "mappings" / "crm_to_erp.yaml"), suite="source", engine="sql")

"""`reportc batch --jobs-sql`: a job list computed from the fact store.

The same jobs written as a CSV file (--jobs) and selected by a query
(--jobs-sql) give the same job list (--list) and the same built PDFs
(--summary); a NULL is an error naming the row; statements that write or
ATTACH are refused and change nothing; --jobs with --jobs-sql is a usage
error.  Builds its own small fact store; needs nothing from `make demo`.
Run from the repository root; ends with "N passed, N failed"."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import REPORTC, check, finish  # noqa: E402

SCRIPT = "tests/lua/batch_brief.lua"
ROWS = [("SGP", "2019-01"), ("SGP", "2019-02"), ("MYS", "2019-01"), ("THA", "2019-03"),
        ("VNM", "2019-02")]


def make_store(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE indicators(country TEXT, period TEXT, metric TEXT, value REAL)")
    for c, p in ROWS:       # two metrics per pair: DISTINCT has something to do
        db.execute("INSERT INTO indicators VALUES(?, ?, 'a', 1)", (c, p))
        db.execute("INSERT INTO indicators VALUES(?, ?, 'b', 2)", (c, p))
    db.execute("INSERT INTO indicators VALUES('LAO', NULL, 'a', 1)")
    db.commit()
    db.close()


def batch(db, *args):
    return subprocess.run([REPORTC, "batch", SCRIPT, "--db", db, *args],
                          capture_output=True, text=True)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def jobs_of(summary_path):
    with open(summary_path, encoding="utf-8") as f:
        s = json.load(f)
    return [(j["index"], j["params"], os.path.basename(j["output"]), j["status"]) for j in s["jobs"]]


with tempfile.TemporaryDirectory(prefix="reportc-jobs-sql-") as tmp:
    db = os.path.join(tmp, "facts.db")
    make_store(db)
    csv_path = os.path.join(tmp, "jobs.csv")
    expected = sorted(ROWS)
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write("country,period\n" + "".join(f"{c},{p}\n" for c, p in expected))
    query = ("SELECT DISTINCT country, period FROM indicators WHERE period IS NOT NULL "
             "ORDER BY country, period")

    # the same job list, listed without building
    by_csv = batch(db, "--jobs", csv_path, "-o", tmp + "/{country}/{period}.pdf", "--list")
    by_sql = batch(db, "--jobs-sql", query, "-o", tmp + "/{country}/{period}.pdf", "--list")
    check(by_csv.returncode == 0 and by_sql.returncode == 0,
          f"--list runs for both: {by_csv.stderr[-300:]} {by_sql.stderr[-300:]}")
    lines = by_sql.stdout.splitlines()
    check(len(lines) == len(expected), f"one job per distinct pair: {by_sql.stdout!r}")
    check(by_sql.stdout == by_csv.stdout and by_sql.stdout,
          f"--jobs-sql lists the jobs --jobs lists:\n{by_sql.stdout}\nvs\n{by_csv.stdout}")
    check(lines and lines[0] == f"0\t{tmp}/MYS/2019-01.pdf\tcountry=MYS period=2019-01",
          f"a listed job is: number, output, parameters: {lines[:1]}")
    check(not os.path.exists(os.path.join(tmp, "MYS")), "--list builds nothing")

    # the same batch, built
    out_csv, out_sql = os.path.join(tmp, "csv"), os.path.join(tmp, "sql")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    r1 = subprocess.run([REPORTC, "batch", SCRIPT, "--db", db, "--jobs", csv_path, "-j", "2",
                         "-o", out_csv + "/{country}-{period}.pdf", "--summary", out_csv + "/s.json"],
                        capture_output=True, text=True, env=env)
    r2 = subprocess.run([REPORTC, "batch", SCRIPT, "--db", db, "--jobs-sql", query, "-j", "2",
                         "-o", out_sql + "/{country}-{period}.pdf", "--summary", out_sql + "/s.json"],
                        capture_output=True, text=True, env=env)
    check(r1.returncode == 0 and r2.returncode == 0,
          f"both batches build: {r1.stderr[-300:]} {r2.stderr[-300:]}")
    if r1.returncode == 0 and r2.returncode == 0:
        a, b = jobs_of(out_csv + "/s.json"), jobs_of(out_sql + "/s.json")
        check(a == b and len(a) == len(expected) and all(j[3] == "ok" for j in b),
              f"the summaries list the same jobs, all built: {a} vs {b}")
        same = all(digest(os.path.join(out_csv, j[2])) == digest(os.path.join(out_sql, j[2])) for j in a)
        check(same, "each PDF is byte-identical between the two job lists")

    # integers come as their text; month keywords are resolved
    env_m = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")   # 2023-11-14: last month 2023-10
    r = subprocess.run([REPORTC, "batch", SCRIPT, "--db", db, "--jobs-sql",
                        "SELECT 'SGP' AS country, 2019 AS year, 'last-month' AS period",
                        "--list", "-o", tmp + "/{country}-{year}-{period}.pdf"],
                       capture_output=True, text=True, env=env_m)
    check(r.returncode == 0 and r.stdout.rstrip("\n").endswith("country=SGP year=2019 period=2023-10"),
          f"values are text (2019), month keywords resolve: {r.stdout!r} {r.stderr[-200:]}")

    # errors: one line, naming the cause
    before = digest(db)
    r = batch(db, "--jobs-sql", "SELECT DISTINCT country, period FROM indicators ORDER BY country",
              "--list")
    check(r.returncode == 1 and "row 1: 'period' is NULL" in r.stderr,
          f"a NULL names its row and column, exit 1: {r.returncode} {r.stderr[:300]}")
    for sql, what in (("DELETE FROM indicators", "a DELETE"),
                      ("INSERT INTO indicators VALUES('X','2019-01','a',1) RETURNING country, period",
                       "an INSERT ... RETURNING"),
                      ("ATTACH '" + os.path.join(tmp, "other.db") + "' AS o", "ATTACH"),
                      ("SELECT country\n  FROM nowhere", "an unknown table"),
                      ("SELECT 1 AS a; DELETE FROM indicators", "a second statement")):
        r = batch(db, "--jobs-sql", sql, "--list")
        check(r.returncode == 1 and r.stderr.startswith("reportc: --jobs-sql: ") and "(SQL: " in r.stderr
              and r.stderr.count("\n") == 1,
              f"{what} is refused in one line naming the SQL (exit 1): {r.returncode} {r.stderr[:300]}")
    check(digest(db) == before and not os.path.exists(os.path.join(tmp, "other.db")),
          "the refused statements changed nothing")
    started = time.time()
    r = batch(db, "--time-limit", "2", "--list", "--jobs-sql",
              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
              "SELECT x AS country FROM c WHERE x < 0")
    check(r.returncode == 1 and "time limit of 2 s exceeded" in r.stderr and time.time() - started < 30,
          f"a query that never ends stops at --time-limit: {r.returncode} {r.stderr[:200]}")
    r = batch(db, "--jobs", csv_path, "--jobs-sql", query, "--list")
    check(r.returncode == 2 and "--jobs and --jobs-sql" in r.stderr,
          f"--jobs with --jobs-sql is a usage error (exit 2): {r.returncode} {r.stderr[:200]}")
    r = batch(db, "--jobs-sql", "SELECT country FROM indicators WHERE 0", "--list")
    check(r.returncode == 2 and "no jobs" in r.stderr,
          f"a query with no rows is no job list (exit 2): {r.returncode} {r.stderr[:200]}")

sys.exit(finish())

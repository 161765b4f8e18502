"""End-to-end checks of `reportc facts import` and `reportc facts check`.

Each case works on its own copy of a fact store built here from the
repository's scripts/facts/ (build.sh; no `make demo`, no ../shared):
the synthetic example month (scripts/facts/example/) imported from UTF-8,
UTF-8 with BOM and GB18030 files gives identical rows; a file with one bad
row in the middle (wrong type, CHECK violation, unknown source, short row)
changes nothing, byte for byte, and names the line and column;
--replace-period replaces exactly that period and reports added / changed
/ removed; --dry-run lists the changes and writes nothing; the imports
table records each import with the file's SHA-256; hostile inputs (empty
file, NUL byte, a huge line, a header that is not the table's, a table
name that is no table, UTF-16, bytes that are no encoding) fail with exit
1 and one line naming the cause; usage errors exit 2; `facts check`
passes a clean store and lists broken references, missing locators and
orphan sections; an import while a build is reading waits for it, and
the build sees the store before the import in every query.

Run from the repository root.  Prints FAIL lines and ends with
"N passed, N failed"."""

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

REPORTC = os.environ.get("REPORTC", "./reportc")
EXAMPLE = "scripts/facts/example"
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import check, finish, pdf_text  # noqa: E402


def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([REPORTC, *args], capture_output=True, text=True, env=e)


def imp(db, table, path, *extra, env=None):
    return run("facts", "import", "--db", db, table, path, *extra, env=env)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def rows(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def example_text():
    with open(os.path.join(EXAMPLE, "indicators-2019-06.csv"), encoding="utf-8", newline="") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


class Store:
    """A fresh fact store built once; each case copies it."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.base = os.path.join(tmp, "base.db")
        r = subprocess.run(["sh", "scripts/facts/build.sh", self.base], capture_output=True, text=True)
        self.ok = check(r.returncode == 0, f"build.sh: {r.stderr.strip()}")
        if self.ok:
            r = imp(self.base, "sources", os.path.join(EXAMPLE, "sources-synthetic.csv"))
            self.ok = check(r.returncode == 0, f"importing the synthetic source: {r.stderr.strip()}")
        self.n = 0

    def copy(self):
        self.n += 1
        path = os.path.join(self.tmp, f"case{self.n}.db")
        shutil.copyfile(self.base, path)
        return path


def field(line, i, value):
    """The CSV line with field i replaced (the example has no quoted fields)."""
    f = line.split(",")
    f[i] = value
    return ",".join(f)


def indicator_rows(db, period=None):
    sql = "SELECT country, period, metric, value, unit, source_id, locator FROM indicators"
    if period:
        return rows(db, sql + " WHERE period = ? ORDER BY 1, 2, 3", period)
    return rows(db, sql + " ORDER BY 1, 2, 3")


# ---- clean imports in three encodings -----------------------------------------

def test_encodings(store, tmp):
    text = example_text()
    files = {
        "UTF-8": write(os.path.join(tmp, "utf8.csv"), text),
        "UTF-8 with BOM": write(os.path.join(tmp, "bom.csv"), b"\xef\xbb\xbf" + text.encode("utf-8")),
        "GB18030": write(os.path.join(tmp, "gb.csv"), text.encode("gb18030")),
    }
    check(text.encode("gb18030") != text.encode("utf-8"), "the GB18030 file differs from the UTF-8 one")
    got = {}
    for enc, path in files.items():
        db = store.copy()
        r = imp(db, "indicators", path)
        if not check(r.returncode == 0, f"import {enc}: exit {r.returncode}: {r.stderr.strip()}"):
            continue
        check(f": {enc}, 30 rows -> table indicators" in r.stdout,
              f"import {enc}: the report names the encoding: {r.stdout.strip()!r}")
        check("30 added, 0 changed, 0 removed" in r.stdout, f"import {enc}: counts: {r.stdout.strip()!r}")
        check(r.stderr == "", f"import {enc}: a clean import prints nothing on stderr: {r.stderr!r}")
        got[enc] = indicator_rows(db)
        imports = rows(db, "SELECT file, sha256, table_name, encoding, period, rows_added, rows_changed,"
                           " rows_removed, source_id FROM imports ORDER BY id")
        check(len(imports) == 2, f"import {enc}: {len(imports)} rows in imports, want 2 (source, indicators)")
        check(imports[-1] == (os.path.basename(path), digest(path), "indicators", enc, "2019-06", 30, 0, 0,
                              "synthetic"), f"import {enc}: imports row {imports[-1]}")
        r = run("facts", "check", "--db", db)
        check(r.returncode == 0 and "ok" in r.stdout, f"facts check after import {enc}: {r.stderr.strip()}")
    if len(got) == 3:
        check(got["UTF-8"] == got["UTF-8 with BOM"] == got["GB18030"],
              "UTF-8, BOM and GB18030 files give identical rows")
        check(len(got["UTF-8"]) == 30 and ("SGP", "2019-06", "网络安全事件报告数", 1661.0, "起", "synthetic",
                                           "示例月报 表1") in got["UTF-8"],
              f"the imported rows are the file's: {got['UTF-8'][:2]}")


# ---- one bad row changes nothing -----------------------------------------------

def test_bad_rows(store, tmp):
    lines = example_text().split("\r\n")
    cases = [
        ("wrong type", 12, lambda s: field(s, 3, "n/a"), "column 'value': 'n/a' is not a REAL"),
        ("CHECK violation", 15, lambda s: field(s, 1, "2019-13"),
         "column 'period': '2019-13' fails the table's check"),
        ("ASEAN state CHECK", 16, lambda s: field(s, 0, "CHN"), "column 'country': 'CHN' fails the table's check"),
        ("unknown source", 17, lambda s: field(s, 5, "no-such-source"),
         "column 'source_id': 'no-such-source' is not in sources(id)"),
        ("short row", 18, lambda s: ",".join(s.split(",")[:5]), "5 fields, but the header names 7"),
        ("empty NOT NULL", 19, lambda s: field(s, 4, ""), "column 'unit': empty, but the column is NOT NULL"),
    ]
    for what, line, change, want in cases:
        db = store.copy()
        before = digest(db)
        bad = list(lines)
        bad[line - 1] = change(bad[line - 1])
        path = write(os.path.join(tmp, "bad.csv"), "\r\n".join(bad))
        r = imp(db, "indicators", path)
        check(r.returncode == 1, f"bad row ({what}): exit {r.returncode}, want 1")
        check(f"bad.csv:{line}: {want}" in r.stderr, f"bad row ({what}): names line {line}: {r.stderr.strip()!r}")
        check("1 bad row (the first at line" in r.stderr and "nothing imported" in r.stderr,
              f"bad row ({what}): the summary: {r.stderr.strip()!r}")
        check(digest(db) == before, f"bad row ({what}): the database bytes changed")
        check(not os.path.exists(db + "-journal"), f"bad row ({what}): a journal was left behind")
    # several bad rows: every one reported in one run
    db = store.copy()
    bad = list(lines)
    for n in (3, 9, 27):
        bad[n - 1] = bad[n - 1].replace("synthetic", "nope")
    r = imp(db, "indicators", write(os.path.join(tmp, "bad3.csv"), "\r\n".join(bad)))
    check(all(f"bad3.csv:{n}: column 'source_id'" in r.stderr for n in (3, 9, 27)) and "3 bad rows" in r.stderr,
          f"three bad rows are all named: {r.stderr.strip()!r}")
    # a duplicate without --replace-period
    db = store.copy()
    r1 = imp(db, "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv"))
    before = digest(db)
    r2 = imp(db, "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv"))
    check(r1.returncode == 0 and r2.returncode == 1, f"importing a month twice: exits {r1.returncode}, {r2.returncode}")
    check("indicators-2019-06.csv:2: (country, period, metric) = (SGP, 2019-06, 网络安全事件报告数) is already"
          " in table indicators" in r2.stderr and "--replace-period" in r2.stderr,
          f"a duplicate names the key and the option: {r2.stderr.splitlines()[:1]}")
    check(digest(db) == before, "a refused duplicate import changed the database")


# ---- --replace-period and --dry-run ----------------------------------------------

def redelivery(tmp):
    """2019-06 again: SGP's incident count changed, MYS's malware row gone,
    a new metric for SGP."""
    lines = example_text().split("\r\n")
    lines[1] = lines[1].replace(",1661,", ",1700,")
    gone = lines.pop(5)
    lines.insert(2, "SGP,2019-06,新指标,1.5,个,synthetic,示例月报 表2")
    return write(os.path.join(tmp, "indicators-2019-06b.csv"), "\r\n".join(lines)), gone


def another_month(tmp):
    text = example_text().replace("2019-06", "2019-07")
    return write(os.path.join(tmp, "indicators-2019-07.csv"), text)


def test_replace_and_dry_run(store, tmp):
    db = store.copy()
    r = imp(db, "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv"), "--replace-period", "2019-06")
    check(r.returncode == 0 and "30 added, 0 changed, 0 removed" in r.stdout and r.stderr == "",
          f"replacing a period that has no rows yet: {r.stdout.strip()!r} {r.stderr.strip()!r}")
    db = store.copy()
    check(imp(db, "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv")).returncode == 0, "first delivery")
    check(imp(db, "indicators", another_month(tmp)).returncode == 0, "the next month")
    july = indicator_rows(db, "2019-07")
    path, gone = redelivery(tmp)

    before = digest(db)
    r = imp(db, "indicators", path, "--replace-period", "2019-06", "--dry-run")
    check(r.returncode == 0, f"dry run: exit {r.returncode}: {r.stderr.strip()}")
    out = r.stdout
    check("  added   SGP 2019-06 新指标: value 1.5, unit 个" in out, f"dry run lists the added row: {out!r}")
    check("  changed SGP 2019-06 网络安全事件报告数: value 1661.0 -> 1700.0" in out,
          f"dry run lists the change old -> new: {out!r}")
    check("  removed MYS 2019-06 恶意软件感染主机:" in out, f"dry run lists the removed row: {out!r}")
    check("would be 1 added, 1 changed, 1 removed (dry run: nothing written)" in out, f"dry run counts: {out!r}")
    check(digest(db) == before, "dry run: the database bytes changed")
    check(len(rows(db, "SELECT * FROM imports")) == 3, "dry run: recorded in imports")

    r = imp(db, "indicators", path, "--replace-period", "2019-06")
    check(r.returncode == 0 and "1 added, 1 changed, 1 removed (import 4)" in r.stdout,
          f"replace: {r.returncode} {r.stdout.strip()!r} {r.stderr.strip()!r}")
    june = indicator_rows(db, "2019-06")
    check(len(june) == 30, f"replace: 2019-06 has {len(june)} rows, want 30")
    check(("SGP", "2019-06", "网络安全事件报告数", 1700.0, "起", "synthetic", "示例月报 表1") in june,
          "replace: the changed value is stored")
    check(not any(r[0] == "MYS" and r[2] == "恶意软件感染主机" for r in june), f"replace: {gone!r} is removed")
    check(indicator_rows(db, "2019-07") == july, "replace: the other month is untouched")
    last = rows(db, "SELECT file, period, rows_added, rows_changed, rows_removed FROM imports ORDER BY id DESC")[0]
    check(last == ("indicators-2019-06b.csv", "2019-06", 1, 1, 1), f"replace: imports row {last}")

    # the same file for another period: every row is named, nothing changes
    before = digest(db)
    r = imp(db, "indicators", path, "--replace-period", "2019-08")
    check(r.returncode == 1 and "is not the period being replaced (2019-08)" in r.stderr and digest(db) == before,
          f"replace with the wrong period: {r.returncode} {r.stderr.splitlines()[:1]}")
    r = imp(db, "gci", path, "--replace-period", "2019-06")
    check(r.returncode == 1, f"--replace-period on a table without periods: exit {r.returncode}")

    # --source and --locator fill those columns
    lines = example_text().split("\r\n")
    slim = "\r\n".join(",".join(l.split(",")[:5]) for l in lines if l).replace("2019-06", "2019-09")
    db2 = store.copy()
    r = imp(db2, "indicators", write(os.path.join(tmp, "slim.csv"), slim), "--source", "synthetic",
            "--locator", "九月月报")
    check(r.returncode == 0 and rows(db2, "SELECT DISTINCT source_id, locator FROM indicators")
          == [("synthetic", "九月月报")], f"--source/--locator: {r.stderr.strip()}")
    r = imp(db2, "indicators", write(os.path.join(tmp, "slim2.csv"), slim.replace("2019-09", "2019-10")),
            "--source", "nowhere", "--locator", "x")
    check(r.returncode == 1 and "'nowhere' is not in sources(id)" in r.stderr,
          f"--source naming no source: {r.stderr.splitlines()[:1]}")

    # a table whose foreign key is (source_id, locator); columns left out are not listed
    gci = write(os.path.join(tmp, "gci.csv"), "year,iso3,country_zh,rank_global\n2019,SGP,新加坡,6\n")
    loc = "三、（一）图 1 2018 年全球网络安全指数（GCI）排名"
    r = imp(db2, "gci", gci, "--source", "caict2019", "--locator", loc, "--dry-run")
    check(r.returncode == 0 and f"added   2019 SGP: country_zh 新加坡, rank_global 6, source_id caict2019, "
          f"locator {loc}\n" in r.stdout, f"dry run into gci lists only the given columns: {r.stdout!r}")
    r = imp(db2, "gci", gci, "--source", "caict2019", "--locator", "nowhere")
    check(r.returncode == 1 and "gci.csv:2: columns 'source_id', 'locator': ('caict2019', 'nowhere') is not in "
          "sections(source_id, locator)" in r.stderr, f"a two-column foreign key: {r.stderr.strip()!r}")


# ---- hostile inputs ----------------------------------------------------------------

def test_hostile(store, tmp):
    text = example_text()
    header = text.split("\r\n")[0]
    cases = [
        ("empty file", b"", "empty file"),
        ("header only", header + "\r\n", "no rows after the header"),
        ("NUL byte", (text[:200] + "\0" + text[200:]).encode("utf-8"), "a NUL byte"),
        ("huge line", header + "\r\nSGP,2019-06," + "指" * 3_000_000 + ",1,起,synthetic,x\r\n",
         "column 'metric': 9000000 bytes"),
        ("header not the table's", text.replace("metric,", "indicator,", 1),
         "'indicator' is not a column of table indicators"),
        ("header missing a column", "\r\n".join(",".join(l.split(",")[:4] + l.split(",")[5:])
                                               for l in text.split("\r\n") if l),
         "no column 'unit', which table indicators needs"),
        ("column twice", text.replace("locator", "country", 1), "column 'country' is named twice"),
        ("UTF-16", text.encode("utf-16"), "UTF-16"),
        ("no encoding", text.encode("utf-8") + b"\x80\xff\r\n", "neither UTF-8 nor GB18030"),
        ("bad BOM file", b"\xef\xbb\xbf" + text.encode("gb18030"), "byte order mark but is not UTF-8"),
        ("unclosed quote", text + 'SGP,2019-06,"unclosed,1,起,synthetic,x\r\n', "a quoted field is never closed"),
        ("infinity", text.replace(",1661,", ",inf,"), "'inf' is not a REAL"),
        ("hex number", text.replace(",1661,", ",0x10,"), "'0x10' is not a REAL"),
    ]
    for what, data, want in cases:
        db = store.copy()
        before = digest(db)
        r = imp(db, "indicators", write(os.path.join(tmp, "hostile.csv"), data))
        check(r.returncode == 1, f"{what}: exit {r.returncode}, want 1 ({r.stderr.strip()[:200]!r})")
        check(want in r.stderr, f"{what}: the message says {want!r}: {r.stderr.strip()[:300]!r}")
        check(digest(db) == before, f"{what}: the database changed")
        check("Traceback" not in r.stderr and r.returncode >= 0, f"{what}: crashed")
    db = store.copy()
    before = digest(db)
    for name in ('indicators"; DROP TABLE gci; --', "sqlite_schema", "imports", "nonesuch", ""):
        r = imp(db, name, os.path.join(EXAMPLE, "indicators-2019-06.csv"))
        check(r.returncode == 1 and r.stderr.count("\n") == 1,
              f"table {name!r}: exit {r.returncode}, one line: {r.stderr.strip()!r}")
    check(digest(db) == before and rows(db, "SELECT count(*) FROM gci")[0][0] == 10,
          "table names that are no table change nothing")
    r = imp(db, "indicators", tmp)
    check(r.returncode == 1 and "not a regular file" in r.stderr, f"a folder as the file: {r.stderr.strip()!r}")
    r = imp(db, "indicators", os.path.join(tmp, "missing.csv"))
    check(r.returncode == 1 and "missing.csv" in r.stderr, f"a missing file: {r.stderr.strip()!r}")
    r = imp(os.path.join(tmp, "no.db"), "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv"))
    check(r.returncode == 1 and not os.path.exists(os.path.join(tmp, "no.db")),
          f"a missing database is not created: {r.stderr.strip()!r}")
    # usage errors: exit 2, nothing read
    for args in (["facts"], ["facts", "import"], ["facts", "import", "indicators", "x.csv"],
                 ["facts", "import", "--db", db, "indicators"],
                 ["facts", "import", "--db", db, "indicators", "a.csv", "b.csv"],
                 ["facts", "import", "--db", db, "indicators", "a.csv", "--replace-period", "2019-13"],
                 ["facts", "import", "--db", db, "indicators", "a.csv", "--bogus"],
                 ["facts", "check"], ["facts", "frobnicate"]):
        r = run(*args)
        check(r.returncode == 2 and r.stderr.startswith("reportc: "), f"usage {args[1:]}: exit {r.returncode}")


# ---- the import's time ------------------------------------------------------------

def test_import_time(store, tmp):
    db = store.copy()
    r = imp(db, "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv"),
            env={"SOURCE_DATE_EPOCH": "1561939200"})     # 2019-07-01 00:00 UTC
    check(r.returncode == 0, f"import with SOURCE_DATE_EPOCH: {r.stderr.strip()}")
    at = rows(db, "SELECT imported_at FROM imports ORDER BY id DESC LIMIT 1")
    check(at == [("2019-07-01T00:00:00Z",)], f"imported_at from SOURCE_DATE_EPOCH: {at}")


# ---- an import while a build reads ----------------------------------------------------

SPIN = """local report = require "report"
local db = report.db
local before = db:value("SELECT count(*) FROM indicators")
local x = 0
for i = 1, 40000000 do x = x + i % 7 end
local after = db:value("SELECT count(*) FROM indicators")
local doc = report.document{ title = "snapshot" }
doc:paragraph(string.format("counts %d %d %d", before, after, x % 2))
return doc
"""


def test_concurrent_build(store, tmp):
    """A build that queries, computes for a second or two, and queries
    again, with an import started meanwhile: the import waits for the
    build (it succeeds), and the build sees one state throughout."""
    db = store.copy()
    script = write(os.path.join(tmp, "spin.lua"), SPIN)
    pdf = os.path.join(tmp, "spin.pdf")
    build = subprocess.Popen([REPORTC, "build", script, "-o", pdf, "--db", db],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    r = imp(db, "indicators", os.path.join(EXAMPLE, "indicators-2019-06.csv"))
    out, err = build.communicate(timeout=120)
    check(build.returncode == 0, f"concurrent build: exit {build.returncode}: {err.strip()}")
    check(r.returncode == 0, f"concurrent import: exit {r.returncode}: {r.stderr.strip()}")
    text = pdf_text(pdf) if build.returncode == 0 else ""
    counts = re.search(r"counts (\d+) (\d+)", text)
    check(counts and counts.group(1) == counts.group(2),
          f"the build saw the import half-way: {counts.group(0) if counts else text!r}")
    check(len(indicator_rows(db)) == 30, "the concurrent import is in the store afterwards")


# ---- facts check ---------------------------------------------------------------------

def test_check(store, tmp):
    db = store.copy()
    r = run("facts", "check", "--db", db)
    check(r.returncode == 0 and r.stdout.count("\n") == 1 and ": ok:" in r.stdout,
          f"check of a clean store: {r.returncode} {r.stdout!r} {r.stderr!r}")
    c = sqlite3.connect(db)      # foreign keys off, as a careless tool would write
    c.execute("INSERT INTO indicators VALUES ('SGP', '2019-05', 'x', 1, '个', 'ghost', 'p')")
    c.execute("INSERT INTO sections VALUES ('phantom', 1, 'L', 'a', 1)")
    c.execute("UPDATE facts SET locator = '  ' WHERE rowid = (SELECT min(rowid) FROM facts)")
    c.execute("INSERT INTO imports (imported_at, file, sha256, table_name, encoding, rows_added, rows_changed,"
              " rows_removed) VALUES ('2019-07-01T00:00:00Z', 'f.csv', ?, 'gone', 'UTF-8', 1, 0, 0)", ("0" * 64,))
    c.commit()
    c.close()
    r = run("facts", "check", "--db", db)
    err = r.stderr
    check(r.returncode == 1, f"check of a broken store: exit {r.returncode}")
    check("table indicators, rowid" in err and "(source_id) has no row in sources" in err,
          f"check names the broken reference: {err!r}")
    check("section (phantom, L): an orphan section" in err, f"check names the orphan section: {err!r}")
    check("table facts, rowid" in err and "no source or no locator" in err, f"check names the blank locator: {err!r}")
    check("import 1" not in err and "records an import into a table that does not exist" in err,
          f"check names the import into a missing table: {err!r}")
    check("problems found by facts check" in err, f"check ends with the count: {err!r}")
    # a hostile schema: tables that refer to themselves and to each other, an
    # untyped column, an imports table of the wrong shape
    odd = os.path.join(tmp, "odd.db")
    c = sqlite3.connect(odd)
    c.executescript("CREATE TABLE t(id TEXT PRIMARY KEY, parent REFERENCES t, source_id TEXT, locator TEXT);"
                    "CREATE TABLE a(id INTEGER PRIMARY KEY, b_id REFERENCES b);"
                    "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id REFERENCES a);"
                    "CREATE TABLE imports(x);")
    c.close()
    r = imp(odd, "t", write(os.path.join(tmp, "self.csv"), "id,parent\nx,\ny,x\nz,q\n"))
    check(r.returncode == 1 and "self.csv:4: column 'parent': 'q' is not in t(id)" in r.stderr,
          f"a self-referencing table: {r.returncode} {r.stderr.strip()!r}")
    r = imp(odd, "a", write(os.path.join(tmp, "a.csv"), "id,b_id\n1,\n"))
    check(r.returncode == 1 and r.stderr.count("\n") == 1, f"a wrong imports table: {r.stderr.strip()!r}")
    r = run("facts", "check", "--db", odd)
    check(r.returncode == 1 and "table imports cannot be checked" in r.stderr and "no sources table" in r.stderr,
          f"check of a store of another shape lists, not stops: {r.stderr.strip()!r}")
    r = run("facts", "check", "--db", write(os.path.join(tmp, "junk.db"), b"not a database" * 100))
    check(r.returncode == 1 and r.stderr.count("\n") == 1, f"check of a non-database: {r.stderr!r}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp)
        if store.ok:
            test_encodings(store, tmp)
            test_bad_rows(store, tmp)
            test_replace_and_dry_run(store, tmp)
            test_hostile(store, tmp)
            test_import_time(store, tmp)
            test_concurrent_build(store, tmp)
            test_check(store, tmp)
    sys.exit(finish())


if __name__ == "__main__":
    main()

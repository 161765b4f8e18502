"""Streamed rows: report.db:rows and doc:table{rows = an iterator}.

  * db:rows in a for loop: rows keyed by column name (a NULL leaves the key
    out), parameters bound; `break` and an error in the loop body finalize
    the statement (a statement left open is reported on stderr as
    "unfinalized statement" when the store closes, and leaks under ASan);
    a cursor used after it was closed is an error;
  * hostile arguments: wrong types, SQL errors naming the SQL, parameter
    counts, writes, functions off the allow-list, rows of the wrong type;
  * a streamed table is the same on the page as the same rows given as a
    table (the display lists compared), across pages, with row spans,
    decimal columns, formats, highlight and zebra; totals summed as rows
    pass; no rows;
  * an error raised in the middle of the row iterator (while layout pulls
    the rows): exit 1, one line naming the script line, no output file,
    an existing output untouched, the statement finalized; the same for an
    SQL error at a row and an error in a column's format function;
  * a contents page (two layout passes) reads a db:rows table twice; rows
    from a plain function are refused there, with a message saying why;
  * peak RSS: a 100,000-row streamed table takes the memory of a
    10,000-row one (within 3 MB: nothing is held per row or per page),
    and grows far more slowly with its rows than a materialised one
    (figures printed; no timing is checked).

Run from the repository root; ends with "N passed, N failed"."""

import json
import os
import resource
import subprocess
import sys
import tempfile

REPORTC = os.environ.get("REPORTC", "./reportc")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402

# n rows whose widest values all come in the first 50, so a streamed
# table's columns (measured on its first rows) are those of the whole.
NUMBERS = """WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
  SELECT 100 + i % 50 AS i, 'row ' || (i % 50) AS name, 100 + (i % 50) * 1.5 AS v,
         10 + ((i - 1) / 7) % 9 AS grp, CASE WHEN i % 13 = 0 THEN NULL ELSE i % 5 END AS maybe
  FROM k"""


def run(script, d, *extra, name="t"):
    """Build a script (text) in folder d: the finished process."""
    lua = os.path.join(d, name + ".lua")
    with open(lua, "w") as f:
        f.write(script)
    return subprocess.run([REPORTC, "build", lua, "-o", os.path.join(d, name + ".pdf"), *extra],
                          capture_output=True, text=True)


def build(script, d, *extra, name="t"):
    lua = os.path.join(d, name + ".lua")
    with open(lua, "w") as f:
        f.write(script)
    return suite.build(lua, d, *extra, name=name)


def no_unfinalized(r, what):
    """No statement left open, and (under make check-asan) nothing leaked."""
    check("unfinalized" not in r.stderr, f"{what}: a statement was left open: {r.stderr.strip()[:300]}")
    check("Sanitizer" not in r.stderr and "runtime error" not in r.stderr,
          f"{what}: {r.stderr.strip()[-600:]}")


def first_line(r):
    return (r.stderr.strip().splitlines() or [""])[0]


# ---- db:rows in a loop --------------------------------------------------------------

LOOP = r"""
local report = require "report"
local got, n = {}, 0
for row in report.db:rows([[%s]], 30) do
  n = n + 1
  got[#got + 1] = string.format("%%d:%%s:%%s", row.i, row.name, tostring(row.maybe))
  if n == 13 then break end
end
print("LOOP " .. table.concat(got, ","))
-- after break, the store still answers, and a new cursor reads from the start
for row in report.db:rows("SELECT 7 AS seven") do print("AGAIN " .. row.seven) end
local ok, err = pcall(function()
  for row in report.db:rows("SELECT 1 AS a UNION ALL SELECT 2") do error("inside the loop") end
end)
print("BODY " .. tostring(err))
local c = report.db:rows("SELECT 1 AS a")
for row in c, nil, nil, c do end
print("CLOSED " .. select(2, pcall(c)))
print("NAME " .. tostring(c))
print("META " .. tostring(getmetatable(c)))
local doc = report.document{}
doc:paragraph("x")
return doc
""" % NUMBERS


def test_loop(d):
    r = run(LOOP, d, name="loop")
    check(r.returncode == 0, f"db:rows in a loop: exit {r.returncode}: {r.stderr.strip()[:400]}")
    lines = {ln.split(" ", 1)[0]: ln.split(" ", 1)[1] for ln in r.stderr.splitlines() if " " in ln}
    want = ",".join(f"{100 + i % 50}:row {i % 50}:{'nil' if i % 13 == 0 else i % 5}"
                    for i in range(1, 14))
    check(lines.get("LOOP") == want, f"rows by column name, NULL absent, break after 13: "
          f"{lines.get('LOOP')!r}")
    check(lines.get("AGAIN") == "7", "after a break the store answers the next query")
    check("loop.lua:16: inside the loop" in lines.get("BODY", ""),
          f"an error in the loop body keeps its line: {lines.get('BODY')!r}")
    check("the rows were closed" in lines.get("CLOSED", ""),
          f"a cursor used after its loop closed it: {lines.get('CLOSED')!r}")
    check(lines.get("NAME", "").startswith("db:rows(SELECT 1 AS a)")
          and "closed" in lines.get("NAME", ""), f"tostring(cursor): {lines.get('NAME')!r}")
    check(lines.get("META") == "false", "the cursor's metatable is protected")
    no_unfinalized(r, "break and errors in loops")


# The store keeps finished statements for the next prepare of the same SQL:
# the same query open twice at once (a cursor over it, the same query in
# its loop body) must be two statements, each with its own parameters.
NESTED = r"""
local report = require "report"
local doc = report.document{ title = "nested" }
local sql = "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) SELECT i FROM k"
local total = 0
for row in report.db:rows(sql, 3) do
  for _, inner in ipairs(report.db:query(sql, row.i)) do total = total + inner.i end
  for inner in report.db:rows(sql, 2) do total = total + 100 * inner.i end
end
print("TOTAL " .. total)
doc:paragraph("total " .. total)
return doc
"""


def test_nested_same_sql(d):
    r = run(NESTED, d, name="nested")
    check(r.returncode == 0 and "TOTAL 910" in r.stderr,
          f"the same SQL open twice at once: exit {r.returncode}: {r.stderr.strip()[:300]}")
    no_unfinalized(r, "the same SQL open twice at once")


# ---- hostile arguments ----------------------------------------------------------------

HOSTILE = [
    ("report.db:rows()", "bad argument #1 to 'rows' (string expected, got no value)"),
    ("report.db.rows('SELECT 1')", "report.Db expected"),
    ("report.db:rows({})", "string expected, got table"),
    ("report.db:rows('SELEC 1')", 'query failed: near "SELEC": syntax error (SQL: SELEC 1)'),
    ("report.db:rows('SELECT ?')", "query takes 1 parameter, 0 given (SQL: SELECT ?)"),
    ("report.db:rows('SELECT ?', 1, 2)", "query takes 1 parameter, 2 given"),
    ("report.db:rows('SELECT :a', {b = 1})", "query parameter ':a' has no value"),
    ("report.db:rows('SELECT ?', print)", "query parameter 1: cannot bind a function"),
    ("report.db:rows('DELETE FROM gci')", "the fact store is read-only while compiling"),
    ("report.db:rows('SELECT load_extension(1)')", "not authorized: the function load_extension()"),
    ("report.db:rows('SELECT 1; SELECT 2')", "one statement per query"),
    ("doc:table{ rows = 5, columns = {'a'} }", "doc:table key 'rows': must be a table of rows, "
     "db:rows(...) or a function that returns the next row"),
    ("doc:table{ rows = function() return 5 end, columns = {'a'} }", "doc:table: row 1 is not a table"),
    ("doc:table{ rows = report.db:rows('SELECT 1 AS a'), columns = {'a'}, float = true }",
     "doc:table: 'float' cannot be used with streamed rows"),
    ("doc:chart{ rows = report.db:rows('SELECT 1 AS a'), value = 'a' }",
     "'rows' must be a table of rows: a chart needs all of them at once"),
]


def test_hostile(d):
    for i, (call, want) in enumerate(HOSTILE):
        script = ("local report = require 'report'\nlocal doc = report.document{}\n"
                  f"local x = {call}\nreturn doc\n")
        r = run(script, d, name=f"h{i}")
        line = first_line(r)
        check(r.returncode == 1 and want in line and f"h{i}.lua:3:" in line,
              f"{call}: exit {r.returncode}, want line 3 and {want!r}, got {line!r}")
        check(not os.path.exists(os.path.join(d, f"h{i}.pdf")), f"{call}: no output")
        no_unfinalized(r, call)


# ---- streamed = materialised ---------------------------------------------------------------

TABLE = r"""
local report = require "report"
local n, mode = tonumber(report.param("n")), report.param("mode")
local doc = report.document{ title = "rows" }
doc:heading(1, "表")
local sql = [[%s]]
if n == 0 then sql = "SELECT * FROM (" .. sql .. ") WHERE 0" end
local rows = mode == "stream" and report.db:rows(sql, n) or report.db:query(sql, n)
doc:table{ rows = rows, caption = "行", zebra = true,
  highlight = function(row) return row.i %% 17 == 0 end,
  columns = { { key = "grp", rowspan = true }, "i", "name",
              { key = "v", align = "decimal", format = "fixed:2" },
              { key = "maybe", title = "可空" } } }
doc:paragraph("表后。")
return doc
""" % NUMBERS


def test_same_on_page(d):
    for n in (0, 1, 64, 65, 700):
        out = {}
        for mode in ("stream", "query"):
            pdf, dl, r = build(TABLE, d, "-D", f"n={n}", "-D", f"mode={mode}", name=f"{mode}{n}")
            check(dl is not None, f"{n} rows, {mode}: {r.stderr.strip()[:300]}")
            if dl is None:
                return
            no_unfinalized(r, f"{n} rows streamed")
            out[mode] = (json.dumps(dl, sort_keys=True), suite.pdf_text(pdf), len(dl["pages"]))
        check(out["stream"] == out["query"], f"{n} rows: the streamed table differs from the same "
              f"rows given as a table ({out['stream'][2]} pages against {out['query'][2]})")
        if n == 700:
            check(out["stream"][2] > 10, f"700 rows take many pages ({out['stream'][2]})")
            cells = json.loads(out["stream"][0])["cells"]
            check(max(c["row"] for c in cells) == 699, "the cells are numbered by table row")
        if n == 0:
            check("暂无数据" in out["stream"][1], "no rows: the no-data row")


TOTALS = r"""
local report = require "report"
local mode = report.param("mode")
local doc = report.document{}
local sql = "SELECT value AS v, value %% 3 AS g FROM json_each('[%s]')"
local rows = mode == "stream" and report.db:rows(sql) or report.db:query(sql)
doc:table{ rows = rows, columns = { { key = "g", title = "组" }, "v" },
           total = { label = "合计", sum = { "v" }, mean = { "g" } } }
return doc
"""


def test_totals(d):
    values = ",".join(str(i) for i in range(1, 201))
    texts = {}
    for mode in ("stream", "query"):
        pdf, dl, r = build(TOTALS % values, d, "-D", f"mode={mode}", name=f"tot{mode}")
        check(dl is not None, f"totals, {mode}: {r.stderr.strip()[:300]}")
        texts[mode] = suite.pdf_text(pdf) if pdf else ""
    check("20100" in texts["stream"].replace(",", ""), "streamed totals: the sum of 1..200")
    squeeze = lambda t: "".join(t.split())  # noqa: E731  (column widths differ: the totals row is not measured)
    check(squeeze(texts["stream"]) == squeeze(texts["query"]), "streamed totals read as the materialised ones")


# ---- an error in the middle of the rows ----------------------------------------------------

MID = r"""
local report = require "report"
local doc = report.document{ title = "mid" }
local cursor = report.db:rows("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5000) SELECT i FROM k")
%s
doc:table{ rows = rows, columns = { { key = "i", format = fmt } } }
return doc
"""

MID_CASES = [
    # (how the rows fail, line named, message)
    ("""local n = 0
local fmt = nil
local function rows()
  n = n + 1
  if n == 300 then error("the source broke at row " .. n) end
  return cursor()
end""", 9, "the source broke at row 300"),
    ("""local rows = cursor
local fmt = function(v) if v == 400 then error("bad value " .. v) end return tostring(v) end""",
     6, "bad value 400"),
    ("""local rows = report.db:rows("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5000) SELECT CASE WHEN i = 250 THEN abs(-9223372036854775807 - 1) ELSE i END AS i FROM k")
local fmt = nil""", 7, "query failed: integer overflow (SQL: WITH RECURSIVE"),
]


def test_error_mid_iterator(d):
    for k, (how, line, msg) in enumerate(MID_CASES):
        pdf = os.path.join(d, f"mid{k}.pdf")
        with open(pdf, "wb") as f:
            f.write(b"the previous output\n")
        r = run(MID % how, d, name=f"mid{k}")
        got = first_line(r)
        check(r.returncode == 1, f"error mid-iterator {k}: exit {r.returncode} ({got!r})")
        check(got == f"reportc: {d}/mid{k}.lua:{line}: {msg}" or
              (got.startswith(f"reportc: {d}/mid{k}.lua:{line}: ") and msg in got),
              f"error mid-iterator {k}: one line naming the script line {line}: {got!r}")
        with open(pdf, "rb") as f:
            check(f.read() == b"the previous output\n", f"error mid-iterator {k}: output untouched")
        left = [x for x in os.listdir(d) if not x.endswith((".lua", ".pdf", ".json"))]
        check(left == [], f"error mid-iterator {k}: no temporary file left: {left}")
        no_unfinalized(r, f"error mid-iterator {k}")
    r = run(MID % MID_CASES[0][0], d, name="midnew")
    check(r.returncode == 1 and not os.path.exists(os.path.join(d, "midnew.pdf")),
          "error mid-iterator: no output file")


# ---- two layout passes ------------------------------------------------------------------------

TOC = r"""
local report = require "report"
local mode = report.param("mode")
local doc = report.document{ title = "toc" }
doc:toc()
doc:heading(1, "表")
local sql = "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 300) SELECT 100 + i %% 50 AS i FROM k"
local rows
if mode == "stream" then rows = report.db:rows(sql)
elseif mode == "query" then rows = report.db:query(sql)
else local c = report.db:rows(sql); rows = function() return c() end end
doc:table{ rows = rows, columns = { "i" } }
doc:heading(1, "后")
doc:paragraph("完")
return doc
"""


def test_two_passes(d):
    out = {}
    for mode in ("stream", "query"):
        pdf, dl, r = build(TOC.replace("%%", "%"), d, "-D", f"mode={mode}", name=f"toc{mode}")
        check(dl is not None, f"contents page, {mode}: {r.stderr.strip()[:300]}")
        no_unfinalized(r, f"contents page, {mode}")
        out[mode] = json.dumps(dl, sort_keys=True) if dl else None
    check(out["stream"] is not None and out["stream"] == out["query"],
          "a db:rows table is laid out twice (contents page) as the same rows given as a table")
    r = run(TOC.replace("%%", "%"), d, "-D", "mode=function", name="tocfn")
    got = first_line(r)
    check(r.returncode == 1 and "tocfn.lua:12: doc:table: rows from a function can be read only once"
          in got and "db:rows" in got, f"a function's rows and a contents page: {got!r}")
    no_unfinalized(r, "a function's rows refused")


# ---- memory ------------------------------------------------------------------------------------

BIG = r"""
local report = require "report"
local n, mode = tonumber(report.param("n")), report.param("mode")
local doc = report.document{ title = "big" }
local sql = "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) SELECT i, 'row ' || i AS name, i * 1.5 AS v FROM k"
local rows = mode == "stream" and report.db:rows(sql, n) or report.db:query(sql, n)
doc:table{ rows = rows, columns = { "i", "name", { key = "v", format = "fixed:2" } } }
return doc
"""


def peak_rss(d, n, mode):
    """Peak RSS (MB) and CPU seconds of one build, from wait4."""
    lua = os.path.join(d, "big.lua")
    with open(lua, "w") as f:
        f.write(BIG)
    p = subprocess.Popen([REPORTC, "build", lua, "-o", os.path.join(d, f"big-{mode}.pdf"),
                          "-D", f"n={n}", "-D", f"mode={mode}", "--memory-limit", "4000",
                          "--time-limit", "600"], stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    check(os.waitstatus_to_exitcode(status) == 0, f"{n} rows {mode}: {err.strip()[:300]}")
    return ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime


def test_memory(d):
    # Under AddressSanitizer (make check-asan): a tenth of the rows, slow as
    # it is, and no quarantine, which would keep freed memory resident.
    asan = os.environ.get("ASAN_OPTIONS")
    if asan:
        os.environ["ASAN_OPTIONS"] = asan + ":quarantine_size_mb=0"
    big = 10000 if asan else 100000
    small = big // 10
    fig = {}
    for n, mode in ((small, "stream"), (big, "stream"), (small, "query"), (3 * small, "query")):
        fig[(n, mode)] = peak_rss(d, n, mode)
        print(f"INFO {n} rows {mode}: peak RSS {fig[(n, mode)][0]:.0f} MB, "
              f"CPU {fig[(n, mode)][1]:.2f} s")
    per_row_stream = (fig[(big, "stream")][0] - fig[(small, "stream")][0]) / (big - small)
    per_row_query = (fig[(3 * small, "query")][0] - fig[(small, "query")][0]) / (2 * small)
    print(f"INFO peak RSS per row: streamed {per_row_stream * 1024:.2f} KB, materialised "
          f"{per_row_query * 1024:.2f} KB")
    grow = fig[(big, "stream")][0] - fig[(small, "stream")][0]
    check(grow < 3, f"a streamed table of {big} rows peaks {grow:.1f} MB above one of {small}")
    check(per_row_stream < per_row_query / 2,
          f"a streamed table's memory grows far more slowly with its rows: {per_row_stream * 1024:.2f} "
          f"KB a row against {per_row_query * 1024:.2f} KB materialised")


def main():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with tempfile.TemporaryDirectory() as d:
        test_loop(d)
        test_nested_same_sql(d)
        test_hostile(d)
        test_same_on_page(d)
        test_totals(d)
        test_error_mid_iterator(d)
        test_two_passes(d)
        test_memory(d)
    sys.exit(finish())


main()

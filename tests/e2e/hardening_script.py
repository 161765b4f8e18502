"""Issue 9, the script boundary: what a hostile or careless script passes is
an exit-1 error naming the cause and the script's line, never a crash, and
text from a script is never cut.

Self-contained: writes small scripts and a small fact store into a
temporary folder and builds them with $REPORTC (no `make demo`, no
../shared).  For every error case: exit status 1 (not a signal), the first
line of stderr is "reportc: ...NAME.lua:LINE: <cause>", and the output
folder is left empty (no PDF, no temporary file).  For the long-text cases:
the build succeeds and the whole text is in pdftotext's output and in the
PDF outline.

REPORTC=/work/wt/old/reportc runs the same cases against the code before
issue 9 (most of them fail there)."""

import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402

REPORTC = suite.REPORTC
HEAD = 'local report = require "report"\nlocal doc = report.document{}\n'   # calls go on line 3

# (name, the call on line 3, what the message says after "NAME.lua:3: ")
CALLS = [
    # crashes: unclosed inline markup, in a paragraph and in a footnote
    ("unclosed-bold", 'doc:paragraph("未闭合 **加粗")', r"unclosed \*\* \(bold\)"),
    ("lone-backtick", 'doc:paragraph("代码 ` 未闭合")', r"unclosed ` \(inline code\)"),
    ("lone-footnote", 'doc:paragraph("脚注 ^[ 未闭合")', r"unclosed footnote"),
    ("lone-link", 'doc:paragraph("链接 [t] 未闭合")', r"a link needs the form \[text\]\(url\)"),
    ("lone-star", 'doc:paragraph("强调 * 未闭合")', r"unclosed \* \(emphasis\)"),
    ("note-markup", 'doc:paragraph("正文^[注释 **未闭合]")', r"unclosed \*\* \(bold\)"),
    # crashes: the raw builders are not reachable from a script
    ("raw-chart", "doc:_chart{}", r"attempt to call a nil value \(method '_chart'\)"),
    ("raw-table", "doc:_table{cols={{}}, nrows=1}", r"attempt to call a nil value \(method '_table'\)"),
    ("raw-table-huge", 'doc:_table{cols={{title="a"}}, nrows=1e18}',
     r"attempt to call a nil value \(method '_table'\)"),
    ("raw-table-negative", 'doc:_table{cols={{title="a"}}, nrows=-1}',
     r"attempt to call a nil value \(method '_table'\)"),
    ("raw-chart-series", 'doc:_chart{kind="bar", name="c", cats={"a"}, nrows=1, series="v"}',
     r"attempt to call a nil value \(method '_chart'\)"),
    ("raw-table-gc", 'doc:_table(setmetatable({cols={{title="a"}}, nrows=1}, '
                     '{__index=function() getmetatable(doc).__gc(doc) end}))',
     r"attempt to call a nil value \(method '_table'\)"),
    # protected metatables: getmetatable gives false, so no __gc to call
    ("metatable-doc", 'error("metatable " .. tostring(getmetatable(doc)))', r"metatable false$"),
    ("metatable-db", 'error("metatable " .. tostring(getmetatable(report.db)))', r"metatable false$"),
    # checked fields: charts
    ("chart-inf", 'doc:chart{rows={{n="甲", v=1/0}}, label="n", value="v"}',
     r"chart 1: row 1 \(甲\): v value inf is not a finite number"),
    ("chart-huge", 'doc:chart{rows={{n="甲", v=1e308}}, label="n", value="v"}',
     r"chart 1: row 1 \(甲\): v value 1e\+308 is not a finite number"),
    ("chart-neg-huge", 'doc:chart{rows={{n="甲", v=1}, {n="乙", v=-1e308}}, label="n", value="v"}',
     r"chart 1: row 2 \(乙\): v value -1e\+308 is not a finite number"),
    ("chart-decimals", 'doc:chart{rows={{n="甲", v=1}}, label="n", value="v", decimals=2e8}',
     r"chart 1 key 'decimals': must be a whole number between 0 and 10, got 200000000"),
    ("chart-series-string", 'doc:chart{rows={{n="甲", v=1}}, label="n", series="v"}',
     r"chart 1 key 'series': must be a table, got 'v'"),
    ("chart-legend", 'doc:chart{rows={{n="甲", v=1}}, label="n", value="v", legend="top"}',
     r"chart 1 key 'legend': must be 'right', 'bottom' or 'none', got 'top'"),
    ("chart-width-nan", 'doc:chart{rows={{n="甲", v=1}}, label="n", value="v", width=0/0}',
     r"chart 1 key 'width': must be a length between 0 and 14400 pt .*, got nan"),
    ("chart-rows", 'doc:chart{rows={1}, label="n", value="v"}', r"chart 1: row 1 is not a table"),
    ("chart-tall", 'doc:chart{rows={{n="甲", v=1}}, label="n", value="v", height=2000}',
     r"chart 1 is 2000 pt tall, more than the 658 pt a page holds with its caption"),
    ("chart-many-rows", 'local rows = {} for i = 1, 60 do rows[i] = {n = "类" .. i, v = i} end '
                        'doc:chart{kind="hbar", rows=rows, label="n", value="v"}',
     r"chart 1 is 1006 pt tall, more than the 658 pt"),
    # checked fields: tables, images, contents
    ("table-width-inf", 'doc:table{rows={{a=1}}, columns={{key="a", width=1/0}}}',
     r"doc:table column 1 key 'width': must be .*, got inf"),
    ("table-rows", 'doc:table{rows={1}, columns={"a"}}', r"doc:table: row 1 is not a table"),
    ("table-caption", 'doc:table{rows={}, columns={"a"}, caption={}}',
     r"doc:table key 'caption': must be a string, got a table"),
    ("toc-depth", "doc:toc{depth=9}", r"doc:toc key 'depth': must be a whole number between 1 and 4, got 9"),
    ("image-width", 'doc:image{path="p.png", width=1/0}',
     r"doc:image key 'width': must be a length between 0 and 14400 pt .*, got inf"),
    ("theme-helper", "report.theme(5)", r"report.theme: the base must be a table"),
    ("error-table", "error({})", r"\(error object is a table value\)"),
    ("wrong-self", 'doc.table(5, {rows = {}, columns = {"a"}})',
     r"doc:table: call it on a document \(doc:table\{\.\.\.\}\), not on 5"),
    ("deep-groups", 'local c = {"a"} for i = 1, 20 do c = {{title = "g" .. i, columns = c}} end '
                    'doc:table{rows = {}, columns = c}', r"doc:table: column groups nest 21 deep; a header has at most 16 rows"),
    # parameters and values
    ("named-missing", 'report.db:query("SELECT :a AS x", {b = 1})',
     r"query parameter ':a' has no value: the table has no key 'a'"),
    ("named-unknown", 'report.db:query("SELECT :a AS x", {a = 1, b = 2})',
     r"query has no parameter ':b'"),
    ("value-first-column",         # 40 columns: a walk of the row finds the first by chance only
     'error("value " .. tostring(report.db:value("SELECT '
     + ", ".join("%d AS c%02d" % (i, i) for i in range(1, 41)) + '")))', r"value 1$"),
]

# (name, theme table on line 2, message after "NAME.lua:2: ")
THEMES = [
    ("page-width-nan", "{ page_width = 0/0 }",
     r"theme key 'page_width': must be a length between 72 and 14400 pt .*, got nan"),
    ("page-width-zero", "{ page_width = 0 }", r"theme key 'page_width': must be .* got 0$"),
    ("page-height-huge", "{ page_height = 1e308 }", r"theme key 'page_height': .* got 1e\+308"),
    ("body-size-zero", "{ body_size = 0 }", r"theme key 'body_size': must be between 4 and 96 pt.* got 0$"),
    ("body-size-negative", "{ body_size = -10 }", r"theme key 'body_size': .* got -10$"),
    ("body-size-name", '{ body_size = "大号" }', r"theme key 'body_size': .* got '大号'"),
    ("leading-zero", "{ leading = 0 }", r"theme key 'leading': must be a number between 0.8 and 4 .* got 0$"),
    ("margins-wide", "{ margin_left = 400, margin_right = 200 }",
     r"theme keys 'margin_left' \(400 pt\) and 'margin_right' \(200 pt\) leave less than 72 pt"),
    ("margins-tall", "{ margin_top = 500, margin_bottom = 300 }",
     r"theme keys 'margin_top' \(500 pt\) and 'margin_bottom' \(300 pt\) leave less than 72 pt"),
    ("footer-margin", "{ margin_bottom = 0 }",
     r"theme key 'margin_bottom': must be a length between 32 and 14400 pt .*, got 0"),
    ("type-wide", "{ page_width = 200, margin_left = 50, margin_right = 50, body_size = 60 }",
     r"theme key 'body_size': 60 pt type leaves less than two characters a line in the 100 pt"),
    ("line-tall", "{ page_height = 250, margin_top = 72, margin_bottom = 72, body_size = 40, leading = 3 }",
     r"theme key 'body_size': a line of 40 pt type is 120 pt tall, more than the 106 pt"),
    ("indent-wide", "{ page_width = 300, indent = 20 }",
     r"theme key 'indent': 20 em of 10.5 pt type is more than half the 164 pt of text width"),
    ("color", '{ text_color = "#12345G" }', r"theme key 'text_color': must be a colour"),
    ("heading-size", "{ heading_sizes = { 14, 0 } }", r"theme key 'heading_sizes': item 2 must be"),
    ("null-mark", '{ table_null = string.rep("无", 20) }',
     r"theme key 'table_null': must be a string of at most 31 bytes, got a string of 60 bytes"),
    ("unknown", '{ colour = "#000000" }', r"theme: unknown option 'colour'"),
    ("not-a-table", "5", r"report.document key 'theme': must be a table, got 5"),
]


def make_db(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(1, "甲"), (2, "乙")])
    con.commit()
    con.close()


def tiny_png(path):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00\xff\xff\xff")
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def build(d, name, text):
    script = os.path.join(d, name + ".lua")
    with open(script, "w") as f:
        f.write(text)
    out = os.path.join(d, "out-" + name)
    os.mkdir(out)
    pdf = os.path.join(out, name + ".pdf")
    try:
        r = subprocess.run([REPORTC, "build", script, "--db", os.path.join(d, "facts.db"), "-o", pdf],
                           capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, out, pdf
    try:
        r.stderr = r.stderr.decode("utf-8")
    except UnicodeDecodeError as e:
        check(False, f"{name}: stderr is not UTF-8 (a message cut inside a character): {e}")
        r.stderr = r.stderr.decode("utf-8", "replace")
    return r, out, pdf


def check_clean(name, r):
    """No sanitizer report (under make check-asan: a leak or a UB report may
    come after the one-line message, with the same exit status)."""
    bad = [l for l in r.stderr.splitlines() if "Sanitizer" in l or "runtime error:" in l]
    check(not bad, f"{name}: {bad[:3]}")


def check_error(d, name, text, line, pattern):
    r, out, _ = build(d, name, text)
    if not check(r is not None, f"{name}: still running after 300 s"):
        return
    check_clean(name, r)
    first = r.stderr.splitlines()[0] if r.stderr else ""
    ok = check(r.returncode == 1, f"{name}: exit {r.returncode} (want 1): {first[:300]!r}")
    if ok:
        check(re.search(re.escape(name) + r"\.lua:%d: " % line + pattern, first),
              f"{name}: message {first[:400]!r} does not match {pattern!r}")
    left = os.listdir(out)
    check(left == [], f"{name}: left {left} in the output folder")


def squeeze(s):
    return re.sub(r"\s+", "", s)


def outline_titles(pdf):
    r = subprocess.run(["qpdf", "--json", "--json-key=outlines", pdf], capture_output=True, text=True)
    titles = []

    def walk(items):
        for o in items:
            titles.append(o.get("title", ""))
            walk(o.get("kids", []))
    if r.returncode == 0:
        walk(json.loads(r.stdout).get("outlines", []))
    return titles


def check_long_texts(d):
    """Text from a script of any length: a 4,000-character footnote, a
    400-character heading, long captions and a long value suffix arrive
    whole (the old fixed buffers cut them at 512 B to 2 KB, mid-character)."""
    note = " ".join("n%04d" % i for i in range(664)) + " 脚注末尾"       # 3,988 characters
    heading = "长" * 399 + "尾"
    table_caption = "表题" * 150 + "表尾"                                  # 906 bytes
    chart_caption = "图题" * 150 + "图尾"
    image_caption = "像题" * 150 + "像尾"
    suffix = "万元（按当年价格计算的地区生产总值，含全部样本）"           # 72 bytes
    text = (HEAD
            + 'doc:heading(1, "%s")\n' % heading
            + 'doc:paragraph("正文^[%s]")\n' % note
            + 'doc:table{ rows = {{a = 1}}, columns = {"a"}, caption = "%s" }\n' % table_caption
            + 'doc:chart{ rows = {{n = "甲", v = 12}}, label = "n", value = "v", caption = "%s",\n'
              '            suffix = "%s" }\n' % (chart_caption, suffix)
            + 'doc:image{ path = "p.png", width = 20, caption = "%s" }\n' % image_caption
            + "return doc\n")
    r, out, pdf = build(d, "long", text)
    if r is not None:
        check_clean("long texts", r)
    if not check(r is not None and r.returncode == 0 and os.path.exists(pdf),
                 f"long texts: build failed: {r and r.stderr.strip()[:400]}"):
        return
    got = squeeze(suite.pdf_text(pdf))
    check(squeeze(note) in got, f"long texts: the 4,000-character footnote is not whole "
                                f"({sum(1 for i in range(664) if 'n%04d' % i in got)} of 664 words, "
                                f"end {'脚注末尾' in got})")
    check("一、" + heading in got,
          f"long texts: the 400-character heading is cut ({got.count('长')} of 399)")
    check(squeeze(table_caption) in got, "long texts: the table caption is cut")
    check(squeeze(chart_caption) in got, "long texts: the chart caption is cut")
    check(squeeze(image_caption) in got, "long texts: the image caption is cut")
    check("12" + suffix in got, "long texts: the chart's value suffix is cut")
    titles = outline_titles(pdf)
    check("一、" + heading in titles,
          f"long texts: the outline entry is cut ({[len(t) for t in titles]} chars)")


def check_long_note(d):
    """A footnote taller than a page continues at the foot of the next, whole
    and in order, and the note after it follows it (it was cut at 2 KB)."""
    long_note = "".join("注%04d" % i for i in range(800)) + "长注末尾"    # 4,004 characters
    script = os.path.join(d, "long-note.lua")
    with open(script, "w") as f:
        f.write(HEAD + 'doc:paragraph("正文^[%s]之后^[后注]")\nreturn doc\n' % long_note)
    pdf, dl, r = suite.build(script, d, "--db", os.path.join(d, "facts.db"), name="long-note")
    if not check(dl is not None, f"long note: the build fails: {r.stderr.strip()[:300]}"):
        return
    check_clean("long note", r)
    runs = [t["text"] for p in dl["pages"] for t in p["texts"] if t["role"] == "note"]
    pages = sum(1 for p in dl["pages"] if any(t["role"] == "note" for t in p["texts"]))
    check(squeeze("".join(runs)) == "1" + long_note + "2后注" and pages >= 2,
          f"long note: the notes set over {pages} pages are not the whole text in order")
    got = squeeze(suite.pdf_text(pdf))
    missing = [t for t in runs if squeeze(t) not in got]
    check(not missing, f"long note: pdftotext lacks {len(missing)} of {len(runs)} note runs")


def check_valid(d):
    """The checks refuse nothing a real brief uses: the shipped themes, size
    names, all the option types, and a spec with an __index metamethod (read
    raw: the metamethod never runs, so it cannot free the document)."""
    text = ('local report = require "report"\n'
            'local theme = require "templates.themes.report"\n'
            'local doc = report.document{ title = "t", theme = report.theme(theme, {\n'
            '  body_size = "小四", heading_numbers = false, table_zebra = true, leading = 1.5,\n'
            '  heading_sizes = { "三号", 14 }, page_width = 500, margin_left = 50, margin_right = 50 }) }\n'
            'doc:cover{ title = "封面", date = "2024-01" }\n'
            'doc:toc{ depth = 2 }\n'
            'doc:heading(1, "一")\n'
            'doc:paragraph("正文 **粗** 与 *强调* `code` [链接](https://example.org) ^[注]")\n'
            'local spec = setmetatable({ rows = {{a = 1, b = "x"}},\n'
            '                            columns = {"a", {key = "b", width = "30pt"}} },\n'
            '  { __index = function() getmetatable(doc).__gc(doc) end })\n'
            'doc:table(spec)\n'
            'doc:chart{ kind = "barline", rows = {{n = "甲", v = 1, w = 2}}, label = "n", value = "v",\n'
            '  line = { key = "w", name = "增速" }, decimals = 1, legend = "bottom", width = 300 }\n'
            'local n = report.db:value("SELECT count(*) FROM t WHERE a >= :lo", { lo = 1 })\n'
            'doc:paragraph("共 " .. n .. " 行")\n'
            "return doc\n")
    r, out, pdf = build(d, "valid", text)
    if r is not None:
        check_clean("valid", r)
    check(r is not None and r.returncode == 0 and os.path.exists(pdf),
          f"a valid script with every kind of option fails: {r and r.stderr.strip()[:400]}")
    if r is not None and r.returncode == 0:
        check("共2行" in squeeze(suite.pdf_text(pdf)), "db:value with a named parameter")


def check_caught(d):
    """A script that catches a table or chart error (pcall) keeps a document
    without half of that block in it."""
    script = os.path.join(d, "caught.lua")
    with open(script, "w") as f:
        f.write(HEAD + 'assert(not pcall(doc.chart, doc, {rows = {{n = "甲", v = 1}, {n = "乙", v = 1/0}},\n'
                       '                                 label = "n", value = "v"}))\n'
                       'assert(not pcall(doc.table, doc, {rows = {{a = 1}}, columns = {"a"}, caption = 5}))\n'
                       'doc:paragraph("其余正文")\nreturn doc\n')
    pdf, dl, r = suite.build(script, d, "--db", os.path.join(d, "facts.db"), name="caught")
    if not check(dl is not None, f"caught errors: the build fails: {r.stderr.strip()[:300]}"):
        return
    check_clean("caught", r)
    roles = {t.get("role") for p in dl["pages"] for t in p.get("texts", [])}
    check(dl["charts"] == [] and not ({"table-cell", "table-head"} & roles),
          f"caught errors: a half-built chart or table is in the document ({len(dl['charts'])} charts, "
          f"roles {sorted(roles)})")


# Every key of every option table (read from lreport.c's OPTION_TABLES, the
# one description the checks come from) with values of every kind: each
# call either works or fails at its own line, and what was accepted lays out.
CONTEXTS = {
    "theme": 'report.document{ theme = { %s = V } }',
    "document": 'report.document{ %s = V }',
    "cover": 'doc:cover{ %s = V }',
    "toc": 'doc:toc{ %s = V }',
    "image": 'doc:image{ path = "p.png", %s = V }',
    "table": 'doc:table{ rows = {{a = 1}}, columns = {"a"}, %s = V }',
    "column": 'doc:table{ rows = {{a = 1}}, columns = {{ key = "a", %s = V }} }',
    "group": 'doc:table{ rows = {{a = 1}}, columns = {{ title = "g", columns = {"a"}, %s = V }} }',
    "total": 'doc:table{ rows = {{a = 1}}, columns = {"a"}, total = { %s = V } }',
    "chart": 'doc:chart{ rows = {{n = "甲", v = 1, w = 2}}, label = "n", value = "v", %s = V }',
    "series": 'doc:chart{ rows = {{n = "甲", v = 1, w = 2}}, label = "n", series = {{ key = "w", %s = V }} }',
    "page": 'report.document{ page = { %s = V } }',
    "band": 'report.document{ page = { header = { %s = V } } }',
    "notes": 'report.document{ notes = { %s = V } }',
    "paragraph": 'doc:paragraph{ text = "x", %s = V }',
    "heading": 'doc:heading{ level = 1, text = "x", %s = V }',
}
VALUES = ["true", "false", "0", "-1", "2.5", "1e308", "-1e308", "0/0", "1/0", '""', '"x"',
          'string.rep("长", 400)', "{}", "{1, 2, 3, 4, 5}", '{"三号", 0}', "function() end"]


def option_tables():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "src", "script", "lreport.c"), encoding="utf-8") as f:
        src = f.read()
    tables = {}
    for m in re.finditer(r"static const struct opt (\w+)_OPTIONS\[\] = \{(.*?)\n\};", src, re.S):
        body = m.group(2)
        tables[m.group(1).lower()] = (re.findall(r'\{ "(\w+)", OPT_', body)
                                      + re.findall(r"\b(?:LENGTH|TYPE_SIZE|NAME|COLOR)\((\w+)", body))
    return tables


def check_sweep(d):
    tables = option_tables()
    check(set(tables) == set(CONTEXTS), f"option tables {sorted(tables)} vs contexts {sorted(CONTEXTS)}")
    lines = HEAD.rstrip("\n").split("\n")
    cases = {}
    for table, keys in sorted(tables.items()):
        for key in keys:
            for value in VALUES:
                call = CONTEXTS.get(table, "error('no context')") % key
                lines.append('do local ok, e = pcall(function() %s end) print("CASE %d " .. '
                             '(ok and "ok" or tostring(e))) end' % (call.replace("V", value, 1), len(lines) + 1))
                cases[len(lines)] = (table, key, value)
    lines.append("return doc")
    r, out, pdf = build(d, "sweep", "\n".join(lines) + "\n")
    if not check(r is not None, "sweep: still running after 300 s"):
        return
    check_clean("sweep", r)
    check(r.returncode == 0, f"sweep: what was accepted does not lay out: {r.stderr.strip()[-400:]}")
    seen, refused = 0, 0
    for line in r.stderr.splitlines():
        m = re.match(r"CASE (\d+) (.*)$", line)
        if not m:
            continue
        n, msg = int(m.group(1)), m.group(2)
        seen += 1
        if msg != "ok":
            refused += 1
            check(re.match(r".*sweep\.lua:%d: \S" % n, msg),
                  f"sweep: {cases.get(n)}: the message does not name line {n}: {msg[:200]!r}")
    check(seen == len(cases), f"sweep: {seen} of {len(cases)} cases reported")
    print(f"INFO sweep: {len(cases)} option values, {refused} refused at their line, "
          f"{len(cases) - refused} accepted and laid out")


def main():
    with tempfile.TemporaryDirectory() as d:
        make_db(os.path.join(d, "facts.db"))
        tiny_png(os.path.join(d, "p.png"))
        for name, call, pattern in CALLS:
            check_error(d, name, HEAD + call + "\nreturn doc\n", 3, pattern)
        for name, theme, pattern in THEMES:
            check_error(d, name, 'local report = require "report"\n'
                                 f"local doc = report.document{{ theme = {theme} }}\nreturn doc\n",
                        2, pattern)
        check_long_texts(d)
        check_long_note(d)
        check_valid(d)
        check_caught(d)
        check_sweep(d)
        stray = [f for f in os.listdir(d) if f.startswith(".tmp") or f.endswith(".tmp")]
        check(stray == [], f"temporary files left: {stray}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())

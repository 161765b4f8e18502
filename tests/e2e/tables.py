"""Data tables, checked on the display list (--display-list), where every
table cell is recorded with its box and every text run points at its cell:

  * a 500-row table: on every page it touches, the whole header, "续表 1"
    above it after the first page, the rows in order with none lost or
    repeated, every text inside its cell, and a bottom rule;
  * a cell of 3,000 characters split across pages, losing none of them;
  * column groups and row spans: the boxes of spanning cells are the union
    of what they span, no rule crosses a cell, and in the grid style every
    cell edge is ruled; the three-line style's rules are where they belong;
  * empty results (暂无数据), absent values (the theme's mark), formats,
    totals, highlight and zebra fills;
  * errors name the script line and the option, column or row;
  * the table examples build, pass qpdf --check and pdftotext quietly.

Run from the repository root; ends with "N passed, N failed"."""

import os
import re
import subprocess
import sys
import tempfile

REPORTC = os.environ.get("REPORTC", "./reportc")
EPS = 0.05
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402


def build(script, *extra, name="t"):
    """Build a script (text) in a scratch folder: (returncode, stderr, display list, pdf text)."""
    with tempfile.TemporaryDirectory() as d:
        lua = os.path.join(d, name + ".lua")
        with open(lua, "w") as f:
            f.write(script)
        pdf, dl, r = suite.build(lua, d, *extra, name=name)
        if dl is None:
            return r.returncode, r.stderr, None, ""
        return 0, r.stderr, dl, suite.pdf_text(pdf)


def squeeze(s):
    return re.sub(r"\s+", "", s)


def cells_of(dl, table=1):
    return [c for c in dl["cells"] if c["table"] == table]


def cell_texts(dl):
    """Text of every placed cell (index into dl["cells"]), in drawing order."""
    out = {}
    for page in dl["pages"]:
        for t in page["texts"]:
            if "cell" in t:
                out[t["cell"]] = out.get(t["cell"], "") + t["text"]
    return out


def lines_of(page, role):
    """Text of each laid-out line of a role on a page (runs joined, no spaces)."""
    lines = {}
    for t in page["texts"]:
        if t["role"] == role:
            lines[t["line"]] = lines.get(t["line"], "") + t["text"]
    return [squeeze(v) for _, v in sorted(lines.items())]


def inside(t, box):
    return (t["x"] >= box[0] - EPS and t["x"] + t["width"] <= box[2] + EPS
            and t["y"] - 0.12 * t["size"] >= box[1] - EPS and t["y"] + 0.88 * t["size"] <= box[3] + EPS)


def check_texts_inside(dl, name):
    bad = []
    for p, page in enumerate(dl["pages"]):
        for t in page["texts"]:
            if "cell" in t and not inside(t, dl["cells"][t["cell"]]["box"]):
                bad.append((p, t["text"][:20], dl["cells"][t["cell"]]["box"]))
    check(not bad, f"{name}: {len(bad)} text runs outside their cells, e.g. {bad[:3]}")


def owner_rows(cells):
    """(row, col) of the cell each placed part belongs to: a continued part
    of a spanning cell is placed at a later row than the cell starts."""
    start = {}
    for c in sorted(cells, key=lambda c: (c["page"], c["part"])):
        if c["part"] == 0:
            for r in range(c["row"], c["row"] + c["rowspan"]):
                start[(r, c["col"])] = c["row"]
    return start


def body_text_by_cell(dl, table=1):
    """{(row, col): text of all its parts in order} and {(row, col): [pages]}."""
    texts = cell_texts(dl)
    cells = cells_of(dl, table)
    start = owner_rows(cells)
    joined, pages = {}, {}
    for i, c in enumerate(dl["cells"]):
        if c["table"] != table or c["kind"] not in "bt" or c.get("repeat"):
            continue
        key = (start.get((c["row"], c["col"]), c["row"]), c["col"])
        joined[key] = joined.get(key, "") + texts.get(i, "")
        pages.setdefault(key, []).append((c["part"], c["page"]))
    return joined, pages


# ---- a 500-row table ----------------------------------------------------------------

LONG_NOTE = "较长的说明文字，需要换行显示；"

TABLE_500 = r'''
local report = require "report"
local doc = report.document{ title = "五百行" }
doc:heading(1, "五百行的表")
doc:paragraph("表前的一段文字，让表从页面中间开始。")
local rows = {}
for i = 1, 500 do
  local note = (i % 7 == 0) and string.rep("较长的说明文字，需要换行显示；", 3 + i % 5) or ("第 " .. i .. " 项")
  rows[i] = { id = i, name = "指标" .. i, note = note, value = i * 1234.5 - 40000, share = (i % 13) / 13 }
end
doc:table{
  rows = rows,
  columns = {
    { key = "id", title = "序号" },
    { key = "name", title = "名称" },
    { key = "note", title = "说明" },
    { key = "value", title = "数值", format = "thousands:1", align = "decimal" },
    { key = "share", title = "占比", format = "percent:1", align = "decimal" },
  },
  caption = "五百行的表", source = "数据来源：测试数据。", zebra = true,
}
return doc
'''


def expected_500(i):
    note = LONG_NOTE * (3 + i % 5) if i % 7 == 0 else f"第 {i} 项"
    return [str(i), f"指标{i}", note, f"{i * 1234.5 - 40000:,.1f}", f"{(i % 13) / 13 * 100:.1f}%"]


def check_pages_of_table(dl, name, titles, number, nrows):
    """Header on every page the table touches, 续表 above it after the first,
    rows in order, a heavy rule under the last row of each page."""
    cells = cells_of(dl)
    pages = sorted({c["page"] for c in cells if c["kind"] in "bt"})
    check(len(pages) >= 2, f"{name}: the table should span pages, got {pages}")
    for p in pages:
        here = [c for c in cells if c["page"] == p]
        head = [c for c in here if c["kind"] == "h"]
        body = [c for c in here if c["kind"] in "bt"]
        texts = cell_texts(dl)
        got = sorted(squeeze(texts.get(dl["cells"].index(c), "")) for c in head)
        check(got == sorted(titles), f"{name}: page {p + 1}: header {got}, want {sorted(titles)}")
        head_bottom = min(c["box"][1] for c in head)
        check(all(c["box"][3] <= head_bottom + EPS for c in body),
              f"{name}: page {p + 1}: body rows above the header")
        rows = [c["row"] for c in sorted(body, key=lambda c: -c["box"][3]) if c["col"] == 0]
        check(rows == sorted(rows), f"{name}: page {p + 1}: rows out of order")
        captions = lines_of(dl["pages"][p], "caption")
        if p == pages[0]:
            check(any(c.startswith(f"表{number}") for c in captions), f"{name}: no caption on page {p + 1}")
        else:
            check(f"续表{number}" in captions, f"{name}: page {p + 1}: no 续表 {number}, captions {captions}")
        bottom = min(c["box"][1] for c in body)
        heavy = [r for r in dl["pages"][p]["paths"] if r["role"] == "rule" and r.get("line_width", 0) >= 1.0
                 and abs(r["bbox"][1] - bottom) < EPS and abs(r["bbox"][3] - bottom) < EPS]
        check(heavy, f"{name}: page {p + 1}: no heavy rule under the last row")
    placed = sorted({c["row"] for c in cells if c["kind"] == "b" and c["part"] == 0})
    check(placed == list(range(nrows)), f"{name}: rows placed {len(placed)}, want {nrows}")
    firsts = [(c["row"], c["col"]) for c in cells if c["kind"] == "b" and c["part"] == 0]
    check(len(firsts) == len(set(firsts)), f"{name}: a row was placed twice")
    return pages


def test_500_rows():
    rc, err, dl, _ = build(TABLE_500)
    if not check(rc == 0, f"500-row table: {err.strip()}"):
        return
    titles = ["序号", "名称", "说明", "数值", "占比"]
    pages = check_pages_of_table(dl, "500-row table", titles, 1, 500)
    joined, parts = body_text_by_cell(dl)
    lost = [(r, c) for r in range(500) for c in range(5)
            if squeeze(joined.get((r, c), "")) != squeeze(expected_500(r + 1)[c])]
    check(not lost, f"500-row table: {len(lost)} cells with wrong text, e.g. "
                    f"{[(k, joined.get(k), expected_500(k[0] + 1)[k[1]]) for k in lost[:3]]}")
    split = {k: v for k, v in parts.items() if len(v) > 1}
    check(all([p for _, p in sorted(v)] == list(range(sorted(v)[0][1], sorted(v)[0][1] + len(v)))
              for v in split.values()), "500-row table: parts of a split cell not on successive pages")
    check_texts_inside(dl, "500-row table")
    print(f"INFO 500-row table: {len(pages)} pages, {len(split)} cells split across pages")


# ---- a cell of 3,000 characters ---------------------------------------------------------

LONG_CELL = r'''
local report = require "report"
local doc = report.document{ title = "长单元格" }
doc:paragraph("前面的一段文字。")
local parts = {}
for i = 1, 300 do parts[#parts + 1] = string.format("第%04d段文字内容", i) end
local long = table.concat(parts)
assert(utf8.len(long) == 3000)
doc:table{ rows = { { k = "甲", v = long, n = "壹" }, { k = "乙", v = "短文本", n = "贰" } },
  columns = { { key = "k", title = "项目" }, { key = "v", title = "正文" }, { key = "n", title = "序号" } },
  caption = "三千字的单元格", RULES }
return doc
'''


def test_long_cell():
    want = "".join(f"第{i:04d}段文字内容" for i in range(1, 301))
    for rules in ("three-line", "grid"):
        name = f"3000-character cell ({rules})"
        rc, err, dl, text = build(LONG_CELL.replace("RULES", f'rules = "{rules}"'))
        if not check(rc == 0, f"{name}: {err.strip()}"):
            continue
        joined, parts = body_text_by_cell(dl)
        got = joined.get((0, 1), "")
        check(got == want, f"{name}: placed {len(got)} of {len(want)} characters")
        check(len(parts.get((0, 1), [])) >= 2, f"{name}: not split across pages: {parts.get((0, 1))}")
        check(joined.get((1, 1)) == "短文本", f"{name}: the next row lost: {joined.get((1, 1))}")
        # What pdftotext reads, less the page furniture and the other cells.
        flat = re.sub(r"第\d+页/共\d+页", "", squeeze(text))
        for s in ("长单元格", "前面的一段文字。", "表1三千字的单元格", "续表1", "项目", "正文", "序号",
                  "甲", "壹", "乙", "短文本", "贰"):
            flat = flat.replace(s, "")
        check(flat == want, f"{name}: pdftotext reads {len(flat)} characters of the cell, want "
                            f"{len(want)}; first difference at "
                            f"{next((i for i, (a, b) in enumerate(zip(flat, want)) if a != b), None)}")
        check_texts_inside(dl, name)


# ---- spans and rules -----------------------------------------------------------------

SPANS = r'''
local report = require "report"
local doc = report.document{ title = "合并单元格" }
local rows = {
  { region = "东南亚", country = "新加坡", g = 6, a = 1, score = 0.898 },
  { region = "东南亚", country = "马来西亚", g = 8, a = 2, score = 0.893 },
  { region = "东南亚", country = "泰国", g = 35, a = 3, score = 0.684 },
  { region = "东亚", country = "中国", g = 27, score = 0.828 },
  { region = "东亚", country = "日本", g = 14, score = 0.880 },
  { region = "南亚", country = "印度", g = 47, score = 0.719 },
}
doc:table{
  rows = rows, RULES
  columns = {
    { key = "region", title = "地区", rowspan = true },
    { key = "country", title = "国家" },
    { title = "排名", columns = { { key = "g", title = "全球" }, { key = "a", title = "东盟" } } },
    { key = "score", title = "得分", format = "percent:1", align = "decimal" },
  },
  caption = "分组表头与合并单元格", source = "数据来源：测试。",
  highlight = function(r) return r.country == "中国" end,
  total = { label = "平均", mean = { "g", "score" } },
}
return doc
'''


def segments(dl, page):
    """Rule segments of a page: (kind 'h' or 'v', fixed coordinate, lo, hi, width)."""
    out = []
    for r in dl["pages"][page]["paths"]:
        if r["role"] != "rule":
            continue
        x0, y0, x1, y1 = r["bbox"]
        if abs(y1 - y0) < EPS:
            out.append(("h", y0, x0, x1, r.get("line_width", 0)))
        elif abs(x1 - x0) < EPS:
            out.append(("v", x0, y0, y1, r.get("line_width", 0)))
    return out


def crosses(seg, box):
    """A rule through the inside of a box (not along its edges)."""
    kind, at, lo, hi, _ = seg
    x0, y0, x1, y1 = box
    if kind == "h":
        return y0 + EPS < at < y1 - EPS and lo < x1 - EPS and hi > x0 + EPS
    return x0 + EPS < at < x1 - EPS and lo < y1 - EPS and hi > y0 + EPS


def covered(segs, kind, at, lo, hi):
    """Is the edge [lo, hi] at `at` covered by rules of that direction?"""
    spans = sorted((s[2], s[3]) for s in segs if s[0] == kind and abs(s[1] - at) < EPS)
    reach = lo
    for a, b in spans:
        if a > reach + EPS:
            break
        reach = max(reach, b)
    return reach >= hi - EPS


def span_geometry(dl, name):
    cells = cells_of(dl)
    texts = cell_texts(dl)
    by_text = {squeeze(texts.get(dl["cells"].index(c), "")): c for c in cells}
    group, g, a = by_text.get("排名"), by_text.get("全球"), by_text.get("东盟")
    region, country = by_text.get("地区"), by_text.get("国家")
    ok = check(all([group, g, a, region, country]), f"{name}: header cells missing: {sorted(by_text)[:12]}")
    if ok:
        check(group["colspan"] == 2 and abs(group["box"][0] - g["box"][0]) < EPS
              and abs(group["box"][2] - a["box"][2]) < EPS,
              f"{name}: 排名 spans {group['box']}, its columns {g['box']} {a['box']}")
        check(abs(group["box"][1] - g["box"][3]) < EPS, f"{name}: 排名 does not sit on 全球/东盟")
        check(region["rowspan"] == 2 and abs(region["box"][3] - group["box"][3]) < EPS
              and abs(region["box"][1] - g["box"][1]) < EPS, f"{name}: 地区 does not span both header rows")
    sea = by_text.get("东南亚")
    body = {(c["row"], c["col"]): c for c in cells if c["kind"] == "b"}
    if check(sea and sea["rowspan"] == 3, f"{name}: 东南亚 should span 3 rows: {sea}"):
        check(abs(sea["box"][3] - body[(0, 1)]["box"][3]) < EPS
              and abs(sea["box"][1] - body[(2, 1)]["box"][1]) < EPS,
              f"{name}: 东南亚 box {sea['box']} is not rows 1-3 ({body[(0, 1)]['box']} .. {body[(2, 1)]['box']})")
    check(by_text.get("东亚", {}).get("rowspan") == 2 and by_text.get("南亚", {}).get("rowspan") == 1,
          f"{name}: 东亚/南亚 spans wrong")
    check(squeeze(texts.get(dl["cells"].index(body[(3, 3)]), "")) == "—",
          f"{name}: the absent 东盟 rank of 中国 is not the null mark")
    totals = [c for c in cells if c["kind"] == "t"]
    ttext = {c["col"]: squeeze(texts.get(dl["cells"].index(c), "")) for c in totals}
    check(ttext.get(0) == "平均" and ttext.get(2) == "22.83333333" and ttext.get(4) == "81.7%",
          f"{name}: totals row {ttext}")
    top, bottom = max(c["box"][3] for c in cells), min(c["box"][1] for c in cells)
    segs = [s for s in segments(dl, cells[0]["page"])      # the table's, not the page header's
            if (s[0] == "h" and bottom - EPS <= s[1] <= top + EPS) or (s[0] == "v" and s[2] >= bottom - EPS)]
    bad = [(s, c["box"]) for s in segs for c in cells if crosses(s, c["box"])]
    check(not bad, f"{name}: {len(bad)} rules cross a cell, e.g. {bad[:2]}")
    return cells, segs, body


def test_spans_grid():
    rc, err, dl, _ = build(SPANS.replace("RULES", 'rules = "grid",'))
    if not check(rc == 0, f"spans (grid): {err.strip()}"):
        return
    cells, segs, body = span_geometry(dl, "spans (grid)")
    unruled = []
    for c in cells:
        x0, y0, x1, y1 = c["box"]
        for edge in (("h", y0, x0, x1), ("h", y1, x0, x1), ("v", x0, y0, y1), ("v", x1, y0, y1)):
            if not covered(segs, *edge):
                unruled.append((c["row"], c["col"], c["kind"], edge))
    check(not unruled, f"spans (grid): cell edges without a rule: {unruled[:4]}")
    page = dl["pages"][cells[0]["page"]]
    fills = [p for p in page["paths"] if p["fill"] and p["role"] == "table-cell"]
    lit = [c for c in cells if c["kind"] == "b" and c["row"] == 3 and c["rowspan"] == 1]
    check(all(any(all(abs(f["bbox"][k] - c["box"][k]) < EPS for k in range(4)) for f in fills) for c in lit),
          "spans (grid): the highlighted row (中国) has no fill behind its cells")
    east = next(c for c in cells if c["kind"] == "b" and c["row"] == 3 and c["col"] == 0)
    check(not any(all(abs(f["bbox"][k] - east["box"][k]) < EPS for k in range(4)) for f in fills),
          "spans (grid): 东亚 spans a row that is not highlighted, yet is filled")


def test_spans_three_line():
    rc, err, dl, _ = build(SPANS.replace("RULES", ""))
    if not check(rc == 0, f"spans (three-line): {err.strip()}"):
        return
    cells, segs, body = span_geometry(dl, "spans (three-line)")
    head = [c for c in cells if c["kind"] == "h"]
    left, right = min(c["box"][0] for c in cells), max(c["box"][2] for c in cells)
    top, head_bottom = max(c["box"][3] for c in head), min(c["box"][1] for c in head)
    bottom = min(c["box"][1] for c in cells)
    check(not [s for s in segs if s[0] == "v"], "spans (three-line): vertical rules")

    def full(at, width):
        return any(s[0] == "h" and abs(s[1] - at) < EPS and s[2] <= left + EPS and s[3] >= right - EPS
                   and abs(s[4] - width) < 0.01 for s in segs)
    check(full(top, 1.0), "spans (three-line): no heavy rule above the header")
    check(full(head_bottom, 0.5), "spans (three-line): no light rule under the header")
    check(full(bottom, 1.0), "spans (three-line): no heavy rule at the bottom")
    total_top = max(c["box"][3] for c in cells if c["kind"] == "t")
    check(full(total_top, 0.5), "spans (three-line): no light rule above the totals row")
    group = next(c for c in head if c["colspan"] == 2)
    mid = [s for s in segs if s[0] == "h" and abs(s[1] - group["box"][1]) < EPS]
    check(len(mid) == 1 and mid[0][2] >= group["box"][0] and mid[0][3] <= group["box"][2]
          and mid[0][3] - mid[0][2] > 0.8 * (group["box"][2] - group["box"][0]),
          f"spans (three-line): the rule under 排名 should span its columns only: {mid}, {group['box']}")
    expected = 5   # top, under 排名, under the header, above the totals, bottom
    check(len(segs) == expected, f"spans (three-line): {len(segs)} rules, want {expected}")


# ---- empty tables, absent values, formats, zebra ----------------------------------------------

SMALL = r'''
local report = require "report"
assert(report.format(0.123, "percent:1") == "12.3%")
assert(report.format(12.3, "pct:1") == "12.3%")
assert(report.format(123456789, "yi") == "1.23亿")
assert(report.format(-1234567.891, "thousands:2") == "-1,234,567.89")
assert(report.format(nil, "wan") == "—")
assert(report.format(nil, "wan", "n/a") == "n/a")
local doc = report.document{ title = "小表", theme = { table_null = "NULL_MARK", table_zebra = true } }
doc:table{ rows = {}, columns = { { key = "a", title = "甲" }, { key = "b", title = "乙" }, "c" },
           caption = "空表" }
doc:table{ rows = {}, columns = { "a" }, empty = "本期没有记录" }
doc:table{
  rows = { { a = 1, b = 0.5 }, { a = 2 }, { a = 3, b = 0.25 }, { a = 4, b = -0.125 } },
  columns = {
    { key = "a", title = "序号" },
    { key = "b", title = "比例", format = "percent:2" },
    { key = function(r) return r.b and r.b * 2 end, title = "两倍", format = function(v, r)
        return v and string.format("%.1f 倍（第 %s 行）", v, r.a) end },
  },
  caption = "格式",
  total = { { a = "合计", b = 0.875 } },
}
return doc
'''


def test_small_tables():
    rc, err, dl, _ = build(SMALL.replace("NULL_MARK", "无"))
    if not check(rc == 0, f"small tables: {err.strip()}"):
        return
    texts = cell_texts(dl)

    def text(c):
        return squeeze(texts.get(dl["cells"].index(c), ""))
    empty = [c for c in dl["cells"] if c["kind"] == "e"]
    check(len(empty) == 2 and empty[0]["colspan"] == 3 and empty[1]["colspan"] == 1,
          f"small tables: no-data rows {empty}")
    check([text(c) for c in empty] == ["暂无数据", "本期没有记录"], f"small tables: {[text(c) for c in empty]}")
    fmt = {(c["row"], c["col"]): text(c) for c in cells_of(dl, 3) if c["kind"] == "b"}
    want = {(0, 1): "50.00%", (1, 1): "无", (2, 1): "25.00%", (3, 1): "-12.50%",
            (0, 2): "1.0倍（第1行）", (1, 2): "无", (3, 2): "-0.2倍（第4行）"}
    for k, v in want.items():
        check(fmt.get(k) == v, f"small tables: formats: cell {k} is {fmt.get(k)!r}, want {v!r}")
    given = {c["col"]: text(c) for c in cells_of(dl, 3) if c["kind"] == "t"}
    check(given == {0: "合计", 1: "87.50%", 2: "1.8倍（第合计行）"}, f"small tables: a given totals row: {given}")
    zebra = [p for page in dl["pages"] for p in page["paths"] if p["fill"] and p["role"] == "table-cell"]
    check(len(zebra) == 2 * 3, f"small tables: theme zebra: {len(zebra)} shaded cells, want 6")
    nums = [c for c in cells_of(dl, 3) if c["kind"] == "b" and c["col"] == 0]
    right_edges = {round(t["x"] + t["width"], 2) for page in dl["pages"] for t in page["texts"]
                   if "cell" in t and dl["cells"][t["cell"]] in nums}
    check(len(right_edges) == 1, f"small tables: a column of numbers is not right-aligned: {right_edges}")


# ---- errors ------------------------------------------------------------------------------

ERRORS = [
    ("typo", 'doc:table{ rows = {}, colums = {"a"} }', r"t\.lua:3: doc:table: unknown option 'colums'"),
    ("column-typo", 'doc:table{ rows = {}, columns = { {key="a", wdith=2} } }',
     r"t\.lua:3: doc:table column 1: unknown option 'wdith'"),
    ("group-typo", 'doc:table{ rows = {}, columns = { {title="g", columns = { {key="a", algin="left"} }} } }',
     r"t\.lua:3: doc:table column 1\.1: unknown option 'algin'"),
    ("format", 'doc:table{ rows = {}, columns = { {key="a", format="thousand"} } }',
     r"t\.lua:3: doc:table column 1: unknown number format 'thousand'"),
    ("not-a-number", 'doc:table{ rows = {{a=1},{a="x"}}, columns = { {key="a", title="值", format="fixed:1"} } }',
     r"t\.lua:3: doc:table column 1 \(值\): row 2: 'x' is not a number"),
    ("width", 'doc:table{ rows = {}, columns = { {key="a", width="wide"} } }',
     r"t\.lua:3: doc:table column 1 key 'width': must be"),
    ("align", 'doc:table{ rows = {}, columns = { {key="a", align="middle"} } }',
     r"t\.lua:3: doc:table column 1 key 'align': must be"),
    ("rules", 'doc:table{ rows = {}, columns = {"a"}, rules = "dotted" }',
     r"t\.lua:3: doc:table key 'rules': must be 'three-line' or 'grid'"),
    ("total-key", 'doc:table{ rows = {{a=1}}, columns = {"a"}, total = { sum = {"b"} } }',
     r"t\.lua:3: doc:table total: sum: no column has the key 'b'"),
    ("total-typo", 'doc:table{ rows = {{a=1}}, columns = {"a"}, total = { summ = {"a"} } }',
     r"t\.lua:3: doc:table total: unknown option 'summ'"),
    ("key-error", 'doc:table{ rows = {{a=1}}, columns = { {key=function(r) return r.a.b end} } }',
     r"t\.lua:3: attempt to index a number value"),
    ("fixed-too-wide", 'doc:table{ rows = {{a=1}}, columns = { {key="a", width="400pt"}, {key="a", width="300pt"} } }',
     r"t\.lua:3: table columns of fixed width add up to 700pt"),
    ("theme", 'doc:table{ rows = {}, columns = {"a"} }', r"t\.lua:2: theme key 'table_rules': must be"),
]


def test_errors():
    for name, call, pattern in ERRORS:
        theme = '{ table_rules = "dotted" }' if name == "theme" else "{}"
        script = (f'local report = require "report"\nlocal doc = report.document{{ theme = {theme} }}\n'
                  f'{call}\nreturn doc\n')
        rc, err, _, _ = build(script)
        first = err.splitlines()[0] if err else ""
        check(rc == 1 and re.search(pattern, first), f"error {name}: exit {rc}, message {first!r}")


# ---- the examples ------------------------------------------------------------------------

def test_examples():
    for script, number_of_pages in (("scripts/indicators_brief.lua", 3), ("scripts/timeline_brief.lua", 1)):
        if not check(os.path.exists(script), f"{script} missing"):
            continue
        with tempfile.TemporaryDirectory() as d:
            pdf, dl, r = suite.build(script, d)
            if not check(dl is not None and r.stderr == "", f"{script}: {r.stderr.strip()}"):
                continue
            q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
            check(q.returncode == 0, f"{script}: qpdf --check: {q.stdout[-200:]}{q.stderr[-200:]}")
            t = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True)
            check(t.returncode == 0 and t.stderr == "", f"{script}: pdftotext: {t.stderr.strip()}")
            check(len(dl["pages"]) >= number_of_pages, f"{script}: {len(dl['pages'])} pages")
            check(dl["cells"], f"{script}: no table cells")
            check_texts_inside(dl, script)
            if script.endswith("indicators_brief.lua"):
                rows = max(c["row"] for c in dl["cells"] if c["table"] == 1 and c["kind"] == "b") + 1
                check(rows == 500, f"{script}: {rows} rows, want 500")
                check_pages_of_table(dl, script, [squeeze(x) for x in head_titles(dl)], 1, 500)
                repeats = [c for c in dl["cells"] if c["repeat"]]
                check(repeats and all(c["part"] > 0 for c in repeats),
                      f"{script}: merged cells broken across pages should show their label again")


def head_titles(dl):
    """Header texts of table 1 on the page where it starts."""
    texts = cell_texts(dl)
    first = min(c["page"] for c in cells_of(dl) if c["kind"] == "h")
    return [texts.get(i, "") for i, c in enumerate(dl["cells"])
            if c["table"] == 1 and c["kind"] == "h" and c["page"] == first]


def main():
    test_500_rows()
    test_long_cell()
    test_spans_grid()
    test_spans_three_line()
    test_small_tables()
    test_errors()
    test_examples()
    return finish()


if __name__ == "__main__":
    sys.exit(main())

"""Issue 13, the script API: page templates, plain text, per-series chart
styling, table header colours, and lengths with units.

Self-contained: writes small scripts (no fact store needed) into a
temporary folder and builds them with $REPORTC and --display-list (no
`make demo`, no ../shared).  Checks read the display list (the text of the
header and footer runs of every page, colours of paths and texts, cell
boxes, positions), the PDF's page labels (`qpdf --json`) and pdftotext.

REPORTC=/work/wt/old/reportc runs the same cases against the code before
issue 13: every part fails there (unknown options)."""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish, build, pdf_text  # noqa: E402

REPORTC = suite.REPORTC
TMP = tempfile.mkdtemp(prefix="reportc-api-")
MM = 72 / 25.4

# A brief with a cover, a contents page and three sections of two pages or
# so each; the page table is filled in per case.
BRIEF = """local report = require "report"
local doc = report.document{ title = "测试报告", date = "2026年11月", page = %s }
doc:cover{ title = "测试报告", org = "某研究院", date = "2026年11月" }
doc:toc{}
for s = 1, 3 do
  doc:heading(1, "第" .. s .. "部分")
  for i = 1, 22 do doc:paragraph(string.rep("这是一个用来测试页眉页脚的段落。", 6)) end
end
return doc
"""

TEMPLATE = """{ header = { left = "某研究院", center = "{section}", right = "{date}" },
  footer = { center = "第 {page} 页 / 共 {pages} 页", rule = "above" }%s }"""


def write(name, text):
    path = os.path.join(TMP, name + ".lua")
    with open(path, "w") as f:
        f.write(text)
    return path


def run(name, text):
    """Build a script; (pdf, display list, process)."""
    d = os.path.join(TMP, name)
    os.makedirs(d, exist_ok=True)
    return build(write(name, text), d, name=name)


def band(page, role):
    """A page's header or footer: its runs' text, left to right, no spaces."""
    runs = sorted((t for t in page["texts"] if t["role"] == role), key=lambda t: t["x"])
    return "".join(t["text"] for t in runs).replace(" ", "")


def page_labels(pdf):
    r = subprocess.run(["qpdf", "--json", "--json-key=pagelabels", pdf], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return [(x["index"], x["label"].get("/S"), x["label"].get("/St", 1))
            for x in json.loads(r.stdout)["pagelabels"]]


def cover_prefix(pdf):
    r = subprocess.run(["qpdf", "--json", "--json-key=pagelabels", pdf], capture_output=True, text=True)
    return json.loads(r.stdout)["pagelabels"][0]["label"].get("/P") if r.returncode == 0 else None


def roman(n):
    return ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"][n]


def sections(dl):
    """The {section} of every page: the last level-1 outline on it or before."""
    out, current = [], ""
    firsts = {}
    for o in dl["outlines"]:
        if o["level"] == 1:
            firsts.setdefault(o["page"], []).append(o["title"])
    for i in range(len(dl["pages"])):
        if i in firsts:
            current = firsts[i][-1]
        out.append(current.replace(" ", ""))
    return out


def expect_error(name, text, *patterns):
    """The build fails with exit 1, its first line naming every pattern."""
    _, _, r = run(name, text)
    msg = (r.stderr.strip().splitlines() or [""])[0]
    ok = r.returncode == 1
    for p in patterns:
        ok = ok and re.search(p, msg) is not None
    check(ok, f"{name}: want exit 1 and one line matching {patterns}, got {r.returncode}: {msg!r}")


# ---- 1. page templates ---------------------------------------------------------

def body_numbering():
    pdf, dl, r = run("body", BRIEF % (TEMPLATE % ""))
    if not check(dl is not None, f"body numbering: build failed: {r.stderr.strip()}"):
        return
    pages = dl["pages"]
    kinds = [p["kind"] for p in pages]
    start = kinds.index("body")
    nbody = kinds.count("body")
    secs = sections(dl)
    check(len(pages) >= 6 and kinds[:2] == ["cover", "front"], f"body: page kinds {kinds}")
    for i, p in enumerate(pages):
        head, foot = band(p, "header"), band(p, "footer")
        if p["kind"] == "cover":
            check(head == "" and foot == "", f"body: the cover has furniture: {head!r} {foot!r}")
        elif p["kind"] == "front":
            front = kinds[:i + 1].count("front")
            check(head == "" and foot == roman(front), f"body: page {i + 1}: front matter {head!r} {foot!r}")
        else:
            want_head = "某研究院" + secs[i] + "2026年11月"
            want_foot = f"第{i - start + 1}页/共{nbody}页"
            check(head == want_head, f"body: page {i + 1}: header {head!r}, want {want_head!r}")
            check(foot == want_foot, f"body: page {i + 1}: footer {foot!r}, want {want_foot!r}")
    check(secs[start] == "一、第1部分" and secs[-1] == "三、第3部分", f"body: sections {secs}")
    labels = page_labels(pdf)
    check(labels == [(0, None, 1), (1, "/r", 1), (start, "/D", 1)] and start == 2,
          f"body: page labels {labels}, want the cover, roman from 1, decimal from {start}")
    check(cover_prefix(pdf) == "u:封面", f"body: the cover's label is {cover_prefix(pdf)!r}")
    # the contents page lists the body numbers
    toc = [t["text"] for t in pages[1]["texts"] if t["role"] == "body"]
    third = next(o["page"] for o in dl["outlines"] if o["title"].startswith("三"))
    check(str(third - start + 1) in toc, f"body: contents lacks page {third - start + 1}: {toc}")
    # alignment: left at the left margin, right ending at the right margin
    runs = sorted((t for t in pages[start]["texts"] if t["role"] == "header"), key=lambda t: t["x"])
    check(abs(runs[0]["x"] - 68) < 0.01 and abs(runs[-1]["x"] + runs[-1]["width"] - (595.28 - 68)) < 0.05,
          f"body: header runs from {runs[0]['x']} to {runs[-1]['x'] + runs[-1]['width']}")
    # rules: below the header, above the footer
    rules = [p["bbox"][1] for p in pages[start]["paths"] if p["role"] == "rule"]
    check(any(abs(y - (841.89 - 72 + 10)) < 0.01 for y in rules) and any(abs(y - (72 - 28 + 11)) < 0.01 for y in rules),
          f"body: furniture rules at {rules}")


def physical_numbering():
    pdf, dl, r = run("physical", BRIEF % (TEMPLATE % ', numbering = "physical"'))
    if not check(dl is not None, f"physical numbering: build failed: {r.stderr.strip()}"):
        return
    pages = dl["pages"]
    n = len(pages)
    secs = sections(dl)
    for i, p in enumerate(pages):
        head, foot = band(p, "header"), band(p, "footer")
        if i == 0:
            check(head == "" and foot == "", f"physical: the cover has furniture: {head!r} {foot!r}")
            continue
        want_head = "某研究院" + secs[i] + "2026年11月"
        check(head == want_head, f"physical: page {i + 1}: header {head!r}, want {want_head!r}")
        check(foot == f"第{i + 1}页/共{n}页", f"physical: page {i + 1}: footer {foot!r}")
    check(page_labels(pdf) == [(0, "/D", 1)], f"physical: page labels {page_labels(pdf)}")
    toc = [t["text"] for t in pages[1]["texts"] if t["role"] == "body"]
    third = next(o["page"] for o in dl["outlines"] if o["title"].startswith("三"))
    check(str(third + 1) in toc, f"physical: contents lacks page {third + 1}: {toc}")
    # first_page = true: the cover is page 1 and shows it
    _, dl, r = run("physical-first", BRIEF % (TEMPLATE % ', numbering = "physical", first_page = true'))
    if check(dl is not None, f"physical first_page: build failed: {r.stderr.strip()}"):
        foot = band(dl["pages"][0], "footer")
        check(foot == f"第1页/共{len(dl['pages'])}页", f"physical first_page: cover footer {foot!r}")


def default_furniture():
    """No page table: today's look (header right over a rule, 第 N 页 / 共 M 页)."""
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T", header = "机构{x}报告" }\n'
            'doc:heading(1, "甲")\ndoc:paragraph("正文。")\nreturn doc\n')
    pdf, dl, r = run("default", text)
    if not check(dl is not None, f"default: build failed: {r.stderr.strip()}"):
        return
    p = dl["pages"][0]
    check(band(p, "header") == "机构{x}报告", f"default: header {band(p, 'header')!r} (braces as given)")
    check(band(p, "footer") == "第1页/共1页", f"default: footer {band(p, 'footer')!r}")
    check(page_labels(pdf) == [], f"default: no page labels without front matter: {page_labels(pdf)}")
    # without a cover, first_page = false still leaves page 1 bare
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T", page = { first_page = false, numbering = "physical" } }\n'
            'doc:paragraph("正文。")\ndoc:pagebreak()\ndoc:paragraph("正文。")\nreturn doc\n')
    _, dl, r = run("first-bare", text)
    if check(dl is not None, f"first_page: build failed: {r.stderr.strip()}"):
        check(band(dl["pages"][0], "footer") == "" and band(dl["pages"][1], "footer") == "第2页/共2页",
              f"first_page = false: footers {band(dl['pages'][0], 'footer')!r}, {band(dl['pages'][1], 'footer')!r}")
    _, dl, r = run("first-bare-body", text.replace(', numbering = "physical"', ""))
    if check(dl is not None, f"first_page (body): build failed: {r.stderr.strip()}"):
        check(band(dl["pages"][0], "footer") == "" and band(dl["pages"][1], "footer") == "第2页/共2页",
              f"first_page = false, body numbering: footers {band(dl['pages'][0], 'footer')!r}, "
              f"{band(dl['pages'][1], 'footer')!r}")
    # a contents page after the body began: each kind of page counts its own
    text = ('local report = require "report"\nlocal doc = report.document{ title = "T" }\n'
            'doc:heading(1, "甲")\ndoc:paragraph("正文。")\ndoc:toc{}\ndoc:heading(1, "乙")\n'
            'doc:paragraph("正文。")\nreturn doc\n')
    pdf, dl, r = run("late-toc", text)
    if check(dl is not None, f"late contents: build failed: {r.stderr.strip()}"):
        feet = [band(p, "footer") for p in dl["pages"]]
        check(feet == ["第1页/共2页", "i", "第2页/共2页"], f"late contents: footers {feet}")
        check(page_labels(pdf) == [(0, "/D", 1), (1, "/r", 1), (2, "/D", 2)],
              f"late contents: page labels {page_labels(pdf)}")
        toc = [t["text"] for t in dl["pages"][1]["texts"] if t["role"] == "body" and t["text"].isdigit()]
        check(toc == ["1", "2"], f"late contents: listed pages {toc}")
    # style: size and colour of a band
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T", page = { footer = { right = "{page}", size = "12pt", '
            'color = "#336699" } } }\ndoc:paragraph("正文。")\nreturn doc\n')
    _, dl, r = run("band-style", text)
    if check(dl is not None, f"band style: build failed: {r.stderr.strip()}"):
        runs = [t for t in dl["pages"][0]["texts"] if t["role"] == "footer"]
        check(len(runs) == 1 and runs[0]["size"] == 12 and runs[0]["color"] == "#336699"
              and abs(runs[0]["x"] + runs[0]["width"] - (595.28 - 68)) < 0.05,
              f"band style: footer runs {runs}")


def template_errors():
    head = 'local report = require "report"\nlocal doc = report.document{ page = %s }\nreturn doc\n'
    expect_error("tpl-field", head % '{ header = { left = "第 {pgae} 页" } }',
                 r"\.lua:2: ", r"page\.header key 'left'", r"\{pgae\}")
    expect_error("tpl-brace", head % '{ footer = { center = "{page" } }',
                 r"page\.footer key 'center'", r"'\{page'")
    expect_error("tpl-key", head % '{ footer = { centre = "x" } }', r"unknown option 'centre'")
    expect_error("tpl-numbering", head % '{ numbering = "roman" }', r"'numbering'", r"'roman'")
    expect_error("tpl-rule", head % '{ header = { rule = "both" } }', r"'rule'", r"'both'")
    expect_error("tpl-size", head % '{ header = { size = "40pt" } }', r"'size'", r"'40pt'")
    expect_error("tpl-page-key", head % '{ numbers = "body" }', r"unknown option 'numbers'")


# ---- 2. plain text -----------------------------------------------------------------

RAW = "星号 * 方括号 [a](b) 脱字 ^[x] 反引号 `code` 反斜杠 \\\\ 结束 **"
RAW_SHOWN = "星号 * 方括号 [a](b) 脱字 ^[x] 反引号 `code` 反斜杠 \\ 结束 **"


def plain_text():
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T" }\n'
            f'local s = "{RAW}"\n'
            'doc:heading{ level = 1, text = "标题 *x* [y]", markup = false }\n'
            'doc:paragraph{ text = s, markup = false }\n'
            'doc:paragraph(report.escape("转义 " .. s))\n'
            'doc:paragraph{ text = "**加粗**", markup = true }\n'
            'doc:table{ rows = { { a = "格*子* [z](u) ^[n]", b = 1 } }, columns = { "a", "b" }, '
            'caption = "题 *注* `c`" }\n'
            'doc:chart{ kind = "bar", rows = { { n = "标*签*", v = 2 }, { n = "[b]^[c]", v = 3 } }, '
            'label = "n", value = "v", caption = "图 `x`" }\n'
            'return doc\n')
    pdf, dl, r = run("plain", text)
    if not check(dl is not None, f"plain text: build failed: {r.stderr.strip()}"):
        return
    got = pdf_text(pdf)
    flat = " ".join(got.split())
    check(flat.count(" ".join(RAW_SHOWN.split())) == 2, f"plain text: {RAW_SHOWN!r} not twice in {flat!r}")
    for want in ("一、标题 *x* [y]", "格*子* [z](u) ^[n]", "题 *注* `c`",
                 "标*签*", "[b]^[c]", "图 `x`"):
        check(" ".join(want.split()) in flat, f"plain text: {want!r} not verbatim in pdftotext: {flat[:400]!r}")
    check("加粗" in flat and "**加粗**" not in flat, "plain text: markup = true still parses markup")
    titles = [o["title"] for o in dl["outlines"]]
    check("一、标题 *x* [y]" in titles, f"plain text: outline titles {titles}")
    texts = dl["pages"][0]["texts"]
    bold = [t for t in texts if t["text"].startswith("加粗")]
    plain = [t for t in texts if t["text"].startswith("星号")]
    # bold is a bold face where the manifest has one, else synthesised
    check(bold and plain and (bold[0]["bold"] == 1 or bold[0]["face"] != plain[0]["face"]),
          f"plain text: markup = true run not bold: {bold} (plain text: {plain[:1]})")
    expect_error("para-key", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:paragraph{ txt = "x" }\nreturn doc\n', r"\.lua:3: ", r"unknown option 'txt'")
    expect_error("para-notext", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:paragraph{ markup = false }\nreturn doc\n', r"\.lua:3: ", r"'text' is missing")
    expect_error("heading-level", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:heading{ level = 7, text = "x" }\nreturn doc\n', r"\.lua:3: ", r"'level'", r"got 7")


# ---- 3. per-series styling, table header colours ------------------------------------

def chart_labels(page):
    """Chart texts, runs that touch on one baseline joined ("545" "件")."""
    out, last = [], None
    for t in page["texts"]:
        if t["role"] != "chart":
            continue
        if last and abs(t["y"] - last["y"]) < 0.01 and abs(t["x"] - last["x"] - last["width"]) < 0.5:
            out[-1] += t["text"]
        else:
            out.append(t["text"])
        last = t
    return out


def chart_series():
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T" }\n'
            'local rows = {}\n'
            'for i = 1, 5 do rows[i] = { y = tostring(2015 + i), n = 500 + i * 9, r = 18.2 + i * 0.55 } end\n'
            'doc:chart{ kind = "barline", rows = rows, label = "y", suffix = "件",\n'
            '  series = { { key = "n", name = "案件数", color = "#2E7D32", decimals = 0 } },\n'
            '  line = { key = "r", name = "增长率", color = "#C62828", decimals = 1, suffix = "%" } }\n'
            'doc:chart{ kind = "line", rows = rows, label = "y", series = {\n'
            '  { key = "n", name = "件", color = "#123456" },\n'
            '  { key = "r", name = "率", color = "#ABCDEF", axis = "right", suffix = "%" } } }\n'
            'return doc\n')
    _, dl, r = run("series", text)
    if not check(dl is not None, f"series: build failed: {r.stderr.strip()}"):
        return
    page = dl["pages"][0]
    bar = dl["charts"][0]
    bars = [m for m in bar["marks"] if m["kind"] == "b"]
    fills = {page["paths"][m["path"]].get("fill_color") for m in bars}
    check(len(bars) == 5 and fills == {"#2e7d32"}, f"series: bar colours {fills}")
    strokes = {p.get("stroke_color") for p in page["paths"] if p["role"] == "rule" and p["stroke"]}
    check("#c62828" in strokes, f"series: no line stroked #c62828: {strokes}")
    labels = chart_labels(page)
    check("545件" in labels and "20.4%" in labels, f"series: labels {labels}")
    check(not any(re.fullmatch(r"5\d\d(\.\d+)?%|\d+\.\d+件", s) for s in labels),
          f"series: a label in the other series' format: {labels}")
    swatches = {p.get("fill_color") for p in page["paths"] if p["role"] == "chart" and p["fill"]}
    check({"#2e7d32", "#c62828"} <= swatches, f"series: legend swatches {swatches}")
    line = dl["charts"][1]
    axes = {(m["series"], m["axis"]) for m in line["marks"]}
    check(axes == {(0, 0), (1, 1)} and line["hi2"] > 0, f"line: series axes {axes}, right axis {line['hi2']}")
    expect_error("series-axis", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:chart{ kind = "bar", rows = {{n="a", v=1}}, label = "n", series = {{ key = "v", axis = "right" }} }\n'
                 'return doc\n', r"\.lua:3: ", r"right axis")
    expect_error("series-color", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:chart{ kind = "bar", rows = {{n="a", v=1}}, label = "n", series = {{ key = "v", color = "red" }} }\n'
                 'return doc\n', r"\.lua:3: ", r"key 'color'", r"'red'")
    expect_error("series-decimals", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:chart{ kind = "bar", rows = {{n="a", v=1}}, label = "n", series = {{ key = "v", decimals = 11 }} }\n'
                 'return doc\n', r"\.lua:3: ", r"key 'decimals'", r"got 11")


def table_header():
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T", theme = { table_header_fill = "#1F4E79", '
            'table_header_color = "#FFFFFF" } }\n'
            'local rows = {{ a = "甲", b = 1 }, { a = "乙", b = 2 }}\n'
            'doc:table{ rows = rows, columns = { "a", "b" } }\n'
            'doc:table{ rows = rows, columns = { "a", "b" }, header_fill = "#EEEEEE", header_color = "#C00000" }\n'
            'doc:table{ rows = rows, columns = { "a", "b" }, rules = "grid" }\n'
            'return doc\n')
    _, dl, r = run("header", text)
    if not check(dl is not None, f"table header: build failed: {r.stderr.strip()}"):
        return
    page = dl["pages"][0]
    cells = [c for c in dl["cells"] if c["kind"] == "h"]
    for table, fill, color in ((1, "#1f4e79", "#ffffff"), (2, "#eeeeee", "#c00000"), (3, "#1f4e79", "#ffffff")):
        boxes = [c["box"] for c in cells if c["table"] == table]
        filled = [p for p in page["paths"] if p["role"] == "table-cell" and p.get("fill_color") == fill
                  and any(all(abs(p["bbox"][k] - b[k]) < 0.01 for k in range(4)) for b in boxes)]
        check(len(boxes) == 2 and len(filled) == 2, f"table {table}: header fill {fill}: {len(filled)} of {len(boxes)}")
        heads = [t for t in page["texts"] if t["role"] == "table-head" and "cell" in t
                 and dl["cells"][t["cell"]]["table"] == table]
        check(heads and all(t["color"] == color for t in heads),
              f"table {table}: header text colours {[t['color'] for t in heads]}, want {color}")
    body = [t for t in page["texts"] if t["role"] == "table-cell"]
    check(body and all(t["color"] == "#000000" for t in body), "table header: body text changed colour")
    expect_error("header-fill", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:table{ rows = {}, columns = {"a"}, header_fill = "#12345" }\nreturn doc\n',
                 r"\.lua:3: ", r"key 'header_fill'", r"'#12345'")


# ---- 4. units ----------------------------------------------------------------------

def units():
    text = ('local report = require "report"\n'
            'local doc = report.document{ title = "T", theme = { margin_left = "25mm", margin_right = "1in", '
            'margin_top = "2.5cm", page_width = "210mm", page_height = "297mm", body_size = "12pt", '
            'para_space = "2mm", indent = "8mm" } }\n'
            'doc:heading(1, "甲")\n'
            'doc:paragraph("正文正文正文。")\n'
            'doc:table{ rows = {{ a = "甲", b = 1 }}, columns = { { key = "a", width = "3cm" }, "b" } }\n'
            'doc:chart{ kind = "bar", rows = {{ n = "a", v = 1 }}, label = "n", value = "v", width = "10cm", '
            'height = "2in" }\n'
            'return doc\n')
    _, dl, r = run("units", text)
    if not check(dl is not None, f"units: build failed: {r.stderr.strip()}"):
        return
    page = dl["pages"][0]
    check(abs(page["width"] - 210 * MM) < 0.01 and abs(page["height"] - 297 * MM) < 0.01,
          f"units: page {page['width']} x {page['height']}")
    heading = next(t for t in page["texts"] if t["role"] == "heading")
    check(abs(heading["x"] - 70.87) < 0.01, f"units: '25mm' margin puts the heading at x = {heading['x']}, want 70.87")
    header = max((t for t in page["texts"] if t["role"] == "header"), key=lambda t: t["x"])
    check(abs(header["x"] + header["width"] - (210 * MM - 72)) < 0.05,
          f"units: '1in' right margin: header ends at {header['x'] + header['width']}")
    rule = [p["bbox"][1] for p in page["paths"] if p["role"] == "rule"]
    check(any(abs(y - (297 * MM - 2.5 * 72 / 2.54 + 10)) < 0.01 for y in rule), f"units: '2.5cm' top: rules {rule}")
    para = next(t for t in page["texts"] if t["role"] == "body")
    check(abs(para["size"] - 12) < 0.01 and abs(para["x"] - (70.87 + 8 * MM)) < 0.05,
          f"units: paragraph size {para['size']} at x {para['x']}, want 12 pt at {70.87 + 8 * MM:.2f}")
    col = next(c for c in dl["cells"] if c["col"] == 0 and c["kind"] == "b")
    check(abs(col["box"][2] - col["box"][0] - 3 * 72 / 2.54) < 0.01, f"units: '3cm' column is {col['box']}")
    text_w, chart_w = 210 * MM - 70.87 - 72, 10 * 72 / 2.54        # the chart is centred
    x0 = 70.87 + (text_w - chart_w) / 2
    plot = dl["charts"][0]["plot"]
    check(x0 - 0.01 <= plot[0] < plot[2] <= x0 + chart_w + 0.01 and plot[2] - plot[0] > chart_w * 0.6,
          f"units: a '10cm' chart from x = {x0:.2f} has its plot at {plot}")
    check(abs(plot[3] - plot[1]) < 144, f"units: a '2in' chart's plot is {plot[3] - plot[1]} pt tall")
    head = 'local report = require "report"\nlocal doc = report.document{ theme = { %s } }\nreturn doc\n'
    expect_error("unit-bad", head % 'margin_top = "25xx"', r"\.lua:2: ", r"theme key 'margin_top'", r"'25xx'")
    expect_error("unit-px", head % 'margin_left = "25 px"', r"theme key 'margin_left'", r"'25 px'")
    expect_error("unit-neg", head % 'page_width = "-210mm"', r"theme key 'page_width'", r"'-210mm'")
    expect_error("unit-small", head % 'margin_top = "5mm"', r"theme key 'margin_top'", r"between 24 and",
                 r"'5mm'")
    expect_error("unit-size", head % 'body_size = "4cm"', r"theme key 'body_size'", r"'4cm'")
    expect_error("unit-indent", head % 'indent = "3ex"', r"theme key 'indent'", r"'3ex'")
    expect_error("unit-column", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:table{ rows = {}, columns = {{ key = "a", width = "2kg" }} }\nreturn doc\n',
                 r"\.lua:3: ", r"key 'width'", r"'2kg'")
    expect_error("unit-chart", 'local report = require "report"\nlocal doc = report.document{}\n'
                 'doc:chart{ rows = {{n="a", v=1}}, label = "n", value = "v", height = "1e3pt" }\nreturn doc\n',
                 r"\.lua:3: ", r"key 'height'", r"'1e3pt'")


body_numbering()
physical_numbering()
default_furniture()
template_errors()
plain_text()
chart_series()
table_header()
units()
sys.exit(finish())

"""Table column widths that never cut a number, and fills under rules,
checked on the display list (--display-list) of tables built from scripts
generated into a temporary folder:

  * an eight-column table on A4 (numbers with %, dates, URLs, long Chinese
    names, long English names, amounts such as US$1,000.50, prose, counts
    in the gb15835 format): every number, date, amount, URL part and Latin
    word stays on one line of its cell, no cell line starts with closing
    punctuation, every run lies inside its cell (so each column is at least
    its min-content), the build is quiet;
  * a table that cannot fit: the build succeeds, stderr has one warning per
    squeezed column naming the table (number, caption, script line) and the
    column, and still no cell line starts with closing punctuation;
  * fills before rules: on every page, a fill (zebra, highlight, header)
    that a rule touches comes before that rule in the page's paint order,
    in the three-line and the grid style, on the pages a long table runs on;
  * the indicators example (facts from out/facts.db): its 指标 column wraps
    to at most four lines, and no column is left wider than its widest line
    while cells of another column wrap.

Run from the repository root; ends with "N passed, N failed, K skipped"."""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402

PAD_X = 4.0
EPS = 0.05
# clreq: no line starts with these (closing punctuation, pause and stop marks, %).
NO_START = set("，。、；：？！）》」』】〕〗”’%％)]}!?,.;:")


def build(script, name="t"):
    """Build a script (text) in a scratch folder: (returncode, stderr, display list)."""
    with tempfile.TemporaryDirectory(prefix="reportc-widths-") as d:
        lua = os.path.join(d, name + ".lua")
        with open(lua, "w", encoding="utf-8") as f:
            f.write(script)
        pdf, dl, r = suite.build(lua, d, name=name)
        return r.returncode, r.stderr, dl


def cell_lines(dl, table=1):
    """{cell index: [line text, ...]} for the table's cells, lines top to
    bottom, each line's runs left to right."""
    runs = {}
    for pi, page in enumerate(dl["pages"]):
        for t in page["texts"]:
            if "cell" in t and dl["cells"][t["cell"]]["table"] == table:
                runs.setdefault(t["cell"], []).append(t)
    out = {}
    for ci, ts in runs.items():
        lines = {}
        for t in ts:
            lines.setdefault(round(t["y"], 1), []).append(t)
        out[ci] = [joined_runs(lines[y]) for y in sorted(lines, reverse=True)]
    return out


def joined_runs(runs):
    """A line's text from its runs, a space where they leave a gap (spaces
    are gaps between runs, not glyphs)."""
    text, end = "", None
    for r in sorted(runs, key=lambda r: r["x"]):
        if end is not None and r["x"] - end > 1.0:
            text += " "
        text += r["text"]
        end = r["x"] + r["width"]
    return text


def line_extents(dl, table=1):
    """{cell index: [(x0, x1) of each line]}."""
    out = {}
    for page in dl["pages"]:
        lines = {}
        for t in page["texts"]:
            if "cell" in t and dl["cells"][t["cell"]]["table"] == table:
                key = (t["cell"], round(t["y"], 1))
                x0, x1 = lines.get(key, (1e9, -1e9))
                lines[key] = (min(x0, t["x"]), max(x1, t["x"] + t["width"]))
        for (ci, _), ext in lines.items():
            out.setdefault(ci, []).append(ext)
    return out


# ---- the eight-column table -------------------------------------------------------------

CN_NAMES = ["中国—东盟信息港数字经济产业联盟", "新加坡网络安全局", "马来西亚国家网络安全局",
            "东盟-日本网络安全能力建设中心", "越南信息安全协会（VNISA）", "菲律宾信息通信技术部",
            "泰国国家网络安全委员会办公室", "印度尼西亚国家网络与密码局", "柬埔寨邮电部",
            "老挝国家互联网中心", "缅甸交通与通信部", "文莱网络安全中心"]
EN_NAMES = ["Cyber Security Agency of Singapore", "National Cyber Security Agency Malaysia",
            "ASEAN-Japan Cybersecurity Capacity Building Centre",
            "Vietnam Information Security Association", "Department of Information and "
            "Computer Technology", "National Cyber Security Committee Thailand",
            "Badan Siber dan Sandi Negara", "Ministry of Posts and Telecoms",
            "Lao National Internet Center", "Ministry of Transport and Transit",
            "Brunei Cyber Security Centre", "Philippine Computer Emergency Response Team"]
# A URL is one token until URLs may break inside (after / . - ? & =): short
# enough that eight columns fit at min-content either way.
URLS = ["https://csa.sg/", "https://nacsa.my/", "https://ajccbc.jp/", "https://vnisa.vn/",
        "https://dict.ph/", "https://ncsa.th/", "https://bssn.id/", "https://mptc.kh/",
        "https://lao.la/", "https://motc.mm/", "https://bn.bn/", "https://ph.ph/?a=1"]
PROSE = ["合作机制已经建立，并定期举行部长级会议（每年一次）。", "覆盖东盟十国，重点在能力建设。",
         "培训人数逐年增长，2019 年超过 1,000 人。", "尚未公布完整数据（见附注）。"]


def rows_lua():
    rows = []
    for i in range(12):
        rows.append('{ cn = "%s", en = "%s", share = %s, date = "%s", url = "%s", amount = %s, '
                    'note = "%s", count = %d }' % (
                        CN_NAMES[i], EN_NAMES[i], repr(0.05 + i * 0.0731), "20%02d-%02d-%02d" % (
                            10 + i, 1 + i % 12, 1 + (i * 7) % 28), URLS[i],
                        repr(1000.5 + i * 81234.567), PROSE[i % len(PROSE)], 999 + i * 1371))
    return ",\n    ".join(rows)


EIGHT = """local report = require "report"
local doc = report.document{ title = "八栏表" }
local function usd(v) return "US$" .. report.format(v, "thousands:2") end
doc:table{
  rows = {
    %s
  },
  columns = {
    { key = "cn", title = "机构" },
    { key = "en", title = "English name" },
    { key = "share", title = "占比", format = "percent:1" },
    { key = "date", title = "日期" },
    { key = "url", title = "网址" },
    { key = "amount", title = "金额", format = function(v) return usd(v) end, align = "right" },
    { key = "note", title = "说明" },
    { key = "count", title = "人数", format = "gb15835" },
  },
  caption = "八栏表",
  zebra = true,
  highlight = function(r) return r.count > 5000 end,
}
return doc
""" % rows_lua()

TOKENS = [r"US\$[\d,]+\.\d\d", r"\d+(?:\.\d+)?%", r"\d{4}-\d\d-\d\d", r"\d{1,3}(?:,\d{3})+", r"\d+",
          r"[A-Za-z][A-Za-z-]*"]


def url_parts(url):
    """The pieces of a URL between the points where it may break."""
    return [p for p in re.split(r"(?<=[/.\-?&=])", url) if p]


def whole_tokens(text):
    """What must not be cut: numbers with % or separators, dates, amounts,
    Latin words, URL parts."""
    out = []
    for url in re.findall(r"https?://\S+", text):
        out += url_parts(url)
        text = text.replace(url, " ")
    for pat in TOKENS:
        for tok in re.findall(pat, text):
            out.append(tok)
        text = re.sub(pat, " ", text)
    return out


def check_cells(dl, label, sources=None):
    """No cell line starts with closing punctuation, every line lies inside
    its cell; with `sources` ({(kind, row, col): the cell's text}, None for
    a formatted value, which is one token), no token of a cell is cut."""
    lines = cell_lines(dl)
    cells = dl["cells"]
    starts, cut, outside = [], [], []
    for ci, ls in lines.items():
        c = cells[ci]
        for i, line in enumerate(ls):
            if i > 0 and line and line[0] in NO_START:
                starts.append(line)
        key = (c["kind"], c["row"], c["col"])
        if sources is None or key not in sources or c["part"] > 0:
            continue
        source = sources[key]
        tokens = whole_tokens(source) if source is not None else ["".join(ls)]
        flat = [line.replace(" ", "") for line in ls]
        for tok in tokens:
            if not any(tok.replace(" ", "") in line for line in flat):
                cut.append((key, tok, ls))
    for ci, exts in line_extents(dl).items():
        box = cells[ci]["box"]
        for x0, x1 in exts:
            if x0 < box[0] - EPS or x1 > box[2] + EPS:
                outside.append((cells[ci]["row"], cells[ci]["col"], x0, x1, box))
    check(not starts, f"{label}: cell lines start with closing punctuation: {starts[:5]}")
    if sources is not None:
        check(not cut, f"{label}: tokens cut across lines: {cut[:5]}")
    check(not outside, f"{label}: text outside its cell (a column below its min-content): {outside[:5]}")


def eight_sources():
    """What each cell of the eight-column table holds: titles, texts, and
    None for the values reportc formats (each a single token)."""
    titles = ["机构", "English name", "占比", "日期", "网址", "金额", "说明", "人数"]
    out = {("h", 0, c): t for c, t in enumerate(titles)}
    for i in range(12):
        texts = [CN_NAMES[i], EN_NAMES[i], None, "20%02d-%02d-%02d" % (10 + i, 1 + i % 12, 1 + (i * 7) % 28),
                 URLS[i], None, PROSE[i % len(PROSE)], None]
        out.update({("b", i, c): t for c, t in enumerate(texts)})
    return out


def test_eight_columns():
    rc, err, dl = build(EIGHT)
    if not check(dl is not None, f"eight columns: the build fails: {err.strip()[-300:]}"):
        return
    check("warning" not in err, f"eight columns: the table fits, yet the build warns: {err.strip()}")
    cols = {c["col"] for c in dl["cells"] if c["kind"] == "b"}
    check(cols == set(range(8)), f"eight columns: body columns {sorted(cols)}")
    pages = {c["page"] for c in dl["cells"]}
    check(dl["pages"][0]["width"] < 596, "eight columns: on A4")
    check_cells(dl, "eight columns", eight_sources())
    # the long prose and name columns wrap while the numbers stay on one line
    lines = cell_lines(dl)
    wrapped = {dl["cells"][ci]["col"] for ci, ls in lines.items() if len(ls) > 1}
    check(wrapped & {0, 1, 6}, f"eight columns: some prose column wraps (a tight table): {wrapped}")
    check(not wrapped & {2, 3, 5, 7}, f"eight columns: number columns wrap: {sorted(wrapped)}")
    counts = [ls[0] for ci, ls in lines.items()
              if dl["cells"][ci]["col"] == 7 and dl["cells"][ci]["kind"] == "b"]
    check("999" in counts and "9,225" not in counts and "9225" in counts and "11,967" in counts,
          f"eight columns: gb15835 groups five digits and more only: {counts}")
    print(f"INFO eight columns: {len(pages)} page(s), wrapped columns {sorted(wrapped)}")


def test_cannot_fit():
    cols = ", ".join('{ key = "c%d", title = "第%d栏" }' % (i, i) for i in range(9))
    row = ", ".join('c%d = "https://www.very-long-domain-name-%d.example.org/path/%d?x=1，12.5%%）"'
                    % (i, i, i) for i in range(9))
    script = ('local report = require "report"\nlocal doc = report.document{ title = "挤" }\n'
              'doc:table{\n  rows = { { %s }, { %s } },\n  columns = { %s },\n  caption = "挤不下的表",\n}\n'
              'return doc\n') % (row, row, cols)
    rc, err, dl = build(script, name="squeeze")
    if not check(rc == 0 and dl is not None, f"cannot fit: the build succeeds anyway: {err.strip()[-300:]}"):
        return
    warns = [l for l in err.splitlines() if "warning" in l]
    check(len(warns) == 9, f"cannot fit: one warning per squeezed column, got {len(warns)}: {err[:400]}")
    check(warns and all("squeeze.lua:3" in w and "table 1" in w and "挤不下的表" in w for w in warns),
          f"cannot fit: the warning names the script line, the table and its caption: {warns[:1]}")
    check(any("column 3 (第2栏)" in w for w in warns), f"cannot fit: the warning names the column: {warns[:3]}")
    check_cells(dl, "cannot fit")
    urls = [ls for ci, ls in cell_lines(dl).items() if dl["cells"][ci]["kind"] == "b"]
    check(all(len(ls) > 1 for ls in urls), "cannot fit: every URL is broken (the columns are narrower)")


# ---- fills before rules -------------------------------------------------------------------

def touches(rule, fill):
    """Does the rule's stroke overlap the filled rectangle?"""
    half = rule.get("line_width", 0) / 2
    r, f = rule["bbox"], fill["bbox"]
    return (r[0] - half < f[2] - EPS and r[2] + half > f[0] + EPS
            and r[1] - half < f[3] - EPS and r[3] + half > f[1] + EPS)


def fills_before_rules(dl, label):
    bad, pairs = [], 0
    for pi, page in enumerate(dl["pages"]):
        paths = page["paths"]
        fills = [(i, p) for i, p in enumerate(paths) if p["fill"] and p["role"] == "table-cell"]
        rules = [(i, p) for i, p in enumerate(paths) if p["role"] == "rule"]
        for fi, f in fills:
            for ri, r in rules:
                if touches(r, f):
                    pairs += 1
                    if ri < fi:
                        bad.append((pi, fi, ri, f["bbox"], r["bbox"]))
    check(pairs > 0, f"{label}: some rule touches a fill (the test tests something)")
    check(not bad, f"{label}: {len(bad)} fills painted after a rule they touch: {bad[:3]}")
    return pairs


def test_fills_before_rules():
    for rules in ("three-line", "grid"):
        script = """local report = require "report"
local doc = report.document{ title = "底色与线" }
local rows = {}
for i = 1, 90 do rows[i] = { name = "第 " .. i .. " 行", v = i * 37.5 } end
doc:table{
  rows = rows,
  columns = { { key = "name", title = "名称" }, { key = "v", title = "数值", format = "fixed:1" } },
  caption = "底色与线", zebra = true, header_fill = "#dddddd", rules = "%s",
  highlight = function(r) return r.v %% 75 == 0 or r.name == "第 1 行" end,
  total = { label = "合计", sum = { "v" } },
}
return doc
""" % rules
        rc, err, dl = build(script, name="fills")
        if not check(dl is not None, f"fills ({rules}): the build fails: {err.strip()[-300:]}"):
            continue
        pages = {c["page"] for c in dl["cells"]}
        check(len(pages) > 1, f"fills ({rules}): the table runs over pages ({len(pages)})")
        pairs = fills_before_rules(dl, f"fills ({rules})")
        print(f"INFO fills ({rules}): {pairs} fill/rule pairs on {len(pages)} pages")


# ---- the indicators example -------------------------------------------------------------------

def test_indicators():
    if not os.path.exists("out/facts.db"):
        check(False, "out/facts.db is missing (make builds it)")
        return
    with tempfile.TemporaryDirectory(prefix="reportc-widths-") as d:
        pdf, dl, r = suite.build("scripts/indicators_brief.lua", d, name="ind")
    if not check(dl is not None, f"indicators: the build fails: {r.stderr.strip()[-300:]}"):
        return
    cells = dl["cells"]
    head = {cells[ci]["col"]: ls for ci, ls in cell_lines(dl).items()
            if cells[ci]["kind"] == "h" and cells[ci]["colspan"] == 1}
    metric = [c for c, ls in head.items() if "".join(ls) == "指标"]
    if not check(metric, f"indicators: a 指标 column in the header {head}"):
        return
    lines = cell_lines(dl)
    most = max(len(ls) for ci, ls in lines.items()
               if cells[ci]["col"] == metric[0] and cells[ci]["kind"] == "b")
    check(most <= 4, f"indicators: the 指标 column wraps to {most} lines")
    block, width = {}, {}     # each column's lines together (numbers line up as a block)
    for ci, exts in line_extents(dl).items():
        c = cells[ci]
        if c["colspan"] != 1:
            continue
        width[c["col"]] = c["box"][2] - c["box"][0]
        x0, x1 = block.get(c["col"], (1e9, -1e9))
        block[c["col"]] = (min([x0] + [e[0] for e in exts]), max([x1] + [e[1] for e in exts]))
    wrapping = {cells[ci]["col"] for ci, ls in lines.items() if cells[ci]["kind"] == "b" and len(ls) > 1}
    slack = {c: round(width[c] - 2 * PAD_X - (block[c][1] - block[c][0]), 1)
             for c in width if c not in wrapping}
    check(wrapping and all(s < 3 for s in slack.values()),
          f"indicators: columns {sorted(wrapping)} wrap, yet others keep room beyond their widest "
          f"line: {slack}")
    print(f"INFO indicators: 指标 at most {most} lines; room beyond the widest line per column {slack}")


test_eight_columns()
test_cannot_fit()
test_fills_before_rules()
test_indicators()
sys.exit(finish())

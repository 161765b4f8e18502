"""Pages written as layout finishes them (issue 12, item 4).

* The same document built with --display-list (every page kept) and
  without (each page written and freed as it is finished) gives the same
  PDF, byte for byte: the writer does not depend on pages being held.
* The PDF says what it should: qpdf --check clean, every font embedded,
  subset and with ToUnicode, "第 N 页 / 共 M 页" with the right M on the
  first and the last numbered page (body and physical numbering), the
  contents page's numbers those of the pages its headings are on, and its
  links to those pages (a link to a page not written yet).
* Memory is bounded by a page: a 3,000-page document's peak RSS grows
  over a 300-page one's by the paragraphs' text the document holds (its
  input, 2,700 bytes a paragraph), the shape cache (at most 1 MB) and
  less than 1 KB a page more (4 KB
  under AddressSanitizer, whose redzones it counts; holding
  pages cost about 55 KB a page, libharu's page objects about 3 KB).  Not
  a timing; /usr/bin/time -f %M.
* The 3,000-page document's /Pages tree is balanced: no node has more
  than 32 kids, every kid names its node as /Parent, each /Count is the
  pages under it, every page at the same depth; qpdf --check is clean.
* Nothing is left in the output's folder but the PDF (the scratch files
  of the PDF's index are unlinked).

Run from the repository root; ends with "N passed, N failed"."""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import REPORTC, check, finish  # noqa: E402

DB = None

DOC = r'''
local report = require "report"
local chapters = report.param("chapters", 12)
local doc = report.document{ title = "分页写出", header = "分页写出测试"%s }
doc:cover{ title = "分页写出", subtitle = "测试" }
doc:toc()
local text = string.rep("东盟国家在网络安全领域的合作不断深化，各国陆续发布国家战略并设立专门机构。"
  .. "Members share incident data (CERT). ", 5)
for c = 1, chapters do
  doc:heading(1, "第" .. c .. "章")
  for k = 1, 3 do doc:paragraph(text) end
  doc:heading(2, "数据" .. c)
  local rows = {}
  for i = 1, 40 do rows[i] = { n = i, v = string.format("%%.1f", i * c / 3) } end
  doc:table{ rows = rows, columns = { { key = "n", title = "序号" },
                                      { key = "v", title = "数值", align = "right" } } }
end
return doc
'''

SENTENCE, REPEAT = "东盟国家在网络安全领域的合作不断深化，各国陆续发布国家战略。", 30
LONG = r'''
local report = require "report"
local n = report.param("n", 100)
local doc = report.document{ title = "长文" }
local text = string.rep("%s", %d)
for p = 1, n do
  if p %% 20 == 1 then doc:heading(1, "第" .. p .. "节") end
  doc:paragraph(text)
end
return doc
'''


def run(args, **kw):
    return subprocess.run([REPORTC] + args, capture_output=True, text=True, **kw)


def pages_of(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else 0


def page_text(pdf, i):
    """Page i (from 1) as text, spaces dropped (CJK runs come out spaced)."""
    r = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", pdf, "-"],
                       capture_output=True, text=True)
    return re.sub(r"\s+", "", r.stdout), r.stderr


def links(pdf):
    """(page, target page) of every internal link, pages from 0."""
    j = json.loads(subprocess.run(["qpdf", "--json=2", pdf], capture_output=True, text=True).stdout)
    objs = j["qpdf"][1]
    pages = [p["object"] for p in j["pages"]]
    index = {ref: i for i, ref in enumerate(pages)}

    def deref(v):
        return objs["obj:" + v]["value"] if isinstance(v, str) else v
    out = []
    for i, ref in enumerate(pages):
        for a in deref(deref(ref).get("/Annots", [])):
            dest = deref(deref(a).get("/Dest"))
            if dest:
                out.append((i, index.get(dest[0])))
    return out


def test_same_pdf_kept_or_not(d, script):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    a, b = os.path.join(d, "streamed.pdf"), os.path.join(d, "kept.pdf")
    r1 = run(["build", script, "--db", DB, "-o", a], env=env)
    r2 = run(["build", script, "--db", DB, "-o", b, "--display-list", os.path.join(d, "kept.json")],
             env=env)
    if not check(r1.returncode == 0 and r2.returncode == 0, f"builds: {r1.stderr}{r2.stderr}"):
        return None
    with open(a, "rb") as fa, open(b, "rb") as fb:
        check(fa.read() == fb.read(), "the PDF written page by page differs from the one with every page kept")
    left = sorted(f for f in os.listdir(d) if f.startswith("streamed") or ".tmp" in f)
    check(left == ["streamed.pdf"], f"files left beside the output: {left}")
    return a


def test_says_what_it_should(pdf):
    q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
    check(q.returncode == 0 and "No syntax or stream encoding errors" in q.stdout,
          f"qpdf --check: {q.stdout[-300:]}{q.stderr[-300:]}")
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout.splitlines()[2:]
    check(len(fonts) >= 2, f"pdffonts lists {len(fonts)} fonts")
    for line in fonts:
        check(re.search(r"yes\s+yes\s+yes\s+\d+\s+\d+\s*$", line), f"font not embedded, subset, with ToUnicode: {line}")
    n = pages_of(pdf)
    check(n > 10, f"the document has {n} pages")
    # Cover (封面), contents (i), then body pages 1..n-2.
    first, err = page_text(pdf, 3)
    last, _ = page_text(pdf, n)
    check(err == "", f"pdftotext warns: {err[:200]}")
    check(f"第1页/共{n - 2}页" in first, f"first body page: no 第1页/共{n - 2}页 in {first[-60:]!r}")
    check(f"第{n - 2}页/共{n - 2}页" in last, f"last page: no 第{n - 2}页/共{n - 2}页 in {last[-60:]!r}")
    cover, _ = page_text(pdf, 1)
    check("共" not in cover, "the cover has a footer")
    # Contents: each chapter's number is the body page its heading is on.
    toc, _ = page_text(pdf, 2)
    entries = re.findall(r"第(\d+)章\.*(\d+)", toc)
    check(len(entries) >= 10, f"contents entries: {entries}")
    where = {}
    for i in range(3, n + 1):
        t, _ = page_text(pdf, i)
        for c in re.findall(r"第(\d+)章", t):
            where.setdefault(c, i - 2)
    for c, number in entries:
        check(where.get(c) == int(number), f"contents: 第{c}章 on page {number}, its heading on {where.get(c)}")
    targets = [t for p, t in links(pdf) if p == 1]
    check(len(targets) >= len(entries) and all(t is not None and t >= 2 for t in targets),
          f"contents links: {targets}")
    check(sorted(targets) == targets, f"contents links out of order: {targets}")
    missing = [c for c, _ in entries if where.get(c) + 1 not in targets]
    check(not missing, f"no contents link to the pages of chapters {missing}: {targets}")


def test_physical(d):
    script = os.path.join(d, "physical.lua")
    with open(script, "w") as f:
        f.write(DOC % ', page = { numbering = "physical" }')
    pdf = os.path.join(d, "physical.pdf")
    r = run(["build", script, "--db", DB, "-o", pdf])
    if not check(r.returncode == 0, f"physical numbering: {r.stderr}"):
        return
    n = pages_of(pdf)
    second, _ = page_text(pdf, 2)
    last, _ = page_text(pdf, n)
    check(f"第2页/共{n}页" in second, f"physical: no 第2页/共{n}页 on page 2: {second[-60:]!r}")
    check(f"第{n}页/共{n}页" in last, f"physical: no 第{n}页/共{n}页 on the last page: {last[-60:]!r}")


def peak_kb(script, d, n):
    pdf = os.path.join(d, f"long{n}.pdf")
    # Under AddressSanitizer (make check-asan) freed memory waits in a
    # quarantine of up to 256 MB, which would be counted as held.
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = dict(os.environ, ASAN_OPTIONS=(asan + ":" if asan else "")
               + "quarantine_size_mb=0:thread_local_quarantine_size_kb=0")
    r = subprocess.run(["/usr/bin/time", "-f", "%M", REPORTC, "build", script, "--db", DB, "-o", pdf,
                        "-D", f"n={n}", "--time-limit", "600"], capture_output=True, text=True, env=env)
    if not check(r.returncode == 0, f"long document, n={n}: {r.stderr[-300:]}"):
        return None, 0
    return int(r.stderr.strip().splitlines()[-1]), pages_of(pdf)


def check_page_tree(pdf):
    q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
    check(q.returncode == 0 and "No syntax or stream encoding errors" in q.stdout,
          f"qpdf --check: {q.stdout[-300:]}{q.stderr[-300:]}")
    j = json.loads(subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", pdf],
                                  capture_output=True, text=True).stdout)
    objs = {k[4:]: v.get("value") for k, v in j["qpdf"][1].items() if k.startswith("obj:")}
    root = [k for k, v in objs.items() if isinstance(v, dict) and v.get("/Type") == "/Catalog"]
    if not check(len(root) == 1, f"{len(root)} catalogs"):
        return
    problems, depths, pages = [], set(), []

    def walk(ref, parent, depth):
        node = objs.get(ref)
        if node.get("/Parent") != parent:
            problems.append(f"{ref}: /Parent {node.get('/Parent')}, not {parent}")
        if node.get("/Type") == "/Page":
            depths.add(depth)
            pages.append(ref)
            return 1
        kids = node.get("/Kids", [])
        if not 1 <= len(kids) <= 32:
            problems.append(f"{ref}: {len(kids)} kids")
        under = sum(walk(k, ref, depth + 1) for k in kids)
        if node.get("/Count") != under:
            problems.append(f"{ref}: /Count {node.get('/Count')}, {under} pages under it")
        return under

    top = objs[root[0]]["/Pages"]
    walk(top, None, 0)
    check(not problems, f"page tree: {problems[:5]}")
    check(len(depths) == 1 and min(depths) >= 3, f"pages at depths {sorted(depths)}")
    check(len(pages) == pages_of(pdf) and len(set(pages)) == len(pages),
          f"the tree has {len(pages)} pages ({len(set(pages))} distinct), pdfinfo {pages_of(pdf)}")


def test_memory(d):
    script = os.path.join(d, "long.lua")
    with open(script, "w") as f:
        f.write(LONG % (SENTENCE, REPEAT))
    small, p1 = peak_kb(script, d, 500)
    big, p2 = peak_kb(script, d, 5000)
    if small is None or big is None:
        return
    check(p2 > 2500, f"the long document has {p2} pages")
    text_kb = (5000 - 500) * len((SENTENCE * REPEAT).encode()) / 1024
    # The shape cache (src/font/shape.h, SHAPE_CACHE_BYTES) fills up to
    # 1 MB over the long document: bounded, not per page.
    cache_kb = 1024
    per_page = (big - small - text_kb - cache_kb) / max(p2 - p1, 1)
    check_page_tree(os.path.join(d, "long5000.pdf"))
    # AddressSanitizer's redzones (make check-asan) add about 1.5 KB a page
    # of paragraphs' allocations.
    bound = 4 if os.environ.get("ASAN_OPTIONS") else 1
    check(per_page < bound, f"peak memory grows {per_page:.1f} KB a page beyond the paragraphs' text "
          f"and the shape cache "
          f"({p1} pages: {small} KB, {p2} pages: {big} KB, of which {text_kb:.0f} KB text)")
    print(f"INFO peak RSS: {p1} pages {small / 1024:.1f} MB, {p2} pages {big / 1024:.1f} MB "
          f"({per_page:.2f} KB a page beyond the paragraphs' text and the shape cache)")


def main():
    global DB
    with tempfile.TemporaryDirectory() as d:
        DB = os.path.join(d, "facts.db")
        import sqlite3
        sqlite3.connect(DB).close()
        script = os.path.join(d, "doc.lua")
        with open(script, "w") as f:
            f.write(DOC % "")
        pdf = test_same_pdf_kept_or_not(d, script)
        if pdf:
            test_says_what_it_should(pdf)
        test_physical(d)
        test_memory(d)
    return finish()


if __name__ == "__main__":
    sys.exit(main())

"""Floats (issue 11): a chart, image or table that does not fit in the room
left on its page waits for the next page while the paragraphs after it
fill that room.  On the display list of documents built in a temporary
folder:

* A chart that does not fit leaves no gap larger than two body lines
  between the last line on its page and the bottom margin (or the top of
  the footnotes); it is set at the top of the next page, and the paragraph
  after it starts on the first page.  With float = false the chart moves
  and the gap stays (the old behaviour), so the measure can fail.
* Several floats deferred in a row keep their order: a later, smaller one
  that would fit does not overtake; 图 N and 表 N run in reading order, each
  caption with its own figure; a figure that does not float sets the
  waiting ones first.
* Headings (level 1 and 2) do not set the waiting floats before them: the
  text under them fills the page; a page break does set them.
* Headings keep two lines of text under them, also on a page that waiting
  floats start.
* A float larger than a page is still set without looping: a table of
  more rows than a page splits where it comes, an image taller than a page
  is shrunk to 0.8 of a page and set at the top of the next, a chart taller
  than a page is refused as before.
* The end of the document sets the floats still waiting.

Run from the repository root; ends with "N passed, N failed"."""

import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import lua_string, check, finish  # noqa: E402

SIZE, LEADING, MARGIN = 10.5, 1.75, 72.0
LINE = SIZE * LEADING
# The part of a body line's box below its baseline (layout_baseline).
BELOW = LINE - ((LINE - SIZE) / 2 + SIZE * 0.88)
TOP = 841.89 - MARGIN
TEXT_WIDTH = 595.28 - 2 * MARGIN
CHARS_PER_LINE = int(TEXT_WIDTH // SIZE)


def para(tag, lines, note=None):
    """A paragraph of `lines` lines starting with its tag (甲1, 乙2...)."""
    text = tag + "文" * (CHARS_PER_LINE * lines - len(tag) - 6)
    if note:
        text = text[:20] + "^[" + note + "]" + text[20:]
    return f"doc:paragraph({lua_string(text)})"


def chart(caption, height, *opts):
    extra = "".join(", " + o for o in opts)
    return ('doc:chart{ kind = "bar", rows = { { k = "一", v = 3 }, { k = "二", v = 5 } }, '
            f'label = "k", value = "v", height = {height}, caption = {lua_string(caption)}{extra} }}')


def table(caption, rows, *opts):
    extra = "".join(", " + o for o in opts)
    body = ", ".join(f'{{ a = "行{i}", b = {i} }}' for i in range(1, rows + 1))
    return (f'doc:table{{ rows = {{ {body} }}, columns = {{ "a", "b" }}, '
            f'caption = {lua_string(caption)}{extra} }}')


def build(d, name, blocks, expect_ok=True):
    path = os.path.join(d, name + ".lua")
    with open(path, "w", encoding="utf-8") as f:
        f.write('local report = require "report"\n'
                'local doc = report.document{ title = "t", theme = { indent = 0, '
                f'margin_left = {MARGIN}, margin_right = {MARGIN}, margin_top = {MARGIN}, '
                f'margin_bottom = {MARGIN} }} }}\n')
        f.write("\n".join(blocks) + "\nreturn doc\n")
    js = os.path.join(d, name + ".json")
    try:   # a float that never finds its page must not hang the suite
        r = subprocess.run([suite.REPORTC, "build", path, "-o", os.path.join(d, name + ".pdf"),
                            "--display-list", js], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        check(False, f"{name}: the build did not end in 60 s")
        return None, None
    dl = None
    if r.returncode == 0:
        with open(js) as f:
            dl = json.load(f)
    if expect_ok:
        check(dl is not None, f"{name}: {r.stderr.strip()}")
    return dl, r


def lines(page, roles):
    """(top y, text) of each laid-out line of the given roles, top first."""
    by_line = {}
    for t in page["texts"]:
        if t["role"] in roles:
            by_line.setdefault((t["role"], t["line"]), []).append(t)
    out = []
    for runs in by_line.values():
        runs.sort(key=lambda t: t["x"])
        out.append((max(t["y"] for t in runs), "".join(t["text"] for t in runs)))
    return sorted(out, key=lambda x: -x[0])


def note_rule_y(page):
    """The y of the short rule over the footnotes, or None."""
    for p in page["paths"]:
        x0, y0, x1, y1 = p["bbox"]
        if p["role"] == "rule" and abs(x0 - MARGIN) < 0.5 and abs((x1 - x0) - TEXT_WIDTH * 0.25) < 0.5:
            return y0
    return None


def gap_at_foot(page):
    """Room left between the last thing on the page and the bottom margin or
    the footnotes (the line box of the last body line, charts' paths,
    captions)."""
    rule = note_rule_y(page)
    limit = MARGIN if rule is None else rule + 4.0     # the rule sits 4 pt under the body's end
    lows = []
    for t in page["texts"]:
        if t["role"] in ("header", "footer"):
            continue
        if t["role"] == "note" and rule is not None and t["y"] < rule:
            continue
        lows.append(t["y"] - (BELOW if t["role"] == "body" else 0))
    for p in page["paths"]:
        if p["role"] == "chart":
            lows.append(p["bbox"][1])
    return min(lows) - limit


def chart_pages(dl):
    return {c["number"]: c["page"] for c in dl["charts"]}


def chart_top(dl, page_index):
    page = dl["pages"][page_index]
    return max((p["bbox"][3] for p in page["paths"] if p["role"] == "chart"), default=None)


def page_text(page):
    return "".join(t["text"] for t in page["texts"] if t["role"] == "body")


def reading_captions(dl):
    return [text.replace(" ", "").replace("\u3000", "") for page in dl["pages"]
            for _, text in lines(page, ("caption",))]


# Five five-line paragraphs fill about 0.7 of a page: a chart 300 pt tall
# does not fit under them.
FILL = [para(f"前{i}", 5) for i in range(5)]
AFTER = [para(f"后{i}", 6) for i in range(6)]


def check_gap(d):
    for name, opts, want_filled in (("float", (), True), ("float_default", None, True),
                                    ("fixed", ("float = false",), False)):
        blocks = FILL + [chart("甲图", 300, *(opts or ()))] + AFTER
        dl, _ = build(d, "gap_" + name, blocks)
        if dl is None:
            continue
        pages = chart_pages(dl)
        check(pages.get(1) == 1, f"{name}: the chart is on page {pages.get(1)}, want the second")
        gap = gap_at_foot(dl["pages"][0])
        filled = gap <= 2 * LINE + 0.5
        check(filled == want_filled,
              f"{name}: {gap:.1f} pt left at the foot of page 1 (two lines: {2 * LINE:.1f})")
        after_on_1 = "后0" in page_text(dl["pages"][0])
        check(after_on_1 == want_filled,
              f"{name}: the paragraph after the chart {'is' if after_on_1 else 'is not'} on page 1")
        if want_filled:
            top = chart_top(dl, 1)
            check(top is not None and top > TOP - 2 * LINE,
                  f"{name}: the chart is not at the top of page 2 (its top at {top})")
            body = lines(dl["pages"][1], ("body",))
            check(all(y < top for y, _ in body), f"{name}: text above the waiting chart on page 2")


def check_notes_gap(d):
    """The same with footnotes at the foot of page 1: the gap is measured to
    the notes."""
    fill = [para(f"前{i}", 6, note=f"注释{i}，" + "注" * 30) for i in range(7)]
    dl, _ = build(d, "gap_notes", fill + [chart("甲图", 300)] + AFTER)
    if dl is None:
        return
    page = dl["pages"][0]
    check(note_rule_y(page) is not None, "gap_notes: no footnotes at the foot of page 1")
    gap = gap_at_foot(page)
    check(gap <= 2 * LINE + 0.5, f"gap_notes: {gap:.1f} pt left above the footnotes of page 1")
    check(chart_pages(dl).get(1) == 1, "gap_notes: the chart is not on page 2")


def check_order(d):
    blocks = FILL + [chart("甲图", 300), chart("乙图", 80), table("丙表", 3, "float = true"),
                     chart("丁图", 90)] + AFTER + [para(f"末{i}", 6) for i in range(20)]
    dl, _ = build(d, "order", blocks)
    if dl is None:
        return
    pages = chart_pages(dl)
    check(pages.get(1) == 1 and pages.get(2) == 1,
          f"order: 图 1 and 图 2 on pages {pages.get(1)}, {pages.get(2)}; want both on page 2 "
          "(the small one waits behind the first)")
    caps = reading_captions(dl)
    want = ["图1甲图", "图2乙图", "表1丙表", "图3丁图"]
    check(caps == want, f"order: captions in reading order {caps}, want {want}")
    # each caption under its own chart: chart N's plot above caption N
    for c in dl["charts"]:
        page = dl["pages"][c["page"]]
        cap = [y for y, text in lines(page, ("caption",)) if text.replace(" ", "").startswith(f"图{c['number']}")]
        check(cap and cap[0] < c["plot"][1],
              f"order: caption of 图 {c['number']} is not under its chart")
    check("后0" in page_text(dl["pages"][0]), "order: page 1 is not filled by the text after")
    # a figure that does not float sets the waiting ones first
    blocks = FILL + [chart("甲图", 300), para("中", 2), chart("乙图", 80, "float = false")] + AFTER
    dl, _ = build(d, "order_fixed", blocks)
    if dl is not None:
        caps = reading_captions(dl)
        check(caps == ["图1甲图", "图2乙图"], f"order_fixed: captions {caps}")
        check(dl["charts"][0]["number"] == 1 and chart_pages(dl).get(2, -1) >= chart_pages(dl).get(1, 99),
              f"order_fixed: charts {chart_pages(dl)}")


def check_headings(d):
    """Headings are not barriers: the text under them fills the page the
    chart left, and the chart opens the next page.  A page break is one."""
    for what, block, barrier in (("heading1", 'doc:heading(1, "下一节")', False),
                                 ("heading2", 'doc:heading(2, "下一节")', False),
                                 ("pagebreak", 'doc:pagebreak()\ndoc:heading(2, "下一节")', True)):
        blocks = FILL + [chart("甲图", 300), block] + AFTER
        dl, _ = build(d, what, blocks)
        if dl is None:
            continue
        cpage = chart_pages(dl).get(1)
        hpage = next((i for i, p in enumerate(dl["pages"])
                      if any("下一节" in text for _, text in lines(p, ("heading",)))), None)
        if barrier:
            check(cpage is not None and hpage is not None and cpage < hpage,
                  f"{what}: the waiting chart (page {cpage}) is not set before the page break "
                  f"(heading on page {hpage})")
        else:
            check(hpage == 0 and cpage == 1,
                  f"{what}: heading on page {hpage}, chart on {cpage}: want 1 and 2")


def check_heading_chain(d):
    """A level-1 heading right over a level-2 one: the two and two lines
    of text share a page, wherever the page ends (the filler moves the pair
    over the foot of page 1 line by line)."""
    moved = 0
    for n in range(30, 46):
        dl, _ = build(d, f"chain{n}", [para("前", n), 'doc:heading(1, "章")', 'doc:heading(2, "节")',
                                       para("后", 4)])
        if dl is None:
            continue
        for pi, page in enumerate(dl["pages"]):
            text_lines = [text for _, text in lines(page, ("heading", "body"))]
            for k, text in enumerate(text_lines):
                if text.endswith("章"):
                    moved += pi > 0
                    check(k + 3 < len(text_lines) and text_lines[k + 1].endswith("节"),
                          f"chain{n}: '章' on page {pi + 1} without '节' and two lines under it: "
                          f"{text_lines[k:k + 4]}")
    check(moved > 0, "chain: no filler length moved the headings to page 2 (the test shows nothing)")


def check_keep_with_next(d):
    """Level-2 headings among many floats: none is the last line of its
    page, also when floats set at the top of a page leave little room."""
    heights = [250, 120, 300, 90, 200, 160, 280, 110, 230, 140, 260, 100]
    blocks = []
    for i, h in enumerate(heights):
        blocks += [f'doc:heading(2, "节{i}")', para(f"段{i}", 2 + i % 4), chart(f"图{i}", h),
                   para(f"续{i}", 1 + i % 3)]
    dl, _ = build(d, "keep", blocks)
    if dl is None:
        return
    seen = 0
    for pi, page in enumerate(dl["pages"]):
        text_lines = lines(page, ("heading", "body"))
        for k, (y, text) in enumerate(text_lines):
            if text.startswith("（"):
                seen += 1
                check(k + 2 < len(text_lines),
                      f"keep: heading {text!r} on page {pi + 1} without two lines under it")
    check(seen == len(heights), f"keep: {seen} level-2 headings found, want {len(heights)}")
    caps = reading_captions(dl)
    want = [f"图{i + 1}图{i}" for i in range(len(heights))]
    check(caps == want, f"keep: captions in reading order {caps}, want {want}")
    # a heading that starts a page under two waiting charts which leave
    # less room than it keeps: it goes on to the next page with its text
    for n in (8, 10):
        dl, _ = build(d, f"keep_top{n}", FILL + [chart("甲", 300), chart("乙", 300), para("中", n),
                                               'doc:heading(2, "节")', para("后", 4)])
        if dl is None:
            continue
        for pi, page in enumerate(dl["pages"]):
            text_lines = lines(page, ("heading", "body"))
            for k, (y, text) in enumerate(text_lines):
                if text.startswith("（"):
                    check(k + 2 < len(text_lines),
                          f"keep_top{n}: the heading is left at the foot of page {pi + 1} under the floats")


def png_bytes(w, h):
    rows = b"".join(b"\x00" + bytes(w) for _ in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def check_large(d):
    # a table longer than a page: set where it comes, split
    dl, _ = build(d, "long_table", FILL + [table("长表", 80, "float = true")] + AFTER)
    if dl is not None:
        first = min((c["page"] for c in dl["cells"]), default=None)
        check(first == 0, f"long_table: a table longer than a page starts on page {first}, want 1")
        check("后0" not in page_text(dl["pages"][0]), "long_table: text after the table went before it")
    # an image taller than a page: shrunk, at the top of the next page
    with open(os.path.join(d, "tall.png"), "wb") as f:
        f.write(png_bytes(10, 200))
    dl, _ = build(d, "tall_image", FILL + ['doc:image{ path = "tall.png", caption = "高图" }'] + AFTER)
    if dl is not None:
        counts = [p["images"] for p in dl["pages"]]
        check(counts[:2] == [0, 1], f"tall_image: images per page {counts}, want it on page 2")
        check("后0" in page_text(dl["pages"][0]), "tall_image: page 1 is not filled by the text after")
        check(reading_captions(dl) == ["图1高图"], f"tall_image: captions {reading_captions(dl)}")
    # a chart taller than a page: refused as before, naming the script line
    dl, r = build(d, "tall_chart", FILL + [chart("太高", 2000)], expect_ok=False)
    check(r is not None and r.returncode == 1 and "tall_chart.lua:" in r.stderr and "pt tall" in r.stderr,
          f"tall_chart: exit {r and r.returncode}: {r and r.stderr.strip()}")


def check_warnings_once(d):
    """A table too wide for its tokens warns once per column, whether it
    floats (measured before it is set) or not."""
    cols = ", ".join(f'"c{i}"' for i in range(8))
    row = ", ".join(f'c{i} = "https://www.example{i}.gov.my/resource-without-breaks-{i}"'
                    for i in range(8))
    counts = []
    for floating in ("true", "false"):
        blocks = FILL + [f'doc:table{{ rows = {{ {{ {row} }} }}, columns = {{ {cols} }}, '
                         f'caption = "宽表", float = {floating} }}'] + AFTER
        dl, r = build(d, "warn_" + floating, blocks)
        counts.append(r.stderr.count("warning:") if r else -1)
    check(counts[0] == counts[1] and counts[0] > 0,
          f"warnings of a table too wide: {counts[0]} floating, {counts[1]} not")


def check_end(d):
    dl, _ = build(d, "end", FILL + [chart("甲图", 300), para("尾", 2)])
    if dl is None:
        return
    check(len(dl["pages"]) == 2 and chart_pages(dl).get(1) == 1,
          f"end: {len(dl['pages'])} pages, chart on {chart_pages(dl).get(1)}: want it on page 2 of 2")
    check("尾" in page_text(dl["pages"][0]), "end: the last paragraph is not on page 1")
    check(reading_captions(dl) == ["图1甲图"], f"end: captions {reading_captions(dl)}")


def check_option(d):
    dl, r = build(d, "bad_option", [chart("甲图", 100, 'float = "yes"')], expect_ok=False)
    check(r.returncode == 1 and "bad_option.lua:" in r.stderr and "float" in r.stderr,
          f"float = \"yes\": exit {r.returncode}: {r.stderr.strip()}")


def main():
    with tempfile.TemporaryDirectory() as d:
        check_gap(d)
        check_notes_gap(d)
        check_order(d)
        check_headings(d)
        check_heading_chain(d)
        check_keep_with_next(d)
        check_large(d)
        check_end(d)
        check_warnings_once(d)
        check_option(d)
    return finish()


if __name__ == "__main__":
    sys.exit(main())

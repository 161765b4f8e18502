"""Punctuation compression and unbreakable number+unit glue (issue 11), on
the display list of documents built in a temporary folder.

* Adjacent full-width marks: a pair advances 1.5 em, three in a row 2 em
  (theme punctuation = "compress", the default); 2 em and 3 em with
  punctuation = "full", 1 em and 1.5 em with "half".
* An opening bracket that a line break brings to a line start is set
  flush: its ink at the left margin within 0.5 pt (glyph bounds from the
  font through fontTools).
* Every line but the last of a justified paragraph ends on the right
  margin within 0.5 pt.
* A number and its unit written with a space ("2018 年", "1.2 亿元",
  "4 月 29 日", "全球第 64 位") are never split across lines, over a range
  of text widths (theme margins) and offsets in the line.

Run from the repository root; ends with "N passed, N failed"."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402

SIZE = 10.5
PAGE_WIDTH = 595.28
LEFT = 72.0
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
PAIRS = ["。」", "），", "”）", "：“", "》（", "。”", "）（", "，“"]
TRIPLES = ["）、（", "。”）", "”），"]
UNITS = ["2018 年", "1.2 亿元", "4 月 29 日", "全球第 64 位", "3 个", "5 家", "20 名"]


def build(d, name, paragraphs, **theme):
    theme.setdefault("indent", 0)
    theme.setdefault("margin_left", LEFT)
    return suite.build_paragraphs(d, name, paragraphs, **theme)[1]


def body_lines(dl):
    """Each body line's runs in x order, lines in the order laid out."""
    lines = {}
    for page in dl["pages"]:
        for t in page["texts"]:
            if t["role"] == "body":
                lines.setdefault((id(page), t["line"]), []).append(t)
    return [sorted(runs, key=lambda t: t["x"]) for runs in lines.values()]


def glyphs_of(runs):
    """(char, absolute x, gid) per cluster, for runs of one glyph per character."""
    out = []
    for t in runs:
        check(len(t["text"]) == len(t["glyphs"]), f"one glyph per character in {t['text']!r}")
        for ch, g in zip(t["text"], t["glyphs"]):
            out.append((ch, t["x"] + g[1], g[0]))
    return out


def check_pairs(d):
    texts = ["甲" + s + "乙" for s in PAIRS + TRIPLES]
    for mode, pair_em, triple_em in (("compress", 1.5, 2.0), ("full", 2.0, 3.0),
                                     ("half", 1.0, 1.5)):
        dl = build(d, "pairs_" + mode, texts, punctuation=mode)
        if dl is None:
            continue
        lines = body_lines(dl)
        check(len(lines) == len(texts), f"{mode}: {len(lines)} lines for {len(texts)} paragraphs")
        for text, runs in zip(texts, lines):
            g = glyphs_of(runs)
            if not check("".join(c for c, _, _ in g) == text, f"{mode}: line {g!r} is {text!r}"):
                continue
            marks = len(text) - 2
            want = pair_em if marks == 2 else triple_em
            got = (g[-1][1] - g[0][1] - SIZE) / SIZE
            check(abs(got - want) < 0.01,
                  f"{mode}: {text[1:-1]} advances {got:.3f} em, want {want} em")


def serif_font(gid_of_yi):
    """The face of Noto Serif CJK whose glyph for 一 is the one the display
    list has (the collection holds the SC, TC, JP, KR faces)."""
    from fontTools.ttLib import TTCollection
    for font in TTCollection(SERIF, lazy=True).fonts:
        if font.getBestCmap().get(ord("一")) and font.getGlyphID(font.getBestCmap()[ord("一")]) == gid_of_yi:
            return font
    return None


def ink_left(font, gid, size):
    from fontTools.pens.boundsPen import BoundsPen
    gs = font.getGlyphSet()
    name = font.getGlyphOrder()[gid]
    pen = BoundsPen(gs)
    gs[name].draw(pen)
    return pen.bounds[0] * size / font["head"].unitsPerEm


def check_line_start(d):
    width = 10 * SIZE     # ten characters a line: the bracket begins line 2
    right = PAGE_WIDTH - LEFT - width
    text = "一二三四五六七八九十（甲乙丙）一二三四五六七八九十一二三四五六七八九十（乙）完。"
    dl = build(d, "linestart", [text], margin_right=right)
    if dl is None:
        return
    lines = body_lines(dl)
    if not check(len(lines) >= 3, f"line start: {len(lines)} lines"):
        return
    first = glyphs_of(lines[0])
    font = serif_font(first[0][2])
    if not check(font is not None, "line start: the body face is not Noto Serif CJK"):
        return
    starts = 0
    for runs in lines[1:]:
        g = glyphs_of(runs)
        if g[0][0] != "（":
            continue
        starts += 1
        ink = g[0][1] + ink_left(font, g[0][2], SIZE)
        check(abs(ink - LEFT) <= 0.5,
              f"line start: （ ink at {ink:.2f} pt, margin at {LEFT} pt")
    check(starts >= 1, f"line start: no line begins with （: {[''.join(c for c, _, _ in glyphs_of(r)) for r in lines]}")
    check_justified("line start", lines, LEFT + width)


def check_justified(name, lines, margin):
    for i, runs in enumerate(lines[:-1]):
        end = max(t["x"] + t["width"] for t in runs)
        check(abs(end - margin) <= 0.5,
              f"{name}: line {i + 1} ends at {end:.2f} pt, margin at {margin:.2f} pt")


def check_units(d):
    filler = "我国数字经济规模持续扩大，"
    base = "，".join(f"达到{u}" for u in UNITS) + "。"
    paragraphs = [filler[:k] + base + base + "止" for k in range(len(filler))]   # 止 ends each
    # "全球|第 64 位" may break between the two Han words, never after 第
    phrases = [u.replace(" ", "").replace("全球", "") for u in UNITS]
    splits = checked = 0
    for right in (72.0, 79.5, 85.25, 90.0, 101.75, 140.0):
        dl = build(d, f"units_{int(right)}", paragraphs, margin_right=right)
        if dl is None:
            continue
        lines = [("".join(t["text"] for t in runs), runs) for runs in body_lines(dl)]
        # the paragraphs one after another, each line as it was laid out
        text, bounds = "", []
        for s, _ in lines:
            text += s.replace(" ", "")
            bounds.append(len(text))
        for ph in phrases:
            at = text.find(ph)
            while at >= 0:
                checked += 1
                cut = [b for b in bounds if at < b < at + len(ph)]
                if cut:
                    splits += 1
                    check(False, f"margin_right {right}: {ph} split across lines at "
                                 f"{text[max(0, at - 8):at + len(ph) + 4]!r}")
                at = text.find(ph, at + 1)
        # every paragraph's lines but its last end on the margin
        margin = PAGE_WIDTH - right
        paras, cur = [], []
        for s, runs in lines:
            cur.append(runs)
            if s.endswith("止"):
                paras.append(cur)
                cur = []
        for p in paras:
            check_justified(f"units margin_right {right}", p, margin)
    check(checked > 100, f"units: only {checked} number+unit phrases checked")
    print(f"INFO units: {checked} number+unit phrases checked, {splits} split")


def main():
    suite.require_fonttools()
    with tempfile.TemporaryDirectory() as d:
        check_pairs(d)
        check_line_start(d)
        check_units(d)
    finish()


if __name__ == "__main__":
    main()

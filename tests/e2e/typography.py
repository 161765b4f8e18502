"""Chinese typography on the produced PDFs.

* No laid-out line starts with closing punctuation or ends with opening
  punctuation (clreq), read from the display list's lines, in every
  example and in the typography fixture.
* Contents pages: each entry's page number is the page its heading lands
  on, read from the PDF page by page (pdftotext), and each entry is a link
  annotation to that heading's page.
* Outlines are nested by heading level (mutool show outline).
* Footnotes sit at the foot of the page of their marker.

Run from the repository root; ends with "N passed, N failed"."""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

REPORTC = os.environ.get("REPORTC", "./reportc")
NO_START = set("，。、；：？！）》」』】〕〗〙〛｝〉’”…‥·%％‰℃,.;:?!)]}")
NO_END = set("（《「『【〔〖〘〚｛〈‘“([{")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)
    return cond


def build(script, d, *extra):
    pdf, js = os.path.join(d, "x.pdf"), os.path.join(d, "x.json")
    r = subprocess.run([REPORTC, "build", script, "-o", pdf, "--display-list", js, *extra],
                       capture_output=True, text=True)
    if not check(r.returncode == 0, f"{script}: {r.stderr.strip()}"):
        return None, None
    return pdf, json.load(open(js))


def lines_of(page):
    """The text of each laid-out line, glyph runs in x order."""
    lines = {}
    for t in page["texts"]:
        if t["role"] in ("header", "footer", "chart"):
            continue
        lines.setdefault(t["line"], []).append(t)
    for runs in lines.values():
        runs.sort(key=lambda t: t["x"])
        yield "".join(t["text"] for t in runs)


def check_line_rules(name, dl):
    count = 0
    for pi, page in enumerate(dl["pages"]):
        for text in lines_of(page):
            text = text.strip()
            if not text:
                continue
            count += 1
            check(text[0] not in NO_START,
                  f"{name} page {pi + 1}: line starts with {text[0]!r}: {text[:30]!r}")
            check(text[-1] not in NO_END,
                  f"{name} page {pi + 1}: line ends with {text[-1]!r}: {text[-30:]!r}")
    return count


def page_texts(pdf, n):
    out = []
    for p in range(1, n + 1):
        r = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-enc", "UTF-8", pdf, "-"],
                           capture_output=True, text=True)
        out.append(re.sub(r"\s+", "", r.stdout))
    return out


def check_contents(name, pdf, dl):
    pages = dl["pages"]
    front = [i for i, p in enumerate(pages) if p["kind"] == "front"]
    if not front:
        return 0
    body_start = next(i for i, p in enumerate(pages) if p["kind"] == "body")
    texts = page_texts(pdf, len(pages))
    entries = 0
    for fi in front:
        page = pages[fi]
        links = [l for l in page["links"] if l["uri"] is None]
        for text in lines_of(page):
            m = re.match(r"^(.*?)\s*\.{3,}\s*(\d+)$", text.strip())
            if not m:
                continue
            entries += 1
            title, number = re.sub(r"\s+", "", m.group(1)), int(m.group(2))
            # The page (1-based, counting from the body's first page) that
            # holds the heading, read from the PDF text itself.
            found = [i for i in range(body_start, len(pages)) if title in texts[i]]
            check(found, f"{name}: heading {title!r} of the contents is on no body page")
            if found:
                check(number == found[0] - body_start + 1,
                      f"{name}: contents says {title!r} is on page {number}, "
                      f"the PDF has it on page {found[0] - body_start + 1}")
                targets = [l["page"] for l in links]
                check(found[0] in targets, f"{name}: no link from the contents to {title!r}")
    # The links are real annotations in the PDF, one per entry.
    j = json.loads(subprocess.run(["qpdf", "--json=2", pdf], capture_output=True, text=True).stdout)
    objs = j["qpdf"][1]
    page_objs = [o for o in objs.values()
                 if isinstance(o.get("value"), dict) and o["value"].get("/Type") == "/Page"]
    annots = sum(1 for o in objs.values() if isinstance(o.get("value"), dict)
                 and o["value"].get("/Subtype") == "/Link" and "/Dest" in o["value"])
    check(annots >= entries, f"{name}: {entries} contents entries but {annots} link annotations")
    check(entries > 0, f"{name}: a front page with no contents entries")
    return entries


def check_outline(name, pdf, dl):
    r = subprocess.run(["mutool", "show", pdf, "outline"], capture_output=True, text=True)
    levels = [o["level"] for o in dl["outlines"]]
    got = []
    for line in r.stdout.splitlines():
        m = re.match(r"^([|+\-]?)(\t+)", line)
        if m:
            got.append(len(m.group(2)))
    check(len(got) == len(levels), f"{name}: {len(got)} outline items, want {len(levels)}")
    # mutool indents children one tab deeper than their parent.
    for i, (lv, depth) in enumerate(zip(levels, got)):
        want = min(lv, 1 + (max(levels[:i]) if i else 0)) if i else 1
        check(depth - got[0] + 1 == lv or depth - got[0] + 1 == want,
              f"{name}: outline item {i + 1} (level {lv}) at depth {depth}")


def check_footnotes(name, dl, body_size):
    n = 0
    for pi, page in enumerate(dl["pages"]):
        markers = {t["text"] for t in page["texts"]
                   if t["role"] in ("body", "heading") and t["size"] < body_size * 0.7
                   and t["text"].isdigit()}
        notes = set()
        for text in lines_of({"texts": [t for t in page["texts"] if t["role"] == "note"]}):
            m = re.match(r"^(\d+)\D", text)
            if m:
                notes.add(m.group(1))
        for num in markers:
            n += 1
            check(num in notes, f"{name} page {pi + 1}: footnote {num} is not on its marker's page")
        for num in notes:
            check(num in markers, f"{name} page {pi + 1}: note {num} without its marker here")
    return n


def main():
    scripts = sorted(glob.glob("scripts/*.lua")) + ["tests/lua/typography.lua"]
    lines = entries = notes = 0
    with tempfile.TemporaryDirectory() as d:
        for script in scripts:
            pdf, dl = build(script, d)
            if dl is None:
                continue
            lines += check_line_rules(script, dl)
            entries += check_contents(script, pdf, dl)
            check_outline(script, pdf, dl)
            notes += check_footnotes(script, dl, 10.5)
    check(entries > 0, "no contents page was checked")
    check(notes > 0, "no footnote was checked")
    print(f"INFO {lines} lines, {entries} contents entries, {notes} footnotes checked")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

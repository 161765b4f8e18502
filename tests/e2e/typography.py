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
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402


def build(script, d, *extra):
    pdf, dl, r = suite.build(script, d, *extra)
    check(dl is not None, f"{script}: {r.stderr.strip()}")
    return pdf, dl


def lines_of(page, sep=""):
    """The text of each laid-out line, glyph runs in x order, joined by `sep`."""
    lines = {}
    for t in page["texts"]:
        if t["role"] in ("header", "footer", "chart"):
            continue
        lines.setdefault(t["line"], []).append(t)
    for runs in lines.values():
        runs.sort(key=lambda t: t["x"])
        yield sep.join(t["text"] for t in runs)


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
        for text in lines_of(page, " "):      # the page number is a run of its own
            # leaders are dots drawn as paths (marks.c), or text dots
            m = re.match(r"^(.*?)\s*(?:\.{3,})?\s*(\d+)$", text.strip())
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


def png_bytes(w, h):
    """A small RGB gradient as a PNG, written with the standard library."""
    import struct
    import zlib
    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // w, y * 255 // h, 128)) for x in range(w))
                    for y in range(h))
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def check_images():
    """PNG and JPEG from the script's folder, scaled and captioned; a path
    outside the script's folder and templates/ is refused."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "chart.png"), "wb") as f:
            f.write(png_bytes(160, 90))
        ppm = os.path.join(d, "photo.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6 64 48 255\n" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 90))
                                                 for y in range(48) for x in range(64)))
        jpg = os.path.join(d, "photo.jpg")
        r = subprocess.run(["cjpeg", "-outfile", jpg, ppm], capture_output=True)
        if not check(r.returncode == 0, "cjpeg could not make a test JPEG"):
            return
        script = os.path.join(d, "images.lua")
        with open(script, "w") as f:
            f.write('local report = require "report"\n'
                    'local doc = report.document{ title = "图片" }\n'
                    'doc:paragraph("下面是两张图片。")\n'
                    'doc:image{ path = "chart.png", width = 300, caption = "示意图" }\n'
                    'doc:image{ path = "photo.jpg", caption = "照片" }\n'
                    'return doc\n')
        pdf, dl = build(script, d)
        if dl is None:
            return
        images = sum(p["images"] for p in dl["pages"])
        check(images == 2, f"images: {images} in the display list, want 2")
        caps = [line for p in dl["pages"]
                for line in lines_of({"texts": [t for t in p["texts"] if t["role"] == "caption"]})]
        check(any("图1" in c.replace(" ", "") and "示意图" in c for c in caps), f"caption 1: {caps}")
        check(any("图2" in c.replace(" ", "") and "照片" in c for c in caps), f"caption 2: {caps}")
        listed = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True)
        kinds = [line.split()[8] for line in listed.stdout.splitlines()[2:]]
        check(sorted(kinds) == ["image", "jpeg"] or len(kinds) == 2,
              f"pdfimages lists {listed.stdout}")
        check(listed.stderr == "", f"pdfimages: {listed.stderr}")
        bad = os.path.join(d, "sub")
        os.mkdir(bad)
        with open(os.path.join(bad, "escape.lua"), "w") as f:
            f.write('local report = require "report"\nlocal doc = report.document{}\n'
                    'doc:image{ path = "../chart.png" }\nreturn doc\n')
        r = subprocess.run([REPORTC, "build", os.path.join(bad, "escape.lua"), "-o",
                            os.path.join(d, "bad.pdf")], capture_output=True, text=True)
        check(r.returncode == 1 and "outside the script's folder" in r.stderr,
              f"an image outside the script's folder: exit {r.returncode} {r.stderr.strip()}")


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
    check_images()
    check(entries > 0, "no contents page was checked")
    check(notes > 0, "no footnote was checked")
    print(f"INFO {lines} lines, {entries} contents entries, {notes} footnotes checked")
    return finish()


if __name__ == "__main__":
    sys.exit(main())

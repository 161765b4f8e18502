"""Every glyph drawn is the right glyph (tests/tools/glyphcheck.py).

Text extraction proves nothing: libharu 2.3.0 embeds DroidSansFallbackFull
with composite glyphs broken or blank while pdftotext still reads the text.
glyphcheck compares each glyph a PDF shows with its character's glyph in
the source font, outline against outline.  This test shows that the check
works both ways, then applies it to the reports:

(a) Negative control: a PDF made with libharu's own TrueType loading
    ($TEST_BUILD/haru_native, DroidSansFallbackFull, Chinese text) must be
    found broken, and the characters known to break (盟 络 现 研 究 报 新)
    among the mismatches.
    Positive controls, so that (a) is not a check that flags everything:
    libharu with DejaVuSans and Latin text (small glyph ids, which it
    handles) as a Type0 and as a simple TrueType font, and a handmade
    Type0/Identity-H/CIDFontType2 PDF whose FontFile2 is a fontTools subset
    of uming.ttc (glyph ids renumbered from 0, CID == GID, ToUnicode
    bfchar) must pass; the same PDF with two ToUnicode entries swapped must
    fail on exactly those two characters.  A handmade PDF showing DejaVuSans'
    "fi" ligature glyph (what shaping draws) with ToUnicode "fi" must pass,
    with "fl" must fail on it alone.  The CMap and string parsers are
    checked on handmade input (both bfrange forms, surrogates, escapes).
(b) Every example report (scripts/examples.sh, built here into a temporary
    folder as `make demo` builds them into out/): no mismatch, no problem,
    no font skipped, at least one glyph checked per embedded font.  And
    $REPORTC itself on CJK Extension A text, which only the fallback face
    DroidSansFallbackFull has, drawn by composites whose components have
    ids above 32767 (what libharu loses): every glyph must match.
(c) CFF (Noto Serif/Sans CJK SC, .ttc collections, embedded by reportc as
    CIDFontType0 over a CID-keyed CFF): every example script built with a
    manifest of those faces into a temporary folder must pass the check
    (each font Type0/CIDFontType0), pdffonts must list each CFF font as an
    embedded subset with ToUnicode ("CID Type 0C", emb sub uni yes),
    pdftotext must read the characters the display list set, and MuPDF
    must draw every page without a warning.  Negative controls: the same
    PDF with two ToUnicode destinations swapped, and with two charstrings
    of the embedded CFF swapped (fontTools), fails on exactly those two.
    And a name-keyed CFF in a plain .otf with local subroutines (made at
    test time with fontTools from DejaVuSans' ASCII glyphs, each glyph's
    program moved into a subroutine) as the Latin face: checked, 0 wrong.
(d) Nothing is skipped silently: a missing tool or input is a FAIL.

Fixtures are generated in a temporary directory at test time.  Run from the
repository root; env REPORTC (default ./reportc), TEST_BUILD (default
out/build).  Prints FAIL and INFO lines and ends with "N passed, N failed,
K skipped".
"""

import collections
import glob
import io
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

SYSTEM_PYTHON = "/usr/bin/python3"
try:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont
except ImportError:  # a python3 (pyenv, venv) ahead of Debian's on PATH
    if os.path.exists(SYSTEM_PYTHON) and \
            os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    print("FAIL fontTools is not importable (install python3-fonttools)")
    print("0 passed, 1 failed")
    sys.exit(1)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import glyphcheck  # noqa: E402

REPORTC = os.environ.get("REPORTC", "./reportc")
BUILD = os.environ.get("TEST_BUILD", "out/build")
MANIFEST = "fonts/fonts.manifest"            # the default: Noto CJK (CFF)
TRUETYPE_MANIFEST = "fonts/truetype.manifest"  # UMing, WenQuanYi, DejaVu, Droid
HARU_SOURCE = "tests/tools/haru_native.c"
DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
KNOWN_BROKEN = "盟络现研究报新"
FIXTURE_TEXT = "东盟网络安全现状研究报告（新版）"
LATIN_TEXT = "Glyph check: Hello, world 0123 (Zoe)"
NOTO_SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
NOTO_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SC_FACE = 2  # "Noto Serif CJK SC" / "Noto Sans CJK SC" in the collections
FALLBACK_TEXT = "东盟㐇㐈㐉㐊㐋㐍㐎㐏㐐㐑㐒㐓合作。"  # CJK Ext. A: only the fallback face has it

from suite import build_examples, check, finish  # noqa: E402


def info(text):
    print("INFO " + text)


def mismatched_chars(report):
    return "".join(sorted({m.char or "?" for m in report.mismatches}))


def run_glyphcheck(pdf, **kw):
    """glyphcheck's Report, or None after a FAIL line."""
    try:
        return glyphcheck.check_pdf(pdf, kw.pop("manifest", MANIFEST), **kw)
    except Exception as e:  # noqa: BLE001 — any crash is a failure of the check
        check(False, f"glyphcheck crashed on {pdf}: {type(e).__name__}: {e}")
        return None


def show_lines(report, limit=20):
    lines = [str(m) for m in report.mismatches] + [str(p) for p in report.all_problems]
    lines += [f"SKIPPED font={n}: {why}" for n, why in report.skipped_fonts]
    for line in lines[:limit]:
        print("    " + line)
    if len(lines) > limit:
        print(f"    ... {len(lines) - limit} more")


# --------------------------------------------------------------------------
# libharu's own output

def haru_native_program(tmp):
    """$TEST_BUILD/haru_native, or the same source compiled into tmp."""
    built = os.path.join(BUILD, "haru_native")
    if os.access(built, os.X_OK):
        return built
    program = os.path.join(tmp, "haru_native")
    r = subprocess.run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-o", program,
                        HARU_SOURCE, "-lhpdf", "-lm"], capture_output=True, text=True)
    if not check(r.returncode == 0, f"{built} missing and compiling {HARU_SOURCE} "
                 f"failed: {r.stderr.strip()}"):
        return None
    info(f"{built} not built (make test builds it); compiled {HARU_SOURCE} instead")
    return program


def haru_pdf(program, tmp, name, *args):
    pdf = os.path.join(tmp, name)
    r = subprocess.run([program, pdf, *args], capture_output=True, text=True)
    if check(r.returncode == 0 and os.path.exists(pdf),
             f"haru_native {name}: exit {r.returncode}: {r.stderr.strip()}"):
        return pdf
    return None


def test_haru_native(tmp):
    program = haru_native_program(tmp)
    if program is None:
        return
    if not check(os.path.exists(DROID), f"{DROID} missing (fonts-droid-fallback)"):
        return
    pdf = haru_pdf(program, tmp, "haru_droid.pdf")
    report = pdf and run_glyphcheck(pdf)
    if report:
        chars = mismatched_chars(report)
        check(report.mismatches, "libharu's DroidSansFallbackFull PDF passed glyphcheck: "
              "the check cannot see libharu's broken composite glyphs")
        missing = [c for c in KNOWN_BROKEN if c not in chars]
        check(not missing, "glyphcheck missed libharu's breakage of " + "".join(missing))
        check(report.checked > 0, "nothing checked in libharu's PDF")
        info(f"libharu native (DroidSansFallbackFull): {len(report.mismatches)} of "
             f"{report.checked} glyphs mismatch: {chars}")
        kinds = {r.split(" (")[0] for m in report.mismatches for r in m.reasons}
        info("libharu native: mismatch kinds: " + ", ".join(sorted(kinds)))
        check(any("malformed ToUnicode" in p.message for p in report.all_problems),
              "libharu 2.3.0's malformed ToUnicode (begincidrange) not reported")

    if not check(os.path.exists(DEJAVU), f"{DEJAVU} missing (fonts-dejavu-core)"):
        return
    for name, encoding in (("haru_latin_type0.pdf", "UTF-8"),
                           ("haru_latin_simple.pdf", "WinAnsiEncoding")):
        pdf = haru_pdf(program, tmp, name, DEJAVU, LATIN_TEXT, encoding)
        report = pdf and run_glyphcheck(pdf)
        if report:
            ok = check(not report.mismatches and report.checked == len(set(LATIN_TEXT))
                       and len(report.fonts) == 1,
                       f"positive control {name} (libharu, DejaVuSans, {encoding}): "
                       f"{report.summary()}, want {len(set(LATIN_TEXT))} glyphs, 0 mismatches")
            if not ok:
                show_lines(report)
            info(f"positive control {name}: {report.summary()}")


# --------------------------------------------------------------------------
# A handmade Type0 / Identity-H / CIDFontType2 PDF

def subset_font(path, face, text, features=()):
    """A fontTools subset (glyph ids renumbered from 0) as TTFont.  Glyph
    headers are kept as they are: recomputed bounding boxes would move
    glyphs whose stored xMin is not their true one (FreeType places a glyph
    by hmtx lsb - glyf xMin)."""
    font = TTFont(path, fontNumber=face, recalcBBoxes=False)
    options = ft_subset.Options()
    options.retain_gids = False
    options.notdef_outline = True
    options.layout_features = list(features)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    return font


def pdf_literal(data):
    """Bytes as a literal string, escapes and all."""
    out = []
    for b in data:
        if b in b"()\\":
            out.append("\\" + chr(b))
        elif 0x20 < b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\{b:03o}")
    return "(" + "".join(out) + ")"


def tounicode_cmap(entries):
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
             f"{len(entries)} beginbfchar"]
    lines += [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>"
              for code, text in entries]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop",
              "end", "end"]
    return "\n".join(lines).encode()


def write_pdf(path, objects):
    """objects: list of (dict source, stream bytes or None), numbered from 1."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, (body, stream) in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode()
        if stream is None:
            out += body.encode() + b"\n"
        else:
            out += body.replace(">>", f" /Length {len(stream)} >>", 1).encode() \
                + b"\nstream\n" + stream + b"\nendstream\n"
        out += b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    with open(path, "wb") as fp:
        fp.write(out)


def identity_fixture(path, text, swap=None):
    """A Type0 PDF of text in a uming.ttc subset; half the text in a form
    XObject, the rest as hex Tj, literal Tj and TJ.  swap=(a, b) exchanges
    the ToUnicode entries of two characters (a wrong PDF)."""
    font = subset_font(UMING, 0, text)
    cmap = font.getBestCmap()
    upem = font["head"].unitsPerEm
    gid = {ch: font.getGlyphID(cmap[ord(ch)]) for ch in set(text)}
    widths = " ".join(f"{g} [{round(font['hmtx'][cmap[ord(c)]][0] * 1000 / upem)}]"
                      for c, g in sorted(gid.items(), key=lambda x: x[1]))
    unicode_of = {g: c for c, g in gid.items()}
    if swap:
        a, b = gid[swap[0]], gid[swap[1]]
        unicode_of[a], unicode_of[b] = unicode_of[b], unicode_of[a]
    codes = [gid[c].to_bytes(2, "big") for c in text]
    q = len(codes) // 4
    form = f"BT /F1 12 Tf 0 0 Td <{b''.join(codes[:q]).hex()}> Tj ET".encode()
    content = (f"q 1 0 0 1 72 760 cm /X1 Do Q\n"
               f"BT /F1 12 Tf 72 740 Td <{b''.join(codes[q:2 * q]).hex()}> Tj\n"
               f"0 -20 Td {pdf_literal(b''.join(codes[2 * q:3 * q]))} Tj\n"
               f"0 -20 Td [<{codes[3 * q].hex()}> -120 "
               f"{pdf_literal(b''.join(codes[3 * q + 1:]))}] TJ ET\n").encode()
    program = io_bytes(font)
    objects = [
        ("<< /Type /Catalog /Pages 2 0 R >>", None),
        ("<< /Type /Pages /Kids [3 0 R] /Count 1 "
         "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 10 0 R >> >> >>", None),
        ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", None),
        ("<< >>", content),
        ("<< /Type /Font /Subtype /Type0 /BaseFont /GLYPHC+UMingCN /Encoding /Identity-H "
         "/DescendantFonts [6 0 R] /ToUnicode 9 0 R >>", None),
        ("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GLYPHC+UMingCN "
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
         f"/FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>", None),
        ("<< /Type /FontDescriptor /FontName /GLYPHC+UMingCN /Flags 4 "
         "/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 "
         "/CapHeight 700 /StemV 80 /FontFile2 8 0 R >>", None),
        (f"<< /Filter /FlateDecode /Length1 {len(program)} >>", zlib.compress(program)),
        ("<< >>", tounicode_cmap(sorted(unicode_of.items()))),
        ("<< /Type /XObject /Subtype /Form /BBox [0 0 500 50] "
         "/Resources << /Font << /F1 5 0 R >> >> >>", form),
    ]
    write_pdf(path, objects)


def ligature_fixture(path, ligature_text):
    """A Type0/CIDFontType2 PDF showing DejaVuSans' "fi" ligature glyph (what
    shaping draws for "fi"), then "f" and "i" alone; the ToUnicode maps the
    ligature to ligature_text."""
    font = subset_font(DEJAVU, 0, "fi", features=["liga"])
    cmap, upem = font.getBestCmap(), font["head"].unitsPerEm
    names = {"fi": "fi", "f": cmap[ord("f")], "i": cmap[ord("i")]}
    gid = {text: font.getGlyphID(name) for text, name in names.items()}
    widths = " ".join(f"{gid[t]} [{round(font['hmtx'][n][0] * 1000 / upem)}]"
                      for t, n in names.items())
    codes = b"".join(gid[t].to_bytes(2, "big") for t in ("fi", "f", "i"))
    unicode_of = {gid["fi"]: ligature_text, gid["f"]: "f", gid["i"]: "i"}
    program = io_bytes(font)
    write_pdf(path, [
        ("<< /Type /Catalog /Pages 2 0 R >>", None),
        ("<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R >> >> >>", None),
        ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", None),
        ("<< >>", f"BT /F1 12 Tf 72 740 Td <{codes.hex()}> Tj ET\n".encode()),
        ("<< /Type /Font /Subtype /Type0 /BaseFont /LIGATU+DejaVuSans /Encoding /Identity-H "
         "/DescendantFonts [6 0 R] /ToUnicode 9 0 R >>", None),
        ("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /LIGATU+DejaVuSans "
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
         f"/FontDescriptor 7 0 R /CIDToGIDMap /Identity /W [{widths}] >>", None),
        ("<< /Type /FontDescriptor /FontName /LIGATU+DejaVuSans /Flags 4 "
         "/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 "
         "/CapHeight 700 /StemV 80 /FontFile2 8 0 R >>", None),
        (f"<< /Filter /FlateDecode /Length1 {len(program)} >>", zlib.compress(program)),
        ("<< >>", tounicode_cmap(sorted(unicode_of.items()))),
    ])


def test_ligature_fixture(tmp):
    """A glyph standing for several characters is checked against the
    source's GSUB ligature for them, and a wrong one is caught."""
    source = {"DejaVuSans": (DEJAVU, 0)}
    good, wrong = os.path.join(tmp, "liga.pdf"), os.path.join(tmp, "liga_wrong.pdf")
    ligature_fixture(good, "fi")
    report = run_glyphcheck(good, manifest=None, sources=source)
    if report:
        ok = check(report.ok and report.checked == 3 and not report.all_problems,
                   f"'fi' ligature fixture: {report.summary()}, want 3 glyphs, 0 mismatches")
        if not ok:
            show_lines(report)
    ligature_fixture(wrong, "fl")
    report = run_glyphcheck(wrong, manifest=None, sources=source)
    if report:
        check([m.char for m in report.mismatches] == ["fl"],
              f"'fi' ligature glyph mapped to 'fl': mismatches {[m.char for m in report.mismatches]}"
              ", want exactly 'fl'")


def io_bytes(font):
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def test_identity_fixture(tmp):
    if not check(os.path.exists(UMING), f"{UMING} missing (fonts-arphic-uming)"):
        return
    good = os.path.join(tmp, "identity.pdf")
    identity_fixture(good, FIXTURE_TEXT)
    r = subprocess.run(["pdftotext", good, "-"], capture_output=True, text=True)
    check(r.returncode == 0 and "".join(r.stdout.split()) == FIXTURE_TEXT,
          f"handmade fixture: pdftotext reads {r.stdout.strip()!r}, want {FIXTURE_TEXT!r} "
          f"{r.stderr.strip()[:200]}")
    report = run_glyphcheck(good)
    if report:
        n = len(set(FIXTURE_TEXT))
        ok = check(report.ok and report.checked == n and not report.all_problems,
                   f"handmade Identity-H fixture: {report.summary()}, want {n} glyphs, "
                   "0 mismatches, no problems")
        if not ok:
            show_lines(report)
        info(f"handmade Identity-H fixture (uming.ttc subset): {report.summary()}")

    wrong = os.path.join(tmp, "identity_swapped.pdf")
    identity_fixture(wrong, FIXTURE_TEXT, swap=("网", "络"))
    report = run_glyphcheck(wrong)
    if report:
        chars = mismatched_chars(report)
        check(chars == "络网", f"swapped ToUnicode entries: mismatches in {chars!r}, "
              "want exactly 网 and 络")


# --------------------------------------------------------------------------
# The parsers, on handmade input

def test_parsers():
    cmap = glyphcheck.parse_cmap(b"""
        1 begincodespacerange <0000> <FFFF> endcodespacerange
        2 beginbfchar <0001> <7F51> <0002> <D83DDE00> endbfchar
        2 beginbfrange <0010> <0012> <4E00>
        <0020> <0021> [<0041> <D840DC00>] endbfrange""")
    want = {b"\x00\x01": "网", b"\x00\x02": "\U0001F600", b"\x00\x10": "一",
            b"\x00\x11": "丁", b"\x00\x12": "丂", b"\x00\x20": "A", b"\x00\x21": "\U00020000"}
    check(cmap.unicode == want and not cmap.errors,
          f"ToUnicode parse: {cmap.unicode} errors {cmap.errors}")
    haru = glyphcheck.parse_cmap(b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
                                 b"1 begincidrange <0000> <FFFF> 0 endcidrange")
    check(glyphcheck.tounicode_malformations(haru),
          "libharu's cidrange ToUnicode not seen as malformed")
    bad = glyphcheck.parse_cmap(b"2 beginbfchar <0001> <7F5> endbfchar")
    check(glyphcheck.tounicode_malformations(bad),
          "odd-length destination and a wrong entry count not seen as malformed")
    ops = list(glyphcheck.operations(
        b"(a\\(b\\)\\\\\\101\\0\\n(nested)) Tj [<00 4E1> -20 (x)] TJ "
        b"BI /W 1 /H 1 ID \x00EI\xff EI Q"))
    check(ops[0] == ("Tj", [b"a(b)\\A\x00\n(nested)"]) and
          ops[1] == ("TJ", [[b"\x00\x4e\x10", -20, b"x"]]) and ops[-1][0] == "Q",
          f"content tokens: {ops}")


# --------------------------------------------------------------------------
# reportc's own subsetter on the glyphs libharu breaks

FALLBACK_SCRIPT = """local report = require "report"
local doc = report.document{ title = "字形检查" }
doc:paragraph(report.param("text", ""))
return doc
"""


def droid_high_component_chars(text):
    """The characters of text whose DroidSansFallbackFull glyph is a
    composite with a component id above 32767 (what libharu loses)."""
    font = TTFont(DROID, lazy=True)
    cmap, glyf = font.getBestCmap(), font["glyf"]
    found = ""
    for ch in text:
        glyph = glyf[cmap[ord(ch)]] if ord(ch) in cmap else None
        if glyph is not None and glyph.isComposite() and any(
                font.getGlyphID(c.glyphName) > 32767 for c in glyph.components):
            found += ch
    return found


def test_reportc_fallback(tmp):
    """CJK Extension A characters are only in the fallback face,
    DroidSansFallbackFull, and drawn there by composites of high glyph ids."""
    if not check(os.access(REPORTC, os.X_OK), f"{REPORTC} not built (make)"):
        return
    if not os.path.exists(DROID):
        return  # already a FAIL in test_haru_native
    ext_a = "".join(c for c in FALLBACK_TEXT if 0x3400 <= ord(c) <= 0x4DBF)
    risky = droid_high_component_chars(ext_a)
    if not check(risky, "fallback text has no DroidSansFallbackFull composite with a "
                 "component above 32767: the check would prove nothing"):
        return
    script, pdf = os.path.join(tmp, "fallback.lua"), os.path.join(tmp, "fallback.pdf")
    with open(script, "w", encoding="utf-8") as fp:
        fp.write(FALLBACK_SCRIPT)
    # The TrueType families: Noto CJK (the default) has Extension A itself.
    r = subprocess.run([REPORTC, "build", script, "-o", pdf, "-D", "text=" + FALLBACK_TEXT,
                        "--fonts", TRUETYPE_MANIFEST], capture_output=True, text=True)
    if not check(r.returncode == 0, f"{REPORTC} build of the fallback text: {r.stderr.strip()}"):
        return
    report = run_glyphcheck(pdf, manifest=TRUETYPE_MANIFEST)
    if report is None:
        return
    droid = [f for f in report.fonts if "DroidSansFallback" in f.name]
    ok = check(report.ok and not report.all_problems, f"reportc with the fallback face: "
               f"{report.summary()}, {len(report.all_problems)} problems")
    ok &= check(droid and droid[0].checked >= len(set(risky)),
                "reportc's PDF does not show the Extension A text in DroidSansFallback: "
                + ", ".join(f"{f.name} {f.checked}" for f in report.fonts))
    if not ok:
        show_lines(report)
    info(f"reportc, fallback face: {report.summary()}; {len(risky)} glyphs in "
         f"DroidSansFallback are composites with components above 32767 ({risky})")


# --------------------------------------------------------------------------
# CFF faces (Noto CJK), embedded by reportc as CIDFontType0

def example_builds():
    """(name, script, extra arguments) of every example script."""
    for script in sorted(glob.glob("scripts/*.lua")):
        name = os.path.basename(script)[:-4]
        yield name, script, (["-D", "country=SGP"] if name == "asean_brief" else [])


def displayed_chars(display):
    return collections.Counter(c for page in display["pages"] for run in page["texts"]
                               for c in run["text"] if not c.isspace())


def check_cff_fonts_listed(pdf, name):
    r = subprocess.run(["pdffonts", pdf], capture_output=True, text=True)
    rows = [line for line in r.stdout.splitlines()[2:] if "CID Type 0C" in line]
    check(r.returncode == 0 and rows, f"{name}: pdffonts lists no CID Type 0C font: {r.stdout}")
    for row in rows:
        check(re.search(r"\byes\s+yes\s+yes\s+\d+\s+\d+\s*$", row) and "+" in row.split()[0],
              f"{name}: pdffonts: CFF font not an embedded subset with ToUnicode: {row}")


def check_cff_pdf(pdf, display, manifest, name):
    report = run_glyphcheck(pdf, manifest=manifest)
    if report is None:
        return
    fatal = [p for p in report.all_problems if p.fatal or p.font != "-"]
    ok = check(report.ok and not fatal and not report.skipped_fonts,
               f"{name} (Noto CJK): {report.summary()}, {len(fatal)} problems, "
               f"{len(report.skipped_fonts)} fonts skipped")
    cff = [f for f in report.fonts if f.kind == "Type0/CIDFontType0"]
    ok &= check(cff and all(f.checked > 0 for f in cff),
                f"{name} (Noto CJK): no CIDFontType0 font checked: "
                + ", ".join(f"{f.name} {f.kind} {f.checked}" for f in report.fonts))
    if not ok:
        show_lines(report)
    info(f"{name} (Noto CJK): {report.summary()}")
    check_cff_fonts_listed(pdf, name)
    q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
    check(q.returncode == 0 and "No syntax or stream encoding errors" in q.stdout,
          f"{name} (Noto CJK): qpdf --check: {(q.stderr or q.stdout).strip()[:300]}")
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True)
    read = collections.Counter(c for c in r.stdout if not c.isspace() and c != "\f")
    want = displayed_chars(display)
    check(r.returncode == 0 and not r.stderr and read == want,
          f"{name} (Noto CJK): pdftotext reads other characters than the display list sets: "
          f"missing {dict(want - read)}, extra {dict(read - want)} {r.stderr.strip()[:200]}")
    if shutil.which("mutool"):
        m = subprocess.run(["mutool", "draw", "-r", "50", "-o", os.devnull, pdf],
                           capture_output=True, text=True)
        warnings = [line for line in m.stderr.splitlines() if line.strip()
                    and not line.startswith("page ") and "ICC support" not in line]
        check(m.returncode == 0 and not warnings,
              f"{name} (Noto CJK): mutool draw: {' | '.join(warnings[:5])}")


def swap_tounicode(pdf, out, a, b):
    """Copy pdf to out with the ToUnicode destinations of characters a and
    b exchanged."""
    ua, ub = (f"<{ord(c):04X}>".encode() for c in (a, b))
    qdf_edit(pdf, out, lambda d: d.replace(ua, b"<SWAP>").replace(ub, ua).replace(b"<SWAP>", ub))


def qdf_edit(pdf, out, edit):
    """Copy pdf to out through qpdf --qdf (streams uncompressed), with
    edit(bytes) -> bytes applied to the file; fix-qdf repairs lengths."""
    qdf = out + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
    with open(qdf, "rb") as fp:
        data = edit(fp.read())
    with open(qdf, "wb") as fp:
        fp.write(data)
    with open(out, "wb") as fp:
        subprocess.run(["fix-qdf", qdf], stdout=fp, check=True)


class NoBBoxes:
    recalcBBoxes = False  # what CFFFontSet.compile asks of its OpenType font


def swap_charstrings(pdf, out, a, b):
    """Copy pdf to out with the charstrings of the CIDs of a and b (their
    Noto Serif CJK SC glyph ids) exchanged in the CFF that holds both.
    Returns False when no embedded CFF holds both."""
    source = TTFont(NOTO_SERIF, fontNumber=NOTO_SC_FACE, lazy=True)
    cmap = source.getBestCmap()
    names = [f"cid{source.getGlyphID(cmap[ord(c)]):05d}" for c in (a, b)]
    objects = glyphcheck.PdfObjects(pdf)
    for _, value in objects.all_dicts():
        ref = value.get("/FontFile3")
        if ref is None:
            continue
        data = objects.data_of(ref, "FontFile3")
        fonts = glyphcheck.CFFFontSet()
        fonts.decompile(io.BytesIO(data), None)
        top = fonts[fonts.fontNames[0]]
        if not all(n in top.charset for n in names):
            continue
        index, order = top.CharStrings.charStringsIndex, top.CharStrings.charStrings
        i, j = order[names[0]], order[names[1]]
        glyph_i, glyph_j = index[i], index[j]  # loaded: items are read lazily
        index.items[i], index.items[j] = glyph_j, glyph_i
        swapped = io.BytesIO()
        fonts.compile(swapped, NoBBoxes())
        qdf_edit(pdf, out, lambda d: d.replace(data, swapped.getvalue()))
        return True
    return False


def make_subroutinized_otf(path):
    """A name-keyed CFF .otf of DejaVuSans' ASCII glyphs whose charstrings
    each only call a local subroutine holding the outline."""
    from fontTools.cffLib import SubrsIndex
    from fontTools.fontBuilder import FontBuilder
    from fontTools.misc.psCharStrings import T2CharString
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    src = TTFont(DEJAVU)
    cmap, glyphs = src.getBestCmap(), src.getGlyphSet()
    cps = [c for c in range(0x20, 0x7F) if c in cmap]
    order = [".notdef"] + sorted({cmap[c] for c in cps}, key=src.getGlyphID)
    fb = FontBuilder(src["head"].unitsPerEm, isTTF=False)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({c: cmap[c] for c in cps})
    programs = {}
    for name in order:
        pen = T2CharStringPen(src["hmtx"][name][0], glyphs)
        glyphs[name].draw(pen)
        programs[name] = pen.getCharString()
    fb.setupCFF("TestCFF-Regular", {"FullName": "TestCFF Regular"}, programs, {})
    fb.setupHorizontalMetrics({n: src["hmtx"][n] for n in order})
    fb.setupHorizontalHeader(ascent=src["hhea"].ascent, descent=src["hhea"].descent)
    fb.setupNameTable({"familyName": "TestCFF", "styleName": "Regular",
                       "psName": "TestCFF-Regular"})
    fb.setupOS2(usWinAscent=src["OS/2"].usWinAscent, usWinDescent=src["OS/2"].usWinDescent)
    fb.setupPost()
    top = fb.font["CFF "].cff.topDictIndex[0]
    subrs, bias = SubrsIndex(), 107  # fewer than 1240 subroutines
    for i, name in enumerate(order):
        charstring = top.CharStrings[name]
        charstring.decompile()
        subrs.append(T2CharString(program=list(charstring.program)))
        charstring.program = [i - bias, "callsubr"]
    top.Private.Subrs = subrs
    fb.save(path)


def test_name_keyed_otf(tmp):
    otf, manifest = os.path.join(tmp, "TestCFF.otf"), os.path.join(tmp, "otf.manifest")
    script, pdf = os.path.join(tmp, "otf.lua"), os.path.join(tmp, "otf.pdf")
    make_subroutinized_otf(otf)
    with open(manifest, "w", encoding="utf-8") as fp:
        fp.write(f"serif cjk {NOTO_SC_FACE} fonts-noto-cjk {NOTO_SERIF}\n"
                 f"serif latin 0 - {otf}\nsans cjk {NOTO_SC_FACE} fonts-noto-cjk {NOTO_SANS}\n"
                 f"sans latin 0 - {otf}\nfallback cjk 0 fonts-droid-fallback {DROID}\n"
                 f"fallback latin 0 fonts-dejavu-core {DEJAVU}\n")
    with open(script, "w", encoding="utf-8") as fp:
        fp.write(FALLBACK_SCRIPT)
    r = subprocess.run([REPORTC, "build", script, "-o", pdf, "--fonts", manifest,
                        "-D", "text=" + LATIN_TEXT + " 东盟"], capture_output=True, text=True)
    if not check(r.returncode == 0, f"build with a name-keyed CFF .otf: {r.stderr.strip()}"):
        return
    report = run_glyphcheck(pdf, manifest=manifest)
    if report is None:
        return
    test_font = [f for f in report.fonts if "TestCFF" in f.name]
    ok = check(report.ok and not report.all_problems and test_font
               and all(f.kind == "Type0/CIDFontType0" and f.checked > 0 for f in test_font),
               f"name-keyed, subroutinized CFF .otf: {report.summary()}, "
               + ", ".join(f"{f.name} {f.kind} {f.checked}" for f in report.fonts))
    if not ok:
        show_lines(report)
    info(f"name-keyed CFF .otf with local subroutines: {report.summary()}")


def test_cff_reports(tmp):
    missing = [f for f in (NOTO_SERIF, NOTO_SANS, DROID, DEJAVU) if not os.path.exists(f)]
    if not check(not missing, f"fonts missing: {missing} (make deps: fonts-noto-cjk)"):
        return
    if not check(os.access(REPORTC, os.X_OK), f"{REPORTC} not built (make)"):
        return
    manifest = MANIFEST   # its serif and sans are the Noto CJK SC faces
    test_name_keyed_otf(tmp)
    first = None
    for name, script, extra in example_builds():
        pdf, js = os.path.join(tmp, name + ".pdf"), os.path.join(tmp, name + ".json")
        r = subprocess.run([REPORTC, "build", script, "-o", pdf, "--display-list", js,
                            "--fonts", manifest, *extra], capture_output=True, text=True)
        if not check(r.returncode == 0, f"{name} with Noto CJK: {r.stderr.strip()}"):
            continue
        with open(js, encoding="utf-8") as fp:
            check_cff_pdf(pdf, json.load(fp), manifest, name)
        first = first or pdf
    if first is None:
        return
    swapped = os.path.join(tmp, "swapped.pdf")
    swap_tounicode(first, swapped, "网", "络")
    report = run_glyphcheck(swapped, manifest=manifest)
    if report:
        chars = mismatched_chars(report)
        check(chars == "络网", f"Noto CJK PDF with swapped ToUnicode entries: mismatches in "
              f"{chars!r}, want exactly 网 and 络")
    swapped = os.path.join(tmp, "swapped_outlines.pdf")
    if check(swap_charstrings(first, swapped, "网", "络"),
             "no embedded CFF holds both 网 and 络: the outline control proves nothing"):
        report = run_glyphcheck(swapped, manifest=manifest)
        if report:
            chars = mismatched_chars(report)
            check(chars == "络网", f"Noto CJK PDF with swapped charstrings: mismatches in "
                  f"{chars!r}, want exactly 网 and 络")


# --------------------------------------------------------------------------
# The reports

def test_reports(d):
    pdfs = build_examples(d)
    if not check(pdfs, f"no example PDFs were built into {d}"):
        return
    for pdf in pdfs:
        report = run_glyphcheck(pdf)
        if report is None:
            continue
        font_problems = [p for p in report.all_problems if p.font != "-" or p.fatal]
        ok = check(report.ok and not font_problems and not report.skipped_fonts,
                   f"{pdf}: {report.summary()}, {len(font_problems)} problems, "
                   f"{len(report.skipped_fonts)} fonts skipped")
        for font in report.fonts:
            ok &= check(font.checked > 0, f"{pdf}: font {font.name}: no glyph checked "
                        f"({font.used} codes used)")
        ok &= check(report.fonts, f"{pdf}: no embedded TrueType font")
        if not ok:
            show_lines(report)
        for p in report.all_problems:
            if p not in font_problems:
                info(f"{pdf}: {p}")
        info(f"{os.path.basename(pdf)}: {report.summary()}")


def main():
    for tool in ("qpdf", "pdftotext", "cc"):
        check(shutil.which(tool), f"{tool} not on PATH")
    test_parsers()
    with tempfile.TemporaryDirectory(prefix="glyphs.") as tmp:
        test_haru_native(tmp)
        test_identity_fixture(tmp)
        test_ligature_fixture(tmp)
        test_reportc_fallback(tmp)
        test_cff_reports(tmp)
        examples = os.path.join(tmp, "examples")
        os.mkdir(examples)
        test_reports(examples)
    return finish()


if __name__ == "__main__":
    sys.exit(main())

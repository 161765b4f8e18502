#!/usr/bin/python3
"""glyphcheck: is every glyph a PDF draws the glyph of its character?

    python3 tests/tools/glyphcheck.py FILE.pdf [--manifest fonts/fonts.manifest]
                                     [--source PSNAME=FILE[:FACE]]... [-q]

Text extraction proves nothing about rendering: a PDF can map a code to the
right Unicode character in its ToUnicode CMap while the embedded font draws
a wrong or empty glyph for it (Debian's libharu 2.3.0 drops the components
of composite glyphs whose ids exceed 32767, so DroidSansFallbackFull draws
盟 络 现 研 究 报 新 broken or blank, yet pdftotext reads them fine).  This
tool compares what is drawn with what should be drawn:

1. qpdf (--json=2, streams decoded) gives every object of the PDF.
2. The content streams of every page, of the form XObjects they paint and of
   annotation appearances are parsed; the current font is tracked through
   Tf, q and Q, and the strings of Tj, TJ, ' and " are split into codes.
   Only codes actually shown are checked.
3. For each font that embeds a TrueType program (FontFile2: simple
   TrueType and Type0/CIDFontType2) or a CFF program (FontFile3
   /CIDFontType0C: Type0/CIDFontType0), the program is loaded with
   fontTools and each used code is resolved to
     - its glyph id: Type0 codes through the Encoding CMap (Identity-H/V:
       the 2-byte code is the CID; or an embedded CMap stream) and then
       the CIDToGIDMap (/Identity or a stream of 2-byte GIDs) of a
       CIDFontType2, or the charset of a CID-keyed CFF; simple fonts
       by the rules of ISO 32000 9.6.6.4 (Encoding and Differences through
       the (3,1) cmap, else the (3,0) or (1,0) cmap);
     - its character: the ToUnicode CMap (bfchar, both forms of bfrange,
       UTF-16BE with surrogates).  A malformed ToUnicode (libharu 2.3.0
       writes a CID CMap, begincidrange, in its place) is reported as a
       problem and the character is taken from what the encoding implies:
       a CMap named UTF-8/UCS-2/UTF-16 means the code is the character
       (libharu's own encoders), otherwise the simple font's Encoding, else
       the embedded font's own cmap read backwards.
4. The source font is found by the BaseFont's PostScript name (subset tag
   and a ",Style" suffix removed) among the manifest's fonts (name id 6),
   or given with --source; a collection's every face is indexed.  Shaping
   may draw another glyph than cmap(character): the glyphs a text may be
   drawn with are its cmap glyph and what the source's GSUB single,
   alternate and ligature substitutions reach from it (a ligature glyph
   from the glyphs of all its characters).  reportc's CFF subsets keep the
   source glyph id as the CID, so for a CIDFontType0 the CID names the
   source glyph that was chosen; it must be one of those glyphs (a glyph
   standing for no text is compared with source glyph CID alone).
5. Both glyphs are drawn through fontTools glyph sets with composites
   decomposed (renumbered component ids do not matter) and the recorded
   outlines must be equal exactly (coordinates are copied, not computed;
   CFF charstrings flattened or not draw the same path); the advance
   widths in the embedded hmtx and in the PDF's W/Widths must agree with
   the source's.

Prints one MISMATCH line per wrong glyph, PROBLEM lines for what is wrong
besides ("PROBLEM (glyphs unchecked)" when glyphs could not be checked),
SKIPPED lines for fonts without a TrueType program, and finally
"checked N glyphs in K fonts, M mismatches".  Exit status 0 when every used
glyph of every FontFile2 and CIDFontType0C font was checked and matched,
else 1.

As a module: check_pdf(path, manifest=..., sources=...) returns a Report.
"""

import argparse
import base64
import io
import json
import logging
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field

try:
    from fontTools import agl
    from fontTools.encodings.MacRoman import MacRoman
    from fontTools.encodings.StandardEncoding import StandardEncoding
    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.recordingPen import DecomposingRecordingPen, RecordingPen
    from fontTools.ttLib import TTFont
except ImportError:  # a python3 (pyenv, venv) ahead of Debian's on PATH
    SYSTEM_PYTHON = "/usr/bin/python3"
    if (__name__ == "__main__" and os.path.exists(SYSTEM_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    raise

logging.getLogger("fontTools").setLevel(logging.ERROR)

DEFAULT_MANIFEST = "fonts/fonts.manifest"
PDF_WIDTH_TOLERANCE = 1  # PDF widths are in 1/1000 em, rounded


# --------------------------------------------------------------------------
# Results

@dataclass
class Mismatch:
    font: str
    char: str
    code: bytes
    gid: int
    reasons: list

    def __str__(self):
        return (f"MISMATCH font={self.font} char={describe_char(self.char)} "
                f"code=0x{self.code.hex().upper()} gid={self.gid}: "
                + "; ".join(self.reasons))


@dataclass
class Problem:
    font: str
    message: str
    fatal: bool  # True: glyphs went unchecked (the check fails)

    def __str__(self):
        kind = "PROBLEM (glyphs unchecked)" if self.fatal else "PROBLEM"
        return f"{kind} font={self.font}: {self.message}"


@dataclass
class FontReport:
    name: str          # BaseFont as written in the PDF
    kind: str          # "Type0/CIDFontType2", "Type0/CIDFontType0" or "TrueType"
    source: str = ""   # FILE:FACE the glyphs were compared with
    checked: int = 0   # used codes whose glyph was compared
    used: int = 0      # distinct codes shown with this font
    mismatches: list = field(default_factory=list)
    problems: list = field(default_factory=list)


@dataclass
class Report:
    path: str
    fonts: list = field(default_factory=list)          # FontReport, FontFile2 only
    problems: list = field(default_factory=list)       # not tied to one embedded font
    skipped_fonts: list = field(default_factory=list)  # (name, why) without FontFile2

    @property
    def checked(self):
        return sum(f.checked for f in self.fonts)

    @property
    def mismatches(self):
        return [m for f in self.fonts for m in f.mismatches]

    @property
    def all_problems(self):
        return self.problems + [p for f in self.fonts for p in f.problems]

    @property
    def ok(self):
        return not self.mismatches and not any(p.fatal for p in self.all_problems)

    def summary(self):
        return (f"checked {self.checked} glyphs in {len(self.fonts)} fonts, "
                f"{len(self.mismatches)} mismatches")


def describe_char(text):
    if text is None:
        return "?"
    points = " ".join(f"U+{ord(c):04X}" for c in text)
    shown = text if all(c.isprintable() for c in text) else ""
    return f"{points} '{shown}'"


class CheckError(Exception):
    """A font (or the PDF) cannot be checked; the message says why."""


# --------------------------------------------------------------------------
# PDF objects through qpdf's JSON

class Name(str):
    """A PDF name, without the slash."""


class Op(str):
    """A content-stream or PostScript operator."""


@dataclass
class Stream:
    dict: dict
    data: bytes
    decoded: bool


REF_RE = re.compile(r"^\d+ \d+ R$")


class PdfObjects:
    """Every object of a PDF, as qpdf --json=2 gives them (names '/X',
    strings 'u:text' or 'b:hex', references 'N G R')."""

    def __init__(self, path):
        result = subprocess.run(
            ["qpdf", "--json=2", "--json-stream-data=inline",
             "--decode-level=generalized", "--json-key=qpdf", "--json-key=pages",
             path], capture_output=True)
        if result.returncode not in (0, 3):  # 3: warnings
            raise CheckError(f"qpdf failed on {path}: "
                             + result.stderr.decode(errors="replace").strip())
        doc = json.loads(result.stdout)
        self.objects = doc["qpdf"][1]
        self.page_refs = [p["object"] for p in doc["pages"]]
        self.streams = {}

    def get(self, value):
        """The value with references followed; streams become Stream."""
        seen = 0
        while isinstance(value, str) and REF_RE.match(value):
            entry = self.objects.get("obj:" + value)
            if entry is None:
                return None
            if "stream" in entry:
                return self.stream(value, entry["stream"])
            value = entry.get("value")
            seen += 1
            if seen > 32:
                return None
        return value

    def stream(self, ref, entry):
        """A Stream, its data decoded from base64 once.  qpdf drops /Filter
        from the dictionary of a stream whose data it decoded."""
        if ref not in self.streams:
            stream_dict = entry.get("dict", {})
            self.streams[ref] = Stream(stream_dict, base64.b64decode(entry.get("data", "")),
                                       "/Filter" not in stream_dict)
        return self.streams[ref]

    def dict_of(self, value):
        obj = self.get(value)
        if isinstance(obj, Stream):
            return obj.dict
        return obj if isinstance(obj, dict) else {}

    def data_of(self, value, what):
        obj = self.get(value)
        if not isinstance(obj, Stream):
            raise CheckError(f"{what} is not a stream")
        if not obj.decoded:
            raise CheckError(f"{what}: qpdf could not decode filter "
                             f"{obj.dict.get('/Filter')}")
        return obj.data

    def all_dicts(self):
        """(reference, dictionary) of every object that is a dictionary."""
        for key, entry in self.objects.items():
            if key.startswith("obj:") and isinstance(entry.get("value"), dict):
                yield key[4:], entry["value"]


def pdf_name(value):
    """'/Identity-H' -> 'Identity-H'; anything else -> None."""
    return value[1:] if isinstance(value, str) and value.startswith("/") else None


# --------------------------------------------------------------------------
# Content-stream and CMap syntax

WHITESPACE = b"\x00\t\n\x0c\r "
DELIMITERS = b"()<>[]{}/%"
NUMBER_RE = re.compile(rb"^[+-]?(\d+\.?\d*|\.\d+)$")


def read_literal_string(data, i):
    """Parse a (string) starting after its '('; return (bytes, next index)."""
    out = bytearray()
    depth = 1
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x5C:  # backslash
            i += 1
            if i >= n:
                break
            e = data[i]
            simple = {0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12,
                      0x28: 0x28, 0x29: 0x29, 0x5C: 0x5C}
            if e in simple:
                out.append(simple[e])
                i += 1
            elif 0x30 <= e <= 0x37:
                j = i
                while j < n and j < i + 3 and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[i:j], 8) & 0xFF)
                i = j
            elif e == 0x0D:  # line continuation
                i += 2 if data[i + 1:i + 2] == b"\n" else 1
            elif e == 0x0A:
                i += 1
            else:  # unknown escape: the backslash is ignored
                out.append(e)
                i += 1
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise CheckError("unterminated literal string")


def read_hex_string(data, i):
    """Parse a <hex> string starting after its '<'."""
    end = data.find(b">", i)
    if end < 0:
        raise CheckError("unterminated hex string")
    digits = bytes(c for c in data[i:end] if c not in WHITESPACE)
    if not re.fullmatch(rb"[0-9A-Fa-f]*", digits):
        raise CheckError(f"bad hex string <{digits[:20].decode(errors='replace')}>")
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode()), end + 1


def skip_inline_image(data, i):
    """Index after the EI that ends inline image data starting at i."""
    for m in re.finditer(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)", data[i:]):
        return i + m.end()
    return len(data)


def tokens(data):
    """Yield the tokens of a content stream or CMap: numbers, bytes
    (strings), Name, Op, and the one-character marks '[' ']' '<<' '>>'
    '{' '}' (as Op)."""
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c in WHITESPACE:
            i += 1
        elif c == 0x25:  # % comment
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == 0x28:
            s, i = read_literal_string(data, i + 1)
            yield s
        elif c == 0x3C:
            if data[i + 1:i + 2] == b"<":
                yield Op("<<")
                i += 2
            else:
                s, i = read_hex_string(data, i + 1)
                yield s
        elif c == 0x3E:
            if data[i + 1:i + 2] != b">":
                raise CheckError("stray '>'")
            yield Op(">>")
            i += 2
        elif c in b"[]{}":
            yield Op(chr(c))
            i += 1
        elif c == 0x29:
            raise CheckError("stray ')'")
        else:
            j = i + 1 if c == 0x2F else i
            while j < n and data[j] not in WHITESPACE and data[j] not in DELIMITERS:
                j += 1
            word = data[i:j]
            i = j
            if c == 0x2F:
                yield Name(re.sub(rb"#([0-9A-Fa-f]{2})",
                                  lambda m: bytes.fromhex(m.group(1).decode()),
                                  word[1:]).decode("latin-1"))
            elif NUMBER_RE.match(word):
                yield float(word) if b"." in word else int(word)
            else:
                op = Op(word.decode("latin-1"))
                yield op
                if op == "ID":
                    i = skip_inline_image(data, i)


def operations(data):
    """Yield (operator, operands) with arrays as lists and dicts as dicts."""
    stack = [[]]  # operand lists; nested for arrays and dicts
    kinds = []
    for tok in tokens(data):
        if isinstance(tok, Op) and tok in ("[", "<<", "{"):
            stack.append([])
            kinds.append(tok)
        elif isinstance(tok, Op) and tok in ("]", ">>", "}"):
            if not kinds:
                raise CheckError(f"unbalanced '{tok}'")
            items = stack.pop()
            opened = kinds.pop()
            if opened == "<<":
                value = {items[k]: items[k + 1] for k in range(0, len(items) - 1, 2)}
            else:
                value = items
            stack[-1].append(value)
        elif isinstance(tok, Op) and not kinds:
            yield str(tok), stack[0]
            stack[0] = []
        else:
            stack[-1].append(tok)


# --------------------------------------------------------------------------
# CMaps (ToUnicode and embedded Type0 encodings)

@dataclass
class CMap:
    name: str = ""
    codespace: list = field(default_factory=list)   # (lo bytes, hi bytes)
    unicode: dict = field(default_factory=dict)     # code bytes -> str
    cids: dict = field(default_factory=dict)        # code bytes -> CID
    cid_ranges: list = field(default_factory=list)  # (lo, hi, first CID)
    bf_entries: int = 0
    cid_entries: int = 0
    errors: list = field(default_factory=list)

    def cid(self, code):
        if code in self.cids:
            return self.cids[code]
        value = int.from_bytes(code, "big")
        for lo, hi, first in self.cid_ranges:
            if len(lo) == len(code) and int.from_bytes(lo, "big") <= value <= int.from_bytes(hi, "big"):
                return first + value - int.from_bytes(lo, "big")
        return None


def utf16be(dst, errors):
    """UTF-16BE bytes as text; surrogate pairs joined."""
    if len(dst) % 2:
        errors.append(f"destination <{dst.hex()}> has an odd number of bytes")
        return None
    try:
        return dst.decode("utf-16-be")
    except UnicodeDecodeError:
        errors.append(f"destination <{dst.hex()}> is not valid UTF-16BE")
        return None


def add_bfrange(cmap, lo, hi, dst):
    if not (isinstance(lo, bytes) and isinstance(hi, bytes)) or len(lo) != len(hi):
        cmap.errors.append("bfrange bounds are not strings of one length")
        return
    first, last = int.from_bytes(lo, "big"), int.from_bytes(hi, "big")
    if last < first or last - first > 0xFFFF:
        cmap.errors.append(f"bfrange <{lo.hex()}> <{hi.hex()}> is empty or too large")
        return
    for k in range(last - first + 1):
        code = (first + k).to_bytes(len(lo), "big")
        if isinstance(dst, list):
            if k >= len(dst) or not isinstance(dst[k], bytes):
                cmap.errors.append(f"bfrange <{lo.hex()}> array is short")
                return
            text = utf16be(dst[k], cmap.errors)
        elif isinstance(dst, bytes) and len(dst) >= 2:
            base = int.from_bytes(dst[-2:], "big")
            if base + k > 0xFFFF:
                cmap.errors.append(f"bfrange <{lo.hex()}> <{hi.hex()}> <{dst.hex()}> "
                                   "overflows its last code unit")
                return
            text = utf16be(dst[:-2] + (base + k).to_bytes(2, "big"), cmap.errors)
        else:
            cmap.errors.append(f"bfrange <{lo.hex()}> has a bad destination")
            return
        if text is not None:
            cmap.unicode[code] = text
        cmap.bf_entries += 1


def parse_cmap(data):
    """A CMap stream's codespace, Unicode (bf*) and CID (cid*) mappings;
    syntax and count errors are collected in .errors, never raised."""
    cmap = CMap()
    declared = {}
    try:
        for op, args in operations(data):
            if op.startswith("begin") and args and isinstance(args[-1], int):
                declared[op[5:]] = args[-1]
            elif op == "def" and len(args) >= 2 and args[-2] == "CMapName":
                cmap.name = str(args[-1])
            elif op == "usecmap":
                cmap.errors.append(f"usecmap {args[-1] if args else ''} is not followed")
            elif op.startswith("end") and op[3:] in declared:
                section = op[3:]
                parse_cmap_section(cmap, section, args, declared.pop(section))
    except CheckError as e:
        cmap.errors.append(f"syntax: {e}")
    return cmap


def parse_cmap_section(cmap, section, args, declared_count):
    width = {"codespacerange": 2, "bfchar": 2, "bfrange": 3,
             "cidchar": 2, "cidrange": 3, "notdefchar": 2, "notdefrange": 3}.get(section)
    if width is None:
        return
    if len(args) % width or len(args) // width != declared_count:
        cmap.errors.append(f"{declared_count} begin{section} holds "
                           f"{len(args) / width:g} entries")
    rows = [args[k:k + width] for k in range(0, len(args) - width + 1, width)]
    for row in rows:
        if section == "codespacerange":
            cmap.codespace.append((row[0], row[1]))
        elif section == "bfchar":
            if isinstance(row[0], bytes) and isinstance(row[1], bytes):
                text = utf16be(row[1], cmap.errors)
                if text is not None:
                    cmap.unicode[row[0]] = text
                cmap.bf_entries += 1
            else:
                cmap.errors.append("bfchar entry is not two strings")
        elif section == "bfrange":
            add_bfrange(cmap, *row)
        elif section == "cidchar" and isinstance(row[0], bytes):
            cmap.cids[row[0]] = row[1]
            cmap.cid_entries += 1
        elif section == "cidrange" and isinstance(row[0], bytes):
            cmap.cid_ranges.append((row[0], row[1], row[2]))
            cmap.cid_entries += 1


def tounicode_malformations(cmap):
    """Why a parsed ToUnicode cannot be trusted (empty list: it can)."""
    why = list(cmap.errors)
    if cmap.cid_entries and not cmap.bf_entries:
        why.append("it is a CID CMap (begincidrange/begincidchar), "
                   "not a ToUnicode (bfchar/bfrange)")
    elif not cmap.bf_entries:
        why.append("it maps no codes (no bfchar or bfrange)")
    return why


def split_codes(data, codespace):
    """Split shown bytes into codes by the codespace ranges (longest first
    match per ISO 32000 9.7.6.2).  Returns (codes, leftover bytes)."""
    codes = []
    i = 0
    lengths = sorted({len(lo) for lo, _ in codespace})
    while i < len(data):
        for n in lengths:
            chunk = data[i:i + n]
            if len(chunk) == n and any(
                    len(lo) == n and all(a <= b <= c for a, b, c in zip(lo, chunk, hi))
                    for lo, hi in codespace):
                codes.append(chunk)
                i += n
                break
        else:
            return codes, data[i:]
    return codes, b""


# --------------------------------------------------------------------------
# Which codes each font shows

@dataclass
class FontUse:
    ref: str                                  # reference or a stand-in key
    font: dict
    strings: list = field(default_factory=list)
    spans: list = field(default_factory=list)    # (string, ActualText) shown inside a span


class ContentScanner:
    """Collects the strings shown with each font in pages, form XObjects
    and annotation appearances."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.uses = {}
        self.problems = []

    def scan_document(self):
        for number, page_ref in enumerate(self.pdf.page_refs, 1):
            page = self.pdf.dict_of(page_ref)
            resources = self.inherited_resources(page)
            data = self.contents_data(page.get("/Contents"), f"page {number}")
            self.scan(data, resources, f"page {number}", None, (page_ref,))
            for annot_ref in self.pdf.get(page.get("/Annots")) or []:
                self.scan_annotation(annot_ref, number)
        return self.uses

    def inherited_resources(self, page):
        node, depth = page, 0
        while node is not None and depth < 64:
            if "/Resources" in node:
                return self.pdf.dict_of(node["/Resources"])
            node = self.pdf.dict_of(node.get("/Parent")) if "/Parent" in node else None
            depth += 1
        return {}

    def contents_data(self, contents, where):
        contents = self.pdf.get(contents)
        parts = contents if isinstance(contents, list) else [contents] if contents else []
        chunks = []
        for part in parts:
            try:
                chunks.append(self.pdf.data_of(part, f"{where} contents"))
            except CheckError as e:
                self.problems.append(Problem("-", str(e), True))
        return b"\n".join(chunks)

    def scan_annotation(self, annot_ref, number):
        annot = self.pdf.dict_of(annot_ref)
        normal = self.pdf.dict_of(annot.get("/AP")).get("/N")
        if normal is None:
            return
        target = self.pdf.get(normal)
        forms = [normal] if isinstance(target, Stream) else list((target or {}).values())
        for form in forms:
            self.scan_form(form, {}, None, f"page {number} annotation", ())

    def scan_form(self, form_ref, outer_resources, font, where, chain):
        if form_ref in chain:
            return
        form = self.pdf.get(form_ref)
        if not isinstance(form, Stream) or form.dict.get("/Subtype") != "/Form":
            return
        resources = self.pdf.dict_of(form.dict["/Resources"]) \
            if "/Resources" in form.dict else outer_resources
        try:
            data = self.pdf.data_of(form_ref, f"{where} form {form_ref}")
        except CheckError as e:
            self.problems.append(Problem("-", str(e), True))
            return
        self.scan(data, resources, f"{where} form {form_ref}", font, chain + (form_ref,))

    def scan(self, data, resources, where, font, chain):
        fonts = self.pdf.dict_of(resources.get("/Font"))
        xobjects = self.pdf.dict_of(resources.get("/XObject"))
        saved = []
        marked = []   # ActualText (or None) of each open marked-content sequence
        try:
            for op, args in operations(data):
                if op == "BDC":
                    props = args[-1] if args and isinstance(args[-1], dict) else {}
                    text = props.get("ActualText")
                    marked.append(utf16be(text[2:], []) if isinstance(text, bytes)
                                  and text[:2] == b"\xfe\xff" else None)
                elif op == "BMC":
                    marked.append(None)
                elif op == "EMC" and marked:
                    marked.pop()
                elif op == "q":
                    saved.append(font)
                elif op == "Q" and saved:
                    font = saved.pop()
                elif op == "Tf" and len(args) >= 2 and isinstance(args[-2], Name):
                    font = self.font_use(fonts, args[-2], where)
                elif op in ("Tj", "'", '"', "TJ") and args:
                    self.record(font, op, args[-1], where,
                                next((t for t in reversed(marked) if t), None))
                elif op == "Do" and args and isinstance(args[-1], Name):
                    ref = xobjects.get("/" + args[-1])
                    if ref is not None:
                        self.scan_form(ref, resources, font, where, chain)
        except CheckError as e:
            self.problems.append(Problem("-", f"{where}: content stream: {e}", True))

    def font_use(self, fonts, name, where):
        ref = fonts.get("/" + name)
        if ref is None:
            self.problems.append(Problem("-", f"{where}: Tf names /{name}, "
                                         "which is not in the resources", True))
            return None
        key = ref if isinstance(ref, str) else f"{where}/{name}"
        if key not in self.uses:
            self.uses[key] = FontUse(key, self.pdf.dict_of(ref))
        return self.uses[key]

    def record(self, font, op, operand, where, actual_text=None):
        strings = [s for s in operand if isinstance(s, bytes)] if op == "TJ" \
            else [operand] if isinstance(operand, bytes) else []
        if font is None:
            if any(strings):
                self.problems.append(Problem("-", f"{where}: {op} shows text "
                                             "with no font set", True))
            return
        font.strings.extend(strings)
        if actual_text:
            font.spans.extend((string, actual_text) for string in strings)


# --------------------------------------------------------------------------
# Source fonts

def font_ps_names(path, face):
    font = TTFont(path, fontNumber=face, lazy=True)
    names = {rec.toUnicode() for rec in font["name"].names if rec.nameID == 6}
    font.close()
    return names


def collection_faces(path):
    """Number of faces of a font file (1 unless a collection)."""
    with open(path, "rb") as fp:
        head = fp.read(12)
    return int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1


def read_manifest(path):
    """(file, face) of every face of each font file the manifest lists, in
    order, deduplicated: a file is any field that is an absolute path, so
    the check does not depend on the manifest's other columns."""
    entries = []
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            for word in line.split("#", 1)[0].split():
                if not word.startswith("/") or any(e[0] == word for e in entries):
                    continue
                try:
                    entries += [(word, face) for face in range(collection_faces(word))]
                except OSError:
                    entries.append((word, 0))  # reported when its names are read
    return entries


def parse_source_override(text):
    """'PSNAME=FILE[:FACE]' -> (PSNAME, (FILE, FACE))."""
    ps, _, spec = text.partition("=")
    m = re.match(r"^(.*?)(?::(\d+))?$", spec)
    if not ps or not m.group(1):
        raise ValueError(f"--source wants PSNAME=FILE[:FACE], not {text!r}")
    return ps, (m.group(1), int(m.group(2) or 0))


class SourceFonts:
    """PostScript name -> source font, opened on demand and kept."""

    def __init__(self, manifest=None, overrides=None):
        self.by_ps_name = dict(overrides or {})
        self.problems = []
        self.opened = {}
        if manifest:
            for path, face in read_manifest(manifest):
                try:
                    for ps in font_ps_names(path, face):
                        self.by_ps_name.setdefault(ps, (path, face))
                except Exception as e:  # a missing or unreadable file
                    self.problems.append(Problem("-", f"manifest font {path}:{face}: {e}", False))

    def find(self, base_font):
        """(file, face) for a BaseFont like 'ABCDEF+DejaVuSans,Book'."""
        stripped = re.sub(r"^[A-Z]{6}\+", "", base_font)
        for candidate in (stripped, stripped.split(",")[0],
                          re.sub(r"-Identity-[HV]$", "", stripped)):
            if candidate in self.by_ps_name:
                return self.by_ps_name[candidate]
        return None

    def open(self, path, face):
        key = (path, face)
        if key not in self.opened:
            font = TTFont(path, fontNumber=face)
            self.opened[key] = (font, font.getGlyphSet(), font.getBestCmap() or {})
        return self.opened[key]

    def substitutions(self, path, face):
        """(single, ligatures) of a source font's GSUB, opened once."""
        key = ("gsub", path, face)
        if key not in self.opened:
            self.opened[key] = gsub_substitutions(self.open(path, face)[0])
        return self.opened[key]


def gsub_substitutions(font):
    """What GSUB may put in a glyph's place, whatever the feature:
    single -- glyph name -> set of names (single and alternate lookups);
    ligatures -- tuple of component names -> set of ligature names."""
    single, ligatures = {}, {}
    if "GSUB" not in font or font["GSUB"].table.LookupList is None:
        return single, ligatures
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            if lookup.LookupType == 7:
                sub = sub.ExtSubTable
            kind = getattr(sub, "LookupType", lookup.LookupType)
            if kind == 1:
                for a, b in sub.mapping.items():
                    single.setdefault(a, set()).add(b)
            elif kind == 3:
                for a, alts in sub.alternates.items():
                    single.setdefault(a, set()).update(alts)
            elif kind == 4:
                for first, ligs in sub.ligatures.items():
                    for lig in ligs:
                        ligatures.setdefault((first, *lig.Component), set()).add(lig.LigGlyph)
    return single, ligatures


def closure(single, names):
    """The names and every name single substitutions reach from them."""
    seen, todo = set(names), list(names)
    while todo:
        for b in single.get(todo.pop(), ()):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def acceptable_glyphs(text, cmap, subs):
    """Source glyph names text may be drawn with (cmap, then GSUB)."""
    names = [cmap.get(ord(c)) for c in text]
    if not names or None in names:
        return set()
    single, ligatures = subs
    if len(names) == 1:
        return closure(single, names)
    found = set()
    for lig in ligatures.get(tuple(names), ()):
        found |= closure(single, [lig])
    return found


# --------------------------------------------------------------------------
# Outlines

class StrictDecomposingPen(DecomposingRecordingPen):
    skipMissingComponents = False  # a missing component is an error, not a warning


def outline(glyph_set, glyph_name):
    pen = StrictDecomposingPen(glyph_set)
    glyph_set[glyph_name].draw(pen)
    return pen.value


def count_points(recording):
    return sum(len([p for p in args if p is not None])
               for op, args in recording if op != "addComponent")


def points_of(recording):
    return [p for op, args in recording for p in args if isinstance(p, tuple)]


def uniform_shift(drawn, expected):
    """(dx, dy) when drawn is expected moved as a whole, else None.  Glyph
    sets place a glyph by hmtx lsb - glyf xMin, as FreeType does, so a
    subset that changes one of them without the other moves the glyph."""
    if [(op, len(args)) for op, args in drawn] != [(op, len(args)) for op, args in expected]:
        return None
    deltas = {(a[0] - b[0], a[1] - b[1])
              for a, b in zip(points_of(drawn), points_of(expected))}
    return deltas.pop() if len(deltas) == 1 else None


def side_bearing(font, name):
    """'lsb L, xMin X' of a glyph, for messages."""
    glyph = font["glyf"][name] if "glyf" in font else None
    return f"lsb {font['hmtx'][name][1]}, xMin {getattr(glyph, 'xMin', '-')}"


def outline_reasons(drawn, expected, gid, src_font, expected_name, shifted=None):
    """Reasons a drawn outline (TrueType or CFF) differs from the source's:
    .notdef drawn for a real glyph, a blank, or other points (`shifted`
    says it instead when the outline is the source's moved)."""
    reasons = []
    if gid == 0 and src_font.getGlyphID(expected_name) != 0:
        reasons.append("glyph 0 (.notdef) is drawn")
    if drawn != expected:
        if not drawn and expected:
            reasons.append(f"blank (embedded glyph has no outline, source has "
                           f"{count_points(expected)} points)")
        elif shifted:
            reasons.append(shifted)
        else:
            reasons.append(f"outline differs (embedded {count_points(drawn)} points vs "
                           f"source {count_points(expected)})")
    return reasons


def compare_glyphs(embedded, source, gid, expected_name):
    """Reasons the embedded glyph gid differs from the source glyph."""
    font, glyph_set = embedded
    src_font, src_set = source
    order = font.getGlyphOrder()
    if gid >= len(order):
        return [f"glyph id {gid} is beyond the embedded font's {len(order)} glyphs"]
    name = order[gid]
    try:
        drawn = outline(glyph_set, name)
    except Exception as e:
        return [f"embedded glyph cannot be drawn ({type(e).__name__}: {e})"]
    expected = outline(src_set, expected_name)
    shift = uniform_shift(drawn, expected) if drawn and drawn != expected else None
    shifted = shift and (f"outline shifted by {shift[0]:+g},{shift[1]:+g} units (embedded "
                         f"{side_bearing(font, name)}; source "
                         f"{side_bearing(src_font, expected_name)})")
    reasons = outline_reasons(drawn, expected, gid, src_font, expected_name, shifted)
    advance = font["hmtx"][name][0]
    src_advance = src_font["hmtx"][expected_name][0]
    if advance != src_advance:
        reasons.append(f"advance width differs (embedded {advance} vs source {src_advance})")
    return reasons


# --------------------------------------------------------------------------
# Fonts in the PDF

def embedded_program(pdf, descriptor):
    """The decoded FontFile2 stream of a font descriptor, or None."""
    ref = descriptor.get("/FontFile2")
    return None if ref is None else pdf.data_of(ref, "FontFile2")


class CffProgram:
    """A bare CFF font program (FontFile3 /CIDFontType0C) through fontTools:
    glyph ids are charset positions; a CID-keyed font names glyph CID c
    'cidNNNNN'."""

    def __init__(self, data):
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(data), None)
        self.top = fonts[fonts.fontNames[0]]
        self.cid_keyed = hasattr(self.top, "ROS")
        self.order = list(self.top.charset)
        self.index = {name: i for i, name in enumerate(self.order)}

    def glyph_of_cid(self, cid):
        if not self.cid_keyed:
            return cid if cid < len(self.order) else None
        return self.index.get(".notdef" if cid == 0 else f"cid{cid:05d}")

    def outline(self, gid):
        pen = RecordingPen()
        self.top.CharStrings[self.order[gid]].draw(pen)
        return pen.value


def compare_cff_glyph(program, gid, source, expected_name):
    """Reasons the embedded CFF glyph gid differs from the source glyph."""
    src_font, src_set = source
    try:
        drawn = program.outline(gid)
    except Exception as e:
        return [f"embedded glyph cannot be drawn ({type(e).__name__}: {e})"]
    return outline_reasons(drawn, outline(src_set, expected_name), gid, src_font, expected_name)


def cid_widths(pdf, cid_font):
    """CID -> width from W, and the DW default."""
    widths = {}
    w = pdf.get(cid_font.get("/W")) or []
    w = [pdf.get(x) for x in w]
    i = 0
    while i < len(w):
        if i + 1 < len(w) and isinstance(w[i + 1], list):
            for k, width in enumerate(w[i + 1]):
                widths[w[i] + k] = pdf.get(width)
            i += 2
        elif i + 2 < len(w):
            for cid in range(int(w[i]), int(w[i + 1]) + 1):
                widths[cid] = w[i + 2]
            i += 3
        else:
            break
    return widths, pdf.get(cid_font.get("/DW", 1000))


UNICODE_CMAP_NAME = re.compile(r"UTF-?8|UTF-?16|UCS-?2|UCS-?4|Unicode", re.I)


class EmbeddedFont:
    """One PDF font with a FontFile2: maps its codes to glyph ids, text and
    PDF widths.  Subclasses for Type0 and simple TrueType."""

    kind = ""

    def __init__(self, pdf, font, report):
        self.pdf = pdf
        self.font = font
        self.report = report
        self.tounicode = None
        self.tounicode_trusted = False
        self.reverse_cmap = None

    def problem(self, message, fatal):
        self.report.problems.append(Problem(self.report.name, message, fatal))

    cff = None  # a CffProgram when the font embeds CFF

    def load_program(self, descriptor):
        data = embedded_program(self.pdf, descriptor)
        cff = self.pdf.dict_of(descriptor.get("/FontFile3")) if data is None else {}
        if data is None and cff.get("/Subtype") == "/CIDFontType0C":
            try:
                self.cff = CffProgram(self.pdf.data_of(descriptor["/FontFile3"], "FontFile3"))
            except Exception as e:
                raise CheckError(f"fontTools cannot read the embedded CFF program: {e}")
            self.program = None
            return
        if data is None:
            raise CheckError("no FontFile2")
        try:
            self.program = TTFont(io.BytesIO(data))
            self.glyph_set = self.program.getGlyphSet()
            self.program.getGlyphOrder()
        except Exception as e:
            raise CheckError(f"fontTools cannot read the embedded TrueType program: {e}")

    def read_tounicode(self):
        ref = self.font.get("/ToUnicode")
        if ref is None:
            return
        try:
            cmap = parse_cmap(self.pdf.data_of(ref, "ToUnicode"))
        except CheckError as e:
            self.problem(f"ToUnicode unreadable: {e}", False)
            return
        why = tounicode_malformations(cmap)
        if why:
            self.problem("malformed ToUnicode: " + "; ".join(why[:3])
                         + (f" (+{len(why) - 3} more)" if len(why) > 3 else ""), False)
        self.tounicode = cmap
        self.tounicode_trusted = cmap.bf_entries > 0

    def text_of(self, code, gid):
        """(text, how) for a code: the ToUnicode, else what the encoding
        implies; text None when nothing says."""
        if self.tounicode_trusted and code in self.tounicode.unicode:
            return self.tounicode.unicode[code], "ToUnicode"
        text = self.implied_text(code)
        if text is not None:
            return text, "encoding"
        text = self.text_from_embedded_cmap(gid)
        return text, "embedded cmap"

    def text_from_embedded_cmap(self, gid):
        if self.program is None:  # a bare CFF has no cmap
            return None
        if self.reverse_cmap is None:
            self.reverse_cmap = {}
            cmap = self.program["cmap"].getBestCmap() if "cmap" in self.program else None
            order = self.program.getGlyphOrder()
            index = {name: i for i, name in enumerate(order)}
            for uni, name in sorted((cmap or {}).items(), reverse=True):
                self.reverse_cmap[index.get(name)] = chr(uni)
        return self.reverse_cmap.get(gid)

    def implied_text(self, code):
        return None


class Type0Font(EmbeddedFont):
    kind = "Type0/CIDFontType2"

    def __init__(self, pdf, font, report):
        super().__init__(pdf, font, report)
        descendants = pdf.get(font.get("/DescendantFonts")) or []
        self.cid_font = pdf.dict_of(descendants[0]) if descendants else {}
        subtype = self.cid_font.get("/Subtype")
        if subtype not in ("/CIDFontType2", "/CIDFontType0"):
            raise CheckError(f"descendant is {subtype}, not CIDFontType2 or CIDFontType0")
        self.kind = "Type0/" + subtype[1:]
        self.read_encoding()
        self.read_cid_to_gid()
        self.widths, self.default_width = cid_widths(pdf, self.cid_font)
        self.load_program(pdf.dict_of(self.cid_font.get("/FontDescriptor")))
        self.read_tounicode()

    def read_encoding(self):
        encoding = self.pdf.get(self.font.get("/Encoding"))
        name = pdf_name(encoding)
        if name in ("Identity-H", "Identity-V"):
            self.encoding = None
            self.encoding_name = name
            self.codespace = [(b"\x00\x00", b"\xff\xff")]
        elif isinstance(encoding, Stream):
            self.encoding = parse_cmap(self.pdf.data_of(self.font["/Encoding"], "Encoding CMap"))
            self.encoding_name = self.encoding.name or "embedded CMap"
            if self.encoding.errors:
                self.problem("Encoding CMap: " + "; ".join(self.encoding.errors[:3]), False)
            self.codespace = self.encoding.codespace or [(b"\x00\x00", b"\xff\xff")]
        else:
            raise CheckError(f"predefined CMap /{name} is not supported (only Identity-H/V "
                             "and embedded CMaps)")

    def read_cid_to_gid(self):
        mapping = self.cid_font.get("/CIDToGIDMap", "/Identity")
        if self.pdf.get(mapping) == "/Identity":
            self.cid_to_gid = None
        else:
            self.cid_to_gid = self.pdf.data_of(mapping, "CIDToGIDMap")

    def cid(self, code):
        if self.encoding is None:
            return int.from_bytes(code, "big")
        return self.encoding.cid(code)

    def gid(self, code):
        cid = self.cid(code)
        if cid is None:
            return None
        if self.cff is not None:
            return self.cff.glyph_of_cid(cid)
        if self.cid_to_gid is None:
            return cid
        entry = self.cid_to_gid[2 * cid:2 * cid + 2]
        return int.from_bytes(entry, "big") if len(entry) == 2 else 0

    def pdf_width(self, code):
        return self.widths.get(self.cid(code), self.default_width)

    def implied_text(self, code):
        """libharu's UTF-8 (and UCS-2) encoders show each character as its
        2-byte UCS-2 value and name a CMap after the encoder."""
        names = [self.encoding_name or ""]
        if self.tounicode is not None:
            names.append(self.tounicode.name)
        if any(UNICODE_CMAP_NAME.search(n) for n in names) and len(code) == 2:
            value = int.from_bytes(code, "big")
            if not 0xD800 <= value <= 0xDFFF:
                return chr(value)
        return None


def simple_encoding_names(pdf, font):
    """The 256 glyph names of a simple font's Encoding (None if built in)."""
    encoding = pdf.get(font.get("/Encoding"))
    base, differences = None, []
    if isinstance(encoding, str):
        base = pdf_name(encoding)
    elif isinstance(encoding, dict):
        base = pdf_name(pdf.get(encoding.get("/BaseEncoding")))
        differences = pdf.get(encoding.get("/Differences")) or []
        if base is None:
            base = "StandardEncoding"
    if base is None:
        return None
    names = list(base_encoding(base))
    code = 0
    for item in differences:
        item = pdf.get(item)
        if isinstance(item, (int, float)):
            code = int(item)
        elif pdf_name(item) is not None and 0 <= code < 256:
            names[code] = pdf_name(item)
            code += 1
    return names


def base_encoding(name):
    if name == "MacRomanEncoding":
        return MacRoman
    if name == "WinAnsiEncoding":
        names = []
        for code in range(256):
            try:
                uni = bytes([code]).decode("cp1252")
            except UnicodeDecodeError:
                names.append(".notdef")
                continue
            if code in (0xA0,):
                uni = " "
            if code == 0xAD:
                uni = "-"
            names.append(agl.UV2AGL.get(ord(uni), f"uni{ord(uni):04X}")
                         if code >= 0x20 else ".notdef")
        return names
    return StandardEncoding


class SimpleTrueTypeFont(EmbeddedFont):
    kind = "TrueType"

    def __init__(self, pdf, font, report):
        super().__init__(pdf, font, report)
        self.codespace = [(b"\x00", b"\xff")]
        descriptor = pdf.dict_of(font.get("/FontDescriptor"))
        self.symbolic = bool(int(pdf.get(descriptor.get("/Flags", 0)) or 0) & 4)
        self.encoding_names = simple_encoding_names(pdf, font)
        self.first_char = int(pdf.get(font.get("/FirstChar", 0)) or 0)
        self.widths = [pdf.get(w) for w in pdf.get(font.get("/Widths")) or []]
        self.missing_width = pdf.get(descriptor.get("/MissingWidth", 0)) or 0
        self.load_program(descriptor)
        self.read_tounicode()
        self.cmaps = {(t.platformID, t.platEncID): t.cmap
                      for t in self.program["cmap"].tables} if "cmap" in self.program else {}

    def glyph_name_for(self, code):
        """ISO 32000 9.6.6.4: which glyph a TrueType simple font draws."""
        value = code[0]
        win_unicode = self.cmaps.get((3, 1)) or self.cmaps.get((3, 10))
        if self.encoding_names is not None and win_unicode and not self.symbolic:
            uni = agl.toUnicode(self.encoding_names[value])
            if len(uni) == 1 and ord(uni) in win_unicode:
                return win_unicode[ord(uni)]
        if self.encoding_names is not None and (1, 0) in self.cmaps:
            mac_code = MacRoman.index(self.encoding_names[value]) \
                if self.encoding_names[value] in MacRoman else None
            if mac_code is not None and mac_code in self.cmaps[(1, 0)]:
                return self.cmaps[(1, 0)][mac_code]
        symbol = self.cmaps.get((3, 0))
        if symbol:
            for base in (0, 0xF000, 0xF100, 0xF200):
                if base + value in symbol:
                    return symbol[base + value]
        if (1, 0) in self.cmaps and value in self.cmaps[(1, 0)]:
            return self.cmaps[(1, 0)][value]
        if self.encoding_names is not None and self.encoding_names[value] in self.glyph_set:
            return self.encoding_names[value]
        return None

    def gid(self, code):
        name = self.glyph_name_for(code)
        return 0 if name is None else self.program.getGlyphID(name)

    def pdf_width(self, code):
        k = code[0] - self.first_char
        return self.widths[k] if 0 <= k < len(self.widths) else self.missing_width

    def implied_text(self, code):
        if self.encoding_names is None:
            return None
        text = agl.toUnicode(self.encoding_names[code[0]])
        return text or None


def make_embedded_font(pdf, font, report):
    subtype = font.get("/Subtype")
    if subtype == "/Type0":
        return Type0Font(pdf, font, report)
    if subtype == "/TrueType":
        return SimpleTrueTypeFont(pdf, font, report)
    raise CheckError(f"{subtype} fonts are not checked")


def font_program_kind(pdf, font):
    """'FontFile2', another FontFile key, or None (not embedded)."""
    if font.get("/Subtype") == "/Type0":
        descendants = pdf.get(font.get("/DescendantFonts")) or []
        font = pdf.dict_of(descendants[0]) if descendants else {}
    descriptor = pdf.dict_of(font.get("/FontDescriptor"))
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            return key[1:]
    return None


def descriptor_of(pdf, font):
    if font.get("/Subtype") == "/Type0":
        descendants = pdf.get(font.get("/DescendantFonts")) or []
        font = pdf.dict_of(descendants[0]) if descendants else {}
    return font, pdf.dict_of(font.get("/FontDescriptor"))


def is_cid_cff(pdf, font):
    """A Type0 font over a CIDFontType0C FontFile3."""
    cid_font, descriptor = descriptor_of(pdf, font)
    return font.get("/Subtype") == "/Type0" and \
        pdf.dict_of(descriptor.get("/FontFile3")).get("/Subtype") == "/CIDFontType0C"


def font_kind(pdf, font):
    if font.get("/Subtype") != "/Type0":
        return "TrueType"
    return "Type0/" + (descriptor_of(pdf, font)[0].get("/Subtype") or "/?")[1:]


def base_font_name(pdf, font):
    return pdf_name(pdf.get(font.get("/BaseFont"))) or "(unnamed)"


# --------------------------------------------------------------------------
# Checking

def check_font(pdf, use, sources, report):
    """Compare every glyph the font use shows with its source glyph."""
    embedded = make_embedded_font(pdf, use.font, report)
    codes = set()
    for s in use.strings:
        found, leftover = split_codes(s, embedded.codespace)
        codes.update(found)
        if leftover:
            embedded.problem(f"shown bytes <{leftover.hex()}> fit no code space range", True)
    report.used = len(codes)
    if not codes:
        return
    located = sources.find(report.name)
    if located is None:
        embedded.problem(f"no source font has the PostScript name of {report.name} "
                         "(give one with --source)", True)
        return
    report.source = f"{located[0]}:{located[1]}"
    src_font, src_set, src_cmap = sources.open(*located)
    span_texts = {}
    for string, text in use.spans:
        for code in split_codes(string, embedded.codespace)[0]:
            span_texts.setdefault(code, set()).add(text)
    subs = sources.substitutions(*located)
    scale = 1000 / src_font["head"].unitsPerEm
    if embedded.program is not None \
            and embedded.program["head"].unitsPerEm != src_font["head"].unitsPerEm:
        embedded.problem("unitsPerEm differs from the source's", False)
    fallbacks = {}
    for code in sorted(codes):
        gid = embedded.gid(code)
        text, how = embedded.text_of(code, gid)
        mapped = text if how == "ToUnicode" else None
        if gid is not None and ((mapped and len(mapped) != 1)
                                or (not mapped and code in span_texts)):
            # a shaped glyph: a ligature, or one glyph of a cluster of several
            check_shaped(embedded, report, located, (src_font, src_set), code, gid,
                         ([mapped] if mapped else []) + sorted(span_texts.get(code, ())), scale)
            continue
        if how != "ToUnicode":
            fallbacks[how] = fallbacks.get(how, 0) + 1
        mismatch = check_code(embedded, code, gid, text, (src_font, src_set, src_cmap, subs),
                              scale, report)
        if mismatch:
            report.mismatches.append(mismatch)
    for how, n in fallbacks.items():
        if how == "encoding" and embedded.tounicode is None and isinstance(embedded, SimpleTrueTypeFont):
            continue  # a simple font's Encoding is a proper source of text
        embedded.problem(f"{n} codes took their character from the {how}, "
                         "not the ToUnicode", False)


def hb_shape_gids(path, face, text):
    """Glyph ids HarfBuzz (hb-shape) sets `text` with in the face; None
    when hb-shape cannot run."""
    try:
        r = subprocess.run(["hb-shape", "--output-format=json", "--no-glyph-names",
                            f"--face-index={face}", path, text],
                           capture_output=True, text=True, timeout=30)
        return [g["g"] for g in json.loads(r.stdout)] if r.returncode == 0 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def check_shaped(embedded, report, located, source, code, gid, texts, scale):
    """A glyph that stands for several characters (a ligature) or for part
    of a cluster (its text from ActualText): it must be one of the glyphs
    HarfBuzz sets that text with in the source font, outline and width."""
    src_font, _ = source
    order = src_font.getGlyphOrder()
    reasons = ["HarfBuzz sets none of " + ", ".join(describe_char(t) for t in texts)
               + " with this glyph"]
    for text in texts:
        gids = hb_shape_gids(located[0], located[1], text)
        if gids is None:
            embedded.problem("hb-shape (libharfbuzz-bin) cannot run; shaped glyphs not checked", True)
            return
        for g in dict.fromkeys(gids):
            if g >= len(order):
                continue
            differs = compare_cff_glyph(embedded.cff, gid, source, order[g]) \
                if embedded.cff is not None else \
                compare_glyphs((embedded.program, embedded.glyph_set), source, gid, order[g])
            if differs:
                continue
            pdf_width = embedded.pdf_width(code)
            want = src_font["hmtx"][order[g]][0] * scale
            if pdf_width is None or abs(float(pdf_width) - want) > PDF_WIDTH_TOLERANCE:
                continue
            report.checked += 1
            return
    report.checked += 1
    report.mismatches.append(Mismatch(report.name, texts[0], code, gid, reasons))


def chosen_source_glyph(embedded, code, src_font):
    """The source glyph a reportc CFF subset names by its CID, else None."""
    if embedded.cff is None:
        return None
    order = src_font.getGlyphOrder()
    cid = embedded.cid(code)
    return order[cid] if cid is not None and cid < len(order) else None


def check_code(embedded, code, gid, text, source, scale, report):
    """A Mismatch for one shown code, or None; counts it as checked."""
    src_font, src_set, src_cmap, subs = source
    if gid is None:
        report.checked += 1
        why = "the Encoding CMap maps the code to no CID" if embedded.cff is None \
            else f"CID {embedded.cid(code)} is not in the embedded CFF's charset"
        return Mismatch(report.name, text, code, -1, [why])
    chosen = chosen_source_glyph(embedded, code, src_font)
    if not text:
        if chosen is None:
            embedded.problem(f"code 0x{code.hex().upper()}: no character known "
                             "(no ToUnicode entry, encoding or cmap); not checked", True)
            return None
        candidates = [chosen]   # stands for no text: only its identity is checked
    else:
        acceptable = acceptable_glyphs(text, src_cmap, subs)
        report.checked += 1
        if not acceptable:
            return Mismatch(report.name, text, code, gid, [
                "the source font has no glyph for the character" if len(text) == 1
                else "the source font has no ligature for these characters"])
        if chosen is not None and chosen not in acceptable:
            return Mismatch(report.name, text, code, gid, [
                f"CID {embedded.cid(code)} is source glyph {chosen}, neither the "
                f"character's glyph nor a GSUB substitute ({', '.join(sorted(acceptable)[:4])})"])
        primary = src_cmap.get(ord(text)) if len(text) == 1 else None
        candidates = [chosen] if chosen is not None else \
            ([primary] if primary in acceptable else []) + sorted(acceptable - {primary})
        report.checked -= 1
    report.checked += 1
    first = None
    for name in candidates:
        reasons = compare_cff_glyph(embedded.cff, gid, (src_font, src_set), name) \
            if embedded.cff is not None else \
            compare_glyphs((embedded.program, embedded.glyph_set), (src_font, src_set), gid, name)
        pdf_width = embedded.pdf_width(code)
        want = src_font["hmtx"][name][0] * scale
        if pdf_width is None or abs(float(pdf_width) - want) > PDF_WIDTH_TOLERANCE:
            reasons.append(f"PDF width {pdf_width} differs (source {want:g})")
        if not reasons:
            return None
        first = first or reasons
    return Mismatch(report.name, text, code, gid, first)


def embedded_fonts(pdf):
    """(key, font dict) of every font object in the PDF, used or not."""
    for ref, value in pdf.all_dicts():
        if value.get("/Type") == "/Font" \
                and value.get("/Subtype") in ("/Type0", "/TrueType", "/Type1",
                                              "/MMType1", "/Type3"):
            yield ref, value


def descendant_refs(pdf):
    """References of CIDFonts that are descendants (not fonts on their own)."""
    refs = set()
    for _, font in embedded_fonts(pdf):
        for d in pdf.get(font.get("/DescendantFonts")) or []:
            if isinstance(d, str):
                refs.add(d)
    return refs


def check_pdf(path, manifest=DEFAULT_MANIFEST, sources=None):
    """Check every glyph shown in the PDF; returns a Report."""
    report = Report(path)
    pdf = PdfObjects(path)
    scanner = ContentScanner(pdf)
    uses = scanner.scan_document()
    report.problems.extend(scanner.problems)
    source_fonts = SourceFonts(manifest, sources)
    report.problems.extend(source_fonts.problems)
    descendants = descendant_refs(pdf)
    for ref, font in embedded_fonts(pdf):
        if ref not in uses and ref not in descendants:
            uses[ref] = FontUse(ref, font)
    for use in uses.values():
        name = base_font_name(pdf, use.font)
        program = font_program_kind(pdf, use.font)
        if program == "FontFile3" and not is_cid_cff(pdf, use.font):
            program = "FontFile3 (not /CIDFontType0C)"
        if program not in ("FontFile2", "FontFile3"):
            why = "not embedded" if program is None else \
                f"embeds {program}, not TrueType or CID-keyed CFF"
            report.skipped_fonts.append((name, f"{use.font.get('/Subtype', '?')[1:]}, {why}"
                                         f", shown in {len(use.strings)} strings"))
            continue
        font_report = FontReport(name, "")
        report.fonts.append(font_report)
        try:
            check_font(pdf, use, source_fonts, font_report)
            font_report.kind = font_kind(pdf, use.font)
        except CheckError as e:
            font_report.problems.append(Problem(name, f"not checked: {e}", True))
        except Exception as e:  # a font fontTools chokes on must not hide the others
            font_report.problems.append(Problem(name, f"not checked: {type(e).__name__}: {e}",
                                                True))
    return report


def print_report(report, quiet=False, out=sys.stdout):
    for font in report.fonts:
        if not quiet:
            print(f"font {font.name} ({font.kind or '?'}): {font.used} codes used, "
                  f"{font.checked} checked against {font.source or '?'}, "
                  f"{len(font.mismatches)} mismatches", file=out)
        for m in font.mismatches:
            print(m, file=out)
    for p in report.all_problems:
        print(p, file=out)
    for name, why in report.skipped_fonts:
        print(f"SKIPPED font={name}: {why}", file=out)
    print(report.summary(), file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Check that every glyph a PDF draws is its character's glyph "
                    "in the source font.")
    parser.add_argument("pdf")
    parser.add_argument("--manifest", default=DEFAULT_MANIFEST,
                        help="font manifest naming the source fonts (default %(default)s)")
    parser.add_argument("--source", action="append", default=[], metavar="PSNAME=FILE[:FACE]",
                        help="the source font for a PostScript name (repeatable)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no per-font lines, only mismatches, problems and the summary")
    args = parser.parse_args(argv)
    try:
        overrides = dict(parse_source_override(s) for s in args.source)
        manifest = args.manifest if os.path.exists(args.manifest) else None
        if manifest is None and not overrides:
            parser.error(f"manifest {args.manifest} not found and no --source given")
        report = check_pdf(args.pdf, manifest, overrides)
    except (CheckError, ValueError, OSError) as e:
        print(f"glyphcheck: {e}", file=sys.stderr)
        return 1
    print_report(report, args.quiet)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

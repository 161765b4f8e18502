#!/usr/bin/env python3
"""gen_lbdata.py: writes src/text/lbdata.c, the line breaking class table.

Usage (from the top of the tree, at development time only):

    python3 scripts/gen_lbdata.py [UCD_DIR] > src/text/lbdata.c

UCD_DIR defaults to /usr/share/unicode (Debian's unicode-data package).
Inputs: LineBreak.txt, EastAsianWidth.txt, UnicodeData.txt and
emoji/emoji-data.txt, which must all be of one Unicode version, and the
enum lb_class in src/text/linebreak.h, which numbers the classes.

Each code point gets one byte: its class after rule LB1 of UAX #14
(AI, SG, XX -> AL; SA -> CM if Mn or Mc, else AL; CJ -> NS) in the low
six bits, LBDATA_WIDE if its East_Asian_Width is F, W or H (rule LB30 and
the quote tailoring look at that), and LBDATA_PICTO if it is an unassigned
Extended_Pictographic code point (rule LB30b).  The BMP is a two-level
table whose block size is chosen to make it smallest; the other planes,
mostly long runs, are a sorted list of run starts for binary search.
"""
import os
import re
import sys

WIDE_FLAG = 0x40
PICTO_FLAG = 0x80
LB1 = {"AI": "AL", "SG": "AL", "XX": "AL", "CJ": "NS"}  # SA needs the category

# Defaults for code points LineBreak.txt and EastAsianWidth.txt do not
# list, copied from the comments at the top of those files.
LB_DEFAULTS = [((0x3400, 0x4DBF), "ID"), ((0x4E00, 0x9FFF), "ID"),
               ((0xF900, 0xFAFF), "ID"), ((0x20000, 0x2FFFD), "ID"),
               ((0x30000, 0x3FFFD), "ID"), ((0x1F000, 0x1FAFF), "ID"),
               ((0x1FC00, 0x1FFFD), "ID"), ((0x20A0, 0x20CF), "PR")]
EAW_DEFAULTS = [((0x3400, 0x4DBF), "W"), ((0x4E00, 0x9FFF), "W"),
                ((0xF900, 0xFAFF), "W"), ((0x20000, 0x2FFFD), "W"),
                ((0x30000, 0x3FFFD), "W")]
NCP = 0x110000


def fail(msg):
    sys.stderr.write("gen_lbdata.py: %s\n" % msg)
    sys.exit(1)


def read_version(path, pattern):
    """The version in the first lines of a UCD file, e.g. '15.0.0'."""
    with open(path, encoding="utf-8") as f:
        head = f.read(2000)
    m = re.search(pattern, head)
    if not m:
        fail("no version header in " + path)
    return m.group(1)


def property_ranges(path):
    """(first, last, value) for each data line of a UCD property file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cps, value = [s.strip() for s in line.split(";")[:2]]
            first, _, last = cps.partition("..")
            yield int(first, 16), int(last or first, 16), value


def fill(table, ranges):
    for (first, last), value in ranges:
        table[first:last + 1] = [value] * (last - first + 1)


def load_property(path, defaults, missing):
    table = [missing] * NCP
    fill(table, defaults)
    for first, last, value in property_ranges(path):
        table[first:last + 1] = [value] * (last - first + 1)
    return table


def load_categories(path):
    """General_Category of every code point; unlisted ones are Cn."""
    table = ["Cn"] * NCP
    range_first = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split(";")
            cp, name, gc = int(fields[0], 16), fields[1], fields[2]
            if name.endswith(", First>"):
                range_first = cp
                continue
            first = range_first if name.endswith(", Last>") else cp
            table[first:cp + 1] = [gc] * (cp - first + 1)
            range_first = None
    return table


def load_pictographic(path):
    table = [False] * NCP
    for first, last, value in property_ranges(path):
        if value == "Extended_Pictographic":
            table[first:last + 1] = [True] * (last - first + 1)
    return table


def class_numbers(header):
    """Class name -> number, from the order of enum lb_class."""
    with open(header, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"enum lb_class\s*{([^}]*)}", text)
    if not m:
        fail("no enum lb_class in " + header)
    names = re.findall(r"LB_([A-Z0-9_]+)", m.group(1))
    if "=" in m.group(1) or names[-1] != "CLASS_COUNT":
        fail("enum lb_class must list plain names ending in LB_CLASS_COUNT")
    numbers = {name: i for i, name in enumerate(names[:-1])}
    if len(numbers) > 0x3F:
        fail("too many classes for six bits")
    return numbers


def resolve_lb1(cls, gc):
    if cls == "SA":
        return "CM" if gc in ("Mn", "Mc") else "AL"
    return LB1.get(cls, cls)


def build_values(ucd, numbers):
    lb = load_property(os.path.join(ucd, "LineBreak.txt"), LB_DEFAULTS, "XX")
    eaw = load_property(os.path.join(ucd, "EastAsianWidth.txt"), EAW_DEFAULTS, "N")
    gc = load_categories(os.path.join(ucd, "UnicodeData.txt"))
    picto = load_pictographic(os.path.join(ucd, "emoji", "emoji-data.txt"))
    values = []
    for cp in range(NCP):
        name = resolve_lb1(lb[cp], gc[cp])
        if name not in numbers:
            fail("class %s of U+%04X is not in enum lb_class" % (name, cp))
        v = numbers[name]
        if eaw[cp] in ("F", "W", "H"):
            v |= WIDE_FLAG
        if picto[cp] and gc[cp] == "Cn":
            v |= PICTO_FLAG
        values.append(v)
    return values


def two_level(bmp, shift):
    """(index, blocks) with bmp[cp] == blocks[index[cp >> shift] << shift | low bits]."""
    size = 1 << shift
    seen, index, blocks = {}, [], []
    for start in range(0, len(bmp), size):
        block = tuple(bmp[start:start + size])
        if block not in seen:
            seen[block] = len(seen)
            blocks.extend(block)
        index.append(seen[block])
    return index, blocks


def smallest_two_level(bmp):
    best = None
    for shift in range(4, 10):
        index, blocks = two_level(bmp, shift)
        width = 1 if max(index) < 256 else 2
        size = len(index) * width + len(blocks)
        if best is None or size < best[0]:
            best = (size, shift, index, blocks, width)
    return best[1:]


def runs(values, first):
    """(start, value) wherever the value changes, from code point `first`."""
    out = []
    for cp in range(first, len(values)):
        if not out or values[cp] != out[-1][1]:
            out.append((cp, values[cp]))
    return out


def c_array(items, fmt, per_line):
    cells = [fmt % x for x in items]
    lines = [", ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
    return "    " + ",\n    ".join(lines)


def emit(out, version, values):
    shift, index, blocks, width = smallest_two_level(values[:0x10000])
    supp = runs(values, 0x10000)
    index_type = "unsigned char" if width == 1 else "uint16_t"
    size = len(index) * width + len(blocks) + len(supp) * 5
    out.write("""/*
** lbdata.c: Line_Break class of every code point, for linebreak.c.
**
** GENERATED by scripts/gen_lbdata.py from the Unicode %(v)s data files
** LineBreak-%(v)s.txt, EastAsianWidth-%(v)s.txt, UnicodeData.txt and
** emoji-data.txt (Debian 12 unicode-data, /usr/share/unicode).  Do not
** edit; regenerate with
**     python3 scripts/gen_lbdata.py > src/text/lbdata.c
** after changing the inputs or enum lb_class in linebreak.h.
**
** A byte per code point: class after rule LB1 in the low six bits, plus
** LBDATA_WIDE and LBDATA_PICTO.  BMP: two-level table of %(bs)d-code-point
** blocks (%(nb)d distinct); planes 1-16: %(nr)d runs, binary searched.
** %(size)d bytes in all.
*/
#include "linebreak.h"

const char lbdata_unicode_version[] = "%(v)s";

#define BMP_SHIFT %(shift)d
#define BMP_MASK ((1u << BMP_SHIFT) - 1)

static const %(it)s bmp_index[%(ni)d] = {
%(index)s
};

static const unsigned char bmp_blocks[%(nbv)d] = {
%(blocks)s
};

/* Code point supp_start[i] and those up to the next start have value
** supp_value[i]. */
static const uint32_t supp_start[%(nr)d] = {
%(starts)s
};

static const unsigned char supp_value[%(nr)d] = {
%(svalues)s
};

unsigned lbdata_lookup(uint32_t cp) {
    size_t lo = 0, hi = sizeof supp_start / sizeof supp_start[0];
    if (cp < 0x10000)
        return bmp_blocks[(unsigned)bmp_index[cp >> BMP_SHIFT] << BMP_SHIFT | (cp & BMP_MASK)];
    if (cp > 0x10FFFF)
        return LB_AL;           /* not a code point: like XX, resolved by LB1 */
    while (hi - lo > 1) {       /* supp_start[lo] <= cp < supp_start[hi] */
        size_t mid = lo + (hi - lo) / 2;
        if (supp_start[mid] <= cp) lo = mid; else hi = mid;
    }
    return supp_value[lo];
}
""" % {"v": version, "bs": 1 << shift, "nb": len(blocks) >> shift,
       "nr": len(supp), "size": size, "shift": shift, "it": index_type,
       "ni": len(index), "nbv": len(blocks),
       "index": c_array(index, "%d", 24),
       "blocks": c_array(blocks, "%d", 24),
       "starts": c_array([s for s, _ in supp], "0x%05X", 8),
       "svalues": c_array([v for _, v in supp], "%d", 24)})


def main():
    ucd = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
    here = os.path.dirname(os.path.abspath(__file__))
    numbers = class_numbers(os.path.join(here, "..", "src", "text", "linebreak.h"))
    version = read_version(os.path.join(ucd, "LineBreak.txt"), r"LineBreak-([\d.]+)\.txt")
    eaw_version = read_version(os.path.join(ucd, "EastAsianWidth.txt"),
                               r"EastAsianWidth-([\d.]+)\.txt")
    emoji_version = read_version(os.path.join(ucd, "emoji", "emoji-data.txt"),
                                 r"Emoji Version ([\d.]+)")
    if eaw_version != version or not version.startswith(emoji_version + "."):
        fail("versions differ: LineBreak %s, EastAsianWidth %s, emoji %s"
             % (version, eaw_version, emoji_version))
    emit(sys.stdout, version, build_values(ucd, numbers))


if __name__ == "__main__":
    main()

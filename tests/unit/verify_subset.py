#!/usr/bin/python3
"""verify_subset.py: check subsets written by test_font against their
source fonts with fontTools (an independent TrueType reader).

    python3 tests/unit/verify_subset.py [SUBSET.ttf ...]

With no arguments, every /tmp/reportc_test_*.ttf that has a .map file beside
it (test_font writes them: source path and face, then the original glyph id
of each subset glyph).  For every subset glyph: the decomposed outline
(composites flattened through their components) and the advance width must
equal the source glyph's.  Prints "N passed, N failed".
"""
import glob
import sys

from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont


def outline(glyphset, name):
    pen = DecomposingRecordingPen(glyphset)
    glyphset[name].draw(pen)
    return pen.value


def verify(subset_path):
    with open(subset_path + ".map") as fp:
        source, face = fp.readline().split()
        originals = [int(line) for line in fp]
    sub = TTFont(subset_path)
    for tag in sub.keys():          # every table must decompile
        sub[tag]
    src = TTFont(source, fontNumber=int(face), lazy=True)
    sub_order, src_order = sub.getGlyphOrder(), src.getGlyphOrder()
    sub_set, src_set = sub.getGlyphSet(), src.getGlyphSet()
    failures = []
    empty = 0                       # blank glyphs (space): too many means a bad map
    if sub["maxp"].numGlyphs != len(originals):
        failures.append("numGlyphs %d, map has %d" % (sub["maxp"].numGlyphs, len(originals)))
    if sub["post"].formatType != 3.0:
        failures.append("post format %s" % sub["post"].formatType)
    for new, old in enumerate(originals):
        a, b = sub_order[new], src_order[old]
        if new > 0 and not outline(src_set, b):
            empty += 1
        if outline(sub_set, a) != outline(src_set, b):
            failures.append("glyph %d (source %d): outline differs" % (new, old))
        if sub["hmtx"][a][0] != src["hmtx"][b][0]:
            failures.append("glyph %d (source %d): advance differs" % (new, old))
    if empty > len(originals) // 4:
        failures.append("%d of %d glyphs are blank" % (empty, len(originals)))
    for line in failures[:10]:
        print("FAIL %s: %s" % (subset_path, line))
    print("INFO %s: %d glyphs from %s face %s, %s" % (
        subset_path, len(originals), source, face, "ok" if not failures else "BAD"))
    return not failures


def main():
    paths = sys.argv[1:] or sorted(p[:-4] for p in glob.glob("/tmp/reportc_test_*.ttf.map"))
    results = [verify(p) for p in paths]
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if paths and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

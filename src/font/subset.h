/*
** subset.h: a font cut down to the glyphs one document uses.
**
** The glyphs get slots numbered densely: 0 is always .notdef, then glyphs
** in the order font_subset_add first saw them.  The code a content stream
** shows for a glyph (its CID) is font_subset_code of its slot:
**   - TrueType (glyf): the slot, which is the glyph's id in the written
**     font (CIDToGIDMap /Identity).  Components of composite glyphs are
**     appended after the added glyphs when the font is written, so a slot
**     never changes.
**   - CFF: the source glyph id; the written CID-keyed CFF's charset maps
**     it to its glyph (see cff.h), so a CID names the same glyph in the
**     source and in the PDF.
*/
#ifndef SUBSET_H
#define SUBSET_H

#include <stdint.h>
#include "../base/buf.h"
#include "../base/rc.h"
#include "ttf.h"

struct font_subset;

struct font_subset *font_subset_new(const struct ttf_font *f);
void font_subset_free(struct font_subset *s);

/* The code (CID) the PDF shows for original glyph `gid`, adding it if new. */
uint16_t font_subset_add(struct font_subset *s, uint16_t gid);

/* The slot of original glyph `gid`, adding it if new. */
unsigned font_subset_slot(struct font_subset *s, uint16_t gid);

/* The code (CID) of a slot. */
uint16_t font_subset_code(const struct font_subset *s, uint16_t slot);

/* Number of glyphs added so far, .notdef included (components not counted
** until the font is written). */
unsigned font_subset_count(const struct font_subset *s);

/* The face the subset is of. */
const struct ttf_font *font_subset_font(const struct font_subset *s);

/* Original id of the glyph in slot `new_gid`. */
uint16_t font_subset_original(const struct font_subset *s, uint16_t new_gid);

/* Write the font program: for a CFF face a CID-keyed CFF (cff.h), else a
** TrueType file: head hhea maxp hmtx loca glyf post
** (v3) OS/2 and, when the source has them, cvt fpgm prep; composite
** glyphs keep their components (renumbered); checksums and
** checkSumAdjustment are correct.  Deterministic: same glyphs in the same
** order give the same bytes. */
int font_subset_write(struct font_subset *s, struct buf *out, struct rc_err *err);

#endif

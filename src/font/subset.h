/*
** subset.h: a TrueType font cut down to the glyphs one document uses.
**
** Glyph ids are renumbered densely: 0 is always .notdef, then glyphs in the
** order font_subset_add first saw them.  Components of composite glyphs are
** appended after those when the font is written, so the id that
** font_subset_add returned never changes.  The PDF backend uses the new ids
** directly as CIDs (CIDToGIDMap /Identity).
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

/* Id in the subset of original glyph `gid`, adding it if new. */
uint16_t font_subset_add(struct font_subset *s, uint16_t gid);

/* Number of glyphs added so far, .notdef included (components not counted
** until the font is written). */
unsigned font_subset_count(const struct font_subset *s);

/* Original id of subset glyph `new_gid`. */
uint16_t font_subset_original(const struct font_subset *s, uint16_t new_gid);

/* Write the subset as a TrueType file: head hhea maxp hmtx loca glyf post
** (v3) OS/2 and, when the source has them, cvt fpgm prep; composite
** glyphs keep their components (renumbered); checksums and
** checkSumAdjustment are correct.  Deterministic: same glyphs in the same
** order give the same bytes. */
int font_subset_write(struct font_subset *s, struct buf *out, struct rc_err *err);

#endif

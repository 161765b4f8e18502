/*
** cff.h: subsets of a CFF (Compact Font Format, Adobe TN 5176) outline
** table, written as a CID-keyed CFF for a PDF CIDFontType0
** (FontFile3 /Subtype /CIDFontType0C).
**
** The subset keeps the source's glyph ids as its CIDs: glyph i of the
** subset is CID gids[i] (the charset says so), with ROS Adobe-Identity-0,
** so the content stream shows source glyph ids and every reader (poppler
** through the charset, FreeType/MuPDF through FT_FACE_FLAG_CID_KEYED)
** finds the right charstring.  Charstrings are desubroutinized; each used
** Font DICT keeps its Private DICT without Subrs.
*/
#ifndef CFF_H
#define CFF_H

#include <stdint.h>
#include "../base/buf.h"
#include "../base/rc.h"

struct cff_font;    /* points into the caller's bytes, which must outlive it */

/* Parse the CFF table `data` (the "CFF " table of an OpenType face).
** `what` names the font in messages.  Checks the header, the INDEXes and
** DICTs the subsetter uses; charstrings are checked when flattened. */
int cff_open(const uint8_t *data, size_t len, const char *what,
             struct cff_font **out, struct rc_err *err);
void cff_close(struct cff_font *c);

unsigned cff_num_glyphs(const struct cff_font *c);

/* Write a CID-keyed CFF holding glyphs gids[0..n) of the source, in that
** order; gids must be ascending and start with 0 (.notdef), as a CFF
** requires.  `name` is the font's name (Name INDEX), ASCII. */
int cff_write_subset(const struct cff_font *c, const uint16_t *gids, unsigned n,
                     const char *name, struct buf *out, struct rc_err *err);

/* Flatten one glyph's charstring (subroutine calls inlined, the result
** ending in endchar), appended to out.  Exposed for the unit tests. */
int cff_flatten_glyph(const struct cff_font *c, unsigned gid, struct buf *out,
                      struct rc_err *err);

#endif

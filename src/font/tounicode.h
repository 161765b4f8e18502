/*
** tounicode.h: the ToUnicode CMap a PDF reader uses to turn our 2-byte
** glyph codes (subset glyph ids) back into text.
*/
#ifndef TOUNICODE_H
#define TOUNICODE_H

#include <stdint.h>
#include "../base/buf.h"

/* cps[i] is the code point glyph i stands for (0: no mapping, e.g. .notdef
** or a component-only glyph).  Writes a complete CMap stream body with
** bfchar entries (groups of at most 100), code points above U+FFFF as
** UTF-16 surrogate pairs.  Valid per Adobe TN 5099/5411: poppler and MuPDF
** parse it without warnings. */
void font_tounicode_cmap(const uint32_t *cps, unsigned n, struct buf *out);

/* The text glyph i stands for: pool[at .. at + len), len 0 for none. */
struct tu_text { uint32_t at, len; };

/* As font_tounicode_cmap, for glyphs that may stand for several code
** points (a ligature: "fi" is one glyph for two): each bfchar destination
** is the whole sequence in UTF-16BE. */
void font_tounicode_cmap_text(const uint32_t *pool, const struct tu_text *texts, unsigned n,
                              struct buf *out);

#endif

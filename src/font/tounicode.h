/*
** tounicode.h: the ToUnicode CMap a PDF reader uses to turn our 2-byte
** glyph codes (CIDs) back into text.
*/
#ifndef TOUNICODE_H
#define TOUNICODE_H

#include <stdint.h>
#include "../base/buf.h"

/* Code `code` stands for the code points text[0..len): one for most
** glyphs, several for a ligature ("fi" -> U+0066 U+0069) or a glyph that
** stands for a whole cluster, none for .notdef, components and marks
** whose text went with their base glyph. */
struct tounicode_entry {
    uint16_t code;
    unsigned len;
    const uint32_t *text;
};

/* Writes a complete CMap stream body with bfchar entries (groups of at
** most 100) for the entries with text, in the order given (callers sort
** by code); each destination in UTF-16BE, code points above U+FFFF as
** surrogate pairs, code points UTF-16 cannot carry left out, at most 256
** UTF-16 units (a CMap string holds 512 bytes).  Valid per Adobe TN
** 5099/5411: poppler and MuPDF parse it without warnings. */
void font_tounicode_cmap(const struct tounicode_entry *entries, unsigned n, struct buf *out);

#endif

/*
** tounicode.c: the ToUnicode CMap of an embedded subset font.
**
** Codes are the 2-byte CIDs the content streams show; each glyph that
** stands for text (one character, or several for a ligature or cluster)
** gets one bfchar line.  The layout is
** the one Adobe's own tools write (TN 5411), which every reader we test
** with (poppler, MuPDF) parses without complaint.
*/
#include "tounicode.h"

/* bfchar sections may hold at most 100 entries (TN 5411, 1.4.1). */
enum { BFCHAR_GROUP_MAX = 100 };

static const char cmap_header[] =
    "/CIDInit /ProcSet findresource begin\n"
    "12 dict begin\n"
    "begincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n"
    "/CMapType 2 def\n"
    "1 begincodespacerange\n"
    "<0000> <FFFF>\n"
    "endcodespacerange\n";

static const char cmap_trailer[] =
    "endcmap\n"
    "CMapName currentdict /CMapType get defineresource pop\n"
    "end\n"
    "end\n";

/* A code point UTF-16 can carry (no surrogates, nothing past U+10FFFF). */
static int mappable(uint32_t cp) {
    return cp != 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

enum { MAX_UNITS = 256 };   /* a CMap string holds at most 512 bytes */

/* UTF-16 units the entry's destination takes (0: nothing to map). */
static unsigned units_of(const struct tounicode_entry *e) {
    unsigned i, units = 0;
    for (i = 0; i < e->len; i++) {
        unsigned u = e->text[i] >= 0x10000 ? 2 : 1;
        if (!mappable(e->text[i])) continue;
        if (units + u > MAX_UNITS) break;
        units += u;
    }
    return units;
}

/* The destination string in UTF-16BE hex, surrogate pairs above U+FFFF. */
static void put_utf16_hex(struct buf *out, const struct tounicode_entry *e) {
    unsigned i, units = 0;
    buf_putc(out, '<');
    for (i = 0; i < e->len; i++) {
        uint32_t cp = e->text[i];
        if (!mappable(cp)) continue;
        if (units + (cp >= 0x10000 ? 2 : 1) > MAX_UNITS) break;
        if (cp < 0x10000) {
            buf_put_hex4(out, (uint16_t)cp);
            units++;
        } else {
            cp -= 0x10000;
            buf_put_hex4(out, (uint16_t)(0xD800 + (cp >> 10)));
            buf_put_hex4(out, (uint16_t)(0xDC00 + (cp & 0x3FF)));
            units += 2;
        }
    }
    buf_putc(out, '>');
}

void font_tounicode_cmap(const struct tounicode_entry *entries, unsigned n, struct buf *out) {
    unsigned remaining = 0, in_group = 0, i;
    for (i = 0; i < n; i++) remaining += units_of(&entries[i]) > 0;
    buf_puts(out, cmap_header);
    for (i = 0; i < n; i++) {
        if (units_of(&entries[i]) == 0) continue;
        if (in_group == 0) {
            unsigned size = remaining < BFCHAR_GROUP_MAX ? remaining : BFCHAR_GROUP_MAX;
            buf_printf(out, "%u beginbfchar\n", size);
        }
        buf_putc(out, '<');      /* one line a glyph: printf-free, as buf.h's writers */
        buf_put_hex4(out, (uint16_t)entries[i].code);
        buf_puts(out, "> ");
        put_utf16_hex(out, &entries[i]);
        buf_putc(out, '\n');
        remaining--;
        if (++in_group == BFCHAR_GROUP_MAX || remaining == 0) {
            buf_puts(out, "endbfchar\n");
            in_group = 0;
        }
    }
    buf_puts(out, cmap_trailer);
}

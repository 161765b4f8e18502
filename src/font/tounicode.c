/*
** tounicode.c: the ToUnicode CMap of an embedded subset font.
**
** Codes are the 2-byte subset glyph ids the content streams show; each
** glyph that stands for a character gets one bfchar line.  The layout is
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

/* The destination string in UTF-16BE hex: one unit, or a surrogate pair. */
static void put_utf16_hex(struct buf *out, uint32_t cp) {
    if (cp < 0x10000) {
        buf_printf(out, "<%04X>", (unsigned)cp);
    } else {
        cp -= 0x10000;
        buf_printf(out, "<%04X%04X>", (unsigned)(0xD800 + (cp >> 10)),
                   (unsigned)(0xDC00 + (cp & 0x3FF)));
    }
}

/* Glyph ids are 2-byte codes, so only the first 65536 entries count. */
static unsigned mapped_count(const uint32_t *cps, unsigned n) {
    unsigned i, count = 0;
    for (i = 0; i < n && i <= 0xFFFF; i++) count += mappable(cps[i]);
    return count;
}

void font_tounicode_cmap(const uint32_t *cps, unsigned n, struct buf *out) {
    unsigned remaining = mapped_count(cps, n), in_group = 0, i;
    buf_puts(out, cmap_header);
    for (i = 0; i < n && i <= 0xFFFF; i++) {
        if (!mappable(cps[i])) continue;
        if (in_group == 0) {
            unsigned size = remaining < BFCHAR_GROUP_MAX ? remaining : BFCHAR_GROUP_MAX;
            buf_printf(out, "%u beginbfchar\n", size);
        }
        buf_printf(out, "<%04X> ", i);
        put_utf16_hex(out, cps[i]);
        buf_putc(out, '\n');
        remaining--;
        if (++in_group == BFCHAR_GROUP_MAX || remaining == 0) {
            buf_puts(out, "endbfchar\n");
            in_group = 0;
        }
    }
    buf_puts(out, cmap_trailer);
}

/* A sequence UTF-16 can carry, at most 256 units (a bfchar destination
** string is at most 512 bytes). */
static int text_mappable(const uint32_t *pool, const struct tu_text *t) {
    uint32_t k;
    if (t->len == 0 || t->len > 128) return 0;
    for (k = 0; k < t->len; k++) if (!mappable(pool[t->at + k])) return 0;
    return 1;
}

void font_tounicode_cmap_text(const uint32_t *pool, const struct tu_text *texts, unsigned n,
                              struct buf *out) {
    unsigned remaining = 0, in_group = 0, i;
    uint32_t k;
    for (i = 0; i < n && i <= 0xFFFF; i++) remaining += text_mappable(pool, &texts[i]);
    buf_puts(out, cmap_header);
    for (i = 0; i < n && i <= 0xFFFF; i++) {
        if (!text_mappable(pool, &texts[i])) continue;
        if (in_group == 0) {
            unsigned size = remaining < BFCHAR_GROUP_MAX ? remaining : BFCHAR_GROUP_MAX;
            buf_printf(out, "%u beginbfchar\n", size);
        }
        buf_printf(out, "<%04X> <", i);
        for (k = 0; k < texts[i].len; k++) {
            uint32_t cp = pool[texts[i].at + k];
            if (cp < 0x10000) {
                buf_printf(out, "%04X", (unsigned)cp);
            } else {
                cp -= 0x10000;
                buf_printf(out, "%04X%04X", (unsigned)(0xD800 + (cp >> 10)),
                           (unsigned)(0xDC00 + (cp & 0x3FF)));
            }
        }
        buf_puts(out, ">\n");
        remaining--;
        if (++in_group == BFCHAR_GROUP_MAX || remaining == 0) {
            buf_puts(out, "endbfchar\n");
            in_group = 0;
        }
    }
    buf_puts(out, cmap_trailer);
}

/*
** para.h: one run of text shaped into glyphs and broken into lines.  Used
** for paragraphs, headings, table cells and page furniture alike, so every
** piece of text is broken by the same rules.
*/
#ifndef PARA_H
#define PARA_H

#include <stddef.h>
#include <stdint.h>
#include "../base/rc.h"
#include "../display/display.h"
#include "../doc/doc.h"
#include "../font/fontset.h"

struct para_glyph {
    uint32_t cp;
    int      face;
    uint16_t gid;
    float    advance;      /* pt */
    unsigned char brk;     /* enum lb_break: may a line end before this glyph */
};

struct para_line {
    size_t first, end;     /* glyphs [first, end), trailing spaces excluded */
    float  width;          /* natural width, pt */
    float  indent;         /* pt, first line only */
    int    last;           /* last line of the paragraph (or before a hard break) */
};

struct para {
    float size;
    struct para_glyph *glyphs;  size_t nglyphs;
    struct para_line  *lines;   size_t nlines, caplines;
};

/* Shape `text` in `family` at `size`: white space runs fold to one space
** (dropped between two CJK characters), each character gets its face and
** glyph by font fallback, and break opportunities are computed. */
int para_shape(struct para *p, struct fontset *fs, int family, float size,
               const char *text, struct rc_err *err);

/* Break into lines no wider than `width` (the first indented by `indent`).
** Greedy, at the breaker's opportunities; a word wider than a line is cut. */
void para_break(struct para *p, float width, float indent);

/* Draw line `i` with its left edge at x and baseline at y, aligned within
** `width`: justified lines spread the space over the gaps between break
** opportunities (between Han characters and at spaces). */
void para_draw_line(const struct para *p, size_t i, struct dl_page *page,
                    float x, float y, float width, enum doc_align align,
                    enum dl_role role, int bold);

/* Natural width of the widest line. */
float para_max_width(const struct para *p);

void para_free(struct para *p);

#endif

/*
** para.c: shaping a piece of text and breaking it into lines.
**
** Shaping here is simple and sufficient for Chinese and Latin: one glyph
** per character through the font set's fallback, advances from the font's
** hmtx.  Breaking is greedy first-fit at the opportunities that
** linebreak_analyze marks (UAX #14 with the clreq prohibitions), which is
** what Chinese typesetting expects: lines are filled, and justification
** absorbs the rest.
*/
#include <stdlib.h>
#include <string.h>
#include "para.h"
#include "../base/utf8.h"
#include "../text/linebreak.h"

static int is_space(uint32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000;
}

/* Characters between which a source line break is not a space. */
static int is_cjk(uint32_t cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF)
        || (cp >= 0x20000 && cp <= 0x3FFFF) || cp == 0x2014 || cp == 0x2026
        || cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019;
}

/* Fold white space: runs become one ' ', dropped at the ends and between
** two CJK characters (a line break in a Lua long string is not a space in
** Chinese).  An ideographic space U+3000 is kept as it is. */
static size_t fold_space(uint32_t *cps, size_t n) {
    size_t i = 0, k = 0;
    while (i < n) {
        if (is_space(cps[i]) && cps[i] != 0x3000) {
            size_t j = i;
            while (j < n && is_space(cps[j]) && cps[j] != 0x3000) j++;
            if (k > 0 && j < n && !(is_cjk(cps[k - 1]) && is_cjk(cps[j])))
                cps[k++] = ' ';
            i = j;
        } else {
            cps[k++] = cps[i++];
        }
    }
    return k;
}

int para_shape(struct para *p, struct fontset *fs, int family, float size,
               const char *text, struct rc_err *err) {
    size_t n, i;
    uint32_t *cps = utf8_to_cps(text, strlen(text), &n);
    unsigned char *brk;
    memset(p, 0, sizeof *p);
    p->size = size;
    if (cps == NULL) return rc_fail(err, RC_NOMEM, "out of memory");
    n = fold_space(cps, n);
    brk = malloc(n ? n : 1);
    p->glyphs = malloc((n ? n : 1) * sizeof *p->glyphs);
    if (brk == NULL || p->glyphs == NULL) abort();
    linebreak_analyze(cps, n, brk);
    for (i = 0; i < n; i++) {
        struct para_glyph *g = &p->glyphs[i];
        uint32_t cp = cps[i];
        int rc = fontset_glyph(fs, family, cp, &g->face, &g->gid, err);
        if (rc != RC_OK) { free(cps); free(brk); para_free(p); return rc; }
        g->cp = cp;
        g->advance = fontset_advance(fs, g->face, g->gid, size);
        g->brk = brk[i];
    }
    p->nglyphs = n;
    free(cps);
    free(brk);
    return RC_OK;
}

static void add_line(struct para *p, size_t first, size_t end, float indent, int last) {
    struct para_line *l;
    size_t i;
    if (p->nlines == p->caplines) {
        p->caplines = p->caplines ? p->caplines * 2 : 8;
        p->lines = realloc(p->lines, p->caplines * sizeof *p->lines);
        if (p->lines == NULL) abort();
    }
    while (end > first && p->glyphs[end - 1].cp == ' ') end--;
    l = &p->lines[p->nlines++];
    l->first = first;
    l->end = end;
    l->indent = indent;
    l->last = last;
    l->width = 0;
    for (i = first; i < end; i++) l->width += p->glyphs[i].advance;
}

static size_t skip_spaces(const struct para *p, size_t i) {
    while (i < p->nglyphs && p->glyphs[i].cp == ' ') i++;
    return i;
}

void para_break(struct para *p, float width, float indent) {
    size_t start = skip_spaces(p, 0), i, cand = 0;
    float w = indent, line_indent = indent;
    p->nlines = 0;
    for (i = start; i < p->nglyphs; i++) {
        const struct para_glyph *g = &p->glyphs[i];
        if (i > start && g->brk == LB_MUST) {
            add_line(p, start, i, line_indent, 1);
            start = i; cand = 0; w = line_indent = 0;
        } else if (i > start && g->brk == LB_ALLOW) {
            cand = i;
        }
        /* A space may hang past the margin: it is trimmed at the break. */
        if (w + g->advance > width + 0.01f && g->cp != ' ' && i > start) {
            size_t at = cand > start ? cand : i;
            add_line(p, start, at, line_indent, 0);
            start = skip_spaces(p, at);
            cand = 0; line_indent = 0; w = 0;
            i = start;   /* rescan from the new line's first glyph */
            if (i >= p->nglyphs) break;
            g = &p->glyphs[i];
        }
        w += g->advance;
    }
    if (start < p->nglyphs || p->nlines == 0) add_line(p, start, p->nglyphs, line_indent, 1);
}

float para_max_width(const struct para *p) {
    float m = 0;
    size_t i;
    for (i = 0; i < p->nlines; i++)
        if (p->lines[i].width + p->lines[i].indent > m) m = p->lines[i].width + p->lines[i].indent;
    return m;
}

/* Gaps that justification may widen: break opportunities inside the line. */
static size_t count_gaps(const struct para *p, const struct para_line *l) {
    size_t i, n = 0;
    for (i = l->first + 1; i < l->end; i++) if (p->glyphs[i].brk != LB_NO) n++;
    return n;
}

void para_draw_line(const struct para *p, size_t i, struct dl_page *page,
                    float x, float y, float width, enum doc_align align,
                    enum dl_role role, int bold) {
    const struct para_line *l = &p->lines[i];
    float pen = l->indent, extra = 0, slack = width - l->indent - l->width;
    struct dl_text *run = NULL;
    size_t k;
    if (align == DOC_JUSTIFY && !l->last && slack > 0) {
        size_t gaps = count_gaps(p, l);
        if (gaps && slack / (float)gaps < p->size) extra = slack / (float)gaps;
    } else if (align == DOC_CENTER) {
        pen += slack / 2;
    } else if (align == DOC_RIGHT) {
        pen += slack;
    }
    for (k = l->first; k < l->end; k++) {
        const struct para_glyph *g = &p->glyphs[k];
        if (k > l->first && g->brk != LB_NO) pen += extra;
        if (run == NULL || run->face != g->face) {
            if (run) run->width = pen - (run->x - x);
            run = display_add_text(page, g->face, p->size, x + pen, y, role);
            run->bold = bold;
        }
        if (g->cp != ' ') display_add_glyph(page, run, g->gid, g->cp, x + pen - run->x);
        pen += g->advance;
    }
    if (run) run->width = x + pen - run->x;
}

void para_free(struct para *p) {
    free(p->glyphs);
    free(p->lines);
    memset(p, 0, sizeof *p);
}

/*
** para.c: shaping text and breaking it into lines.
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
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../text/linebreak.h"

static const struct dl_color LINK_BLUE = { 0.05f, 0.25f, 0.60f };

static int is_space(uint32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

/* Characters between which a source line break is not a space. */
static int is_cjk(uint32_t cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF)
        || (cp >= 0x20000 && cp <= 0x3FFFF) || cp == 0x2014 || cp == 0x2026
        || cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019;
}

static int is_han(uint32_t cp) {
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x20000 && cp <= 0x3FFFF);
}

static int is_latin_alnum(uint32_t cp) {
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')
        || (cp >= 0xC0 && cp < 0x250 && cp != 0xD7 && cp != 0xF7);
}

void para_init(struct para *p) {
    memset(p, 0, sizeof *p);
    p->link_color = LINK_BLUE;
}

static void grow_cps(struct para *p, size_t extra) {
    size_t need = mem_add(p->ncps, extra);
    if (need <= p->capcps) return;
    while (need > p->capcps) p->capcps = p->capcps ? mem_mul(p->capcps, 2) : 64;
    p->cps = xreallocarray(p->cps, p->capcps, sizeof *p->cps, "paragraph text");
    p->styles = xreallocarray(p->styles, p->capcps, sizeof *p->styles, "paragraph styles");
}

void para_add(struct para *p, const struct para_style *style, const char *text, const char *url) {
    size_t n = strlen(text), i = 0;
    struct para_style st = *style;
    if (p->ncps == 0 && p->nglyphs == 0) p->size = style->size;
    if (url) {
        p->links = xreallocarray(p->links, mem_add(p->nlinks, 1), sizeof *p->links, "paragraph links");
        p->links[p->nlinks] = xstrdup(url, "a link target");
        st.link = (int)p->nlinks++;
    }
    grow_cps(p, n);
    while (i < n) {
        i += utf8_decode(text + i, n - i, &p->cps[p->ncps]);
        p->styles[p->ncps++] = st;
    }
}

/* Fold white space: runs become one ' ', dropped at the ends and between
** two CJK characters (a line break in a Lua long string is not a space in
** Chinese).  Styles move with their characters. */
static void fold_space(struct para *p) {
    size_t i = 0, k = 0, n = p->ncps;
    while (i < n) {
        if (is_space(p->cps[i])) {
            size_t j = i;
            while (j < n && is_space(p->cps[j])) j++;
            if (k > 0 && j < n && !(is_cjk(p->cps[k - 1]) && is_cjk(p->cps[j]))) {
                p->styles[k] = p->styles[i];
                p->cps[k++] = ' ';
            }
            i = j;
        } else {
            p->styles[k] = p->styles[i];
            p->cps[k++] = p->cps[i++];
        }
    }
    p->ncps = k;
}

/* clreq 3.2.2: a quarter-em gap between Han and Latin letters or digits.
** A space the source already has there becomes that gap, not gap + space. */
static void space_han_latin(struct para *p) {
    size_t i;
    for (i = 0; i + 1 < p->nglyphs; i++) {
        struct para_glyph *a = &p->glyphs[i], *b = &p->glyphs[i + 1];
        if ((is_han(a->cp) && is_latin_alnum(b->cp)) || (is_latin_alnum(a->cp) && is_han(b->cp)))
            a->gap = a->size * 0.25f;
        else if (b->cp == ' ' && i + 2 < p->nglyphs) {
            uint32_t c = p->glyphs[i + 2].cp;
            if ((is_han(a->cp) && is_latin_alnum(c)) || (is_latin_alnum(a->cp) && is_han(c)))
                b->advance = b->size * 0.25f;
        }
    }
}

int para_finish(struct para *p, struct fontset *fs, struct rc_err *err) {
    size_t i, n;
    unsigned char *brk;
    fold_space(p);
    n = p->ncps;
    brk = xmalloc(n, "line break classes");
    p->glyphs = xcalloc(n, sizeof *p->glyphs, "paragraph glyphs");
    linebreak_analyze(p->cps, n, brk);
    for (i = 0; i < n; i++) {
        struct para_glyph *g = &p->glyphs[i];
        const struct para_style *st = &p->styles[i];
        int rc = fontset_glyph(fs, st->family, p->cps[i], &g->face, &g->gid, err);
        if (rc != RC_OK) { free(brk); para_free(p); return rc; }
        g->cp = p->cps[i];
        g->size = st->size;
        g->rise = st->rise;
        g->bold = (unsigned char)st->bold;
        g->link = (short)st->link;
        g->note = (short)st->note;
        g->advance = fontset_advance(fs, g->face, g->gid, st->size);
        g->brk = brk[i];
    }
    p->nglyphs = n;
    free(brk);
    space_han_latin(p);
    free(p->cps);
    free(p->styles);
    p->cps = NULL;
    p->styles = NULL;
    p->ncps = p->capcps = 0;
    return RC_OK;
}

int para_shape(struct para *p, struct fontset *fs, int family, float size,
               const char *text, struct rc_err *err) {
    struct para_style st = { family, size, 0, 0, -1, 0 };
    para_init(p);
    para_add(p, &st, text, NULL);
    return para_finish(p, fs, err);
}

static void add_line(struct para *p, size_t first, size_t end, float indent, int last) {
    struct para_line *l;
    size_t i;
    if (p->nlines == p->caplines) {
        p->caplines = p->caplines ? p->caplines * 2 : 8;
        p->lines = xreallocarray(p->lines, p->caplines, sizeof *p->lines, "paragraph lines");
    }
    while (end > first && p->glyphs[end - 1].cp == ' ') end--;
    l = &p->lines[p->nlines++];
    l->first = first;
    l->end = end;
    l->indent = indent;
    l->last = last;
    l->width = 0;
    for (i = first; i < end; i++) l->width += p->glyphs[i].advance + p->glyphs[i].gap;
    if (end > first) l->width -= p->glyphs[end - 1].gap;
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
        w += g->advance + g->gap;
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

size_t para_line_notes(const struct para *p, size_t i, int *notes, size_t max) {
    const struct para_line *l = &p->lines[i];
    size_t k, n = 0;
    int last = 0;
    for (k = l->first; k < l->end; k++) {
        int note = p->glyphs[k].note;
        if (note == 0 || note == last) continue;
        if (n < max) notes[n] = note;
        n++;
        last = note;
    }
    return n;
}

/* Gaps that justification may widen: break opportunities inside the line. */
static size_t count_gaps(const struct para *p, const struct para_line *l) {
    size_t i, n = 0;
    for (i = l->first + 1; i < l->end; i++) if (p->glyphs[i].brk != LB_NO) n++;
    return n;
}

static int same_run(const struct para_glyph *a, const struct para_glyph *b) {
    return a->face == b->face && a->size == b->size && a->rise == b->rise
        && a->bold == b->bold && a->link == b->link;
}

/* One link area per stretch of a line that belongs to one link. */
static void add_links(const struct para *p, const struct para_line *l, struct dl_page *page,
                      const float *xs, float y) {
    size_t k = l->first;
    while (k < l->end) {
        size_t j = k;
        float rect[4];
        if (p->glyphs[k].link < 0) { k++; continue; }
        while (j < l->end && p->glyphs[j].link == p->glyphs[k].link) j++;
        rect[0] = xs[k - l->first];
        rect[1] = y - p->glyphs[k].size * 0.2f;
        rect[2] = xs[j - 1 - l->first] + p->glyphs[j - 1].advance;
        rect[3] = y + p->glyphs[k].size * 0.85f;
        display_add_link(page, rect, -1, 0, p->links[p->glyphs[k].link]);
        k = j;
    }
}

void para_draw_line(const struct para *p, size_t i, struct dl_page *page,
                    float x, float y, float width, enum doc_align align,
                    enum dl_role role, int bold) {
    const struct para_line *l = &p->lines[i];
    float pen = l->indent, extra = 0, slack = width - l->indent - l->width;
    float *xs = xreallocarray(NULL, l->end - l->first + 1, sizeof *xs, "glyph positions");
    const struct para_glyph *prev = NULL;
    struct dl_text *run = NULL;
    size_t k;
    int links = 0, line_id = page->nlines++;
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
        if (run == NULL || !same_run(prev, g)) {
            if (run) run->width = x + pen - run->x;
            run = display_add_text(page, g->face, g->size, x + pen, y + g->rise, role);
            run->bold = bold || g->bold;
            run->line = line_id;
            run->color = g->link >= 0 ? p->link_color : p->color;
        }
        xs[k - l->first] = x + pen;
        if (g->cp != ' ') display_add_glyph(page, run, g->gid, g->cp, x + pen - run->x);
        if (g->link >= 0) links = 1;
        pen += g->advance + g->gap;
        prev = g;
    }
    if (run) run->width = x + pen - run->x - (l->end > l->first ? p->glyphs[l->end - 1].gap : 0);
    if (links) add_links(p, l, page, xs, y);
    free(xs);
}

void para_free(struct para *p) {
    size_t i;
    for (i = 0; i < p->nlinks; i++) free(p->links[i]);
    free(p->links);
    free(p->glyphs);
    free(p->lines);
    free(p->cps);
    free(p->styles);
    memset(p, 0, sizeof *p);
}

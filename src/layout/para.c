/*
** para.c: shaping text and breaking it into lines.
**
** Each character gets a face by the font set's fallback (a combining
** mark stays in its base's face); each run of one face, style and script
** goes through hb_shape, which says which glyphs and how wide (kerning,
** ligatures, mark positioning, Thai/Lao/Khmer/Myanmar syllables).  Its
** clusters become what line breaking sees.  Breaking is ours: greedy
** first-fit at the opportunities that linebreak_analyze marks (UAX #14
** with the clreq prohibitions), which is what Chinese typesetting
** expects: lines are filled, and justification absorbs the rest.
*/
#include <stdlib.h>
#include <string.h>
#include <hb.h>
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

/* Characters that belong to the character before them: they stay in its
** face, so HarfBuzz sees base and mark together. */
static int joins_previous(hb_unicode_funcs_t *uf, uint32_t cp) {
    hb_unicode_general_category_t c = hb_unicode_general_category(uf, cp);
    return c == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK
        || c == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK
        || c == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK
        || cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F)
        || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static int same_style(const struct para_style *a, const struct para_style *b) {
    return a->family == b->family && a->size == b->size && a->rise == b->rise
        && a->bold == b->bold && a->link == b->link && a->note == b->note
        && a->features == b->features;
}

/* A face for every character. */
static int pick_faces(struct para *p, struct fontset *fs, int *faces, struct rc_err *err) {
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    size_t i;
    for (i = 0; i < p->ncps; i++) {
        const struct para_style *st = &p->styles[i];
        uint32_t cp = p->cps[i];
        hb_codepoint_t composed;
        int rc;
        if (i > 0 && same_style(st, &p->styles[i - 1]) && joins_previous(uf, cp)
            && (fontset_has(fs, faces[i - 1], cp)
                || (hb_unicode_compose(uf, p->cps[i - 1], cp, &composed)
                    && fontset_has(fs, faces[i - 1], composed)))) {
            faces[i] = faces[i - 1];
            continue;
        }
        rc = fontset_pick(fs, st->family, st->bold ? FS_BOLD : FS_REGULAR, cp, &faces[i], err);
        if (rc != RC_OK) return rc;
    }
    return RC_OK;
}

/* Each character's script, common and inherited ones (spaces, digits,
** punctuation, marks) taking the script of the text around them. */
static void resolve_scripts(const struct para *p, hb_script_t *scripts) {
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    hb_script_t last = HB_SCRIPT_INVALID;
    size_t i, k;
    for (i = 0; i < p->ncps; i++) {
        hb_script_t s = hb_unicode_script(uf, p->cps[i]);
        if (s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED || s == HB_SCRIPT_UNKNOWN) s = last;
        scripts[i] = last = s;
    }
    for (k = 0; k < p->ncps && scripts[k] == HB_SCRIPT_INVALID; k++) {}
    for (i = 0; i < k; i++) scripts[i] = k < p->ncps ? scripts[k] : HB_SCRIPT_HAN;
}

/* The language HarfBuzz shapes a script's text for (locl forms). */
static hb_language_t script_language(hb_script_t s) {
    const char *tag = s == HB_SCRIPT_THAI ? "th" : s == HB_SCRIPT_LAO ? "lo"
                    : s == HB_SCRIPT_KHMER ? "km" : s == HB_SCRIPT_MYANMAR ? "my" : "zh-Hans";
    return hb_language_from_string(tag, -1);
}

/* Features the run asks for; kern and liga are HarfBuzz's defaults. */
static unsigned run_features(unsigned bits, hb_feature_t *out) {
    static const struct { unsigned bit; char tag[5]; } table[] = {
        { PARA_FEAT_HALT, "halt" }, { PARA_FEAT_PALT, "palt" },
    };
    unsigned n = 0, k;
    for (k = 0; k < sizeof table / sizeof table[0]; k++) {
        if (!(bits & table[k].bit)) continue;
        out[n].tag = hb_tag_from_string(table[k].tag, 4);
        out[n].value = 1;
        out[n].start = HB_FEATURE_GLOBAL_START;
        out[n].end = HB_FEATURE_GLOBAL_END;
        n++;
    }
    return n;
}

static struct para_shaped *push_shaped(struct para *p) {
    if (p->nshaped == p->capshaped) {
        p->capshaped = p->capshaped ? p->capshaped * 2 : 64;
        p->shaped = xreallocarray(p->shaped, p->capshaped, sizeof *p->shaped, "shaped glyphs");
    }
    return &p->shaped[p->nshaped++];
}

/* One cluster from glyphs [k, kend) standing for characters [c, next). */
static void add_cluster(struct para *p, struct fontset *fs, int face, const unsigned char *brk,
                        const hb_glyph_info_t *info, const hb_glyph_position_t *pos,
                        unsigned k, unsigned kend, size_t c, size_t next) {
    struct para_glyph *g = &p->glyphs[p->nglyphs++];
    const struct para_style *st = &p->styles[c];
    float scale = st->size / (float)fontset_upem(fs, face);
    hb_position_t pen = 0;
    unsigned q;
    g->cp = p->cps[c];
    g->text = (uint32_t)c;
    g->ntext = (uint32_t)(next - c);
    g->shaped = (uint32_t)p->nshaped;
    g->nshaped = kend - k;
    g->face = face;
    g->brk = brk[c];
    g->bold = (unsigned char)(st->bold && fontset_weight(fs, face) != FS_BOLD);
    g->link = (short)st->link;
    g->note = (short)st->note;
    g->size = st->size;
    g->rise = st->rise;
    g->gap = 0;
    for (q = k; q < kend; q++) {
        struct para_shaped *s = push_shaped(p);
        s->gid = (uint16_t)info[q].codepoint;
        s->x = (float)(pen + pos[q].x_offset) * scale;
        s->dy = (float)pos[q].y_offset * scale;
        pen += pos[q].x_advance;
    }
    g->advance = (float)pen * scale;
}

/* Shape characters [start, end), all of one face, style and script. */
static void shape_run(struct para *p, struct fontset *fs, int face, hb_script_t script,
                      size_t start, size_t end, const unsigned char *brk) {
    hb_buffer_t *b = fontset_buffer(fs);
    hb_feature_t feats[4];
    unsigned nf = run_features(p->styles[start].features, feats), m, k, kend;
    const hb_glyph_info_t *info;
    const hb_glyph_position_t *pos;
    hb_buffer_add_codepoints(b, p->cps, (int)p->ncps, (unsigned)start, (int)(end - start));
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_set_script(b, script);
    hb_buffer_set_language(b, script_language(script));
    hb_shape(fontset_hb(fs, face), b, feats, nf);
    /* HarfBuzz reports running out of memory only here: glyphs would be
    ** missing from the page, so it is our out-of-memory policy's case. */
    if (!hb_buffer_allocation_successful(b))
        mem_fail("shaping a run of text", mem_mul(end - start, sizeof(hb_glyph_info_t) * 2));
    info = hb_buffer_get_glyph_infos(b, &m);
    pos = hb_buffer_get_glyph_positions(b, NULL);
    /* Left to right, clusters only grow; a font that made them go back
    ** has its glyphs merged into the cluster before.  Clusters cover the
    ** run's text from its start, so no character is lost from the text. */
    for (k = 0; k < m; k = kend) {
        size_t c = k == 0 ? start : info[k].cluster, next;   /* nothing before the first */
        for (kend = k + 1; kend < m && info[kend].cluster <= info[k].cluster; kend++) {}
        next = kend < m ? info[kend].cluster : end;
        add_cluster(p, fs, face, brk, info, pos, k, kend, c, next);
    }
}

int para_finish(struct para *p, struct fontset *fs, struct rc_err *err) {
    size_t i, end, n;
    unsigned char *brk;
    int *faces, rc;
    hb_script_t *scripts;
    fold_space(p);
    n = p->ncps;
    brk = xmalloc(n ? n : 1, "line breaks");
    faces = xreallocarray(NULL, n ? n : 1, sizeof *faces, "faces");
    scripts = xreallocarray(NULL, n ? n : 1, sizeof *scripts, "scripts");
    p->glyphs = xcalloc(n ? n : 1, sizeof *p->glyphs, "clusters");
    linebreak_analyze(p->cps, n, brk);
    rc = pick_faces(p, fs, faces, err);
    resolve_scripts(p, scripts);
    for (i = 0; rc == RC_OK && i < n; i = end) {
        for (end = i + 1; end < n && faces[end] == faces[i] && scripts[end] == scripts[i]
                          && same_style(&p->styles[end], &p->styles[i]); end++) {}
        shape_run(p, fs, faces[i], scripts[i], i, end, brk);
    }
    free(brk);
    free(faces);
    free(scripts);
    if (rc != RC_OK) { para_free(p); return rc; }
    space_han_latin(p);
    free(p->styles);
    p->styles = NULL;
    return RC_OK;
}

int para_shape(struct para *p, struct fontset *fs, int family, float size,
               const char *text, struct rc_err *err) {
    struct para_style st = { family, size, 0, 0, -1, 0, 0 };
    para_init(p);
    para_add(p, &st, text, NULL);
    return para_finish(p, fs, err);
}

static int is_space_cluster(const struct para_glyph *g) {
    return g->cp == ' ' && g->ntext == 1;
}

static void add_line(struct para *p, size_t first, size_t end, float indent, int last) {
    struct para_line *l;
    size_t i;
    if (p->nlines == p->caplines) {
        p->caplines = p->caplines ? p->caplines * 2 : 8;
        p->lines = xreallocarray(p->lines, p->caplines, sizeof *p->lines, "paragraph lines");
    }
    while (end > first && is_space_cluster(&p->glyphs[end - 1])) end--;
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
    while (i < p->nglyphs && is_space_cluster(&p->glyphs[i])) i++;
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
        if (w + g->advance > width + 0.01f && !is_space_cluster(g) && i > start) {
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

/* The cluster's glyphs; the first carries the cluster's text. */
static void draw_cluster(const struct para *p, const struct para_glyph *g, struct dl_page *page,
                         struct dl_text *run, float x) {
    uint32_t q;
    for (q = 0; q < g->nshaped; q++) {
        const struct para_shaped *s = &p->shaped[g->shaped + q];
        display_add_glyph(page, run, s->gid, x + s->x, s->dy,
                          q == 0 ? p->cps + g->text : NULL, q == 0 ? g->ntext : 0);
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
        if (!is_space_cluster(g)) draw_cluster(p, g, page, run, x + pen - run->x);
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
    free(p->shaped);
    free(p->lines);
    free(p->cps);
    free(p->styles);
    memset(p, 0, sizeof *p);
}

/*
** para.c: shaping text and breaking it into lines.
**
** Each character gets a face by the font set's fallback (a combining
** mark stays in its base's face); each run of one face, style and script
** goes through hb_shape, which says which glyphs and how wide (kerning,
** ligatures, mark positioning, Thai/Lao/Khmer/Myanmar syllables).  Its
** clusters become what line breaking sees.  Breaking is ours, at the
** opportunities that linebreak_analyze marks (UAX #14 with the clreq
** prohibitions) and the hyphenation points of long English words:
** total-fit by default (linefit.c weighs the whole paragraph: stretch of
** the gaps between characters, shrink of punctuation's blank halves and
** of spaces, runts), or greedy first-fit, line by line.
*/
#include <stdlib.h>
#include <string.h>
#include <hb.h>
#include "para.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../text/hyphen.h"
#include "../text/linebreak.h"
#include "linefit.h"

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
        if (a->note || b->note) continue;     /* see tie_note_markers */
        if ((is_han(a->cp) && is_latin_alnum(b->cp)) || (is_latin_alnum(a->cp) && is_han(b->cp)))
            a->gap = a->size * 0.25f;
        else if (b->cp == ' ' && i + 2 < p->nglyphs) {
            uint32_t c = p->glyphs[i + 2].cp;
            if ((is_han(a->cp) && is_latin_alnum(c)) || (is_latin_alnum(a->cp) && is_han(c)))
                b->advance = b->size * 0.25f;
        }
    }
}

/* clreq: a footnote marker sits tight against the character it follows,
** with no gap on either side: no Han-Latin gap around its digits (above),
** no line break before it, no justification space before it, and a
** space the source has before it takes no room. */
static void tie_note_markers(struct para *p) {
    size_t i;
    for (i = 1; i < p->nglyphs; i++) {
        struct para_glyph *g = &p->glyphs[i], *prev = &p->glyphs[i - 1];
        if (g->note == 0 || g->note == prev->note) continue;
        g->brk = LB_NO;
        if (prev->cp == ' ' && prev->ntext == 1) { prev->advance = 0; prev->gap = 0; }
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
                        const struct shape_glyph *sg, unsigned k, unsigned kend, size_t c,
                        size_t next) {
    struct para_glyph *g = &p->glyphs[p->nglyphs++];
    const struct para_style *st = &p->styles[c];
    float scale = st->size / (float)fontset_upem(fs, face);
    int32_t pen = 0;
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
    g->lead = 0;
    for (q = k; q < kend; q++) {
        struct para_shaped *s = push_shaped(p);
        s->gid = (uint16_t)sg[q].gid;
        s->x = (float)(pen + sg[q].x) * scale;
        s->dy = (float)sg[q].y * scale;
        pen += sg[q].advance;
    }
    g->advance = (float)pen * scale;
}

/* Shape characters [start, end), all of one face, style and script. */
static void shape_run(struct para *p, struct fontset *fs, int face, hb_script_t script,
                      size_t start, size_t end, const unsigned char *brk) {
    hb_feature_t feats[4];
    unsigned bits = p->styles[start].features, m, k, kend;
    struct shape_run r = { face, NULL, script, script_language(script), feats,
                           run_features(bits, feats), bits, p->cps, p->ncps, start, end };
    const struct shape_glyph *sg = fontset_shape(fs, &r, &m);
    /* Left to right, clusters only grow; a font that made them go back
    ** has its glyphs merged into the cluster before.  Clusters cover the
    ** run's text from its start, so no character is lost from the text. */
    for (k = 0; k < m; k = kend) {
        size_t c = k == 0 ? start : sg[k].cluster, next;   /* nothing before the first */
        for (kend = k + 1; kend < m && sg[kend].cluster <= sg[k].cluster; kend++) {}
        next = kend < m ? sg[kend].cluster : end;
        add_cluster(p, fs, face, brk, sg, k, kend, c, next);
    }
}

/* ---- punctuation adjustment (clreq 3.1.6) ----------------------------------------
**
** A full-width mark has its ink in one half of its em and the other half
** blank.  Between two adjacent marks the blank is cut to at most half an
** em: the first mark's blank right side goes (。」 ）， ：“ 1.5 em), else
** the second's blank left side (（「), so three marks take 2 em (）、（).
** Which half is blank is read from the glyph's bounds, not assumed from
** the character: Noto SC sets ：；！？ left in the em (mainland style), a
** Traditional face centres them, and a centred mark is left alone.  The
** face's `halt` feature positions the compressed glyph where it has one;
** otherwise the blank half of the advance is taken away by hand. */

enum { BLANK_NONE, BLANK_LEFT, BLANK_RIGHT };

/* Marks that clreq adjusts: brackets, quotes, pause and stop marks. */
static int is_opening(uint32_t cp) {
    switch (cp) {
    case 0xFF08: case 0x3014: case 0xFF3B: case 0xFF5B: case 0x3008: case 0x300A:
    case 0x300C: case 0x300E: case 0x3010: case 0x3016: case 0x3018: case 0x301A:
    case 0x201C: case 0x2018:
        return 1;
    }
    return 0;
}

static int is_adjustable(uint32_t cp) {
    switch (cp) {
    case 0xFF09: case 0x3015: case 0xFF3D: case 0xFF5D: case 0x3009: case 0x300B:
    case 0x300D: case 0x300F: case 0x3011: case 0x3017: case 0x3019: case 0x301B:
    case 0x201D: case 0x2019:
    case 0x3002: case 0xFF0C: case 0x3001: case 0xFF0E: case 0xFF1A: case 0xFF1B:
    case 0xFF01: case 0xFF1F:
        return 1;
    }
    return is_opening(cp);
}

/* The blank half of a one-glyph full-width mark, from its ink bounds;
** `ink` gets where its ink begins, pt from the cluster's origin. */
static int blank_side(const struct para *p, struct fontset *fs, const struct para_glyph *g,
                      float *ink) {
    const struct para_shaped *s;
    hb_glyph_extents_t ext;
    float scale, left, right, half, slack;
    if (g->nshaped != 1 || g->ntext != 1 || !is_adjustable(g->cp)) return BLANK_NONE;
    if (g->advance < g->size * 0.9f || g->advance > g->size * 1.1f) return BLANK_NONE;
    s = &p->shaped[g->shaped];
    if (!fontset_extents(fs, g->face, s->gid, &ext) || ext.width <= 0) return BLANK_NONE;
    scale = g->size / (float)fontset_upem(fs, g->face);
    left = s->x + (float)ext.x_bearing * scale;
    right = left + (float)ext.width * scale;
    *ink = left;
    half = g->advance / 2;
    slack = g->size * 0.06f;      /* ink may touch the middle of the em */
    if (left >= -slack && right <= half + slack) return BLANK_RIGHT;
    if (left >= half - slack && right <= g->advance + slack) return BLANK_LEFT;
    return BLANK_NONE;
}

/* The mark shaped with `halt`: its advance and x offset in pt, or 0 when
** the face has no halt form for it that removes the blank `side`. */
static int halt_form(const struct para *p, struct fontset *fs, const struct para_glyph *g,
                     int side, float *advance, float *x) {
    static const hb_feature_t halt = { HB_TAG('h', 'a', 'l', 't'), 1, HB_FEATURE_GLOBAL_START,
                                       HB_FEATURE_GLOBAL_END };
    struct shape_run r = { g->face, NULL, HB_SCRIPT_HAN, script_language(HB_SCRIPT_HAN), &halt, 1,
                           PARA_FEAT_HALT, p->cps, p->ncps, g->text, g->text + g->ntext };
    float scale = g->size / (float)fontset_upem(fs, g->face), tol = g->size * 0.02f;
    unsigned m;
    const struct shape_glyph *sg = fontset_shape(fs, &r, &m);
    if (m != 1 || sg[0].gid != p->shaped[g->shaped].gid) return 0;
    *advance = (float)sg[0].advance * scale;
    *x = (float)sg[0].x * scale;
    if (*advance > g->advance / 2 + tol || *advance < g->advance / 2 - tol) return 0;
    if (side == BLANK_LEFT ? *x > -g->advance / 2 + tol : *x < -tol) return 0;
    return 1;
}

/* Take the blank half off side `side` of glyph i. */
static void compress_mark(struct para *p, struct fontset *fs, size_t i, int side) {
    struct para_glyph *g = &p->glyphs[i];
    struct para_shaped *s = &p->shaped[g->shaped];
    float advance, x;
    if (halt_form(p, fs, g, side, &advance, &x)) {
        s->x = x;
        g->advance = advance;
        return;
    }
    if (side == BLANK_LEFT) s->x -= g->advance / 2;
    g->advance /= 2;
}

static void adjust_punctuation(struct para *p, struct fontset *fs) {
    unsigned char *blank;
    float *ink;
    size_t i;
    if (p->punct == PARA_PUNCT_FULL || p->nglyphs == 0) return;
    blank = xmalloc(p->nglyphs, "punctuation sides");
    ink = xreallocarray(NULL, p->nglyphs, sizeof *ink, "punctuation ink");
    for (i = 0; i < p->nglyphs; i++)
        blank[i] = (unsigned char)blank_side(p, fs, &p->glyphs[i], &ink[i]);
    for (i = 0; i < p->nglyphs; i++) {
        if (p->punct == PARA_PUNCT_HALF) {
            if (blank[i] != BLANK_NONE) compress_mark(p, fs, i, blank[i]);
            continue;
        }
        if (i + 1 < p->nglyphs && blank[i + 1] != BLANK_NONE && blank[i] != BLANK_NONE) {
            if (blank[i] == BLANK_RIGHT) {
                compress_mark(p, fs, i, BLANK_RIGHT);
                blank[i] = BLANK_NONE;
            } else if (blank[i + 1] == BLANK_LEFT) {
                compress_mark(p, fs, i + 1, BLANK_LEFT);
                blank[i + 1] = BLANK_NONE;
            }
        }
        /* An opening mark still blank on its left starts a line with its
        ** ink on the margin (the blank half and the bearing inside the ink half). */
        if (blank[i] == BLANK_LEFT && is_opening(p->glyphs[i].cp))
            p->glyphs[i].lead = ink[i];
    }
    /* A blank half left is what a line may shrink by (clreq line adjustment). */
    for (i = 0; p->punct == PARA_PUNCT_COMPRESS && i < p->nglyphs; i++) {
        if (blank[i] == BLANK_NONE) continue;
        p->glyphs[i].shrink = p->glyphs[i].advance / 2;
        p->glyphs[i].blank_left = blank[i] == BLANK_LEFT;
    }
    free(blank);
    free(ink);
}

/* A footnote marker after a mark blank on its right ("。¹"): the blank
** moves after the marker, so the marker sits against the mark's ink and
** the space stays between the sentences (dropped at a line end, as a gap). */
static void marks_before_notes(struct para *p, struct fontset *fs) {
    size_t i, end;
    float ink, before;
    for (i = 1; i < p->nglyphs; i = end) {
        end = i + 1;
        if (p->glyphs[i].note == 0 || p->glyphs[i].note == p->glyphs[i - 1].note) continue;
        while (end < p->nglyphs && p->glyphs[end].note == p->glyphs[i].note) end++;
        if (blank_side(p, fs, &p->glyphs[i - 1], &ink) != BLANK_RIGHT) continue;
        before = p->glyphs[i - 1].advance;
        compress_mark(p, fs, i - 1, BLANK_RIGHT);
        p->glyphs[i - 1].shrink = 0;       /* its blank half is the marker's gap now */
        p->glyphs[end - 1].gap += before - p->glyphs[i - 1].advance;
    }
}

enum para_punct para_punct_named(const char *name) {
    if (strcmp(name, "full") == 0) return PARA_PUNCT_FULL;
    if (strcmp(name, "half") == 0) return PARA_PUNCT_HALF;
    return PARA_PUNCT_COMPRESS;
}

int para_is_space(const struct para_glyph *g) {
    return g->cp == ' ' && g->ntext == 1;
}

uint32_t para_last_cp(const struct para *p, size_t i) {
    const struct para_glyph *g = &p->glyphs[i];
    return g->ntext ? p->cps[g->text + g->ntext - 1] : g->cp;
}

int para_cut_allowed(const struct para *p, size_t i) {
    return !linebreak_no_start(p->glyphs[i].cp) && !linebreak_no_end(para_last_cp(p, i - 1));
}

/* ---- hyphenation ------------------------------------------------------------------
**
** Words of ASCII letters at least HYPHEN_MIN_WORD long, outside URLs and
** not all capitals (acronyms), get libhyphen's points; a point becomes
** the width and glyph of the hyphen a line ending there draws. */

static int is_ascii_letter(uint32_t cp) {
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
}

/* Is the word at cps[a, b) part of a URL or an address (a token with
** "://", "www." or "@")? */
static int in_url(const struct para *p, size_t a, size_t b) {
    size_t s = a, e = b, i;
    while (s > 0 && !is_space(p->cps[s - 1]) && p->cps[s - 1] < 0x80) s--;
    while (e < p->ncps && !is_space(p->cps[e]) && p->cps[e] < 0x80) e++;
    for (i = s; i < e; i++) {
        if (p->cps[i] == '@') return 1;
        if (i + 2 < e && p->cps[i] == ':' && p->cps[i + 1] == '/' && p->cps[i + 2] == '/') return 1;
        if (i + 3 < e && (p->cps[i] | 0x20) == 'w' && (p->cps[i + 1] | 0x20) == 'w'
            && (p->cps[i + 2] | 0x20) == 'w' && p->cps[i + 3] == '.') return 1;
    }
    return 0;
}

static int all_capitals(const uint32_t *w, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) if (w[i] >= 'a') return 0;
    return 1;
}

/* The hyphen glyph of `face` and its width at `size`; 0 when it has none. */
static float hyphen_glyph(struct fontset *fs, int face, float size, uint16_t *gid) {
    hb_font_t *font = fontset_hb(fs, face);
    hb_codepoint_t g;
    if (!hb_font_get_nominal_glyph(font, '-', &g))
        return 0;
    *gid = (uint16_t)g;
    return (float)hb_font_get_glyph_h_advance(font, g) * size / (float)fontset_upem(fs, face);
}

static void mark_word(struct para *p, struct fontset *fs, size_t first, size_t end,
                      size_t *cluster, unsigned char *at) {
    size_t j;
    if (!hyphen_points(p->cps + first, end - first, at)) return;
    for (j = 1; j < end - first; j++) {
        struct para_glyph *g;
        if (!at[j]) continue;
        while (*cluster < p->nglyphs && p->glyphs[*cluster].text < first + j) (*cluster)++;
        if (*cluster == 0 || *cluster >= p->nglyphs) return;
        g = &p->glyphs[*cluster];
        /* only between two clusters of one run: not inside a ligature, not
        ** where the style changes */
        if (g->text != first + j || g->brk != LB_NO || g[-1].face != g->face
            || g[-1].size != g->size || g[-1].link != g->link) continue;
        g->hyphen = hyphen_glyph(fs, g[-1].face, g[-1].size, &g->hyphen_gid);
    }
}

static void mark_hyphens(struct para *p, struct fontset *fs) {
    unsigned char at[HYPHEN_MAX_WORD];
    size_t i = 0, end, cluster = 0;
    while (i < p->ncps) {
        if (!is_ascii_letter(p->cps[i])) { i++; continue; }
        for (end = i; end < p->ncps && is_ascii_letter(p->cps[end]); end++) {}
        if (end - i >= HYPHEN_MIN_WORD && end - i <= HYPHEN_MAX_WORD
            && !(end < p->ncps && p->cps[end] >= 0x80 && is_latin_alnum(p->cps[end]))
            && !all_capitals(p->cps + i, end - i) && !in_url(p, i, end))
            mark_word(p, fs, i, end, &cluster, at);
        i = end;
    }
}

/* Justification widens the gaps at break opportunities, between Han
** characters and at spaces, but not those between two ASCII characters
** that touch: inside a URL ("caict.|ac.|cn/") or after a hyphen a break
** may come, but a widened gap there would read as a space. */
static void mark_gaps(struct para *p) {
    size_t i;
    for (i = 1; i < p->nglyphs; i++) {
        const struct para_glyph *a = &p->glyphs[i - 1], *b = &p->glyphs[i];
        p->glyphs[i].widen = b->brk != LB_NO
            && !(a->cp < 0x80 && b->cp < 0x80 && a->cp != ' ' && b->cp != ' ');
    }
}

/* Whether justification widens the gap before g: a caller may have taken
** the break away since (a footnote number's hang). */
static int widens(const struct para_glyph *g) {
    return g->widen && g->brk != LB_NO;
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
    tie_note_markers(p);
    adjust_punctuation(p, fs);
    if (p->punct != PARA_PUNCT_FULL) marks_before_notes(p, fs);
    for (i = 0; i < p->nglyphs; i++)
        if (para_is_space(&p->glyphs[i])) p->glyphs[i].shrink = p->glyphs[i].advance / 3;
    if (p->hyphenate) mark_hyphens(p, fs);
    mark_gaps(p);
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

/* What a line of glyphs [first, end) may shrink by: its clusters' shrink
** (gaps stay: the Han-Latin quarter em, a footnote number's hang); a flush
** bracket's blank half is gone already. */
static float line_shrink(const struct para *p, size_t first, size_t end, float lead) {
    float sh = 0;
    size_t i;
    for (i = first; i < end; i++) sh += p->glyphs[i].shrink;
    if (end > first && lead > 0) sh -= p->glyphs[first].shrink;
    return sh > 0 ? sh : 0;
}

static void add_line(struct para *p, size_t first, size_t end, float indent, float lead,
                     int last, int hyphen) {
    struct para_line *l;
    size_t i;
    if (p->nlines == p->caplines) {
        p->caplines = p->caplines ? p->caplines * 2 : 8;
        p->lines = xreallocarray(p->lines, p->caplines, sizeof *p->lines, "paragraph lines");
    }
    while (end > first && para_is_space(&p->glyphs[end - 1])) end--;
    l = &p->lines[p->nlines++];
    l->first = first;
    l->end = end;
    l->indent = indent;
    l->lead = end > first ? lead : 0;
    l->last = last;
    l->hyphen = hyphen && end > first && end < p->nglyphs && p->glyphs[end].hyphen > 0;
    l->width = -l->lead;
    for (i = first; i < end; i++) l->width += p->glyphs[i].advance + p->glyphs[i].gap;
    if (end > first) l->width -= p->glyphs[end - 1].gap;
    if (l->hyphen) l->width += p->glyphs[end].hyphen;
    l->shrink = line_shrink(p, first, end, l->lead);
}

static size_t skip_spaces(const struct para *p, size_t i) {
    while (i < p->nglyphs && para_is_space(&p->glyphs[i])) i++;
    return i;
}

enum para_fit para_fit_named(const char *name) {
    return strcmp(name, "first-fit") == 0 ? PARA_FIRST_FIT : PARA_TOTAL_FIT;
}

static void break_first_fit(struct para *p, float width, float indent) {
    size_t start = skip_spaces(p, 0), i, cand = 0;
    float w = indent, line_indent = indent, lead = 0;
    for (i = start; i < p->nglyphs; i++) {
        const struct para_glyph *g = &p->glyphs[i];
        if (i > start && g->brk == LB_MUST) {
            add_line(p, start, i, line_indent, lead, 1, 0);
            start = i; cand = 0; w = line_indent = lead = 0;
        } else if (i > start && g->brk == LB_ALLOW) {
            cand = i;
        }
        /* A space may hang past the margin: it is trimmed at the break. */
        if (w + g->advance > width + 0.01f && !para_is_space(g) && i > start) {
            size_t at = cand > start ? cand : i;
            add_line(p, start, at, line_indent, lead, 0, 0);
            start = skip_spaces(p, at);
            cand = 0; line_indent = 0;
            i = start;   /* rescan from the new line's first glyph */
            if (i >= p->nglyphs) break;
            /* a line that a break starts sets its opening bracket flush (clreq) */
            lead = p->glyphs[i].lead;
            w = -lead;
            g = &p->glyphs[i];
        }
        w += g->advance + g->gap;
    }
    if (start < p->nglyphs || p->nlines == 0)
        add_line(p, start, p->nglyphs, line_indent, start < p->nglyphs ? lead : 0, 1, 0);
}

/* ---- total-fit -------------------------------------------------------------------
**
** Every place a line may end becomes an lf_point: break opportunities,
** hard breaks (forced), hyphenation points (a penalty, and the hyphen's
** width), and inside a token wider than the line, every cluster boundary
** (a larger penalty: such a token is cut somewhere in any case).  Stretch
** is counted in quarter ems a gap, so the breaker's ratio 1 is the 0.25 em
** a gap that clreq-style justification should not pass. */

enum { PT_NONE, PT_ALLOW, PT_MUST, PT_HYPHEN, PT_CUT };

#define STRETCH_EM     0.25f
#define HYPHEN_PENALTY 50.0f
#define CUT_PENALTY    500.0f

static int point_kind(const struct para_glyph *g) {
    if (g->brk == LB_MUST) return PT_MUST;
    if (g->brk == LB_ALLOW) return PT_ALLOW;
    return g->hyphen > 0 ? PT_HYPHEN : PT_NONE;
}

/* Cuts inside the token [s, e): the boundaries clreq allows, or every
** boundary when it allows none (a token of closing marks only). */
static void mark_cuts(const struct para *p, size_t s, size_t e, unsigned char *kind) {
    size_t j;
    int any = 0;
    for (j = s + 1; j < e; j++)
        if (para_cut_allowed(p, j)) { kind[j] = PT_CUT; any = 1; }
    if (!any) for (j = s + 1; j < e; j++) kind[j] = PT_CUT;
}

/* Kinds of the points after `start`: where a token (the glyphs between
** two points) is wider than `width`, its inner boundaries become cuts. */
static void find_points(const struct para *p, size_t start, float width, unsigned char *kind) {
    size_t i, token = start;
    float w = 0;
    for (i = start; i <= p->nglyphs; i++) {
        int k = i == p->nglyphs ? PT_MUST : i > start ? point_kind(&p->glyphs[i]) : PT_NONE;
        kind[i] = (unsigned char)k;
        if (k != PT_NONE) {
            if (w > width) mark_cuts(p, token, i, kind);
            token = i;
            w = 0;
        }
        if (i < p->nglyphs) w += p->glyphs[i].advance + p->glyphs[i].gap;
    }
}

/* Running totals over the glyphs laid so far. */
struct totals { double x, stretch, shrink; size_t chars; };

static void add_glyph(struct totals *t, const struct para_glyph *g, float unit) {
    t->x += g->advance + g->gap;
    t->shrink += g->shrink;
    if (widens(g)) t->stretch += unit;
    if (!para_is_space(g)) t->chars += g->ntext;
}

/* The point for a break before glyph i: `end` holds the totals up to the
** last glyph that is not a space, `gap` that glyph's gap; `at` the totals
** before glyph i.  Returns the totals at the next line's first glyph. */
static struct totals make_point(const struct para *p, size_t i, int kind, const struct totals *end,
                                float gap, struct totals at, float unit, struct lf_point *pt) {
    size_t s = i;
    float lead;
    pt->end_x = end->x - gap + (kind == PT_HYPHEN ? p->glyphs[i].hyphen : 0);
    pt->end_stretch = end->stretch;
    pt->end_shrink = end->shrink;
    pt->end_chars = end->chars;
    pt->penalty = kind == PT_HYPHEN ? HYPHEN_PENALTY : kind == PT_CUT ? CUT_PENALTY : 0;
    pt->flags = (kind == PT_MUST ? LF_FORCED : 0) | (kind == PT_HYPHEN ? LF_HYPHEN : 0);
    if (kind != PT_MUST) while (s < p->nglyphs && para_is_space(&p->glyphs[s])) add_glyph(&at, &p->glyphs[s++], unit);
    lead = kind == PT_MUST || s >= p->nglyphs ? 0 : p->glyphs[s].lead;
    pt->start_x = at.x + lead;
    pt->start_stretch = at.stretch + (s < p->nglyphs && widens(&p->glyphs[s]) ? unit : 0);
    pt->start_shrink = at.shrink + (lead > 0 ? p->glyphs[s].shrink : 0);
    pt->start_chars = at.chars;
    return at;
}

/* When every piece between hard breaks fits on its line at natural width
** (a label measured at an unbounded width, a short cell), those pieces
** are the lines, as the breaker would find: this keeps an unbounded
** width from leaving every break active. */
static int fits_whole(struct para *p, size_t start, float width, float indent) {
    size_t i, first = start;
    float w = 0, measure = width - indent;
    for (i = start; i <= p->nglyphs; i++) {
        if (i == p->nglyphs || (i > first && p->glyphs[i].brk == LB_MUST)) {
            if (w - (i > first ? p->glyphs[i - 1].gap : 0) > measure + 0.01f) return 0;
            first = i;
            w = 0;
            measure = width;
        }
        if (i < p->nglyphs) w += p->glyphs[i].advance + p->glyphs[i].gap;
    }
    first = start;
    for (i = start + 1; i <= p->nglyphs; i++)
        if (i == p->nglyphs || p->glyphs[i].brk == LB_MUST) {
            add_line(p, first, i, first == start ? indent : 0, 0, 1, 0);
            first = i;
        }
    return 1;
}

static void break_total_fit(struct para *p, float width, float indent) {
    size_t start = skip_spaces(p, 0), n = p->nglyphs, i, npoints = 0, *pos, k, line_start;
    unsigned char *kind;
    struct lf_point *points;
    struct totals run = { 0, 0, 0, 0 }, end = run;
    struct lf_result res;
    float unit = STRETCH_EM * p->size, gap = 0;
    if (start >= n) { add_line(p, start, n, indent, 0, 1, 0); return; }
    if (fits_whole(p, start, width, indent)) return;
    kind = xmalloc(mem_add(n, 1), "break kinds");
    find_points(p, start, width, kind);
    for (i = start + 1; i <= n; i++) if (kind[i] != PT_NONE) npoints++;
    points = xreallocarray(NULL, npoints + 1, sizeof *points, "break points");
    pos = xreallocarray(NULL, npoints + 1, sizeof *pos, "break positions");
    memset(&points[0], 0, sizeof points[0]);
    if (widens(&p->glyphs[start])) points[0].start_stretch = unit;
    pos[0] = start;
    npoints = 1;
    for (i = start; i <= n; i++) {
        if (i > start && kind[i] != PT_NONE) {
            pos[npoints] = i;
            make_point(p, i, kind[i], &end, gap, run, unit, &points[npoints++]);
        }
        if (i == n) break;
        add_glyph(&run, &p->glyphs[i], unit);
        if (!para_is_space(&p->glyphs[i])) { end = run; gap = p->glyphs[i].gap; }
    }
    linefit_break(points, npoints, width - indent, width, unit, &res);
    p->loose = res.loose;
    line_start = start;
    for (k = 0; k < res.nbreaks; k++) {
        size_t b = res.breaks[k], at = pos[b];
        int forced = kind[at] == PT_MUST, after_forced = k > 0 && kind[pos[res.breaks[k - 1]]] == PT_MUST;
        float lead = k == 0 || after_forced ? 0 : p->glyphs[line_start].lead;
        add_line(p, line_start, at, k == 0 ? indent : 0, line_start < n ? lead : 0, forced,
                 kind[at] == PT_HYPHEN);
        line_start = forced ? at : skip_spaces(p, at);
    }
    linefit_free(&res);
    free(points);
    free(pos);
    free(kind);
}

void para_break(struct para *p, float width, float indent) {
    p->nlines = 0;
    p->loose = 0;
    if (p->fit == PARA_FIRST_FIT) break_first_fit(p, width, indent);
    else break_total_fit(p, width, indent);
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

/* Gaps that justification may widen (see mark_gaps) inside the line. */
static size_t count_gaps(const struct para *p, const struct para_line *l) {
    size_t i, n = 0;
    for (i = l->first + 1; i < l->end; i++) if (widens(&p->glyphs[i])) n++;
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

/* The hyphen at the end of a hyphenated line; its text is a soft hyphen,
** so copied text reads the word whole (pdftotext: "hyphen\u00ADation"). */
static const uint32_t SOFT_HYPHEN = 0xAD;

void para_draw_line(const struct para *p, size_t i, struct dl_page *page,
                    float x, float y, float width, enum doc_align align,
                    enum dl_role role, int bold) {
    const struct para_line *l = &p->lines[i];
    float pen = l->indent - l->lead, extra = 0, slack = width - l->indent - l->width, squeeze = 0;
    float *xs = xreallocarray(NULL, l->end - l->first + 1, sizeof *xs, "glyph positions");
    const struct para_glyph *prev = NULL;
    struct dl_text *run = NULL;
    size_t k;
    int links = 0, every = 0, line_id = page->nlines++;
    if (slack < 0 && l->shrink > 0) {
        /* total-fit set more on the line than fits at natural width: take
        ** the overflow from the blank halves of marks, spaces and gaps */
        squeeze = -slack / l->shrink;
        if (squeeze > 1) squeeze = 1;
        slack += squeeze * l->shrink;
    }
    if (align == DOC_JUSTIFY && !l->last && slack > 0) {
        size_t gaps = count_gaps(p, l), clusters = l->end - l->first;
        if (gaps && slack / (float)gaps < p->size) extra = slack / (float)gaps;
        /* a piece of a token cut to fit (a long URL) has no gaps: spread
        ** the little that is left between its characters instead */
        else if (!gaps && clusters > 1 && slack / (float)(clusters - 1) < p->size * 0.1f) {
            extra = slack / (float)(clusters - 1);
            every = 1;
        }
    } else if (align == DOC_CENTER) {
        pen += slack / 2;
    } else if (align == DOC_RIGHT) {
        pen += slack;
    }
    for (k = l->first; k < l->end; k++) {
        const struct para_glyph *g = &p->glyphs[k];
        float cut = k == l->first && l->lead > 0 ? 0 : squeeze * g->shrink;
        if (k > l->first && (every || widens(g))) pen += extra;
        if (run == NULL || !same_run(prev, g)) {
            if (run) run->width = x + pen - run->x;
            /* a flush bracket's run still starts at the line's edge; the glyph moves */
            run = display_add_text(page, g->face, g->size, x + pen + (k == l->first ? l->lead : 0),
                                   y + g->rise, role);
            run->bold = bold || g->bold;
            run->line = line_id;
            run->color = g->link >= 0 ? p->link_color : p->color;
            run->stretch = extra / p->size;
            run->last = (unsigned char)l->last;
            run->loose = (unsigned char)p->loose;
            run->justify = align == DOC_JUSTIFY;
        }
        xs[k - l->first] = x + pen;
        if (!para_is_space(g))
            draw_cluster(p, g, page, run, x + pen - run->x - (g->blank_left ? cut : 0));
        if (g->link >= 0) links = 1;
        pen += g->advance - cut + g->gap;
        prev = g;
    }
    if (run && l->hyphen) {
        const struct para_glyph *h = &p->glyphs[l->end];
        float at = x + pen - p->glyphs[l->end - 1].gap - run->x;
        display_add_glyph(page, run, h->hyphen_gid, at, 0, &SOFT_HYPHEN, 1);
        pen += h->hyphen;
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

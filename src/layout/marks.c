/*
** marks.c: the two-em marks "——" and "……", and leader dots, drawn where
** the face's glyphs would not do.  See marks.h.
**
** How a face is judged: from its glyphs' ink (HarfBuzz glyph extents) as
** shaping placed them.  "——" passes when its ink is one unbroken stroke
** (no gap over 0.02 em between the glyphs' ink) at least 1.8 em long whose
** middle lies within 0.05 em of the em box's centre line; Noto CJK SC
** passes (a two-em ligature centred on the line); AR PL UMing (two dashes
** 0.21 em apart) and WenQuanYi Micro Hei (drawn 0.11 em low) do not.
** "……" passes when its dots are centred the same way and the gap between
** the two glyphs matches the gaps inside them (dots as tall as wide).
** A failing mark is drawn here: the dash as a filled rule 1.92 em long,
** the dots as six discs evenly spread over 1.9 em; its glyphs stay in the run as
** invisible text, so copying and search still give the characters.
*/
#include <string.h>
#include <hb.h>
#include "marks.h"

#define DASH 0x2014
#define ELLIPSIS 0x2026
#define GAP_EM 0.02f        /* the largest break in a "continuous" dash */
#define CENTRE_TOL_EM 0.05f
#define EVEN_TOL_EM 0.05f   /* dots: gap between glyphs against gaps inside */

struct ink { float x0, x1, y0, y1; };   /* pt, relative to the run's origin */

/* The glyphs [a, b) of a run that make one two-em mark, if the clusters
** from glyph a spell "——" or "……" (a ligature of both characters, or one
** cluster each).  Returns the mark's character, or 0. */
static uint32_t mark_at(const struct dl_page *p, const struct dl_text *t, size_t a, size_t *b) {
    const struct dl_glyph *g = &p->glyphs[t->first + a];
    const uint32_t *text = display_glyph_text(p, g);
    size_t k = a + 1;
    uint32_t cp;
    if (text == NULL || (text[0] != DASH && text[0] != ELLIPSIS)) return 0;
    cp = text[0];
    while (k < t->count && p->glyphs[t->first + k].ntext == 0) k++;
    if (g->ntext == 2 && text[1] == cp) { *b = k; return cp; }
    if (g->ntext != 1 || k >= t->count) return 0;
    g = &p->glyphs[t->first + k];
    text = display_glyph_text(p, g);
    if (g->ntext != 1 || text[0] != cp) return 0;
    for (k++; k < t->count && p->glyphs[t->first + k].ntext == 0; k++) {}
    *b = k;
    return cp;
}

static int glyph_ink(struct fontset *fs, const struct dl_text *t, const struct dl_glyph *g,
                     struct ink *out) {
    hb_glyph_extents_t e;
    float scale;
    if (!fontset_extents(fs, t->face, g->gid, &e) || e.width <= 0) return 0;
    scale = t->size / (float)fontset_upem(fs, t->face);
    out->x0 = g->x + (float)e.x_bearing * scale;
    out->x1 = out->x0 + (float)e.width * scale;
    out->y1 = g->dy + (float)e.y_bearing * scale;
    out->y0 = out->y1 + (float)e.height * scale;      /* height is negative */
    return 1;
}

/* Does the face draw the mark in glyphs [a, b) well?  *ink gets the span
** of its ink; the answer is yes when no ink can be measured (nothing to fix). */
static int mark_ok(struct fontset *fs, const struct dl_page *p, const struct dl_text *t,
                   size_t a, size_t b, uint32_t cp, struct ink *span) {
    float em = t->size, centre = MARKS_CENTRE_EM * em, prev_x1 = 0, dot = 0, inner = 0;
    size_t k, n = 0;
    for (k = a; k < b; k++) {
        struct ink ink;
        if (!glyph_ink(fs, t, &p->glyphs[t->first + k], &ink)) continue;
        if (n == 0) *span = ink;
        if (n > 0 && ink.x0 - prev_x1 > GAP_EM * em && cp == DASH) return 0;
        if (n > 0 && cp == ELLIPSIS) {
            float between = ink.x0 - prev_x1;
            if (between - inner > EVEN_TOL_EM * em || inner - between > EVEN_TOL_EM * em) return 0;
        }
        dot = ink.y1 - ink.y0;
        inner = (ink.x1 - ink.x0 - 3 * dot) / 2;
        if (ink.x0 < span->x0) span->x0 = ink.x0;
        if (ink.x1 > span->x1) span->x1 = ink.x1;
        if (ink.y0 < span->y0) span->y0 = ink.y0;
        if (ink.y1 > span->y1) span->y1 = ink.y1;
        prev_x1 = ink.x1;
        n++;
    }
    if (n == 0) return 1;
    if ((span->y0 + span->y1) / 2 - centre > CENTRE_TOL_EM * em
        || centre - (span->y0 + span->y1) / 2 > CENTRE_TOL_EM * em) return 0;
    return span->x1 - span->x0 >= 1.8f * em * (cp == DASH ? 1.0f : 0.85f);
}

/* Glyphs [from, from + count) of run `ri` as a run of their own, starting
** at its first glyph; returns its index. */
static size_t split_run(struct dl_page *p, size_t ri, size_t from, size_t count, float width) {
    struct dl_text *t = display_add_text(p, 0, 0, 0, 0, DL_BODY), *r = &p->texts[ri];
    size_t k;
    float shift = p->glyphs[r->first + from].x;
    *t = *r;
    t->first = r->first + from;
    t->count = count;
    t->x = r->x + shift;
    t->width = width;
    for (k = 0; k < count; k++) p->glyphs[t->first + k].x -= shift;
    return (size_t)(t - p->texts);
}

static void disc(struct dl_page *p, struct dl_path *path, float cx, float cy, float r) {
    const float k = 0.5523f * r;
    display_path_move(p, path, cx + r, cy);
    display_path_curve(p, path, cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    display_path_curve(p, path, cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    display_path_curve(p, path, cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    display_path_curve(p, path, cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    display_path_close(p, path);
}

static float clamp(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Draw the mark of run `ri` (all its glyphs, starting at its origin). */
static void draw_mark(struct dl_page *p, size_t ri, uint32_t cp, const struct ink *ink) {
    const struct dl_text *t = &p->texts[ri];
    float em = t->size, x = t->x, cy = t->y + p->glyphs[t->first].dy + MARKS_CENTRE_EM * em;
    float thick = ink ? ink->y1 - ink->y0 : 0;
    struct dl_color c = t->color;
    enum dl_role role = t->role;
    struct dl_path *path;
    int i;
    if (cp == DASH) {
        thick = clamp(thick, 0.04f * em, 0.08f * em);
        path = display_add_rect(p, role, x + 0.04f * em, cy - thick / 2, 1.92f * em, thick);
    } else {
        /* six dots across the two ems, 0.05 em in from each end, like the rule */
        float d = clamp(thick, 0.08f * em, 0.14f * em), pitch = (1.9f * em - d) / 5;
        path = display_add_path(p, role);
        for (i = 0; i < 6; i++) disc(p, path, x + 0.05f * em + d / 2 + (float)i * pitch, cy, d / 2);
    }
    path->fill = 1;
    path->fill_color = c;
}

void marks_fix_page(struct dl_page *p, struct fontset *fs) {
    size_t ri, a, b;
    for (ri = 0; ri < p->ntexts; ri++) {      /* runs split off are looked at too */
        if (p->texts[ri].invisible) continue;
        for (a = 0; a < p->texts[ri].count; a++) {
            const struct dl_text *t = &p->texts[ri];
            struct ink ink = { 0, 0, 0, 0 };
            uint32_t cp = mark_at(p, t, a, &b);
            size_t mark = ri, count = t->count;
            float xa, xb, width = t->width;
            if (cp == 0 || mark_ok(fs, p, t, a, b, cp, &ink)) continue;
            xa = p->glyphs[t->first + a].x;
            xb = b < count ? p->glyphs[t->first + b].x : width;
            /* the mark's glyphs become a run of their own, and so does the rest */
            if (b < count) split_run(p, ri, b, count - b, width - xb);
            if (a > 0) mark = split_run(p, ri, a, b - a, xb - xa);
            p->texts[ri].count = a > 0 ? a : b;
            p->texts[ri].width = a > 0 ? xa : xb;
            p->texts[mark].invisible = 1;
            draw_mark(p, mark, cp, &ink);
            break;        /* the rest of the run is looked at as a run of its own */
        }
    }
}

void marks_leader(struct dl_page *page, enum dl_role role, float x0, float x1, float pitch,
                  float cy, float diameter, struct dl_color color) {
    struct dl_path *path;
    float x;
    if (pitch <= 0 || x1 - x0 < pitch) return;
    path = display_add_path(page, role);
    /* centres at x1 - pitch/2, x1 - 3 pitch/2, ...: the same grid for every
    ** leader ending at x1.  Each dot is a zero-length stroke with round caps:
    ** a contents page has hundreds, and a disc's curves made them a fifth of
    ** a brief's PDF. */
    for (x = x1 - pitch / 2; x - diameter / 2 >= x0; x -= pitch) {
        display_path_move(page, path, x, cy);
        display_path_line(page, path, x, cy);
    }
    path->stroke = 1;
    path->stroke_color = color;
    path->line_width = diameter;
    path->round_cap = 1;
}

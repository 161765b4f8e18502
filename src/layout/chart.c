/*
** chart.c: charts drawn as vector paths and text in the document's fonts:
** vertical and horizontal bars (single, grouped, stacked), pies and donuts
** (one per series, side by side), lines, bars with a line on a second
** axis, and scatter plots.  Axes get nice round ticks (axis.c); pie labels
** that do not fit their slice go outside with leader lines, never
** overlapping (axis.c).  Every bar, slice and point is recorded in the
** display list's chart info with its value, so tests check geometry
** against data.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "axis.h"
#include "page.h"
#include "../base/buf.h"
#include "../base/mem.h"
#include "../base/utf8.h"

#define LABEL_SIZE  7.5f
#define TICK_SIZE   7.5f
#define TITLE_SIZE  8.5f
#define GAP         4.0f

/* A palette whose neighbours differ in lightness, so series stay apart in
** greyscale print. */
static const struct dl_color PALETTE[] = {
    { 0.12f, 0.25f, 0.45f }, { 0.95f, 0.62f, 0.25f }, { 0.18f, 0.53f, 0.52f },
    { 0.96f, 0.87f, 0.62f }, { 0.30f, 0.30f, 0.30f }, { 0.58f, 0.77f, 0.90f },
    { 0.48f, 0.55f, 0.25f }, { 0.82f, 0.82f, 0.82f },
};
#define NPALETTE (sizeof PALETTE / sizeof PALETTE[0])
static const struct dl_color GRID = { 0.85f, 0.85f, 0.85f };
static const struct dl_color AXIS = { 0.25f, 0.25f, 0.25f };
static const struct dl_color INK = { 0.1f, 0.1f, 0.1f };
static const struct dl_color WHITE = { 1, 1, 1 };

struct chart {
    struct layout *L;
    const struct doc_chart *c;
    const char *where;
    int number;               /* 图 N */
    struct dl_chart *info;
    float x, y, w, h;         /* the chart's box, y at the bottom */
    struct buf label;         /* the last format_number's text */
};

/* ---- text ---------------------------------------------------------------------- */

static int shape(struct chart *ch, struct para *p, const char *text, float size) {
    return layout_shape(ch->L, p, ch->L->heading_family, size, text, ch->where);
}

static int text_width(struct chart *ch, const char *text, float size, float *w) {
    struct para p;
    int rc = shape(ch, &p, text, size);
    if (rc != RC_OK) return rc;
    para_break(&p, 1e9f, 0);
    *w = para_max_width(&p);
    para_free(&p);
    return RC_OK;
}

static void recolor(struct dl_page *page, size_t from, struct dl_color color) {
    for (; from < page->ntexts; from++) page->texts[from].color = color;
}

/* Lines of a shaped and broken label, each aligned on x (left edge, centre
** or right edge), the first baseline at y. */
static void draw_para(struct chart *ch, const struct para *p, float x, float y,
                      enum doc_align align, struct dl_color color) {
    struct dl_page *page = ch->L->page;
    size_t i, from = page->ntexts;
    float lh = p->size * 1.2f;
    for (i = 0; i < p->nlines; i++) {
        float w = p->lines[i].width;
        float left = align == DOC_CENTER ? x - w / 2 : align == DOC_RIGHT ? x - w : x;
        para_draw_line(p, i, page, left, y - (float)i * lh, w, DOC_LEFT, DL_CHART, 0);
    }
    recolor(page, from, color);
}

static int draw_text(struct chart *ch, const char *text, float size, float x, float y,
                     enum doc_align align, struct dl_color color) {
    struct para p;
    int rc = shape(ch, &p, text, size);
    if (rc != RC_OK) return rc;
    para_break(&p, 1e9f, 0);
    draw_para(ch, &p, x, y, align, color);
    para_free(&p);
    return RC_OK;
}

/* The label's first k clusters and an ellipsis, shaped into p. */
static int shape_prefix(struct chart *ch, const uint32_t *cps, size_t end, float size,
                        char *buf, struct para *p) {
    size_t i, len = 0;
    for (i = 0; i < end; i++) len += utf8_encode(cps[i], buf + len);
    len += utf8_encode(0x2026, buf + len);
    buf[len] = '\0';
    return shape(ch, p, buf, size);
}

/* Shape `text` into at most `maxlines` lines of `maxw`; a label that needs
** more is cut and ends in an ellipsis, so long CJK labels never overlap.
** It is cut between clusters (never between a Thai or Myanmar letter and
** its marks), as shaping the whole label found them. */
static int fit_label(struct chart *ch, const char *text, float size, float maxw,
                     size_t maxlines, struct para *p) {
    size_t n, lo, hi, k, *starts;
    uint32_t *cps;
    char *buf;
    int rc = shape(ch, p, text, size);
    if (rc != RC_OK) return rc;
    para_break(p, maxw, 0);
    if (p->nlines <= maxlines) return RC_OK;
    n = p->nglyphs;                 /* clusters of the folded text */
    cps = xreallocarray(NULL, p->ncps + 1, sizeof *cps, "a label");
    memcpy(cps, p->cps, p->ncps * sizeof *cps);
    starts = xreallocarray(NULL, n + 1, sizeof *starts, "a label's clusters");
    for (k = 0; k < n; k++) starts[k] = p->glyphs[k].text;
    starts[n] = p->ncps;
    buf = xmalloc(mem_add(mem_mul(p->ncps, 4), 8), "a label");
    para_free(p);
    lo = 0; hi = n;                 /* the most clusters that fit, by bisection */
    while (lo < hi) {
        k = (lo + hi + 1) / 2;
        if ((rc = shape_prefix(ch, cps, starts[k], size, buf, p)) != RC_OK) break;
        para_break(p, maxw, 0);
        if (p->nlines <= maxlines) lo = k; else hi = k - 1;
        para_free(p);
    }
    if (rc == RC_OK && (rc = shape_prefix(ch, cps, starts[lo], size, buf, p)) == RC_OK)
        para_break(p, maxw, 0);
    free(cps);
    free(starts);
    free(buf);
    return rc;
}

/* ---- numbers ------------------------------------------------------------------------ */

/* The text of a number with `suffix` (the script's, any length), valid
** until the next call. */
static const char *format_number(struct chart *ch, double v, int decimals, const char *suffix) {
    char num[64];      /* lreport refuses values past 1e15 and decimals past 10 */
    if (decimals < 0) {
        /* As the data needs: integers plain, else up to two decimals. */
        if (fabs(v - round(v)) < 1e-9) decimals = 0;
        else if (fabs(v * 10 - round(v * 10)) < 1e-9) decimals = 1;
        else decimals = 2;
    }
    snprintf(num, sizeof num, "%.*f", decimals, v);
    ch->label.len = 0;
    buf_puts(&ch->label, strcmp(num, "-0") == 0 ? "0" : num);
    if (suffix) buf_puts(&ch->label, suffix);
    buf_putc(&ch->label, '\0');
    return (const char *)ch->label.data;
}

/* The theme's accent colour marks the highlighted row (the brief's country). */
static struct dl_color accent(const struct chart *ch) {
    struct doc_color c = ch->L->theme->accent_color;
    struct dl_color d = { c.r, c.g, c.b };
    return d;
}

/* A series' colour: the script's (series = {{color = ...}}), else the
** palette's colour number `slot`. */
static struct dl_color series_ink(const struct doc_chart *c, size_t series, size_t slot) {
    struct doc_color sc = c->series[series].color;
    if (sc.r >= 0) return (struct dl_color){ sc.r, sc.g, sc.b };
    return PALETTE[slot % NPALETTE];
}

static struct dl_color series_color(const struct chart *ch, size_t series, size_t cat) {
    if (ch->c->highlight[cat] && ch->c->nseries == 1) return accent(ch);
    return series_ink(ch->c, series, series);
}

/* A value label of series s: its own decimals and suffix, else the chart's. */
static const char *series_number(struct chart *ch, size_t s, double v) {
    const struct doc_series *se = &ch->c->series[s];
    return format_number(ch, v, se->decimals >= 0 ? se->decimals : ch->c->decimals,
                         se->suffix ? se->suffix : ch->c->suffix);
}

static float luminance(struct dl_color c) { return 0.3f * c.r + 0.59f * c.g + 0.11f * c.b; }

/* ---- paths ------------------------------------------------------------------------- */

static struct dl_path *fill_rect(struct chart *ch, float x, float y, float w, float h,
                                 struct dl_color color) {
    struct dl_path *p = display_add_rect(ch->L->page, DL_CHART, x, y, w, h);
    p->fill = 1;
    p->fill_color = color;
    return p;
}

static void line(struct chart *ch, float x0, float y0, float x1, float y1, float width,
                 struct dl_color color) {
    display_add_line(ch->L->page, DL_RULE, x0, y0, x1, y1, width, color);
}

static size_t last_path(const struct chart *ch) { return ch->L->page->npaths - 1; }

static void mark(struct chart *ch, char kind, size_t series, size_t cat, double value,
                 double fraction, float cx, float cy) {
    struct dl_mark m;
    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.series = (int)series;
    m.cat = (int)cat;
    m.value = value;
    m.fraction = fraction;
    m.cx = cx;
    m.cy = cy;
    m.path = last_path(ch);
    display_chart_mark(ch->info, &m);
}

/* Circular arc from angle a0 to a1 (radians, clockwise from 12 o'clock) as
** Bezier segments of at most 90 degrees; the path is at the arc's start. */
static void arc(struct dl_page *page, struct dl_path *p, float cx, float cy, float r,
                double a0, double a1) {
    int n = (int)ceil(fabs(a1 - a0) / (M_PI / 2) - 1e-9), i;
    double step = (a1 - a0) / (n ? n : 1);
    for (i = 0; i < n; i++) {
        double s = a0 + i * step, e = s + step, k = 4.0 / 3.0 * tan((e - s) / 4);
        float x0 = cx + r * (float)sin(s), y0 = cy + r * (float)cos(s);
        float x3 = cx + r * (float)sin(e), y3 = cy + r * (float)cos(e);
        display_path_curve(page, p, x0 + (float)(k * r * cos(s)), y0 - (float)(k * r * sin(s)),
                           x3 - (float)(k * r * cos(e)), y3 + (float)(k * r * sin(e)), x3, y3);
    }
}

static void dot(struct chart *ch, float x, float y, float r, struct dl_color color) {
    struct dl_page *page = ch->L->page;
    struct dl_path *p = display_add_path(page, DL_CHART);
    p->fill = 1;
    p->fill_color = color;
    display_path_move(page, p, x, y + r);
    arc(page, p, x, y, r, 0, 2 * M_PI);
    display_path_close(page, p);
}

/* ---- legend ----------------------------------------------------------------------- */

#define SWATCH 7.0f

struct legend_item { const char *name; struct dl_color color; int line; };

static void legend_items(const struct doc_chart *c, struct legend_item *items, size_t *n) {
    size_t i;
    *n = 0;
    if (c->kind == CHART_PIE || c->kind == CHART_DONUT) {
        for (i = 0; i < c->ncats; i++) {
            items[*n].name = c->cats[i];
            items[*n].color = PALETTE[i % NPALETTE];
            items[(*n)++].line = 0;
        }
    } else {
        for (i = 0; i < c->nseries; i++) {
            items[*n].name = c->series[i].name ? c->series[i].name : "";
            items[*n].color = series_ink(c, i, i);
            items[(*n)++].line = c->kind == CHART_LINE || c->series[i].as_line;
        }
    }
}

static void legend_swatch(struct chart *ch, const struct legend_item *it, float x, float ymid) {
    if (it->line) {
        line(ch, x, ymid, x + SWATCH * 1.6f, ymid, 1.5f, it->color);
        dot(ch, x + SWATCH * 0.8f, ymid, 1.8f, it->color);
    } else {
        fill_rect(ch, x, ymid - SWATCH / 2, SWATCH, SWATCH, it->color);
    }
}

/* Width the right-hand legend needs (labels wrap at a third of the chart). */
static int legend_width(struct chart *ch, const struct legend_item *items, size_t n, float *w) {
    size_t i;
    float maxw = ch->w / 3, widest = 0;
    for (i = 0; i < n; i++) {
        struct para p;
        int rc = fit_label(ch, items[i].name, LABEL_SIZE, maxw, 2, &p);
        if (rc != RC_OK) return rc;
        if (para_max_width(&p) > widest) widest = para_max_width(&p);
        para_free(&p);
    }
    *w = widest + SWATCH * 1.6f + 2 * GAP;
    return RC_OK;
}

/* A column at x, centred on the plot's height. */
static int legend_right(struct chart *ch, const struct legend_item *items, size_t n,
                        float x, float ybottom, float ytop) {
    float lh = LABEL_SIZE * 1.2f, total = 0, y;
    struct para *ps = xcalloc(n, sizeof *ps, "legend labels");
    size_t i;
    int rc = RC_OK;
    for (i = 0; i < n && rc == RC_OK; i++) {
        rc = fit_label(ch, items[i].name, LABEL_SIZE, ch->w / 3, 2, &ps[i]);
        total += (float)ps[i].nlines * lh + GAP;
    }
    y = (ybottom + ytop) / 2 + total / 2;
    for (i = 0; i < n && rc == RC_OK; i++) {
        float ymid = y - lh / 2;
        legend_swatch(ch, &items[i], x, ymid);
        draw_para(ch, &ps[i], x + SWATCH * 1.6f + GAP, ymid - LABEL_SIZE * 0.35f, DOC_LEFT, INK);
        y -= (float)ps[i].nlines * lh + GAP;
    }
    for (i = 0; i < n; i++) para_free(&ps[i]);
    free(ps);
    return rc;
}

/* A row (wrapping to more rows) under the plot; returns its height. */
static int legend_bottom(struct chart *ch, const struct legend_item *items, size_t n,
                         float ytop, int draw, float *height) {
    float lh = LABEL_SIZE * 1.6f, x = ch->x, y = ytop - lh / 2;
    size_t i;
    for (i = 0; i < n; i++) {
        struct para p;
        float w;
        int rc = fit_label(ch, items[i].name, LABEL_SIZE, ch->w / 2, 1, &p);
        if (rc != RC_OK) return rc;
        w = SWATCH * 1.6f + GAP + para_max_width(&p) + 3 * GAP;
        if (x + w > ch->x + ch->w && x > ch->x) { x = ch->x; y -= lh; }
        if (draw) {
            legend_swatch(ch, &items[i], x, y);
            draw_para(ch, &p, x + SWATCH * 1.6f + GAP, y - LABEL_SIZE * 0.35f, DOC_LEFT, INK);
        }
        x += w;
        para_free(&p);
    }
    *height = ytop - y + lh / 2;
    return RC_OK;
}

/* ---- value axes ---------------------------------------------------------------------- */

struct value_axis {
    struct axis_ticks t;
    int invert;
    float p0, p1;              /* plot coordinates of lo and hi */
};

static float axis_map(const struct value_axis *a, double v) {
    double f = (v - a->t.lo) / (a->t.hi - a->t.lo);
    if (a->invert) f = 1 - f;
    return a->p0 + (float)f * (a->p1 - a->p0);
}

/* Where bars start: zero when the axis spans it, else the end nearest it;
** an inverted axis starts its bars at its origin, the high end. */
static double axis_base(const struct value_axis *a) {
    if (a->invert) return a->t.hi;
    return a->t.lo > 0 ? a->t.lo : a->t.hi < 0 ? a->t.hi : 0;
}

/* Range of the series drawn on one axis (`right`: the second axis). */
static void value_range(const struct doc_chart *c, int right, double *lo, double *hi) {
    size_t s, k;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (k = 0; k < c->ncats; k++) {
        double pos = 0, neg = 0;
        for (s = 0; s < c->nseries; s++) {
            double v = c->series[s].values[k];
            if (isnan(v) || c->series[s].right_axis != right) continue;
            if (c->stacked && !c->series[s].as_line) { if (v >= 0) pos += v; else neg += v; }
            else { if (v < *lo) *lo = v; if (v > *hi) *hi = v; }
        }
        if (c->stacked) { if (neg < *lo) *lo = neg; if (pos > *hi) *hi = pos; }
    }
    if (*lo > *hi) { *lo = 0; *hi = 1; }
}

static void make_axis(const struct doc_chart *c, int right, int include_zero, int target,
                      struct value_axis *a) {
    double lo, hi;
    value_range(c, right, &lo, &hi);
    axis_nice_ticks(lo, hi, target, include_zero, &a->t);
    a->invert = c->invert && !right;
}

static int widest_tick(struct chart *ch, const struct value_axis *a, float *w) {
    int i, rc;
    float tw;
    *w = 0;
    for (i = 0; i < a->t.count; i++) {
        const char *s = format_number(ch, axis_tick_value(&a->t, i), a->t.decimals, NULL);
        if ((rc = text_width(ch, s, TICK_SIZE, &tw)) != RC_OK) return rc;
        if (tw > *w) *w = tw;
    }
    return RC_OK;
}

/* Gridlines across the plot and tick labels beside it. `horizontal`: the
** value axis runs along x (hbar, scatter's x). */
static int draw_ticks(struct chart *ch, const struct value_axis *a, int horizontal,
                      float across0, float across1, float label_at, enum doc_align align,
                      int grid) {
    int i, rc;
    for (i = 0; i < a->t.count; i++) {
        double v = axis_tick_value(&a->t, i);
        float at = axis_map(a, v);
        const char *s = format_number(ch, v, a->t.decimals, NULL);
        if (horizontal) {
            if (grid) line(ch, at, across0, at, across1, 0.4f, GRID);
            rc = draw_text(ch, s, TICK_SIZE, at, label_at, DOC_CENTER, AXIS);
        } else {
            if (grid) line(ch, across0, at, across1, at, 0.4f, GRID);
            rc = draw_text(ch, s, TICK_SIZE, label_at, at - TICK_SIZE * 0.35f, align, AXIS);
        }
        if (rc != RC_OK) return rc;
    }
    return RC_OK;
}

static int value_label(struct chart *ch, size_t series, double v, float x, float y,
                       enum doc_align align) {
    const char *s = series_number(ch, series, v);
    return draw_text(ch, s, LABEL_SIZE, x, y, align, INK);
}

/* ---- bars, lines and points on a vertical value axis ------------------------------ */

struct cartesian {
    float px0, py0, px1, py1;     /* plot area */
    struct value_axis left, right;
    int has_right;
    size_t nbars;                 /* bar series (not lines) */
};

static size_t count_bar_series(const struct doc_chart *c) {
    size_t s, n = 0;
    if (c->kind == CHART_LINE || c->kind == CHART_SCATTER) return 0;
    for (s = 0; s < c->nseries; s++) if (!c->series[s].as_line) n++;
    return n;
}

static int draw_bars(struct chart *ch, const struct cartesian *g) {
    const struct doc_chart *c = ch->c;
    float slot = (g->px1 - g->px0) / (float)c->ncats;
    float group = slot * 0.7f, bw = c->stacked ? group : group / (float)g->nbars;
    double base = axis_base(&g->left);
    size_t k, s;
    int rc;
    if (g->nbars == 0) return RC_OK;
    for (k = 0; k < c->ncats; k++) {
        float x = g->px0 + slot * (float)k + (slot - group) / 2;
        double pos = 0, neg = 0;
        size_t nb = 0;
        for (s = 0; s < c->nseries; s++) {
            double v = c->series[s].values[k], from = base, to;
            float y0, y1, bx = c->stacked ? x : x + bw * (float)nb;
            if (c->series[s].as_line) continue;
            nb++;
            if (isnan(v)) continue;
            if (c->stacked) { from = v >= 0 ? pos : neg; to = from + v; if (v >= 0) pos = to; else neg = to; }
            else to = v;
            y0 = axis_map(&g->left, from);
            y1 = axis_map(&g->left, to);
            fill_rect(ch, bx, fminf(y0, y1), bw, fabsf(y1 - y0), series_color(ch, s, k));
            mark(ch, 'b', s, k, v, 0, 0, 0);
            if (c->value_labels && !c->stacked) {
                float ly = y1 >= y0 ? y1 + 2 : y1 - LABEL_SIZE;
                if ((rc = value_label(ch, s, v, bx + bw / 2, ly, DOC_CENTER)) != RC_OK) return rc;
            }
        }
    }
    return RC_OK;
}

static int draw_lines(struct chart *ch, const struct cartesian *g) {
    const struct doc_chart *c = ch->c;
    float slot = (g->px1 - g->px0) / (float)c->ncats;
    size_t k, s, color = g->nbars;
    int rc;
    for (s = 0; s < c->nseries; s++) {
        const struct value_axis *a = c->series[s].right_axis ? &g->right : &g->left;
        struct dl_color col;
        struct dl_path *p = NULL;
        if (c->kind != CHART_LINE && !c->series[s].as_line) continue;
        col = series_ink(c, s, c->kind == CHART_LINE ? s : color++);
        for (k = 0; k < c->ncats; k++) {               /* the polyline, broken at gaps */
            double v = c->series[s].values[k];
            float x = g->px0 + slot * ((float)k + 0.5f);
            if (isnan(v)) { p = NULL; continue; }
            if (p == NULL) {
                p = display_add_path(ch->L->page, DL_RULE);
                p->stroke = 1;
                p->stroke_color = col;
                p->line_width = 1.5f;
                display_path_move(ch->L->page, p, x, axis_map(a, v));
            } else {
                display_path_line(ch->L->page, p, x, axis_map(a, v));
            }
        }
        for (k = 0; k < c->ncats; k++) {               /* markers and labels */
            double v = c->series[s].values[k];
            float x = g->px0 + slot * ((float)k + 0.5f), y;
            if (isnan(v)) continue;
            y = axis_map(a, v);
            dot(ch, x, y, c->markers ? 2.2f : 0.01f, col);
            mark(ch, 'p', s, k, v, 0, x, y);
            ch->info->marks[ch->info->nmarks - 1].axis = c->series[s].right_axis;
            if (c->value_labels && c->ncats <= 16 &&
                (rc = value_label(ch, s, v, x, y + 4, DOC_CENTER)) != RC_OK) return rc;
        }
    }
    return RC_OK;
}

/* Category labels under each slot, wrapped to two lines, cut with "…". */
static int category_labels(struct chart *ch, const struct cartesian *g, float ytop, int draw,
                           float *height) {
    const struct doc_chart *c = ch->c;
    float slot = (g->px1 - g->px0) / (float)c->ncats, lh = LABEL_SIZE * 1.2f;
    size_t k, most = 1;
    for (k = 0; k < c->ncats; k++) {
        struct para p;
        int rc = fit_label(ch, c->cats[k], LABEL_SIZE, slot - 2, 2, &p);
        if (rc != RC_OK) return rc;
        if (p.nlines > most) most = p.nlines;
        if (draw) draw_para(ch, &p, g->px0 + slot * ((float)k + 0.5f), ytop - LABEL_SIZE, DOC_CENTER, INK);
        para_free(&p);
    }
    *height = (float)most * lh + GAP;
    return RC_OK;
}

static int draw_vertical(struct chart *ch, struct legend_item *items, size_t nitems) {
    const struct doc_chart *c = ch->c;
    struct cartesian g;
    float legend_w = 0, legend_h = 0, tick_w, tick_w2 = 0, cat_h, top_h;
    int rc, scatter = c->kind == CHART_SCATTER;
    size_t k;
    struct value_axis xa;
    memset(&g, 0, sizeof g);
    g.nbars = count_bar_series(c);
    make_axis(c, 0, g.nbars > 0, 6, &g.left);
    if (scatter) {
        double lo, hi;
        value_range(c, 0, &lo, &hi);
        axis_nice_ticks(lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05, 6, 0, &g.left.t);
    }
    g.has_right = 0;       /* barline's line, or a line series with axis = "right" */
    for (k = 0; k < c->nseries; k++)
        g.has_right |= (c->kind == CHART_BARLINE || c->kind == CHART_LINE) && c->series[k].right_axis;
    if (g.has_right) make_axis(c, 1, 1, 6, &g.right);   /* rates read from 0 */
    if (c->legend == LEGEND_RIGHT && (rc = legend_width(ch, items, nitems, &legend_w)) != RC_OK) return rc;
    if (c->legend == LEGEND_BOTTOM &&
        (rc = legend_bottom(ch, items, nitems, 0, 0, &legend_h)) != RC_OK) return rc;
    if ((rc = widest_tick(ch, &g.left, &tick_w)) != RC_OK) return rc;
    if (g.has_right && (rc = widest_tick(ch, &g.right, &tick_w2)) != RC_OK) return rc;
    top_h = c->y_title || c->y2_title ? TITLE_SIZE * 1.8f : LABEL_SIZE;
    g.px0 = ch->x + tick_w + GAP * 1.5f;
    g.px1 = ch->x + ch->w - legend_w - (g.has_right ? tick_w2 + GAP * 1.5f : GAP * 2);
    g.py1 = ch->y + ch->h - top_h;
    if (scatter) {
        double lo = INFINITY, hi = -INFINITY;
        size_t k;
        for (k = 0; k < c->ncats; k++) { if (c->x[k] < lo) lo = c->x[k]; if (c->x[k] > hi) hi = c->x[k]; }
        /* A margin of 5%, so no point sits on the frame. */
        axis_nice_ticks(lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05, 6, 0, &xa.t);
        xa.invert = 0;
        cat_h = TICK_SIZE * 1.6f + (c->x_title ? TITLE_SIZE * 1.6f : 0);
    } else if ((rc = category_labels(ch, &g, 0, 0, &cat_h)) != RC_OK) {
        return rc;
    }
    g.py0 = ch->y + legend_h + cat_h + GAP;
    g.left.p0 = g.py0;
    g.left.p1 = g.py1;
    g.right.p0 = g.py0;
    g.right.p1 = g.py1;
    if ((rc = draw_ticks(ch, &g.left, 0, g.px0, g.px1, g.px0 - GAP, DOC_RIGHT, 1)) != RC_OK) return rc;
    if (g.has_right &&
        (rc = draw_ticks(ch, &g.right, 0, g.px0, g.px1, g.px1 + GAP, DOC_LEFT, 0)) != RC_OK) return rc;
    if (c->y_title && (rc = draw_text(ch, c->y_title, TITLE_SIZE, ch->x, g.py1 + TITLE_SIZE * 0.7f,
                                      DOC_LEFT, AXIS)) != RC_OK) return rc;
    if (c->y2_title && (rc = draw_text(ch, c->y2_title, TITLE_SIZE, g.px1 + tick_w2 + GAP * 1.5f,
                                       g.py1 + TITLE_SIZE * 0.7f, DOC_RIGHT, AXIS)) != RC_OK) return rc;
    ch->info->horizontal = 0;
    ch->info->invert = g.left.invert;
    ch->info->lo = g.left.t.lo;
    ch->info->hi = g.left.t.hi;
    ch->info->base = axis_base(&g.left);
    ch->info->lo2 = g.right.t.lo;
    ch->info->hi2 = g.right.t.hi;
    ch->info->plot[0] = g.px0; ch->info->plot[1] = g.py0;
    ch->info->plot[2] = g.px1; ch->info->plot[3] = g.py1;
    if (scatter) {
        size_t k;
        xa.p0 = g.px0;
        xa.p1 = g.px1;
        if ((rc = draw_ticks(ch, &xa, 1, g.py0, g.py1, g.py0 - TICK_SIZE - 2, DOC_CENTER, 1)) != RC_OK) return rc;
        if (c->x_title && (rc = draw_text(ch, c->x_title, TITLE_SIZE, g.px1, g.py0 - TICK_SIZE * 1.4f - TITLE_SIZE * 1.2f,
                                          DOC_RIGHT, AXIS)) != RC_OK) return rc;
        for (k = 0; k < c->ncats; k++) {
            double v = c->series[0].values[k];
            float x = axis_map(&xa, c->x[k]), y;
            if (isnan(v)) continue;
            y = axis_map(&g.left, v);
            dot(ch, x, y, 2.6f, c->highlight[k] ? accent(ch) : PALETTE[0]);
            mark(ch, 'p', 0, k, v, c->x[k], x, y);
            if (c->value_labels && c->ncats <= 30 && c->cats[k][0] &&
                (rc = draw_text(ch, c->cats[k], LABEL_SIZE, x + 4, y + 2, DOC_LEFT, AXIS)) != RC_OK) return rc;
        }
    } else {
        if ((rc = draw_bars(ch, &g)) != RC_OK) return rc;
        if ((rc = draw_lines(ch, &g)) != RC_OK) return rc;
        if ((rc = category_labels(ch, &g, g.py0 - 2, 1, &cat_h)) != RC_OK) return rc;
    }
    line(ch, g.px0, axis_map(&g.left, axis_base(&g.left)), g.px1, axis_map(&g.left, axis_base(&g.left)), 0.7f, AXIS);
    if (c->legend == LEGEND_RIGHT) rc = legend_right(ch, items, nitems, g.px1 + (g.has_right ? tick_w2 + GAP * 3 : GAP * 2), g.py0, g.py1);
    if (c->legend == LEGEND_BOTTOM) rc = legend_bottom(ch, items, nitems, ch->y + legend_h, 1, &legend_h);
    return rc;
}

/* ---- horizontal bars (rankings) ---------------------------------------------------- */

static int draw_horizontal(struct chart *ch, struct legend_item *items, size_t nitems) {
    const struct doc_chart *c = ch->c;
    struct value_axis a;
    float legend_w = 0, legend_h = 0, label_w = 0, px0, px1, py0, py1, slot, group, bw, lh;
    float value_w = 0, tw;
    double base;
    size_t k, s, nb = count_bar_series(c);
    int rc;
    make_axis(c, 0, 1, 6, &a);
    if (c->legend == LEGEND_RIGHT && (rc = legend_width(ch, items, nitems, &legend_w)) != RC_OK) return rc;
    if (c->legend == LEGEND_BOTTOM &&
        (rc = legend_bottom(ch, items, nitems, 0, 0, &legend_h)) != RC_OK) return rc;
    for (k = 0; k < c->ncats; k++) {            /* label column: widest label, at most 30% */
        if ((rc = text_width(ch, c->cats[k], LABEL_SIZE, &tw)) != RC_OK) return rc;
        if (tw > label_w) label_w = tw;
        for (s = 0; s < c->nseries && c->value_labels; s++) {
            if (isnan(c->series[s].values[k])) continue;
            const char *text = series_number(ch, s, c->series[s].values[k]);
            if ((rc = text_width(ch, text, LABEL_SIZE, &tw)) != RC_OK) return rc;
            if (tw > value_w) value_w = tw;
        }
    }
    if (label_w > ch->w * 0.3f) label_w = ch->w * 0.3f;
    px0 = ch->x + label_w + GAP * 1.5f;
    px1 = ch->x + ch->w - legend_w - value_w - GAP * 2;
    py1 = ch->y + ch->h - GAP;
    py0 = ch->y + legend_h + TICK_SIZE * 1.8f + (c->y_title ? TITLE_SIZE * 1.6f : 0);
    a.p0 = px0;
    a.p1 = px1;
    base = axis_base(&a);
    slot = (py1 - py0) / (float)(c->ncats ? c->ncats : 1);
    group = slot * 0.68f;
    bw = c->stacked ? group : group / (float)(nb ? nb : 1);
    lh = LABEL_SIZE * 1.2f;
    if ((rc = draw_ticks(ch, &a, 1, py0, py1, py0 - TICK_SIZE - 2, DOC_CENTER, 1)) != RC_OK) return rc;
    if (c->y_title && (rc = draw_text(ch, c->y_title, TITLE_SIZE, px1, py0 - TICK_SIZE * 1.4f - TITLE_SIZE * 1.2f,
                                      DOC_RIGHT, AXIS)) != RC_OK) return rc;
    ch->info->horizontal = 1;
    ch->info->invert = a.invert;
    ch->info->lo = a.t.lo;
    ch->info->hi = a.t.hi;
    ch->info->base = base;
    ch->info->plot[0] = px0; ch->info->plot[1] = py0;
    ch->info->plot[2] = px1; ch->info->plot[3] = py1;
    for (k = 0; k < c->ncats; k++) {           /* first row at the top */
        float ytop = py1 - slot * (float)k, yb = ytop - (slot - group) / 2;
        double pos = 0, neg = 0;
        size_t n = 0;
        struct para p;
        if ((rc = fit_label(ch, c->cats[k], LABEL_SIZE, label_w, 2, &p)) != RC_OK) return rc;
        draw_para(ch, &p, px0 - GAP, ytop - slot / 2 + ((float)p.nlines - 1) * lh / 2 - LABEL_SIZE * 0.35f,
                  DOC_RIGHT, c->highlight[k] ? accent(ch) : INK);
        para_free(&p);
        for (s = 0; s < c->nseries; s++) {
            double v = c->series[s].values[k], from = base, to;
            float x0, x1, by = c->stacked ? yb - bw : yb - bw * (float)(n + 1);
            n++;
            if (isnan(v)) continue;
            if (c->stacked) { from = v >= 0 ? pos : neg; to = from + v; if (v >= 0) pos = to; else neg = to; }
            else to = v;
            x0 = axis_map(&a, from);
            x1 = axis_map(&a, to);
            fill_rect(ch, fminf(x0, x1), by, fabsf(x1 - x0), bw, series_color(ch, s, k));
            mark(ch, 'b', s, k, v, 0, 0, 0);
            if (c->value_labels && !c->stacked &&
                (rc = value_label(ch, s, v, fmaxf(x0, x1) + 3, by + bw / 2 - LABEL_SIZE * 0.35f, DOC_LEFT)) != RC_OK)
                return rc;
        }
    }
    line(ch, axis_map(&a, base), py0, axis_map(&a, base), py1, 0.7f, AXIS);
    if (c->legend == LEGEND_RIGHT) rc = legend_right(ch, items, nitems, ch->x + ch->w - legend_w + GAP, py0, py1);
    if (c->legend == LEGEND_BOTTOM) rc = legend_bottom(ch, items, nitems, ch->y + legend_h, 1, &legend_h);
    return rc;
}

/* ---- pies and donuts ------------------------------------------------------------------ */

static void slice(struct chart *ch, float cx, float cy, float r, float inner,
                  double a0, double a1, struct dl_color color) {
    struct dl_page *page = ch->L->page;
    struct dl_path *p = display_add_path(page, DL_CHART);
    p->fill = 1;
    p->fill_color = color;
    p->stroke = 1;                      /* a hairline of white between slices */
    p->stroke_color = WHITE;
    p->line_width = 0.6f;
    if (inner > 0) {
        display_path_move(page, p, cx + inner * (float)sin(a0), cy + inner * (float)cos(a0));
        display_path_line(page, p, cx + r * (float)sin(a0), cy + r * (float)cos(a0));
        arc(page, p, cx, cy, r, a0, a1);
        display_path_line(page, p, cx + inner * (float)sin(a1), cy + inner * (float)cos(a1));
        arc(page, p, cx, cy, inner, a1, a0);
    } else {
        display_path_move(page, p, cx, cy);
        display_path_line(page, p, cx + r * (float)sin(a0), cy + r * (float)cos(a0));
        arc(page, p, cx, cy, r, a0, a1);
    }
    display_path_close(page, p);
}

/* Percent labels (with the category's name when there is no legend):
** inside thick slices, outside thin ones with a leader line.  A name too
** long for a quarter of the chart is cut with an ellipsis. */
static int pie_labels(struct chart *ch, const double *fractions, const size_t *cats,
                      size_t n, float cx, float cy, float r, float inner, float bottom, float top) {
    struct pie_label *labels = xcalloc(n, sizeof *labels, "pie labels");
    struct para *texts = xcalloc(n, sizeof *texts, "pie labels");
    double angle = 0;
    size_t i;
    int rc = RC_OK;
    for (i = 0; i < n && rc == RC_OK; i++) {
        struct buf text;
        const char *pct = format_number(ch, fractions[i] * 100,
                                        ch->c->decimals >= 0 ? ch->c->decimals : 1, "%");
        buf_init(&text);
        if (ch->c->legend == LEGEND_NONE) {
            buf_puts(&text, ch->c->cats[cats[i]]);
            buf_putc(&text, ' ');
        }
        buf_puts(&text, pct);
        buf_putc(&text, '\0');
        rc = fit_label(ch, (const char *)text.data, LABEL_SIZE, ch->w * 0.25f, 1, &texts[i]);
        buf_free(&text);
        labels[i].w = para_max_width(&texts[i]) + 2;
        labels[i].h = LABEL_SIZE * 1.25f;
        labels[i].mid_angle = (angle + fractions[i] / 2) * 2 * M_PI;
        angle += fractions[i];
    }
    if (rc == RC_OK) axis_place_pie_labels(labels, fractions, n, cx, cy, r, inner, 0.05, bottom, top);
    for (i = 0; i < n && rc == RC_OK; i++) {
        const struct pie_label *l = &labels[i];
        struct dl_color fill = PALETTE[cats[i] % NPALETTE];
        float ty = (float)l->y - LABEL_SIZE * 0.35f;
        if (l->outside) {
            struct dl_path *p = display_add_path(ch->L->page, DL_RULE);
            float ex = l->x < cx ? (float)(l->x + l->w / 2) : (float)(l->x - l->w / 2);
            p->stroke = 1;
            p->stroke_color = AXIS;
            p->line_width = 0.4f;
            display_path_move(ch->L->page, p, (float)l->anchor_x, (float)l->anchor_y);
            display_path_line(ch->L->page, p, (float)l->elbow_x, (float)l->elbow_y);
            display_path_line(ch->L->page, p, ex, (float)l->elbow_y);
            draw_para(ch, &texts[i], (float)l->x, ty, DOC_CENTER, INK);
        } else {
            draw_para(ch, &texts[i], (float)l->x, ty, DOC_CENTER, luminance(fill) < 0.5f ? WHITE : INK);
        }
    }
    for (i = 0; i < n; i++) para_free(&texts[i]);
    free(labels);
    free(texts);
    return rc;
}

static int draw_pies(struct chart *ch, struct legend_item *items, size_t nitems) {
    const struct doc_chart *c = ch->c;
    float legend_w = 0, legend_h = 0, label_w = 0, cell, r, tw, title_h;
    size_t s, k, n;
    double *fractions = xcalloc(c->ncats, sizeof *fractions, "pie slices");
    size_t *cats = xcalloc(c->ncats, sizeof *cats, "pie slices");
    int rc = RC_OK;
    if (c->legend == LEGEND_RIGHT) rc = legend_width(ch, items, nitems, &legend_w);
    if (rc == RC_OK && c->legend == LEGEND_BOTTOM) rc = legend_bottom(ch, items, nitems, 0, 0, &legend_h);
    for (k = 0; k < c->ncats && rc == RC_OK; k++) {   /* room for outside labels */
        struct buf t;
        buf_init(&t);
        if (c->legend == LEGEND_NONE) buf_puts(&t, c->cats[k]);
        buf_puts(&t, " 00.0%");
        buf_putc(&t, '\0');
        rc = text_width(ch, (const char *)t.data, LABEL_SIZE, &tw);
        buf_free(&t);
        if (tw > label_w) label_w = tw;
    }
    if (label_w > ch->w * 0.25f) label_w = ch->w * 0.25f;
    title_h = c->nseries > 1 ? TITLE_SIZE * 1.8f : 0;
    cell = (ch->w - legend_w) / (float)(c->nseries ? c->nseries : 1);
    r = (cell / 2 - label_w - GAP * 2) / 1.25f;
    if (r > (ch->h - legend_h - title_h) / 2 - GAP * 2) r = (ch->h - legend_h - title_h) / 2 - GAP * 2;
    if (r < 12) r = 12;
    for (s = 0; s < c->nseries && rc == RC_OK; s++) {
        float cx = ch->x + cell * ((float)s + 0.5f), cy = ch->y + legend_h + (ch->h - legend_h - title_h) / 2;
        float inner = c->kind == CHART_DONUT ? r * 0.5f : 0;
        double total = 0, angle = 0;
        for (k = 0; k < c->ncats; k++)
            if (!isnan(c->series[s].values[k])) total += c->series[s].values[k];
        if (c->nseries > 1 && c->series[s].name)
            rc = draw_text(ch, c->series[s].name, TITLE_SIZE, cx, ch->y + ch->h - TITLE_SIZE * 1.2f, DOC_CENTER, INK);
        if (total <= 0) continue;
        for (k = 0, n = 0; k < c->ncats; k++) {
            double v = c->series[s].values[k], f;
            if (isnan(v) || v <= 0) continue;
            f = v / total;
            slice(ch, cx, cy, r, inner, angle * 2 * M_PI, (angle + f) * 2 * M_PI, PALETTE[k % NPALETTE]);
            mark(ch, 's', s, k, v, f, cx, cy);
            angle += f;
            fractions[n] = f;
            cats[n++] = k;
        }
        if (rc == RC_OK && c->value_labels)
            rc = pie_labels(ch, fractions, cats, n, cx, cy, r, inner, ch->y + legend_h + 2,
                            ch->y + ch->h - title_h - 2);
    }
    ch->info->plot[0] = ch->x; ch->info->plot[1] = ch->y;
    ch->info->plot[2] = ch->x + ch->w - legend_w; ch->info->plot[3] = ch->y + ch->h;
    if (rc == RC_OK && c->legend == LEGEND_RIGHT)
        rc = legend_right(ch, items, nitems, ch->x + ch->w - legend_w + GAP, ch->y + legend_h, ch->y + ch->h);
    if (rc == RC_OK && c->legend == LEGEND_BOTTOM)
        rc = legend_bottom(ch, items, nitems, ch->y + legend_h, 1, &legend_h);
    free(fractions);
    free(cats);
    return rc;
}

/* ---- the block ------------------------------------------------------------------------ */

static int no_data(struct chart *ch) {
    struct dl_path *p = display_add_rect(ch->L->page, DL_CHART, ch->x, ch->y, ch->w, ch->h);
    p->stroke = 1;
    p->stroke_color = GRID;
    p->line_width = 0.8f;
    return draw_text(ch, "暂无数据", 10, ch->x + ch->w / 2, ch->y + ch->h / 2 - 3.5f, DOC_CENTER, AXIS);
}

/* The chart's box: the text width or less; its height from the width and
** kind unless given. */
static void chart_box(const struct layout *L, const struct doc_chart *c, float *w, float *h) {
    int pie = c->kind == CHART_PIE || c->kind == CHART_DONUT;
    *w = c->width > 0 && c->width < L->width ? c->width : L->width;
    *h = c->height > 0 ? c->height : *w * (pie ? 0.3f : c->kind == CHART_HBAR
                                           ? 0.08f + 0.045f * (float)c->ncats : 0.55f);
    if (c->kind == CHART_HBAR && c->height <= 0) *h = *w * 0.1f + 16.0f * (float)c->ncats;
    if (c->ncats == 0 && c->height <= 0) *h = *w * 0.25f;
}

int layout_chart_height(struct layout *L, const struct doc_block *b, float *h) {
    const struct doc_chart *c = b->chart;
    float w, cap = 0, src = 0;
    int rc = RC_OK;
    chart_box(L, c, &w, h);
    if (c->caption)
        rc = layout_numbered_caption_height(L, "图", L->ncharts + 1, c->caption, &cap, b->where);
    if (rc == RC_OK && c->source) rc = layout_caption_height(L, c->source, 8, &src, b->where);
    /* at least the room layout_chart asks for before it starts */
    *h = *h + 2 * GAP + cap + src > *h + 40 ? *h + 2 * GAP + cap + src : *h + 40;
    return rc;
}

int layout_chart(struct layout *L, const struct doc_block *b) {
    const struct doc_chart *c = b->chart;
    struct chart ch;
    struct legend_item *items;
    size_t nitems = 0;
    int rc;
    float pie = c->kind == CHART_PIE || c->kind == CHART_DONUT;
    memset(&ch, 0, sizeof ch);
    ch.L = L;
    ch.c = c;
    ch.where = b->where;
    chart_box(L, c, &ch.w, &ch.h);
    if (ch.h + 40 > L->top - L->page_bottom) {      /* it would run off the page */
        return rc_fail(L->err, RC_DATA, "%s: %s is %.0f pt tall, more than the %.0f pt a page "
                       "holds with its caption (give a smaller height, or fewer rows)",
                       b->where, c->name ? c->name : "chart", (double)ch.h,
                       (double)(L->top - L->page_bottom - 40));
    }
    ch.number = ++L->ncharts;
    items = xcalloc(mem_add(mem_add(c->ncats, c->nseries), 1), sizeof *items, "legend entries");
    layout_need(L, ch.h + 40);
    L->y -= GAP;
    ch.x = L->left + (L->width - ch.w) / 2;
    ch.y = L->y - ch.h;
    ch.info = display_add_chart(L->dl, (int)L->dl->npages - 1, ch.number, doc_chart_kinds[c->kind]);
    ch.info->stacked = c->stacked;
    legend_items(c, items, &nitems);
    if (c->ncats == 0) rc = no_data(&ch);
    else if (c->kind == CHART_HBAR) rc = draw_horizontal(&ch, items, nitems);
    else if (pie) rc = draw_pies(&ch, items, nitems);
    else rc = draw_vertical(&ch, items, nitems);
    free(items);
    buf_free(&ch.label);
    if (rc != RC_OK) return rc;
    L->y = ch.y - GAP;
    L->at_top = 0;
    if (c->caption) {
        if ((rc = layout_numbered_caption(L, "图", ch.number, c->caption, b->where)) != RC_OK) return rc;
    }
    if (c->source && (rc = layout_caption(L, c->source, 8, DOC_LEFT, DL_NOTE, b->where)) != RC_OK) return rc;
    L->y -= 8;
    return RC_OK;
}

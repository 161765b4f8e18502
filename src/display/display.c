/*
** display.c: building the display list and dumping it as JSON.
**
** Each page keeps pools (texts, glyphs, paths, ops) that grow by doubling;
** items refer into them by index, so growing a pool never invalidates what
** a caller is holding except a pointer into that same pool: callers hold a
** struct dl_text * only while they add its glyphs (a separate pool).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "display.h"
#include "../base/mem.h"
#include "../base/rc.h"
#include "../base/utf8.h"

const char *const display_role_names[DL_ROLE_COUNT] = {
    "body", "heading", "table-head", "table-cell", "caption",
    "note", "header", "footer", "rule", "chart"
};

/* Grow *arr (of elements of `size` bytes) to hold one more. */
static void *grow(void *arr, size_t *cap, size_t n, size_t size, const char *what) {
    if (n < *cap) return arr;
    *cap = *cap ? mem_mul(*cap, 2) : 16;
    return xreallocarray(arr, *cap, size, what);
}
#define PUSH(arr, n, cap, what) \
    ((arr) = grow((arr), &(cap), (n), sizeof *(arr), (what)), &(arr)[(n)++])

void display_init(struct display *d) {
    memset(d, 0, sizeof *d);
    d->keep = 1;
}

static void page_free(struct dl_page *p) {
    size_t i;
    for (i = 0; i < p->nlinks; i++) free(p->links[i].uri);
    for (i = 0; i < p->nimages; i++) free(p->images[i].path);
    free(p->images);
    free(p->items); free(p->texts); free(p->glyphs); free(p->cps);
    free(p->paths); free(p->ops); free(p->links);
    if (p->overlay) {
        page_free(p->overlay);
        free(p->overlay);
    }
}

void display_clear(struct display *d) {
    const struct display_sink *sink = d->sink;
    int keep = d->keep, status = d->status;
    size_t i;
    for (i = 0; i < d->npages - d->base; i++) page_free(&d->pages[i]);
    for (i = 0; i < d->ncharts; i++) free(d->charts[i].marks);
    free(d->charts);
    free(d->cells);
    for (i = 0; i < d->noutlines; i++) free(d->outlines[i].title);
    free(d->pages);
    free(d->outlines);
    display_init(d);
    d->sink = sink;
    d->keep = keep;
    d->status = status;
}

void display_free(struct display *d) {
    display_clear(d);
    display_init(d);
}

int display_wanted(const struct display *d) { return d->sink != NULL || d->keep; }

struct dl_page *display_add_page(struct display *d, float width, float height) {
    size_t held = d->npages - d->base;
    struct dl_page *p;
    d->pages = grow(d->pages, &d->cappages, held, sizeof *d->pages, "display pages");
    p = &d->pages[held];
    d->npages++;
    memset(p, 0, sizeof *p);
    p->width = width;
    p->height = height;
    return p;
}

struct dl_page *display_page(const struct display *d, size_t index) {
    return index >= d->base && index < d->npages ? &d->pages[index - d->base] : NULL;
}

int display_page_done(struct display *d) {
    struct dl_page *p = display_page(d, d->done);
    size_t held;
    if (p == NULL) return d->status;
    if (d->sink && d->status == RC_OK) d->status = d->sink->page(d->sink->ctx, d, d->done, p);
    d->done++;
    if (d->keep) return d->status;
    /* Drop the finished pages; the ones still open move to the front. */
    page_free(p);
    held = d->npages - d->done;
    memmove(d->pages, d->pages + (d->done - d->base), held * sizeof *d->pages);
    d->base = d->done;
    return d->status;
}

struct dl_page *display_overlay(struct display *d, size_t index) {
    const struct dl_page *p = display_page(d, index);
    struct dl_page *o = xcalloc(1, sizeof *o, "a page overlay");
    if (p) {
        o->width = p->width;
        o->height = p->height;
        o->kind = p->kind;
    }
    return o;
}

int display_overlay_done(struct display *d, size_t index, struct dl_page *o) {
    struct dl_page *p = display_page(d, index);
    if (d->sink && d->status == RC_OK) d->status = d->sink->overlay(d->sink->ctx, index, o);
    if (d->keep && p && p->overlay == NULL) {
        p->overlay = o;
        return d->status;
    }
    page_free(o);
    free(o);
    return d->status;
}

static void add_item(struct dl_page *p, enum dl_item_kind kind, size_t index) {
    struct dl_item *it = PUSH(p->items, p->nitems, p->capitems, "display items");
    it->kind = kind;
    it->index = index;
}

struct dl_text *display_add_text(struct dl_page *p, int face, float size,
                                 float x, float y, enum dl_role role) {
    struct dl_text *t = PUSH(p->texts, p->ntexts, p->captexts, "text runs");
    memset(t, 0, sizeof *t);
    t->face = face;
    t->size = size;
    t->x = x;
    t->y = y;
    t->role = role;
    t->first = p->nglyphs;
    add_item(p, DL_ITEM_TEXT, p->ntexts - 1);
    return t;
}

void display_add_glyph(struct dl_page *p, struct dl_text *t, uint16_t gid,
                       float x, float dy, const uint32_t *text, size_t ntext) {
    struct dl_glyph *g = PUSH(p->glyphs, p->nglyphs, p->capglyphs, "glyph pool");
    size_t i;
    if (ntext > 0xFFFF) ntext = 0xFFFF;   /* a cluster longer than that is not text */
    g->gid = gid;
    g->x = x;
    g->dy = dy;
    g->text = (uint32_t)p->ncps;
    g->ntext = (uint16_t)ntext;
    for (i = 0; i < ntext; i++) *PUSH(p->cps, p->ncps, p->capcps, "glyph text pool") = text[i];
    t->count++;
}

const uint32_t *display_glyph_text(const struct dl_page *p, const struct dl_glyph *g) {
    return g->ntext ? p->cps + g->text : NULL;
}

struct dl_path *display_add_path(struct dl_page *p, enum dl_role role) {
    struct dl_path *path = PUSH(p->paths, p->npaths, p->cappaths, "paths");
    memset(path, 0, sizeof *path);
    path->role = role;
    path->line_width = 0.5f;
    path->first = p->nops;
    add_item(p, DL_ITEM_PATH, p->npaths - 1);
    return path;
}

static void add_op(struct dl_page *p, struct dl_path *path, enum dl_op op,
                   const float *pt, int npt) {
    struct dl_pathop *o = PUSH(p->ops, p->nops, p->capops, "path operations");
    memset(o, 0, sizeof *o);
    o->op = op;
    if (npt) memcpy(o->pt, pt, (size_t)npt * sizeof *pt);
    path->count++;
}

void display_path_move(struct dl_page *p, struct dl_path *path, float x, float y) {
    float pt[2] = { x, y };
    add_op(p, path, DL_MOVE, pt, 2);
}

void display_path_line(struct dl_page *p, struct dl_path *path, float x, float y) {
    float pt[2] = { x, y };
    add_op(p, path, DL_LINE, pt, 2);
}

void display_path_curve(struct dl_page *p, struct dl_path *path, float x1, float y1,
                        float x2, float y2, float x3, float y3) {
    float pt[6] = { x1, y1, x2, y2, x3, y3 };
    add_op(p, path, DL_CURVE, pt, 6);
}

void display_path_close(struct dl_page *p, struct dl_path *path) {
    add_op(p, path, DL_CLOSE, NULL, 0);
}

struct dl_path *display_add_rect(struct dl_page *p, enum dl_role role,
                                 float x, float y, float w, float h) {
    struct dl_path *path = display_add_path(p, role);
    display_path_move(p, path, x, y);
    display_path_line(p, path, x + w, y);
    display_path_line(p, path, x + w, y + h);
    display_path_line(p, path, x, y + h);
    display_path_close(p, path);
    return path;
}

struct dl_path *display_add_line(struct dl_page *p, enum dl_role role, float x0,
                                 float y0, float x1, float y1, float width,
                                 struct dl_color color) {
    struct dl_path *path = display_add_path(p, role);
    path->stroke = 1;
    path->stroke_color = color;
    path->line_width = width;
    display_path_move(p, path, x0, y0);
    display_path_line(p, path, x1, y1);
    return path;
}

void display_add_image(struct dl_page *p, const char *path, int jpeg,
                       float x, float y, float w, float h) {
    struct dl_image *im = PUSH(p->images, p->nimages, p->capimages, "page images");
    im->path = xstrdup(path, "an image path");
    im->jpeg = jpeg;
    im->x = x;
    im->y = y;
    im->w = w;
    im->h = h;
    add_item(p, DL_ITEM_IMAGE, p->nimages - 1);
}

void display_add_link(struct dl_page *p, const float rect[4], int page,
                      float dest_y, const char *uri) {
    struct dl_link *l = PUSH(p->links, p->nlinks, p->caplinks, "page links");
    memcpy(l->rect, rect, sizeof l->rect);
    l->page = page;
    l->dest_y = dest_y;
    l->uri = uri ? xstrdup(uri, "a link target") : NULL;
}

void display_add_outline(struct display *d, int level, const char *title,
                         int page, float y) {
    struct dl_outline *o = PUSH(d->outlines, d->noutlines, d->capoutlines, "outline entries");
    o->level = level;
    o->title = xstrdup(title, "an outline title");
    o->page = page;
    o->y = y;
}

struct dl_chart *display_add_chart(struct display *d, int page, int number, const char *kind) {
    struct dl_chart *c;
    if (!d->keep && d->ncharts > 0) {        /* the scratch record */
        c = &d->charts[0];
        free(c->marks);
    } else {
        c = PUSH(d->charts, d->ncharts, d->capcharts, "chart records");
    }
    memset(c, 0, sizeof *c);
    c->page = page;
    c->number = number;
    snprintf(c->kind, sizeof c->kind, "%s", kind);
    return c;
}

void display_chart_mark(struct dl_chart *c, const struct dl_mark *m) {
    *PUSH(c->marks, c->nmarks, c->capmarks, "chart marks") = *m;
}

size_t display_add_cell(struct display *d, const struct dl_cell *c) {
    if (!d->keep) return 0;
    *PUSH(d->cells, d->ncells, d->capcells, "cell records") = *c;
    return d->ncells;
}

void display_text_utf8(const struct dl_page *p, const struct dl_text *t,
                       struct buf *out) {
    size_t i;
    char u[4];
    for (i = 0; i < t->count; i++) {
        const struct dl_glyph *g = &p->glyphs[t->first + i];
        size_t k;
        for (k = 0; k < g->ntext; k++)
            if (p->cps[g->text + k]) buf_append(out, u, utf8_encode(p->cps[g->text + k], u));
    }
}

/* ---- JSON dump ---------------------------------------------------------- */

static void json_string(struct buf *out, const char *s, size_t n) {
    size_t i;
    buf_putc(out, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { buf_putc(out, '\\'); buf_putc(out, c); }
        else if (c < 0x20) buf_printf(out, "\\u%04x", c);
        else buf_putc(out, c);
    }
    buf_putc(out, '"');
}

/* "key":"#rrggbb", and a comma: colours as scripts write them. */
static void json_color(struct buf *out, const char *key, struct dl_color c) {
    buf_printf(out, "\"%s\":\"#%02x%02x%02x\",", key, (unsigned)(c.r * 255 + 0.5f),
               (unsigned)(c.g * 255 + 0.5f), (unsigned)(c.b * 255 + 0.5f));
}

static void json_text(struct buf *out, const struct dl_page *p,
                      const struct dl_text *t) {
    struct buf s;
    size_t i;
    buf_init(&s);
    display_text_utf8(p, t, &s);
    buf_printf(out, "{\"role\":\"%s\",\"x\":%.2f,\"y\":%.2f,\"width\":%.2f,"
               "\"size\":%.2f,\"face\":%d,\"bold\":%d,\"line\":%d,"
               "\"stretch\":%.4f,\"last\":%d,\"loose\":%d,\"justify\":%d,",
               display_role_names[t->role], t->x, t->y, t->width, t->size,
               t->face, t->bold, t->line, t->stretch, t->last, t->loose, t->justify);
    if (t->cell) buf_printf(out, "\"cell\":%zu,", t->cell - 1);
    if (t->invisible) buf_puts(out, "\"invisible\":1,");
    json_color(out, "color", t->color);
    buf_puts(out, "\"text\":");
    json_string(out, (const char *)s.data, s.len);
    buf_puts(out, ",\"glyphs\":[");
    for (i = 0; i < t->count; i++) {
        const struct dl_glyph *g = &p->glyphs[t->first + i];
        buf_printf(out, "%s[%u,%.3f,%.3f,%u]", i ? "," : "", (unsigned)g->gid, g->x, g->dy,
                   (unsigned)g->ntext);
    }
    buf_puts(out, "]}");
    buf_free(&s);
}

static void json_path(struct buf *out, const struct dl_page *p,
                      const struct dl_path *path) {
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    size_t i;
    int k;
    for (i = 0; i < path->count; i++) {
        const struct dl_pathop *o = &p->ops[path->first + i];
        int npt = o->op == DL_CURVE ? 3 : o->op == DL_CLOSE ? 0 : 1;
        for (k = 0; k < npt; k++) {
            float x = o->pt[2 * k], y = o->pt[2 * k + 1];
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
        }
    }
    buf_printf(out, "{\"role\":\"%s\",\"fill\":%d,\"stroke\":%d,"
               "\"bbox\":[%.3f,%.3f,%.3f,%.3f]",
               display_role_names[path->role], path->fill, path->stroke, x0, y0, x1, y1);
    buf_putc(out, ',');
    if (path->fill) json_color(out, "fill_color", path->fill_color);
    if (path->stroke) json_color(out, "stroke_color", path->stroke_color);
    out->len--;                         /* the last comma */
    if (path->role == DL_RULE) buf_printf(out, ",\"line_width\":%.2f", path->line_width);
    if (path->role != DL_RULE && path->role != DL_TABLE_CELL && path->role != DL_TABLE_HEAD) {
        /* the geometry chart tests measure, and marks drawn for text (marks.c) */
        buf_puts(out, ",\"ops\":[");
        for (i = 0; i < path->count; i++) {
            const struct dl_pathop *o = &p->ops[path->first + i];
            int npt = o->op == DL_CURVE ? 6 : o->op == DL_CLOSE ? 0 : 2;
            buf_printf(out, "%s[\"%c\"", i ? "," : "", "MLCZ"[o->op]);
            for (k = 0; k < npt; k++) buf_printf(out, ",%.3f", o->pt[k]);
            buf_putc(out, ']');
        }
        buf_putc(out, ']');
    }
    buf_putc(out, '}');
}

/* A page's texts and paths, then its overlay's: one list, as drawn. */
static void json_page(struct buf *out, const struct dl_page *page) {
    const struct dl_page *layer[2] = { page, page->overlay }, *p;
    size_t i, n = 0;
    int k;
    static const char *const kinds[] = { "body", "cover", "front" };
    buf_printf(out, "{\"width\":%.2f,\"height\":%.2f,\"kind\":\"%s\",\"images\":%zu,\"texts\":[",
               page->width, page->height, kinds[page->kind], page->nimages);
    for (k = 0; k < 2 && (p = layer[k]) != NULL; k++)
        for (i = 0; i < p->ntexts; i++) {
            if (n++) buf_putc(out, ',');
            buf_puts(out, "\n  ");
            json_text(out, p, &p->texts[i]);
        }
    buf_puts(out, "],\"paths\":[");
    for (k = 0, n = 0; k < 2 && (p = layer[k]) != NULL; k++)
        for (i = 0; i < p->npaths; i++) {
            if (n++) buf_putc(out, ',');
            buf_puts(out, "\n  ");
            json_path(out, p, &p->paths[i]);
        }
    p = page;
    buf_puts(out, "],\"links\":[");
    for (i = 0; i < p->nlinks; i++) {
        const struct dl_link *l = &p->links[i];
        buf_printf(out, "%s{\"rect\":[%.2f,%.2f,%.2f,%.2f],\"page\":%d,\"dest_y\":%.2f,\"uri\":",
                   i ? "," : "", l->rect[0], l->rect[1], l->rect[2], l->rect[3],
                   l->page, l->dest_y);
        if (l->uri) json_string(out, l->uri, strlen(l->uri));
        else buf_puts(out, "null");
        buf_putc(out, '}');
    }
    buf_puts(out, "]}");
}

static void json_chart(struct buf *out, const struct dl_chart *c) {
    size_t i;
    buf_printf(out, "{\"page\":%d,\"number\":%d,\"kind\":\"%s\","
               "\"plot\":[%.3f,%.3f,%.3f,%.3f],\"horizontal\":%d,\"invert\":%d,\"stacked\":%d,"
               "\"lo\":%.17g,\"hi\":%.17g,\"base\":%.17g,\"lo2\":%.17g,\"hi2\":%.17g,\"marks\":[",
               c->page, c->number, c->kind, c->plot[0], c->plot[1], c->plot[2], c->plot[3],
               c->horizontal, c->invert, c->stacked, c->lo, c->hi, c->base, c->lo2, c->hi2);
    for (i = 0; i < c->nmarks; i++) {
        const struct dl_mark *m = &c->marks[i];
        buf_printf(out, "%s{\"kind\":\"%c\",\"series\":%d,\"cat\":%d,\"axis\":%d,\"value\":%.17g,"
                   "\"fraction\":%.17g,\"cx\":%.3f,\"cy\":%.3f,\"path\":%zu}",
                   i ? "," : "", m->kind, m->series, m->cat, m->axis, m->value, m->fraction,
                   m->cx, m->cy, m->path);
    }
    buf_puts(out, "]}");
}

void display_write_json(const struct display *d, struct buf *out) {
    size_t i;
    buf_puts(out, "{\"pages\":[");
    for (i = 0; i < d->npages - d->base; i++) {
        if (i) buf_puts(out, ",\n");
        json_page(out, &d->pages[i]);
    }
    buf_puts(out, "],\n\"outlines\":[");
    for (i = 0; i < d->noutlines; i++) {
        const struct dl_outline *o = &d->outlines[i];
        buf_printf(out, "%s{\"level\":%d,\"page\":%d,\"y\":%.2f,\"title\":",
                   i ? "," : "", o->level, o->page, o->y);
        json_string(out, o->title, strlen(o->title));
        buf_putc(out, '}');
    }
    buf_puts(out, "],\n\"charts\":[");
    for (i = 0; i < d->ncharts; i++) {
        if (i) buf_puts(out, ",\n");
        json_chart(out, &d->charts[i]);
    }
    buf_puts(out, "],\n\"cells\":[");
    for (i = 0; i < d->ncells; i++) {
        const struct dl_cell *c = &d->cells[i];
        buf_printf(out, "%s\n{\"page\":%d,\"table\":%d,\"kind\":\"%c\",\"row\":%d,\"col\":%d,"
                   "\"rowspan\":%d,\"colspan\":%d,\"part\":%d,\"repeat\":%d,"
                   "\"box\":[%.3f,%.3f,%.3f,%.3f]}",
                   i ? "," : "", c->page, c->table, c->kind, c->row, c->col, c->rowspan,
                   c->colspan, c->part, c->repeat, c->box[0], c->box[1], c->box[2], c->box[3]);
    }
    buf_puts(out, "]}\n");
}

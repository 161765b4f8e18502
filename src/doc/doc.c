/*
** doc.c: building and freeing the document tree.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "doc.h"
#include <stdio.h>
#include "../base/buf.h"
#include "../base/mem.h"

static char *dup_or_null(const char *s) {
    char *p;
    if (s == NULL) return NULL;
    p = xstrdup(s, "document text");
    return p;
}

const char *const doc_chart_kinds[] = {
    "bar", "hbar", "pie", "donut", "line", "barline", "scatter", NULL
};

void doc_set_string(char **field, const char *value) {
    free(*field);
    *field = dup_or_null(value);
}

static void theme_default(struct doc_theme *t) {
    memset(t, 0, sizeof *t);
    t->page_width = 595.28f;          /* A4 */
    t->page_height = 841.89f;
    t->margin_top = 72.0f;
    t->margin_bottom = 72.0f;
    t->margin_left = 68.0f;
    t->margin_right = 68.0f;
    t->body_size = 10.5f;             /* 五号 */
    t->leading = 1.75f;
    t->heading_size[0] = 16.0f;       /* 三号 */
    t->heading_size[1] = 14.0f;       /* 四号 */
    t->heading_size[2] = 12.0f;       /* 小四 */
    t->heading_size[3] = 10.5f;
    t->para_space = 4.0f;
    t->indent = 2.0f;
    t->table_size = 9.0f;             /* 小五 */
    strcpy(t->punctuation, "compress");
    strcpy(t->linebreak, "total-fit");
    strcpy(t->body_family, "serif");
    strcpy(t->heading_family, "sans");
    strcpy(t->table_family, "serif");
    strcpy(t->heading_numbers[0], "一、");
    strcpy(t->heading_numbers[1], "（一）");
    strcpy(t->heading_numbers[2], "1.");
    strcpy(t->heading_numbers[3], "（1）");
    t->note_size = 8.5f;
    t->heading_color = (struct doc_color){ 0.0f, 0.0f, 0.0f };
    t->text_color = (struct doc_color){ 0.0f, 0.0f, 0.0f };
    t->link_color = (struct doc_color){ 0.05f, 0.25f, 0.60f };
    t->accent_color = (struct doc_color){ 0.78f, 0.18f, 0.16f };
    strcpy(t->table_rules, "three-line");
    strcpy(t->table_null, "—");
    t->table_zebra_color = (struct doc_color){ 0.95f, 0.95f, 0.95f };
    t->table_highlight_color = (struct doc_color){ -1, -1, -1 };   /* a tint of the accent */
    t->table_rule_color = (struct doc_color){ 0.0f, 0.0f, 0.0f };
    t->table_header_fill = (struct doc_color){ -1, -1, -1 };
    t->table_header_color = (struct doc_color){ -1, -1, -1 };
}

/* Today's furniture: the running header (the document's `header`, else its
** title) on the right over a rule, "第 N 页 / 共 M 页" centred below; set
** by the script when it gives `header` or `page`. */
static void page_default(struct doc_page_style *p) {
    memset(p, 0, sizeof *p);
    p->header.size = p->footer.size = 9;
    p->header.color = p->footer.color = (struct doc_color){ -1, -1, -1 };
    p->header.rule = DOC_RULE_BELOW;
    p->footer.rule = DOC_RULE_NONE;
    p->header.text[2] = xstrdup("{title}", "page header");
    p->footer.text[1] = xstrdup("第 {page} 页 / 共 {pages} 页", "page footer");
    p->numbering = DOC_NUMBER_BODY;
    p->first_page = -1;
}

static void band_free(struct doc_band *b) {
    int i;
    for (i = 0; i < 3; i++) free(b->text[i]);
}

struct doc *doc_new(void) {
    struct doc *d = xcalloc(1, sizeof *d, "the document");
    theme_default(&d->theme);
    page_default(&d->page);
    return d;
}

const char *const doc_fields[] = { "page", "pages", "section", "title", "date", NULL };

/* The field named by s[0..n), or -1. */
static int field_index(const char *s, size_t n) {
    int i;
    for (i = 0; doc_fields[i]; i++)
        if (strlen(doc_fields[i]) == n && memcmp(doc_fields[i], s, n) == 0) return i;
    return -1;
}

/* Walk a template: call `emit` for each literal run and each field. */
static int template_walk(const char *tpl, char *bad, size_t badsize,
                         void (*emit)(void *ctx, const char *s, size_t n, int field), void *ctx) {
    const char *s = tpl;
    while (*s) {
        const char *close;
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            if (emit) emit(ctx, s, 1, -1);
            s += 2;
            continue;
        }
        if (*s == '}') {
            if (bad) snprintf(bad, badsize, "}");
            return -1;
        }
        if (*s != '{') {
            size_t n = strcspn(s, "{}");
            if (emit) emit(ctx, s, n, -1);
            s += n;
            continue;
        }
        close = strchr(s + 1, '}');
        if (close == NULL || field_index(s + 1, (size_t)(close - s - 1)) < 0) {
            if (bad) {
                size_t n = close ? (size_t)(close - s + 1) : strlen(s);
                if (n > 40) n = 40;
                while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;   /* whole characters */
                snprintf(bad, badsize, "%.*s", (int)n, s);
            }
            return -1;
        }
        if (emit) emit(ctx, NULL, 0, field_index(s + 1, (size_t)(close - s - 1)));
        s = close + 1;
    }
    return 0;
}

int doc_template_check(const char *tpl, char *bad, size_t badsize) {
    return template_walk(tpl, bad, badsize, NULL, NULL);
}

struct expand { struct buf out; const char *const *values; };

static void expand_emit(void *ctx, const char *s, size_t n, int field) {
    struct expand *e = ctx;
    if (field < 0) buf_append(&e->out, s, n);
    else if (e->values[field]) buf_puts(&e->out, e->values[field]);
}

char *doc_template_expand(const char *tpl, const char *const values[DOC_FIELD_COUNT]) {
    struct expand e;
    buf_init(&e.out);
    e.values = values;
    template_walk(tpl, NULL, 0, expand_emit, &e);
    buf_putc(&e.out, '\0');
    return (char *)e.out.data;
}

char *doc_template_quote(const char *s) {
    struct buf out;
    buf_init(&out);
    for (; *s; s++) {
        if (*s == '{' || *s == '}') buf_putc(&out, *s);
        buf_putc(&out, *s);
    }
    buf_putc(&out, '\0');
    return (char *)out.data;
}

struct doc_table *doc_table_new(size_t ncols, size_t nrows) {
    struct doc_table *t = xcalloc(1, sizeof *t, "a table");
    size_t i, ncells = mem_mul(ncols, nrows);
    t->ncols = ncols;
    t->nrows = nrows;
    t->cols = xcalloc(ncols, sizeof *t->cols, "table columns");
    t->cells = xcalloc(ncells, sizeof *t->cells, "table cells");
    t->rowspan = xcalloc(ncells, sizeof *t->rowspan, "table row spans");
    t->highlight = xcalloc(nrows, sizeof *t->highlight, "table row highlights");
    t->total = xcalloc(nrows, sizeof *t->total, "table total rows");
    for (i = 0; i < ncells; i++) t->rowspan[i] = 1;
    t->zebra = -1;
    t->header_fill = t->header_color = (struct doc_color){ -1, -1, -1 };
    return t;
}

void doc_table_add_head(struct doc_table *t, const char *text, size_t row, size_t col,
                        size_t rowspan, size_t colspan) {
    struct doc_head_cell *h;
    t->head = xreallocarray(t->head, mem_add(t->nhead, 1), sizeof *t->head, "table header cells");
    h = &t->head[t->nhead++];
    h->text = dup_or_null(text ? text : "");
    h->row = row;
    h->col = col;
    h->rowspan = rowspan;
    h->colspan = colspan;
    if (row + rowspan > t->nhead_rows) t->nhead_rows = row + rowspan;
}

void doc_table_free(struct doc_table *t) {
    size_t i;
    if (t == NULL) return;
    for (i = 0; i < t->ncols; i++) free(t->cols[i].title);
    for (i = 0; i < t->ncols * t->nrows; i++) free(t->cells[i]);
    for (i = 0; i < t->nhead; i++) free(t->head[i].text);
    free(t->cols);
    free(t->cells);
    free(t->rowspan);
    free(t->head);
    free(t->highlight);
    free(t->total);
    free(t->caption);
    free(t->source);
    free(t->empty);
    if (t->stream) t->stream->release(t->stream);
    free(t);
}

void doc_free(struct doc *d) {
    size_t i;
    if (d == NULL) return;
    for (i = 0; i < d->nblocks; i++) {
        free(d->blocks[i].text);
        free(d->blocks[i].where);
        doc_table_free(d->blocks[i].table);
        doc_chart_free(d->blocks[i].chart);
        doc_image_free(d->blocks[i].image);
        if (d->blocks[i].cover) {
            free(d->blocks[i].cover->title);
            free(d->blocks[i].cover->subtitle);
            free(d->blocks[i].cover->org);
            free(d->blocks[i].cover->date);
            free(d->blocks[i].cover);
        }
    }
    free(d->blocks);
    free(d->title);
    free(d->author);
    free(d->subject);
    free(d->header);
    free(d->date);
    band_free(&d->page.header);
    band_free(&d->page.footer);
    free(d);
}

static struct doc_block *add_block(struct doc *d, enum doc_kind kind, const char *where) {
    struct doc_block *b;
    if (d->nblocks == d->capblocks) {
        d->capblocks = d->capblocks ? d->capblocks * 2 : 32;
        d->blocks = xreallocarray(d->blocks, d->capblocks, sizeof *d->blocks, "document blocks");
    }
    b = &d->blocks[d->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->where = dup_or_null(where);
    return b;
}

struct doc_block *doc_add_heading(struct doc *d, int level, const char *text, const char *where) {
    struct doc_block *b = add_block(d, DOC_HEADING, where);
    b->level = level;
    b->text = dup_or_null(text);
    return b;
}

struct doc_block *doc_add_paragraph(struct doc *d, const char *text, const char *where) {
    struct doc_block *b = add_block(d, DOC_PARAGRAPH, where);
    b->text = dup_or_null(text);
    return b;
}

struct doc_block *doc_add_pagebreak(struct doc *d, const char *where) {
    return add_block(d, DOC_PAGEBREAK, where);
}

struct doc_block *doc_add_table(struct doc *d, struct doc_table *t, const char *where) {
    struct doc_block *b = add_block(d, DOC_TABLE, where);
    b->table = t;
    return b;
}

struct doc_chart *doc_chart_new(size_t ncats, size_t nseries) {
    struct doc_chart *c = xcalloc(1, sizeof *c, "a chart");
    size_t i, j;
    c->ncats = ncats;
    c->nseries = nseries;
    c->decimals = -1;
    c->cats = xcalloc(ncats, sizeof *c->cats, "chart categories");
    c->highlight = xcalloc(ncats, sizeof *c->highlight, "chart highlights");
    c->x = xcalloc(ncats, sizeof *c->x, "chart x values");
    c->series = xcalloc(nseries, sizeof *c->series, "chart series");
    for (i = 0; i < nseries; i++) {
        c->series[i].values = xcalloc(ncats, sizeof *c->series[i].values, "chart values");
        for (j = 0; j < ncats; j++) c->series[i].values[j] = NAN;
        c->series[i].color = (struct doc_color){ -1, -1, -1 };
        c->series[i].decimals = -1;
    }
    return c;
}

void doc_chart_free(struct doc_chart *c) {
    size_t i;
    if (c == NULL) return;
    for (i = 0; i < c->ncats; i++) free(c->cats[i]);
    for (i = 0; i < c->nseries; i++) {
        free(c->series[i].name);
        free(c->series[i].values);
        free(c->series[i].suffix);
    }
    free(c->cats); free(c->highlight); free(c->x); free(c->series);
    free(c->name); free(c->caption); free(c->source); free(c->suffix);
    free(c->y_title); free(c->y2_title); free(c->x_title);
    free(c);
}

struct doc_block *doc_add_chart(struct doc *d, struct doc_chart *c, const char *where) {
    struct doc_block *b = add_block(d, DOC_CHART, where);
    b->chart = c;
    b->floating = 1;
    return b;
}

struct doc_block *doc_add_cover(struct doc *d, const char *title, const char *subtitle,
                                const char *org, const char *date, const char *where) {
    struct doc_block *b = add_block(d, DOC_COVER, where);
    b->cover = xcalloc(1, sizeof *b->cover, "a cover");
    b->cover->title = dup_or_null(title);
    b->cover->subtitle = dup_or_null(subtitle);
    b->cover->org = dup_or_null(org);
    b->cover->date = dup_or_null(date);
    return b;
}

struct doc_block *doc_add_toc(struct doc *d, int depth, const char *title, const char *where) {
    struct doc_block *b = add_block(d, DOC_TOC, where);
    b->level = depth;
    b->text = dup_or_null(title);
    return b;
}

struct doc_block *doc_add_image(struct doc *d, struct doc_image *img, const char *where) {
    struct doc_block *b = add_block(d, DOC_IMAGE, where);
    b->image = img;
    b->floating = 1;
    return b;
}

void doc_image_free(struct doc_image *img) {
    if (img == NULL) return;
    free(img->path);
    free(img->caption);
    free(img);
}

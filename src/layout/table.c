/*
** table.c: data tables as Chinese published reports set them.
**
** A table is measured before anything is placed.  Every cell is shaped
** once by the paragraph shaper (CJK and Latin break by the same rules as
** body text); columns get their widths from the header and body cells as
** CSS automatic layout gives them (colwidth.c: never narrower than a
** number, date, URL part or word they hold unless the table cannot fit,
** prose giving up width before numbers); cells break into lines, a token
** wider than its column only then, at allowed points and with a warning
** naming the table and column; numbers line up on the decimal
** point and sit as a block in the middle of their column; a row is as
** tall as its tallest cell, and a cell spanning rows makes the last of
** them taller if needed.
**
** Placing goes band by band: a band is a run of rows that no row span
** crosses.  A band moves whole to the next page if it fits there, except
** that a band of four rows or more may break with two on each side.  A
** band taller than a page is cut between rows, and a row taller than the
** room left is cut between lines: each cell keeps the lines that fit and
** carries the rest over, so no text is lost; a merged cell that has
** nothing left shows its text again on the next page.  Each page the
** table reaches repeats the header under "续表 N" and closes with the
** bottom rule.
**
** Rules: three-line (三线表: heavy above the header, light under it and
** under column-group titles, light above a totals row, heavy at the
** bottom) or grid (every cell framed, a span framed as one cell).  They
** are drawn when the table's part on a page is done, after every fill.
**
** Every cell placed is recorded in the display list with its box, and its
** text runs point at it, so tests can check geometry against the table.
**
** The body comes in chunks (tablerows.h): a table given whole is one; a
** streamed table's later chunks are shaped as placing reaches them, with
** the column widths, decimal anchors and number blocks of the first, and
** freed once placed.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"
#include "../base/mem.h"
#include "../text/linebreak.h"
#include "colwidth.h"
#include "tablerows.h"

#define PAD_X 4.0f
#define PAD_Y 3.0f
#define HEAVY 1.0f
#define LIGHT 0.5f
#define CAPTION_SIZE 10.0f
#define CONTINUED_SIZE 9.0f
#define SOURCE_SIZE 8.0f
#define EPS 0.01f
#define NO_DATA "暂无数据"

struct tcell {
    struct para p;
    char   kind;               /* 'h' header, 'b' body, 't' totals row, 'e' no data */
    size_t row, col, rowspan, colspan;
    enum doc_align align;
    float  tail;               /* decimal columns: width right of the decimal anchor */
    float  shift;              /* inset from the right that lines the anchors up */
    size_t next_line;          /* the first line not yet placed */
    int    part;               /* pages it has been placed on so far */
};

struct grid {                  /* the header or the body */
    struct tcell *cells;       /* ordered by first row */
    size_t ncells, capcells, nrows;
    float *row_h;              /* nrows */
    size_t *first;             /* nrows + 1: cells starting in row r: [first[r], first[r+1]) */
};

struct table_style {
    int grid, zebra;
    struct dl_color text, rule, zebra_fill, highlight_fill;
    struct dl_color head_text, head_fill;
    int head_filled;
    const char *null_mark;
};

struct trule { float x0, y0, x1, y1, width; };

struct tlay {
    struct layout *L;
    const struct doc_table *t;
    const struct doc_block *b;
    struct table_style style;
    float *colx;               /* ncols + 1 column edges */
    float lh;                  /* line height in cells */
    struct grid head, body;
    size_t *carried;           /* body cells cut at the last page break */
    size_t ncarried;
    int number;                /* 表 N; 0 without a caption */
    int id;                    /* the table's order in the document (display list) */
    int fresh;                 /* this page holds nothing of the table but its header */
    size_t rows_here;          /* body rows begun on this page */
    unsigned char *warned;     /* ncols: the column's cut tokens were reported */
    int measuring;             /* only measured (a float's height): no warnings */
    float *max_tail;           /* ncols: decimal columns' widest part right of the point */
    struct trule *rules;       /* rules of this page's part, not yet drawn */
    size_t nrules, caprules;
    struct table_rows rows;    /* where the body's chunks come from; T->t is the current one */
    size_t row0;               /* the table's row number of the chunk's first row */
    int more;                  /* chunks follow this one */
    int prev_total;            /* the previous chunk ended with a totals row */
    float *block;              /* per column, from the first chunk: the number blocks */
};

/* ---- style ---------------------------------------------------------------- */

static struct dl_color ink(struct doc_color c) {
    struct dl_color d = { c.r, c.g, c.b };
    return d;
}

static struct table_style style_of(const struct layout *L, const struct doc_table *t) {
    const struct doc_theme *th = L->theme;
    struct table_style s;
    s.grid = t->rules == DOC_RULES_GRID
          || (t->rules == DOC_RULES_THEME && strcmp(th->table_rules, "grid") == 0);
    s.zebra = t->zebra >= 0 ? t->zebra : th->table_zebra;
    s.text = ink(th->text_color);
    s.rule = ink(th->table_rule_color);
    s.zebra_fill = ink(th->table_zebra_color);
    if (th->table_highlight_color.r < 0) {     /* a pale tint of the accent */
        s.highlight_fill.r = 0.85f + 0.15f * th->accent_color.r;
        s.highlight_fill.g = 0.85f + 0.15f * th->accent_color.g;
        s.highlight_fill.b = 0.85f + 0.15f * th->accent_color.b;
    } else {
        s.highlight_fill = ink(th->table_highlight_color);
    }
    s.null_mark = th->table_null;
    {   /* the table's header colours, else the theme's (no fill, the text colour) */
        struct doc_color fill = t->header_fill.r >= 0 ? t->header_fill : th->table_header_fill;
        struct doc_color text = t->header_color.r >= 0 ? t->header_color : th->table_header_color;
        s.head_filled = fill.r >= 0;
        s.head_fill = ink(fill);
        s.head_text = text.r >= 0 ? ink(text) : s.text;
    }
    return s;
}

/* ---- cells ------------------------------------------------------------------ */

static struct tcell *add_cell(struct grid *g, char kind, size_t row, size_t col,
                              size_t rowspan, size_t colspan, enum doc_align align) {
    struct tcell *c;
    if (g->ncells == g->capcells) {   /* doubling: a 500-row table adds thousands */
        g->capcells = g->capcells ? mem_mul(g->capcells, 2) : 64;
        g->cells = xreallocarray(g->cells, g->capcells, sizeof *g->cells, "table cells");
    }
    c = &g->cells[g->ncells++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->row = row;
    c->col = col;
    c->rowspan = rowspan;
    c->colspan = colspan;
    c->align = align;
    return c;
}

static int by_position(const void *a, const void *b) {
    const struct tcell *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

/* Index the cells by first row, once they are all added. */
static void index_rows(struct grid *g, size_t nrows) {
    size_t i, r = 0;
    qsort(g->cells, g->ncells, sizeof *g->cells, by_position);
    g->nrows = nrows;
    g->row_h = xcalloc(mem_add(nrows, 1), sizeof *g->row_h, "table row heights");
    g->first = xcalloc(mem_add(nrows, 1), sizeof *g->first, "table row index");
    for (i = 0; i <= g->ncells; i++)
        while (r < nrows && (i == g->ncells || g->cells[i].row >= r)) g->first[r++] = i;
    g->first[nrows] = g->ncells;
}

static void free_grid(struct grid *g) {
    size_t i;
    for (i = 0; i < g->ncells; i++) para_free(&g->cells[i].p);
    free(g->cells);
    free(g->row_h);
    free(g->first);
}

static int shape_cell(struct tlay *T, struct tcell *c, int family, const char *text) {
    int rc = layout_shape(T->L, &c->p, family, T->L->theme->table_size, text, T->b->where);
    c->p.color = c->kind == 'h' ? T->style.head_text : T->style.text;
    return rc;
}

/* Header cells: the table's, or one row of the column titles. */
static int build_head(struct tlay *T) {
    const struct doc_table *t = T->t;
    size_t i;
    int rc;
    if (t->nhead == 0) {
        for (i = 0; i < t->ncols; i++) {
            struct tcell *c = add_cell(&T->head, 'h', 0, i, 1, 1, DOC_CENTER);
            if ((rc = shape_cell(T, c, T->L->heading_family, t->cols[i].title ? t->cols[i].title : ""))
                != RC_OK) return rc;
        }
        index_rows(&T->head, 1);
        return RC_OK;
    }
    for (i = 0; i < t->nhead; i++) {
        const struct doc_head_cell *h = &t->head[i];
        struct tcell *c = add_cell(&T->head, 'h', h->row, h->col, h->rowspan, h->colspan, DOC_CENTER);
        if ((rc = shape_cell(T, c, T->L->heading_family, h->text)) != RC_OK) return rc;
    }
    index_rows(&T->head, t->nhead_rows);
    return RC_OK;
}

/* Body cells; covered cells (rowspan 0) have none.  No rows: one row
** saying so across all the columns. */
static int build_body(struct tlay *T) {
    const struct doc_table *t = T->t;
    size_t r, c;
    int rc;
    if (t->nrows == 0) {
        struct tcell *cell = add_cell(&T->body, 'e', 0, 0, 1, t->ncols, DOC_CENTER);
        if ((rc = shape_cell(T, cell, T->L->table_family, t->empty ? t->empty : NO_DATA)) != RC_OK)
            return rc;
        index_rows(&T->body, 1);
        return RC_OK;
    }
    for (r = 0; r < t->nrows; r++) {
        for (c = 0; c < t->ncols; c++) {
            size_t i = r * t->ncols + c;
            const char *text = t->cells[i] ? t->cells[i] : T->style.null_mark;
            struct tcell *cell;
            if (t->rowspan[i] == 0) continue;
            cell = add_cell(&T->body, t->total[r] ? 't' : 'b', r, c, t->rowspan[i], 1,
                            t->cols[c].align);
            rc = shape_cell(T, cell, t->total[r] ? T->L->heading_family : T->L->table_family, text);
            if (rc != RC_OK) return rc;
        }
    }
    index_rows(&T->body, t->nrows);
    return RC_OK;
}

/* ---- measuring -------------------------------------------------------------- */

static int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* A cell that reads as a number: digits, with at most a few other marks
** (sign, separators, point, a unit such as % or 亿).  Only these line up
** on the point; other text in a decimal column is right-aligned. */
static int numeric(const struct para *p) {
    size_t i, digits = 0, marks = 0;
    for (i = 0; i < p->nglyphs; i++) {
        uint32_t cp = p->glyphs[i].cp;
        if (is_digit(cp)) digits++;
        else if (cp != '.' && cp != ',' && cp != '-' && cp != '+' && cp != ' ') marks++;
    }
    return digits > 0 && marks <= 3;
}

/* Width right of the decimal anchor: the first '.' after a digit, else the
** end of the last run of digits; 0 for a cell that is not a number. */
static float decimal_tail(const struct para *p) {
    size_t i, anchor = p->nglyphs;
    float tail = 0;
    if (!numeric(p)) return 0;
    for (i = 1; i < p->nglyphs; i++)
        if (p->glyphs[i].cp == '.' && is_digit(p->glyphs[i - 1].cp)) { anchor = i; break; }
    if (anchor == p->nglyphs)
        for (i = p->nglyphs; i > 0; i--)
            if (is_digit(p->glyphs[i - 1].cp)) { anchor = i; break; }
    for (i = anchor; i < p->nglyphs; i++) tail += p->glyphs[i].advance + p->glyphs[i].gap;
    if (anchor < p->nglyphs) tail -= p->glyphs[p->nglyphs - 1].gap;
    return tail;
}

/* A number in a decimal column moves left by what its part right of the
** point lacks beside the longest such part of the rows measured (a row
** measured later than the widths keeps the same anchor, 0 if longer). */
static void decimal_shift(const struct tlay *T, struct tcell *c) {
    if (c->kind == 'e' || !T->t->cols[c->col].decimal || !numeric(&c->p)) return;
    c->tail = decimal_tail(&c->p);
    c->shift = T->max_tail[c->col] > c->tail ? T->max_tail[c->col] - c->tail : 0;
}

/* What a body cell holds, for the widths: a number (with its unit, a
** date, an amount), prose, or the absent-value mark. */
static enum colw_kind cell_kind(const struct tlay *T, const struct tcell *c) {
    const char *text = T->t->cells[c->row * T->t->ncols + c->col];
    if (text == NULL || c->p.nglyphs == 0 || strcmp(text, T->style.null_mark) == 0) return COLW_BLANK;
    return numeric(&c->p) ? COLW_NUMBER : COLW_TEXT;
}

/* Measure the header cells and the nbody body cells at `body` (all the
** rows, or the first rows of a table whose rows come later): the widths
** are a function of these alone.  Decimal columns get each cell's shift, which
** lines the points up. */
static void measure_columns(struct tlay *T, struct tcell *body, size_t nbody, struct colw *cw) {
    const struct doc_table *t = T->t;
    size_t i;
    for (i = 0; i < nbody; i++) {
        struct tcell *c = &body[i];
        if (c->kind == 'e' || !t->cols[c->col].decimal) continue;
        c->tail = decimal_tail(&c->p);
        if (c->tail > T->max_tail[c->col]) T->max_tail[c->col] = c->tail;
    }
    for (i = 0; i < nbody; i++) {
        struct tcell *c = &body[i];
        if (c->kind == 'e') continue;
        decimal_shift(T, c);
        colw_add(cw, c->col, c->colspan, c->rowspan, &c->p, cell_kind(T, c), c->shift);
    }
    for (i = 0; i < T->head.ncells; i++) {
        struct tcell *c = &T->head.cells[i];
        colw_add(cw, c->col, c->colspan, c->rowspan, &c->p, COLW_HEAD, 0);
    }
}

/* No column narrower than a character and its padding: narrower, a
** glyph would stick out of its cell. */
static float narrowest(const struct tlay *T) {
    return T->L->theme->table_size + 2 * PAD_X;
}

/* Fixed widths that leave less than a character for each other column. */
static int check_fixed(struct tlay *T, float floor) {
    const struct doc_table *t = T->t;
    float fixed = 0, width = T->L->width;
    size_t c, nfixed = 0;
    for (c = 0; c < t->ncols; c++) {
        const struct doc_column *col = &t->cols[c];
        if (col->width_kind != DOC_WIDTH_FIXED) continue;
        if (col->width < floor - EPS)
            return rc_fail(T->L->err, RC_DATA, "%s: table column %zu: width %.0fpt is narrower "
                           "than a character and its padding (%.0fpt)", T->b->where, c + 1,
                           col->width, floor);
        fixed += col->width;
        nfixed++;
    }
    if (fixed + (float)(t->ncols - nfixed) * floor <= width + EPS) return RC_OK;
    if (nfixed == 0)
        return rc_fail(T->L->err, RC_DATA, "%s: %zu table columns do not fit the text "
                       "width (%.0fpt)", T->b->where, t->ncols, width);
    return rc_fail(T->L->err, RC_DATA, "%s: table columns of fixed width add up to %.0fpt, "
                   "leaving too little of the text width (%.0fpt) for the other %zu",
                   T->b->where, fixed, width, t->ncols - nfixed);
}

/* Widths from the header and the nbody body cells at `body` (colwidth.c). */
static int column_widths(struct tlay *T, struct tcell *body, size_t nbody) {
    const struct doc_table *t = T->t;
    struct colw_spec *spec = xcalloc(t->ncols, sizeof *spec, "column widths");
    float *w = xcalloc(t->ncols, sizeof *w, "column widths");
    float floor = narrowest(T);
    struct colw cw;
    size_t c;
    int rc;
    if ((rc = check_fixed(T, floor)) != RC_OK) { free(spec); free(w); return rc; }
    colw_init(&cw, t->ncols, 2 * PAD_X);
    measure_columns(T, body, nbody, &cw);
    for (c = 0; c < t->ncols; c++) {
        spec[c].kind = t->cols[c].width_kind;
        spec[c].width = t->cols[c].width;
        spec[c].number = t->cols[c].decimal;
    }
    colw_solve(&cw, spec, T->L->width, floor, w, NULL);
    T->colx[0] = T->L->left;
    for (c = 0; c < t->ncols; c++) T->colx[c + 1] = T->colx[c] + w[c];
    colw_free(&cw);
    free(spec);
    free(w);
    return RC_OK;
}

static float cell_width(const struct tlay *T, const struct tcell *c) {
    return T->colx[c->col + c->colspan] - T->colx[c->col];
}

/* Say once per column, on the first layout pass, that its tokens are
** cut: the table cannot fit the text width with every number, date, URL
** part and word whole.  The build goes on. */
static void warn_cut(struct tlay *T, const struct tcell *c, float width, float token) {
    const struct doc_column *col = &T->t->cols[c->col];
    if (T->warned[c->col] || T->L->known || T->measuring) return;
    T->warned[c->col] = 1;
    fprintf(stderr, "reportc: warning: %s: table %d%s%s%s: column %zu%s%s%s is %.0fpt wide, "
            "narrower than its longest number, date, URL part or word (%.0fpt): the table does "
            "not fit the text width, so they break inside\n",
            T->b->where, T->id, T->t->caption ? " (" : "", T->t->caption ? T->t->caption : "",
            T->t->caption ? ")" : "", c->col + 1, col->title ? " (" : "",
            col->title ? col->title : "", col->title ? ")" : "", width + 2 * PAD_X, token + 2 * PAD_X);
}

/* Break a cell at its column's width; a cell that wraps no longer lines
** up on the decimal point.  A token wider than its column (only when the
** table cannot fit, or in a row the widths were not measured on) breaks
** at the points colwidth.c allows, never before closing punctuation. */
static void break_cell(struct tlay *T, struct tcell *c) {
    float w = cell_width(T, c) - 2 * PAD_X, token = colw_token_width(&c->p);
    if (token > w + EPS) {
        colw_allow_token_breaks(&c->p, w);
        warn_cut(T, c, w, token);
    }
    para_break(&c->p, w - c->shift, 0);
    if (c->p.nlines > 1 && c->shift > 0) { c->shift = 0; para_break(&c->p, w, 0); }
    if (c->shift > w - c->p.lines[0].width)   /* never out of the cell on the left */
        c->shift = w > c->p.lines[0].width ? w - c->p.lines[0].width : 0;
}

static void break_cells(struct tlay *T, struct grid *g) {
    size_t i;
    for (i = 0; i < g->ncells; i++) break_cell(T, &g->cells[i]);
}

/* Numbers right-aligned (or on the point) in a column wider than they
** are sit as a block in the middle of it, under their centred title,
** still lined up on the right: every one-line cell moves left by half
** the room the widest leaves. */
static void centre_number_blocks(struct tlay *T, int measure) {
    float *block = T->block;
    size_t i;
    for (i = 0; measure && i < T->body.ncells; i++) {
        const struct tcell *c = &T->body.cells[i];
        if (c->kind != 'e' && c->p.nlines == 1 && c->p.lines[0].width + c->shift > block[c->col])
            block[c->col] = c->p.lines[0].width + c->shift;
    }
    for (i = 0; i < T->body.ncells; i++) {
        struct tcell *c = &T->body.cells[i];
        float room = cell_width(T, c) - 2 * PAD_X - block[c->col];
        if (c->kind != 'e' && c->align == DOC_RIGHT && c->p.nlines == 1 && room > 0)
            c->shift += room / 2;
    }
}

/* Height a cell needs for the lines it has not placed yet. */
static float cell_need(const struct tlay *T, const struct tcell *c) {
    size_t left = c->p.nlines - c->next_line;
    return left ? (float)left * T->lh + 2 * PAD_Y : 0;
}

static float rows_height(const struct grid *g, size_t from, size_t to) {
    float h = 0;
    size_t r;
    for (r = from; r < to && r < g->nrows; r++) h += g->row_h[r];
    return h;
}

/* Make the rows from `from` to the cell's last row tall enough for what
** the cell still has to place: the last of them grows. */
static void fit_span(const struct tlay *T, struct grid *g, const struct tcell *c, size_t from) {
    size_t last = c->row + c->rowspan - 1;
    float have = rows_height(g, from, last + 1), need = cell_need(T, c);
    if (have < need) g->row_h[last] += need - have;
}

static void row_heights(struct tlay *T, struct grid *g) {
    float one_line = T->lh + 2 * PAD_Y;
    size_t i, r;
    for (r = 0; r < g->nrows; r++) g->row_h[r] = one_line;
    for (i = 0; i < g->ncells; i++) {
        const struct tcell *c = &g->cells[i];
        if (c->rowspan == 1 && cell_need(T, c) > g->row_h[c->row]) g->row_h[c->row] = cell_need(T, c);
    }
    for (i = 0; i < g->ncells; i++)
        if (g->cells[i].rowspan > 1) fit_span(T, g, &g->cells[i], g->cells[i].row);
}

/* ---- drawing ---------------------------------------------------------------- */

/* Rules wait until the table's part on this page is placed, so that every
** fill (zebra, highlight, header) lies under every rule: a row filled
** after the rule above it would cover half of it. */
static void push_rule(struct tlay *T, float x0, float y0, float x1, float y1, float width) {
    struct trule *r;
    if (T->nrules == T->caprules) {
        T->caprules = T->caprules ? mem_mul(T->caprules, 2) : 32;
        T->rules = xreallocarray(T->rules, T->caprules, sizeof *T->rules, "table rules");
    }
    r = &T->rules[T->nrules++];
    r->x0 = x0; r->y0 = y0; r->x1 = x1; r->y1 = y1; r->width = width;
}

static void rule(struct tlay *T, float x0, float x1, float y, float width) {
    push_rule(T, x0, y, x1, y, width);
}

static void vrule(struct tlay *T, float x, float y0, float y1, float width) {
    push_rule(T, x, y0, x, y1, width);
}

/* Draw the rules of this page's part, over its fills and text. */
static void flush_rules(struct tlay *T) {
    size_t i;
    for (i = 0; i < T->nrules; i++) {
        const struct trule *r = &T->rules[i];
        display_add_line(T->L->page, DL_RULE, r->x0, r->y0, r->x1, r->y1, r->width, T->style.rule);
    }
    T->nrules = 0;
}

/* A cell as placed: its box on this page and the lines it shows there. */
struct placed {
    struct tcell *c;
    size_t row, rows;          /* the rows of this page it covers */
    float x0, y0, x1, y1;
    size_t from, count;        /* lines [from, from + count) */
    int top;                   /* set from the top, not centred */
    int repeat;                /* a span's text again on a later page */
};

static void fill(struct tlay *T, const struct placed *pc, struct dl_color color) {
    struct dl_path *bg = display_add_rect(T->L->page, DL_TABLE_CELL, pc->x0, pc->y0,
                                          pc->x1 - pc->x0, pc->y1 - pc->y0);
    bg->fill = 1;
    bg->fill_color = color;
}

/* Highlight when every row the cell covers is highlighted; zebra stripes
** on odd body rows, for cells of one row. */
static void cell_background(struct tlay *T, const struct placed *pc) {
    const struct tcell *c = pc->c;
    size_t r;
    int lit = 1;
    if (c->kind == 'h' && T->style.head_filled) fill(T, pc, T->style.head_fill);
    if (c->kind != 'b') return;
    for (r = c->row; r < c->row + c->rowspan; r++) lit = lit && T->t->highlight[r];
    if (lit) fill(T, pc, T->style.highlight_fill);
    else if (T->style.zebra && c->rowspan == 1 && (T->row0 + c->row) % 2 == 1) fill(T, pc, T->style.zebra_fill);
}

static void cell_text(struct tlay *T, const struct placed *pc) {
    struct tcell *c = pc->c;
    struct dl_page *page = T->L->page;
    float w = pc->x1 - pc->x0 - 2 * PAD_X, top = pc->y1 - PAD_Y;
    enum dl_role role = c->kind == 'h' ? DL_TABLE_HEAD : DL_TABLE_CELL;
    enum doc_align align = c->align;
    struct dl_cell rec;
    size_t i, first_text = page->ntexts, id;
    if (!pc->top) top = pc->y1 - ((pc->y1 - pc->y0) - (float)pc->count * T->lh) / 2;
    for (i = 0; i < pc->count; i++) {
        size_t line = pc->from + i;
        float base = top - (float)i * T->lh - layout_baseline(c->p.size, T->lh);
        para_draw_line(&c->p, line, page, pc->x0 + PAD_X, base, w - c->shift, align, role, 0);
    }
    memset(&rec, 0, sizeof rec);
    rec.page = (int)T->L->dl->npages - 1;
    rec.table = T->id;
    rec.kind = c->kind;
    rec.row = (int)(c->kind == 'h' ? pc->row : T->row0 + pc->row);
    rec.col = (int)c->col;
    rec.rowspan = (int)pc->rows;
    rec.colspan = (int)c->colspan;
    rec.part = c->part++;
    rec.repeat = pc->repeat;
    rec.box[0] = pc->x0; rec.box[1] = pc->y0; rec.box[2] = pc->x1; rec.box[3] = pc->y1;
    id = display_add_cell(T->L->dl, &rec);
    for (i = first_text; i < page->ntexts; i++) page->texts[i].cell = id;
}

/* Grid rules: each cell's right and bottom edge, and the left and top of
** the piece; a span has no inner edges, so it is framed as one cell. */
static void grid_rules(struct tlay *T, const struct placed *pcs, size_t n, float top, float bottom) {
    size_t i;
    rule(T, T->colx[0], T->colx[T->t->ncols], top, LIGHT);
    vrule(T, T->colx[0], bottom, top, LIGHT);
    for (i = 0; i < n; i++) {
        rule(T, pcs[i].x0, pcs[i].x1, pcs[i].y0, LIGHT);
        vrule(T, pcs[i].x1, pcs[i].y0, pcs[i].y1, LIGHT);
    }
}

/* Place cells: backgrounds first, then text; the rules come over both
** when the page's part is done (flush_rules). */
static void draw_cells(struct tlay *T, struct placed *pcs, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) cell_background(T, &pcs[i]);
    for (i = 0; i < n; i++) cell_text(T, &pcs[i]);
}

/* The header at L->y: rules above, between group titles and their
** columns, and under it. */
static void draw_header(struct tlay *T) {
    struct layout *L = T->L;
    struct grid *g = &T->head;
    struct placed *pcs = xcalloc(g->ncells, sizeof *pcs, "placed table cells");
    float top = L->y, bottom = L->y - rows_height(g, 0, g->nrows);
    size_t i;
    for (i = 0; i < g->ncells; i++) {
        struct tcell *c = &g->cells[i];
        struct placed *pc = &pcs[i];
        pc->c = c;
        pc->row = c->row;
        pc->rows = c->rowspan;
        pc->x0 = T->colx[c->col];
        pc->x1 = T->colx[c->col + c->colspan];
        pc->y1 = top - rows_height(g, 0, c->row);
        pc->y0 = pc->y1 - rows_height(g, c->row, c->row + c->rowspan);
        pc->from = 0;
        pc->count = c->p.nlines;
        c->part = 0;
    }
    draw_cells(T, pcs, g->ncells);
    if (T->style.grid) {
        grid_rules(T, pcs, g->ncells, top, bottom);
    } else {
        rule(T, T->colx[0], T->colx[T->t->ncols], top, HEAVY);
        for (i = 0; i < g->ncells; i++)     /* under a group title, short of its ends */
            if (pcs[i].c->colspan > 1 && pcs[i].y0 > bottom + EPS)
                rule(T, pcs[i].x0 + 2, pcs[i].x1 - 2, pcs[i].y0, LIGHT);
        rule(T, T->colx[0], T->colx[T->t->ncols], bottom, LIGHT);
    }
    free(pcs);
    L->y = bottom;
    L->at_top = 0;
}

/* ---- captions and pages ------------------------------------------------------- */

static float continued_height(void) { return CONTINUED_SIZE * 1.5f; }

/* Room for body rows on a page that starts with "续表 N" and the header. */
static float fresh_room(const struct tlay *T) {
    return T->L->top - T->L->page_bottom - continued_height() - rows_height(&T->head, 0, T->head.nrows);
}

/* Close this page's part (the bottom rule) and continue on a new page. */
static int next_page(struct tlay *T) {
    char label[64];
    int rc;
    if (!T->style.grid) rule(T, T->colx[0], T->colx[T->t->ncols], T->L->y, HEAVY);
    flush_rules(T);
    layout_new_page(T->L);
    if (T->number) snprintf(label, sizeof label, "续表 %d", T->number);
    else snprintf(label, sizeof label, "续表");
    if ((rc = layout_caption(T->L, label, CONTINUED_SIZE, DOC_CENTER, DL_CAPTION, T->b->where)) != RC_OK)
        return rc;
    draw_header(T);
    T->fresh = 1;
    T->rows_here = 0;
    return RC_OK;
}

/* ---- the body, page by page -------------------------------------------------- */

static void add_carried(struct tlay *T, size_t cell) {
    T->carried[T->ncarried++] = cell;
}

/* The rows from `a` that no span crosses out of. */
static size_t band_end(const struct tlay *T, size_t a) {
    const struct grid *g = &T->body;
    size_t e = a + 1, r, i;
    for (i = 0; i < T->ncarried; i++) {
        const struct tcell *c = &g->cells[T->carried[i]];
        if (c->row + c->rowspan > e) e = c->row + c->rowspan;
    }
    for (r = a; r < e && r < g->nrows; r++)
        for (i = g->first[r]; i < g->first[r + 1]; i++)
            if (g->cells[i].row + g->cells[i].rowspan > e) e = g->cells[i].row + g->cells[i].rowspan;
    return e < g->nrows ? e : g->nrows;
}

/* Where body cell `c` goes when rows [a, b) are placed from `top` (only
** `split_h` of row a when that is > 0), and which of its lines.  Returns
** 1 when the cell goes on past this part and is carried over. */
static int place_cell(struct tlay *T, struct tcell *c, size_t a, size_t b, float split_h,
                      float top, struct placed *pc) {
    const struct grid *g = &T->body;
    size_t end = c->row + c->rowspan, from = c->row > a ? c->row : a, to = end < b ? end : b;
    int cut = split_h > 0 || end > b;
    float fit;
    pc->c = c;
    pc->row = from;
    pc->rows = to - from;
    pc->x0 = T->colx[c->col];
    pc->x1 = T->colx[c->col + c->colspan];
    pc->y1 = top - rows_height(g, a, from);
    pc->y0 = split_h > 0 ? top - split_h : pc->y1 - rows_height(g, from, to);
    pc->from = c->next_line;
    pc->count = c->p.nlines - c->next_line;
    pc->top = cut || c->part > 0;
    if (pc->count == 0 && c->rowspan > 1 && c->part > 0 && pc->from > 0
        && (float)pc->from * T->lh + 2 * PAD_Y <= pc->y1 - pc->y0 + EPS) {
        /* A span continued on a new page shows its label again (a reader
        ** of that page needs it); nothing of it is left to place. */
        pc->from = 0;
        pc->count = c->p.nlines;
        pc->repeat = 1;
        return cut;
    }
    if (cut) {
        fit = (pc->y1 - pc->y0 - 2 * PAD_Y + EPS) / T->lh;
        if (fit < 1) fit = 1;                     /* a page always takes a line */
        if ((float)pc->count > fit) pc->count = (size_t)fit;
    }
    c->next_line += pc->count;
    return cut;
}

/* Rules of a body part: grid edges, or (three-line) a light rule above a
** totals row that is not right under the header. */
static void body_rules(struct tlay *T, const struct placed *pcs, size_t n, float top, float bottom) {
    size_t i;
    if (T->style.grid) {
        for (i = 0; i < n; i++) {
            rule(T, pcs[i].x0, pcs[i].x1, pcs[i].y0, LIGHT);
            vrule(T, pcs[i].x1, pcs[i].y0, pcs[i].y1, LIGHT);
        }
        vrule(T, T->colx[0], bottom, top, LIGHT);
        return;
    }
    for (i = 0; i < n; i++) {
        const struct placed *pc = &pcs[i];
        if (pc->c->kind == 't' && pc->c->col == 0 && pc->row == pc->c->row && pc->c->part == 1
            && !(pc->row == 0 ? T->prev_total : T->t->total[pc->row - 1])
            && !(T->fresh && pc->y1 >= top - EPS))
            rule(T, T->colx[0], T->colx[T->t->ncols], pc->y1, LIGHT);
    }
}

/* Place rows [a, b) at L->y; `split_h` > 0 places only that much of row a
** (b == a + 1), cutting its cells between lines.  Cells that go on past
** the part placed are carried to the next page. */
static void place_rows(struct tlay *T, size_t a, size_t b, float split_h) {
    struct grid *g = &T->body;
    size_t n = T->ncarried + g->first[b] - g->first[a], k, ncarried = 0;
    struct placed *pcs = xcalloc(mem_add(n, 1), sizeof *pcs, "placed table cells");
    float top = T->L->y, bottom = split_h > 0 ? top - split_h : top - rows_height(g, a, b);
    for (k = 0; k < n; k++) {
        size_t idx = k < T->ncarried ? T->carried[k] : g->first[a] + (k - T->ncarried);
        /* rewritten in place: ncarried <= k, so no entry is overwritten unread */
        if (place_cell(T, &g->cells[idx], a, b, split_h, top, &pcs[k])) T->carried[ncarried++] = idx;
    }
    T->ncarried = ncarried;
    T->rows_here += b - a;
    draw_cells(T, pcs, n);
    body_rules(T, pcs, n, top, bottom);
    free(pcs);
    T->L->y = bottom;
    T->L->at_top = 0;
    T->fresh = 0;
}

/* Cells carried past row `b` get their remaining rows made tall enough. */
static void refit_carried(struct tlay *T, size_t b) {
    size_t i;
    for (i = 0; i < T->ncarried; i++) fit_span(T, &T->body, &T->body.cells[T->carried[i]], b);
}

/* After row a was placed in part: its height is what its cells that end
** in it still need; 0 when they have nothing left. */
static float rest_of_row(struct tlay *T, size_t a) {
    struct grid *g = &T->body;
    float h = 0;
    size_t k, i;
    for (k = 0; k < T->ncarried; k++) {
        const struct tcell *c = &g->cells[T->carried[k]];
        if (c->row + c->rowspan == a + 1 && cell_need(T, c) > h) h = cell_need(T, c);
    }
    for (i = g->first[a]; i < g->first[a + 1]; i++)
        if (g->cells[i].rowspan == 1 && cell_need(T, &g->cells[i]) > h) h = cell_need(T, &g->cells[i]);
    return h;
}

/* The cells that still reach past row a: carried cells and the spans that
** start in row a (after a row was placed in part and is finished). */
static void carry_past(struct tlay *T, size_t a) {
    struct grid *g = &T->body;
    size_t k, i, n = 0;
    for (k = 0; k < T->ncarried; k++) {
        const struct tcell *c = &g->cells[T->carried[k]];
        if (c->row + c->rowspan > a + 1) T->carried[n++] = T->carried[k];
    }
    T->ncarried = n;
    for (i = g->first[a]; i < g->first[a + 1]; i++)
        if (g->cells[i].rowspan > 1 && g->cells[i].row == a) add_carried(T, i);
}

/* Row a does not fit in `room`: place what fits, line by line. */
static void split_row(struct tlay *T, size_t *a, float room) {
    struct grid *g = &T->body;
    size_t k, n = 0;
    float rest;
    place_rows(T, *a, *a + 1, room);
    /* Every cell of row a was cut; those starting in it come back through first[a]. */
    for (k = 0; k < T->ncarried; k++)
        if (g->cells[T->carried[k]].row < *a) T->carried[n++] = T->carried[k];
    T->ncarried = n;
    rest = rest_of_row(T, *a);
    if (rest > 0) {
        g->row_h[*a] = rest;
        refit_carried(T, *a);
        for (k = g->first[*a]; k < g->first[*a + 1]; k++)
            if (g->cells[k].rowspan > 1) fit_span(T, g, &g->cells[k], *a);
        return;
    }
    carry_past(T, *a);
    (*a)++;
    refit_carried(T, *a);
}

/* Would placing band [a, e) here leave the table's last row alone on the
** next page?  Then the band goes over with it, if the page already has
** two rows of the table and both fit on the next.  Only the band just
** before the last row is summed (with it): summing every remaining row for
** each band made long tables quadratic. */
static int lone_last_row(const struct tlay *T, size_t a, size_t e, float room) {
    const struct grid *g = &T->body;
    float both;
    if (T->more || e != g->nrows - 1 || T->rows_here < 2) return 0;
    both = rows_height(g, a, g->nrows);
    return both > room + EPS && both <= fresh_room(T) + EPS && band_end(T, e) == g->nrows;
}

static int next_chunk(struct tlay *T);

static int place_body(struct tlay *T) {
    struct layout *L = T->L;
    struct grid *g = &T->body;
    float one_line = T->lh + 2 * PAD_Y, min_piece = 2 * T->lh + 2 * PAD_Y;
    size_t a = 0;
    int rc;
    for (;;) {
        size_t e, k;
        float band, room, h = 0;
        if (a == g->nrows) {           /* this chunk is placed: the next, or done */
            if (!T->more) break;
            if ((rc = next_chunk(T)) != RC_OK) return rc;
            a = 0;
            continue;
        }
        e = band_end(T, a);
        band = rows_height(g, a, e);
        room = L->y - L->bottom;
        if (band <= room + EPS && !lone_last_row(T, a, e, room)) {
            place_rows(T, a, e, 0);
            a = e;
            continue;
        }
        for (k = a; k < e && h + g->row_h[k] <= room + EPS; k++) h += g->row_h[k];
        if (e - k == 1 && k - a >= 3) k--;      /* not one row alone on the next page */
        if (!T->fresh && band <= fresh_room(T) + EPS) {
            /* A group of four rows or more may break, two rows on each side
            ** (its merged cells show their text again on the next page). */
            if (e - a >= 4 && k - a >= 2 && e - k >= 2) {
                place_rows(T, a, k, 0);
                a = k;
                refit_carried(T, a);
            }
            if ((rc = next_page(T)) != RC_OK) return rc;
            continue;
        }
        /* Taller than a page: cut the band between rows, or a row between lines. */
        if (k > a) {
            place_rows(T, a, k, 0);
            a = k;
            refit_carried(T, a);
        } else if (room >= min_piece - EPS || T->fresh) {
            split_row(T, &a, room > one_line ? room : one_line);
        }
        if ((a < g->nrows || T->more) && (rc = next_page(T)) != RC_OK) return rc;
    }
    return RC_OK;
}

/* ---- the table ------------------------------------------------------------------ */

/* The table's order among the document's tables, from 1. */
static int table_order(const struct layout *L, const struct doc_block *b) {
    const struct doc_block *x;
    int n = 0;
    for (x = L->doc->blocks; x <= b; x++) n += x->kind == DOC_TABLE;
    return n;
}

/* Take the next chunk of rows as the table T->t. */
static int take_chunk(struct tlay *T) {
    const struct doc_table *chunk;
    int last, rc = table_rows_next(&T->rows, &chunk, &T->row0, &last, T->L->err);
    if (rc < 0) return -rc;
    if (rc == 0) return rc_fail(T->L->err, RC_DATA, "%s: internal: a table without rows", T->b->where);
    T->t = chunk;
    T->more = !last;
    return RC_OK;
}

/* The next chunk of a streamed table, once the last is placed: its rows
** shaped and measured as the first chunk's were; the last chunk's freed. */
static int next_chunk(struct tlay *T) {
    size_t i;
    int rc;
    T->prev_total = T->t->nrows > 0 && T->t->total[T->t->nrows - 1];
    T->ncarried = 0;                   /* a chunk ends where no cell reaches past it */
    free_grid(&T->body);
    memset(&T->body, 0, sizeof T->body);
    if ((rc = take_chunk(T)) != RC_OK || (rc = build_body(T)) != RC_OK) return rc;
    for (i = 0; i < T->body.ncells; i++) decimal_shift(T, &T->body.cells[i]);
    break_cells(T, &T->body);
    centre_number_blocks(T, 0);
    row_heights(T, &T->body);
    return RC_OK;
}

static int prepare(struct tlay *T) {
    int rc;
    T->colx = xcalloc(mem_add(T->t->ncols, 1), sizeof *T->colx, "column positions");
    T->carried = xcalloc(mem_add(mem_mul(T->t->ncols, 2), 1), sizeof *T->carried, "carried table cells");
    T->warned = xcalloc(T->t->ncols ? T->t->ncols : 1, 1, "table warnings");
    T->max_tail = xcalloc(T->t->ncols ? T->t->ncols : 1, sizeof *T->max_tail, "column widths");
    T->block = xcalloc(T->t->ncols ? T->t->ncols : 1, sizeof *T->block, "column widths");
    /* the widths from the header and the first chunk: all the rows of a
    ** table given whole, the first of a streamed one */
    if ((rc = table_rows_open(&T->rows, T->t, T->L->err)) != RC_OK || (rc = take_chunk(T)) != RC_OK ||
        (rc = build_head(T)) != RC_OK || (rc = build_body(T)) != RC_OK ||
        (rc = column_widths(T, T->body.cells, T->body.ncells)) != RC_OK)
        return rc;
    break_cells(T, &T->head);
    break_cells(T, &T->body);
    centre_number_blocks(T, 1);
    row_heights(T, &T->head);
    row_heights(T, &T->body);
    return RC_OK;
}

static void tlay_init(struct tlay *T, struct layout *L, const struct doc_block *b) {
    memset(T, 0, sizeof *T);
    T->L = L;
    T->t = b->table;
    T->b = b;
    T->style = style_of(L, b->table);
    T->lh = L->theme->table_size * 1.45f;
    T->id = table_order(L, b);
}

static void tlay_free(struct tlay *T) {
    free_grid(&T->head);
    free_grid(&T->body);
    free(T->colx);
    free(T->carried);
    free(T->warned);
    free(T->max_tail);
    free(T->rules);
    free(T->block);
    table_rows_close(&T->rows);
}

/* Caption, header, every row, the space under and the source (float.c). */
int layout_table_height(struct layout *L, const struct doc_block *b, float *h) {
    struct tlay T;
    float cap = 0, src = 0;
    int rc;
    tlay_init(&T, L, b);
    T.measuring = 1;         /* the warning comes once, when the table is set */
    *h = 0;
    rc = prepare(&T);
    if (rc == RC_OK && T.t->caption)
        rc = layout_numbered_caption_height(L, "表", L->ntables + 1, T.t->caption, &cap, b->where);
    if (rc == RC_OK && T.t->source)
        rc = layout_caption_height(L, T.t->source, SOURCE_SIZE, &src, b->where);
    if (rc == RC_OK)
        *h = cap + rows_height(&T.head, 0, T.head.nrows) + rows_height(&T.body, 0, T.body.nrows)
             + 4 + src;
    tlay_free(&T);
    return rc;
}

int layout_table(struct layout *L, const struct doc_block *b) {
    struct tlay T;
    float caption_h = 0, first;
    int rc;
    tlay_init(&T, L, b);
    if ((rc = prepare(&T)) != RC_OK) goto done;
    if (T.t->caption) {
        T.number = ++L->ntables;
        caption_h = CAPTION_SIZE * 1.5f;
    }
    /* Keep the caption and header with the first rows (all of the first
    ** band when a page can hold it). */
    first = rows_height(&T.body, 0, band_end(&T, 0));
    if (first > fresh_room(&T)) first = T.lh + 2 * PAD_Y;
    layout_need(L, caption_h + rows_height(&T.head, 0, T.head.nrows) + first);
    T.fresh = L->at_top;
    if (T.t->caption && (rc = layout_numbered_caption(L, "表", T.number, T.t->caption, b->where)) != RC_OK)
        goto done;
    draw_header(&T);
    if ((rc = place_body(&T)) != RC_OK) goto done;
    if (!T.style.grid) rule(&T, T.colx[0], T.colx[T.t->ncols], L->y, HEAVY);
    flush_rules(&T);
    L->y -= 4;
    if (T.t->source) rc = layout_caption(L, T.t->source, SOURCE_SIZE, DOC_LEFT, DL_NOTE, b->where);
    L->y -= 6;
done:
    tlay_free(&T);
    return rc;
}

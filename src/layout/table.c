/*
** table.c: plain tables in the Chinese three-line style: a heavy rule
** above the header, a light one under it, a heavy one under the last row.
** Cells wrap with the paragraph breaker; a row grows to its tallest cell.
** A table longer than the page continues on the next with its header
** repeated.  Column spans, row spans, formats and totals are for the full
** table module; this is the plain table the foundation needs.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"

#define CELL_PAD_X 4.0f
#define CELL_PAD_Y 3.0f

static const struct dl_color INK = { 0, 0, 0 };
static const struct dl_color HIGHLIGHT = { 0.88f, 0.92f, 0.97f };

struct table_row {
    struct para *cells;    /* ncols */
    float height;
};

static float line_height(const struct layout *L) {
    return L->theme->table_size * 1.45f;
}

static int shape_row(struct layout *L, const struct doc_table *t, const float *colw,
                     char *const *texts, int family, struct table_row *row,
                     const char *where) {
    size_t c;
    float size = L->theme->table_size, lh = line_height(L);
    row->cells = calloc(t->ncols, sizeof *row->cells);
    row->height = 0;
    if (row->cells == NULL) abort();
    for (c = 0; c < t->ncols; c++) {
        int rc = layout_shape(L, &row->cells[c], family, size, texts[c] ? texts[c] : "", where);
        if (rc != RC_OK) return rc;
        para_break(&row->cells[c], colw[c] - 2 * CELL_PAD_X, 0);
        if ((float)row->cells[c].nlines * lh > row->height)
            row->height = (float)row->cells[c].nlines * lh;
    }
    row->height += 2 * CELL_PAD_Y;
    return RC_OK;
}

static void free_row(const struct doc_table *t, struct table_row *row) {
    size_t c;
    if (row->cells == NULL) return;
    for (c = 0; c < t->ncols; c++) para_free(&row->cells[c]);
    free(row->cells);
    row->cells = NULL;
}

static void draw_row(struct layout *L, const struct doc_table *t, const float *colw,
                     const struct table_row *row, enum dl_role role, int highlight) {
    float x = L->left, lh = line_height(L);
    size_t c, i;
    if (highlight) {
        struct dl_path *bg = display_add_rect(L->page, DL_TABLE_CELL, L->left,
                                              L->y - row->height, L->width, row->height);
        bg->fill = 1;
        bg->fill_color = HIGHLIGHT;
    }
    for (c = 0; c < t->ncols; c++) {
        const struct para *p = &row->cells[c];
        enum doc_align align = role == DL_TABLE_HEAD ? DOC_CENTER : t->cols[c].align;
        for (i = 0; i < p->nlines; i++) {
            float base = L->y - CELL_PAD_Y - (float)i * lh - layout_baseline(p->size, lh);
            para_draw_line(p, i, L->page, x + CELL_PAD_X, base, colw[c] - 2 * CELL_PAD_X,
                           align == DOC_JUSTIFY ? DOC_LEFT : align, role, 0);
        }
        x += colw[c];
    }
    L->y -= row->height;
    L->at_top = 0;
}

static void rule(struct layout *L, float width) {
    display_add_line(L->page, DL_RULE, L->left, L->y, L->left + L->width, L->y, width, INK);
}

static int caption(struct layout *L, const char *text, float size, enum doc_align align,
                   enum dl_role role, const char *where) {
    struct para p;
    size_t i;
    float lh = size * 1.5f;
    int rc = layout_shape(L, &p, L->heading_family, size, text, where);
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, 0);
    for (i = 0; i < p.nlines; i++) {
        layout_need(L, lh);
        para_draw_line(&p, i, L->page, L->left, L->y - layout_baseline(size, lh),
                       L->width, align, role, 0);
        L->y -= lh;
        L->at_top = 0;
    }
    para_free(&p);
    return RC_OK;
}

static void column_widths(const struct layout *L, const struct doc_table *t, float *colw) {
    float total = 0;
    size_t c;
    for (c = 0; c < t->ncols; c++) total += t->cols[c].share > 0 ? t->cols[c].share : 1;
    for (c = 0; c < t->ncols; c++)
        colw[c] = L->width * (t->cols[c].share > 0 ? t->cols[c].share : 1) / total;
}

/* The header (heavy rule, titles, light rule) at the current position. */
static void draw_header(struct layout *L, const struct doc_table *t, const float *colw,
                        const struct table_row *head) {
    rule(L, 1.0f);
    draw_row(L, t, colw, head, DL_TABLE_HEAD, 0);
    rule(L, 0.5f);
}

int layout_table(struct layout *L, const struct doc_block *b) {
    const struct doc_table *t = b->table;
    struct table_row head = {0}, row = {0};
    float *colw = calloc(t->ncols ? t->ncols : 1, sizeof *colw);
    char **titles = calloc(t->ncols ? t->ncols : 1, sizeof *titles);
    char label[512];
    size_t r, c;
    int rc = RC_OK;
    if (colw == NULL || titles == NULL) abort();
    column_widths(L, t, colw);
    for (c = 0; c < t->ncols; c++) titles[c] = t->cols[c].title;
    L->ntables++;
    if ((rc = shape_row(L, t, colw, titles, L->heading_family, &head, b->where)) != RC_OK)
        goto done;
    if (t->caption) {
        snprintf(label, sizeof label, "表 %d  %s", L->ntables, t->caption);
        layout_need(L, 9 * 1.5f + head.height + 2 * line_height(L));
        if ((rc = caption(L, label, 10, DOC_CENTER, DL_CAPTION, b->where)) != RC_OK) goto done;
    }
    layout_need(L, head.height + line_height(L) + 2 * CELL_PAD_Y);
    draw_header(L, t, colw, &head);
    for (r = 0; r < t->nrows; r++) {
        if ((rc = shape_row(L, t, colw, &t->cells[r * t->ncols], L->table_family, &row,
                            b->where)) != RC_OK)
            goto done;
        if (L->y - row.height < L->bottom) {
            rule(L, 1.0f);
            layout_new_page(L);
            draw_header(L, t, colw, &head);
        }
        draw_row(L, t, colw, &row, DL_TABLE_CELL, t->highlight[r]);
        free_row(t, &row);
    }
    rule(L, 1.0f);
    L->y -= 4;
    if (t->source) rc = caption(L, t->source, 8, DOC_LEFT, DL_NOTE, b->where);
    L->y -= 6;
done:
    free_row(t, &row);
    free_row(t, &head);
    free(colw);
    free(titles);
    return rc;
}

/*
** test_table.c: table layout from the document tree to the display list,
** without Lua: column widths (fixed, shares, automatic, shrinking), and a
** property test over many generated tables (random spans, header groups,
** texts from one character to thousands, small pages) that checks what
** must hold for every table:
**
**   - every cell's text is placed exactly once, in order, across its parts;
**   - a split cell's parts are on successive pages;
**   - every text run lies inside its cell's box, and every box inside the
**     page's text area; the cells of a page do not overlap;
**   - every page the table reaches has the whole header;
**   - every body row is placed.
**
** TABLE_SEED=n and TABLE_N=n generate other tables, TABLE_DEBUG=1 prints
** the runs outside their cells.
*/
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/base/buf.h"
#include "../../src/display/display.h"
#include "../../src/doc/doc.h"
#include "../../src/font/fontset.h"
#include "../../src/layout/layout.h"
#include "../../src/text/linebreak.h"

#define EPS 0.05f

/* ---- generated text ---------------------------------------------------------- */

struct rng { unsigned long long s; };

static unsigned next(struct rng *r, unsigned n) {
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((r->s >> 33) % n);
}

static const char *const PIECES[] = {
    "东", "盟", "网", "络", "安", "全", "指", "数", "国", "家", "排", "名", "，", "。",
    "（", "）", "GCI", "2019", "年", "12.5%", "Singapore", "Viet Nam", " ", "的", "第"
};

/* Text of about `n` pieces: CJK, Latin words, numbers and punctuation. */
static char *random_text(struct rng *r, unsigned n) {
    struct buf b;
    unsigned i;
    buf_init(&b);
    for (i = 0; i < n; i++) buf_puts(&b, PIECES[next(r, sizeof PIECES / sizeof PIECES[0])]);
    buf_putc(&b, '\0');
    return (char *)b.data;
}

static unsigned text_length(struct rng *r) {
    unsigned k = next(r, 100);
    if (k < 70) return 1 + next(r, 8);
    if (k < 95) return 10 + next(r, 60);
    return 500 + next(r, 2500);
}

/* ---- checking a laid-out table --------------------------------------------------- */

/* The text a cell should show, without white space (spaces are not drawn). */
static void squeeze(const char *s, struct buf *out) {
    for (; *s; s++) if (*s != ' ') buf_putc(out, *s);
}

/* A hyphenated word's line ends in a hyphen whose text is a soft hyphen
** (U+00AD, C2 AD in UTF-8): not part of the cell's text. */
static void drop_soft_hyphens(struct buf *b) {
    size_t i, k = 0;
    for (i = 0; i < b->len; i++) {
        if (i + 1 < b->len && b->data[i] == 0xC2 && b->data[i + 1] == 0xAD) { i++; continue; }
        b->data[k++] = b->data[i];
    }
    b->len = k;
}

struct cell_seen {
    struct buf text;           /* what its parts showed, in order */
    int parts, last_page;
    int ordered;               /* parts came on successive pages, numbered 0, 1, ... */
};

/* The cell a placed part belongs to: the one starting at or above `row`. */
static size_t owner(const struct doc_table *t, int row, int col) {
    size_t r = (size_t)row;
    while (r > 0 && t->rowspan[r * t->ncols + (size_t)col] == 0) r--;
    return r * t->ncols + (size_t)col;
}

static int boxes_overlap(const float *a, const float *b) {
    return a[0] < b[2] - EPS && b[0] < a[2] - EPS && a[1] < b[3] - EPS && b[1] < a[3] - EPS;
}

static int text_inside(const struct dl_text *t, const float *box) {
    return t->x >= box[0] - EPS && t->x + t->width <= box[2] + EPS
        && t->y - 0.12f * t->size >= box[1] - EPS && t->y + 0.88f * t->size <= box[3] + EPS;
}

/* Lines of cells that start with a mark clreq keeps off a line start
** ("，" "%" "）"...), the first line of each cell aside (its text may),
** also where a merged cell shows its text again on a later page. */
static int bad_line_starts(const struct display *d) {
    size_t p, i, prev_cell = 0;
    int prev_line = -1, bad = 0;
    for (p = 0; p < d->npages; p++) {
        const struct dl_page *page = &d->pages[p];
        for (i = 0; i < page->ntexts; i++) {
            const struct dl_text *tx = &page->texts[i];
            int first_line = tx->cell != prev_cell;
            if (tx->cell == 0 || tx->line == prev_line) { prev_line = tx->line; prev_cell = tx->cell; continue; }
            if (!(first_line && (d->cells[tx->cell - 1].part == 0 || d->cells[tx->cell - 1].repeat))
                && tx->count > 0) {
                const uint32_t *cp = display_glyph_text(page, &page->glyphs[tx->first]);
                if (cp && page->glyphs[tx->first].ntext && linebreak_no_start(cp[0])) {
                    if (getenv("TABLE_DEBUG") && bad < 3) {
                        struct buf b; buf_init(&b); display_text_utf8(page, tx, &b); buf_putc(&b, 0);
                        printf("  line starts '%.40s' cell r%d c%d part %d box %g..%g\n", (char *)b.data,
                               d->cells[tx->cell - 1].row, d->cells[tx->cell - 1].col,
                               d->cells[tx->cell - 1].part, d->cells[tx->cell - 1].box[0],
                               d->cells[tx->cell - 1].box[2]);
                        buf_free(&b);
                    }
                    bad++;
                }
            }
            prev_line = tx->line;
            prev_cell = tx->cell;
        }
    }
    return bad;
}

/* Every check of the header comment for the one table in `d`. */
static void check_layout(const struct doc *doc, const struct display *d, const char *name) {
    const struct doc_table *t = doc->blocks[0].table;
    const struct doc_theme *th = &doc->theme;
    size_t ncells = t->nrows * t->ncols, i, p, k;
    struct cell_seen *seen = calloc(ncells ? ncells : 1, sizeof *seen);
    int *row_placed = calloc(t->nrows + 1, sizeof *row_placed);
    size_t nhead = t->nhead ? t->nhead : t->ncols;
    int bad_text = 0, bad_box = 0, overlap = 0, bad_head = 0;
    for (i = 0; i < ncells; i++) { buf_init(&seen[i].text); seen[i].ordered = 1; seen[i].last_page = -1; }
    for (p = 0; p < d->npages; p++) {
        const struct dl_page *page = &d->pages[p];
        size_t heads = 0, bodies = 0;
        for (i = 0; i < page->ntexts; i++) {
            const struct dl_text *tx = &page->texts[i];
            const struct dl_cell *c;
            if (tx->cell == 0) continue;
            c = &d->cells[tx->cell - 1];
            if (!text_inside(tx, c->box)) {
                if (getenv("TABLE_DEBUG") && bad_text < 3) {
                    struct buf b; buf_init(&b); display_text_utf8(page, tx, &b); buf_putc(&b, 0);
                    printf("  %s p%zu text x=%g w=%g y=%g size=%g '%.40s' "
                           "cell %c r%d c%d part %d box %g %g %g %g\n", name, p,
                           tx->x, tx->width, tx->y, tx->size, (char *)b.data, c->kind, c->row, c->col, c->part,
                           c->box[0], c->box[1], c->box[2], c->box[3]);
                    buf_free(&b);
                }
                bad_text++;
            }
            if ((c->kind == 'b' || c->kind == 't') && !c->repeat)
                display_text_utf8(page, tx, &seen[owner(t, c->row, c->col)].text);
        }
        for (i = 0; i < d->ncells; i++) {
            const struct dl_cell *c = &d->cells[i];
            if (c->page != (int)p) continue;
            if (c->box[1] < th->margin_bottom - EPS || c->box[3] > th->page_height - th->margin_top + EPS)
                bad_box++;
            for (k = i + 1; k < d->ncells; k++)
                if (d->cells[k].page == (int)p && boxes_overlap(c->box, d->cells[k].box)) overlap++;
            if (c->kind == 'h') heads++;
            if (c->kind == 'b' || c->kind == 't') {
                struct cell_seen *s = &seen[owner(t, c->row, c->col)];
                int r;
                bodies++;
                if (c->part != s->parts || (s->parts > 0 && (int)p != s->last_page + 1)) s->ordered = 0;
                s->parts++;
                s->last_page = (int)p;
                for (r = c->row; r < c->row + c->rowspan; r++) row_placed[r] = 1;
            }
        }
        if (bodies > 0 && heads != nhead) bad_head++;
    }
    CHECK_MSG(bad_text == 0, "%s: %d text runs outside their cells", name, bad_text);
    CHECK_MSG(bad_box == 0, "%s: %d cells outside the text area", name, bad_box);
    CHECK_MSG(overlap == 0, "%s: %d overlapping cells", name, overlap);
    CHECK_MSG(bad_head == 0, "%s: %d pages without the whole header", name, bad_head);
    k = (size_t)bad_line_starts(d);
    CHECK_MSG(k == 0, "%s: %zu cell lines start with closing punctuation", name, k);
    for (i = 0; i < t->nrows; i++) {
        if (!row_placed[i]) { CHECK_MSG(0, "%s: row %zu never placed", name, i); break; }
    }
    for (i = 0; i < ncells; i++) {
        struct buf want;
        const char *text;
        if (t->rowspan[i] == 0) continue;
        buf_init(&want);
        text = t->cells[i] ? t->cells[i] : th->table_null;
        squeeze(text, &want);
        drop_soft_hyphens(&seen[i].text);
        if (seen[i].text.len != want.len || (want.len && memcmp(seen[i].text.data, want.data, want.len) != 0)) {
            CHECK_MSG(0, "%s: cell row %zu col %zu: placed %zu bytes of %zu", name,
                      i / t->ncols, i % t->ncols, seen[i].text.len, want.len);
            buf_free(&want);
            break;
        }
        if (!seen[i].ordered) {
            CHECK_MSG(0, "%s: cell row %zu col %zu: parts out of order", name, i / t->ncols, i % t->ncols);
            buf_free(&want);
            break;
        }
        buf_free(&want);
    }
    for (i = 0; i < ncells; i++) buf_free(&seen[i].text);
    free(seen);
    free(row_placed);
}

/* ---- generated tables -------------------------------------------------------------- */

/* Spans down each of the first columns: mostly single rows, some runs. */
static void random_spans(struct rng *r, struct doc_table *t) {
    size_t c, row;
    for (c = 0; c < t->ncols && c < 2; c++) {
        for (row = 0; row < t->nrows;) {
            size_t span = next(r, 4) == 0 ? 2 + next(r, 12) : 1, k;
            if (row + span > t->nrows) span = t->nrows - row;
            t->rowspan[row * t->ncols + c] = span;
            for (k = 1; k < span; k++) {
                size_t i = (row + k) * t->ncols + c;
                t->rowspan[i] = 0;
                free(t->cells[i]);
                t->cells[i] = NULL;
            }
            row += span;
        }
    }
}

/* Header: one row of titles, or a group over columns 1.. under a title row. */
static void random_head(struct rng *r, struct doc_table *t) {
    size_t c;
    char title[32];
    if (t->ncols < 3 || next(r, 2)) return;
    doc_table_add_head(t, "分组标题", 0, 1, 1, t->ncols - 1);
    doc_table_add_head(t, "第一列", 0, 0, 2, 1);
    for (c = 1; c < t->ncols; c++) {
        snprintf(title, sizeof title, "列 %zu", c);
        doc_table_add_head(t, title, 1, c, 1, 1);
    }
}

static struct doc *random_doc(struct rng *r) {
    struct doc *doc = doc_new();
    size_t ncols = 1 + next(r, 6), nrows = next(r, 5) == 0 ? next(r, 3) : next(r, 80), i, c;
    struct doc_table *t = doc_table_new(ncols, nrows);
    if (next(r, 3) == 0) doc->theme.page_height = 300 + (float)next(r, 200);   /* small pages */
    for (c = 0; c < ncols; c++) {
        unsigned kind = next(r, 4);
        char title[32];
        snprintf(title, sizeof title, "标题%zu", c);
        t->cols[c].title = strdup(title);
        t->cols[c].align = (enum doc_align)next(r, 3);
        t->cols[c].decimal = next(r, 4) == 0;
        t->cols[c].width_kind = kind == 0 ? DOC_WIDTH_FIXED : kind == 1 ? DOC_WIDTH_SHARE : DOC_WIDTH_AUTO;
        t->cols[c].width = kind == 0 ? 30 + (float)next(r, 40) : 1 + (float)next(r, 3);
    }
    for (i = 0; i < ncols * nrows; i++) t->cells[i] = next(r, 20) ? random_text(r, text_length(r)) : NULL;
    for (i = 0; i < nrows; i++) t->highlight[i] = next(r, 10) == 0;
    if (nrows > 0 && next(r, 3) == 0) t->total[nrows - 1] = 1;
    if (next(r, 2)) random_spans(r, t);
    random_head(r, t);
    t->rules = next(r, 2) ? DOC_RULES_GRID : DOC_RULES_THREE_LINE;
    t->zebra = (int)next(r, 2);
    if (next(r, 2)) t->caption = strdup("生成的表");
    doc_add_table(doc, t, "generated");
    return doc;
}

static int lay_out(const struct doc *doc, struct fontset *fs, struct display *d, struct rc_err *err) {
    display_init(d);
    return layout_document(doc, fs, d, err);
}

struct totals { size_t pages, cells, parts, spans, repeats; };

static void count(const struct display *d, struct totals *n) {
    size_t i;
    n->pages += d->npages;
    for (i = 0; i < d->ncells; i++) {
        n->cells++;
        if (d->cells[i].part > 0) n->parts++;
        if (d->cells[i].repeat) n->repeats++;
        if (d->cells[i].rowspan > 1 && d->cells[i].kind == 'b') n->spans++;
    }
}

/* Generated tables are often too wide to fit (long runs of text without a
** break): their warnings on stderr (one per squeezed column) are expected,
** so stderr goes to /dev/null while they are laid out. */
static int quiet_stderr(void) {
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    fflush(stderr);
    if (null >= 0) { dup2(null, 2); close(null); }
    return saved;
}

static void restore_stderr(int saved) {
    fflush(stderr);
    if (saved >= 0) { dup2(saved, 2); close(saved); }
}

static void property_test(struct fontset *fs) {
    struct totals n = { 0, 0, 0, 0, 0 };
    int saved = quiet_stderr();
    struct rng r = { getenv("TABLE_SEED") ? strtoull(getenv("TABLE_SEED"), NULL, 10) : 20240601 };
    int i;
    for (i = 0; i < (getenv("TABLE_N") ? atoi(getenv("TABLE_N")) : 150); i++) {
        struct doc *doc = random_doc(&r);
        struct display d;
        struct rc_err err = {0};
        char name[64];
        snprintf(name, sizeof name, "generated table %d", i);
        if (lay_out(doc, fs, &d, &err) == RC_OK) { check_layout(doc, &d, name); count(&d, &n); }
        else CHECK_MSG(0, "%s: %s", name, err.msg);
        display_free(&d);
        doc_free(doc);
    }
    restore_stderr(saved);
    printf("INFO test_table: %d generated tables, %zu pages, %zu cells placed, %zu continued parts, "
           "%zu row spans, %zu span labels repeated\n", i, n.pages, n.cells, n.parts, n.spans, n.repeats);
    CHECK(n.parts > 100 && n.spans > 100 && n.repeats > 10);
}

/* ---- column widths -------------------------------------------------------------------- */

static struct doc *width_doc(size_t ncols, const char *const *texts) {
    struct doc *doc = doc_new();
    struct doc_table *t = doc_table_new(ncols, 1);
    size_t c;
    for (c = 0; c < ncols; c++) {
        t->cols[c].title = strdup("题");
        t->cells[c] = strdup(texts[c]);
    }
    doc_add_table(doc, t, "widths");
    return doc;
}

/* Width of each column from the display list's first row of cells. */
static void widths_of(const struct display *d, float *w, size_t ncols) {
    size_t i;
    for (i = 0; i < d->ncells; i++)
        if (d->cells[i].kind == 'b' && d->cells[i].row == 0 && (size_t)d->cells[i].col < ncols)
            w[d->cells[i].col] = d->cells[i].box[2] - d->cells[i].box[0];
}

static void check_widths(struct fontset *fs) {
    static const char *const texts[] = {
        "新加坡", "12",
        "一段很长很长的说明文字，会比其他列宽得多，需要换行才能放下。"
        "一段很长很长的说明文字，会比其他列宽得多，需要换行才能放下。"
    };
    struct doc *doc = width_doc(3, texts);
    struct doc_theme *th = &doc->theme;
    float text_width = th->page_width - th->margin_left - th->margin_right, w[3] = { 0, 0, 0 };
    struct display d;
    struct rc_err err = {0};
    /* auto: the whole text width; the long column shrinks, the short ones keep their width */
    CHECK(lay_out(doc, fs, &d, &err) == RC_OK);
    widths_of(&d, w, 3);
    CHECK_MSG(fabsf(w[0] + w[1] + w[2] - text_width) < 0.1f, "auto widths add up to %g, want %g",
              w[0] + w[1] + w[2], text_width);
    CHECK_MSG(w[0] > 3 * 9 && w[1] > 2 * 5 && w[2] > w[0] && w[2] > w[1], "auto widths %g %g %g", w[0], w[1], w[2]);
    display_free(&d);
    /* fixed and shares */
    doc->blocks[0].table->cols[0].width_kind = DOC_WIDTH_FIXED;
    doc->blocks[0].table->cols[0].width = 50;
    doc->blocks[0].table->cols[1].width_kind = DOC_WIDTH_SHARE;
    doc->blocks[0].table->cols[1].width = 1;
    doc->blocks[0].table->cols[2].width_kind = DOC_WIDTH_SHARE;
    doc->blocks[0].table->cols[2].width = 3;
    CHECK(lay_out(doc, fs, &d, &err) == RC_OK);
    widths_of(&d, w, 3);
    CHECK_MSG(fabsf(w[0] - 50) < 0.01f && fabsf(w[2] - 3 * w[1]) < 0.01f
              && fabsf(w[0] + w[1] + w[2] - text_width) < 0.1f, "fixed/share widths %g %g %g", w[0], w[1], w[2]);
    display_free(&d);
    /* fixed widths wider than the page: an error naming the table */
    doc->blocks[0].table->cols[1].width_kind = DOC_WIDTH_FIXED;
    doc->blocks[0].table->cols[1].width = 600;
    CHECK(lay_out(doc, fs, &d, &err) == RC_DATA && strstr(err.msg, "widths:") && strstr(err.msg, "fixed width"));
    display_free(&d);
    doc_free(doc);
}

/* The text run of body row `row` of the first table (one run per cell here). */
static const struct dl_text *body_run(const struct display *d, int row) {
    size_t k;
    for (k = 0; k < d->pages[0].ntexts; k++) {
        const struct dl_text *tx = &d->pages[0].texts[k];
        if (tx->cell && d->cells[tx->cell - 1].kind == 'b' && d->cells[tx->cell - 1].row == row) return tx;
    }
    return NULL;
}

/* A numeric column on the decimal point: the point of "1.5", "22.25" and
** "333.125" and the end of "4444" at the same x, read from the glyph
** positions (digits may have proportional widths, as Noto's do). */
static float decimal_anchor(const struct display *d, const struct dl_text *run) {
    const struct dl_page *pg = &d->pages[0];
    size_t k;
    for (k = 0; k < run->count; k++) {
        const struct dl_glyph *g = &pg->glyphs[run->first + k];
        if (g->ntext && display_glyph_text(pg, g)[0] == '.') return run->x + g->x;
    }
    return run->x + run->width;
}

static void check_decimal(struct fontset *fs) {
    static const char *const values[] = { "1.5", "22.25", "333.125", "4444" };
    struct doc *doc = doc_new();
    struct doc_table *t = doc_table_new(1, 4);
    struct display d;
    struct rc_err err = {0};
    const struct dl_text *run[4];
    float anchor[4];
    int i;
    t->cols[0].title = strdup("数值");
    t->cols[0].align = DOC_RIGHT;
    t->cols[0].decimal = 1;
    for (i = 0; i < 4; i++) t->cells[i] = strdup(values[i]);
    doc_add_table(doc, t, "decimal");
    CHECK(lay_out(doc, fs, &d, &err) == RC_OK);
    for (i = 0; i < 4; i++) run[i] = body_run(&d, i);
    if (run[0] && run[1] && run[2] && run[3]) {
        for (i = 0; i < 4; i++) anchor[i] = decimal_anchor(&d, run[i]);
        for (i = 1; i < 4; i++)
            CHECK_MSG(fabsf(anchor[i] - anchor[0]) < 0.05f, "decimal anchor of %s at %g, of %s at %g",
                      values[i], anchor[i], values[0], anchor[0]);
    } else {
        CHECK_MSG(0, "decimal: a value was not drawn");
    }
    display_free(&d);
    doc_free(doc);
}

int main(void) {
    struct fontset *fs;
    struct rc_err err = {0};
    if (fontset_load("fonts/fonts.manifest", &fs, &err) != RC_OK) {
        printf("FAIL cannot load fonts: %s\n", err.msg);
        return CHECK_DONE();
    }
    check_widths(fs);
    check_decimal(fs);
    property_test(fs);
    fontset_free(fs);
    return CHECK_DONE();
}

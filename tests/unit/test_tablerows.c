/*
** test_tablerows.c: streamed table rows (layout/tablerows.c and the chunk
** switch in layout/table.c), without Lua: a C row source replays a
** generated table's rows (its row spans as "joined to the cell above").
**
**   - the same rows streamed and given whole give the same display list,
**     byte for byte, over many generated tables (spans, long cells cut
**     across pages, totals, highlight, zebra, grid and three-line rules,
**     small pages): columns of fixed width wider than any word, and
**     left-aligned, so nothing depends on which rows were measured;
**   - a streamed table laid out twice (a second pass) restarts its rows
**     and gives the same pages;
**   - chunks: at least DOC_STREAM_LOOKAHEAD rows, ending where no merged
**     cell crosses, the last never a lone row; a merged cell covers at
**     most DOC_STREAM_LOOKAHEAD rows;
**   - an error from the source mid-table stops layout with its message,
**     and everything pulled is freed (under ASan: no leak).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/base/buf.h"
#include "../../src/display/display.h"
#include "../../src/doc/doc.h"
#include "../../src/font/fontset.h"
#include "../../src/layout/layout.h"
#include "../../src/layout/tablerows.h"

struct rng { unsigned long long s; };

static unsigned next(struct rng *r, unsigned n) {
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((r->s >> 33) % n);
}

/* Latin pieces keep apart, so no cell has a word longer than "12.5%，":
** the columns' fixed widths hold every word, and no row can widen them
** (a fixed column is raised to its longest word). */
static const char *const PIECES[] = {
    "东", "盟", "网", "络", "安", "全", "指", "数", "，", "。", " GCI ", " 2019 ", " 12.5% ", " ", "的"
};

static char *random_text(struct rng *r) {
    struct buf b;
    unsigned i, n = next(r, 30) == 0 ? 100 + next(r, 900) : 1 + next(r, 12);
    buf_init(&b);
    for (i = 0; i < n; i++) buf_puts(&b, PIECES[next(r, sizeof PIECES / sizeof PIECES[0])]);
    buf_putc(&b, '\0');
    return (char *)b.data;
}

/* ---- a row source replaying a table ------------------------------------------------ */

struct replay {
    struct doc_rows rows;
    const struct doc_table *from;
    size_t at;                 /* next row */
    size_t fail_at;            /* 0: never; else fail when asked for this row (from 1) */
    int restarts;
    const char **cells;
    unsigned char *joined;
};

static int replay_pull(struct doc_rows *rows, struct doc_row *row, struct rc_err *err) {
    struct replay *p = (struct replay *)rows;
    const struct doc_table *t = p->from;
    size_t c;
    if (p->fail_at && p->at + 1 == p->fail_at)
        return -rc_fail(err, RC_SCRIPT, "generated.lua:7: the source failed at row %zu", p->at + 1);
    if (p->at == t->nrows) return 0;
    for (c = 0; c < t->ncols; c++) {
        p->cells[c] = t->cells[p->at * t->ncols + c];
        p->joined[c] = t->rowspan[p->at * t->ncols + c] == 0;
    }
    row->cells = p->cells;
    row->joined = p->joined;
    row->highlight = t->highlight[p->at];
    row->total = t->total[p->at];
    p->at++;
    return 1;
}

static int replay_restart(struct doc_rows *rows, struct rc_err *err) {
    struct replay *p = (struct replay *)rows;
    (void)err;
    if (p->at > 0) p->restarts++;
    p->at = 0;
    return RC_OK;
}

static void replay_release(struct doc_rows *rows) {
    struct replay *p = (struct replay *)rows;
    free(p->cells);
    free(p->joined);
    free(p);
}

static struct replay *new_replay(const struct doc_table *from) {
    struct replay *p = calloc(1, sizeof *p);
    p->rows.pull = replay_pull;
    p->rows.restart = replay_restart;
    p->rows.release = replay_release;
    p->from = from;
    p->cells = calloc(from->ncols, sizeof *p->cells);
    p->joined = calloc(from->ncols, sizeof *p->joined);
    return p;
}

/* ---- generated tables ----------------------------------------------------------------- */

/* The row after the merged cell of column c that covers `row`. */
static size_t group_end(const struct doc_table *t, size_t c, size_t row) {
    while (row > 0 && t->rowspan[row * t->ncols + c] == 0) row--;
    return row + t->rowspan[row * t->ncols + c];
}

/* Runs of merged cells down the first two columns, nested as the
** prelude makes them (a run of the second column stays inside one of the
** first's). */
static void spans(struct rng *r, struct doc_table *t, size_t longest) {
    size_t c, row;
    for (c = 0; c < t->ncols && c < 2; c++) {
        for (row = 0; row < t->nrows;) {
            size_t span = next(r, 4) == 0 ? 2 + next(r, (unsigned)longest - 1) : 1, k;
            if (row + span > t->nrows) span = t->nrows - row;
            if (c == 1 && row + span > group_end(t, 0, row)) span = group_end(t, 0, row) - row;
            /* never from a data row into a totals row */
            for (k = 1; k < span; k++) if (t->total[row + k]) { span = k; break; }
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

/* A table of fixed-width, left-aligned columns (its layout does not depend
** on which rows were measured). */
static struct doc_table *random_table(struct rng *r, size_t nrows, size_t longest_span) {
    size_t ncols = 1 + next(r, 4), i, c;
    struct doc_table *t = doc_table_new(ncols, nrows);
    for (c = 0; c < ncols; c++) {
        char title[32];
        snprintf(title, sizeof title, "标题%zu", c);
        t->cols[c].title = strdup(title);
        t->cols[c].align = DOC_LEFT;
        t->cols[c].width_kind = DOC_WIDTH_FIXED;
        t->cols[c].width = 60 + (float)next(r, 50);
    }
    for (i = 0; i < ncols * nrows; i++) t->cells[i] = next(r, 15) ? random_text(r) : NULL;
    for (i = 0; i < nrows; i++) t->highlight[i] = next(r, 10) == 0;
    for (i = nrows > 3 ? nrows - 1 - next(r, 3) : nrows; i < nrows && next(r, 2); i++) t->total[i] = 1;
    if (next(r, 3)) spans(r, t, longest_span);
    t->rules = next(r, 2) ? DOC_RULES_GRID : DOC_RULES_THREE_LINE;
    t->zebra = (int)next(r, 2);
    if (next(r, 2)) t->caption = strdup("生成的表");
    return t;
}

static struct doc *doc_with(struct doc_table *t, float page_height) {
    struct doc *doc = doc_new();
    if (page_height > 0) doc->theme.page_height = page_height;
    doc_add_paragraph(doc, "表前的一段。", "generated.lua:1");
    doc_add_table(doc, t, "generated.lua:2");
    doc_add_paragraph(doc, "表后的一段。", "generated.lua:3");
    return doc;
}

/* The same table with its rows streamed from `from`. */
static struct doc_table *streamed_copy(const struct doc_table *from, struct replay **source) {
    struct doc_table *t = doc_table_new(from->ncols, 0);
    size_t c;
    for (c = 0; c < from->ncols; c++) {
        t->cols[c] = from->cols[c];
        t->cols[c].title = strdup(from->cols[c].title);
    }
    t->rules = from->rules;
    t->zebra = from->zebra;
    if (from->caption) t->caption = strdup(from->caption);
    *source = new_replay(from);
    t->stream = &(*source)->rows;
    return t;
}

static int json_of(const struct doc *doc, struct fontset *fs, struct buf *out, struct rc_err *err) {
    struct display d;
    int rc;
    display_init(&d);
    rc = layout_document(doc, fs, &d, err);
    buf_init(out);
    if (rc == RC_OK) display_write_json(&d, out);
    display_free(&d);
    return rc;
}

static int same(const struct buf *a, const struct buf *b) {
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static void same_as_whole(struct fontset *fs) {
    struct rng r = { 20261130 };
    int i, n = getenv("TABLEROWS_N") ? atoi(getenv("TABLEROWS_N")) : 30;
    for (i = 0; i < n; i++) {
        size_t nrows = next(&r, 6) == 0 ? next(&r, 4) : 30 + next(&r, 400);
        float page_height = next(&r, 3) == 0 ? 300 + (float)next(&r, 200) : 0;
        struct doc_table *whole = random_table(&r, nrows, 40);
        struct doc *a = doc_with(whole, page_height);
        struct replay *source;
        struct doc *b = doc_with(streamed_copy(whole, &source), page_height);
        struct buf ja, jb, jc;
        struct rc_err err = {0};
        int rc;
        CHECK_MSG(json_of(a, fs, &ja, &err) == RC_OK, "table %d whole: %s", i, err.msg);
        rc = json_of(b, fs, &jb, &err);
        CHECK_MSG(rc == RC_OK, "table %d streamed: %s", i, err.msg);
        CHECK_MSG(same(&ja, &jb), "table %d (%zu rows): streamed differs from whole", i, nrows);
        if (!same(&ja, &jb) && getenv("TABLEROWS_DUMP")) {   /* for diff(1) */
            FILE *f = fopen("/tmp/tablerows-whole.json", "w");
            if (f) { fwrite(ja.data, 1, ja.len, f); fclose(f); }
            if ((f = fopen("/tmp/tablerows-streamed.json", "w"))) { fwrite(jb.data, 1, jb.len, f); fclose(f); }
        }
        /* a second pass reads the rows again */
        rc = json_of(b, fs, &jc, &err);
        CHECK_MSG(rc == RC_OK && same(&jb, &jc) && (nrows == 0 || source->restarts == 1),
                  "table %d: a second layout pass (%d restarts) differs", i, source->restarts);
        buf_free(&ja);
        buf_free(&jb);
        buf_free(&jc);
        doc_free(b);                  /* first: its source reads a's table */
        doc_free(a);
    }
    printf("INFO test_tablerows: %d generated tables streamed and whole\n", n);
}

/* ---- chunks ------------------------------------------------------------------------------- */

static void chunks(void) {
    struct rng r = { 7 };
    int i;
    for (i = 0; i < 30; i++) {
        size_t nrows = i == 0 ? 0 : i == 1 ? 1 : i == 2 ? DOC_STREAM_LOOKAHEAD + 1 : next(&r, 2000);
        struct doc_table *whole = random_table(&r, nrows, i % 3 == 0 ? 300 : 40), *t;
        struct replay *source;
        struct table_rows R;
        struct rc_err err = {0};
        const struct doc_table *chunk;
        size_t row0, seen = 0, k, c, longest = 0;
        int last = 0, rc, bad_len = 0, bad_cross = 0, bad_text = 0, nchunks = 0;
        t = streamed_copy(whole, &source);
        CHECK(table_rows_open(&R, t, &err) == RC_OK);
        while (!last && (rc = table_rows_next(&R, &chunk, &row0, &last, &err)) == 1) {
            nchunks++;
            if (row0 != seen) bad_len++;
            if (!last && chunk->nrows < DOC_STREAM_LOOKAHEAD) bad_len++;
            if (last && nchunks > 1 && chunk->nrows < 2) bad_len++;
            for (k = 0; k < chunk->nrows; k++) {
                for (c = 0; c < chunk->ncols; c++) {
                    size_t span = chunk->rowspan[k * chunk->ncols + c];
                    const char *want = whole->cells[(row0 + k) * whole->ncols + c];
                    const char *got = chunk->cells[k * chunk->ncols + c];
                    if (k + span > chunk->nrows) bad_cross++;
                    if (span > longest) longest = span;
                    if (span > 0 && want && (!got || strcmp(want, got) != 0)) bad_text++;
                }
            }
            seen += chunk->nrows;
        }
        CHECK_MSG(seen == nrows, "chunks of %zu rows: %zu given", nrows, seen);
        CHECK_MSG(bad_len == 0 && bad_cross == 0 && bad_text == 0,
                  "chunks of %zu rows: %d bad lengths, %d spans crossing, %d texts", nrows,
                  bad_len, bad_cross, bad_text);
        CHECK_MSG(longest <= DOC_STREAM_LOOKAHEAD, "a merged cell of %zu rows", longest);
        CHECK(table_rows_next(&R, &chunk, &row0, &last, &err) == 0);
        table_rows_close(&R);
        doc_table_free(t);
        doc_table_free(whole);
    }
}

/* ---- errors ----------------------------------------------------------------------------------- */

static void error_mid_table(struct fontset *fs) {
    struct rng r = { 99 };
    struct doc_table *whole = random_table(&r, 600, 10);
    struct doc *a = doc_with(whole, 0);
    struct replay *source;
    struct doc *b = doc_with(streamed_copy(whole, &source), 0);
    struct buf j;
    struct rc_err err = {0};
    source->fail_at = 450;
    CHECK_MSG(json_of(b, fs, &j, &err) == RC_SCRIPT
              && strcmp(err.msg, "generated.lua:7: the source failed at row 450") == 0,
              "an error mid-table: %s", err.msg);
    buf_free(&j);
    doc_free(b);
    doc_free(a);
}

int main(void) {
    struct fontset *fs;
    struct rc_err err = {0};
    chunks();
    if (fontset_load("fonts/fonts.manifest", &fs, &err) != RC_OK) {
        printf("FAIL cannot load fonts: %s\n", err.msg);
        return CHECK_DONE();
    }
    same_as_whole(fs);
    error_mid_table(fs);
    fontset_free(fs);
    return CHECK_DONE();
}

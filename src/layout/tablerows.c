/*
** tablerows.c: a table's body rows, a chunk at a time (see tablerows.h).
*/
#include <stdlib.h>
#include <string.h>
#include "tablerows.h"
#include "../base/mem.h"

/* A chunk longer than this ends even inside a run of merged cells (the
** next row's cells start anew and show their text again): cells of
** different columns that overlap one another could chain forever. */
#define MAX_CHUNK (4 * DOC_STREAM_LOOKAHEAD)

struct pulled_row {
    char **cells;                  /* ncols, owned; NULL: absent */
    unsigned char *joined;         /* ncols */
    int highlight, total;
};

static void free_row(struct pulled_row *p, size_t ncols) {
    size_t c;
    for (c = 0; c < ncols; c++) free(p->cells[c]);
    free(p->cells);
    free(p->joined);
}

static void free_chunk(struct table_rows *R) {
    size_t i, n = R->chunk.nrows * R->t->ncols;
    if (R->given) return;
    for (i = 0; i < n; i++) free(R->chunk.cells[i]);
    free(R->chunk.cells);
    free(R->chunk.rowspan);
    free(R->chunk.highlight);
    free(R->chunk.total);
    memset(&R->chunk, 0, sizeof R->chunk);
}

int table_rows_open(struct table_rows *R, const struct doc_table *t, struct rc_err *err) {
    memset(R, 0, sizeof *R);
    R->t = t;
    if (t->stream == NULL) return RC_OK;
    R->run = xcalloc(t->ncols, sizeof *R->run, "a streamed table");
    return t->stream->restart(t->stream, err);
}

/* Pull one row into the queue; a merged cell longer than the look-ahead
** ends there and the next row's cell starts a new one.  1, 0 at the end,
** or -RC_*. */
static int pull_one(struct table_rows *R, struct rc_err *err) {
    const struct doc_table *t = R->t;
    struct doc_row row;
    struct pulled_row *p;
    size_t c;
    int more = t->stream->pull(t->stream, &row, err);
    if (more <= 0) {
        if (more == 0) R->ended = 1;
        return more;
    }
    if (R->nqueue == R->capqueue) {
        R->capqueue = R->capqueue ? mem_mul(R->capqueue, 2) : 16;
        R->queue = xreallocarray(R->queue, R->capqueue, sizeof *R->queue, "streamed table rows");
    }
    p = &R->queue[R->nqueue++];
    p->cells = xcalloc(t->ncols, sizeof *p->cells, "a streamed table row");
    p->joined = xcalloc(t->ncols, sizeof *p->joined, "a streamed table row");
    p->highlight = row.highlight;
    p->total = row.total;
    for (c = 0; c < t->ncols; c++) {
        p->cells[c] = row.cells[c] ? xstrdup(row.cells[c], "a table cell") : NULL;
        p->joined[c] = row.joined && row.joined[c] && R->run[c] > 0
                    && R->run[c] < DOC_STREAM_LOOKAHEAD;
        R->run[c] = p->joined[c] ? R->run[c] + 1 : 1;
    }
    return 1;
}

static int any_joined(const struct pulled_row *p, size_t ncols) {
    size_t c;
    for (c = 0; c < ncols; c++) if (p->joined[c]) return 1;
    return 0;
}

/* How many queued rows the next chunk takes: at least the look-ahead,
** then up to a row no merged cell reaches, leaving the next chunk two rows
** or more (so the last row and the band before it are laid out together). */
static int chunk_length(struct table_rows *R, size_t *n, struct rc_err *err) {
    size_t ncols = R->t->ncols;
    int more;
    for (*n = 0;; (*n)++) {
        while (!R->ended && R->nqueue < *n + 2)
            if ((more = pull_one(R, err)) < 0) return more;
        if (*n == R->nqueue) return RC_OK;            /* the rest of the table */
        if (R->nqueue < *n + 2 || *n < DOC_STREAM_LOOKAHEAD) continue;
        if (*n >= MAX_CHUNK) memset(R->queue[*n].joined, 0, ncols);
        if (!any_joined(&R->queue[*n], ncols)) return RC_OK;
    }
}

/* Rows [0, n) of the queue become the chunk: their texts move over, and
** each run of joined cells becomes one cell spanning it. */
static void make_chunk(struct table_rows *R, size_t n) {
    const struct doc_table *t = R->t;
    size_t ncols = t->ncols, r, c;
    R->chunk = *t;
    R->chunk.stream = NULL;
    R->chunk.nrows = n;
    R->chunk.cells = xcalloc(mem_add(mem_mul(n, ncols), 1), sizeof *R->chunk.cells, "table cells");
    R->chunk.rowspan = xcalloc(mem_add(mem_mul(n, ncols), 1), sizeof *R->chunk.rowspan, "table row spans");
    R->chunk.highlight = xcalloc(mem_add(n, 1), sizeof *R->chunk.highlight, "table row highlights");
    R->chunk.total = xcalloc(mem_add(n, 1), sizeof *R->chunk.total, "table total rows");
    for (r = 0; r < n; r++) {
        struct pulled_row *p = &R->queue[r];
        memcpy(&R->chunk.cells[r * ncols], p->cells, ncols * sizeof *p->cells);
        for (c = 0; c < ncols; c++) p->cells[c] = NULL;
        R->chunk.highlight[r] = p->highlight;
        R->chunk.total[r] = p->total;
    }
    for (c = 0; c < ncols; c++) {
        for (r = n; r-- > 0;) {
            size_t *span = &R->chunk.rowspan[r * ncols + c];
            if (r + 1 < n && R->queue[r + 1].joined[c]) {
                *span = R->chunk.rowspan[(r + 1) * ncols + c] + 1;
                R->chunk.rowspan[(r + 1) * ncols + c] = 0;
            } else {
                *span = 1;
            }
        }
    }
    if (n == 0) return;
    for (r = 0; r < n; r++) free_row(&R->queue[r], ncols);
    memmove(R->queue, R->queue + n, (R->nqueue - n) * sizeof *R->queue);
    R->nqueue -= n;
}

int table_rows_next(struct table_rows *R, const struct doc_table **chunk, size_t *row0,
                    int *last, struct rc_err *err) {
    size_t n;
    int rc;
    if (R->t->stream == NULL) {
        if (R->given) return 0;
        R->given = 1;
        *chunk = R->t;
        *row0 = 0;
        *last = 1;
        return 1;
    }
    free_chunk(R);
    if (R->finished) return 0;
    if ((rc = chunk_length(R, &n, err)) < 0) return rc;
    /* a chunk's first row has no row above it in the chunk: its cells start */
    if (n > 0) memset(R->queue[0].joined, 0, R->t->ncols);
    make_chunk(R, n);
    *chunk = &R->chunk;
    *row0 = R->row0 = R->next_row0;
    R->next_row0 += n;
    *last = R->finished = R->ended && R->nqueue == 0;
    return 1;
}

void table_rows_close(struct table_rows *R) {
    size_t i;
    if (R->t == NULL) return;
    free_chunk(R);
    for (i = 0; i < R->nqueue; i++) free_row(&R->queue[i], R->t->ncols);
    free(R->queue);
    free(R->run);
    memset(R, 0, sizeof *R);
}

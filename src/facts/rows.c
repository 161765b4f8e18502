/*
** rows.c: typed table rows for `reportc facts import`, and comparing two
** sets of them by key (see rows.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rows.h"
#include "../base/mem.h"

#define KEY_SEP '\x1f'     /* between key values: no CSV field of ours holds it unnoticed */

struct row *rows_add(struct rowset *rs, size_t ncols, int line) {
    struct row *r;
    size_t i;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? mem_mul(rs->cap, 2) : 64;
        rs->rows = xreallocarray(rs->rows, rs->cap, sizeof *rs->rows, "imported rows");
    }
    r = &rs->rows[rs->n++];
    r->line = line;
    r->v = xcalloc(ncols ? ncols : 1, sizeof *r->v, "a row");
    for (i = 0; i < ncols; i++) r->v[i].type = STORE_NULL;     /* STORE_NULL is not 0 */
    r->key = NULL;
    return r;
}

void rows_clear(struct row *r, size_t ncols) {
    size_t k;
    for (k = 0; k < ncols; k++) {
        if (r->v[k].type == STORE_TEXT) free(r->v[k].s);
        r->v[k].type = STORE_NULL;
    }
    free(r->key);
    r->key = NULL;
}

void rows_free(struct rowset *rs, size_t ncols) {
    size_t i;
    for (i = 0; i < rs->n; i++) {
        rows_clear(&rs->rows[i], ncols);
        free(rs->rows[i].v);
        free(rs->rows[i].key);
    }
    free(rs->rows);
    memset(rs, 0, sizeof *rs);
}

void value_text(const struct value *v, struct buf *b) {
    char tmp[40];
    int prec;
    switch (v->type) {
    case STORE_INT:  buf_printf(b, "%lld", (long long)v->i); break;
    case STORE_REAL:
        for (prec = 15; prec < 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, v->r);
            if (strtod(tmp, NULL) == v->r) break;
        }
        snprintf(tmp, sizeof tmp, "%.*g", prec, v->r);
        buf_puts(b, tmp);
        if (!strpbrk(tmp, ".eEn")) buf_puts(b, ".0");
        break;
    case STORE_TEXT: buf_puts(b, v->s); break;
    default:         buf_puts(b, "NULL"); break;
    }
}

int value_equal(const struct value *a, const struct value *b) {
    if (a->type != b->type) return 0;
    switch (a->type) {
    case STORE_INT:  return a->i == b->i;
    case STORE_REAL: return a->r == b->r;
    case STORE_TEXT: return strcmp(a->s, b->s) == 0;
    default:         return 1;
    }
}

void quote_field(struct buf *b, const char *s) {
    size_t n = strlen(s), i, cut = n > 60 ? 60 : n;
    while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    buf_putc(b, '\'');
    for (i = 0; i < cut; i++) buf_putc(b, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
    buf_puts(b, cut < n ? "…'" : "'");
}

void rows_key(const struct facts_table *t, struct row *r) {
    struct buf b;
    size_t i;
    int any_pk = 0, k;
    for (i = 0; i < t->ncols; i++) any_pk |= t->cols[i].pk > 0;
    buf_init(&b);
    for (k = 1; k <= (int)t->ncols; k++)
        for (i = 0; i < t->ncols; i++)
            if (any_pk ? t->cols[i].pk == k : (int)i + 1 == k) {
                if (k > 1) buf_putc(&b, KEY_SEP);
                value_text(&r->v[i], &b);
            }
    buf_putc(&b, '\0');
    free(r->key);
    r->key = (char *)b.data;
}

void rows_key_text(const struct row *r, struct buf *b) {
    const char *p;
    for (p = r->key; p && *p; p++) buf_putc(b, *p == KEY_SEP ? ' ' : *p);
}

static void read_row(struct store_stmt *st, struct row *r, size_t ncols) {
    size_t i, n;
    for (i = 0; i < ncols; i++) {
        struct value *v = &r->v[i];
        switch ((v->type = store_column_type(st, (int)i))) {
        case STORE_INT:  v->i = store_column_int(st, (int)i); break;
        case STORE_REAL: v->r = store_column_real(st, (int)i); break;
        case STORE_TEXT: v->s = xstrdup(store_column_text(st, (int)i, &n), "a value"); break;
        default:         v->type = STORE_NULL; break;
        }
    }
}

int rows_select(struct store *s, const struct facts_table *t, int col, const char *value,
                struct rowset *rs, struct rc_err *err) {
    struct buf sql;
    struct store_stmt *st;
    size_t i;
    int rc, got;
    buf_init(&sql);
    buf_puts(&sql, "SELECT ");
    for (i = 0; i < t->ncols; i++) {
        if (i) buf_puts(&sql, ", ");
        store_quote_ident(&sql, t->cols[i].name);
    }
    buf_puts(&sql, " FROM ");
    store_quote_ident(&sql, t->name);
    buf_puts(&sql, " WHERE ");
    store_quote_ident(&sql, t->cols[col].name);
    buf_puts(&sql, " = ?1");
    buf_putc(&sql, '\0');
    rc = store_prepare(s, (char *)sql.data, &st, err);
    buf_free(&sql);
    if (rc != RC_OK) return rc;
    rc = store_bind_text(st, 1, value, strlen(value), err);
    while (rc == RC_OK && (got = store_step(st, err)) != 0) {
        struct row *r;
        if (got < 0) { rc = -got; break; }
        r = rows_add(rs, t->ncols, 0);
        read_row(st, r, t->ncols);
        rows_key(t, r);
    }
    store_finalize(st);
    return rc;
}

static int by_key(const void *a, const void *b) {
    return strcmp(((const struct row *)a)->key, ((const struct row *)b)->key);
}

void rows_compare(struct rowset *a, struct rowset *b, size_t ncols, rows_change_fn each, void *ctx) {
    size_t i = 0, k = 0, c;
    if (a->n) qsort(a->rows, a->n, sizeof *a->rows, by_key);     /* qsort(NULL, 0) is undefined */
    if (b->n) qsort(b->rows, b->n, sizeof *b->rows, by_key);
    while (i < a->n || k < b->n) {
        int d = i == a->n ? 1 : k == b->n ? -1 : strcmp(a->rows[i].key, b->rows[k].key);
        if (d < 0) { each(ctx, ROWS_REMOVED, &a->rows[i++], NULL); continue; }
        if (d > 0) { each(ctx, ROWS_ADDED, &b->rows[k++], NULL); continue; }
        for (c = 0; c < ncols && value_equal(&a->rows[i].v[c], &b->rows[k].v[c]); c++) {}
        if (c < ncols) each(ctx, ROWS_CHANGED, &b->rows[k], &a->rows[i]);
        i++, k++;
    }
}

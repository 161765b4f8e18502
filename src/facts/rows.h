/*
** rows.h: rows of a fact-store table as `reportc facts import` handles
** them: typed values converted from a file or read from the store, their
** text as messages and listings show it, and two sets of rows compared by
** primary key (a re-delivered period: what was added, changed, removed).
*/
#ifndef FACTS_ROWS_H
#define FACTS_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include "table.h"
#include "../base/buf.h"
#include "../base/rc.h"
#include "../store/store.h"

struct value {
    enum store_type type;      /* STORE_NULL, _INT, _REAL or _TEXT */
    int64_t i;
    double r;
    char *s;                   /* owned, for STORE_TEXT */
};

struct row {
    int line;                  /* in the file; 0 for rows read from the store */
    struct value *v;           /* one per table column */
    char *key;                 /* owned, once rows_key has run */
};

struct rowset {                /* owns its rows */
    struct row *rows;
    size_t n, cap;
};

/* A new row of ncols NULL values at the end of rs. */
struct row *rows_add(struct rowset *rs, size_t ncols, int line);
void rows_free(struct rowset *rs, size_t ncols);
/* Set every value of r back to NULL (to reuse it for the next record). */
void rows_clear(struct row *r, size_t ncols);

/* The value as SQLite prints it (REAL with the fewest digits that read
** back the same, always with a point or exponent), "NULL" for NULL. */
void value_text(const struct value *v, struct buf *b);
int value_equal(const struct value *a, const struct value *b);

/* A field quoted for a message: at most 60 bytes, cut at a character
** boundary, control characters shown as spaces. */
void quote_field(struct buf *b, const char *s);

/* Set r->key from the primary key's values (every column's when the
** table has none); rows_key_text gives it as printed ("SGP 2019-06 x"). */
void rows_key(const struct facts_table *t, struct row *r);
void rows_key_text(const struct row *r, struct buf *b);

/* Append the rows of table t whose column `col` equals `value`, keyed. */
int rows_select(struct store *s, const struct facts_table *t, int col, const char *value,
                struct rowset *rs, struct rc_err *err);

/* Compare two keyed sets (sorting both by key); `each` hears, in key
** order, of every row added (old NULL), removed (row: the one before, old
** NULL) and changed (row: after, old: before).  Equal rows are not heard. */
enum rows_change { ROWS_ADDED, ROWS_CHANGED, ROWS_REMOVED };
typedef void (*rows_change_fn)(void *ctx, enum rows_change kind, const struct row *row,
                               const struct row *old);
void rows_compare(struct rowset *before, struct rowset *after, size_t ncols, rows_change_fn each,
                  void *ctx);

#endif

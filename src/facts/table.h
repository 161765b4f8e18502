/*
** table.h: what `reportc facts` needs to know about one table of the fact
** store, read from the store itself (sqlite_schema, pragma_table_info,
** pragma_foreign_key_list) rather than from schema.sql, so a table added
** there needs no change here.  Names from the command line are only ever
** compared with sqlite_schema and then used as the schema spells them,
** quoted.
*/
#ifndef FACTS_TABLE_H
#define FACTS_TABLE_H

#include <stddef.h>
#include "../base/buf.h"
#include "../base/rc.h"
#include "../store/store.h"

enum facts_type { FACTS_INTEGER, FACTS_REAL, FACTS_TEXT, FACTS_BLOB, FACTS_ANY };

struct facts_column {
    char *name;                /* owned, as the schema spells it */
    enum facts_type type;
    const char *type_name;     /* "INTEGER", "REAL", ... for messages */
    int notnull, has_default;
    int pk;                    /* 1-based place in the primary key, 0 if not in it */
};

/* One foreign key: child columns (indexes into the table's columns) and
** the parent table and columns they must match. */
struct facts_fkey {
    char *parent;              /* owned */
    size_t ncols;
    size_t child[8];
    char *parent_col[8];       /* owned */
};

struct facts_table {
    char *name;                /* owned, as in sqlite_schema */
    struct facts_column *cols;
    size_t ncols;
    struct facts_fkey *fkeys;
    size_t nfkeys;
    int period_col;            /* index of a column named period, or -1 */
};

/* Look `name` up among the store's tables (not sqlite_* internals, not
** views or virtual tables); RC_DATA naming the tables there are when it is
** none of them. */
int facts_table_load(struct store *s, const char *name, struct facts_table *t, struct rc_err *err);
void facts_table_free(struct facts_table *t);

/* Index of the column called `name` (ASCII case-insensitive), or -1. */
int facts_table_column(const struct facts_table *t, const char *name);

/* The names of every user table, in name order (a NULL-terminated array
** the caller frees with facts_names_free). */
int facts_table_names(struct store *s, char ***names, struct rc_err *err);
void facts_names_free(char **names);

/* Run `sql` with one optional text parameter ?1, handing each row to
** `row`; the first failure (the query's or the callback's) ends it. */
typedef int (*facts_row_fn)(struct store_stmt *st, void *ctx, struct rc_err *err);
int facts_query(struct store *s, const char *sql, const char *param,
                facts_row_fn row, void *ctx, struct rc_err *err);

#endif

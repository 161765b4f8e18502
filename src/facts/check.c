/*
** check.c: `reportc facts check`: is the fact store whole and is every
** figure traceable?  It reads only (the store opened as builds open it):
**
**   - PRAGMA integrity_check;
**   - PRAGMA foreign_key_check: every reference resolves;
**   - every table of figures (all but sources, sections, imports) has
**     source_id and locator columns, and no row leaves either empty;
**   - a figure citing a seed document (sources.seed set) cites a section
**     of it, also in tables that declare no foreign key for it;
**   - no orphan sections (of a source that does not exist), no import
**     recorded for a table that does not exist.
**
** Sections nothing cites are fine: they bound the sections that are (a
** section runs to the next one's anchor).  Each problem is one line on
** stderr, up to MAX_PROBLEMS; the count is the error.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts.h"
#include "table.h"
#include "../base/buf.h"
#include "../store/store.h"

#define MAX_PROBLEMS 100

struct check {
    struct store *store;
    const char *db;
    int problems;
    long long rows;             /* figures seen */
    const char *table;          /* the table a query is about, for messages */
    const char *what;           /* and what its rows mean */
};

static void problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct check *c, const char *fmt, ...) {
    va_list ap;
    if (c->problems++ >= MAX_PROBLEMS) return;
    fprintf(stderr, "%s: ", c->db);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const char *text(struct store_stmt *st, int i) {
    size_t n;
    return store_column_type(st, i) == STORE_NULL ? "NULL" : store_column_text(st, i, &n);
}

static int integrity_row(struct store_stmt *st, void *ctx, struct rc_err *err) {
    (void)err;
    if (strcmp(text(st, 0), "ok") != 0) problem(ctx, "integrity: %.300s", text(st, 0));
    return RC_OK;
}

static int fkey_row(struct store_stmt *st, void *ctx, struct rc_err *err) {
    struct check *c = ctx;
    struct facts_table t;
    const char *table = text(st, 0);
    long long fkid = store_column_int(st, 3);
    int rc = facts_table_load(c->store, table, &t, err);
    if (rc != RC_OK) return rc;
    if (fkid >= 0 && (size_t)fkid < t.nfkeys) {
        struct facts_fkey *fk = &t.fkeys[fkid];
        struct buf cols;
        size_t k;
        buf_init(&cols);
        for (k = 0; k < fk->ncols; k++)
            buf_printf(&cols, "%s%s", k ? ", " : "", t.cols[fk->child[k]].name);
        buf_putc(&cols, '\0');
        problem(c, "table %s, rowid %s: (%s) has no row in %s", table, text(st, 1),
                (char *)cols.data, text(st, 2));
        buf_free(&cols);
    } else problem(c, "table %s, rowid %s: a reference to %s that does not resolve", table,
                   text(st, 1), text(st, 2));
    facts_table_free(&t);
    return RC_OK;
}

/* A row a query found wrong: column 0 says which (rowid or key). */
static int bad_row(struct store_stmt *st, void *ctx, struct rc_err *err) {
    struct check *c = ctx;
    (void)err;
    problem(c, "table %s, %s: %s", c->table, text(st, 0), c->what);
    return RC_OK;
}

static int count_row(struct store_stmt *st, void *ctx, struct rc_err *err) {
    (void)err;
    *(long long *)ctx = store_column_int(st, 0);
    return RC_OK;
}

/* Run a query built from the table's quoted name ("%T" in `pattern`),
** reporting each row it returns as `what`. */
static int each_bad(struct check *c, const char *table, const char *pattern, const char *what,
                    facts_row_fn fn, void *ctx, struct rc_err *err) {
    struct buf sql;
    const char *p;
    int rc;
    buf_init(&sql);
    for (p = pattern; *p; p++) {
        if (p[0] == '%' && p[1] == 'T') { store_quote_ident(&sql, table); p++; }
        else buf_putc(&sql, *p);
    }
    buf_putc(&sql, '\0');
    c->table = table;
    c->what = what;
    rc = facts_query(c->store, (char *)sql.data, NULL, fn ? fn : bad_row, fn ? ctx : c, err);
    buf_free(&sql);
    if (rc == RC_SQL) {         /* a table not shaped as the check expects: a problem too */
        problem(c, "table %s cannot be checked: %s", table, err->msg);
        err->code = RC_OK;
        return RC_OK;
    }
    return rc;
}

static int check_provenance(struct check *c, const char *table, int has_seeds, struct rc_err *err) {
    struct facts_table t;
    long long n = 0;
    int rc = facts_table_load(c->store, table, &t, err);
    if (rc != RC_OK) return rc;
    if (facts_table_column(&t, "source_id") < 0 || facts_table_column(&t, "locator") < 0) {
        problem(c, "table %s has no source_id or no locator column: its figures cannot be traced", table);
        facts_table_free(&t);
        return RC_OK;
    }
    facts_table_free(&t);
    rc = each_bad(c, table, "SELECT count(*) FROM %T", "", count_row, &n, err);
    c->rows += n;
    if (rc == RC_OK)
        rc = each_bad(c, table, "SELECT 'rowid ' || rowid FROM %T WHERE source_id IS NULL"
                      " OR trim(source_id) = '' OR locator IS NULL OR trim(locator) = '' LIMIT 20",
                      "no source or no locator", NULL, NULL, err);
    if (rc == RC_OK && has_seeds)
        rc = each_bad(c, table, "SELECT 'rowid ' || rowid || ' (' || x.source_id || ', ' || x.locator"
                      " || ')' FROM %T x WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = x.source_id"
                      " AND s.seed IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM sections z"
                      " WHERE z.source_id = x.source_id AND z.locator = x.locator) LIMIT 20",
                      "the locator is no section of its source", NULL, NULL, err);
    return rc;
}

static int run(struct check *c, size_t *ntables, struct rc_err *err) {
    char **names;
    size_t i;
    int rc, has[3] = { 0, 0, 0 };
    static const char *const kept[3] = { "sources", "sections", "imports" };
    rc = facts_query(c->store, "PRAGMA integrity_check", NULL, integrity_row, c, err);
    if (rc == RC_OK) rc = facts_query(c->store, "PRAGMA foreign_key_check", NULL, fkey_row, c, err);
    if (rc != RC_OK || (rc = facts_table_names(c->store, &names, err)) != RC_OK) return rc;
    for (i = 0; names[i]; i++) {
        int k;
        for (k = 0; k < 3; k++) has[k] |= strcmp(names[i], kept[k]) == 0;
    }
    *ntables = i;
    if (!has[0]) problem(c, "no sources table");
    if (!has[1]) problem(c, "no sections table");
    if (!has[2]) problem(c, "no imports table (rebuild with scripts/facts/build.sh)");
    for (i = 0; rc == RC_OK && names[i]; i++) {
        int k, kind = -1;
        for (k = 0; k < 3; k++) if (strcmp(names[i], kept[k]) == 0) kind = k;
        if (kind < 0) rc = check_provenance(c, names[i], has[0] && has[1], err);
    }
    facts_names_free(names);
    if (rc == RC_OK && has[0] && has[1])
        rc = each_bad(c, "sections", "SELECT 'section (' || source_id || ', ' || locator || ')' FROM %T"
                      " WHERE source_id NOT IN (SELECT id FROM sources)",
                      "an orphan section: its source does not exist", NULL, NULL, err);
    if (rc == RC_OK && has[2])
        rc = each_bad(c, "imports", "SELECT 'import ' || id || ' (' || table_name || ')' FROM %T"
                      " WHERE table_name NOT IN (SELECT name FROM sqlite_schema WHERE type = 'table')",
                      "records an import into a table that does not exist", NULL, NULL, err);
    return rc;
}

int facts_check(const char *db, struct rc_err *err) {
    struct check c;
    size_t ntables = 0;
    int rc;
    memset(&c, 0, sizeof c);
    c.db = db;
    if ((rc = store_open(db, &c.store, err)) != RC_OK) return rc;
    rc = run(&c, &ntables, err);
    store_close(c.store);
    if (rc != RC_OK) return rc;
    if (c.problems > MAX_PROBLEMS)
        fprintf(stderr, "%s: ... and %d more problems\n", db, c.problems - MAX_PROBLEMS);
    if (c.problems)
        return rc_fail(err, RC_DATA, "%s: %d problem%s found by facts check", db, c.problems,
                       c.problems == 1 ? "" : "s");
    printf("%s: ok: %zu tables, %lld figures each with a source and locator; references resolve; "
           "integrity ok\n", db, ntables, c.rows);
    return RC_OK;
}

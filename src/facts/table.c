/*
** table.c: a table's columns, types, keys and foreign keys, read from the
** fact store (see table.h).
*/
#define _GNU_SOURCE             /* strcasestr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "table.h"
#include "../base/mem.h"

int facts_query(struct store *s, const char *sql, const char *param,
                facts_row_fn row, void *ctx, struct rc_err *err) {
    struct store_stmt *st;
    int rc = store_prepare(s, sql, &st, err), got;
    if (rc != RC_OK) return rc;
    if (param && (rc = store_bind_text(st, 1, param, strlen(param), err)) != RC_OK) {
        store_finalize(st);
        return rc;
    }
    while (rc == RC_OK && (got = store_step(st, err)) != 0)
        rc = got < 0 ? -got : row(st, ctx, err);
    store_finalize(st);
    return rc;
}

static char *column_dup(struct store_stmt *st, int i, const char *what) {
    size_t n;
    const char *s = store_column_text(st, i, &n);
    return xstrndup(s, n, what);
}

struct names { char **v; size_t n, cap; };

static int add_name(struct store_stmt *st, void *ctx, struct rc_err *err) {
    struct names *ns = ctx;
    (void)err;
    if (ns->n + 1 >= ns->cap) {
        ns->cap = ns->cap ? mem_mul(ns->cap, 2) : 16;
        ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v, "table names");
    }
    ns->v[ns->n++] = column_dup(st, 0, "a table name");
    ns->v[ns->n] = NULL;
    return RC_OK;
}

static const char USER_TABLES[] =
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND sql NOT LIKE 'CREATE VIRTUAL%'";

int facts_table_names(struct store *s, char ***names, struct rc_err *err) {
    struct names ns = { NULL, 0, 0 };
    char sql[sizeof USER_TABLES + 32];
    int rc;
    snprintf(sql, sizeof sql, "%s ORDER BY name", USER_TABLES);
    ns.v = xcalloc(1, sizeof *ns.v, "table names");
    ns.cap = 1;
    rc = facts_query(s, sql, NULL, add_name, &ns, err);
    if (rc != RC_OK) { facts_names_free(ns.v); return rc; }
    *names = ns.v;
    return RC_OK;
}

void facts_names_free(char **names) {
    size_t i;
    for (i = 0; names && names[i]; i++) free(names[i]);
    free(names);
}

static enum facts_type type_of(const char *decl, const char **name) {
    /* STRICT tables allow exactly these; others get SQLite's affinity rules. */
    if (strcasecmp(decl, "ANY") == 0) { *name = "ANY"; return FACTS_ANY; }
    if (strcasestr(decl, "INT")) { *name = "INTEGER"; return FACTS_INTEGER; }
    if (strcasestr(decl, "CHAR") || strcasestr(decl, "CLOB") || strcasestr(decl, "TEXT")) {
        *name = "TEXT"; return FACTS_TEXT;
    }
    if (decl[0] == '\0') { *name = "ANY"; return FACTS_ANY; }      /* no type: takes what it is given */
    if (strcasestr(decl, "BLOB")) { *name = "BLOB"; return FACTS_BLOB; }
    if (strcasestr(decl, "REAL") || strcasestr(decl, "FLOA") || strcasestr(decl, "DOUB")) {
        *name = "REAL"; return FACTS_REAL;
    }
    *name = "NUMERIC";
    return FACTS_REAL;
}

static int add_column(struct store_stmt *st, void *ctx, struct rc_err *err) {
    struct facts_table *t = ctx;
    struct facts_column *c;
    size_t n;
    (void)err;
    t->cols = xreallocarray(t->cols, t->ncols + 1, sizeof *t->cols, "table columns");
    c = &t->cols[t->ncols++];
    memset(c, 0, sizeof *c);
    c->name = column_dup(st, 0, "a column name");
    c->type = type_of(store_column_text(st, 1, &n), &c->type_name);
    c->notnull = (int)store_column_int(st, 2);
    c->has_default = (int)store_column_int(st, 3);
    c->pk = (int)store_column_int(st, 4);
    return RC_OK;
}

static int add_fkey_column(struct store_stmt *st, void *ctx, struct rc_err *err) {
    struct facts_table *t = ctx;
    struct facts_fkey *fk;
    size_t n;
    int id = (int)store_column_int(st, 0), child;
    const char *from = store_column_text(st, 2, &n);
    if (t->nfkeys == 0 || id != (int)(t->nfkeys - 1)) {
        t->fkeys = xreallocarray(t->fkeys, t->nfkeys + 1, sizeof *t->fkeys, "foreign keys");
        fk = &t->fkeys[t->nfkeys++];
        memset(fk, 0, sizeof *fk);
        fk->parent = column_dup(st, 1, "a table name");
    }
    fk = &t->fkeys[t->nfkeys - 1];
    if (fk->ncols == sizeof fk->child / sizeof fk->child[0] || (child = facts_table_column(t, from)) < 0)
        return rc_fail(err, RC_DATA, "table %s: a foreign key this tool cannot follow", t->name);
    fk->child[fk->ncols] = (size_t)child;
    fk->parent_col[fk->ncols++] = store_column_type(st, 3) == STORE_NULL
        ? NULL : column_dup(st, 3, "a column name");
    return RC_OK;
}

static int load_columns(struct store *s, struct facts_table *t, struct rc_err *err) {
    return facts_query(s, "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk"
                          " FROM pragma_table_info(?1) ORDER BY cid", t->name, add_column, t, err);
}

/* A foreign key written `REFERENCES parent` names no parent columns: it
** means the parent's primary key.  Only the parent's columns are read,
** not its own foreign keys, so a table that refers to itself (or two that
** refer to each other) is no endless recursion. */
static int fill_parent_keys(struct store *s, struct facts_fkey *fk, struct rc_err *err) {
    struct facts_table parent;
    size_t i, k;
    int rc;
    for (i = 0; i < fk->ncols && fk->parent_col[i]; i++) {}
    if (i == fk->ncols) return RC_OK;
    memset(&parent, 0, sizeof parent);
    parent.name = xstrdup(fk->parent, "a table name");
    if ((rc = load_columns(s, &parent, err)) != RC_OK) { facts_table_free(&parent); return rc; }
    for (i = 0; i < fk->ncols; i++)
        for (k = 0; k < parent.ncols; k++)
            if (parent.cols[k].pk == (int)i + 1 && !fk->parent_col[i])
                fk->parent_col[i] = xstrdup(parent.cols[k].name, "a column name");
    facts_table_free(&parent);
    for (i = 0; i < fk->ncols; i++)
        if (!fk->parent_col[i]) fk->parent_col[i] = xstrdup("rowid", "a column name");
    return RC_OK;
}

static int found_name(struct store_stmt *st, void *ctx, struct rc_err *err) {
    char **name = ctx;
    (void)err;
    if (*name == NULL) *name = column_dup(st, 0, "a table name");
    return RC_OK;
}

static int no_such_table(struct store *s, const char *name, struct rc_err *err) {
    char **names;
    struct buf list;
    size_t i;
    int rc = facts_table_names(s, &names, err);
    if (rc != RC_OK) return rc;
    buf_init(&list);
    for (i = 0; names[i]; i++) buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    buf_putc(&list, '\0');
    rc_fail(err, RC_DATA, "%s: no table '%.200s' (its tables: %s)", store_path(s), name,
            (char *)list.data);
    buf_free(&list);
    facts_names_free(names);
    return RC_DATA;
}

int facts_table_load(struct store *s, const char *name, struct facts_table *t, struct rc_err *err) {
    char sql[sizeof USER_TABLES + 64];
    size_t i;
    int rc;
    memset(t, 0, sizeof *t);
    t->period_col = -1;
    snprintf(sql, sizeof sql, "%s AND name = ?1 COLLATE NOCASE", USER_TABLES);
    if ((rc = facts_query(s, sql, name, found_name, &t->name, err)) != RC_OK) return rc;
    if (t->name == NULL) return no_such_table(s, name, err);
    rc = load_columns(s, t, err);
    if (rc == RC_OK)
        rc = facts_query(s, "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)"
                           " ORDER BY id, seq", t->name, add_fkey_column, t, err);
    for (i = 0; rc == RC_OK && i < t->nfkeys; i++) rc = fill_parent_keys(s, &t->fkeys[i], err);
    if (rc != RC_OK) { facts_table_free(t); return rc; }
    t->period_col = facts_table_column(t, "period");
    return RC_OK;
}

void facts_table_free(struct facts_table *t) {
    size_t i, k;
    for (i = 0; i < t->ncols; i++) free(t->cols[i].name);
    for (i = 0; i < t->nfkeys; i++) {
        free(t->fkeys[i].parent);
        for (k = 0; k < t->fkeys[i].ncols; k++) free(t->fkeys[i].parent_col[k]);
    }
    free(t->cols);
    free(t->fkeys);
    free(t->name);
    memset(t, 0, sizeof *t);
}

int facts_table_column(const struct facts_table *t, const char *name) {
    size_t i;
    for (i = 0; i < t->ncols; i++)
        if (strcasecmp(t->cols[i].name, name) == 0) return (int)i;
    return -1;
}

/*
** store.c: SQLite behind a small read-only interface.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "store.h"
#include "../base/mem.h"

struct store {
    sqlite3 *db;
    char *path;
};

struct store_stmt {
    sqlite3_stmt *stmt;
    struct store *store;
};

/* Refuse what could change anything or reach outside the one file. */
static int authorize(void *user, int action, const char *a, const char *b,
                     const char *c, const char *d) {
    (void)user; (void)b; (void)c; (void)d;
    switch (action) {
    case SQLITE_ATTACH: case SQLITE_DETACH:
        return SQLITE_DENY;
    case SQLITE_FUNCTION:
        return a && strcmp(a, "load_extension") == 0 ? SQLITE_DENY : SQLITE_OK;
    default:
        return SQLITE_OK;
    }
}

int store_open(const char *path, struct store **out, struct rc_err *err) {
    struct store *s;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc_fail(err, RC_IO, "%s: cannot open the fact store: %s", path,
                db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return RC_IO;
    }
    sqlite3_set_authorizer(db, authorize, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* Opening is lazy: read the schema now, so a file that is not a
    ** database fails here and not at the first query. */
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc_fail(err, RC_IO, "%s: not a readable fact store: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return RC_IO;
    }
    s = xcalloc(1, sizeof *s, "a fact store");
    s->path = xstrdup(path, "a fact store path");
    s->db = db;
    *out = s;
    return RC_OK;
}

void store_close(struct store *s) {
    if (s == NULL) return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *store_path(const struct store *s) { return s->path; }

int store_prepare(struct store *s, const char *sql, struct store_stmt **out,
                  struct rc_err *err) {
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    struct store_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, &tail) != SQLITE_OK)
        return rc_fail(err, RC_SQL, "%s", sqlite3_errmsg(s->db));
    if (stmt == NULL)
        return rc_fail(err, RC_SQL, "no SQL statement in the query");
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';' || *tail == '\r'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(stmt);
        return rc_fail(err, RC_SQL, "one statement per query (text follows the first)");
    }
    if (!sqlite3_stmt_readonly(stmt)) {
        sqlite3_finalize(stmt);
        return rc_fail(err, RC_SQL, "the fact store is read-only while compiling");
    }
    st = xcalloc(1, sizeof *st, "a query");
    st->stmt = stmt;
    st->store = s;
    *out = st;
    return RC_OK;
}

void store_finalize(struct store_stmt *st) {
    if (st == NULL) return;
    sqlite3_finalize(st->stmt);
    free(st);
}

int store_param_count(struct store_stmt *st) { return sqlite3_bind_parameter_count(st->stmt); }

int store_param_index(struct store_stmt *st, const char *name) {
    int i, n = sqlite3_bind_parameter_count(st->stmt);
    for (i = 1; i <= n; i++) {
        const char *p = sqlite3_bind_parameter_name(st->stmt, i);
        if (p && strchr(":$@", p[0]) && strcmp(p + 1, name) == 0) return i;
    }
    return 0;
}

const char *store_param_name(struct store_stmt *st, int i) {
    return sqlite3_bind_parameter_name(st->stmt, i);
}

static int bind_result(struct store_stmt *st, int rc, int i, struct rc_err *err) {
    if (rc == SQLITE_OK) return RC_OK;
    return rc_fail(err, RC_SQL, "binding parameter %d: %s", i, sqlite3_errmsg(st->store->db));
}

int store_bind_int(struct store_stmt *st, int i, int64_t v, struct rc_err *err) {
    return bind_result(st, sqlite3_bind_int64(st->stmt, i, v), i, err);
}

int store_bind_real(struct store_stmt *st, int i, double v, struct rc_err *err) {
    return bind_result(st, sqlite3_bind_double(st->stmt, i, v), i, err);
}

int store_bind_text(struct store_stmt *st, int i, const char *v, size_t n, struct rc_err *err) {
    return bind_result(st, sqlite3_bind_text(st->stmt, i, v, (int)n, SQLITE_TRANSIENT), i, err);
}

int store_bind_null(struct store_stmt *st, int i, struct rc_err *err) {
    return bind_result(st, sqlite3_bind_null(st->stmt, i), i, err);
}

int store_step(struct store_stmt *st, struct rc_err *err) {
    int rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    rc_fail(err, RC_SQL, "%s", sqlite3_errmsg(st->store->db));
    return -RC_SQL;
}

int store_column_count(struct store_stmt *st) { return sqlite3_column_count(st->stmt); }

const char *store_column_name(struct store_stmt *st, int i) {
    return sqlite3_column_name(st->stmt, i);
}

enum store_type store_column_type(struct store_stmt *st, int i) {
    switch (sqlite3_column_type(st->stmt, i)) {
    case SQLITE_INTEGER: return STORE_INT;
    case SQLITE_FLOAT:   return STORE_REAL;
    case SQLITE_TEXT:    return STORE_TEXT;
    case SQLITE_BLOB:    return STORE_BLOB;
    default:             return STORE_NULL;
    }
}

int64_t store_column_int(struct store_stmt *st, int i) { return sqlite3_column_int64(st->stmt, i); }

double store_column_real(struct store_stmt *st, int i) { return sqlite3_column_double(st->stmt, i); }

const char *store_column_text(struct store_stmt *st, int i, size_t *len) {
    const char *s = (const char *)sqlite3_column_text(st->stmt, i);
    *len = (size_t)sqlite3_column_bytes(st->stmt, i);
    return s ? s : "";
}

/*
** store.c: SQLite behind a small interface: read-only for builds, within
** the job's limits (an allow-list of SQL functions, a progress handler that
** stops a query past the time limit, SQLite's hard heap limit), and one
** writable handle for `reportc facts import` (store_open_rw).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include "store.h"
#include "../base/mem.h"
#include "../job/runlimits.h"

/* SQLite virtual machine steps between two looks at the clock. */
#define PROGRESS_STEPS 10000

/* Statements finished with, kept by their SQL for the next prepare of the
** same text: a brief prepares some 300 queries, most of them the same few
** in loops, and parsing them was 5% of a batch brief's instructions.  A
** kept statement is reset with its bindings cleared; it was authorized and
** checked (one statement, read-only) when first prepared, on this store. */
enum { STORE_IDLE_MAX = 16 };

struct store {
    sqlite3 *db;
    sqlite3_stmt *idle[STORE_IDLE_MAX];   /* oldest first */
    int nidle;
    char *path;
    const struct job_limits *limits;  /* NULL: none (tests, tools) */
    int timed_out;                    /* the progress handler stopped a query */
    char denied[64];                  /* the last function the authorizer refused */
    int writable;                     /* opened by store_open_rw */
};

struct store_stmt {
    sqlite3_stmt *stmt;
    struct store *store;
};

/* The SQL functions a report may call: SQLite's core scalar, aggregate,
** window, date and time, math and JSON functions.  Anything else (an
** extension's function such as fts3_tokenizer, which hands out a pointer
** into libsqlite3, load_extension, readfile) is refused by the authorizer.
** Sorted, for bsearch; names compare without case, as SQL does. */
static const char *const ALLOWED_FUNCTIONS[] = {
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "avg",
    "ceil", "ceiling", "char", "coalesce", "concat", "concat_ws", "cos", "cosh",
    "count", "cume_dist", "current_date", "current_time", "current_timestamp",
    "date", "datetime", "degrees", "dense_rank", "exp", "first_value", "floor",
    "format", "glob", "group_concat", "hex", "ifnull", "iif", "instr", "json",
    "json_array", "json_array_length", "json_each", "json_extract",
    "json_group_array", "json_group_object", "json_insert", "json_object",
    "json_patch", "json_quote", "json_remove", "json_replace", "json_set",
    "json_tree", "json_type", "json_valid", "julianday", "lag", "last_value",
    "lead", "length", "like", "likelihood", "likely", "ln", "log", "log10", "log2",
    "lower", "ltrim", "max", "min", "mod", "nth_value", "ntile", "nullif",
    "octet_length", "percent_rank", "pi", "pow", "power", "printf", "quote",
    "radians", "random", "randomblob", "rank", "replace", "round", "row_number",
    "rtrim", "sign", "sin", "sinh", "sqrt", "strftime", "string_agg", "substr",
    "substring", "sum", "tan", "tanh", "time", "timediff", "total", "trim", "trunc",
    "typeof", "unhex", "unicode", "unixepoch", "unlikely", "upper", "zeroblob",
};

static int compare_name(const void *key, const void *entry) {
    return strcasecmp(key, *(const char *const *)entry);
}

static int function_allowed(const char *name) {
    return name && bsearch(name, ALLOWED_FUNCTIONS,
                           sizeof ALLOWED_FUNCTIONS / sizeof *ALLOWED_FUNCTIONS,
                           sizeof *ALLOWED_FUNCTIONS, compare_name) != NULL;
}

/* Refuse what could change anything, reach outside the one file, or call
** a function not on the list. */
static int authorize(void *user, int action, const char *a, const char *b,
                     const char *c, const char *d) {
    struct store *s = user;
    (void)a; (void)c; (void)d;
    switch (action) {
    case SQLITE_ATTACH: case SQLITE_DETACH:
        return SQLITE_DENY;
    case SQLITE_FUNCTION:
        /* a: NULL; b: the function's name */
        if (function_allowed(b)) return SQLITE_OK;
        snprintf(s->denied, sizeof s->denied, "%s", b ? b : "?");
        return SQLITE_DENY;
    default:
        return SQLITE_OK;
    }
}

/* Called every PROGRESS_STEPS steps of a running statement: nonzero stops
** it with SQLITE_INTERRUPT. */
static int on_progress(void *user) {
    struct store *s = user;
    if (s->limits && limits_expired(s->limits)) s->timed_out = 1;
    return s->timed_out;
}

void store_set_limits(struct store *s, const struct job_limits *limits) {
    s->limits = limits;
    sqlite3_progress_handler(s->db, PROGRESS_STEPS, on_progress, s);
    /* Process-wide, as SQLite's heap is; each job sets its own. */
    sqlite3_hard_heap_limit64(limits ? (sqlite3_int64)limits->bytes : 0);
}

/* The message for a failed prepare or step: the limit that stopped it,
** the function refused, or SQLite's own. */
static int sql_failed(struct store *s, int rc, struct rc_err *err) {
    int code = rc & 0xff;
    if (code == SQLITE_INTERRUPT && s->timed_out && s->limits)
        return rc_fail(err, RC_SQL, "time limit of %u s exceeded", s->limits->seconds);
    if (code == SQLITE_NOMEM && s->limits)
        return rc_fail(err, RC_SQL, "memory limit of %u MB exceeded (%s)",
                       s->limits->megabytes, sqlite3_errmsg(s->db));
    if ((code == SQLITE_AUTH || code == SQLITE_ERROR) && s->denied[0])
        return rc_fail(err, RC_SQL, "not authorized: the function %s() is not on the allow-list",
                       s->denied);
    return rc_fail(err, RC_SQL, "%s", sqlite3_errmsg(s->db));
}

/* Open the store read-only for a build or writable for `reportc facts`:
** the same authorizer and defences either way; `first` is run at once so
** a file that is not a database fails here and not at the first query. */
static int store_open_mode(const char *path, int writable, const char *first,
                           struct store **out, struct rc_err *err) {
    struct store *s;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                             NULL);
    if (rc != SQLITE_OK) {
        rc_fail(err, RC_IO, "%s: cannot open the fact store: %s", path,
                db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return RC_IO;
    }
    s = xcalloc(1, sizeof *s, "a fact store");
    s->path = xstrdup(path, "a fact store path");
    s->db = db;
    s->writable = writable;
    sqlite3_set_authorizer(db, authorize, s);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* Each side waits for the other's lock rather than failing. */
    sqlite3_busy_timeout(db, 30000);
    rc = sqlite3_exec(db, first, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc_fail(err, RC_IO, "%s: not a readable fact store: %s", path, sqlite3_errmsg(db));
        store_close(s);
        return RC_IO;
    }
    *out = s;
    return RC_OK;
}

/* A build reads inside one read transaction, held until store_close:
** every query sees the same state, and `reportc facts import` commits
** before or after the build, never between two of its queries. */
int store_open(const char *path, struct store **out, struct rc_err *err) {
    return store_open_mode(path, 0, "BEGIN; SELECT count(*) FROM sqlite_schema", out, err);
}

/* Every statement is finalized by its owner before the store closes; one
** left over is a bug (a cursor not closed on some path), said on stderr
** so tests see it, and finalized so the handle still closes. */
void store_close(struct store *s) {
    sqlite3_stmt *left;
    int i;
    if (s == NULL) return;
    for (i = 0; i < s->nidle; i++) sqlite3_finalize(s->idle[i]);
    s->nidle = 0;
    while ((left = sqlite3_next_stmt(s->db, NULL)) != NULL) {
        fprintf(stderr, "reportc: internal: unfinalized statement: %s\n", sqlite3_sql(left));
        sqlite3_finalize(left);
    }
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *store_path(const struct store *s) { return s->path; }

/* A kept statement of exactly this SQL, taken out of the idle list; NULL
** when there is none. */
static sqlite3_stmt *take_idle(struct store *s, const char *sql) {
    int i;
    for (i = s->nidle - 1; i >= 0; i--)
        if (strcmp(sqlite3_sql(s->idle[i]), sql) == 0) {
            sqlite3_stmt *stmt = s->idle[i];
            memmove(s->idle + i, s->idle + i + 1, (size_t)(s->nidle - i - 1) * sizeof *s->idle);
            s->nidle--;
            return stmt;
        }
    return NULL;
}

/* SQL compiled and checked: one statement, read-only unless the store is
** writable. */
static int compile(struct store *s, const char *sql, sqlite3_stmt **out, struct rc_err *err) {
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    int rc;
    if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, &tail)) != SQLITE_OK)
        return sql_failed(s, rc, err);
    if (stmt == NULL)
        return rc_fail(err, RC_SQL, "no SQL statement in the query");
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';' || *tail == '\r'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(stmt);
        return rc_fail(err, RC_SQL, "one statement per query (text follows the first)");
    }
    if (!s->writable && !sqlite3_stmt_readonly(stmt)) {
        sqlite3_finalize(stmt);
        return rc_fail(err, RC_SQL, "the fact store is read-only while compiling");
    }
    *out = stmt;
    return RC_OK;
}

int store_prepare(struct store *s, const char *sql, struct store_stmt **out,
                  struct rc_err *err) {
    sqlite3_stmt *stmt;
    struct store_stmt *st;
    int rc;
    s->denied[0] = '\0';
    s->timed_out = 0;
    if ((stmt = take_idle(s, sql)) == NULL && (rc = compile(s, sql, &stmt, err)) != RC_OK)
        return rc;
    st = xcalloc(1, sizeof *st, "a query");
    st->stmt = stmt;
    st->store = s;
    *out = st;
    return RC_OK;
}

void store_finalize(struct store_stmt *st) {
    struct store *s;
    if (st == NULL) return;
    s = st->store;
    sqlite3_reset(st->stmt);
    sqlite3_clear_bindings(st->stmt);
    if (s->nidle == STORE_IDLE_MAX) {
        sqlite3_finalize(s->idle[0]);
        memmove(s->idle, s->idle + 1, (STORE_IDLE_MAX - 1) * sizeof *s->idle);
        s->nidle--;
    }
    s->idle[s->nidle++] = st->stmt;
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
    sql_failed(st->store, rc, err);
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

/* ---- writing (reportc facts) ------------------------------------------ */

int store_open_rw(const char *path, struct store **out, struct rc_err *err) {
    return store_open_mode(path, 1, "SELECT count(*) FROM sqlite_schema; PRAGMA foreign_keys = ON",
                           out, err);
}

int store_exec(struct store *s, const char *sql, struct rc_err *err) {
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return rc_fail(err, RC_SQL, "%s: %s (SQL: %s)", s->path, sqlite3_errmsg(s->db), sql);
    return RC_OK;
}

enum store_fault store_last_fault(struct store *s) {
    switch (sqlite3_extended_errcode(s->db)) {
    case SQLITE_CONSTRAINT_NOTNULL:    return STORE_FAULT_NOTNULL;
    case SQLITE_CONSTRAINT_CHECK:      return STORE_FAULT_CHECK;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return STORE_FAULT_UNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return STORE_FAULT_FOREIGNKEY;
#ifdef SQLITE_CONSTRAINT_DATATYPE
    case SQLITE_CONSTRAINT_DATATYPE:   return STORE_FAULT_DATATYPE;
#endif
    default:                           return STORE_FAULT_OTHER;
    }
}

void store_reset(struct store_stmt *st) { sqlite3_reset(st->stmt); }

void store_quote_ident(struct buf *b, const char *name) {
    buf_putc(b, '"');
    for (; *name; name++) {
        if (*name == '"') buf_putc(b, '"');
        buf_putc(b, *name);
    }
    buf_putc(b, '"');
}

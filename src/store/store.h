/*
** store.h: the fact store, a SQLite database opened read-only while a
** report compiles.  The only module that calls sqlite3_*.
**
** Only statements that read are run (sqlite3_stmt_readonly, and an
** authorizer that refuses ATTACH and any function not on its allow-list of
** SQLite's core functions); parameters are always bound, never spliced.
** Within a job's limits (store_set_limits), a query past the time limit
** stops with "time limit of N s exceeded", one past the memory limit with
** "memory limit of N MB exceeded".
**
** `reportc facts import` is the one writer: store_open_rw gives it a
** handle whose statements may write (still no ATTACH or extensions), with
** foreign keys enforced, and that waits for readers rather than failing.
*/
#ifndef STORE_H
#define STORE_H

#include <stdint.h>
#include "../base/rc.h"
#include "../base/buf.h"

struct store;
struct store_stmt;

enum store_type { STORE_INT, STORE_REAL, STORE_TEXT, STORE_NULL, STORE_BLOB };

/* Open `path` read-only; a missing file is RC_IO naming it. */
int store_open(const char *path, struct store **out, struct rc_err *err);
void store_close(struct store *s);

struct job_limits;
/* Apply a job's armed limits (job/runlimits.h) to the queries that follow;
** `limits` must outlive the store.  NULL: no limits. */
void store_set_limits(struct store *s, const struct job_limits *limits);
const char *store_path(const struct store *s);

/* Prepare one statement; RC_SQL with the SQLite message otherwise (the
** caller adds the SQL and the script line). */
int store_prepare(struct store *s, const char *sql, struct store_stmt **out,
                  struct rc_err *err);
void store_finalize(struct store_stmt *st);

int store_param_count(struct store_stmt *st);
/* Index of a named parameter (":name", "$name", "@name"), 0 if none. */
int store_param_index(struct store_stmt *st, const char *name);
/* Name of parameter i (1-based) as written (":name"), NULL for "?". */
const char *store_param_name(struct store_stmt *st, int i);
int store_bind_int(struct store_stmt *st, int i, int64_t v, struct rc_err *err);
int store_bind_real(struct store_stmt *st, int i, double v, struct rc_err *err);
int store_bind_text(struct store_stmt *st, int i, const char *v, size_t n, struct rc_err *err);
int store_bind_null(struct store_stmt *st, int i, struct rc_err *err);

/* 1: a row is ready, 0: done, <0: error (RC_SQL negated into err). */
int store_step(struct store_stmt *st, struct rc_err *err);

int store_column_count(struct store_stmt *st);
const char *store_column_name(struct store_stmt *st, int i);
enum store_type store_column_type(struct store_stmt *st, int i);
int64_t store_column_int(struct store_stmt *st, int i);
double store_column_real(struct store_stmt *st, int i);
const char *store_column_text(struct store_stmt *st, int i, size_t *len);

/* ---- writing (reportc facts) ---------------------------------------- */

/* Why the last failed step failed, from SQLite's extended result code. */
enum store_fault {
    STORE_FAULT_OTHER, STORE_FAULT_NOTNULL, STORE_FAULT_CHECK, STORE_FAULT_UNIQUE,
    STORE_FAULT_FOREIGNKEY, STORE_FAULT_DATATYPE
};

/* Open an existing fact store to change it: foreign keys on, a busy
** timeout so a commit waits for builds that are reading (SQLite's locks
** keep them from seeing a half-written import). */
int store_open_rw(const char *path, struct store **out, struct rc_err *err);

/* Run statements that return no rows (BEGIN, COMMIT, ROLLBACK ...). */
int store_exec(struct store *s, const char *sql, struct rc_err *err);

enum store_fault store_last_fault(struct store *s);
void store_reset(struct store_stmt *st);       /* to step it again, bindings kept */

/* Append `name` as a quoted SQL identifier ("a""b").  Callers check the
** name against sqlite_schema first; quoting only keeps it one token. */
void store_quote_ident(struct buf *b, const char *name);

#endif

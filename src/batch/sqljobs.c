/*
** sqljobs.c: `--jobs-sql "SELECT ..."`, one job per result row, the
** column names naming the parameters: the --jobs CSV list, computed from
** the fact store instead of exported from it first.
**
** The query runs through the store module, so it gets what every script
** query gets: the database opened read-only, one statement, only
** statements that read, no ATTACH, no extensions.  Values are taken as
** text (what SQLite's own conversion gives: 2019 -> "2019"); a NULL has no
** text a script could be given, so it is an error naming the row, as is a
** BLOB.  Month keywords in values are resolved as in -D.  It runs within
** the batch's --time-limit and --memory-limit, like a job.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"
#include "../base/mem.h"
#include "../base/month.h"
#include "../job/runlimits.h"
#include "../store/store.h"

/* The query with each run of white space as one space: an error is one
** line even for a query written over several. */
static char *one_line(const char *sql) {
    char *out = xmalloc(strlen(sql) + 1, "the query's text"), *o = out;
    int space = 0;
    for (; *sql; sql++) {
        if (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '\r') { space = 1; continue; }
        if (space && o > out) *o++ = ' ';
        space = 0;
        *o++ = *sql;
    }
    *o = '\0';
    return out;
}

static int take_columns(struct store_stmt *st, struct batch_axis *axis, struct rc_err *err) {
    int n = store_column_count(st), i, k;
    if (n <= 0) return rc_fail(err, RC_USAGE, "--jobs-sql: the query returns no columns");
    if (n > BATCH_MAX_PARAMS)
        return rc_fail(err, RC_USAGE, "--jobs-sql: more than %d columns", BATCH_MAX_PARAMS);
    axis->names = xcalloc((size_t)n, sizeof *axis->names, "job list columns");
    axis->nnames = (size_t)n;
    for (i = 0; i < n; i++) {
        const char *name = store_column_name(st, i);
        if (name == NULL || *name == '\0')
            return rc_fail(err, RC_USAGE, "--jobs-sql: column %d has no name (use AS name)", i + 1);
        for (k = 0; k < i; k++)
            if (strcmp(axis->names[k], name) == 0)
                return rc_fail(err, RC_USAGE, "--jobs-sql: column '%s' is named twice", name);
        axis->names[i] = xstrdup(name, "job list column");
    }
    return RC_OK;
}

/* The current row into the axis; `row` counts from 1 for messages. */
static int take_row(struct store_stmt *st, size_t row, long long now, struct batch_axis *axis,
                    struct rc_err *err) {
    char *values[BATCH_MAX_PARAMS], months[BATCH_MAX_PARAMS][8];
    size_t i, len;
    for (i = 0; i < axis->nnames; i++) {
        enum store_type type = store_column_type(st, (int)i);
        const char *text;
        if (type == STORE_NULL || type == STORE_BLOB)
            return rc_fail(err, RC_DATA, "--jobs-sql: row %zu: '%s' is %s, not a value a job "
                           "can take", row, axis->names[i], type == STORE_NULL ? "NULL" : "a BLOB");
        text = store_column_text(st, (int)i, &len);
        if (strlen(text) != len)
            return rc_fail(err, RC_DATA, "--jobs-sql: row %zu: '%s' holds a NUL byte", row,
                           axis->names[i]);
        values[i] = (char *)text;
        if (month_keyword(text, now, months[i])) values[i] = months[i];
    }
    return batch_axis_add_row(axis, values, err);
}

int batch_read_sql(const char *db_path, const char *sql, const struct batch_opts *o,
                   struct batch_axis *axis, struct rc_err *err) {
    struct store *db = NULL;
    struct store_stmt *st = NULL;
    struct job_limits limits;
    size_t row = 0;
    long long now = o->now;
    int rc, more = 0;
    memset(axis, 0, sizeof *axis);
    memset(&limits, 0, sizeof limits);
    limits.seconds = o->time_limit;
    limits.megabytes = o->memory_limit;
    if ((rc = store_open(db_path, &db, err)) != RC_OK) return rc;
    /* The query gets what a job gets: a recursive CTE that never ends is
    ** stopped at the time limit, not left to hang the batch. */
    if ((rc = limits_arm(&limits, "--jobs-sql", err)) != RC_OK) {
        store_close(db);
        return rc;
    }
    store_set_limits(db, &limits);
    rc = store_prepare(db, sql, &st, err);
    if (rc == RC_OK) rc = take_columns(st, axis, err);
    while (rc == RC_OK && (more = store_step(st, err)) > 0)
        rc = take_row(st, ++row, now, axis, err);
    if (rc == RC_OK && more < 0) rc = RC_SQL;
    if (rc == RC_SQL) {         /* the store's message, then the query on one line */
        char msg[sizeof err->msg], *line = one_line(sql);
        snprintf(msg, sizeof msg, "%s", err->msg);
        rc_fail(err, RC_SQL, "--jobs-sql: %s (SQL: %s)", msg, line);
        free(line);
    }
    store_finalize(st);
    store_close(db);
    limits_disarm();
    return rc;
}

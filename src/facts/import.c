/*
** import.c: `reportc facts import`: one delivered CSV into one table of
** the fact store, all or nothing.
**
** The file is read whole (at most 64 MiB), hashed (SHA-256, recorded in
** `imports`) and decoded to UTF-8 (decode.c).  Its header names columns of
** the table; --source and --locator may fill source_id and locator.  Each
** row is converted to the column's type here (so the message can say
** "'n/a' is not a REAL") and inserted inside one IMMEDIATE transaction;
** SQLite then enforces NOT NULL, CHECK, keys and foreign keys, and a
** failure is reported with the row's line and the column it concerns.
** Bad rows do not stop the reading, so one run lists them all (the first
** MAX_REPORTED); any bad row rolls everything back.  With
** --replace-period the period's rows are deleted first in the same
** transaction, and the rows before and after are compared by primary key
** into added / changed / removed (rows.c).  --dry-run prints that and
** rolls back.
** A rollback leaves the database file byte for byte as it was; readers
** (builds) never see a half-done import, and the commit waits for them.
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "facts.h"
#include "decode.h"
#include "rows.h"
#include "table.h"
#include "../base/buf.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../batch/csv.h"
#include "../batch/sha256.h"
#include "../store/store.h"

#define MAX_FILE      (64u << 20)   /* bytes; a month of indicators is a few KB */
#define MAX_FIELD     65536         /* bytes in one field */
#define MAX_REPORTED  20            /* problems printed; the rest are counted */
#define MAX_LISTED    1000          /* changes a dry run lists */

enum { FROM_NONE = -1, FROM_SOURCE = -2, FROM_LOCATOR = -3 };

struct import {
    const struct facts_import_opts *o;
    const char *file;          /* the path, for messages */
    struct store *store;
    struct facts_table t;
    int *from;                 /* per table column: its CSV field, or FROM_* */
    size_t nfields;            /* fields in the header */
    struct store_stmt *insert;
    struct store_stmt **probe; /* per foreign key: does the parent row exist? */
    int bad;                   /* problems found (a row may have several) */
    int bad_rows;              /* rows with at least one */
    int first_bad;             /* line of the first */
    struct rowset record;      /* one row: the record being checked, reused */
    size_t nrows;              /* the file's rows that went in */
    char *last_period;         /* owned: the latest period among them */
    char *one_source;          /* owned: their source_id, if they share one */
    int mixed_sources;
    struct buf listing;        /* a dry run's list of changes */
    struct rowset before;      /* --replace-period: the period's rows before */
    struct rowset after;       /* and after */
    int added, changed, removed;
    enum facts_encoding encoding;
    char sha[2 * SHA256_SIZE + 1];
};

/* ---- bad rows --------------------------------------------------------------- */

static void bad_row(struct import *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad_row(struct import *im, int line, const char *fmt, ...) {
    va_list ap;
    if (im->bad++ == 0) im->first_bad = line;
    if (im->bad > MAX_REPORTED) return;
    fprintf(stderr, "%s:%d: ", im->file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- reading the file ---------------------------------------------------- */

static int read_whole(const char *path, struct buf *out, struct rc_err *err) {
    struct stat st;
    char chunk[65536];
    ssize_t n;
    int fd, rc = fs_open_input(path, "the data file", &fd, &st, err);
    if (rc != RC_OK) return rc;
    if ((unsigned long long)st.st_size > MAX_FILE) {
        close(fd);
        return rc_fail(err, RC_DATA, "%s: %lld bytes, more than the %u MiB an import takes; split it",
                       path, (long long)st.st_size, MAX_FILE >> 20);
    }
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        if (out->len + (size_t)n > MAX_FILE) {
            close(fd);
            return rc_fail(err, RC_DATA, "%s: grew past %u MiB while being read", path, MAX_FILE >> 20);
        }
        buf_append(out, chunk, (size_t)n);
    }
    close(fd);
    if (n < 0) return rc_fail(err, RC_IO, "%s: cannot read: %s", path, strerror(errno));
    return RC_OK;
}

/* The header: every field a column of the table, none twice, none also
** given by --source/--locator; every column that needs a value has one. */
static int map_header(struct import *im, struct csv_row *h, struct rc_err *err) {
    const struct facts_table *t = &im->t;
    size_t i;
    int c;
    im->from = xcalloc(t->ncols, sizeof *im->from, "the column map");
    for (i = 0; i < t->ncols; i++) im->from[i] = FROM_NONE;
    if (h->count == 1 && h->fields[0][0] == '\0')
        return rc_fail(err, RC_DATA, "%s:1: the first line must name the columns of %s", im->file, t->name);
    for (i = 0; i < h->count; i++) {
        const char *name = h->fields[i];
        if (name[0] == '\0')
            return rc_fail(err, RC_DATA, "%s:1: column %zu of the header has no name", im->file, i + 1);
        if ((c = facts_table_column(t, name)) < 0) {
            struct buf cols;
            size_t k;
            buf_init(&cols);
            for (k = 0; k < t->ncols; k++) buf_printf(&cols, "%s%s", k ? ", " : "", t->cols[k].name);
            buf_putc(&cols, '\0');
            rc_fail(err, RC_DATA, "%s:1: '%.100s' is not a column of table %s (its columns: %.600s)",
                    im->file, name, t->name, (char *)cols.data);
            buf_free(&cols);
            return RC_DATA;
        }
        if (im->from[c] != FROM_NONE)
            return rc_fail(err, RC_DATA, "%s:1: column '%s' is named twice", im->file, t->cols[c].name);
        im->from[c] = (int)i;
    }
    im->nfields = h->count;
    if (im->o->source) {
        if ((c = facts_table_column(t, "source_id")) < 0)
            return rc_fail(err, RC_DATA, "--source: table %s has no source_id column", t->name);
        if (im->from[c] != FROM_NONE)
            return rc_fail(err, RC_DATA, "%s:1: source_id is both a column of the file and --source; give one",
                           im->file);
        im->from[c] = FROM_SOURCE;
    }
    if (im->o->locator) {
        if ((c = facts_table_column(t, "locator")) < 0)
            return rc_fail(err, RC_DATA, "--locator: table %s has no locator column", t->name);
        if (im->from[c] != FROM_NONE)
            return rc_fail(err, RC_DATA, "%s:1: locator is both a column of the file and --locator; give one",
                           im->file);
        im->from[c] = FROM_LOCATOR;
    }
    for (i = 0; i < t->ncols; i++) {
        const struct facts_column *col = &t->cols[i];
        int rowid_alias = col->pk && col->type == FACTS_INTEGER;
        if (im->from[i] == FROM_NONE && col->notnull && !col->has_default && !rowid_alias)
            return rc_fail(err, RC_DATA, "%s:1: no column '%s', which table %s needs (NOT NULL, no default)",
                           im->file, col->name, t->name);
    }
    if (im->o->replace_period && (t->period_col < 0 || im->from[t->period_col] == FROM_NONE))
        return rc_fail(err, RC_DATA, "--replace-period: %s", t->period_col < 0
                       ? "the table has no period column" : "the file has no period column");
    return RC_OK;
}

/* ---- converting and inserting rows --------------------------------------- */

static const char *trim(char *s) {
    char *e;
    while (*s == ' ' || *s == '\t') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    return s;
}

static int parse_integer(const char *s, int64_t *out) {
    char *end;
    long long v;
    if (!*s || strspn(s + (*s == '-' || *s == '+'), "0123456789") != strlen(s + (*s == '-' || *s == '+')))
        return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end) return 0;
    *out = v;
    return 1;
}

/* A decimal number: [+-] digits [. digits] [e [+-] digits]; no hex, no
** inf or nan, which strtod alone would take. */
static int parse_real(const char *s, double *out) {
    const char *p = s + (*s == '-' || *s == '+');
    size_t intd = strspn(p, "0123456789"), frac = 0;
    char *end;
    p += intd;
    if (*p == '.') { p++; frac = strspn(p, "0123456789"); p += frac; }
    if (intd + frac == 0) return 0;
    if (*p == 'e' || *p == 'E') {
        size_t ed;
        p++;
        p += (*p == '-' || *p == '+');
        if ((ed = strspn(p, "0123456789")) == 0) return 0;
        p += ed;
    }
    if (*p) return 0;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

/* The field for table column c of this record, converted to its type. */
static int convert(struct import *im, int line, size_t c, char *field, struct value *v) {
    const struct facts_column *col = &im->t.cols[c];
    struct buf q;
    const char *s;
    int ok = 1;
    if (strlen(field) > MAX_FIELD) {
        bad_row(im, line, "column '%s': %zu bytes; a field holds at most %d", col->name,
                strlen(field), MAX_FIELD);
        return 0;
    }
    v->type = STORE_NULL;
    if (field[0] == '\0') return 1;
    switch (col->type) {
    case FACTS_INTEGER:
        v->type = STORE_INT;
        ok = parse_integer(trim(field), &v->i);
        break;
    case FACTS_REAL:
        s = trim(field);
        v->type = STORE_REAL;
        ok = parse_real(s, &v->r);
        break;
    case FACTS_BLOB:
        bad_row(im, line, "column '%s': a BLOB column cannot be loaded from CSV", col->name);
        return 0;
    default:
        v->type = STORE_TEXT;
        v->s = xstrdup(field, "a field");
        return 1;
    }
    if (ok) return 1;
    v->type = STORE_NULL;
    buf_init(&q);
    quote_field(&q, field);
    buf_putc(&q, '\0');
    bad_row(im, line, "column '%s': %s is not %s %s", col->name, (char *)q.data,
            col->type == FACTS_INTEGER ? "an" : "a", col->type_name);
    buf_free(&q);
    return 0;
}

static int bind_value(struct store_stmt *st, int i, const struct value *v, struct rc_err *err) {
    switch (v->type) {
    case STORE_INT:  return store_bind_int(st, i, v->i, err);
    case STORE_REAL: return store_bind_real(st, i, v->r, err);
    case STORE_TEXT: return store_bind_text(st, i, v->s, strlen(v->s), err);
    default:         return store_bind_null(st, i, err);
    }
}

/* INSERT INTO "t" ("a", "b") VALUES (?1, ?2): the columns the file or the
** options give, in table order. */
static int prepare_insert(struct import *im, struct rc_err *err) {
    struct buf sql;
    size_t i, n = 0;
    int rc;
    buf_init(&sql);
    buf_puts(&sql, "INSERT INTO ");
    store_quote_ident(&sql, im->t.name);
    buf_puts(&sql, " (");
    for (i = 0; i < im->t.ncols; i++) {
        if (im->from[i] == FROM_NONE) continue;
        if (n++) buf_puts(&sql, ", ");
        store_quote_ident(&sql, im->t.cols[i].name);
    }
    buf_puts(&sql, ") VALUES (");
    for (i = 0; i < n; i++) buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 1);
    buf_puts(&sql, ")");
    buf_putc(&sql, '\0');
    rc = store_prepare(im->store, (char *)sql.data, &im->insert, err);
    buf_free(&sql);
    return rc;
}

/* SELECT 1 FROM "parent" WHERE "p1" = ?1 AND ...: one per foreign key, to
** say which reference a row breaks (SQLite only says that one does). */
static int prepare_probes(struct import *im, struct rc_err *err) {
    size_t f, k;
    int rc = RC_OK;
    im->probe = xcalloc(im->t.nfkeys ? im->t.nfkeys : 1, sizeof *im->probe, "foreign key probes");
    for (f = 0; rc == RC_OK && f < im->t.nfkeys; f++) {
        const struct facts_fkey *fk = &im->t.fkeys[f];
        struct buf sql;
        buf_init(&sql);
        buf_puts(&sql, "SELECT 1 FROM ");
        store_quote_ident(&sql, fk->parent);
        for (k = 0; k < fk->ncols; k++) {
            buf_puts(&sql, k ? " AND " : " WHERE ");
            store_quote_ident(&sql, fk->parent_col[k]);
            buf_printf(&sql, " = ?%zu", k + 1);
        }
        buf_puts(&sql, " LIMIT 1");
        buf_putc(&sql, '\0');
        rc = store_prepare(im->store, (char *)sql.data, &im->probe[f], err);
        buf_free(&sql);
    }
    return rc;
}

/* Columns named in a CHECK expression (identifiers outside quotes). */
static void check_columns(struct import *im, const char *expr, int *hit, size_t *nhit) {
    const char *p = expr;
    *nhit = 0;
    while (*p) {
        if (*p == '\'') {
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p += (*p == '\'') ? 2 : 1) {}
            if (*p) p++;
        } else if (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '"') {
            char name[128];
            size_t n = 0;
            int c, quoted = *p == '"';
            p += quoted;
            while (*p && (quoted ? *p != '"' : (*p == '_' || (*p >= '0' && *p <= '9') ||
                   (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))) {
                if (n + 1 < sizeof name) name[n++] = *p;
                p++;
            }
            if (quoted && *p) p++;
            name[n] = '\0';
            if ((c = facts_table_column(&im->t, name)) >= 0) {
                size_t k;
                for (k = 0; k < *nhit && hit[k] != c; k++) {}
                if (k == *nhit && *nhit < 16) hit[(*nhit)++] = c;
            }
        } else p++;
    }
}

static void report_check(struct import *im, int line, const struct value *v, const char *msg) {
    const char *expr = strstr(msg, "CHECK constraint failed: ");
    int hit[16];
    size_t nhit, k;
    struct buf b;
    expr = expr ? expr + strlen("CHECK constraint failed: ") : msg;
    check_columns(im, expr, hit, &nhit);
    buf_init(&b);
    for (k = 0; k < nhit; k++) {
        struct buf t;
        buf_init(&t);
        value_text(&v[hit[k]], &t);
        buf_putc(&t, '\0');
        buf_printf(&b, "%scolumn '%s': ", k ? ", " : "", im->t.cols[hit[k]].name);
        if (v[hit[k]].type == STORE_NULL) buf_puts(&b, "empty");
        else quote_field(&b, (char *)t.data);
        buf_free(&t);
    }
    buf_puts(&b, nhit ? " fails the table's check: " : "fails the table's check: ");
    for (k = 0; expr[k] && k < 300; k++) {        /* the schema's line breaks and indent: one space */
        int space = expr[k] == ' ' || expr[k] == '\n' || expr[k] == '\t' || expr[k] == '\r';
        if (!space) buf_putc(&b, expr[k]);
        else if (b.len && b.data[b.len - 1] != ' ') buf_putc(&b, ' ');
    }
    buf_putc(&b, '\0');
    bad_row(im, line, "%s", (char *)b.data);
    buf_free(&b);
}

static void report_unique(struct import *im, int line, const struct value *v, const char *msg) {
    const char *p = strstr(msg, "constraint failed: ");
    struct buf names, vals;
    int first = 1;
    buf_init(&names);
    buf_init(&vals);
    for (p = p ? p + strlen("constraint failed: ") : ""; *p;) {
        const char *end = strstr(p, ", "), *dot;
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char name[128];
        int c;
        dot = memchr(p, '.', n);
        if (dot) { n -= (size_t)(dot + 1 - p); p = dot + 1; }
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        if ((c = facts_table_column(&im->t, name)) >= 0) {
            buf_printf(&names, "%s%s", first ? "" : ", ", im->t.cols[c].name);
            if (!first) buf_puts(&vals, ", ");
            value_text(&v[c], &vals);
            first = 0;
        }
        p += n;
        if (*p) p += 2;
    }
    buf_putc(&names, '\0');
    buf_putc(&vals, '\0');
    bad_row(im, line, "(%s) = (%.200s) is already in table %s or earlier in this file%s",
            (char *)names.data, (char *)vals.data, im->t.name,
            im->t.period_col >= 0 && !im->o->replace_period
                ? " (a re-delivered month: --replace-period YYYY-MM)" : "");
    buf_free(&names);
    buf_free(&vals);
}

/* Which foreign key the row breaks, by asking each parent. */
static int report_fkey(struct import *im, int line, const struct value *v, struct rc_err *err) {
    size_t f, k;
    for (f = 0; f < im->t.nfkeys; f++) {
        const struct facts_fkey *fk = &im->t.fkeys[f];
        struct buf cols, vals;
        int rc = RC_OK, got, has_null = 0;
        store_reset(im->probe[f]);
        for (k = 0; k < fk->ncols && rc == RC_OK; k++) {
            has_null |= v[fk->child[k]].type == STORE_NULL;
            rc = bind_value(im->probe[f], (int)k + 1, &v[fk->child[k]], err);
        }
        if (rc != RC_OK) return rc;
        if (has_null) continue;
        if ((got = store_step(im->probe[f], err)) < 0) return -got;
        if (got) continue;
        buf_init(&cols);
        buf_init(&vals);
        for (k = 0; k < fk->ncols; k++) {
            struct buf t;
            buf_init(&t);
            value_text(&v[fk->child[k]], &t);
            buf_putc(&t, '\0');
            buf_printf(&cols, "%s'%s'", k ? ", " : "", im->t.cols[fk->child[k]].name);
            if (k) buf_puts(&vals, ", ");
            quote_field(&vals, (char *)t.data);
            buf_free(&t);
        }
        buf_printf(&vals, "%s is not in %s(", fk->ncols > 1 ? ")" : "", fk->parent);
        for (k = 0; k < fk->ncols; k++) buf_printf(&vals, "%s%s", k ? ", " : "", fk->parent_col[k]);
        buf_putc(&cols, '\0');
        buf_putc(&vals, '\0');
        bad_row(im, line, "column%s %s: %s%s)", fk->ncols > 1 ? "s" : "", (char *)cols.data,
                fk->ncols > 1 ? "(" : "", (char *)vals.data);
        buf_free(&cols);
        buf_free(&vals);
        return RC_OK;
    }
    bad_row(im, line, "breaks a foreign key of table %s", im->t.name);
    return RC_OK;
}

/* Insert one converted row; a constraint it breaks is a bad row, any
** other failure (I/O, a lock not granted) ends the import. */
static int insert_row(struct import *im, int line, struct value *v, struct rc_err *err) {
    struct rc_err e = { 0, "" };
    size_t i;
    int n = 0, rc = RC_OK, got;
    store_reset(im->insert);
    for (i = 0; i < im->t.ncols && rc == RC_OK; i++)
        if (im->from[i] != FROM_NONE) rc = bind_value(im->insert, ++n, &v[i], err);
    if (rc != RC_OK) return rc;
    if ((got = store_step(im->insert, &e)) >= 0) return RC_OK;
    store_reset(im->insert);
    switch (store_last_fault(im->store)) {
    case STORE_FAULT_NOTNULL: {
        const char *dot = strrchr(e.msg, '.');
        bad_row(im, line, "column '%s': empty, but the column is NOT NULL", dot ? dot + 1 : e.msg);
        return RC_OK;
    }
    case STORE_FAULT_CHECK:      report_check(im, line, v, e.msg); return RC_OK;
    case STORE_FAULT_UNIQUE:     report_unique(im, line, v, e.msg); return RC_OK;
    case STORE_FAULT_FOREIGNKEY: return report_fkey(im, line, v, err);
    case STORE_FAULT_DATATYPE:   bad_row(im, line, "%s", e.msg); return RC_OK;
    default:
        return rc_fail(err, RC_IO, "%s: inserting line %d of %s: %s", store_path(im->store), line,
                       im->file, e.msg);
    }
}

/* Count a change; a dry run also lists it (up to MAX_LISTED), printed
** with the summary. */
static void note_change(void *ctx, enum rows_change kind, const struct row *r, const struct row *old) {
    static const char *const what[] = { "added", "changed", "removed" };
    struct import *im = ctx;
    struct buf *b = &im->listing;
    size_t i;
    int n = 0;
    *(kind == ROWS_ADDED ? &im->added : kind == ROWS_CHANGED ? &im->changed : &im->removed) += 1;
    if (!im->o->dry_run || im->added + im->changed + im->removed > MAX_LISTED) return;
    buf_printf(b, "  %-7s ", what[kind]);
    rows_key_text(r, b);
    buf_putc(b, ':');
    for (i = 0; i < im->t.ncols; i++) {
        if (im->t.cols[i].pk) continue;
        if (old && value_equal(&old->v[i], &r->v[i])) continue;
        if (r->line > 0 && im->from[i] == FROM_NONE) continue;     /* the table's default */
        buf_printf(b, "%s %s ", n++ ? "," : "", im->t.cols[i].name);
        if (old) { value_text(&old->v[i], b); buf_puts(b, " -> "); }
        value_text(&r->v[i], b);
    }
    buf_putc(b, '\n');
}

/* A row that went in: what the imports record and the counts need. */
static void accept_row(struct import *im, struct row *r) {
    int sc = facts_table_column(&im->t, "source_id"), pc = im->t.period_col;
    im->nrows++;
    if (pc >= 0 && r->v[pc].type == STORE_TEXT &&
        (!im->last_period || strcmp(r->v[pc].s, im->last_period) > 0)) {
        free(im->last_period);
        im->last_period = xstrdup(r->v[pc].s, "a period");
    }
    if (sc >= 0 && r->v[sc].type == STORE_TEXT && !im->mixed_sources) {
        if (!im->one_source) im->one_source = xstrdup(r->v[sc].s, "a source id");
        else im->mixed_sources = strcmp(im->one_source, r->v[sc].s) != 0;
    }
    if (!im->o->replace_period) {          /* then every row is new */
        rows_key(&im->t, r);
        note_change(im, ROWS_ADDED, r, NULL);
    }
}

static int check_record(struct import *im, struct csv_row *rec, int line, struct rc_err *err) {
    const struct facts_table *t = &im->t;
    struct row *r;
    size_t c;
    int ok = 1, before = im->bad, rc;
    if (rec->count != im->nfields) {
        bad_row(im, line, "%zu field%s, but the header names %zu", rec->count,
                rec->count == 1 ? "" : "s", im->nfields);
        return RC_OK;
    }
    r = im->record.n ? &im->record.rows[0] : rows_add(&im->record, t->ncols, line);
    rows_clear(r, t->ncols);
    r->line = line;
    for (c = 0; c < t->ncols; c++) {
        int from = im->from[c];
        if (from == FROM_SOURCE) { r->v[c].type = STORE_TEXT; r->v[c].s = xstrdup(im->o->source, "a field"); }
        else if (from == FROM_LOCATOR) { r->v[c].type = STORE_TEXT; r->v[c].s = xstrdup(im->o->locator, "a field"); }
        else if (from >= 0) ok &= convert(im, line, c, rec->fields[from], &r->v[c]);
    }
    if (ok && im->o->replace_period) {
        const struct value *p = &r->v[t->period_col];
        if (p->type != STORE_TEXT || strcmp(p->s, im->o->replace_period) != 0) {
            struct buf q;
            buf_init(&q);
            value_text(p, &q);
            buf_putc(&q, '\0');
            bad_row(im, line, "column '%s': '%.40s' is not the period being replaced (%s)",
                    t->cols[t->period_col].name, (char *)q.data, im->o->replace_period);
            buf_free(&q);
            ok = 0;
        }
    }
    if (!ok) return RC_OK;
    if ((rc = insert_row(im, line, r->v, err)) == RC_OK && im->bad == before) accept_row(im, r);
    return rc;
}

static int take_record(struct import *im, struct csv_row *rec, int line, struct rc_err *err) {
    int before = im->bad, rc = check_record(im, rec, line, err);
    if (im->bad > before) im->bad_rows++;
    return rc;
}

static int read_rows(struct import *im, const struct buf *text, struct rc_err *err) {
    struct csv_reader r;
    struct csv_row rec = { NULL, 0, 0 };
    int rc, got = 0;
    csv_reader_init(&r, im->file, (const char *)text->data, text->len);
    rc = csv_next_record(&r, &rec, &got, err);
    if (rc == RC_OK && !got)
        rc = rc_fail(err, RC_DATA, "%s: empty file: the first line must name the columns of %s",
                     im->file, im->t.name);
    if (rc == RC_OK) rc = map_header(im, &rec, err);
    if (rc == RC_OK) rc = prepare_insert(im, err);
    if (rc == RC_OK) rc = prepare_probes(im, err);
    while (rc == RC_OK) {
        int line = r.line;
        if ((rc = csv_next_record(&r, &rec, &got, err)) != RC_OK || !got) break;
        if (rec.count == 1 && rec.fields[0][0] == '\0') continue;    /* a blank line */
        rc = take_record(im, &rec, line, err);
    }
    csv_row_free(&rec);
    if (rc == RC_USAGE) err->code = rc = RC_DATA;     /* the CSV reader's own complaints */
    if (rc == RC_OK && im->nrows == 0 && im->bad == 0)
        rc = rc_fail(err, RC_DATA, "%s: no rows after the header", im->file);
    return rc;
}

/* ---- before and after ------------------------------------------------------ */

/* ---- the record in `imports` ------------------------------------------------- */

/* The period the import is about (the replaced one, else the latest of
** its rows) and its source (--source, else the rows' one source_id). */
static void provenance(const struct import *im, const char **period, const char **source) {
    *period = im->o->replace_period ? im->o->replace_period : im->last_period;
    *source = im->o->source;
    if (!*source && !im->mixed_sources && strcmp(im->t.name, "sources") != 0) *source = im->one_source;
}

static int record_import(struct import *im, long long *id, struct rc_err *err) {
    static const char sql[] =
        "INSERT INTO imports (imported_at, file, sha256, table_name, encoding, period,"
        " rows_added, rows_changed, rows_removed, source_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    struct store_stmt *st;
    const char *period, *source, *base = strrchr(im->file, '/');
    char when[32];
    time_t now = (time_t)im->o->now;
    struct tm tm;
    int rc, got;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    base = base ? base + 1 : im->file;
    provenance(im, &period, &source);
    if ((rc = store_prepare(im->store, sql, &st, err)) != RC_OK) return rc;
    rc = store_bind_text(st, 1, when, strlen(when), err);
    if (rc == RC_OK) rc = store_bind_text(st, 2, base, strlen(base), err);
    if (rc == RC_OK) rc = store_bind_text(st, 3, im->sha, strlen(im->sha), err);
    if (rc == RC_OK) rc = store_bind_text(st, 4, im->t.name, strlen(im->t.name), err);
    if (rc == RC_OK) rc = store_bind_text(st, 5, facts_encoding_name(im->encoding),
                                          strlen(facts_encoding_name(im->encoding)), err);
    if (rc == RC_OK) rc = period ? store_bind_text(st, 6, period, strlen(period), err)
                                 : store_bind_null(st, 6, err);
    if (rc == RC_OK) rc = store_bind_int(st, 7, im->added, err);
    if (rc == RC_OK) rc = store_bind_int(st, 8, im->changed, err);
    if (rc == RC_OK) rc = store_bind_int(st, 9, im->removed, err);
    if (rc == RC_OK) rc = source ? store_bind_text(st, 10, source, strlen(source), err)
                                 : store_bind_null(st, 10, err);
    if (rc == RC_OK && (got = store_step(st, err)) < 0) rc = -got;
    store_finalize(st);
    if (rc != RC_OK) return rc;
    if ((rc = store_prepare(im->store, "SELECT max(id) FROM imports", &st, err)) != RC_OK) return rc;
    if ((got = store_step(st, err)) < 0) rc = -got;
    else *id = got ? store_column_int(st, 0) : 0;
    store_finalize(st);
    return rc;
}

/* ---- the whole import ---------------------------------------------------- */

static int check_table(struct import *im, struct rc_err *err) {
    struct facts_table imports;
    int rc;
    if (strcmp(im->t.name, "imports") == 0)
        return rc_fail(err, RC_DATA, "table imports is written by the import itself");
    rc = facts_table_load(im->store, "imports", &imports, err);
    if (rc == RC_DATA)
        return rc_fail(err, RC_DATA, "%s: no imports table (a fact store older than `reportc facts "
                       "import`): rebuild it with scripts/facts/build.sh", im->o->db);
    facts_table_free(&imports);
    return rc;
}

/* --replace-period: keep the period's rows for the comparison, then
** delete them; the file's rows take their place. */
static int delete_period(struct import *im, struct rc_err *err) {
    struct buf sql;
    struct store_stmt *st;
    const char *p = im->o->replace_period;
    int rc = rows_select(im->store, &im->t, im->t.period_col, p, &im->before, err), got;
    if (rc != RC_OK) return rc;
    buf_init(&sql);
    buf_puts(&sql, "DELETE FROM ");
    store_quote_ident(&sql, im->t.name);
    buf_puts(&sql, " WHERE ");
    store_quote_ident(&sql, im->t.cols[im->t.period_col].name);
    buf_puts(&sql, " = ?1");
    buf_putc(&sql, '\0');
    rc = store_prepare(im->store, (char *)sql.data, &st, err);
    buf_free(&sql);
    if (rc != RC_OK) return rc;
    rc = store_bind_text(st, 1, p, strlen(p), err);
    if (rc == RC_OK && (got = store_step(st, err)) < 0) rc = -got;
    store_finalize(st);
    return rc;
}

/* What the file's rows did to the table. */
static int tally(struct import *im, struct rc_err *err) {
    int rc;
    if (!im->o->replace_period) return RC_OK;      /* counted as they went in */
    rc = rows_select(im->store, &im->t, im->t.period_col, im->o->replace_period, &im->after, err);
    if (rc == RC_OK) rows_compare(&im->before, &im->after, im->t.ncols, note_change, im);
    return rc;
}

static void print_summary(const struct import *im, long long id) {
    const char *p = im->o->replace_period;
    if (im->listing.len) fwrite(im->listing.data, 1, im->listing.len, stdout);
    printf("%s: %s, %zu row%s -> table %s%s%s: %s%d added, %d changed, %d removed",
           im->file, facts_encoding_name(im->encoding), im->nrows,
           im->nrows == 1 ? "" : "s", im->t.name, p ? ", replacing period " : "", p ? p : "",
           im->o->dry_run ? "would be " : "", im->added, im->changed, im->removed);
    if (!im->o->dry_run) printf(" (import %lld)\n", id);
    else printf(" (dry run: nothing written)\n");
    if (im->o->dry_run && im->added + im->changed + im->removed > MAX_LISTED)
        printf("  (changes listed up to %d)\n", MAX_LISTED);
}

/* The transaction: everything, or (a bad row, a dry run) nothing. */
static int run(struct import *im, const struct buf *text, struct rc_err *err) {
    long long id = 0;
    int rc = store_exec(im->store, "BEGIN IMMEDIATE", err);
    if (rc != RC_OK) return rc;
    if (im->o->replace_period && im->t.period_col >= 0) rc = delete_period(im, err);
    if (rc == RC_OK) rc = read_rows(im, text, err);
    if (rc == RC_OK && im->bad) {
        if (im->bad > MAX_REPORTED)
            fprintf(stderr, "%s: ... and %d more problems\n", im->file, im->bad - MAX_REPORTED);
        rc = rc_fail(err, RC_DATA, "%s: %d bad row%s (the first at line %d); nothing imported",
                     im->file, im->bad_rows, im->bad_rows == 1 ? "" : "s", im->first_bad);
    }
    if (rc == RC_OK) rc = tally(im, err);
    if (rc == RC_OK && !im->o->dry_run) rc = record_import(im, &id, err);
    if (rc == RC_OK && !im->o->dry_run) rc = store_exec(im->store, "COMMIT", err);
    if (rc != RC_OK || im->o->dry_run) {
        struct rc_err ignored;
        store_exec(im->store, "ROLLBACK", &ignored);
    }
    if (rc == RC_OK) print_summary(im, id);
    return rc;
}

int facts_import(const struct facts_import_opts *o, struct rc_err *err) {
    struct import im;
    struct buf raw, text;
    struct sha256 h;
    unsigned char digest[SHA256_SIZE];
    size_t i;
    int rc;
    memset(&im, 0, sizeof im);
    im.o = o;
    im.file = o->file;
    buf_init(&raw);
    buf_init(&text);
    buf_init(&im.listing);
    rc = read_whole(o->file, &raw, err);
    if (rc == RC_OK) {
        sha256_init(&h);
        sha256_update(&h, raw.data ? raw.data : (unsigned char *)"", raw.len);
        sha256_final(&h, digest);
        sha256_hex(digest, im.sha);
        rc = raw.len == 0 ? rc_fail(err, RC_DATA, "%s: empty file: the first line must name the "
                                    "table's columns", o->file)
                          : facts_decode(o->file, raw.data, raw.len, &text, &im.encoding, err);
    }
    if (rc == RC_OK) rc = store_open_rw(o->db, &im.store, err);
    if (rc == RC_OK) rc = facts_table_load(im.store, o->table, &im.t, err);
    if (rc == RC_OK) rc = check_table(&im, err);
    if (rc == RC_OK) rc = run(&im, &text, err);
    store_finalize(im.insert);
    for (i = 0; im.probe && i < im.t.nfkeys; i++) store_finalize(im.probe[i]);
    free(im.probe);
    rows_free(&im.record, im.t.ncols);
    free(im.last_period);
    free(im.one_source);
    buf_free(&im.listing);
    rows_free(&im.before, im.t.ncols);
    rows_free(&im.after, im.t.ncols);
    free(im.from);
    facts_table_free(&im.t);
    store_close(im.store);
    buf_free(&raw);
    buf_free(&text);
    return rc;
}

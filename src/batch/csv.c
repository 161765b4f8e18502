/*
** csv.c: `--jobs FILE.csv`, one job per row, the header row naming the
** parameters.  RFC 4180: fields separated by commas, optionally quoted
** ("" is a quote inside quotes, quoted fields may hold commas and line
** breaks), CRLF or LF line ends, a UTF-8 byte order mark ignored, blank
** lines skipped.  Month keywords in values are resolved as in -D.
**
** The record reader (csv.h) is also what `reportc facts import` reads a
** delivered data file with, so both read CSV the same way.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "csv.h"
#include "plan.h"
#include "../base/month.h"
#include "../base/buf.h"
#include "../base/fsutil.h"
#include "../base/mem.h"

void csv_reader_init(struct csv_reader *r, const char *path, const char *text, size_t len) {
    r->path = path;
    r->p = text ? text : "";        /* an empty file has no data */
    r->end = r->p + len;
    r->line = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) r->p += 3;
}

void csv_row_free(struct csv_row *row) {
    csv_row_clear(row);
    free(row->fields);
    row->fields = NULL;
    row->cap = 0;
}

void csv_row_clear(struct csv_row *row) {
    size_t i;
    for (i = 0; i < row->count; i++) free(row->fields[i]);
    row->count = 0;
}

static void csv_row_push(struct csv_row *row, struct buf *field) {
    if (row->count == row->cap) {
        row->cap = row->cap ? mem_mul(row->cap, 2) : 8;
        row->fields = xreallocarray(row->fields, row->cap, sizeof *row->fields, "CSV fields");
    }
    row->fields[row->count++] =
        xstrndup(field->data ? (char *)field->data : "", field->len, "a CSV field");
    field->len = 0;
}

/* A quoted field, the reader at its opening quote. */
static int csv_quoted(struct csv_reader *r, struct buf *field, struct rc_err *err) {
    int start = r->line;
    for (r->p++;; r->p++) {
        if (r->p == r->end)
            return rc_fail(err, RC_USAGE, "%s:%d: a quoted field is never closed", r->path, start);
        if (*r->p == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') r->p++;
            else break;
        }
        if (*r->p == '\n') r->line++;
        buf_putc(field, *r->p);
    }
    r->p++;
    if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
        return rc_fail(err, RC_USAGE, "%s:%d: text after a closing quote", r->path, r->line);
    return RC_OK;
}

int csv_next_record(struct csv_reader *r, struct csv_row *row, int *got, struct rc_err *err) {
    struct buf field;
    int rc = RC_OK;
    csv_row_clear(row);
    *got = r->p < r->end;
    if (!*got) return RC_OK;
    buf_init(&field);
    for (;;) {
        if (r->p < r->end && *r->p == '"') rc = csv_quoted(r, &field, err);
        else
            for (; r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r'; r->p++)
                buf_putc(&field, *r->p);
        if (rc == RC_OK) csv_row_push(row, &field);
        if (rc != RC_OK || r->p == r->end || *r->p != ',') break;
        r->p++;
    }
    if (r->p < r->end && *r->p == '\r') r->p++;
    if (r->p < r->end && *r->p == '\n') r->p++;
    r->line++;
    buf_free(&field);
    return rc;
}

static int read_file(const char *path, struct buf *out, struct rc_err *err) {
    char chunk[8192];
    size_t n;
    struct stat st;
    FILE *f;
    int rc = fs_fopen_input(path, "the job list", &f, &st, err);
    if (rc != RC_OK) return rc;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(out, chunk, n);
    if (ferror(f)) {
        fclose(f);
        return rc_fail(err, RC_IO, "%s: cannot read the job list", path);
    }
    fclose(f);
    return RC_OK;
}

static int take_header(struct csv_reader *r, struct csv_row *row, struct batch_axis *axis,
                       struct rc_err *err) {
    size_t i, k;
    if (row->count == 0 || (row->count == 1 && row->fields[0][0] == '\0'))
        return rc_fail(err, RC_USAGE, "%s: the first line must name the parameters", r->path);
    for (i = 0; i < row->count; i++) {
        if (row->fields[i][0] == '\0')
            return rc_fail(err, RC_USAGE, "%s:1: column %zu has no name", r->path, i + 1);
        for (k = 0; k < i; k++)
            if (strcmp(row->fields[k], row->fields[i]) == 0)
                return rc_fail(err, RC_USAGE, "%s:1: column '%s' is named twice", r->path, row->fields[i]);
    }
    axis->names = row->fields;          /* the header's strings become the names */
    axis->nnames = row->count;
    row->fields = NULL;
    row->count = row->cap = 0;
    return RC_OK;
}

static int take_row(struct csv_reader *r, struct csv_row *row, int line, long long now,
                    struct batch_axis *axis, struct rc_err *err) {
    size_t i;
    for (i = 0; i < row->count; i++) {
        char month[8];
        if (month_keyword(row->fields[i], now, month)) {
            free(row->fields[i]);
            row->fields[i] = xstrdup(month, "a month");
        }
    }
    if (row->count != axis->nnames)
        return rc_fail(err, RC_USAGE, "%s:%d: %zu field%s, but the header names %zu", r->path,
                       line, row->count, row->count == 1 ? "" : "s", axis->nnames);
    return batch_axis_add_row(axis, row->fields, err);
}

int batch_read_csv(const char *path, long long now, struct batch_axis *axis, struct rc_err *err) {
    struct buf text;
    struct csv_reader r;
    struct csv_row row = { NULL, 0, 0 };
    int rc, got = 0;
    memset(axis, 0, sizeof *axis);
    buf_init(&text);
    if ((rc = read_file(path, &text, err)) != RC_OK) { buf_free(&text); return rc; }
    csv_reader_init(&r, path, (const char *)text.data, text.len);
    rc = csv_next_record(&r, &row, &got, err);
    if (rc == RC_OK) rc = got ? take_header(&r, &row, axis, err)
                              : rc_fail(err, RC_USAGE, "%s: empty job list", path);
    while (rc == RC_OK) {
        int line = r.line;
        if ((rc = csv_next_record(&r, &row, &got, err)) != RC_OK || !got) break;
        if (row.count == 1 && row.fields[0][0] == '\0') continue;    /* a blank line */
        rc = take_row(&r, &row, line, now, axis, err);
    }
    csv_row_free(&row);
    buf_free(&text);
    return rc;
}

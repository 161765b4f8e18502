/*
** csv.h: the RFC 4180 record reader behind `--jobs FILE.csv`, shared with
** `reportc facts import`: fields separated by commas, optionally quoted
** ("" is a quote inside quotes; quoted fields may hold commas and line
** breaks), CRLF, LF or CR line ends, a leading UTF-8 byte order mark
** skipped.  It reads bytes: checking the encoding is the caller's job.
*/
#ifndef CSV_H
#define CSV_H

#include <stddef.h>
#include "../base/rc.h"

struct csv_reader {
    const char *path;          /* for messages */
    const char *p, *end;       /* the text not yet read */
    int line;                  /* where the next record starts */
};

struct csv_row {
    char **fields;             /* owned, NUL-terminated */
    size_t count, cap;
};

/* Read `text` (not copied: it must outlive the reader). */
void csv_reader_init(struct csv_reader *r, const char *path, const char *text, size_t len);

/* The next record into row; *got is 0 at the end of the text.  A quote
** never closed, or text after a closing quote, fails naming the line. */
int csv_next_record(struct csv_reader *r, struct csv_row *row, int *got, struct rc_err *err);

void csv_row_clear(struct csv_row *row);   /* drop the fields, keep the array */
void csv_row_free(struct csv_row *row);

#endif

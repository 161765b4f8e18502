/*
** tablerows.h: a table's body rows as layout takes them, a chunk at a
** time.  A table given whole (doc:table{rows = a table}) is one chunk, the
** table itself.  A streamed table (doc_table.stream) is pulled in chunks of
** at least DOC_STREAM_LOOKAHEAD rows, each ending where no merged cell
** crosses into the next; a chunk is a struct doc_table of its own rows
** that shares the table's columns, header and options.  Layout shapes a
** chunk when it reaches it and frees it once placed, so a streamed table
** holds a chunk of rows, never the whole table.
*/
#ifndef TABLEROWS_H
#define TABLEROWS_H

#include <stddef.h>
#include "../base/rc.h"
#include "../doc/doc.h"

struct pulled_row;

struct table_rows {
    const struct doc_table *t;
    struct doc_table chunk;        /* streamed: the current chunk's rows */
    size_t row0;                   /* the table's row number of the chunk's first row */
    size_t next_row0;
    int given;                     /* the whole table was handed out as its one chunk */
    int ended;                     /* the stream has no more rows */
    int finished;                  /* the last chunk was given */
    struct pulled_row *queue;      /* rows pulled past the chunk */
    size_t nqueue, capqueue;
    size_t *run;                   /* per column: rows the open merged cell covers */
};

/* Start reading t's rows: a stream read before starts again (an error
** when it cannot). */
int table_rows_open(struct table_rows *R, const struct doc_table *t, struct rc_err *err);

/* The next chunk: 1 with *chunk (valid until the next call), *row0 and
** *last (no chunk follows); 0 when all were given; -RC_* on error. */
int table_rows_next(struct table_rows *R, const struct doc_table **chunk, size_t *row0,
                    int *last, struct rc_err *err);

void table_rows_close(struct table_rows *R);

#endif

/*
** float.h: figures and tables that wait for the next page (float.c).
*/
#ifndef FLOAT_H
#define FLOAT_H

#include <stddef.h>
#include "../doc/doc.h"

struct layout;

/* Floats deferred in this pass, in document order, not yet placed. */
struct float_queue {
    const struct doc_block **blocks;   /* [head, n) wait; the document owns them */
    size_t head, n, cap;
    int placing;           /* a float is being set: no flush from inside it */
    int rc;                /* the first error of a flush at a page top */
};

/* Before block `b`: set the floats that must not go past it (a level-1
** heading, a page break, cover, contents, or a figure or table that does
** not float), and take `b` into the queue when it floats and does not fit
** here (*taken = 1: the caller sets nothing now). */
int floats_before(struct layout *L, const struct doc_block *b, int *taken);

/* At the top of a new page: set the waiting floats that fit. */
void floats_page_top(struct layout *L);

/* Set every waiting float, on as many pages as they need (end of document). */
int floats_flush(struct layout *L);

/* The error of a flush at a page top, cleared: RC_OK when none. */
int floats_status(struct layout *L);

void floats_free(struct float_queue *q);

#endif

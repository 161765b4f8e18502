/*
** float.c: floats, so that a figure leaves no hole behind it.  A chart,
** image or table with `float` set that does not fit in the room left on
** its page waits here while the blocks after it fill that room; it is set
** at the top of the next page (layout_new_page calls floats_page_top).
**
** Floats keep their order: while one waits, every later float waits behind
** it.  All that wait are set, on new pages as they need, before a block
** they must not pass: the document title, a page break, a cover or
** contents page, a figure or table that does not float, and the end of the
** document.  Section headings are not barriers: a waiting float goes to
** the top of the next page, so it passes at most the start of a section
** (a barrier there left the hole floats exist to fill: in the market
** brief, three lines of the next section now fill it).  Their numbers (图 N, 表 N) are given as they are set, so they
** run in the order the reader meets them.  A float taller than a page
** never waits (waiting would not help): it is set where it comes, as one
** that does not float.
*/
#include <stdlib.h>
#include "float.h"
#include "page.h"
#include "../base/mem.h"

static float room(const struct layout *L) { return L->y - L->bottom; }

/* Nothing on the page, not even notes: the most room a float can get. */
static int page_empty(const struct layout *L) {
    return L->at_top && L->nnotes == 0 && L->ncarry == 0;
}

static int is_float_kind(const struct doc_block *b) {
    return b->kind == DOC_CHART || b->kind == DOC_IMAGE || b->kind == DOC_TABLE;
}

/* The blocks no waiting float may pass. */
static int is_barrier(const struct doc_block *b) {
    switch (b->kind) {
    case DOC_HEADING:   return b->level < 1;
    case DOC_PAGEBREAK: case DOC_COVER: case DOC_TOC: return 1;
    case DOC_CHART: case DOC_IMAGE: case DOC_TABLE: return !b->floating;
    case DOC_PARAGRAPH: return 0;
    }
    return 0;
}

static int height_of(struct layout *L, const struct doc_block *b, float *h) {
    switch (b->kind) {
    case DOC_CHART: return layout_chart_height(L, b, h);
    case DOC_IMAGE: return layout_image_height(L, b, h);
    case DOC_TABLE: return layout_table_height(L, b, h);
    default:        *h = 0; return RC_OK;
    }
}

static int place(struct layout *L, const struct doc_block *b) {
    int rc;
    L->floats.placing = 1;       /* a caption line or table row that breaks the page sets no float */
    switch (b->kind) {
    case DOC_CHART: rc = layout_chart(L, b); break;
    case DOC_IMAGE: rc = layout_image(L, b); break;
    case DOC_TABLE: rc = layout_table(L, b); break;
    default:        rc = RC_OK; break;
    }
    L->floats.placing = 0;
    return rc;
}

static void push(struct float_queue *q, const struct doc_block *b) {
    if (q->n == q->cap) {
        q->cap = q->cap ? mem_mul(q->cap, 2) : 4;
        q->blocks = xreallocarray(q->blocks, q->cap, sizeof *q->blocks, "waiting figures");
    }
    q->blocks[q->n++] = b;
}

/* Set the first waiting float if it fits here, or if the page is as empty
** as a page gets; *set says which. */
static int set_first(struct layout *L, int *set) {
    struct float_queue *q = &L->floats;
    const struct doc_block *b = q->blocks[q->head];
    float h;
    int rc = height_of(L, b, &h);
    *set = 0;
    if (rc != RC_OK) return rc;
    if (h > room(L) + 0.01f && !page_empty(L)) return RC_OK;
    *set = 1;
    if (++q->head == q->n) q->head = q->n = 0;
    return place(L, b);
}

void floats_page_top(struct layout *L) {
    struct float_queue *q = &L->floats;
    int set = 1;
    if (q->placing || q->rc != RC_OK) return;
    while (set && q->head < q->n) {
        int rc = set_first(L, &set);
        if (rc != RC_OK) { q->rc = rc; return; }
    }
}

int floats_flush(struct layout *L) {
    struct float_queue *q = &L->floats;
    while (q->head < q->n && q->rc == RC_OK) {
        int set, rc = set_first(L, &set);
        if (rc != RC_OK) return rc;
        /* Each new page sets at least one float, or holds notes continued
        ** from the last: either way the loop moves on. */
        if (!set) layout_new_page(L);
    }
    return floats_status(L);
}

int floats_before(struct layout *L, const struct doc_block *b, int *taken) {
    struct float_queue *q = &L->floats;
    *taken = 0;
    if (is_barrier(b)) return floats_flush(L);
    if (!b->floating || !is_float_kind(b)) return RC_OK;
    if (q->head == q->n) {
        float h;
        int rc = height_of(L, b, &h);
        if (rc != RC_OK) return rc;
        if (h <= room(L) + 0.01f || page_empty(L) || h > L->top - L->page_bottom) return RC_OK;
    }
    push(q, b);
    *taken = 1;
    return RC_OK;
}

int floats_status(struct layout *L) {
    int rc = L->floats.rc;
    L->floats.rc = RC_OK;
    return rc;
}

void floats_free(struct float_queue *q) {
    free(q->blocks);
    q->blocks = NULL;
    q->head = q->n = q->cap = 0;
    q->placing = 0;
    q->rc = RC_OK;
}

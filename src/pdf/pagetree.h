/*
** pagetree.h: the /Pages tree, written as pages arrive.  A node is
** written once it has PDF_TREE_FANOUT kids (or at the end), so memory
** holds one open node per level, not a list of every page: a balanced
** tree, as PDF 32000 7.7.3.1 recommends for long documents, instead of
** libharu's one /Kids array of every page.
*/
#ifndef PDF_PAGETREE_H
#define PDF_PAGETREE_H

#include <stdint.h>
#include "file.h"

#define PDF_TREE_FANOUT 32
#define PDF_TREE_LEVELS 6       /* 32^6 pages: more than a PDF's objects allow */

struct pdf_tree_node {
    uint32_t num;               /* its object number; 0: not open */
    unsigned nkids;
    uint32_t kids[PDF_TREE_FANOUT];
    uint64_t count;             /* pages under it */
};

struct pdf_tree { struct pdf_tree_node level[PDF_TREE_LEVELS]; };

void pdf_tree_reset(struct pdf_tree *t);
/* The node the next page goes under: its /Parent. */
uint32_t pdf_tree_parent(struct pdf_tree *t, struct pdf_file *f);
/* The page object `page` (whose /Parent was pdf_tree_parent) is written. */
void pdf_tree_add(struct pdf_tree *t, struct pdf_file *f, uint32_t page);
/* The nodes still open; the root gets `root_entries` (the pages' shared
** /Resources and /MediaBox).  Returns the root's number, 0 on failure
** (f->rc says why). */
uint32_t pdf_tree_finish(struct pdf_tree *t, struct pdf_file *f, const char *root_entries);

#endif

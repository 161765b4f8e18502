/*
** pagetree.c: the /Pages tree written as pages arrive (pagetree.h).
** Level 0 nodes hold pages, level k + 1 nodes hold level k nodes.  A
** node's number is reserved when it opens (its pages or kids name it as
** /Parent); it is written when full, under the node above, which opens
** then if it is not open.  At the end the open nodes are written bottom
** up and the highest is the root.
*/
#include <string.h>
#include "pagetree.h"

void pdf_tree_reset(struct pdf_tree *t) { memset(t, 0, sizeof *t); }

static void open_node(struct pdf_tree_node *n, struct pdf_file *f) {
    if (n->num == 0) n->num = pdf_file_reserve(f);
}

static void write_node(struct pdf_file *f, const struct pdf_tree_node *n, uint32_t parent,
                       const char *root_entries) {
    unsigned i;
    pdf_file_begin(f, n->num);
    buf_puts(&f->out, "<< /Type /Pages");
    if (parent) {
        buf_puts(&f->out, " /Parent ");
        pdf_put_ref(&f->out, parent);
    }
    buf_puts(&f->out, " /Kids [");
    for (i = 0; i < n->nkids; i++) {
        buf_putc(&f->out, ' ');
        pdf_put_ref(&f->out, n->kids[i]);
    }
    buf_puts(&f->out, " ] /Count ");
    pdf_put_uint(&f->out, n->count);
    if (root_entries && *root_entries) {
        buf_putc(&f->out, ' ');
        buf_puts(&f->out, root_entries);
    }
    buf_puts(&f->out, " >>");
    pdf_file_end(f);
}

/* Level k's node is complete: written under level k + 1's. */
static void close_node(struct pdf_tree *t, struct pdf_file *f, int k) {
    struct pdf_tree_node *n = &t->level[k], *up;
    if (k + 1 >= PDF_TREE_LEVELS) {
        if (f->rc == RC_OK)
            f->rc = rc_fail(f->err, RC_DATA, "%s: too many pages for a PDF page tree", f->path);
        return;
    }
    up = &t->level[k + 1];
    open_node(up, f);
    write_node(f, n, up->num, NULL);
    up->kids[up->nkids++] = n->num;
    up->count += n->count;
    memset(n, 0, sizeof *n);
    if (up->nkids == PDF_TREE_FANOUT) close_node(t, f, k + 1);
}

uint32_t pdf_tree_parent(struct pdf_tree *t, struct pdf_file *f) {
    open_node(&t->level[0], f);
    return t->level[0].num;
}

void pdf_tree_add(struct pdf_tree *t, struct pdf_file *f, uint32_t page) {
    struct pdf_tree_node *leaf = &t->level[0];
    leaf->kids[leaf->nkids++] = page;
    leaf->count++;
    if (leaf->nkids == PDF_TREE_FANOUT) close_node(t, f, 0);
}

uint32_t pdf_tree_finish(struct pdf_tree *t, struct pdf_file *f, const char *root_entries) {
    int k, top = -1;
    for (k = 0; k < PDF_TREE_LEVELS; k++)
        if (t->level[k].num) top = k;
    if (top < 0) return 0;
    for (k = 0; k < top; k++)
        if (t->level[k].num) close_node(t, f, k);
    /* Closing the last leaf may have filled the top node and opened one
    ** above it. */
    while (top + 1 < PDF_TREE_LEVELS && t->level[top + 1].num) top++;
    write_node(f, &t->level[top], 0, root_entries);
    return f->rc == RC_OK ? t->level[top].num : 0;
}

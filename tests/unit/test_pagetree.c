/*
** test_pagetree.c: the PDF file's frame (pdf/file.h) and the page tree
** written as pages arrive (pdf/pagetree.h), read back from the bytes:
**
**   - every cross-reference line points at its own "N 0 obj", the table
**     has /Size lines, and startxref points at "xref";
**   - for 1 to 33,000 pages (one leaf, a full leaf, one past it, full and
**     one-past-full trees of each depth): the root has no /Parent, every
**     node's kids name it as /Parent, no node has more than 32 kids, each
**     /Count is the pages under it, all pages are at the same depth, and a
**     walk from the root meets the pages in the order they came;
**   - a number reserved and never written is an error, not a file with a
**     dangling reference; page records read back; a reset file is empty
**     but for the header.
*/
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "../../src/base/buf.h"
#include "../../src/pdf/file.h"
#include "../../src/pdf/pagetree.h"

/* Problems found reading one file: the first few are printed, and each
** file is one check (a file has tens of thousands of lines to check). */
static int problems;
#define EXPECT(cond, ...) do { \
    if (!(cond) && problems++ < 5) { printf("  "); printf(__VA_ARGS__); printf("\n"); } \
} while (0)

struct obj {                    /* what the test reads of one object */
    int pages;                  /* 1: /Type /Pages, 0: a page */
    long parent, count, nkids;
    long *kids;
};

struct parsed { struct obj *objs; long size; long root; };

static void read_all(int fd, struct buf *out) {
    char chunk[65536];
    ssize_t n;
    off_t at = 0;
    buf_init(out);
    while ((n = pread(fd, chunk, sizeof chunk, at)) > 0) {
        buf_append(out, chunk, (size_t)n);
        at += n;
    }
    buf_putc(out, '\0');
}

static long ref_after(const char *s, const char *key) {
    const char *p = strstr(s, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Check the table against the bytes and read each object's entries. */
static int parse(const char *pdf, size_t len, struct parsed *out) {
    const char *sx = memmem(pdf, len, "startxref\n", 10), *x, *line;
    long i, xref_at;
    memset(out, 0, sizeof *out);
    EXPECT(memcmp(pdf, "%PDF-1.", 7) == 0, "no header");
    if (sx == NULL) return 0;
    xref_at = strtol(sx + 10, NULL, 10);
    EXPECT(xref_at > 0 && (size_t)xref_at < len && strncmp(pdf + xref_at, "xref\n0 ", 7) == 0,
              "startxref %ld does not point at the table", xref_at);
    if (strncmp(pdf + xref_at, "xref\n0 ", 7) != 0) return 0;
    x = pdf + xref_at + 7;
    out->size = strtol(x, NULL, 10);
    out->root = ref_after(sx - 200 > pdf ? sx - 200 : pdf, "/Root ");
    EXPECT(ref_after(pdf + xref_at, "/Size ") == out->size, "trailer /Size is not the table's");
    line = strchr(x, '\n') + 1;
    EXPECT(strncmp(line, "0000000000 65535 f\r\n", 20) == 0, "xref: object 0 is not free");
    out->objs = calloc((size_t)out->size, sizeof *out->objs);
    for (i = 1; i < out->size; i++) {
        const char *e = line + 20 * i, *o;
        char *body;
        const char *end;
        long at = strtol(e, NULL, 10);
        char head[32];
        struct obj *ob = &out->objs[i];
        snprintf(head, sizeof head, "%ld 0 obj\n", i);
        EXPECT(e[10] == ' ' && e[17] == 'n' && e[18] == '\r' && e[19] == '\n', "xref line %ld", i);
        if (!(at > 0 && (size_t)at < len && strncmp(pdf + at, head, strlen(head)) == 0)) {
            EXPECT(0, "xref: object %ld is not at %ld", i, at);
            continue;
        }
        o = pdf + at + strlen(head);
        /* memmem, bounded: strstr over the rest of the file for each of
        ** 33,000 objects is quadratic under ASan (its strstr measures both
        ** strings first). */
        end = memmem(o, (size_t)(pdf + len - o), "\nendobj\n", 8);
        body = strndup(o, end ? (size_t)(end - o) : 0);
        ob->pages = strncmp(body, "<< /Type /Pages", 15) == 0;
        ob->parent = ref_after(body, "/Parent ");
        if (ob->pages) {
            char *k = strstr(body, "/Kids [") + 7;
            ob->count = ref_after(body, "/Count ");
            ob->kids = calloc(64, sizeof *ob->kids);
            for (;;) {
                while (*k == ' ') k++;
                if (*k == ']' || ob->nkids == 64) break;
                ob->kids[ob->nkids++] = strtol(k, &k, 10);
                EXPECT(strncmp(k, " 0 R", 4) == 0, "object %ld: a kid is not a reference", i);
                if (strncmp(k, " 0 R", 4) != 0) break;
                k += 4;
            }
        }
        free(body);
    }
    return 1;
}

static void parsed_free(struct parsed *p) {
    long i;
    for (i = 0; i < p->size; i++) free(p->objs[i].kids);
    free(p->objs);
}

/* Walk from node n at depth `depth`; pages in order into *next. */
static long walk(const struct parsed *p, long n, long parent, int depth, int *leaf_depth,
                 const long *page_nums, long *next) {
    const struct obj *o;
    long i, under = 0;
    if (n <= 0 || n >= p->size) { EXPECT(0, "reference %ld outside the table", n); return 0; }
    o = &p->objs[n];
    EXPECT(o->parent == parent, "object %ld: /Parent %ld, not %ld", n, o->parent, parent);
    if (!o->pages) {
        if (*leaf_depth < 0) *leaf_depth = depth;
        EXPECT(*leaf_depth == depth, "a page at depth %d, another at %d", depth, *leaf_depth);
        EXPECT(page_nums[*next] == n, "page %ld is object %ld, not %ld", *next, n,
                  page_nums[*next]);
        (*next)++;
        return 1;
    }
    EXPECT(o->nkids >= 1 && o->nkids <= PDF_TREE_FANOUT, "node %ld has %ld kids", n, o->nkids);
    for (i = 0; i < o->nkids; i++)
        under += walk(p, o->kids[i], n, depth + 1, leaf_depth, page_nums, next);
    EXPECT(o->count == under, "node %ld: /Count %ld, %ld pages under it", n, o->count, under);
    return under;
}

static void test_tree(long npages) {
    struct pdf_file f;
    struct pdf_tree t;
    struct rc_err err;
    struct buf pdf;
    struct parsed p;
    FILE *tmp = tmpfile();
    long i, next = 0, *nums = calloc((size_t)npages, sizeof *nums);
    int leaf_depth = -1;
    uint32_t root, catalog, obj, overlay;
    CHECK(pdf_file_open(&f, fileno(tmp), "/tmp/test_pagetree.pdf", &err) == RC_OK);
    pdf_tree_reset(&t);
    for (i = 0; i < npages; i++) {
        uint32_t parent = pdf_tree_parent(&t, &f), page = pdf_file_reserve(&f);
        pdf_file_begin(&f, page);
        buf_printf(&f.out, "<< /Type /Page /Parent %u 0 R >>", parent);
        pdf_file_end(&f);
        pdf_file_set_page(&f, (size_t)i, page, (uint32_t)i);
        pdf_tree_add(&t, &f, page);
        nums[i] = page;
    }
    root = pdf_tree_finish(&t, &f, "/MediaBox [0 0 595 842]");
    CHECK(root != 0);
    catalog = pdf_file_reserve(&f);
    pdf_file_begin(&f, catalog);
    buf_printf(&f.out, "<< /Type /Catalog /Pages %u 0 R >>", root);
    pdf_file_end(&f);
    CHECK(pdf_file_page(&f, (size_t)(npages - 1), &obj, &overlay) == RC_OK
          && obj == (uint32_t)nums[npages - 1] && overlay == (uint32_t)(npages - 1));
    CHECK_MSG(pdf_file_finish(&f, catalog, 0) == RC_OK, "%ld pages: %s", npages, err.msg);
    read_all(fileno(tmp), &pdf);
    problems = 0;
    if (parse((const char *)pdf.data, pdf.len - 1, &p)) {
        EXPECT(p.root == (long)catalog, "/Root is %ld, not the catalog %u", p.root, catalog);
        walk(&p, (long)root, -1, 0, &leaf_depth, nums, &next);
        EXPECT(next == npages, "the walk met %ld pages", next);
        parsed_free(&p);
    }
    CHECK_MSG(problems == 0, "%ld pages: %d problems with the file or its page tree", npages,
              problems);
    buf_free(&pdf);
    pdf_file_close(&f);
    fclose(tmp);
    free(nums);
}

static void test_unwritten_and_reset(void) {
    struct pdf_file f;
    struct rc_err err;
    struct buf pdf;
    FILE *tmp = tmpfile();
    uint32_t a;
    CHECK(pdf_file_open(&f, fileno(tmp), "/tmp/test_pagetree.pdf", &err) == RC_OK);
    a = pdf_file_reserve(&f);
    pdf_file_reserve(&f);                       /* never written */
    pdf_file_begin(&f, a);
    buf_puts(&f.out, "<< >>");
    pdf_file_end(&f);
    CHECK(pdf_file_finish(&f, a, 0) != RC_OK && strstr(err.msg, "2 PDF objects numbered, 1 written"));
    pdf_file_close(&f);
    fclose(tmp);

    tmp = tmpfile();
    CHECK(pdf_file_open(&f, fileno(tmp), "/tmp/test_pagetree.pdf", &err) == RC_OK);
    a = pdf_file_reserve(&f);
    pdf_file_stream(&f, a, "", "abc", 3);
    CHECK(pdf_file_reset(&f) == RC_OK);
    CHECK(pdf_file_reserve(&f) == 1);           /* numbers start again */
    pdf_file_close(&f);
    read_all(fileno(tmp), &pdf);
    CHECK_MSG(pdf.len - 1 == 0, "a reset file holds %zu bytes before anything is flushed",
              pdf.len - 1);
    buf_free(&pdf);
    fclose(tmp);
}

int main(void) {
    static const long sizes[] = { 1, 2, 31, 32, 33, 64, 1023, 1024, 1025, 32768, 32769, 33000 };
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof *sizes; i++) test_tree(sizes[i]);
    test_unwritten_and_reset();
    return CHECK_DONE();
}

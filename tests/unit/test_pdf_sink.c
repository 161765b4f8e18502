/*
** test_pdf_sink.c: the PDF writer as a display sink (pdf.h), the way
** layout drives it page by page:
**
**   - a link to a page not written yet points at that page once it
**     arrives, and a link past the last page at the last page;
**   - restart forgets the pages written so far: the file has only the
**     pages given after it, and their overlays as second content streams;
**   - pages share one /Resources and /MediaBox on the root /Pages node
**     (none on the pages themselves), and the file ends with %%EOF;
**   - a page out of order is an error, not a wrong file.
*/
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "../../src/base/buf.h"
#include "../../src/display/display.h"
#include "../../src/font/fontset.h"
#include "../../src/pdf/pdf.h"

/* Three pages, each with a word and a rule; page 0 links to page 2 and
** to page 9 (there is none). */
static void three_pages(struct fontset *fs, struct display *d) {
    static const uint32_t text[] = { 'A' };
    struct rc_err err;
    int face, i;
    uint16_t gid;
    display_init(d);
    CHECK(fontset_glyph(fs, fontset_family(fs, "serif"), 'A', &face, &gid, &err) == RC_OK);
    for (i = 0; i < 3; i++) {
        struct dl_page *p = display_add_page(d, 595, 842);
        struct dl_text *t = display_add_text(p, face, 12, 72, 700, DL_BODY);
        display_add_glyph(p, t, gid, 0, 0, text, 1);
        display_add_rect(p, DL_RULE, 72, 690, 100, 1)->fill = 1;
        p->late = 1;                /* each gets an overlay after the last */
        if (i == 0) {
            float r[4] = { 72, 700, 100, 712 };
            display_add_link(p, r, 2, 500, NULL);
            display_add_link(p, r, 9, 400, NULL);
        }
    }
}

static long count(const char *s, size_t n, const char *what) {
    long k = 0;
    size_t m = strlen(what);
    const char *p = s, *end = s + n;
    while ((p = memmem(p, (size_t)(end - p), what, m)) != NULL) { k++; p += m; }
    return k;
}

/* Object numbers of the page dictionaries, in file order: the number of
** the "N 0 obj" line before each "<< /Type /Page ". */
static int page_objects(const char *s, size_t n, int *ids, int max) {
    static const char key[] = "<< /Type /Page ";
    int k = 0;
    const char *p = s, *end = s + n;
    while (k < max && (p = memmem(p, (size_t)(end - p), key, sizeof key - 1)) != NULL) {
        const char *line = p - 1;
        while (line > s && line[-1] != '\n' && line[-1] != '\r') line--;
        if (line > s && strncmp(p - 7, " 0 obj\n", 7) == 0) ids[k++] = atoi(line);
        p += sizeof key - 1;
    }
    return k;
}

static void read_file(FILE *f, struct buf *out) {
    char chunk[4096];
    size_t n;
    buf_init(out);
    rewind(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(out, chunk, n);
    buf_putc(out, '\0');
}

static void test_links_restart(struct fontset *fs) {
    struct display d;
    struct pdf_writer *w;
    struct display_sink sink;
    struct pdf_info info = { "t", NULL, NULL, 0, 0 };
    struct rc_err err;
    struct buf pdf;
    FILE *f = tmpfile();
    int ids[8], n, i, rc;
    char dest[64];
    three_pages(fs, &d);
    CHECK(f != NULL);
    rc = pdf_begin(&w, fs, &info, fileno(f), "/tmp/test_pdf_sink.pdf", &err);
    CHECK_MSG(rc == RC_OK, "pdf_begin: %s", err.msg);
    pdf_sink(w, &sink);
    /* Two pages, then layout starts again. */
    CHECK(sink.page(sink.ctx, &d, 0, &d.pages[0]) == RC_OK);
    CHECK(sink.page(sink.ctx, &d, 1, &d.pages[1]) == RC_OK);
    CHECK(sink.restart(sink.ctx) == RC_OK);
    /* Out of order: an error naming it. */
    CHECK(sink.page(sink.ctx, &d, 1, &d.pages[1]) != RC_OK && strstr(err.msg, "arrived"));
    CHECK(sink.restart(sink.ctx) == RC_OK);
    for (i = 0; i < 3; i++) CHECK_MSG(sink.page(sink.ctx, &d, (size_t)i, &d.pages[i]) == RC_OK, "%s", err.msg);
    for (i = 0; i < 3; i++) {
        struct dl_page *o = display_overlay(&d, (size_t)i);
        display_add_rect(o, DL_RULE, 72, 60, 100, 1)->fill = 1;
        CHECK(display_overlay_done(&d, (size_t)i, o) == RC_OK);   /* no sink: kept */
        CHECK(sink.overlay(sink.ctx, (size_t)i, d.pages[i].overlay) == RC_OK);
    }
    rc = pdf_end(w, &d);
    CHECK_MSG(rc == RC_OK, "pdf_end: %s", err.msg);
    pdf_free(w);
    read_file(f, &pdf);
    n = page_objects((const char *)pdf.data, pdf.len, ids, 8);
    CHECK_MSG(n == 3, "%d page dictionaries, not 3", n);
    if (n == 3) {
        snprintf(dest, sizeof dest, "/Dest [%d 0 R /FitH 500]", ids[2]);
        CHECK_MSG(count((const char *)pdf.data, pdf.len, dest) == 1, "no link to the third page (%s)", dest);
        snprintf(dest, sizeof dest, "/Dest [%d 0 R /FitH 400]", ids[2]);
        CHECK_MSG(count((const char *)pdf.data, pdf.len, dest) == 1, "the link past the end is not to the last page");
    }
    CHECK(count((const char *)pdf.data, pdf.len, "/Contents [") == 3);
    CHECK(count((const char *)pdf.data, pdf.len, "/Resources") == 1);
    CHECK(count((const char *)pdf.data, pdf.len, "/MediaBox") == 1);
    CHECK(pdf.len > 6 && memcmp(pdf.data + pdf.len - 7, "%%EOF", 5) == 0);
    buf_free(&pdf);
    fclose(f);
    display_free(&d);
}

int main(void) {
    struct fontset *fs;
    struct rc_err err;
    if (fontset_load("fonts/fonts.manifest", &fs, &err) != RC_OK) {
        printf("FAIL fonts: %s\n", err.msg);
        return 1;
    }
    test_links_restart(fs);
    fontset_free(fs);
    return CHECK_DONE();
}

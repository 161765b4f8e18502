/*
** test_layout_text.c: text from a script through markup, paragraphs and
** footnotes to the display list, without Lua (issue 9):
**
**   - unclosed inline markup in a paragraph or in a footnote is an RC_DATA
**     error naming the cause and the script line, and nothing it leaves
**     behind is freed uninitialised (run under ASan by make check-asan);
**   - a 400-character heading reaches the page and the outline whole;
**   - a 4,000-character footnote reaches the foot of the page whole;
**   - twenty footnotes marked on one line are all set;
**   - a footnote taller than a page continues at the foot of the next
**     pages, whole and in order, every line inside its page, and the notes
**     after it follow it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/base/buf.h"
#include "../../src/display/display.h"
#include "../../src/doc/doc.h"
#include "../../src/font/fontset.h"
#include "../../src/layout/layout.h"

#define WHERE "brief.lua:7"

/* Lay out one paragraph (or a heading when level > 0). */
static int lay_out(struct fontset *fs, int level, const char *text, struct display *d,
                   struct rc_err *err) {
    struct doc *doc = doc_new();
    int rc;
    if (level > 0) doc_add_heading(doc, level, text, WHERE);
    else doc_add_paragraph(doc, text, WHERE);
    display_init(d);
    rc = layout_document(doc, fs, d, err);
    doc_free(doc);
    return rc;
}

/* The characters of every run of `role`, in order, without white space. */
static void text_of(const struct display *d, enum dl_role role, struct buf *out) {
    size_t p, t;
    buf_init(out);
    for (p = 0; p < d->npages; p++) {
        const struct dl_page *page = &d->pages[p];
        for (t = 0; t < page->ntexts; t++) {
            const struct dl_text *run = &page->texts[t];
            if (run->role != role) continue;
            display_text_utf8(page, run, out);   /* each cluster's characters */
        }
    }
    buf_putc(out, '\0');
}

static void squeeze(const char *s, struct buf *out) {
    buf_init(out);
    for (; *s; s++) if (*s != ' ') buf_putc(out, *s);
    buf_putc(out, '\0');
}

static void check_unclosed(struct fontset *fs) {
    static const struct { const char *text, *cause; } cases[] = {
        { "未闭合 **加粗", "unclosed **" },
        { "代码 ` 未闭合", "unclosed `" },
        { "脚注 ^[ 未闭合", "unclosed footnote" },
        { "链接 [t] 未闭合", "a link needs the form" },
        { "强调 * 未闭合", "unclosed *" },
        { "正文^[注释 **未闭合]", "unclosed **" },      /* inside a footnote */
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct display d;
        struct rc_err err = {0};
        int rc = lay_out(fs, 0, cases[i].text, &d, &err);
        CHECK_MSG(rc == RC_DATA, "'%s': rc %d, want RC_DATA", cases[i].text, rc);
        CHECK_MSG(strncmp(err.msg, WHERE ": ", strlen(WHERE) + 2) == 0 && strstr(err.msg, cases[i].cause),
                  "'%s': message '%s' lacks '%s: ' or '%s'", cases[i].text, err.msg, WHERE,
                  cases[i].cause);
        display_free(&d);
    }
}

static void check_long_heading(struct fontset *fs) {
    struct display d;
    struct rc_err err = {0};
    struct buf text, label, set;
    int i, rc;
    buf_init(&text);
    for (i = 0; i < 399; i++) buf_puts(&text, "长");
    buf_puts(&text, "尾");
    buf_putc(&text, '\0');
    buf_init(&label);
    buf_puts(&label, "一、");
    buf_puts(&label, (const char *)text.data);
    buf_putc(&label, '\0');
    rc = lay_out(fs, 1, (const char *)text.data, &d, &err);
    CHECK_MSG(rc == RC_OK, "400-character heading: %s", err.msg);
    CHECK_MSG(d.noutlines == 1 && strcmp(d.outlines[0].title, (const char *)label.data) == 0,
              "the outline entry is not the whole heading (%zu bytes of %zu)",
              d.noutlines ? strlen(d.outlines[0].title) : 0, label.len - 1);
    text_of(&d, DL_HEADING, &set);
    CHECK_MSG(strcmp((const char *)set.data, (const char *)label.data) == 0,
              "the page shows %zu bytes of the %zu-byte heading", set.len - 1, label.len - 1);
    buf_free(&text); buf_free(&label); buf_free(&set);
    display_free(&d);
}

static void check_long_footnote(struct fontset *fs) {
    struct display d;
    struct rc_err err = {0};
    struct buf note, para, want, set;
    int i, rc;
    buf_init(&note);
    for (i = 0; i < 664; i++) buf_printf(&note, "n%04d ", i);
    buf_puts(&note, "脚注末尾");               /* 3,988 characters, ending in three-byte ones */
    buf_putc(&note, '\0');
    buf_init(&para);
    buf_printf(&para, "正文^[%s]", (const char *)note.data);
    buf_putc(&para, '\0');
    rc = lay_out(fs, 0, (const char *)para.data, &d, &err);
    CHECK_MSG(rc == RC_OK, "4,000-character footnote: %s", err.msg);
    buf_free(&para);
    buf_init(&para);
    buf_printf(&para, "1%s", (const char *)note.data);
    buf_putc(&para, '\0');
    squeeze((const char *)para.data, &want);
    text_of(&d, DL_NOTE, &set);
    CHECK_MSG(strcmp((const char *)set.data, (const char *)want.data) == 0,
              "the foot of the page shows %zu bytes of the %zu-byte footnote", set.len - 1, want.len - 1);
    buf_free(&note); buf_free(&para); buf_free(&want); buf_free(&set);
    display_free(&d);
}

static void check_many_notes(struct fontset *fs) {
    struct display d;
    struct rc_err err = {0};
    struct buf para, set;
    int i, rc, all = 1;
    buf_init(&para);
    buf_puts(&para, "注");
    for (i = 1; i <= 20; i++) buf_printf(&para, "^[注%c%c]", 'A' + i / 10, 'A' + i % 10);
    buf_putc(&para, '\0');
    rc = lay_out(fs, 0, (const char *)para.data, &d, &err);
    CHECK_MSG(rc == RC_OK, "twenty notes on a line: %s", err.msg);
    text_of(&d, DL_NOTE, &set);
    for (i = 1; i <= 20; i++) {
        char want[32];
        snprintf(want, sizeof want, "%d注%c%c", i, 'A' + i / 10, 'A' + i % 10);
        if (strstr((const char *)set.data, want) == NULL) {
            all = 0;
            printf("note %d missing from the foot of the page\n", i);
        }
    }
    CHECK(all);
    buf_free(&para); buf_free(&set);
    display_free(&d);
}

static void check_note_taller_than_page(struct fontset *fs) {
    struct display d;
    struct rc_err err = {0};
    struct buf para, want, set;
    size_t p, t, pages_with_notes = 0;
    int i, rc, inside = 1;
    buf_init(&para);
    buf_puts(&para, "正文^[");
    for (i = 0; i < 12000; i++) buf_puts(&para, i % 100 == 99 ? "尾" : "注");   /* about 3 pages */
    buf_puts(&para, "]之后^[第二个]");
    buf_putc(&para, '\0');
    rc = lay_out(fs, 0, (const char *)para.data, &d, &err);
    CHECK_MSG(rc == RC_OK, "a footnote taller than a page: %s", err.msg);
    buf_init(&want);
    buf_puts(&want, "1");
    for (i = 0; i < 12000; i++) buf_puts(&want, i % 100 == 99 ? "尾" : "注");
    buf_puts(&want, "2第二个");
    buf_putc(&want, '\0');
    text_of(&d, DL_NOTE, &set);
    CHECK_MSG(strcmp((const char *)set.data, (const char *)want.data) == 0,
              "the continued notes show %zu bytes of %zu", set.len - 1, want.len - 1);
    for (p = 0; p < d.npages; p++) {
        int notes = 0;
        for (t = 0; t < d.pages[p].ntexts; t++) {
            const struct dl_text *run = &d.pages[p].texts[t];
            if (run->role != DL_NOTE) continue;
            notes = 1;
            if (run->y < 0 || run->y + run->size > d.pages[p].height) inside = 0;
        }
        pages_with_notes += (size_t)notes;
    }
    CHECK_MSG(pages_with_notes >= 3, "the note continues over %zu pages, want 3 or more", pages_with_notes);
    CHECK_MSG(inside, "a note line lies outside its page");
    buf_free(&para); buf_free(&want); buf_free(&set);
    display_free(&d);
}

int main(void) {
    struct fontset *fs;
    struct rc_err err = {0};
    if (fontset_load("fonts/fonts.manifest", &fs, &err) != RC_OK) {
        printf("FAIL cannot load fonts: %s\n", err.msg);
        check_failed++;
        return CHECK_DONE();
    }
    check_unclosed(fs);
    check_long_heading(fs);
    check_long_footnote(fs);
    check_many_notes(fs);
    check_note_taller_than_page(fs);
    fontset_free(fs);
    return CHECK_DONE();
}

/*
** layout.c: the block loop (headings, paragraphs, page breaks, tables) and
** the page furniture (running header, "第 N 页 / 共 M 页" footer).
**
** Furniture is drawn after the body, when the page count is known, so the
** total needs no second pass.
*/
#include <stdio.h>
#include <string.h>
#include "layout.h"
#include "page.h"

static const struct dl_color RULE_GREY = { 0.35f, 0.35f, 0.35f };

void layout_new_page(struct layout *L) {
    const struct doc_theme *t = L->theme;
    L->page = display_add_page(L->dl, t->page_width, t->page_height);
    L->y = L->top;
    L->at_top = 1;
}

void layout_need(struct layout *L, float h) {
    if (L->y - h < L->bottom - 0.01f && !L->at_top) layout_new_page(L);
}

float layout_baseline(float size, float line_h) {
    /* Centre the em box in the line box; 0.88 em of it is above the
    ** baseline in the CJK faces we use (ideographic em box, 0.12 below). */
    return (line_h - size) / 2 + size * 0.88f;
}

int layout_shape(struct layout *L, struct para *p, int family, float size,
                 const char *text, const char *where) {
    int rc = para_shape(p, L->fs, family, size, text, L->err);
    if (rc != RC_OK && where) {
        char msg[sizeof L->err->msg];
        snprintf(msg, sizeof msg, "%.200s: %.800s", where, L->err->msg);
        memcpy(L->err->msg, msg, sizeof msg);
    }
    return rc;
}

/* Lines of a paragraph, placed one by one, breaking pages between lines. */
static void place_lines(struct layout *L, const struct para *p, float line_h,
                        enum doc_align align, enum dl_role role, int bold) {
    size_t i;
    for (i = 0; i < p->nlines; i++) {
        layout_need(L, line_h);
        para_draw_line(p, i, L->page, L->left, L->y - layout_baseline(p->size, line_h),
                       L->width, align, role, bold);
        L->y -= line_h;
        L->at_top = 0;
    }
}

static int layout_heading(struct layout *L, const struct doc_block *b) {
    const struct doc_theme *t = L->theme;
    int lvl = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
    float size = t->heading_size[lvl - 1];
    float line_h = size * 1.5f, before = L->at_top ? 0 : size * (lvl == 1 ? 1.2f : 0.8f);
    float body_line = t->body_size * t->leading;
    struct para p;
    int rc = layout_shape(L, &p, L->heading_family, size, b->text, b->where);
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, 0);
    /* Keep with next: the heading and two body lines share a page. */
    layout_need(L, before + (float)p.nlines * line_h + 2 * body_line);
    if (!L->at_top) L->y -= before;
    display_add_outline(L->dl, lvl, b->text, (int)L->dl->npages - 1, L->y);
    place_lines(L, &p, line_h, DOC_LEFT, DL_HEADING, 0);
    L->y -= size * 0.3f;
    para_free(&p);
    return RC_OK;
}

static int layout_paragraph(struct layout *L, const struct doc_block *b) {
    const struct doc_theme *t = L->theme;
    struct para p;
    int rc = layout_shape(L, &p, L->body_family, t->body_size, b->text, b->where);
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, t->indent * t->body_size);
    place_lines(L, &p, t->body_size * t->leading, DOC_JUSTIFY, DL_BODY, 0);
    L->y -= t->para_space;
    para_free(&p);
    return RC_OK;
}

/* One line of furniture text centred or right-aligned at baseline y. */
static int furniture_line(struct layout *L, struct dl_page *page, const char *text,
                          float size, float y, enum doc_align align, enum dl_role role) {
    struct para p;
    int rc = layout_shape(L, &p, L->heading_family, size, text, "page furniture");
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, 0);
    if (p.nlines) para_draw_line(&p, 0, page, L->left, y, L->width, align, role, 0);
    para_free(&p);
    return RC_OK;
}

static int draw_furniture(struct layout *L) {
    const struct doc_theme *t = L->theme;
    const char *header = L->doc->header ? L->doc->header : L->doc->title;
    size_t i, n = L->dl->npages;
    char footer[64];
    int rc;
    for (i = 0; i < n; i++) {
        struct dl_page *page = &L->dl->pages[i];
        float rule_y = t->page_height - t->margin_top + 10;
        if (header && *header) {
            rc = furniture_line(L, page, header, 9, rule_y + 4, DOC_RIGHT, DL_HEADER);
            if (rc != RC_OK) return rc;
            display_add_line(page, DL_RULE, L->left, rule_y, L->left + L->width, rule_y,
                             0.5f, RULE_GREY);
        }
        snprintf(footer, sizeof footer, "第 %zu 页 / 共 %zu 页", i + 1, n);
        rc = furniture_line(L, page, footer, 9, t->margin_bottom - 28, DOC_CENTER, DL_FOOTER);
        if (rc != RC_OK) return rc;
    }
    return RC_OK;
}

static int family_or_fail(struct layout *L, const char *name, int *out) {
    *out = fontset_family(L->fs, name);
    if (*out < 0)
        return rc_fail(L->err, RC_FONT, "theme names font family '%s', which the font manifest lacks", name);
    return RC_OK;
}

int layout_document(const struct doc *doc, struct fontset *fs,
                    struct display *out, struct rc_err *err) {
    struct layout L;
    const struct doc_theme *t = &doc->theme;
    size_t i;
    int rc = RC_OK;
    memset(&L, 0, sizeof L);
    L.doc = doc; L.theme = t; L.fs = fs; L.dl = out; L.err = err;
    L.top = t->page_height - t->margin_top;
    L.bottom = t->margin_bottom;
    L.left = t->margin_left;
    L.width = t->page_width - t->margin_left - t->margin_right;
    if ((rc = family_or_fail(&L, t->body_family, &L.body_family)) != RC_OK ||
        (rc = family_or_fail(&L, t->heading_family, &L.heading_family)) != RC_OK ||
        (rc = family_or_fail(&L, t->table_family, &L.table_family)) != RC_OK)
        return rc;
    layout_new_page(&L);
    for (i = 0; i < doc->nblocks && rc == RC_OK; i++) {
        const struct doc_block *b = &doc->blocks[i];
        switch (b->kind) {
        case DOC_HEADING:   rc = layout_heading(&L, b); break;
        case DOC_PARAGRAPH: rc = layout_paragraph(&L, b); break;
        case DOC_TABLE:     rc = layout_table(&L, b); break;
        case DOC_CHART:     rc = layout_chart(&L, b); break;
        case DOC_PAGEBREAK: if (!L.at_top) layout_new_page(&L); break;
        }
    }
    if (rc == RC_OK) rc = draw_furniture(&L);
    return rc;
}

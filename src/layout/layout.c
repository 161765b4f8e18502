/*
** layout.c: the block loop and the page builder: headings (numbered by the
** theme, kept with what follows), paragraphs (inline markup, footnotes at
** the foot of their page, continued on the next when too long for the
** room there; at least two lines on each side of a page break), cover,
** contents page, images, page breaks (figures and tables that wait for
** the next page: float.c, set by layout_new_page); and the page
** furniture (running header, "第 N 页 / 共 M 页" footer, roman numbers on
** front matter).
**
** Each page goes to the display's sink (the PDF writer) as soon as it is
** finished, with its furniture; only what the whole document needs stays.
** Contents pages need the pages headings land on, which only a finished
** layout knows: a first pass only measures (nothing is drawn for anyone),
** the next one writes with the pages of the first, and if the pages still
** moved the writer starts again, until they stop changing (the contents
** page has the same size in every pass, so the second pass settles it).
** A band that shows the page count ({pages}) cannot be drawn before the
** last page: it is drawn over each page afterwards (display_overlay).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layout.h"
#include "marks.h"
#include "notes.h"
#include "page.h"
#include "../base/buf.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../text/markup.h"

static const struct dl_color RULE_GREY = { 0.35f, 0.35f, 0.35f };

/* ---- pages ------------------------------------------------------------------- */

float layout_baseline(float size, float line_h) {
    /* Centre the em box in the line box; 0.88 em of it is above the
    ** baseline in the CJK faces we use (ideographic em box, 0.12 below). */
    return (line_h - size) / 2 + size * 0.88f;
}

static float note_line_height(const struct layout *L) { return L->theme->note_size * 1.45f; }

static float note_height(const struct layout *L, const struct para *p) {
    return (float)p->nlines * note_line_height(L);
}

#define NOTE_RULE_GAP 8.0f

static void push_note(struct layout_note **list, size_t *n, size_t *cap, struct layout_note note) {
    if (*n == *cap) {
        *cap = *cap ? mem_mul(*cap, 2) : 4;
        *list = xreallocarray(*list, *cap, sizeof **list, "footnotes of a page");
    }
    (*list)[(*n)++] = note;
}

/* Where the body must end above the page's notes. */
static void notes_bottom(struct layout *L) {
    size_t i;
    L->bottom = L->page_bottom;
    if (L->nnotes) L->bottom += NOTE_RULE_GAP;
    for (i = 0; i < L->nnotes; i++)
        L->bottom += (float)(L->notes[i].end - L->notes[i].first) * note_line_height(L);
}

/* Keep the page's notes below `limit` (a y): the lines that do not fit
** continue at the foot of the next page, ahead of anything already
** continued there.  A note is cut between its lines, never fewer than one
** line on a page, so every page makes progress. */
static void continue_notes(struct layout *L, float limit) {
    float room = limit - L->page_bottom - NOTE_RULE_GAP, nlh = note_line_height(L), used = 0;
    struct layout_note *tail = NULL;
    size_t i, k, ntail = 0, captail = 0;
    for (i = 0; i < L->nnotes; i++) {
        struct layout_note *n = &L->notes[i];
        size_t lines = n->end - n->first;
        if (used + (float)lines * nlh <= room + 0.01f) { used += (float)lines * nlh; continue; }
        k = room > used ? (size_t)((room - used + 0.01f) / nlh) : 0;
        if (k == 0 && i == 0) k = 1;
        if (k < lines)
            push_note(&tail, &ntail, &captail, (struct layout_note){ n->para, n->first + k, n->end });
        n->end = n->first + k;
        for (k = i + 1; k < L->nnotes; k++) push_note(&tail, &ntail, &captail, L->notes[k]);
        L->nnotes = L->notes[i].end > L->notes[i].first ? i + 1 : i;
        break;
    }
    for (i = 0; i < L->ncarry; i++) push_note(&tail, &ntail, &captail, L->carry[i]);
    if (ntail) {
        free(L->carry);
        L->carry = tail;
        L->ncarry = ntail;
        L->capcarry = captail;
    }
    notes_bottom(L);
}

/* The footnotes of the page at its foot, under a short rule. */
static void finish_page(struct layout *L) {
    float y, lh = note_line_height(L);
    size_t i, k;
    if (L->nnotes == 0) return;
    y = L->bottom - NOTE_RULE_GAP / 2;     /* L->bottom sits above the notes */
    display_add_line(L->page, DL_RULE, L->left, y, L->left + L->width * 0.25f, y, 0.5f, RULE_GREY);
    y -= NOTE_RULE_GAP / 2;
    for (i = 0; i < L->nnotes; i++) {
        const struct para *p = &L->note_paras[L->notes[i].para];
        for (k = L->notes[i].first; k < L->notes[i].end; k++) {
            para_draw_line(p, k, L->page, L->left + L->note_hang, y - layout_baseline(p->size, lh),
                           L->width - L->note_hang, DOC_JUSTIFY, DL_NOTE, 0);
            y -= lh;
        }
    }
    L->nnotes = 0;
}

static void page_done(struct layout *L);

static void add_page(struct layout *L) {
    const struct doc_theme *t = L->theme;
    if (L->page) {
        finish_page(L);
        page_done(L);
    }
    L->page = display_add_page(L->dl, t->page_width, t->page_height);
    L->page->kind = L->page_kind;
    if (L->page_kind == DL_PAGE_BODY && L->dl->body_start < 0)
        L->dl->body_start = (int)L->dl->npages - 1;
    L->y = L->top;
    L->bottom = L->page_bottom;
    L->at_top = 1;
    L->fresh_page = 0;
    free(L->page_note);        /* 同上 never reaches back to another page */
    L->page_note = NULL;
}

/* A new page; notes continued from the last one go first at its foot,
** leaving a body line free (pages of notes alone until they do). */
void layout_new_page(struct layout *L) {
    float body_line = L->theme->body_size * L->theme->leading;
    add_page(L);
    while (L->ncarry) {
        struct layout_note *carried = L->carry;
        size_t i, n = L->ncarry;
        L->carry = NULL;
        L->ncarry = L->capcarry = 0;
        for (i = 0; i < n; i++) push_note(&L->notes, &L->nnotes, &L->capnotes, carried[i]);
        free(carried);
        continue_notes(L, L->top - body_line);
        if (L->ncarry == 0) break;
        add_page(L);
    }
    floats_page_top(L);       /* figures that waited for this page go first */
}

/* Again when floats set at the top of the new page leave too little room. */
void layout_need(struct layout *L, float h) {
    while (L->y - h < L->bottom - 0.01f && !L->at_top) layout_new_page(L);
}

int layout_shape(struct layout *L, struct para *p, int family, float size,
                 const char *text, const char *where) {
    struct para_style st = { family, size, 0, 0, -1, 0, 0 };
    int rc;
    para_init(p);
    p->punct = para_punct_named(L->theme->punctuation);
    p->fit = para_fit_named(L->theme->linebreak);
    para_add(p, &st, text, NULL);
    rc = para_finish(p, L->fs, L->err);
    if (rc != RC_OK && where) {
        char msg[sizeof L->err->msg];
        memcpy(msg, L->err->msg, sizeof msg);
        rc_fail(L->err, L->err->code, "%s: %s", where, msg);   /* cut at a character */
    }
    return rc;
}

int layout_caption(struct layout *L, const char *text, float size, enum doc_align align,
                   enum dl_role role, const char *where) {
    struct para p;
    size_t i;
    float lh = size * 1.5f;
    int rc = layout_shape(L, &p, L->heading_family, size, text, where);
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, 0);
    for (i = 0; i < p.nlines; i++) {
        layout_need(L, lh);
        para_draw_line(&p, i, L->page, L->left, L->y - layout_baseline(size, lh),
                       L->width, align, role, 0);
        L->y -= lh;
        L->at_top = 0;
    }
    para_free(&p);
    return RC_OK;
}

int layout_caption_height(struct layout *L, const char *text, float size, float *h,
                          const char *where) {
    struct para p;
    int rc = layout_shape(L, &p, L->heading_family, size, text, where);
    *h = 0;
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, 0);
    *h = (float)p.nlines * size * 1.5f;
    para_free(&p);
    return RC_OK;
}

static struct dl_color ink(struct doc_color c) {
    struct dl_color d = { c.r, c.g, c.b };
    return d;
}

/* "图 3　caption" (or 表): an em space (U+3000, which white-space folding
** keeps) after the number, as Chinese captions set it. */
static void numbered_text(struct buf *b, const char *prefix, int number, const char *caption) {
    buf_init(b);
    buf_printf(b, "%s %d\xe3\x80\x80", prefix, number);
    buf_puts(b, caption);
    buf_putc(b, '\0');
}

/* The numbered caption under a figure or over a table, in full. */
int layout_numbered_caption(struct layout *L, const char *prefix, int number, const char *caption,
                            const char *where) {
    struct buf b;
    int rc;
    numbered_text(&b, prefix, number, caption);
    rc = layout_caption(L, (const char *)b.data, 10, DOC_CENTER, DL_CAPTION, where);
    buf_free(&b);
    return rc;
}

int layout_numbered_caption_height(struct layout *L, const char *prefix, int number,
                                   const char *caption, float *h, const char *where) {
    struct buf b;
    int rc;
    numbered_text(&b, prefix, number, caption);
    rc = layout_caption_height(L, (const char *)b.data, 10, h, where);
    buf_free(&b);
    return rc;
}

/* Prefix `msg` (which may be L->err->msg itself) with the script line. */
static int fail_at(struct layout *L, int code, const char *where, const char *msg) {
    char copy[sizeof L->err->msg];
    snprintf(copy, sizeof copy, "%s", msg);
    return rc_fail(L->err, code, "%s: %s", where ? where : "?", copy);
}

/* ---- paragraphs with markup and footnotes ---------------------------------------- */

struct notes_text { char **text; size_t n; int first; };  /* note numbers first.. */

/* Build a paragraph from marked-up text: bold, emphasis (heading family),
** code (mono), links, and footnote markers numbered for the document.
** `hyphenate`: body text and notes, not headings. */
static int shape_markup(struct layout *L, struct para *p, const char *text, float size,
                        int family, int hyphenate, struct notes_text *notes, const char *where) {
    struct markup m;
    char err[256];
    size_t i;
    int rc, mono = fontset_family(L->fs, "mono");
    para_init(p);       /* the caller frees p whatever happens here */
    p->punct = para_punct_named(L->theme->punctuation);
    p->fit = para_fit_named(L->theme->linebreak);
    p->hyphenate = hyphenate;
    if (markup_parse(text, &m, err, sizeof err) != 0) return fail_at(L, RC_DATA, where, err);
    notes->first = L->note_count + 1;
    for (i = 0; i < m.nruns; i++) {
        const struct markup_run *r = &m.runs[i];
        struct para_style st = { family, size, 0, 0, -1, 0, 0 };
        if (r->style & MK_BOLD) st.bold = 1;
        if (r->style & MK_EMPH) st.family = L->heading_family;
        if ((r->style & MK_CODE) && mono >= 0) st.family = mono;
        if (r->note) {
            char num[16];
            snprintf(num, sizeof num, "%d", ++L->note_count);
            st.size = size * 0.6f;
            st.rise = size * 0.38f;
            st.note = L->note_count;
            notes->text = xreallocarray(notes->text, mem_add(notes->n, 1), sizeof *notes->text, "footnotes");
            notes->text[notes->n++] = xstrdup(r->note, "a footnote");
            para_add(p, &st, num, NULL);
        } else {
            para_add(p, &st, r->text, r->url);
        }
    }
    markup_free(&m);
    rc = para_finish(p, L->fs, L->err);
    if (rc != RC_OK) return fail_at(L, rc, where, L->err->msg);
    p->color = ink(family == L->heading_family && size > L->theme->body_size
                   ? L->theme->heading_color : L->theme->text_color);
    p->link_color = ink(L->theme->link_color);
    return RC_OK;
}

static void notes_free(struct notes_text *n) {
    size_t i;
    for (i = 0; i < n->n; i++) free(n->text[i]);
    free(n->text);
}

/* Shape the notes line `i` marks, to be set at this page's foot: *out
** (allocated, *nout paragraphs; the caller frees both) is NULL when the
** line marks none.  *prev is the text of the note before them on the page
** (NULL: none), and becomes the last of theirs; prev NULL: no note is
** shortened to 同上. */
static int line_notes(struct layout *L, const struct para *p, size_t i,
                      const struct notes_text *nt, struct para **out, size_t *nout,
                      const char **prev, const char *where) {
    size_t k, n = para_line_notes(p, i, NULL, 0);
    int *nums;
    *out = NULL;
    *nout = 0;
    if (n == 0) return RC_OK;
    nums = xcalloc(n, sizeof *nums, "footnote numbers");
    para_line_notes(p, i, nums, n);
    *out = xcalloc(n, sizeof **out, "footnotes of a line");
    for (k = 0; k < n; k++) {
        size_t idx = (size_t)(nums[k] - nt->first);
        struct notes_text none = { NULL, 0, 0 };
        struct para *np;
        struct buf text;
        size_t ndigits;
        int rc;
        if (nums[k] < nt->first || idx >= nt->n) continue;   /* not this paragraph's */
        np = &(*out)[(*nout)++];
        buf_init(&text);
        buf_printf(&text, "%d", nums[k]);
        ndigits = text.len;
        buf_puts(&text, prev ? notes_text(L->doc, nt->text[idx], *prev) : nt->text[idx]);
        buf_putc(&text, '\0');
        if (prev) *prev = nt->text[idx];
        rc = shape_markup(L, np, (const char *)text.data, L->theme->note_size, L->body_family,
                          1, &none, where);
        buf_free(&text);
        notes_free(&none);
        if (rc != RC_OK) { free(nums); return rc; }
        notes_break_hung(np, ndigits, L->note_hang, L->width);
    }
    free(nums);
    return RC_OK;
}

/* The text of the last note at this page's foot (NULL: none yet, or the
** notes continue on the next page): a repeat of it may read 同上. */
static void set_page_note(struct layout *L, const char *text) {
    char *copy = text ? xstrdup(text, "a footnote") : NULL;
    free(L->page_note);
    L->page_note = copy;
}

static void free_notes(struct para *ps, size_t n) {
    size_t k;
    for (k = 0; k < n; k++) para_free(&ps[k]);
    free(ps);
}

/* Take the paragraphs over: at this page's foot, or after the notes
** already continued to the next page when this one's foot is full. */
static void keep_notes(struct layout *L, struct para *ps, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        struct layout_note note;
        if (L->nnote_paras == L->capnote_paras) {
            L->capnote_paras = L->capnote_paras ? mem_mul(L->capnote_paras, 2) : 8;
            L->note_paras = xreallocarray(L->note_paras, L->capnote_paras, sizeof *L->note_paras,
                                          "footnotes");
        }
        L->note_paras[L->nnote_paras] = ps[i];
        note = (struct layout_note){ L->nnote_paras++, 0, ps[i].nlines };
        if (L->ncarry) push_note(&L->carry, &L->ncarry, &L->capcarry, note);
        else push_note(&L->notes, &L->nnotes, &L->capnotes, note);
    }
    notes_bottom(L);
}

/* Lines from `first` on that fit on the current page, with their notes. */
static size_t lines_that_fit(struct layout *L, const struct para *p, size_t first, float lh,
                             const struct notes_text *nt, const char *where, int *rc) {
    float y = L->y, bottom = L->bottom;
    size_t i;
    int had_notes = L->nnotes > 0, continued = L->ncarry > 0;
    const char *prev = L->page_note;
    *rc = RC_OK;
    for (i = first; i < p->nlines; i++) {
        struct para *ps;
        size_t n, k;
        *rc = line_notes(L, p, i, nt, &ps, &n, continued ? NULL : &prev, where);
        for (k = 0; k < n && *rc == RC_OK && !continued; k++) {
            if (!had_notes) { bottom += NOTE_RULE_GAP; had_notes = 1; }
            bottom += note_height(L, &ps[k]);
        }
        free_notes(ps, n);
        if (*rc != RC_OK) return 0;
        if (y - lh < bottom - 0.01f) break;
        y -= lh;
    }
    return i - first;
}

/* Would the notes `ps` not all fit at this page's foot under a line `lh` tall? */
static int notes_overflow(const struct layout *L, const struct para *ps, size_t n, float lh) {
    float bottom = L->bottom + (L->nnotes ? 0 : NOTE_RULE_GAP);
    size_t k;
    for (k = 0; k < n; k++) bottom += note_height(L, &ps[k]);
    return L->y - lh < bottom - 0.01f;
}

static int place_line(struct layout *L, const struct para *p, size_t i, float lh,
                      enum doc_align align, enum dl_role role, const struct notes_text *nt,
                      const char *where) {
    struct para *ps;
    size_t n;
    const char *prev = L->page_note;
    int rc = line_notes(L, p, i, nt, &ps, &n, L->ncarry ? NULL : &prev, where);
    if (rc == RC_OK && n && notes_overflow(L, ps, n, lh)) {
        /* Some of them will continue on the next page: none may read 同上,
        ** whose note might stay behind on this one. */
        free_notes(ps, n);
        rc = line_notes(L, p, i, nt, &ps, &n, NULL, where);
    }
    if (rc != RC_OK) { free_notes(ps, n); return rc; }
    keep_notes(L, ps, n);      /* the paragraphs move to L->note_paras */
    free(ps);
    /* Notes taller than the room under this line continue on the next page. */
    if (n && L->y - lh < L->bottom - 0.01f) continue_notes(L, L->y - lh);
    if (n) set_page_note(L, L->ncarry ? NULL : prev);
    para_draw_line(p, i, L->page, L->left, L->y - layout_baseline(p->size, lh), L->width,
                   align, role, 0);
    L->y -= lh;
    L->at_top = 0;
    return RC_OK;
}

/* Lines placed page by page, never leaving a single line of a paragraph
** at the foot of a page (orphan) or at the head of the next (widow). */
static int place_lines(struct layout *L, const struct para *p, float lh, enum doc_align align,
                       enum dl_role role, const struct notes_text *nt, const char *where) {
    size_t i = 0, k, left;
    int rc;
    while (i < p->nlines) {
        left = p->nlines - i;
        k = lines_that_fit(L, p, i, lh, nt, where, &rc);
        if (rc != RC_OK) return rc;
        if (k < left) {
            if (left - k < 2) k = left >= 2 ? left - 2 : 0;   /* widow */
            if (i == 0 && k < 2) k = 0;                       /* orphan */
            if (k == 0 && L->at_top) k = 1;  /* a page cannot hold two lines: set one */
        } else {
            k = left;
        }
        for (; k > 0; k--, i++)
            if ((rc = place_line(L, p, i, lh, align, role, nt, where)) != RC_OK) return rc;
        if (i < p->nlines) layout_new_page(L);
    }
    return RC_OK;
}

static int layout_paragraph(struct layout *L, const struct doc_block *b) {
    const struct doc_theme *t = L->theme;
    struct notes_text nt = { NULL, 0, 0 };
    struct para p;
    int rc = shape_markup(L, &p, b->text, t->body_size, L->body_family, 1, &nt, b->where);
    if (rc == RC_OK) {
        para_break(&p, L->width, t->indent * t->body_size);
        rc = place_lines(L, &p, t->body_size * t->leading, DOC_JUSTIFY, DL_BODY, &nt, b->where);
        L->y -= t->para_space;
    }
    para_free(&p);
    notes_free(&nt);
    return rc;
}

/* ---- headings ------------------------------------------------------------------------ */

static void chinese_numeral(int n, char *out, size_t size) {
    static const char *const d[] = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
    if (n < 10) snprintf(out, size, "%s", d[n]);
    else if (n < 20) snprintf(out, size, "十%s", n % 10 ? d[n % 10] : "");
    else if (n < 100) snprintf(out, size, "%s十%s", d[n / 10], n % 10 ? d[n % 10] : "");
    else snprintf(out, size, "%d", n);
}

/* The theme's pattern for a level with its number in: "（一）" -> "（三）".
** The first 一 or 1 in the pattern marks the number and its style. */
static void heading_number(const char *pattern, int n, char *out, size_t size) {
    const char *han = strstr(pattern, "一"), *digit = strchr(pattern, '1');
    char num[32];
    const char *at;
    size_t mark;
    if (han && (!digit || han < digit)) { at = han; mark = strlen("一"); chinese_numeral(n, num, sizeof num); }
    else if (digit) { at = digit; mark = 1; snprintf(num, sizeof num, "%d", n); }
    else { snprintf(out, size, "%s", pattern); return; }
    snprintf(out, size, "%.*s%s%s", (int)(at - pattern), pattern, num, at + mark);
}

/* A heading's label as text: its markup resolved (escapes, emphasis). */
static char *plain_label(const char *label) {
    struct markup m;
    struct buf b;
    char err[128];
    size_t i;
    if (markup_parse(label, &m, err, sizeof err) != 0) return xstrdup(label, "section title");
    buf_init(&b);
    for (i = 0; i < m.nruns; i++) buf_puts(&b, m.runs[i].text);
    buf_putc(&b, '\0');
    markup_free(&m);
    return (char *)b.data;
}

/* Count the heading and write its label, e.g. "二、总体格局". */
static char *heading_label(const struct doc_theme *t, int *numbers, int level, const char *text) {
    char num[64];      /* the theme's pattern (at most 31 bytes) and a number */
    struct buf b;
    int k;
    numbers[level - 1]++;
    for (k = level; k < 4; k++) numbers[k] = 0;
    buf_init(&b);
    if (t->heading_numbers[level - 1][0] != '\0') {
        heading_number(t->heading_numbers[level - 1], numbers[level - 1], num, sizeof num);
        buf_puts(&b, num);
    }
    buf_puts(&b, text);
    buf_putc(&b, '\0');
    return (char *)b.data;
}

void layout_headings_free(struct layout_heading *h, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) free(h[i].label);
    free(h);
}

static void remember_heading(struct layout *L, int level, const char *label) {
    struct layout_heading *h;
    if (L->nheadings == L->capheadings) {
        L->capheadings = L->capheadings ? mem_mul(L->capheadings, 2) : 16;
        L->headings = xreallocarray(L->headings, L->capheadings, sizeof *L->headings, "headings");
    }
    h = &L->headings[L->nheadings++];
    h->level = level;
    h->label = xstrdup(label, "heading");
    h->page = (int)L->dl->npages - 1;
    h->body_number = (int)L->body_done + (L->page->kind == DL_PAGE_BODY);
    h->y = L->y;
    if (level == 1) L->section = (long)L->nheadings - 1;
}

/* Size, line height and space before of a heading at `level` (0: the title). */
static void heading_metrics(const struct doc_theme *t, int level, float *size, float *line_h,
                            float *before) {
    int lvl = level < 1 ? 1 : level > 4 ? 4 : level;
    *size = level == 0 ? t->heading_size[0] * 1.35f : t->heading_size[lvl - 1];
    *line_h = *size * 1.5f;
    *before = *size * (lvl == 1 ? 1.2f : 0.8f);
}

/* The room the headings right after `b` take, each as one line: a heading
** keeps with the next one ("三、" over "（一）"), so the chain and two body
** lines share a page, not just the last heading of it. */
static float following_headings(const struct layout *L, const struct doc_block *b) {
    const struct doc_block *end = L->doc->blocks + L->doc->nblocks;
    float h = 0, size, line_h, before;
    if (b < L->doc->blocks || b >= end) return 0;
    for (b++; b < end && b->kind == DOC_HEADING && b->level > 0; b++) {
        heading_metrics(L->theme, b->level, &size, &line_h, &before);
        h += before + line_h + size * 0.3f;
    }
    return h;
}

/* Level 0 is the document's title: centred, larger, never numbered. */
static int layout_heading(struct layout *L, const struct doc_block *b) {
    const struct doc_theme *t = L->theme;
    int title = b->level == 0, lvl = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
    float size, line_h, before;
    float body_line = t->body_size * t->leading;
    struct notes_text nt = { NULL, 0, 0 };
    char *label = title ? xstrdup(b->text, "title") : heading_label(t, L->numbers, lvl, b->text);
    struct para p;
    int rc;
    size_t i;
    heading_metrics(t, b->level, &size, &line_h, &before);
    rc = shape_markup(L, &p, label, size, L->heading_family, 0, &nt, b->where);
    if (rc != RC_OK) { para_free(&p); notes_free(&nt); free(label); return rc; }
    para_break(&p, L->width, 0);
    /* Keep with next: the heading, those right after it and two body lines
    ** share a page. */
    layout_need(L, before + (float)p.nlines * line_h + following_headings(L, b) + 2 * body_line);
    if (!L->at_top) L->y -= before;
    {   /* outlines and the contents show the text, not its markup */
        char *plain = plain_label(label);
        display_add_outline(L->dl, lvl, plain, (int)L->dl->npages - 1, L->y);
        free(plain);
    }
    if (!title) remember_heading(L, lvl, label);
    for (i = 0; i < p.nlines && rc == RC_OK; i++)
        rc = place_line(L, &p, i, line_h, title ? DOC_CENTER : DOC_LEFT, DL_HEADING, &nt, b->where);
    L->y -= size * (title ? 0.8f : 0.3f);
    para_free(&p);
    notes_free(&nt);
    free(label);
    return rc;
}

/* ---- cover, contents, images ------------------------------------------------------------ */

static int centred(struct layout *L, const char *text, int family, float size, float y,
                   const char *where) {
    struct para p;
    size_t i;
    int rc;
    if (text == NULL || *text == '\0') return RC_OK;
    if ((rc = layout_shape(L, &p, family, size, text, where)) != RC_OK) return rc;
    para_break(&p, L->width, 0);
    for (i = 0; i < p.nlines; i++)
        para_draw_line(&p, i, L->page, L->left, y - (float)i * size * 1.5f, L->width, DOC_CENTER,
                       DL_HEADING, 0);
    para_free(&p);
    return RC_OK;
}

/* Make the current page, if still empty, or a new one, a page of `kind`. */
static void page_of_kind(struct layout *L, enum dl_page_kind kind) {
    while (L->ncarry) layout_new_page(L);     /* continued notes stay on body pages */
    L->page_kind = kind;
    if (!L->at_top || L->fresh_page || L->nnotes) { layout_new_page(L); return; }
    if (L->dl->body_start == (int)L->dl->npages - 1 && kind != DL_PAGE_BODY) L->dl->body_start = -1;
    L->page->kind = kind;
}

static int layout_cover(struct layout *L, const struct doc_block *b) {
    const struct doc_cover *c = b->cover;
    float h = L->theme->page_height;
    int rc;
    page_of_kind(L, DL_PAGE_COVER);
    if ((rc = centred(L, c->title, L->heading_family, 26, h * 0.62f, b->where)) != RC_OK ||
        (rc = centred(L, c->subtitle, L->heading_family, 16, h * 0.62f - 48, b->where)) != RC_OK ||
        (rc = centred(L, c->org, L->heading_family, 14, h * 0.22f, b->where)) != RC_OK ||
        (rc = centred(L, c->date, L->heading_family, 14, h * 0.22f - 26, b->where)) != RC_OK)
        return rc;
    display_add_line(L->page, DL_RULE, L->left + L->width * 0.2f, h * 0.62f + 40,
                     L->left + L->width * 0.8f, h * 0.62f + 40, 1.2f, RULE_GREY);
    L->at_top = 0;
    L->page_kind = DL_PAGE_BODY;
    L->fresh_page = 1;
    return RC_OK;
}

/* The entries a contents page lists: headings down to `depth`, numbered as
** layout will number them. */
static size_t toc_entries(const struct layout *L, int depth, struct layout_heading *out, size_t max) {
    int numbers[4] = { 0, 0, 0, 0 };
    size_t i, n = 0;
    for (i = 0; i < L->doc->nblocks; i++) {
        const struct doc_block *b = &L->doc->blocks[i];
        int lvl;
        char *label;
        if (b->kind != DOC_HEADING || b->level == 0) continue;
        lvl = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
        label = heading_label(L->theme, numbers, lvl, b->text);
        if (lvl > depth || n == max) { free(label); continue; }
        out[n].level = lvl;
        out[n].label = plain_label(label);
        free(label);
        out[n].page = -1;
        out[n].y = 0;
        n++;
    }
    return n;
}

/* Where heading number `k` (among those the contents page lists) landed in
** the previous pass; -1 in the first pass. */
static const struct layout_heading *known_heading(const struct layout *L, int depth, size_t k) {
    size_t i, seen = 0;
    if (L->known == NULL) return NULL;
    for (i = 0; i < L->nknown; i++) {
        if (L->known[i].level > depth) continue;
        if (seen++ == k) return &L->known[i];
    }
    return NULL;
}

static int toc_entry(struct layout *L, const struct layout_heading *e, const struct layout_heading *at,
                     const char *where) {
    const struct doc_theme *t = L->theme;
    float size = e->level == 1 ? t->body_size + 1 : t->body_size, lh = size * 2.0f;
    float indent = (float)(e->level - 1) * t->body_size * 2, numw = t->body_size * 2.5f, x0, x1, base;
    struct para title, num;
    char page[32];
    size_t i;
    int rc, body = at == NULL ? 0 : L->doc->page.numbering == DOC_NUMBER_PHYSICAL ? at->page + 1
                 : at->body_number;
    snprintf(page, sizeof page, "%d", body > 0 ? body : 0);
    if ((rc = layout_shape(L, &title, e->level == 1 ? L->heading_family : L->body_family, size,
                           e->label, where)) != RC_OK) return rc;
    para_break(&title, L->width - indent - numw - size * 2, 0);
    layout_need(L, lh * (float)title.nlines);
    base = L->y - layout_baseline(size, lh);
    for (i = 0; i < title.nlines; i++) {
        para_draw_line(&title, i, L->page, L->left + indent, base - (float)i * lh,
                       L->width - indent, DOC_LEFT, DL_BODY, 0);
    }
    base -= (float)(title.nlines - 1) * lh;
    /* Dot leaders from the title's end to the page number, on the line's
    ** CJK centre, on one grid for every entry (the same pitch, ending at
    ** the same x). */
    x0 = L->left + indent + title.lines[title.nlines - 1].width + size * 0.5f;
    x1 = L->left + L->width - numw;
    marks_leader(L->page, DL_BODY, x0, x1, t->body_size * 0.5f, base + MARKS_CENTRE_EM * size,
                 t->body_size * 0.1f, ink(t->text_color));
    if ((rc = layout_shape(L, &num, L->body_family, size, page, where)) != RC_OK) goto done;
    para_break(&num, numw, 0);
    {   /* the number belongs to the title's last line */
        size_t from = L->page->ntexts, k;
        para_draw_line(&num, 0, L->page, x1, base, numw, DOC_RIGHT, DL_BODY, 0);
        L->page->nlines--;
        for (k = from; k < L->page->ntexts; k++) L->page->texts[k].line = L->page->nlines - 1;
    }
    para_free(&num);
    {
        float rect[4] = { L->left + indent, L->y - lh * (float)title.nlines, L->left + L->width, L->y };
        display_add_link(L->page, rect, at ? at->page : 0, at ? at->y : 0, NULL);
    }
    L->y -= lh * (float)title.nlines;
    L->at_top = 0;
done:
    para_free(&title);
    return rc;
}

/* The contents title with each space an en space (U+2002, half an em),
** which white-space folding keeps: "目  录" is set with the em between
** its characters that the two spaces ask for.  Owned by the caller. */
static char *toc_title(const char *title) {
    struct buf b;
    buf_init(&b);
    for (; *title; title++) {
        if (*title == ' ') buf_puts(&b, "\xe2\x80\x82");
        else buf_putc(&b, *title);
    }
    buf_putc(&b, '\0');
    return (char *)b.data;
}

static int layout_toc(struct layout *L, const struct doc_block *b) {
    struct layout_heading *entries;
    size_t n, i;
    int rc = RC_OK, depth = b->level < 1 ? 2 : b->level;
    char *title = toc_title(b->text ? b->text : "目  录");
    page_of_kind(L, DL_PAGE_FRONT);
    entries = xcalloc(mem_add(L->doc->nblocks, 1), sizeof *entries, "contents entries");
    n = toc_entries(L, depth, entries, L->doc->nblocks);
    rc = centred(L, title, L->heading_family, L->theme->heading_size[0],
                 L->y - L->theme->heading_size[0], b->where);
    free(title);
    L->y -= L->theme->heading_size[0] * 3;
    for (i = 0; i < n && rc == RC_OK; i++) rc = toc_entry(L, &entries[i], known_heading(L, depth, i), b->where);
    layout_headings_free(entries, n);
    L->page_kind = DL_PAGE_BODY;
    L->fresh_page = 1;
    return rc;
}

/* An image's size: the text width or less, at most 0.8 of a page tall. */
static void image_box(const struct layout *L, const struct doc_image *im, float *w, float *h) {
    float max_h = (L->top - L->page_bottom) * 0.8f;
    *w = im->width > 0 && im->width < L->width ? im->width : L->width;
    *h = *w * (float)im->px_height / (float)im->px_width;
    if (*h > max_h) { *w *= max_h / *h; *h = max_h; }
}

int layout_image_height(struct layout *L, const struct doc_block *b, float *h) {
    float w, cap = 0;
    int rc = RC_OK;
    image_box(L, b->image, &w, h);
    if (b->image->caption)
        rc = layout_numbered_caption_height(L, "图", L->ncharts + 1, b->image->caption, &cap,
                                             b->where);
    *h = *h + 8 + cap > *h + 30 ? *h + 8 + cap : *h + 30;   /* as layout_image needs it */
    return rc;
}

int layout_image(struct layout *L, const struct doc_block *b) {
    const struct doc_image *im = b->image;
    float w, h;
    image_box(L, im, &w, &h);
    layout_need(L, h + 30);
    L->y -= 4;
    display_add_image(L->page, im->path, im->kind == DOC_JPEG, L->left + (L->width - w) / 2, L->y - h, w, h);
    L->y -= h + 4;
    L->at_top = 0;
    L->ncharts++;
    if (im->caption) {
        int rc = layout_numbered_caption(L, "图", L->ncharts, im->caption, b->where);
        if (rc != RC_OK) return rc;
    }
    L->y -= 8;
    return RC_OK;
}

/* ---- furniture -------------------------------------------------------------------------- */

/* One line of furniture text aligned within the text width at baseline y,
** in `color` (r < 0: the default ink). */
static int furniture_line(struct layout *L, struct dl_page *page, const char *text, float size,
                          float y, enum doc_align align, enum dl_role role, struct doc_color color) {
    struct para p;
    size_t from = page->ntexts;
    int rc = layout_shape(L, &p, L->heading_family, size, text, "page furniture");
    if (rc != RC_OK) return rc;
    para_break(&p, L->width, 0);
    if (p.nlines) para_draw_line(&p, 0, page, L->left, y, L->width, align, role, 0);
    para_free(&p);
    if (color.r >= 0)
        for (; from < page->ntexts; from++)
            page->texts[from].color = (struct dl_color){ color.r, color.g, color.b };
    return RC_OK;
}

static void roman(int n, char *out, size_t size) {
    static const char *const ones[] = { "", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix" };
    static const char *const tens[] = { "", "x", "xx", "xxx", "xl", "l", "lx", "lxx", "lxxx", "xc" };
    if (n >= 1 && n < 100) snprintf(out, size, "%s%s", tens[n / 10], ones[n % 10]);
    else snprintf(out, size, "%d", n);
}

/* A header or footer band: its three texts expanded at baseline y, and its
** rule when any text is there. */
static int draw_band(struct layout *L, struct dl_page *page, const struct doc_band *band, float y,
                     const char *const values[DOC_FIELD_COUNT]) {
    static const enum doc_align aligns[] = { DOC_LEFT, DOC_CENTER, DOC_RIGHT };
    enum dl_role role = band == &L->doc->page.header ? DL_HEADER : DL_FOOTER;
    int i, rc, any = 0;
    float rule_y;
    for (i = 0; i < 3; i++) {
        char *text;
        if (band->text[i] == NULL) continue;
        text = doc_template_expand(band->text[i], values);
        any |= text[0] != '\0';
        rc = *text ? furniture_line(L, page, text, band->size, y, aligns[i], role, band->color) : RC_OK;
        free(text);
        if (rc != RC_OK) return rc;
    }
    if (!any || band->rule == DOC_RULE_NONE) return RC_OK;
    rule_y = band->rule == DOC_RULE_BELOW ? y - 4 : y + band->size + 2;
    display_add_line(page, DL_RULE, L->left, rule_y, L->left + L->width, rule_y, 0.5f, RULE_GREY);
    return RC_OK;
}

/* Does the band show the page count?  Then it waits for the last page. */
static int shows_count(const struct doc_band *band) {
    int i;
    for (i = 0; i < 3; i++)
        if (band->text[i] && strstr(band->text[i], "{pages}")) return 1;
    return 0;
}

static float header_y(const struct layout *L) {
    return L->theme->page_height - L->theme->margin_top + 14;
}

static float footer_y(const struct layout *L) { return L->theme->margin_bottom - 28; }

/* The bands of a page numbered `number`; the ones showing {pages} only
** when `total` is given (late), the others only when it is not. */
static int draw_bands(struct layout *L, struct dl_page *page, int number, long section,
                      const char *total) {
    const struct doc_page_style *ps = &L->doc->page;
    const char *values[DOC_FIELD_COUNT];
    char num[32], *label = section >= 0 ? plain_label(L->headings[section].label) : NULL;
    int rc = RC_OK;
    snprintf(num, sizeof num, "%d", number);
    memset(values, 0, sizeof values);
    values[DOC_FIELD_PAGE] = num;
    values[DOC_FIELD_PAGES] = total;
    values[DOC_FIELD_SECTION] = label;
    values[DOC_FIELD_TITLE] = L->doc->title;
    values[DOC_FIELD_DATE] = L->doc->date;
    if (shows_count(&ps->header) == (total != NULL))
        rc = draw_band(L, page, &ps->header, header_y(L), values);
    if (rc == RC_OK && shows_count(&ps->footer) == (total != NULL))
        rc = draw_band(L, page, &ps->footer, footer_y(L), values);
    free(label);
    return rc;
}

/* Page i, numbered `number`, shows the page count: drawn over it after
** the last page.  Consecutive pages of a section extend one run, so a
** long table remembers a few runs, not every page. */
static void note_folio(struct layout *L, size_t i, int number) {
    struct layout_folio *f = L->nfolios ? &L->folios[L->nfolios - 1] : NULL;
    if (f && f->page + f->count == i && f->number + (long)f->count == number
        && f->section == L->section) {
        f->count++;
        return;
    }
    if (L->nfolios == L->capfolios) {
        L->capfolios = L->capfolios ? mem_mul(L->capfolios, 2) : 16;
        L->folios = xreallocarray(L->folios, L->capfolios, sizeof *L->folios, "page folios");
    }
    f = &L->folios[L->nfolios++];
    f->page = i;
    f->number = number;
    f->section = L->section;
    f->count = 1;
}

/* The furniture of the page being finished, as far as it is known now.
** "body" numbering: covers bare, front matter with its roman number only,
** body pages numbered from 1 of the body's count, each kind counting its
** own pages as the page labels do; "physical": every page numbered from
** the first of the PDF's count.  Either way the first page is bare when
** first_page is false (the default when it is a cover); first_page = true
** shows a cover's only in physical numbering. */
static int page_furniture(struct layout *L) {
    const struct doc_page_style *ps = &L->doc->page;
    struct dl_page *page = L->page;
    size_t i = L->dl->npages - 1;
    int physical = ps->numbering == DOC_NUMBER_PHYSICAL, number;
    char roman_number[32];
    L->body_done += page->kind == DL_PAGE_BODY;
    if (i == 0) L->first_shown = ps->first_page >= 0 ? ps->first_page : page->kind != DL_PAGE_COVER;
    if (!display_wanted(L->dl)) return RC_OK;          /* a pass that only measures */
    if ((i == 0 && !L->first_shown) || page->kind == DL_PAGE_COVER) {
        if (!(physical && i == 0 && L->first_shown)) return RC_OK;   /* a cover shown when asked */
    }
    if (!physical && page->kind == DL_PAGE_FRONT) {   /* its number, as its page label */
        static const struct doc_band number_only = { { NULL, (char *)"{page}", NULL }, 9,
                                                     { -1, -1, -1 }, DOC_RULE_NONE };
        struct doc_band band = number_only;
        const char *values[DOC_FIELD_COUNT];
        roman((int)++L->front_done, roman_number, sizeof roman_number);
        band.size = ps->footer.size;
        band.color = ps->footer.color;
        memset(values, 0, sizeof values);
        values[DOC_FIELD_PAGE] = roman_number;
        return draw_band(L, page, &band, footer_y(L), values);
    }
    number = physical ? (int)i + 1 : (int)L->body_done;
    if (shows_count(&ps->header) || shows_count(&ps->footer)) {
        note_folio(L, i, number);
        page->late = 1;
    }
    return draw_bands(L, page, number, L->section, NULL);
}

/* The current page is complete: its furniture, then to the display's
** sink.  A failure sticks in L->status (or the display's) until the
** block loop sees it. */
static void page_done(struct layout *L) {
    int rc = page_furniture(L);
    if (rc != RC_OK && L->status == RC_OK) L->status = rc;
    if (display_wanted(L->dl)) marks_fix_page(L->page, L->fs);
    display_page_done(L->dl);
}

/* Once the last page is done: the bands that show the page count, drawn
** over the pages that have them. */
static int late_furniture(struct layout *L) {
    int physical = L->doc->page.numbering == DOC_NUMBER_PHYSICAL;
    char total[32];
    size_t i;
    int rc = RC_OK;
    snprintf(total, sizeof total, "%zu", physical ? L->dl->npages : L->body_done);
    for (i = 0; i < L->nfolios && rc == RC_OK; i++) {
        const struct layout_folio *f = &L->folios[i];
        size_t k;
        for (k = 0; k < f->count && rc == RC_OK; k++) {
            struct dl_page *o = display_overlay(L->dl, f->page + k);
            rc = draw_bands(L, o, f->number + (int)k, f->section, total);
            if (rc == RC_OK) marks_fix_page(o, L->fs);
            if (display_overlay_done(L->dl, f->page + k, o) != RC_OK && rc == RC_OK)
                rc = L->dl->status;
        }
    }
    return rc;
}

/* ---- the passes -------------------------------------------------------------------------- */

static int family_or_fail(struct layout *L, const char *name, int *out) {
    *out = fontset_family(L->fs, name);
    if (*out < 0)
        return rc_fail(L->err, RC_FONT, "theme names font family '%s', which the font manifest lacks", name);
    return RC_OK;
}

static int layout_block_now(struct layout *L, const struct doc_block *b) {
    switch (b->kind) {
    case DOC_HEADING:   return layout_heading(L, b);
    case DOC_PARAGRAPH: return layout_paragraph(L, b);
    case DOC_TABLE:     return layout_table(L, b);
    case DOC_CHART:     return layout_chart(L, b);
    case DOC_COVER:     return layout_cover(L, b);
    case DOC_TOC:       return layout_toc(L, b);
    case DOC_IMAGE:     return layout_image(L, b);
    case DOC_PAGEBREAK: if (!L->at_top) layout_new_page(L); return RC_OK;
    }
    return RC_OK;
}

/* A block, unless it is a float that waits (float.c); then any error of
** the floats a page break in it set. */
static int layout_block(struct layout *L, const struct doc_block *b) {
    int rc, waits;
    /* After a cover or contents, the body starts on a page of its own;
    ** a cover or contents makes its own page. */
    if (L->fresh_page && b->kind != DOC_PAGEBREAK && b->kind != DOC_COVER && b->kind != DOC_TOC)
        layout_new_page(L);
    rc = floats_before(L, b, &waits);
    if (rc == RC_OK && !waits) rc = layout_block_now(L, b);
    return rc == RC_OK ? floats_status(L) : rc;
}

static void pass_free(struct layout *L) {
    size_t i;
    for (i = 0; i < L->nnote_paras; i++) para_free(&L->note_paras[i]);
    free(L->note_paras);
    free(L->notes);
    free(L->carry);
    free(L->page_note);
    L->page_note = NULL;
    L->note_paras = NULL;
    L->notes = L->carry = NULL;
    L->nnote_paras = L->capnote_paras = L->nnotes = L->capnotes = L->ncarry = L->capcarry = 0;
    free(L->folios);
    L->folios = NULL;
    L->nfolios = L->capfolios = 0;
    floats_free(&L->floats);
}

/* A failure the page hand-off recorded (furniture, the sink's). */
static int pages_status(const struct layout *L) {
    return L->status != RC_OK ? L->status : L->dl->status;
}

/* One pass over the document; the headings it placed stay in L. */
static int layout_pass(struct layout *L) {
    size_t i;
    int rc = RC_OK;
    L->page = NULL;
    L->page_kind = DL_PAGE_BODY;
    L->dl->body_start = -1;
    layout_headings_free(L->headings, L->nheadings);
    L->headings = NULL;
    L->nheadings = L->capheadings = 0;
    L->ntables = L->ncharts = L->note_count = 0;
    memset(L->numbers, 0, sizeof L->numbers);
    L->body_done = L->front_done = 0;
    L->section = -1;
    L->status = RC_OK;
    L->dl->physical_numbers = L->doc->page.numbering == DOC_NUMBER_PHYSICAL;
    layout_new_page(L);
    for (i = 0; i < L->doc->nblocks && rc == RC_OK; i++) {
        rc = layout_block(L, &L->doc->blocks[i]);
        if (rc == RC_OK) rc = pages_status(L);
    }
    if (rc == RC_OK) rc = floats_flush(L);                 /* none waits past the end */
    if (rc == RC_OK) rc = pages_status(L);
    while (rc == RC_OK && L->ncarry) layout_new_page(L);   /* notes continued past the end */
    if (rc == RC_OK) {
        finish_page(L);
        page_done(L);
        rc = pages_status(L);
    }
    if (L->dl->body_start < 0) L->dl->body_start = 0;
    if (rc == RC_OK && display_wanted(L->dl)) rc = late_furniture(L);
    pass_free(L);
    return rc;
}

static int has_toc(const struct doc *doc) {
    size_t i;
    for (i = 0; i < doc->nblocks; i++) if (doc->blocks[i].kind == DOC_TOC) return 1;
    return 0;
}

static int same_pages(const struct layout_heading *a, const struct layout_heading *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) if (a[i].page != b[i].page || a[i].y != b[i].y) return 0;
    return 1;
}

int layout_document(const struct doc *doc, struct fontset *fs,
                    struct display *out, struct rc_err *err) {
    struct layout L;
    const struct doc_theme *t = &doc->theme;
    struct layout_heading *prev = NULL;
    int rc, pass;
    memset(&L, 0, sizeof L);
    L.doc = doc; L.theme = t; L.fs = fs; L.dl = out; L.err = err;
    L.top = t->page_height - t->margin_top;
    L.page_bottom = t->margin_bottom;
    L.left = t->margin_left;
    L.width = t->page_width - t->margin_left - t->margin_right;
    if ((rc = family_or_fail(&L, t->body_family, &L.body_family)) != RC_OK ||
        (rc = family_or_fail(&L, t->heading_family, &L.heading_family)) != RC_OK ||
        (rc = family_or_fail(&L, t->table_family, &L.table_family)) != RC_OK ||
        (rc = notes_hang_width(fs, L.body_family, t->note_size, notes_in_document(doc),
                               &L.note_hang, err)) != RC_OK)
        return rc;
    /* A contents page: a first pass, which only measures, finds the pages
    ** the headings land on; the next ones write, until they stay put. */
    if (!has_toc(doc)) {
        rc = layout_pass(&L);
    } else {
        const struct display_sink *sink = out->sink;
        int keep = out->keep;
        out->sink = NULL;
        out->keep = 0;
        rc = layout_pass(&L);
        out->sink = sink;
        out->keep = keep;
    }
    for (pass = 0; rc == RC_OK && has_toc(doc) && pass < 3; pass++) {
        layout_headings_free(prev, L.nknown);
        prev = L.headings;         /* the next pass starts a list of its own */
        L.known = prev;
        L.nknown = L.nheadings;
        L.headings = NULL;
        L.nheadings = L.capheadings = 0;
        display_clear(out);
        if (pass > 0 && out->sink && (rc = out->sink->restart(out->sink->ctx)) != RC_OK) break;
        rc = layout_pass(&L);
        if (rc == RC_OK && L.nheadings == L.nknown && same_pages(prev, L.headings, L.nheadings)) break;
    }
    layout_headings_free(prev, L.nknown);
    layout_headings_free(L.headings, L.nheadings);
    return rc;
}

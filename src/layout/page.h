/*
** page.h: the page builder shared by the block layouts: where the next
** block goes, and when a page is full.
*/
#ifndef PAGE_H
#define PAGE_H

#include "../base/rc.h"
#include "../display/display.h"
#include "../doc/doc.h"
#include "../font/fontset.h"
#include "float.h"
#include "para.h"

struct layout_heading {
    int   level;
    char *label;              /* number and text, as set; owned */
    int   page;               /* page index */
    int   body_number;        /* its page among the body pages, from 1 (the footer's number) */
    float y;
};

struct layout_folio {         /* pages whose furniture shows the page count */
    size_t page, count;       /* pages [page, page + count), consecutive */
    int    number;            /* the first one's number, as its footer shows it */
    long   section;           /* headings index of their {section}, or -1 */
};

struct layout_note {          /* lines [first, end) of note_paras[para] */
    size_t para, first, end;
};

struct layout {
    const struct doc *doc;
    const struct doc_theme *theme;
    struct fontset *fs;
    struct display *dl;
    struct rc_err *err;
    struct dl_page *page;     /* current page */
    float y;                  /* top of the free space on it */
    float top, bottom;        /* content area limits (y) */
    float left, width;        /* content area x and width */
    int at_top;               /* nothing placed on the page yet */
    int body_family, heading_family, table_family;
    int ntables;              /* tables numbered so far (表 N) */
    int ncharts;              /* figures numbered so far (图 N) */
    float page_bottom;        /* content bottom without footnotes */
    /* footnotes: every note shaped in this pass (owned), the lines of them
    ** at the foot of the current page, and the lines a note too long for
    ** its page continues with on the next */
    struct para *note_paras;  size_t nnote_paras, capnote_paras;
    struct layout_note *notes; size_t nnotes, capnotes;
    struct layout_note *carry; size_t ncarry, capcarry;
    int note_count;           /* footnotes numbered so far in the document */
    float note_hang;          /* pt: the box note numbers hang in (notes.c) */
    char *page_note;          /* text of the last note at this page's foot, owned */
    /* headings as placed, for the contents page and its links */
    struct layout_heading *headings; size_t nheadings, capheadings;
    const struct layout_heading *known;  /* the previous pass's, or NULL */
    size_t nknown;
    int numbers[4];           /* heading counters */
    enum dl_page_kind page_kind;   /* kind of the pages being added */
    int fresh_page;           /* the next block starts a new page */
    /* furniture, drawn as each page is finished: pages of each kind so far,
    ** the heading {section} names, and the pages whose bands show {pages}
    ** (drawn over them once the count is known) */
    size_t body_done, front_done;
    int first_shown;          /* the first page shows its furniture */
    long section;             /* headings index of the last level-1 heading, or -1 */
    struct layout_folio *folios; size_t nfolios, capfolios;
    int status;               /* RC_OK, or the first failure drawing furniture */
    struct float_queue floats;   /* figures and tables waiting for the next page */
};

void layout_new_page(struct layout *L);

/* Make room for `h` pt: start a new page unless it fits or the page is
** still empty (a block taller than a page must start somewhere). */
void layout_need(struct layout *L, float h);

/* Shape text with `where` prefixed to any font error. */
int layout_shape(struct layout *L, struct para *p, int family, float size,
                 const char *text, const char *where);

/* Free a list of headings and their labels. */
void layout_headings_free(struct layout_heading *h, size_t n);

/* "图 3　caption" (prefix, number, an em space, the caption in full), centred, 10 pt. */
int layout_numbered_caption(struct layout *L, const char *prefix, int number, const char *caption,
                            const char *where);

/* Baseline offset of a line of `size` pt in a line box `line_h` tall. */
float layout_baseline(float size, float line_h);

/* Lines of a caption or source note across the text width, in the heading
** family, each starting a new page if it must. */
int layout_caption(struct layout *L, const char *text, float size, enum doc_align align,
                   enum dl_role role, const char *where);

/* A caption's height: its lines at `size` across the text width. */
int layout_caption_height(struct layout *L, const char *text, float size, float *h,
                          const char *where);
/* The same for "图 3  caption". */
int layout_numbered_caption_height(struct layout *L, const char *prefix, int number,
                                   const char *caption, float *h, const char *where);

int layout_table(struct layout *L, const struct doc_block *b);
int layout_chart(struct layout *L, const struct doc_block *b);
int layout_image(struct layout *L, const struct doc_block *b);

/* The room each needs on a page, caption and source included, as its
** layout measures it (what a float waits for). */
int layout_table_height(struct layout *L, const struct doc_block *b, float *h);
int layout_chart_height(struct layout *L, const struct doc_block *b, float *h);
int layout_image_height(struct layout *L, const struct doc_block *b, float *h);

#endif

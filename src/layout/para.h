/*
** para.h: one piece of text shaped into glyphs and broken into lines.
** Paragraphs, headings, table cells, chart labels and page furniture all
** go through it, so every piece of text is broken by the same rules.
**
** Text is added in runs of one style (para_add); para_shape is the
** one-run shorthand.  Shaping folds white space, picks each character's
** face by font fallback, shapes each run of one face, style and script
** with HarfBuzz, adds the quarter-em gap clreq asks for between Han
** characters and Latin letters or digits, and marks the break
** opportunities of UAX #14 with the clreq prohibitions.
**
** What line breaking sees is a cluster (struct para_glyph): the glyphs
** HarfBuzz made of characters that belong together (one Han character,
** a ligature, a Thai syllable's base and marks).  Lines break only
** between clusters, so never inside a grapheme cluster.
*/
#ifndef PARA_H
#define PARA_H

#include <stddef.h>
#include <stdint.h>
#include "../base/rc.h"
#include "../display/display.h"
#include "../doc/doc.h"
#include "../font/fontset.h"

/* OpenType features a run may ask for beyond HarfBuzz's defaults (which
** include kern, liga and the marks): bits of para_style.features. */
enum { PARA_FEAT_HALT = 1, PARA_FEAT_PALT = 2 };

/* Punctuation adjustment (theme `punctuation`, clreq 3.1.6): compress
** adjacent full-width marks and set a line-start opening bracket flush;
** leave every mark a full em; or set every mark half an em. */
enum para_punct { PARA_PUNCT_COMPRESS, PARA_PUNCT_FULL, PARA_PUNCT_HALF };

/* Line breaking (theme `linebreak`): total-fit (Knuth-Plass, linefit.c)
** over the whole paragraph, or greedy first-fit line by line. */
enum para_fit { PARA_TOTAL_FIT, PARA_FIRST_FIT };

struct para_style {
    int   family;          /* font set family */
    float size;            /* pt */
    float rise;            /* baseline shift, pt (superscript markers) */
    int   bold;            /* bold: the family's bold face, else synthesised */
    int   link;            /* index into para links, -1 for none */
    int   note;            /* footnote number the glyphs mark, 0 for none */
    unsigned features;     /* PARA_FEAT_* */
};

/* One glyph of a cluster; x is relative to the cluster's origin. */
struct para_shaped {
    uint16_t gid;
    float    x, dy;        /* pt: HarfBuzz's pen + x offset, and y offset */
};

struct para_glyph {        /* one cluster */
    uint32_t cp;           /* its first character */
    uint32_t text, ntext;  /* its characters in cps */
    uint32_t shaped, nshaped;   /* its glyphs in the shaped pool */
    int      face;
    unsigned char brk;     /* enum lb_break: may a line end before this cluster */
    unsigned char bold;    /* synthesise bold (the face is not bold) */
    short    link;         /* -1: not a link */
    short    note;         /* 0: not a footnote marker */
    float    size, rise;
    float    advance;      /* pt, from HarfBuzz */
    float    gap;          /* space after it (Han-Latin gap), dropped at line end */
    float    lead;         /* pt taken off its blank left side when it starts a line */
    float    shrink;       /* pt its advance may lose to fit a line: a mark's blank half
                              (clreq 3.1.6 line adjustment), a third of a space */
    unsigned char blank_left;   /* that shrink is on its left: the glyph moves with it */
    unsigned char widen;   /* justification may widen the gap before it */
    uint16_t hyphen_gid;   /* a hyphenation point before it: the hyphen's glyph... */
    float    hyphen;       /* ...and width (in the face before); 0: no such point */
};

struct para_line {
    size_t first, end;     /* glyphs [first, end), trailing spaces excluded */
    float  width;          /* natural width, pt */
    float  indent;         /* pt, first line only */
    float  lead;           /* pt its first cluster moves left (a flush opening bracket) */
    int    last;           /* last line of the paragraph (or before a hard break) */
    int    hyphen;         /* ends inside a word: a hyphen is drawn after it */
    float  shrink;         /* pt it may shrink (its clusters' shrink) */
};

struct para {
    float size;                          /* the size of the first run */
    enum para_punct punct;               /* set before para_finish; default compress */
    enum para_fit fit;                   /* set before para_break; default total-fit */
    int hyphenate;                       /* set before para_finish: find libhyphen's points
                                            (body text and notes; not headings, captions,
                                            labels or table cells, whose words stay whole,
                                            and which need not load the patterns) */
    int loose;                           /* para_break found no breaks within the stretch
                                            limit (0.25 em a gap) and went past it */
    struct dl_color color, link_color;   /* ink of text and of links */
    struct para_glyph *glyphs;  size_t nglyphs;          /* clusters */
    struct para_shaped *shaped; size_t nshaped, capshaped;
    struct para_line  *lines;   size_t nlines, caplines;
    char **links;               size_t nlinks;   /* URLs, owned */
    uint32_t *cps;              size_t ncps, capcps;   /* the text (clusters point in) */
    /* while text is being added */
    struct para_style *styles;  size_t nstyles;  /* one per cps entry */
};

/* Start an empty paragraph; add runs; then para_finish shapes it. */
void para_init(struct para *p);
/* Add `text` in `style`; a link URL (or NULL) is copied. */
void para_add(struct para *p, const struct para_style *style, const char *text, const char *url);
int  para_finish(struct para *p, struct fontset *fs, struct rc_err *err);

/* The mode a theme names ("compress", "full", "half"); compress otherwise. */
enum para_punct para_punct_named(const char *name);

/* One run of plain text: para_init + para_add + para_finish. */
int para_shape(struct para *p, struct fontset *fs, int family, float size,
               const char *text, struct rc_err *err);

/* Is the cluster a plain space? */
int para_is_space(const struct para_glyph *g);

/* The last character of cluster i. */
uint32_t para_last_cp(const struct para *p, size_t i);

/* May a token be cut before cluster i (0 < i < nglyphs) without starting a
** line with a closing mark or ending one with an opening mark (clreq 3.1.7)?
** The line breaker's cuts in a token wider than the line and colwidth.c's
** breaks in a token wider than its column both ask this. */
int para_cut_allowed(const struct para *p, size_t i);

/* The mode a theme names ("total-fit", "first-fit"); total-fit otherwise. */
enum para_fit para_fit_named(const char *name);

/* Break into lines no wider than `width` (the first indented by `indent`)
** at the breaker's opportunities and, total-fit, at hyphenation points of
** long Latin words; a token wider than a line is cut. */
void para_break(struct para *p, float width, float indent);

/* Draw line `i` with its left edge at x and baseline at y, aligned within
** `width`: justified lines spread the space over the gaps between break
** opportunities (between Han characters and at spaces).  Links become link
** areas on the page. */
void para_draw_line(const struct para *p, size_t i, struct dl_page *page,
                    float x, float y, float width, enum doc_align align,
                    enum dl_role role, int bold);

/* Footnote numbers marked on line i: stores the first `max` of them and
** returns how many there are (call with max 0 to count). */
size_t para_line_notes(const struct para *p, size_t i, int *notes, size_t max);

/* Natural width of the widest line. */
float para_max_width(const struct para *p);

void para_free(struct para *p);

#endif

/*
** display.h: the display list, what layout produces and the PDF backend
** draws: pages of positioned glyph runs, vector paths, link areas and
** outline entries.  Nothing here knows Lua, SQLite or libharu, so tests
** read the geometry from it (display_write_json) instead of parsing PDF.
**
** Pages go to a sink (the PDF writer) as layout finishes them, and are
** freed then unless the display keeps them (for display_write_json): what
** stays is what the whole document must remember, its outlines.
**
** Units are PDF points (1/72 in); the origin is the bottom-left corner of
** the page, y grows upwards, as in PDF.
*/
#ifndef DISPLAY_H
#define DISPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "../base/buf.h"

struct dl_color { float r, g, b; };

/* One glyph as shaping placed it.  A cluster (what HarfBuzz made of one
** or more characters that belong together: a ligature such as "fi", a
** Thai or Myanmar syllable's base and marks) is a glyph with text
** followed by the glyphs with ntext == 0: the first glyph carries the
** whole cluster's text, so the text of a run is exact for ToUnicode and
** ActualText whatever the glyphs are.  The text is in the page's pool
** (dl_page.cps); display_glyph_text() gives it. */
struct dl_glyph {
    uint16_t gid;      /* glyph id in the source face */
    uint16_t ntext;    /* code points the cluster stands for; 0: continues a cluster */
    uint32_t text;     /* first of them in the page's text pool */
    float    x;        /* glyph origin, relative to the run's x (includes HarfBuzz's x offset) */
    float    dy;       /* vertical offset from the baseline (marks), pt */
};

enum dl_role {         /* what a run or path is, for tests and debugging */
    DL_BODY, DL_HEADING, DL_TABLE_HEAD, DL_TABLE_CELL, DL_CAPTION,
    DL_NOTE, DL_HEADER, DL_FOOTER, DL_RULE, DL_CHART, DL_ROLE_COUNT
};

struct dl_text {
    int   face;          /* index into the document's font set */
    float size;          /* font size, pt */
    float x, y;          /* baseline origin of the run */
    float width;         /* advance of the whole run */
    struct dl_color color;
    int   bold;          /* synthesise bold: fill + stroke */
    int   invisible;     /* text only (render mode 3): a mark drawn as paths instead */
    enum dl_role role;
    int   line;          /* laid-out line it belongs to (per page) */
    float stretch;       /* em justification added at each gap of its line (tests) */
    unsigned char last;  /* its line ends a paragraph or comes before a hard break */
    unsigned char loose; /* its paragraph had no breaks within the stretch limit */
    unsigned char justify;   /* its line is set justified */
    size_t first, count; /* glyphs in the page's glyph pool */
    size_t cell;         /* table text: 1 + index into the display's cells; 0: none */
};

enum dl_op { DL_MOVE, DL_LINE, DL_CURVE, DL_CLOSE };

struct dl_path {
    enum dl_role role;
    int   fill, stroke;
    struct dl_color fill_color, stroke_color;
    float line_width;
    int   round_cap;     /* strokes end round: a zero-length segment is a dot of
                            line_width (leaders: two ops a dot, not a disc's six) */
    size_t first, count; /* ops in the page's op pool */
};

struct dl_pathop { enum dl_op op; float pt[6]; };

struct dl_link {
    float rect[4];       /* x0 y0 x1 y1 */
    int   page;          /* target page (0-based) for internal links, or -1 */
    float dest_y;        /* y on the target page */
    char *uri;           /* owned; NULL for internal links */
};

struct dl_outline {
    int   level;         /* 1 = top */
    char *title;         /* owned, UTF-8 */
    int   page;
    float y;
};

/* What a chart element stands for, so tests can check geometry against
** data: a bar, a slice or a point, the path that draws it, its value. */
struct dl_mark {
    char   kind;         /* 'b' bar, 's' slice, 'p' point of a line or scatter */
    int    series, cat;
    int    axis;         /* 0: the value axis, 1: the second axis */
    double value;
    double fraction;     /* slices: share of the pie */
    float  cx, cy;       /* slices: the pie's centre */
    size_t path;         /* index into the page's paths */
};

struct dl_chart {
    int    page, number;
    char   kind[16];
    float  plot[4];      /* plot area x0 y0 x1 y1 */
    int    horizontal;   /* value axis runs along x */
    int    invert;
    int    stacked;
    double lo, hi, base; /* value axis range, and where bars start */
    double lo2, hi2;     /* second axis (barline) */
    struct dl_mark *marks; size_t nmarks, capmarks;
};

/* A table cell as placed on a page (a cell split across pages has one
** record per page), so tests can check that text stays inside its cell,
** that no row is lost or repeated, and where spans and rules fall. */
struct dl_cell {
    int    page, table;  /* table: its order among the document's tables, from 1 */
    char   kind;         /* 'h' header, 'b' body, 't' totals row, 'e' the no-data row */
    int    row, col;     /* header row or body row (from 0), and column */
    int    rowspan, colspan;  /* as placed on this page */
    int    part;         /* 0; 1, 2... for the continued parts of a split cell */
    int    repeat;       /* a continued part showing its span's text again */
    float  box[4];       /* x0 y0 x1 y1 */
};

enum dl_item_kind { DL_ITEM_TEXT, DL_ITEM_PATH, DL_ITEM_IMAGE };

struct dl_item { enum dl_item_kind kind; size_t index; };

enum dl_page_kind { DL_PAGE_BODY, DL_PAGE_COVER, DL_PAGE_FRONT };

struct dl_image {
    char *path;          /* owned */
    int   jpeg;          /* 0: PNG */
    float x, y, w, h;    /* bottom-left corner and size */
};

struct dl_page {
    float width, height;
    enum dl_page_kind kind;   /* cover, front matter (roman numbers), body */
    int   nlines;             /* lines drawn so far: numbers dl_text.line */
    int   late;               /* an overlay comes after the last page (display_overlay):
                                 the sink makes room for it when the page is done */
    struct dl_image *images;  size_t nimages, capimages;
    struct dl_item  *items;   size_t nitems, capitems;   /* paint order */
    struct dl_text  *texts;   size_t ntexts, captexts;
    struct dl_glyph *glyphs;  size_t nglyphs, capglyphs;
    uint32_t *cps;            size_t ncps, capcps;        /* the glyphs' text */
    struct dl_path  *paths;   size_t npaths, cappaths;
    struct dl_pathop *ops;    size_t nops, capops;
    struct dl_link  *links;   size_t nlinks, caplinks;
    struct dl_page  *overlay; /* owned, kept pages only: drawn once the page count was known */
};

struct display;

/* Where finished pages go.  Each returns RC_OK or an rc_err code (the
** sink sets its own error message); the first failure sticks in
** display.status and later pages are dropped. */
struct display_sink {
    void *ctx;
    /* Page `index` is complete (nothing is drawn on it afterwards). */
    int (*page)(void *ctx, const struct display *d, size_t index, const struct dl_page *p);
    /* What is drawn over page `index` once the page count is known (the
    ** furniture that shows it), after the last page. */
    int (*overlay)(void *ctx, size_t index, const struct dl_page *p);
    /* Forget every page so far: layout starts the document again. */
    int (*restart)(void *ctx);
};

struct display {
    /* pages[k] is page base + k; npages counts every page made so far */
    struct dl_page    *pages;    size_t npages, cappages, base;
    size_t done;                 /* pages handed to the sink */
    struct dl_outline *outlines; size_t noutlines, capoutlines;
    struct dl_chart   *charts;   size_t ncharts, capcharts;
    struct dl_cell    *cells;    size_t ncells, capcells;
    int body_start;     /* first body page: page labels restart at 1 there */
    int physical_numbers;   /* pages numbered from the first: one decimal label range */
    const struct display_sink *sink;   /* NULL: finished pages are dropped */
    int keep;           /* keep every page, cell and chart record (for display_write_json) */
    int status;         /* RC_OK, or the sink's first failure */
};

/* An empty list that keeps its pages, with no sink. */
void display_init(struct display *d);
void display_free(struct display *d);
/* Free everything drawn, keeping the sink, keep and status. */
void display_clear(struct display *d);

/* Does anything read what is drawn (a sink or kept pages)?  If not, a
** pass only measures. */
int display_wanted(const struct display *d);

/* Append a page and return it. */
struct dl_page *display_add_page(struct display *d, float width, float height);
/* The oldest unfinished page is complete: to the sink, then freed unless
** kept.  Returns d->status. */
int display_page_done(struct display *d);
/* Page `index` if it is still held (kept or not yet done), else NULL. */
struct dl_page *display_page(const struct display *d, size_t index);
/* A page to draw over page `index` (width and height as its); hand it
** over with display_overlay_done. */
struct dl_page *display_overlay(struct display *d, size_t index);
int display_overlay_done(struct display *d, size_t index, struct dl_page *o);

/* Start a text run; add its glyphs with display_add_glyph, in order.
** A glyph that starts a cluster passes the cluster's text (ntext > 0);
** the cluster's other glyphs pass none. */
struct dl_text *display_add_text(struct dl_page *p, int face, float size,
                                 float x, float y, enum dl_role role);
void display_add_glyph(struct dl_page *p, struct dl_text *t, uint16_t gid,
                       float x, float dy, const uint32_t *text, size_t ntext);
/* The code points glyph g stands for (none for a cluster's later glyphs). */
const uint32_t *display_glyph_text(const struct dl_page *p, const struct dl_glyph *g);

/* Start a path; add ops with display_path_*. */
struct dl_path *display_add_path(struct dl_page *p, enum dl_role role);
void display_path_move(struct dl_page *p, struct dl_path *path, float x, float y);
void display_path_line(struct dl_page *p, struct dl_path *path, float x, float y);
void display_path_curve(struct dl_page *p, struct dl_path *path, float x1, float y1,
                        float x2, float y2, float x3, float y3);
void display_path_close(struct dl_page *p, struct dl_path *path);
/* A filled or stroked axis-aligned rectangle, in one call. */
struct dl_path *display_add_rect(struct dl_page *p, enum dl_role role,
                                 float x, float y, float w, float h);
/* A stroked line segment. */
struct dl_path *display_add_line(struct dl_page *p, enum dl_role role, float x0,
                                 float y0, float x1, float y1, float width,
                                 struct dl_color color);

void display_add_image(struct dl_page *p, const char *path, int jpeg,
                       float x, float y, float w, float h);
void display_add_link(struct dl_page *p, const float rect[4], int page,
                      float dest_y, const char *uri);
void display_add_outline(struct display *d, int level, const char *title,
                         int page, float y);

/* Record a chart (for tests) and return it; valid until the next call.
** Unless the display keeps pages, one scratch record is reused. */
struct dl_chart *display_add_chart(struct display *d, int page, int number, const char *kind);
void display_chart_mark(struct dl_chart *c, const struct dl_mark *m);

/* Record a table cell; returns the value for dl_text.cell of its texts
** (0, nothing recorded, unless the display keeps pages: a long table's
** cells would otherwise grow with the document). */
size_t display_add_cell(struct display *d, const struct dl_cell *c);

/* The text of a run as UTF-8 (from the glyphs' clusters). */
void display_text_utf8(const struct dl_page *p, const struct dl_text *t,
                       struct buf *out);

/* The whole list as JSON, for tests: pages with texts (role, x, y, width,
** size, face, text, glyphs as [gid, x, dy, ntext], "invisible" when set),
** paths (role, bounding box; the ops of chart paths and of marks drawn
** for text), links, and outlines. */
void display_write_json(const struct display *d, struct buf *out);

extern const char *const display_role_names[DL_ROLE_COUNT];

#endif

/*
** doc.h: the document tree: what a report script describes, before any
** measuring.  The Lua bindings build it; layout reads it.  All strings are
** UTF-8 and owned by the tree (doc_free releases everything).
*/
#ifndef DOC_H
#define DOC_H

#include <stddef.h>
#include <stdint.h>
#include "../base/rc.h"

enum doc_kind {
    DOC_HEADING, DOC_PARAGRAPH, DOC_PAGEBREAK, DOC_TABLE, DOC_CHART,
    DOC_COVER, DOC_TOC, DOC_IMAGE
};

enum doc_align { DOC_LEFT, DOC_CENTER, DOC_RIGHT, DOC_JUSTIFY };

enum doc_width_kind {
    DOC_WIDTH_AUTO,        /* from the widest cell, shrunk to fit the text width */
    DOC_WIDTH_FIXED,       /* `width` pt */
    DOC_WIDTH_SHARE        /* `width` shares of what fixed and auto columns leave */
};

struct doc_column {        /* a leaf column: one column of cells */
    char *title;           /* its header title (also in the header cells) */
    enum doc_align align;  /* of its body cells; headers are centred */
    int decimal;           /* right-aligned with the decimal points lined up */
    enum doc_width_kind width_kind;
    float width;           /* pt or shares, as width_kind says */
};

/* A header cell: column groups span the columns under them, a leaf title
** spans down to the last header row. */
struct doc_head_cell {
    char *text;
    size_t row, col, rowspan, colspan;
};

enum doc_rules { DOC_RULES_THEME, DOC_RULES_THREE_LINE, DOC_RULES_GRID };

struct doc_table {
    size_t ncols, nrows;
    struct doc_column *cols;
    struct doc_head_cell *head;  /* none: one header row of the column titles */
    size_t nhead, nhead_rows;
    char **cells;          /* nrows * ncols, row-major; NULL: absent (the theme's mark) */
    size_t *rowspan;       /* nrows * ncols: rows a cell spans (1); 0: covered by one above */
    int *highlight;        /* nrows flags */
    int *total;            /* nrows flags: a totals row (a rule above it, Hei) */
    char *caption;         /* may be NULL */
    char *source;          /* note under the table, may be NULL */
    char *empty;           /* the row shown when there are no rows; NULL: 暂无数据 */
    enum doc_rules rules;  /* DOC_RULES_THEME: the theme's table_rules */
    int zebra;             /* -1: the theme's table_zebra */
};

enum doc_chart_kind {
    CHART_BAR, CHART_HBAR, CHART_PIE, CHART_DONUT, CHART_LINE, CHART_BARLINE, CHART_SCATTER
};

/* The kinds' names as scripts write them, in enum order, NULL-terminated:
** the one list the script options and the display list both use. */
extern const char *const doc_chart_kinds[];

enum doc_legend { LEGEND_NONE, LEGEND_RIGHT, LEGEND_BOTTOM };

struct doc_series {
    char *name;
    double *values;        /* one per category; NAN where the row has none */
    int right_axis;        /* barline: the line series on the second axis */
    int as_line;           /* barline: drawn as a line over the bars */
};

/* A chart: categories (rows) by series.  Pies draw one pie per series,
** side by side; scatter uses x[] against the first series. */
struct doc_chart {
    enum doc_chart_kind kind;
    size_t ncats, nseries;
    char **cats;           /* category labels */
    int *highlight;        /* per category */
    struct doc_series *series;
    double *x;             /* scatter only */
    int stacked, invert, value_labels, markers, no_data_box;
    enum doc_legend legend;
    int decimals;          /* value labels; -1: as the data needs */
    float width, height;   /* pt; 0: text width, 0.6 x width */
    char *name;            /* for messages: the caption or "chart N" */
    char *caption, *source, *suffix;
    char *y_title, *y2_title, *x_title;
};

struct doc_cover {
    char *title, *subtitle, *org, *date;
};

enum doc_image_kind { DOC_PNG, DOC_JPEG };

struct doc_image {
    char *path;            /* checked readable when the script added it */
    enum doc_image_kind kind;
    int px_width, px_height;
    float width;           /* pt; 0: the text width */
    char *caption;         /* "图 N  caption" under it; may be NULL */
};

struct doc_block {
    enum doc_kind kind;
    int level;             /* headings: 1..4; contents: deepest level listed */
    char *text;            /* headings and paragraphs */
    struct doc_table *table;
    struct doc_chart *chart;
    struct doc_cover *cover;
    struct doc_image *image;
    char *where;           /* "script.lua:42", for error messages */
};

struct doc_color { float r, g, b; };

struct doc_theme {
    float page_width, page_height;                       /* pt */
    float margin_top, margin_bottom, margin_left, margin_right;
    float body_size, leading;                           /* leading: line height / size */
    float heading_size[4];
    float para_space;                                   /* pt after a paragraph */
    float indent;                                       /* first-line indent, ems */
    float table_size;
    char body_family[32], heading_family[32], table_family[32];
    char heading_numbers[4][32];   /* "一、" "（一）" "1." "（1）": 一 or 1 marks the number */
    float note_size;               /* footnotes */
    struct doc_color heading_color, text_color, link_color, accent_color;
    /* tables */
    char table_rules[32];          /* "three-line" (三线表) or "grid" */
    int table_zebra;               /* shade every other body row */
    char table_null[32];           /* the mark for an absent value, "—" */
    struct doc_color table_zebra_color, table_rule_color;
    struct doc_color table_highlight_color;   /* r < 0: a tint of accent_color */
};

struct doc {
    char *title, *author, *subject, *header;
    struct doc_theme theme;
    struct doc_block *blocks;
    size_t nblocks, capblocks;
};

/* A new empty document with the default theme (A4, 五号 body in serif). */
struct doc *doc_new(void);
void doc_free(struct doc *d);

void doc_set_string(char **field, const char *value);

/* Append a block; strings are copied.  Returns the block. */
struct doc_block *doc_add_heading(struct doc *d, int level, const char *text, const char *where);
struct doc_block *doc_add_paragraph(struct doc *d, const char *text, const char *where);
struct doc_block *doc_add_pagebreak(struct doc *d, const char *where);
/* The table is taken over by the document. */
struct doc_block *doc_add_table(struct doc *d, struct doc_table *t, const char *where);

/* A table of ncols x nrows empty cells, each spanning one row. */
struct doc_table *doc_table_new(size_t ncols, size_t nrows);
void doc_table_free(struct doc_table *t);
/* Add a header cell (text copied). */
void doc_table_add_head(struct doc_table *t, const char *text, size_t row, size_t col,
                        size_t rowspan, size_t colspan);

/* A cover page (title, subtitle, issuing body, date); strings copied. */
struct doc_block *doc_add_cover(struct doc *d, const char *title, const char *subtitle,
                                const char *org, const char *date, const char *where);
/* A contents page listing headings down to `depth`, titled `title`. */
struct doc_block *doc_add_toc(struct doc *d, int depth, const char *title, const char *where);
/* The image is taken over by the document. */
struct doc_block *doc_add_image(struct doc *d, struct doc_image *img, const char *where);
void doc_image_free(struct doc_image *img);
/* Validate the PNG or JPEG at `path` completely (doc/image.h) and make an
** image block body of it; `name` is the path as the script gave it, for
** errors ("image 'logo.png': truncated IDAT data"); `max_decoded` bounds
** its decoded pixel data (0: no bound). */
int doc_image_open(const char *path, const char *name, uint64_t max_decoded, float width,
                   const char *caption, struct doc_image **out, struct rc_err *err);

/* The chart is taken over by the document. */
struct doc_block *doc_add_chart(struct doc *d, struct doc_chart *c, const char *where);
struct doc_chart *doc_chart_new(size_t ncats, size_t nseries);
void doc_chart_free(struct doc_chart *c);

#endif

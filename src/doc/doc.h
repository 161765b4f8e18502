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

struct doc_color { float r, g, b; };

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

/* A streamed table's columns are as wide as the header and its first
** DOC_STREAM_LOOKAHEAD rows need (later rows wrap); its default alignments
** come from those rows too; a merged cell covers at most that many rows. */
#define DOC_STREAM_LOOKAHEAD 64

/* One body row of a streamed table, valid until the next pull. */
struct doc_row {
    const char *const *cells;      /* ncols texts; NULL: absent (the theme's mark) */
    const unsigned char *joined;   /* ncols: the cell merges with the one above; may be NULL */
    int highlight, total;          /* total: a totals row (they come last) */
};

/* Where a streamed table's rows come from (doc:table{rows = db:rows(...)}):
** layout pulls them as its pages fill.  Errors name the cause and the
** script's line. */
struct doc_rows {
    /* 1: *row is the next row; 0: no more; -RC_*: an error in err */
    int (*pull)(struct doc_rows *r, struct doc_row *row, struct rc_err *err);
    /* From the first row again, for another layout pass; an error when the
    ** rows can be read only once. */
    int (*restart)(struct doc_rows *r, struct rc_err *err);
    void (*release)(struct doc_rows *r);
};

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
    struct doc_color header_fill, header_color;   /* r < 0: the theme's */
    struct doc_rows *stream;   /* streamed rows (nrows 0, no cells), owned; NULL: the cells */
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
    struct doc_color color;   /* r < 0: the palette's */
    int decimals;          /* value labels; -1: the chart's */
    char *suffix;          /* value labels; NULL: the chart's */
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
    int floating;          /* charts, images, tables: may wait for the next page
                          ** while what follows fills this one (layout/float.c) */
    char *where;           /* "script.lua:42", for error messages */
};

struct doc_theme {
    float page_width, page_height;                       /* pt */
    float margin_top, margin_bottom, margin_left, margin_right;
    float body_size, leading;                           /* leading: line height / size */
    float heading_size[4];
    float para_space;                                   /* pt after a paragraph */
    float indent;                                       /* first-line indent, ems */
    char punctuation[32];          /* "compress" (clreq), "full" or "half" */
    char linebreak[32];            /* "total-fit" (Knuth-Plass) or "first-fit" */
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
    struct doc_color table_header_fill;       /* r < 0: none */
    struct doc_color table_header_color;      /* r < 0: text_color */
};

/* Page furniture: a header and a footer band, each with text at the left,
** centre and right (templates with {page}, {pages}, {section}, {title},
** {date}; NULL: nothing there), its type size, colour and a rule. */
enum doc_rule { DOC_RULE_NONE, DOC_RULE_BELOW, DOC_RULE_ABOVE };

struct doc_band {
    char *text[3];         /* left, centre, right */
    float size;            /* pt */
    struct doc_color color;   /* r < 0: text_color */
    enum doc_rule rule;
};

enum doc_numbering {
    DOC_NUMBER_BODY,       /* front matter i, ii...; the body from 1, {pages} the body's */
    DOC_NUMBER_PHYSICAL    /* from the first page, {pages} the PDF's */
};

struct doc_page_style {
    struct doc_band header, footer;
    enum doc_numbering numbering;
    int first_page;        /* furniture on the first page: 1, 0, or -1 (not on a cover) */
};

/* The template fields, NULL-terminated: the one list the script checks and
** layout fills. */
enum doc_field { DOC_FIELD_PAGE, DOC_FIELD_PAGES, DOC_FIELD_SECTION, DOC_FIELD_TITLE,
                 DOC_FIELD_DATE, DOC_FIELD_COUNT };
extern const char *const doc_fields[];

/* Check a template: 0, or -1 with the offending field ("{pgae}", or "{" for
** an unclosed brace) in bad. */
int doc_template_check(const char *tpl, char *bad, size_t badsize);
/* Expand a checked template: each {field} replaced by values[field] ("" when
** NULL); "{{" and "}}" are braces.  Returns a new string. */
char *doc_template_expand(const char *tpl, const char *const values[DOC_FIELD_COUNT]);
/* Double the braces of `s`, so a template shows it as given.  New string. */
char *doc_template_quote(const char *s);

/* report.document{ notes = { repeats = ... } }: a note identical to the
** previous one on its page, in full or as 同上. */
enum doc_note_repeat { DOC_NOTE_FULL, DOC_NOTE_IBID };

struct doc {
    char *title, *author, *subject, *header;
    char *date;            /* {date}: given, else the cover's, else the build day */
    int date_given;
    struct doc_theme theme;
    struct doc_page_style page;
    enum doc_note_repeat note_repeat;
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

/*
** colwidth.h: the widths of a table's columns from what their cells hold,
** in the manner of CSS automatic table layout (CSS 2.1 17.5.2.2,
** css-tables-3 "Distributing width to columns"), and where a token wider
** than its column may break when the table cannot fit at all.
**
** A caller measures cells into a struct colw (the header cells and any set
** of body rows: all of them, or the first rows of a streamed table), then
** asks colw_solve for the widths.  Nothing here knows the document tree or
** the display list.
*/
#ifndef COLWIDTH_H
#define COLWIDTH_H

#include <stddef.h>
#include "../doc/doc.h"
#include "para.h"

/* What a measured cell holds: a number column is one whose body cells are
** all numbers (blanks aside); prose gives up width before numbers do. */
enum colw_kind { COLW_HEAD, COLW_NUMBER, COLW_TEXT, COLW_BLANK };

struct colw_measure {
    float body_min;        /* longest unbreakable body token, padding included */
    float head_min;        /* the same over header cells */
    float max;             /* widest cell on one line, padding included */
    float label;           /* widest short cell (a label) on one line, padding included */
    size_t numbers, texts; /* body cells of each kind */
};

struct colw_span {         /* a header cell over several columns */
    size_t col, colspan;
    float min, max;
};

struct colw {
    size_t ncols;
    float pad;                     /* left plus right padding of a cell */
    struct colw_measure *m;        /* ncols */
    struct colw_span *spans; size_t nspans, capspans;
};

/* A column as the script set it. */
struct colw_spec {
    enum doc_width_kind kind;
    float width;                   /* pt (fixed) or shares */
    int number;                    /* declared a number column (decimal alignment) */
};

void colw_init(struct colw *cw, size_t ncols, float pad);
void colw_free(struct colw *cw);

/* Measure one cell over columns [col, col + colspan) and `rowspan` rows
** (a cell over several rows wants only the width that sets it in as many
** lines); `extra` pt widens its one-line width (decimal alignment).
** Leaves p broken at some width: the caller breaks it again. */
void colw_add(struct colw *cw, size_t col, size_t colspan, size_t rowspan, struct para *p,
              enum colw_kind kind, float extra);

/* The widest run of p between two break opportunities, trailing spaces and
** the last gap left out, as a line would hold it. */
float colw_token_width(const struct para *p);

/* Widths of the columns filling `room` pt, into w[ncols], every column at
** least `floor` pt (the caller checks that ncols * floor fits); and, when
** `min` is not NULL, each column's min-content (padding included, header
** spans shared out), below which its tokens had to be cut.  Fixed widths
** are raised to their column's min-content, as CSS does. */
void colw_solve(const struct colw *cw, const struct colw_spec *spec, float room, float floor,
                float *w, float *min);

/* p is to be set `width` pt wide but holds a token wider than that: let it
** break inside its tokens, first after the marks a URL, date or amount
** breaks at (/ . - ? & = , : _), then between any two characters, never
** where clreq forbids a line to start or end (no "%" or "，" first). */
void colw_allow_token_breaks(struct para *p, float width);

#endif

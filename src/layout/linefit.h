/*
** linefit.h: total-fit line breaking (Knuth and Plass, "Breaking
** Paragraphs into Lines", 1981) over places where a line may end.
**
** It knows nothing of glyphs: the caller (para.c) describes each
** possible break by running totals of width, stretch and shrink up to
** where a line ending there would end, and from where the next line
** would start, so a line from break a to break b measures
**     b.end_x - a.start_x   wide, with   b.end_stretch - a.start_stretch
** of stretch and the same difference of shrink.  The breaker picks the
** breaks that minimise the sum of the lines' demerits.
*/
#ifndef LINEFIT_H
#define LINEFIT_H

#include <stddef.h>

enum { LF_FORCED = 1, LF_HYPHEN = 2 };

struct lf_point {
    double end_x, end_stretch, end_shrink;       /* totals where a line ending here ends */
    double start_x, start_stretch, start_shrink; /* totals where the next line starts */
    size_t end_chars, start_chars;               /* characters, the same way (runts) */
    float  penalty;        /* demerits' penalty for breaking here (hyphen, forced cut) */
    unsigned flags;        /* LF_FORCED: a line ending here is a last line (not
                              justified); LF_HYPHEN: it ends with a hyphen */
};

struct lf_result {
    size_t *breaks;        /* indexes into the points of the chosen breaks, in order,
                              the last one always the final point; owned */
    size_t nbreaks;
    int    loose;          /* no set of breaks kept every line within the stretch
                              limit: the lines were broken without it */
};

/* Break points[0..n) (points[0] the paragraph's start, points[n-1] its end,
** which must be LF_FORCED) into lines `width` wide, the first one
** `first_width`.  A stretch ratio of 1 is the most a line may stretch in
** the first pass (the caller scales stretch to make it 0.25 em a gap); a
** line with less stretch than `min_stretch` (one gap's) counts as having
** that much, so lines that cannot stretch still rank by how full they are. */
void linefit_break(const struct lf_point *points, size_t n, double first_width, double width,
                   double min_stretch, struct lf_result *out);
void linefit_free(struct lf_result *r);

#endif

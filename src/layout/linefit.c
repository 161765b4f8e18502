/*
** linefit.c: total-fit line breaking (Knuth-Plass) over break points.
**
** Written here rather than taken from a library: Debian has no C library
** for it (TeX's is inside the engine), and what it must weigh is ours:
** stretch measured in quarter ems per gap (clreq justification), shrink
** from punctuation's blank halves that costs less than stretch, and the
** runt penalty for a paragraph's one-character last line.
**
** The usual algorithm: walk the break points in order, keeping the
** "active" breaks a line could still start from; from each, the line to
** the current point gets a badness from its stretch or shrink ratio, and
** the best way to reach the point in each of four fitness classes
** (tight, decent, loose, very loose) becomes a new active break.  A break
** whose line to the current point is already too wide to shrink is
** dropped, so the active list never holds more than a line's worth of
** breaks: the work per point is bounded by the breaks on one line.
**
** Up to three passes: the first allows no line to stretch past ratio 1
** (a quarter em a gap, as para.c scales it); when no set of breaks does
** that, the second allows ten times as much, and the third any stretch
** and, where even one token is wider than the line, an overfull line; the
** result says whether it was loose (not the first pass).  The limits are
** what bound the work: a break whose line is too short for the pass is not
** weighed, and the active breaks are in text order, so the loop over them
** stops at the first such.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "linefit.h"
#include "../base/mem.h"

enum { FIT_TIGHT, FIT_DECENT, FIT_LOOSE, FIT_VERY_LOOSE, FIT_COUNT };

#define LINE_PENALTY   10.0
#define MISMATCH_DEMERITS 3000.0   /* neighbouring lines two fitness classes apart */
#define HYPHENS_DEMERITS  3000.0   /* two hyphenated lines in a row */
#define RUNT_DEMERITS  1e7         /* a last line of fewer than two characters */
#define OVERFULL_DEMERITS 1e9      /* a line wider than the measure (second pass only) */
#define SHRINK_COST    0.5         /* shrinking costs half what stretching does */
#define LOOSE_RATIO    10.0        /* the second pass: 2.5 em a gap */
#define MAX_BADNESS    1e30        /* large enough to keep worse lines worse */

struct node {
    size_t point;
    size_t prev;           /* index of the node the line before starts from; SIZE_MAX: none */
    size_t line;           /* lines before this break */
    double demerits;       /* total to here */
    int    fitness;
    int    hyphen;
};

struct fit {
    const struct lf_point *points;
    size_t n;
    double first_width, width, min_stretch, max_ratio;
    struct node *nodes;  size_t nnodes, capnodes;
    size_t *active;      size_t nactive, capactive;
};

static size_t push_node(struct fit *f, const struct node *nd) {
    if (f->nnodes == f->capnodes) {
        f->capnodes = f->capnodes ? mem_mul(f->capnodes, 2) : 64;
        f->nodes = xreallocarray(f->nodes, f->capnodes, sizeof *f->nodes, "line break nodes");
    }
    f->nodes[f->nnodes] = *nd;
    return f->nnodes++;
}

static void push_active(struct fit *f, size_t node) {
    if (f->nactive == f->capactive) {
        f->capactive = f->capactive ? mem_mul(f->capactive, 2) : 64;
        f->active = xreallocarray(f->active, f->capactive, sizeof *f->active, "active breaks");
    }
    f->active[f->nactive++] = node;
}

/* The adjustment ratio of the line from node a to point b: > 0 stretch
** (1 = the nominal stretch used up), < 0 shrink (-1 = all of it). */
static double line_ratio(const struct fit *f, const struct node *a, const struct lf_point *b) {
    const struct lf_point *pa = &f->points[a->point];
    double measure = a->line == 0 ? f->first_width : f->width;
    double slack = measure - (b->end_x - pa->start_x);
    double stretch = b->end_stretch - pa->start_stretch;
    double shrink = b->end_shrink - pa->start_shrink;
    if (slack >= -0.01) {
        if (b->flags & LF_FORCED || slack <= 0.01) return 0;
        /* a line with no gaps to widen still ranks by its slack */
        return slack / (stretch > f->min_stretch ? stretch : f->min_stretch);
    }
    return shrink > 0 ? slack / shrink : -HUGE_VAL;
}

static int fitness_of(double r) {
    if (r < -0.5) return FIT_TIGHT;
    if (r <= 0.5) return FIT_DECENT;
    if (r <= 1) return FIT_LOOSE;
    return FIT_VERY_LOOSE;
}

static double demerits_of(const struct fit *f, const struct node *a, const struct lf_point *b,
                          double r, int fitness) {
    double bad = r >= 0 ? 100 * r * r * r : SHRINK_COST * 100 * -r * -r * -r, d;
    if (bad > MAX_BADNESS) bad = MAX_BADNESS;
    d = (LINE_PENALTY + bad) * (LINE_PENALTY + bad);
    if (b->penalty > 0) d += (double)b->penalty * b->penalty;
    if ((b->flags & LF_HYPHEN) && a->hyphen) d += HYPHENS_DEMERITS;
    if (abs(fitness - a->fitness) > 1) d += MISMATCH_DEMERITS;
    if ((b->flags & LF_FORCED) && b->end_chars - f->points[a->point].start_chars < 2)
        d += RUNT_DEMERITS;
    return a->demerits + d;
}

/* Consider every active break as the start of a line ending at point b;
** returns 0 when no line can reach b in this pass. */
static int reach_point(struct fit *f, size_t b) {
    const struct lf_point *pb = &f->points[b];
    struct node best[FIT_COUNT];
    size_t i, kept = 0, dropped = SIZE_MAX;
    double least;
    int k, found = 0, short_from = 0;
    for (k = 0; k < FIT_COUNT; k++) best[k].demerits = HUGE_VAL;
    for (i = 0; i < f->nactive; i++) {
        size_t a = f->active[i];
        const struct node *na = &f->nodes[a];
        double r, d;
        int fit;
        /* Active breaks are in text order, so their lines to b get shorter
        ** (and stretch less): past the first one too loose for this pass,
        ** every one is, and is only kept. */
        if (short_from) {
            memmove(&f->active[kept], &f->active[i], (f->nactive - i) * sizeof *f->active);
            kept += f->nactive - i;
            break;
        }
        r = line_ratio(f, na, pb);
        if (r < -1.0001) {                              /* too wide now, and later */
            /* kept for an overfull line: the latest break, then the cheapest */
            if (dropped == SIZE_MAX || na->point > f->nodes[dropped].point
                || (na->point == f->nodes[dropped].point
                    && na->demerits < f->nodes[dropped].demerits))
                dropped = a;
            continue;
        }
        f->active[kept++] = a;
        if (r > f->max_ratio && !(pb->flags & LF_FORCED)) { short_from = 1; continue; }
        fit = fitness_of(r);
        d = demerits_of(f, na, pb, r, fit);
        if (d < best[fit].demerits) {
            best[fit] = (struct node){ b, a, na->line + 1, d, fit, (pb->flags & LF_HYPHEN) != 0 };
            found = 1;
        }
    }
    f->nactive = kept;
    if (!found && kept == 0 && dropped != SIZE_MAX) {
        const struct node *na = &f->nodes[dropped];
        if (!isinf(f->max_ratio)) return 0;
        /* one token wider than the line: set it overfull rather than lose it */
        best[FIT_DECENT] = (struct node){ b, dropped, na->line + 1,
                                          na->demerits + OVERFULL_DEMERITS, FIT_DECENT,
                                          (pb->flags & LF_HYPHEN) != 0 };
        found = 1;
    }
    if (pb->flags & LF_FORCED) f->nactive = 0;         /* every line starts here now */
    /* Breaks at one point differ later only by the mismatch demerits their
    ** fitness may cost: one dearer than the cheapest by more than that
    ** can never win, and is not kept (this keeps most points to one node). */
    least = HUGE_VAL;
    for (k = 0; k < FIT_COUNT; k++) if (best[k].demerits < least) least = best[k].demerits;
    for (k = 0; k < FIT_COUNT; k++)
        if (!isinf(best[k].demerits) && best[k].demerits <= least + MISMATCH_DEMERITS)
            push_active(f, push_node(f, &best[k]));
    return found || f->nactive > 0;
}

static int run_pass(struct fit *f) {
    struct node start = { 0, SIZE_MAX, 0, 0, FIT_DECENT, 0 };
    size_t b;
    f->nnodes = f->nactive = 0;
    push_active(f, push_node(f, &start));
    for (b = 1; b < f->n; b++)
        if (!reach_point(f, b)) return 0;
    return 1;
}

/* The best node at the last point, and the chain of breaks back to the start. */
static void trace(const struct fit *f, struct lf_result *out) {
    size_t i, best = SIZE_MAX, k, count = 0;
    for (i = 0; i < f->nnodes; i++)
        if (f->nodes[i].point == f->n - 1
            && (best == SIZE_MAX || f->nodes[i].demerits < f->nodes[best].demerits))
            best = i;
    for (k = best; k != SIZE_MAX && f->nodes[k].prev != SIZE_MAX; k = f->nodes[k].prev) count++;
    out->breaks = xreallocarray(NULL, count ? count : 1, sizeof *out->breaks, "line breaks");
    out->nbreaks = count;
    for (k = best; count > 0; k = f->nodes[k].prev) out->breaks[--count] = f->nodes[k].point;
}

void linefit_break(const struct lf_point *points, size_t n, double first_width, double width,
                   double min_stretch, struct lf_result *out) {
    struct fit f = { points, n, first_width, width, min_stretch > 0 ? min_stretch : 1e-3, 1.0,
                     NULL, 0, 0, NULL, 0, 0 };
    out->breaks = NULL;
    out->nbreaks = 0;
    out->loose = 0;
    if (n < 2) {
        out->breaks = xmalloc(sizeof *out->breaks, "line breaks");
        return;
    }
    if (!run_pass(&f)) {
        out->loose = 1;
        f.max_ratio = LOOSE_RATIO;
        if (!run_pass(&f)) {
            f.max_ratio = HUGE_VAL;
            run_pass(&f);        /* always reaches the end: overfull lines at worst */
        }
    }
    trace(&f, out);
    free(f.nodes);
    free(f.active);
}

void linefit_free(struct lf_result *r) {
    free(r->breaks);
    r->breaks = NULL;
    r->nbreaks = 0;
}

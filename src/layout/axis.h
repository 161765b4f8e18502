/*
** axis.h: chart geometry that needs no fonts: "nice" tick values for an
** axis (Heckbert, Graphics Gems I, "Nice numbers for graph labels") and
** placement of pie-slice labels so that no two overlap.
*/
#ifndef AXIS_H
#define AXIS_H

#include <stddef.h>

struct axis_ticks {
    double lo, hi;      /* axis range, both multiples of step */
    double step;        /* distance between ticks: 1, 2 or 5 times a power of ten */
    int    count;       /* ticks from lo to hi inclusive */
    int    decimals;    /* digits after the point that label the ticks exactly */
};

/* Round ticks covering [min, max] with about `target` ticks (>= 2).  A
** single value, or min == max, still gets a range around it; when
** `include_zero` the range reaches 0 (bars start at the baseline). */
void axis_nice_ticks(double min, double max, int target, int include_zero,
                     struct axis_ticks *out);

/* Value of tick i, rounded to the step's decimals (no -0, no 0.30000000004). */
double axis_tick_value(const struct axis_ticks *t, int i);

struct pie_label {
    /* in */
    double mid_angle;   /* radians, 0 = 12 o'clock, clockwise */
    double w, h;        /* label box size */
    /* out */
    double x, y;        /* box centre */
    int    outside;     /* 1: outside the pie with a leader line */
    double anchor_x, anchor_y;   /* where the leader leaves the pie edge */
    double elbow_x, elbow_y;     /* the leader's bend */
};

/* Place labels of a pie (or donut) centred at (cx, cy) with outer radius
** r: a slice of at least `inside_min` of the circle (a fraction) whose box
** fits gets its label inside at `inner_r`..r; the rest go outside on the
** side of their slice, stacked so no two boxes intersect, within
** [bottom, top].  Fractions are per label, in slice order. */
void axis_place_pie_labels(struct pie_label *labels, const double *fractions, size_t n,
                           double cx, double cy, double r, double inner_r,
                           double inside_min, double bottom, double top);

#endif

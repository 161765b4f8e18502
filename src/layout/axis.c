/*
** axis.c: nice tick values and pie label placement.
**
** Ticks: the classic loose labelling: round the range to a nice number,
** then the step to a nice number (1, 2, 5 x 10^k), and widen the range to
** multiples of the step.  Pie labels: thick slices keep their label
** inside; thin ones go out on their side of the pie, and each side is a
** column of boxes pushed apart top-down, then bottom-up if the column ran
** past the bottom, so no two boxes overlap.
*/
#include <math.h>
#include <stdlib.h>
#include "axis.h"
#include "../base/mem.h"

/* A nice number near x: 1, 2, 5 or 10 times a power of ten; rounded to
** the nearest when `round`, else the smallest not below x. */
static double nice_number(double x, int round) {
    double e = floor(log10(x)), f = x / pow(10, e), nf;
    if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * pow(10, e);
}

void axis_nice_ticks(double min, double max, int target, int include_zero,
                     struct axis_ticks *out) {
    double range, step;
    if (target < 2) target = 2;
    if (min > max) { double t = min; min = max; max = t; }
    if (include_zero) { if (min > 0) min = 0; if (max < 0) max = 0; }
    if (max - min < fabs(max) * 1e-12 || max == min) {
        /* One value: a range of one nice unit around it. */
        double unit = max == 0 ? 1 : nice_number(fabs(max), 0);
        if (max >= 0) { min = include_zero || max == 0 ? 0 : max - unit; max = max + (max == 0 ? unit : 0); }
        else { max = include_zero ? 0 : max + unit; }
        if (max == min) max = min + unit;
    }
    range = max - min;
    step = nice_number(range / (target - 1), 1);
    /* The tolerance absorbs 0.3 / 0.1 = 2.9999999999999996; the checks
    ** after it keep the data covered whatever the tolerance did. */
    out->lo = floor(min / step + 1e-9) * step;
    out->hi = ceil(max / step - 1e-9) * step;
    if (out->lo > min) out->lo -= step;
    if (out->hi < max) out->hi += step;
    out->step = step;
    out->count = (int)floor((out->hi - out->lo) / step + 0.5) + 1;
    out->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    out->lo = axis_tick_value(out, 0);
    out->hi = axis_tick_value(out, out->count - 1);
}

double axis_tick_value(const struct axis_ticks *t, int i) {
    double v = t->lo + i * t->step, scale = pow(10, t->decimals);
    v = round(v * scale) / scale;
    return v == 0 ? 0 : v;          /* no negative zero */
}

/* ---- pie labels --------------------------------------------------------------- */

static void point_at(double cx, double cy, double radius, double angle, double *x, double *y) {
    *x = cx + radius * sin(angle);
    *y = cy + radius * cos(angle);
}

static int fits_inside(const struct pie_label *l, double fraction, double r, double inner_r) {
    double ring = r - inner_r, mid = (r + inner_r) / 2;
    double arc = 2 * M_PI * fraction * mid;      /* length of the slice along the mid circle */
    double diag = sqrt(l->w * l->w + l->h * l->h);
    return diag < arc * 0.9 && (inner_r <= 0 ? diag < r * 1.1 : diag < ring * 0.95);
}

static int by_y_desc(const void *a, const void *b) {
    const struct pie_label *la = *(const struct pie_label *const *)a;
    const struct pie_label *lb = *(const struct pie_label *const *)b;
    return la->y < lb->y ? 1 : la->y > lb->y ? -1 : 0;
}

/* Stack one side's labels: keep each at its wanted y unless that would
** overlap the one above; then, if the column ran below `bottom`, push up. */
static void stack_side(struct pie_label **side, size_t n, double bottom, double top) {
    size_t i;
    const double gap = 1.0;
    if (n == 0) return;
    qsort(side, n, sizeof *side, by_y_desc);
    if (side[0]->y + side[0]->h / 2 > top) side[0]->y = top - side[0]->h / 2;
    for (i = 1; i < n; i++) {
        double limit = side[i - 1]->y - side[i - 1]->h / 2 - gap - side[i]->h / 2;
        if (side[i]->y > limit) side[i]->y = limit;
    }
    if (side[n - 1]->y - side[n - 1]->h / 2 < bottom) {
        side[n - 1]->y = bottom + side[n - 1]->h / 2;
        for (i = n - 1; i > 0; i--) {
            double limit = side[i]->y + side[i]->h / 2 + gap + side[i - 1]->h / 2;
            if (side[i - 1]->y < limit) side[i - 1]->y = limit;
        }
    }
}

void axis_place_pie_labels(struct pie_label *labels, const double *fractions, size_t n,
                           double cx, double cy, double r, double inner_r,
                           double inside_min, double bottom, double top) {
    struct pie_label **left = xreallocarray(NULL, n, sizeof *left, "pie labels");
    struct pie_label **right = xreallocarray(NULL, n, sizeof *right, "pie labels");
    size_t i, nl = 0, nr = 0;
    for (i = 0; i < n; i++) {
        struct pie_label *l = &labels[i];
        double a = l->mid_angle;
        l->outside = !(fractions[i] >= inside_min && fits_inside(l, fractions[i], r, inner_r));
        if (!l->outside) {
            point_at(cx, cy, inner_r > 0 ? (r + inner_r) / 2 : r * 0.62, a, &l->x, &l->y);
            continue;
        }
        point_at(cx, cy, r, a, &l->anchor_x, &l->anchor_y);
        point_at(cx, cy, r * 1.15, a, &l->elbow_x, &l->elbow_y);
        l->y = l->elbow_y;
        if (sin(a) >= 0) right[nr++] = l; else left[nl++] = l;
    }
    stack_side(right, nr, bottom, top);
    stack_side(left, nl, bottom, top);
    /* Boxes sit beside the pie, clear of it; the leader bends at the
    ** label's height. */
    for (i = 0; i < nr; i++) {
        right[i]->x = cx + r * 1.25 + right[i]->w / 2;
        right[i]->elbow_y = right[i]->y;
    }
    for (i = 0; i < nl; i++) {
        left[i]->x = cx - r * 1.25 - left[i]->w / 2;
        left[i]->elbow_y = left[i]->y;
    }
    free(left);
    free(right);
}

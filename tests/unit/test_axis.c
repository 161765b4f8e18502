/*
** test_axis.c: the tick algorithm and pie label placement.
*/
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "../../src/layout/axis.h"

/* Ticks cover the data, are evenly spaced nice numbers, and are few. */
static void check_ticks(double min, double max, int target, int zero) {
    struct axis_ticks t;
    int i;
    double mant, e;
    axis_nice_ticks(min, max, target, zero, &t);
    CHECK_MSG(t.lo <= fmin(min, max) + 1e-12 && t.hi >= fmax(min, max) - 1e-12,
              "[%g, %g] not covered by [%g, %g]", min, max, t.lo, t.hi);
    CHECK_MSG(t.count >= 2 && t.count <= 2 * target + 1, "[%g, %g]: %d ticks for target %d",
              min, max, t.count, target);
    e = floor(log10(t.step));
    mant = t.step / pow(10, e);
    CHECK_MSG(fabs(mant - 1) < 1e-9 || fabs(mant - 2) < 1e-9 || fabs(mant - 5) < 1e-9 ||
              fabs(mant - 10) < 1e-9, "step %g is not 1, 2 or 5 x 10^k", t.step);
    for (i = 0; i < t.count; i++) {
        double v = axis_tick_value(&t, i), k = v / t.step;
        CHECK_MSG(fabs(k - round(k)) < 1e-6 * fmax(1, fabs(k)), "tick %g is not a multiple of %g", v, t.step);
        CHECK_MSG(!(v == 0 && signbit(v)), "negative zero tick");
    }
    if (zero) CHECK_MSG(t.lo <= 0 && t.hi >= 0, "[%g, %g] lacks zero", t.lo, t.hi);
}

static void test_ticks(void) {
    struct axis_ticks t;
    axis_nice_ticks(0, 131, 6, 1, &t);           /* GCI ranks */
    CHECK(t.lo == 0 && t.hi == 140 && t.step == 20 && t.count == 8);
    axis_nice_ticks(-37.5, 82, 5, 0, &t);         /* crossing zero */
    CHECK(t.lo == -40 && t.hi == 100 && t.step == 20);
    CHECK(axis_tick_value(&t, 2) == 0);
    axis_nice_ticks(0.001, 0.0042, 5, 0, &t);    /* tiny */
    CHECK(t.step == 0.001 && t.decimals == 3 && axis_tick_value(&t, 0) == 0.001);
    axis_nice_ticks(0.1, 0.3, 3, 0, &t);          /* 0.1 + 2*0.1 must print 0.3 */
    CHECK(axis_tick_value(&t, t.count - 1) == 0.3);
    axis_nice_ticks(0, 7.3e12, 5, 1, &t);         /* huge */
    CHECK(t.step == 2e12 && t.hi == 8e12);
    axis_nice_ticks(42, 42, 5, 1, &t);            /* a single value, bars */
    CHECK(t.lo == 0 && t.hi >= 42);
    axis_nice_ticks(42, 42, 5, 0, &t);            /* a single value, lines */
    CHECK(t.lo < 42 && t.hi >= 42);
    axis_nice_ticks(0, 0, 5, 1, &t);              /* all zero */
    CHECK(t.lo == 0 && t.hi > 0);
    axis_nice_ticks(-5, -5, 5, 1, &t);            /* a single negative value */
    CHECK(t.lo <= -5 && t.hi == 0);
    check_ticks(0, 131, 6, 1);
    check_ticks(-37.5, 82, 5, 0);
    check_ticks(-1e-7, 3e-7, 5, 0);
    check_ticks(1e9, 1e9 + 3, 5, 0);              /* large offset, small range */
    check_ticks(-900, -100, 4, 1);
    check_ticks(3, 3, 5, 0);
    check_ticks(0.2, 99.8, 10, 1);
    for (int k = 0; k < 200; k++) {               /* random ranges */
        double a = (rand() / (double)RAND_MAX - 0.5) * pow(10, rand() % 12 - 4);
        double b = a + rand() / (double)RAND_MAX * pow(10, rand() % 12 - 4);
        check_ticks(a, b, 2 + rand() % 8, rand() % 2);
    }
}

static int boxes_intersect(const struct pie_label *a, const struct pie_label *b) {
    return fabs(a->x - b->x) < (a->w + b->w) / 2 && fabs(a->y - b->y) < (a->h + b->h) / 2;
}

/* n slices: the first two thick, the rest thin (1% down to tiny). */
static void test_pie(size_t n, int donut, int variant) {
    struct pie_label labels[12];
    double fractions[12], total = 0, angle = 0;
    size_t i, j;
    for (i = 0; i < n; i++) {
        fractions[i] = variant == 0 ? (i < 2 ? 30 : 1) : variant == 1 ? 1.0 + (double)i
                     : (i % 3 == 0 ? 20 : 1);
        total += fractions[i];
    }
    for (i = 0; i < n; i++) {
        fractions[i] /= total;
        labels[i].mid_angle = (angle + fractions[i] / 2) * 2 * M_PI;
        angle += fractions[i];
        labels[i].w = 40 + 6 * (double)(i % 4);    /* "网络安全 12.3%" at 9 pt, roughly */
        labels[i].h = 11;
    }
    axis_place_pie_labels(labels, fractions, n, 200, 200, 60, donut ? 36 : 0, 0.06, 40, 360);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            CHECK_MSG(!boxes_intersect(&labels[i], &labels[j]),
                      "%zu slices (variant %d, donut %d): labels %zu and %zu overlap", n, variant,
                      donut, i, j);
    for (i = 0; i < n; i++) {
        if (!labels[i].outside) continue;
        /* An outside box clears the pie entirely. */
        double dx = fabs(labels[i].x - 200) - labels[i].w / 2;
        CHECK_MSG(dx >= 60, "%zu slices: outside label %zu overlaps the pie", n, i);
        CHECK_MSG(labels[i].y - labels[i].h / 2 >= 40 - 1e-9 && labels[i].y + labels[i].h / 2 <= 360 + 1e-9,
                  "%zu slices: label %zu out of the chart", n, i);
    }
}

int main(void) {
    size_t n;
    int v;
    test_ticks();
    for (n = 2; n <= 12; n++)
        for (v = 0; v < 3; v++) {
            test_pie(n, 0, v);
            test_pie(n, 1, v);
        }
    return CHECK_DONE();
}

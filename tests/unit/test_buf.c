/*
** test_buf.c: buf_put_fixed and buf_put_hex4 against snprintf's "%.*f" and
** "%04X": random floats and doubles over many magnitudes, exact ties
** (k / 2^n), the neighbours of every rounding boundary, negative values
** that round to zero ("-0.000"), and the values left to printf (NaN,
** infinities, beyond 2^52).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "../../src/base/buf.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void) {     /* xorshift64*: repeatable */
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Du;
}

static long mismatches;
static char first_bad[1024];

/* One value at each number of decimals the writer uses and more. */
static void compare(double v) {
    int d;
    for (d = 0; d <= 4; d++) {
        char want[400];
        struct buf b;
        buf_init(&b);
        snprintf(want, sizeof want, "%.*f", d, v);
        buf_put_fixed(&b, v, d);
        if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0) {
            if (mismatches++ == 0)
                snprintf(first_bad, sizeof first_bad, "%.17g at %d decimals: \"%s\", got \"%.*s\"",
                         v, d, want, (int)(b.len < 60 ? b.len : 60), (const char *)b.data);
        }
        buf_free(&b);
    }
}

static void both_signs(double v) { compare(v); compare(-v); }

static void check_group(const char *what, void (*gen)(void)) {
    mismatches = 0;
    gen();
    CHECK_MSG(mismatches == 0, "%s: %ld mismatches, first %s", what, mismatches, first_bad);
}

static void random_floats(void) {       /* what the layout passes: floats */
    long i;
    for (i = 0; i < 100000; i++) {
        uint32_t bits = (uint32_t)next_random();
        float f;
        memcpy(&f, &bits, sizeof f);
        if (isfinite(f)) compare(f);
    }
}

static void page_floats(void) {         /* coordinates on a page, sizes, colours */
    long i;
    for (i = 0; i < 50000; i++) {
        double u = (double)(next_random() >> 11) / 9007199254740992.0;
        both_signs((float)(u * 1000.0));
        both_signs((float)u);
        both_signs((float)(u * 0.01));
    }
}

static void random_doubles(void) {
    long i;
    for (i = 0; i < 50000; i++) {
        double u = (double)(next_random() >> 11) / 9007199254740992.0;
        int e = (int)(next_random() % 120) - 60;
        both_signs(ldexp(u, e));
    }
}

static void ties(void) {                /* k / 2^n: exact halves at some decimals */
    int n;
    long k;
    for (n = 0; n <= 12; n++)
        for (k = 0; k < 2000; k++) both_signs(ldexp((double)k, -n));
}

static void boundaries(void) {          /* just either side of x.xxx5 */
    long k;
    int d;
    for (d = 0; d <= 4; d++)
        for (k = 0; k < 5000; k++) {
            double mid = ((double)k + 0.5) / pow(10, d);
            both_signs(mid);
            both_signs(nextafter(mid, 0));
            both_signs(nextafter(mid, 1e300));
            both_signs((float)mid);
            both_signs(nextafterf((float)mid, 0));
            both_signs(nextafterf((float)mid, 1e30f));
        }
}

static void edges(void) {
    static const double v[] = {
        0.0, 1e-300, 5e-324, 0.0004999, 0.0005, 0.0005000001, 0.04999, 0.05, 0.5, 1.5, 2.5,
        0.125, 0.375, 999.9995, 9.9995, 99.995, 1e15, 4503599627370495.0, 4503599627370495.5,
        4503599627370496.0, 9007199254740993.0, 1e20, 1e300, 3.4028234663852886e38,
    };
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) both_signs(v[i]);
    both_signs(INFINITY);
    compare(NAN);
}

int main(void) {
    unsigned v;
    int bad = 0;
    check_group("random float bit patterns", random_floats);
    check_group("page-sized floats", page_floats);
    check_group("random doubles 2^-60..2^60", random_doubles);
    check_group("exact ties k/2^n", ties);
    check_group("rounding boundaries", boundaries);
    check_group("edges, -0.0, NaN, infinities, huge", edges);
    {   /* -0.0 and small negatives keep their sign, as printf does */
        struct buf b;
        buf_init(&b);
        buf_put_fixed(&b, -0.0, 3);
        buf_put_fixed(&b, -0.0004, 3);
        CHECK(b.len == 12 && memcmp(b.data, "-0.000-0.000", 12) == 0);
        buf_free(&b);
    }
    for (v = 0; v <= 0xFFFF; v++) {
        char want[8];
        struct buf b;
        buf_init(&b);
        snprintf(want, sizeof want, "%04X", v);
        buf_put_hex4(&b, (uint16_t)v);
        bad += b.len != 4 || memcmp(b.data, want, 4) != 0;
        buf_free(&b);
    }
    CHECK_MSG(bad == 0, "buf_put_hex4: %d of 65536 differ from %%04X", bad);
    return CHECK_DONE();
}

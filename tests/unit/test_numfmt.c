/*
** test_numfmt.c: the number formats of table columns and report.format:
** each format on ordinary, negative, zero, absent (NULL), very large and
** very small values, rounding half away from zero, and -0.
*/
#include <math.h>
#include <string.h>
#include "check.h"
#include "../../src/text/numfmt.h"

/* Format `v` with `spec` and compare with `want`. */
static void expect(const char *spec, double v, const char *want) {
    struct numfmt f;
    struct rc_err err = {0};
    char out[NUMFMT_BUFSIZE];
    size_t n;
    if (numfmt_parse(spec, &f, &err) != RC_OK) {
        CHECK_MSG(0, "%s: parse failed: %s", spec, err.msg);
        return;
    }
    n = numfmt_format(&f, &v, "—", out, sizeof out);
    CHECK_MSG(strcmp(out, want) == 0 && n == strlen(want), "%s of %.17g: got '%s', want '%s'",
              spec, v, out, want);
}

static void expect_null(const char *spec) {
    struct numfmt f;
    struct rc_err err = {0};
    char out[64];
    CHECK(numfmt_parse(spec, &f, &err) == RC_OK);
    CHECK_MSG(numfmt_format(&f, NULL, "—", out, sizeof out) == strlen("—") && strcmp(out, "—") == 0,
              "%s of NULL: got '%s'", spec, out);
    CHECK(numfmt_format(&f, NULL, "n/a", out, sizeof out) == 3 && strcmp(out, "n/a") == 0);
    {
        double nan_value = NAN;
        numfmt_format(&f, &nan_value, "—", out, sizeof out);
        CHECK_MSG(strcmp(out, "—") == 0, "%s of NaN: got '%s'", spec, out);
    }
}

static void expect_bad(const char *spec, const char *says) {
    struct numfmt f;
    struct rc_err err = {0};
    CHECK_MSG(numfmt_parse(spec, &f, &err) == RC_DATA && strstr(err.msg, says) != NULL,
              "spec '%s': message '%s' lacks '%s'", spec, err.msg, says);
}

/* GB/T 15835-2011: no separator for integers of up to four digits. */
static void gb15835(void) {
    expect("gb15835", 9999, "9999");
    expect("gb15835", 1000, "1000");
    expect("gb15835", 12345, "12,345");
    expect("gb15835", 9999.5, "10,000");
    expect("gb15835", -12345, "-12,345");
    expect("gb15835", -9999, "-9999");
    expect("gb15835", 1234567, "1,234,567");
    expect("gb15835:2", 1234.5678, "1234.57");
    expect("gb15835:3", 12345.6789, "12,345.679");
    expect("gb15835", 0, "0");
}

static void thousands(void) {
    expect("thousands", 1234567, "1,234,567");
    expect("thousands", 1234567.5, "1,234,568");
    expect("thousands", -1234567.5, "-1,234,568");
    expect("thousands", 999, "999");
    expect("thousands", 1000, "1,000");
    expect("thousands", 999.5, "1,000");
    expect("thousands", 0, "0");
    expect("thousands", -0.0, "0");
    expect("thousands", -0.4, "0");
    expect("thousands:2", 1234.5, "1,234.50");
    expect("thousands:2", -0.004, "0.00");
    expect("thousands:2", -0.005, "-0.01");
    expect("thousands", 1e15, "1,000,000,000,000,000");
    expect("thousands", 9007199254740993.0, "9,007,199,254,740,992");
    expect("thousands", 1e21, "1,000,000,000,000,000,000,000");
    expect("thousands", -123456789012.0, "-123,456,789,012");
}

static void fixed(void) {
    expect("fixed:2", 3.14159, "3.14");
    expect("fixed:2", 2.675, "2.68");          /* the decimal the data says, not 2.67499.. */
    expect("fixed:2", 1.005, "1.01");
    expect("fixed:2", -1.005, "-1.01");
    expect("fixed:0", 2.5, "3");
    expect("fixed:0", -2.5, "-3");
    expect("fixed:2", 0, "0.00");
    expect("fixed:2", -0.0, "0.00");
    expect("fixed:3", 0.0004, "0.000");
    expect("fixed:3", 0.0005, "0.001");
    expect("fixed:1", 9.96, "10.0");
    expect("fixed:1", 99.95, "100.0");
    expect("fixed:2", 1e-300, "0.00");
    expect("fixed:10", 0.1, "0.1000000000");
    expect("fixed:2", 5e-324, "0.00");
    {   /* a very large value is the number the data says: 1 and 300 zeros */
        char want[310];
        want[0] = '1';
        memset(want + 1, '0', 300);
        want[301] = '\0';
        expect("fixed:0", 1e300, want);
    }
}

static void percent(void) {
    expect("percent:1", 0.123, "12.3%");
    expect("percent", 0.123, "12.3%");
    expect("percent:0", 0.125, "13%");
    expect("percent:2", 0.07, "7.00%");
    expect("percent:1", -0.0456, "-4.6%");
    expect("percent:1", 0, "0.0%");
    expect("percent:1", -0.00001, "0.0%");
    expect("percent:1", 1, "100.0%");
    expect("percent:1", 123456.789, "12345678.9%");
    expect("pct:1", 12.3, "12.3%");
    expect("pct", 12.34, "12.3%");
    expect("pct:0", 99.5, "100%");
    expect("pct:1", -3.25, "-3.3%");
    expect("pct:1", 0, "0.0%");
}

static void units(void) {
    expect("yi", 123456789, "1.23亿");
    expect("yi:1", 123456789, "1.2亿");
    expect("yi", -123456789, "-1.23亿");
    expect("yi", 0, "0.00亿");
    expect("yi", 1e16, "100000000.00亿");
    expect("yi", 499999, "0.00亿");
    expect("yi", 500000, "0.01亿");
    expect("wan", 35000, "3.50万");
    expect("wan:0", 123456, "12万");
    expect("wan:1", -15000, "-1.5万");
    expect("wan", -1, "0.00万");
    expect("wan", 12345678, "1234.57万");
}

static void limits(void) {
    struct numfmt f = { NUMFMT_THOUSANDS, 0 };
    double v = 1234567, inf = INFINITY, ninf = -INFINITY;
    char small[6];
    /* like snprintf: truncated but terminated, returns the full length */
    CHECK(numfmt_format(&f, &v, "—", small, sizeof small) == 9 && strcmp(small, "1,234") == 0);
    CHECK(numfmt_format(&f, &inf, "—", small, sizeof small) == strlen("∞"));
    CHECK(strcmp(small, "∞") == 0);
    numfmt_format(&f, &ninf, "—", small, sizeof small);
    CHECK(strcmp(small, "-∞") == 0);
    {   /* the largest double with grouping and the most decimals fits the buffer */
        struct numfmt big = { NUMFMT_THOUSANDS, NUMFMT_MAX_DECIMALS };
        double max = 1.7976931348623157e308;
        char out[NUMFMT_BUFSIZE];
        size_t n = numfmt_format(&big, &max, "—", out, sizeof out);
        CHECK(n < sizeof out && n == strlen(out) && strncmp(out, "179,769,313,486,231,57", 22) == 0);
        max = -max;
        n = numfmt_format(&big, &max, "—", out, sizeof out);
        CHECK(n < sizeof out && out[0] == '-');
    }
}

int main(void) {
    thousands();
    gb15835();
    fixed();
    percent();
    units();
    limits();
    expect_null("thousands");
    expect_null("percent:1");
    expect_null("yi");
    expect_bad("thousand", "unknown number format 'thousand'");
    expect_bad("fixed", "needs its decimals");
    expect_bad("fixed:x", "decimals must be 0 to 10");
    expect_bad("fixed:11", "decimals must be 0 to 10");
    expect_bad("fixed:", "decimals must be");
    expect_bad("", "unknown number format");
    return CHECK_DONE();
}

/*
** numfmt.c: number formats (see numfmt.h).
**
** A double is turned into its shortest round-tripping decimal digits once;
** everything after that (scaling by 100, 10^-4 or 10^-8, rounding,
** grouping) is done on the digit string, so no step adds binary noise:
** 0.123 as a percent is exactly 12.3, and 2.675 at two decimals is 2.68.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "numfmt.h"

static const struct { const char *name; enum numfmt_kind kind; int decimals; } FORMATS[] = {
    { "thousands", NUMFMT_THOUSANDS, 0 }, { "fixed", NUMFMT_FIXED, -1 },
    { "percent", NUMFMT_PERCENT, 1 },     { "pct", NUMFMT_PCT, 1 },
    { "wan", NUMFMT_WAN, 2 },             { "yi", NUMFMT_YI, 2 },
    { "gb15835", NUMFMT_GB15835, 0 },
    { NULL, 0, 0 }
};

static int parse_decimals(const char *s, int *out) {
    int d = 0;
    if (*s == '\0') return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        d = d * 10 + (*s - '0');
        if (d > NUMFMT_MAX_DECIMALS) return -1;
    }
    *out = d;
    return 0;
}

int numfmt_parse(const char *spec, struct numfmt *out, struct rc_err *err) {
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    int i;
    for (i = 0; FORMATS[i].name; i++)
        if (strlen(FORMATS[i].name) == len && strncmp(FORMATS[i].name, spec, len) == 0) break;
    if (FORMATS[i].name == NULL)
        return rc_fail(err, RC_DATA, "unknown number format '%s' (thousands, gb15835, "
                       "fixed:N, percent:N, pct:N, wan, yi)", spec);
    out->kind = FORMATS[i].kind;
    out->decimals = FORMATS[i].decimals;
    if (colon && parse_decimals(colon + 1, &out->decimals) != 0)
        return rc_fail(err, RC_DATA, "number format '%s': decimals must be 0 to %d",
                       spec, NUMFMT_MAX_DECIMALS);
    if (out->decimals < 0)
        return rc_fail(err, RC_DATA, "number format '%s' needs its decimals, e.g. '%s:2'",
                       spec, FORMATS[i].name);
    return RC_OK;
}

/* ---- decimal digits ------------------------------------------------------ */

/* The shortest digits of |v| (finite, non-zero) that read back as v:
** |v| = 0.DIGITS x 10^exp.  Returns the number of digits. */
static int shortest_digits(double v, char digits[20], int *exp) {
    char buf[40];
    int p, n = 0;
    const char *s;
    for (p = 1; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v) break;
    }
    snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    for (s = buf; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[n++] = *s;
    *exp = atoi(s + 1) + 1;
    while (n > 1 && digits[n - 1] == '0') n--;
    return n;
}

/* Digits of round(|value| x 10^(decimals + shift)), half away from zero,
** into out (most significant first, at least one digit); returns how many. */
static int scaled_integer(double value, int shift, int decimals, char *out) {
    char digits[20];
    int exp, nd, keep, n = 0, i;
    if (value == 0) { out[0] = '0'; return 1; }
    nd = shortest_digits(value, digits, &exp);
    keep = exp + shift + decimals;          /* digits left of the rounding point */
    for (i = 0; i < keep; i++) out[n++] = i < nd ? digits[i] : '0';
    if (keep >= 0 && keep < nd && digits[keep] >= '5') {
        for (i = n - 1; i >= 0 && out[i] == '9'; i--) out[i] = '0';
        if (i >= 0) out[i]++;
        else { memmove(out + 1, out, (size_t)n); out[0] = '1'; n++; }
    }
    if (n == 0) out[n++] = '0';
    return n;
}

/* ---- output -------------------------------------------------------------- */

struct writer { char *out; size_t size, len; };

static void put(struct writer *w, const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++, w->len++)
        if (w->len + 1 < w->size) w->out[w->len] = s[i];
    if (w->size) w->out[w->len < w->size ? w->len : w->size - 1] = '\0';
}

static void puts_(struct writer *w, const char *s) { put(w, s, strlen(s)); }

static const char *suffix_of(enum numfmt_kind k) {
    switch (k) {
    case NUMFMT_PERCENT: case NUMFMT_PCT: return "%";
    case NUMFMT_WAN: return "万";
    case NUMFMT_YI: return "亿";
    default: return "";
    }
}

static int shift_of(enum numfmt_kind k) {
    switch (k) {
    case NUMFMT_PERCENT: return 2;
    case NUMFMT_WAN: return -4;
    case NUMFMT_YI: return -8;
    default: return 0;
    }
}

/* Does an integer part of n digits take thousands separators?  GB/T
** 15835-2011 (千分撇) lets integers of up to four digits go ungrouped:
** 9999 but 12,345; the decimals are never grouped. */
static int grouped(enum numfmt_kind k, int n) {
    return k == NUMFMT_THOUSANDS || (k == NUMFMT_GB15835 && n > 4);
}

/* The integer part, with a comma every three digits when grouping. */
static void put_integer(struct writer *w, const char *digits, int n, int group) {
    int i;
    for (i = 0; i < n; i++) {
        if (group && i > 0 && (n - i) % 3 == 0) put(w, ",", 1);
        put(w, &digits[i], 1);
    }
}

size_t numfmt_format(const struct numfmt *f, const double *value, const char *null_mark,
                     char *out, size_t size) {
    struct writer w = { out, size, 0 };
    char digits[NUMFMT_BUFSIZE], padded[NUMFMT_BUFSIZE];
    int n, d = f->decimals, i, zero = 1;
    if (size) out[0] = '\0';
    if (value == NULL || isnan(*value)) { puts_(&w, null_mark ? null_mark : ""); return w.len; }
    if (isinf(*value)) { puts_(&w, *value < 0 ? "-∞" : "∞"); return w.len; }
    n = scaled_integer(fabs(*value), shift_of(f->kind), d, digits);
    if (n <= d) {                        /* 0.0x: zeros before the first digit */
        memset(padded, '0', (size_t)(d + 1 - n));
        memcpy(padded + d + 1 - n, digits, (size_t)n);
        n = d + 1;
        memcpy(digits, padded, (size_t)n);
    }
    for (i = 0; i < n; i++) if (digits[i] != '0') zero = 0;
    if (*value < 0 && !zero) put(&w, "-", 1);
    put_integer(&w, digits, n - d, grouped(f->kind, n - d));
    if (d > 0) { put(&w, ".", 1); put(&w, digits + n - d, (size_t)d); }
    puts_(&w, suffix_of(f->kind));
    return w.len;
}

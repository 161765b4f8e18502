/*
** buf.c: growable byte buffer.  Out of memory follows base/mem.h.
**
** buf_put_hex4 and buf_put_fixed write what "%04X" and "%.*f" would, without
** printf: the PDF page writer calls them once or twice per glyph, where
** vsnprintf was half the instructions of a multi-page document.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "mem.h"

void buf_init(struct buf *b) { b->data = NULL; b->len = b->cap = 0; }

void buf_free(struct buf *b) { free(b->data); buf_init(b); }

void buf_reserve(struct buf *b, size_t extra) {
    size_t need = mem_add(b->len, extra), cap = b->cap ? b->cap : 64;
    if (need <= b->cap) return;
    while (cap < need) cap = mem_mul(cap, 2);
    b->data = xrealloc(b->data, cap, "a buffer");
    b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n) {
    if (n == 0) return;
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void buf_putc(struct buf *b, int c) {
    unsigned char ch = (unsigned char)c;
    buf_append(b, &ch, 1);
}

void buf_puts(struct buf *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_printf(struct buf *b, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    if (b->data) vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_put_u16be(struct buf *b, uint16_t v) {
    unsigned char p[2] = { (unsigned char)(v >> 8), (unsigned char)v };
    buf_append(b, p, 2);
}

void buf_put_u32be(struct buf *b, uint32_t v) {
    unsigned char p[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v };
    buf_append(b, p, 4);
}

void buf_pad4(struct buf *b) {
    static const unsigned char zero[4] = {0};
    if (b->len % 4) buf_append(b, zero, 4 - b->len % 4);
}

void buf_put_hex4(struct buf *b, uint16_t v) {
    static const char hex[] = "0123456789ABCDEF";
    char p[4] = { hex[v >> 12], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15] };
    buf_append(b, p, 4);
}

static const uint64_t pow10[] = { 1, 10, 100, 1000 };

/* a * 10^decimals rounded as glibc's printf rounds: on the exact binary
** value, a tie to even.  a = m * 2^-s exactly with m < 2^53, so m * 10^3
** fits in 64 bits. */
static uint64_t scaled_round(double a, int decimals) {
    int e, s;
    uint64_t m, q, r, half;
    m = (uint64_t)ldexp(frexp(a, &e), 53);
    s = 53 - e;                         /* a < 2^52, so s > 0 */
    m *= pow10[decimals];
    if (s >= 64) return 0;              /* m < 2^63 <= half */
    q = m >> s;
    r = m & ((UINT64_C(1) << s) - 1);
    half = UINT64_C(1) << (s - 1);
    return q + (r > half || (r == half && (q & 1)));
}

void buf_put_fixed(struct buf *b, double v, int decimals) {
    char p[32];
    size_t n = sizeof p;
    uint64_t q, ip;
    int i;
    if (decimals < 0 || decimals > 3 || !(fabs(v) < 4503599627370496.0)) {
        buf_printf(b, "%.*f", decimals, v);      /* NaN, infinities, huge: rare */
        return;
    }
    q = scaled_round(fabs(v), decimals);
    ip = q / pow10[decimals];
    for (i = 0; i < decimals; i++, q /= 10) p[--n] = (char)('0' + q % 10);
    if (decimals > 0) p[--n] = '.';
    do { p[--n] = (char)('0' + ip % 10); ip /= 10; } while (ip > 0);
    if (signbit(v)) p[--n] = '-';
    buf_append(b, p + n, sizeof p - n);
}

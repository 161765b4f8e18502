/*
** buf.c: growable byte buffer.  Out of memory follows base/mem.h.
*/
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

/*
** buf.h: a growable byte buffer.  The struct owns its bytes; buf_free
** releases them.  Out of memory follows base/mem.h.
*/
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    unsigned char *data;
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_putc(struct buf *b, int c);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_put_u16be(struct buf *b, uint16_t v);
void buf_put_u32be(struct buf *b, uint32_t v);
void buf_pad4(struct buf *b);   /* zero-pad to a multiple of four bytes */
void buf_put_hex4(struct buf *b, uint16_t v);               /* as "%04X" */
void buf_put_fixed(struct buf *b, double v, int decimals);  /* as "%.*f" */

#endif

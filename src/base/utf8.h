/*
** utf8.h: decoding UTF-8 into code points, and encoding back.
*/
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s[0..n); stores it in *cp and returns the bytes
** used (>= 1).  Malformed input yields U+FFFD and consumes one byte, so a
** loop over any byte string terminates. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Decode the whole string into a malloc'ed array; *count gets its length.
** Out of memory follows base/mem.h. */
uint32_t *utf8_to_cps(const char *s, size_t n, size_t *count);

/* Encode cp into out (at least 4 bytes); returns the bytes written. */
size_t utf8_encode(uint32_t cp, char *out);

#endif

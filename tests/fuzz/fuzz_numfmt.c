/*
** fuzz_numfmt.c: number formats (src/text/numfmt.c).
**
** The input is a value (its first 8 bytes, any bit pattern: NaN,
** infinities, subnormals), a byte of flags (NULL value; a small output
** buffer) and the rest a format spec.  A spec either parses or fails with
** a message; a format fills NUMFMT_BUFSIZE without truncation, returns its
** length like snprintf, and a smaller buffer gets the same text cut short
** and NUL-terminated.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/text/numfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char spec[64], full[NUMFMT_BUFSIZE], small[NUMFMT_BUFSIZE];
    struct numfmt f;
    struct rc_err err;
    double value;
    size_t len, cut, small_size;
    uint8_t flags;
    if (size < 9) return 0;
    memcpy(&value, data, sizeof value);
    flags = data[8];
    len = size - 9 < sizeof spec - 1 ? size - 9 : sizeof spec - 1;
    memcpy(spec, data + 9, len);
    spec[len] = '\0';
    err.msg[0] = '\0';
    if (numfmt_parse(spec, &f, &err) != RC_OK) {
        if (err.msg[0] == '\0') abort();
        return 0;
    }
    len = numfmt_format(&f, (flags & 1) ? NULL : &value, "—", full, sizeof full);
    if (len >= sizeof full || strlen(full) != len) abort();
    small_size = (size_t)(flags >> 1) % 24;      /* 0..23 bytes */
    memset(small, 'x', sizeof small);
    cut = numfmt_format(&f, (flags & 1) ? NULL : &value, "—", small, small_size);
    if (cut != len) abort();
    if (small_size > 0 && (strlen(small) != (len < small_size ? len : small_size - 1) ||
                           memcmp(small, full, strlen(small)) != 0))
        abort();
    if (small_size == 0 && small[0] != 'x') abort();
    return 0;
}

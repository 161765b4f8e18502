/*
** rc.c: filling struct rc_err.
*/
#include <stdio.h>
#include "rc.h"

int rc_fail(struct rc_err *err, int code, const char *fmt, ...) {
    va_list ap;
    int n;
    if (err == NULL) return code;
    err->code = code;
    va_start(ap, fmt);
    n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof err->msg) {
        /* Cut before a character, not inside one: messages quote script
        ** text, and stderr, logs and the batch summary expect UTF-8. */
        size_t end = sizeof err->msg - 1, k = end - 1, len;
        unsigned char lead;
        while (k > 0 && ((unsigned char)err->msg[k] & 0xC0) == 0x80) k--;
        lead = (unsigned char)err->msg[k];
        len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (k + len > end) err->msg[k] = '\0';
    }
    return code;
}

/*
** rc.c: filling struct rc_err.
*/
#include <stdio.h>
#include "rc.h"

int rc_fail(struct rc_err *err, int code, const char *fmt, ...) {
    va_list ap;
    if (err == NULL) return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

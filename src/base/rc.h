/*
** rc.h: status codes and the error record every module fills.
**
** Functions that can fail return an int (RC_OK == 0) and, on failure, write
** a one-line message into a caller-owned struct rc_err.  Only main.c turns
** codes into exit statuses: RC_USAGE -> 2, any other failure -> 1.
*/
#ifndef RC_H
#define RC_H

#include <stdarg.h>

enum {
    RC_OK = 0,
    RC_USAGE,      /* bad command line */
    RC_IO,         /* a file could not be read or written */
    RC_SCRIPT,     /* the report script raised an error */
    RC_SQL,        /* a query failed */
    RC_FONT,       /* a font file is missing or malformed */
    RC_DATA,       /* bad data in the document (non-numeric value, ...) */
    RC_PDF,        /* libharu reported an error */
    RC_NOMEM
};

struct rc_err {
    int  code;       /* RC_* of the first failure, RC_OK if none */
    char msg[1024];  /* one line, names the cause: file:line, SQL, font */
};

/* Record a failure (printf-style) and return its code, so callers can write
** `return rc_fail(err, RC_IO, "%s: %s", path, strerror(errno));` */
int rc_fail(struct rc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

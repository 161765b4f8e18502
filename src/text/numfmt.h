/*
** numfmt.h: number formats for table cells and report.format.
**
**   "thousands[:D]"  1234567.8 -> "1,234,568" (D decimals, default 0)
**   "gb15835[:D]"    12345     -> "12,345", but 9999 -> "9999" (GB/T 15835:
**                    integers of up to four digits need no separator)
**   "fixed:D"        3.14159   -> "3.14"
**   "percent[:D]"    0.123     -> "12.3%"    (a fraction; D default 1)
**   "pct[:D]"        12.3      -> "12.3%"    (already in percent; D default 1)
**   "wan[:D]"        35000     -> "3.50万"   (D default 2)
**   "yi[:D]"         123456789 -> "1.23亿"   (D default 2)
**
** Formatting works on the shortest decimal that reads back as the same
** double (what the data says, 2.675 rather than 2.67499999...), scales it
** by moving the decimal point (percent, 万, 亿 are exact) and rounds half
** away from zero, as Chinese statistics do (四舍五入).  A value that rounds
** to zero loses its sign ("-0.001" at two decimals is "0.00").  Pure
** functions: no state, no allocation.
*/
#ifndef NUMFMT_H
#define NUMFMT_H

#include <stddef.h>
#include "../base/rc.h"

enum numfmt_kind {
    NUMFMT_THOUSANDS, NUMFMT_FIXED, NUMFMT_PERCENT, NUMFMT_PCT, NUMFMT_WAN, NUMFMT_YI,
    NUMFMT_GB15835
};

#define NUMFMT_MAX_DECIMALS 10
/* Room for any double in any format: 309 digits, 102 commas, decimals. */
#define NUMFMT_BUFSIZE 512

struct numfmt {
    enum numfmt_kind kind;
    int decimals;
};

/* Parse a format name such as "fixed:2"; RC_DATA with a message naming
** the spec when it is not one. */
int numfmt_parse(const char *spec, struct numfmt *out, struct rc_err *err);

/* Write `value` formatted into out (always NUL-terminated when size > 0).
** `value` NULL writes `null_mark`; NaN too; infinities are "∞" / "-∞".
** Returns the length of the whole text, like snprintf: a result >= size
** means out was too small (NUMFMT_BUFSIZE never is). */
size_t numfmt_format(const struct numfmt *f, const double *value, const char *null_mark,
                     char *out, size_t size);

#endif

/*
** units.c: reading lengths with their units ("25mm" -> 70.87 pt).
** strtod is not used: it reads hex, "inf", "nan" and follows the locale's
** decimal point; a length is plain decimal digits.
*/
#include <string.h>
#include "units.h"

const char *const units_names[] = { "pt", "mm", "cm", "in", NULL };
static const double UNIT_PT[] = { 1.0, 72.0 / 25.4, 72.0 / 2.54, 72.0 };

#define MAX_LENGTH 1e9          /* beyond any page; ranges are checked by the caller */

/* Decimal digits with at most one point; 0 when there are none. */
static const char *read_decimal(const char *s, double *v) {
    double x = 0, scale = 1;
    int digits = 0, point = 0;
    for (;; s++) {
        if (*s >= '0' && *s <= '9') {
            if (point) { scale /= 10; x += (*s - '0') * scale; }
            else x = x * 10 + (*s - '0');
            if (x > MAX_LENGTH) return NULL;
            digits++;
        } else if (*s == '.' && !point) {
            point = 1;
        } else {
            break;
        }
    }
    if (digits == 0) return NULL;
    *v = x;
    return s;
}

int units_length(const char *s, double *pt) {
    double v;
    size_t u;
    if (s == NULL) return 0;
    while (*s == ' ') s++;
    if ((s = read_decimal(s, &v)) == NULL) return 0;
    while (*s == ' ') s++;
    if (*s == '\0') { *pt = v; return 1; }
    for (u = 0; units_names[u]; u++) {
        size_t n = strlen(units_names[u]);
        if (strncmp(s, units_names[u], n) == 0) {
            const char *end = s + n;
            while (*end == ' ') end++;
            if (*end != '\0') return 0;
            *pt = v * UNIT_PT[u];
            return 1;
        }
    }
    return 0;
}

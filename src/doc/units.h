/*
** units.h: lengths as scripts write them: "25mm", "2cm", "0.5in", "12pt"
** or a bare number of points.  The one parser every length option uses
** (theme margins and page size, type sizes, column widths, image and
** chart sizes, page furniture), so they all accept the same spellings.
*/
#ifndef UNITS_H
#define UNITS_H

/* A length in text: a decimal number (no sign, exponent or hex), optional
** spaces, and a unit: pt, mm, cm or in; no unit means points.  Sets *pt
** and returns 1; 0 when `s` is not such a length (or is too large). */
int units_length(const char *s, double *pt);

/* The unit names units_length accepts, NULL-terminated, for messages. */
extern const char *const units_names[];

#endif

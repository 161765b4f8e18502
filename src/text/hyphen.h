/*
** hyphen.h: where a long English word may be hyphenated, by Debian's
** libhyphen with the hyphen-en-us patterns (Liang's TeX patterns).
**
** The dictionary is loaded once per process, on the first word asked
** about; a paragraph without long Latin words never loads it.
*/
#ifndef HYPHEN_H
#define HYPHEN_H

#include <stddef.h>
#include <stdint.h>

/* The shortest word worth hyphenating, in letters. */
enum { HYPHEN_MIN_WORD = 6, HYPHEN_MAX_WORD = 60 };

/* For the ASCII letters word[0..n): at[i] = 1 when a hyphen may come
** before word[i] (at[0] is 0).  Returns the number of points; 0 when the
** word is too short or too long, or the patterns are not installed. */
size_t hyphen_points(const uint32_t *word, size_t n, unsigned char *at);

#endif

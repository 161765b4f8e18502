/*
** hyphen.c: hyphenation points from libhyphen (hyphen.h).
**
** The one piece of process-wide state in the text modules: the loaded
** pattern dictionary, read-only once loaded, behind pthread_once so the
** live preview's builder thread and the main thread load it once.  It is
** not freed: it lives as long as the process, like the C library's locale.
*/
#include <hyphen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "hyphen.h"

#define EN_US_PATTERNS "/usr/share/hyphen/hyph_en_US.dic"
#define LEFT_MIN  2      /* letters kept before a hyphen, as the patterns' LEFTHYPHENMIN */
#define RIGHT_MIN 3      /* and after it (RIGHTHYPHENMIN) */

static struct {
    pthread_once_t once;
    HyphenDict *en_us;   /* NULL: hyphen-en-us is not installed */
} patterns = { PTHREAD_ONCE_INIT, NULL };

static void load_patterns(void) {
    patterns.en_us = hnj_hyphen_load(EN_US_PATTERNS);
}

static void free_extras(char **rep, int *pos, int *cut, size_t n) {
    size_t i;
    if (rep) for (i = 0; i < n; i++) free(rep[i]);
    free(rep);
    free(pos);
    free(cut);
}

size_t hyphen_points(const uint32_t *word, size_t n, unsigned char *at) {
    char lower[HYPHEN_MAX_WORD + 1], marks[HYPHEN_MAX_WORD + 5];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    size_t i, count = 0;
    memset(at, 0, n);
    if (n < HYPHEN_MIN_WORD || n > HYPHEN_MAX_WORD) return 0;
    for (i = 0; i < n; i++) {
        uint32_t c = word[i] | 0x20;
        if (c < 'a' || c > 'z') return 0;
        lower[i] = (char)c;
    }
    lower[n] = 0;
    pthread_once(&patterns.once, load_patterns);
    if (patterns.en_us == NULL) return 0;
    memset(marks, 0, sizeof marks);
    if (hnj_hyphen_hyphenate3(patterns.en_us, lower, (int)n, marks, NULL, &rep, &pos, &cut,
                              LEFT_MIN, RIGHT_MIN, LEFT_MIN, RIGHT_MIN) != 0) {
        free_extras(rep, pos, cut, n);
        return 0;
    }
    /* a replacement (non-standard hyphenation, "Schiff=fahrt") changes the
    ** letters: English patterns have none, and such a point is not used */
    for (i = 0; i + 1 < n; i++)
        if ((marks[i] & 1) && !(rep && rep[i])) { at[i + 1] = 1; count++; }
    free_extras(rep, pos, cut, n);
    return count;
}

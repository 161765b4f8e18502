/*
** mem.c: checked allocation (see mem.h for the policy).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mem.h"

static void (*mem_cleanup)(void);
static unsigned mem_limit_mb;     /* the job's memory limit, for the message */

void mem_on_failure(void (*cleanup)(void)) { mem_cleanup = cleanup; }

void mem_set_limit_note(unsigned megabytes) { mem_limit_mb = megabytes; }

void mem_fail(const char *what, size_t n) {
    char note[64] = "";
    if (mem_limit_mb)
        snprintf(note, sizeof note, " (memory limit of %u MB)", mem_limit_mb);
    if (n == SIZE_MAX)
        fprintf(stderr, "reportc: out of memory: the size of %s overflows%s\n", what, note);
    else
        fprintf(stderr, "reportc: out of memory allocating %zu bytes for %s%s\n", n, what, note);
    if (mem_cleanup) mem_cleanup();
    _exit(1);
}

size_t mem_mul(size_t a, size_t b) {
    size_t r;
    return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

size_t mem_add(size_t a, size_t b) {
    size_t r;
    return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

void *xmalloc(size_t n, const char *what) {
    void *p = n == SIZE_MAX ? NULL : malloc(n ? n : 1);
    if (p == NULL) mem_fail(what, n);
    return p;
}

void *xcalloc(size_t count, size_t size, const char *what) {
    size_t n = mem_mul(count, size);
    void *p = n == SIZE_MAX ? NULL : calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) mem_fail(what, n);
    return p;
}

void *xrealloc(void *p, size_t n, const char *what) {
    void *q = n == SIZE_MAX ? NULL : realloc(p, n ? n : 1);
    if (q == NULL) mem_fail(what, n);
    return q;
}

void *xreallocarray(void *p, size_t count, size_t size, const char *what) {
    return xrealloc(p, mem_mul(count, size), what);
}

char *xstrdup(const char *s, const char *what) {
    return xstrndup(s, strlen(s), what);
}

char *xstrndup(const char *s, size_t n, const char *what) {
    char *d = xmalloc(mem_add(n, 1), what);
    if (n) memcpy(d, s, n);     /* s may be NULL when n is 0: an empty buffer */
    d[n] = '\0';
    return d;
}

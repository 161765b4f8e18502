/*
** mem.h: the one out-of-memory policy.
**
** Every allocation in reportc goes through these.  On failure they print
** one line naming what was being allocated and how much, run the cleanup
** registered with mem_on_failure (job.c removes its temporary PDF there),
** and end the process with status 1.  A half-built document cannot be
** unwound usefully, and a batch worker that dies this way is reported as a
** failed job by its parent.  Sizes given as count x size are checked for
** overflow, which is treated as the same failure.
**
** Lua's allocator and SQLite's are separate: they return NULL to their
** library, which raises an ordinary error (named as the job's memory limit
** by script/host.c and store/store.c).
*/
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

void *xmalloc(size_t n, const char *what);
void *xcalloc(size_t count, size_t size, const char *what);
void *xrealloc(void *p, size_t n, const char *what);
void *xreallocarray(void *p, size_t count, size_t size, const char *what);
char *xstrdup(const char *s, const char *what);
char *xstrndup(const char *s, size_t n, const char *what);

/* a * b, or SIZE_MAX when it overflows (which no allocation satisfies). */
size_t mem_mul(size_t a, size_t b);
/* a + b, likewise. */
size_t mem_add(size_t a, size_t b);

/* What to run before exiting on an allocation failure: async-signal-safe,
** no allocation.  One hook; a later call replaces it. */
void mem_on_failure(void (*cleanup)(void));

/* The memory limit in force (0: none), named in the failure message: an
** allocation usually fails because the job reached it. */
void mem_set_limit_note(unsigned megabytes);

/* Report an allocation of n bytes for `what` that failed, and exit(1). */
void mem_fail(const char *what, size_t n) __attribute__((noreturn));

#endif

/*
** runlimits.h: the time and memory a build may use, enforced for the whole
** process and not only inside Lua.
**
** A job's limits are armed when it starts and disarmed when it ends, so a
** batch worker measures each job from its own start (CPU time and data
** size relative to what the worker already used).  Three layers:
**
**   - cooperative checks, for a clear message naming the script line or
**     the SQL: the Lua hook and allocator (script/host.c), SQLite's
**     progress handler and hard heap limit (store/store.c), both reading
**     the deadline and sizes from struct job_limits;
**   - a wall-clock and a CPU-time timer one second past the limit, whose
**     signal handler removes the temporary PDF and ends the process with
**     one line (for what never returns to those checks: a looping error
**     handler or finaliser, a C library call, a backtracking pattern);
**   - RLIMIT_CPU and RLIMIT_DATA as the kernel's backstop.  RLIMIT_DATA
**     and not RLIMIT_AS: it counts private writable memory (heap, anonymous
**     mappings) and not the read-only mapped font files.  Not set under
**     AddressSanitizer, whose shadow memory it would break.
*/
#ifndef RUNLIMITS_H
#define RUNLIMITS_H

#include <stddef.h>
#include <time.h>
#include "../base/rc.h"

#define LIMITS_DEFAULT_SECONDS 120
#define LIMITS_DEFAULT_MB      512
#define LIMITS_MAX_SECONDS     86400
#define LIMITS_MAX_MB          (1u << 20)      /* 1 TB */

struct job_limits {
    unsigned seconds;            /* wall-clock and CPU seconds; 0: default */
    unsigned megabytes;          /* memory; 0: default */
    /* set by limits_arm: */
    size_t bytes;                /* megabytes in bytes */
    struct timespec deadline;    /* CLOCK_MONOTONIC */
    struct timespec cpu_deadline;/* CLOCK_PROCESS_CPUTIME_ID */
};

/* A --time-limit / --memory-limit value: a whole number from 1 to max.
** Returns 1 and sets *out, or 0 for anything else. */
int limits_parse(const char *s, unsigned max, unsigned *out);

/* Start the limits of a job named `what` (the script, for messages). */
int limits_arm(struct job_limits *l, const char *what, struct rc_err *err);

/* Stop them; the process is free again (a batch worker's next job arms
** its own). */
void limits_disarm(void);

/* Who hears that a timer expired, called from the signal handler (so it
** must be async-signal-safe) with the one-line message, before the
** process ends with status 1.  Default (NULL): the line goes to stderr.
** A batch worker sends it to its parent as the job's result. */
void limits_on_expiry(void (*report)(const char *msg, size_t len));

/* 1 when the wall-clock or CPU deadline of `l` has passed. */
int limits_expired(const struct job_limits *l);

#endif

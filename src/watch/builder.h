/*
** builder.h: one build of `reportc watch`, run in a forked child process.
**
** A child per build keeps the watching process alive whatever the build
** does: a crash, the out-of-memory exit of base/mem.c, a leak, a stop
** signal in the middle of writing.  The child runs job_build and sends
** back its status, its error and the list of files it read (base/readset.h)
** through a pipe; the parent reads the pipe from its poll loop, so it keeps
** serving the preview while a build runs.
*/
#ifndef WATCH_BUILDER_H
#define WATCH_BUILDER_H

#include <sys/types.h>
#include "../base/buf.h"
#include "../base/rc.h"
#include "../base/readset.h"
#include "../job/job.h"

struct build_child {
    pid_t pid;                 /* 0: none running */
    int fd;                    /* the read end of its pipe, -1 when none */
    struct buf wire;           /* what it sent so far */
    double started;
    double max_seconds;        /* then it is killed */
    int overdue;               /* killed for running past max_seconds */
};

/* A build stops itself at its time limit (job/runlimits.h); the watcher
** kills one still running this long after it, whatever it is stuck in. */
#define BUILD_GRACE_SECONDS 30.0

/* The outcome of a finished build. */
struct build_result {
    int code;                  /* RC_OK or the RC_* of the failure */
    char msg[1024];            /* the error: "file.lua:LINE: ...", then a traceback */
    double seconds;
    struct readset reads;      /* owned; the files it read, also when it failed */
};

/* Fork a child building `job` (job->reads is ignored).  RC_IO if the
** process cannot be started. */
int builder_start(struct build_child *c, const struct job *job, struct rc_err *err);

/* Read what is ready on c->fd.  Returns 1 when the child has finished
** (its pipe closed): *res is then filled and the child reaped. */
int builder_poll(struct build_child *c, struct build_result *res);

/* Kill a build running past its limit and grace; builder_poll then
** reports it as such.  Returns 1 if it did. */
int builder_check_overdue(struct build_child *c);

/* Stop a running build with `sig` and reap it (its temporary file goes
** with it: the child removes it on the signal). */
void builder_stop(struct build_child *c, int sig);

void build_result_free(struct build_result *res);

/* A monotonic clock in seconds. */
double builder_clock(void);

#endif

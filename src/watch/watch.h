/*
** watch.h: `reportc watch`: build, then build again whenever a file the
** last build read changes, until SIGINT or SIGTERM; optionally serving a
** live preview (serve.h).
*/
#ifndef WATCH_H
#define WATCH_H

#include "../base/rc.h"
#include "../job/job.h"

struct watch_opts {
    const struct job *job;     /* what each build builds (job->reads is ignored) */
    const char *serve;         /* "[ADDR:]PORT" for the preview, or NULL */
};

/* Runs until a stop signal: returns RC_OK with *stop_signal set to it, or
** an RC_* (RC_USAGE for a bad --serve) when watching cannot start or go on. */
int watch_run(const struct watch_opts *o, int *stop_signal, struct rc_err *err);

#endif

/*
** batch.h: `reportc batch`: one script, many parameter sets, many PDFs.
**
** The jobs are the cartesian product of --each lists and --jobs CSV rows,
** in a stable order; --shard K/N keeps job i when i mod N == K-1.  Forked
** workers build the jobs in-process with job_build; a failed job does not
** stop the others.  Also the month keywords `last-month` and `this-month`,
** which `reportc build` resolves too.
*/
#ifndef BATCH_H
#define BATCH_H

#include <stddef.h>
#include "../base/rc.h"
#include "../script/script.h"

/* What main.c knows and the batch needs: defaults found from the
** executable's home, the version that goes into input digests, the
** build time used for every job. */
struct batch_env {
    const char *templates;     /* templates/ folder `require` searches */
    const char *fonts;         /* default font manifest */
    const char *db;            /* default fact store */
    const char *version;       /* reportc's version */
    long long now;             /* SOURCE_DATE_EPOCH or the clock */
};

/* How a batch ended, for main.c to turn into an exit status. */
struct batch_outcome {
    int failed_jobs;           /* jobs that failed (each named on stderr) */
    int stop_signal;           /* SIGINT/SIGTERM that interrupted it, or 0 */
    int is_worker;             /* this process is a forked worker returning */
    int worker_status;         /* a worker's exit status */
};

/* Run `reportc batch ...`; argv[0] is "batch".  Returns RC_USAGE for bad
** command lines, another RC_* when the batch could not run at all, and
** RC_OK when it ran (jobs may still have failed: see *out). */
int batch_command(int argc, char **argv, const struct batch_env *env,
                  struct batch_outcome *out, struct rc_err *err);

#endif

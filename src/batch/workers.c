/*
** workers.c: building the jobs in forked worker processes.
**
** The parent forks up to -j workers once; each builds jobs in-process
** with job_build, one at a time, no exec.  Each worker has two pipes: the
** parent writes it the next job (a slot number) on one, and it answers
** with one fixed-size result on the other.  So the parent always knows
** which job each worker is on: when a worker dies (a crash, SIGKILL), its
** job is marked failed, the temporary files it may have left beside that
** job's output are removed, and a fresh worker takes its place.
**
** SIGINT, SIGTERM and SIGHUP stop the batch.  The parent keeps them
** blocked except inside ppoll, so its loop meets them at one point; it
** forwards them to the workers, which remove their temporary PDF
** (job_remove_temp) and die of the same signal; jobs not finished are
** "not run", and the batch reports the signal.
*/
#define _GNU_SOURCE            /* ppoll */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "plan.h"
#include "../base/mem.h"
#include "../font/fontset.h"
#include "../base/readset.h"
#include "../job/job.h"

/* The only mutable global: the stop signal the parent's handler saw. */
static volatile sig_atomic_t batch_stop_signal;

struct result_msg {
    uint32_t slot;
    int32_t rc;
    int32_t last;              /* the worker ends after this one (a time limit) */
    int64_t size;
    double seconds;
    char error[sizeof ((struct rc_err *)0)->msg];
};

/* One write() of at most PIPE_BUF bytes is atomic: a result never arrives
** torn, even if the worker dies right after writing it. */
_Static_assert(sizeof(struct result_msg) <= PIPE_BUF, "a result must fit one atomic pipe write");

struct worker {
    pid_t pid;                 /* 0: no process in this place */
    int task_fd, result_fd;    /* the parent's ends; -1 once closed */
    long slot;                 /* the job it is building, -1 if none */
    size_t jobs;
};

struct pool {
    const struct batch_opts *o;
    struct batch_plan *p;
    struct worker *w;
    size_t nworkers, live;
    size_t next;               /* first job not yet handed out */
    size_t spawns_left;        /* a bound, should workers keep dying */
    int stopping;
    int spawn_rc;              /* a failed fork: the live workers finish the batch */
    struct rc_err spawn_err;
    int is_child;              /* set in a forked worker on its way out */
    int child_status;
    sigset_t wait_mask;        /* the mask inside ppoll: stop signals open */
    struct batch_progress progress;
};

static const int STOP_SIGNALS[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof STOP_SIGNALS / sizeof *STOP_SIGNALS)

/* ---- pipes ------------------------------------------------------------------- */

static ssize_t read_full(int fd, void *data, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)data + got, len - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? -1 : (ssize_t)got;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int write_full(int fd, const void *data, size_t len) {
    size_t put = 0;
    while (put < len) {
        ssize_t n = write(fd, (const char *)data + put, len - put);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        put += (size_t)n;
    }
    return 0;
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* ---- the worker's side --------------------------------------------------------- */

/* What a worker's time-limit handler needs to send its job's result
** before the process ends (runlimits.c calls worker_last_words from the
** signal handler). */
static struct {
    int fd;                    /* the result pipe */
    uint32_t slot;             /* the job being built */
    double started;
} worker_job;

static void worker_last_words(const char *msg, size_t len) {
    static const char prefix[] = "reportc: ";
    struct result_msg m;
    memset(&m, 0, sizeof m);
    if (len >= sizeof prefix - 1 && memcmp(msg, prefix, sizeof prefix - 1) == 0) {
        msg += sizeof prefix - 1;
        len -= sizeof prefix - 1;
    }
    while (len > 0 && msg[len - 1] == '\n') len--;
    if (len >= sizeof m.error) len = sizeof m.error - 1;
    memcpy(m.error, msg, len);
    m.slot = worker_job.slot;
    m.rc = RC_SCRIPT;
    m.last = 1;
    m.seconds = batch_clock() - worker_job.started;
    if (write_full(worker_job.fd, &m, sizeof m) != 0) {
        ssize_t ignored = write(STDERR_FILENO, msg, len);
        (void)ignored;
    }
}

static void worker_on_signal(int sig) {
    job_remove_temp();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void block_stop_signals(int block) {
    sigset_t set;
    size_t i;
    sigemptyset(&set);
    for (i = 0; i < NSTOP; i++) sigaddset(&set, STOP_SIGNALS[i]);
    sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void worker_build(const struct batch_opts *o, const struct batch_plan *p,
                         struct fontset *fonts, struct script_chunks *chunks,
                         const struct batch_job *j, struct result_msg *m) {
    struct rc_err err = { 0, "" };
    struct readset reads;
    struct job build;
    struct stat st;
    double started = batch_clock(), wall_started = batch_wall_clock();
    int rc;
    readset_init(&reads);
    batch_forget_inputs(j);
    rc = batch_make_parent_dirs(j->output, &err);
    if (rc == RC_OK) {
        memset(&build, 0, sizeof build);
        build.script = o->script;
        build.output = j->output;
        build.db = o->db;
        build.fonts = o->fonts;
        build.compress_level = o->compress_level;
        build.fontset = fonts;
        build.chunks = chunks;
        build.templates = o->templates;
        build.params = j->params;
        build.nparams = j->nparams;
        build.now = o->now;
        build.reads = &reads;
        build.limits.seconds = o->time_limit;
        build.limits.megabytes = o->memory_limit;
        worker_job.slot = (uint32_t)(j - p->jobs);
        worker_job.started = started;
        rc = job_build(&build, &err);
    }
    /* From here until the parent has the result, a stop signal waits
    ** (worker_serve unblocks it): a PDF with its record is a job the
    ** parent counts as built, so the summary and a --skip-unchanged re-run
    ** agree. */
    if (rc == RC_OK) block_stop_signals(1);
    if (rc == RC_OK && stat(j->output, &st) == 0) m->size = (int64_t)st.st_size;
    if (rc == RC_OK && p->hashes) rc = batch_record_inputs(o, p, j, &reads, wall_started, &err);
    readset_free(&reads);
    m->rc = rc;
    m->seconds = batch_clock() - started;
    if (rc != RC_OK) snprintf(m->error, sizeof m->error, "%s", err.msg);
}

/* Build the jobs the parent sends until it closes the pipe.  Returns the
** worker's exit status.  What does not change between jobs is made once
** for all of them: the fonts (faces open on first use and stay mapped,
** with the font programs already subset and deflated: font/program.h) and
** the compiled script and modules (script/chunks.c).  If loading the
** fonts fails, each job loads them itself and reports the error as its
** own. */
static int worker_serve(const struct batch_opts *o, const struct batch_plan *p,
                        int task_fd, int result_fd) {
    struct rc_err ignored = { 0, "" };
    struct fontset *fonts = NULL;
    struct script_chunks *chunks = script_chunks_new();
    uint32_t slot;
    ssize_t n;
    int status = 1;
    if (fontset_load(o->fonts, &fonts, &ignored) != RC_OK) fonts = NULL;
    worker_job.fd = result_fd;
    limits_on_expiry(worker_last_words);
    while ((n = read_full(task_fd, &slot, sizeof slot)) == (ssize_t)sizeof slot) {
        struct result_msg m;
        if (slot >= p->njobs) goto done;
        memset(&m, 0, sizeof m);
        m.slot = slot;
        worker_build(o, p, fonts, chunks, &p->jobs[slot], &m);
        if (write_full(result_fd, &m, sizeof m) != 0) goto done;
        block_stop_signals(0);
    }
    status = n == 0 ? 0 : 1;
done:
    fontset_free(fonts);
    script_chunks_free(chunks);
    return status;
}

/* In the new child: keep only its own two pipe ends, take the worker's
** signal handlers, open the signals the parent kept blocked. */
static void worker_enter(struct pool *pl, struct worker *self, int task_fd, int result_fd) {
    size_t i;
    struct sigaction sa;
    for (i = 0; i < pl->nworkers; i++)
        if (&pl->w[i] != self) { close_fd(&pl->w[i].task_fd); close_fd(&pl->w[i].result_fd); }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = worker_on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < NSTOP; i++) sigaction(STOP_SIGNALS[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, &pl->wait_mask, NULL);
    /* Keep freed memory for the next job: by default glibc hands large
    ** blocks back to the kernel after every job (munmap, brk) and faults
    ** them in again for the next, a fifth of a brief's time. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    pl->child_status = worker_serve(pl->o, pl->p, task_fd, result_fd);
    close(task_fd);
    close(result_fd);
    pl->is_child = 1;
}

/* ---- the parent's side ------------------------------------------------------------ */

static void parent_on_signal(int sig) {
    batch_stop_signal = sig;
}

static size_t pending_from(const struct pool *pl, size_t i) {
    while (i < pl->p->njobs && pl->p->jobs[i].status != JOB_PENDING) i++;
    return i;
}

/* Hand the worker its next job, or close its pipe when there is none. */
static void pool_dispatch(struct pool *pl, struct worker *w) {
    size_t next = pending_from(pl, pl->next);
    uint32_t slot = (uint32_t)next;
    w->slot = -1;
    if (pl->stopping || next == pl->p->njobs || w->task_fd < 0) { close_fd(&w->task_fd); return; }
    if (write_full(w->task_fd, &slot, sizeof slot) != 0) {   /* it died: its EOF will come */
        close_fd(&w->task_fd);
        return;
    }
    w->slot = (long)slot;
    pl->next = next + 1;
}

static int pool_spawn(struct pool *pl, struct worker *w, struct rc_err *err) {
    int task[2], result[2];
    pid_t pid;
    if (pipe(task) != 0) return rc_fail(err, RC_IO, "cannot create a pipe: %s", strerror(errno));
    if (pipe(result) != 0) {
        close(task[0]); close(task[1]);
        return rc_fail(err, RC_IO, "cannot create a pipe: %s", strerror(errno));
    }
    fflush(NULL);              /* or the child would print the parent's buffered text again */
    if ((pid = fork()) < 0) {
        close(task[0]); close(task[1]); close(result[0]); close(result[1]);
        return rc_fail(err, RC_IO, "cannot start a worker: %s", strerror(errno));
    }
    if (pid == 0) {
        close(task[1]);
        close(result[0]);
        worker_enter(pl, w, task[0], result[1]);
        return RC_OK;
    }
    close(task[0]);
    close(result[1]);
    w->pid = pid;
    w->task_fd = task[1];
    w->result_fd = result[0];
    w->slot = -1;
    w->jobs = 0;
    pl->live++;
    pl->spawns_left--;
    pool_dispatch(pl, w);
    return RC_OK;
}

/* Start workers in the free places while jobs wait to be handed out.  If
** fork fails, no more are started: those running take the remaining jobs
** between them, and if none is left the error ends the batch. */
static void pool_fill(struct pool *pl) {
    size_t i;
    for (i = 0; i < pl->nworkers; i++) {
        if (pl->w[i].pid != 0) continue;
        if (pl->stopping || pl->spawn_rc != RC_OK || pl->spawns_left == 0
            || pending_from(pl, pl->next) == pl->p->njobs) break;
        pl->spawn_rc = pool_spawn(pl, &pl->w[i], &pl->spawn_err);
        if (pl->is_child) return;
    }
}

static void pool_stop(struct pool *pl, int sig) {
    size_t i;
    pl->stopping = 1;
    pl->p->stop_signal = sig;
    for (i = 0; i < pl->nworkers; i++)
        if (pl->w[i].pid != 0) kill(pl->w[i].pid, sig);
}

static void job_finished(struct pool *pl, struct batch_job *j, int failed, const char *error) {
    j->status = failed ? JOB_FAILED : JOB_OK;
    if (failed) j->error = xstrdup(error, "a job error");
    batch_progress_note(&pl->progress, j);
    if (failed) batch_report_failure(&pl->progress, j);
}

static void pool_on_result(struct pool *pl, struct worker *w, const struct result_msg *m) {
    struct batch_job *j;
    if (w->slot < 0 || (uint32_t)w->slot != m->slot) {
        /* Not the job it was given: the protocol is broken.  End the
        ** worker; its job fails as any dead worker's does. */
        kill(w->pid, SIGKILL);
        return;
    }
    j = &pl->p->jobs[m->slot];
    j->seconds = m->seconds;
    j->size = m->size;
    w->jobs++;
    job_finished(pl, j, m->rc != RC_OK, m->error);
    if (m->last) {             /* it is ending: its exit is not this job's failure */
        batch_remove_temps(j->output);
        w->slot = -1;
        close_fd(&w->task_fd);
        return;
    }
    pool_dispatch(pl, w);
}

static void note_worker_stats(struct pool *pl, const struct worker *w, const struct rusage *ru) {
    struct batch_plan *p = pl->p;
    if (p->nstats == p->stats_cap) {
        p->stats_cap = p->stats_cap ? mem_mul(p->stats_cap, 2) : 8;
        p->stats = xreallocarray(p->stats, p->stats_cap, sizeof *p->stats, "worker statistics");
    }
    p->stats[p->nstats].pid = w->pid;
    p->stats[p->nstats].jobs = w->jobs;
    p->stats[p->nstats].max_rss_kb = ru->ru_maxrss;
    p->nstats++;
}

/* The worker closed its result pipe: it ended.  If it was on a job, that
** job did not finish; remove what it may have left beside the output. */
static void pool_on_exit(struct pool *pl, struct worker *w) {
    struct rusage ru;
    int status = 0;
    char why[128];
    close_fd(&w->task_fd);
    close_fd(&w->result_fd);
    memset(&ru, 0, sizeof ru);
    while (wait4(w->pid, &status, 0, &ru) < 0 && errno == EINTR) {}
    note_worker_stats(pl, w, &ru);
    if (w->slot >= 0) {
        struct batch_job *j = &pl->p->jobs[w->slot];
        batch_remove_temps(j->output);
        if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "its worker (pid %d) was killed by signal %d (%s)",
                     (int)w->pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
        else
            snprintf(why, sizeof why, "its worker (pid %d) exited with status %d",
                     (int)w->pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        if (!pl->stopping) job_finished(pl, j, 1, why);
    }
    w->pid = 0;
    w->slot = -1;
    pl->live--;
}

/* Wait for results, worker exits or a stop signal. */
static void pool_wait(struct pool *pl) {
    struct pollfd fds[1024];
    struct worker *owner[1024];
    struct timespec tick = { 0, 250000000 };     /* redraw the progress line */
    size_t i, n = 0;
    int ready;
    for (i = 0; i < pl->nworkers; i++)
        if (pl->w[i].pid != 0) {
            fds[n].fd = pl->w[i].result_fd;
            fds[n].events = POLLIN;
            owner[n++] = &pl->w[i];
        }
    ready = ppoll(fds, n, pl->progress.on_terminal ? &tick : NULL, &pl->wait_mask);
    if (ready <= 0) { batch_progress_note(&pl->progress, NULL); return; }
    for (i = 0; i < n; i++) {
        struct result_msg m;
        if (fds[i].revents == 0) continue;
        if (read_full(fds[i].fd, &m, sizeof m) == (ssize_t)sizeof m) pool_on_result(pl, owner[i], &m);
        else pool_on_exit(pl, owner[i]);
    }
}

static void pool_run(struct pool *pl) {
    for (;;) {
        if (batch_stop_signal && !pl->stopping) pool_stop(pl, batch_stop_signal);
        pool_fill(pl);
        if (pl->is_child || pl->live == 0) return;
        pool_wait(pl);
    }
}

/* ---- setup ------------------------------------------------------------------------ */

static void signals_take(struct sigaction old[NSTOP], sigset_t *old_mask, struct sigaction *old_pipe,
                         sigset_t *wait_mask) {
    struct sigaction sa;
    sigset_t block;
    size_t i;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = parent_on_signal;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&block);
    for (i = 0; i < NSTOP; i++) {
        sigaction(STOP_SIGNALS[i], &sa, &old[i]);
        sigaddset(&block, STOP_SIGNALS[i]);
    }
    sa.sa_handler = SIG_IGN;            /* a dead worker's pipe: EPIPE, not death */
    sigaction(SIGPIPE, &sa, old_pipe);
    sigprocmask(SIG_BLOCK, &block, old_mask);
    *wait_mask = *old_mask;
    for (i = 0; i < NSTOP; i++) sigdelset(wait_mask, STOP_SIGNALS[i]);
}

static void signals_restore(const struct sigaction old[NSTOP], const sigset_t *old_mask,
                            const struct sigaction *old_pipe) {
    size_t i;
    for (i = 0; i < NSTOP; i++) sigaction(STOP_SIGNALS[i], &old[i], NULL);
    sigaction(SIGPIPE, old_pipe, NULL);
    sigprocmask(SIG_SETMASK, old_mask, NULL);
}

/* After the loop, in the parent: jobs never handed out were not run; if a
** failed fork left them so, that is the batch's error. */
static int pool_finish(struct pool *pl, struct rc_err *err) {
    struct batch_plan *p = pl->p;
    size_t i;
    int rc = RC_OK;
    batch_progress_finish(&pl->progress);
    for (i = 0; i < p->njobs; i++)
        if (p->jobs[i].status == JOB_PENDING) {
            p->jobs[i].status = JOB_NOT_RUN;
            rc = pl->spawn_rc;
        }
    if (rc != RC_OK) *err = pl->spawn_err;
    return rc;
}

int batch_run_workers(const struct batch_opts *o, struct batch_plan *p,
                      struct batch_outcome *out, struct rc_err *err) {
    struct sigaction old[NSTOP], old_pipe;
    sigset_t old_mask;
    struct pool pl;
    size_t i, pending = 0;
    int rc = RC_OK;
    double started = batch_clock();
    memset(&pl, 0, sizeof pl);
    for (i = 0; i < p->njobs; i++) pending += p->jobs[i].status == JOB_PENDING;
    pl.o = o;
    pl.p = p;
    pl.nworkers = (size_t)o->workers < pending ? (size_t)o->workers : pending;
    if (pl.nworkers > 1024) pl.nworkers = 1024;
    pl.spawns_left = pl.nworkers + pending;
    pl.w = xcalloc(pl.nworkers, sizeof *pl.w, "workers");
    for (i = 0; i < pl.nworkers; i++) pl.w[i].task_fd = pl.w[i].result_fd = -1;
    batch_progress_start(&pl.progress, p);
    signals_take(old, &old_mask, &old_pipe, &pl.wait_mask);
    pool_run(&pl);
    if (!pl.is_child) {
        signals_restore(old, &old_mask, &old_pipe);
        rc = pool_finish(&pl, err);
        p->seconds = batch_clock() - started;
    }
    out->is_worker = pl.is_child;
    out->worker_status = pl.child_status;
    out->stop_signal = p->stop_signal;
    free(pl.w);
    return rc;
}

/*
** builder.c: a build in a child process, and its result sent back over a
** pipe as one record: a header (status, seconds, error length, entry
** count), the error text, then each file read (identity and path).  The
** parent trusts the record only when it is complete and the child exited
** normally; anything else is reported as the build having crashed.
*/
#define _GNU_SOURCE          /* pipe2, close_range */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "builder.h"
#include "../base/mem.h"
#include "../job/runlimits.h"

#define WIRE_MAX (64u << 20)       /* a read list longer than this is not a build's */

struct wire_head {
    int32_t code;
    uint32_t msglen;
    double seconds;
    uint32_t nentries;
};

struct wire_entry {
    uint8_t absent;
    uint64_t dev, ino;
    int64_t size, mtime_sec, mtime_nsec;
    uint32_t pathlen;
};

double builder_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the child ------------------------------------------------------------- */

static void child_on_signal(int sig) {
    job_remove_temp();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void encode(struct buf *out, int code, const char *msg, double seconds,
                   const struct readset *rs) {
    struct wire_head h;
    size_t i;
    memset(&h, 0, sizeof h);
    h.code = code;
    h.msglen = (uint32_t)strlen(msg);
    h.seconds = seconds;
    h.nentries = (uint32_t)readset_count(rs);
    buf_append(out, &h, sizeof h);
    buf_append(out, msg, h.msglen);
    for (i = 0; i < readset_count(rs); i++) {
        const struct readset_entry *e = readset_get(rs, i);
        struct wire_entry w;
        memset(&w, 0, sizeof w);
        w.absent = (uint8_t)e->absent;
        w.dev = (uint64_t)e->dev;
        w.ino = (uint64_t)e->ino;
        w.size = (int64_t)e->size;
        w.mtime_sec = (int64_t)e->mtime.tv_sec;
        w.mtime_nsec = (int64_t)e->mtime.tv_nsec;
        w.pathlen = (uint32_t)strlen(e->path);
        buf_append(out, &w, sizeof w);
        buf_append(out, e->path, w.pathlen);
    }
}

static void write_fully(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) _exit(3);
        p += k;
        n -= (size_t)k;
    }
}

static void __attribute__((noreturn)) run_child(int fd, const struct job *tmpl) {
    struct job j = *tmpl;
    struct readset rs;
    struct rc_err err = { 0, "" };
    struct buf out;
    double t0 = builder_clock();
    int rc;
    signal(SIGINT, child_on_signal);
    signal(SIGTERM, child_on_signal);
    signal(SIGHUP, child_on_signal);
    signal(SIGPIPE, SIG_DFL);
    /* The watcher's descriptors (inotify, the preview's sockets, its
    ** signal pipe) are not the build's: a client the watcher closes must
    ** not stay open here. */
    if (fd > 3) close_range(3, (unsigned)fd - 1, 0);
    close_range((unsigned)fd + 1, ~0u, 0);
    readset_init(&rs);
    j.reads = &rs;
    rc = job_build(&j, &err);
    buf_init(&out);
    encode(&out, rc, rc == RC_OK ? "" : err.msg, builder_clock() - t0, &rs);
    write_fully(fd, out.data, out.len);
    _exit(0);
}

int builder_start(struct build_child *c, const struct job *job, struct rc_err *err) {
    int p[2];
    pid_t pid;
    if (pipe2(p, O_CLOEXEC) != 0)
        return rc_fail(err, RC_IO, "cannot start a build: pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return rc_fail(err, RC_IO, "cannot start a build: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(p[0]);
        run_child(p[1], job);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    c->pid = pid;
    c->fd = p[0];
    c->started = builder_clock();
    c->max_seconds = (job->limits.seconds ? job->limits.seconds : LIMITS_DEFAULT_SECONDS)
                   + BUILD_GRACE_SECONDS;
    c->overdue = 0;
    buf_init(&c->wire);
    return RC_OK;
}

/* ---- the parent ------------------------------------------------------------ */

static int decode(const struct buf *wire, struct build_result *res) {
    const unsigned char *p = wire->data, *end = wire->data + wire->len;
    struct wire_head h;
    uint32_t i;
    if ((size_t)(end - p) < sizeof h) return 0;
    memcpy(&h, p, sizeof h);
    p += sizeof h;
    if ((size_t)(end - p) < h.msglen) return 0;
    res->code = h.code;
    snprintf(res->msg, sizeof res->msg, "%.*s", (int)h.msglen, (const char *)p);
    res->seconds = h.seconds;
    p += h.msglen;
    for (i = 0; i < h.nentries; i++) {
        struct wire_entry w;
        struct stat st;
        char *path;
        if ((size_t)(end - p) < sizeof w) return 0;
        memcpy(&w, p, sizeof w);
        p += sizeof w;
        if ((size_t)(end - p) < w.pathlen) return 0;
        path = xstrndup((const char *)p, w.pathlen, "a file the build read");
        p += w.pathlen;
        if (w.absent) {
            readset_add_absent(&res->reads, path);
        } else {
            memset(&st, 0, sizeof st);
            st.st_dev = (dev_t)w.dev;
            st.st_ino = (ino_t)w.ino;
            st.st_size = (off_t)w.size;
            st.st_mtim.tv_sec = (time_t)w.mtime_sec;
            st.st_mtim.tv_nsec = (long)w.mtime_nsec;
            readset_add_stat(&res->reads, path, &st);
        }
        free(path);
    }
    return p == end;
}

static void finish(struct build_child *c, struct build_result *res) {
    int status = 0;
    pid_t got;
    do got = waitpid(c->pid, &status, 0); while (got < 0 && errno == EINTR);
    close(c->fd);
    memset(res, 0, sizeof *res);
    readset_init(&res->reads);
    if (got == c->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && decode(&c->wire, res)) {
        /* complete */
    } else {
        readset_free(&res->reads);
        readset_init(&res->reads);
        res->code = RC_IO;
        res->seconds = builder_clock() - c->started;
        if (c->overdue)
            snprintf(res->msg, sizeof res->msg, "the build ran longer than %.0f s and was stopped",
                     c->max_seconds);
        else if (got == c->pid && WIFSIGNALED(status))
            snprintf(res->msg, sizeof res->msg, "the build crashed (signal %d: %s)",
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
        else if (got == c->pid && WIFEXITED(status) && WEXITSTATUS(status) != 0)
            snprintf(res->msg, sizeof res->msg, "the build stopped with status %d (see above)",
                     WEXITSTATUS(status));
        else
            snprintf(res->msg, sizeof res->msg, "the build sent back an incomplete result");
    }
    buf_free(&c->wire);
    c->pid = 0;
    c->fd = -1;
}

int builder_poll(struct build_child *c, struct build_result *res) {
    unsigned char chunk[65536];
    for (;;) {
        ssize_t n = read(c->fd, chunk, sizeof chunk);
        if (n > 0) {
            if (c->wire.len + (size_t)n <= WIRE_MAX) buf_append(&c->wire, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        finish(c, res);            /* EOF, or an error reading: the child is done either way */
        return 1;
    }
}

int builder_check_overdue(struct build_child *c) {
    if (c->pid <= 0 || c->overdue || builder_clock() - c->started < c->max_seconds) return 0;
    kill(c->pid, SIGKILL);        /* its pipe closes: builder_poll reaps it */
    c->overdue = 1;
    return 1;
}

void builder_stop(struct build_child *c, int sig) {
    int status;
    if (c->pid <= 0) return;
    kill(c->pid, sig);
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {}
    close(c->fd);
    buf_free(&c->wire);
    c->pid = 0;
    c->fd = -1;
}

void build_result_free(struct build_result *res) {
    readset_free(&res->reads);
}

/*
** watch.c: `reportc watch`: the loop.  Builds (in a child, builder.h),
** then watches, with inotify, the folders of every file that build read:
** the script, each module it required, templates, images, the fact store,
** the font manifest and fonts, and module paths it looked for and did not
** find.  Folders rather than files, so an editor that saves by writing a
** new file and renaming it over the old one is seen.  An event on one of
** those names marks a change; 100 ms without further events (an editor's
** save is several) starts the next build.  A build that fails leaves the
** last good PDF in place (job_build writes through a temporary file) and
** its error is printed with the file and line.
**
** After each build the files are compared with what the build read
** (device, inode, size, mtime): a save that landed during the build, in a
** folder not yet watched, is caught there.  SIGINT and SIGTERM stop the
** running build (its temporary file goes with it) and end the loop.
*/
#define _GNU_SOURCE          /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "watch.h"
#include "builder.h"
#include "serve.h"
#include "../base/mem.h"

#define DEBOUNCE_SECONDS 0.1
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE \
                    | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define MAX_POLL 80

/* The one piece of process state: the pipe the signal handler writes the
** signal's number to, so the poll loop sees it. */
static int watch_signal_pipe[2] = { -1, -1 };

/* A file the last build read, as inotify reports it: the watch of its
** folder and its name there. */
struct tracked {
    int wd;                    /* -1 when its folder could not be watched */
    char *name;                /* owned */
};

struct watcher {
    const struct watch_opts *opts;
    int inotify;
    struct readset reads;      /* what the last builds read (a failed one adds to the last good) */
    struct tracked *files;
    size_t nfiles;
    struct build_child child;
    struct server *server;
    int pending;               /* a change seen and not built yet */
    double last_event;         /* when the last relevant event came */
    char changed[PATH_MAX];    /* the first file that changed, for the log */
    int unwatched;             /* some folder could not be watched: compare files each second */
    double last_check;
    unsigned builds;
};

static void on_stop_signal(int sig) {
    unsigned char b = (unsigned char)sig;
    int saved = errno;
    if (write(watch_signal_pipe[1], &b, 1) < 0) {}   /* full pipe: a stop is already queued */
    errno = saved;
}

static int install_signals(struct rc_err *err) {
    struct sigaction sa;
    if (pipe2(watch_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return rc_fail(err, RC_IO, "watch: pipe: %s", strerror(errno));
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);      /* a browser that goes away mid-response */
    return RC_OK;
}

static void now_hms(char *out, size_t size) {
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, size, "%H:%M:%S", &tm);
}

/* ---- what to watch ------------------------------------------------------------ */

static void forget_files(struct watcher *w) {
    size_t i;
    for (i = 0; i < w->nfiles; i++) free(w->files[i].name);
    free(w->files);
    w->files = NULL;
    w->nfiles = 0;
}

/* Watch the folder of each file read (inotify gives the same watch to a
** folder added twice), and remember each file as (watch, name). */
static void watch_files(struct watcher *w) {
    size_t i, n = readset_count(&w->reads);
    forget_files(w);
    w->unwatched = 0;
    w->files = xcalloc(n ? n : 1, sizeof *w->files, "the files watched");
    for (i = 0; i < n; i++) {
        const char *path = readset_get(&w->reads, i)->path;
        const char *slash = strrchr(path, '/');
        char dir[PATH_MAX];
        if (slash == NULL) snprintf(dir, sizeof dir, ".");
        else if (slash == path) snprintf(dir, sizeof dir, "/");
        else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
        w->files[i].wd = inotify_add_watch(w->inotify, dir, WATCH_MASK);
        w->files[i].name = xstrdup(slash ? slash + 1 : path, "a file watched");
        /* A folder that is not there yet (a module path looked for in a
        ** missing folder) or past the inotify watch limit: polled instead. */
        if (w->files[i].wd < 0) w->unwatched = 1;
    }
    w->nfiles = n;
}

/* The identity the builder sends back: device, inode, size and mtime
** (readset_same may compare more than the child's record carries). */
static int same_file(const struct readset_entry *e, const struct stat *st) {
    return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size
        && e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Has a file changed since the build read it (or appeared, if it was
** looked for and absent)?  Names the first such file in w->changed. */
static int files_changed(struct watcher *w) {
    size_t i;
    for (i = 0; i < readset_count(&w->reads); i++) {
        const struct readset_entry *e = readset_get(&w->reads, i);
        struct stat st;
        int there = stat(e->path, &st) == 0;
        if (e->absent ? there : (!there || !same_file(e, &st))) {
            snprintf(w->changed, sizeof w->changed, "%s", e->path);
            return 1;
        }
    }
    return 0;
}

/* An event about `name` in the folder of watch `wd`: one of ours?  The
** fact store also changes through its write-ahead log, "<db>-wal". */
static const char *relevant(const struct watcher *w, int wd, const char *name) {
    size_t i;
    for (i = 0; i < w->nfiles; i++) {
        const struct tracked *t = &w->files[i];
        size_t n = strlen(t->name);
        if (t->wd != wd) continue;
        if (strcmp(name, t->name) == 0
            || (strncmp(name, t->name, n) == 0 && strcmp(name + n, "-wal") == 0))
            return readset_get(&w->reads, i)->path;
    }
    return NULL;
}

static void read_events(struct watcher *w) {
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->inotify, buf, sizeof buf);
        char *p;
        if (n <= 0) return;
        for (p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            const char *path = NULL;
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW))
                path = "a watched folder";          /* rebuild: it re-watches what it reads */
            else if (ev->len > 0)
                path = relevant(w, ev->wd, ev->name);
            if (path) {
                if (!w->pending) snprintf(w->changed, sizeof w->changed, "%s", path);
                w->pending = 1;
                w->last_event = builder_clock();
            }
            p += sizeof *ev + ev->len;
        }
    }
}

/* ---- builds --------------------------------------------------------------------- */

static int start_build(struct watcher *w, struct rc_err *err) {
    int rc = builder_start(&w->child, w->opts->job, err);
    if (rc != RC_OK) return rc;
    w->pending = 0;
    if (w->server) serve_building(w->server);
    return RC_OK;
}

/* The error's first line: "file.lua:LINE: message" (the traceback after
** it is the build command's business). */
static void first_line(const char *msg, char *out, size_t size) {
    size_t n = strcspn(msg, "\n");
    snprintf(out, size, "%.*s", (int)n, msg);
}

static void report_build(struct watcher *w, const struct build_result *res) {
    char hms[16], line[1024], why[PATH_MAX + 16] = "";
    now_hms(hms, sizeof hms);
    if (w->builds > 1 && w->changed[0]) snprintf(why, sizeof why, "%s changed: ", w->changed);
    if (res->code == RC_OK) {
        fprintf(stderr, "[%s] %sbuilt %s in %.2f s\n", hms, why, w->opts->job->output, res->seconds);
        if (w->server) serve_built(w->server, w->builds, NULL, res->seconds);
    } else {
        first_line(res->msg, line, sizeof line);
        fprintf(stderr, "[%s] %s%s not rebuilt: %s\n", hms, why, w->opts->job->output, line);
        if (w->server) serve_built(w->server, w->builds, line, res->seconds);
    }
    fflush(stderr);
    w->changed[0] = '\0';
}

static void build_done(struct watcher *w, struct build_result *res) {
    w->builds++;
    report_build(w, res);
    /* A failed build may have stopped before reading what the last good
    ** one read: keep watching those too. */
    if (res->code != RC_OK) readset_move(&res->reads, &w->reads);
    readset_free(&w->reads);
    w->reads = res->reads;
    readset_init(&res->reads);
    /* Even when the build failed before reading them (missing, say), so
    ** that creating them starts the next build. */
    readset_add(&w->reads, w->opts->job->script);
    readset_add(&w->reads, w->opts->job->db);
    readset_add(&w->reads, w->opts->job->fonts);
    watch_files(w);
    if (files_changed(w)) {             /* saved while it was building */
        w->pending = 1;
        w->last_event = 0;
    }
}

/* ---- the loop ---------------------------------------------------------------------- */

static int poll_timeout(const struct watcher *w) {
    double left;
    if (!w->pending || w->child.pid > 0) return 1000;
    left = w->last_event + DEBOUNCE_SECONDS - builder_clock();
    return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static int stop_requested(int *stop_signal) {
    unsigned char b;
    if (read(watch_signal_pipe[0], &b, 1) == 1) {
        *stop_signal = b;
        return 1;
    }
    return 0;
}

static int loop(struct watcher *w, int *stop_signal, struct rc_err *err) {
    struct pollfd fds[MAX_POLL];
    int rc;
    if ((rc = start_build(w, err)) != RC_OK) return rc;
    for (;;) {
        size_t nserve = 0;
        fds[0].fd = watch_signal_pipe[0];
        fds[0].events = POLLIN;
        fds[1].fd = w->inotify;
        fds[1].events = POLLIN;
        fds[2].fd = w->child.pid > 0 ? w->child.fd : -1;
        fds[2].events = POLLIN;
        if (w->server) nserve = serve_pollfds(w->server, fds + 3, MAX_POLL - 3);
        if (poll(fds, 3 + nserve, poll_timeout(w)) < 0 && errno != EINTR)
            return rc_fail(err, RC_IO, "watch: poll: %s", strerror(errno));
        if ((fds[0].revents & POLLIN) && stop_requested(stop_signal)) return RC_OK;
        if (fds[1].revents & POLLIN) read_events(w);
        if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
            struct build_result res;
            if (builder_poll(&w->child, &res)) {
                build_done(w, &res);
                build_result_free(&res);
            }
        }
        if (w->server) serve_handle(w->server, fds + 3, nserve);
        builder_check_overdue(&w->child);
        if (w->unwatched && !w->pending && w->child.pid == 0 && builder_clock() - w->last_check >= 1.0) {
            w->last_check = builder_clock();
            if (files_changed(w)) { w->pending = 1; w->last_event = 0; }
        }
        if (w->pending && w->child.pid == 0 && builder_clock() - w->last_event >= DEBOUNCE_SECONDS
            && (rc = start_build(w, err)) != RC_OK)
            return rc;
    }
}

int watch_run(const struct watch_opts *o, int *stop_signal, struct rc_err *err) {
    struct watcher w;
    int rc;
    memset(&w, 0, sizeof w);
    w.opts = o;
    w.child.fd = -1;
    readset_init(&w.reads);
    *stop_signal = 0;
    if (o->serve && (rc = serve_open(o->serve, o->job->output, &w.server, err)) != RC_OK) return rc;
    w.inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w.inotify < 0) {
        serve_close(w.server);
        return rc_fail(err, RC_IO, "watch: inotify: %s", strerror(errno));
    }
    rc = install_signals(err);
    fprintf(stderr, "reportc: watching %s -> %s (Ctrl-C stops)\n", o->job->script, o->job->output);
    if (w.server) {
        if (serve_is_public(w.server))
            fprintf(stderr, "reportc: warning: the preview is reachable from other machines\n");
        fprintf(stderr, "reportc: preview at %s\n", serve_url(w.server));
    }
    fflush(stderr);
    if (rc == RC_OK) rc = loop(&w, stop_signal, err);
    if (w.child.pid > 0) builder_stop(&w.child, *stop_signal ? *stop_signal : SIGTERM);
    if (*stop_signal) fprintf(stderr, "reportc: watch stopped (%s)\n", strsignal(*stop_signal));
    serve_close(w.server);
    close(w.inotify);
    forget_files(&w);
    readset_free(&w.reads);
    return rc;
}

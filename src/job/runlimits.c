/*
** runlimits.c: arming a job's time and memory limits (see runlimits.h).
*/
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "runlimits.h"
#include "job.h"
#include "../base/mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define LIMITS_NO_RLIMIT_DATA 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIMITS_NO_RLIMIT_DATA 1
#endif
#endif

/* The process's limit timers and what their signal handler prints.  One
** job runs in a process at a time; a forked batch worker has no timers of
** its parent (POSIX timers are not inherited) and creates its own. */
static struct {
    pid_t owner;                 /* the process that created the timers */
    timer_t wall, cpu;
    struct rlimit old_cpu, old_data;
    volatile sig_atomic_t armed;
    int data_set;
    char wall_msg[512], cpu_msg[512];
    size_t wall_len, cpu_len;
    void (*report)(const char *msg, size_t len);
} limits_state;

void limits_on_expiry(void (*report)(const char *msg, size_t len)) {
    limits_state.report = report;
}

int limits_parse(const char *s, unsigned max, unsigned *out) {
    char *end;
    unsigned long v;
    if (s == NULL || *s < '0' || *s > '9') return 0;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v == 0 || v > max) return 0;
    *out = (unsigned)v;
    return 1;
}

/* Async-signal-safe: unlink, write, _exit. */
static void on_limit_signal(int sig) {
    int wall = sig == SIGALRM;
    const char *msg = wall ? limits_state.wall_msg : limits_state.cpu_msg;
    size_t len = wall ? limits_state.wall_len : limits_state.cpu_len;
    if (!limits_state.armed) return;     /* a late or stray signal between jobs */
    job_remove_temp();
    if (limits_state.report) {
        limits_state.report(msg, len);
    } else {
        ssize_t ignored = write(STDERR_FILENO, msg, len);
        (void)ignored;
    }
    _exit(1);
}

static int make_timer(clockid_t clock, int sig, timer_t *t, struct rc_err *err) {
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = sig;
    if (timer_create(clock, &sev, t) != 0)
        return rc_fail(err, RC_IO, "cannot create the time-limit timer: %s", strerror(errno));
    return RC_OK;
}

static int timers_ready(struct rc_err *err) {
    struct sigaction sa;
    int rc;
    if (limits_state.owner == getpid()) return RC_OK;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_limit_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGXCPU, &sa, NULL);
    if ((rc = make_timer(CLOCK_MONOTONIC, SIGALRM, &limits_state.wall, err)) != RC_OK) return rc;
    if ((rc = make_timer(CLOCK_PROCESS_CPUTIME_ID, SIGXCPU, &limits_state.cpu, err)) != RC_OK) {
        timer_delete(limits_state.wall);
        return rc;
    }
    limits_state.owner = getpid();
    return RC_OK;
}

static void set_timer(timer_t t, unsigned seconds) {
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = seconds;
    timer_settime(t, 0, &its, NULL);
}

#ifndef LIMITS_NO_RLIMIT_DATA
/* The private writable memory the process holds now (VmData), in bytes. */
static size_t data_in_use(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kb = 0;
    if (f == NULL) return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmData: %lu kB", &kb) == 1) break;
    fclose(f);
    return (size_t)kb << 10;
}
#endif

/* Kernel backstops, relative to what the process already used: a warm
** batch worker's earlier jobs do not count against this one. */
static void set_rlimits(const struct job_limits *l) {
    struct rlimit r;
    struct timespec cpu;
    getrlimit(RLIMIT_CPU, &limits_state.old_cpu);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    r = limits_state.old_cpu;
    r.rlim_cur = (rlim_t)cpu.tv_sec + l->seconds + 2;
    if (r.rlim_max != RLIM_INFINITY && r.rlim_cur > r.rlim_max) r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_CPU, &r);
    limits_state.data_set = 0;
#ifndef LIMITS_NO_RLIMIT_DATA
    getrlimit(RLIMIT_DATA, &limits_state.old_data);
    r = limits_state.old_data;
    r.rlim_cur = (rlim_t)(data_in_use() + l->bytes);
    if (r.rlim_max != RLIM_INFINITY && r.rlim_cur > r.rlim_max) r.rlim_cur = r.rlim_max;
    limits_state.data_set = setrlimit(RLIMIT_DATA, &r) == 0;
#endif
}

static size_t limit_message(char *buf, size_t size, const char *what, unsigned s, const char *clock) {
    int n = snprintf(buf, size, "reportc: %s: time limit of %u s exceeded (%s)\n", what, s, clock);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static struct timespec after(clockid_t clock, unsigned seconds) {
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_sec += seconds;
    return t;
}

int limits_arm(struct job_limits *l, const char *what, struct rc_err *err) {
    int rc;
    if (l->seconds == 0) l->seconds = LIMITS_DEFAULT_SECONDS;
    if (l->megabytes == 0) l->megabytes = LIMITS_DEFAULT_MB;
    l->bytes = (size_t)l->megabytes << 20;
    l->deadline = after(CLOCK_MONOTONIC, l->seconds);
    l->cpu_deadline = after(CLOCK_PROCESS_CPUTIME_ID, l->seconds);
    if ((rc = timers_ready(err)) != RC_OK) return rc;
    limits_state.wall_len = limit_message(limits_state.wall_msg, sizeof limits_state.wall_msg,
                                          what, l->seconds, "wall clock");
    limits_state.cpu_len = limit_message(limits_state.cpu_msg, sizeof limits_state.cpu_msg,
                                         what, l->seconds, "CPU time");
    mem_set_limit_note(l->megabytes);
    set_rlimits(l);
    /* A second past the cooperative deadline: the hook and the progress
    ** handler get the first chance to stop with the script line. */
    set_timer(limits_state.wall, l->seconds + 1);
    set_timer(limits_state.cpu, l->seconds + 1);
    limits_state.armed = 1;
    return RC_OK;
}

void limits_disarm(void) {
    if (!limits_state.armed) return;
    set_timer(limits_state.wall, 0);
    set_timer(limits_state.cpu, 0);
    setrlimit(RLIMIT_CPU, &limits_state.old_cpu);
    if (limits_state.data_set) setrlimit(RLIMIT_DATA, &limits_state.old_data);
    mem_set_limit_note(0);
    limits_state.armed = 0;
}

static int passed(clockid_t clock, const struct timespec *deadline) {
    struct timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

int limits_expired(const struct job_limits *l) {
    return passed(CLOCK_MONOTONIC, &l->deadline) || passed(CLOCK_PROCESS_CPUTIME_ID, &l->cpu_deadline);
}

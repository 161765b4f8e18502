/*
** report.c: what the batch tells people and schedulers.  On a terminal, a
** progress line on stderr rewritten in place (done/total, failures, rate,
** time left); nothing of it when stderr is a file or a pipe.  Each failed
** job on stderr with its parameters and its error, always.  And with
** --summary, a JSON file (written atomically) listing every job of the
** shard: parameters, output, status, size, time.
*/
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "plan.h"
#include "../base/buf.h"
#include "../base/fsutil.h"
#include "../base/utf8.h"

static const char *const STATUS_NAMES[] = { "pending", "ok", "failed", "skipped", "not-run" };

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

double batch_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "country=SGP period=2019-01" */
void batch_describe_params(const struct batch_job *j, char *out, size_t size) {
    size_t i, len = 0;
    out[0] = '\0';
    for (i = 0; i < j->nparams && len < size; i++) {
        int n = snprintf(out + len, size - len, "%s%s=%s", i ? " " : "", j->params[i].name,
                         j->params[i].value);
        if (n < 0) break;
        len += (size_t)n;
    }
}

/* ---- the progress line ----------------------------------------------------------- */

static void progress_draw(struct batch_progress *pr) {
    double elapsed = batch_clock() - pr->started;
    size_t built = pr->done - pr->skipped, left = pr->total - pr->done;
    double rate = elapsed > 0 ? built / elapsed : 0;
    fprintf(stderr, "\r\033[Kreportc batch: %zu/%zu done", pr->done, pr->total);
    if (pr->failed) fprintf(stderr, ", %zu failed", pr->failed);
    if (pr->skipped) fprintf(stderr, ", %zu unchanged", pr->skipped);
    if (built > 0) {
        fprintf(stderr, ", %.1f/s", rate);
        if (left > 0) fprintf(stderr, ", %.0f s left", left / rate + 0.5);
    }
    fflush(stderr);
    pr->last_drawn = batch_clock();
}

void batch_progress_start(struct batch_progress *pr, const struct batch_plan *p) {
    size_t i;
    memset(pr, 0, sizeof *pr);
    pr->on_terminal = isatty(STDERR_FILENO);
    pr->started = batch_clock();
    pr->total = p->njobs;
    for (i = 0; i < p->njobs; i++)
        if (p->jobs[i].status == JOB_SKIPPED) pr->done++, pr->skipped++;
    if (pr->on_terminal && pr->total > 0) progress_draw(pr);
}

/* A job finished (j), or only time passed (j == NULL). */
void batch_progress_note(struct batch_progress *pr, const struct batch_job *j) {
    if (j != NULL) {
        pr->done++;
        if (j->status == JOB_FAILED) pr->failed++;
    }
    if (pr->on_terminal && (batch_clock() - pr->last_drawn > 0.1 || pr->done == pr->total))
        progress_draw(pr);
}

void batch_progress_finish(struct batch_progress *pr) {
    if (!pr->on_terminal || pr->total == 0) return;
    progress_draw(pr);
    fprintf(stderr, " in %.1f s\n", batch_clock() - pr->started);
}

void batch_report_failure(struct batch_progress *pr, const struct batch_job *j) {
    char params[1024];
    batch_describe_params(j, params, sizeof params);
    if (pr->on_terminal) fputs("\r\033[K", stderr);
    fprintf(stderr, "reportc: job #%zu failed (%s) -> %s: %s\n", j->index, params, j->output,
            j->error);
    if (pr->on_terminal) progress_draw(pr);
}

/* The closing lines: every failed job again, so a long log's end names
** them all; and jobs the interruption left unbuilt. */
void batch_report_end(const struct batch_plan *p) {
    char params[1024];
    size_t i, failed = 0, not_run = 0;
    for (i = 0; i < p->njobs; i++) {
        failed += p->jobs[i].status == JOB_FAILED;
        not_run += p->jobs[i].status == JOB_NOT_RUN;
    }
    if (failed) {
        fprintf(stderr, "reportc: %zu of %zu jobs failed:\n", failed, p->njobs);
        for (i = 0; i < p->njobs; i++)
            if (p->jobs[i].status == JOB_FAILED) {
                batch_describe_params(&p->jobs[i], params, sizeof params);
                fprintf(stderr, "  #%zu %s\n", p->jobs[i].index, params);
            }
    }
    if (p->stop_signal)
        fprintf(stderr, "reportc: interrupted by %s; %zu jobs not built (the PDFs written are "
                "complete; run again with --skip-unchanged to build only the rest)\n",
                signal_name(p->stop_signal), not_run);
}

/* ---- the summary ------------------------------------------------------------------ */

/* A JSON string.  Bytes that are not UTF-8 (a Latin-1 CSV cell, a file
** name) become U+FFFD, so the summary always parses (RFC 8259 8.1). */
static void json_string(struct buf *b, const char *s) {
    size_t i = 0, n = strlen(s);
    buf_putc(b, '"');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (c == '"' || c == '\\') { buf_putc(b, '\\'); buf_putc(b, c); }
        else if (c == '\n') buf_puts(b, "\\n");
        else if (c == '\t') buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7f) buf_printf(b, "\\u%04x", c);
        else if (cp == 0xFFFD && len == 1) buf_puts(b, "\\ufffd");
        else buf_append(b, s + i, len);
        i += len;
    }
    buf_putc(b, '"');
}

static void json_job(struct buf *b, const struct batch_job *j) {
    size_t i;
    buf_printf(b, "    {\"index\": %zu, \"params\": {", j->index);
    for (i = 0; i < j->nparams; i++) {
        if (i) buf_puts(b, ", ");
        json_string(b, j->params[i].name);
        buf_puts(b, ": ");
        json_string(b, j->params[i].value);
    }
    buf_puts(b, "}, \"output\": ");
    json_string(b, j->output);
    buf_printf(b, ", \"status\": \"%s\"", STATUS_NAMES[j->status]);
    if (j->status == JOB_OK || j->status == JOB_SKIPPED) buf_printf(b, ", \"size\": %lld", j->size);
    if (j->status == JOB_OK || j->status == JOB_FAILED) buf_printf(b, ", \"seconds\": %.4f", j->seconds);
    if (j->status == JOB_FAILED) {
        buf_puts(b, ", \"error\": ");
        json_string(b, j->error);
    }
    buf_puts(b, "}");
}

static void json_counts(struct buf *b, const struct batch_plan *p) {
    size_t count[5] = { 0, 0, 0, 0, 0 }, i;
    for (i = 0; i < p->njobs; i++) count[p->jobs[i].status]++;
    buf_printf(b, "  \"ok\": %zu, \"failed\": %zu, \"skipped\": %zu, \"not_run\": %zu,\n",
               count[JOB_OK], count[JOB_FAILED], count[JOB_SKIPPED], count[JOB_NOT_RUN] + count[JOB_PENDING]);
}

int batch_write_summary(const struct batch_opts *o, const struct batch_plan *p, struct rc_err *err) {
    struct buf b;
    size_t i;
    int rc;
    buf_init(&b);
    buf_puts(&b, "{\n  \"script\": ");
    json_string(&b, o->script);
    buf_printf(&b, ",\n  \"shard\": \"%u/%u\", \"total_jobs\": %zu, \"shard_jobs\": %zu,\n",
               o->shard_k, o->shard_n, p->total, p->njobs);
    json_counts(&b, p);
    buf_puts(&b, "  \"interrupted_by\": ");
    if (p->stop_signal) json_string(&b, signal_name(p->stop_signal));
    else buf_puts(&b, "null");
    buf_printf(&b, ",\n  \"seconds\": %.3f,\n  \"workers\": [", p->seconds);
    for (i = 0; i < p->nstats; i++)
        buf_printf(&b, "%s{\"pid\": %d, \"jobs\": %zu, \"max_rss_kb\": %ld}", i ? ", " : "",
                   (int)p->stats[i].pid, p->stats[i].jobs, p->stats[i].max_rss_kb);
    buf_puts(&b, "],\n  \"jobs\": [\n");
    for (i = 0; i < p->njobs; i++) {
        json_job(&b, &p->jobs[i]);
        buf_puts(&b, i + 1 < p->njobs ? ",\n" : "\n");
    }
    buf_puts(&b, "  ]\n}\n");
    rc = fs_write_atomic(o->summary, b.data, b.len, err);
    buf_free(&b);
    return rc;
}

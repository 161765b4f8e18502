/*
** job.c: one build, from script to renamed PDF.
*/
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "job.h"
#include "../base/fsutil.h"
#include "../display/display.h"
#include "../doc/doc.h"
#include "../font/fontset.h"
#include "../layout/layout.h"
#include "../pdf/pdf.h"
#include "../store/store.h"

/* The one piece of process state: the temporary PDF being written, so a
** signal handler can remove it.  A process builds one job at a time. */
static char job_temp[PATH_MAX + 32];
static volatile sig_atomic_t job_temp_live;

void job_remove_temp(void) {
    if (job_temp_live) unlink(job_temp);
}

long long job_build_time(void) {
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long t = strtoll(sde, &end, 10);
        if (*end == '\0' && t >= 0) return t;
    }
    return (long long)time(NULL);
}

/* Create the temporary PDF with the stop signals held, so a handler never
** sees a file created but not yet named in job_temp. */
static int open_temp(const char *output, int *fd, struct rc_err *err) {
    sigset_t stop, old;
    int rc;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &old);
    rc = fs_temp_beside(output, job_temp, sizeof job_temp, fd, err);
    if (rc == RC_OK) job_temp_live = 1;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Lay the document out into the PDF, page by page: each finished page is
** written and freed (kept only when the display list is asked for, which
** is the whole document). */
static int write_pdf(const struct job *j, const struct doc *doc, struct fontset *fs,
                     const struct pdf_info *info, int fd, struct display *dl,
                     struct rc_err *err) {
    struct pdf_writer *w;
    struct display_sink sink;
    int rc = pdf_begin(&w, fs, info, fd, j->output, err);
    if (rc == RC_OK) {
        pdf_sink(w, &sink);
        dl->sink = &sink;
        dl->keep = j->display_list != NULL;
        rc = layout_document(doc, fs, dl, err);
        dl->sink = NULL;
        if (rc == RC_OK) rc = pdf_end(w, dl);
    }
    pdf_free(w);
    return rc;
}

static int write_outputs(const struct job *j, const struct doc *doc, struct fontset *fs,
                         const struct pdf_info *info, struct readset *reads, struct rc_err *err) {
    struct display dl;
    int fd, rc = fs_check_not_input(j->output, reads, err);
    if (rc == RC_OK && j->display_list) rc = fs_check_not_input(j->display_list, reads, err);
    if (rc == RC_OK) rc = open_temp(j->output, &fd, err);
    if (rc != RC_OK) return rc;
    display_init(&dl);
    rc = write_pdf(j, doc, fs, info, fd, &dl, err);
    /* Font files are opened as layout first needs them: the whole read
    ** set is known only now, before an output is replaced. */
    if (rc == RC_OK) rc = fs_check_not_input(j->output, reads, err);
    if (rc == RC_OK && j->display_list) rc = fs_check_not_input(j->display_list, reads, err);
    if (rc == RC_OK && j->display_list) {
        struct buf json;
        buf_init(&json);
        display_write_json(&dl, &json);
        rc = fs_write_atomic(j->display_list, json.data, json.len, err);
        buf_free(&json);
    }
    display_free(&dl);
    if (rc == RC_OK) {
        rc = fs_commit(fd, job_temp, j->output, err);
    } else {
        close(fd);
        unlink(job_temp);
    }
    job_temp_live = 0;
    return rc;
}

static int render(const struct job *j, const struct doc *doc, struct readset *reads,
                  struct rc_err *err) {
    struct fontset *fs = j->fontset;
    struct pdf_info info = { doc->title, doc->author, doc->subject, j->now, j->compress_level };
    int rc;
    if (fs == NULL && (rc = fontset_load(j->fonts, &fs, err)) != RC_OK) return rc;
    readset_add(reads, j->fonts);
    fontset_track(fs, reads);
    rc = write_outputs(j, doc, fs, &info, reads, err);
    fontset_track(fs, NULL);
    if (fs != j->fontset) fontset_free(fs);
    return rc;
}

static int build_limited(const struct job *j, const struct job_limits *limits,
                         struct readset *reads, struct rc_err *err) {
    struct script_job sj;
    struct store *db = NULL;
    struct doc *doc = NULL;
    struct stat st;
    int rc;
    /* SQLite opens the file itself: check it first, so a FIFO cannot block. */
    if ((rc = fs_check_input(j->db, "the fact store", &st, err)) != RC_OK) return rc;
    readset_add_stat(reads, j->db, &st);
    memset(&sj, 0, sizeof sj);
    sj.path = j->script;
    sj.templates_dir = j->templates;
    sj.params = j->params;
    sj.nparams = j->nparams;
    sj.now = j->now;
    sj.reads = reads;
    sj.limits = limits;
    sj.chunks = j->chunks;
    if ((rc = store_open(j->db, &db, err)) != RC_OK) return rc;
    store_set_limits(db, limits);
    rc = script_run(&sj, db, &doc, err);
    store_close(db);
    if (rc == RC_OK) rc = render(j, doc, reads, err);
    doc_free(doc);
    return rc;
}

static int build(const struct job *j, struct readset *reads, struct rc_err *err) {
    struct job_limits limits = j->limits;
    struct stat st;
    int rc;
    if ((rc = fs_check_output(j->output, err)) != RC_OK) return rc;
    if (j->display_list && (rc = fs_check_output(j->display_list, err)) != RC_OK) return rc;
    if (j->display_list && fs_same_file(j->output, j->display_list))
        return rc_fail(err, RC_USAGE, "%s: both the output and the display list", j->output);
    if ((rc = fs_check_input(j->script, "the script", &st, err)) != RC_OK) return rc;
    if ((rc = limits_arm(&limits, j->script, err)) != RC_OK) return rc;
    rc = build_limited(j, &limits, reads, err);
    limits_disarm();
    return rc;
}

int job_build(const struct job *j, struct rc_err *err) {
    struct readset own;
    int rc;
    readset_init(&own);
    rc = build(j, j->reads ? j->reads : &own, err);
    readset_free(&own);
    return rc;
}

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

static int write_outputs(const struct job *j, const struct display *dl, struct fontset *fs,
                         const struct pdf_info *info, struct rc_err *err) {
    int rc = fs_temp_beside(j->output, job_temp, sizeof job_temp, err);
    if (rc != RC_OK) return rc;
    job_temp_live = 1;
    rc = pdf_write(dl, fs, info, job_temp, err);
    if (rc == RC_OK && j->display_list) {
        struct buf json;
        buf_init(&json);
        display_write_json(dl, &json);
        rc = fs_write_atomic(j->display_list, json.data, json.len, err);
        buf_free(&json);
    }
    if (rc == RC_OK) rc = fs_commit(job_temp, j->output, err);
    else unlink(job_temp);
    job_temp_live = 0;
    return rc;
}

static int render(const struct job *j, const struct doc *doc, struct rc_err *err) {
    struct fontset *fs = j->fontset;
    struct display dl;
    struct pdf_info info = { doc->title, doc->author, doc->subject, j->now, j->compress_level };
    int rc;
    display_init(&dl);
    if (fs == NULL && (rc = fontset_load(j->fonts, &fs, err)) != RC_OK) return rc;
    rc = layout_document(doc, fs, &dl, err);
    if (rc == RC_OK) rc = write_outputs(j, &dl, fs, &info, err);
    display_free(&dl);
    if (fs != j->fontset) fontset_free(fs);
    return rc;
}

static int build_limited(const struct job *j, const struct job_limits *limits,
                         struct rc_err *err) {
    struct script_job sj;
    struct store *db = NULL;
    struct doc *doc = NULL;
    int rc;
    memset(&sj, 0, sizeof sj);
    sj.path = j->script;
    sj.templates_dir = j->templates;
    sj.params = j->params;
    sj.nparams = j->nparams;
    sj.now = j->now;
    sj.limits = limits;
    if ((rc = store_open(j->db, &db, err)) != RC_OK) return rc;
    store_set_limits(db, limits);
    rc = script_run(&sj, db, &doc, err);
    store_close(db);
    if (rc == RC_OK) rc = render(j, doc, err);
    doc_free(doc);
    return rc;
}

int job_build(const struct job *j, struct rc_err *err) {
    struct job_limits limits = j->limits;
    int rc;
    if (access(j->script, R_OK) != 0)
        return rc_fail(err, RC_IO, "%s: cannot read the script: %s", j->script, strerror(errno));
    if ((rc = limits_arm(&limits, j->script, err)) != RC_OK) return rc;
    rc = build_limited(j, &limits, err);
    limits_disarm();
    return rc;
}

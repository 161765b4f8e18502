/*
** batch.c: `reportc batch`, start to end: read the command line and the
** job list, place the outputs, hash the inputs (with --skip-unchanged,
** set aside the jobs already built from the same ones), clear temporaries a killed
** run left, build the rest in workers, then report and write the summary.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plan.h"
#include "../base/fsutil.h"

/* The inputs every job shares: one clear error now rather than the same
** error from every job. */
static int check_shared_inputs(const struct batch_opts *o, struct rc_err *err) {
    struct stat st;
    int rc = fs_check_input(o->script, "the script", &st, err);
    if (rc == RC_OK) rc = fs_check_input(o->db, "the fact store", &st, err);
    if (rc == RC_OK && (rc = fs_check_input(o->fonts, "the font manifest", &st, err)) != RC_OK)
        rc = err->code = RC_FONT;
    return rc;
}

static void skip_unchanged_jobs(const struct batch_opts *o, struct batch_plan *p) {
    size_t i;
    for (i = 0; i < p->njobs; i++) {
        struct batch_job *j = &p->jobs[i];
        struct stat st;
        if (batch_is_unchanged(o, p, j) && stat(j->output, &st) == 0) {
            j->status = JOB_SKIPPED;
            j->size = (long long)st.st_size;
        }
    }
}

/* --list: this shard's jobs, one a line: number, output, parameters. */
static void list_jobs(const struct batch_plan *p) {
    char params[4096];
    size_t i;
    for (i = 0; i < p->njobs; i++) {
        batch_describe_params(&p->jobs[i], params, sizeof params);
        printf("%zu\t%s\t%s\n", p->jobs[i].index, p->jobs[i].output, params);
    }
    fflush(stdout);
}

static int plan_batch(struct batch_opts *o, struct batch_plan *p, struct rc_err *err) {
    int rc = batch_plan_jobs(o, p, err);
    if (rc == RC_OK && o->output_template == NULL) rc = batch_default_template(o, p, err);
    if (rc == RC_OK) rc = batch_expand_outputs(o, p, err);
    if (rc == RC_OK && o->list_only) return RC_OK;
    if (rc == RC_OK) rc = check_shared_inputs(o, err);
    /* Always hashed, so every PDF built gets its record and a later
    ** --skip-unchanged run can trust it (about 0.1 s for Debian's CJK fonts). */
    if (rc == RC_OK) rc = batch_hash_inputs(o, p, err);
    if (rc == RC_OK) rc = batch_check_outputs(o, p, err);
    if (rc == RC_OK && o->skip_unchanged) skip_unchanged_jobs(o, p);
    return rc;
}

int batch_command(int argc, char **argv, const struct batch_env *env,
                  struct batch_outcome *out, struct rc_err *err) {
    struct batch_opts o;
    struct batch_plan p;
    size_t i;
    int rc, ran = 0;
    memset(out, 0, sizeof *out);
    memset(&p, 0, sizeof p);
    rc = batch_parse_args(argc, argv, env, &o, err);
    if (rc == RC_OK) rc = plan_batch(&o, &p, err);
    if (rc == RC_OK && o.list_only) {
        list_jobs(&p);
    } else if (rc == RC_OK) {
        batch_remove_stale_temps(&p);
        rc = batch_run_workers(&o, &p, out, err);
        ran = 1;
    }
    if (out->is_worker) {                 /* a forked worker on its way out */
        batch_hashes_free(&p);
        batch_plan_free(&p);
        return rc;
    }
    if (ran) {              /* even when it could not finish: say what was done */
        struct rc_err summary_err = { 0, "" };
        for (i = 0; i < p.njobs; i++) out->failed_jobs += p.jobs[i].status == JOB_FAILED;
        batch_report_end(&p);
        if (o.summary && batch_write_summary(&o, &p, &summary_err) != RC_OK && rc == RC_OK) {
            *err = summary_err;
            rc = summary_err.code;
        }
    }
    batch_hashes_free(&p);
    batch_plan_free(&p);
    return rc;
}

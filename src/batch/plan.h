/*
** plan.h: the batch's internal picture, shared by the files of src/batch/:
** the options as parsed, the axes the jobs are the product of, the jobs of
** this shard with their outputs, the input hashes and results.
**
** Ownership: struct batch_plan owns the axes, the jobs, their parameter
** arrays, output paths and error texts; batch_plan_free releases them.
** Parameter name/value strings point into the axes or into argv.
*/
#ifndef BATCH_PLAN_H
#define BATCH_PLAN_H

#include <stddef.h>
#include <sys/types.h>
#include "batch.h"
#include "sha256.h"

#define BATCH_MAX_PARAMS 128
#define BATCH_MAX_AXES   32

/* One --each, --jobs or --jobs-sql argument, in command-line order. */
enum batch_axis_kind { AXIS_EACH, AXIS_CSV, AXIS_SQL };

struct batch_axis_arg {
    int kind;                  /* enum batch_axis_kind */
    char *text;                /* "name=values", the CSV path or the query (in argv) */
};

struct batch_opts {
    const char *script;
    const char *output_template;        /* -o, with {name} fields */
    const char *db, *fonts, *templates, *summary, *version;
    int compress_level;        /* --compress; 0: the default */
    long long now;
    struct script_param common[BATCH_MAX_PARAMS];   /* -D, later ones replace earlier */
    size_t ncommon;
    char common_months[BATCH_MAX_PARAMS][8];        /* -D values that were month keywords */
    struct batch_axis_arg axis_args[BATCH_MAX_AXES];
    size_t naxis_args;
    int workers;                        /* -j; 0 until defaulted to the cores */
    unsigned shard_k, shard_n;          /* --shard K/N; 1/1 when not given */
    int skip_unchanged;
    int list_only;                      /* --list: print the jobs, build nothing */
    unsigned time_limit, memory_limit;  /* per job: seconds, MB; 0: the defaults */
    char default_template[4096];        /* when -o is not given */
};

/* A dimension of the job product: one --each list (one name) or the rows
** of a --jobs CSV (one name per column). */
struct batch_axis {
    char **names;              /* nnames, owned */
    size_t nnames;
    char **values;             /* nrows x nnames, row-major, owned */
    size_t nrows, cap_rows;
};

enum batch_status { JOB_PENDING, JOB_OK, JOB_FAILED, JOB_SKIPPED, JOB_NOT_RUN };

struct batch_job {
    size_t index;                       /* place in the full ordered list */
    struct script_param *params;        /* common -D, then the axes' values */
    size_t nparams;
    char *output;                       /* owned */
    int status;                         /* enum batch_status */
    char *error;                        /* owned, when JOB_FAILED */
    double seconds;                     /* building it, in its worker */
    long long size;                     /* of the PDF */
};

struct batch_worker_stat {
    pid_t pid;
    size_t jobs;
    long max_rss_kb;
};

struct batch_plan {
    struct batch_axis axes[BATCH_MAX_AXES];
    size_t naxes;
    size_t total;                       /* jobs in the whole product */
    struct batch_job *jobs;             /* this shard's, in order */
    size_t njobs;
    struct script_param *param_pool;    /* every job's params, one block */
    struct batch_hashes *hashes;        /* inputs hashed once per batch (inputs.c) */
    /* filled by the run */
    struct batch_worker_stat *stats;
    size_t nstats, stats_cap;
    double seconds;
    int stop_signal;
};

/* args.c */
int batch_parse_args(int argc, char **argv, const struct batch_env *env,
                     struct batch_opts *o, struct rc_err *err);

/* matrix.c */
int batch_parse_each(const char *spec, long long now, struct batch_axis *axis,
                     struct rc_err *err);
int batch_plan_jobs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err);
void batch_plan_free(struct batch_plan *p);
void batch_axis_free(struct batch_axis *axis);
int batch_axis_add_row(struct batch_axis *axis, char **row, struct rc_err *err);

/* csv.c */
int batch_read_csv(const char *path, long long now, struct batch_axis *axis,
                   struct rc_err *err);

/* sqljobs.c */
int batch_read_sql(const char *db_path, const char *sql, const struct batch_opts *o,
                   struct batch_axis *axis, struct rc_err *err);

/* outpath.c */
int batch_default_template(struct batch_opts *o, const struct batch_plan *p, struct rc_err *err);
int batch_expand_outputs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err);
int batch_make_parent_dirs(const char *path, struct rc_err *err);
void batch_remove_temps(const char *output);
void batch_remove_stale_temps(const struct batch_plan *p);

/* inputs.c */
struct readset;
int batch_hash_inputs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err);
void batch_hashes_free(struct batch_plan *p);
int batch_is_unchanged(const struct batch_opts *o, struct batch_plan *p, const struct batch_job *j);
int batch_record_inputs(const struct batch_opts *o, const struct batch_plan *p,
                        const struct batch_job *j, const struct readset *reads,
                        double started, struct rc_err *err);
double batch_wall_clock(void);          /* CLOCK_REALTIME, for comparing with file times */
void batch_forget_inputs(const struct batch_job *j);
int batch_check_outputs(const struct batch_opts *o, const struct batch_plan *p, struct rc_err *err);

/* workers.c */
int batch_run_workers(const struct batch_opts *o, struct batch_plan *p,
                      struct batch_outcome *out, struct rc_err *err);

/* report.c */
struct batch_progress {
    int on_terminal;
    double started, last_drawn;
    size_t done, failed, skipped, total;
};
double batch_clock(void);
void batch_progress_start(struct batch_progress *pr, const struct batch_plan *p);
void batch_progress_note(struct batch_progress *pr, const struct batch_job *j);
void batch_progress_finish(struct batch_progress *pr);
void batch_report_failure(struct batch_progress *pr, const struct batch_job *j);
void batch_report_end(const struct batch_plan *p);
int batch_write_summary(const struct batch_opts *o, const struct batch_plan *p,
                        struct rc_err *err);
void batch_describe_params(const struct batch_job *j, char *out, size_t size);

#endif

/*
** args.c: the command line of `reportc batch` into struct batch_opts.
** Only checks what it can see here; the axes are read by matrix.c and
** csv.c, the output template by outpath.c.
*/
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plan.h"
#include "../base/month.h"
#include "../job/runlimits.h"
#include "../pdf/pdf.h"

/* Workers default to the cores this process may run on (taskset, cgroup
** cpusets and Slurm's --cpus-per-task all narrow the affinity mask). */
static int batch_core_count(void) {
    cpu_set_t set;
    long n;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int parse_positive(const char *s, unsigned *out) {
    char *end;
    unsigned long v;
    if (*s < '0' || *s > '9') return 0;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v == 0 || v > 100000) return 0;
    *out = (unsigned)v;
    return 1;
}

static int parse_workers(struct batch_opts *o, const char *s, struct rc_err *err) {
    unsigned n;
    if (!parse_positive(s, &n) || n > 1024)
        return rc_fail(err, RC_USAGE, "-j expects a number of workers from 1 to 1024, got '%s'", s);
    o->workers = (int)n;
    return RC_OK;
}

static int parse_limit(const char *opt, const char *s, unsigned max, unsigned *out,
                       struct rc_err *err) {
    if (limits_parse(s, max, out)) return RC_OK;
    return rc_fail(err, RC_USAGE, "%s expects a whole number from 1 to %u, got '%s'", opt, max, s);
}

/* K/N with 1 <= K <= N. */
static int parse_shard(struct batch_opts *o, const char *s, struct rc_err *err) {
    char k[32];
    const char *slash = strchr(s, '/');
    if (slash == NULL || (size_t)(slash - s) >= sizeof k) goto bad;
    memcpy(k, s, (size_t)(slash - s));
    k[slash - s] = '\0';
    if (!parse_positive(k, &o->shard_k) || !parse_positive(slash + 1, &o->shard_n)
        || o->shard_k > o->shard_n) goto bad;
    return RC_OK;
bad:
    return rc_fail(err, RC_USAGE, "--shard expects K/N with 1 <= K <= N (e.g. 2/4), got '%s'", s);
}

/* -D name=value; a later -D of the same name replaces the earlier one, as
** in `reportc build`.  Month keywords are resolved here, once per batch. */
static int parse_common(struct batch_opts *o, char *arg, struct rc_err *err) {
    char *eq = strchr(arg, '=');
    size_t i;
    if (eq == NULL || eq == arg) return rc_fail(err, RC_USAGE, "-D expects name=value, got '%s'", arg);
    *eq = '\0';
    for (i = 0; i < o->ncommon && strcmp(o->common[i].name, arg) != 0; i++) {}
    if (i == BATCH_MAX_PARAMS) return rc_fail(err, RC_USAGE, "too many -D parameters");
    o->common[i].name = arg;
    o->common[i].value = eq + 1;
    if (month_keyword(eq + 1, o->now, o->common_months[i]))
        o->common[i].value = o->common_months[i];
    if (i == o->ncommon) o->ncommon++;
    return RC_OK;
}

static int add_axis(struct batch_opts *o, int kind, char *text, struct rc_err *err) {
    if (o->naxis_args == BATCH_MAX_AXES)
        return rc_fail(err, RC_USAGE, "too many --each/--jobs (at most %d)", BATCH_MAX_AXES);
    o->axis_args[o->naxis_args].kind = kind;
    o->axis_args[o->naxis_args].text = text;
    o->naxis_args++;
    return RC_OK;
}

/* One option at argv[*i]; advances *i past its value. */
static int parse_option(struct batch_opts *o, int argc, char **argv, int *i, struct rc_err *err) {
    const char *a = argv[*i];
    char *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (strncmp(a, "-D", 2) == 0 && a[2]) return parse_common(o, argv[*i] + 2, err);
    if (strncmp(a, "-j", 2) == 0 && a[2]) return parse_workers(o, a + 2, err);
    if (strcmp(a, "--skip-unchanged") == 0) { o->skip_unchanged = 1; return RC_OK; }
    if (strncmp(a, "--compress=", 11) == 0) {
        if ((o->compress_level = pdf_compress_level(a + 11)) == 0)
            return rc_fail(err, RC_USAGE, "--compress: %s is not " PDF_COMPRESS_NAMES, a + 11);
        return RC_OK;
    }
    if (strcmp(a, "--list") == 0) { o->list_only = 1; return RC_OK; }
    if (value == NULL) return rc_fail(err, RC_USAGE, "unknown option or missing value: %s", a);
    ++*i;
    if (strcmp(a, "-o") == 0) o->output_template = value;
    else if (strcmp(a, "-D") == 0) return parse_common(o, value, err);
    else if (strcmp(a, "--each") == 0) return add_axis(o, AXIS_EACH, value, err);
    else if (strcmp(a, "--jobs") == 0) return add_axis(o, AXIS_CSV, value, err);
    else if (strcmp(a, "--jobs-sql") == 0) return add_axis(o, AXIS_SQL, value, err);
    else if (strcmp(a, "--db") == 0) o->db = value;
    else if (strcmp(a, "--fonts") == 0) o->fonts = value;
    else if (strcmp(a, "--summary") == 0) o->summary = value;
    else if (strcmp(a, "-j") == 0) return parse_workers(o, value, err);
    else if (strcmp(a, "--shard") == 0) return parse_shard(o, value, err);
    else if (strcmp(a, "--time-limit") == 0)
        return parse_limit(a, value, LIMITS_MAX_SECONDS, &o->time_limit, err);
    else if (strcmp(a, "--memory-limit") == 0)
        return parse_limit(a, value, LIMITS_MAX_MB, &o->memory_limit, err);
    else { --*i; return rc_fail(err, RC_USAGE, "unknown option or missing value: %s", a); }
    return RC_OK;
}

/* A job list comes from a file or from the store, not both: which one
** the batch is about would be unclear, and their rows would multiply. */
static int check_job_sources(const struct batch_opts *o, struct rc_err *err) {
    size_t i;
    int csv = 0, sql = 0;
    for (i = 0; i < o->naxis_args; i++) {
        csv += o->axis_args[i].kind == AXIS_CSV;
        sql += o->axis_args[i].kind == AXIS_SQL;
    }
    if (csv && sql) return rc_fail(err, RC_USAGE, "--jobs and --jobs-sql cannot be combined");
    return RC_OK;
}

int batch_parse_args(int argc, char **argv, const struct batch_env *env,
                     struct batch_opts *o, struct rc_err *err) {
    int i, rc;
    memset(o, 0, sizeof *o);
    o->now = env->now;
    o->templates = env->templates;
    o->version = env->version;
    o->shard_k = o->shard_n = 1;
    for (i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            if ((rc = parse_option(o, argc, argv, &i, err)) != RC_OK) return rc;
        } else if (o->script) {
            return rc_fail(err, RC_USAGE, "one script per batch (also got %s)", argv[i]);
        } else {
            o->script = argv[i];
        }
    }
    if (o->script == NULL) return rc_fail(err, RC_USAGE, "batch needs a script");
    if ((rc = check_job_sources(o, err)) != RC_OK) return rc;
    if (o->db == NULL) o->db = env->db;
    if (o->fonts == NULL) o->fonts = env->fonts;
    if (o->workers == 0) o->workers = batch_core_count();
    return RC_OK;
}

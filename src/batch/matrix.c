/*
** matrix.c: the job list.  Reads each --each list (values, ranges of
** months or integers, month keywords) into an axis, and expands the
** cartesian product of the axes, in order, into this shard's jobs.
**
** Order: the first axis varies slowest, so `--each country=A,B --each
** period=2019-01..2019-12` is A 2019-01, A 2019-02, ..., B 2019-12.  Job i
** of that list belongs to shard (i mod N) + 1; the list and so the shards
** depend only on the command line, never on -j.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"
#include "../base/month.h"
#include "../base/mem.h"

#define BATCH_MAX_JOBS 10000000   /* a typo in a range, not a real batch */

/* "YYYY-MM" into a month count (year * 12 + month - 1). */
static int parse_month(const char *s, int *index) {
    int i, year, month;
    if (strlen(s) != 7 || s[4] != '-') return 0;
    for (i = 0; i < 7; i++) if (i != 4 && (s[i] < '0' || s[i] > '9')) return 0;
    year = atoi(s);
    month = atoi(s + 5);
    if (month < 1 || month > 12) return 0;
    *index = year * 12 + month - 1;
    return 1;
}

static int parse_integer(const char *s, long long *v) {
    char *end;
    if (*s == '\0') return 0;
    *v = strtoll(s, &end, 10);
    return *end == '\0';
}

/* ---- axes ------------------------------------------------------------------- */

/* Append one row (nnames values, copied). */
int batch_axis_add_row(struct batch_axis *axis, char **row, struct rc_err *err) {
    size_t i, at;
    if (axis->nrows == axis->cap_rows) {
        axis->cap_rows = axis->cap_rows ? mem_mul(axis->cap_rows, 2) : 16;
        axis->values = xreallocarray(axis->values, mem_mul(axis->cap_rows, axis->nnames),
                                     sizeof *axis->values, "job values");
    }
    at = axis->nrows * axis->nnames;
    for (i = 0; i < axis->nnames; i++) axis->values[at + i] = xstrdup(row[i], "a job value");
    axis->nrows++;
    if (axis->nrows > BATCH_MAX_JOBS)
        return rc_fail(err, RC_USAGE, "more than %d values for %s", BATCH_MAX_JOBS, axis->names[0]);
    return RC_OK;
}

static int add_value(struct batch_axis *axis, const char *value, struct rc_err *err) {
    char *row[1];
    row[0] = (char *)value;
    return batch_axis_add_row(axis, row, err);
}

/* A..B: months (2019-01..2019-12) or integers (2015..2020), ascending. */
static int add_range(struct batch_axis *axis, const char *lo, const char *hi, struct rc_err *err) {
    int m0, m1, rc = RC_OK;
    long long i0, i1;
    char value[32];
    if (parse_month(lo, &m0) && parse_month(hi, &m1)) {
        if (m1 < m0) goto backwards;
        for (; m0 <= m1 && rc == RC_OK; m0++) {
            snprintf(value, sizeof value, "%04d-%02d", m0 / 12, m0 % 12 + 1);
            rc = add_value(axis, value, err);
        }
        return rc;
    }
    if (parse_integer(lo, &i0) && parse_integer(hi, &i1)) {
        if (i1 < i0) goto backwards;
        if ((unsigned long long)i1 - (unsigned long long)i0 >= BATCH_MAX_JOBS)
            return rc_fail(err, RC_USAGE, "--each %s: the range %s..%s is too long", axis->names[0], lo, hi);
        for (; i0 <= i1 && rc == RC_OK; i0++) {
            snprintf(value, sizeof value, "%lld", i0);
            rc = add_value(axis, value, err);
        }
        return rc;
    }
    return rc_fail(err, RC_USAGE, "--each %s: '%s..%s' is not a range of months (YYYY-MM..YYYY-MM) "
                   "or of integers", axis->names[0], lo, hi);
backwards:
    return rc_fail(err, RC_USAGE, "--each %s: the range %s..%s runs backwards", axis->names[0], lo, hi);
}

/* One comma-separated item: a value, a month keyword or a range. */
static int add_item(struct batch_axis *axis, char *item, long long now, struct rc_err *err) {
    char lo_month[8], hi_month[8];
    char *dots = strstr(item, "..");
    const char *lo = item, *hi;
    if (*item == '\0')
        return rc_fail(err, RC_USAGE, "--each %s: an empty value in the list", axis->names[0]);
    if (dots == NULL) {
        if (month_keyword(item, now, lo_month)) lo = lo_month;
        return add_value(axis, lo, err);
    }
    *dots = '\0';
    hi = dots + 2;
    if (month_keyword(lo, now, lo_month)) lo = lo_month;
    if (month_keyword(hi, now, hi_month)) hi = hi_month;
    return add_range(axis, lo, hi, err);
}

/* "name=v1,v2,A..B" into a one-name axis. */
int batch_parse_each(const char *spec, long long now, struct batch_axis *axis, struct rc_err *err) {
    const char *eq = strchr(spec, '=');
    char *list, *item, *save = NULL;
    int rc = RC_OK;
    memset(axis, 0, sizeof *axis);
    if (eq == NULL || eq == spec)
        return rc_fail(err, RC_USAGE, "--each expects name=value,value,... got '%s'", spec);
    axis->names = xmalloc(sizeof *axis->names, "parameter names");
    axis->names[0] = xstrndup(spec, (size_t)(eq - spec), "a parameter name");
    axis->nnames = 1;
    list = xstrdup(eq + 1, "an --each list");
    if (*list == '\0') rc = rc_fail(err, RC_USAGE, "--each %s: no values", axis->names[0]);
    /* strtok_r would merge ",," silently; an empty item is an error instead. */
    for (item = list; rc == RC_OK && item != NULL; item = save) {
        char *comma = strchr(item, ',');
        save = comma ? comma + 1 : NULL;
        if (comma) *comma = '\0';
        rc = add_item(axis, item, now, err);
    }
    free(list);
    return rc;
}

void batch_axis_free(struct batch_axis *axis) {
    size_t i;
    for (i = 0; i < axis->nrows * axis->nnames; i++) free(axis->values[i]);
    for (i = 0; i < axis->nnames; i++) free(axis->names[i]);
    free(axis->values);
    free(axis->names);
    memset(axis, 0, sizeof *axis);
}

/* ---- the product -------------------------------------------------------------- */

static int read_axes(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err) {
    size_t a;
    int rc = RC_OK;
    for (a = 0; a < o->naxis_args && rc == RC_OK; a++) {
        const struct batch_axis_arg *arg = &o->axis_args[a];
        if (arg->kind == AXIS_CSV) rc = batch_read_csv(arg->text, o->now, &p->axes[a], err);
        else if (arg->kind == AXIS_SQL) rc = batch_read_sql(o->db, arg->text, o, &p->axes[a], err);
        else rc = batch_parse_each(arg->text, o->now, &p->axes[a], err);
        p->naxes = a + 1;   /* a failed axis is half-filled: free it too */
    }
    return rc;
}

/* A parameter named twice (two axes, or an axis and -D) would make the
** job's value depend on the order: refuse it. */
static int check_names_unique(const struct batch_opts *o, const struct batch_plan *p,
                              struct rc_err *err) {
    size_t a, n, b, m, c;
    for (a = 0; a < p->naxes; a++)
        for (n = 0; n < p->axes[a].nnames; n++) {
            const char *name = p->axes[a].names[n];
            for (c = 0; c < o->ncommon; c++)
                if (strcmp(o->common[c].name, name) == 0)
                    return rc_fail(err, RC_USAGE, "parameter '%s' is given by -D and by --each/--jobs", name);
            for (b = a; b < p->naxes; b++)
                for (m = b == a ? n + 1 : 0; m < p->axes[b].nnames; m++)
                    if (strcmp(p->axes[b].names[m], name) == 0)
                        return rc_fail(err, RC_USAGE, "parameter '%s' is given twice by --each/--jobs", name);
        }
    return RC_OK;
}

static int count_product(struct batch_plan *p, struct rc_err *err) {
    size_t a;
    p->total = 1;
    for (a = 0; a < p->naxes; a++) {
        if (p->axes[a].nrows == 0)
            return rc_fail(err, RC_USAGE, "'%s' has no values, so there are no jobs", p->axes[a].names[0]);
        if (p->total > BATCH_MAX_JOBS / p->axes[a].nrows)
            return rc_fail(err, RC_USAGE, "more than %d jobs", BATCH_MAX_JOBS);
        p->total *= p->axes[a].nrows;
    }
    return RC_OK;
}

/* Job `index` of the product: common parameters, then each axis's row. */
static void fill_job(const struct batch_opts *o, const struct batch_plan *p, size_t index,
                     struct batch_job *j) {
    size_t rows[BATCH_MAX_AXES], a, n, k = 0, rest = index;
    for (a = p->naxes; a-- > 0;) {           /* the last axis varies fastest */
        rows[a] = rest % p->axes[a].nrows;
        rest /= p->axes[a].nrows;
    }
    for (n = 0; n < o->ncommon; n++) j->params[k++] = o->common[n];
    for (a = 0; a < p->naxes; a++)
        for (n = 0; n < p->axes[a].nnames; n++) {
            j->params[k].name = p->axes[a].names[n];
            j->params[k].value = p->axes[a].values[rows[a] * p->axes[a].nnames + n];
            k++;
        }
    j->index = index;
    j->nparams = k;
    j->status = JOB_PENDING;
}

int batch_plan_jobs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err) {
    size_t per_job = o->ncommon, a, i, k;
    size_t first = o->shard_k - 1, step = o->shard_n;
    int rc;
    memset(p, 0, sizeof *p);
    if ((rc = read_axes(o, p, err)) != RC_OK) return rc;
    if ((rc = check_names_unique(o, p, err)) != RC_OK) return rc;
    if ((rc = count_product(p, err)) != RC_OK) return rc;
    for (a = 0; a < p->naxes; a++) per_job += p->axes[a].nnames;
    p->njobs = p->total > first ? (p->total - first + step - 1) / step : 0;
    if (p->njobs == 0) return RC_OK;
    p->jobs = xcalloc(p->njobs, sizeof *p->jobs, "jobs");
    p->param_pool = xcalloc(mem_mul(p->njobs, per_job), sizeof *p->param_pool, "job parameters");
    for (i = first, k = 0; i < p->total; i += step, k++) {
        p->jobs[k].params = p->param_pool + k * per_job;
        fill_job(o, p, i, &p->jobs[k]);
    }
    return RC_OK;
}

void batch_plan_free(struct batch_plan *p) {
    size_t i;
    for (i = 0; i < p->naxes; i++) batch_axis_free(&p->axes[i]);
    for (i = 0; i < p->njobs && p->jobs; i++) {
        free(p->jobs[i].output);
        free(p->jobs[i].error);
    }
    free(p->jobs);
    free(p->param_pool);
    free(p->stats);
    memset(p, 0, sizeof *p);
}

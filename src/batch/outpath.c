/*
** outpath.c: where each job's PDF goes.  Expands the -o template
** ("out/{country}/{period}.pdf": {name} is the job's parameter, {{ and }}
** are literal braces), refuses templates that would send two jobs to one
** file, creates missing folders, and removes the temporary files an
** interrupted build can leave beside an output (<output>.tmp-XXXXXX from
** job_build, <output>.inputs.tmp-XXXXXX from the input record).
*/
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plan.h"
#include "../base/buf.h"
#include "../base/mem.h"

/* ---- the template ------------------------------------------------------------ */

/* SCRIPT-{a}-{b}.pdf in the current folder, as `build` defaults to SCRIPT.pdf. */
int batch_default_template(struct batch_opts *o, const struct batch_plan *p, struct rc_err *err) {
    const char *base = strrchr(o->script, '/'), *dot;
    size_t a, n, len;
    base = base ? base + 1 : o->script;
    dot = strrchr(base, '.');
    len = dot ? (size_t)(dot - base) : strlen(base);
    if (len >= sizeof o->default_template) goto too_long;
    memcpy(o->default_template, base, len);
    o->default_template[len] = '\0';
    for (a = 0; a < p->naxes; a++)
        for (n = 0; n < p->axes[a].nnames; n++) {
            len = strlen(o->default_template);
            if ((size_t)snprintf(o->default_template + len, sizeof o->default_template - len,
                                 "-{%s}", p->axes[a].names[n]) >= sizeof o->default_template - len)
                goto too_long;
        }
    len = strlen(o->default_template);
    if (len + 5 > sizeof o->default_template) goto too_long;
    strcat(o->default_template, ".pdf");
    o->output_template = o->default_template;
    return RC_OK;
too_long:
    return rc_fail(err, RC_USAGE, "the default output name is too long; give -o");
}

/* Walk the template: literal text goes to `out` (when not NULL); each
** {name} calls field(). */
typedef int (*field_fn)(const char *name, size_t len, void *ctx, struct buf *out, struct rc_err *err);

static int walk_template(const char *t, field_fn field, void *ctx, struct buf *out, struct rc_err *err) {
    int rc;
    while (*t) {
        if ((t[0] == '{' && t[1] == '{') || (t[0] == '}' && t[1] == '}')) {
            if (out) buf_putc(out, t[0]);
            t += 2;
        } else if (*t == '{') {
            const char *close = strchr(t + 1, '}');
            if (close == NULL || close == t + 1 || memchr(t + 1, '{', (size_t)(close - t - 1)))
                return rc_fail(err, RC_USAGE, "-o: a '{' without a parameter name and '}': %s", t);
            if ((rc = field(t + 1, (size_t)(close - t - 1), ctx, out, err)) != RC_OK) return rc;
            t = close + 1;
        } else if (*t == '}') {
            return rc_fail(err, RC_USAGE, "-o: a '}' without '{' (write '}}' for a brace): %s", t);
        } else {
            if (out) buf_putc(out, *t);
            t++;
        }
    }
    return RC_OK;
}

static int name_is(const char *name, size_t len, const char *candidate) {
    return strlen(candidate) == len && memcmp(candidate, name, len) == 0;
}

/* Checking pass: every {name} is a -D or --each/--jobs parameter; notes
** which axes the template mentions. */
struct check_ctx {
    const struct batch_opts *o;
    const struct batch_plan *p;
    int mentioned[BATCH_MAX_AXES];
};

static int check_field(const char *name, size_t len, void *ctx, struct buf *out, struct rc_err *err) {
    struct check_ctx *c = ctx;
    size_t a, n;
    (void)out;
    for (n = 0; n < c->o->ncommon; n++)
        if (name_is(name, len, c->o->common[n].name)) return RC_OK;
    for (a = 0; a < c->p->naxes; a++)
        for (n = 0; n < c->p->axes[a].nnames; n++)
            if (name_is(name, len, c->p->axes[a].names[n])) { c->mentioned[a] = 1; return RC_OK; }
    return rc_fail(err, RC_USAGE, "-o: {%.*s} is not a parameter of the batch (give it with -D, "
                   "--each or --jobs)", (int)len, name);
}

/* An axis with several rows that the template never mentions sends
** several jobs to one file, whatever the shard. */
static int check_template(const struct batch_opts *o, const struct batch_plan *p, struct rc_err *err) {
    struct check_ctx c;
    size_t a;
    int rc;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.p = p;
    if ((rc = walk_template(o->output_template, check_field, &c, NULL, err)) != RC_OK) return rc;
    for (a = 0; a < p->naxes; a++)
        if (p->axes[a].nrows > 1 && !c.mentioned[a])
            return rc_fail(err, RC_USAGE, "-o '%s' does not mention {%s}, so several jobs would write "
                           "one file", o->output_template, p->axes[a].names[0]);
    return RC_OK;
}

/* Expansion pass: {name} becomes the job's value, which must be usable as
** (part of) a file name. */
static int expand_field(const char *name, size_t len, void *ctx, struct buf *out, struct rc_err *err) {
    const struct batch_job *j = ctx;
    size_t n;
    for (n = j->nparams; n-- > 0;) {
        const char *v = j->params[n].value;
        if (!name_is(name, len, j->params[n].name)) continue;
        if (strchr(v, '/') || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
            return rc_fail(err, RC_USAGE, "job #%zu: %.*s='%s' cannot be part of a file name",
                           j->index, (int)len, name, v);
        buf_puts(out, v);
        return RC_OK;
    }
    return rc_fail(err, RC_USAGE, "-o: {%.*s} is not a parameter of the batch", (int)len, name);
}

static int compare_outputs(const void *a, const void *b) {
    const struct batch_job *const *x = a, *const *y = b;
    return strcmp((*x)->output, (*y)->output);
}

static int check_distinct(const struct batch_plan *p, struct rc_err *err) {
    const struct batch_job **sorted;
    size_t i;
    int rc = RC_OK;
    if (p->njobs < 2) return RC_OK;
    sorted = xreallocarray(NULL, p->njobs, sizeof *sorted, "job outputs");
    for (i = 0; i < p->njobs; i++) sorted[i] = &p->jobs[i];
    qsort(sorted, p->njobs, sizeof *sorted, compare_outputs);
    for (i = 1; i < p->njobs && rc == RC_OK; i++)
        if (strcmp(sorted[i - 1]->output, sorted[i]->output) == 0)
            rc = rc_fail(err, RC_USAGE, "jobs #%zu and #%zu would both write %s: put a parameter "
                         "that tells them apart into -o", sorted[i - 1]->index, sorted[i]->index,
                         sorted[i]->output);
    free(sorted);
    return rc;
}

int batch_expand_outputs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err) {
    struct buf path;
    size_t i;
    int rc = check_template(o, p, err);
    buf_init(&path);
    for (i = 0; i < p->njobs && rc == RC_OK; i++) {
        path.len = 0;
        rc = walk_template(o->output_template, expand_field, &p->jobs[i], &path, err);
        if (rc == RC_OK && (path.len == 0 || path.len >= PATH_MAX - 32))
            rc = rc_fail(err, RC_USAGE, "job #%zu: the output path is empty or too long", p->jobs[i].index);
        if (rc == RC_OK) p->jobs[i].output = xstrndup((char *)path.data, path.len, "an output path");
    }
    buf_free(&path);
    return rc == RC_OK ? check_distinct(p, err) : rc;
}

/* ---- folders ----------------------------------------------------------------- */

/* mkdir -p of the folder holding `path`. */
int batch_make_parent_dirs(const char *path, struct rc_err *err) {
    char dir[PATH_MAX];
    char *slash;
    struct stat st;
    if ((size_t)snprintf(dir, sizeof dir, "%s", path) >= sizeof dir)
        return rc_fail(err, RC_IO, "%s: path too long", path);
    if ((slash = strrchr(dir, '/')) == NULL || slash == dir) return RC_OK;
    *slash = '\0';
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return RC_OK;   /* the usual case */
    for (slash = dir + 1; ; slash++) {
        int last = *slash == '\0';
        if (*slash != '/' && !last) continue;
        *slash = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return rc_fail(err, RC_IO, "%s: cannot create the folder: %s", dir, strerror(errno));
        if (last) break;
        *slash = '/';
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return rc_fail(err, RC_IO, "%s: not a folder", dir);
    return RC_OK;
}

/* ---- temporary files --------------------------------------------------------- */

/* The output a temporary file belongs to: "x.pdf.tmp-AB12CD" and
** "x.pdf.inputs.tmp-AB12CD" both give "x.pdf" (written into target). */
static int temp_target(const char *name, char *target, size_t size) {
    const char *tmp = strstr(name, ".tmp-");
    size_t len;
    if (tmp == NULL || strlen(tmp) != 11) return 0;      /* ".tmp-" + mkstemp's six */
    len = (size_t)(tmp - name);
    if (len >= 7 && memcmp(tmp - 7, ".inputs", 7) == 0) len -= 7;
    if (len == 0 || len >= size) return 0;
    memcpy(target, name, len);
    target[len] = '\0';
    return 1;
}

/* The folder part of `path`, with its slash ("out/SGP/", "/", or "" for
** the current folder), so prefix + file name gives back the path. */
static void path_prefix(const char *path, char *prefix, size_t size, const char **base) {
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) + 1 : 0;
    if (len >= size) len = size - 1;
    memcpy(prefix, path, len);
    prefix[len] = '\0';
    *base = path + len;
}

static DIR *open_prefix(const char *prefix) {
    return opendir(*prefix ? prefix : ".");
}

/* Remove the temporary files of one output (after its worker died). */
void batch_remove_temps(const char *output) {
    char prefix[PATH_MAX], target[NAME_MAX + 1], path[PATH_MAX + NAME_MAX + 2];
    const char *base;
    struct dirent *e;
    DIR *d;
    path_prefix(output, prefix, sizeof prefix, &base);
    if ((d = open_prefix(prefix)) == NULL) return;
    while ((e = readdir(d)) != NULL)
        if (temp_target(e->d_name, target, sizeof target) && strcmp(target, base) == 0) {
            snprintf(path, sizeof path, "%s%s", prefix, e->d_name);
            unlink(path);
        }
    closedir(d);
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove temporaries an earlier, killed run left beside this batch's
** outputs.  Each folder is read once; only files belonging to one of
** our outputs are touched, so other shards' work in the same folder is
** safe. */
void batch_remove_stale_temps(const struct batch_plan *p) {
    char **outs = xcalloc(mem_add(p->njobs, 1), sizeof *outs, "job outputs");
    char **dirs = xcalloc(mem_add(p->njobs, 1), sizeof *dirs, "output folders");
    char prefix[PATH_MAX], target[NAME_MAX + 1], path[PATH_MAX + NAME_MAX + 2];
    size_t i, ndirs = 0;
    for (i = 0; i < p->njobs; i++) {
        const char *base;
        outs[i] = p->jobs[i].output;
        path_prefix(p->jobs[i].output, prefix, sizeof prefix, &base);
        dirs[ndirs++] = xstrdup(prefix, "an output folder");
    }
    qsort(outs, p->njobs, sizeof *outs, compare_strings);
    qsort(dirs, ndirs, sizeof *dirs, compare_strings);
    for (i = 0; i < ndirs; i++) {
        struct dirent *e;
        DIR *d;
        if ((i > 0 && strcmp(dirs[i], dirs[i - 1]) == 0) || (d = open_prefix(dirs[i])) == NULL) continue;
        while ((e = readdir(d)) != NULL) {
            const char *key = path;
            if (!temp_target(e->d_name, target, sizeof target)) continue;
            snprintf(path, sizeof path, "%s%s", dirs[i], target);
            if (bsearch(&key, outs, p->njobs, sizeof *outs, compare_strings)) {
                snprintf(path, sizeof path, "%s%s", dirs[i], e->d_name);
                unlink(path);
            }
        }
        closedir(d);
    }
    for (i = 0; i < ndirs; i++) free(dirs[i]);
    free(dirs);
    free(outs);
}

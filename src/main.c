/*
** main.c: the command line.  The only place that exits.
**
**   reportc build SCRIPT.lua [-o OUT.pdf] [-D name=value]... [--db PATH]
**                 [--fonts MANIFEST] [--display-list OUT.json]
**   reportc batch SCRIPT.lua [--each name=V1,V2|A..B]...
**                 [--jobs FILE.csv | --jobs-sql QUERY] [-o TEMPLATE] [-D name=value]...
**                 [-j N] [--shard K/N] [--list] ...
**   reportc watch SCRIPT.lua [build options] [--serve [ADDR:]PORT]
**   reportc facts import|check --db DB ...   (src/facts/facts.h)
**
** Exit status: 0 ok, 1 a script, data, font or I/O error (for batch: any
** job failed), 2 usage, 128+N when a batch or watch was stopped by signal N.
*/
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/mem.h"
#include "base/month.h"
#include "base/rc.h"
#include "batch/batch.h"
#include "facts/facts.h"
#include "job/job.h"
#include "pdf/pdf.h"
#include "watch/watch.h"
#include "script/script.h"

#define REPORTC_VERSION "0.1.0"
#ifndef REPORTC_SHARE
#define REPORTC_SHARE "/usr/local/share/reportc"
#endif
#define MAX_PARAMS 128

struct options {
    const char *script, *output, *db, *fonts, *display_list;
    const char *serve;            /* watch --serve [ADDR:]PORT */
    struct script_param params[MAX_PARAMS];
    char months[MAX_PARAMS][8];   /* -D values given as last-month/this-month */
    size_t nparams;
    long long now;                /* the build time, read once */
    unsigned time_limit, memory_limit;   /* seconds, MB; 0: the defaults */
    int compress_level;           /* --compress; 0: the default */
    char default_output[PATH_MAX];
    char home[PATH_MAX];          /* where templates/ and fonts/ are */
    char templates[PATH_MAX + 16], manifest[PATH_MAX + 32], default_db[PATH_MAX + 16];
};

static const char USAGE[] =
    "usage: reportc build SCRIPT.lua [-o OUT.pdf] [-D name=value]... [--db PATH]\n"
    "                     [--fonts MANIFEST] [--display-list OUT.json]\n"
    "                     [--time-limit SECONDS] [--memory-limit MB]\n"
    "                     [--compress=fast|default|small]\n"
    "       reportc batch SCRIPT.lua [--each name=V1,V2,...|name=A..B]...\n"
    "                     [--jobs FILE.csv | --jobs-sql QUERY] [-o TEMPLATE] [-D name=value]...\n"
    "                     [--db PATH] [--fonts MANIFEST] [-j N] [--shard K/N]\n"
    "                     [--skip-unchanged] [--summary FILE.json] [--list]\n"
    "                     [--time-limit SECONDS] [--memory-limit MB]\n"
    "                     [--compress=fast|default|small]\n"
    "       reportc watch SCRIPT.lua [build options] [--serve [ADDR:]PORT]\n"
    "       reportc facts import --db DB TABLE FILE.csv [--source ID] [--locator TEXT]\n"
    "                     [--replace-period YYYY-MM] [--dry-run]\n"
    "       reportc facts check --db DB\n"
    "       reportc --help | --version\n";

static void print_help(void) {
    printf("reportc %s: compiles a Lua report script against the SQLite fact store\n"
           "into a PDF with embedded, subset CJK fonts.\n\n%s\n"
           "  -o OUT.pdf            output file (default: SCRIPT name with .pdf)\n"
           "  -D name=value         a parameter the script reads with report.param\n"
           "  --db PATH             the fact store (default: out/facts.db)\n"
           "  --fonts MANIFEST      font manifest (default: fonts/fonts.manifest)\n"
           "  --display-list FILE   also write the laid-out pages as JSON\n"
           "  --time-limit SECONDS  wall-clock and CPU time a build may take (default %d;\n"
           "                        in a batch, each job)\n"
           "  --memory-limit MB     memory a build may use (default %d)\n"
           "  --compress=LEVEL      fast, default or small: deflate level of the PDF's streams\n"
           "  A -D value last-month or this-month becomes that month, YYYY-MM.\n\n"
           "batch builds one PDF per parameter set:\n"
           "  --each name=V1,V2     one value per job; A..B is a range of months\n"
           "                        (2019-01..2019-12) or integers; several --each multiply\n"
           "  --jobs FILE.csv       one job per row; the header names the parameters\n"
           "  --jobs-sql QUERY      one job per row of a query on --db; columns name them\n"
           "  -o TEMPLATE           output path with {name} fields (out/{country}/{period}.pdf)\n"
           "  -j N                  worker processes (default: the cores)\n"
           "  --shard K/N           build only jobs i with i mod N = K-1\n"
           "  --skip-unchanged      skip jobs whose inputs are those recorded beside the PDF\n"
           "  --summary FILE.json   every job's parameters, output, status, size and time\n"
           "  --list                print the jobs (number, output, parameters); build none\n\n"
           "watch rebuilds whenever a file the last build read changes (Ctrl-C stops):\n"
           "  --serve [ADDR:]PORT   also serve a live preview (default address 127.0.0.1)\n\n"
           "facts import loads a CSV (UTF-8, UTF-8 with BOM or GB18030) into a table of the\n"
           "fact store, all rows or none, and records it in the imports table:\n"
           "  --source ID, --locator TEXT   fill the source_id / locator columns\n"
           "  --replace-period YYYY-MM      replace that month's rows (a re-delivery)\n"
           "  --dry-run                     list rows added, changed, removed; write nothing\n"
           "facts check: references, sources and locators, integrity; exit 1 on problems.\n\n"
           "Exit status: 0 ok, 1 script/data/font error (batch: a job failed), 2 usage\n"
           "error, 128+N when a batch or watch is stopped by signal N.\n",
           REPORTC_VERSION, USAGE, LIMITS_DEFAULT_SECONDS, LIMITS_DEFAULT_MB);
}

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "reportc: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", USAGE);
    return 2;
}

static int dir_has(const char *dir, const char *rel) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return access(path, R_OK) == 0;
}

/* The folder holding templates/ and fonts/: the checkout the executable
** sits in (it may be built in out/build/); else share/reportc beside the
** bin/ it is installed in (so a tree installed with DESTDIR, or moved,
** still finds its own files); else the share folder compiled in. */
static void find_home(struct options *o) {
    char exe[PATH_MAX], share[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int up;
    if (n > 0) {
        exe[n] = '\0';
        for (up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (slash == NULL) break;
            *slash = '\0';
            if (dir_has(exe, "fonts/fonts.manifest") && dir_has(exe, "templates")) {
                snprintf(o->home, sizeof o->home, "%s", exe);
                return;
            }
            if (up == 1 && (size_t)snprintf(share, sizeof share, "%s/share/reportc", exe) < sizeof share
                && dir_has(share, "fonts/fonts.manifest") && dir_has(share, "templates")) {
                snprintf(o->home, sizeof o->home, "%s", share);
                return;
            }
        }
    }
    snprintf(o->home, sizeof o->home, "%s", REPORTC_SHARE);
}

static void set_home_paths(struct options *o) {
    find_home(o);
    snprintf(o->templates, sizeof o->templates, "%s/templates", o->home);
    snprintf(o->manifest, sizeof o->manifest, "%s/fonts/fonts.manifest", o->home);
    snprintf(o->default_db, sizeof o->default_db, "out/facts.db");
}

/* -D name=value; `last-month` and `this-month` are resolved here, once. */
static int parse_param(struct options *o, char *arg) {
    char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg) return usage_error("-D expects name=value, got '%s'", arg);
    if (o->nparams == MAX_PARAMS) return usage_error("too many -D parameters%s", "");
    *eq = '\0';
    o->params[o->nparams].name = arg;
    o->params[o->nparams].value = eq + 1;
    if (month_keyword(eq + 1, o->now, o->months[o->nparams]))
        o->params[o->nparams].value = o->months[o->nparams];
    o->nparams++;
    return 0;
}

static int parse_limit(const char *opt, const char *value, unsigned max, unsigned *out) {
    char what[96];
    if (limits_parse(value, max, out)) return 0;
    snprintf(what, sizeof what, "%s expects a whole number from 1 to %u, got '%%s'", opt, max);
    return usage_error(what, value);
}

static int parse_build(struct options *o, int argc, char **argv) {
    int i, watch = strcmp(argv[1], "watch") == 0;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "-o") == 0 && has_value) o->output = argv[++i];
        else if (watch && strcmp(a, "--serve") == 0 && has_value) o->serve = argv[++i];
        else if (strcmp(a, "-D") == 0 && has_value) { if (parse_param(o, argv[++i])) return 2; }
        else if (strncmp(a, "-D", 2) == 0 && a[2]) { if (parse_param(o, argv[i] + 2)) return 2; }
        else if (strcmp(a, "--db") == 0 && has_value) o->db = argv[++i];
        else if (strcmp(a, "--fonts") == 0 && has_value) o->fonts = argv[++i];
        else if (strcmp(a, "--display-list") == 0 && has_value) o->display_list = argv[++i];
        else if (strncmp(a, "--compress=", 11) == 0) {
            if ((o->compress_level = pdf_compress_level(a + 11)) == 0)
                return usage_error("--compress: %s is not " PDF_COMPRESS_NAMES, a + 11);
        }
        else if (strcmp(a, "--time-limit") == 0 && has_value) {
            if (parse_limit(a, argv[++i], LIMITS_MAX_SECONDS, &o->time_limit)) return 2;
        } else if (strcmp(a, "--memory-limit") == 0 && has_value) {
            if (parse_limit(a, argv[++i], LIMITS_MAX_MB, &o->memory_limit)) return 2;
        }
        else if (a[0] == '-') return usage_error("unknown option or missing value: %s", a);
        else if (o->script) return usage_error("one script per build (also got %s)", a);
        else o->script = a;
    }
    if (o->script == NULL) return usage_error("%s needs a script", argv[1]);
    if (o->output == NULL) {
        const char *base = strrchr(o->script, '/');
        const char *dot;
        base = base ? base + 1 : o->script;
        dot = strrchr(base, '.');
        snprintf(o->default_output, sizeof o->default_output, "%.*s.pdf",
                 (int)(dot ? (size_t)(dot - base) : strlen(base)), base);
        o->output = o->default_output;
    }
    set_home_paths(o);
    if (o->fonts == NULL) o->fonts = o->manifest;
    if (o->db == NULL) o->db = o->default_db;
    return 0;
}

static void on_signal(int sig) {
    job_remove_temp();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A build stopped by SIGINT, SIGTERM or SIGHUP (its terminal closed)
** removes its temporary PDF and dies of the signal. */
static void take_stop_signals(void) {
    static const int STOP[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    size_t i;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof STOP / sizeof *STOP; i++) sigaction(STOP[i], &sa, NULL);
}

static void fill_job(const struct options *o, struct job *j) {
    memset(j, 0, sizeof *j);
    j->script = o->script;
    j->output = o->output;
    j->db = o->db;
    j->fonts = o->fonts;
    j->templates = o->templates;
    j->display_list = o->display_list;
    j->params = o->params;
    j->nparams = o->nparams;
    j->now = o->now;
    j->limits.seconds = o->time_limit;
    j->limits.megabytes = o->memory_limit;
    j->compress_level = o->compress_level;
}

static int build(const struct options *o, struct rc_err *err) {
    struct job j;
    fill_job(o, &j);
    return job_build(&j, err);
}

/* `reportc batch`: the batch module does the work; here its outcome
** becomes the exit status.  A forked worker comes back this way too. */
static int batch(struct options *o, int argc, char **argv) {
    struct batch_env env;
    struct batch_outcome out;
    struct rc_err err = { 0, "" };
    int rc;
    set_home_paths(o);
    env.templates = o->templates;
    env.fonts = o->manifest;
    env.db = o->default_db;
    env.version = REPORTC_VERSION;
    env.now = o->now;
    rc = batch_command(argc - 1, argv + 1, &env, &out, &err);
    if (out.is_worker) return out.worker_status;
    if (rc == RC_USAGE) return usage_error("%s", err.msg);
    if (rc != RC_OK) { fprintf(stderr, "reportc: %s\n", err.msg); return 1; }
    if (out.stop_signal) return 128 + out.stop_signal;
    return out.failed_jobs ? 1 : 0;
}

/* `reportc watch`: builds until stopped; a stop signal is its normal end. */
static int watch(const struct options *o) {
    struct job j;
    struct watch_opts wo;
    struct rc_err err = { 0, "" };
    int sig = 0, rc;
    fill_job(o, &j);
    wo.job = &j;
    wo.serve = o->serve;
    rc = watch_run(&wo, &sig, &err);
    if (rc == RC_USAGE) return usage_error("%s", err.msg);
    if (rc != RC_OK) { fprintf(stderr, "reportc: %s\n", err.msg); return 1; }
    return sig ? 128 + sig : 0;
}

int main(int argc, char **argv) {
    static struct options o;
    struct rc_err err = { 0, "" };
    int rc;
    mem_on_failure(job_remove_temp);
    /* Past a file size limit (ulimit -f) a write fails with EFBIG, which we
    ** report, rather than killing the process with SIGXFSZ mid-file. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) { fputs(USAGE, stderr); return 2; }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) { print_help(); return 0; }
    if (strcmp(argv[1], "--version") == 0) { printf("reportc %s\n", REPORTC_VERSION); return 0; }
    o.now = job_build_time();
    if (strcmp(argv[1], "batch") == 0) return batch(&o, argc, argv);
    if (strcmp(argv[1], "facts") == 0) {
        rc = facts_command(argc - 1, argv + 1, o.now, &err);
        if (rc == RC_USAGE) return usage_error("%s", err.msg);
        if (rc != RC_OK) fprintf(stderr, "reportc: %s\n", err.msg);
        return rc == RC_OK ? 0 : 1;
    }
    if (strcmp(argv[1], "build") != 0 && strcmp(argv[1], "watch") != 0)
        return usage_error("unknown command '%s'", argv[1]);
    if ((rc = parse_build(&o, argc, argv)) != 0) return rc;
    if (strcmp(argv[1], "watch") == 0) return watch(&o);
    take_stop_signals();
    rc = build(&o, &err);
    if (rc == RC_OK) return 0;
    fprintf(stderr, "reportc: %s\n", err.msg);
    return rc == RC_USAGE ? 2 : 1;
}

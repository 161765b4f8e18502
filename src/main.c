/*
** main.c: the command line.  The only place that exits.
**
**   reportc build SCRIPT.lua [-o OUT.pdf] [-D name=value]... [--db PATH]
**                 [--fonts MANIFEST] [--display-list OUT.json]
**
** Exit status: 0 ok, 1 a script, data, font or I/O error, 2 usage.
*/
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/rc.h"
#include "job/job.h"
#include "script/script.h"

#define REPORTC_VERSION "0.1.0"
#ifndef REPORTC_SHARE
#define REPORTC_SHARE "/usr/local/share/reportc"
#endif
#define MAX_PARAMS 128

struct options {
    const char *script, *output, *db, *fonts, *display_list;
    struct script_param params[MAX_PARAMS];
    size_t nparams;
    char default_output[PATH_MAX];
    char home[PATH_MAX];          /* where templates/ and fonts/ are */
    char templates[PATH_MAX + 16], manifest[PATH_MAX + 32], default_db[PATH_MAX + 16];
};

static const char USAGE[] =
    "usage: reportc build SCRIPT.lua [-o OUT.pdf] [-D name=value]... [--db PATH]\n"
    "                     [--fonts MANIFEST] [--display-list OUT.json]\n"
    "       reportc --help | --version\n";

static void print_help(void) {
    printf("reportc %s: compiles a Lua report script against the SQLite fact store\n"
           "into a PDF with embedded, subset CJK fonts.\n\n%s\n"
           "  -o OUT.pdf            output file (default: SCRIPT name with .pdf)\n"
           "  -D name=value         a parameter the script reads with report.param\n"
           "  --db PATH             the fact store (default: out/facts.db)\n"
           "  --fonts MANIFEST      font manifest (default: fonts/fonts.manifest)\n"
           "  --display-list FILE   also write the laid-out pages as JSON\n\n"
           "Exit status: 0 ok, 1 script/data/font error, 2 usage error.\n",
           REPORTC_VERSION, USAGE);
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
** sits in (it may be built in out/build/), else the installed share folder. */
static void find_home(struct options *o) {
    char exe[PATH_MAX];
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
        }
    }
    snprintf(o->home, sizeof o->home, "%s", REPORTC_SHARE);
}

static int parse_param(struct options *o, char *arg) {
    char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg) return usage_error("-D expects name=value, got '%s'", arg);
    if (o->nparams == MAX_PARAMS) return usage_error("too many -D parameters%s", "");
    *eq = '\0';
    o->params[o->nparams].name = arg;
    o->params[o->nparams].value = eq + 1;
    o->nparams++;
    return 0;
}

static int parse_build(struct options *o, int argc, char **argv) {
    int i;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "-o") == 0 && has_value) o->output = argv[++i];
        else if (strcmp(a, "-D") == 0 && has_value) { if (parse_param(o, argv[++i])) return 2; }
        else if (strncmp(a, "-D", 2) == 0 && a[2]) { if (parse_param(o, argv[i] + 2)) return 2; }
        else if (strcmp(a, "--db") == 0 && has_value) o->db = argv[++i];
        else if (strcmp(a, "--fonts") == 0 && has_value) o->fonts = argv[++i];
        else if (strcmp(a, "--display-list") == 0 && has_value) o->display_list = argv[++i];
        else if (a[0] == '-') return usage_error("unknown option or missing value: %s", a);
        else if (o->script) return usage_error("one script per build (also got %s)", a);
        else o->script = a;
    }
    if (o->script == NULL) return usage_error("build needs a script%s", "");
    if (o->output == NULL) {
        const char *base = strrchr(o->script, '/');
        const char *dot;
        base = base ? base + 1 : o->script;
        dot = strrchr(base, '.');
        snprintf(o->default_output, sizeof o->default_output, "%.*s.pdf",
                 (int)(dot ? (size_t)(dot - base) : strlen(base)), base);
        o->output = o->default_output;
    }
    find_home(o);
    snprintf(o->templates, sizeof o->templates, "%s/templates", o->home);
    snprintf(o->manifest, sizeof o->manifest, "%s/fonts/fonts.manifest", o->home);
    snprintf(o->default_db, sizeof o->default_db, "out/facts.db");
    if (o->fonts == NULL) o->fonts = o->manifest;
    if (o->db == NULL) o->db = o->default_db;
    return 0;
}

static void on_signal(int sig) {
    job_remove_temp();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int build(const struct options *o, struct rc_err *err) {
    struct job j;
    memset(&j, 0, sizeof j);
    j.script = o->script;
    j.output = o->output;
    j.db = o->db;
    j.fonts = o->fonts;
    j.templates = o->templates;
    j.display_list = o->display_list;
    j.params = o->params;
    j.nparams = o->nparams;
    j.now = job_build_time();
    return job_build(&j, err);
}

int main(int argc, char **argv) {
    static struct options o;
    struct rc_err err = { 0, "" };
    int rc;
    if (argc < 2) { fputs(USAGE, stderr); return 2; }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) { print_help(); return 0; }
    if (strcmp(argv[1], "--version") == 0) { printf("reportc %s\n", REPORTC_VERSION); return 0; }
    if (strcmp(argv[1], "build") != 0) return usage_error("unknown command '%s'", argv[1]);
    if ((rc = parse_build(&o, argc, argv)) != 0) return rc;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    rc = build(&o, &err);
    if (rc == RC_OK) return 0;
    fprintf(stderr, "reportc: %s\n", err.msg);
    return rc == RC_USAGE ? 2 : 1;
}

/*
** facts.c: the `reportc facts` command line: which subcommand, its
** options, checked before anything is opened.
*/
#include <stdio.h>
#include <string.h>
#include "facts.h"

static int is_month(const char *s) {
    return strlen(s) == 7 && s[0] >= '1' && s[0] <= '2' && strspn(s, "0123456789-") == 7 &&
           s[4] == '-' && strchr(s, '-') == s + 4 &&
           ((s[5] == '0' && s[6] >= '1') || (s[5] == '1' && s[6] <= '2'));
}

static int parse_import(int argc, char **argv, struct facts_import_opts *o, struct rc_err *err) {
    int i;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--db") == 0 && has_value) o->db = argv[++i];
        else if (strcmp(a, "--source") == 0 && has_value) o->source = argv[++i];
        else if (strcmp(a, "--locator") == 0 && has_value) o->locator = argv[++i];
        else if (strcmp(a, "--replace-period") == 0 && has_value) o->replace_period = argv[++i];
        else if (strcmp(a, "--dry-run") == 0) o->dry_run = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return rc_fail(err, RC_USAGE, "facts import: unknown option or missing value: %.200s", a);
        else if (o->table == NULL) o->table = a;
        else if (o->file == NULL) o->file = a;
        else return rc_fail(err, RC_USAGE, "facts import: one table and one file (also got %.200s)", a);
    }
    if (o->db == NULL) return rc_fail(err, RC_USAGE, "facts import needs --db DB");
    if (o->file == NULL) return rc_fail(err, RC_USAGE, "facts import needs a TABLE and a FILE.csv");
    if (o->replace_period && !is_month(o->replace_period))
        return rc_fail(err, RC_USAGE, "--replace-period expects a month YYYY-MM, got '%.100s'",
                       o->replace_period);
    if ((o->source && !*o->source) || (o->locator && !*o->locator))
        return rc_fail(err, RC_USAGE, "--source and --locator need a non-empty value");
    return RC_OK;
}

static int parse_check(int argc, char **argv, const char **db, struct rc_err *err) {
    int i;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) *db = argv[++i];
        else return rc_fail(err, RC_USAGE, "facts check: unexpected argument %.200s", argv[i]);
    }
    if (*db == NULL) return rc_fail(err, RC_USAGE, "facts check needs --db DB");
    return RC_OK;
}

int facts_command(int argc, char **argv, long long now, struct rc_err *err) {
    if (argc < 2) return rc_fail(err, RC_USAGE, "facts needs a subcommand: import or check");
    if (strcmp(argv[1], "import") == 0) {
        struct facts_import_opts o;
        int rc;
        memset(&o, 0, sizeof o);
        o.now = now;
        if ((rc = parse_import(argc, argv, &o, err)) != RC_OK) return rc;
        return facts_import(&o, err);
    }
    if (strcmp(argv[1], "check") == 0) {
        const char *db = NULL;
        int rc = parse_check(argc, argv, &db, err);
        return rc != RC_OK ? rc : facts_check(db, err);
    }
    return rc_fail(err, RC_USAGE, "facts: unknown subcommand '%.100s' (import or check)", argv[1]);
}

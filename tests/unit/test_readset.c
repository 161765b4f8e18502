/*
** test_readset.c: the read-set API, and that a real build records exactly
** the files it read: the script, the modules it required at any depth
** (templates/brief.lua requires templates/themes/report.lua), the fact
** store, the font manifest and the font files it used.  Run from the
** checkout's root (tests/run.sh does).
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "../../src/base/readset.h"
#include "../../src/job/job.h"

static int skipped;

static void test_api(void) {
    struct readset rs, other;
    struct stat st;
    char dir[] = "/tmp/readset-XXXXXX", path[64];
    FILE *f;
    readset_init(&rs);
    readset_init(&other);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/a.lua", dir);
    f = fopen(path, "w");
    fputs("return 1\n", f);
    fclose(f);
    readset_add(&rs, path);
    readset_add(&rs, path);                       /* once */
    readset_add(&rs, "/nonexistent/x.lua");       /* absent */
    readset_add_absent(&rs, "/nonexistent/x.lua");
    CHECK(readset_count(&rs) == 2);
    CHECK(strcmp(readset_get(&rs, 0)->path, path) == 0 && !readset_get(&rs, 0)->absent);
    CHECK(readset_get(&rs, 1)->absent);
    CHECK(stat(path, &st) == 0 && readset_same(readset_get(&rs, 0), &st));
    CHECK(readset_find(&rs, "/nonexistent/x.lua") == readset_get(&rs, 1));
    f = fopen(path, "a");                          /* changed after reading */
    fputs("-- more\n", f);
    fclose(f);
    CHECK(stat(path, &st) == 0 && !readset_same(readset_get(&rs, 0), &st));
    readset_add(&other, path);
    readset_add(&other, "/nonexistent/y.lua");
    readset_move(&rs, &other);
    CHECK(readset_count(&rs) == 3 && readset_count(&other) == 0);
    CHECK(readset_find(&rs, "/nonexistent/y.lua") != NULL);
    unlink(path);
    rmdir(dir);
    readset_free(&rs);
    readset_free(&other);
}

static int has(const struct readset *rs, const char *path) {
    const struct readset_entry *e = readset_find(rs, path);
    return e != NULL && !e->absent;
}

static void test_build(void) {
    struct readset rs;
    struct rc_err err = { 0, "" };
    struct job j;
    char dir[] = "/tmp/readset-build-XXXXXX", out[64];
    size_t i, fonts = 0;
    int rc;
    if (access("out/facts.db", R_OK) != 0) {       /* `make` builds it */
        printf("SKIP build: no out/facts.db\n");
        skipped++;
        return;
    }
    CHECK(mkdtemp(dir) != NULL);
    snprintf(out, sizeof out, "%s/gci.pdf", dir);
    readset_init(&rs);
    memset(&j, 0, sizeof j);
    j.script = "scripts/gci_brief.lua";
    j.output = out;
    j.db = "out/facts.db";
    j.fonts = "fonts/fonts.manifest";
    j.templates = "templates";
    j.now = 0;
    j.reads = &rs;
    rc = job_build(&j, &err);
    CHECK_MSG(rc == RC_OK, "build failed: %s", err.msg);
    CHECK(has(&rs, "scripts/gci_brief.lua"));
    CHECK(has(&rs, "templates/brief.lua"));
    CHECK(has(&rs, "templates/themes/report.lua"));       /* required by brief.lua */
    CHECK(has(&rs, "out/facts.db"));
    CHECK(has(&rs, "fonts/fonts.manifest"));
    /* Looked for beside the script first: creating it would change the build. */
    CHECK(readset_find(&rs, "scripts/templates/brief.lua") != NULL
          && readset_find(&rs, "scripts/templates/brief.lua")->absent);
    for (i = 0; i < readset_count(&rs); i++) {
        const char *p = readset_get(&rs, i)->path;
        size_t n = strlen(p);
        if (n > 4 && (strcmp(p + n - 4, ".ttf") == 0 || strcmp(p + n - 4, ".ttc") == 0)) fonts++;
        CHECK_MSG(strcmp(p, out) != 0, "the output is not an input");
    }
    CHECK_MSG(fonts >= 2, "font files recorded: %zu", fonts);
    /* Nothing the build did not read: no example script, no other theme. */
    CHECK(readset_find(&rs, "templates/themes/compact.lua") == NULL);
    CHECK(readset_find(&rs, "scripts/asean_brief.lua") == NULL);
    readset_free(&rs);
    unlink(out);
    rmdir(dir);
}

int main(void) {
    test_api();
    test_build();
    printf("%d passed, %d failed, %d skipped\n", check_passed, check_failed, skipped);
    return check_failed ? 1 : 0;
}

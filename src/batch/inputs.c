/*
** inputs.c: what a brief was built from, as one SHA-256 digest, for
** --skip-unchanged.  The shared inputs are hashed once per batch: the
** script and every Lua file beside it (modules it may require), every
** Lua module in templates/, the font manifest and the contents of each font file
** it names, the fact store's contents, reportc's version and executable.
** Each job then adds its parameters.  The digest is recorded in
** <output>.inputs, with the PDF's size, only after the PDF is in place;
** contents decide, never timestamps.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plan.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../font/fontset.h"

#define RECORD_MAX 128

/* ---- hashing files ------------------------------------------------------------- */

/* Each item is framed (kind, label, length), so no two different input
** sets can feed the hash the same bytes. */
static void hash_frame(struct sha256 *s, const char *kind, const char *label, unsigned long long len) {
    unsigned char n[8];
    int i;
    for (i = 0; i < 8; i++) n[i] = (unsigned char)(len >> (8 * i));
    sha256_update(s, kind, strlen(kind) + 1);
    sha256_update(s, label, strlen(label) + 1);
    sha256_update(s, n, sizeof n);
}

static int hash_file(struct sha256 *s, const char *kind, const char *path, struct rc_err *err) {
    enum { CHUNK = 1 << 16 };
    unsigned char *chunk;
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        return rc_fail(err, RC_IO, "%s: cannot read %s: %s", path, kind, strerror(e));
    }
    chunk = xmalloc(CHUNK, "a read buffer");
    hash_frame(s, kind, path, (unsigned long long)st.st_size);
    while ((n = read(fd, chunk, CHUNK)) > 0) sha256_update(s, chunk, (size_t)n);
    free(chunk);
    close(fd);
    if (n < 0) return rc_fail(err, RC_IO, "%s: cannot read %s: %s", path, kind, strerror(errno));
    return RC_OK;
}

static int is_lua(const struct dirent *e) {
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".lua") == 0 && e->d_name[0] != '.';
}

/* Byte order, not the locale's collation: the digest must not depend on LANG. */
static int by_bytes(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every *.lua in `dir`, in name order; a missing folder hashes as absent. */
static int hash_lua_dir(struct sha256 *s, const char *dir, struct rc_err *err) {
    struct dirent **names;
    char path[PATH_MAX + NAME_MAX + 2];
    int n = scandir(dir, &names, is_lua, by_bytes), i, rc = RC_OK;
    if (n < 0) { hash_frame(s, "absent folder", dir, 0); return RC_OK; }
    hash_frame(s, "folder", dir, (unsigned long long)n);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (rc == RC_OK) rc = hash_file(s, "a Lua module", path, err);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The manifest, then each font file it names once (several families
** share files), in path order.  The font set's own parser reads the
** manifest, so quoted face names and aliases are understood alike. */
static int hash_fonts(struct sha256 *s, const char *manifest, struct rc_err *err) {
    const char **files;
    struct fontset *fs;
    int rc = hash_file(s, "the font manifest", manifest, err), n, i;
    if (rc != RC_OK) return rc;
    if ((rc = fontset_load(manifest, &fs, err)) != RC_OK) return rc;
    n = fontset_nfaces(fs);
    files = xreallocarray(NULL, (size_t)n, sizeof *files, "font file list");
    for (i = 0; i < n; i++) files[i] = fontset_path(fs, i);
    qsort(files, (size_t)n, sizeof *files, compare_strings);
    for (i = 0; i < n && rc == RC_OK; i++)
        if (i == 0 || strcmp(files[i], files[i - 1]) != 0) rc = hash_file(s, "a font", files[i], err);
    free(files);
    fontset_free(fs);
    return rc;
}

static int hash_shared(const struct batch_opts *o, unsigned char digest[SHA256_SIZE], struct rc_err *err) {
    char script_dir[PATH_MAX];
    const char *slash = strrchr(o->script, '/');
    struct sha256 s;
    int rc;
    snprintf(script_dir, sizeof script_dir, "%.*s", slash ? (int)(slash - o->script) : 1,
             slash ? o->script : ".");
    sha256_init(&s);
    hash_frame(&s, "reportc", o->version, 0);
    rc = hash_file(&s, "the reportc executable", "/proc/self/exe", err);
    if (rc == RC_OK) rc = hash_file(&s, "the script", o->script, err);
    if (rc == RC_OK) rc = hash_lua_dir(&s, script_dir, err);
    if (rc == RC_OK) rc = hash_lua_dir(&s, o->templates, err);
    if (rc == RC_OK) rc = hash_fonts(&s, o->fonts, err);
    if (rc == RC_OK) rc = hash_file(&s, "the fact store", o->db, err);
    sha256_final(&s, digest);
    return rc;
}

/* ---- per job -------------------------------------------------------------------- */

static int by_param_name(const void *a, const void *b) {
    return strcmp(((const struct script_param *)a)->name, ((const struct script_param *)b)->name);
}

/* The shared digest plus the parameters, sorted by name so the order of
** -D options does not matter (names are unique within a job). */
static void hash_job(const unsigned char shared[SHA256_SIZE], struct batch_job *j,
                     struct script_param *scratch) {
    struct sha256 s;
    size_t i;
    memcpy(scratch, j->params, j->nparams * sizeof *scratch);
    qsort(scratch, j->nparams, sizeof *scratch, by_param_name);
    sha256_init(&s);
    sha256_update(&s, shared, SHA256_SIZE);
    for (i = 0; i < j->nparams; i++) {
        hash_frame(&s, "parameter", scratch[i].name, strlen(scratch[i].value));
        sha256_update(&s, scratch[i].value, strlen(scratch[i].value));
    }
    sha256_final(&s, j->digest);
}

int batch_hash_inputs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err) {
    unsigned char shared[SHA256_SIZE];
    struct script_param *scratch;
    size_t i;
    int rc = hash_shared(o, shared, err);
    if (rc != RC_OK || p->njobs == 0) return rc;
    scratch = xcalloc(p->jobs[0].nparams, sizeof *scratch, "job parameters");
    for (i = 0; i < p->njobs; i++) hash_job(shared, &p->jobs[i], scratch);
    free(scratch);
    p->has_digests = 1;
    return RC_OK;
}

/* ---- the record beside the output ------------------------------------------------ */

static void record_path(const struct batch_job *j, char *path, size_t size) {
    snprintf(path, size, "%s.inputs", j->output);
}

static void record_text(const struct batch_job *j, long long size, char text[RECORD_MAX]) {
    char hex[2 * SHA256_SIZE + 1];
    sha256_hex(j->digest, hex);
    snprintf(text, RECORD_MAX, "sha256 %s size %lld\n", hex, size);
}

/* Unchanged: the PDF is there, with the size recorded, and the record's
** digest is this job's. */
int batch_is_unchanged(const struct batch_job *j) {
    char path[PATH_MAX + 16], want[RECORD_MAX], have[RECORD_MAX];
    struct stat st;
    ssize_t n;
    int fd;
    if (stat(j->output, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    record_path(j, path, sizeof path);
    if ((fd = open(path, O_RDONLY)) < 0) return 0;
    n = read(fd, have, sizeof have - 1);
    close(fd);
    if (n <= 0) return 0;
    have[n] = '\0';
    record_text(j, (long long)st.st_size, want);
    return strcmp(have, want) == 0;
}

int batch_record_inputs(const struct batch_job *j, struct rc_err *err) {
    char path[PATH_MAX + 16], text[RECORD_MAX];
    struct stat st;
    if (stat(j->output, &st) != 0)
        return rc_fail(err, RC_IO, "%s: %s", j->output, strerror(errno));
    record_path(j, path, sizeof path);
    record_text(j, (long long)st.st_size, text);
    return fs_write_atomic(path, text, strlen(text), err);
}

/* Before a PDF is rebuilt: a record left from an older build must never
** vouch for whatever ends up in its place. */
void batch_forget_inputs(const struct batch_job *j) {
    char path[PATH_MAX + 16];
    record_path(j, path, sizeof path);
    unlink(path);
}

/*
** inputs.c: --skip-unchanged from what each build read.
**
** After a job's PDF is in place, its worker writes <output>.inputs: the
** record of every file the build read (job.h's read-set: the script, every
** module required at any depth, images, the font manifest, each font file
** used, the fact store), each with the SHA-256 of its contents, the module
** candidates looked for and not found, the job's parameters, reportc's
** version and the hash of its executable, and the PDF's size:
**
**   reportc-inputs 3
**   version 0.1.0
**   exe <sha256>
**   compress <level>              the deflate level (--compress) as a number
**   param <name> <value>          names sorted; %XX for bytes <= 0x20, '%', 0x7f
**   file <sha256> <path>          in the order the build read them
**   absent <path>
**   pdf <size>
**
** A job is skipped when its PDF is there with the recorded size, the
** version, executable, compression level and parameters are the same, every recorded file
** still hashes the same and every absent one is still absent.  Contents
** decide, never timestamps: a file's identity (device, inode, size,
** mtime) only lets one batch hash each file once (the parent hashes the
** shared inputs, fonts above all, before forking, and the workers inherit
** those hashes).  A file that changed while the build was reading it, or
** so shortly before that its times cannot tell (TOO_NEW), gets the job no
** record, so the job is rebuilt next time.
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "plan.h"
#include "../base/buf.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../base/readset.h"
#include "../font/fontset.h"
#include "../pdf/pdf.h"

#define RECORD_MAGIC "reportc-inputs 3\n"
#define RECORD_MAX   (4 << 20)          /* a record is a few KB; refuse absurd ones */

/* ---- hashing files, each once per batch ------------------------------------------ */

struct hashed_file {
    char *path;
    struct stat st;                      /* identity when hashed */
    unsigned char digest[SHA256_SIZE];
};

struct batch_hashes {
    struct hashed_file *files;
    size_t count, cap;
    unsigned char exe[SHA256_SIZE];
};

static int same_time(struct timespec a, struct timespec b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int same_identity(const struct stat *a, const struct stat *b) {
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
        && same_time(a->st_mtim, b->st_mtim) && same_time(a->st_ctim, b->st_ctim);
}

static double seconds_of(struct timespec t) { return (double)t.tv_sec + t.tv_nsec / 1e9; }

static double wall_clock(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return seconds_of(now);
}

/* File times come from a coarse clock (a few ms on Linux): a file
** rewritten within one tick of being read can keep its size and times.
** So, as ccache does, a file changed less than TOO_NEW seconds before a
** moment is not trusted by identity from that moment on. */
#define TOO_NEW 0.1

static int too_new(struct timespec mtime, struct timespec ctime, double since) {
    return seconds_of(mtime) > since - TOO_NEW || seconds_of(ctime) > since - TOO_NEW;
}

/* Hash an open file; RC_OK only when it did not change while being read. */
static int hash_fd(int fd, const char *path, const struct stat *before,
                   unsigned char digest[SHA256_SIZE], struct rc_err *err) {
    enum { CHUNK = 1 << 16 };
    unsigned char *chunk = xmalloc(CHUNK, "a buffer for hashing inputs");
    struct sha256 s;
    struct stat after;
    ssize_t n;
    sha256_init(&s);
    while ((n = read(fd, chunk, CHUNK)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        sha256_update(&s, chunk, (size_t)n);
    }
    free(chunk);
    sha256_final(&s, digest);
    if (n < 0) return rc_fail(err, RC_IO, "%s: cannot read: %s", path, strerror(errno));
    if (fstat(fd, &after) != 0 || !same_identity(before, &after))
        return rc_fail(err, RC_IO, "%s: changed while being hashed", path);
    return RC_OK;
}

/* The digest of `path` as it is now; `st` gets its identity.  Hashed once
** per identity: a font named by every job is read once per batch. */
static int hash_path(struct batch_hashes *h, const char *path, struct stat *st,
                     unsigned char digest[SHA256_SIZE], struct rc_err *err) {
    struct hashed_file *f;
    size_t i;
    int fd, rc = fs_open_input(path, "an input", &fd, st, err);
    if (rc != RC_OK) return rc;
    for (i = 0; i < h->count; i++)
        if (strcmp(h->files[i].path, path) == 0 && same_identity(&h->files[i].st, st)) {
            memcpy(digest, h->files[i].digest, SHA256_SIZE);
            close(fd);
            return RC_OK;
        }
    rc = hash_fd(fd, path, st, digest, err);
    close(fd);
    if (rc != RC_OK || too_new(st->st_mtim, st->st_ctim, wall_clock())) return rc;
    if (h->count == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 32;
        h->files = xreallocarray(h->files, h->cap, sizeof *h->files, "the input hashes");
    }
    f = &h->files[h->count++];
    f->path = xstrdup(path, "the input hashes");
    f->st = *st;
    memcpy(f->digest, digest, SHA256_SIZE);
    return RC_OK;
}

static void hash_if_there(struct batch_hashes *h, const char *path) {
    unsigned char digest[SHA256_SIZE];
    struct stat st;
    struct rc_err ignored = { 0, "" };
    hash_path(h, path, &st, digest, &ignored);
}

/* The font files the manifest names: what most builds share, and the
** bulk of the bytes (some 30 MB of Debian's CJK fonts).  The font set's
** own parser reads the manifest, so quoted face names and aliases are
** understood alike. */
static void hash_manifest_fonts(struct batch_hashes *h, const char *manifest) {
    struct rc_err ignored = { 0, "" };
    struct fontset *fs;
    int i;
    if (fontset_load(manifest, &fs, &ignored) != RC_OK) return;
    for (i = 0; i < fontset_nfaces(fs); i++) hash_if_there(h, fontset_path(fs, i));
    fontset_free(fs);
}

int batch_hash_inputs(const struct batch_opts *o, struct batch_plan *p, struct rc_err *err) {
    struct batch_hashes *h = xcalloc(1, sizeof *h, "the input hashes");
    struct stat st;
    int rc;
    p->hashes = h;
    rc = hash_path(h, "/proc/self/exe", &st, h->exe, err);
    if (rc != RC_OK) return rc;
    hash_if_there(h, o->script);
    hash_if_there(h, o->db);
    hash_if_there(h, o->fonts);
    hash_manifest_fonts(h, o->fonts);
    return RC_OK;
}

void batch_hashes_free(struct batch_plan *p) {
    size_t i;
    if (p->hashes == NULL) return;
    for (i = 0; i < p->hashes->count; i++) free(p->hashes->files[i].path);
    free(p->hashes->files);
    free(p->hashes);
    p->hashes = NULL;
}

/* ---- the record ----------------------------------------------------------------- */

/* Bytes that would break the line format become %XX. */
static void put_escaped(struct buf *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c == '%' || c == 0x7f) buf_printf(b, "%%%02X", c);
        else buf_putc(b, c);
    }
}

static int by_param_name(const void *a, const void *b) {
    return strcmp(((const struct script_param *)a)->name, ((const struct script_param *)b)->name);
}

/* What a record for job j must start with: the version, the executable,
** the deflate level (the same inputs at another --compress make another
** PDF; the level as resolved, so --compress=default and no option agree),
** the parameters sorted by name (so the order of -D options does not
** matter; names are unique within a job). */
static void record_head(const struct batch_opts *o, const struct batch_plan *p,
                        const struct batch_job *j, struct buf *b) {
    struct script_param *sorted = xreallocarray(NULL, j->nparams + 1, sizeof *sorted, "parameters");
    char hex[2 * SHA256_SIZE + 1];
    size_t i;
    memcpy(sorted, j->params, j->nparams * sizeof *sorted);
    qsort(sorted, j->nparams, sizeof *sorted, by_param_name);
    buf_puts(b, RECORD_MAGIC "version ");
    put_escaped(b, o->version);
    sha256_hex(p->hashes->exe, hex);
    buf_printf(b, "\nexe %s\n", hex);
    buf_printf(b, "compress %d\n", o->compress_level > 0 ? o->compress_level : PDF_COMPRESS_DEFAULT);
    for (i = 0; i < j->nparams; i++) {
        buf_puts(b, "param ");
        put_escaped(b, sorted[i].name);
        buf_putc(b, ' ');
        put_escaped(b, sorted[i].value);
        buf_putc(b, '\n');
    }
    free(sorted);
}

static void record_path(const struct batch_job *j, char *path, size_t size) {
    snprintf(path, size, "%s.inputs", j->output);
}

int batch_record_inputs(const struct batch_opts *o, const struct batch_plan *p,
                        const struct batch_job *j, const struct readset *reads,
                        double started, struct rc_err *err) {
    char path[PATH_MAX + 16], hex[2 * SHA256_SIZE + 1];
    unsigned char digest[SHA256_SIZE];
    struct stat st;
    struct buf b;
    size_t i;
    int rc = RC_OK;
    if (stat(j->output, &st) != 0)
        return rc_fail(err, RC_IO, "%s: %s", j->output, strerror(errno));
    buf_init(&b);
    record_head(o, p, j, &b);
    for (i = 0; i < readset_count(reads) && rc == RC_OK; i++) {
        const struct readset_entry *e = readset_get(reads, i);
        struct stat now;
        if (e->absent) {
            if (stat(e->path, &now) == 0) rc = RC_IO;       /* appeared meanwhile */
            buf_puts(&b, "absent ");
        } else {
            struct rc_err ignored = { 0, "" };
            /* The file as the build read it, or no record at all. */
            if (too_new(e->mtime, e->ctime, started)
                || hash_path(p->hashes, e->path, &now, digest, &ignored) != RC_OK
                || !readset_same(e, &now)) {
                rc = RC_IO;
                break;
            }
            sha256_hex(digest, hex);
            buf_printf(&b, "file %s ", hex);
        }
        put_escaped(&b, e->path);
        buf_putc(&b, '\n');
    }
    buf_printf(&b, "pdf %lld\n", (long long)st.st_size);
    record_path(j, path, sizeof path);
    if (rc == RC_OK) rc = fs_write_atomic(path, b.data, b.len, err);
    else rc = RC_OK;        /* an input changed during the build: rebuilt next time */
    buf_free(&b);
    return rc;
}

double batch_wall_clock(void) { return wall_clock(); }

/* ---- checking a record ----------------------------------------------------------- */

static char *read_record(const struct batch_job *j) {
    char path[PATH_MAX + 16];
    struct rc_err ignored = { 0, "" };
    struct stat st;
    char *text;
    ssize_t n;
    size_t got = 0;
    int fd;
    record_path(j, path, sizeof path);
    if (fs_open_input(path, "the inputs record", &fd, &st, &ignored) != RC_OK) return NULL;
    if (st.st_size <= 0 || st.st_size > RECORD_MAX) { close(fd); return NULL; }
    text = xmalloc((size_t)st.st_size + 1, "an inputs record");
    while (got < (size_t)st.st_size && (n = read(fd, text + got, (size_t)st.st_size - got)) > 0)
        got += (size_t)n;
    close(fd);
    text[got] = '\0';
    if (got != (size_t)st.st_size || strlen(text) != got) { free(text); return NULL; }
    return text;
}

static void unescape(char *s) {
    char *out = s;
    for (; *s; s++) {
        unsigned v;
        if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1 && s[1] && s[2]) { *out++ = (char)v; s += 2; }
        else *out++ = *s;
    }
    *out = '\0';
}

/* One "file HASH PATH" or "absent PATH" line still true? */
static int line_holds(struct batch_hashes *h, char *line) {
    unsigned char digest[SHA256_SIZE];
    char hex[2 * SHA256_SIZE + 1];
    struct stat st;
    struct rc_err ignored = { 0, "" };
    if (strncmp(line, "absent ", 7) == 0) {
        unescape(line + 7);
        return stat(line + 7, &st) != 0;
    }
    if (strncmp(line, "file ", 5) != 0 || strlen(line) < 5 + 2 * SHA256_SIZE + 2
        || line[5 + 2 * SHA256_SIZE] != ' ')
        return 0;
    line[5 + 2 * SHA256_SIZE] = '\0';
    unescape(line + 6 + 2 * SHA256_SIZE);
    if (hash_path(h, line + 6 + 2 * SHA256_SIZE, &st, digest, &ignored) != RC_OK) return 0;
    sha256_hex(digest, hex);
    return strcmp(hex, line + 5) == 0;
}

int batch_is_unchanged(const struct batch_opts *o, struct batch_plan *p, const struct batch_job *j) {
    struct stat st;
    struct buf head;
    char *text, *line, *next, size[64];
    int ok = 0, files = 0;
    if (stat(j->output, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    if ((text = read_record(j)) == NULL) return 0;
    buf_init(&head);
    record_head(o, p, j, &head);
    snprintf(size, sizeof size, "pdf %lld", (long long)st.st_size);
    if (strncmp(text, (const char *)head.data, head.len) == 0) {
        for (line = text + head.len; *line; line = next) {
            char *nl = strchr(line, '\n');
            if (nl == NULL) break;                       /* a record ends with a newline */
            *nl = '\0';
            next = nl + 1;
            if (strncmp(line, "pdf ", 4) == 0) { ok = files > 0 && strcmp(line, size) == 0 && *next == '\0'; break; }
            if (!line_holds(p->hashes, line)) break;
            files++;
        }
    }
    buf_free(&head);
    free(text);
    return ok;
}

/* Before a PDF is rebuilt: a record left from an older build must never
** vouch for whatever ends up in its place. */
void batch_forget_inputs(const struct batch_job *j) {
    char path[PATH_MAX + 16];
    record_path(j, path, sizeof path);
    unlink(path);
}

/* ---- outputs that would destroy inputs --------------------------------------------- */

/* Each job's output (and the summary) must not be a special file or one of
** the inputs every job reads: the script, the fact store, the manifest,
** its fonts, a --jobs CSV.  Each job checks its own read-set again before
** writing (job.c); this says so once, before anything is built. */
int batch_check_outputs(const struct batch_opts *o, const struct batch_plan *p, struct rc_err *err) {
    struct readset shared;
    size_t i;
    int rc = RC_OK;
    readset_init(&shared);
    readset_add(&shared, o->script);
    readset_add(&shared, o->db);
    readset_add(&shared, o->fonts);
    for (i = 0; i < p->hashes->count; i++) readset_add(&shared, p->hashes->files[i].path);
    for (i = 0; i < o->naxis_args; i++)
        if (o->axis_args[i].kind == AXIS_CSV) readset_add(&shared, o->axis_args[i].text);
    for (i = 0; i < p->njobs && rc == RC_OK; i++) {
        rc = fs_check_output(p->jobs[i].output, err);
        if (rc == RC_OK) rc = fs_check_not_input(p->jobs[i].output, &shared, err);
    }
    if (rc == RC_OK && o->summary) {
        rc = fs_check_output(o->summary, err);
        if (rc == RC_OK) rc = fs_check_not_input(o->summary, &shared, err);
        for (i = 0; i < p->njobs && rc == RC_OK; i++)
            if (strcmp(o->summary, p->jobs[i].output) == 0)
                rc = rc_fail(err, RC_USAGE, "--summary %s is also job #%zu's output", o->summary,
                             p->jobs[i].index);
    }
    readset_free(&shared);
    return rc;
}

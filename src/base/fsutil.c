/*
** fsutil.c: inputs opened without blocking and checked; outputs written
** through a checked temporary file, fsync and rename.
*/
#define _GNU_SOURCE            /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "readset.h"

/* ---- inputs ---------------------------------------------------------------- */

static const char *file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

int fs_open_input(const char *path, const char *what, int *fd, struct stat *st,
                  struct rc_err *err) {
    int flags;
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0) return rc_fail(err, RC_IO, "%s: cannot read %s: %s", path, what, strerror(errno));
    if (fstat(*fd, st) != 0) {
        int e = errno;
        close(*fd);
        return rc_fail(err, RC_IO, "%s: cannot read %s: %s", path, what, strerror(e));
    }
    if (!S_ISREG(st->st_mode)) {
        close(*fd);
        return rc_fail(err, RC_IO, "%s: cannot read %s: it is %s, not a regular file", path, what,
                       file_kind(st->st_mode));
    }
    flags = fcntl(*fd, F_GETFL);
    if (flags >= 0) fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK);
    return RC_OK;
}

int fs_fopen_input(const char *path, const char *what, FILE **f, struct stat *st,
                   struct rc_err *err) {
    int fd, rc = fs_open_input(path, what, &fd, st, err);
    if (rc != RC_OK) return rc;
    if ((*f = fdopen(fd, "rb")) == NULL) {
        int e = errno;
        close(fd);
        return rc_fail(err, RC_IO, "%s: cannot read %s: %s", path, what, strerror(e));
    }
    return RC_OK;
}

int fs_check_input(const char *path, const char *what, struct stat *st, struct rc_err *err) {
    int fd, rc = fs_open_input(path, what, &fd, st, err);
    if (rc == RC_OK) close(fd);
    return rc;
}

/* ---- outputs --------------------------------------------------------------- */

int fs_check_output(const char *path, struct rc_err *err) {
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) return RC_OK;
    return rc_fail(err, RC_IO, "%s: refusing to write the output over %s (only a regular "
                   "file is replaced)", path, file_kind(st.st_mode));
}

/* The real path of a file that may not exist yet: its folder's real path
** and its name. */
static int real_path_of(const char *path, char *out) {
    char dir[PATH_MAX], base[PATH_MAX], rdir[PATH_MAX];
    if (realpath(path, out) != NULL) return 1;
    if (strlen(path) >= sizeof dir) return 0;
    strcpy(dir, path);
    strcpy(base, path);
    if (realpath(dirname(dir), rdir) == NULL) return 0;
    return snprintf(out, PATH_MAX, "%s/%s", rdir, basename(base)) < PATH_MAX;
}

int fs_check_not_input(const char *output, const struct readset *inputs, struct rc_err *err) {
    struct stat st;
    char rout[PATH_MAX], rin[PATH_MAX];
    int exists = stat(output, &st) == 0, have_real = real_path_of(output, rout);
    size_t i;
    for (i = 0; i < readset_count(inputs); i++) {
        const struct readset_entry *e = readset_get(inputs, i);
        int same;
        if (e->absent) continue;
        if (exists) same = e->dev == st.st_dev && e->ino == st.st_ino;
        else same = have_real && realpath(e->path, rin) != NULL && strcmp(rin, rout) == 0;
        if (same)
            return rc_fail(err, RC_IO, "%s: refusing to write the output over an input of the "
                           "build (%s)", output, e->path);
    }
    return RC_OK;
}

int fs_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    char ra[PATH_MAX], rb[PATH_MAX];
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return real_path_of(a, ra) && real_path_of(b, rb) && strcmp(ra, rb) == 0;
}

int fs_temp_beside(const char *target, char *tmp, size_t size, int *fd, struct rc_err *err) {
    if ((size_t)snprintf(tmp, size, "%s.tmp-XXXXXX", target) >= size)
        return rc_fail(err, RC_IO, "%s: path too long", target);
    *fd = mkostemp(tmp, O_CLOEXEC);           /* O_EXCL: never an existing file */
    if (*fd < 0)
        return rc_fail(err, RC_IO, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
    if (fchmod(*fd, 0644) != 0) {
        int e = errno;
        close(*fd);
        unlink(tmp);
        return rc_fail(err, RC_IO, "%s: cannot create a temporary file: %s", tmp, strerror(e));
    }
    return RC_OK;
}

int fs_scratch_beside(const char *target, int *fd, struct rc_err *err) {
    char dir[PATH_MAX], tmp[PATH_MAX + 32];
    const char *slash = strrchr(target, '/');
    size_t n = slash ? (size_t)(slash - target) : 0;
    int rc;
    if (n >= sizeof dir) return rc_fail(err, RC_IO, "%s: path too long", target);
    if (slash == NULL) snprintf(dir, sizeof dir, ".");
    else if (n == 0) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)n, target);
#ifdef O_TMPFILE
    *fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (*fd >= 0) return RC_OK;
#endif
    /* No O_TMPFILE on this file system: a named file, unlinked at once. */
    if ((rc = fs_temp_beside(target, tmp, sizeof tmp, fd, err)) != RC_OK) return rc;
    unlink(tmp);
    return RC_OK;
}

int fs_write_all(int fd, const void *data, size_t len, const char *path, struct rc_err *err) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return rc_fail(err, RC_IO, "%s: cannot write: %s", path,
                           n < 0 ? strerror(errno) : "no progress");
        p += n;
        len -= (size_t)n;
    }
    return RC_OK;
}

/* After the rename: the folder's entry reaches the disk too.  Some file
** systems cannot fsync a folder (EINVAL); that is not a failure. */
static int sync_folder(const char *target, struct rc_err *err) {
    char dir[PATH_MAX];
    int fd, e = 0;
    if (strlen(target) >= sizeof dir) return RC_OK;
    strcpy(dir, target);
    fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return RC_OK;
    if (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP) e = errno;
    close(fd);
    return e ? rc_fail(err, RC_IO, "%s: cannot sync its folder: %s", target, strerror(e)) : RC_OK;
}

int fs_commit(int fd, const char *tmp, const char *target, struct rc_err *err) {
    int rc = RC_OK;
    if (fsync(fd) != 0) rc = rc_fail(err, RC_IO, "%s: cannot write: %s", target, strerror(errno));
    if (close(fd) != 0 && rc == RC_OK)
        rc = rc_fail(err, RC_IO, "%s: cannot write: %s", target, strerror(errno));
    if (rc == RC_OK) rc = fs_check_output(target, err);
    if (rc == RC_OK && rename(tmp, target) != 0)
        rc = rc_fail(err, RC_IO, "%s: cannot write: %s", target, strerror(errno));
    if (rc != RC_OK) {
        unlink(tmp);
        return rc;
    }
    return sync_folder(target, err);
}

int fs_write_atomic(const char *path, const void *data, size_t len, struct rc_err *err) {
    char tmp[PATH_MAX + 32];
    int fd, rc = fs_check_output(path, err);
    if (rc == RC_OK) rc = fs_temp_beside(path, tmp, sizeof tmp, &fd, err);
    if (rc != RC_OK) return rc;
    if ((rc = fs_write_all(fd, data, len, path, err)) != RC_OK) {
        close(fd);
        unlink(tmp);
        return rc;
    }
    return fs_commit(fd, tmp, path, err);
}

/*
** fsutil.c: temporary file beside the target, then rename.
*/
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"

int fs_temp_beside(const char *target, char *tmp, size_t size, struct rc_err *err) {
    int fd;
    if ((size_t)snprintf(tmp, size, "%s.tmp-XXXXXX", target) >= size)
        return rc_fail(err, RC_IO, "%s: path too long", target);
    fd = mkstemp(tmp);
    if (fd < 0) return rc_fail(err, RC_IO, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
    fchmod(fd, 0644);
    close(fd);
    return RC_OK;
}

int fs_commit(const char *tmp, const char *target, struct rc_err *err) {
    int fd = open(tmp, O_RDONLY);
    if (fd >= 0) { fsync(fd); close(fd); }
    if (rename(tmp, target) != 0) {
        int e = errno;
        unlink(tmp);
        return rc_fail(err, RC_IO, "%s: cannot write: %s", target, strerror(e));
    }
    return RC_OK;
}

int fs_write_atomic(const char *path, const void *data, size_t len, struct rc_err *err) {
    char tmp[4096];
    FILE *f;
    int rc = fs_temp_beside(path, tmp, sizeof tmp, err);
    if (rc != RC_OK) return rc;
    f = fopen(tmp, "wb");
    if (f != NULL) {
        int ok = fwrite(data, 1, len, f) == len;
        if (fclose(f) != 0) ok = 0;
        if (ok) return fs_commit(tmp, path, err);
    }
    rc = rc_fail(err, RC_IO, "%s: cannot write: %s", path, strerror(errno));
    unlink(tmp);
    return rc;
}

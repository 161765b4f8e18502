/*
** fsutil.h: writing outputs safely: into a temporary file beside the
** target, renamed over it only once complete, so a failure never leaves a
** partial file at the target path.
*/
#ifndef FSUTIL_H
#define FSUTIL_H

#include <stddef.h>
#include "rc.h"

/* Create an empty temporary file beside `target`; its name goes to `tmp`. */
int fs_temp_beside(const char *target, char *tmp, size_t size, struct rc_err *err);

/* Rename `tmp` onto `target` (after an fsync of the data). */
int fs_commit(const char *tmp, const char *target, struct rc_err *err);

/* Write `len` bytes to `path` through a temporary file. */
int fs_write_atomic(const char *path, const void *data, size_t len, struct rc_err *err);

#endif

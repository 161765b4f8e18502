/*
** fsutil.h: reading inputs and writing outputs safely.
**
** Inputs are opened with O_NONBLOCK and checked to be regular files before
** a byte is read: a FIFO or a device named as a font, a script or the
** fact store is refused instead of blocking forever.
**
** Outputs go into a temporary file beside the target (created with
** O_EXCL), every write and the close checked, fsync'ed, renamed over the
** target only once complete, then the folder fsync'ed: a full disk or a
** file size limit is an error naming the cause, and never leaves a
** partial file at the target path.  A target that exists and is not a
** regular file (a device, a FIFO, a folder) is refused, never replaced.
*/
#ifndef FSUTIL_H
#define FSUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include "rc.h"

struct readset;

/* Open `path` for reading: O_NONBLOCK, then fstat, refusing anything but a
** regular file.  `what` names the input in errors ("the script").  On
** success *fd is open (blocking again) and *st describes it. */
int fs_open_input(const char *path, const char *what, int *fd, struct stat *st,
                  struct rc_err *err);

/* The same, as a stdio stream ("rb"). */
int fs_fopen_input(const char *path, const char *what, FILE **f, struct stat *st,
                   struct rc_err *err);

/* Check that `path` is a readable regular file (for inputs a library opens
** itself, such as the fact store), without reading it. */
int fs_check_input(const char *path, const char *what, struct stat *st, struct rc_err *err);

/* Refuse an output path that exists and is not a regular file. */
int fs_check_output(const char *path, struct rc_err *err);

/* Refuse an output that is one of the files read (same device and inode,
** or for an output not there yet, the same real path). */
int fs_check_not_input(const char *output, const struct readset *inputs, struct rc_err *err);

/* Do two paths name the same file (same device and inode, or for files
** not there yet, the same real path)? */
int fs_same_file(const char *a, const char *b);

/* Create an empty temporary file beside `target` (O_EXCL, mode 0644); its
** name goes to `tmp`, its descriptor to *fd. */
int fs_temp_beside(const char *target, char *tmp, size_t size, int *fd, struct rc_err *err);

/* An unlinked scratch file (read and write) in the folder of `target`,
** gone when closed or when the process dies. */
int fs_scratch_beside(const char *target, int *fd, struct rc_err *err);
/* Write all of data to fd; errors name `path` and the cause (errno). */
int fs_write_all(int fd, const void *data, size_t len, const char *path, struct rc_err *err);

/* Finish an output: fsync and close fd, rename `tmp` onto `target`, fsync
** the folder.  On any failure `tmp` is removed and `target` untouched;
** fd is closed either way. */
int fs_commit(int fd, const char *tmp, const char *target, struct rc_err *err);

/* Write `len` bytes to `path` through a temporary file, as above. */
int fs_write_atomic(const char *path, const void *data, size_t len, struct rc_err *err);

#endif

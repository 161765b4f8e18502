/*
** memfile.h: the fuzz input as a file, for readers that take a path (the
** font reader maps a file; the CSV reader reads one).  One memfd per
** process, refilled for each input: no disk traffic, nothing left behind.
*/
#ifndef MEMFILE_H
#define MEMFILE_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a regular file holding exactly data[0..size). */
static const char *memfile(const uint8_t *data, size_t size) {
    static int fd = -1;
    static char path[64];
    size_t done = 0;
    if (fd < 0) {
        if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0) { perror("memfd_create"); abort(); }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0) { perror("ftruncate"); abort(); }
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0) { perror("pwrite"); abort(); }
        done += (size_t)n;
    }
    return path;
}

#endif

/*
** readset.c: the files a build read.  A plain array searched linearly: a
** build reads a dozen files, and a lookup is a handful of strcmp.
*/
#include <stdlib.h>
#include <string.h>
#include "readset.h"
#include "mem.h"

void readset_init(struct readset *rs) {
    memset(rs, 0, sizeof *rs);
}

void readset_free(struct readset *rs) {
    size_t i;
    if (rs == NULL) return;
    for (i = 0; i < rs->count; i++) free(rs->items[i].path);
    free(rs->items);
    memset(rs, 0, sizeof *rs);
}

const struct readset_entry *readset_find(const struct readset *rs, const char *path) {
    size_t i;
    for (i = 0; i < rs->count; i++)
        if (strcmp(rs->items[i].path, path) == 0) return &rs->items[i];
    return NULL;
}

static struct readset_entry *append(struct readset *rs, const char *path) {
    struct readset_entry *e;
    if (rs->count == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 16;
        rs->items = xreallocarray(rs->items, rs->cap, sizeof *rs->items, "the list of files read");
    }
    e = &rs->items[rs->count++];
    memset(e, 0, sizeof *e);
    e->path = xstrdup(path, "the list of files read");
    return e;
}

void readset_add_stat(struct readset *rs, const char *path, const struct stat *st) {
    struct readset_entry *e;
    if (rs == NULL || readset_find(rs, path)) return;
    e = append(rs, path);
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtime = st->st_mtim;
    e->ctime = st->st_ctim;
}

void readset_add_absent(struct readset *rs, const char *path) {
    if (rs == NULL || readset_find(rs, path)) return;
    append(rs, path)->absent = 1;
}

void readset_add(struct readset *rs, const char *path) {
    struct stat st;
    if (rs == NULL) return;
    if (stat(path, &st) == 0) readset_add_stat(rs, path, &st);
    else readset_add_absent(rs, path);
}

size_t readset_count(const struct readset *rs) { return rs->count; }

const struct readset_entry *readset_get(const struct readset *rs, size_t i) {
    return &rs->items[i];
}

int readset_same(const struct readset_entry *e, const struct stat *st) {
    return !e->absent && e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size
        && e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec
        && e->ctime.tv_sec == st->st_ctim.tv_sec && e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

void readset_move(struct readset *to, struct readset *from) {
    size_t i;
    for (i = 0; i < from->count; i++) {
        struct readset_entry *e = &from->items[i];
        if (readset_find(to, e->path) == NULL) {
            struct readset_entry *d = append(to, e->path);
            free(d->path);
            *d = *e;
        } else {
            free(e->path);
        }
    }
    free(from->items);
    memset(from, 0, sizeof *from);
}

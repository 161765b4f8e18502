/*
** readset.h: the files a build read, recorded as it reads them (as
** ccache's manifest does): the script, every module it required at any
** depth, images, the font manifest, each font file opened, the fact
** store.  Each path once, in the order first read, with its identity
** (device, inode, size, modification time) as it was when read.  Also the
** paths a lookup tried and did not find (a module searched beside the
** script before templates/): creating one would change the build.
**
** Users: `reportc batch` hashes these files into <output>.inputs for
** --skip-unchanged; `reportc watch` rebuilds when one of them changes.
**
**   struct readset rs;
**   readset_init(&rs);
**   job.reads = &rs;  job_build(&job, &err);     (the job fills it)
**   for (i = 0; i < readset_count(&rs); i++) use(readset_get(&rs, i)->path);
**   readset_free(&rs);
**
** The set owns its entries and their paths.  Out of memory follows
** base/mem.h.
*/
#ifndef READSET_H
#define READSET_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct readset_entry {
    char *path;                 /* as opened (relative to the working folder or absolute) */
    int absent;                 /* looked for, not there: the rest is zero */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    struct timespec ctime;      /* changes also when a tool restores an old mtime */
};

struct readset {
    struct readset_entry *items;
    size_t count, cap;
};

void readset_init(struct readset *rs);
void readset_free(struct readset *rs);

/* Record `path` with the identity in `st` (from the fstat of the
** descriptor it was read through).  A path already recorded keeps its
** first identity.  rs may be NULL: nothing is recorded. */
void readset_add_stat(struct readset *rs, const char *path, const struct stat *st);

/* Record `path`, taking its identity from stat(2) now; a path that
** cannot be stat'ed is recorded as absent. */
void readset_add(struct readset *rs, const char *path);

/* Record that `path` was looked for and not found. */
void readset_add_absent(struct readset *rs, const char *path);

size_t readset_count(const struct readset *rs);
const struct readset_entry *readset_get(const struct readset *rs, size_t i);

/* The entry for `path`, or NULL. */
const struct readset_entry *readset_find(const struct readset *rs, const char *path);

/* Does `st` still describe the file the entry was read from (same device,
** inode, size, modification and change times)? */
int readset_same(const struct readset_entry *e, const struct stat *st);

/* Move every entry of `from` into `to` (entries `to` has keep theirs);
** `from` is left empty. */
void readset_move(struct readset *to, struct readset *from);

#endif

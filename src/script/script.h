/*
** script.h: running a report script in a sandboxed Lua 5.4 state.  The
** only module that includes lua.h.
**
** The script sees the preloaded module "report" (parameters, the fact
** store, the document builder) and Lua's base, string, table, math, utf8
** and coroutine libraries, less everything that reaches the file system or
** runs other code: no io, os, debug, package.loadlib, dofile, loadfile, and
** load takes text only.  `require` finds modules in templates/ and beside
** the script.
*/
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>
#include "../base/rc.h"
#include "../base/readset.h"
#include "../doc/doc.h"
#include "../store/store.h"
#include "../job/runlimits.h"

struct script_param { const char *name, *value; };

/* Scripts and modules compiled, kept across the jobs of a batch worker
** (chunks.c): a file whose bytes have not changed is not compiled again. */
struct script_chunks;
struct script_chunks *script_chunks_new(void);
void script_chunks_free(struct script_chunks *cs);

struct script_job {
    const char *path;                  /* the script, as the user named it */
    const char *templates_dir;         /* where `require` looks first */
    const struct script_param *params; /* from -D name=value */
    size_t nparams;
    long long now;                     /* SOURCE_DATE_EPOCH or the clock */
    struct readset *reads;             /* records the script, each module, each
                                       ** image as read; may be NULL */
    const struct job_limits *limits;   /* armed: deadline and memory (job/runlimits.h) */
    struct script_chunks *chunks;      /* compiled files kept by the caller; may be NULL */
};

/* Run the script; on success *out is the document it returned (the caller
** frees it).  Errors read "file.lua:LINE: message" and, in err->msg after a
** newline, the stack traceback. */
int script_run(const struct script_job *job, struct store *db, struct doc **out,
               struct rc_err *err);

#endif

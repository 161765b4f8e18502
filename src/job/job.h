/*
** job.h: one build: script + parameters -> PDF.  Runs the script against
** the fact store, lays the document out, writes the PDF through a
** temporary file and renames it into place, and records what it read.  Used by `reportc build` and
** by each job of `reportc batch`.
*/
#ifndef JOB_H
#define JOB_H

#include <stddef.h>
#include "../base/rc.h"
#include "../base/readset.h"
#include "../script/script.h"
#include "runlimits.h"

struct fontset;

struct job {
    const char *script;        /* the report script */
    const char *output;        /* the PDF to write */
    const char *db;            /* the fact store */
    const char *fonts;         /* the font manifest */
    struct fontset *fontset;   /* `fonts` already loaded, owned by the caller and
                               ** kept across jobs (a batch worker maps each
                               ** font file once, not once per brief); NULL:
                               ** load and free them in this build */
    struct script_chunks *chunks;   /* the script and modules compiled, kept by
                               ** the caller across jobs as fontset is; NULL:
                               ** compile them in this build */
    const char *templates;     /* folder `require` searches */
    const char *display_list;  /* also write the display list as JSON; may be NULL */
    const struct script_param *params;
    size_t nparams;
    long long now;             /* SOURCE_DATE_EPOCH or the clock */
    struct job_limits limits;  /* seconds and megabytes; 0: the defaults */
    int compress_level;        /* pdf_compress_level(); 0: the default */
    struct readset *reads;     /* NULL, or an initialised read-set the build
                               ** fills with every file it read (see
                               ** base/readset.h), also when it fails: the
                               ** caller owns it */
};

/* Build j->output within its limits (runlimits.h): armed here for the
** whole build and disarmed after, so each job of a batch worker has its
** own.  Refused before anything is written: an output that exists and is
** not a regular file, or that is one of the files the build read (the
** script, a module, an image, the fact store, the manifest, a font).  The
** PDF is written through a checked temporary file, fsync'ed and renamed:
** on any failure the old output is untouched. */
int job_build(const struct job *j, struct rc_err *err);

/* The build time: SOURCE_DATE_EPOCH when set and valid, else the clock. */
long long job_build_time(void);

/* Remove the temporary file of a build in progress, if any; safe to call
** from a signal handler (it only calls unlink). */
void job_remove_temp(void);

#endif

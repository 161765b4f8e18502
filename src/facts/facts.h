/*
** facts.h: `reportc facts`: bringing data into the fact store and checking
** it.  `import` loads a delivered CSV into one table in one transaction,
** every row checked first (types, CHECK constraints, keys, sources), and
** records the import in the `imports` table; `check` reports broken
** references, figures without a source or locator, and corruption.
** The rest of reportc only ever reads the store.
*/
#ifndef FACTS_H
#define FACTS_H

#include "../base/rc.h"

struct facts_import_opts {
    const char *db, *table, *file;
    const char *source, *locator;      /* --source, --locator: fill those columns */
    const char *replace_period;        /* --replace-period YYYY-MM, or NULL */
    int dry_run;
    long long now;                     /* the import's time (SOURCE_DATE_EPOCH or the clock) */
};

/* `reportc facts import|check ...`, argv[0] being "facts".  Prints its
** report on stdout and each bad row or problem on stderr.  RC_USAGE for a
** bad command line, RC_DATA when rows or the store are bad (nothing is
** written then), another RC_* when a file cannot be read or written. */
int facts_command(int argc, char **argv, long long now, struct rc_err *err);

int facts_import(const struct facts_import_opts *o, struct rc_err *err);
int facts_check(const char *db, struct rc_err *err);

#endif

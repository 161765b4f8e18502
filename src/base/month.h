/*
** month.h: the month keywords a parameter may take: `last-month` and
** `this-month`, for scheduled monthly runs.
*/
#ifndef MONTH_H
#define MONTH_H

/* If `value` is `last-month` or `this-month`, write the month it names,
** YYYY-MM, into out[8] and return 1; else return 0.  The month is taken in
** UTC when SOURCE_DATE_EPOCH is set (so it is reproducible), else in local
** time (so a job run just after local midnight on the 1st sees the new
** month). */
int month_keyword(const char *value, long long now, char out[8]);

#endif

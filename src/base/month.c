/*
** month.c: resolving `last-month` and `this-month` against the build time.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "month.h"

int month_keyword(const char *value, long long now, char out[8]) {
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = (time_t)now;
    struct tm tm;
    int delta;
    unsigned index;
    if (strcmp(value, "this-month") == 0) delta = 0;
    else if (strcmp(value, "last-month") == 0) delta = -1;
    else return 0;
    if (sde && *sde) gmtime_r(&t, &tm);
    else localtime_r(&t, &tm);
    index = (unsigned)((tm.tm_year + 1900) * 12 + tm.tm_mon + delta);
    snprintf(out, 8, "%04u-%02u", index / 12 % 10000, index % 12 + 1);
    return 1;
}

/*
** check.h: the few macros our C unit tests use.  Each test program prints
** one line per failed check and a closing "N passed, N failed" line;
** tests/run.sh adds the programs' counts up.
*/
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
    if (cond) check_passed++; \
    else { check_failed++; \
           printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_MSG(cond, ...) do { \
    if (cond) check_passed++; \
    else { check_failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
           printf(__VA_ARGS__); printf("\n"); } \
} while (0)

#define CHECK_DONE() \
    (printf("%d passed, %d failed\n", check_passed, check_failed), \
     check_failed ? 1 : 0)

#endif

/*
** test_runlimits.c: the limits a job runs under (job/runlimits.h): option
** values, the cooperative deadline, RLIMIT_DATA relative to what the
** process holds, and that disarming really stops the timers and lifts
** the memory limit (a batch worker's next job starts free).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "../../src/job/runlimits.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void test_parse(void) {
    unsigned v = 7;
    CHECK(limits_parse("120", 86400, &v) && v == 120);
    CHECK(limits_parse("1", 10, &v) && v == 1);
    CHECK(!limits_parse("0", 10, &v));
    CHECK(!limits_parse("-1", 10, &v));
    CHECK(!limits_parse("11", 10, &v));
    CHECK(!limits_parse("1.5", 10, &v));
    CHECK(!limits_parse("", 10, &v));
    CHECK(!limits_parse(" 5", 10, &v));
    CHECK(!limits_parse("5s", 10, &v));
    CHECK(!limits_parse("99999999999999999999", 10, &v));
    CHECK(!limits_parse(NULL, 10, &v));
}

/* The deadline passes after `seconds`, and a disarmed job's timers never
** fire (the process would end with status 1 a second after the limit). */
static void test_deadline(void) {
    struct job_limits l;
    struct rc_err err = { 0, "" };
    double start = now(), took;
    memset(&l, 0, sizeof l);
    l.seconds = 1;
    CHECK(limits_arm(&l, "test", &err) == RC_OK);
    CHECK(l.megabytes == LIMITS_DEFAULT_MB && l.bytes == (size_t)LIMITS_DEFAULT_MB << 20);
    CHECK(!limits_expired(&l));
    while (!limits_expired(&l) && now() - start < 1.8) {}
    took = now() - start;
    limits_disarm();
    CHECK_MSG(took >= 0.99 && took < 1.5, "deadline of 1 s passed after %.3f s", took);
    usleep(1300000);                      /* past where the timer was set */
    CHECK(1);                             /* still here */
}

static void test_memory(void) {
#ifndef UNDER_ASAN
    struct job_limits l;
    struct rc_err err = { 0, "" };
    void *p;
    memset(&l, 0, sizeof l);
    l.megabytes = 64;
    CHECK(limits_arm(&l, "test", &err) == RC_OK);
    p = malloc(32u << 20);
    CHECK_MSG(p != NULL, "32 MB under a 64 MB limit refused");
    free(p);
    p = malloc(200u << 20);
    CHECK_MSG(p == NULL, "200 MB under a 64 MB limit allowed");
    free(p);
    limits_disarm();
    p = malloc(200u << 20);
    CHECK_MSG(p != NULL, "200 MB refused after the limit was lifted");
    free(p);
#else
    printf("INFO test_runlimits: no RLIMIT_DATA under AddressSanitizer; memory not checked\n");
#endif
}

int main(void) {
    test_parse();
    test_deadline();
    test_memory();
    return CHECK_DONE();
}

/*
** test_mem.c: the out-of-memory policy (base/mem.h): overflow-checked size
** arithmetic, and a failed allocation ending the process with status 1, one
** line naming what was being allocated, after the registered cleanup.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "../../src/base/mem.h"

static void cleanup(void) {
    static const char note[] = "cleanup ran\n";
    (void)!write(2, note, sizeof note - 1);
}

/* Run fn in a child with stderr captured; returns its exit status (or -1
** when it did not exit normally) and its stderr in msg. */
static int in_child(void (*fn)(void), char *msg, size_t size) {
    int fds[2], status;
    ssize_t n, got = 0;
    pid_t pid;
    if (pipe(fds) != 0) return -2;
    if ((pid = fork()) == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        mem_on_failure(cleanup);
        fn();
        _exit(0);
    }
    close(fds[1]);
    while (got < (ssize_t)size - 1 && (n = read(fds[0], msg + got, size - 1 - (size_t)got)) > 0) got += n;
    msg[got] = '\0';
    close(fds[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void overflowing_array(void) { (void)xreallocarray(NULL, SIZE_MAX / 2, 4, "table cells"); }
static void huge_malloc(void) { (void)xmalloc(SIZE_MAX - 16, "a glyph pool"); }
static void overflowing_calloc(void) { (void)xcalloc(SIZE_MAX / 8 + 1, 16, "chart values"); }
static void fine(void) { free(xcalloc(0, 8, "nothing")); free(xstrndup("abc", 2, "text")); }

int main(void) {
    char msg[512];
    char *s;
    CHECK(mem_mul(SIZE_MAX / 2 + 1, 2) == SIZE_MAX);
    CHECK(mem_mul(1u << 20, 1u << 10) == (size_t)1 << 30);
    CHECK(mem_add(SIZE_MAX, 1) == SIZE_MAX);
    CHECK(mem_add(2, 3) == 5);

    CHECK(in_child(overflowing_array, msg, sizeof msg) == 1);
    CHECK_MSG(strstr(msg, "out of memory: the size of table cells overflows") && strstr(msg, "cleanup ran"),
              "stderr was: %s", msg);
    CHECK(in_child(huge_malloc, msg, sizeof msg) == 1);
    CHECK_MSG(strstr(msg, "bytes for a glyph pool") != NULL, "stderr was: %s", msg);
    CHECK(in_child(overflowing_calloc, msg, sizeof msg) == 1);
    CHECK_MSG(strstr(msg, "chart values") != NULL, "stderr was: %s", msg);
    CHECK(in_child(fine, msg, sizeof msg) == 0 && msg[0] == '\0');

    s = xstrndup(NULL, 0, "text");     /* an empty buffer's data is NULL */
    CHECK(s[0] == '\0');
    free(s);
    s = xstrndup("abcdef", 3, "text");
    CHECK(strcmp(s, "abc") == 0);
    free(s);
    return CHECK_DONE();
}

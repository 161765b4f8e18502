/*
** test_rc.c: rc_fail cuts a message too long for struct rc_err before a
** character, never inside one (messages quote script text, and stderr, logs
** and the batch summary must stay UTF-8), and leaves short ones alone.
*/
#include <string.h>
#include "check.h"
#include "../../src/base/rc.h"

/* 1 if s is well-formed UTF-8 (lead bytes followed by their continuations). */
static int utf8_ok(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
        size_t i;
        if (n == 0) return 0;
        for (i = 1; i < n; i++) if ((p[i] & 0xC0) != 0x80) return 0;
        p += n;
    }
    return 1;
}

int main(void) {
    struct rc_err err;
    char text[4000];
    size_t shift;
    /* every alignment of a three-byte and a four-byte character against the cut */
    for (shift = 0; shift < 4; shift++) {
        size_t i, n = 0;
        for (i = 0; i < shift; i++) text[n++] = 'a';
        while (n + 4 < sizeof text - 1) {
            memcpy(text + n, shift % 2 ? "\xF0\x9F\x98\x80" : "\xE9\x95\xBF", shift % 2 ? 4 : 3);
            n += shift % 2 ? 4 : 3;
        }
        text[n] = '\0';
        CHECK(rc_fail(&err, RC_DATA, "x.lua:3: %s", text) == RC_DATA && err.code == RC_DATA);
        CHECK_MSG(utf8_ok(err.msg), "shift %zu: the message is cut inside a character", shift);
        CHECK_MSG(strlen(err.msg) >= sizeof err.msg - 4, "shift %zu: cut too early (%zu bytes)", shift,
                  strlen(err.msg));
        CHECK(strncmp(err.msg, "x.lua:3: ", 9) == 0);
    }
    rc_fail(&err, RC_SQL, "short %s", "长");
    CHECK(strcmp(err.msg, "short 长") == 0);
    return CHECK_DONE();
}

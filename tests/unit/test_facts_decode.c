/*
** test_facts_decode.c: src/facts/decode.c: the strict UTF-8 check (the
** RFC 3629 table: overlong forms, surrogates, past U+10FFFF, truncated and
** stray continuation bytes are not UTF-8), and the encoding a file is
** taken to be in: UTF-8, UTF-8 with BOM (removed), GB18030 (converted,
** including four-byte sequences), and what is refused with its line
** (NUL, UTF-16, bytes that are no GB18030 either).
*/
#include <string.h>
#include "check.h"
#include "../../src/facts/decode.h"

static size_t valid(const char *s, size_t n) {
    return facts_utf8_valid_prefix((const unsigned char *)s, n);
}

static void test_strict_utf8(void) {
    static const struct { const char *bytes; size_t len, valid; } cases[] = {
        { "abc", 3, 3 },
        { "\xE4\xB8\xAD\xE6\x96\x87", 6, 6 },            /* 中文 */
        { "\xF0\x9F\x98\x80", 4, 4 },                     /* U+1F600 */
        { "\xF4\x8F\xBF\xBF", 4, 4 },                     /* U+10FFFF, the last */
        { "\xEF\xBF\xBD", 3, 3 },                         /* U+FFFD itself is fine */
        { "a\xC0\x80", 3, 1 },                            /* overlong NUL */
        { "a\xC1\xBF", 3, 1 },                            /* overlong */
        { "\xE0\x80\xAF", 3, 0 },                         /* overlong '/' */
        { "\xF0\x8F\xBF\xBF", 4, 0 },                     /* overlong four-byte */
        { "\xED\xA0\x80", 3, 0 },                         /* surrogate D800 */
        { "\xED\xBF\xBF", 3, 0 },                         /* surrogate DFFF */
        { "\xF4\x90\x80\x80", 4, 0 },                     /* U+110000 */
        { "\xF5\x80\x80\x80", 4, 0 },
        { "ab\xE4\xB8", 4, 2 },                           /* truncated at the end */
        { "\x80", 1, 0 },                                 /* stray continuation */
        { "\xE4\x41\xAD", 3, 0 },                         /* continuation missing */
        { "\xFF", 1, 0 },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_MSG(valid(cases[i].bytes, cases[i].len) == cases[i].valid, "case %zu: %zu valid bytes, want %zu",
                  i, valid(cases[i].bytes, cases[i].len), cases[i].valid);
}

static int decode(const char *bytes, size_t len, struct buf *out, enum facts_encoding *enc, struct rc_err *err) {
    buf_init(out);
    err->code = RC_OK;
    err->msg[0] = '\0';
    return facts_decode("f.csv", (const unsigned char *)bytes, len, out, enc, err);
}

static int text_is(const struct buf *b, const char *want) {
    return b->len == strlen(want) && memcmp(b->data, want, b->len) == 0;
}

static void test_encodings(void) {
    struct buf out;
    struct rc_err err;
    enum facts_encoding enc = FACTS_UTF8;
    int rc;

    rc = decode("a,b\n中,文\n", strlen("a,b\n中,文\n"), &out, &enc, &err);
    CHECK(rc == RC_OK && enc == FACTS_UTF8 && text_is(&out, "a,b\n中,文\n"));
    CHECK(strcmp(facts_encoding_name(enc), "UTF-8") == 0);
    buf_free(&out);

    rc = decode("\xEF\xBB\xBF" "a,b\n", 7, &out, &enc, &err);
    CHECK(rc == RC_OK && enc == FACTS_UTF8_BOM && text_is(&out, "a,b\n"));
    CHECK(strcmp(facts_encoding_name(enc), "UTF-8 with BOM") == 0);
    buf_free(&out);

    /* 中文 in GBK (two-byte) and U+20000 in GB18030's four-byte form */
    rc = decode("x,\xD6\xD0\xCE\xC4\n\x95\x32\x82\x36\n", 12, &out, &enc, &err);
    CHECK_MSG(rc == RC_OK && enc == FACTS_GB18030 && text_is(&out, "x,中文\n\xF0\xA0\x80\x80\n"),
              "GB18030: rc %d enc %d %s", rc, (int)enc, err.msg);
    buf_free(&out);

    rc = decode("a\nb\nc\0d\n", 8, &out, &enc, &err);
    CHECK_MSG(rc == RC_DATA && strstr(err.msg, "f.csv:3: a NUL byte"), "NUL: %s", err.msg);
    buf_free(&out);

    rc = decode("\xFF\xFE" "a\0", 4, &out, &enc, &err);
    CHECK_MSG(rc == RC_DATA && strstr(err.msg, "UTF-16"), "UTF-16: %s", err.msg);
    buf_free(&out);

    rc = decode("ok\nok\n\x80\n", 7, &out, &enc, &err);           /* 0x80 alone is no GB18030 */
    CHECK_MSG(rc == RC_DATA && strstr(err.msg, "f.csv:3: neither UTF-8 nor GB18030"), "junk: %s", err.msg);
    buf_free(&out);

    rc = decode("ok\n\xD6", 4, &out, &enc, &err);                   /* cut off in a character */
    CHECK_MSG(rc == RC_DATA && strstr(err.msg, "f.csv:2:") && strstr(err.msg, "cut off"), "cut: %s", err.msg);
    buf_free(&out);

    rc = decode("\xEF\xBB\xBF" "a\n\xD6\xD0\n", 8, &out, &enc, &err);   /* BOM, then GBK */
    CHECK_MSG(rc == RC_DATA && strstr(err.msg, "f.csv:2: starts with a UTF-8 byte order mark"), "bom: %s", err.msg);
    buf_free(&out);
}

int main(void) {
    test_strict_utf8();
    test_encodings();
    return CHECK_DONE();
}

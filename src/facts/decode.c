/*
** decode.c: a delivered file's bytes to UTF-8 text (see decode.h).  The
** UTF-8 check is ours because base/utf8.c decodes leniently (malformed
** bytes become U+FFFD), which is right for layout and wrong for deciding
** what a file is written in; GB18030 is glibc's iconv.
*/
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include "decode.h"

const char *facts_encoding_name(enum facts_encoding e) {
    switch (e) {
    case FACTS_UTF8_BOM: return "UTF-8 with BOM";
    case FACTS_GB18030:  return "GB18030";
    default:             return "UTF-8";
    }
}

/* Bytes in the sequence starting at s (0 if it is not valid UTF-8). */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t need, i;
    unsigned lo = 0x80, hi = 0xBF;       /* the second byte's range (RFC 3629) */
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;        /* overlong */
        if (c == 0xED) hi = 0x9F;        /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;        /* overlong */
        if (c == 0xF4) hi = 0x8F;        /* past U+10FFFF */
    } else return 0;
    if (n < need || s[1] < lo || s[1] > hi) return 0;
    for (i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return need;
}

size_t facts_utf8_valid_prefix(const unsigned char *s, size_t n) {
    size_t i = 0, k;
    while (i < n && (k = utf8_sequence(s + i, n - i)) > 0) i += k;
    return i;
}

static int line_of(const unsigned char *data, size_t offset) {
    int line = 1;
    size_t i;
    for (i = 0; i < offset; i++) line += data[i] == '\n';
    return line;
}

static int from_gb18030(const char *path, const unsigned char *data, size_t len,
                        struct buf *out, struct rc_err *err) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    char *in = (char *)data;
    size_t left = len;
    if (cd == (iconv_t)-1)
        return rc_fail(err, RC_DATA, "%s: not UTF-8, and this system's iconv has no GB18030", path);
    while (left > 0) {
        char *o;
        size_t room, r;
        buf_reserve(out, left * 2 + 16);
        o = (char *)out->data + out->len;
        room = out->cap - out->len;
        r = iconv(cd, &in, &left, &o, &room);
        out->len = (size_t)(o - (char *)out->data);
        if (r == (size_t)-1 && errno != E2BIG) {
            size_t at = (size_t)(in - (char *)data);
            iconv_close(cd);
            return rc_fail(err, RC_DATA, "%s:%d: neither UTF-8 nor GB18030 (byte 0x%02X at offset %zu%s)",
                           path, line_of(data, at), data[at], at,
                           errno == EINVAL ? ", a character cut off at the end" : "");
        }
    }
    iconv_close(cd);
    return RC_OK;
}

int facts_decode(const char *path, const unsigned char *data, size_t len, struct buf *out,
                 enum facts_encoding *enc, struct rc_err *err) {
    const unsigned char *nul = memchr(data, 0, len);
    size_t valid;
    if (len >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)))
        return rc_fail(err, RC_DATA, "%s: UTF-16 (byte order mark %02X %02X); save it as UTF-8 CSV",
                       path, data[0], data[1]);
    if (nul)
        return rc_fail(err, RC_DATA, "%s:%d: a NUL byte (offset %zu): not a text file", path,
                       line_of(data, (size_t)(nul - data)), (size_t)(nul - data));
    out->len = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        valid = facts_utf8_valid_prefix(data + 3, len - 3);
        if (valid < len - 3)
            return rc_fail(err, RC_DATA, "%s:%d: starts with a UTF-8 byte order mark but is not UTF-8 "
                           "(byte 0x%02X at offset %zu)", path, line_of(data, valid + 3),
                           data[valid + 3], valid + 3);
        *enc = FACTS_UTF8_BOM;
        buf_append(out, data + 3, len - 3);
        return RC_OK;
    }
    if (facts_utf8_valid_prefix(data, len) == len) {
        *enc = FACTS_UTF8;
        buf_append(out, data, len);
        return RC_OK;
    }
    *enc = FACTS_GB18030;
    return from_gb18030(path, data, len, out, err);
}

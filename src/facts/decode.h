/*
** decode.h: what a delivered data file is written in.  Spreadsheets
** export CSV as UTF-8, UTF-8 with a byte order mark, or (Excel on a
** Chinese system) GB18030/GBK; the fact store holds UTF-8.  A file is
** taken as UTF-8 only when it is strictly valid UTF-8 (no overlong forms,
** surrogates or code points past U+10FFFF), else converted from GB18030
** (a superset of GBK) with glibc's iconv.  NUL bytes are refused: no text
** file holds one.
*/
#ifndef FACTS_DECODE_H
#define FACTS_DECODE_H

#include <stddef.h>
#include "../base/buf.h"
#include "../base/rc.h"

enum facts_encoding { FACTS_UTF8, FACTS_UTF8_BOM, FACTS_GB18030 };

/* The name recorded in imports.encoding and printed: "UTF-8", ... */
const char *facts_encoding_name(enum facts_encoding e);

/* Length of the longest prefix of s[0..n) that is strictly valid UTF-8. */
size_t facts_utf8_valid_prefix(const unsigned char *s, size_t n);

/* `data` (the whole file) as UTF-8 text without a byte order mark, into
** `out`; *enc says which encoding it was.  Fails (RC_DATA) naming the line
** of a NUL byte, or of the first byte that is neither UTF-8 nor GB18030. */
int facts_decode(const char *path, const unsigned char *data, size_t len, struct buf *out,
                 enum facts_encoding *enc, struct rc_err *err);

#endif

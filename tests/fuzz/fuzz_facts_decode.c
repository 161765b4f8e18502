/*
** fuzz_facts_decode.c: what `reportc facts import` does to a delivered
** file before any SQL: detect and convert the encoding (src/facts/decode.c:
** strict UTF-8, BOM, GB18030 through iconv, NUL and UTF-16 refused), then
** read every record with the shared CSV reader (src/batch/csv.c).  Checks
** that accepted text is valid UTF-8 and holds no NUL.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/batch/csv.h"
#include "../../src/facts/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct buf text;
    struct rc_err err = { 0, "" };
    enum facts_encoding enc;
    (void)enc;
    buf_init(&text);
    if (facts_decode("fuzz.csv", data, size, &text, &enc, &err) == RC_OK) {
        struct csv_reader r;
        struct csv_row row = { NULL, 0, 0 };
        int got = 1;
        if (facts_utf8_valid_prefix(text.data, text.len) != text.len) abort();
        if (text.len && memchr(text.data, 0, text.len)) abort();
        csv_reader_init(&r, "fuzz.csv", (const char *)text.data, text.len);
        while (got && csv_next_record(&r, &row, &got, &err) == RC_OK) {}
        csv_row_free(&row);
    }
    buf_free(&text);
    return 0;
}

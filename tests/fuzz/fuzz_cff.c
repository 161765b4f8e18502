/*
** fuzz_cff: the CFF reader and subsetter (src/font/cff.c) on hostile
** tables.  The input is a CFF table as an OpenType "CFF " table holds it;
** it is opened, up to 64 glyphs are flattened, and a subset of the first
** glyphs (ascending from 0, as subset.c hands them) is written and opened
** again.  Anything may fail with RC_FONT; nothing may crash, read outside
** the input, or loop: subroutine nesting and work are bounded per glyph.
** Seeds: tests/fuzz/corpus/cff/ (a 44-glyph subset of Noto Serif CJK SC as
** reportc writes it; a name-keyed table whose subroutine calls itself).
*/
#include <stdint.h>
#include <stdlib.h>
#include "../../src/font/cff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct cff_font *c = NULL, *again = NULL;
    struct rc_err err = {0};
    struct buf out, sub;
    uint16_t gids[16];
    unsigned n, i;
    if (cff_open(data, size, "fuzz", &c, &err) != RC_OK) return 0;
    buf_init(&out);
    buf_init(&sub);
    n = cff_num_glyphs(c);
    for (i = 0; i < n && i < 64; i++) {
        out.len = 0;
        cff_flatten_glyph(c, i, &out, &err);
    }
    for (i = 0; i < n && i < 16; i++) gids[i] = (uint16_t)i;
    if (cff_write_subset(c, gids, i, "FUZZ+Font", &sub, &err) == RC_OK) {
        if (cff_open(sub.data, sub.len, "fuzz subset", &again, &err) != RC_OK) abort();
        if (cff_num_glyphs(again) != i) abort();    /* what we write must read back */
        cff_close(again);
    }
    buf_free(&out);
    buf_free(&sub);
    cff_close(c);
    return 0;
}

/*
** fuzz_linebreak.c: the line breaker (src/text/linebreak.c).
**
** The input is text: UTF-8 when its first byte is even, else raw 32-bit
** code points (any value, as a caller holding uint32_t could pass).  Every
** break value must be one of LB_NO/LB_ALLOW/LB_MUST, brk[0] LB_NO, and a
** class one of the resolved ones.
*/
#include <stdlib.h>
#include <string.h>
#include "../../src/base/utf8.h"
#include "../../src/text/linebreak.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint32_t *cps;
    unsigned char *brk;
    size_t n, i;
    if (size == 0) return 0;
    if ((data[0] & 1) == 0) {
        cps = utf8_to_cps((const char *)data + 1, size - 1, &n);
    } else {
        n = (size - 1) / 4;
        cps = malloc((n + 1) * sizeof *cps);
        if (cps == NULL) return 0;
        memcpy(cps, data + 1, n * sizeof *cps);
    }
    brk = malloc(n + 1);
    if (brk == NULL) { free(cps); return 0; }
    linebreak_analyze(cps, n, brk);
    for (i = 0; i < n; i++) {
        int c = linebreak_class(cps[i]);
        if (brk[i] > LB_MUST || c < 0 || c >= LB_CLASS_COUNT) abort();
        (void)linebreak_no_start(cps[i]);
        (void)linebreak_no_end(cps[i]);
    }
    if (n > 0 && brk[0] != LB_NO) abort();
    free(brk);
    free(cps);
    return 0;
}

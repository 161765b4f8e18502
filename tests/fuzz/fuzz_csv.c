/*
** fuzz_csv.c: the batch job list reader (src/batch/csv.c).
**
** The input is the CSV file.  Reading either fails with a message or
** gives an axis whose every row has as many values as the header names.
*/
#include "memfile.h"   /* first: it defines _GNU_SOURCE */
#include <string.h>
#include "../../src/batch/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct batch_axis axis;
    struct rc_err err;
    size_t i;
    err.msg[0] = '\0';
    /* 2026-11: month keywords such as "last-month" resolve against it. */
    if (batch_read_csv(memfile(data, size), 1795000000LL, &axis, &err) == RC_OK) {
        if (axis.nnames == 0) abort();
        for (i = 0; i < axis.nrows * axis.nnames; i++)
            if (axis.values[i] == NULL) abort();
    } else if (err.msg[0] == '\0') {
        abort();
    }
    batch_axis_free(&axis);
    return 0;
}

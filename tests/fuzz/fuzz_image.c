/*
** fuzz_image.c: libFuzzer harness for the image validator (doc/image.h):
** any bytes, with and without a decoded-size limit, must give RC_OK with
** a sane size or an error message, never a crash, a leak or a hang.
**
** Each input is also probed with its PNG chunk CRCs recomputed, or nearly
** every mutation would stop at the first CRC and the checks behind it
** (IHDR, PLTE, tRNS, the IDAT stream) would never be reached.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "../../src/doc/image.h"

static void probe(const uint8_t *data, size_t size) {
    struct image_info info;
    struct rc_err err = { 0, "" };
    if (image_probe(data, size, 0, &info, &err) == RC_OK) {
        if (info.width == 0 || info.height == 0 || info.decoded == 0) abort();
    } else if (err.msg[0] == '\0') {
        abort();
    }
    if (image_probe(data, size, 1u << 20, &info, &err) == RC_OK && info.decoded > (1u << 20)) abort();
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rewrite every whole chunk's CRC in place. */
static void fix_crcs(uint8_t *d, size_t size) {
    size_t at = 8;
    while (at + 12 <= size) {
        uint32_t len = be32(d + at), crc;
        if (len > size - at - 12) break;
        crc = (uint32_t)crc32(0L, d + at + 4, len + 4);
        d[at + 8 + len] = crc >> 24;
        d[at + 9 + len] = crc >> 16;
        d[at + 10 + len] = crc >> 8;
        d[at + 11 + len] = crc;
        at += (size_t)len + 12;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    probe(data, size);
    if (size > 8 && data[0] == 0x89) {
        uint8_t *copy = malloc(size);
        if (copy == NULL) return 0;
        memcpy(copy, data, size);
        fix_crcs(copy, size);
        probe(copy, size);
        free(copy);
    }
    return 0;
}

/*
** test_image.c: the image validator (doc/image.h) on crafted files: valid
** PNGs and a JPEG pass with the right size; every defect libpng or a PDF
** viewer would trip on is refused with a message naming it; no prefix and
** no single-byte change of a valid file gets through unnoticed or crashes.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "check.h"
#include "../../src/base/buf.h"
#include "../../src/doc/image.h"

/* An 8x8 greyscale baseline JPEG (cjpeg -quality 50 -optimize): APP0,
** DQT, SOF0, two DHT, SOS, 4 bytes of scan data, EOI. */
static const uint8_t TINY_JPEG[] = {
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x10, 0x0B, 0x0C, 0x0E, 0x0C, 0x0A, 0x10,
    0x0E, 0x0D, 0x0E, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1A, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
    0x25, 0x1D, 0x28, 0x3A, 0x33, 0x3D, 0x3C, 0x39, 0x33, 0x38, 0x37, 0x40, 0x48, 0x5C, 0x4E, 0x40,
    0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6D, 0x51, 0x57, 0x5F, 0x62, 0x67, 0x68, 0x67, 0x3E, 0x4D,
    0x71, 0x79, 0x70, 0x64, 0x78, 0x5C, 0x65, 0x67, 0x63, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08,
    0x00, 0x08, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xFF, 0xC4, 0x00, 0x17,
    0x10, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x03, 0x06, 0x33, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x18,
    0xD5, 0x66, 0x7F, 0xFF, 0xD9,
};

static void put32(struct buf *b, uint32_t v) { buf_put_u32be(b, v); }

static void chunk(struct buf *b, const char *type, const void *data, size_t len) {
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)type, 4);
    if (len) crc = (uint32_t)crc32(crc, data, (uInt)len);   /* crc32(c, NULL, 0) is 0 */
    put32(b, (uint32_t)len);
    buf_append(b, type, 4);
    if (len) buf_append(b, data, len);
    put32(b, crc);
}

static void ihdr(struct buf *b, uint32_t w, uint32_t h, int depth, int color, int interlace) {
    uint8_t d[13];
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    buf_append(b, sig, 8);
    d[0] = w >> 24; d[1] = w >> 16; d[2] = w >> 8; d[3] = w;
    d[4] = h >> 24; d[5] = h >> 16; d[6] = h >> 8; d[7] = h;
    d[8] = depth; d[9] = color; d[10] = d[11] = 0; d[12] = interlace;
    chunk(b, "IHDR", d, 13);
}

/* Filtered rows for a w x h image of `rowlen` bytes a row, filter `f`
** on every row, `rows` of them, compressed into one IDAT. */
static void idat_rows(struct buf *b, size_t rowlen, uint32_t rows, int f) {
    size_t n = rows * (rowlen + 1), i;
    uint8_t *raw = calloc(n ? n : 1, 1);
    uLongf zlen = compressBound(n);
    uint8_t *z = malloc(zlen);
    for (i = 0; i < n; i++) raw[i] = (i % (rowlen + 1)) == 0 ? f : (uint8_t)(i * 7);
    compress(z, &zlen, raw, n);
    chunk(b, "IDAT", z, zlen);
    free(raw);
    free(z);
}

/* A valid 16x8 RGB PNG. */
static void good_png(struct buf *b) {
    ihdr(b, 16, 8, 8, 2, 0);
    idat_rows(b, 48, 8, 1);
    chunk(b, "IEND", NULL, 0);
}

/* Probe `b`: expect failure with `want` in the message (NULL: success). */
static void expect(const struct buf *b, uint64_t limit, const char *want, const char *what) {
    struct image_info info;
    struct rc_err err = { 0, "" };
    int rc = image_probe(b->data, b->len, limit, &info, &err);
    if (want == NULL) CHECK_MSG(rc == RC_OK, "%s: refused: %s", what, err.msg);
    else CHECK_MSG(rc != RC_OK && strstr(err.msg, want), "%s: want '%s', got rc %d '%s'", what, want, rc, err.msg);
}

static void test_good(void) {
    struct buf b;
    struct image_info info;
    struct rc_err err = { 0, "" };
    uint8_t plte[12] = { 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255 }, trns[2] = { 0, 128 };
    buf_init(&b);
    good_png(&b);
    CHECK(image_probe(b.data, b.len, 0, &info, &err) == RC_OK);
    CHECK(info.kind == IMAGE_PNG && info.width == 16 && info.height == 8 && info.channels == 3 && info.depth == 8);
    CHECK(info.decoded == 8 * (48 + 1));
    b.len = 0;
    ihdr(&b, 10, 3, 2, 3, 0);             /* 2-bit palette: rows of 3 bytes */
    chunk(&b, "PLTE", plte, 12);
    chunk(&b, "tEXt", "Title\0x", 7);       /* ancillary: allowed */
    idat_rows(&b, 3, 3, 0);
    chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, NULL, "2-bit palette PNG");
    b.len = 0;
    ihdr(&b, 5, 2, 8, 3, 0);
    chunk(&b, "PLTE", plte, 12);
    chunk(&b, "tRNS", trns, 2);
    idat_rows(&b, 5, 2, 4);
    chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, NULL, "8-bit palette PNG with tRNS");
    b.len = 0;
    buf_append(&b, TINY_JPEG, sizeof TINY_JPEG);
    CHECK(image_probe(b.data, b.len, 0, &info, &err) == RC_OK);
    CHECK(info.kind == IMAGE_JPEG && info.width == 8 && info.height == 8 && info.channels == 1);
    buf_free(&b);
}

static void test_png_defects(void) {
    struct buf b, g;
    uint8_t plte[6] = { 0 }, trns[2] = { 0, 0 };
    size_t idat;
    buf_init(&b);
    buf_init(&g);
    good_png(&g);
    idat = 8 + 25;                                   /* where the IDAT chunk starts */

    b.len = 0; buf_append(&b, g.data, g.len - 12);      /* no IEND */
    expect(&b, 0, "no IEND", "missing IEND");
    b.len = 0; buf_append(&b, g.data, idat + 20);       /* cut inside IDAT */
    expect(&b, 0, "truncated IDAT data", "cut IDAT");
    b.len = 0; buf_append(&b, g.data, g.len); b.data[20]++;   /* width, CRC unchanged */
    expect(&b, 0, "bad CRC in IHDR chunk", "bad IHDR CRC");
    b.len = 0; buf_append(&b, g.data, g.len); b.data[g.len - 1] ^= 1;
    expect(&b, 0, "bad CRC in IEND chunk", "bad IEND CRC");

    b.len = 0; ihdr(&b, 16, 8, 8, 2, 0);               /* corrupt zlib, CRC right */
    {
        uint8_t junk[40];
        memset(junk, 0xAB, sizeof junk);
        junk[0] = 0x78; junk[1] = 0x9C; junk[2] = 0x07;    /* reserved block type */
        chunk(&b, "IDAT", junk, sizeof junk);
    }
    chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "bad zlib data in IDAT", "corrupt zlib");

    b.len = 0; ihdr(&b, 16, 8, 8, 2, 0); idat_rows(&b, 48, 7, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "IDAT data too short", "a row missing");
    b.len = 0; ihdr(&b, 16, 8, 8, 2, 0); idat_rows(&b, 48, 9, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "too much IDAT data", "a row too many");
    b.len = 0; ihdr(&b, 16, 8, 8, 2, 0); idat_rows(&b, 48, 8, 7); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "bad filter type 7", "filter 7");
    b.len = 0; ihdr(&b, 16, 8, 8, 2, 0); idat_rows(&b, 48, 8, 0);
    idat_rows(&b, 48, 1, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "data after the end of the IDAT stream", "second stream");
    b.len = 0; ihdr(&b, 16, 8, 8, 2, 0); idat_rows(&b, 48, 8, 0);
    chunk(&b, "tEXt", "a\0b", 3); chunk(&b, "IDAT", "", 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "IDAT chunks not consecutive", "IDAT after tEXt");

    b.len = 0; ihdr(&b, 30000, 30000, 8, 6, 0); idat_rows(&b, 4, 1, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 128u << 20, "too large", "30000x30000 RGBA under a 128 MB limit");
    b.len = 0; ihdr(&b, 0, 8, 8, 2, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "bad size 0x8", "zero width");
    b.len = 0; ihdr(&b, 2000000, 1, 8, 0, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "bad size", "wider than libpng allows");
    b.len = 0; ihdr(&b, 4, 4, 3, 2, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "bad bit depth 3", "3-bit RGB");
    b.len = 0; ihdr(&b, 4, 4, 8, 5, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "bad colour type 5", "colour type 5");
    b.len = 0; ihdr(&b, 4, 4, 16, 2, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "16-bit PNG is not supported", "16-bit");
    b.len = 0; ihdr(&b, 4, 4, 8, 2, 1); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "interlaced PNG is not supported", "interlaced");
    b.len = 0; ihdr(&b, 4, 4, 8, 3, 0); idat_rows(&b, 4, 4, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "without a PLTE", "palette image without PLTE");
    b.len = 0; ihdr(&b, 4, 4, 1, 3, 0); chunk(&b, "PLTE", plte, 6); chunk(&b, "tRNS", trns, 2);
    idat_rows(&b, 1, 4, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "transparent palette image of 1 bits", "1-bit transparent palette");
    b.len = 0; ihdr(&b, 4, 4, 8, 0, 0); chunk(&b, "PLTE", plte, 6); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "PLTE chunk in a greyscale image", "PLTE in greyscale");
    b.len = 0; ihdr(&b, 4, 4, 8, 2, 0); chunk(&b, "ABCD", "x", 1); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "unknown critical chunk 'ABCD'", "unknown critical chunk");
    b.len = 0; ihdr(&b, 4, 4, 8, 2, 0); chunk(&b, "IEND", NULL, 0);
    expect(&b, 0, "no IDAT", "no image data");
    b.len = 0; buf_append(&b, g.data, 8); chunk(&b, "PLTE", plte, 6);
    expect(&b, 0, "not IHDR", "PLTE first");
    b.len = 0; buf_append(&b, g.data, 6);
    expect(&b, 0, "truncated PNG signature", "half a signature");
    b.len = 0; buf_append(&b, "GIF89a....", 10);
    expect(&b, 0, "not a PNG or JPEG", "a GIF");
    buf_free(&b);
    buf_free(&g);
}

/* The offset of JPEG marker `m` in TINY_JPEG. */
static size_t marker_at(uint8_t m) {
    size_t i;
    for (i = 0; i + 1 < sizeof TINY_JPEG; i++)
        if (TINY_JPEG[i] == 0xFF && TINY_JPEG[i + 1] == m) return i;
    return 0;
}

/* TINY_JPEG without the segment of marker `m` (and, for SOS, its scan). */
static void jpeg_without(struct buf *b, uint8_t m) {
    size_t at = marker_at(m), len = 2 + ((size_t)TINY_JPEG[at + 2] << 8 | TINY_JPEG[at + 3]);
    b->len = 0;
    buf_append(b, TINY_JPEG, at);
    if (m == 0xDA) len = marker_at(0xD9) - at;
    buf_append(b, TINY_JPEG + at + len, sizeof TINY_JPEG - at - len);
}

static void test_jpeg_defects(void) {
    struct buf b;
    size_t sos = marker_at(0xDA), sof = marker_at(0xC0), eoi = marker_at(0xD9);
    size_t sos_len = 2 + ((size_t)TINY_JPEG[sos + 2] << 8 | TINY_JPEG[sos + 3]);
    CHECK(sos && sof && eoi);
    buf_init(&b);
    b.len = 0; buf_append(&b, TINY_JPEG, sos + sos_len);      /* SOS then EOI, no scan */
    buf_append(&b, TINY_JPEG + eoi, 2);
    expect(&b, 0, "no scan data", "SOS without scan data");
    jpeg_without(&b, 0xDA);
    expect(&b, 0, "no scan data (SOS)", "no SOS at all");
    b.len = 0; buf_append(&b, TINY_JPEG, eoi);
    expect(&b, 0, "no end of image", "no EOI");
    jpeg_without(&b, 0xDB);
    expect(&b, 0, "no quantisation table", "no DQT");
    jpeg_without(&b, 0xC0);
    expect(&b, 0, "before the frame header", "no SOF");
    b.len = 0; buf_append(&b, TINY_JPEG, sizeof TINY_JPEG);
    b.data[sof + 5] = 0; b.data[sof + 6] = 0;               /* height 0 */
    expect(&b, 0, "bad size", "zero height");
    b.len = 0; buf_append(&b, TINY_JPEG, sizeof TINY_JPEG);
    b.data[sof + 1] = 0xC3;
    expect(&b, 0, "unsupported JPEG coding (SOF3", "lossless JPEG");
    b.len = 0; buf_append(&b, TINY_JPEG, sizeof TINY_JPEG);
    b.data[sof + 4] = 12;
    expect(&b, 0, "12-bit JPEG samples", "12-bit JPEG");
    b.len = 0; buf_append(&b, TINY_JPEG, sizeof TINY_JPEG);
    b.data[sof + 5] = 0xFF; b.data[sof + 6] = 0xFF; b.data[sof + 7] = 0xFF; b.data[sof + 8] = 0xFF;
    expect(&b, 1u << 20, "too large", "65535x65535 JPEG under a 1 MB limit");
    {   /* no DHT: both tables removed */
        struct buf c;
        buf_init(&c);
        jpeg_without(&b, 0xC4);
        c.len = 0;
        {
            size_t at, i;
            for (at = 0, i = 0; i + 1 < b.len; i++) if (b.data[i] == 0xFF && b.data[i + 1] == 0xC4) { at = i; break; }
            CHECK(at != 0);
            buf_append(&c, b.data, at);
            buf_append(&c, b.data + at + 2 + ((size_t)b.data[at + 2] << 8 | b.data[at + 3]),
                       b.len - at - 2 - ((size_t)b.data[at + 2] << 8 | b.data[at + 3]));
        }
        expect(&c, 0, "no Huffman tables", "no DHT");
        buf_free(&c);
    }
    buf_free(&b);
}

/* No prefix of a valid file passes, and no single flipped byte of the
** PNG does (every byte is covered by a CRC or the signature); none
** crashes.  The JPEG's bytes are not all checked (scan data), so it is
** only run for crashes. */
static void test_mutations(void) {
    struct buf g;
    struct image_info info;
    struct rc_err err;
    size_t i, bad_prefix = 0, bad_flip = 0;
    buf_init(&g);
    good_png(&g);
    for (i = 0; i < g.len; i++) {
        if (image_probe(g.data, i, 0, &info, &err) == RC_OK) bad_prefix++;
        g.data[i] ^= 0x10;
        if (image_probe(g.data, g.len, 0, &info, &err) == RC_OK) bad_flip++;
        g.data[i] ^= 0x10;
    }
    CHECK_MSG(bad_prefix == 0, "%zu PNG prefixes accepted", bad_prefix);
    CHECK_MSG(bad_flip == 0, "%zu PNG byte flips accepted", bad_flip);
    bad_prefix = 0;
    for (i = 0; i < sizeof TINY_JPEG; i++) {
        uint8_t copy[sizeof TINY_JPEG];
        if (image_probe(TINY_JPEG, i, 0, &info, &err) == RC_OK) bad_prefix++;
        memcpy(copy, TINY_JPEG, sizeof copy);
        copy[i] ^= 0xFF;
        (void)image_probe(copy, sizeof copy, 0, &info, &err);
    }
    CHECK_MSG(bad_prefix == 0, "%zu JPEG prefixes accepted", bad_prefix);
    buf_free(&g);
}

int main(void) {
    test_good();
    test_png_defects();
    test_jpeg_defects();
    test_mutations();
    return CHECK_DONE();
}

/*
** image.c: reading a PNG's or JPEG's pixel size, so layout can scale an
** image without decoding it (the PDF backend embeds the file as it is).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doc.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../base/rc.h"

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p) {
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* PNG: the IHDR chunk comes first (PNG spec 5.6). */
static int png_size(FILE *f, int *w, int *h) {
    unsigned char b[24];
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    if (fread(b, 1, 24, f) != 24 || memcmp(b, sig, 8) != 0 || memcmp(b + 12, "IHDR", 4) != 0) return -1;
    *w = (int)be32(b + 16);
    *h = (int)be32(b + 20);
    return 0;
}

/* JPEG: walk the markers to the first start-of-frame (SOF0..SOF15 less
** DHT, JPG and DAC). */
static int jpeg_size(FILE *f, int *w, int *h) {
    unsigned char b[8];
    if (fread(b, 1, 2, f) != 2 || b[0] != 0xFF || b[1] != 0xD8) return -1;
    for (;;) {
        unsigned len;
        if (fread(b, 1, 4, f) != 4 || b[0] != 0xFF) return -1;
        len = be16(b + 2);
        if (b[1] >= 0xC0 && b[1] <= 0xCF && b[1] != 0xC4 && b[1] != 0xC8 && b[1] != 0xCC) {
            if (fread(b, 1, 5, f) != 5) return -1;
            *h = (int)be16(b + 1);
            *w = (int)be16(b + 3);
            return 0;
        }
        if (len < 2 || fseek(f, (long)len - 2, SEEK_CUR) != 0) return -1;
    }
}

int doc_image_open(const char *path, float width, const char *caption,
                   struct doc_image **out, struct rc_err *err) {
    unsigned char magic[2];
    struct doc_image *img;
    struct stat st;
    FILE *f;
    int w = 0, h = 0, jpeg, bad, rc;
    if ((rc = fs_fopen_input(path, "the image", &f, &st, err)) != RC_OK) return rc;
    if (fread(magic, 1, 2, f) != 2) magic[0] = 0;
    rewind(f);
    jpeg = magic[0] == 0xFF;
    bad = jpeg ? jpeg_size(f, &w, &h) : png_size(f, &w, &h);
    fclose(f);
    if (bad || w <= 0 || h <= 0)
        return rc_fail(err, RC_DATA, "%s: not a PNG or JPEG image this build can read", path);
    img = xcalloc(1, sizeof *img, "an image");
    img->path = xstrdup(path, "an image path");
    img->caption = caption ? xstrdup(caption, "an image caption") : NULL;
    img->kind = jpeg ? DOC_JPEG : DOC_PNG;
    img->px_width = w;
    img->px_height = h;
    img->width = width;
    *out = img;
    return RC_OK;
}

/*
** image.h: checking a PNG or JPEG completely before the PDF backend sees
** it.
**
** libharu hands PNGs to libpng with an error handler that returns, so a
** defect libpng finds (a truncated or corrupt IDAT stream, a bad CRC, a
** bad filter byte, even a warning about an ancillary chunk) aborts the
** process or fails the build with an error number; it embeds JPEGs
** without looking past the frame header.  So every image is validated
** here, as bytes, before it is used: PNG signature, chunk structure and
** lengths, every CRC, IHDR, PLTE and tRNS, the whole IDAT stream inflated
** to its end with its exact size and each row's filter byte; JPEG markers
** and segment lengths, one supported frame, the tables the scans use, scan
** data and EOI.  What libharu cannot embed correctly (16-bit PNGs,
** transparent palettes under 8 bits, interlaced PNGs) is refused by name.
** A PNG reaches libharu as its critical chunks plus tRNS only: ancillary
** chunks (iCCP, gAMA, text...) do not change the PDF and are where
** libpng's warnings come from.
*/
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "../base/rc.h"

enum image_kind { IMAGE_PNG = 1, IMAGE_JPEG };

struct image_info {
    enum image_kind kind;
    uint32_t width, height;   /* pixels */
    int channels;             /* samples per pixel (PNG palette: 1) */
    int depth;                /* bits per sample */
    uint64_t decoded;         /* bytes of pixel data once decoded */
};

/* Validate `len` bytes as a PNG or JPEG whose decoded pixel data may take
** at most `max_decoded` bytes.  RC_OK with *out filled, or RC_DATA with
** the defect in err ("truncated IDAT data", "bad CRC in PLTE chunk"). */
int image_probe(const uint8_t *data, size_t len, uint64_t max_decoded,
                struct image_info *out, struct rc_err *err);

/* An image file read, validated and ready for the backend. */
struct image_data {
    struct image_info info;
    uint8_t *bytes;           /* owned: the PNG's kept chunks, or the JPEG */
    size_t len;
};

/* Read `path` (a regular file) and validate it; errors read
** "image 'NAME': defect", with `name` as the script gave it. */
int image_load(const char *path, const char *name, uint64_t max_decoded,
               struct image_data *out, struct rc_err *err);
void image_data_free(struct image_data *d);

#endif

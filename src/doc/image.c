/*
** image.c: validating PNG and JPEG files (see image.h), and the image
** block a script adds with doc:image.
**
** Written here rather than by decoding with libpng/libjpeg: the check must
** never abort or print, must bound its memory (it inflates into a small
** buffer and keeps nothing), and must refuse exactly what libharu would
** mishandle, which no decoder knows.  zlib does the inflating and CRCs.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "doc.h"
#include "image.h"
#include "../base/buf.h"
#include "../base/mem.h"

/* libpng's default user limit on width and height. */
#define PNG_MAX_SIDE 1000000u

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* ---- PNG ----------------------------------------------------------------- */

static const uint8_t PNG_SIG[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

/* Adam7: first column and row, column and row step of each pass. */
static const uint8_t ADAM7[7][4] = {
    { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 },
    { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 },
};

struct png_ihdr {
    uint32_t width, height;
    int depth, color, interlace, channels;
};

/* Where the next inflated byte of the IDAT stream falls: the pass, the
** rows left in it, the length of one of its rows (filter byte included)
** and the offset in the current row. */
struct png_rows {
    const struct png_ihdr *h;
    int pass, npasses;
    uint32_t rows_left;
    uint64_t row_len, at, row;
};

static void pass_size(const struct png_ihdr *h, int pass, uint32_t *w, uint32_t *ht) {
    if (!h->interlace) { *w = h->width; *ht = h->height; return; }
    *w = h->width > ADAM7[pass][0] ? (h->width - ADAM7[pass][0] + ADAM7[pass][2] - 1) / ADAM7[pass][2] : 0;
    *ht = h->height > ADAM7[pass][1] ? (h->height - ADAM7[pass][1] + ADAM7[pass][3] - 1) / ADAM7[pass][3] : 0;
}

static uint64_t row_bytes(const struct png_ihdr *h, uint32_t w) {
    return ((uint64_t)w * (uint64_t)h->channels * (uint64_t)h->depth + 7) / 8;
}

/* Bytes of the filtered image data: every pass's rows, each with its
** filter byte. */
static uint64_t png_stream_size(const struct png_ihdr *h) {
    uint64_t total = 0;
    int p;
    for (p = 0; p < (h->interlace ? 7 : 1); p++) {
        uint32_t w, ht;
        pass_size(h, p, &w, &ht);
        if (w && ht) total += (uint64_t)ht * (row_bytes(h, w) + 1);
    }
    return total;
}

/* Move to the next pass that has pixels; 0 when none is left. */
static int rows_next_pass(struct png_rows *r) {
    while (++r->pass < r->npasses) {
        uint32_t w, ht;
        pass_size(r->h, r->pass, &w, &ht);
        if (w && ht) {
            r->rows_left = ht;
            r->row_len = row_bytes(r->h, w) + 1;
            r->at = 0;
            return 1;
        }
    }
    return 0;
}

/* Account for `n` inflated bytes; checks each row's filter type. */
static int rows_take(struct png_rows *r, const uint8_t *p, size_t n, struct rc_err *err) {
    while (n > 0) {
        uint64_t step;
        if (r->pass >= r->npasses) return rc_fail(err, RC_DATA, "too much IDAT data for a %ux%u image", r->h->width, r->h->height);
        if (r->at == 0 && *p > 4)
            return rc_fail(err, RC_DATA, "bad filter type %u in row %llu of the IDAT data",
                           *p, (unsigned long long)r->row);
        step = r->row_len - r->at;
        if (step > n) step = n;
        r->at += step;
        p += step;
        n -= (size_t)step;
        if (r->at == r->row_len) {
            r->at = 0;
            r->row++;
            if (--r->rows_left == 0) rows_next_pass(r);
        }
    }
    return RC_OK;
}

static int check_ihdr(const uint8_t *d, uint32_t len, uint64_t max_decoded, struct png_ihdr *h,
                      struct image_info *out, struct rc_err *err) {
    static const int channels[7] = { 1, 0, 3, 1, 2, 0, 4 };
    int ok_depth;
    if (len != 13) return rc_fail(err, RC_DATA, "IHDR chunk of %u bytes, not 13", len);
    h->width = be32(d);
    h->height = be32(d + 4);
    h->depth = d[8];
    h->color = d[9];
    h->interlace = d[12];
    if (h->width == 0 || h->height == 0 || h->width > PNG_MAX_SIDE || h->height > PNG_MAX_SIDE)
        return rc_fail(err, RC_DATA, "bad size %ux%u pixels", h->width, h->height);
    if (h->color > 6 || channels[h->color] == 0)
        return rc_fail(err, RC_DATA, "bad colour type %d", h->color);
    ok_depth = h->color == 0 ? (h->depth == 1 || h->depth == 2 || h->depth == 4 || h->depth == 8 || h->depth == 16)
             : h->color == 3 ? (h->depth == 1 || h->depth == 2 || h->depth == 4 || h->depth == 8)
             : (h->depth == 8 || h->depth == 16);
    if (!ok_depth) return rc_fail(err, RC_DATA, "bad bit depth %d for colour type %d", h->depth, h->color);
    if (d[10] != 0 || d[11] != 0 || h->interlace > 1)
        return rc_fail(err, RC_DATA, "unknown compression, filter or interlace method");
    /* libharu writes 16-bit samples stripped to 8 but declares 16 bits. */
    if (h->depth == 16)
        return rc_fail(err, RC_DATA, "16-bit PNG is not supported (save it with 8 bits per channel)");
    if (h->interlace)
        return rc_fail(err, RC_DATA, "interlaced PNG is not supported (save it without interlacing)");
    h->channels = channels[h->color];
    out->kind = IMAGE_PNG;
    out->width = h->width;
    out->height = h->height;
    out->channels = h->channels;
    out->depth = h->depth;
    out->decoded = png_stream_size(h);
    if (max_decoded && out->decoded > max_decoded)
        return rc_fail(err, RC_DATA, "image of %ux%u pixels too large: %llu MB decoded, the limit is %llu MB",
                       h->width, h->height, (unsigned long long)(out->decoded >> 20),
                       (unsigned long long)(max_decoded >> 20));
    return RC_OK;
}

struct png_check {
    struct png_ihdr h;
    struct png_rows rows;
    z_stream z;
    int z_open, z_done;
    uint32_t palette;          /* PLTE entries */
    int seen_idat, idat_over, seen_trns;
    struct buf *keep;          /* the chunks kept for the backend, or NULL */
    uint8_t out[16384];
};

static int inflate_idat(struct png_check *c, const uint8_t *d, uint32_t len, struct rc_err *err) {
    int zrc, rc;
    if (c->z_done) {
        if (len == 0) return RC_OK;
        return rc_fail(err, RC_DATA, "data after the end of the IDAT stream");
    }
    c->z.next_in = (Bytef *)d;
    c->z.avail_in = len;
    for (;;) {
        c->z.next_out = c->out;
        c->z.avail_out = sizeof c->out;
        zrc = inflate(&c->z, Z_NO_FLUSH);
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
            return rc_fail(err, RC_DATA, "bad zlib data in IDAT: %s",
                           c->z.msg ? c->z.msg : zrc == Z_NEED_DICT ? "needs a preset dictionary" : "corrupt stream");
        if ((rc = rows_take(&c->rows, c->out, sizeof c->out - c->z.avail_out, err)) != RC_OK) return rc;
        if (zrc == Z_STREAM_END || zrc == Z_BUF_ERROR) break;
        if (c->z.avail_in == 0 && c->z.avail_out != 0) break;    /* wants the next IDAT */
    }
    if (zrc == Z_STREAM_END) {
        c->z_done = 1;
        if (c->z.avail_in > 0) return rc_fail(err, RC_DATA, "data after the end of the IDAT stream");
        if (c->rows.pass < c->rows.npasses)
            return rc_fail(err, RC_DATA, "IDAT data too short: the image ends at row %llu of %u",
                           (unsigned long long)c->rows.row, c->h.height);
    }
    return RC_OK;
}

static void keep_chunk(struct png_check *c, const uint8_t *chunk, uint32_t len) {
    if (c->keep) buf_append(c->keep, chunk, (size_t)len + 12);
}

static int check_plte(struct png_check *c, uint32_t len, struct rc_err *err) {
    if (c->palette) return rc_fail(err, RC_DATA, "more than one PLTE chunk");
    if (c->seen_idat) return rc_fail(err, RC_DATA, "PLTE chunk after the image data");
    if (c->h.color == 0 || c->h.color == 4) return rc_fail(err, RC_DATA, "PLTE chunk in a greyscale image");
    if (len == 0 || len % 3 != 0 || len / 3 > 256) return rc_fail(err, RC_DATA, "PLTE chunk of %u bytes", len);
    if (c->h.color == 3 && len / 3 > (1u << c->h.depth))
        return rc_fail(err, RC_DATA, "%u palette entries for a %d-bit image", len / 3, c->h.depth);
    c->palette = len / 3;
    return RC_OK;
}

/* tRNS matters to libharu only for palette images; elsewhere it is
** dropped with the other ancillary chunks. */
static int check_trns(struct png_check *c, uint32_t len, struct rc_err *err) {
    if (c->h.color != 3) return RC_OK;
    if (c->seen_trns) return rc_fail(err, RC_DATA, "more than one tRNS chunk");
    if (c->palette == 0 || c->seen_idat) return rc_fail(err, RC_DATA, "tRNS chunk out of place");
    if (len == 0 || len > c->palette) return rc_fail(err, RC_DATA, "tRNS chunk of %u bytes for %u colours", len, c->palette);
    /* libharu reads transparent palettes as one byte a pixel. */
    if (c->h.depth != 8)
        return rc_fail(err, RC_DATA, "transparent palette image of %d bits is not supported (save it with 8 bits)", c->h.depth);
    c->seen_trns = 1;
    return RC_OK;
}

static int chunk_type_ok(const uint8_t *t) {
    int i;
    for (i = 0; i < 4; i++)
        if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z'))) return 0;
    return 1;
}

/* One chunk after IHDR.  Returns RC_OK, or 1 for IEND. */
static int png_chunk(struct png_check *c, const uint8_t *chunk, uint32_t len, struct rc_err *err) {
    const uint8_t *type = chunk + 4, *d = chunk + 8;
    char name[5];
    int rc;
    memcpy(name, type, 4);
    name[4] = '\0';
    if (memcmp(type, "IDAT", 4) == 0) {
        if (c->idat_over) return rc_fail(err, RC_DATA, "IDAT chunks not consecutive");
        if (c->h.color == 3 && c->palette == 0) return rc_fail(err, RC_DATA, "palette image without a PLTE chunk");
        c->seen_idat = 1;
        keep_chunk(c, chunk, len);
        return inflate_idat(c, d, len, err);
    }
    if (c->seen_idat) c->idat_over = 1;
    if (memcmp(type, "IEND", 4) == 0) {
        if (len != 0) return rc_fail(err, RC_DATA, "IEND chunk of %u bytes", len);
        keep_chunk(c, chunk, len);
        return 1;
    }
    if (memcmp(type, "IHDR", 4) == 0) return rc_fail(err, RC_DATA, "more than one IHDR chunk");
    if (memcmp(type, "PLTE", 4) == 0) {
        if ((rc = check_plte(c, len, err)) != RC_OK) return rc;
        keep_chunk(c, chunk, len);
        return RC_OK;
    }
    if (!(type[0] & 0x20)) return rc_fail(err, RC_DATA, "unknown critical chunk '%s'", name);
    if (memcmp(type, "tRNS", 4) == 0) {
        if ((rc = check_trns(c, len, err)) != RC_OK) return rc;
        if (c->h.color == 3) keep_chunk(c, chunk, len);
    }
    return RC_OK;
}

/* The chunk at `p` (of `left` bytes): its length, after checking that it
** is all there and its CRC matches. */
static int png_chunk_at(const uint8_t *p, size_t left, uint32_t *len, struct rc_err *err) {
    char name[5];
    uint32_t crc;
    if (left < 12) return rc_fail(err, RC_DATA, "truncated file: a chunk header is cut off");
    *len = be32(p);
    memcpy(name, p + 4, 4);
    name[4] = '\0';
    if (!chunk_type_ok(p + 4)) return rc_fail(err, RC_DATA, "bad chunk type");
    if (*len > 0x7fffffffu) return rc_fail(err, RC_DATA, "%s chunk length %u too large", name, *len);
    if ((size_t)*len + 12 > left) {
        if (memcmp(name, "IDAT", 4) == 0) return rc_fail(err, RC_DATA, "truncated IDAT data");
        return rc_fail(err, RC_DATA, "truncated %s chunk", name);
    }
    crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), p + 4, *len + 4);
    if (crc != be32(p + 8 + *len)) return rc_fail(err, RC_DATA, "bad CRC in %s chunk", name);
    return RC_OK;
}

static int png_walk(struct png_check *c, const uint8_t *data, size_t len, uint64_t max_decoded,
                    struct image_info *out, struct rc_err *err) {
    size_t at = 8;
    uint32_t n;
    int rc;
    if ((rc = png_chunk_at(data + at, len - at, &n, err)) != RC_OK) return rc;
    if (memcmp(data + at + 4, "IHDR", 4) != 0) return rc_fail(err, RC_DATA, "the first chunk is not IHDR");
    if ((rc = check_ihdr(data + at + 8, n, max_decoded, &c->h, out, err)) != RC_OK) return rc;
    if (c->keep) buf_append(c->keep, data, at + n + 12);
    c->rows.h = &c->h;
    c->rows.npasses = c->h.interlace ? 7 : 1;
    c->rows.pass = -1;
    rows_next_pass(&c->rows);
    if (inflateInit(&c->z) != Z_OK) return rc_fail(err, RC_NOMEM, "cannot start zlib");
    c->z_open = 1;
    for (at += (size_t)n + 12;; at += (size_t)n + 12) {
        if (at == len) return rc_fail(err, RC_DATA, c->seen_idat && !c->z_done ? "truncated IDAT data"
                                                   : "truncated file: no IEND chunk");
        if ((rc = png_chunk_at(data + at, len - at, &n, err)) != RC_OK) return rc;
        rc = png_chunk(c, data + at, n, err);
        if (rc == 1) break;
        if (rc != RC_OK) return rc;
    }
    if (!c->seen_idat) return rc_fail(err, RC_DATA, "no IDAT chunk");
    if (!c->z_done) return rc_fail(err, RC_DATA, "truncated IDAT data");
    return RC_OK;
}

static int png_probe(const uint8_t *data, size_t len, uint64_t max_decoded, struct buf *keep,
                     struct image_info *out, struct rc_err *err) {
    struct png_check *c = xcalloc(1, sizeof *c, "the PNG check");
    int rc;
    c->keep = keep;
    rc = png_walk(c, data, len, max_decoded, out, err);
    if (c->z_open) inflateEnd(&c->z);
    free(c);
    return rc;
}

/* ---- JPEG ---------------------------------------------------------------- */

struct jpeg_check {
    int frame;                 /* a SOF seen */
    int ncomp, comp_id[4], comp_q[4];
    unsigned dqt, dht_dc, dht_ac;   /* bit masks of the tables defined */
    int scans;
};

static int jpeg_sof(struct jpeg_check *j, unsigned marker, const uint8_t *s, unsigned len,
                    uint64_t max_decoded, struct image_info *out, struct rc_err *err) {
    int i;
    if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2)
        return rc_fail(err, RC_DATA, "unsupported JPEG coding (SOF%u: lossless, hierarchical or arithmetic)",
                       marker - 0xC0);
    if (j->frame) return rc_fail(err, RC_DATA, "more than one JPEG frame (SOF)");
    if (len < 6) return rc_fail(err, RC_DATA, "short SOF segment");
    if (s[0] != 8) return rc_fail(err, RC_DATA, "%u-bit JPEG samples are not supported (8 bits)", s[0]);
    out->height = be16(s + 1);
    out->width = be16(s + 3);
    j->ncomp = s[5];
    if (out->width == 0 || out->height == 0)
        return rc_fail(err, RC_DATA, "bad size %ux%u pixels", out->width, out->height);
    if (j->ncomp != 1 && j->ncomp != 3 && j->ncomp != 4)
        return rc_fail(err, RC_DATA, "%d colour components (1, 3 or 4 are supported)", j->ncomp);
    if (len != 6 + 3u * (unsigned)j->ncomp) return rc_fail(err, RC_DATA, "SOF segment of %u bytes", len);
    for (i = 0; i < j->ncomp; i++) {
        const uint8_t *c = s + 6 + 3 * i;
        unsigned hs = c[1] >> 4, vs = c[1] & 15;
        if (hs < 1 || hs > 4 || vs < 1 || vs > 4 || c[2] > 3)
            return rc_fail(err, RC_DATA, "bad sampling or table in component %d of SOF", i + 1);
        j->comp_id[i] = c[0];
        j->comp_q[i] = c[2];
    }
    j->frame = 1;
    out->kind = IMAGE_JPEG;
    out->channels = j->ncomp;
    out->depth = 8;
    out->decoded = (uint64_t)out->width * out->height * (uint64_t)j->ncomp;
    if (max_decoded && out->decoded > max_decoded)
        return rc_fail(err, RC_DATA, "image of %ux%u pixels too large: %llu MB decoded, the limit is %llu MB",
                       out->width, out->height, (unsigned long long)(out->decoded >> 20),
                       (unsigned long long)(max_decoded >> 20));
    return RC_OK;
}

static int jpeg_dqt(struct jpeg_check *j, const uint8_t *s, unsigned len, struct rc_err *err) {
    unsigned at = 0;
    while (at < len) {
        unsigned pq = s[at] >> 4, tq = s[at] & 15, size = pq ? 128 : 64;
        if (pq > 1 || tq > 3 || at + 1 + size > len) return rc_fail(err, RC_DATA, "bad DQT segment");
        j->dqt |= 1u << tq;
        at += 1 + size;
    }
    return RC_OK;
}

static int jpeg_dht(struct jpeg_check *j, const uint8_t *s, unsigned len, struct rc_err *err) {
    unsigned at = 0;
    while (at < len) {
        unsigned tc, th, count = 0, i;
        if (at + 17 > len) return rc_fail(err, RC_DATA, "bad DHT segment");
        tc = s[at] >> 4;
        th = s[at] & 15;
        for (i = 1; i <= 16; i++) count += s[at + i];
        if (tc > 1 || th > 3 || count > 256 || at + 17 + count > len)
            return rc_fail(err, RC_DATA, "bad DHT segment");
        if (tc == 0) j->dht_dc |= 1u << th;
        else j->dht_ac |= 1u << th;
        at += 17 + count;
    }
    return RC_OK;
}

static int jpeg_sos(struct jpeg_check *j, const uint8_t *s, unsigned len, struct rc_err *err) {
    unsigned ns, i, k;
    if (!j->frame) return rc_fail(err, RC_DATA, "scan (SOS) before the frame header (SOF)");
    if (len < 1) return rc_fail(err, RC_DATA, "short SOS segment");
    ns = s[0];
    if (ns < 1 || ns > 4 || len != 4 + 2 * ns) return rc_fail(err, RC_DATA, "bad SOS segment");
    for (i = 0; i < ns; i++) {
        unsigned id = s[1 + 2 * i], td = s[2 + 2 * i] >> 4, ta = s[2 + 2 * i] & 15;
        for (k = 0; k < (unsigned)j->ncomp && (unsigned)j->comp_id[k] != id; k++) {}
        if (k == (unsigned)j->ncomp) return rc_fail(err, RC_DATA, "scan names component %u, not in the frame", id);
        if (!(j->dqt & (1u << j->comp_q[k])))
            return rc_fail(err, RC_DATA, "no quantisation table (DQT) %d", j->comp_q[k]);
        if (td > 3 || ta > 3 || (!(j->dht_dc & (1u << td)) && !(j->dht_ac & (1u << ta))))
            return rc_fail(err, RC_DATA, "no Huffman tables (DHT) for the scan");
    }
    j->scans++;
    return RC_OK;
}

/* Entropy-coded data after an SOS header at data[at]: up to a marker
** other than a stuffed 0xFF00 or a restart.  Returns where it ends. */
static size_t jpeg_scan_end(const uint8_t *data, size_t len, size_t at) {
    while (at + 1 < len) {
        if (data[at] == 0xFF) {
            uint8_t m = data[at + 1];
            if (m != 0x00 && !(m >= 0xD0 && m <= 0xD7) && m != 0xFF) return at;
            at += m == 0xFF ? 1 : 2;
        } else {
            at++;
        }
    }
    return len;
}

static int jpeg_probe(const uint8_t *data, size_t len, uint64_t max_decoded,
                      struct image_info *out, struct rc_err *err) {
    struct jpeg_check j;
    size_t at = 2;
    int rc;
    memset(&j, 0, sizeof j);
    for (;;) {
        unsigned marker, seg;
        while (at < len && data[at] == 0xFF && at + 1 < len && data[at + 1] == 0xFF) at++;  /* fill */
        if (at + 2 > len) return rc_fail(err, RC_DATA, "truncated JPEG: no end of image (EOI)");
        if (data[at] != 0xFF) return rc_fail(err, RC_DATA, "bad JPEG marker at byte %zu", at);
        marker = data[at + 1];
        at += 2;
        if (marker == 0xD9) break;                                  /* EOI */
        if (marker == 0xD8 || marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7))
            return rc_fail(err, RC_DATA, "unexpected JPEG marker 0x%02X at byte %zu", marker, at - 2);
        if (marker == 0x01) continue;                               /* TEM */
        if (at + 2 > len) return rc_fail(err, RC_DATA, "truncated JPEG segment");
        seg = be16(data + at);
        if (seg < 2 || at + seg > len) return rc_fail(err, RC_DATA, "truncated JPEG segment (marker 0x%02X)", marker);
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            rc = jpeg_sof(&j, marker, data + at + 2, seg - 2, max_decoded, out, err);
        else if (marker == 0xDB) rc = jpeg_dqt(&j, data + at + 2, seg - 2, err);
        else if (marker == 0xC4) rc = jpeg_dht(&j, data + at + 2, seg - 2, err);
        else if (marker == 0xDA) rc = jpeg_sos(&j, data + at + 2, seg - 2, err);
        else if (marker == 0xDD) rc = seg == 4 ? RC_OK : rc_fail(err, RC_DATA, "bad DRI segment");
        else rc = RC_OK;                                            /* APPn, COM, ... */
        if (rc != RC_OK) return rc;
        at += seg;
        if (marker == 0xDA) {
            size_t end = jpeg_scan_end(data, len, at);
            if (end == at) return rc_fail(err, RC_DATA, "no scan data after SOS");
            if (end >= len) return rc_fail(err, RC_DATA, "truncated scan data: no end of image (EOI)");
            at = end;
        }
    }
    if (!j.frame) return rc_fail(err, RC_DATA, "no frame header (SOF)");
    if (j.scans == 0) return rc_fail(err, RC_DATA, "no scan data (SOS)");
    return RC_OK;
}

/* ---- the interface -------------------------------------------------------- */

static int probe_into(const uint8_t *data, size_t len, uint64_t max_decoded, struct buf *keep,
                      struct image_info *out, struct rc_err *err) {
    memset(out, 0, sizeof *out);
    if (len >= 8 && memcmp(data, PNG_SIG, 8) == 0) return png_probe(data, len, max_decoded, keep, out, err);
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return jpeg_probe(data, len, max_decoded, out, err);
    if (len >= 4 && memcmp(data, PNG_SIG, len < 8 ? len : 8) == 0)
        return rc_fail(err, RC_DATA, "truncated PNG signature");
    return rc_fail(err, RC_DATA, "not a PNG or JPEG image");
}

int image_probe(const uint8_t *data, size_t len, uint64_t max_decoded,
                struct image_info *out, struct rc_err *err) {
    return probe_into(data, len, max_decoded, NULL, out, err);
}

static int read_regular(const char *path, const char *name, uint64_t max_len, uint8_t **out,
                        size_t *len, struct rc_err *err) {
    struct stat st;
    size_t got = 0;
    uint8_t *p;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return rc_fail(err, RC_IO, "image '%s': %s", name, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return rc_fail(err, RC_IO, "image '%s': not a regular file", name);
    }
    if (max_len && (uint64_t)st.st_size > max_len) {
        close(fd);
        return rc_fail(err, RC_DATA, "image '%s': file of %lld MB larger than the memory limit allows",
                       name, (long long)(st.st_size >> 20));
    }
    p = xmalloc((size_t)st.st_size, "an image file");
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, p + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = n < 0 ? errno : 0;
            free(p);
            close(fd);
            return rc_fail(err, RC_IO, "image '%s': %s", name, e ? strerror(e) : "file shrank while read");
        }
        got += (size_t)n;
    }
    close(fd);
    *out = p;
    *len = got;
    return RC_OK;
}

int image_load(const char *path, const char *name, uint64_t max_decoded,
               struct image_data *out, struct rc_err *err) {
    struct buf keep;
    uint8_t *file = NULL;
    size_t len = 0;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = read_regular(path, name, max_decoded, &file, &len, err)) != RC_OK) return rc;
    buf_init(&keep);
    rc = probe_into(file, len, max_decoded, &keep, &out->info, err);
    if (rc != RC_OK) {
        char defect[sizeof err->msg];
        snprintf(defect, sizeof defect, "%s", err->msg);
        rc_fail(err, rc, "image '%s': %s", name, defect);
        buf_free(&keep);
        free(file);
        return rc;
    }
    if (out->info.kind == IMAGE_PNG) {
        free(file);
        out->bytes = (uint8_t *)keep.data;
        out->len = keep.len;
    } else {
        buf_free(&keep);
        out->bytes = file;
        out->len = len;
    }
    return RC_OK;
}

void image_data_free(struct image_data *d) {
    free(d->bytes);
    d->bytes = NULL;
    d->len = 0;
}

/* ---- the document's image block ---------------------------------------- */

int doc_image_open(const char *path, const char *name, uint64_t max_decoded, float width,
                   const char *caption, struct doc_image **out, struct rc_err *err) {
    struct image_data data;
    struct doc_image *img;
    int rc = image_load(path, name, max_decoded, &data, err);
    if (rc != RC_OK) return rc;
    image_data_free(&data);
    img = xcalloc(1, sizeof *img, "an image");
    img->path = xstrdup(path, "an image path");
    img->caption = caption ? xstrdup(caption, "an image caption") : NULL;
    img->kind = data.info.kind == IMAGE_JPEG ? DOC_JPEG : DOC_PNG;
    img->px_width = (int)data.info.width;
    img->px_height = (int)data.info.height;
    img->width = width;
    *out = img;
    return RC_OK;
}

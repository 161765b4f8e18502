/*
** fuzz_font.c: the TrueType reader (src/font/ttf.c) and the subsetter
** (src/font/subset.c) on hostile font files.
**
** The input is the font file.  Faces 0 and 1 are opened (1 matters for a
** collection); an open face is exercised as layout and the PDF backend do:
** cmap lookups, advances, glyph data, a few tables, and a subset of some
** glyphs.  A subset the writer accepts must read back with the same glyph
** count (a TrueType subset through ttf_open, a CFF face's bare CID-keyed
** CFF through cff_open): a font we embed that we cannot read ourselves is
** a bug even when no sanitizer fires.
*/
#include "memfile.h"   /* first: it defines _GNU_SOURCE */
#include <string.h>
#include "../../src/font/cff.h"
#include "../../src/font/subset.h"
#include "../../src/font/ttf.h"

static const uint32_t probe_cps[] = {
    0x20, 0x30, 0x41, 0x61, 0x7E, 0xA0, 0x2014, 0x2026, 0x3000, 0x3001, 0x300C, 0x4E00,
    0x4E2D, 0x6587, 0x9FA5, 0xFF08, 0xFFFD, 0xFFFF, 0x10000, 0x20000, 0x10FFFF, 0x110000
};

/* A CFF face's subset is a bare CFF table: it must parse with as many
** glyphs. */
static void check_cff_subset(struct font_subset *s, const struct buf *out) {
    struct cff_font *back = NULL;
    struct rc_err err;
    if (cff_open(out->data, out->len, "subset", &back, &err) != RC_OK) {
        fprintf(stderr, "our own CFF subset does not read back: %s\n", err.msg);
        abort();
    }
    if (cff_num_glyphs(back) != font_subset_count(s)) abort();
    cff_close(back);
}

/* Write the subset and read it back: it must open with as many glyphs. */
static void check_subset(struct font_subset *s, int cff) {
    struct rc_err err;
    struct buf out;
    int rc;
    buf_init(&out);
    rc = font_subset_write(s, &out, &err);
    if (rc == RC_OK && cff) {
        check_cff_subset(s, &out);
    } else if (rc == RC_OK) {
        static int fd = -1;
        char path[64];
        struct ttf_font *back = NULL;
        size_t done = 0;
        if (fd < 0 && (fd = memfd_create("fuzz-subset", MFD_CLOEXEC)) < 0) abort();
        if (ftruncate(fd, 0) != 0) abort();
        while (done < out.len) {
            ssize_t n = pwrite(fd, out.data + done, out.len - done, (off_t)done);
            if (n <= 0) abort();
            done += (size_t)n;
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (ttf_open(path, 0, &back, &err) != RC_OK) {
            fprintf(stderr, "our own subset does not read back: %s\n", err.msg);
            abort();
        }
        if (ttf_num_glyphs(back) != font_subset_count(s)) {
            fprintf(stderr, "subset has %u glyphs, wrote %u\n", ttf_num_glyphs(back),
                    font_subset_count(s));
            abort();
        }
        ttf_close(back);
    }
    buf_free(&out);
}

static void exercise(struct ttf_font *f) {
    static const char *const tags[] = { "glyf", "loca", "head", "hhea", "hmtx", "maxp",
                                        "cmap", "post", "OS/2", "name", "cvt ", "fpgm", "prep" };
    const struct ttf_metrics *m = ttf_metrics(f);
    struct font_subset *s = font_subset_new(f);
    struct rc_err err;
    const uint8_t *data;
    size_t i, len;
    unsigned n = ttf_num_glyphs(f), gid;
    volatile unsigned sink = (unsigned)m->units_per_em + (unsigned)strlen(m->ps_name);
    for (i = 0; i < sizeof tags / sizeof *tags; i++) {
        data = ttf_table(f, tags[i], &len);
        if (data && len) sink += data[0] + data[len - 1];
    }
    for (i = 0; i < sizeof probe_cps / sizeof *probe_cps; i++) {
        uint16_t g = ttf_glyph_index(f, probe_cps[i]);
        sink += (unsigned)ttf_glyph_advance(f, g);
        if (ttf_glyph_data(f, g, &data, &len, &err) == RC_OK && len) sink += data[len - 1];
        font_subset_add(s, g);
    }
    for (gid = 0; gid < n && gid < 64; gid++) {
        sink += (unsigned)ttf_glyph_advance(f, (uint16_t)gid);
        if (ttf_glyph_data(f, (uint16_t)gid, &data, &len, &err) == RC_OK && len)
            sink += data[0] + data[len - 1];
        if (gid < 8) font_subset_add(s, (uint16_t)gid);
    }
    font_subset_add(s, (uint16_t)(n - 1));
    font_subset_add(s, (uint16_t)n);             /* one past the end: .notdef */
    (void)sink;
    check_subset(s, ttf_outline_kind(f) == TTF_OUTLINE_CFF);
    font_subset_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = memfile(data, size);
    int face;
    for (face = 0; face < 2; face++) {
        struct ttf_font *f = NULL;
        struct rc_err err;
        if (ttf_open(path, face, &f, &err) == RC_OK) {
            exercise(f);
            ttf_close(f);
        }
    }
    return 0;
}

/*
** program.c: font programs kept across documents (program.h says why).
**
** An entry holds the glyph list it was made from (the subset's original
** glyph ids by slot, before writing), the components writing appended,
** and the deflated bytes.  A lookup compares the whole list, never just
** a hash.  The cache is bounded (PROGRAMS_MAX entries, PROGRAMS_BYTES of
** deflated bytes); the oldest entry goes first.
*/
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include "program.h"
#include "../base/buf.h"
#include "../base/mem.h"

#define PROGRAMS_MAX   32
#define PROGRAMS_BYTES (16u << 20)

struct entry {
    const struct ttf_font *font;
    int level;
    uint16_t *glyphs;              /* original ids by slot, as asked */
    unsigned nglyphs;
    uint16_t *appended;            /* what writing added (TrueType components) */
    unsigned nappended;
    unsigned char *packed;
    size_t packed_len, raw_len;
};

struct font_programs {
    struct entry entries[PROGRAMS_MAX];
    unsigned count;                /* entries[0] is the oldest */
    size_t bytes;
    struct libdeflate_compressor *deflater;
    int deflater_level;
};

struct font_programs *font_programs_new(void) {
    return xcalloc(1, sizeof(struct font_programs), "the font program cache");
}

static void entry_free(struct entry *e) {
    free(e->glyphs);
    free(e->appended);
    free(e->packed);
}

void font_programs_free(struct font_programs *c) {
    unsigned i;
    if (c == NULL) return;
    for (i = 0; i < c->count; i++) entry_free(&c->entries[i]);
    libdeflate_free_compressor(c->deflater);
    free(c);
}

static uint16_t *glyph_list(const struct font_subset *s, unsigned from, unsigned to) {
    uint16_t *g = xreallocarray(NULL, to > from ? to - from : 1, sizeof *g, "a font program key");
    unsigned i;
    for (i = from; i < to; i++) g[i - from] = font_subset_original(s, (uint16_t)i);
    return g;
}

static struct entry *find(struct font_programs *c, const struct font_subset *s, int level) {
    unsigned n = font_subset_count(s), i, k;
    for (i = 0; i < c->count; i++) {
        struct entry *e = &c->entries[i];
        if (e->font != font_subset_font(s) || e->level != level || e->nglyphs != n) continue;
        for (k = 0; k < n && e->glyphs[k] == font_subset_original(s, (uint16_t)k); k++) {}
        if (k == n) return e;
    }
    return NULL;
}

static void evict_oldest(struct font_programs *c) {
    c->bytes -= c->entries[0].packed_len;
    entry_free(&c->entries[0]);
    memmove(&c->entries[0], &c->entries[1], (c->count - 1) * sizeof c->entries[0]);
    c->count--;
}

struct libdeflate_compressor *font_programs_deflater(struct font_programs *c, int level) {
    if (c->deflater == NULL || c->deflater_level != level) {
        libdeflate_free_compressor(c->deflater);
        c->deflater = libdeflate_alloc_compressor(level);
        c->deflater_level = level;
    }
    return c->deflater;
}

/* Write, deflate and keep the program of s. */
static int make(struct font_programs *c, struct font_subset *s, int level, struct entry **out,
                struct rc_err *err) {
    struct entry e;
    struct buf raw;
    size_t bound;
    int rc;
    memset(&e, 0, sizeof e);
    e.font = font_subset_font(s);
    e.level = level;
    e.nglyphs = font_subset_count(s);
    e.glyphs = glyph_list(s, 0, e.nglyphs);
    buf_init(&raw);
    if ((rc = font_subset_write(s, &raw, err)) != RC_OK) {
        entry_free(&e);
        buf_free(&raw);
        return rc;
    }
    e.nappended = font_subset_count(s) - e.nglyphs;
    e.appended = glyph_list(s, e.nglyphs, font_subset_count(s));
    if (font_programs_deflater(c, level) == NULL) {
        entry_free(&e);
        buf_free(&raw);
        return rc_fail(err, RC_PDF, "out of memory setting up compression");
    }
    bound = libdeflate_zlib_compress_bound(c->deflater, raw.len);
    e.packed = xmalloc(bound ? bound : 1, "a deflated font program");
    e.packed_len = libdeflate_zlib_compress(c->deflater, raw.data, raw.len, e.packed, bound);
    e.raw_len = raw.len;
    buf_free(&raw);
    if (e.packed_len == 0 || e.packed_len > 0xFFFFFFFFu) {
        entry_free(&e);
        return rc_fail(err, RC_PDF, "deflating a font program of %zu bytes", e.raw_len);
    }
    while (c->count > 0 && (c->count == PROGRAMS_MAX || c->bytes + e.packed_len > PROGRAMS_BYTES))
        evict_oldest(c);
    c->entries[c->count++] = e;
    c->bytes += e.packed_len;
    *out = &c->entries[c->count - 1];
    return RC_OK;
}

int font_programs_get(struct font_programs *c, struct font_subset *s, int level,
                      struct font_program *out, struct rc_err *err) {
    struct entry *e = find(c, s, level);
    unsigned i;
    int rc;
    if (e != NULL) {
        /* As writing would: the components, appended in the same order. */
        for (i = 0; i < e->nappended; i++) font_subset_slot(s, e->appended[i]);
    } else if ((rc = make(c, s, level, &e, err)) != RC_OK) {
        return rc;
    }
    out->packed = e->packed;
    out->packed_len = e->packed_len;
    out->raw_len = e->raw_len;
    return RC_OK;
}

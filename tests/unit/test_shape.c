/*
** test_shape.c: the shape cache (font/shape.h) gives what hb_shape gives.
**
** Random runs of Han, Latin (with kerning and ligature pairs), Thai,
** Lao, Khmer and Myanmar text (whose clusters reorder and merge), each
** with random text around it, in the faces the manifest picks, with and
** without `halt`: each shaped through the cache (a miss, then a hit, then
** after other runs) and directly by hb_shape in a buffer of its own must
** give the same glyphs, clusters and positions.  A cache of 4 KB, emptied
** every few runs, must too; a run longer than the cache keeps is shaped
** each time.  The same run with different text around it is a different
** entry (HarfBuzz reads context).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/font/fontset.h"
#include "../../src/font/shape.h"

static const uint32_t HAN[] = { 0x4E1C, 0x76DF, 0x7F51, 0x7EDC, 0x5B89, 0x5168, 0x3002, 0xFF0C,
                                0x300C, 0x300D, 0xFF08, 0xFF09, 0x3001, 0x201C, 0x201D, 0x2014 };
static const uint32_t LATIN[] = { 'A', 'V', 'W', 'a', 'f', 'i', 'l', 'T', 'o', 'y', '.', ',',
                                  ' ', '1', '7', 0xE9 };
static const uint32_t THAI[] = { 0x0E01, 0x0E32, 0x0E23, 0x0E17, 0x0E35, 0x0E48, 0x0E49, 0x0E31,
                                 0x0E40, 0x0E07, 0x0E19, 0x0E21 };
static const uint32_t LAO[] = { 0x0E81, 0x0EB2, 0x0EA5, 0x0EB5, 0x0EC8, 0x0EC9, 0x0EB1, 0x0EC0 };
static const uint32_t KHMER[] = { 0x1780, 0x17D2, 0x179A, 0x17B6, 0x17C1, 0x1784, 0x17BB,
                                  0x1798, 0x17C6 };
static const uint32_t MYANMAR[] = { 0x1000, 0x1039, 0x1001, 0x103C, 0x102D, 0x102F, 0x1004,
                                    0x103A, 0x1031, 0x102C };

static const struct pool { const uint32_t *cps; size_t n; hb_script_t script; const char *lang; }
POOLS[] = {
    { HAN, sizeof HAN / 4, HB_SCRIPT_HAN, "zh-Hans" },
    { LATIN, sizeof LATIN / 4, HB_SCRIPT_LATIN, "zh-Hans" },
    { THAI, sizeof THAI / 4, HB_SCRIPT_THAI, "th" },
    { LAO, sizeof LAO / 4, HB_SCRIPT_LAO, "lo" },
    { KHMER, sizeof KHMER / 4, HB_SCRIPT_KHMER, "km" },
    { MYANMAR, sizeof MYANMAR / 4, HB_SCRIPT_MYANMAR, "my" },
};

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* What hb_shape gives, in a buffer of its own. */
static unsigned shape_direct(hb_buffer_t *b, const struct shape_run *r, struct shape_glyph *out,
                             unsigned max) {
    const hb_glyph_info_t *info;
    const hb_glyph_position_t *pos;
    unsigned m, i;
    hb_buffer_clear_contents(b);
    hb_buffer_add_codepoints(b, r->text, (int)r->n, (unsigned)r->start, (int)(r->end - r->start));
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_set_script(b, r->script);
    hb_buffer_set_language(b, r->language);
    hb_shape(r->font, b, r->features, r->nfeatures);
    info = hb_buffer_get_glyph_infos(b, &m);
    pos = hb_buffer_get_glyph_positions(b, NULL);
    for (i = 0; i < m && i < max; i++) {
        out[i].gid = info[i].codepoint;
        out[i].cluster = info[i].cluster;
        out[i].advance = pos[i].x_advance;
        out[i].x = pos[i].x_offset;
        out[i].y = pos[i].y_offset;
    }
    return m;
}

static int same(const struct shape_glyph *a, unsigned na, const struct shape_glyph *b, unsigned nb) {
    return na == nb && memcmp(a, b, na * sizeof *a) == 0;
}

/* Random text: context, a run of one pool, context. */
static void random_run(struct fontset *fs, uint32_t *text, struct shape_run *r, hb_feature_t *halt,
                       int *family_out) {
    const struct pool *p = &POOLS[rnd(sizeof POOLS / sizeof POOLS[0])];
    size_t pre = rnd(12), len = 1 + rnd(p == &POOLS[0] ? 40 : 12), post = rnd(12), i;
    int family = fontset_family(fs, rnd(2) ? "serif" : "sans"), face;
    struct rc_err err;
    for (i = 0; i < pre + len + post; i++) {
        const struct pool *q = i >= pre && i < pre + len ? p : &POOLS[rnd(2)];
        text[i] = q->cps[rnd((unsigned)q->n)];
    }
    memset(r, 0, sizeof *r);
    if (fontset_pick(fs, family, FS_REGULAR, text[pre], &face, &err) != RC_OK) face = 0;
    r->face = face;
    r->font = fontset_hb(fs, face);
    r->script = p->script;
    r->language = hb_language_from_string(p->lang, -1);
    if (p->script == HB_SCRIPT_HAN && rnd(3) == 0) {
        r->features = halt;
        r->nfeatures = 1;
        r->feature_bits = 1;
    }
    r->text = text;
    r->n = pre + len + post;
    r->start = pre;
    r->end = pre + len;
    *family_out = family;
}

static void test_random(struct fontset *fs, size_t max_bytes, int rounds, const char *what,
                        int mostly_hits) {
    struct shape_cache *c = shape_cache_new(max_bytes);
    hb_buffer_t *b = hb_buffer_create(), *cb = hb_buffer_create();
    hb_feature_t halt = { HB_TAG('h', 'a', 'l', 't'), 1, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END };
    static struct shape_glyph want[256], got[256];
    uint32_t texts[8][80];
    struct shape_run runs[8];
    uint64_t hits, misses;
    int k, bad = 0, family;
    for (k = 0; k < rounds; k++) {
        int slot = k % 8, again;
        unsigned nw, ng;
        const struct shape_glyph *g;
        if (k < 8 || rnd(3) == 0) random_run(fs, texts[slot], &runs[slot], &halt, &family);
        runs[slot].text = texts[slot];
        nw = shape_direct(b, &runs[slot], want, 256);
        for (again = 0; again < 2; again++) {
            g = shape_cache_shape(c, cb, &runs[slot], &ng);
            memcpy(got, g, (ng < 256 ? ng : 256) * sizeof *got);
            if (!same(want, nw, got, ng) && bad++ < 5)
                printf("  %s: round %d (pass %d): %u glyphs from the cache, %u from hb_shape\n",
                       what, k, again, ng, nw);
        }
    }
    shape_cache_stats(c, &hits, &misses);
    CHECK_MSG(bad == 0, "%s: %d runs differ from hb_shape's", what, bad);
    CHECK_MSG(mostly_hits ? hits > misses : hits > 0, "%s: %llu hits, %llu misses", what,
              (unsigned long long)hits,
              (unsigned long long)misses);
    hb_buffer_destroy(b);
    hb_buffer_destroy(cb);
    shape_cache_free(c);
}

/* Context is part of the key; a run longer than kept is shaped each time. */
static void test_context_and_long(struct fontset *fs) {
    struct shape_cache *c = shape_cache_new(SHAPE_CACHE_BYTES);
    hb_buffer_t *b = hb_buffer_create();
    uint32_t text[2000];
    struct shape_run r;
    struct rc_err err;
    uint64_t hits, misses;
    unsigned n;
    int face, i;
    for (i = 0; i < 2000; i++) text[i] = HAN[i % 6];
    CHECK(fontset_pick(fs, fontset_family(fs, "sans"), FS_REGULAR, HAN[0], &face, &err) == RC_OK);
    memset(&r, 0, sizeof r);
    r.face = face;
    r.font = fontset_hb(fs, face);
    r.script = HB_SCRIPT_HAN;
    r.language = hb_language_from_string("zh-Hans", -1);
    r.text = text;
    r.n = 20;
    r.start = 10;
    r.end = 14;
    shape_cache_shape(c, b, &r, &n);
    text[9] = 'x';                      /* the context before changes */
    shape_cache_shape(c, b, &r, &n);
    shape_cache_stats(c, &hits, &misses);
    CHECK_MSG(hits == 0 && misses == 2, "other context: %llu hits", (unsigned long long)hits);
    shape_cache_shape(c, b, &r, &n);
    shape_cache_stats(c, &hits, &misses);
    CHECK(hits == 1);
    text[14] = 'y';                     /* and the context after */
    shape_cache_shape(c, b, &r, &n);
    shape_cache_stats(c, &hits, &misses);
    CHECK_MSG(hits == 1 && misses == 3, "other context after: %llu hits", (unsigned long long)hits);
    r.n = 2000;
    r.start = 0;
    r.end = 2000;
    shape_cache_shape(c, b, &r, &n);
    shape_cache_shape(c, b, &r, &n);
    shape_cache_stats(c, &hits, &misses);
    CHECK_MSG(hits == 1 && misses == 5 && n == 2000, "a long run: %llu hits, %llu misses, %u glyphs",
              (unsigned long long)hits, (unsigned long long)misses, n);
    hb_buffer_destroy(b);
    shape_cache_free(c);
}

int main(void) {
    struct fontset *fs;
    struct rc_err err;
    if (fontset_load("fonts/fonts.manifest", &fs, &err) != RC_OK) {
        printf("FAIL fonts: %s\n", err.msg);
        return 1;
    }
    test_random(fs, SHAPE_CACHE_BYTES, 6000, "1 MB cache", 1);
    test_random(fs, 4096, 3000, "4 KB cache", 0);   /* keeps runs of 256 bytes at most */
    test_context_and_long(fs);
    fontset_free(fs);
    return CHECK_DONE();
}

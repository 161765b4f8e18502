/*
** shape.c: runs shaped once (shape.h).  Entries live one after another
** in an arena of at most max_bytes (key, then glyphs with clusters from
** the run's start); an open-addressing table of offsets finds them by a
** 64-bit hash of the key and the key compared whole.  Full arena or full
** table: both emptied, no eviction order to keep.  Runs longer than
** SHAPE_RUN_MAX characters are shaped every time (a long paragraph's run
** is rarely seen twice, and would crowd out the short ones that are).
*/
#include <stdlib.h>
#include <string.h>
#include "shape.h"
#include "../base/mem.h"

/* HarfBuzz records 5 characters of context each side of a run
** (HB_BUFFER_CONTEXT_LENGTH, internal to hb-buffer.hh); the key holds 8,
** so a later HarfBuzz reading a little more still finds exact keys. */
enum { SHAPE_RUN_MAX = 512, SHAPE_CONTEXT = 8, KEY_FIXED = 8 };

struct entry {                  /* in the arena, followed by its key and glyphs */
    uint64_t hash;
    uint32_t nkey, nglyphs;
};

struct shape_cache {
    unsigned char *arena;
    size_t used, max;
    uint32_t *slots;            /* 1 + an entry's offset in the arena; 0: empty */
    size_t nslots, count;
    uint32_t *key;              /* the key being looked up */
    size_t capkey;
    struct shape_glyph *out;    /* what shape_cache_shape returns */
    size_t capout;
    uint64_t hits, misses;
};

struct shape_cache *shape_cache_new(size_t max_bytes) {
    struct shape_cache *c = xcalloc(1, sizeof *c, "the shape cache");
    c->max = max_bytes;
    c->nslots = 4096;
    while (c->nslots * 64 < max_bytes) c->nslots *= 2;   /* about one slot per 32 bytes of entries */
    return c;
}

void shape_cache_free(struct shape_cache *c) {
    if (c == NULL) return;
    free(c->arena);
    free(c->slots);
    free(c->key);
    free(c->out);
    free(c);
}

void shape_cache_stats(const struct shape_cache *c, uint64_t *hits, uint64_t *misses) {
    *hits = c->hits;
    *misses = c->misses;
}

static uint64_t hash_key(const uint32_t *k, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;         /* FNV-1a, a word at a time */
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= k[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

/* The key of r in c->key; its length. */
static size_t make_key(struct shape_cache *c, const struct shape_run *r) {
    size_t pre = r->start < SHAPE_CONTEXT ? r->start : SHAPE_CONTEXT;
    size_t post = r->n - r->end < SHAPE_CONTEXT ? r->n - r->end : SHAPE_CONTEXT;
    size_t len = KEY_FIXED + pre + (r->end - r->start) + post;
    uint64_t lang = (uint64_t)(uintptr_t)r->language;
    if (len > c->capkey) {
        c->capkey = len * 2;
        c->key = xreallocarray(c->key, c->capkey, sizeof *c->key, "the shape cache");
    }
    c->key[0] = (uint32_t)r->face;
    c->key[1] = (uint32_t)r->script;
    c->key[2] = r->feature_bits;
    c->key[3] = (uint32_t)lang;
    c->key[4] = (uint32_t)(lang >> 32);
    c->key[5] = (uint32_t)pre;
    c->key[6] = (uint32_t)(r->end - r->start);
    c->key[7] = (uint32_t)post;
    memcpy(c->key + KEY_FIXED, r->text + r->start - pre, (len - KEY_FIXED) * sizeof *c->key);
    return len;
}

static struct entry *entry_at(const struct shape_cache *c, uint32_t slot) {
    return (struct entry *)(void *)(c->arena + (slot - 1));
}

static uint32_t *entry_key(struct entry *e) { return (uint32_t *)(e + 1); }

static struct shape_glyph *entry_glyphs(struct entry *e) {
    return (struct shape_glyph *)(void *)(entry_key(e) + e->nkey + (e->nkey & 1));
}

static size_t entry_size(size_t nkey, size_t nglyphs) {
    return sizeof(struct entry) + (nkey + (nkey & 1)) * sizeof(uint32_t)
         + nglyphs * sizeof(struct shape_glyph);
}

static void empty(struct shape_cache *c) {
    c->used = 0;
    c->count = 0;
    if (c->slots) memset(c->slots, 0, c->nslots * sizeof *c->slots);
}

static struct entry *find(struct shape_cache *c, uint64_t h, size_t nkey, size_t *slot) {
    size_t i = (size_t)h & (c->nslots - 1);
    if (c->slots == NULL) c->slots = xcalloc(c->nslots, sizeof *c->slots, "the shape cache");
    for (;; i = (i + 1) & (c->nslots - 1)) {
        struct entry *e;
        if (c->slots[i] == 0) { *slot = i; return NULL; }
        e = entry_at(c, c->slots[i]);
        if (e->hash == h && e->nkey == nkey
            && memcmp(entry_key(e), c->key, nkey * sizeof *c->key) == 0)
            return e;
    }
}

static void reserve_out(struct shape_cache *c, size_t n) {
    if (n <= c->capout) return;
    c->capout = n * 2;
    c->out = xreallocarray(c->out, c->capout, sizeof *c->out, "shaped glyphs");
}

/* Keep out[0, m) under the key (clusters made relative to start). */
static void insert(struct shape_cache *c, uint64_t h, size_t nkey, size_t slot, unsigned m,
                   size_t start) {
    size_t size = entry_size(nkey, m), i;
    struct entry *e;
    struct shape_glyph *g;
    if (size > c->max / 16) return;
    if (c->used + size > c->max || (c->count + 1) * 4 > c->nslots * 3) {
        empty(c);
        find(c, h, nkey, &slot);
    }
    if (c->arena == NULL) c->arena = xmalloc(c->max, "the shape cache");
    e = (struct entry *)(void *)(c->arena + c->used);
    e->hash = h;
    e->nkey = (uint32_t)nkey;
    e->nglyphs = m;
    memcpy(entry_key(e), c->key, nkey * sizeof *c->key);
    g = entry_glyphs(e);
    for (i = 0; i < m; i++) {
        g[i] = c->out[i];
        g[i].cluster -= (uint32_t)start;
    }
    c->slots[slot] = (uint32_t)(c->used + 1);
    c->used += (size + 7) & ~(size_t)7;
    c->count++;
}

static unsigned shape_now(struct shape_cache *c, hb_buffer_t *b, const struct shape_run *r) {
    const hb_glyph_info_t *info;
    const hb_glyph_position_t *pos;
    unsigned m, i;
    hb_buffer_clear_contents(b);
    hb_buffer_add_codepoints(b, r->text, (int)r->n, (unsigned)r->start, (int)(r->end - r->start));
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_set_script(b, r->script);
    hb_buffer_set_language(b, r->language);
    hb_shape(r->font, b, r->features, r->nfeatures);
    /* HarfBuzz reports running out of memory only here: glyphs would be
    ** missing from the page, so it is our out-of-memory policy's case. */
    if (!hb_buffer_allocation_successful(b))
        mem_fail("shaping a run of text", mem_mul(r->end - r->start, sizeof(hb_glyph_info_t) * 2));
    info = hb_buffer_get_glyph_infos(b, &m);
    pos = hb_buffer_get_glyph_positions(b, NULL);
    reserve_out(c, m ? m : 1);
    for (i = 0; i < m; i++) {
        c->out[i].gid = info[i].codepoint;
        c->out[i].cluster = info[i].cluster;
        c->out[i].advance = pos[i].x_advance;
        c->out[i].x = pos[i].x_offset;
        c->out[i].y = pos[i].y_offset;
    }
    return m;
}

const struct shape_glyph *shape_cache_shape(struct shape_cache *c, hb_buffer_t *buffer,
                                            const struct shape_run *r, unsigned *count) {
    size_t nkey, slot, i;
    uint64_t h;
    struct entry *e;
    if (r->end - r->start > SHAPE_RUN_MAX || c->max == 0) {
        c->misses++;
        *count = shape_now(c, buffer, r);
        return c->out;
    }
    nkey = make_key(c, r);
    h = hash_key(c->key, nkey);
    if ((e = find(c, h, nkey, &slot)) != NULL) {
        const struct shape_glyph *g = entry_glyphs(e);
        c->hits++;
        reserve_out(c, e->nglyphs ? e->nglyphs : 1);
        for (i = 0; i < e->nglyphs; i++) {
            c->out[i] = g[i];
            c->out[i].cluster += (uint32_t)r->start;
        }
        *count = e->nglyphs;
        return c->out;
    }
    c->misses++;
    *count = shape_now(c, buffer, r);
    insert(c, h, nkey, slot, *count, r->start);
    return c->out;
}

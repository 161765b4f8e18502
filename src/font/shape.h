/*
** shape.h: HarfBuzz shaping with a memory of runs already shaped.
**
** A brief shapes the same runs again and again: a contents page lays the
** document out twice (the first pass only measures), table cells repeat
** their figures, and a batch worker's briefs share their template's
** headings, captions and labels.  hb_shape was a sixth of a batch brief's
** instructions.  A run's glyphs are kept by everything HarfBuzz reads to
** make them: the face, the script (which gives the language), the
** features, the run's code points and the context around it that
** hb_buffer_add_codepoints records (5 characters each side; the key
** holds 8); so a glyph from memory is the glyph hb_shape gives, and a PDF is
** the same byte for byte with or without it.  Memory is bounded
** (SHAPE_CACHE_BYTES): when full it is emptied and fills again.
*/
#ifndef SHAPE_H
#define SHAPE_H

#include <stddef.h>
#include <stdint.h>
#include <hb.h>

#define SHAPE_CACHE_BYTES (1u << 20)

struct shape_glyph {
    uint32_t gid;
    uint32_t cluster;          /* index into the whole text (as HarfBuzz's cluster) */
    int32_t  advance, x, y;    /* font units: x_advance, x_offset, y_offset */
};

struct shape_cache;

struct shape_cache *shape_cache_new(size_t max_bytes);
void shape_cache_free(struct shape_cache *c);

/* What to shape: text[start, end) of text[0, n), in one face and script. */
struct shape_run {
    int face;                  /* the caller's number for `font` */
    hb_font_t *font;
    hb_script_t script;
    hb_language_t language;    /* a function of script for every caller */
    const hb_feature_t *features;
    unsigned nfeatures;
    unsigned feature_bits;     /* the caller's name for `features` (part of the key) */
    const uint32_t *text;
    size_t n, start, end;
};

/* The run's glyphs, from memory or shaped with `buffer` (cleared here);
** *count gets how many.  Valid until the next call. */
const struct shape_glyph *shape_cache_shape(struct shape_cache *c, hb_buffer_t *buffer,
                                            const struct shape_run *r, unsigned *count);

/* Runs found in memory and runs shaped, since the cache was made. */
void shape_cache_stats(const struct shape_cache *c, uint64_t *hits, uint64_t *misses);

#endif

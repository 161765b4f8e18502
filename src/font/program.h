/*
** program.h: a subset's font program, written and deflated once per glyph
** set.  A batch worker builds many documents with the same faces, and
** documents of the same template often draw exactly the same glyphs (the
** ASEAN brief of one country, month after month); the programs already
** made are kept, by face, exact glyph list (slot order included) and
** deflate level, so such a document copies its font files instead of
** subsetting and compressing them again.  The bytes are what
** font_subset_write and libdeflate_zlib_compress at that level give, so a
** PDF is the same byte for byte with or without the cache.
*/
#ifndef PROGRAM_H
#define PROGRAM_H

#include <stddef.h>
#include "../base/rc.h"
#include "subset.h"

struct font_programs;          /* the cache; one per font set */

struct font_program {
    const unsigned char *packed;   /* zlib-deflated font file (FontFile2/3) */
    size_t packed_len;
    size_t raw_len;                /* its length before deflating (Length1) */
};

struct font_programs *font_programs_new(void);
void font_programs_free(struct font_programs *c);

/* A libdeflate compressor at `level` (NULL when out of memory), kept with
** the cache: the one the programs are deflated with, lent to the PDF
** writer for its other streams, so a process or batch worker sets up one
** compressor, not one or two per document (each is hundreds of KB to
** fault in). */
struct libdeflate_compressor *font_programs_deflater(struct font_programs *c, int level);

/* The program of subset s (whose face `font` is the cache's to tell apart:
** the same pointer is the same face for the cache's life) deflated at
** `level`: from the cache, or written, deflated and kept.  Either way s
** ends as font_subset_write leaves it (components appended).  `out`
** points into the cache: valid until the next call. */
int font_programs_get(struct font_programs *c, struct font_subset *s, int level,
                      struct font_program *out, struct rc_err *err);

#endif

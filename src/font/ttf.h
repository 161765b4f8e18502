/*
** ttf.h: reading one face of an OpenType/TrueType file (.ttf, .otf) or
** collection (.ttc): character map, advance widths, vertical metrics, and
** the raw tables the subsetters copy.  Both outline kinds open: TrueType
** (glyf) and CFF ('OTTO'); ttf_outline_kind says which.
**
** Every offset read from the file is bounds-checked: a truncated or hostile
** font gives RC_FONT with a message naming the file, never a crash.
**
** Units: all metrics are in font units; divide by units_per_em for ems.
*/
#ifndef TTF_H
#define TTF_H

#include <stddef.h>
#include <stdint.h>
#include "../base/rc.h"

struct ttf_font;    /* opaque; owns the mapped file */

enum ttf_outline { TTF_OUTLINE_GLYF, TTF_OUTLINE_CFF };

struct ttf_metrics {
    int units_per_em;
    int ascent, descent, line_gap;   /* hhea (descent is negative) */
    int cap_height, x_height;        /* OS/2 v2+, else estimated */
    int bbox[4];                     /* head: xMin yMin xMax yMax */
    int italic_angle;                /* post, whole degrees */
    int fixed_pitch;                 /* post.isFixedPitch != 0 */
    int weight;                      /* OS/2 usWeightClass, 400 if absent */
    char ps_name[64];                /* name id 6, ASCII, never empty */
};

/* Open face `face` (0 for a plain .ttf) of the file at `path`. */
int ttf_open(const char *path, int face, struct ttf_font **out, struct rc_err *err);
void ttf_close(struct ttf_font *f);

/* The same over a file the caller has mapped (data, len) and keeps mapped
** until ttf_close: the font set maps each file once for HarfBuzz and this
** reader both. */
int ttf_open_mapped(const char *path, int face, const void *data, size_t len,
                    struct ttf_font **out, struct rc_err *err);

/* The index of the first face of the file at `path` whose family (name id
** 16, else 1; ASCII case ignored) is `family`, e.g. "Noto Serif CJK SC" in
** NotoSerifCJK-Regular.ttc is face 2.  RC_FONT naming the file if none. */
int ttf_face_by_family(const char *path, const char *family, int *face,
                       struct rc_err *err);

/* glyf or CFF outlines (the CFF table: ttf_table(f, "CFF ", &len)). */
enum ttf_outline ttf_outline_kind(const struct ttf_font *f);

const struct ttf_metrics *ttf_metrics(const struct ttf_font *f);
const char *ttf_path(const struct ttf_font *f);
int ttf_face_index(const struct ttf_font *f);    /* as given to ttf_open */
unsigned ttf_num_glyphs(const struct ttf_font *f);

/* Glyph id for a Unicode code point (cmap 3.10 format 12, else 3.1/0.x
** format 4); 0 when the face has no glyph for it. */
uint16_t ttf_glyph_index(const struct ttf_font *f, uint32_t cp);

/* Advance width of a glyph in font units (hmtx; the last long metric
** repeats for ids past numberOfHMetrics). */
int ttf_glyph_advance(const struct ttf_font *f, uint16_t gid);

/* A table's bytes by tag ("glyf", "head", ...): NULL and *len = 0 when the
** face has no such table.  The pointer lives as long as the font. */
const uint8_t *ttf_table(const struct ttf_font *f, const char tag[4], size_t *len);

/* The bytes of one glyph's outline in glyf (empty glyphs give len 0).
** Returns RC_FONT if loca points outside glyf, or for a CFF face. */
int ttf_glyph_data(const struct ttf_font *f, uint16_t gid,
                   const uint8_t **data, size_t *len, struct rc_err *err);

#endif

/*
** fontset.h: the fonts of one document: families from the manifest
** (fonts/fonts.manifest), the faces that serve them by weight and script,
** and per-character fallback between a family's faces and the fallback
** family.  Each face is opened once, on first use, as a HarfBuzz font
** (shaping, cmap, advances) and, for the PDF writer only, by our own
** reader (ttf.h: subsetting).  A brief that sets no mono text never opens
** the mono font.
*/
#ifndef FONTSET_H
#define FONTSET_H

#include <stdint.h>
#include <hb.h>
#include "../base/rc.h"
#include "shape.h"
#include "ttf.h"

struct fontset;
struct readset;
struct font_programs;

/* The scripts a family names a face for (manifest column 2).  A character
** goes to the face of its script first; everything not Latin, Thai, Lao,
** Khmer or Myanmar is "cjk". */
enum font_script { FS_CJK, FS_LATIN, FS_THAI, FS_LAO, FS_KHMER, FS_MYANMAR, FS_SCRIPT_COUNT };
enum font_weight { FS_REGULAR, FS_BOLD, FS_WEIGHT_COUNT };

/* Read the manifest at `path` (no font file is opened yet). */
int fontset_load(const char *path, struct fontset **out, struct rc_err *err);
void fontset_free(struct fontset *fs);

/* Record each font file used from now on (opened, or tried for a glyph)
** in `rs`, once; NULL stops.  A font set kept across a batch worker's jobs
** records each job's own faces into that job's read-set. */
void fontset_track(struct fontset *fs, struct readset *rs);

/* Index of a family by name, -1 if the manifest has none. */
int fontset_family(const struct fontset *fs, const char *name);

/* The face that sets `cp` in `family` at `weight`, by the fallback order:
** the family's face for cp's script at that weight, else at regular
** weight, then its faces for the other scripts the same way, then the
** "fallback" family.  Opens faces as needed: a missing or unreadable file is RC_FONT
** naming the file and the Debian package; a character no face has is
** RC_FONT naming it. */
int fontset_pick(struct fontset *fs, int family, enum font_weight weight, uint32_t cp,
                 int *face, struct rc_err *err);

/* fontset_pick at regular weight, plus the glyph id of cp in that face. */
int fontset_glyph(struct fontset *fs, int family, uint32_t cp,
                  int *face, uint16_t *gid, struct rc_err *err);

/* 1 if the (open) face has a glyph for cp. */
int fontset_has(const struct fontset *fs, int face, uint32_t cp);

/* The weight the manifest gave the face: a bold run set in a regular face
** is synthesised (fill + stroke). */
enum font_weight fontset_weight(const struct fontset *fs, int face);

/* The open face's HarfBuzz font, scaled to units_per_em (positions come
** back in font units), and its units per em. */
hb_font_t *fontset_hb(const struct fontset *fs, int face);
hb_face_t *fontset_hb_face(const struct fontset *fs, int face);
int fontset_upem(const struct fontset *fs, int face);

/* A glyph's ink box in font units (HarfBuzz's extents, remembered: for a
** CFF face each is a charstring run); 0, and a zero box, when the face has
** none for it. */
int fontset_extents(struct fontset *fs, int face, uint16_t gid, hb_glyph_extents_t *out);

/* One shaping buffer for the whole font set, cleared before each use. */
hb_buffer_t *fontset_buffer(struct fontset *fs);

/* Run r shaped in its face (r->font is set here), through the set's shape
** cache (shape.h), which lives as long as the set: a batch worker's
** documents share it.  Valid until the next call. */
const struct shape_glyph *fontset_shape(struct fontset *fs, struct shape_run *r, unsigned *count);
struct shape_cache *fontset_shapes(struct fontset *fs);

/* Nominal advance (hmtx, what a PDF's /W says) of a glyph at `size` pt, in pt. */
float fontset_advance(const struct fontset *fs, int face, uint16_t gid, float size);

int fontset_nfaces(const struct fontset *fs);
/* The font file and the face index inside it (resolved from the
** manifest's family name for collections). */
const char *fontset_path(const struct fontset *fs, int face);
int fontset_index(const struct fontset *fs, int face);

/* The face read by our own reader, for embedding; opened on first call.
** NULL with RC_FONT in err when the reader cannot take it. */
struct ttf_font *fontset_face(struct fontset *fs, int face, struct rc_err *err);

/* The font programs made for this set's faces (font/program.h): they
** live as long as the set, so a batch worker that keeps its fonts keeps
** them too. */
struct font_programs *fontset_programs(struct fontset *fs);

/* The manifest's script for a code point. */
enum font_script fontset_script(uint32_t cp);

#endif

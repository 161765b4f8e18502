/*
** fontset.h: the fonts of one document: families from the manifest
** (fonts/fonts.manifest), the faces that serve them, and per-character
** fallback between a family's CJK face, its Latin face and the fallback
** family.  Faces are opened on first use, so a brief that sets no mono
** text never opens the mono font.
*/
#ifndef FONTSET_H
#define FONTSET_H

#include <stdint.h>
#include "../base/rc.h"
#include "ttf.h"

struct fontset;
struct readset;

/* Read the manifest at `path` (no font file is opened yet). */
int fontset_load(const char *path, struct fontset **out, struct rc_err *err);
void fontset_free(struct fontset *fs);

/* Record each font file used from now on (opened, or tried for a glyph)
** in `rs`, once; NULL stops.  A font set kept across a batch worker's jobs
** records each job's own faces into that job's read-set. */
void fontset_track(struct fontset *fs, struct readset *rs);

/* Index of a family by name, -1 if the manifest has none. */
int fontset_family(const struct fontset *fs, const char *name);

/* The face and glyph that set `cp` in `family`, by the fallback order.
** Opens faces as needed: a missing file is RC_FONT naming the file and the
** Debian package; a character no face has is RC_FONT naming it. */
int fontset_glyph(struct fontset *fs, int family, uint32_t cp,
                  int *face, uint16_t *gid, struct rc_err *err);

/* Advance of a glyph at `size` pt, in pt. */
float fontset_advance(const struct fontset *fs, int face, uint16_t gid, float size);

/* Ascent and descent (negative) of a face at `size` pt. */
float fontset_ascent(const struct fontset *fs, int face, float size);
float fontset_descent(const struct fontset *fs, int face, float size);

int fontset_nfaces(const struct fontset *fs);
/* The open face, or NULL if the face was never used. */
struct ttf_font *fontset_face(const struct fontset *fs, int face);

/* 1 if cp is set in a family's Latin face first (Latin letters, digits,
** Western punctuation), 0 if in its CJK face first. */
int fontset_is_latin(uint32_t cp);

#endif

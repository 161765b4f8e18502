/*
** notes.h: how a footnote is set at the foot of its page (clreq): its
** number hung in a box as wide as the document's widest note number,
** right-aligned, so every note's text starts at one x (notes 9 and 10
** align); and a citation identical to the previous note on the same page
** given as 同上 when the document asks for it (notes = {repeats = "ibid"}).
** Which page a note lands on is the page builder's business (layout.c).
*/
#ifndef NOTES_H
#define NOTES_H

#include "../base/rc.h"
#include "../doc/doc.h"
#include "../font/fontset.h"
#include "para.h"

/* What a repeated note reads, with `repeats = "ibid"`. */
#define NOTES_IBID "同上。"

/* How many footnote markers the document's paragraphs and headings carry. */
int notes_in_document(const struct doc *doc);

/* The hang box of a note number: room for `count`'s digits at the widest
** digit of `family` at `size`, and a half-em gap before the text. */
int notes_hang_width(struct fontset *fs, int family, float size, int count, float *hang,
                     struct rc_err *err);

/* The text a note shows: NOTES_IBID when the document shortens repeats
** and `text` is the same as `prev` (the previous note on the page, or
** NULL), else `text`. */
const char *notes_text(const struct doc *doc, const char *text, const char *prev);

/* Break a shaped note whose first `ndigits` characters are its number into
** lines of `width` - `hang`, to be drawn at x + `hang`: the number goes
** right-aligned into the hang box before the first line's text. */
void notes_break_hung(struct para *np, size_t ndigits, float hang, float width);

#endif

/*
** marks.h: marks drawn as paths where a face's glyphs would not do: the
** two-em dash "——" and the two-em ellipsis "……" (clreq 3.1: one unbroken
** dash, six evenly spaced dots, both on the centre line of the CJK em box),
** and the contents page's leader dots.
*/
#ifndef MARKS_H
#define MARKS_H

#include "../display/display.h"
#include "../font/fontset.h"

/* Where the centre line of the CJK em box lies above the baseline, in ems
** (layout_baseline: 0.88 em above the baseline, 0.12 below). */
#define MARKS_CENTRE_EM 0.38f

/* Look at every "——" and "……" of the page's text runs: where the face's
** glyphs draw them unbroken and centred they stay; otherwise the glyphs
** become invisible text (still copied and searched as "——", "……") and the
** mark is drawn as a rule or as dots in the run's colour. */
void marks_fix_page(struct dl_page *page, struct fontset *fs);

/* Leader dots from x0 to x1 on the centre line `cy`: dots every `pitch`
** pt on a grid that ends at x1, so leaders that end at the same x line up
** dot for dot whatever their length. */
void marks_leader(struct dl_page *page, enum dl_role role, float x0, float x1, float pitch,
                  float cy, float diameter, struct dl_color color);

#endif

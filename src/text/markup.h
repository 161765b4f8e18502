/*
** markup.h: the small inline markup of paragraph text.
**
**   **bold**         bold (synthesised for CJK faces, which have no bold)
**   *emphasis*       emphasis (set in the heading family, as Chinese text does)
**   `code`           code or figures in the monospaced Latin face
**   [text](url)      a link
**   ^[note text]     a footnote: a numbered marker here, the note at the foot
**                    of the page; the note is marked-up text itself, kept
**                    as written (escapes included) until it is set
**   \*  \`  \[  \^  \\   the character itself
**
** Parsing gives a list of runs, each of one style; no markup nests inside
** code, link text or notes.
*/
#ifndef MARKUP_H
#define MARKUP_H

#include <stddef.h>

enum markup_style { MK_PLAIN = 0, MK_BOLD = 1, MK_EMPH = 2, MK_CODE = 4 };

struct markup_run {
    char  *text;        /* owned; "" for a footnote run */
    int    style;       /* MK_* bits */
    char  *url;         /* owned; a link run, else NULL */
    char  *note;        /* owned; a footnote run, else NULL */
};

struct markup {
    struct markup_run *runs;
    size_t nruns, cap;
};

/* Parse `src`; on a malformed span (an unclosed ** or `, a [ without its
** (url), ...) returns -1 with a message in errbuf. */
int markup_parse(const char *src, struct markup *out, char *errbuf, size_t errsize);
void markup_free(struct markup *m);

#endif

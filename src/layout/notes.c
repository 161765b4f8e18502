/*
** notes.c: the finish of a footnote at the foot of its page: the number
** hung (right-aligned in a box sized for the document's widest number) and
** 同上 for a citation that repeats the previous note on the same page.
** See notes.h.
*/
#include <string.h>
#include "notes.h"
#include "../text/linebreak.h"
#include "../text/markup.h"

#define NOTES_GAP_EM 0.5f    /* between a note's number and its text */

static int notes_in_text(const char *text) {
    struct markup m;
    char err[8];
    size_t i;
    int n = 0;
    if (text == NULL || markup_parse(text, &m, err, sizeof err) != 0) return 0;   /* layout reports it */
    for (i = 0; i < m.nruns; i++) if (m.runs[i].note) n++;
    markup_free(&m);
    return n;
}

int notes_in_document(const struct doc *doc) {
    size_t i;
    int n = 0;
    for (i = 0; i < doc->nblocks; i++) {
        const struct doc_block *b = &doc->blocks[i];
        if (b->kind == DOC_PARAGRAPH || b->kind == DOC_HEADING) n += notes_in_text(b->text);
    }
    return n;
}

int notes_hang_width(struct fontset *fs, int family, float size, int count, float *hang,
                     struct rc_err *err) {
    struct para digits;
    float widest = 0;
    size_t i;
    int ndigits = 1, rc;
    while (count >= 10) { count /= 10; ndigits++; }
    if ((rc = para_shape(&digits, fs, family, size, "0123456789", err)) != RC_OK) return rc;
    for (i = 0; i < digits.nglyphs; i++)
        if (digits.glyphs[i].advance > widest) widest = digits.glyphs[i].advance;
    para_free(&digits);
    *hang = widest * (float)ndigits + size * NOTES_GAP_EM;
    return RC_OK;
}

const char *notes_text(const struct doc *doc, const char *text, const char *prev) {
    if (doc->note_repeat == DOC_NOTE_IBID && prev && strcmp(text, prev) == 0) return NOTES_IBID;
    return text;
}

void notes_break_hung(struct para *np, size_t ndigits, float hang, float width) {
    size_t i, text;
    float number = 0, gap = np->size * NOTES_GAP_EM;
    for (i = 0; i < np->nglyphs && np->glyphs[i].text < ndigits; i++) number += np->glyphs[i].advance;
    text = i;
    if (text > 0 && text < np->nglyphs) {
        /* A fixed gap after the number; justification leaves it alone. */
        np->glyphs[text - 1].gap = gap;
        np->glyphs[text].brk = LB_NO;
    }
    /* A negative first-line indent: the number ends `gap` left of x,
    ** so numbers of any width end at one x (right-aligned in the box). */
    para_break(np, width - hang, -(number + gap));
}

/*
** fuzz_para: shaping and line breaking (src/layout/para.c) on hostile
** text: any bytes as UTF-8 in up to four styles (families, bold), set in
** the TrueType families of fonts/truetype.manifest with their Thai, Lao,
** Khmer and Myanmar faces, broken at a width taken from the input and
** drawn into a display list.  Nothing may crash; and what reportc relies
** on must hold: the clusters cover the text exactly once, in order, no
** line starts inside a cluster, and the drawn glyphs carry every
** character of the lines they draw.
** Run from the repository root (the manifest path is relative).
** Seeds: tests/fuzz/corpus/para/ (Chinese with Latin, the four Southeast
** Asian scripts, Vietnamese with combining marks, ligatures).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/font/fontset.h"
#include "../../src/layout/para.h"

static struct fontset *fonts;

static void check_clusters(const struct para *p) {
    size_t i, at = 0;
    for (i = 0; i < p->nglyphs; i++) {
        const struct para_glyph *g = &p->glyphs[i];
        if (g->text != at || g->ntext == 0 || g->nshaped == 0) abort();
        if (g->shaped + g->nshaped > p->nshaped) abort();
        at += g->ntext;
    }
    if (at != p->ncps) abort();
}

static void check_lines(const struct para *p) {
    size_t i, k, drawn = 0, want = 0;
    struct display d;
    struct dl_page *page;
    display_init(&d);
    page = display_add_page(&d, 600, 800);
    for (i = 0; i < p->nlines; i++) {
        const struct para_line *l = &p->lines[i];
        if (l->first > l->end || l->end > p->nglyphs) abort();
        for (k = l->first; k < l->end; k++)
            if (!(p->glyphs[k].cp == ' ' && p->glyphs[k].ntext == 1)) want += p->glyphs[k].ntext;
        para_draw_line(p, i, page, 10, 700, 300, DOC_JUSTIFY, DL_BODY, 0);
    }
    for (k = 0; k < page->nglyphs; k++) drawn += page->glyphs[k].ntext;
    if (drawn != want || page->ncps != want) abort();
    display_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const families[] = { "serif", "sans", "mono", "fallback" };
    struct rc_err err = {0};
    struct para p;
    size_t i, start = 1;
    float width;
    if (fonts == NULL && fontset_load("fonts/truetype.manifest", &fonts, &err) != RC_OK) abort();
    if (size < 1) return 0;
    width = 20.0f + (float)(data[0] % 64) * 8.0f;
    para_init(&p);
    /* a byte 0x01..0x04 switches style: family, and bold for 0x02 */
    for (i = 1; i <= size; i++) {
        if (i == size || (data[i] >= 1 && data[i] <= 4)) {
            int s = start > 1 ? data[start - 1] - 1 : 0;
            struct para_style st = { fontset_family(fonts, families[s]), 10.5f, 0, s == 1, -1, 0,
                                     s == 3 ? PARA_FEAT_HALT : 0 };
            char *text = malloc(i - start + 1);
            if (text == NULL) abort();
            memcpy(text, data + start, i - start);
            text[i - start] = '\0';
            para_add(&p, &st, text, NULL);
            free(text);
            start = i + 1;
        }
    }
    if (para_finish(&p, fonts, &err) != RC_OK) return 0;   /* a character no font has */
    check_clusters(&p);
    para_break(&p, width, 21.0f);
    check_lines(&p);
    para_free(&p);
    return 0;
}

/*
** test_colwidth.c: colw_solve on measures set by hand (no fonts): the
** widths add up to the room; no column below its min-content while the
** mins fit; prose gives up width before numbers; headers wrap before body
** tokens are cut; fixed widths raised to min-content; shares of what the
** others leave; a header span widens the columns under it; room to spare
** goes in proportion to max-content.  Then colw_allow_token_breaks on a
** shaped cell: breaks appear, never before closing punctuation.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/layout/colwidth.h"
#include "../../src/text/linebreak.h"

#define FLOOR 17.0f

struct setup { struct colw cw; struct colw_spec spec[8]; float w[8], min[8]; };

static void start(struct setup *s, size_t n) {
    memset(s, 0, sizeof *s);
    colw_init(&s->cw, n, 8);
}

static void column(struct setup *s, size_t c, float body_min, float head_min, float max, int number,
                   enum doc_width_kind kind, float width) {
    s->cw.m[c].body_min = body_min;
    s->cw.m[c].head_min = head_min;
    s->cw.m[c].max = max;
    s->cw.m[c].numbers = number ? 3 : 0;
    s->cw.m[c].texts = number ? 0 : 3;
    s->spec[c].kind = kind;
    s->spec[c].width = width;
}

static float sum(const float *w, size_t n) {
    float t = 0;
    size_t i;
    for (i = 0; i < n; i++) t += w[i];
    return t;
}

static int near(float a, float b) { return fabsf(a - b) < 0.05f; }

static void prose_before_numbers(void) {
    struct setup s;
    start(&s, 3);
    column(&s, 0, 30, 20, 300, 0, DOC_WIDTH_AUTO, 0);   /* long prose */
    column(&s, 1, 40, 20, 60, 1, DOC_WIDTH_AUTO, 0);    /* numbers */
    column(&s, 2, 30, 20, 100, 0, DOC_WIDTH_AUTO, 0);   /* short prose */
    colw_solve(&s.cw, s.spec, 200, FLOOR, s.w, s.min);
    CHECK_MSG(near(sum(s.w, 3), 200), "widths add up to %g", sum(s.w, 3));
    CHECK_MSG(near(s.w[1], 60), "the number column keeps its max-content: %g", s.w[1]);
    /* the prose columns share what is left in proportion to what they want beyond their min */
    CHECK_MSG(near((s.w[0] - 30) / (s.w[2] - 30), 270.0f / 70.0f), "prose shares %g %g", s.w[0], s.w[2]);
    /* tighter than the numbers' max: prose at its min, numbers give up the rest */
    colw_solve(&s.cw, s.spec, 110, FLOOR, s.w, s.min);
    CHECK_MSG(near(s.w[0], 30) && near(s.w[2], 30) && near(s.w[1], 50), "tight: %g %g %g", s.w[0], s.w[1], s.w[2]);
    colw_free(&s.cw);
}

static void header_wraps_first(void) {
    struct setup s;
    start(&s, 2);
    column(&s, 0, 30, 60, 80, 0, DOC_WIDTH_AUTO, 0);    /* a long header word */
    column(&s, 1, 50, 20, 90, 0, DOC_WIDTH_AUTO, 0);
    colw_solve(&s.cw, s.spec, 100, FLOOR, s.w, s.min);
    CHECK_MSG(near(s.min[0], 60) && near(s.min[1], 50), "mins %g %g", s.min[0], s.min[1]);
    /* 110 of mins do not fit 100: the header word gives, the body token does not */
    CHECK_MSG(s.w[1] >= 50 - 0.05f && s.w[0] >= 30 && near(sum(s.w, 2), 100), "header first: %g %g", s.w[0], s.w[1]);
    /* below the body mins: every column shrinks towards one character */
    colw_solve(&s.cw, s.spec, 60, FLOOR, s.w, NULL);
    CHECK_MSG(near(sum(s.w, 2), 60) && s.w[0] >= FLOOR && s.w[1] >= FLOOR && s.w[1] < 50, "cut: %g %g", s.w[0], s.w[1]);
    colw_free(&s.cw);
}

/* A short label ("项目") stays whole beside a long prose column, as
** long as the room allows; then it wraps before any token is cut. */
static void labels_whole(void) {
    struct setup s;
    start(&s, 2);
    column(&s, 0, 17, 17, 26, 0, DOC_WIDTH_AUTO, 0);
    column(&s, 1, 17, 17, 900, 0, DOC_WIDTH_AUTO, 0);
    s.cw.m[0].label = 26;
    colw_solve(&s.cw, s.spec, 300, FLOOR, s.w, NULL);
    CHECK_MSG(near(s.w[0], 26) && near(s.w[1], 274), "the label whole: %g %g", s.w[0], s.w[1]);
    s.cw.m[0].label = 0;        /* as CSS has it: the label column gets almost nothing */
    colw_solve(&s.cw, s.spec, 300, FLOOR, s.w, NULL);
    CHECK_MSG(s.w[0] < 26 - 5, "without labels, CSS's share: %g", s.w[0]);
    s.cw.m[0].label = 26;
    s.cw.m[1].label = 40;
    colw_solve(&s.cw, s.spec, 50, FLOOR, s.w, NULL);
    CHECK_MSG(near(sum(s.w, 2), 50) && s.w[0] >= 17 && s.w[1] >= 17 && s.w[0] < 26, "labels wrap: %g %g", s.w[0], s.w[1]);
    colw_free(&s.cw);
}

static void fixed_and_shares(void) {
    struct setup s;
    start(&s, 4);
    column(&s, 0, 20, 20, 40, 0, DOC_WIDTH_FIXED, 50);   /* fixed, wider than its content */
    column(&s, 1, 70, 20, 80, 1, DOC_WIDTH_FIXED, 30);   /* fixed below its min-content */
    column(&s, 2, 20, 20, 200, 0, DOC_WIDTH_SHARE, 1);
    column(&s, 3, 20, 20, 200, 0, DOC_WIDTH_SHARE, 3);
    colw_solve(&s.cw, s.spec, 400, FLOOR, s.w, NULL);
    CHECK_MSG(near(s.w[0], 50) && near(s.w[1], 70), "fixed %g, raised to min-content %g", s.w[0], s.w[1]);
    CHECK_MSG(near(s.w[3], 3 * s.w[2]) && near(sum(s.w, 4), 400), "shares %g %g", s.w[2], s.w[3]);
    /* a share that would fall below its min-content is held there */
    s.cw.m[2].body_min = 100;
    colw_solve(&s.cw, s.spec, 400, FLOOR, s.w, NULL);
    CHECK_MSG(near(s.w[2], 100) && near(s.w[3], 180), "held share %g, the other %g", s.w[2], s.w[3]);
    colw_free(&s.cw);
    /* fixed columns alone keep their widths: the table is narrower than the room */
    start(&s, 2);
    column(&s, 0, 20, 20, 40, 0, DOC_WIDTH_FIXED, 50);
    column(&s, 1, 20, 20, 40, 1, DOC_WIDTH_FIXED, 60);
    colw_solve(&s.cw, s.spec, 400, FLOOR, s.w, NULL);
    CHECK_MSG(near(s.w[0], 50) && near(s.w[1], 60), "fixed alone: %g %g", s.w[0], s.w[1]);
    colw_free(&s.cw);
}

static void spans_and_spare_room(void) {
    struct setup s;
    struct colw_span *sp;
    start(&s, 3);
    column(&s, 0, 20, 20, 30, 1, DOC_WIDTH_AUTO, 0);
    column(&s, 1, 20, 20, 30, 1, DOC_WIDTH_AUTO, 0);
    column(&s, 2, 20, 20, 60, 0, DOC_WIDTH_AUTO, 0);
    s.cw.spans = calloc(1, sizeof *s.cw.spans);
    s.cw.nspans = s.cw.capspans = 1;
    sp = &s.cw.spans[0];
    sp->col = 0; sp->colspan = 2; sp->min = 50; sp->max = 100;   /* a group title */
    colw_solve(&s.cw, s.spec, 400, FLOOR, s.w, s.min);
    CHECK_MSG(near(s.min[0], 25) && near(s.min[1], 25), "a span's min shared: %g %g", s.min[0], s.min[1]);
    /* max-contents 50 50 60: the spare 240 in proportion */
    CHECK_MSG(near(s.w[0], 50 + 240 * 50 / 160.0f) && near(s.w[2], 60 + 240 * 60 / 160.0f),
              "spare room in proportion: %g %g %g", s.w[0], s.w[1], s.w[2]);
    colw_free(&s.cw);
}

/* A cell of one long token (the URL's first part, up to the break after
** "exampleexample.", is wider than 100), set narrower than it: breaks open inside it,
** none before "%" or "）", none after "（". */
static void token_breaks(void) {
    struct para p;
    size_t i;
    int opened = 0, bad = 0;
    static const char text[] = "https://www.exampleexample.org/a?b=1（20.4%）";
    uint32_t cps[64];
    size_t n = 0;
    memset(&p, 0, sizeof p);
    for (i = 0; text[i];) {            /* decode UTF-8 by hand: ASCII and 3-byte forms only */
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) { cps[n++] = c; i++; }
        else { cps[n++] = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(text[i + 1] & 0x3F) << 6)
                          | (uint32_t)(text[i + 2] & 0x3F); i += 3; }
    }
    p.glyphs = calloc(n, sizeof *p.glyphs);
    p.cps = cps;
    p.nglyphs = n;
    {
        unsigned char brk[64];
        linebreak_analyze(cps, n, brk);
        for (i = 0; i < n; i++) {
            p.glyphs[i].cp = cps[i];
            p.glyphs[i].text = (uint32_t)i;
            p.glyphs[i].ntext = 1;
            p.glyphs[i].advance = 5;
            p.glyphs[i].brk = brk[i];
        }
    }
    CHECK_MSG(colw_token_width(&p) > 100, "one long token: %g", colw_token_width(&p));
    colw_allow_token_breaks(&p, 40);
    for (i = 1; i < n; i++) {
        if (p.glyphs[i].brk != LB_ALLOW) continue;
        opened++;
        if (linebreak_no_start(cps[i]) || linebreak_no_end(cps[i - 1])) bad++;
    }
    CHECK_MSG(opened > 3 && bad == 0, "%d breaks opened, %d where clreq forbids", opened, bad);
    CHECK_MSG(colw_token_width(&p) <= 40 + 0.05f, "every piece fits: %g", colw_token_width(&p));
    free(p.glyphs);
}

int main(void) {
    prose_before_numbers();
    header_wraps_first();
    labels_whole();
    fixed_and_shares();
    spans_and_spare_room();
    token_breaks();
    return CHECK_DONE();
}

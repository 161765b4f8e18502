/*
** colwidth.c: column widths like CSS automatic table layout (see
** colwidth.h), written here because no library lays out tables for us.
**
** Each column has a min-content width (its longest unbreakable token: a
** number with its unit, a date, a URL part, a Latin word, a Han character
** with the punctuation clreq keeps on its line) and a max-content width
** (its widest cell on one line).  As css-tables-3 does, the widths are
** read off a ladder of "guesses", each at least as wide as the one before
** in every column, and interpolated linearly between the two guesses that
** bracket the room:
**
**   0  every column one character wide (tokens cut: the last resort)
**   1  every column at its body min-content (header words may be cut)
**   2  every column at its min-content
**   3  short cells whole: a label of up to four ems ("项目", "新加坡") is
**      one piece, as a word is (CSS would wrap a CJK label anywhere)
**   4  fixed columns at their width
**   5  number columns at max-content as well
**   6  prose columns at max-content as well (shares stay at guess 3)
**
** So prose gives up width before numbers do, headers wrap before a body
** token is cut, and between two guesses each column grows in proportion to
** what it still wants (a long prose column takes most of the room).  Room
** beyond guess 6 goes to the share columns (by their shares), else to the
** automatic columns in proportion to their max-content; fixed columns
** alone keep their widths.
*/
#include <stdlib.h>
#include <string.h>
#include "colwidth.h"
#include "../base/mem.h"
#include "../text/linebreak.h"

#define EPS 0.01f
#define LEVELS 7
#define LABEL_EMS 4.0f     /* a cell this short on one line is a label: kept whole */

void colw_init(struct colw *cw, size_t ncols, float pad) {
    memset(cw, 0, sizeof *cw);
    cw->ncols = ncols;
    cw->pad = pad;
    cw->m = xcalloc(ncols ? ncols : 1, sizeof *cw->m, "column measures");
}

void colw_free(struct colw *cw) {
    free(cw->m);
    free(cw->spans);
    memset(cw, 0, sizeof *cw);
}

/* Width of clusters [from, to) as the end of a line: spaces at either end
** and the last cluster's gap left out. */
static float ink_width(const struct para *p, size_t from, size_t to) {
    float run = 0, ink = 0;
    size_t i;
    for (i = from; i < to; i++) {
        const struct para_glyph *g = &p->glyphs[i];
        if (para_is_space(g)) {
            if (ink > 0) run += g->advance + g->gap;
            continue;
        }
        ink = run + g->advance;
        run += g->advance + g->gap;
    }
    return ink;
}

/* The end of the token that starts at cluster i. */
static size_t token_end(const struct para *p, size_t i) {
    for (i++; i < p->nglyphs && p->glyphs[i].brk == LB_NO; i++) {}
    return i;
}

float colw_token_width(const struct para *p) {
    float widest = 0, w;
    size_t i, e;
    for (i = 0; i < p->nglyphs; i = e) {
        e = token_end(p, i);
        w = ink_width(p, i, e);
        if (w > widest) widest = w;
    }
    return widest;
}

static float maxf(float a, float b) { return a > b ? a : b; }

/* The narrowest width at which p takes at most `lines` lines, between its
** longest token and its natural width: a cell over several rows may wrap
** into as many lines as it has rows without making any row taller. */
static float width_for_lines(struct para *p, size_t lines, float lo, float hi) {
    int k;
    for (k = 0; k < 12 && hi - lo > 0.5f; k++) {
        float mid = (lo + hi) / 2;
        para_break(p, mid, 0);
        if (p->nlines <= lines) hi = mid; else lo = mid;
    }
    return hi;
}

void colw_add(struct colw *cw, size_t col, size_t colspan, size_t rowspan, struct para *p,
              enum colw_kind kind, float extra) {
    float token = colw_token_width(p), min = token + cw->pad, max, natural, label = 0;
    para_break(p, 1e9f, 0);
    natural = para_max_width(p);
    if (p->nlines == 1 && natural <= LABEL_EMS * p->size + EPS) label = natural + extra + cw->pad;
    max = natural;
    if (rowspan > 1 && p->nlines == 1) max = width_for_lines(p, rowspan, token, max);
    max += extra + cw->pad;
    if (col >= cw->ncols || colspan == 0) return;
    if (colspan > 1) {
        struct colw_span *s;
        if (cw->nspans == cw->capspans) {
            cw->capspans = cw->capspans ? mem_mul(cw->capspans, 2) : 8;
            cw->spans = xreallocarray(cw->spans, cw->capspans, sizeof *cw->spans, "column spans");
        }
        s = &cw->spans[cw->nspans++];
        s->col = col;
        s->colspan = col + colspan <= cw->ncols ? colspan : cw->ncols - col;
        s->min = min;
        s->max = max;
        return;
    }
    {
        struct colw_measure *m = &cw->m[col];
        if (kind == COLW_HEAD) m->head_min = maxf(m->head_min, min);
        else m->body_min = maxf(m->body_min, min);
        m->label = maxf(m->label, label);
        m->max = maxf(m->max, max);
        if (kind == COLW_NUMBER) m->numbers++;
        if (kind == COLW_TEXT) m->texts++;
    }
}

/* ---- solving ------------------------------------------------------------------ */

struct col {
    float bmin, min, max;      /* body min-content, min-content, max-content */
    float label;               /* min-content with its short cells whole */
    float target;              /* what guess 6 gives it */
    int number;
};

static int by_colspan(const void *a, const void *b) {
    const struct colw_span *x = a, *y = b;
    return x->colspan < y->colspan ? -1 : x->colspan > y->colspan;
}

/* Add `need` pt to the columns under a span, in proportion to their
** max-content (evenly when they have none). */
static void share_out(struct col *cols, size_t from, size_t n, float need, int to_min) {
    float total = 0;
    size_t k;
    for (k = from; k < from + n; k++) total += cols[k].max;
    for (k = from; k < from + n; k++) {
        float add = total > 0 ? need * cols[k].max / total : need / (float)n;
        if (to_min) cols[k].min += add;
        cols[k].max += add;
    }
}

/* Spans, narrowest first (css-tables-3): a header cell over several
** columns widens them when it is wider than they are together. */
static void resolve_spans(const struct colw *cw, struct col *cols) {
    struct colw_span *spans;
    size_t i, k;
    if (cw->nspans == 0) return;
    spans = xcalloc(cw->nspans, sizeof *spans, "column spans");
    memcpy(spans, cw->spans, cw->nspans * sizeof *spans);
    qsort(spans, cw->nspans, sizeof *spans, by_colspan);
    for (i = 0; i < cw->nspans; i++) {
        const struct colw_span *s = &spans[i];
        float min = 0, max = 0;
        for (k = s->col; k < s->col + s->colspan; k++) { min += cols[k].min; max += cols[k].max; }
        if (s->min > min + EPS) share_out(cols, s->col, s->colspan, s->min - min, 1);
        max = 0;
        for (k = s->col; k < s->col + s->colspan; k++) max += cols[k].max;
        if (s->max > max + EPS) share_out(cols, s->col, s->colspan, s->max - max, 0);
    }
    free(spans);
}

static void resolve(const struct colw *cw, const struct colw_spec *spec, float floor,
                    struct col *cols) {
    size_t c;
    for (c = 0; c < cw->ncols; c++) {
        const struct colw_measure *m = &cw->m[c];
        struct col *x = &cols[c];
        x->bmin = maxf(m->body_min, floor);
        x->min = maxf(x->bmin, m->head_min);
        x->max = maxf(m->max, x->min);
        x->number = spec[c].number || (m->numbers > 0 && m->texts == 0);
    }
    resolve_spans(cw, cols);
    for (c = 0; c < cw->ncols; c++) {
        struct col *x = &cols[c];
        /* a fixed column's width is the script's: its labels may wrap */
        x->label = spec[c].kind == DOC_WIDTH_FIXED ? x->min : maxf(cw->m[c].label, x->min);
        x->max = maxf(x->max, x->label);
        switch (spec[c].kind) {
        case DOC_WIDTH_FIXED: x->target = maxf(spec[c].width, x->min); break;
        case DOC_WIDTH_SHARE: x->target = x->label; break;
        default:              x->target = x->max; break;
        }
    }
}

/* Column c's width in guess `level` (the ladder in the header comment). */
static float guess(const struct col *x, enum doc_width_kind kind, int level, float floor) {
    switch (level) {
    case 0: return floor;
    case 1: return x->bmin;
    case 2: return x->min;
    case 3: return x->label;
    case 4: return kind == DOC_WIDTH_FIXED ? x->target : x->label;
    case 5: return kind == DOC_WIDTH_FIXED || (kind == DOC_WIDTH_AUTO && x->number) ? x->target : x->label;
    default: return x->target;
    }
}

/* Shares of what the other columns leave, none below its min-content
** with its labels whole: a share column that would be is held there, the
** rest share again. */
static void fill_shares(const struct colw_spec *spec, const struct col *cols, size_t n,
                        float left, float *w) {
    unsigned char *held = xcalloc(n, 1, "column shares");
    int again = 1;
    size_t c;
    while (again) {
        float shares = 0, room = left;
        again = 0;
        for (c = 0; c < n; c++) {
            if (spec[c].kind != DOC_WIDTH_SHARE) continue;
            if (held[c]) room -= cols[c].label;
            else shares += spec[c].width;
        }
        for (c = 0; c < n && shares > 0; c++) {
            if (spec[c].kind != DOC_WIDTH_SHARE || held[c]) continue;
            w[c] = room * spec[c].width / shares;
            if (w[c] < cols[c].label - EPS) { w[c] = cols[c].label; held[c] = 1; again = 1; }
        }
    }
    free(held);
}

/* Room beyond guess 6: to the share columns, else to the automatic ones;
** a table of fixed columns only keeps their widths (and is narrower). */
static void spread_excess(const struct colw_spec *spec, const struct col *cols, size_t n,
                          float room, float *w) {
    float others = 0, autos = 0, excess = room;
    size_t c, nshares = 0, nautos = 0;
    for (c = 0; c < n; c++) {
        w[c] = cols[c].target;
        excess -= w[c];
        if (spec[c].kind == DOC_WIDTH_SHARE) nshares++;
        else others += w[c];
        if (spec[c].kind == DOC_WIDTH_AUTO) { autos += cols[c].max; nautos++; }
    }
    if (nshares > 0) { fill_shares(spec, cols, n, room - others, w); return; }
    for (c = 0; c < n; c++)
        if (spec[c].kind == DOC_WIDTH_AUTO)
            w[c] += autos > 0 ? excess * cols[c].max / autos : excess / (float)nautos;
}

void colw_solve(const struct colw *cw, const struct colw_spec *spec, float room, float floor,
                float *w, float *min) {
    size_t n = cw->ncols, c;
    struct col *cols = xcalloc(n ? n : 1, sizeof *cols, "column widths");
    float sum[LEVELS];
    int k;
    resolve(cw, spec, floor, cols);
    for (k = 0; k < LEVELS; k++) {
        sum[k] = 0;
        for (c = 0; c < n; c++) sum[k] += guess(&cols[c], spec[c].kind, k, floor);
    }
    if (room > sum[LEVELS - 1] + EPS) {
        spread_excess(spec, cols, n, room, w);
    } else {
        for (k = 1; k < LEVELS - 1 && room > sum[k] + EPS; k++) {}
        for (c = 0; c < n; c++) {
            float a = guess(&cols[c], spec[c].kind, k - 1, floor), b = guess(&cols[c], spec[c].kind, k, floor);
            float t = sum[k] - sum[k - 1] > EPS ? (room - sum[k - 1]) / (sum[k] - sum[k - 1]) : 1;
            if (t < 0) t = 0;
            w[c] = a + (b - a) * t;
        }
    }
    if (min) for (c = 0; c < n; c++) min[c] = cols[c].min;
    free(cols);
}

/* ---- tokens wider than their column --------------------------------------------- */

/* May a line end before cluster i, as far as clreq's prohibitions say? */
static int may_break_before(const struct para *p, size_t i) {
    return i > 0 && !para_is_space(&p->glyphs[i]) && !para_is_space(&p->glyphs[i - 1])
        && para_cut_allowed(p, i);
}

/* Marks a URL, a date or an amount may break after. */
static int soft_mark(uint32_t cp) {
    return cp == '/' || cp == '.' || cp == '-' || cp == '?' || cp == '&' || cp == '='
        || cp == ',' || cp == ':' || cp == '_';
}

/* Allow breaks in [s, e): after soft marks only, or anywhere. */
static void open_token(struct para *p, size_t s, size_t e, int anywhere) {
    size_t i;
    for (i = s + 1; i < e; i++)
        if ((anywhere || soft_mark(para_last_cp(p, i - 1))) && may_break_before(p, i))
            p->glyphs[i].brk = LB_ALLOW;
}

void colw_allow_token_breaks(struct para *p, float width) {
    size_t i, e, j, f;
    for (i = 0; i < p->nglyphs; i = e) {
        e = token_end(p, i);
        if (ink_width(p, i, e) <= width + EPS) continue;
        open_token(p, i, e, 0);
        for (j = i; j < e; j = f) {          /* pieces still too wide */
            f = token_end(p, j);
            if (f > e) f = e;
            if (ink_width(p, j, f) > width + EPS) open_token(p, j, f, 1);
        }
    }
}

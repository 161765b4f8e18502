/*
** test_linefit.c: the total-fit breaker (src/layout/linefit.c) against
** brute force on small random paragraphs, plus forced breaks, a token
** wider than the line, and a long paragraph; and hyphen_points
** (src/text/hyphen.c) on words whose en-US hyphenation is known.
**
** The model paragraph: tokens of given widths and characters with a gap
** between neighbours (0 pt in Chinese, a space in English) that may
** stretch by `unit` and shrink by `shrink`, as para.c describes glyphs.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/layout/linefit.h"
#include "../../src/text/hyphen.h"

#define MAXTOK 13

struct model {
    size_t n;                 /* tokens */
    double w[MAXTOK], gap, unit, shrink;
    size_t chars[MAXTOK];
    double width, first_width;
};

/* Points: 0 the start, k (1..n-1) a break before token k, n the end. */
static void model_points(const struct model *m, struct lf_point *pt) {
    double x = 0;
    size_t k, c = 0;
    memset(pt, 0, (m->n + 1) * sizeof *pt);
    for (k = 0; k <= m->n; k++) {
        pt[k].end_x = x - m->gap;
        pt[k].end_stretch = k * m->unit - m->unit;
        pt[k].end_shrink = k * m->shrink - m->shrink;
        pt[k].end_chars = c;
        pt[k].start_x = x;
        pt[k].start_stretch = k * m->unit;
        pt[k].start_shrink = k * m->shrink;
        pt[k].start_chars = c;
        if (k < m->n) { x += m->w[k] + m->gap; c += m->chars[k]; }
    }
    pt[m->n].flags = LF_FORCED;
}

/* The adjustment ratio of the line of tokens [a, b), as linefit.c defines it. */
static double ratio(const struct model *m, size_t a, size_t b, int first) {
    double width = 0, slack, st = (double)(b - a - 1) * m->unit, sh = (double)(b - a - 1) * m->shrink;
    size_t k;
    for (k = a; k < b; k++) width += m->w[k] + (k + 1 < b ? m->gap : 0);
    slack = (first ? m->first_width : m->width) - width;
    if (slack >= -0.01) {
        if (b == m->n || slack <= 0.01) return 0;
        return slack / (st > m->unit ? st : m->unit);
    }
    return sh > 0 ? slack / sh : -HUGE_VAL;
}

static int fitness(double r) {
    return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3;
}

/* Demerits of the lines ending before tokens at breaks[0..nb) (the last
** being n); *strict: every line within ratio [-1, 1] (the last only >= -1). */
static double score(const struct model *m, const size_t *breaks, size_t nb, int *strict,
                    int *runt, int *fits) {
    double total = 0;
    size_t a = 0, i, k;
    int prev = 1;
    *strict = 1;
    *runt = 0;
    *fits = 1;
    for (i = 0; i < nb; i++) {
        size_t b = breaks[i], chars = 0;
        double r = ratio(m, a, b, i == 0), bad;
        int fit = fitness(r);
        if (r < -1.0001 || (b != m->n && r > 1)) *strict = 0;
        if (r < -1.0001) *fits = 0;
        bad = r >= 0 ? 100 * r * r * r : 50 * -r * -r * -r;
        if (bad > 1e30) bad = 1e30;
        total += (10 + bad) * (10 + bad);
        if (abs(fit - prev) > 1) total += 3000;
        for (k = a; k < b; k++) chars += m->chars[k];
        if (b == m->n && chars < 2) { total += 1e7; *runt = 1; }
        prev = fit;
        a = b;
    }
    return total;
}

static unsigned long lcg_state = 12345;
static unsigned lcg(unsigned range) {
    lcg_state = lcg_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((lcg_state >> 33) % range);
}

/* Every set of breaks of a random paragraph, against linefit's choice. */
static void test_brute_force(int round) {
    struct model m;
    struct lf_point pt[MAXTOK + 1];
    struct lf_result res;
    size_t breaks[MAXTOK], nb, k, mask, best_nb = 0, best[MAXTOK];
    double best_score = HUGE_VAL, got;
    int any_strict = 0, any_strict_no_runt = 0, any_fits = 0, strict, runt, fits;
    int got_strict, got_runt, got_fits;
    memset(&m, 0, sizeof m);
    m.n = 4 + lcg(MAXTOK - 4);
    for (k = 0; k < m.n; k++) {
        m.chars[k] = 1 + lcg(4);
        m.w[k] = 10.0 * (double)m.chars[k];
    }
    m.gap = round % 2 ? 3.5 : 0;             /* English spaces or Chinese */
    m.unit = 2.5;
    m.shrink = round % 3 == 0 ? 1.2 : 0;
    m.width = 40 + lcg(60);
    m.first_width = m.width - (round % 4 == 0 ? 20 : 0);
    for (k = 0; k < m.n; k++) if (m.w[k] > m.first_width) m.w[k] = m.first_width;
    model_points(&m, pt);
    /* brute force over the breaks before tokens 1..n-1 */
    for (mask = 0; mask < (1UL << (m.n - 1)); mask++) {
        double s;
        nb = 0;
        for (k = 1; k < m.n; k++) if (mask & (1UL << (k - 1))) breaks[nb++] = k;
        breaks[nb++] = m.n;
        s = score(&m, breaks, nb, &strict, &runt, &fits);
        if (fits) any_fits = 1;
        if (!strict) continue;
        any_strict = 1;
        if (!runt) any_strict_no_runt = 1;
        if (s < best_score) { best_score = s; best_nb = nb; memcpy(best, breaks, nb * sizeof *breaks); }
    }
    linefit_break(pt, m.n + 1, m.first_width, m.width, m.unit, &res);
    CHECK_MSG(res.nbreaks > 0 && res.breaks[res.nbreaks - 1] == m.n,
              "round %d: the last break is not the paragraph's end", round);
    for (k = 1; k < res.nbreaks; k++)
        CHECK_MSG(res.breaks[k] > res.breaks[k - 1], "round %d: breaks out of order", round);
    CHECK_MSG(res.loose == !any_strict, "round %d: loose %d, but a set of breaks within the "
              "limit %s", round, res.loose, any_strict ? "exists" : "does not exist");
    got = score(&m, res.breaks, res.nbreaks, &got_strict, &got_runt, &got_fits);
    CHECK_MSG(got_fits || !any_fits, "round %d: an overfull line where none was needed", round);
    if (!res.loose) {
        CHECK_MSG(got_strict, "round %d: a line outside ratio [-1, 1] in the first pass", round);
        CHECK_MSG(got <= best_score * (1 + 1e-9),
                  "round %d: demerits %g, brute force finds %g (%zu lines)", round, got,
                  best_score, best_nb);
        CHECK_MSG(!got_runt || !any_strict_no_runt,
                  "round %d: a one-character last line where a better break exists", round);
    }
    linefit_free(&res);
}

/* A forced break ends a line (not justified, never stretched) and the
** next line starts there with the full width. */
static void test_forced(void) {
    struct model m = { 6, { 30, 30, 30, 30, 30, 30 }, 0, 2.5, 0, { 3, 3, 3, 3, 3, 3 }, 60, 60 };
    struct lf_point pt[7];
    struct lf_result res;
    model_points(&m, pt);
    pt[3].flags = LF_FORCED;          /* a hard break before token 3 */
    linefit_break(pt, 7, 60, 60, 2.5, &res);
    CHECK(res.nbreaks == 4);
    if (res.nbreaks == 4) {
        CHECK(res.breaks[0] == 2 && res.breaks[1] == 3 && res.breaks[2] == 5 && res.breaks[3] == 6);
    }
    CHECK(!res.loose);
    linefit_free(&res);
}

/* A token wider than the line: overfull, in the second pass, and the
** rest of the paragraph still broken well. */
static void test_overfull(void) {
    struct model m = { 5, { 20, 20, 100, 20, 20 }, 0, 2.5, 0, { 2, 2, 10, 2, 2 }, 40, 40 };
    struct lf_point pt[6];
    struct lf_result res;
    model_points(&m, pt);
    linefit_break(pt, 6, 40, 40, 2.5, &res);
    CHECK(res.loose);
    CHECK_MSG(res.nbreaks == 3 && res.breaks[0] == 2 && res.breaks[1] == 3 && res.breaks[2] == 5,
              "%zu lines, ending before %zu %zu %zu", res.nbreaks, res.breaks[0],
              res.nbreaks > 1 ? res.breaks[1] : 0, res.nbreaks > 2 ? res.breaks[2] : 0);
    linefit_free(&res);
}

/* A paragraph of 200,000 characters, Chinese style (a break between any
** two), breaks into full lines: the active list stays a line long. */
static void test_long(void) {
    size_t n = 200000, k, lines = 0;
    struct lf_point *pt = calloc(n + 1, sizeof *pt);
    struct lf_result res;
    if (!pt) { CHECK(!"out of memory"); return; }
    for (k = 0; k <= n; k++) {
        pt[k].end_x = pt[k].start_x = 10.5 * (double)k;
        pt[k].start_stretch = 2.625 * (double)k;
        pt[k].end_stretch = pt[k].start_stretch - 2.625;
        pt[k].end_chars = pt[k].start_chars = k;
    }
    pt[n].flags = LF_FORCED;
    linefit_break(pt, n + 1, 420, 420, 2.625, &res);
    CHECK(!res.loose);
    for (k = 0; k + 1 < res.nbreaks; k++)
        if (res.breaks[k] - (k ? res.breaks[k - 1] : 0) == 40) lines++;
    CHECK_MSG(res.nbreaks == 5000 && lines == 4999, "%zu lines, %zu of 40 characters",
              res.nbreaks, lines);
    linefit_free(&res);
    free(pt);
}

static void word(const char *s, uint32_t *out, size_t *n) {
    for (*n = 0; s[*n]; (*n)++) out[*n] = (unsigned char)s[*n];
}

/* hyphen_points against hyphenations the en-US patterns are known for. */
static void test_hyphen(void) {
    static const struct { const char *word, *want; } cases[] = {
        { "hyphenation", "hy-phen-ation" },
        { "Hyphenation", "Hy-phen-ation" },
        { "telecommunications", "telecom-mu-ni-ca-tions" },
        { "extraordinarily", "ex-traor-di-nar-ily" },
        { "comprehensive", "com-pre-hen-sive" },
    };
    uint32_t cps[64];
    unsigned char at[64];
    size_t i, n, k;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[128];
        size_t len = 0;
        word(cases[i].word, cps, &n);
        CHECK_MSG(hyphen_points(cps, n, at) > 0, "%s: no hyphenation point", cases[i].word);
        for (k = 0; k < n; k++) {
            if (at[k]) got[len++] = '-';
            got[len++] = cases[i].word[k];
        }
        got[len] = 0;
        CHECK_MSG(strcmp(got, cases[i].want) == 0, "%s: got %s, want %s", cases[i].word, got,
                  cases[i].want);
    }
    word("table", cps, &n);          /* shorter than HYPHEN_MIN_WORD */
    CHECK(hyphen_points(cps, n, at) == 0 && !at[1] && !at[2]);
    word("abc1defghij", cps, &n);    /* not letters only */
    CHECK(hyphen_points(cps, n, at) == 0);
}

int main(void) {
    int round;
    for (round = 0; round < 3000; round++) test_brute_force(round);
    test_forced();
    test_overfull();
    test_long();
    test_hyphen();
    return CHECK_DONE();
}

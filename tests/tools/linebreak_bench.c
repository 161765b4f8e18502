/*
** linebreak_bench: what breaking paragraphs into lines costs, total-fit
** against first-fit, for `make bench`.
**
**     linebreak_bench TEXTFILE [PAGES]
**
** TEXTFILE holds paragraphs separated by blank lines (tests/bench.sh
** takes them from the examples' display lists).  Each is shaped once
** (10.5 pt, the serif family of fonts/fonts.manifest), then broken again
** and again at the text width of an A4 page, first-fit and total-fit in
** turn, until PAGES pages of lines (default 200; 40 lines a page) have
** been broken.  Prints ms of this process's CPU time per page for each
** mode (the machines we measure on are shared), the lines per page, and
** the paragraphs' characters.  Shaping is not counted: both modes share it.
** Everything but main is static: the Makefile links the project's objects
** into this program.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../src/base/mem.h"
#include "../../src/font/fontset.h"
#include "../../src/layout/para.h"

#define SIZE 10.5f
#define WIDTH 459.28f              /* A4 less 68 pt margins */
#define INDENT (2 * SIZE)
#define LINES_PER_PAGE 40.0

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    if (!f) return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = xrealloc(buf, cap, "the text");
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    buf[len] = 0;
    return buf;
}

/* Split at blank lines, in place; returns the paragraphs' count. */
static size_t split(char *text, char ***out) {
    size_t n = 0;
    char *p = text, *end;
    *out = NULL;
    while (*p) {
        while (*p == '\n') p++;
        if (!*p) break;
        end = strstr(p, "\n\n");
        *out = xreallocarray(*out, n + 1, sizeof **out, "paragraphs");
        (*out)[n++] = p;
        if (!end) break;
        *end = 0;
        p = end + 2;
    }
    return n;
}

/* Break every paragraph until `pages` pages of lines; ms per page. */
static double run(struct para *ps, size_t n, enum para_fit fit, double pages, double *per_page) {
    double lines = 0, start = now_ms();
    size_t i;
    while (lines < pages * LINES_PER_PAGE) {
        for (i = 0; i < n; i++) {
            ps[i].fit = fit;
            para_break(&ps[i], WIDTH, INDENT);
            lines += (double)ps[i].nlines;
        }
    }
    *per_page = lines / (lines / LINES_PER_PAGE);
    return (now_ms() - start) / (lines / LINES_PER_PAGE);
}

int main(int argc, char **argv) {
    struct fontset *fs;
    struct rc_err err;
    struct para *ps;
    char *text, **paras;
    size_t n, i, chars = 0;
    double pages = argc > 2 ? atof(argv[2]) : 200, lpp, first, total;
    int family;
    if (argc < 2 || pages <= 0) {
        fprintf(stderr, "usage: linebreak_bench TEXTFILE [PAGES]\n");
        return 2;
    }
    if (!(text = read_all(argv[1]))) { fprintf(stderr, "linebreak_bench: cannot read %s\n", argv[1]); return 1; }
    if (fontset_load("fonts/fonts.manifest", &fs, &err) != RC_OK) {
        fprintf(stderr, "linebreak_bench: %s\n", err.msg);
        return 1;
    }
    family = fontset_family(fs, "serif");
    n = split(text, &paras);
    ps = xcalloc(n ? n : 1, sizeof *ps, "paragraphs");
    for (i = 0; i < n; i++) {
        if (para_shape(&ps[i], fs, family, SIZE, paras[i], &err) != RC_OK) {
            fprintf(stderr, "linebreak_bench: paragraph %zu: %s\n", i + 1, err.msg);
            return 1;
        }
        chars += ps[i].nglyphs;
    }
    if (n == 0) { fprintf(stderr, "linebreak_bench: no paragraphs in %s\n", argv[1]); return 1; }
    first = run(ps, n, PARA_FIRST_FIT, pages, &lpp);
    total = run(ps, n, PARA_TOTAL_FIT, pages, &lpp);
    printf("  line breaking, %zu paragraphs (%zu clusters), %.0f pages of %.0f lines:\n",
           n, chars, pages, LINES_PER_PAGE);
    printf("    first-fit  %.3f ms/page\n    total-fit  %.3f ms/page  (%.1fx)\n", first, total,
           first > 0 ? total / first : 0);
    for (i = 0; i < n; i++) para_free(&ps[i]);
    free(ps);
    free(paras);
    free(text);
    fontset_free(fs);
    return 0;
}

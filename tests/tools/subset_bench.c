/*
** subset_bench: what one font subset costs, ours against hb-subset, for
** `make bench` and for the choice recorded in src/font/cff.c and
** src/font/subset.c.
**
**     subset_bench FONT FACE TEXTFILE [RUNS]
**
** The glyphs are those of the distinct characters of TEXTFILE (UTF-8)
** through the face's cmap, as a brief's would be.  Prints one line per
** subsetter: the first call in this process (cold: nothing of the font
** read yet beyond what opening needs) and the median of RUNS more (warm),
** in ms of this process's CPU time (the machines we measure on are shared,
** so wall time would mostly count waiting), and the subset's size.
** hb-subset gets the same glyph ids and its default flags plus
** desubroutinizing for CFF (what an embedder needs).
** Everything but main is static: the Makefile links the project's objects
** into this program.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <hb.h>
#include <hb-subset.h>
#include "../../src/base/buf.h"
#include "../../src/base/utf8.h"
#include "../../src/font/subset.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *read_all(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    char *data;
    long n;
    if (fp == NULL) return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    data = malloc((size_t)n + 1);
    if (data == NULL || fread(data, 1, (size_t)n, fp) != (size_t)n) {
        fclose(fp);
        free(data);
        return NULL;
    }
    fclose(fp);
    *len = (size_t)n;
    return data;
}

/* Distinct glyph ids of the text's characters (0 left out). */
static unsigned text_glyphs(const struct ttf_font *f, const char *text, size_t len,
                            uint16_t *gids) {
    unsigned char *seen = calloc(65536, 1);
    unsigned n = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        uint16_t g;
        i += utf8_decode(text + i, len - i, &cp);
        g = ttf_glyph_index(f, cp);
        if (g && !seen[g]) { seen[g] = 1; gids[n++] = g; }
    }
    free(seen);
    return n;
}

static double ours(const struct ttf_font *f, const uint16_t *gids, unsigned n, size_t *size) {
    struct font_subset *s = font_subset_new(f);
    struct buf out;
    struct rc_err err;
    double t0 = now_ms();
    unsigned i;
    buf_init(&out);
    for (i = 0; i < n; i++) font_subset_add(s, gids[i]);
    if (font_subset_write(s, &out, &err) != RC_OK) { fprintf(stderr, "%s\n", err.msg); exit(1); }
    t0 = now_ms() - t0;
    *size = out.len;
    buf_free(&out);
    font_subset_free(s);
    return t0;
}

static double harfbuzz(hb_face_t *face, int cff, const uint16_t *gids, unsigned n, size_t *size) {
    double t0 = now_ms();
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_t *set = hb_subset_input_glyph_set(in);
    hb_face_t *sub;
    hb_blob_t *blob;
    unsigned i;
    for (i = 0; i < n; i++) hb_set_add(set, gids[i]);
    if (cff) hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE);
    sub = hb_subset_or_fail(face, in);
    if (sub == NULL) { fputs("hb_subset_or_fail failed\n", stderr); exit(1); }
    blob = hb_face_reference_blob(sub);
    *size = hb_blob_get_length(blob);
    t0 = now_ms() - t0;
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    return t0;
}

static void report(const char *who, double cold, double *warm, int runs, size_t size) {
    qsort(warm, (size_t)runs, sizeof *warm, by_double);
    printf("  %-9s cold %6.2f ms, warm %6.2f ms CPU (median of %d), %7.1f KB\n",
           who, cold, warm[runs / 2], runs, size / 1024.0);
}

int main(int argc, char **argv) {
    struct ttf_font *f;
    struct rc_err err;
    uint16_t *gids = calloc(65536, sizeof *gids);
    double cold, *warm;
    size_t len, size;
    char *text;
    unsigned n;
    int runs = argc > 4 ? atoi(argv[4]) : 9, i, cff;
    hb_blob_t *blob;
    hb_face_t *face;
    if (argc < 4 || runs < 1) {
        fputs("usage: subset_bench FONT FACE TEXTFILE [RUNS]\n", stderr);
        return 2;
    }
    if ((text = read_all(argv[3], &len)) == NULL) { perror(argv[3]); return 1; }
    if (ttf_open(argv[1], atoi(argv[2]), &f, &err) != RC_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    warm = calloc((size_t)runs, sizeof *warm);
    n = text_glyphs(f, text, len, gids);
    cff = ttf_outline_kind(f) == TTF_OUTLINE_CFF;
    printf("%s face %s (%s): %u glyphs\n", argv[1], argv[2], cff ? "CFF" : "TrueType", n);
    cold = ours(f, gids, n, &size);
    for (i = 0; i < runs; i++) warm[i] = ours(f, gids, n, &size);
    report("reportc", cold, warm, runs, size);
    blob = hb_blob_create_from_file(argv[1]);
    face = hb_face_create(blob, (unsigned)atoi(argv[2]));
    cold = harfbuzz(face, cff, gids, n, &size);
    for (i = 0; i < runs; i++) warm[i] = harfbuzz(face, cff, gids, n, &size);
    report("hb-subset", cold, warm, runs, size);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    ttf_close(f);
    free(warm);
    free(gids);
    free(text);
    return 0;
}

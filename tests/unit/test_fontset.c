/*
** test_fontset.c: the font manifest (scripts, weights, face names,
** aliases, errors) and per-character face choice, and shaping through
** para: clusters, ligatures, kerning.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "../../src/font/fontset.h"
#include "../../src/layout/para.h"

#define NOTO_CJK "/usr/share/fonts/opentype/noto/"
#define NOTO "/usr/share/fonts/truetype/noto/"
#define DEJAVU "/usr/share/fonts/truetype/dejavu/"

static char manifest_path[64];

/* Write `text` as a manifest and load it; RC code, message in err. */
static int load(const char *text, struct fontset **fs, struct rc_err *err) {
    FILE *f = fopen(manifest_path, "w");
    if (f == NULL) return -1;
    fputs(text, f);
    fclose(f);
    memset(err, 0, sizeof *err);
    *fs = NULL;
    return fontset_load(manifest_path, fs, err);
}

static void expect_error(const char *text, const char *needle) {
    struct fontset *fs;
    struct rc_err err;
    int rc = load(text, &fs, &err);
    CHECK_MSG(rc == RC_FONT && strstr(err.msg, needle), "want an error with '%s', got %d '%s'",
              needle, rc, err.msg);
    fontset_free(fs);
}

static void check_errors(void) {
    expect_error("serif cjk 0 pkg\n", ":1: expected");
    expect_error("serif greek 0 pkg /x.ttf\n", ":1: expected");
    expect_error("serif cjk 0 pkg /x.ttf heavy\n", ":1: expected");
    expect_error("serif cjk \"Noto Serif pkg /x.ttf\n", ":1: expected");
    expect_error("serif = nothing\n", "family 'nothing' is not listed");
    expect_error("serif cjk 0 pkg /x.ttf\nserif = serif\n", ":2: family 'serif' is listed twice");
    expect_error("# only a comment\n", "no fonts listed");
}

static const char NOTO_MANIFEST[] =
    "# comment\n"
    "serif cjk \"Noto Serif CJK SC\" fonts-noto-cjk " NOTO_CJK "NotoSerifCJK-Regular.ttc\n"
    "serif cjk \"Noto Serif CJK SC\" fonts-noto-cjk " NOTO_CJK "NotoSerifCJK-Bold.ttc bold\n"
    "serif thai 0 fonts-noto-core " NOTO "NotoSerifThai-Regular.ttf\n"
    "uming cjk 0 fonts-arphic-uming /usr/share/fonts/truetype/arphic/uming.ttc\n"
    "uming latin 0 fonts-dejavu-core " DEJAVU "DejaVuSerif.ttf\n"
    "uming latin 0 fonts-dejavu-core " DEJAVU "DejaVuSerif-Bold.ttf bold\n"
    "body = uming\n"
    "missing cjk \"No Such Face\" fonts-noto-cjk " NOTO_CJK "NotoSerifCJK-Regular.ttc\n";

static void check_faces(void) {
    struct fontset *fs;
    struct rc_err err;
    int serif, uming, body, missing, face, rc;
    rc = load(NOTO_MANIFEST, &fs, &err);
    CHECK_MSG(rc == RC_OK, "load: %s", err.msg);
    if (rc != RC_OK) return;
    serif = fontset_family(fs, "serif");
    uming = fontset_family(fs, "uming");
    body = fontset_family(fs, "body");
    missing = fontset_family(fs, "missing");
    CHECK(serif >= 0 && uming >= 0 && body >= 0 && missing >= 0);
    /* the same file and face on two lines is one face */
    CHECK(fontset_nfaces(fs) == 7);

    /* by name inside a collection: face 2 of the Regular and of the Bold */
    CHECK(fontset_pick(fs, serif, FS_REGULAR, 0x4E2D, &face, &err) == RC_OK);
    CHECK(face == 0 && fontset_index(fs, face) == 2 && fontset_weight(fs, face) == FS_REGULAR);
    CHECK(fontset_pick(fs, serif, FS_BOLD, 0x4E2D, &face, &err) == RC_OK);
    CHECK(face == 1 && fontset_index(fs, face) == 2 && fontset_weight(fs, face) == FS_BOLD);
    /* Latin in the CJK face (the family has no Latin line) */
    CHECK(fontset_pick(fs, serif, FS_REGULAR, 'A', &face, &err) == RC_OK && face == 0);
    /* Thai in its face; bold Thai falls back to the regular Thai face */
    CHECK(fontset_pick(fs, serif, FS_REGULAR, 0x0E01, &face, &err) == RC_OK && face == 2);
    CHECK(fontset_pick(fs, serif, FS_BOLD, 0x0E01, &face, &err) == RC_OK && face == 2);
    /* a family without bold CJK: the regular face (bold is synthesised) */
    CHECK(fontset_pick(fs, uming, FS_BOLD, 0x4E2D, &face, &err) == RC_OK);
    CHECK(face == 3 && fontset_weight(fs, face) == FS_REGULAR);
    CHECK(fontset_pick(fs, uming, FS_BOLD, 'A', &face, &err) == RC_OK);
    CHECK(face == 5 && fontset_weight(fs, face) == FS_BOLD);
    /* the alias is the same family */
    CHECK(fontset_pick(fs, body, FS_REGULAR, 'A', &face, &err) == RC_OK && face == 4);
    /* no face of that name: the error names the file, the name and the package */
    memset(&err, 0, sizeof err);
    rc = fontset_pick(fs, missing, FS_REGULAR, 0x4E2D, &face, &err);
    CHECK_MSG(rc == RC_FONT && strstr(err.msg, "No Such Face") && strstr(err.msg, "fonts-noto-cjk"),
              "got %d '%s'", rc, err.msg);
    /* a character no face has */
    memset(&err, 0, sizeof err);
    rc = fontset_pick(fs, uming, FS_REGULAR, 0x10FFFD, &face, &err);
    CHECK_MSG(rc == RC_FONT && strstr(err.msg, "U+10FFFD"), "got %d '%s'", rc, err.msg);
    fontset_free(fs);
}

/* Shaping through para: clusters, ligatures, y offsets. */
static void check_shaping(void) {
    static const char manifest[] =
        "serif latin 0 fonts-dejavu-core " DEJAVU "DejaVuSans.ttf\n"
        "serif cjk 0 fonts-arphic-uming /usr/share/fonts/truetype/arphic/uming.ttc\n"
        "serif thai 0 fonts-noto-core " NOTO "NotoSansThai-Regular.ttf\n";
    struct fontset *fs;
    struct rc_err err;
    struct para p;
    size_t i;
    int rc = load(manifest, &fs, &err), serif;
    CHECK_MSG(rc == RC_OK, "load: %s", err.msg);
    if (rc != RC_OK) return;
    serif = fontset_family(fs, "serif");

    /* "office": o, the ffi ligature standing for three characters, c, e */
    rc = para_shape(&p, fs, serif, 10, "office", &err);
    CHECK_MSG(rc == RC_OK, "shape: %s", err.msg);
    if (rc == RC_OK) {
        CHECK(p.nglyphs == 4);
        CHECK(p.nglyphs == 4 && p.glyphs[1].cp == 'f' && p.glyphs[1].ntext == 3
              && p.glyphs[1].nshaped == 1 && p.glyphs[2].cp == 'c');
        para_free(&p);
    }
    /* Thai: ที่ is one cluster (base and two marks), never split */
    rc = para_shape(&p, fs, serif, 10, "\xe0\xb8\x97\xe0\xb8\xb5\xe0\xb9\x88\xe0\xb8\x81", &err);
    CHECK_MSG(rc == RC_OK, "shape: %s", err.msg);
    if (rc == RC_OK) {
        CHECK(p.nglyphs == 2 && p.glyphs[0].ntext == 3 && p.glyphs[0].nshaped == 3);
        CHECK(p.nglyphs == 2 && p.glyphs[1].ntext == 1 && p.glyphs[1].brk == 0);
        para_free(&p);
    }
    /* Han and Latin in one paragraph: faces change, every character kept */
    rc = para_shape(&p, fs, serif, 10, "\xe4\xb8\xad AV \xe4\xb8\xad", &err);
    CHECK_MSG(rc == RC_OK, "shape: %s", err.msg);
    if (rc == RC_OK) {
        size_t chars = 0;
        for (i = 0; i < p.nglyphs; i++) chars += p.glyphs[i].ntext;
        CHECK(chars == p.ncps && p.nglyphs == 6);
        /* kerning: A then V is set closer than their advances */
        CHECK(p.nglyphs == 6 && p.glyphs[2].cp == 'A'
              && p.glyphs[2].advance < fontset_advance(fs, p.glyphs[2].face,
                                                       p.shaped[p.glyphs[2].shaped].gid, 10));
        para_free(&p);
    }
    fontset_free(fs);
}

/* Noto Serif CJK SC (CFF, found by name): its own Latin with ligatures,
** and the halt feature the layout may ask for: half-width brackets. */
static void check_noto(void) {
    static const char manifest[] =
        "serif cjk \"Noto Serif CJK SC\" fonts-noto-cjk " NOTO_CJK "NotoSerifCJK-Regular.ttc\n";
    struct para_style st = { 0, 10, 0, 0, -1, 0, 0 };
    struct fontset *fs;
    struct rc_err err;
    struct para p;
    int rc = load(manifest, &fs, &err);
    CHECK_MSG(rc == RC_OK, "load: %s", err.msg);
    if (rc != RC_OK) return;
    st.family = fontset_family(fs, "serif");
    rc = para_shape(&p, fs, st.family, 10, "office", &err);
    CHECK_MSG(rc == RC_OK, "shape: %s", err.msg);
    if (rc == RC_OK) {
        CHECK(p.nglyphs == 4 && p.glyphs[1].ntext == 3 && p.glyphs[1].nshaped == 1);
        para_free(&p);
    }
    /* （一）: full-width brackets by default, half-width with halt */
    for (st.features = 0; st.features <= PARA_FEAT_HALT; st.features += PARA_FEAT_HALT) {
        para_init(&p);
        para_add(&p, &st, "\xef\xbc\x88\xe4\xb8\x80\xef\xbc\x89", NULL);
        rc = para_finish(&p, fs, &err);
        CHECK_MSG(rc == RC_OK, "shape: %s", err.msg);
        if (rc != RC_OK) continue;
        CHECK_MSG(p.nglyphs == 3 && p.glyphs[0].advance == (st.features ? 5.0f : 10.0f)
                  && p.glyphs[1].advance == 10.0f && p.glyphs[2].advance == p.glyphs[0].advance,
                  "features %u: advances %g %g %g", st.features, p.glyphs[0].advance,
                  p.glyphs[1].advance, p.glyphs[2].advance);
        para_free(&p);
    }
    fontset_free(fs);
}

int main(void) {
    snprintf(manifest_path, sizeof manifest_path, "/tmp/test_fontset.%d.manifest", (int)getpid());
    check_errors();
    check_faces();
    check_shaping();
    check_noto();
    unlink(manifest_path);
    return CHECK_DONE();
}

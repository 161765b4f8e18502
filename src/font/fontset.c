/*
** fontset.c: manifest parsing and per-character font fallback.
**
** Manifest lines are "family role face package file"; see
** fonts/fonts.manifest.  Each line becomes one face slot; a family keeps
** the slot of its CJK face and of its Latin face.  The "fallback" family's
** faces are tried after the family's own, in manifest order.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fontset.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../base/readset.h"

#define FONTSET_MAX 32

struct face_slot {
    char family[32];
    char role[8];          /* "cjk" or "latin" */
    int  face_index;       /* index inside a .ttc */
    char package[64];      /* Debian package that ships the file */
    char path[512];
    struct ttf_font *font; /* NULL until first use */
    int  failed;           /* opening failed once: don't retry */
    struct stat st;        /* the file as opened */
    int  tracked;          /* recorded in the current read-set */
};

struct family {
    char name[32];
    int cjk, latin;        /* slots, -1 if none */
};

struct fontset {
    struct face_slot faces[FONTSET_MAX];
    int nfaces;
    struct family families[FONTSET_MAX];
    int nfamilies;
    int fallback;          /* family index of "fallback", -1 if none */
    struct readset *reads; /* where faces used are recorded (fontset_track) */
};

static struct family *family_get(struct fontset *fs, const char *name) {
    int i;
    for (i = 0; i < fs->nfamilies; i++)
        if (strcmp(fs->families[i].name, name) == 0) return &fs->families[i];
    if (fs->nfamilies == FONTSET_MAX) return NULL;
    struct family *f = &fs->families[fs->nfamilies++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->cjk = f->latin = -1;
    return f;
}

static int parse_line(struct fontset *fs, char *line, const char *path,
                      int lineno, struct rc_err *err) {
    struct face_slot *s;
    struct family *fam;
    char family[32], role[8], package[64], file[512];
    int face;
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    if (sscanf(line, " %31s", family) != 1) return RC_OK;   /* blank */
    if (sscanf(line, " %31s %7s %d %63s %511s", family, role, &face, package, file) != 5
        || (strcmp(role, "cjk") && strcmp(role, "latin")))
        return rc_fail(err, RC_FONT, "%s:%d: expected 'family cjk|latin face package file'",
                       path, lineno);
    if (fs->nfaces == FONTSET_MAX || (fam = family_get(fs, family)) == NULL)
        return rc_fail(err, RC_FONT, "%s:%d: too many fonts", path, lineno);
    s = &fs->faces[fs->nfaces];
    snprintf(s->family, sizeof s->family, "%s", family);
    snprintf(s->role, sizeof s->role, "%s", role);
    snprintf(s->package, sizeof s->package, "%s", package);
    snprintf(s->path, sizeof s->path, "%s", file);
    s->face_index = face;
    if (strcmp(role, "cjk") == 0 && fam->cjk < 0) fam->cjk = fs->nfaces;
    if (strcmp(role, "latin") == 0 && fam->latin < 0) fam->latin = fs->nfaces;
    fs->nfaces++;
    return RC_OK;
}

int fontset_load(const char *path, struct fontset **out, struct rc_err *err) {
    char line[1024];
    int lineno = 0, rc = RC_OK;
    struct stat st;
    struct fontset *fs;
    FILE *f;
    if (fs_fopen_input(path, "the font manifest", &f, &st, err) != RC_OK)
        return err->code = RC_FONT;
    fs = xcalloc(1, sizeof *fs, "a font manifest");
    while (rc == RC_OK && fgets(line, sizeof line, f)) rc = parse_line(fs, line, path, ++lineno, err);
    fclose(f);
    if (rc == RC_OK && fs->nfaces == 0) rc = rc_fail(err, RC_FONT, "%s: no fonts listed", path);
    if (rc != RC_OK) { free(fs); return rc; }
    fs->fallback = fontset_family(fs, "fallback");
    *out = fs;
    return RC_OK;
}

void fontset_free(struct fontset *fs) {
    int i;
    if (fs == NULL) return;
    for (i = 0; i < fs->nfaces; i++) ttf_close(fs->faces[i].font);
    free(fs);
}

int fontset_family(const struct fontset *fs, const char *name) {
    int i;
    for (i = 0; i < fs->nfamilies; i++)
        if (strcmp(fs->families[i].name, name) == 0) return i;
    return -1;
}

int fontset_is_latin(uint32_t cp) {
    if (cp < 0x0250) return cp != 0x00B7 && cp != 0x00D7 && cp != 0x00F7;
    return (cp >= 0x0370 && cp < 0x0530) || (cp >= 0x1E00 && cp < 0x1F00);
}

/* Open slot `i` if needed; RC_FONT names the file and the package. */
static int face_open(struct fontset *fs, int i, struct rc_err *err) {
    struct face_slot *s = &fs->faces[i];
    struct rc_err e = {0};
    if (s->font == NULL) {
        if (s->failed || ttf_open(s->path, s->face_index, &s->font, &e) != RC_OK) {
            s->failed = 1;
            return rc_fail(err, RC_FONT, "font '%s' (%s): %s (Debian package %s)",
                           s->family, s->role, e.code ? e.msg : s->path, s->package);
        }
        if (stat(s->path, &s->st) != 0) memset(&s->st, 0, sizeof s->st);
    }
    if (fs->reads && !s->tracked) {
        readset_add_stat(fs->reads, s->path, &s->st);
        s->tracked = 1;
    }
    return RC_OK;
}

/* Try slot `i` for cp: RC_OK with *gid != 0 when it has the glyph. */
static int try_face(struct fontset *fs, int i, uint32_t cp, uint16_t *gid,
                    struct rc_err *err) {
    int rc;
    *gid = 0;
    if (i < 0) return RC_OK;
    if ((rc = face_open(fs, i, err)) != RC_OK) return rc;
    *gid = ttf_glyph_index(fs->faces[i].font, cp);
    return RC_OK;
}

int fontset_glyph(struct fontset *fs, int family, uint32_t cp,
                  int *face, uint16_t *gid, struct rc_err *err) {
    int order[2 + FONTSET_MAX], n = 0, k, rc;
    const struct family *fam = &fs->families[family];
    const struct family *fb = fs->fallback >= 0 ? &fs->families[fs->fallback] : NULL;
    int latin = fontset_is_latin(cp);
    order[n++] = latin ? fam->latin : fam->cjk;
    order[n++] = latin ? fam->cjk : fam->latin;
    if (fb && fb != fam) {
        order[n++] = latin ? fb->latin : fb->cjk;
        order[n++] = latin ? fb->cjk : fb->latin;
    }
    for (k = 0; k < n; k++) {
        if ((rc = try_face(fs, order[k], cp, gid, err)) != RC_OK) return rc;
        if (*gid) { *face = order[k]; return RC_OK; }
    }
    return rc_fail(err, RC_FONT, "no font of family '%s' or the fallback has a glyph for U+%04X",
                   fam->name, (unsigned)cp);
}

float fontset_advance(const struct fontset *fs, int face, uint16_t gid, float size) {
    const struct ttf_font *f = fs->faces[face].font;
    return (float)ttf_glyph_advance(f, gid) * size / (float)ttf_metrics(f)->units_per_em;
}

float fontset_ascent(const struct fontset *fs, int face, float size) {
    const struct ttf_metrics *m = ttf_metrics(fs->faces[face].font);
    return (float)m->ascent * size / (float)m->units_per_em;
}

float fontset_descent(const struct fontset *fs, int face, float size) {
    const struct ttf_metrics *m = ttf_metrics(fs->faces[face].font);
    return (float)m->descent * size / (float)m->units_per_em;
}

void fontset_track(struct fontset *fs, struct readset *rs) {
    int i;
    fs->reads = rs;
    for (i = 0; i < fs->nfaces; i++) fs->faces[i].tracked = 0;
}

int fontset_nfaces(const struct fontset *fs) { return fs->nfaces; }

struct ttf_font *fontset_face(const struct fontset *fs, int face) {
    return fs->faces[face].font;
}

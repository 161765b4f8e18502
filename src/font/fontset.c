/*
** fontset.c: manifest parsing, opening faces and per-character font
** fallback.
**
** Manifest lines are "family script face package file [weight]"; see
** fonts/fonts.manifest.  `face` is an index into a collection or the
** face's family name in double quotes, looked up in the name table; a
** line "family = other" makes `family` another name for `other`.  Each
** distinct (file, face) is one face, however many lines name it, so the
** PDF embeds it once.  Faces are HarfBuzz fonts: the cmap, advances and
** shaping all come from one hb_font per face, opened on first use.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hb-ot.h>
#include "fontset.h"
#include "program.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../base/readset.h"

#define FONTSET_MAX 64

struct face {
    char spec[64];           /* as the manifest says it: "2" or "Noto Serif CJK SC" */
    int  by_name;            /* spec is a family name */
    int  index;              /* face index in the file, once resolved */
    char package[64];        /* Debian package that ships the file */
    char path[512];
    char label[64];          /* "serif" (cjk, bold): the first line that named it */
    enum font_weight weight;
    hb_face_t *hb_face;      /* NULL until first use */
    hb_font_t *hb;
    int upem;
    struct ttf_font *ttf;    /* for embedding, opened on demand */
    const void *map;         /* the file, mapped once for HarfBuzz and ttf */
    size_t map_len;
    int failed;              /* opening failed once: don't retry */
    struct stat st;          /* the file as opened */
    int tracked;             /* recorded in the current read-set */
};

#define ORDER_MAX (2 * FS_WEIGHT_COUNT * (FS_SCRIPT_COUNT + 1))

struct family {
    char name[32];
    int face[FS_WEIGHT_COUNT][FS_SCRIPT_COUNT];   /* -1: none */
    /* the faces to try for a character, by weight and script: worked out
    ** once at load, since every character asks */
    unsigned char order[FS_WEIGHT_COUNT][FS_SCRIPT_COUNT][ORDER_MAX];
    unsigned char norder[FS_WEIGHT_COUNT][FS_SCRIPT_COUNT];
};

struct fontset {
    struct face faces[FONTSET_MAX];
    int nfaces;
    struct family families[FONTSET_MAX];
    int nfamilies;
    int fallback;            /* family index of "fallback", -1 if none */
    hb_buffer_t *buffer;
    struct shape_cache *shapes;       /* runs shaped, kept while the set is */
    /* Answers already found (a few hundred instructions each, asked for
    ** every character or mark): which of a family's faces serves a
    ** character, and a glyph's ink extents.  Direct-mapped: a clash
    ** replaces. */
    struct pick_memo { uint32_t cp; uint8_t family, weight, k, valid; } picks[4096];
    struct extents_memo { uint32_t key; hb_glyph_extents_t e; uint8_t ok, valid; } extents[2048];
    struct font_programs *programs;   /* subsets' font files, kept while the set is */
    struct readset *reads;   /* where faces used are recorded (fontset_track) */
};

/* Manifest column 2, in enum font_script order. */
static const char *const script_names[FS_SCRIPT_COUNT] = {
    "cjk", "latin", "thai", "lao", "khmer", "myanmar"
};
static const char *const weight_names[FS_WEIGHT_COUNT] = { "regular", "bold" };

static int name_index(const char *const *names, int n, const char *s) {
    int i;
    for (i = 0; i < n; i++) if (strcmp(names[i], s) == 0) return i;
    return -1;
}

static struct family *family_get(struct fontset *fs, const char *name) {
    int i, w, s;
    for (i = 0; i < fs->nfamilies; i++)
        if (strcmp(fs->families[i].name, name) == 0) return &fs->families[i];
    if (fs->nfamilies == FONTSET_MAX) return NULL;
    struct family *f = &fs->families[fs->nfamilies++];
    snprintf(f->name, sizeof f->name, "%s", name);
    for (w = 0; w < FS_WEIGHT_COUNT; w++)
        for (s = 0; s < FS_SCRIPT_COUNT; s++) f->face[w][s] = -1;
    return f;
}

/* Split a line into at most `max` words; a word in double quotes may hold
** spaces.  Returns the count, -1 for an unclosed quote or too many words. */
static int split_words(char *line, char **words, int max) {
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
        if (*p == '\0' || *p == '#') return n;
        if (n == max) return -1;
        if (*p == '"') {
            words[n++] = ++p;
            while (*p && *p != '"') p++;
            if (*p != '"') return -1;
        } else {
            words[n++] = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') p++;
        }
        if (*p == '\0') return n;
        *p++ = '\0';
    }
}

/* The face for (path, spec), added on first mention. */
static int face_get(struct fontset *fs, char **w, int by_name, enum font_weight weight) {
    int i;
    struct face *f;
    for (i = 0; i < fs->nfaces; i++)
        if (strcmp(fs->faces[i].path, w[4]) == 0 && strcmp(fs->faces[i].spec, w[2]) == 0) return i;
    if (fs->nfaces == FONTSET_MAX) return -1;
    f = &fs->faces[fs->nfaces];
    snprintf(f->spec, sizeof f->spec, "%s", w[2]);
    snprintf(f->package, sizeof f->package, "%s", w[3]);
    snprintf(f->path, sizeof f->path, "%s", w[4]);
    snprintf(f->label, sizeof f->label, "'%.20s' (%s, %s)", w[0], w[1], weight_names[weight]);
    f->by_name = by_name;
    f->index = by_name ? -1 : atoi(w[2]);
    f->weight = weight;
    return fs->nfaces++;
}

/* "family = other": the family is another one under a second name. */
static int parse_alias(struct fontset *fs, char **w, const char *path, int lineno,
                       struct rc_err *err) {
    int src = fontset_family(fs, w[2]);
    struct family *fam;
    char name[sizeof fam->name];
    if (src < 0)
        return rc_fail(err, RC_FONT, "%s:%d: family '%s' is not listed above this line",
                       path, lineno, w[2]);
    if (strlen(w[0]) >= sizeof name)
        return rc_fail(err, RC_FONT, "%s:%d: a name is too long", path, lineno);
    if (fontset_family(fs, w[0]) >= 0)
        return rc_fail(err, RC_FONT, "%s:%d: family '%s' is listed twice", path, lineno, w[0]);
    if ((fam = family_get(fs, w[0])) == NULL)
        return rc_fail(err, RC_FONT, "%s:%d: too many fonts", path, lineno);
    memcpy(name, fam->name, sizeof name);
    *fam = fs->families[src];
    memcpy(fam->name, name, sizeof name);
    return RC_OK;
}

static int parse_line(struct fontset *fs, char *line, const char *path,
                      int lineno, struct rc_err *err) {
    char *w[7], *end;
    struct family *fam;
    int n = split_words(line, w, 6), script, weight = FS_REGULAR, by_name, face;
    if (n == 0) return RC_OK;
    if (n == 3 && strcmp(w[1], "=") == 0) return parse_alias(fs, w, path, lineno, err);
    if (n < 5 || (script = name_index(script_names, FS_SCRIPT_COUNT, w[1])) < 0
        || (n == 6 && (weight = name_index(weight_names, FS_WEIGHT_COUNT, w[5])) < 0))
        return rc_fail(err, RC_FONT, "%s:%d: expected 'family cjk|latin|thai|lao|khmer|myanmar "
                       "face package file [regular|bold]'", path, lineno);
    by_name = !(strtol(w[2], &end, 10) >= 0 && *end == '\0' && end != w[2]);
    if (!by_name && strtol(w[2], NULL, 10) > 0xFFFF)
        return rc_fail(err, RC_FONT, "%s:%d: face index %s is out of range", path, lineno, w[2]);
    if (strlen(w[0]) >= sizeof fam->name || strlen(w[2]) >= sizeof fs->faces[0].spec
        || strlen(w[3]) >= sizeof fs->faces[0].package || strlen(w[4]) >= sizeof fs->faces[0].path)
        return rc_fail(err, RC_FONT, "%s:%d: a name is too long", path, lineno);
    if ((fam = family_get(fs, w[0])) == NULL
        || (face = face_get(fs, w, by_name, (enum font_weight)weight)) < 0)
        return rc_fail(err, RC_FONT, "%s:%d: too many fonts", path, lineno);
    if (fam->face[weight][script] < 0) fam->face[weight][script] = face;
    return RC_OK;
}

/* Faces to try for a character of `script`, in order, without repeats:
** the face for its script (bold, else regular: a Latin comma in a bold
** run is better synthesised in the Latin face than taken from a bold
** Thai face), then the family's other faces, then the fallback family's. */
static int fallback_order(const struct fontset *fs, int family, enum font_weight weight,
                          enum font_script script, unsigned char *order) {
    const struct family *fams[2];
    int nfams = 0, n = 0, a, w, s, k;
    fams[nfams++] = &fs->families[family];
    if (fs->fallback >= 0 && fs->fallback != family) fams[nfams++] = &fs->families[fs->fallback];
    for (a = 0; a < nfams; a++)
        for (s = -1; s < FS_SCRIPT_COUNT; s++)
            for (w = weight; w >= FS_REGULAR; w--) {
                int face = fams[a]->face[w][s < 0 ? (int)script : s];
                if (face < 0) continue;
                for (k = 0; k < n && order[k] != face; k++) {}
                if (k == n && n < ORDER_MAX) order[n++] = (unsigned char)face;
            }
    return n;
}

static void plan_fallbacks(struct fontset *fs) {
    int i, w, sc;
    for (i = 0; i < fs->nfamilies; i++)
        for (w = 0; w < FS_WEIGHT_COUNT; w++)
            for (sc = 0; sc < FS_SCRIPT_COUNT; sc++)
                fs->families[i].norder[w][sc] = (unsigned char)fallback_order(
                    fs, i, (enum font_weight)w, (enum font_script)sc, fs->families[i].order[w][sc]);
}

int fontset_load(const char *path, struct fontset **out, struct rc_err *err) {
    char line[1024];
    int lineno = 0, rc = RC_OK;
    struct stat st;
    struct fontset *fs;
    FILE *f;
    if (fs_fopen_input(path, "the font manifest", &f, &st, err) != RC_OK)
        return err->code = RC_FONT;
    fs = xcalloc(1, sizeof *fs, "font set");
    while (rc == RC_OK && fgets(line, sizeof line, f)) rc = parse_line(fs, line, path, ++lineno, err);
    fclose(f);
    if (rc == RC_OK && fs->nfaces == 0) rc = rc_fail(err, RC_FONT, "%s: no fonts listed", path);
    if (rc != RC_OK) { free(fs); return rc; }
    fs->fallback = fontset_family(fs, "fallback");
    plan_fallbacks(fs);
    *out = fs;
    return RC_OK;
}

void fontset_free(struct fontset *fs) {
    int i;
    if (fs == NULL) return;
    for (i = 0; i < fs->nfaces; i++) {
        hb_font_destroy(fs->faces[i].hb);
        hb_face_destroy(fs->faces[i].hb_face);
        ttf_close(fs->faces[i].ttf);
        if (fs->faces[i].map) munmap((void *)fs->faces[i].map, fs->faces[i].map_len);
    }
    hb_buffer_destroy(fs->buffer);
    shape_cache_free(fs->shapes);
    font_programs_free(fs->programs);
    free(fs);
}

int fontset_family(const struct fontset *fs, const char *name) {
    int i;
    for (i = 0; i < fs->nfamilies; i++)
        if (strcmp(fs->families[i].name, name) == 0) return i;
    return -1;
}

enum font_script fontset_script(uint32_t cp) {
    if (cp < 0x0250) return cp != 0x00B7 && cp != 0x00D7 && cp != 0x00F7 ? FS_LATIN : FS_CJK;
    if ((cp >= 0x0300 && cp < 0x0530) || (cp >= 0x1E00 && cp < 0x1F00)) return FS_LATIN;
    if (cp >= 0x0E00 && cp < 0x0E80) return FS_THAI;
    if (cp >= 0x0E80 && cp < 0x0F00) return FS_LAO;
    if ((cp >= 0x1780 && cp < 0x1800) || (cp >= 0x19E0 && cp < 0x1A00)) return FS_KHMER;
    if ((cp >= 0x1000 && cp < 0x10A0) || (cp >= 0xA9E0 && cp < 0xAA00)
        || (cp >= 0xAA60 && cp < 0xAA80)) return FS_MYANMAR;
    return FS_CJK;
}

/* The English family name (id 16, else 1) or full name (id 4) equals `name`. */
static int face_is_named(hb_face_t *face, const char *name) {
    static const hb_ot_name_id_t ids[] = { 16, 1, 4 };
    char got[128];
    size_t k;
    for (k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        unsigned len = sizeof got;
        if (hb_ot_name_get_utf8(face, ids[k], HB_LANGUAGE_INVALID, &len, got) == 0)
            continue;
        if (strcmp(got, name) == 0) return 1;
    }
    return 0;
}

/* Find the face inside the file: by index (checked) or by family name. */
static int face_resolve(struct face *f, hb_blob_t *blob, struct rc_err *err) {
    unsigned count = hb_face_count(blob), i;
    if (count == 0) return rc_fail(err, RC_FONT, "%s: not a font file", f->path);
    if (!f->by_name) {
        if ((unsigned)f->index >= count)
            return rc_fail(err, RC_FONT, "%s has %u face(s), no face %d", f->path, count, f->index);
        return RC_OK;
    }
    for (i = 0; i < count; i++) {
        hb_face_t *face = hb_face_create(blob, i);
        int hit = face_is_named(face, f->spec);
        hb_face_destroy(face);
        if (hit) { f->index = (int)i; return RC_OK; }
    }
    return rc_fail(err, RC_FONT, "%s has no face named \"%s\"", f->path, f->spec);
}

/* Map the face's file, once for HarfBuzz and our reader (ttf.c) both:
** one mapping, so each page of the file is faulted in once.  The input
** checks (a regular file, no FIFO to block on) come with the open. */
static int map_face_file(struct face *f, struct rc_err *err) {
    int fd;
    void *p;
    if (fs_open_input(f->path, "the font file", &fd, &f->st, err) != RC_OK) return err->code;
    if (f->st.st_size <= 0 || (uintmax_t)f->st.st_size > UINT_MAX) {
        close(fd);
        return rc_fail(err, RC_FONT, "cannot read %s: %s", f->path,
                       f->st.st_size <= 0 ? "empty file" : "too large for a font");
    }
    p = mmap(NULL, (size_t)f->st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);                  /* the mapping keeps the file */
    if (p == MAP_FAILED) return rc_fail(err, RC_FONT, "cannot map %s: %s", f->path, strerror(errno));
    f->map = p;
    f->map_len = (size_t)f->st.st_size;
    return RC_OK;
}

/* Open face `i` for shaping if needed; RC_FONT names the file and the package. */
static int face_open(struct fontset *fs, int i, struct rc_err *err) {
    struct face *f = &fs->faces[i];
    struct rc_err e = {0};
    hb_blob_t *blob;
    if (f->hb) return RC_OK;
    if (f->failed) goto fail;
    if (map_face_file(f, &e) != RC_OK) goto fail;
    blob = hb_blob_create(f->map, (unsigned)f->map_len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    if (face_resolve(f, blob, &e) != RC_OK) { hb_blob_destroy(blob); goto fail; }
    f->hb_face = hb_face_create(blob, (unsigned)f->index);
    hb_blob_destroy(blob);
    if (hb_face_get_glyph_count(f->hb_face) == 0) {
        rc_fail(&e, RC_FONT, "%s: face %d has no glyphs", f->path, f->index);
        hb_face_destroy(f->hb_face);
        f->hb_face = NULL;
        goto fail;
    }
    f->upem = (int)hb_face_get_upem(f->hb_face);
    f->hb = hb_font_create(f->hb_face);
    hb_font_set_scale(f->hb, f->upem, f->upem);
    hb_font_make_immutable(f->hb);
    return RC_OK;
fail:
    f->failed = 1;
    return rc_fail(err, RC_FONT, "font %s: %s (Debian package %s)", f->label,
                   e.code ? e.msg : f->path, f->package);
}

/* A face the document uses (tried for a character or embedded): once in
** the read-set of the job being built. */
static void face_used(struct fontset *fs, int i) {
    struct face *f = &fs->faces[i];
    if (fs->reads == NULL || f->tracked) return;
    readset_add_stat(fs->reads, f->path, &f->st);
    f->tracked = 1;
}

void fontset_track(struct fontset *fs, struct readset *rs) {
    int i;
    fs->reads = rs;
    for (i = 0; i < fs->nfaces; i++) fs->faces[i].tracked = 0;
}

int fontset_has(const struct fontset *fs, int face, uint32_t cp) {
    hb_codepoint_t gid;
    return fs->faces[face].hb && hb_font_get_nominal_glyph(fs->faces[face].hb, cp, &gid) && gid;
}

int fontset_pick(struct fontset *fs, int family, enum font_weight weight, uint32_t cp,
                 int *face, struct rc_err *err) {
    enum font_script script = fontset_script(cp);
    const unsigned char *order = fs->families[family].order[weight][script];
    int n = fs->families[family].norder[weight][script], k, rc;
    struct pick_memo *m = &fs->picks[((cp * 2654435761u) ^ (unsigned)(family * 2 + weight))
                                      & (sizeof fs->picks / sizeof *fs->picks - 1)];
    if (m->valid && m->cp == cp && m->family == family && m->weight == weight) {
        for (k = 0; k <= m->k; k++) face_used(fs, order[k]);   /* the faces it read */
        *face = order[m->k];
        return RC_OK;
    }
    for (k = 0; k < n; k++) {
        hb_codepoint_t gid;
        if (fs->faces[order[k]].hb == NULL && (rc = face_open(fs, order[k], err)) != RC_OK)
            return rc;
        face_used(fs, order[k]);
        if (hb_font_get_nominal_glyph(fs->faces[order[k]].hb, cp, &gid) && gid) {
            *face = order[k];
            m->cp = cp;
            m->family = (uint8_t)family;
            m->weight = (uint8_t)weight;
            m->k = (uint8_t)k;
            m->valid = 1;
            return RC_OK;
        }
    }
    return rc_fail(err, RC_FONT, "no font of family '%s' or the fallback has a glyph for U+%04X",
                   fs->families[family].name, (unsigned)cp);
}

int fontset_extents(struct fontset *fs, int face, uint16_t gid, hb_glyph_extents_t *out) {
    uint32_t key = (uint32_t)face << 16 | gid;
    struct extents_memo *m = &fs->extents[(key * 2654435761u >> 8)
                                          & (sizeof fs->extents / sizeof *fs->extents - 1)];
    if (fs->faces[face].hb == NULL) {       /* not open: nothing to remember yet */
        memset(out, 0, sizeof *out);
        return 0;
    }
    if (!m->valid || m->key != key) {
        m->ok = hb_font_get_glyph_extents(fs->faces[face].hb, gid, &m->e);
        if (!m->ok) memset(&m->e, 0, sizeof m->e);
        m->key = key;
        m->valid = 1;
    }
    *out = m->e;
    return m->ok;
}

int fontset_glyph(struct fontset *fs, int family, uint32_t cp,
                  int *face, uint16_t *gid, struct rc_err *err) {
    hb_codepoint_t g = 0;
    int rc = fontset_pick(fs, family, FS_REGULAR, cp, face, err);
    if (rc != RC_OK) return rc;
    hb_font_get_nominal_glyph(fs->faces[*face].hb, cp, &g);
    *gid = (uint16_t)g;
    return RC_OK;
}

enum font_weight fontset_weight(const struct fontset *fs, int face) { return fs->faces[face].weight; }
hb_font_t *fontset_hb(const struct fontset *fs, int face) { return fs->faces[face].hb; }
hb_face_t *fontset_hb_face(const struct fontset *fs, int face) { return fs->faces[face].hb_face; }
int fontset_upem(const struct fontset *fs, int face) { return fs->faces[face].upem; }

hb_buffer_t *fontset_buffer(struct fontset *fs) {
    if (fs->buffer == NULL) fs->buffer = hb_buffer_create();   /* never NULL: an inert buffer */
    hb_buffer_clear_contents(fs->buffer);
    return fs->buffer;
}

struct shape_cache *fontset_shapes(struct fontset *fs) {
    if (fs->shapes == NULL) fs->shapes = shape_cache_new(SHAPE_CACHE_BYTES);
    return fs->shapes;
}

const struct shape_glyph *fontset_shape(struct fontset *fs, struct shape_run *r, unsigned *count) {
    r->font = fs->faces[r->face].hb;
    return shape_cache_shape(fontset_shapes(fs), fontset_buffer(fs), r, count);
}

float fontset_advance(const struct fontset *fs, int face, uint16_t gid, float size) {
    const struct face *f = &fs->faces[face];
    return (float)hb_font_get_glyph_h_advance(f->hb, gid) * size / (float)f->upem;
}

int fontset_nfaces(const struct fontset *fs) { return fs->nfaces; }
const char *fontset_path(const struct fontset *fs, int face) { return fs->faces[face].path; }
int fontset_index(const struct fontset *fs, int face) { return fs->faces[face].index; }

struct font_programs *fontset_programs(struct fontset *fs) {
    if (fs->programs == NULL) fs->programs = font_programs_new();
    return fs->programs;
}

struct ttf_font *fontset_face(struct fontset *fs, int face, struct rc_err *err) {
    struct face *f = &fs->faces[face];
    struct rc_err e = {0};
    if (f->ttf) { face_used(fs, face); return f->ttf; }
    if (face_open(fs, face, err) != RC_OK) return NULL;
    face_used(fs, face);
    if (ttf_open_mapped(f->path, f->index, f->map, f->map_len, &f->ttf, &e) != RC_OK) {
        rc_fail(err, RC_FONT, "font %s: %s (Debian package %s)", f->label, e.msg, f->package);
        return NULL;
    }
    return f->ttf;
}

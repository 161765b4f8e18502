/*
** ttf.c: one face of an OpenType file (.ttf, .otf) or collection (.ttc),
** read in place.  Both outline kinds open: TrueType (glyf/loca) and CFF
** ('OTTO', a CFF table, checked by cff.c when the face opens); this
** module reads only what both share (cmap, hmtx, head, hhea, OS/2, post,
** name) plus the glyf offsets.  CFF2 (variable) outlines are refused: a
** PDF cannot embed them without instancing.
**
** The file is mapped read-only and never copied.  Opening reads only the
** table directory and the small fixed tables (head, hhea, maxp, OS/2, post,
** name), checks that hmtx and loca are as long as those tables say, and
** locates one Unicode cmap subtable; glyph outlines are not touched until
** someone asks for one.  Every offset that comes out of the file is
** checked against the bytes it may point into before it is used, so a
** truncated or hostile file fails with RC_FONT instead of reading past the
** mapping.
**
** Lookups (ttf_glyph_index, ttf_glyph_advance) run once per character of
** laid-out text: they allocate nothing and do a binary search at most
** (about 20 ns for the pair on uming.ttc's 4866 format 12 groups), so
** there is no cache: one would have to be written through the const
** pointers layout holds.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ttf.h"
#include "cff.h"
#include "../base/mem.h"

/* A bounded run of bytes inside the mapping. */
struct span {
    const uint8_t *p;
    size_t len;
};

/* Where the chosen cmap subtable keeps its arrays.  Format 4 arrays are
** segCount big-endian uint16s each; `limit` is the end of the cmap table,
** which bounds glyphIdArray reads (a format 4 length field overflows in
** big CJK fonts, so it cannot be trusted as the bound). */
struct cmap_index {
    int format;                 /* 0 (no Unicode cmap), 4 or 12 */
    unsigned seg_count;
    const uint8_t *end_codes, *start_codes, *id_deltas, *id_range_offsets;
    const uint8_t *limit;
    const uint8_t *groups;      /* format 12: startChar endChar startGlyph */
    uint32_t ngroups;
};

struct ttf_font {
    char *path;
    const uint8_t *file;        /* the whole mapped file */
    size_t file_len;
    int borrowed;               /* file is the caller's mapping (ttf_open_mapped) */
    const uint8_t *dir;         /* this face's table records, 16 bytes each */
    unsigned num_tables;
    int face;                   /* index in a collection, else 0 */
    enum ttf_outline outline;
    struct span head, hhea, maxp, hmtx, loca, glyf, cff;
    unsigned num_glyphs, num_hmetrics;
    int loca_long;
    struct cmap_index cmap;
    struct ttf_metrics metrics;
};

/* ---- reading big-endian values ------------------------------------------ */

static inline uint16_t rd_u16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline int16_t rd_s16(const uint8_t *p) { return (int16_t)rd_u16(p); }
static inline uint32_t rd_u32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t tag_of(const char t[4]) { return rd_u32((const uint8_t *)t); }

/* True when [off, off+len) lies inside a block of `total` bytes; written so
** that no sum can wrap. */
static int fits(size_t total, uint64_t off, uint64_t len) {
    return off <= total && len <= total - off;
}

static int corrupt(const struct ttf_font *f, struct rc_err *err, const char *why) {
    return rc_fail(err, RC_FONT, "%s: corrupt or truncated font: %s", f->path, why);
}

/* ---- table directory ------------------------------------------------------ */

/* The tag's table, or an empty span when the face has none or its record
** points outside the file (treated as absent: only required tables make
** that an error, in find_required). */
static struct span find_table(const struct ttf_font *f, uint32_t tag) {
    struct span s = { NULL, 0 };
    unsigned i;
    for (i = 0; i < f->num_tables; i++) {
        const uint8_t *rec = f->dir + 16 * i;
        if (rd_u32(rec) != tag) continue;
        if (fits(f->file_len, rd_u32(rec + 8), rd_u32(rec + 12))) {
            s.p = f->file + rd_u32(rec + 8);
            s.len = rd_u32(rec + 12);
        }
        break;
    }
    return s;
}

static int find_required(const struct ttf_font *f, const char tag[4], size_t min_len,
                         struct span *out, struct rc_err *err) {
    *out = find_table(f, tag_of(tag));
    if (out->p == NULL || out->len < min_len)
        return rc_fail(err, RC_FONT, "%s: corrupt or truncated font: table '%.4s' %s",
                       f->path, tag, out->p ? "too short" : "missing or out of bounds");
    return RC_OK;
}

/* Number of faces in the file: the collection's count, else 1. */
static uint32_t face_count(const uint8_t *file, size_t len) {
    return len >= 12 && rd_u32(file) == tag_of("ttcf") ? rd_u32(file + 8) : 1;
}

/* Find face `face`'s offset table (the file itself for a plain .ttf) and
** check its version: TrueType or CFF outlines. */
static int read_directory(struct ttf_font *f, int face, struct rc_err *err) {
    size_t off = 0;
    uint32_t version;
    if (f->file_len < 12) return corrupt(f, err, "shorter than a font header");
    if (rd_u32(f->file) == tag_of("ttcf")) {
        uint32_t nfaces = face_count(f->file, f->file_len);
        if (face < 0 || (uint32_t)face >= nfaces)
            return rc_fail(err, RC_FONT, "%s: no face %d in this collection (it has %u)",
                           f->path, face, (unsigned)nfaces);
        if (!fits(f->file_len, 12 + 4 * (uint64_t)face, 4))
            return corrupt(f, err, "collection header cut short");
        off = rd_u32(f->file + 12 + 4 * (size_t)face);
    } else if (face != 0) {
        return rc_fail(err, RC_FONT, "%s: no face %d (not a collection, only face 0)",
                       f->path, face);
    }
    if (!fits(f->file_len, off, 12)) return corrupt(f, err, "offset table out of bounds");
    version = rd_u32(f->file + off);
    if (version == tag_of("OTTO"))
        f->outline = TTF_OUTLINE_CFF;
    else if (version == 0x00010000 || version == tag_of("true"))
        f->outline = TTF_OUTLINE_GLYF;
    else
        return rc_fail(err, RC_FONT, "%s: not an OpenType or TrueType font", f->path);
    f->num_tables = rd_u16(f->file + off + 4);
    if (!fits(f->file_len, off + 12, 16 * (uint64_t)f->num_tables))
        return corrupt(f, err, "table directory out of bounds");
    f->dir = f->file + off + 12;
    return RC_OK;
}

/* ---- fixed tables --------------------------------------------------------- */

static int read_head_hhea_maxp(struct ttf_font *f, struct rc_err *err) {
    struct ttf_metrics *m = &f->metrics;
    int rc;
    if ((rc = find_required(f, "head", 54, &f->head, err)) != RC_OK) return rc;
    if ((rc = find_required(f, "hhea", 36, &f->hhea, err)) != RC_OK) return rc;
    if ((rc = find_required(f, "maxp", 6, &f->maxp, err)) != RC_OK) return rc;
    m->units_per_em = rd_u16(f->head.p + 18);
    /* Callers divide by it; the spec allows 16..16384. */
    if (m->units_per_em < 16 || m->units_per_em > 16384)
        return corrupt(f, err, "head.unitsPerEm out of range");
    m->bbox[0] = rd_s16(f->head.p + 36);
    m->bbox[1] = rd_s16(f->head.p + 38);
    m->bbox[2] = rd_s16(f->head.p + 40);
    m->bbox[3] = rd_s16(f->head.p + 42);
    f->loca_long = rd_s16(f->head.p + 50) != 0;
    m->ascent = rd_s16(f->hhea.p + 4);
    m->descent = rd_s16(f->hhea.p + 6);
    m->line_gap = rd_s16(f->hhea.p + 8);
    f->num_hmetrics = rd_u16(f->hhea.p + 34);
    f->num_glyphs = rd_u16(f->maxp.p + 4);
    if (f->num_glyphs == 0) return corrupt(f, err, "maxp.numGlyphs is 0");
    if (f->num_hmetrics == 0) return corrupt(f, err, "hhea.numberOfHMetrics is 0");
    return RC_OK;
}

/* The CFF table is parsed once here, so that a broken one is reported
** when the face opens (naming it), not when the PDF is written; glyph ids
** past its CharStrings count are treated as absent, like those past
** maxp.numGlyphs. */
static int read_cff(struct ttf_font *f, struct rc_err *err) {
    struct cff_font *cff;
    int rc = find_required(f, "CFF ", 4, &f->cff, err);
    if (rc != RC_OK || (rc = cff_open(f->cff.p, f->cff.len, f->path, &cff, err)) != RC_OK)
        return rc;
    if (cff_num_glyphs(cff) < f->num_glyphs) f->num_glyphs = cff_num_glyphs(cff);
    cff_close(cff);
    return RC_OK;
}

/* hmtx must hold numberOfHMetrics long metrics; loca numGlyphs+1 offsets.
** With that checked once, lookups need no further bounds tests.  A CFF
** face needs its CFF table instead of loca and glyf. */
static int read_hmtx_loca(struct ttf_font *f, struct rc_err *err) {
    int rc;
    if ((rc = find_required(f, "hmtx", 4 * (size_t)f->num_hmetrics, &f->hmtx, err)) != RC_OK)
        return rc;
    if (f->outline == TTF_OUTLINE_CFF) {
        if (find_table(f, tag_of("CFF ")).p == NULL && find_table(f, tag_of("CFF2")).p)
            return rc_fail(err, RC_FONT, "%s: CFF2 (variable) outlines are not supported",
                           f->path);
        return read_cff(f, err);
    }
    if ((rc = find_required(f, "loca", (f->loca_long ? 4 : 2) * ((size_t)f->num_glyphs + 1),
                            &f->loca, err)) != RC_OK)
        return rc;
    return find_required(f, "glyf", 0, &f->glyf, err);
}

/* Whole degrees from a 16.16 fixed-point angle, rounded to nearest. */
static int fixed_to_degrees(uint32_t v) {
    int64_t x = (int32_t)v;
    return (int)((x + (x >= 0 ? 0x8000 : -0x8000)) / 0x10000);
}

static void read_post(struct ttf_font *f) {
    struct span post = find_table(f, tag_of("post"));
    if (post.len < 16) return;
    f->metrics.italic_angle = fixed_to_degrees(rd_u32(post.p + 4));
    f->metrics.fixed_pitch = rd_u32(post.p + 12) != 0;
}

/* yMax of the glyph for `cp` (header bytes 8..9), or `fallback`. */
static int glyph_top(const struct ttf_font *f, uint32_t cp, int fallback) {
    const uint8_t *data;
    size_t len;
    uint16_t gid = ttf_glyph_index(f, cp);
    if (f->outline != TTF_OUTLINE_GLYF || gid == 0
        || ttf_glyph_data(f, gid, &data, &len, NULL) != RC_OK || len < 10)
        return fallback;
    return rd_s16(data + 8);
}

/* OS/2 v2+ has cap and x heights; older tables and fonts without OS/2 get
** them from the outlines of 'H' and 'x', else from typical proportions.
** Runs after the cmap is located. */
static void read_os2(struct ttf_font *f) {
    struct ttf_metrics *m = &f->metrics;
    struct span os2 = find_table(f, tag_of("OS/2"));
    m->weight = 400;
    m->cap_height = m->x_height = 0;
    if (os2.len >= 6 && rd_u16(os2.p + 4) != 0) m->weight = rd_u16(os2.p + 4);
    if (os2.len >= 90 && rd_u16(os2.p) >= 2) {
        m->x_height = rd_s16(os2.p + 86);
        m->cap_height = rd_s16(os2.p + 88);
    }
    if (m->cap_height <= 0) m->cap_height = glyph_top(f, 'H', m->units_per_em * 7 / 10);
    if (m->x_height <= 0) m->x_height = glyph_top(f, 'x', m->units_per_em / 2);
}

/* ---- PostScript name -------------------------------------------------------- */

/* Characters a PDF name may carry unescaped (PDF 32000 7.3.5 and 7.2.2):
** printable ASCII less whitespace and the delimiters; '#' is the escape. */
static int pdf_name_char(unsigned c) {
    return c > 32 && c < 127 && strchr("()<>[]{}/%#", (int)c) == NULL;
}

/* Append c to the NUL-terminated ps_name of length *n if a PDF name may
** carry it; the name is cut at the field's size. */
static void name_append(struct ttf_metrics *m, size_t *n, unsigned c) {
    if (pdf_name_char(c) && *n + 1 < sizeof m->ps_name) m->ps_name[(*n)++] = (char)c;
    m->ps_name[*n] = '\0';
}

/* A name string (UTF-16BE for platform 3, single bytes for platform 1)
** into ps_name, keeping only characters allowed in a PDF name. */
static void name_copy(struct ttf_metrics *m, const uint8_t *str, size_t len, int utf16) {
    size_t i, n = 0;
    m->ps_name[0] = '\0';
    if (utf16) {
        for (i = 0; i + 1 < len; i += 2) name_append(m, &n, rd_u16(str + i));
    } else {
        for (i = 0; i < len; i++) name_append(m, &n, str[i]);
    }
}

/* name id 6 from the name table; platform 3 (Windows, Unicode) preferred
** over 1 (Macintosh Roman).  Returns nonzero when a usable name was found. */
static int ps_name_from_table(struct ttf_font *f) {
    struct span name = find_table(f, tag_of("name"));
    unsigned count, i, pass;
    size_t strings;
    if (name.len < 6) return 0;
    count = rd_u16(name.p + 2);
    strings = rd_u16(name.p + 4);
    if (!fits(name.len, 6, 12 * (uint64_t)count)) count = (unsigned)((name.len - 6) / 12);
    for (pass = 0; pass < 2; pass++) {
        unsigned want_platform = pass == 0 ? 3 : 1;
        for (i = 0; i < count; i++) {
            const uint8_t *rec = name.p + 6 + 12 * i;
            uint64_t off = (uint64_t)strings + rd_u16(rec + 10);
            if (rd_u16(rec) != want_platform || rd_u16(rec + 6) != 6) continue;
            if (want_platform == 1 && rd_u16(rec + 2) != 0) continue;
            if (!fits(name.len, off, rd_u16(rec + 8))) continue;
            name_copy(&f->metrics, name.p + off, rd_u16(rec + 8), want_platform == 3);
            if (f->metrics.ps_name[0]) return 1;
        }
    }
    return 0;
}

/* Fallback: the file's base name without extension, plus the face number
** inside a collection so faces stay distinct. */
static void ps_name_from_path(struct ttf_font *f, int face) {
    const char *base = strrchr(f->path, '/');
    const char *dot;
    char num[16];
    size_t i, n = 0;
    base = base ? base + 1 : f->path;
    dot = strrchr(base, '.');
    f->metrics.ps_name[0] = '\0';
    for (i = 0; base[i] && base + i != dot; i++)
        name_append(&f->metrics, &n, (unsigned char)base[i]);
    if (face > 0) {
        snprintf(num, sizeof num, "-%d", face);
        for (i = 0; num[i]; i++) name_append(&f->metrics, &n, (unsigned char)num[i]);
    }
    if (n == 0) snprintf(f->metrics.ps_name, sizeof f->metrics.ps_name, "Font");
}

/* ---- cmap ------------------------------------------------------------------- */

/* How much we want subtable (platform, encoding, format); 0 = unusable.
** Full-repertoire format 12 first, then BMP format 4. */
static int cmap_rank(unsigned platform, unsigned encoding, unsigned format) {
    if (format == 12 && platform == 3 && encoding == 10) return 4;
    if (format == 12 && platform == 0 && (encoding == 4 || encoding == 6)) return 3;
    if (format == 4 && platform == 3 && encoding == 1) return 2;
    if (format == 4 && platform == 0 && encoding <= 4) return 1;
    return 0;
}

static int cmap_use_format4(struct cmap_index *c, const uint8_t *sub, size_t avail) {
    unsigned seg_x2;
    if (avail < 16) return 0;
    seg_x2 = rd_u16(sub + 6);
    if (seg_x2 == 0 || seg_x2 % 2 || avail < 16 + 4 * (size_t)seg_x2) return 0;
    c->format = 4;
    c->seg_count = seg_x2 / 2;
    c->end_codes = sub + 14;
    c->start_codes = c->end_codes + seg_x2 + 2;   /* skips reservedPad */
    c->id_deltas = c->start_codes + seg_x2;
    c->id_range_offsets = c->id_deltas + seg_x2;
    c->limit = sub + avail;
    return 1;
}

static int cmap_use_format12(struct cmap_index *c, const uint8_t *sub, size_t avail) {
    uint32_t n;
    if (avail < 16) return 0;
    n = rd_u32(sub + 12);
    if (!fits(avail, 16, 12 * (uint64_t)n)) return 0;
    c->format = 12;
    c->groups = sub + 16;
    c->ngroups = n;
    return 1;
}

/* Pick the best-ranked subtable that is well formed.  A face without one
** still opens (our own subsets carry no cmap); every lookup then gives 0. */
static void read_cmap(struct ttf_font *f) {
    struct span cmap = find_table(f, tag_of("cmap"));
    unsigned n, i;
    int best_rank = 0;
    memset(&f->cmap, 0, sizeof f->cmap);
    if (cmap.len < 4) return;
    n = rd_u16(cmap.p + 2);
    if (!fits(cmap.len, 4, 8 * (uint64_t)n)) n = (unsigned)((cmap.len - 4) / 8);
    for (i = 0; i < n; i++) {
        const uint8_t *rec = cmap.p + 4 + 8 * i;
        uint32_t off = rd_u32(rec + 4);
        struct cmap_index candidate;
        int rank, ok;
        if (!fits(cmap.len, off, 2)) continue;
        rank = cmap_rank(rd_u16(rec), rd_u16(rec + 2), rd_u16(cmap.p + off));
        if (rank <= best_rank) continue;
        memset(&candidate, 0, sizeof candidate);
        ok = rd_u16(cmap.p + off) == 4
           ? cmap_use_format4(&candidate, cmap.p + off, cmap.len - off)
           : cmap_use_format12(&candidate, cmap.p + off, cmap.len - off);
        if (ok) { f->cmap = candidate; best_rank = rank; }
    }
}

static uint32_t lookup_format4(const struct cmap_index *c, uint32_t cp) {
    unsigned lo = 0, hi = c->seg_count, off;
    const uint8_t *slot;
    uint16_t g;
    if (cp > 0xFFFF) return 0;
    while (lo < hi) {                       /* first segment with end >= cp */
        unsigned mid = (lo + hi) / 2;
        if (rd_u16(c->end_codes + 2 * mid) < cp) lo = mid + 1; else hi = mid;
    }
    if (lo == c->seg_count || rd_u16(c->start_codes + 2 * lo) > cp) return 0;
    off = rd_u16(c->id_range_offsets + 2 * lo);
    if (off == 0) return (cp + rd_u16(c->id_deltas + 2 * lo)) & 0xFFFF;
    /* glyphIdArray is addressed relative to the idRangeOffset slot itself. */
    slot = c->id_range_offsets + 2 * lo;
    if (!fits((size_t)(c->limit - slot), off + 2 * (uint64_t)(cp - rd_u16(c->start_codes + 2 * lo)), 2))
        return 0;
    g = rd_u16(slot + off + 2 * (cp - rd_u16(c->start_codes + 2 * lo)));
    return g ? (g + rd_u16(c->id_deltas + 2 * lo)) & 0xFFFF : 0;
}

static uint32_t lookup_format12(const struct cmap_index *c, uint32_t cp) {
    uint32_t lo = 0, hi = c->ngroups;
    const uint8_t *grp;
    while (lo < hi) {                       /* first group with end >= cp */
        uint32_t mid = lo + (hi - lo) / 2;
        if (rd_u32(c->groups + 12 * (size_t)mid + 4) < cp) lo = mid + 1; else hi = mid;
    }
    if (lo == c->ngroups) return 0;
    grp = c->groups + 12 * (size_t)lo;
    if (rd_u32(grp) > cp) return 0;
    return rd_u32(grp + 8) + (cp - rd_u32(grp));
}

uint16_t ttf_glyph_index(const struct ttf_font *f, uint32_t cp) {
    uint32_t g = f->cmap.format == 12 ? lookup_format12(&f->cmap, cp)
               : f->cmap.format == 4 ? lookup_format4(&f->cmap, cp) : 0;
    return g < f->num_glyphs ? (uint16_t)g : 0;  /* never hand out a bad id */
}

/* ---- glyphs ---------------------------------------------------------------- */

int ttf_glyph_advance(const struct ttf_font *f, uint16_t gid) {
    unsigned i = gid < f->num_hmetrics ? gid : f->num_hmetrics - 1;
    if (gid >= f->num_glyphs) return 0;
    return rd_u16(f->hmtx.p + 4 * (size_t)i);
}

static uint32_t loca_at(const struct ttf_font *f, unsigned i) {
    return f->loca_long ? rd_u32(f->loca.p + 4 * (size_t)i)
                        : 2 * (uint32_t)rd_u16(f->loca.p + 2 * (size_t)i);
}

int ttf_glyph_data(const struct ttf_font *f, uint16_t gid,
                   const uint8_t **data, size_t *len, struct rc_err *err) {
    uint32_t start, end;
    *data = NULL;
    *len = 0;
    if (gid >= f->num_glyphs)
        return rc_fail(err, RC_FONT, "%s: glyph %u out of range (font has %u)",
                       f->path, (unsigned)gid, f->num_glyphs);
    if (f->outline != TTF_OUTLINE_GLYF)
        return rc_fail(err, RC_FONT, "%s: CFF font has no glyf outlines", f->path);
    start = loca_at(f, gid);
    end = loca_at(f, gid + 1u);
    if (end < start || end > f->glyf.len)
        return rc_fail(err, RC_FONT, "%s: corrupt font: loca entry of glyph %u points "
                       "outside glyf", f->path, (unsigned)gid);
    *data = f->glyf.p + start;
    *len = end - start;
    return RC_OK;
}

/* ---- faces of a collection by family name ---------------------------------- */

/* Equality of a name string (UTF-16BE when utf16) with the ASCII `want`,
** ignoring ASCII case; a name with other characters never matches. */
static int name_equals(const uint8_t *str, size_t len, int utf16, const char *want) {
    size_t i, n = strlen(want), step = utf16 ? 2 : 1;
    if (len != n * step) return 0;
    for (i = 0; i < n; i++) {
        unsigned c = utf16 ? rd_u16(str + 2 * i) : str[i];
        unsigned w = (unsigned char)want[i];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (w >= 'A' && w <= 'Z') w += 32;
        if (c != w) return 0;
    }
    return 1;
}

/* Whether the face's name table calls its family `family`: typographic
** family (name id 16) or family (id 1), Windows Unicode or Mac Roman. */
static int has_family(const struct ttf_font *f, const char *family) {
    struct span name = find_table(f, tag_of("name"));
    unsigned count, i;
    size_t strings;
    if (name.len < 6) return 0;
    count = rd_u16(name.p + 2);
    strings = rd_u16(name.p + 4);
    if (!fits(name.len, 6, 12 * (uint64_t)count)) count = (unsigned)((name.len - 6) / 12);
    for (i = 0; i < count; i++) {
        const uint8_t *rec = name.p + 6 + 12 * i;
        unsigned platform = rd_u16(rec), id = rd_u16(rec + 6);
        uint64_t off = (uint64_t)strings + rd_u16(rec + 10);
        if ((id != 1 && id != 16) || (platform != 3 && platform != 1)) continue;
        if (platform == 1 && rd_u16(rec + 2) != 0) continue;
        if (!fits(name.len, off, rd_u16(rec + 8))) continue;
        if (name_equals(name.p + off, rd_u16(rec + 8), platform == 3, family)) return 1;
    }
    return 0;
}

static int map_file(struct ttf_font *f, struct rc_err *err);

int ttf_face_by_family(const char *path, const char *family, int *face,
                       struct rc_err *err) {
    struct ttf_font f;
    uint32_t i, n;
    int rc;
    memset(&f, 0, sizeof f);
    f.path = (char *)path;
    *face = -1;
    if ((rc = map_file(&f, err)) != RC_OK) return rc;
    n = face_count(f.file, f.file_len);
    for (i = 0; i < n && i < 0x10000 && *face < 0; i++) {
        struct rc_err ignored;
        if (read_directory(&f, (int)i, &ignored) == RC_OK && has_family(&f, family))
            *face = (int)i;
    }
    munmap((void *)f.file, f.file_len);
    if (*face < 0)
        return rc_fail(err, RC_FONT, "%s: no face of family \"%s\" in this file", path, family);
    return RC_OK;
}

/* ---- open and close --------------------------------------------------------- */

static int map_file(struct ttf_font *f, struct rc_err *err) {
    struct stat st;
    void *p;
    int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);   /* a FIFO must not block */
    if (fd < 0) return rc_fail(err, RC_FONT, "%s: cannot open font: %s", f->path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return rc_fail(err, RC_FONT, "%s: cannot open font: %s", f->path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return rc_fail(err, RC_FONT, "%s: cannot open font: not a regular file", f->path);
    }
    if (st.st_size < 12) {      /* mmap of 0 bytes fails; nothing to read anyway */
        close(fd);
        return corrupt(f, err, "shorter than a font header");
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);                  /* the mapping keeps the file */
    if (p == MAP_FAILED)
        return rc_fail(err, RC_FONT, "%s: cannot map font: %s", f->path, strerror(errno));
    f->file = p;
    f->file_len = (size_t)st.st_size;
    return RC_OK;
}

static int read_face(struct ttf_font *f, int face, struct rc_err *err) {
    int rc;
    if ((rc = read_directory(f, face, err)) != RC_OK) return rc;
    if ((rc = read_head_hhea_maxp(f, err)) != RC_OK) return rc;
    if ((rc = read_hmtx_loca(f, err)) != RC_OK) return rc;
    read_cmap(f);
    read_post(f);
    read_os2(f);
    if (!ps_name_from_table(f)) ps_name_from_path(f, face);
    return RC_OK;
}

int ttf_open(const char *path, int face, struct ttf_font **out, struct rc_err *err) {
    struct ttf_font *f = xcalloc(1, sizeof *f, "a font");
    int rc;
    *out = NULL;
    f->path = xstrdup(path, "a font path");
    f->face = face;
    if ((rc = map_file(f, err)) == RC_OK) rc = read_face(f, face, err);
    if (rc != RC_OK) {
        ttf_close(f);
        return rc;
    }
    *out = f;
    return RC_OK;
}

int ttf_open_mapped(const char *path, int face, const void *data, size_t len,
                    struct ttf_font **out, struct rc_err *err) {
    struct ttf_font *f = xcalloc(1, sizeof *f, "a font");
    int rc = RC_OK;
    *out = NULL;
    f->path = xstrdup(path, "a font path");
    f->face = face;
    f->file = data;
    f->file_len = len;
    f->borrowed = 1;
    if (len < 12) rc = corrupt(f, err, "shorter than a font header");
    if (rc == RC_OK) rc = read_face(f, face, err);
    if (rc != RC_OK) {
        ttf_close(f);
        return rc;
    }
    *out = f;
    return RC_OK;
}

void ttf_close(struct ttf_font *f) {
    if (f == NULL) return;
    if (f->file && !f->borrowed) munmap((void *)f->file, f->file_len);
    free(f->path);
    free(f);
}

const struct ttf_metrics *ttf_metrics(const struct ttf_font *f) { return &f->metrics; }
const char *ttf_path(const struct ttf_font *f) { return f->path; }
enum ttf_outline ttf_outline_kind(const struct ttf_font *f) { return f->outline; }
int ttf_face_index(const struct ttf_font *f) { return f->face; }
unsigned ttf_num_glyphs(const struct ttf_font *f) { return f->num_glyphs; }

const uint8_t *ttf_table(const struct ttf_font *f, const char tag[4], size_t *len) {
    struct span s = find_table(f, tag_of(tag));
    *len = s.len;
    return s.p;
}

/*
** cff.c: our own CID-keyed CFF subsetter, for the CFF outlines of OpenType
** faces (Noto Serif/Sans CJK SC).
**
** Why not hb-subset: it is correct but costs half a brief.  Measured with
** tests/tools/subset_bench (`make bench`; CPU time, the machine being
** shared) for the 398 glyphs of the SGP ASEAN brief in Noto Serif CJK SC
** (face 2 of NotoSerifCJK-Regular.ttc):
**     hb_subset_or_fail, desubroutinized   cold 17-22 ms, warm 14-19 ms, 183 KB
**     this file                           cold  2-3 ms,  warm 1.1-1.7 ms, 97 KB
** ("cold": first call in a process; a whole brief is 25-45 ms of CPU.)
** The designs the issue names around hb-subset either keep its cost on
** every miss (a cache of whole subsets keyed by glyph set misses in a batch
** of different briefs) or need a persistent per-glyph cache kept valid
** under concurrent batch workers, read-only homes and corrupt files, and
** still need a CFF writer of our own to assemble the pieces.  Reading the
** source CFF directly and flattening only the used charstrings needs no
** cache at all: nothing to invalidate, lock, validate or clear, and the
** cold cost is the page cache's, not ours.  The subset is smaller too:
** hb-subset keeps GSUB/GPOS/cmap and the rest, which a PDF does not read.
**
** What it writes (TN 5176; CID-keyed per TN 5176 18 and PDF 32000 9.7.4.2):
** Header, Name INDEX, Top DICT (ROS Adobe-Identity-0, CIDCount, charset,
** CharStrings, FDArray, FDSelect, and the source's FontBBox/FontMatrix),
** String INDEX ("Adobe", "Identity"), an empty Global Subr INDEX, the
** charset (subset glyph -> CID = source glyph id), FDSelect, the
** CharStrings INDEX of flattened charstrings, the FDArray (one Font DICT
** per source Font DICT used) and their Private DICTs copied without Subrs.
** Flattening inlines callsubr/callgsubr and drops return; operands, hints
** and hintmask bytes are copied as they are, so the outline is the
** source's exactly (tests/tools/glyphcheck.py compares them).
**
** Why a bare CID-keyed CFF whose CIDs are the source glyph ids: it is
** what FontFile3 /CIDFontType0C holds (PDF 1.3), with no sfnt wrapper
** and its tables to write as /OpenType would need (PDF 1.6); poppler maps
** a CID to its glyph through the charset, FreeType (MuPDF) treats glyph
** indices of a CID-keyed CFF as CIDs, and both draw every example right
** (tests/e2e/glyphs.py, `mutool draw`, 150 dpi renders).  Keeping source
** ids as CIDs means the PDF itself says which source glyph was drawn, so
** the glyph check needs no side channel once shaping substitutes glyphs,
** and a content stream's codes do not depend on the order glyphs were
** first seen.
**
** Hostile input: every INDEX, DICT and charstring offset is checked against
** the table; subroutine nesting is limited to 10 (TN 5177), the operand
** stack to 48, and the charstring bytes interpreted per glyph to 1 MB (so
** subroutines that call each other exponentially cannot hang a build).
** Charstrings with the arithmetic/storage operators or seac (deprecated,
** unused by fonts we know; seac cannot work in a CID-keyed font) are
** refused with a message naming the font and glyph, never drawn wrong.
*/
#include <stdlib.h>
#include <string.h>
#include "cff.h"
#include "../base/mem.h"

enum {
    MAX_FDS = 256,           /* FDSelect holds a byte */
    MAX_STACK = 48,          /* Type 2 argument stack (TN 5177 appendix B) */
    MAX_SUBR_DEPTH = 10,
    MAX_WORK = 1 << 20,      /* charstring bytes interpreted per glyph */
    SID_ADOBE = 391,         /* first non-standard string */
    SID_IDENTITY = 392
};

/* DICT operators (12 x written as 1200 + x). */
enum {
    OP_FONTBBOX = 5, OP_CHARSTRINGS = 17, OP_PRIVATE = 18, OP_SUBRS = 19,
    OP_CHARSTRINGTYPE = 1206, OP_FONTMATRIX = 1207, OP_ROS = 1230,
    OP_CIDCOUNT = 1234, OP_FDARRAY = 1236, OP_FDSELECT = 1237
};

struct cff_index {
    const uint8_t *offsets;  /* count + 1 offsets of offsize bytes */
    const uint8_t *data;     /* the object data; offsets count from 1 */
    unsigned count, offsize;
    size_t data_len;
    size_t end;              /* table offset just past the INDEX */
};

struct cff_fd {
    const uint8_t *priv;     /* the Private DICT */
    size_t priv_len;
    struct cff_index subrs;  /* local subroutines (count 0: none) */
    int bias;
    const uint8_t *matrix;   /* FontMatrix entry of the Font DICT, or NULL */
    size_t matrix_len;
};

struct cff_font {
    const uint8_t *data;
    size_t len;
    const char *what;
    struct cff_index charstrings, gsubrs;
    int gbias;
    struct cff_fd *fds;
    unsigned nfds;
    const uint8_t *fdselect; /* NULL: every glyph uses Font DICT 0 */
    unsigned fdselect_format, nranges;
    const uint8_t *bbox, *matrix;   /* Top DICT entries copied as they are */
    size_t bbox_len, matrix_len;
};

static inline unsigned rd_u16(const uint8_t *p) { return (unsigned)(p[0] << 8 | p[1]); }

static unsigned rd_offset(const uint8_t *p, unsigned size) {
    unsigned v = 0;
    while (size--) v = v << 8 | *p++;
    return v;
}

static int fits(size_t total, uint64_t off, uint64_t len) {
    return off <= total && len <= total - off;
}

static int corrupt(const struct cff_font *c, struct rc_err *err, const char *why) {
    return rc_fail(err, RC_FONT, "%s: corrupt or truncated CFF table: %s", c->what, why);
}

/* ---- INDEX ------------------------------------------------------------------ */

static int read_index(const struct cff_font *c, uint64_t at, struct cff_index *ix,
                      struct rc_err *err) {
    uint64_t start;
    unsigned last;
    memset(ix, 0, sizeof *ix);
    if (!fits(c->len, at, 2)) return corrupt(c, err, "INDEX out of bounds");
    ix->count = rd_u16(c->data + at);
    if (ix->count == 0) { ix->end = (size_t)at + 2; return RC_OK; }
    if (!fits(c->len, at, 3)) return corrupt(c, err, "INDEX out of bounds");
    ix->offsize = c->data[at + 2];
    if (ix->offsize < 1 || ix->offsize > 4) return corrupt(c, err, "INDEX offSize not 1-4");
    start = at + 3 + (uint64_t)(ix->count + 1) * ix->offsize;
    if (!fits(c->len, at + 3, start - at - 3))
        return corrupt(c, err, "INDEX offsets out of bounds");
    ix->offsets = c->data + at + 3;
    last = rd_offset(ix->offsets + (size_t)ix->count * ix->offsize, ix->offsize);
    if (last < 1 || !fits(c->len, start, last - 1))
        return corrupt(c, err, "INDEX data out of bounds");
    ix->data = c->data + start;
    ix->data_len = last - 1;
    ix->end = (size_t)start + last - 1;
    return RC_OK;
}

/* Object i of an INDEX; 0 when its offsets are out of order or bounds. */
static int index_item(const struct cff_index *ix, unsigned i, const uint8_t **p, size_t *n) {
    unsigned a, b;
    if (i >= ix->count) return 0;
    a = rd_offset(ix->offsets + (size_t)i * ix->offsize, ix->offsize);
    b = rd_offset(ix->offsets + (size_t)(i + 1) * ix->offsize, ix->offsize);
    if (a < 1 || b < a || b - 1 > ix->data_len) return 0;
    *p = ix->data + a - 1;
    *n = b - a;
    return 1;
}

static int subr_bias(unsigned count) {
    return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

/* ---- DICT ------------------------------------------------------------------- */

struct dict_entry {
    unsigned op;
    int nargs;
    int64_t args[MAX_STACK];     /* integers; reals read as 0 */
    const uint8_t *start, *end;  /* the operands and operator, as bytes */
};

/* The next entry of the DICT [*p, end): 1, 0 at its end, -1 if malformed. */
static int dict_next(const uint8_t **p, const uint8_t *end, struct dict_entry *e) {
    const uint8_t *q = *p;
    e->nargs = 0;
    e->start = q;
    if (q == end) return 0;
    while (q < end) {
        unsigned b = *q;
        int64_t v;
        if (b <= 21) {
            if (b == 12) {
                if (q + 1 >= end) return -1;
                e->op = 1200 + q[1];
                q += 2;
            } else {
                e->op = b;
                q++;
            }
            e->end = *p = q;
            return 1;
        }
        if (b == 28) {
            if (end - q < 3) return -1;
            v = (int16_t)rd_u16(q + 1); q += 3;
        } else if (b == 29) {
            if (end - q < 5) return -1;
            v = (int32_t)((uint32_t)q[1] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 8 | q[4]);
            q += 5;
        } else if (b == 30) {                 /* real: nibbles up to an 0xf */
            for (q++; q < end && (*q & 0x0F) != 0x0F && (*q >> 4) != 0x0F; q++) {}
            if (q == end) return -1;
            q++;
            v = 0;
        } else if (b >= 32 && b <= 246) {
            v = (int)b - 139; q++;
        } else if (b >= 247 && b <= 250) {
            if (end - q < 2) return -1;
            v = ((int)b - 247) * 256 + q[1] + 108; q += 2;
        } else if (b >= 251 && b <= 254) {
            if (end - q < 2) return -1;
            v = -((int)b - 251) * 256 - q[1] - 108; q += 2;
        } else {
            return -1;
        }
        if (e->nargs == MAX_STACK) return -1;
        e->args[e->nargs++] = v;
    }
    return -1;                                /* operands without an operator */
}

/* The Private DICT at [offset, offset + size) and its local Subrs. */
static int read_private(const struct cff_font *c, int64_t size, int64_t offset,
                        struct cff_fd *fd, struct rc_err *err) {
    const uint8_t *p, *end;
    struct dict_entry e;
    int r;
    if (size < 0 || offset < 0 || !fits(c->len, (uint64_t)offset, (uint64_t)size))
        return corrupt(c, err, "Private DICT out of bounds");
    fd->priv = p = c->data + offset;
    fd->priv_len = (size_t)size;
    end = p + size;
    while ((r = dict_next(&p, end, &e)) > 0) {
        if (e.op != OP_SUBRS) continue;
        if (e.nargs < 1 || e.args[0] < 0) return corrupt(c, err, "bad Subrs offset");
        if (read_index(c, (uint64_t)offset + (uint64_t)e.args[0], &fd->subrs, err) != RC_OK)
            return RC_FONT;
    }
    if (r < 0) return corrupt(c, err, "malformed Private DICT");
    fd->bias = subr_bias(fd->subrs.count);
    return RC_OK;
}

/* The Font DICTs of a CID-keyed font: each one's FontMatrix and Private. */
static int read_fdarray(struct cff_font *c, int64_t at, struct rc_err *err) {
    struct cff_index fda;
    unsigned i;
    if (at < 0 || read_index(c, (uint64_t)at, &fda, err) != RC_OK)
        return at < 0 ? corrupt(c, err, "bad FDArray offset") : RC_FONT;
    if (fda.count == 0 || fda.count > MAX_FDS) return corrupt(c, err, "FDArray count out of range");
    c->nfds = fda.count;
    c->fds = xcalloc(c->nfds, sizeof *c->fds, "CFF Font DICTs");
    for (i = 0; i < fda.count; i++) {
        const uint8_t *p, *end;
        size_t n;
        struct dict_entry e;
        int r, has_private = 0;
        if (!index_item(&fda, i, &p, &n)) return corrupt(c, err, "FDArray entry out of bounds");
        end = p + n;
        while ((r = dict_next(&p, end, &e)) > 0) {
            if (e.op == OP_FONTMATRIX) {
                c->fds[i].matrix = e.start;
                c->fds[i].matrix_len = (size_t)(e.end - e.start);
            } else if (e.op == OP_PRIVATE && e.nargs == 2) {
                if (read_private(c, e.args[0], e.args[1], &c->fds[i], err) != RC_OK) return RC_FONT;
                has_private = 1;
            }
        }
        if (r < 0 || !has_private) return corrupt(c, err, "Font DICT malformed or without Private");
    }
    return RC_OK;
}

/* FDSelect format 0 (a byte per glyph) or 3 (ranges), checked whole so
** that lookups need no tests. */
static int read_fdselect(struct cff_font *c, int64_t at, struct rc_err *err) {
    unsigned nglyphs = c->charstrings.count, i, prev = 0;
    const uint8_t *r;
    if (at < 0 || !fits(c->len, (uint64_t)at, 1)) return corrupt(c, err, "FDSelect out of bounds");
    c->fdselect_format = c->data[at];
    c->fdselect = c->data + at + 1;
    if (c->fdselect_format == 0) {
        if (!fits(c->len, (uint64_t)at + 1, nglyphs))
            return corrupt(c, err, "FDSelect out of bounds");
        for (i = 0; i < nglyphs; i++)
            if (c->fdselect[i] >= c->nfds)
                return corrupt(c, err, "FDSelect names a missing Font DICT");
        return RC_OK;
    }
    if (c->fdselect_format != 3 || !fits(c->len, (uint64_t)at + 1, 2))
        return corrupt(c, err, "FDSelect format not 0 or 3");
    c->nranges = rd_u16(c->fdselect);
    if (c->nranges == 0 || !fits(c->len, (uint64_t)at + 3, 3 * (uint64_t)c->nranges + 2))
        return corrupt(c, err, "FDSelect ranges out of bounds");
    for (i = 0, r = c->fdselect + 2; i < c->nranges; i++, r += 3) {
        unsigned first = rd_u16(r);
        if ((i == 0 && first != 0) || (i > 0 && first <= prev) || r[2] >= c->nfds)
            return corrupt(c, err, "FDSelect ranges out of order");
        prev = first;
    }
    if (rd_u16(r) <= prev || rd_u16(r) < nglyphs)
        return corrupt(c, err, "FDSelect sentinel too small");
    return RC_OK;
}

static unsigned fd_of(const struct cff_font *c, unsigned gid) {
    const uint8_t *ranges;
    unsigned lo = 0, hi;
    if (c->fdselect == NULL) return 0;
    if (c->fdselect_format == 0) return c->fdselect[gid];
    ranges = c->fdselect + 2;
    hi = c->nranges;                     /* last range whose first <= gid */
    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (rd_u16(ranges + 3 * mid) <= gid) lo = mid; else hi = mid;
    }
    return ranges[3 * lo + 2];
}

struct top_dict {
    int64_t charstrings, fdarray, fdselect, priv_size, priv_offset;
    int cid_keyed, has_private, charstring_type;
};

static int read_top_dict(struct cff_font *c, const uint8_t *p, size_t n, struct top_dict *t,
                         struct rc_err *err) {
    const uint8_t *end = p + n;
    struct dict_entry e;
    int r;
    memset(t, 0, sizeof *t);
    t->charstrings = t->fdarray = t->fdselect = -1;
    t->charstring_type = 2;
    while ((r = dict_next(&p, end, &e)) > 0) {
        int64_t a0 = e.nargs > 0 ? e.args[0] : -1;
        switch (e.op) {
        case OP_CHARSTRINGS: t->charstrings = a0; break;
        case OP_FDARRAY: t->fdarray = a0; break;
        case OP_FDSELECT: t->fdselect = a0; break;
        case OP_ROS: t->cid_keyed = 1; break;
        case OP_CHARSTRINGTYPE: t->charstring_type = (int)a0; break;
        case OP_PRIVATE:
            if (e.nargs == 2) {
                t->priv_size = e.args[0];
                t->priv_offset = e.args[1];
                t->has_private = 1;
            }
            break;
        case OP_FONTBBOX: c->bbox = e.start; c->bbox_len = (size_t)(e.end - e.start); break;
        case OP_FONTMATRIX: c->matrix = e.start; c->matrix_len = (size_t)(e.end - e.start); break;
        default: break;
        }
    }
    if (r < 0) return corrupt(c, err, "malformed Top DICT");
    if (t->charstring_type != 2)
        return rc_fail(err, RC_FONT, "%s: CFF charstring type %d is not supported (only 2)",
                       c->what, t->charstring_type);
    return RC_OK;
}

int cff_open(const uint8_t *data, size_t len, const char *what,
             struct cff_font **out, struct rc_err *err) {
    struct cff_font *c = xcalloc(1, sizeof *c, "CFF font");
    struct cff_index names, tops, strings;
    struct top_dict t;
    const uint8_t *p;
    size_t n;
    int rc = RC_FONT;
    *out = NULL;
    c->data = data;
    c->len = len;
    c->what = what;
    if (len < 4 || data[0] != 1 || data[2] < 4 || data[2] > len) {
        rc = rc_fail(err, RC_FONT, "%s: CFF table is not CFF version 1", what);
        goto fail;
    }
    if (read_index(c, data[2], &names, err) != RC_OK
        || read_index(c, names.end, &tops, err) != RC_OK
        || read_index(c, tops.end, &strings, err) != RC_OK
        || read_index(c, strings.end, &c->gsubrs, err) != RC_OK)
        goto fail;
    if (!index_item(&tops, 0, &p, &n)) { rc = corrupt(c, err, "no Top DICT"); goto fail; }
    if (read_top_dict(c, p, n, &t, err) != RC_OK) goto fail;
    if (t.charstrings < 0
        || read_index(c, (uint64_t)t.charstrings, &c->charstrings, err) != RC_OK) {
        if (t.charstrings < 0) rc = corrupt(c, err, "no CharStrings");
        goto fail;
    }
    if (c->charstrings.count == 0) { rc = corrupt(c, err, "no glyphs"); goto fail; }
    c->gbias = subr_bias(c->gsubrs.count);
    if (t.cid_keyed) {
        if (read_fdarray(c, t.fdarray, err) != RC_OK) goto fail;
        if (t.fdselect >= 0 && read_fdselect(c, t.fdselect, err) != RC_OK) goto fail;
        if (t.fdselect < 0 && c->nfds != 1) { rc = corrupt(c, err, "no FDSelect"); goto fail; }
    } else {                        /* name-keyed: one Font DICT, the top's Private */
        if (!t.has_private) { rc = corrupt(c, err, "no Private DICT"); goto fail; }
        c->nfds = 1;
        c->fds = xcalloc(1, sizeof *c->fds, "CFF Font DICTs");
        if (read_private(c, t.priv_size, t.priv_offset, &c->fds[0], err) != RC_OK) goto fail;
    }
    *out = c;
    return RC_OK;
fail:
    cff_close(c);
    return rc;
}

void cff_close(struct cff_font *c) {
    if (c == NULL) return;
    free(c->fds);
    free(c);
}

unsigned cff_num_glyphs(const struct cff_font *c) { return c->charstrings.count; }

/* ---- flattening charstrings -------------------------------------------------- */

struct flat {
    const struct cff_font *c;
    const struct cff_fd *fd;
    struct buf *out;
    unsigned gid, nstems, nargs;
    size_t last_num;        /* out offset of the last operand, or SIZE_MAX */
    int32_t last_value;
    int last_is_int;
    size_t work;
    int done;               /* endchar seen */
    struct rc_err *err;
};

static int bad_glyph(struct flat *f, const char *why) {
    return rc_fail(f->err, RC_FONT, "%s: glyph %u: %s", f->c->what, f->gid, why);
}

/* A Type 2 operand at p (bytes left n): its length, value in *v; 0 if cut. */
static size_t cs_number(const uint8_t *p, size_t n, int32_t *v, int *is_int) {
    unsigned b = p[0];
    *is_int = 1;
    if (b == 28) {
        if (n < 3) return 0;
        *v = (int16_t)rd_u16(p + 1);
        return 3;
    }
    if (b >= 32 && b <= 246) { *v = (int32_t)b - 139; return 1; }
    if (b >= 247 && b <= 254) {
        if (n < 2) return 0;
        *v = b <= 250 ? ((int32_t)b - 247) * 256 + p[1] + 108
                      : -((int32_t)b - 251) * 256 - p[1] - 108;
        return 2;
    }
    if (n < 5) return 0;                            /* 255: 16.16 fixed */
    *v = (int32_t)((uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4]);
    *is_int = (*v & 0xFFFF) == 0;
    *v = *v / 65536;
    return 5;
}

static int flatten(struct flat *f, const uint8_t *p, size_t n, int depth);

static int call_subr(struct flat *f, int global, int depth) {
    const struct cff_index *ix = global ? &f->c->gsubrs : &f->fd->subrs;
    int64_t i;
    const uint8_t *p;
    size_t n;
    if (f->last_num == SIZE_MAX || !f->last_is_int)
        return bad_glyph(f, "subroutine number is not a literal integer");
    i = (int64_t)f->last_value + (global ? f->c->gbias : f->fd->bias);
    f->out->len = f->last_num;               /* the number is not part of the outline */
    f->last_num = SIZE_MAX;
    f->nargs--;
    if (depth + 1 > MAX_SUBR_DEPTH) return bad_glyph(f, "subroutines nested deeper than 10");
    if (i < 0 || !index_item(ix, (unsigned)i, &p, &n))
        return bad_glyph(f, "call of a missing subroutine");
    return flatten(f, p, n, depth + 1);
}

/* Bytes a level writes come from its own input (plus one endchar), so
** reserving what is left of it + 1 (at the start and after each call)
** lets the loop copy without growing. */
static void put_bytes(struct buf *b, const uint8_t *p, size_t k) {
    memcpy(b->data + b->len, p, k);
    b->len += k;
}

static int flatten(struct flat *f, const uint8_t *p, size_t n, int depth) {
    size_t i = 0;
    if (n > MAX_WORK - f->work) return bad_glyph(f, "charstring too long (subroutine loop?)");
    f->work += n;
    buf_reserve(f->out, n + 1);
    while (i < n && !f->done) {
        unsigned b = p[i];
        if (b >= 32 || b == 28) {
            int32_t v;
            int is_int;
            size_t k = cs_number(p + i, n - i, &v, &is_int);
            if (k == 0) return bad_glyph(f, "charstring cut inside a number");
            if (++f->nargs > MAX_STACK) return bad_glyph(f, "more than 48 operands");
            f->last_num = f->out->len;
            f->last_value = v;
            f->last_is_int = is_int;
            put_bytes(f->out, p + i, k);
            i += k;
            continue;
        }
        i++;
        if (b == 10 || b == 29) {
            int rc = call_subr(f, b == 29, depth);
            if (rc != RC_OK) return rc;
            buf_reserve(f->out, n - i + 1);          /* the callee used our room */
            continue;
        }
        f->last_num = SIZE_MAX;
        switch (b) {
        case 11:                                       /* return */
            return RC_OK;
        case 14:                                       /* endchar */
            /* With 4 operands (5 with a width) it is seac: an accented
            ** glyph built from two others named by StandardEncoding codes,
            ** which a CID-keyed font has no names to resolve. */
            if (f->nargs >= 4)
                return bad_glyph(f, "endchar as seac (accented composite) is not supported");
            buf_putc(f->out, 14);
            f->done = 1;
            return RC_OK;
        case 1: case 3: case 18: case 23:              /* stems */
            f->nstems += f->nargs / 2;
            f->nargs = 0;
            put_bytes(f->out, p + i - 1, 1);
            break;
        case 19: case 20: {                            /* hintmask, cntrmask */
            size_t mask;
            f->nstems += f->nargs / 2;                 /* implied vstem */
            f->nargs = 0;
            mask = (f->nstems + 7) / 8;
            if (mask > n - i) return bad_glyph(f, "charstring cut inside a hint mask");
            put_bytes(f->out, p + i - 1, mask + 1);
            i += mask;
            break;
        }
        case 4: case 5: case 6: case 7: case 8: case 21: case 22:
        case 24: case 25: case 26: case 27: case 30: case 31:
            f->nargs = 0;
            put_bytes(f->out, p + i - 1, 1);
            break;
        case 12:
            if (i >= n) return bad_glyph(f, "charstring cut inside an operator");
            if (p[i] < 34 || p[i] > 37)                /* only the flex operators */
                return rc_fail(f->err, RC_FONT, "%s: glyph %u: charstring operator 12 %u "
                               "is not supported", f->c->what, f->gid, p[i]);
            put_bytes(f->out, p + i - 1, 2);
            i++;
            f->nargs = 0;
            break;
        default:
            return rc_fail(f->err, RC_FONT, "%s: glyph %u: charstring operator %u is not "
                           "supported", f->c->what, f->gid, b);
        }
    }
    return RC_OK;
}

int cff_flatten_glyph(const struct cff_font *c, unsigned gid, struct buf *out,
                      struct rc_err *err) {
    struct flat f;
    const uint8_t *p;
    size_t n, start = out->len;
    int rc;
    memset(&f, 0, sizeof f);
    f.c = c;
    f.fd = &c->fds[gid < c->charstrings.count ? fd_of(c, gid) : 0];
    f.out = out;
    f.gid = gid;
    f.last_num = SIZE_MAX;
    f.err = err;
    if (!index_item(&c->charstrings, gid, &p, &n)) {
        rc = gid >= c->charstrings.count ? bad_glyph(&f, "no such glyph")
                                         : bad_glyph(&f, "charstring out of bounds");
        out->len = start;
        return rc;
    }
    rc = flatten(&f, p, n, 0);
    if (rc == RC_OK && !f.done) buf_putc(out, 14);     /* ended without endchar */
    if (rc != RC_OK) out->len = start;
    return rc;
}

/* ---- writing ------------------------------------------------------------------- */

static void put_int5(struct buf *b, int64_t v) {      /* DICT operand, fixed size */
    uint32_t u = (uint32_t)(int32_t)v;
    buf_putc(b, 29);
    buf_put_u32be(b, u);
}

static void put_op(struct buf *b, unsigned op) {
    if (op >= 1200) { buf_putc(b, 12); buf_putc(b, (int)(op - 1200)); }
    else buf_putc(b, (int)op);
}

static unsigned offsize_for(size_t total) {
    return total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
}

/* Bytes of an INDEX of count objects totalling `total` bytes. */
static size_t index_size(unsigned count, size_t total) {
    return count ? 3 + (size_t)(count + 1) * offsize_for(total) + total : 2;
}

/* An INDEX of count objects whose ends (cumulative lengths) are given. */
static void put_index(struct buf *b, const uint8_t *data, const size_t *ends, unsigned count) {
    size_t total = count ? ends[count - 1] : 0;
    unsigned offsize = offsize_for(total);
    unsigned i, k;
    buf_put_u16be(b, (uint16_t)count);
    if (count == 0) return;
    buf_putc(b, (int)offsize);
    for (i = 0; i <= count; i++) {
        size_t off = (i ? ends[i - 1] : 0) + 1;
        for (k = offsize; k-- > 0;) buf_putc(b, (int)(off >> (8 * k)) & 0xFF);
    }
    buf_append(b, data, total);
}

static void put_one(struct buf *b, const void *data, size_t len) {
    put_index(b, data, &len, 1);
}

/* The Private DICT without its Subrs entry: nothing is left to call. */
static void copy_private(const struct cff_fd *fd, struct buf *out) {
    const uint8_t *p = fd->priv, *end = p + fd->priv_len;
    struct dict_entry e;
    while (dict_next(&p, end, &e) > 0)
        if (e.op != OP_SUBRS) buf_append(out, e.start, (size_t)(e.end - e.start));
}

struct layout { size_t charset, fdselect, charstrings, fdarray; };

static void put_top_dict(const struct cff_font *c, unsigned cid_count, const struct layout *l,
                         struct buf *b) {
    put_int5(b, SID_ADOBE); put_int5(b, SID_IDENTITY); put_int5(b, 0); put_op(b, OP_ROS);
    if (c->bbox) buf_append(b, c->bbox, c->bbox_len);
    if (c->matrix) buf_append(b, c->matrix, c->matrix_len);
    put_int5(b, cid_count); put_op(b, OP_CIDCOUNT);
    put_int5(b, (int64_t)l->charset); put_op(b, 15);
    put_int5(b, (int64_t)l->charstrings); put_op(b, OP_CHARSTRINGS);
    put_int5(b, (int64_t)l->fdarray); put_op(b, OP_FDARRAY);
    put_int5(b, (int64_t)l->fdselect); put_op(b, OP_FDSELECT);
}

/* charset: subset glyph i (i >= 1) is CID gids[i]; ranges when shorter. */
static void put_charset(const uint16_t *gids, unsigned n, struct buf *b) {
    unsigned i, nranges = 0;
    for (i = 1; i < n; i++) nranges += i == 1 || gids[i] != gids[i - 1] + 1;
    if ((size_t)nranges * 4 < (size_t)(n - 1) * 2) {
        buf_putc(b, 2);
        for (i = 1; i < n;) {
            unsigned j = i;
            while (j + 1 < n && gids[j + 1] == gids[j] + 1 && j + 1 - i < 0xFFFF) j++;
            buf_put_u16be(b, gids[i]);
            buf_put_u16be(b, (uint16_t)(j - i));
            i = j + 1;
        }
    } else {
        buf_putc(b, 0);
        for (i = 1; i < n; i++) buf_put_u16be(b, gids[i]);
    }
}

static void put_fdselect(const unsigned char *fd, unsigned n, struct buf *b) {
    unsigned i, nranges = 0;
    for (i = 0; i < n; i++) nranges += i == 0 || fd[i] != fd[i - 1];
    buf_putc(b, 3);
    buf_put_u16be(b, (uint16_t)nranges);
    for (i = 0; i < n; i++)
        if (i == 0 || fd[i] != fd[i - 1]) { buf_put_u16be(b, (uint16_t)i); buf_putc(b, fd[i]); }
    buf_put_u16be(b, (uint16_t)n);
}

/* The FDArray: for each used Font DICT its FontMatrix and Private
** [size offset], offsets from privates_at on. */
static void put_fdarray(const struct cff_font *c, const unsigned *used, unsigned nused,
                        const size_t *priv_ends, size_t privates_at, struct buf *b) {
    struct buf dicts;
    size_t *ends = xcalloc(nused, sizeof *ends, "CFF FDArray");
    unsigned i;
    buf_init(&dicts);
    for (i = 0; i < nused; i++) {
        const struct cff_fd *fd = &c->fds[used[i]];
        size_t start = i ? priv_ends[i - 1] : 0;
        if (fd->matrix) buf_append(&dicts, fd->matrix, fd->matrix_len);
        put_int5(&dicts, (int64_t)(priv_ends[i] - start));
        put_int5(&dicts, (int64_t)(privates_at + start));
        put_op(&dicts, OP_PRIVATE);
        ends[i] = dicts.len;
    }
    put_index(b, dicts.data, ends, nused);
    buf_free(&dicts);
    free(ends);
}

struct pieces {
    struct buf cs, privs, charset, fdselect;
    size_t *cs_ends, *priv_ends;
    unsigned used[MAX_FDS], nused;
};

static void pieces_free(struct pieces *pc) {
    buf_free(&pc->cs); buf_free(&pc->privs); buf_free(&pc->charset); buf_free(&pc->fdselect);
    free(pc->cs_ends); free(pc->priv_ends);
}

/* Flatten the glyphs, renumber the Font DICTs they use, copy those
** Privates, and write charset and FDSelect. */
static int make_pieces(const struct cff_font *c, const uint16_t *gids, unsigned n,
                       struct pieces *pc, struct rc_err *err) {
    int new_fd[MAX_FDS];
    unsigned char *fd_new = xcalloc(n, 1, "CFF FDSelect");
    unsigned i;
    int rc = RC_OK;
    for (i = 0; i < MAX_FDS; i++) new_fd[i] = -1;
    pc->cs_ends = xcalloc(n, sizeof *pc->cs_ends, "CFF charstrings");
    for (i = 0; i < n && rc == RC_OK; i++) {
        unsigned fd;
        if ((i == 0 && gids[0] != 0) || (i > 0 && gids[i] <= gids[i - 1])) {
            rc = rc_fail(err, RC_FONT, "%s: CFF subset glyphs not ascending from 0", c->what);
            break;
        }
        if ((rc = cff_flatten_glyph(c, gids[i], &pc->cs, err)) != RC_OK) break;
        pc->cs_ends[i] = pc->cs.len;
        fd = gids[i] < c->charstrings.count ? fd_of(c, gids[i]) : 0;
        if (new_fd[fd] < 0) { new_fd[fd] = (int)pc->nused; pc->used[pc->nused++] = fd; }
        fd_new[i] = (unsigned char)new_fd[fd];
    }
    if (rc == RC_OK) {
        pc->priv_ends = xcalloc(pc->nused, sizeof *pc->priv_ends, "CFF Private DICTs");
        for (i = 0; i < pc->nused; i++) {
            copy_private(&c->fds[pc->used[i]], &pc->privs);
            pc->priv_ends[i] = pc->privs.len;
        }
        put_charset(gids, n, &pc->charset);
        put_fdselect(fd_new, n, &pc->fdselect);
    }
    free(fd_new);
    return rc;
}

int cff_write_subset(const struct cff_font *c, const uint16_t *gids, unsigned n,
                     const char *name, struct buf *out, struct rc_err *err) {
    static const uint8_t strings[] = "AdobeIdentity";
    static const size_t string_ends[] = { 5, 13 };
    struct pieces pc;
    struct layout l = { 0, 0, 0, 0 };
    struct buf head, top, fdarray;
    size_t privates_at;
    int rc;
    if (n == 0 || n > 0xFFFF)
        return rc_fail(err, RC_FONT, "%s: CFF subset of %u glyphs", c->what, n);
    memset(&pc, 0, sizeof pc);
    buf_init(&pc.cs); buf_init(&pc.privs); buf_init(&pc.charset); buf_init(&pc.fdselect);
    if ((rc = make_pieces(c, gids, n, &pc, err)) != RC_OK) { pieces_free(&pc); return rc; }
    buf_init(&head); buf_init(&top); buf_init(&fdarray);
    /* The Top DICT's operands are all 5 bytes, so its size is known
    ** before the offsets it holds: measure with zeros, then write. */
    put_top_dict(c, c->charstrings.count, &l, &top);
    buf_putc(&head, 1); buf_putc(&head, 0); buf_putc(&head, 4); buf_putc(&head, 4);
    put_one(&head, name, strlen(name));
    put_one(&head, top.data, top.len);
    put_index(&head, strings, string_ends, 2);
    put_index(&head, NULL, NULL, 0);                  /* no global subroutines */
    l.charset = head.len;
    l.fdselect = l.charset + pc.charset.len;
    l.charstrings = l.fdselect + pc.fdselect.len;
    l.fdarray = l.charstrings + index_size(n, pc.cs.len);
    put_fdarray(c, pc.used, pc.nused, pc.priv_ends, 0, &fdarray);
    privates_at = l.fdarray + fdarray.len;
    fdarray.len = 0;
    put_fdarray(c, pc.used, pc.nused, pc.priv_ends, privates_at, &fdarray);

    top.len = 0;
    put_top_dict(c, c->charstrings.count, &l, &top);
    buf_putc(out, 1); buf_putc(out, 0); buf_putc(out, 4); buf_putc(out, 4);
    put_one(out, name, strlen(name));
    put_one(out, top.data, top.len);
    put_index(out, strings, string_ends, 2);
    put_index(out, NULL, NULL, 0);
    buf_append(out, pc.charset.data, pc.charset.len);
    buf_append(out, pc.fdselect.data, pc.fdselect.len);
    put_index(out, pc.cs.data, pc.cs_ends, n);
    buf_append(out, fdarray.data, fdarray.len);
    buf_append(out, pc.privs.data, pc.privs.len);
    buf_free(&head); buf_free(&top); buf_free(&fdarray);
    pieces_free(&pc);
    return RC_OK;
}

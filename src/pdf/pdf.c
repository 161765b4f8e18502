/*
** pdf.c: the PDF backend.
**
** Pages are written as layout finishes them, straight into the output
** (file.h): each page's operators (text with 2-byte glyph codes, paths,
** images) are written here, once, deflated, then its page dictionary
** and its link annotations; the /Pages tree (pagetree.h), the outline and
** the catalog follow at the end.  libharu 2.3.0 holds every object until
** it saves and cannot save in parts, so pages, and what refers to pages,
** are not its objects: memory holds one page, not the document.
**
** libharu makes the rest: the fonts' dictionaries and streams, images
** (it decodes PNG and JPEG), the info dictionary and page labels.  At
** the end they are numbered after the pages and libharu writes each.
** The pages share one /Resources (every font and image, on the root of
** the page tree) and, when they have the same size, its /MediaBox.
** Fonts are subset at the end from the glyphs the pages used: a glyph's
** code never depends on a later page (a CFF subset's code is the source
** glyph id, a TrueType subset's the order of first use).
**
** libharu's error handler only records; every step checks the record, and
** no longjmp crosses our frames.
**
** Compression is ours too: libharu sets up a fresh zlib state per stream
** at level 6, which was over 40% of a brief's time.  Page content as it
** is written, and before saving every other stream libharu would deflate,
** is deflated here by one libdeflate compressor (the font set's, which
** also deflates the font programs), at the level asked for, and handed
** back raw with its /Filter written by the dictionary's write hook.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <hpdf.h>
#include <libdeflate.h>
#include "pdf.h"
#include "file.h"
#include "pagetree.h"
#include "../doc/image.h"
#include "../base/buf.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../font/program.h"
#include "../font/subset.h"
#include "../font/tounicode.h"

struct glyph_text {             /* what one subset slot stands for */
    uint32_t start, len;        /* code points in pdf_font.text */
};

struct pdf_font {               /* one face as used by this document */
    char res[16];               /* its name in the pages' /Resources /Font */
    struct font_subset *subset; /* borrowed from owner when owner is set */
    struct pdf_font *owner;     /* the face of the same file and index whose
                                   subset and font program this one shares
                                   (a manifest may name a face twice) */
    struct glyph_text *slots;   /* per subset slot (ToUnicode) */
    unsigned nslots;
    uint32_t *text;             /* the code points slots point into */
    size_t ntext, captext;
    HPDF_Dict type0;            /* the /Font resource pages refer to */
    HPDF_Dict cid, tounicode;   /* once built, for faces that share them */
    char name[128];             /* BaseFont of type0 */
};

enum label_kind { LABEL_COVER, LABEL_ROMAN, LABEL_NUMBER };

struct label_range { size_t page; enum label_kind kind; size_t start; };

struct pending_link {           /* a link to a page not written yet */
    size_t target;
    uint32_t annot;             /* its annotation's number, named by its page's /Annots */
    float rect[4], y;
};

struct pdf_ctx {
    HPDF_Doc pdf;               /* the objects that are not pages: fonts, images, info, labels */
    struct fontset *fs;
    struct pdf_font *fonts;     /* one per font set face */
    int nfonts, nfonts_used;
    struct rc_err *err;
    HPDF_STATUS hpdf_error, hpdf_detail;
    int hpdf_errno;             /* errno when libharu reported its error */
    struct buf line;            /* a page's content operators */
    struct buf packed;          /* the same deflated */
    struct loaded_image { char *path; HPDF_Image image; char res[16]; } *images;
    size_t nimages;             /* each file embedded once */
    int level;                  /* libdeflate's compression level */
    struct libdeflate_compressor *deflater;   /* the font set's (font/program.h), lent */
    struct pdf_info info;
    struct pdf_file file;       /* the output, written as pages come (file.h) */
    struct pdf_tree tree;       /* its /Pages nodes still open (pagetree.h) */
    HPDF_Dict resources;        /* the pages' shared /Resources, on the tree's root */
    HPDF_Dict res_fonts, res_images;   /* in it */
    HPDF_Dict page_labels;      /* /PageLabels, or NULL */
    float width, height;        /* the shared /MediaBox */
    size_t npages;              /* pages written */
    struct pending_link *pending;      /* a heap, nearest target first */
    size_t npending, cappending;
    struct label_range *labels; /* /PageLabels ranges, as the pages came */
    size_t nlabels, caplabels, front, body;
};

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user) {
    struct pdf_ctx *ctx = user;
    if (ctx->hpdf_error == 0) {
        ctx->hpdf_error = error_no;
        ctx->hpdf_detail = detail_no;
        ctx->hpdf_errno = errno;
    }
}

/* libharu's error numbers as causes (hpdf_error.h).  The ones a document
** can provoke; the rest are libharu's internal states and keep their
** number. */
static const struct hpdf_cause { HPDF_STATUS code; const char *cause; } HPDF_CAUSES[] = {
    { HPDF_FAILD_TO_ALLOC_MEM,          "out of memory" },
    { HPDF_FILE_IO_ERROR,               "a file could not be read or written" },
    { HPDF_FILE_OPEN_ERROR,             "a file could not be opened" },
    { HPDF_ZLIB_ERROR,                  "compressing a stream failed" },
    { HPDF_INVALID_PNG_IMAGE,           "not a PNG image libharu can read" },
    { HPDF_LIBPNG_ERROR,                "libpng could not decode the image" },
    { HPDF_INVALID_JPEG_DATA,           "not a JPEG image libharu can read" },
    { HPDF_UNSUPPORTED_JPEG_FORMAT,     "a JPEG format libharu does not support" },
    { HPDF_INVALID_IMAGE,               "an image libharu cannot embed" },
    { HPDF_INVALID_COLOR_SPACE,         "an image colour space libharu does not support" },
    { HPDF_INVALID_BIT_PER_COMPONENT,   "an image bit depth libharu does not support" },
    { HPDF_PAGE_INVALID_SIZE,           "a page size outside 3 to 14400 pt" },
    { HPDF_STRING_OUT_OF_RANGE,         "a text string longer than 65535 bytes" },
    { HPDF_BINARY_LENGTH_ERR,           "a text string longer than 65535 bytes" },
    { HPDF_NAME_OUT_OF_RANGE,           "a PDF name longer than 127 bytes" },
    { HPDF_REAL_OUT_OF_RANGE,           "a number outside -32767 to 32767" },
    { HPDF_ARRAY_COUNT_ERR,             "an array of more than 32767 items" },
    { HPDF_DICT_COUNT_ERR,              "a dictionary of more than 4095 entries" },
    { HPDF_XREF_COUNT_ERR,              "more than 8388607 PDF objects" },
    { HPDF_PAGE_OUT_OF_RANGE,           "more pages than libharu can hold" },
    { HPDF_INVALID_URI,                 "an invalid link URL" },
    { HPDF_INVALID_DATE_TIME,           "an invalid date" },
    { HPDF_PAGE_INVALID_FONT_SIZE,      "a font size outside 0 to 300 pt" },
    { HPDF_PAGE_INVALID_PARAM_COUNT,    "a drawing operator with a bad argument" },
    { HPDF_PAGE_INVALID_GMODE,          "a drawing operator out of order" },
    { HPDF_PAGE_CANNOT_RESTORE_GSTATE,  "unbalanced graphics state" },
    { HPDF_EXCEED_GSTATE_LIMIT,         "graphics states nested more than 28 deep" },
    { HPDF_INVALID_PARAMETER,           "an invalid value" },
    { HPDF_PAGE_NUM_STYLE_OUT_OF_RANGE, "an invalid page label style" },
};

static const char *hpdf_cause(HPDF_STATUS code) {
    size_t i;
    for (i = 0; i < sizeof HPDF_CAUSES / sizeof *HPDF_CAUSES; i++)
        if (HPDF_CAUSES[i].code == code) return HPDF_CAUSES[i].cause;
    return NULL;
}

/* "libharu failed while saving: compressing a stream failed: a file could
** not be read or written: No space left on device".  For I/O the cause is
** errno; the detail of a zlib or I/O error is often another libharu code. */
static int hpdf_failed(struct pdf_ctx *ctx, const char *what) {
    HPDF_STATUS code = ctx->hpdf_error ? ctx->hpdf_error : HPDF_GetError(ctx->pdf);
    const char *cause, *detail;
    char io[160] = "";
    if (code == HPDF_OK) return 0;
    cause = hpdf_cause(code);
    detail = ctx->hpdf_detail != code ? hpdf_cause(ctx->hpdf_detail) : NULL;
    if ((code == HPDF_FILE_IO_ERROR || code == HPDF_FILE_OPEN_ERROR || code == HPDF_ZLIB_ERROR
         || code == HPDF_FAILD_TO_ALLOC_MEM) && ctx->hpdf_errno != 0)
        snprintf(io, sizeof io, ": %s", strerror(ctx->hpdf_errno));
    if (cause)
        rc_fail(ctx->err, RC_PDF, "libharu failed while %s: %s%s%s%s", what, cause,
                detail ? ": " : "", detail ? detail : "", io);
    else
        rc_fail(ctx->err, RC_PDF, "libharu failed while %s (its error 0x%04X, detail %u)%s",
                what, (unsigned)code, (unsigned)ctx->hpdf_detail, io);
    return 1;
}

/* ---- fonts ---------------------------------------------------------------- */

/* Make slots cover subset slots [0, count): new ones stand for no text. */
static void font_slots_reserve(struct pdf_font *f, unsigned count) {
    unsigned n = f->nslots ? f->nslots : 64;
    if (count <= f->nslots) return;
    while (n < count) n *= 2;
    f->slots = xreallocarray(f->slots, n, sizeof *f->slots, "glyph text slots");
    memset(f->slots + f->nslots, 0, (n - f->nslots) * sizeof *f->slots);
    f->nslots = n;
}

/* The text a slot's glyph stands for: the first non-empty one seen. */
static void font_note_glyph(struct pdf_font *f, unsigned slot, const uint32_t *cps, unsigned n) {
    font_slots_reserve(f, slot + 1);
    if (f->slots[slot].len || n == 0) return;
    if (f->ntext + n > f->captext) {
        f->captext = mem_add(mem_mul(f->captext, 2), n);
        f->text = xreallocarray(f->text, f->captext, sizeof *f->text, "glyph text");
    }
    memcpy(f->text + f->ntext, cps, n * sizeof *cps);
    f->slots[slot].start = (uint32_t)f->ntext;
    f->slots[slot].len = n;
    f->ntext += n;
}

static int same_face(const struct ttf_font *a, const struct ttf_font *b) {
    return ttf_face_index(a) == ttf_face_index(b) && strcmp(ttf_path(a), ttf_path(b)) == 0;
}

/* The font that collects face's glyphs, its subset made on first use: the
** face's own, or that of an earlier-used face of the same file and index,
** so one font program serves both.  NULL (err set) when the face cannot
** be read. */
static struct pdf_font *font_of(struct pdf_ctx *ctx, int face) {
    struct pdf_font *f = &ctx->fonts[face];
    const struct ttf_font *tf;
    int k;
    if (f->subset) return f->owner ? f->owner : f;
    if ((tf = fontset_face(ctx->fs, face, ctx->err)) == NULL) return NULL;
    for (k = 0; k < ctx->nfonts && f->owner == NULL; k++) {
        struct pdf_font *other = &ctx->fonts[k];
        if (k != face && other->subset && other->owner == NULL
            && same_face(tf, fontset_face(ctx->fs, k, ctx->err)))
            f->owner = other;
    }
    f->subset = f->owner ? f->owner->subset : font_subset_new(tf);
    /* Its Type0 dictionary, filled at the end, in the shared resources. */
    f->type0 = HPDF_Dict_New(ctx->pdf->mmgr);
    HPDF_Xref_Add(ctx->pdf->xref, f->type0);
    snprintf(f->res, sizeof f->res, "F%d", ++ctx->nfonts_used);
    HPDF_Dict_Add(ctx->res_fonts, f->res, f->type0);
    return f->owner ? f->owner : f;
}

/* The end of the cluster that starts at glyph k of a run. */
static size_t cluster_end(const struct dl_page *page, const struct dl_text *run, size_t k) {
    for (k++; k < run->count && page->glyphs[run->first + k].ntext == 0; k++) {}
    return k;
}

/* Note the glyphs of every run: pass 0 the text of each glyph that is a
** cluster by itself (one character, or a ligature standing for several);
** pass 1 the first glyph of a cluster of several, where no single use
** gave that glyph a text, so readers without ActualText still get the
** cluster's text once. */
static void note_texts(struct pdf_font *f, const struct dl_page *page, const struct dl_text *run,
                       int pass) {
    size_t g, end;
    for (g = 0; g < run->count; g = end) {
        const struct dl_glyph *gl = &page->glyphs[run->first + g];
        end = cluster_end(page, run, g);
        if ((end == g + 1) == (pass == 0))
            font_note_glyph(f, font_subset_slot(f->subset, gl->gid), display_glyph_text(page, gl),
                            gl->ntext);
        for (; g < end; g++) font_subset_slot(f->subset, page->glyphs[run->first + g].gid);
    }
}

/* Before a page is drawn: which glyphs of which faces it draws, and the
** text each glyph stands for (ToUnicode), unless an earlier page said.
** A glyph's text never changes once noted, so whether a cluster needs an
** ActualText span (cluster_mapped) is decided for good when its page is
** written. */
static int note_page(struct pdf_ctx *ctx, const struct dl_page *page) {
    size_t t;
    int pass;
    for (pass = 0; pass < 2; pass++)
        for (t = 0; t < page->ntexts; t++) {
            const struct dl_text *run = &page->texts[t];
            struct pdf_font *f;
            if (run->count == 0) continue;   /* a run of spaces draws nothing */
            if ((f = font_of(ctx, run->face)) == NULL) return RC_FONT;
            note_texts(f, page, run, pass);
        }
    return RC_OK;
}

/* Subset tag: six capitals from a hash of the glyph set, so the same
** document gives the same bytes (PDF 32000 9.6.4). */
static void subset_tag(const struct pdf_font *f, char tag[7]) {
    uint32_t h = 2166136261u;
    unsigned i, k, n = font_subset_count(f->subset);
    for (i = 0; i < n; i++) {
        h = (h ^ font_subset_original(f->subset, (uint16_t)i)) * 16777619u;
        for (k = 0; i < f->nslots && k < f->slots[i].len; k++)
            h = (h ^ f->text[f->slots[i].start + k]) * 16777619u;
    }
    for (i = 0; i < 6; i++) { tag[i] = (char)('A' + h % 26); h /= 26; h ^= h << 7; }
    tag[6] = '\0';
}

/* The subset's slots ordered by the code the PDF shows for them. */
struct coded_slot { uint16_t code, slot; };

static int by_code(const void *a, const void *b) {
    return (int)((const struct coded_slot *)a)->code - (int)((const struct coded_slot *)b)->code;
}

static struct coded_slot *slots_by_code(const struct pdf_font *f, unsigned n) {
    struct coded_slot *cs = xcalloc(n, sizeof *cs, "font code list");
    unsigned i;
    for (i = 0; i < n; i++) {
        cs[i].slot = (uint16_t)i;
        cs[i].code = font_subset_code(f->subset, (uint16_t)i);
    }
    qsort(cs, n, sizeof *cs, by_code);
    return cs;
}

/* What libharu writes for a stream it deflated itself, so that the file
** reads the same. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out) {
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter [ /FlateDecode ]\012");
}

/* A stream libharu reads from bytes of ours, which it frees with the
** stream: its memory streams copy byte by byte on the way in and out
** (HPDF_MemCpy), which was a few per cent of a batch brief. */
struct blob { unsigned char *data; HPDF_UINT len, pos; };

static HPDF_STATUS blob_read(HPDF_Stream stream, HPDF_BYTE *ptr, HPDF_UINT *size) {
    struct blob *b = stream->attr;
    HPDF_UINT n = *size < b->len - b->pos ? *size : b->len - b->pos;
    memcpy(ptr, b->data + b->pos, n);
    b->pos += n;
    *size = n;
    return b->pos == b->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS blob_seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
    struct blob *b = stream->attr;
    long long to = mode == HPDF_SEEK_SET ? pos : mode == HPDF_SEEK_CUR ? (long long)b->pos + pos
                                                                      : (long long)b->len + pos;
    if (to < 0 || to > (long long)b->len) return HPDF_SetError(stream->error, HPDF_INVALID_PARAMETER, 0);
    b->pos = (HPDF_UINT)to;
    return HPDF_OK;
}

static HPDF_INT32 blob_tell(HPDF_Stream stream) { return (HPDF_INT32)((struct blob *)stream->attr)->pos; }

static HPDF_UINT32 blob_size(HPDF_Stream stream) { return ((struct blob *)stream->attr)->len; }

static void blob_free(HPDF_Stream stream) {
    struct blob *b = stream->attr;
    free(b->data);
    free(b);
}

/* data deflated into ctx->packed by the one compressor: its length, 0
** when libdeflate could not (the bound it gave was too small). */
static size_t deflate_packed(struct pdf_ctx *ctx, const void *data, size_t len) {
    size_t bound = libdeflate_zlib_compress_bound(ctx->deflater, len);
    ctx->packed.len = 0;
    buf_reserve(&ctx->packed, bound);
    return libdeflate_zlib_compress(ctx->deflater, data, len, ctx->packed.data, bound);
}

/* Stream dictionary s reads a copy of `data`, deflated already: written as
** it is, with the /Filter deflate_streams would have given it, and passed
** over there.  Its old stream is freed.  0, or -1 with libharu's error set. */
static int set_deflated(struct pdf_ctx *ctx, HPDF_Dict s, const void *data, size_t len) {
    HPDF_Stream reader;
    struct blob *b;
    if (len > 0x7FFFFFFFu) {
        HPDF_SetError(s->error, HPDF_INVALID_PARAMETER, 0);
        return -1;
    }
    b = xmalloc(sizeof *b, "a PDF stream");
    b->data = xmalloc(len ? len : 1, "a PDF stream");
    memcpy(b->data, data, len);
    b->len = (HPDF_UINT)len;
    b->pos = 0;
    reader = HPDF_CallbackReader_New(ctx->pdf->mmgr, blob_read, blob_seek, blob_tell, blob_size, b);
    if (reader == NULL) {
        free(b->data);
        free(b);
        return -1;
    }
    reader->free_fn = blob_free;
    HPDF_Stream_Free(s->stream);
    s->stream = reader;
    s->filter = HPDF_STREAM_FILTER_NONE;
    s->write_fn = write_flate_filter;
    return 0;
}

/* A new stream dictionary over bytes deflated already (a font program from
** the cache of font/program.h). */
static HPDF_Dict deflated_stream(struct pdf_ctx *ctx, const void *data, size_t len) {
    HPDF_Dict s = HPDF_DictStream_New(ctx->pdf->mmgr, ctx->pdf->xref);
    return s && set_deflated(ctx, s, data, len) == 0 ? s : NULL;
}

/* The same for bytes not deflated yet: deflated here. */
static HPDF_Dict new_stream(struct pdf_ctx *ctx, const void *data, size_t len) {
    size_t got = deflate_packed(ctx, data, len);
    return got ? deflated_stream(ctx, ctx->packed.data, got) : NULL;
}

/* W: one `c [w ...]` group per run of consecutive codes (one run for a
** TrueType subset, whose codes are its slots; a CFF subset's codes are
** source glyph ids).  Widths in 1/1000 em, rounded. */
static HPDF_Array widths_array(struct pdf_ctx *ctx, const struct pdf_font *f,
                               const struct ttf_font *tf, const struct coded_slot *cs,
                               unsigned n) {
    HPDF_Array w = HPDF_Array_New(ctx->pdf->mmgr), run;
    int upem = ttf_metrics(tf)->units_per_em;
    unsigned i, j, k;
    if (w == NULL) return NULL;
    /* libharu grows an array by 20 items, copying it byte by byte each
    ** time: a run of 2,000 widths was copied a hundred times. */
    w->list->items_per_block = 256;
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && cs[j].code == cs[j - 1].code + 1; j++) {}
        HPDF_Array_AddNumber(w, cs[i].code);
        if ((run = HPDF_Array_New(ctx->pdf->mmgr)) == NULL) return NULL;
        run->list->items_per_block = j - i;
        HPDF_Array_Add(w, run);
        for (k = i; k < j; k++) {
            int adv = ttf_glyph_advance(tf, font_subset_original(f->subset, cs[k].slot));
            HPDF_Array_AddNumber(run, (HPDF_INT32)((adv * 1000 + upem / 2) / upem));
        }
    }
    return w;
}

static void tounicode_stream(const struct pdf_font *f, const struct coded_slot *cs, unsigned n,
                             struct buf *cmap) {
    struct tounicode_entry *e = xcalloc(n, sizeof *e, "ToUnicode entries");
    unsigned i;
    for (i = 0; i < n; i++) {
        const struct glyph_text *t = cs[i].slot < f->nslots ? &f->slots[cs[i].slot] : NULL;
        e[i].code = cs[i].code;
        e[i].len = t ? t->len : 0;
        e[i].text = t ? f->text + t->start : NULL;
    }
    font_tounicode_cmap(e, n, cmap);
    free(e);
}

static HPDF_Dict font_descriptor(struct pdf_ctx *ctx, const struct ttf_font *tf,
                                 const char *name, int cff, HPDF_Dict file) {
    const struct ttf_metrics *m = ttf_metrics(tf);
    HPDF_MMgr mm = ctx->pdf->mmgr;
    HPDF_Dict fd = HPDF_Dict_New(mm);
    HPDF_Array bbox = HPDF_Array_New(mm);
    int i, upem = m->units_per_em;
    HPDF_Xref_Add(ctx->pdf->xref, fd);
    HPDF_Dict_AddName(fd, "Type", "FontDescriptor");
    HPDF_Dict_AddName(fd, "FontName", name);
    HPDF_Dict_AddNumber(fd, "Flags", 4 | (m->fixed_pitch ? 1 : 0));   /* symbolic */
    for (i = 0; i < 4; i++) HPDF_Array_AddNumber(bbox, m->bbox[i] * 1000 / upem);
    HPDF_Dict_Add(fd, "FontBBox", bbox);
    HPDF_Dict_AddNumber(fd, "ItalicAngle", m->italic_angle);
    HPDF_Dict_AddNumber(fd, "Ascent", m->ascent * 1000 / upem);
    HPDF_Dict_AddNumber(fd, "Descent", m->descent * 1000 / upem);
    HPDF_Dict_AddNumber(fd, "CapHeight", m->cap_height * 1000 / upem);
    HPDF_Dict_AddNumber(fd, "StemV", m->weight >= 600 ? 120 : 80);
    HPDF_Dict_Add(fd, cff ? "FontFile3" : "FontFile2", file);
    return fd;
}

/* The subset's font program, CIDFont and ToUnicode, kept in f: a
** CIDFontType0 over a CID-keyed CFF (FontFile3 /CIDFontType0C; no
** CIDToGIDMap, the CFF's charset maps CIDs) or a CIDFontType2 over a
** TrueType subset (FontFile2, CIDToGIDMap /Identity). */
static int font_program_build(struct pdf_ctx *ctx, struct pdf_font *f, const struct ttf_font *tf) {
    int cff = ttf_outline_kind(tf) == TTF_OUTLINE_CFF;
    HPDF_MMgr mm = ctx->pdf->mmgr;
    struct font_program prog;
    struct buf cmap;
    char tag[7], *name = f->name;
    HPDF_Dict file, cid, sysinfo, tounicode;
    struct coded_slot *cs;
    unsigned n;
    int rc;
    buf_init(&cmap);
    if ((rc = font_programs_get(fontset_programs(ctx->fs), f->subset, ctx->level, &prog,
                                ctx->err)) != RC_OK)
        return rc;
    /* Writing a TrueType subset appended the components of composite
    ** glyphs: they draw nothing by themselves and map to no text. */
    n = font_subset_count(f->subset);
    font_slots_reserve(f, n);
    cs = slots_by_code(f, n);
    subset_tag(f, tag);
    snprintf(name, sizeof f->name, "%s+%s", tag, ttf_metrics(tf)->ps_name);
    file = deflated_stream(ctx, prog.packed, prog.packed_len);
    tounicode_stream(f, cs, n, &cmap);
    tounicode = file ? new_stream(ctx, cmap.data, cmap.len) : NULL;
    buf_free(&cmap);
    if (file == NULL || tounicode == NULL) {
        free(cs);
        return hpdf_failed(ctx, "embedding a font") ? RC_PDF
             : rc_fail(ctx->err, RC_PDF, "deflating the streams of font %s", name);
    }
    if (cff) HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
    else HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)prog.raw_len);

    cid = HPDF_Dict_New(mm);
    HPDF_Xref_Add(ctx->pdf->xref, cid);
    HPDF_Dict_AddName(cid, "Type", "Font");
    HPDF_Dict_AddName(cid, "Subtype", cff ? "CIDFontType0" : "CIDFontType2");
    HPDF_Dict_AddName(cid, "BaseFont", name);
    sysinfo = HPDF_Dict_New(mm);
    HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
    HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo);
    HPDF_Dict_Add(cid, "FontDescriptor", font_descriptor(ctx, tf, name, cff, file));
    HPDF_Dict_Add(cid, "W", widths_array(ctx, f, tf, cs, n));
    if (!cff) HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
    free(cs);
    /* PDF 32000 9.7.6.1: over a CIDFontType0 the Type0 font's name should
    ** end in the CMap's name. */
    if (cff) strncat(name, "-Identity-H", sizeof f->name - strlen(name) - 1);
    f->cid = cid;
    f->tounicode = tounicode;
    return hpdf_failed(ctx, "embedding a font") ? RC_PDF : RC_OK;
}

/* Fill face's Type0 dictionary; a face that shares another's subset
** shares its CIDFont and ToUnicode too (built first if need be). */
static int font_build(struct pdf_ctx *ctx, int face) {
    struct pdf_font *f = &ctx->fonts[face], *owner = f->owner ? f->owner : f;
    HPDF_Array desc;
    int rc;
    const struct ttf_font *tf = fontset_face(ctx->fs, (int)(owner - ctx->fonts), ctx->err);
    if (tf == NULL) return RC_FONT;
    if (owner->cid == NULL && (rc = font_program_build(ctx, owner, tf)) != RC_OK) return rc;
    HPDF_Dict_AddName(f->type0, "Type", "Font");
    HPDF_Dict_AddName(f->type0, "Subtype", "Type0");
    HPDF_Dict_AddName(f->type0, "BaseFont", owner->name);
    HPDF_Dict_AddName(f->type0, "Encoding", "Identity-H");
    desc = HPDF_Array_New(ctx->pdf->mmgr);
    HPDF_Array_Add(desc, owner->cid);
    HPDF_Dict_Add(f->type0, "DescendantFonts", desc);
    HPDF_Dict_Add(f->type0, "ToUnicode", owner->tounicode);
    return hpdf_failed(ctx, "embedding a font") ? RC_PDF : RC_OK;
}

/* ---- page content ----------------------------------------------------------- */

/* Does ToUnicode give the cluster [k, end) of a run its text?  Only if
** each of its glyphs maps to its own piece of the text: not when a glyph
** maps to nothing or to the whole cluster (the later glyphs of a Thai or
** Myanmar syllable), or another text claimed the glyph first (one glyph
** for two characters). */
static int cluster_mapped(const struct pdf_font *f, const struct dl_page *dp,
                          const struct dl_text *run, size_t k, size_t end) {
    const struct dl_glyph *first = &dp->glyphs[run->first + k];
    const uint32_t *text = display_glyph_text(dp, first);
    size_t at = 0;
    for (; k < end; k++) {
        unsigned slot = font_subset_slot(f->subset, dp->glyphs[run->first + k].gid);
        const struct glyph_text *t = slot < f->nslots ? &f->slots[slot] : NULL;
        if (t == NULL || t->len == 0) return 0;   /* a glyph ToUnicode leaves silent */
        if (at + t->len > first->ntext
            || memcmp(f->text + t->start, text + at, t->len * sizeof *text) != 0) return 0;
        at += t->len;
    }
    return at == first->ntext;
}

/* A marked-content span whose ActualText is the cluster's text (PDF 32000
** 14.9.4), UTF-16BE with a byte order mark. */
static void begin_actual_text(struct buf *b, const uint32_t *text, size_t n) {
    size_t i;
    buf_puts(b, "/Span <</ActualText <FEFF");
    for (i = 0; i < n; i++) {
        uint32_t cp = text[i];
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            cp -= 0x10000;
            buf_put_hex4(b, (uint16_t)(0xD800 | (cp >> 10)));
            buf_put_hex4(b, (uint16_t)(0xDC00 | (cp & 0x3FF)));
        } else if (cp < 0x10000) {
            buf_put_hex4(b, (uint16_t)cp);
        }
    }
    buf_puts(b, ">>> BDC\n");
}

/* The order to draw a spanned cluster's glyphs in: the leftmost first,
** the one reaching furthest right last, so a reader that measures the
** span from its first glyph's origin to its last glyph's advance (poppler)
** sees the cluster's whole width and no gap inside a word.  Drawing order
** within a cluster changes nothing on the page. */
static void span_order(struct pdf_ctx *ctx, const struct dl_page *dp, const struct dl_text *run,
                       size_t k, size_t end, size_t *order) {
    size_t n = end - k, i, left = 0, right = 0, m = 0;
    float lx = 0, rx = 0;
    for (i = 0; i < n; i++) {
        const struct dl_glyph *g = &dp->glyphs[run->first + k + i];
        float r = g->x + fontset_advance(ctx->fs, run->face, g->gid, run->size);
        if (i == 0 || g->x < lx) { lx = g->x; left = i; }
        if (i == 0 || r >= rx) { rx = r; right = i; }
    }
    order[m++] = k + left;
    for (i = 0; i < n; i++) if (i != left && i != right) order[m++] = k + i;
    if (right != left) order[m++] = k + right;
}

/* n numbers with `decimals` places, as "%.Nf %.Nf ..." would write them. */
static void put_numbers(struct buf *b, int decimals, int n, ...) {
    va_list ap;
    va_start(ap, n);
    while (n-- > 0) {
        buf_put_fixed(b, va_arg(ap, double), decimals);
        if (n > 0) buf_putc(b, ' ');
    }
    va_end(ap);
}

/* The TJ array is written lazily: it is closed where a text rise (a mark's
** y offset) or an ActualText span must come between glyphs. */
struct tj_state { struct buf *b; int open; float rise; };

static void tj_open(struct tj_state *s) {
    if (!s->open) buf_puts(s->b, "[<");
    s->open = 1;
}

static void tj_close(struct tj_state *s) {
    if (s->open) buf_puts(s->b, ">] TJ\n");
    s->open = 0;
}

/* One run as BT ... TJ ET: glyph codes in hex, with a TJ adjustment
** wherever the layout placed a glyph off its natural advance (justified
** lines, mixed faces, kerning, marks).  A glyph with a y offset is set
** with a text rise (Ts); a cluster ToUnicode cannot spell is wrapped in an
** ActualText span, so copied text is exact. */
static void draw_text(struct pdf_ctx *ctx, const struct dl_page *dp, const struct dl_text *run) {
    struct pdf_font *f = &ctx->fonts[run->face], *owner = f->owner ? f->owner : f;
    const char *res = f->res;
    struct tj_state s = { &ctx->line, 0, 0 };
    float pen = 0;
    size_t i, end, order[16], j;
    if (run->count == 0 || f->type0 == NULL) return;
    /* Render mode and line width outlive ET: a bold or invisible run keeps
    ** them in q/Q.  An invisible run is text for copying only: its mark is
    ** drawn as paths (layout/marks.c). */
    if (run->bold || run->invisible) buf_puts(s.b, "q\n");
    buf_puts(s.b, "BT\n/");
    buf_puts(s.b, res);
    buf_putc(s.b, ' ');
    put_numbers(s.b, 2, 1, run->size);
    buf_puts(s.b, " Tf\n");
    put_numbers(s.b, 3, 3, run->color.r, run->color.g, run->color.b);
    buf_puts(s.b, " rg\n");
    if (run->bold) {
        put_numbers(s.b, 3, 3, run->color.r, run->color.g, run->color.b);
        buf_puts(s.b, " RG ");
        put_numbers(s.b, 3, 1, run->size * 0.03f);
        buf_puts(s.b, " w 2 Tr\n");
    }
    if (run->invisible) buf_puts(s.b, "3 Tr\n");
    put_numbers(s.b, 3, 2, run->x, run->y);
    buf_puts(s.b, " Td\n");
    for (i = 0; i < run->count; i = end) {
        const struct dl_glyph *first = &dp->glyphs[run->first + i];
        int span, reorder;
        end = cluster_end(dp, run, i);
        span = first->ntext > 0 && !cluster_mapped(owner, dp, run, i, end);
        reorder = span && end - i <= sizeof order / sizeof order[0];
        if (span) {
            tj_close(&s);
            begin_actual_text(s.b, display_glyph_text(dp, first), first->ntext);
        }
        if (reorder) span_order(ctx, dp, run, i, end, order);
        for (j = 0; j < end - i; j++) {
            const struct dl_glyph *g = &dp->glyphs[run->first + (reorder ? order[j] : i + j)];
            float off = g->x - pen;
            if (g->dy != s.rise) {
                tj_close(&s);
                put_numbers(s.b, 3, 1, g->dy);
                buf_puts(s.b, " Ts\n");
                s.rise = g->dy;
            }
            tj_open(&s);
            if (off > 0.005f || off < -0.005f) {
                buf_puts(s.b, "> ");
                put_numbers(s.b, 1, 1, -off * 1000.0f / run->size);
                buf_puts(s.b, " <");
            }
            buf_put_hex4(s.b, font_subset_add(f->subset, g->gid));
            pen = g->x + fontset_advance(ctx->fs, run->face, g->gid, run->size);
        }
        if (span) {
            tj_close(&s);
            buf_puts(s.b, "EMC\n");
        }
    }
    tj_close(&s);
    if (s.rise != 0) buf_puts(s.b, "0 Ts\n");
    buf_puts(s.b, run->bold || run->invisible ? "ET\nQ\n" : "ET\n");
}

/* A number as libharu's drawing operators wrote it (HPDF_FToA: five
** decimals at most, trailing zeros dropped, float arithmetic), so paths
** and images fall on the same pixels as before they were written here. */
static void put_real(struct buf *b, float v) {
    char digits[24], *t = digits + sizeof digits;
    int32_t ip, fp;
    int i, any = 0;
    if (v > 32767.0f) v = 32767.0f;
    else if (v < -32767.0f) v = -32767.0f;
    if (v < 0) { buf_putc(b, '-'); v = -v; }
    ip = (int32_t)(v + 0.000005f);
    fp = (int32_t)((float)(v - (float)ip + 0.000005f) * 100000);
    for (i = 0; i < 5; i++, fp /= 10) {        /* the decimals, trailing zeros dropped */
        if (fp % 10 || any) { *--t = (char)('0' + fp % 10); any = 1; }
    }
    if (any) *--t = '.';
    do { *--t = (char)('0' + ip % 10); ip /= 10; } while (ip > 0);
    buf_append(b, t, (size_t)(digits + sizeof digits - t));
}

/* n numbers as put_real writes them, separated by spaces, then op. */
static void put_reals(struct buf *b, const char *op, int n, ...) {
    va_list ap;
    int i;
    va_start(ap, n);
    for (i = 0; i < n; i++) {
        put_real(b, (float)va_arg(ap, double));
        buf_putc(b, ' ');
    }
    va_end(ap);
    buf_puts(b, op);
    buf_putc(b, '\n');
}

static void draw_path(struct buf *b, const struct dl_page *dp, const struct dl_path *path) {
    size_t i;
    buf_puts(b, "q\n");
    if (path->fill)
        put_reals(b, "rg", 3, path->fill_color.r, path->fill_color.g, path->fill_color.b);
    if (path->stroke) {
        put_reals(b, "RG", 3, path->stroke_color.r, path->stroke_color.g, path->stroke_color.b);
        put_reals(b, "w", 1, path->line_width);
        if (path->round_cap) buf_puts(b, "1 J\n");
    }
    for (i = 0; i < path->count; i++) {
        const struct dl_pathop *o = &dp->ops[path->first + i];
        switch (o->op) {
        case DL_MOVE:  put_reals(b, "m", 2, o->pt[0], o->pt[1]); break;
        case DL_LINE:  put_reals(b, "l", 2, o->pt[0], o->pt[1]); break;
        case DL_CURVE: put_reals(b, "c", 6, o->pt[0], o->pt[1], o->pt[2], o->pt[3], o->pt[4],
                                 o->pt[5]); break;
        case DL_CLOSE: buf_puts(b, "h\n"); break;
        }
    }
    buf_puts(b, path->fill && path->stroke ? "B\n" : path->fill ? "f\n" : path->stroke ? "S\n"
                                                                                : "n\n");
    buf_puts(b, "Q\n");
}

/* Heap of links waiting for their target page, nearest target on top. */
static void pending_push(struct pdf_ctx *ctx, const struct pending_link *l) {
    size_t i;
    if (ctx->npending == ctx->cappending) {
        ctx->cappending = ctx->cappending ? mem_mul(ctx->cappending, 2) : 16;
        ctx->pending = xreallocarray(ctx->pending, ctx->cappending, sizeof *ctx->pending,
                                     "links to later pages");
    }
    for (i = ctx->npending++; i > 0 && ctx->pending[(i - 1) / 2].target > l->target; i = (i - 1) / 2)
        ctx->pending[i] = ctx->pending[(i - 1) / 2];
    ctx->pending[i] = *l;
}

static struct pending_link pending_pop(struct pdf_ctx *ctx) {
    struct pending_link top = ctx->pending[0], last = ctx->pending[--ctx->npending];
    size_t i = 0, k;
    while ((k = 2 * i + 1) < ctx->npending) {
        if (k + 1 < ctx->npending && ctx->pending[k + 1].target < ctx->pending[k].target) k++;
        if (ctx->pending[k].target >= last.target) break;
        ctx->pending[i] = ctx->pending[k];
        i = k;
    }
    if (ctx->npending) ctx->pending[i] = last;
    return top;
}

/* A PDF literal string, bytes outside printable ASCII and the delimiters
** escaped in octal. */
static void put_literal(struct buf *b, const char *s) {
    buf_putc(b, '(');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c > 0x7E || c == '(' || c == ')' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, '0' + (c >> 6));
            buf_putc(b, '0' + ((c >> 3) & 7));
            buf_putc(b, '0' + (c & 7));
        } else {
            buf_putc(b, c);
        }
    }
    buf_putc(b, ')');
}

/* A link annotation: to a page (page != 0) at height y, or to a URI. */
static void write_link(struct pdf_ctx *ctx, uint32_t num, const float rect[4], uint32_t page,
                       float y, const char *uri) {
    struct buf *b = &ctx->file.out;
    pdf_file_begin(&ctx->file, num);
    buf_puts(b, "<< /Type /Annot /Subtype /Link /Rect [");
    put_reals(b, "] /Border [0 0 0]", 4, rect[0], rect[1], rect[2], rect[3]);
    if (uri) {
        buf_puts(b, "/A << /Type /Action /S /URI /URI ");
        put_literal(b, uri);
        buf_puts(b, " >>");
    } else {
        buf_puts(b, "/Dest [");
        pdf_put_ref(b, page);
        buf_puts(b, " /FitH ");
        put_real(b, y);
        buf_putc(b, ']');
    }
    buf_puts(b, " >>");
    pdf_file_end(&ctx->file);
}

/* The object of page `index`, written already. */
static uint32_t page_object(struct pdf_ctx *ctx, size_t index) {
    uint32_t num = 0;
    if (pdf_file_page(&ctx->file, index, &num, NULL) == RC_OK && num == 0)
        ctx->file.rc = rc_fail(ctx->err, RC_PDF, "page %zu has no PDF object", index + 1);
    return num;
}

/* Page `index` (object `page`) has its links at annots, annots + 1...:
** written now when their target is this page, an earlier one or a URI,
** else when the target arrives. */
static void write_links(struct pdf_ctx *ctx, const struct dl_page *dp, size_t index,
                        uint32_t page, uint32_t annots) {
    size_t i;
    for (i = 0; i < dp->nlinks; i++) {
        const struct dl_link *l = &dp->links[i];
        size_t target = l->page > 0 ? (size_t)l->page : 0;
        if (l->uri) {
            write_link(ctx, annots + (uint32_t)i, l->rect, 0, 0, l->uri);
        } else if (target <= index) {
            write_link(ctx, annots + (uint32_t)i, l->rect,
                       target == index ? page : page_object(ctx, target), l->dest_y, NULL);
        } else {
            struct pending_link p = { target, annots + (uint32_t)i, { 0 }, l->dest_y };
            memcpy(p.rect, l->rect, sizeof p.rect);
            pending_push(ctx, &p);
        }
    }
}

/* The links that waited for page `index` (object `page`), or, at the end,
** for pages past the last (a contents page whose pages never settled):
** they go to it. */
static void resolve_links(struct pdf_ctx *ctx, size_t index, uint32_t page, int last) {
    while (ctx->npending && (last || ctx->pending[0].target <= index)) {
        struct pending_link l = pending_pop(ctx);
        write_link(ctx, l.annot, l.rect, page, l.y, NULL);
    }
}

/* The file is read and validated again (doc/image.h), and libharu gets
** the bytes that were checked: libpng must never see a defect, and the
** file may have changed since the script added it. */
static struct loaded_image *load_image(struct pdf_ctx *ctx, const struct dl_image *im,
                                       int *invalid) {
    size_t i;
    HPDF_Image image;
    struct image_data data;
    struct loaded_image *li;
    for (i = 0; i < ctx->nimages; i++)
        if (strcmp(ctx->images[i].path, im->path) == 0) return &ctx->images[i];
    if (image_load(im->path, im->path, 0, &data, ctx->err) != RC_OK) {
        *invalid = 1;
        return NULL;
    }
    image = data.info.kind == IMAGE_JPEG ? HPDF_LoadJpegImageFromMem(ctx->pdf, data.bytes, (HPDF_UINT)data.len)
                                         : HPDF_LoadPngImageFromMem(ctx->pdf, data.bytes, (HPDF_UINT)data.len);
    image_data_free(&data);
    if (image == NULL) return NULL;
    if (ctx->res_images == NULL) {
        ctx->res_images = HPDF_Dict_New(ctx->pdf->mmgr);
        if (HPDF_Dict_Add(ctx->resources, "XObject", ctx->res_images) != HPDF_OK) return NULL;
    }
    ctx->images = xreallocarray(ctx->images, mem_add(ctx->nimages, 1), sizeof *ctx->images, "PDF images");
    li = &ctx->images[ctx->nimages++];
    li->path = xstrdup(im->path, "an image path");
    li->image = image;
    snprintf(li->res, sizeof li->res, "X%zu", ctx->nimages);
    HPDF_Dict_Add(ctx->res_images, li->res, image);
    return li;
}

static int draw_image(struct pdf_ctx *ctx, const struct dl_image *im) {
    int invalid = 0;
    struct loaded_image *li = load_image(ctx, im, &invalid);
    if (invalid) return RC_DATA;
    if (li == NULL || hpdf_failed(ctx, "loading an image")) {
        size_t n = strlen(ctx->err->msg);
        snprintf(ctx->err->msg + n, sizeof ctx->err->msg - n, ": %s", im->path);
        return RC_PDF;
    }
    buf_puts(&ctx->line, "q\n");
    put_reals(&ctx->line, "cm", 6, im->w, 0.0, 0.0, im->h, im->x, im->y);
    buf_putc(&ctx->line, '/');
    buf_puts(&ctx->line, li->res);
    buf_puts(&ctx->line, " Do\nQ\n");
    return RC_OK;
}

/* What libharu would refuse with only an error number (page sizes), or
** what a PDF should not hold (a string over 64 KB), said first with the
** value and the limit. */
static int check_page(struct pdf_ctx *ctx, const struct dl_page *dp, size_t number) {
    size_t i;
    if (!(dp->width >= HPDF_MIN_PAGE_SIZE && dp->width <= HPDF_MAX_PAGE_SIZE
          && dp->height >= HPDF_MIN_PAGE_SIZE && dp->height <= HPDF_MAX_PAGE_SIZE))
        return rc_fail(ctx->err, RC_DATA, "page %zu is %g x %g pt; a PDF page must be %d to %d pt "
                       "each way (the theme's page_width and page_height)", number,
                       (double)dp->width, (double)dp->height, HPDF_MIN_PAGE_SIZE, HPDF_MAX_PAGE_SIZE);
    for (i = 0; i < dp->nlinks; i++) {
        const char *uri = dp->links[i].uri;
        size_t n = uri ? strlen(uri) : 0;
        if (n > HPDF_LIMIT_MAX_STRING_LEN)
            return rc_fail(ctx->err, RC_DATA, "page %zu: a link URL of %zu bytes (%.40s...) is "
                           "longer than a PDF string reportc writes (%d bytes)", number, n, uri,
                           HPDF_LIMIT_MAX_STRING_LEN);
    }
    return RC_OK;
}

/* ---- content streams ------------------------------------------------------------ */

/* ctx->line, deflated, as the stream object `num`. */
static int write_content(struct pdf_ctx *ctx, uint32_t num) {
    size_t got = deflate_packed(ctx, ctx->line.data, ctx->line.len);
    if (got == 0)
        return rc_fail(ctx->err, RC_PDF, "deflating a page of %zu bytes", ctx->line.len);
    pdf_file_stream(&ctx->file, num, "/Filter /FlateDecode", ctx->packed.data, got);
    return ctx->file.rc;
}

/* ---- pages ---------------------------------------------------------------- */

/* A page's items as content operators, into ctx->line. */
static int draw_items(struct pdf_ctx *ctx, const struct dl_page *dp) {
    size_t i;
    int rc;
    ctx->line.len = 0;
    if ((rc = note_page(ctx, dp)) != RC_OK) return rc;
    for (i = 0; i < dp->nitems; i++) {
        const struct dl_item *it = &dp->items[i];
        if (it->kind == DL_ITEM_TEXT) draw_text(ctx, dp, &dp->texts[it->index]);
        else if (it->kind == DL_ITEM_PATH) draw_path(&ctx->line, dp, &dp->paths[it->index]);
        else if ((rc = draw_image(ctx, &dp->images[it->index])) != RC_OK) return rc;
    }
    return RC_OK;
}

/* How page i is labelled: as layout numbers it in the footers. */
static enum label_kind label_kind(const struct display *d, const struct dl_page *dp) {
    if (d->physical_numbers) return LABEL_NUMBER;
    return dp->kind == DL_PAGE_FRONT ? LABEL_ROMAN
         : dp->kind == DL_PAGE_COVER ? LABEL_COVER : LABEL_NUMBER;
}

/* A new label range where the kind of page changes. */
static void note_label(struct pdf_ctx *ctx, const struct display *d, const struct dl_page *dp,
                       size_t index) {
    enum label_kind kind = label_kind(d, dp);
    struct label_range *r;
    if (kind == LABEL_ROMAN) ctx->front++;
    if (kind == LABEL_NUMBER) ctx->body++;
    if (ctx->nlabels && ctx->labels[ctx->nlabels - 1].kind == kind) return;
    if (ctx->nlabels == ctx->caplabels) {
        ctx->caplabels = ctx->caplabels ? mem_mul(ctx->caplabels, 2) : 4;
        ctx->labels = xreallocarray(ctx->labels, ctx->caplabels, sizeof *ctx->labels, "page labels");
    }
    r = &ctx->labels[ctx->nlabels++];
    r->page = index;
    r->kind = kind;
    r->start = kind == LABEL_ROMAN ? ctx->front : ctx->body;
}

/* The page dictionary: no /Resources (the shared ones on the root are
** inherited), no /MediaBox unless its size differs from the first page's. */
static void write_page(struct pdf_ctx *ctx, const struct dl_page *dp, uint32_t num,
                       uint32_t parent, uint32_t content, uint32_t overlay, uint32_t annots) {
    struct buf *b = &ctx->file.out;
    size_t i;
    pdf_file_begin(&ctx->file, num);
    buf_puts(b, "<< /Type /Page /Parent ");
    pdf_put_ref(b, parent);
    buf_puts(b, overlay ? " /Contents [" : " /Contents ");
    pdf_put_ref(b, content);
    if (overlay) {
        buf_putc(b, ' ');
        pdf_put_ref(b, overlay);
        buf_putc(b, ']');
    }
    if (dp->width != ctx->width || dp->height != ctx->height) {
        buf_puts(b, " /MediaBox [0 0 ");
        put_reals(b, "]", 2, dp->width, dp->height);
    }
    if (dp->nlinks) {
        buf_puts(b, " /Annots [");
        for (i = 0; i < dp->nlinks; i++) {
            if (i) buf_putc(b, ' ');
            pdf_put_ref(b, annots + (uint32_t)i);
        }
        buf_putc(b, ']');
    }
    buf_puts(b, " >>");
    pdf_file_end(&ctx->file);
}

/* The display sink's page: drawn, deflated and written with its links;
** what the file must remember of it goes to the file's page records. */
static int sink_page(void *user, const struct display *d, size_t index, const struct dl_page *dp) {
    struct pdf_ctx *ctx = user;
    struct pdf_file *f = &ctx->file;
    uint32_t parent, page, content, overlay = 0, annots = 0;
    int rc;
    if (index != ctx->npages)
        return rc_fail(ctx->err, RC_PDF, "page %zu arrived as page %zu", index + 1, ctx->npages + 1);
    if ((rc = check_page(ctx, dp, index + 1)) != RC_OK) return rc;
    if (ctx->npages == 0) {
        ctx->width = dp->width;
        ctx->height = dp->height;
    }
    note_label(ctx, d, dp, index);
    if ((rc = draw_items(ctx, dp)) != RC_OK) return rc;
    parent = pdf_tree_parent(&ctx->tree, f);
    page = pdf_file_reserve(f);
    content = pdf_file_reserve(f);
    if (dp->late) overlay = pdf_file_reserve(f);
    if (dp->nlinks) annots = pdf_file_reserve_run(f, dp->nlinks);
    if (f->rc != RC_OK) return f->rc;
    if ((rc = write_content(ctx, content)) != RC_OK) return rc;
    write_page(ctx, dp, page, parent, content, overlay, annots);
    pdf_file_set_page(f, index, page, overlay);
    pdf_tree_add(&ctx->tree, f, page);
    ctx->npages++;
    resolve_links(ctx, index, page, 0);
    write_links(ctx, dp, index, page, annots);
    return f->rc;
}

/* The display sink's overlay: the page's second content stream, whose
** number its page dictionary holds already. */
static int sink_overlay(void *user, size_t index, const struct dl_page *dp) {
    struct pdf_ctx *ctx = user;
    uint32_t page, overlay = 0;
    int rc;
    if (index >= ctx->npages) return rc_fail(ctx->err, RC_PDF, "an overlay for page %zu of %zu",
                                             index + 1, ctx->npages);
    if ((rc = pdf_file_page(&ctx->file, index, &page, &overlay)) != RC_OK) return rc;
    if (overlay == 0)
        return rc_fail(ctx->err, RC_PDF, "an overlay for page %zu, which was written without one",
                       index + 1);
    if ((rc = draw_items(ctx, dp)) != RC_OK) return rc;
    return write_content(ctx, overlay);
}

/* ---- outline and info -------------------------------------------------------- */

/* UTF-8 as UTF-16BE with a byte order mark: a PDF text string (PDF 32000
** 7.9.2.2), since libharu 2.3.0 writes its own in PDFDocEncoding. */
static void text_utf16(const char *utf8, struct buf *out) {
    size_t i = 0, n = strlen(utf8);
    buf_put_u16be(out, 0xFEFF);
    while (i < n) {
        uint32_t cp;
        i += utf8_decode(utf8 + i, n - i, &cp);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            buf_put_u16be(out, (uint16_t)(0xD800 | (cp >> 10)));
            buf_put_u16be(out, (uint16_t)(0xDC00 | (cp & 0x3FF)));
        } else {
            buf_put_u16be(out, (uint16_t)cp);
        }
    }
}

static HPDF_Binary text_string(struct pdf_ctx *ctx, const char *utf8) {
    struct buf b;
    HPDF_Binary bin;
    buf_init(&b);
    text_utf16(utf8, &b);
    bin = HPDF_Binary_New(ctx->pdf->mmgr, b.data, (HPDF_UINT)b.len);
    buf_free(&b);
    return bin;
}

/* The same as a hex string, into the file. */
static void put_text_string(struct buf *out, const char *utf8) {
    struct buf b;
    size_t i;
    buf_init(&b);
    text_utf16(utf8, &b);
    buf_putc(out, '<');
    for (i = 0; i + 1 < b.len; i += 2)
        buf_put_hex4(out, (uint16_t)((unsigned char)b.data[i] << 8 | (unsigned char)b.data[i + 1]));
    buf_putc(out, '>');
    buf_free(&b);
}

/* One outline item's place in the tree, from the headings' levels; node
** n (after the n items) is the /Outlines dictionary, the items' root.
** -1: none. */
struct outline_node { long parent, first, last, prev, next; size_t count; };

/* A heading nests under the latest heading of a lower level (levels 1-7;
** level 0 is the root). */
static struct outline_node *outline_tree(const struct display *d) {
    long n = (long)d->noutlines, parents[8], i, k, up;
    struct outline_node *t = xcalloc((size_t)n + 1, sizeof *t, "the outline");
    for (i = 0; i <= n; i++) t[i].parent = t[i].first = t[i].last = t[i].prev = t[i].next = -1;
    parents[0] = n;
    for (k = 1; k < 8; k++) parents[k] = -1;
    for (i = 0; i < n; i++) {
        int lvl = d->outlines[i].level < 1 ? 1 : d->outlines[i].level > 7 ? 7 : d->outlines[i].level;
        long parent = -1;
        for (k = lvl - 1; parent < 0; k--) parent = parents[k];
        t[i].parent = parent;
        if (t[parent].last >= 0) { t[i].prev = t[parent].last; t[t[parent].last].next = i; }
        else t[parent].first = i;
        t[parent].last = i;
        for (up = parent; up >= 0; up = t[up].parent) t[up].count++;
        parents[lvl] = i;
        for (k = lvl + 1; k < 8; k++) parents[k] = -1;
    }
    return t;
}

/* /Outlines, every item open; returns its number, 0 when there is none.
** Item i is numbered root + 1 + i. */
static uint32_t write_outlines(struct pdf_ctx *ctx, const struct display *d) {
    static const char *const names[] = { " /Parent ", " /Prev ", " /Next ", " /First ", " /Last " };
    struct pdf_file *f = &ctx->file;
    struct buf *b = &f->out;
    struct outline_node *t;
    long i, n = (long)d->noutlines;
    uint32_t root;
    if (n == 0) return 0;
    t = outline_tree(d);
    root = pdf_file_reserve_run(f, (size_t)n + 1);
    for (i = 0; i <= n; i++) {
        long to[5] = { t[i].parent, t[i].prev, t[i].next, t[i].first, t[i].last };
        int k;
        pdf_file_begin(f, i == n ? root : root + 1 + (uint32_t)i);
        if (i == n) {
            buf_puts(b, "<< /Type /Outlines");
        } else {
            buf_puts(b, "<< /Title ");
            put_text_string(b, d->outlines[i].title);
        }
        for (k = 0; k < 5; k++) {
            if (to[k] < 0) continue;
            buf_puts(b, names[k]);
            pdf_put_ref(b, to[k] == n ? root : root + 1 + (uint32_t)to[k]);
        }
        if (t[i].count) {
            buf_puts(b, " /Count ");
            pdf_put_uint(b, t[i].count);
        }
        if (i < n) {
            const struct dl_outline *o = &d->outlines[i];
            buf_puts(b, " /Dest [");
            pdf_put_ref(b, page_object(ctx, o->page >= 0 && (size_t)o->page < ctx->npages
                                                ? (size_t)o->page : ctx->npages - 1));
            buf_puts(b, " /FitH ");
            put_real(b, o->y);
            buf_putc(b, ']');
        }
        buf_puts(b, " >>");
        pdf_file_end(f);
    }
    free(t);
    return root;
}

static void write_info(struct pdf_ctx *ctx, const struct pdf_info *info) {
    time_t t = (time_t)info->created;
    struct tm tm;
    HPDF_Date date;
    HPDF_SetInfoAttr(ctx->pdf, HPDF_INFO_CREATOR, "reportc");
    if (info->title) HPDF_Dict_Add(ctx->pdf->info, "Title", text_string(ctx, info->title));
    if (info->author) HPDF_Dict_Add(ctx->pdf->info, "Author", text_string(ctx, info->author));
    if (info->subject) HPDF_Dict_Add(ctx->pdf->info, "Subject", text_string(ctx, info->subject));
    gmtime_r(&t, &tm);
    memset(&date, 0, sizeof date);
    date.year = tm.tm_year + 1900;
    date.month = tm.tm_mon + 1;
    date.day = tm.tm_mday;
    date.hour = tm.tm_hour;
    date.minutes = tm.tm_min;
    date.seconds = tm.tm_sec;
    date.ind = 'Z';
    HPDF_SetInfoDateAttr(ctx->pdf, HPDF_INFO_CREATION_DATE, date);
    HPDF_SetInfoDateAttr(ctx->pdf, HPDF_INFO_MOD_DATE, date);
}

/* ---- compression ----------------------------------------------------------------- */

/* One memory stream of libharu's (an image) deflated: read out, deflated
** and handed back through set_deflated. */
static int deflate_stream(struct pdf_ctx *ctx, HPDF_Dict dict, struct buf *raw) {
    HPDF_UINT i, n = HPDF_MemStream_GetBufCount(dict->stream), len;
    size_t got;
    raw->len = 0;
    for (i = 0; i < n; i++) {
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(dict->stream, i, &len);
        if (p == NULL) return RC_PDF;
        buf_append(raw, p, len);
    }
    if ((got = deflate_packed(ctx, raw->data, raw->len)) == 0) return RC_PDF;
    return set_deflated(ctx, dict, ctx->packed.data, got) == 0 ? RC_OK : RC_PDF;
}

/* The one table of --compress's names.  Levels measured with `make bench`
** (README.md, "Speed"): 1 is the fastest, 12 the smallest. */
static const struct { const char *name; int level; } compress_levels[] = {
    { "fast", 1 }, { "default", PDF_COMPRESS_DEFAULT }, { "small", 12 },
};

int pdf_compress_level(const char *name) {
    size_t i;
    for (i = 0; i < sizeof compress_levels / sizeof compress_levels[0]; i++)
        if (strcmp(name, compress_levels[i].name) == 0) return compress_levels[i].level;
    return 0;
}

/* Deflate the streams libharu made and would deflate itself (images; page
** content, font programs and ToUnicode are deflated as they are made),
** with the one compressor: the font set's (font/program.h), which made
** the font programs, so a process sets one up, not two. */
static int deflate_streams(struct pdf_ctx *ctx) {
    HPDF_List entries = ctx->pdf->xref->entries;
    struct buf raw;
    HPDF_UINT i;
    int rc = RC_OK;
    buf_init(&raw);
    for (i = 0; i < entries->count && rc == RC_OK; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
        HPDF_Dict dict = e ? e->obj : NULL;
        if (dict == NULL || (dict->header.obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT
            || dict->stream == NULL || dict->stream->type != HPDF_STREAM_MEMORY
            || dict->filter != HPDF_STREAM_FILTER_FLATE_DECODE || dict->write_fn != NULL
            || dict->filterParams != NULL || HPDF_Stream_Size(dict->stream) == 0) continue;
        if (deflate_stream(ctx, dict, &raw) != RC_OK)
            rc = rc_fail(ctx->err, RC_PDF, "deflating a PDF stream of %u bytes",
                         (unsigned)raw.len);
    }
    buf_free(&raw);
    return rc;
}

/* ---- the document -------------------------------------------------------------- */

/* /PageLabels as the footers number the pages.  Physical numbering: 1, 2...
** from the first page.  Body numbering: covers are labelled 封面, front
** matter i, ii... and body pages 1, 2..., each counting its own kind of
** page, as the footers do.  Written by hand:
** HPDF_AddPageLabel has no label without a number. */
static void write_page_labels(struct pdf_ctx *ctx, const struct display *d) {
    HPDF_MMgr mmgr = ctx->pdf->mmgr;
    HPDF_Dict labels;
    HPDF_Array nums;
    size_t i;
    if (ctx->nlabels == 0 || (ctx->nlabels == 1 && ctx->labels[0].kind == LABEL_NUMBER
                              && !d->physical_numbers)) return;   /* PDF's default: 1, 2... */
    labels = HPDF_Dict_New(mmgr);
    nums = HPDF_Array_New(mmgr);
    if (labels == NULL || nums == NULL || HPDF_Dict_Add(labels, "Nums", nums) != HPDF_OK) return;
    for (i = 0; i < ctx->nlabels; i++) {
        const struct label_range *r = &ctx->labels[i];
        HPDF_Dict range = HPDF_Dict_New(mmgr);
        if (range == NULL) return;
        if (r->kind == LABEL_NUMBER) {
            HPDF_Dict_AddName(range, "S", "D");
            HPDF_Dict_AddNumber(range, "St", (HPDF_INT)r->start);
        } else if (r->kind == LABEL_ROMAN) {
            HPDF_Dict_AddName(range, "S", "r");
            HPDF_Dict_AddNumber(range, "St", (HPDF_INT)r->start);
        } else {
            HPDF_Dict_Add(range, "P", text_string(ctx, "封面"));
        }
        HPDF_Array_AddNumber(nums, (HPDF_INT)r->page);
        HPDF_Array_Add(nums, range);
    }
    if (HPDF_Xref_Add(ctx->pdf->xref, labels) == HPDF_OK) ctx->page_labels = labels;
}

/* ---- libharu's objects ---------------------------------------------------------- */

/* Everything libharu made but its catalog and page tree root (the file's
** are ours): numbered after the pages, then written by libharu one by
** one, its references following the new numbers (a reference is written
** from the object's header when its container is written). */
static int skipped(const struct pdf_ctx *ctx, const void *obj) {
    return obj == NULL || obj == (void *)ctx->pdf->catalog || obj == (void *)ctx->pdf->root_pages;
}

static void number_hpdf_objects(struct pdf_ctx *ctx) {
    HPDF_List entries = ctx->pdf->xref->entries;
    HPDF_UINT i;
    for (i = 1; i < entries->count; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
        HPDF_Obj_Header *h = e ? e->obj : NULL;
        if (skipped(ctx, h)) continue;
        h->obj_id = pdf_file_reserve(&ctx->file) | HPDF_OTYPE_INDIRECT;
        h->gen_no = 0;
    }
}

static uint32_t hpdf_number(const void *obj) {
    return obj ? ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFFu : 0;
}

static HPDF_STATUS hpdf_write(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT size) {
    struct pdf_ctx *ctx = stream->attr;
    pdf_file_write(&ctx->file, ptr, size);
    return ctx->file.rc == RC_OK ? HPDF_OK : HPDF_FILE_IO_ERROR;
}

static int write_hpdf_objects(struct pdf_ctx *ctx) {
    HPDF_List entries = ctx->pdf->xref->entries;
    HPDF_Stream out = HPDF_CallbackWriter_New(ctx->pdf->mmgr, hpdf_write, ctx);
    HPDF_UINT i;
    if (out == NULL) return hpdf_failed(ctx, "assembling the file") ? RC_PDF : RC_NOMEM;
    ctx->pdf->stream = out;       /* HPDF_Free frees it */
    for (i = 1; i < entries->count && ctx->file.rc == RC_OK; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
        if (e == NULL || skipped(ctx, e->obj)) continue;
        pdf_file_begin(&ctx->file, hpdf_number(e->obj));
        if (HPDF_Obj_WriteValue(e->obj, out, NULL) != HPDF_OK) break;
        pdf_file_end(&ctx->file);
    }
    if (ctx->file.rc != RC_OK) return ctx->file.rc;
    return hpdf_failed(ctx, "assembling the file") ? RC_PDF : RC_OK;
}

/* The root of the page tree gets the pages' shared resources and size. */
static uint32_t finish_tree(struct pdf_ctx *ctx) {
    struct buf entries;
    uint32_t root;
    buf_init(&entries);
    buf_puts(&entries, "/Resources ");
    pdf_put_ref(&entries, hpdf_number(ctx->resources));
    buf_puts(&entries, " /MediaBox [0 0 ");
    put_reals(&entries, "]", 2, ctx->width, ctx->height);
    buf_putc(&entries, 0);
    root = pdf_tree_finish(&ctx->tree, &ctx->file, (const char *)entries.data);
    buf_free(&entries);
    return root;
}

static uint32_t write_catalog(struct pdf_ctx *ctx, uint32_t pages, uint32_t outlines) {
    struct buf *b = &ctx->file.out;
    uint32_t num = pdf_file_reserve(&ctx->file);
    pdf_file_begin(&ctx->file, num);
    buf_puts(b, "<< /Type /Catalog /Pages ");
    pdf_put_ref(b, pages);
    if (outlines) {
        buf_puts(b, " /Outlines ");
        pdf_put_ref(b, outlines);
        buf_puts(b, " /PageMode /UseOutlines");
    }
    if (ctx->page_labels) {
        buf_puts(b, " /PageLabels ");
        pdf_put_ref(b, hpdf_number(ctx->page_labels));
    }
    buf_puts(b, " >>");
    pdf_file_end(&ctx->file);
    return num;
}

/* ---- the writer ---------------------------------------------------------------- */

struct pdf_writer { struct pdf_ctx ctx; };

/* A libharu document with the pages' shared resources. */
static int doc_start(struct pdf_ctx *ctx) {
    HPDF_Array procset;
    static const char *const procs[] = { "PDF", "Text", "ImageB", "ImageC", "ImageI" };
    size_t i;
    ctx->nfonts = fontset_nfaces(ctx->fs);
    ctx->fonts = xcalloc((size_t)ctx->nfonts, sizeof *ctx->fonts, "PDF fonts");
    ctx->pdf = HPDF_New(on_hpdf_error, ctx);
    if (ctx->pdf == NULL) return rc_fail(ctx->err, RC_NOMEM, "cannot start a PDF document");
    HPDF_SetCompressionMode(ctx->pdf, HPDF_COMP_ALL);
    ctx->resources = HPDF_Dict_New(ctx->pdf->mmgr);
    procset = HPDF_Array_New(ctx->pdf->mmgr);
    ctx->res_fonts = HPDF_Dict_New(ctx->pdf->mmgr);
    if (ctx->resources == NULL || procset == NULL || ctx->res_fonts == NULL) return RC_NOMEM;
    HPDF_Xref_Add(ctx->pdf->xref, ctx->resources);
    for (i = 0; i < sizeof procs / sizeof *procs; i++) HPDF_Array_AddName(procset, procs[i]);
    HPDF_Dict_Add(ctx->resources, "ProcSet", procset);
    HPDF_Dict_Add(ctx->resources, "Font", ctx->res_fonts);
    pdf_tree_reset(&ctx->tree);
    return hpdf_failed(ctx, "starting the document") ? RC_PDF : RC_OK;
}

static void doc_stop(struct pdf_ctx *ctx) {
    int i;
    size_t k;
    if (ctx->pdf) HPDF_Free(ctx->pdf);
    ctx->pdf = NULL;
    for (i = 0; i < ctx->nfonts; i++) {
        if (ctx->fonts[i].owner == NULL) font_subset_free(ctx->fonts[i].subset);
        free(ctx->fonts[i].slots);
        free(ctx->fonts[i].text);
    }
    free(ctx->fonts);
    ctx->fonts = NULL;
    ctx->nfonts = ctx->nfonts_used = 0;
    for (k = 0; k < ctx->nimages; k++) free(ctx->images[k].path);
    free(ctx->images);
    ctx->images = NULL;
    ctx->nimages = 0;
    free(ctx->pending);
    free(ctx->labels);
    ctx->pending = NULL;
    ctx->labels = NULL;
    ctx->npages = ctx->npending = ctx->cappending = 0;
    ctx->nlabels = ctx->caplabels = ctx->front = ctx->body = 0;
    ctx->resources = ctx->res_fonts = ctx->res_images = ctx->page_labels = NULL;
    ctx->hpdf_error = ctx->hpdf_detail = 0;
    ctx->hpdf_errno = 0;
}

/* The display sink's restart: the pages so far are forgotten. */
static int sink_restart(void *user) {
    struct pdf_ctx *ctx = user;
    int rc;
    doc_stop(ctx);
    if ((rc = pdf_file_reset(&ctx->file)) != RC_OK) return rc;
    return doc_start(ctx);
}

int pdf_begin(struct pdf_writer **out, struct fontset *fs, const struct pdf_info *info, int fd,
              const char *path, struct rc_err *err) {
    struct pdf_writer *w = xcalloc(1, sizeof *w, "the PDF writer");
    struct pdf_ctx *ctx = &w->ctx;
    int rc;
    *out = w;
    ctx->fs = fs;
    ctx->err = err;
    ctx->info = *info;
    ctx->file.xref = ctx->file.pages = -1;
    ctx->level = info->compress_level > 0 ? info->compress_level : PDF_COMPRESS_DEFAULT;
    buf_init(&ctx->line);
    buf_init(&ctx->packed);
    ctx->deflater = font_programs_deflater(fontset_programs(fs), ctx->level);
    if (ctx->deflater == NULL)
        return rc_fail(err, RC_NOMEM, "out of memory setting up compression");
    if ((rc = pdf_file_open(&ctx->file, fd, path, err)) != RC_OK) return rc;
    return doc_start(ctx);
}

void pdf_sink(struct pdf_writer *w, struct display_sink *sink) {
    sink->ctx = &w->ctx;
    sink->page = sink_page;
    sink->overlay = sink_overlay;
    sink->restart = sink_restart;
}

/* After the last page: the links still waiting, then libharu's objects
** (fonts, info, labels) numbered, the page tree's open nodes, the
** outline, the catalog, libharu's objects written, and the table. */
static int finish(struct pdf_ctx *ctx, const struct display *d) {
    int face, rc = RC_OK;
    uint32_t pages, outlines, catalog;
    if (ctx->npages == 0) return rc_fail(ctx->err, RC_PDF, "the document has no pages");
    resolve_links(ctx, ctx->npages - 1, page_object(ctx, ctx->npages - 1), 1);
    for (face = 0; face < ctx->nfonts && rc == RC_OK; face++)
        if (ctx->fonts[face].subset) rc = font_build(ctx, face);
    if (rc != RC_OK) return rc;
    write_info(ctx, &ctx->info);
    write_page_labels(ctx, d);
    if (hpdf_failed(ctx, "finishing the document")) return RC_PDF;
    if ((rc = deflate_streams(ctx)) != RC_OK) return rc;
    number_hpdf_objects(ctx);
    pages = finish_tree(ctx);
    outlines = write_outlines(ctx, d);
    catalog = write_catalog(ctx, pages, outlines);
    if ((rc = write_hpdf_objects(ctx)) != RC_OK) return rc;
    return pdf_file_finish(&ctx->file, catalog, hpdf_number(ctx->pdf->info));
}

/* " writing out.pdf" after a libharu error. */
static int name_output(struct pdf_ctx *ctx, int rc) {
    if (rc != RC_OK && ctx->err->code == RC_PDF && !strstr(ctx->err->msg, ctx->file.path)) {
        size_t n = strlen(ctx->err->msg);
        snprintf(ctx->err->msg + n, sizeof ctx->err->msg - n, " writing %s", ctx->file.path);
    }
    return rc;
}

int pdf_end(struct pdf_writer *w, const struct display *d) {
    return name_output(&w->ctx, finish(&w->ctx, d));
}

void pdf_free(struct pdf_writer *w) {
    struct pdf_ctx *ctx;
    if (w == NULL) return;
    ctx = &w->ctx;
    doc_stop(ctx);
    pdf_file_close(&ctx->file);
    buf_free(&ctx->line);
    buf_free(&ctx->packed);
    free(w);
}

/*
** pdf.h: writing a display list's pages as a PDF as layout finishes
** them, libharu making the objects that are not pages.  pdf.c is the
** only file that includes hpdf.h.
**
** Fonts are ours, not libharu's: each face the document uses becomes a
** Type0 font (Identity-H) over a CIDFontType2 (FontFile2, CIDs equal to
** subset glyph ids) or a CIDFontType0 (FontFile3, CIDs the source glyph
** ids) over our subset (font/subset.h), widths from our reader, and an
** exact ToUnicode CMap.  libharu 2.3.0's own TrueType path
** draws large CJK fonts wrong, so it is never used.
*/
#ifndef PDF_H
#define PDF_H

#include "../base/rc.h"
#include "../display/display.h"
#include "../font/fontset.h"

struct pdf_info {
    const char *title, *author, *subject;   /* UTF-8, may be NULL */
    long long created;                      /* Unix time, UTC */
    int compress_level;                     /* libdeflate 1-12; 0: the default */
};

#define PDF_COMPRESS_DEFAULT 6
#define PDF_COMPRESS_NAMES "fast, default or small"

/* The level of --compress=NAME (fast, default, small); 0 for another name. */
int pdf_compress_level(const char *name);

/* A PDF written page by page to `fd`, a file the caller opened and will
** fsync and rename into place; `path` (the final output) names it in
** errors, and the unlinked scratch files of the file's index (pdf/file.h)
** are made in its folder.  Every write is checked, so a full disk or a
** file size limit is an error naming the cause.  libharu's errors come
** back as causes ("page height 0 pt is outside 3 to 14400"), not numbers.
** pdf_free whatever pdf_begin returned. */
struct pdf_writer;

int pdf_begin(struct pdf_writer **w, struct fontset *fs, const struct pdf_info *info, int fd,
              const char *path, struct rc_err *err);
/* The sink a display hands its finished pages to (display.h). */
void pdf_sink(struct pdf_writer *w, struct display_sink *sink);
/* After the last page: fonts, outlines (d's), page labels, and the file. */
int pdf_end(struct pdf_writer *w, const struct display *d);
void pdf_free(struct pdf_writer *w);

#endif

/*
** file.h: the PDF file's frame, written as it goes: the header, numbered
** objects one after another, the cross-reference table and the trailer.
**
** libharu 2.3.0 holds every object it makes until HPDF_SaveToStream
** writes them all at once, and has no incremental save: a document of
** 30,000 pages kept 30,000 page dictionaries, content streams and their
** proxies in memory (about 3 KB a page) until the end.  Here an object is
** written the moment it is complete, and what the file must remember of
** it goes to scratch files, not memory: each object's offset (its 20-byte
** cross-reference line, at 20 x its number) and each page's object
** numbers (for links back to it, outlines and its late overlay).  So
** memory does not grow with the pages.  libharu still makes the objects
** that are not pages (fonts, images, info, page labels): pdf.c numbers
** them here at the end and has libharu write each one.
*/
#ifndef PDF_FILE_H
#define PDF_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "../base/buf.h"
#include "../base/rc.h"

/* PDF 32000-1:2008, Annex C: the most indirect objects a reader must take. */
#define PDF_FILE_MAX_OBJECTS 8388607u

struct pdf_file {
    int fd;                 /* the output (a temporary file the caller renames) */
    const char *path;       /* the final output, for errors */
    struct rc_err *err;
    struct buf out;         /* what is on its way to fd */
    uint64_t flushed;       /* bytes already in fd */
    int rc;                 /* the first failure; later writes are dropped */
    int xref, pages;        /* scratch files: cross-reference lines; page records */
    uint32_t next;          /* the next object number */
    uint32_t written;       /* objects written so far */
};

/* Set up f for the output fd (path names it in errors) with its scratch
** files in path's folder, and write the header. */
int pdf_file_open(struct pdf_file *f, int fd, const char *path, struct rc_err *err);
void pdf_file_close(struct pdf_file *f);
/* Forget everything written: the output is empty again but for the header. */
int pdf_file_reset(struct pdf_file *f);

/* A number for an object to be written later; 0 (with f->rc set) past
** PDF_FILE_MAX_OBJECTS. */
uint32_t pdf_file_reserve(struct pdf_file *f);
/* n consecutive numbers (n > 0): the first. */
uint32_t pdf_file_reserve_run(struct pdf_file *f, size_t n);

/* An unsigned number, and an object reference "num 0 R", as PDF text
** (for every object the file writes: numbers without printf). */
void pdf_put_uint(struct buf *b, uint64_t v);
void pdf_put_ref(struct buf *b, uint32_t num);
/* Object `num` starts here: its offset noted, "num 0 obj" written.  Its
** body goes to f->out (buf.h), then pdf_file_end. */
void pdf_file_begin(struct pdf_file *f, uint32_t num);
void pdf_file_end(struct pdf_file *f);
/* Bytes of the current object (libharu's writes come through here). */
void pdf_file_write(struct pdf_file *f, const void *data, size_t len);
/* A stream object: dictionary entries `dict` (may be empty), then data. */
void pdf_file_stream(struct pdf_file *f, uint32_t num, const char *dict, const void *data,
                     size_t len);

/* What the file remembers of page `index` (from 0): its object number and
** its overlay's (0: none). */
void pdf_file_set_page(struct pdf_file *f, size_t index, uint32_t object, uint32_t overlay);
int pdf_file_page(struct pdf_file *f, size_t index, uint32_t *object, uint32_t *overlay);

/* The cross-reference table and trailer: every number reserved must have
** been written.  Returns f->rc. */
int pdf_file_finish(struct pdf_file *f, uint32_t root, uint32_t info);

#endif

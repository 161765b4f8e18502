/*
** file.c: the PDF file's frame (file.h).  Writes are buffered and go to
** the output in chunks, each checked; the first failure sticks in f->rc
** and the rest are dropped, so callers check once, at the end of a page
** or of the file.
*/
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "file.h"
#include "../base/fsutil.h"

enum { FILE_CHUNK = 1 << 16, XREF_LINE = 20, PAGE_RECORD = 8 };

/* libharu's header for PDF 1.3, with the binary comment line that tells
** transfer programs the file is binary. */
static const char HEADER[] = "%PDF-1.3\n%\267\276\255\252\n";

void pdf_put_uint(struct buf *b, uint64_t v) {
    char digits[24], *t = digits + sizeof digits;
    do { *--t = (char)('0' + v % 10); v /= 10; } while (v > 0);
    buf_append(b, t, (size_t)(digits + sizeof digits - t));
}

void pdf_put_ref(struct buf *b, uint32_t num) {
    pdf_put_uint(b, num);
    buf_puts(b, " 0 R");
}

static int fail_io(struct pdf_file *f, const char *what) {
    if (f->rc == RC_OK)
        f->rc = rc_fail(f->err, RC_IO, "%s: the scratch file of %s: %s", f->path, what,
                        strerror(errno ? errno : EIO));
    return f->rc;
}

static void flush(struct pdf_file *f) {
    if (f->rc == RC_OK && f->out.len)
        f->rc = fs_write_all(f->fd, f->out.data, f->out.len, f->path, f->err);
    f->flushed += f->out.len;
    f->out.len = 0;
}

static int pwrite_all(int fd, const void *data, size_t len, uint64_t at) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return 0;
}

static int pread_all(int fd, void *data, size_t len, uint64_t at) {
    char *p = data;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) { memset(p, 0, len); return 0; }   /* never written: zeros */
        p += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return 0;
}

static void start(struct pdf_file *f) {
    f->next = 1;
    f->written = 0;
    f->flushed = 0;
    f->out.len = 0;
    buf_append(&f->out, HEADER, sizeof HEADER - 1);
}

int pdf_file_open(struct pdf_file *f, int fd, const char *path, struct rc_err *err) {
    int rc;
    memset(f, 0, sizeof *f);
    f->fd = fd;
    f->path = path;
    f->err = err;
    f->xref = f->pages = -1;
    buf_init(&f->out);
    if ((rc = fs_scratch_beside(path, &f->xref, err)) != RC_OK
        || (rc = fs_scratch_beside(path, &f->pages, err)) != RC_OK)
        return rc;
    start(f);
    return RC_OK;
}

void pdf_file_close(struct pdf_file *f) {
    if (f->xref >= 0) close(f->xref);
    if (f->pages >= 0) close(f->pages);
    f->xref = f->pages = -1;
    buf_free(&f->out);
}

int pdf_file_reset(struct pdf_file *f) {
    if (f->rc != RC_OK) return f->rc;
    if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0)
        return f->rc = rc_fail(f->err, RC_IO, "%s: cannot start again: %s", f->path, strerror(errno));
    if (ftruncate(f->xref, 0) != 0 || ftruncate(f->pages, 0) != 0)
        return fail_io(f, "the PDF's index");
    start(f);
    return RC_OK;
}

uint32_t pdf_file_reserve(struct pdf_file *f) {
    if (f->next > PDF_FILE_MAX_OBJECTS) {
        if (f->rc == RC_OK)
            f->rc = rc_fail(f->err, RC_DATA, "%s: the document needs more than %u PDF objects, "
                            "the most a PDF reader must accept", f->path, PDF_FILE_MAX_OBJECTS);
        return 0;
    }
    return f->next++;
}

uint32_t pdf_file_reserve_run(struct pdf_file *f, size_t n) {
    uint32_t first = pdf_file_reserve(f);
    while (--n > 0) pdf_file_reserve(f);
    return first;
}

void pdf_file_begin(struct pdf_file *f, uint32_t num) {
    char line[XREF_LINE + 1];
    uint64_t at = f->flushed + f->out.len, v = at;
    int i;
    if (f->rc != RC_OK || num == 0) return;
    if (at >= 10000000000ull) {     /* ten digits: the table's fixed width */
        f->rc = rc_fail(f->err, RC_DATA, "%s: a PDF over 10 GB cannot have a cross-reference "
                        "table", f->path);
        return;
    }
    for (i = 9; i >= 0; i--, v /= 10) line[i] = (char)('0' + v % 10);
    memcpy(line + 10, " 00000 n\r\n", 10);
    if (pwrite_all(f->xref, line, XREF_LINE, (uint64_t)num * XREF_LINE) != 0) {
        fail_io(f, "the PDF's index");
        return;
    }
    pdf_put_uint(&f->out, num);
    buf_puts(&f->out, " 0 obj\n");
}

void pdf_file_end(struct pdf_file *f) {
    buf_puts(&f->out, "\nendobj\n");
    f->written++;
    if (f->out.len >= FILE_CHUNK) flush(f);
}

void pdf_file_write(struct pdf_file *f, const void *data, size_t len) {
    buf_append(&f->out, data, len);
    if (f->out.len >= FILE_CHUNK) flush(f);
}

void pdf_file_stream(struct pdf_file *f, uint32_t num, const char *dict, const void *data,
                     size_t len) {
    pdf_file_begin(f, num);
    buf_puts(&f->out, "<< /Length ");
    pdf_put_uint(&f->out, len);
    if (*dict) buf_putc(&f->out, ' ');
    buf_puts(&f->out, dict);
    buf_puts(&f->out, " >>\nstream\r\n");
    pdf_file_write(f, data, len);
    buf_puts(&f->out, "\r\nendstream");
    pdf_file_end(f);
}

static void put_u32le(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32le(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void pdf_file_set_page(struct pdf_file *f, size_t index, uint32_t object, uint32_t overlay) {
    unsigned char rec[PAGE_RECORD];
    if (f->rc != RC_OK) return;
    put_u32le(rec, object);
    put_u32le(rec + 4, overlay);
    if (pwrite_all(f->pages, rec, sizeof rec, (uint64_t)index * PAGE_RECORD) != 0)
        fail_io(f, "the PDF's pages");
}

int pdf_file_page(struct pdf_file *f, size_t index, uint32_t *object, uint32_t *overlay) {
    unsigned char rec[PAGE_RECORD];
    if (f->rc != RC_OK) return f->rc;
    if (pread_all(f->pages, rec, sizeof rec, (uint64_t)index * PAGE_RECORD) != 0)
        return fail_io(f, "the PDF's pages");
    *object = get_u32le(rec);
    if (overlay) *overlay = get_u32le(rec + 4);
    return RC_OK;
}

/* The table: object 0 heads the free list; every other line was written
** by pdf_file_begin at 20 x its number. */
static void write_xref(struct pdf_file *f) {
    char chunk[XREF_LINE * 2048];
    uint64_t at = XREF_LINE, end = (uint64_t)f->next * XREF_LINE;
    buf_puts(&f->out, "xref\n0 ");
    pdf_put_uint(&f->out, f->next);
    buf_puts(&f->out, "\n0000000000 65535 f\r\n");
    while (at < end && f->rc == RC_OK) {
        size_t n = end - at < sizeof chunk ? (size_t)(end - at) : sizeof chunk;
        if (pread_all(f->xref, chunk, n, at) != 0) {
            fail_io(f, "the PDF's index");
            return;
        }
        pdf_file_write(f, chunk, n);
        at += n;
    }
}

int pdf_file_finish(struct pdf_file *f, uint32_t root, uint32_t info) {
    uint64_t start_xref;
    if (f->rc == RC_OK && f->written != f->next - 1)
        f->rc = rc_fail(f->err, RC_PDF, "%s: %u PDF objects numbered, %u written",
                        f->path, f->next - 1, f->written);
    if (f->rc != RC_OK) return f->rc;
    start_xref = f->flushed + f->out.len;
    write_xref(f);
    buf_puts(&f->out, "trailer\n<< /Size ");
    pdf_put_uint(&f->out, f->next);
    buf_puts(&f->out, " /Root ");
    pdf_put_ref(&f->out, root);
    if (info) {
        buf_puts(&f->out, " /Info ");
        pdf_put_ref(&f->out, info);
    }
    buf_puts(&f->out, " >>\nstartxref\n");
    pdf_put_uint(&f->out, start_xref);
    buf_puts(&f->out, "\n%%EOF\n");
    flush(f);
    return f->rc;
}

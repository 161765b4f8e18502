/*
** markup.c: parsing the inline markup into styled runs.
**
** A single pass over the bytes: plain text accumulates into the current
** run; a marker flushes it and toggles a style or reads a whole code,
** link or footnote span.  UTF-8 passes through untouched: every marker is
** ASCII, and no UTF-8 continuation byte is ASCII.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "markup.h"
#include "../base/buf.h"
#include "../base/mem.h"

struct parser {
    const char *s;
    size_t i, n;
    int style;
    struct buf text;
    struct markup *out;
    char *err;
    size_t errsize;
};

static char *dup_n(const char *s, size_t n) {
    return xstrndup(s, n, "markup text");
}

static void push_run(struct markup *m, char *text, int style, char *url, char *note) {
    struct markup_run *r;
    if (m->nruns == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->runs = xreallocarray(m->runs, m->cap, sizeof *m->runs, "markup runs");
    }
    r = &m->runs[m->nruns++];
    r->text = text;
    r->style = style;
    r->url = url;
    r->note = note;
}

static void flush(struct parser *p) {
    if (p->text.len == 0) return;
    push_run(p->out, dup_n((const char *)p->text.data, p->text.len), p->style, NULL, NULL);
    p->text.len = 0;
}

static int fail(struct parser *p, const char *what) {
    snprintf(p->err, p->errsize, "%s at character %zu of the text", what, p->i + 1);
    return -1;
}

/* Bytes up to the closing `close` (backslash escapes honoured); the
** content is unescaped into *out.  Returns the index after the closer, or
** 0 if there is none. */
static size_t read_until(const struct parser *p, size_t from, char close, struct buf *out) {
    size_t i;
    for (i = from; i < p->n; i++) {
        if (p->s[i] == '\\' && i + 1 < p->n) { buf_putc(out, p->s[++i]); continue; }
        if (p->s[i] == close) return i + 1;
        buf_putc(out, p->s[i]);
    }
    return 0;
}

static int span(struct parser *p, size_t from, char close, int style, const char *what) {
    struct buf b;
    size_t end;
    buf_init(&b);
    end = read_until(p, from, close, &b);
    if (end == 0) { buf_free(&b); return fail(p, what); }
    flush(p);
    push_run(p->out, dup_n((const char *)b.data, b.len), p->style | style, NULL, NULL);
    buf_free(&b);
    p->i = end;
    return 0;
}

static int link(struct parser *p) {
    struct buf text, url;
    size_t mid, end;
    buf_init(&text);
    buf_init(&url);
    mid = read_until(p, p->i + 1, ']', &text);
    if (mid == 0 || mid >= p->n || p->s[mid] != '(' ||
        (end = read_until(p, mid + 1, ')', &url)) == 0) {
        buf_free(&text);
        buf_free(&url);
        return fail(p, "a link needs the form [text](url)");
    }
    flush(p);
    push_run(p->out, dup_n((const char *)text.data, text.len), p->style,
             dup_n((const char *)url.data, url.len), NULL);
    buf_free(&text);
    buf_free(&url);
    p->i = end;
    return 0;
}

/* A footnote keeps its text as written, escapes included: the note is
** itself marked-up text, parsed again when it is set. */
static int footnote(struct parser *p) {
    size_t i, from = p->i + 2;
    for (i = from; i < p->n; i++) {
        if (p->s[i] == '\\' && i + 1 < p->n) { i++; continue; }
        if (p->s[i] == ']') break;
    }
    if (i >= p->n) return fail(p, "unclosed footnote ^[...");
    flush(p);
    push_run(p->out, dup_n("", 0), p->style, NULL, dup_n(p->s + from, i - from));
    p->i = i + 1;
    return 0;
}

static int step(struct parser *p) {
    char c = p->s[p->i], next = p->i + 1 < p->n ? p->s[p->i + 1] : '\0';
    if (c == '\\' && next) { buf_putc(&p->text, next); p->i += 2; return 0; }
    if (c == '*' && next == '*') { flush(p); p->style ^= MK_BOLD; p->i += 2; return 0; }
    if (c == '*') { flush(p); p->style ^= MK_EMPH; p->i++; return 0; }
    if (c == '`') return span(p, p->i + 1, '`', MK_CODE, "unclosed ` (inline code)");
    if (c == '[') return link(p);
    if (c == '^' && next == '[') return footnote(p);
    buf_putc(&p->text, c);
    p->i++;
    return 0;
}

int markup_parse(const char *src, struct markup *out, char *errbuf, size_t errsize) {
    struct parser p;
    memset(&p, 0, sizeof p);
    memset(out, 0, sizeof *out);
    p.s = src;
    p.n = strlen(src);
    p.out = out;
    p.err = errbuf;
    p.errsize = errsize;
    buf_init(&p.text);
    while (p.i < p.n)
        if (step(&p) != 0) { buf_free(&p.text); markup_free(out); return -1; }
    flush(&p);
    buf_free(&p.text);
    if (p.style & MK_BOLD) { markup_free(out); return fail(&p, "unclosed ** (bold)"); }
    if (p.style & MK_EMPH) { markup_free(out); return fail(&p, "unclosed * (emphasis)"); }
    return 0;
}

void markup_free(struct markup *m) {
    size_t i;
    for (i = 0; i < m->nruns; i++) {
        free(m->runs[i].text);
        free(m->runs[i].url);
        free(m->runs[i].note);
    }
    free(m->runs);
    memset(m, 0, sizeof *m);
}
